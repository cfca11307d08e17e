"""One call type and one group is the single-queue model, call for call (issue 13).

The multi-skill engine draws type 0's callers from the streams the single-queue engine uses
(`cxqueue._rng.purpose_streams` substream 0) in the same order, and handles its events in
the same order, so on the same seed the two call logs are identical, bit for bit, and so
are the KPIs; on either engine (the fast pair, numba, as the simpy pair). The scenarios
exercise shifts that end mid-call, opening hours, lognormal and empirical handle times,
lognormal and exponential patience, a day factor and backlog.
"""

from __future__ import annotations

import numpy as np
import pytest

from cxqueue.scenario import IVR, MultiSkillScenario, Outcome, Redials, Routing
from cxqueue.sim import simulate
from cxqueue.sim.multiskill import simulate_multiskill
from tests.sim import scenarios

SINGLE = {
    # the multi-skill center has no lines, IVR, redials, callbacks or priority classes yet
    "busy_day": lambda: scenarios.busy_day(lines=None, ivr=IVR.off(), redials=Redials(), day_factor_cv=0.2),
    "shift_change": lambda: scenarios.shift_change(lines=None, redials=Redials()),
    "weekly": lambda: scenarios.weekly(lines=None, redials=Redials()),
    "callback_center": lambda: scenarios.callback_center(callbacks=None, redials=Redials(),
                                                         priority=scenarios.model.PriorityClasses()),
}  # fmt: skip
SHARED = ("replication", "customer", "attempt", "priority", "interval", "arrival_s", "wait_s", "answer_s",
          "service_s", "end_s", "outcome", "handled", "weekday")  # fmt: skip


@pytest.mark.parametrize("name", list(SINGLE))
@pytest.mark.parametrize("agent_choice", ["longest_idle", "fixed_order"])
@pytest.mark.parametrize("engine", ["simpy", "fast"])
def test_one_type_one_group_gives_the_single_queue_call_log(name, agent_choice, engine):
    sc = SINGLE[name]()
    ms = MultiSkillScenario.from_scenario(sc)
    ms = ms.replace(routing=Routing(agent_choice=agent_choice))
    one = simulate(sc, replications=2, seed=7, record_calls=True, engine=engine)
    multi = simulate_multiskill(ms, replications=2, seed=7, record_calls=True, engine=engine)
    a, b = one.calls, multi.calls
    assert a.size == b.size > 1000
    for field in SHARED:
        np.testing.assert_array_equal(a[field], b[field], err_msg=field)  # NaN equals NaN here
    ans = b["outcome"] == int(Outcome.ANSWERED)
    assert np.all(b["group"][ans] == 0) and np.all(b["call_type"] == 0)
    # the KPIs are the same numbers
    pairs = {"offered": "offered", "closed": "closed", "abandoned": "abandoned", "answered": "answered",
             "unresolved": "unresolved", "sl_offered": "sl_offered", "sl_answered": "sl_answered",
             "asa_s": "asa_s", "abandon_fraction": "abandon_fraction"}  # fmt: skip
    for mine, theirs in pairs.items():
        np.testing.assert_array_equal(getattr(multi.overall_totals, mine).mean, getattr(one.totals, theirs).mean)
        np.testing.assert_array_equal(getattr(multi.types, mine).mean[0], getattr(one, theirs).mean, err_msg=mine)
    np.testing.assert_allclose(multi.group_totals.occupancy.mean[0], one.totals.occupancy.mean, rtol=1e-12)
    np.testing.assert_allclose(multi.groups.agents.mean[0], one.agents.mean, rtol=1e-12)
    np.testing.assert_array_equal(multi.in_queue.mean[0], one.backlog.in_queue.mean)
    np.testing.assert_array_equal(multi.in_service.mean[0], one.backlog.in_service.mean)
    outcomes = set(np.unique(b["outcome"]).tolist())
    expected = {"busy_day": {Outcome.CLOSED, Outcome.ABANDONED}, "shift_change": {Outcome.BACKLOG},
                "weekly": {Outcome.CLOSED, Outcome.ABANDONED}, "callback_center": {Outcome.CLOSED}}[name]  # fmt: skip
    assert {int(o) for o in expected} <= outcomes


def test_the_fraction_of_callers_who_wait_is_the_single_queue_one():
    """``p_wait`` (no idle agent at arrival) has no single-queue KPI: it is checked on the log."""
    sc = SINGLE["busy_day"]()
    res = simulate_multiskill(MultiSkillScenario.from_scenario(sc), replications=2, seed=3, record_calls=True)
    log = res.calls
    reached = log["outcome"] != int(Outcome.CLOSED)
    waited = reached & ~((log["outcome"] == int(Outcome.ANSWERED)) & (log["wait_s"] == 0))
    # a caller answered at once waited 0 s; one who queued waited > 0 s (no two events share an instant here);
    # the KPI is the mean over replications of each replication's fraction
    rep = log["replication"]
    per_rep = np.bincount(rep, waited) / np.bincount(rep, reached)
    assert float(res.overall_totals.p_wait.mean) == pytest.approx(per_rep.mean(), rel=1e-12)
    assert 0.05 < per_rep.min() < per_rep.max() < 0.95
