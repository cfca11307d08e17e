"""Outbound check-in calls (`cxqueue.scenario.Outbound`, `cxqueue.scenario.Dialer`), on both engines.

A share of a type's served calls creates a check-in task of an outbound type, dialable a
delay after the call ends; agents dial it only when no inbound call they could take waits,
and before emails; a dial reaches the customer with probability ``reach`` (then it takes
the type's handle time) or lasts ``attempt_s``. Checked: the same log on both engines and
the conservation laws (`test_multiskill_conservation._check_legs`: each task arrives its
delay after a served call and ends once); the priority order replayed from the log; the
shares in law (binomial 99.9 % bounds); the counters (attempts, reached, share dialed by the
due time) against the log; bad inputs named.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from cxqueue import _rng
from cxqueue import scenario as model
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import Dialer, Outbound
from cxqueue.sim.multiskill import simulate_multiskill
from cxqueue.sim.multiskill.engine import pull_levels
from tests.sim.test_multiskill_email import _waiting_for, mail_center
from tests.sim.test_multiskill_fast import checked

H = 3600.0


def checkin_center(reach=0.6, **routing) -> model.MultiSkillScenario:
    """The mail center with check-ins: 40 % of served voice calls get one 10 minutes later
    (due within 20 minutes), dialed by the blended group and the back office; reach 60 %,
    45 s an attempt that does not reach."""
    sc = mail_center(**routing)
    types = list(sc.types)
    types[0] = dataclasses.replace(types[0], outbound=Outbound("checkin", 0.4, delay_s=600.0))
    types.append(model.CallType("checkin", np.zeros(sc.n_intervals), aht_s=180.0, channel="outbound", due_s=1200.0))
    groups = list(sc.groups)
    for i in (1, 3):
        groups[i] = dataclasses.replace(groups[i], skills=(*groups[i].skills, "checkin"))
    return sc.replace(types=tuple(types), groups=tuple(groups), target=(*sc.target, sc.target[0]),
                      dialer=Dialer(reach=reach, attempt_s=45.0))  # fmt: skip


@pytest.mark.parametrize(("call_choice", "agent_choice"), [("priority", "longest_idle"), ("fifo", "random_free")])
def test_same_log_and_check_ins_come_after_inbound_and_before_emails(call_choice, agent_choice):
    sc = checkin_center(call_choice=call_choice, agent_choice=agent_choice)
    k_in, k_mail = sc.type_index("checkin"), sc.type_index("mail")
    assert pull_levels(sc)[3] == [[0], [k_in], [k_mail]]  # the back office: voice, then check-ins, then mail
    callers, out = checked(sc, _rng.spawn(51, 1)[0])
    log = out.calls
    tasks = log[log["call_type"] == k_in]
    assert tasks.size > 50 and np.all(tasks["attempt"] == 2)
    inbound = tuple(t.name for t in sc.types if t.channel in ("voice", "chat"))
    waited = (tasks["group"] >= 0) & (tasks["wait_s"] > 0)
    assert waited.sum() > 40  # most check-ins waited for an agent: the order was put to the test
    for g in (1, 3):
        t = tasks["answer_s"][(tasks["group"] == g) & (tasks["wait_s"] > 0)]
        assert np.all(_waiting_for(sc, log, g, t, inbound) == 0)
        mail = log[(log["call_type"] == k_mail) & (log["group"] == g) & (log["wait_s"] > 0)]
        assert np.all(_waiting_for(sc, log, g, mail["answer_s"], ("checkin",)) == 0)
    # an attempt that did not reach the customer lasts attempt_s; one that did, its handle time
    unreached = ~np.isnan(callers.fixed_s[tasks["call_id"]])
    answered = tasks["group"] >= 0
    assert np.all(np.abs(tasks["service_s"][unreached & answered] - 45.0) < 1e-6)
    assert out.counts[k_in, :, 10].sum() == (unreached & answered).sum()


def test_the_shares_and_the_counters():
    sc = checkin_center()
    res = simulate_multiskill(sc, replications=6, seed=3, record_calls=True, engine="fast")
    log = res.calls
    k_in = sc.type_index("checkin")
    served = (log["call_type"] == 0) & (log["outcome"] == 0) & (log["end_s"] + 600 < sc.end_s)
    n = int(served.sum())
    tasks = log[log["call_type"] == k_in]
    made = len(tasks)
    for share, hits, total in ((0.4, made, n), (0.6, None, None)):
        if hits is None:
            dialed = tasks[tasks["group"] >= 0]
            total, hits = dialed.size, int((dialed["service_s"] != 45.0).sum())
        half = 3.3 * np.sqrt(share * (1 - share) / total)
        assert abs(hits / total - share) <= half, (share, hits / total)
    t = res.type_totals
    dialed = tasks["group"] >= 0
    assert float(t.answered.mean[k_in]) * 6 == dialed.sum()  # attempts
    assert float(t.reached.mean[k_in]) * 6 == (dialed & (tasks["service_s"] != 45.0)).sum()
    rep = tasks["replication"]
    share = [np.mean(dialed[rep == i] & (tasks["wait_s"][rep == i] <= 1200.0)) for i in range(6)]
    assert float(t.sl_offered.mean[k_in]) == pytest.approx(np.mean(share), rel=1e-12)  # dialed by the due time


def test_reach_one_and_share_zero():
    sc = checkin_center(reach=1.0)
    callers = checked(sc, 4)[0]
    assert np.all(np.isnan(callers.fixed_s))
    none = sc.replace(types=(dataclasses.replace(sc.types[0], outbound=Outbound("checkin", 0.0)), *sc.types[1:]))
    callers = checked(none, 4)[0]
    assert np.all(callers.next_out == -1)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: model.CallType("m", [1.0], aht_s=60.0, channel="email", due_s=-1.0),
     "call_types.m.due_s must be >= 0; got -1.0"),
    (lambda: model.CallType("m", [1.0], aht_s=60.0, due_s=60.0),
     'call_types.m.due_s applies to channel "email" or "outbound" only'),
    (lambda: model.CallType("m", [1.0], aht_s=60.0, channel="email", patience=model.Distribution.exponential(60.0)),
     "call_types.m.patience must be none for an email type"),
    (lambda: Outbound("c", 1.5), "outbound.share must be a fraction in [0, 1]"),
    (lambda: Outbound("c", 0.1, delay_s=-1), "outbound.delay_s must be >= 0"),
    (lambda: Dialer(reach=2), "outbound.reach must be a fraction in [0, 1]"),
    (lambda: Dialer(attempt_s=0), "outbound.attempt_s must be > 0"),
    (lambda: model.MultiSkillScenario([model.CallType("a", [1.0], aht_s=60.0, outbound=Outbound("a", 0.1))],
                                      [model.AgentGroup("g", "a", 1)]),
     'call_types.a.outbound.to must name a call type with channel "outbound" (those: none); got \'a\''),
    (lambda: model.CallType("c", [1.0], aht_s=60.0, channel="outbound", patience=model.Distribution.exponential(9.0)),
     "call_types.c.patience must be none for an outbound type"),
])  # fmt: skip
def test_bad_deferred_work_is_named(make, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        make()
