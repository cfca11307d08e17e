"""Transfers between call types (`cxqueue.scenario.Transfer`), on both engines.

A share of the calls a group answers is passed on at the end of the talk: the customer
arrives then as a call of the target type (its next leg). Checked on every run
(`test_multiskill_conservation._check_legs`): each customer ends exactly once, in its last
leg; a leg arrives when the leg before it ends, as a call of that leg's target; a call is
transferred exactly when its own draw is below its group's share. Here also: both engines
give the same log with transfers (a cycle with an exit included), the shares hold in law
(binomial 99.9 % bounds), the legs' draws leave every other draw alone, and circles with no
exit are refused by name.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from cxqueue import _rng
from cxqueue import scenario as model
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import Outcome, Transfer
from cxqueue.sim.multiskill import sample_skill_callers, simulate_multiskill
from tests.sim import skill_centers
from tests.sim.test_multiskill_fast import assert_same, both, checked

TR = int(Outcome.TRANSFERRED)


def transfer_center(**routing) -> model.MultiSkillScenario:
    """The mixed morning with a cycle of transfers that has exits: cards -> loans (25 % of any
    group's), loans -> english (40 % of what flex answers, none of lang's), english -> cards (10 %)."""
    sc = skill_centers.mixed(**routing)
    cards, loans, english = sc.types
    types = (
        dataclasses.replace(cards, transfer=Transfer("loans", 0.25)),
        dataclasses.replace(loans, transfer=Transfer("english", {"flex": 0.4})),
        dataclasses.replace(english, transfer=Transfer("cards", 0.1)),
    )
    return sc.replace(types=types)


POLICIES = [("priority", "longest_idle"), ("fifo", "fixed_order"), ("priority", "random_free")]


@pytest.mark.parametrize(("call_choice", "agent_choice"), POLICIES)
def test_same_log_with_transfers_and_every_customer_ends_once(call_choice, agent_choice):
    sc = transfer_center(call_choice=call_choice, agent_choice=agent_choice)
    log = checked(sc, _rng.spawn(2024, 1)[0])[1].calls
    tr = log["outcome"] == TR
    assert tr.sum() > 50 and log["attempt"].max() >= 3  # transfers happened, some twice
    pairs = {(int(a), int(b)) for a, b in zip(log["call_type"][tr], log["group"][tr], strict=True)}
    assert (1, sc.group_index("lang")) not in pairs  # lang transfers no loans


def test_the_shares_hold_in_law():
    sc = transfer_center()
    res = simulate_multiskill(sc, replications=6, seed=8, record_calls=True, engine="fast")
    log = res.calls
    done = (log["group"] >= 0) & (log["end_s"] < sc.end_s)
    for tname, gname, share in (("cards", "cards", 0.25), ("cards", "flex", 0.25), ("loans", "flex", 0.4),
                                ("loans", "lang", 0.0), ("english", "lang", 0.1)):  # fmt: skip
        sel = done & (log["call_type"] == sc.type_index(tname)) & (log["group"] == sc.group_index(gname))
        n, hits = int(sel.sum()), int((log["outcome"][sel] == TR).sum())
        half = 3.3 * np.sqrt(share * (1 - share) / n)
        assert n > 100 and abs(hits / n - share) <= half + 1e-12, (tname, gname, hits / n)
    # the KPIs count them: transferred is part of answered, and each is offered again to its target
    t = res.type_totals
    assert np.all(t.transferred.mean <= t.answered.mean)
    np.testing.assert_allclose(t.closed.mean + t.answered.mean + t.abandoned.mean + t.unresolved.mean, t.offered.mean)
    legs = log[log["attempt"] > 1]
    per = np.bincount(legs["call_type"], minlength=3) / 6
    np.testing.assert_allclose(per.sum(), t.transferred.mean.sum())


def test_legs_leave_every_other_draw_alone():
    plain, sc = skill_centers.mixed(), transfer_center()
    a, b = sample_skill_callers(plain, 3), sample_skill_callers(sc, 3)
    n = a.n_first
    assert b.n_first == n and b.arrival_s.size > n and np.all(np.isnan(b.arrival_s[n:]))
    for f in ("arrival_s", "call_type", "handle_unit", "patience_s", "route_u"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f)[:n])
    assert np.all(np.isinf(a.transfer_u)) and np.all(a.next_leg == -1)
    # a leg exists exactly when its draw is below the largest share of the type's groups
    most = np.array([0.25, 0.4, 0.1])
    has = b.next_leg >= 0
    np.testing.assert_array_equal(has, b.transfer_u < most[b.call_type])
    np.testing.assert_array_equal(b.call_type[b.next_leg[has]], np.array([1, 2, 0])[b.call_type[has]])
    np.testing.assert_array_equal(b.customer[b.next_leg[has]], b.customer[has])


def test_no_share_is_no_transfer():
    sc = skill_centers.mixed()
    zero = sc.replace(types=(dataclasses.replace(sc.types[0], transfer=Transfer("loans", 0.0)), *sc.types[1:]))
    assert_same(both(sc, 4)[1], both(zero, 4)[0])


def _cycle(*shares):
    types = [model.CallType(n, [10.0], aht_s=60.0, transfer=Transfer(to, s))
             for n, to, s in zip("abc", "bca", shares, strict=True)]  # fmt: skip
    return model.MultiSkillScenario(types, [model.AgentGroup("g", ("a", "b", "c"), 3)])


def test_circular_transfers_with_no_exit_are_an_error():
    msg = ("call_types.a.transfer makes a circle of transfers with no exit (a -> b -> c -> a, every share 1, so the "
           "work never ends); got transfer = {to = 'b', share = 1.0}")  # fmt: skip
    with pytest.raises(ConfigError, match=re.escape(msg)):
        _cycle(1.0, 1.0, 1.0)
    with pytest.raises(
        ConfigError, match=re.escape("call_types.a.transfer makes a circle of transfers with no exit (a -> a")
    ):
        model.MultiSkillScenario([model.CallType("a", [1.0], aht_s=60.0, transfer=Transfer("a", 1))],
                                 [model.AgentGroup("g", "a", 1)])  # fmt: skip
    _cycle(1.0, 0.5, 1.0)  # one exit is enough
    with pytest.raises(ConfigError, match="no exit"):  # a share of 1 from one group is a circle: g2 may be away
        model.MultiSkillScenario([model.CallType("a", [10.0], aht_s=60.0, transfer=Transfer("a", {"g1": 1.0}))],
                                 [model.AgentGroup("g1", "a", 1), model.AgentGroup("g2", "a", 1)])  # fmt: skip


@pytest.mark.parametrize(("make", "message"), [
    (lambda: Transfer("b", 1.5), "transfer.share must be a fraction in [0, 1]"),
    (lambda: Transfer("b", {"g": -0.1}), "transfer.share.g must be a fraction in [0, 1]"),
    (lambda: Transfer("", 0.1), "transfer.to must be a non-empty string"),
    (lambda: model.MultiSkillScenario([model.CallType("a", [1.0], aht_s=60.0, transfer=Transfer("z", 0.1))],
                                      [model.AgentGroup("g", "a", 1)]),
     "call_types.a.transfer.to names 'z', which is not a call type (the types: 'a')"),
    (lambda: model.MultiSkillScenario([model.CallType("a", [1.0], aht_s=60.0, transfer=Transfer("a", {"h": 0.1}))],
                                      [model.AgentGroup("g", "a", 1), model.AgentGroup("h", "a", 1)],
                                      model.Routing(type_groups={"a": ("g",)}, group_types={"h": ()})),
     "call_types.a.transfer.share names group 'h', which does not serve 'a'"),
    (lambda: model.CallType("a", [1.0], aht_s=60.0, transfer=("b", 0.1)), "call_types.a.transfer must be a Transfer"),
])  # fmt: skip
def test_bad_transfers_are_named(make, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        make()
