"""Conservation and routing laws of the multi-skill engine (issue 13, acceptance 2), on every run.

Each replication's call log is checked against the callers it was given (redrawn from the
same seed) and against the scenario: every call ends exactly once, in the counters and in
the log; no agent serves a type outside its skills or a group the routing does not send
the type to; no group has more busy agents than on duty when it answers; an agent talks to
one caller at a time; waits respect the re-routing delays and the patience; a call that
waits found every group it could reach at once busy, and so did a caller who hung up; the
time integrals agree with the log.
"""

from __future__ import annotations

import numpy as np
import pytest

from cxqueue import _rng
from cxqueue.scenario import Outcome
from cxqueue.scenario.channels import outbound_arrays, transfer_arrays
from cxqueue.sim.multiskill import records as rec
from cxqueue.sim.multiskill import run_multiskill_replication, sample_skill_callers, simulate_multiskill
from cxqueue.sim.multiskill.engine import staffing
from tests.sim import skill_centers

POLICIES = [("priority", "longest_idle"), ("fifo", "fixed_order"), ("priority", "fixed_order"),
            ("fifo", "random_free")]  # fmt: skip
ENDINGS = {int(o) for o in (Outcome.ANSWERED, Outcome.ABANDONED, Outcome.CLOSED, Outcome.BACKLOG)}
TRANSFERRED = int(Outcome.TRANSFERRED)


def _busy_at(log, g: int, t: np.ndarray, leg=False) -> np.ndarray:
    """Calls of group ``g`` in talk just before each time in ``t`` (answered before, ending after);
    where ``leg`` (a transferred customer arriving as the call before it ends), also those answered
    at that instant: the freed agent's next call comes first."""
    mine = log[log["group"] == g]
    starts, ends = np.sort(mine["answer_s"]), np.sort(mine["end_s"])
    side = np.where(leg, np.searchsorted(starts, t, side="right"), np.searchsorted(starts, t, side="left"))
    return side - np.searchsorted(ends, t, side="right")


def _check_replication(sc, out, callers):
    log = out.calls
    r = sc.resolved_routing
    staff = staffing(sc)
    f = sc.handle_factors
    off = sc.start_s
    # every first call once, in the order of the callers it was given, then the legs of transfers that happened
    n = callers.n_first
    row = log["call_id"]
    assert np.all(np.diff(row) > 0) and np.array_equal(row[:n], np.arange(n)) and np.all(callers.attempt[row[n:]] > 1)
    np.testing.assert_array_equal(log["customer"], callers.customer[row])
    np.testing.assert_array_equal(log["attempt"], callers.attempt[row])
    np.testing.assert_array_equal(log["arrival_s"][:n], callers.arrival_s[:n] + off)
    np.testing.assert_array_equal(log["call_type"], callers.call_type[row])
    assert set(np.unique(log["outcome"]).tolist()) <= ENDINGS | {TRANSFERRED}
    _check_legs(sc, log, callers)
    # the counters say the same, per type and interval of arrival
    K, n = sc.n_types, sc.n_intervals
    for col, outcomes in ((rec.C_CLOSED, [Outcome.CLOSED]), (rec.C_ABANDONED, [Outcome.ABANDONED]),
                          (rec.C_ANSWERED, [Outcome.ANSWERED, Outcome.TRANSFERRED]), (rec.C_BACKLOG, [Outcome.BACKLOG]),
                          (rec.C_TRANSFERRED, [Outcome.TRANSFERRED])):  # fmt: skip
        sel = log[np.isin(log["outcome"], [int(o) for o in outcomes])]
        counted = np.zeros((K, n))
        np.add.at(counted, (sel["call_type"], sel["interval"]), 1)
        np.testing.assert_array_equal(out.counts[..., col], counted)
    c = out.counts
    ends = c[..., rec.C_CLOSED] + c[..., rec.C_ABANDONED] + c[..., rec.C_ANSWERED] + c[..., rec.C_BACKLOG]
    np.testing.assert_array_equal(c[..., rec.C_OFFERED], ends)
    np.testing.assert_array_equal(out.served.sum(axis=0), c[..., rec.C_ANSWERED])
    # closed exactly when the hours say so; the interval is the interval of arrival
    is_open = np.array([sc.hours.is_open(t) for t in log["arrival_s"]])
    deferred = np.array([t.channel in ("email", "outbound") for t in sc.types])[log["call_type"]]
    never = (log["attempt"] > 1) | deferred  # legs, emails and check-ins are never closed out
    assert np.array_equal(log["outcome"] == int(Outcome.CLOSED), ~is_open & ~never)
    np.testing.assert_array_equal(log["interval"], ((log["arrival_s"] - off) // sc.interval_s).astype(int))
    k = log["call_type"].astype(int)
    patience = callers.patience_s[row]
    handle_unit = callers.handle_unit[row]
    ans = np.isin(log["outcome"], [int(Outcome.ANSWERED), TRANSFERRED])  # an agent answered
    a = log[ans]
    # answered: by a group the routing sends the type to, with the type among its skills, after its delay,
    # before the caller's patience ran out, for the caller's handle time x the type's AHT x the group's factor
    for row in a[:: max(1, a.size // 400)]:
        tname, gname = sc.type_names[row["call_type"]], sc.group_names[row["group"]]
        assert tname in sc.groups[row["group"]].skills and gname in r.type_groups[tname]
        assert row["wait_s"] >= r.delay_s(tname, gname) - 1e-9
    assert np.all(a["group"] >= 0) and np.all(log["group"][~ans] == -1) and np.all(log["server"][~ans] == -1)
    np.testing.assert_allclose(a["wait_s"], a["answer_s"] - a["arrival_s"], atol=1e-9)
    assert np.all(a["wait_s"] <= patience[ans] + 1e-9)
    aht = sc.aht_s[k[ans], a["interval"]]
    voice = ~np.array([t.channel == "chat" for t in sc.types])[k[ans]]  # chats stretch: test_multiskill_chat
    talk = handle_unit[ans] * aht * f[a["group"], k[ans]]
    fixed = callers.fixed_s[log["call_id"]][ans]
    talk = np.where(np.isnan(fixed), talk, fixed)  # a check-in that did not reach the customer: its attempt
    np.testing.assert_allclose(a["service_s"][voice], talk[voice], rtol=1e-9)
    assert np.all(a["service_s"] >= talk - 1e-6)
    # abandoned at the patience; still waiting at the horizon only if the patience had not run out
    ab = log["outcome"] == int(Outcome.ABANDONED)
    np.testing.assert_allclose(log["wait_s"][ab], patience[ab], atol=1e-9)
    np.testing.assert_allclose(log["end_s"][ab], log["arrival_s"][ab] + patience[ab], atol=1e-9)
    bl = log["outcome"] == int(Outcome.BACKLOG)
    np.testing.assert_allclose(log["wait_s"][bl], off + sc.horizon_s - log["arrival_s"][bl], atol=1e-9)
    assert np.all(log["wait_s"][bl] < patience[bl])
    # agents: at each answer no more busy than on duty; an agent talks to one caller at a time
    multi = [sc.chat.of(g.name) > 1 and any(sc.types[sc.type_index(t)].channel == "chat" for t in g.skills)
             for g in sc.groups]  # groups whose agents hold several chats: test_multiskill_chat  # fmt: skip
    for g in range(sc.n_groups):
        if multi[g]:
            continue
        mine = a[a["group"] == g]
        ivl = ((mine["answer_s"] - off) // sc.interval_s).astype(int)
        busy = _busy_at(log, g, mine["answer_s"]) + 1
        assert np.all(busy <= staff[g, ivl]), sc.group_names[g]
        assert np.all(mine["server"] < staff[g].max())
        for agent in np.unique(mine["server"]):
            spans = np.sort(mine[mine["server"] == agent], order="answer_s")
            assert np.all(spans["answer_s"][1:] >= spans["end_s"][:-1] - 1e-9)
    # a caller who waited found every group it could reach at once busy; one answered at once, every group
    # before the one that answered; one who hung up, every group it could reach by then
    waited = log["outcome"] != int(Outcome.CLOSED)
    waited &= ~ans | (log["wait_s"] > 0)
    at_once = ans & (log["wait_s"] == 0)
    if r.agent_choice == "random_free":  # any group with an idle agent may answer (test_multiskill_agent_choice)
        at_once &= False
    for kk, tname in enumerate(sc.type_names):
        for pos, gname in enumerate(r.type_groups[tname]):
            g, delay = sc.group_index(gname), r.delay_s(tname, gname)
            later = np.isin(log["group"], [sc.group_index(x) for x in r.type_groups[tname][pos + 1 :]])
            for sel, at in ((waited & (k == kk) & (delay == 0), log["arrival_s"]),
                            (at_once & (k == kk) & (delay == 0) & later, log["arrival_s"]),
                            (ab & (k == kk) & (patience > delay + 1e-6), log["end_s"])):  # fmt: skip
                t = at[sel]
                ivl = ((t - off) // sc.interval_s).astype(int)
                assert np.all(_busy_at(log, g, t, log["attempt"][sel] > 1) >= staff[g, ivl]), (tname, gname)
    # time integrals: busy agent-seconds are the talk inside the horizon; waiting call-seconds are the waits
    talk = np.minimum(a["end_s"], off + sc.horizon_s) - a["answer_s"]
    for g in range(sc.n_groups):
        busy_s, mine = out.group_s[g, :, rec.G_BUSY].sum(), talk[a["group"] == g].sum()
        if multi[g]:  # an agent busy with m chats at once: between the talk / concurrency and the talk
            assert mine / sc.chat.of(sc.group_names[g]) - 1e-6 <= busy_s <= mine + 1e-6
        else:
            np.testing.assert_allclose(busy_s, mine, rtol=1e-9)
    assert np.all(out.group_s[..., rec.G_BUSY] <= out.group_s[..., rec.G_PRESENT] + 1e-6)
    assert np.all(out.group_s[..., rec.G_PRESENT] >= staff * sc.interval_s - 1e-6)
    waits = np.where(np.isnan(log["wait_s"]), 0.0, log["wait_s"])
    np.testing.assert_allclose(out.waiting_s.sum(axis=1), np.bincount(k, waits, minlength=K), rtol=1e-9)
    return log


def _check_legs(sc, log, callers):
    """Transfers and check-in calls: each customer's inbound calls end exactly once, in its last leg;
    a leg arrives when the leg before it was transferred, as a call of that type's target; a call
    is transferred exactly when its draw is below the share of the group that answered it (and its
    talk ended before the horizon); a check-in task arrives its type's delay after a call that
    ended served (answered, not transferred), as a call of the outbound type, and ends once."""
    to, share = transfer_arrays(sc)
    oto, _, delay = outbound_arrays(sc)
    tr = log["outcome"] == TRANSFERRED
    task = np.array([t.channel == "outbound" for t in sc.types])[log["call_type"]]
    last = np.bincount(log["customer"], weights=~tr & ~task, minlength=callers.n_first)
    np.testing.assert_array_equal(last, 1)  # every customer ends once
    legs = np.flatnonzero(log["attempt"] > 1)
    before = {int(c): i for i, c in enumerate(log["call_id"])}
    parent, kind = np.full(callers.arrival_s.size, -1), np.zeros(callers.arrival_s.size, dtype=int)
    for col, what in ((callers.next_leg, 1), (callers.next_out, 2)):
        has = col >= 0
        parent[col[has]], kind[col[has]] = np.flatnonzero(has), what
    for i in legs:
        row = int(log["call_id"][i])
        p = before[int(parent[row])]
        assert log["attempt"][i] == log["attempt"][p] + 1 and log["customer"][i] == log["customer"][p]
        if kind[row] == 1:
            assert log["outcome"][p] == TRANSFERRED and log["end_s"][p] == log["arrival_s"][i]
            assert log["call_type"][i] == to[log["call_type"][p]]
        else:
            assert log["outcome"][p] == int(Outcome.ANSWERED) and log["call_type"][i] == oto[log["call_type"][p]]
            np.testing.assert_allclose(log["arrival_s"][i], log["end_s"][p] + delay[log["call_type"][p]], atol=1e-6)
    assert tr.sum() == np.sum(kind[log["call_id"][legs]] == 1)
    done = (log["group"] >= 0) & (log["end_s"] < sc.end_s)
    g, k = log["group"][done], log["call_type"][done]
    expect = callers.transfer_u[log["call_id"][done]] < share[g, k]
    np.testing.assert_array_equal(tr[done], expect)
    served = (log["outcome"] == int(Outcome.ANSWERED)) & (log["end_s"] + delay[log["call_type"]] < sc.end_s)
    made = callers.next_out[log["call_id"][served]] >= 0  # a served call's check-in arrives before the horizon
    assert np.isin(callers.next_out[log["call_id"][served]][made], log["call_id"]).all()


@pytest.mark.parametrize(("call_choice", "agent_choice"), POLICIES)
def test_every_call_ends_once_and_the_routing_holds(call_choice, agent_choice):
    sc = skill_centers.mixed(call_choice=call_choice, agent_choice=agent_choice)
    seen = set()
    for child in _rng.spawn(2024, 3):
        out = run_multiskill_replication(sc, seed=child, record_calls=True)
        log = _check_replication(sc, out, sample_skill_callers(sc, child))
        seen |= set(np.unique(log["outcome"]).tolist())
        loans = (log["wait_s"] == 0) & (log["group"] >= 0) & (log["call_type"] == sc.type_index("loans"))
        assert set(np.unique(log["group"][loans]).tolist()) == {1, 2}  # both of its groups answered at once
        served = {(sc.type_names[t], sc.group_names[g]) for t, g in zip(log["call_type"], log["group"], strict=True)
                  if g >= 0}  # fmt: skip
        # every pair the routing allows happened, and only those
        assert served == {(t, g) for t, gs in sc.resolved_routing.type_groups.items() for g in gs}
    assert seen == ENDINGS  # every ending happened


def test_simulate_multiskill_counts_match_its_log():
    sc = skill_centers.mixed()
    res = simulate_multiskill(sc, replications=3, seed=5, record_calls=True)
    log = res.calls
    assert np.array_equal(np.unique(log["replication"]), [0, 1, 2])
    per = np.zeros((sc.n_types, sc.n_intervals))
    np.add.at(per, (log["call_type"], log["interval"]), 1)
    np.testing.assert_allclose(per / 3, res.types.offered.mean, rtol=1e-12)
    t = res.type_totals
    np.testing.assert_allclose(t.closed.mean + t.answered.mean + t.abandoned.mean + t.unresolved.mean, t.offered.mean)
    np.testing.assert_allclose(res.group_totals.served.mean.sum(axis=0), t.answered.mean, rtol=1e-12)
    np.testing.assert_allclose(res.overall_totals.offered.mean, t.offered.mean.sum(), rtol=1e-12)
    np.testing.assert_allclose(res.in_queue.mean, t.unresolved.mean)
    assert np.all(res.group_totals.occupancy.mean <= 1.0) and np.all(res.group_totals.occupancy.mean > 0.3)
