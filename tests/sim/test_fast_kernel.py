"""The fast engine's kernel and its driver: one signature, and growth.

The driver (`cxqueue.sim.fast`) coerces every argument to `_kernels.SIGNATURE`, so that
numba compiles the kernel once whatever the callers' arrays look like; it grows the
kernel's arrays when asked, which must not change any answer.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from cxqueue.sim import _kernels, fast, sample_callers, simulate
from cxqueue.sim.arrivals import _TABLES
from cxqueue.sim.records import WAIT_EDGES_S
from tests.conftest import needs_jit
from tests.sim import scenarios

SCENARIOS = ("busy_day", "callback_center", "shift_change", "weekly", "reserve_center")


def _read_only(callers):
    """The same callers with every array read-only (as a memory-mapped file would give)."""
    arrays = {name: np.array(getattr(callers, name)) for name in ("arrival_s", "cls", *_TABLES)}
    for a in arrays.values():
        a.setflags(write=False)
    return replace(callers, **arrays)


def _counting_codes(monkeypatch) -> list[int]:
    """Record every code `_kernels.step` returns to the driver."""
    codes: list[int] = []
    step = _kernels.step

    def counting(*args):
        codes.append(int(step(*args)))
        return codes[-1]

    monkeypatch.setattr(fast.k, "step", counting)
    return codes


def test_bin_is_searchsorted_left():
    edges = np.array(WAIT_EDGES_S)
    w = np.concatenate([edges[1:-1], edges[1:-1] + 1e-9, edges[1:-1] - 1e-9, [1e-12, 0.5, 7e4, 1e6, np.inf]])
    got = [_kernels._bin(edges, x) for x in w]
    assert got == np.searchsorted(edges, w).tolist()


@pytest.mark.parametrize("name", SCENARIOS)
def test_growing_every_array_changes_no_answer(name, monkeypatch):
    sc = getattr(scenarios, name)()
    if name == "busy_day":
        sc = sc.replace(agents=np.minimum(sc.agents, 3))  # few agents, many waiting: the heap grows
    callers = sample_callers(sc, 3)
    ref = fast.run_fast(sc, callers, record=True)
    codes = _counting_codes(monkeypatch)
    monkeypatch.setattr(fast, "_CAP", 2)  # two rows of everything: every array grows, many times
    small = fast.run_fast(sc, callers, record=True)
    grown = {_kernels.GROW_SLOTS, _kernels.GROW_QUEUES, _kernels.GROW_LOG}
    assert grown | ({_kernels.GROW_HEAP} if name == "busy_day" else set()) <= set(codes)
    assert codes[-1] == _kernels.DONE and codes.count(_kernels.DONE) == 1
    for field in ("counts", "time_s", "wait_hist", "backlog"):
        np.testing.assert_array_equal(getattr(small, field), getattr(ref, field), err_msg=field)
    for col in ref.calls.dtype.names:
        np.testing.assert_array_equal(small.calls[col], ref.calls[col], err_msg=col)


@needs_jit
def test_one_signature_whatever_the_inputs():
    for name in SCENARIOS:
        sc = getattr(scenarios, name)()
        simulate(sc, replications=2, seed=1, engine="fast", record_calls=True)
        simulate(sc, replications=1, seed=2, engine="fast")
        callers = sample_callers(sc, 5)
        a = fast.run_fast(sc, callers, record=True)
        b = fast.run_fast(sc, _read_only(callers), record=True)
        np.testing.assert_array_equal(a.counts, b.counts)
    sc = scenarios.shift_change()
    simulate(sc, replications=2, seed=1, engine="fast", arrival_s=[5.0, 60.0, 61.0])
    assert _kernels.step.signatures == [_kernels.SIGNATURE]
