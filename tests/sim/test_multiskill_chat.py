"""Chats (`cxqueue.scenario.Chat`): an agent holds up to its group's concurrency of them, on both engines.

Checked from the log on every run here: no agent holds more chats than its concurrency, nor
a chat and a voice call at once; each chat lasts its voice duration x ``1 + stretch * (m -
1)`` with ``m`` the chats its agent held once it started (bounded by the overlaps in the
log); the conservation laws of `test_multiskill_conservation` hold. Acceptance (issue 13,
4): a chat queue with concurrency 1 is a call queue, log for log. Theory: with stretch 0 a
chat queue of ``c`` agents holding ``k`` chats is an M/M/(c k) queue (Erlang C).
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from cxqueue import _rng
from cxqueue import scenario as model
from cxqueue.analytic import erlang_c
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import Chat
from cxqueue.sim.multiskill import simulate_multiskill
from tests.sim.test_multiskill_fast import assert_same, both, checked

H = 3600.0


def chat_center(conc=None, stretch=0.3, **routing) -> model.MultiSkillScenario:
    """Eight half hours: voice calls, two chat types (web with patience, app without); a voice
    group, a blended group (voice and chats, 2 at once) and a chat group (3 at once); staffing
    that rises and falls; hours 08:00-11:30 from 07:30."""
    n = 8
    x = np.arange(n)
    exp = model.Distribution.exponential
    types = [
        model.CallType("voice", np.full(n, 40.0), aht_s=240.0, patience=exp(150.0)),
        model.CallType("web", 30 + 10 * (x % 3), aht_s=420.0, patience=exp(300.0), channel="chat"),
        model.CallType("app", np.full(n, 20.0), aht_s=360.0, channel="chat", priority=1,
                       handle=model.Distribution.lognormal(1.0, cv=0.7)),
    ]  # fmt: skip
    groups = [
        model.AgentGroup("phones", "voice", np.where(x < 4, 4, 3)),
        model.AgentGroup("blend", ("voice", "web", "app"), np.where(x % 2 == 0, 3, 2), handle_factor={"web": 1.1}),
        model.AgentGroup("chat", ("web", "app"), np.array([2, 3, 3, 2, 4, 2, 1, 3])),
    ]
    rt = model.Routing(type_groups={"web": ("chat", "blend")}, delays_s={"web": {"blend": 20.0}}, **routing)
    chat = Chat({"blend": 2, "chat": 3} if conc is None else conc, stretch=stretch)
    return model.MultiSkillScenario(types, groups, rt, interval_s=1800.0, start_s=7.5 * H,
                                    hours=model.OpeningHours.daily(8 * H, 11.5 * H), chat=chat)  # fmt: skip


def _check_chats(sc, log, callers):
    """Concurrency, no voice beside a chat, and the stretch rule, agent by agent."""
    chat = np.array([t.channel == "chat" for t in sc.types])
    a = log[log["group"] >= 0]
    base = callers.handle_unit[a["call_id"]] * sc.aht_s[a["call_type"], a["interval"]]
    base = base * sc.handle_factors[a["group"], a["call_type"]]
    held_max = 0
    for g in range(sc.n_groups):
        cap = sc.chat.of(sc.group_names[g])
        mine = a[a["group"] == g]
        for agent in np.unique(mine["server"]):
            sel = (a["group"] == g) & (a["server"] == agent)
            s, e, is_chat = a["answer_s"][sel], a["end_s"][sel], chat[a["call_type"][sel]]
            before = ((s[None, :] < s[:, None]) & (e[None, :] > s[:, None])).sum(axis=1)  # started earlier, still on
            at = ((s[None, :] <= s[:, None]) & (e[None, :] > s[:, None])).sum(axis=1)  # also those started then
            assert np.all(at <= np.where(is_chat, cap, 1)), (sc.group_names[g], agent)
            on = (s[None, :] < e[:, None]) & (e[None, :] > s[:, None])  # spans that overlap
            np.fill_diagonal(on, False)
            assert not np.any(on[~is_chat]), "a voice call beside another call"
            m = np.where(is_chat, 1 + before, 1)
            ratio = a["service_s"][sel] / base[sel]
            held = np.rint((ratio - 1) / sc.chat.stretch + 1).astype(int) if sc.chat.stretch else m
            assert np.all((held >= 1 + before) & (held <= np.maximum(at, 1)))
            np.testing.assert_allclose(ratio, 1 + sc.chat.stretch * (held - 1), rtol=1e-9)
            held_max = max(held_max, int(held.max(initial=0)))
    return held_max


POLICIES = [("priority", "longest_idle"), ("fifo", "fixed_order"), ("priority", "random_free")]


@pytest.mark.parametrize(("call_choice", "agent_choice"), POLICIES)
def test_same_log_and_the_chat_rules(call_choice, agent_choice):
    sc = chat_center(call_choice=call_choice, agent_choice=agent_choice)
    callers, got = checked(sc, _rng.spawn(31, 1)[0])
    log = got.calls
    assert _check_chats(sc, log, callers) == 3  # some agents held three chats at once
    g = log["group"][log["call_type"] == sc.type_index("voice")]
    assert set(np.unique(g[g >= 0]).tolist()) == {0, 1}  # the blended group answers voice too


def test_a_chat_queue_with_concurrency_one_is_a_call_queue():
    sc = chat_center(conc=1, stretch=0.5)
    voice = sc.replace(types=tuple(dataclasses.replace(t, channel="voice") for t in sc.types), chat=Chat())
    for seed in _rng.spawn(5, 2):
        chats, calls = both(sc, seed), both(voice, seed)
        assert_same(chats[0], calls[0])
        assert_same(chats[1], calls[1])


def test_transfers_into_chats_keep_the_rules():
    sc = chat_center()
    voice, web, app = sc.types
    sc = sc.replace(types=(dataclasses.replace(voice, transfer=model.Transfer("app", 0.3)), web, app))
    callers, got = checked(sc, _rng.spawn(32, 1)[0])
    _check_chats(sc, got.calls, callers)


def test_chats_without_stretch_are_an_erlang_c_queue_of_every_slot():
    # 3 agents x 2 chats = 6 slots; 4.2 Erlangs; no patience: P(wait) is Erlang C with 6 servers
    n, c, k, aht = 150, 3, 2, 300.0
    calls = 4.2 * H / aht
    sc = model.MultiSkillScenario([model.CallType("web", [calls] * n, aht_s=aht, channel="chat")],
                                  [model.AgentGroup("chat", "web", c)], interval_s=H, chat=Chat(k))  # fmt: skip
    res = simulate_multiskill(sc, replications=8, seed=4, engine="fast", warmup_s=2 * H)
    got = res.type_totals.p_wait
    want = float(erlang_c.wait_probability(4.2, c * k))
    half = float(got.half_width[0])
    assert half < 0.015 and abs(float(got.mean[0]) - want) <= 2 * half, (got, want)  # 0.336 (M/M/5: 0.56)
    one = sc.replace(chat=Chat(1))  # 3 slots would be overloaded: almost every chat waits
    assert float(simulate_multiskill(one, replications=2, seed=4, engine="fast").type_totals.p_wait.mean[0]) > 0.95


@pytest.mark.parametrize(("make", "message"), [
    (lambda: Chat(0), "channels.chat.concurrency must be >= 1; got 0"),
    (lambda: Chat({"g": 0}), "channels.chat.concurrency.g must be >= 1; got 0"),
    (lambda: Chat(2, stretch=-0.1), "channels.chat.stretch must be >= 0"),
    (lambda: model.CallType("a", [1.0], aht_s=60.0, channel="email2"), "call_types.a.channel must be one of"),
    (lambda: model.MultiSkillScenario([model.CallType("a", [1.0], aht_s=60.0)], [model.AgentGroup("g", "a", 1)],
                                      chat=Chat({"h": 2})),
     "channels.chat.concurrency names 'h', which is not a group (the groups: 'g')"),
])  # fmt: skip
def test_bad_chat_settings_are_named(make, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        make()
