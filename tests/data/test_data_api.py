"""The public surface of cxqueue.data: names, docstrings with examples, and the remaining error messages."""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import cxqueue.data as data
from cxqueue.data import concat_histories, fit_history, fit_ivr, lines_in_use, read_call_csv
from cxqueue.exceptions import ConfigError


def test_all_names_exist_and_are_documented():
    assert sorted(data.__all__) == sorted(set(data.__all__))
    for name in data.__all__:
        obj = getattr(data, name)
        if inspect.isfunction(obj):
            doc = inspect.getdoc(obj) or ""
            assert ">>>" in doc, f"{name} has no doctested example"
        if inspect.isclass(obj):
            assert inspect.getdoc(obj), f"{name} has no docstring"
    # the names the rest of cxqueue calls
    for name in (
        "read_bank_log",
        "read_call_csv",
        "read_interval_csv",
        "read_history",
        "estimate_forecast",
        "fit_handle_time",
        "fit_patience",
        "redial_share",
        "lines_in_use",
        "fit_history",
        "load_profile",
    ):
        assert name in data.__all__


@pytest.fixture
def tiny(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("arrival,answer,end,agent\n0,10,190,A\n60,100,400,B\n120,,150,\n")
    return read_call_csv(p)


def test_remaining_errors(tiny):
    with pytest.raises(ConfigError, match=re.escape("history must be a CallHistory (call-level data")):
        fit_ivr(None)
    with pytest.raises(ConfigError, match=re.escape("history must be a CallHistory (call-level data")):
        fit_history(np.zeros(3))
    with pytest.raises(ConfigError, match=re.escape("histories must hold at least one CallHistory; got none")):
        concat_histories([])
    with pytest.raises(
        ConfigError, match=re.escape("outcome must be one of 'served', 'abandoned', 'ivr_only'; got 'x'")
    ):
        tiny.mask("x")
    with pytest.raises(ConfigError, match=re.escape("interval_s must be > 0; got 0.0")):
        lines_in_use(tiny, interval_s=0)
    with pytest.raises(ConfigError, match=re.escape("lines must be >= 0; got -1")):
        lines_in_use(tiny).share_of_time_above(-1)
    with pytest.raises(TypeError, match=re.escape("calls must have dtype CALL_DTYPE")):
        data.CallHistory(np.zeros(2), np.datetime64("2024-01-01"))


def test_results_serialize(tiny):
    import json

    fit = fit_history(tiny, min_calls=1)
    text = json.dumps(fit.to_dict(), default=float)
    assert '"forecast"' in text and '"patience_fit"' in text
    assert json.dumps(tiny.to_dict())
    assert tiny.outcome_counts() == {"served": 2, "abandoned": 1, "ivr_only": 0}
    assert tiny.time_of_week_s().tolist() == [0.0, 60.0, 120.0]  # origin 1970-01-05 was a Monday


def test_concat_rebases_times_and_servers(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("arrival,answer,end,agent\n2024-03-05 09:00:00,2024-03-05 09:00:10,2024-03-05 09:01:00,bob\n")
    b.write_text("arrival,answer,end,agent\n2024-03-04 09:00:00,2024-03-04 09:00:20,2024-03-04 09:01:00,ann\n")
    h = concat_histories([read_call_csv(a), read_call_csv(b)])
    assert str(h.origin) == "2024-03-04" and h.servers == ("ann", "bob")
    assert h.calls["arrival_s"].tolist() == [86400 + 32400, 32400]
    assert [h.servers[i] for i in h.calls["server"]] == ["bob", "ann"]
    assert h.report.rows_read == 2 and h.report.rows_kept == 2
