"""Multi-skill configs, the routing and channel keys of issue 13 beyond phase 1: the agent choice
``random_free``, transfers; each bad input names its key and value."""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pytest

from cxqueue.cli import EXIT_OK
from cxqueue.config import load_scenario, loads_scenario
from cxqueue.exceptions import ConfigError
from cxqueue.plan.multiskill import simulate_multiskill_config
from cxqueue.sim.multiskill import simulate_multiskill
from tests.config.test_multiskill import SMALL, run_cli
from tests.conftest import REPO

CHANNELS_EXAMPLE = REPO / "configs" / "multiskill-channels.toml"


def fails(text: str, message: str):
    with pytest.raises(ConfigError, match=re.escape(message)):
        loads_scenario(text)


def test_agent_choice_random_free():
    ms = loads_scenario(SMALL + '\n[routing]\nagent_choice = "random_free"\n').multiskill
    assert ms.resolved_routing.agent_choice == "random_free"
    fails(SMALL + '\n[routing]\nagent_choice = "random"\n', "[routing].agent_choice")


def test_transfers():
    text = SMALL + '[call_types.a.transfer]\nto = "b"\nshare = 0.2\n'
    ms = loads_scenario(text).multiskill
    assert ms.types[0].transfer.to == "b" and ms.types[0].transfer.share == 0.2
    per_group = SMALL.replace("priority = 1", 'priority = 1\ntransfer = { to = "a", share = { g2 = 0.5 } }')
    assert loads_scenario(per_group).multiskill.types[1].transfer.share == {"g2": 0.5}


CYCLE = SMALL.replace("aht_min = 3\n", 'aht_min = 3\ntransfer = { to = "b", share = 1 }\n', 1).replace(
    "priority = 1", 'priority = 1\ntransfer = { to = "a", share = 1.0 }'
)


@pytest.mark.parametrize(("text", "message"), [
    (CYCLE, "[call_types.a].transfer makes a circle of transfers with no exit (a -> b -> a, every share 1, so the "
            "work never ends); got transfer = {to = 'b', share = 1.0}"),
    (SMALL + '[call_types.a.transfer]\nto = "c"\nshare = 0.2\n',
     "[call_types.a].transfer.to names 'c', which is not a call type (the types: 'a', 'b')"),
    (SMALL + '[call_types.a.transfer]\nto = "b"\nshare = 20\n', "[call_types.a].transfer.share must be a fraction in "
                                                                "[0, 1]; got 20"),
    (SMALL + '[call_types.a.transfer]\nto = "b"\nshare = { g2 = -1 }\n',
     "[call_types.a].transfer.share.g2 must be a fraction in [0, 1]; got -1"),
    (SMALL + '[call_types.a.transfer]\nto = "b"\n', "[call_types.a].transfer.share is required"),
    (SMALL + '[call_types.a.transfer]\nto = "b"\nshare = 0.1\nby = 2\n', "[call_types.a].transfer has unknown key"),
    (SMALL + '[call_types.a.transfer]\nto = 3\nshare = 0.1\n', "[call_types.a].transfer.to must be the name of a call "
                                                               "type; got 3"),
])  # fmt: skip
def test_bad_transfers_name_the_key_and_value(text, message):
    fails(text, message)


CHAT = SMALL.replace("priority = 1", 'priority = 1\nchannel = "chat"')
CHAT += "\n[channels.chat]\nconcurrency = 2\nstretch = 0.25\n"


def test_chat_channel_and_concurrency():
    ms = loads_scenario(CHAT).multiskill
    assert [t.channel for t in ms.types] == ["voice", "chat"]
    assert ms.chat.of("g1") == ms.chat.of("g2") == 2 and ms.chat.stretch == 0.25
    own = CHAT.replace("agents = [2, 3, 2]", "agents = [2, 3, 2]\nconcurrency = 3")
    assert loads_scenario(own).multiskill.chat.of("g2") == 3
    assert loads_scenario(SMALL).multiskill.chat.of("g1") == 1  # without [channels.chat]: one at a time


@pytest.mark.parametrize(("text", "message"), [
    (CHAT.replace("concurrency = 2", "concurrency = 0"), "[channels.chat].concurrency must be >= 1; got 0"),
    (CHAT.replace("agents = [2, 3, 2]", "agents = [2, 3, 2]\nconcurrency = 0"),
     "[groups.g2].concurrency must be >= 1; got 0"),
    (CHAT.replace("stretch = 0.25", "stretch = -1"), "[channels.chat].stretch must be >= 0; got -1"),
    (CHAT.replace('channel = "chat"', 'channel = "fax"'), "[call_types.b].channel must be one of"),
    (CHAT + "\n[channels.fax]\nx = 1\n", "[channels.fax]"),
    ('[demand]\ncalls = [10]\naht_s = 60\n[channels.chat]\nconcurrency = 2\n', "[channels] applies to a multi-skill"),
])  # fmt: skip
def test_bad_chat_config_names_the_key_and_value(text, message):
    fails(text, message)


def test_the_channels_example_loads_and_simulates_on_both_engines():
    ms = load_scenario(CHANNELS_EXAMPLE).multiskill
    assert ms.n_types >= 3 and ms.n_groups >= 3
    assert [t.channel for t in ms.types] == ["voice", "voice", "chat", "email", "outbound"]
    assert ms.types[3].due_s == 8 * 3600 and ms.types[1].outbound.to == "checkin" and ms.dialer.reach == 0.7
    assert ms.chat.of("digital") == 3 and ms.chat.of("loans") == 2
    assert ms.types[0].transfer.to == "loans" and ms.resolved_routing.agent_choice == "random_free"
    day = ms.replace(types=tuple(dataclasses.replace(t, calls=t.calls[:20], aht_s=t.aht_s[:20]) for t in ms.types),
                     groups=tuple(dataclasses.replace(g, agents=g.agents[:20]) for g in ms.groups))  # fmt: skip
    a = simulate_multiskill(day, replications=2, seed=3, record_calls=True)
    b = simulate_multiskill(day, replications=2, seed=3, record_calls=True, engine="fast")
    assert a.calls.tobytes() == b.calls.tobytes()
    t = a.type_totals
    assert float(t.transferred.mean[0]) > 0 and np.all(t.sl_offered.mean > 0.5)


MAIL = SMALL.replace("priority = 1", 'priority = 1\nchannel = "email"') + "\n[channels.email]\ndue_h = 8\n"


def test_email_channel_and_due_time():
    ms = loads_scenario(MAIL).multiskill
    assert ms.types[1].channel == "email" and ms.types[1].due_s == 8 * 3600 and ms.types[1].patience.is_none
    own = MAIL.replace('channel = "email"', 'channel = "email"\ndue_min = 30')
    assert loads_scenario(own).multiskill.types[1].due_s == 1800
    plain = SMALL.replace("priority = 1", 'priority = 1\nchannel = "email"')
    assert loads_scenario(plain).multiskill.types[1].due_s == 86400  # a day without [channels.email]


@pytest.mark.parametrize(("text", "message"), [
    (MAIL.replace("due_h = 8", "due_h = -1"), "[channels.email].due_h must be >= 0; got -1"),
    (MAIL.replace('channel = "email"', 'channel = "email"\ndue_s = -5'), "[call_types.b].due_s must be >= 0; got -5"),
    (MAIL.replace('channel = "email"', 'channel = "email"\npatience_s = 60'),
     "[call_types.b].patience must be none for an email type (deferrable work is never abandoned)"),
    (SMALL.replace("priority = 1", "priority = 1\ndue_s = 60"),
     '[call_types.b].due_s applies to channel "email" or "outbound" only'),
])  # fmt: skip
def test_bad_email_config_names_the_key_and_value(text, message):
    fails(text, message)


CHECKIN = (
    SMALL
    + """
[call_types.c]
calls = [0, 0, 0]
aht_min = 2
channel = "outbound"
due_h = 2

[groups.g3]
skills = ["c"]
agents = 1

[outbound]
reach = 0.7
attempt_s = 40
"""
)
CHECKIN = CHECKIN.replace("aht_min = 3\n", 'aht_min = 3\noutbound = { to = "c", share = 0.25, delay_min = 10 }\n', 1)


def test_outbound_check_ins():
    ms = loads_scenario(CHECKIN).multiskill
    ob = ms.types[0].outbound
    assert (ob.to, ob.share, ob.delay_s) == ("c", 0.25, 600.0) and ms.types[2].due_s == 7200
    assert (ms.dialer.reach, ms.dialer.attempt_s) == (0.7, 40.0)
    res = simulate_multiskill(ms, replications=2, seed=1)
    assert float(res.type_totals.offered.mean[2]) > 0  # check-ins came from served calls of a


@pytest.mark.parametrize(("text", "message"), [
    (CHECKIN.replace("share = 0.25", "share = 2"), "[call_types.a].outbound.share must be a fraction in [0, 1]; got 2"),
    (CHECKIN.replace("delay_min = 10", "delay_min = -1"), "[call_types.a].outbound.delay_min must be a number >= 0"),
    (CHECKIN.replace('to = "c"', 'to = "b"'),
     '[call_types.a].outbound.to must name a call type with channel "outbound"'),
    (CHECKIN.replace("reach = 0.7", "reach = 70"), "[outbound].reach must be"),
    (CHECKIN.replace("attempt_s = 40", "attempt_s = 0"), "[outbound].attempt_s must be > 0; got 0"),
    (CHECKIN.replace("delay_min = 10", "wait = 1"), "[call_types.a].outbound has unknown key"),
    ("[demand]\ncalls = [10]\naht_s = 60\n[outbound]\nreach = 0.5\n", "[outbound] applies to a multi-skill"),
])  # fmt: skip
def test_bad_outbound_config_names_the_key_and_value(text, message):
    fails(text, message)


def test_the_cli_prints_the_channel_kpis_of_the_library():
    code, text = run_cli(["simulate", str(CHANNELS_EXAMPLE), "--replications", "2", "--seed", "4", "--json"])
    assert code == EXIT_OK
    data = json.loads(text)
    run = simulate_multiskill_config(load_scenario(CHANNELS_EXAMPLE), replications=2, seed=4)
    for row, t in zip(run.types, data["types"], strict=True):
        for kpi in ("transferred", "backlog", "missed", "reached"):
            assert t[kpi]["mean"] == float(getattr(row, kpi).mean)
    names = [t["name"] for t in data["types"]]
    assert data["types"][names.index("retail")]["transferred"]["mean"] > 0
    checkin = data["types"][names.index("checkin")]
    assert 0 < checkin["reached"]["mean"] < checkin["answered"]["mean"]  # some dials missed the customer
    code, text = run_cli(["simulate", str(CHANNELS_EXAMPLE), "--replications", "2", "--seed", "4"])
    header = next(x for x in text.splitlines() if x.strip().startswith("call type "))
    assert all(w in header for w in ("transferred", "backlog", "missed", "reached"))
    line = next(x for x in text.splitlines() if x.strip().startswith("checkin "))
    row = run.types[names.index("checkin")]
    assert f"{row.reached.mean:.1f}" in line and f"{row.missed.mean:.1f}" in line
