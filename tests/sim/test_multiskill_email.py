"""Emails and tickets (``channel="email"``): deferrable work with a due time, on both engines.

Checked: both engines give the same log with emails beside calls and chats, and the
conservation laws hold (an email is never closed out nor abandoned: it is answered or
still open at the horizon); an agent takes an email only when no call of another channel
it could take waits (replayed from the log); the counters say what the log says (answered
by the due time, still open and not yet late, missed). Acceptance (issue 13, 4): over a
week with due times, emails are all answered by their due time when capacity allows
(missed = 0), and when it does not, the agents serve exactly what their hours allow
(deterministic handle times: 2 agents x 50 h x 6 an hour = 600) and everything else is
backlog, reported as missed once late.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cxqueue import _rng
from cxqueue import scenario as model
from cxqueue.scenario import Outcome
from cxqueue.sim.multiskill import records as rec
from cxqueue.sim.multiskill import simulate_multiskill
from cxqueue.sim.multiskill.engine import pull_levels
from tests.sim.test_multiskill_chat import chat_center
from tests.sim.test_multiskill_fast import checked

H, DAY = 3600.0, 86400.0


def mail_center(**routing) -> model.MultiSkillScenario:
    """The chat center's morning with an email type answered by the blended and the chat groups
    and a back office that also answers voice calls, due in 30 min (some arrive before the center opens)."""
    sc = chat_center(**routing)
    mail = model.CallType("mail", np.full(sc.n_intervals, 25.0), aht_s=300.0, channel="email", due_s=0.5 * H)
    groups = list(sc.groups)
    groups[1] = dataclasses.replace(groups[1], skills=(*groups[1].skills, "mail"))
    groups[2] = dataclasses.replace(groups[2], skills=(*groups[2].skills, "mail"))
    groups.append(model.AgentGroup("office", ("voice", "mail"), 3))
    return sc.replace(types=(*sc.types, mail), groups=tuple(groups), target=(*sc.target, sc.target[0]))


def _waiting_for(sc, log, g: int, t: np.ndarray, names=None) -> np.ndarray:
    """Calls of the types ``names`` (by default every type but emails) that group ``g`` could
    take, waiting at each time in ``t``."""
    r = sc.resolved_routing
    off, end = sc.start_s, sc.end_s
    out = np.zeros(t.size, dtype=int)
    for k, tp in enumerate(sc.types):
        gname = sc.group_names[g]
        mine = tp.channel != "email" if names is None else tp.name in names
        if not mine or gname not in r.type_groups[tp.name]:
            continue
        mine = log[(log["call_type"] == k) & (log["outcome"] != int(Outcome.CLOSED))]
        start = mine["arrival_s"] + r.delay_s(tp.name, gname)
        leave = np.where(np.isnan(mine["answer_s"]), mine["end_s"], mine["answer_s"])
        leave = np.where(np.isnan(leave), end + off, leave)
        keep = leave > start  # waited while eligible for g
        start, leave = np.sort(start[keep]), np.sort(leave[keep])
        out += np.searchsorted(start, t, side="left") - np.searchsorted(leave, t, side="right")
    return out


@pytest.mark.parametrize(("call_choice", "agent_choice"), [("priority", "longest_idle"), ("fifo", "random_free")])
def test_same_log_and_emails_wait_for_every_other_call(call_choice, agent_choice):
    sc = mail_center(call_choice=call_choice, agent_choice=agent_choice)
    assert pull_levels(sc)[1][-1] == [sc.type_index("mail")]  # the blended group's last level
    log = checked(sc, _rng.spawn(41, 1)[0])[1].calls
    mail = log[log["call_type"] == sc.type_index("mail")]
    assert not np.isin(mail["outcome"], [int(Outcome.CLOSED), int(Outcome.ABANDONED)]).any()
    assert (mail["arrival_s"] < 8 * H).any()  # came in while closed, and were not closed out
    waited = 0
    for g in (1, 2, 3):
        t = mail["answer_s"][(mail["group"] == g) & (mail["wait_s"] > 0)]
        assert np.all(_waiting_for(sc, log, g, t) == 0), sc.group_names[g]
        waited += t.size
    assert waited > 30


def test_the_counters_say_what_the_log_says():
    sc = mail_center()
    res = simulate_multiskill(sc, replications=3, seed=6, record_calls=True, engine="fast")
    log = res.calls
    k = sc.type_index("mail")
    mail = log[log["call_type"] == k]
    due = sc.types[k].due_s
    hits = (mail["group"] >= 0) & (mail["wait_s"] <= due)
    still = mail["outcome"] == int(Outcome.BACKLOG)
    in_time = still & (mail["wait_s"] <= due)
    t = res.type_totals
    rep = mail["replication"]
    share = [hits[rep == i].sum() / (rep == i).sum() for i in range(3)]  # answered by the due time, per run
    assert float(t.sl_offered.mean[k]) == pytest.approx(np.mean(share), rel=1e-12)
    assert float(t.unresolved.mean[k]) * 3 == still.sum()
    assert float(t.missed.mean[k]) * 3 == mail.size - hits.sum() - in_time.sum() > 0


def week(agents: float, *, due_s: float, handle=None) -> model.MultiSkillScenario:
    """A week of emails, 20 an hour around the clock, 10 min each; agents 08:00-18:00 on weekdays."""
    n = 7 * 48
    hours = model.OpeningHours.daily(8 * H, 18 * H, days=range(5))
    is_open = hours.open_mask(np.arange(n) * 1800.0, 1800.0)
    mail = model.CallType("mail", np.full(n, 10.0), aht_s=600.0, channel="email", due_s=due_s,
                          handle=handle or model.Distribution.exponential(1.0))  # fmt: skip
    return model.MultiSkillScenario([mail], [model.AgentGroup("desk", "mail", np.where(is_open, agents, 0.0))],
                                    interval_s=1800.0, hours=hours)  # fmt: skip


def test_a_week_with_capacity_answers_every_email_by_its_due_time():
    sc = week(14, due_s=3 * DAY)  # 80 agent-hours a day of work, 140 on duty; Friday 18:00 to Monday 08:00: 62 h
    res = simulate_multiskill(sc, replications=3, seed=2, engine="fast", record_calls=True)
    t = res.type_totals
    assert float(t.missed.mean[0]) == 0 and float(t.closed.mean[0]) == 0 and float(t.offered.mean[0]) > 3000
    open_ = res.calls["outcome"] == int(Outcome.BACKLOG)
    assert np.all(res.calls["arrival_s"][open_] >= 4 * DAY + 17 * H)  # only what came after Friday's last hour
    answered = res.calls["group"] >= 0
    assert np.all(res.calls["wait_s"][answered] <= 14 * H)  # the night before at most, well within 3 days


def test_a_week_short_of_capacity_serves_what_the_hours_allow_and_reports_the_rest_missed():
    sc = week(2, due_s=DAY, handle=model.Distribution.deterministic(1.0))
    for child in _rng.spawn(9, 2):
        callers, out = checked(sc, child)
        c = out.counts[0].sum(axis=0)
        assert c[rec.C_ANSWERED] == 600  # 2 agents x 5 days x 10 h x 6 an hour, never idle
        assert c[rec.C_OFFERED] == callers.n_first and c[rec.C_CLOSED] == c[rec.C_ABANDONED] == 0
        assert c[rec.C_BACKLOG] == c[rec.C_OFFERED] - 600  # never lost: open at the horizon
        missed = c[rec.C_OFFERED] - c[rec.C_HITS] - c[rec.C_OPEN]
        assert missed >= c[rec.C_OFFERED] - 600 - c[rec.C_OPEN] and missed > 2000
        assert c[rec.C_OPEN] == np.sum(callers.arrival_s >= sc.horizon_s - DAY)  # the last day's are not late yet


def test_an_email_is_due_within_a_day_by_default():
    assert model.CallType("m", [1.0], aht_s=60.0, channel="email").due_s == DAY
