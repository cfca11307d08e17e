"""`staff_table`, what ``cxqueue staff`` prints: its errors name the parameter and the rule."""

from __future__ import annotations

import math

import pytest

from cxqueue.analytic import erlang_a, erlang_c
from cxqueue.exceptions import ConfigError
from cxqueue.optimize.staff_table import staff_table

KW = dict(interval_s=3600.0, level=0.8, answer_within_s=20.0)


@pytest.mark.parametrize("patience", [None, math.inf])
def test_erlang_a_without_a_patience_is_an_error_not_erlang_c(patience):
    # issue 12: the table was Erlang C's (294 agents for 300 Erlangs) under the name erlang_a
    with pytest.raises(ConfigError, match=r"mean_patience_s must be a finite number of seconds with model='erlang_a'"):
        staff_table([6000.0], 180.0, model="erlang_a", mean_patience_s=patience, **KW)


def test_each_model_gets_the_patience_it_was_given():
    a = staff_table([6000.0], 180.0, model="erlang_a", mean_patience_s=300.0, **KW)
    c = staff_table([6000.0], 180.0, **KW)
    load = 6000.0 * 180.0 / 3600.0
    assert int(a.agents[0]) == int(erlang_a.agents_for_service_level(load, aht_s=180.0, mean_patience_s=300.0,
                                                                        answer_within_s=20.0, level=0.8))  # fmt: skip
    assert int(c.agents[0]) == int(erlang_c.agents_for_service_level(load, aht_s=180.0, answer_within_s=20.0,
                                                                        level=0.8))  # fmt: skip
