"""Scenario sweeps: parameter grids run on any Executor, resumable results in SQLite.

A spec (TOML or dict) gives a base scenario, a ``[grid]`` of dotted keys (cartesian,
and ``[[grid.zip]]`` groups that vary together) and what to compute per point.
:func:`run_sweep` runs the points not yet in the store on a serial, process-pool or
Dask executor; each point's seed comes from the spec's seed and its index only, so
every executor gives the same results.
"""

from cxqueue.sweep.compute import POINT_FUNCTIONS, register, resolve
from cxqueue.sweep.executors import DaskExecutor, SerialExecutor, as_executor, make_executor, process_executor
from cxqueue.sweep.run import SweepResult, run_sweep
from cxqueue.sweep.spec import Point, SweepSpec, load_spec, override
from cxqueue.sweep.store import PointRecord, ResultStore, load_table

__all__ = [
    "POINT_FUNCTIONS",
    "DaskExecutor",
    "Point",
    "PointRecord",
    "ResultStore",
    "SerialExecutor",
    "SweepResult",
    "SweepSpec",
    "as_executor",
    "load_spec",
    "load_table",
    "make_executor",
    "override",
    "process_executor",
    "register",
    "resolve",
    "run_sweep",
]
