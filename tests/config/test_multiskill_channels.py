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
