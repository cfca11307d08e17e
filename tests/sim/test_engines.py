"""The simpy reference and the numba fast engine agree; common random numbers hold.

Both engines consume the same pre-sampled callers, so on the same seed they must
produce the same call log, attempt by attempt (times to 1e-7 s), on scenarios that
exercise lines, redials, shifts, hours, IVR, priorities and callbacks. A second check is
statistical in the usual sense: independent seeds, totals within their joint interval.
"""

from __future__ import annotations

import numpy as np
import pytest

from cxqueue.sim import Outcome, sample_callers, simulate
from tests.sim import scenarios

SCENARIOS = {
    "busy_day": scenarios.busy_day,  # lines, IVR, hours, shifts, three kinds of redials
    "callback_center": scenarios.callback_center,  # callbacks, priority, day factor, hours
    "shift_change": scenarios.shift_change,  # shift end mid-call, blocking, backlog
    "weekly": scenarios.weekly,  # a week, weekend hours, empirical handle, lines, redials
    "reserve_center": scenarios.reserve_center,  # reserve agents, priority, lines, a shift change
}


def _same_log(a: np.ndarray, b: np.ndarray) -> None:
    assert a.size == b.size
    for name in a.dtype.names:
        if a[name].dtype.kind == "f":
            np.testing.assert_allclose(a[name], b[name], rtol=0, atol=1e-7, err_msg=name)
        else:
            np.testing.assert_array_equal(a[name], b[name], err_msg=name)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_engines_agree_call_by_call(name):
    sc = SCENARIOS[name]()
    fast = simulate(sc, replications=2, seed=7, engine="fast", record_calls=True)
    ref = simulate(sc, replications=2, seed=7, engine="simpy", record_calls=True)
    _same_log(fast.calls, ref.calls)
    for kpi in ("offered", "answered", "sl_offered", "sl_virtual", "asa_s", "wait_p90_s", "occupancy",
                "lines_in_use", "agents"):  # fmt: skip
        np.testing.assert_allclose(getattr(fast.totals, kpi).mean, getattr(ref.totals, kpi).mean, rtol=1e-9)
        np.testing.assert_allclose(getattr(fast, kpi).mean, getattr(ref, kpi).mean, rtol=1e-9, atol=1e-9)
    for field in ("in_queue", "in_ivr", "callbacks_pending", "in_service", "redials_pending"):
        assert float(getattr(fast.backlog, field).mean) == float(getattr(ref.backlog, field).mean)
    # every feature of the scenario actually happened
    outcomes = set(np.unique(fast.calls["outcome"]).tolist())
    expected = {"busy_day": {Outcome.BLOCKED, Outcome.CLOSED, Outcome.IVR, Outcome.ABANDONED},
                "callback_center": {Outcome.CALLBACK, Outcome.CALLBACK_FAILED, Outcome.CLOSED},
                "shift_change": {Outcome.BLOCKED, Outcome.BACKLOG},
                "weekly": {Outcome.BLOCKED, Outcome.CLOSED, Outcome.ABANDONED},
                "reserve_center": {Outcome.ABANDONED}}[name]  # fmt: skip
    assert {int(o) for o in expected} <= outcomes
    assert fast.calls["attempt"].max() >= 2  # redials happened


@pytest.mark.parametrize("name", ["busy_day", "weekly", "callback_center", "reserve_center"])
def test_engines_agree_statistically_on_independent_seeds(name):
    sc = SCENARIOS[name]()
    fast = simulate(sc, replications=12, seed=101, engine="fast")
    ref = simulate(sc, replications=12, seed=202, engine="simpy")
    for kpi in ("sl_offered", "abandon_fraction", "blocking_fraction", "occupancy", "asa_s"):
        a, b = getattr(fast.totals, kpi), getattr(ref.totals, kpi)
        joint = float(np.hypot(a.half_width, b.half_width))
        assert abs(float(a.mean) - float(b.mean)) <= 1.5 * joint, kpi
    closed = float(fast.totals.closed.mean)
    assert abs(closed - float(ref.totals.closed.mean)) <= 1.5 * float(
        np.hypot(fast.totals.closed.half_width, ref.totals.closed.half_width)
    )


def test_common_random_numbers_agents_and_lines_do_not_change_the_callers():
    sc = scenarios.busy_day()
    a = sample_callers(sc, 5)
    b = sample_callers(sc.replace(agents=sc.agents + 3, lines=40), 5)
    np.testing.assert_array_equal(a.arrival_s, b.arrival_s)
    for ta, tb in zip(a.tables(), b.tables(), strict=True):
        np.testing.assert_array_equal(ta, tb)
    # and in the simulation: first attempts arrive at the same instants with the same class
    r1 = simulate(sc, replications=1, seed=5, engine="fast", record_calls=True).calls
    r2 = simulate(sc.replace(agents=sc.agents + 3), replications=1, seed=5, engine="fast", record_calls=True).calls
    f1, f2 = r1[r1["attempt"] == 1], r2[r2["attempt"] == 1]
    np.testing.assert_array_equal(f1["arrival_s"], f2["arrival_s"])
    # more agents: a better service level on the same callers (CRN makes this sharp)
    s1 = simulate(sc, replications=4, seed=5, engine="fast").totals.sl_offered.mean
    s2 = simulate(sc.replace(agents=sc.agents + 3), replications=4, seed=5, engine="fast").totals.sl_offered.mean
    assert s2 > s1


def test_same_seed_same_result_and_replications_differ():
    sc = scenarios.weekly()
    r1 = simulate(sc, replications=3, seed=3, engine="fast", record_calls=True)
    r2 = simulate(sc, replications=3, seed=3, engine="fast", record_calls=True)
    _same_log(r1.calls, r2.calls)
    per_rep = [np.sum(r1.calls["replication"] == i) for i in range(3)]
    assert len(set(per_rep)) == 3
