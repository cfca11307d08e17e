"""IntervalForecast: scenarios against the Gamma-Poisson theory, quantiles against scipy, the hand-over."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from cxqueue.forecast import IntervalForecast, IntervalHistory, forecast


def _two_days(k=(50.0, 200.0), h=400.0):
    dates = np.array(["2024-03-04", "2024-03-05"], dtype="datetime64[D]")
    start = np.concatenate([d.astype("datetime64[s]") + np.arange(3) * np.timedelta64(900, "s") for d in dates])
    return IntervalForecast(dates, start, [0, 0, 0, 1, 1, 1], [50, 100, 80, 60, 90, 70], list(k), h, 900, "day_factor")


def test_sample_moments_follow_the_gamma_poisson_model():
    """Mean, variance and the within-day covariance of 40,000 scenarios vs the formulas, 5 SE (approx.)."""
    f = _two_days()
    x = f.sample(40_000, seed=7).astype(float)
    mu = f.mean
    ik, ih = 1 / np.array(f.day_factor_shape)[f.day], 1 / f.interval_shape
    var = mu + mu**2 * (ik + ih + ik * ih)
    assert np.all(np.abs(x.mean(0) - mu) <= 5 * np.sqrt(var / x.shape[0])), (x.mean(0), mu)
    np.testing.assert_allclose(x.var(0), var, rtol=0.05)
    # intervals of one day share the day factor: cov = mu_i mu_j / k; of different days: 0
    c = np.cov(x.T)
    assert c[0, 1] == pytest.approx(mu[0] * mu[1] / 50.0, rel=0.15)
    assert abs(c[0, 3]) < 0.1 * mu[0] * mu[3] / 50.0 + 5 * np.sqrt(var[0] * var[3] / x.shape[0])


def test_sample_is_seeded():
    f = _two_days()
    np.testing.assert_array_equal(f.sample(5, seed=3), f.sample(5, seed=3))
    assert not np.array_equal(f.sample(5, seed=3), f.sample(5, seed=4))


def test_quantiles_and_daily_totals():
    f = _two_days(k=(np.inf, np.inf), h=np.inf)  # Poisson given the rates
    np.testing.assert_array_equal(f.quantile(0.9), stats.poisson.ppf(0.9, f.mean))
    lo, hi = f.daily_interval(0.9)
    np.testing.assert_array_equal(lo, stats.poisson.ppf(0.05, [230.0, 220.0]))
    np.testing.assert_array_equal(hi, stats.poisson.ppf(0.95, [230.0, 220.0]))
    g = _two_days(h=np.inf)  # day factor only: the total is negative binomial with shape k
    k = np.array([50.0, 200.0])
    np.testing.assert_array_equal(g.daily_quantile(0.95), stats.nbinom.ppf(0.95, k, k / (k + g.daily_mean)))
    np.testing.assert_allclose(g.day_factor_quantile(0.9), stats.gamma.ppf(0.9, k, scale=1 / k))
    np.testing.assert_allclose(g.mean_at_day_factor(0.5), g.mean * stats.gamma.ppf(0.5, k, scale=1 / k)[g.day])


def test_to_dict_is_json():
    d = json.loads(json.dumps(_two_days(h=np.inf).to_dict()))
    assert d["dates"] == ["2024-03-04", "2024-03-05"] and d["interval_shape"] is None
    assert d["start"][3] == "2024-03-05T00:00:00"


def test_day_forecast_is_a_scenario_forecast():
    dates = np.busday_offset("2024-01-01", np.arange(20))
    aht = np.full((20, 3), 180.0)
    h = IntervalHistory(np.full((20, 3), 30.0), dates, 1800, first_start_s=9 * 3600, aht_s=aht)
    f = forecast(h, days=1)
    sf = f.day_forecast(0, day_factor_q=0.9)
    assert str(f.dates[0]) == "2024-01-29"  # a Monday
    assert sf.start_s == 9 * 3600 and sf.interval_s == 1800
    np.testing.assert_allclose(sf.aht_s, 180.0)
    np.testing.assert_allclose(sf.calls, f.mean_at_day_factor(0.9))


def test_backtest_plot_and_dict(us_bank):
    from cxqueue.forecast import backtest

    b = backtest(us_bank, "weekday_mean", origins=3)
    ax = b.plot(days=2)
    assert len(ax.lines) == 2 and len(ax.collections) == 2
    assert json.loads(json.dumps(b.to_dict()))["rmse"] == pytest.approx(b.rmse)
    assert "coverage_90" in b.table()
