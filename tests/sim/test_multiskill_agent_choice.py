"""Agent choice ``random_free``: a new call that may reach several groups at once picks one in
proportion to their idle agents (`cxqueue.scenario.routing`), on both engines.

The rule is replayed from the log: the idle agents of each group just before an arrival are
its agents on duty minus its calls in talk then, and the caller's own draw ``route_u``
(`SkillCallers`) must pick exactly the group the log shows. A statistical check against
the rule's probabilities, a law of large numbers over the calls, fails a model that always
prefers the first group (``longest_idle``).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from cxqueue import _rng
from cxqueue import scenario as model
from cxqueue.sim.multiskill import sample_skill_callers
from tests.sim import skill_centers
from tests.sim.test_multiskill_conservation import _busy_at, _check_replication
from tests.sim.test_multiskill_fast import assert_same, both


def _two_door_center(agent_choice: str) -> model.MultiSkillScenario:
    """Type A reaches G1 (4 agents) and G2 (3) at once; type B only G2; a stationary hour at about 70 % load."""
    exp = model.Distribution.exponential
    types = [("A", 50.0, 240.0, 0, exp(300.0)), ("B", 20.0, 240.0, 0, model.Distribution.none())]
    groups = [model.AgentGroup("G1", "A", 4), model.AgentGroup("G2", ("A", "B"), 3)]
    routing = model.Routing(type_groups={"A": ("G1", "G2")}, agent_choice=agent_choice)
    return skill_centers.stationary(types, groups, hours=20, routing=routing)


def _idle_before(sc, log, t):
    """Idle agents of each group just before each time in ``t``, shape (groups, len(t))."""
    staff = np.rint(sc.agents).astype(int)
    ivl = ((t - sc.start_s) // sc.interval_s).astype(int)
    return np.stack([np.maximum(staff[g, ivl] - _busy_at(log, g, t), 0) for g in range(sc.n_groups)])


def test_the_draw_picks_the_group_the_rule_says():
    sc = _two_door_center("random_free")
    callers = sample_skill_callers(sc, 3)
    ref, got = both(sc, 3)
    assert_same(ref, got)
    _check_replication(sc, got, callers)
    log = got.calls
    a = (log["call_type"] == 0) & (log["outcome"] == int(model.Outcome.ANSWERED)) & (log["wait_s"] == 0)
    idle = _idle_before(sc, log, log["arrival_s"][a])
    u = callers.route_u[log["customer"][a]]
    both_idle = (idle[0] > 0) & (idle[1] > 0)
    assert both_idle.sum() > 300 and (idle[0] == 0).sum() > 10  # both cases happen often
    expect = np.where(idle[0] == 0, 1, np.where(u * (idle[0] + idle[1]) < idle[0], 0, 1))
    np.testing.assert_array_equal(log["group"][a], expect)  # exactly the rule, call by call
    # and in law: the share G1 answers is the mean of its idle share (z within 3 of 0)
    p = idle[0][both_idle] / (idle[0] + idle[1])[both_idle]
    hit = log["group"][a][both_idle] == 0
    z = (hit.sum() - p.sum()) / np.sqrt((p * (1 - p)).sum())
    assert abs(z) < 3.0, z
    assert 0.5 < hit.mean() < 0.7  # neither "always the first" nor a fair coin


def test_longest_idle_on_the_same_center_always_takes_the_first():
    sc = _two_door_center("longest_idle")
    log = both(sc, 3)[1].calls
    a = (log["call_type"] == 0) & (log["wait_s"] == 0) & (log["group"] >= 0)
    idle = _idle_before(sc, log, log["arrival_s"][a])
    np.testing.assert_array_equal(log["group"][a], np.where(idle[0] > 0, 0, 1))


def test_one_group_at_once_is_longest_idle_exactly():
    sc = skill_centers.wallace_whitt(2, per_group=4)  # each type reaches one group at once, the other after 10 s
    ref = both(sc, 9)[1]
    rnd = sc.replace(routing=dataclasses.replace(sc.routing, agent_choice="random_free"))
    a, b = both(rnd, 9)
    assert_same(a, b)
    assert_same(ref, b)


def test_same_log_on_the_mixed_morning_and_conservation():
    sc = skill_centers.mixed(agent_choice="random_free")
    seed = _rng.spawn(2024, 1)[0]  # a morning where loans find both groups idle at once
    callers = sample_skill_callers(sc, seed)
    ref, got = both(sc, seed)
    assert_same(ref, got)
    _check_replication(sc, got, callers)


def test_route_draws_change_no_other_draw():
    sc = skill_centers.mixed()
    a, b = sample_skill_callers(sc, 5), sample_skill_callers(sc, 5)
    rnd = sample_skill_callers(sc.replace(routing=dataclasses.replace(sc.routing, agent_choice="random_free")), 5)
    for f in dataclasses.fields(a):
        np.testing.assert_array_equal(getattr(a, f.name), getattr(b, f.name))
        np.testing.assert_array_equal(getattr(a, f.name), getattr(rnd, f.name))
    assert np.all((a.route_u >= 0) & (a.route_u < 1)) and 0.4 < a.route_u.mean() < 0.6
