"""Discrete-event simulation of a contact center: lines, IVR, queue, agents on shifts,
opening hours, abandonment, redials and callbacks.

`simulate` runs replications with common random numbers on one of two engines that
implement the same model on the same pre-sampled callers: ``"simpy"`` (the readable
reference, `cxqueue.sim.engine`) and ``"fast"`` (a numba event loop,
`cxqueue.sim.fast`). Results are `SimulationResult` objects (`cxqueue.sim.kpis`); the
call log uses `CALL_DTYPE` and `Outcome` codes (`cxqueue.sim.records`). `warm_up` compiles
the fast engine in a child process while the caller does other work.

A multi-skill center (several call types, agent groups with skills, routing;
`cxqueue.scenario.MultiSkillScenario`) is simulated by `cxqueue.sim.multiskill`
(``simulate_multiskill``), loaded on its own import.
"""

from cxqueue.sim.arrivals import Callers, sample_callers
from cxqueue.sim.kpis import Backlog, Estimate, KPIs, SimulationResult
from cxqueue.sim.records import CALL_DTYPE, Outcome
from cxqueue.sim.runner import simulate
from cxqueue.sim.warmup import warm_up

__all__ = [
    "CALL_DTYPE",
    "Backlog",
    "Callers",
    "Estimate",
    "KPIs",
    "Outcome",
    "SimulationResult",
    "sample_callers",
    "simulate",
    "warm_up",
]
