"""Multi-skill configs, the routing and channel keys of issue 13 beyond phase 1: the agent choice
``random_free``, transfers; each bad input names its key and value."""

from __future__ import annotations

import re

import pytest

from cxqueue.config import loads_scenario
from cxqueue.exceptions import ConfigError
from tests.config.test_multiskill import SMALL


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
