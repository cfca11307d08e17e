"""Bad input: each error names the argument, the rule and the value (asserted with re.escape)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from cxqueue.exceptions import ConfigError
from cxqueue.forecast import IntervalForecast, IntervalHistory, backtest, fit, forecast


def _weekdays(n: int, start: str = "2024-01-01") -> np.ndarray:
    return np.busday_offset(start, np.arange(n))


def _history(n: int = 30, n_int: int = 6, interval_s: float = 300.0, seed: int = 0) -> IntervalHistory:
    rng = np.random.default_rng(seed)
    return IntervalHistory(rng.poisson(40, size=(n, n_int)), _weekdays(n), interval_s, first_start_s=8 * 3600)


def test_empty_history():
    with pytest.raises(ConfigError, match=re.escape("counts must be a 2-d array of days by intervals")):
        IntervalHistory(np.zeros((0, 4)), [], 900)


def test_one_day_history():
    h = IntervalHistory([[1, 2, 3]], ["2024-01-01"], 900)
    with pytest.raises(ConfigError, match=re.escape("history must hold at least 2 days; got 1 (2024-01-01)")):
        fit(h)


def test_negative_counts():
    msg = "counts must be >= 0; 1 of 4 values break it (first at index (1, 0): -3.0)"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        IntervalHistory([[1, 2], [-3, 4]], ["2024-01-01", "2024-01-02"], 900)


def test_negative_observed():
    m = fit(_history())
    with pytest.raises(ConfigError, match=re.escape("observed must be >= 0; 1 of 2 values break it (first at index 1")):
        m.forecast(observed=[3, -1])


def test_dates_out_of_order():
    msg = "dates must be strictly increasing; got 2024-01-02 then 2024-01-02 at index 1"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        IntervalHistory([[1], [2]], ["2024-01-02", "2024-01-02"], 900)


def test_a_gap_of_weeks_is_reported_not_zero():
    h = _history(40)
    keep = (h.dates < np.datetime64("2024-01-15")) | (h.dates >= np.datetime64("2024-02-05"))
    gap = h.select(keep)
    assert [str(d) for d in gap.missing_dates[[0, -1]]] == ["2024-01-15", "2024-02-02"]
    assert gap.missing_dates.size == 15
    assert any("15 operating days between 2024-01-01 and 2024-02-23 have no data" in w for w in gap.warnings)
    f = fit(gap, method="day_factor").forecast(days=1)
    assert any("not read as zero calls" in w for w in f.warnings)
    # the missing days are absent from the fit: the history holds only the days that were observed
    assert fit(gap).history.n_days == gap.n_days


def test_short_history_is_weak_not_an_error():
    f = forecast(_history(8), days=1)
    assert f.weak
    assert any("under three weeks" in w for w in f.warnings)
    assert not forecast(_history(30), days=1).weak


def test_origin_before_the_history_ends():
    h = _history(30)
    msg = f"start must be after the history's last day ({h.dates[-1]}); got 2024-01-03"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        forecast(h, start="2024-01-03")


def test_origin_far_beyond_the_history():
    h = _history(30)  # ends 2024-02-09
    msg = "start must be at most 14 days after the history's last day (2024-02-09); got 2024-06-03 (115 days after)"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        forecast(h, start="2024-06-03")


def test_bad_start_and_days():
    h = _history(30)
    with pytest.raises(ConfigError, match=re.escape("start must be a date (YYYY-MM-DD); got 'monday'")):
        forecast(h, start="monday")
    with pytest.raises(ConfigError, match=re.escape("days must be <= 42 (six weeks); got 50")):
        forecast(h, days=50)
    with pytest.raises(ConfigError, match=re.escape("days must be >= 1; got 0")):
        forecast(h, days=0)


def test_unknown_method():
    msg = "method must be one of 'auto', 'weekday_mean', 'day_factor'; got 'arima'"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        fit(_history(), method="arima")
    with pytest.raises(ConfigError, match=re.escape(msg)):
        backtest(_history(), "arima", origins=3)
    with pytest.raises(ConfigError, match=re.escape("update must be one of 'auto', 'gamma', 'svd', 'none'; got 'x'")):
        fit(_history()).forecast(observed=[1], update="x")


def test_five_minute_history_and_fifteen_minute_plan():
    h = _history(30, n_int=6, interval_s=300)
    f = forecast(h, interval_s=900)  # aggregated: 6 five-minute intervals make 2 of 15 minutes
    assert f.interval_s == 900 and f.mean.size == 2
    np.testing.assert_allclose(f.mean.sum(), forecast(h, method="auto").mean.sum(), rtol=0.02)
    msg = "interval_s must be a whole multiple of the history's interval (900 s) to aggregate; got 300 (a ratio"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        forecast(_history(30, interval_s=900), interval_s=300)
    msg = "interval_s must be a whole multiple of the history's interval (300 s) to aggregate; got 1000"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        h.aggregate(1000)


def test_partial_interval_in_aggregation():
    h = _history(3, n_int=7, interval_s=300)  # 08:00-08:35: the last 15-minute interval is partial
    msg = "interval_s=900 leaves a partial interval: the history's 7 intervals of 300 s from 28800 s do not fill"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        h.aggregate(900)
    assert h.aggregate(900, partial="drop").n_intervals == 2


def test_observed_too_long():
    m = fit(_history(n_int=6))
    msg = "observed must be a 1-d array of the first intervals' calls, fewer than the day's 6; got shape (6,)"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        m.forecast(observed=np.ones(6))


def test_history_of_the_wrong_type():
    with pytest.raises(ConfigError, match=re.escape("history must be an IntervalHistory (or the IntervalCounts")):
        fit([[1, 2], [3, 4]])


def test_backtest_origins():
    h = _history(10)
    msg = "origins must leave at least 2 days of history before the first target day (1 day(s) ahead); got 9 origins"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        backtest(h, origins=9)
    with pytest.raises(ConfigError, match=re.escape("origins must be dates of the history; 2024-01-06 is not one")):
        backtest(h, origins=["2024-01-06"])
    msg = "update_at_s must lie inside the day's intervals (28800 to 30600 s after midnight); got 36000"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        backtest(h, origins=3, update_at_s=36000)


def test_quantile_levels_are_fractions():
    f = forecast(_history(), days=1)
    with pytest.raises(ConfigError, match=re.escape("level must be a fraction in (0, 1); got 90.0 (pass 0.9 for 90%)")):
        f.interval(90)
    with pytest.raises(ConfigError, match=re.escape("q must be a fraction in (0, 1); got 1.0")):
        f.quantile(1.0)


def test_result_checks_its_arrays():
    with pytest.raises(ConfigError, match=re.escape("mean must be finite and >= 0; got -1.0")):
        IntervalForecast(["2024-01-01"], "2024-01-01T08:00", 0, -1.0, [10.0], np.inf, 900, "x")


def test_special_days():
    with pytest.raises(ConfigError, match=re.escape("special_days must hold dates (YYYY-MM-DD); got 'xmas'")):
        fit(_history(), special_days=["xmas"])
    with pytest.raises(ConfigError, match=re.escape("special_days labels must be non-empty strings; got 3 for")):
        fit(_history(), special_days={"2024-01-05": 3})
