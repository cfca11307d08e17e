"""Properties of the forecast (hypothesis, derandomized) and a seeded simulation of its coverage.

- forecasts, quantiles and scenarios are non-negative;
- the central 50 % interval lies inside the 90 % one (intervals and daily totals);
- a history that repeats one week exactly forecasts that week (both methods);
- intraday updating with no observed interval is no update, and the day factor's
  posterior leaves the forecast unchanged when the morning brings exactly what was expected;
- a history of a constant Poisson rate: the 90 % intervals cover a fresh day from the same
  rates as often as the forecast's own distribution says they should, within sampling error
  (brute force: fresh days simulated from the true rates).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cxqueue.forecast import IntervalHistory, fit
from cxqueue.forecast._update import UpdateRule, apply_rule
from cxqueue.forecast.result import nb_quantile

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow],
)


def _history(seed: int, n_days: int, n_int: int, *, level: float = 50.0, open_weekdays=(0, 1, 2, 3, 4)):
    """Poisson counts around a random weekday x interval rate, on the operating weekdays from 2024-01-01."""
    rng = np.random.default_rng(seed)
    mask = "".join("1" if w in open_weekdays else "0" for w in range(7))
    dates = np.busday_offset("2024-01-01", np.arange(n_days), roll="forward", weekmask=mask)
    rate = level * rng.gamma(2.0, 0.5, size=(7, n_int)) * (rng.random((7, n_int)) > 0.1)
    day = rng.gamma(50.0, 1 / 50.0, size=n_days)
    wd = ((dates.astype(np.int64) + 3) % 7).astype(np.int64)
    counts = rng.poisson(rate[wd] * day[:, None])
    return IntervalHistory(counts, dates, interval_s=900, first_start_s=8 * 3600)


histories = st.builds(
    _history,
    seed=st.integers(0, 10_000),
    n_days=st.integers(3, 45),
    n_int=st.integers(2, 16),
    level=st.floats(0.2, 300.0),
)
methods = st.sampled_from(["weekday_mean", "day_factor", "auto"])


@SETTINGS
@given(h=histories, method=methods, days=st.integers(1, 10))
def test_non_negative(h, method, days):
    f = fit(h, method=method).forecast(days=days)
    assert np.all(f.mean >= 0) and np.all(np.isfinite(f.mean))
    assert np.all(f.quantile(0.01) >= 0)
    assert np.all(f.sample(3, seed=1) >= 0)
    assert np.all(f.mean_at_day_factor(0.9) >= 0)


@SETTINGS
@given(h=histories, method=methods, days=st.integers(1, 10))
def test_intervals_nest(h, method, days):
    f = fit(h, method=method).forecast(days=days)
    lo50, hi50 = f.interval(0.5)
    lo90, hi90 = f.interval(0.9)
    assert np.all(lo90 <= lo50) and np.all(lo50 <= hi50) and np.all(hi50 <= hi90)
    dl50, dh50 = f.daily_interval(0.5)
    dl90, dh90 = f.daily_interval(0.9)
    assert np.all(dl90 <= dl50) and np.all(dl50 <= dh50) and np.all(dh50 <= dh90)


@SETTINGS
@given(
    seed=st.integers(0, 10_000),
    weeks=st.integers(2, 8),
    n_int=st.integers(2, 12),
    method=methods,
    closed_weekend=st.booleans(),
)
def test_a_repeating_week_forecasts_that_week(seed, weeks, n_int, method, closed_weekend):
    rng = np.random.default_rng(seed)
    n_wd = 5 if closed_weekend else 7
    week = rng.integers(0, 200, size=(n_wd, n_int)).astype(float)
    week[:, 0] += 1  # no day without calls
    mask = "1111100" if closed_weekend else "1111111"
    dates = np.busday_offset("2024-01-01", np.arange(weeks * n_wd), weekmask=mask)
    h = IntervalHistory(np.tile(week, (weeks, 1)), dates, interval_s=1800, first_start_s=9 * 3600)
    f = fit(h, method=method).forecast(days=7)
    assert f.n_days == n_wd
    np.testing.assert_allclose(f.mean.reshape(n_wd, n_int), week, rtol=1e-9, atol=1e-9)


@SETTINGS
@given(h=histories, update=st.sampled_from(["auto", "gamma", "svd", "none"]))
def test_update_with_nothing_observed_is_no_update(h, update):
    m = fit(h, method="day_factor")
    plain = m.forecast(days=3)
    empty = m.forecast(days=3, observed=[], update=update)
    np.testing.assert_array_equal(empty.mean, plain.mean)
    np.testing.assert_array_equal(empty.day_factor_shape, plain.day_factor_shape)
    np.testing.assert_array_equal(empty.start, plain.start)
    assert empty.update == "none"


@SETTINGS
@given(
    prior=st.lists(st.floats(0.0, 500.0), min_size=3, max_size=20),
    m0=st.integers(1, 2),
    k=st.floats(1.0, 1e4),
    c=st.floats(1.0, 100.0),
)
def test_gamma_posterior_of_the_expected_morning_is_the_prior(prior, m0, k, c):
    p = np.array([prior])
    out = apply_rule(UpdateRule("gamma", c=c), p, p[:, :m0], np.array([k]), np.zeros((p.shape[1], 1)))
    np.testing.assert_allclose(out, p, rtol=1e-12)


def test_constant_poisson_rate_covers_within_sampling_error():
    """Fit on 60 days of Poisson counts with fixed rates; the 90 % intervals against 400 fresh days.

    The nominal coverage of a discrete interval is the forecast's own probability of
    [lo, hi] (>= 0.9); the coverage of fresh days from the true rates must match it within
    3 standard errors of the 400 x 24 fresh counts plus the mean's estimation error, which
    the spread's fit is meant to absorb (a 0.02 allowance).
    """
    from scipy import stats

    rng = np.random.default_rng(20260)
    rates = rng.uniform(20.0, 200.0, size=24)
    dates = np.busday_offset("2024-01-01", np.arange(60))
    h = IntervalHistory(rng.poisson(rates, size=(60, 24)), dates, interval_s=1800, first_start_s=8 * 3600)
    f = fit(h, method="auto").forecast(days=1)
    lo, hi = f.interval(0.9)
    inv = f._inv_interval
    r = np.where(inv > 0, 1.0 / np.maximum(inv, 1e-300), np.inf)
    nominal = np.where(
        np.isinf(r),
        stats.poisson.cdf(hi, f.mean) - stats.poisson.cdf(lo - 1, f.mean),
        stats.nbinom.cdf(hi, r, r / (r + f.mean)) - stats.nbinom.cdf(lo - 1, r, r / (r + f.mean)),
    ).mean()
    fresh = rng.poisson(rates, size=(400, 24))
    covered = float(((fresh >= lo) & (fresh <= hi)).mean())
    se = np.sqrt(nominal * (1 - nominal) / fresh.size)
    assert nominal >= 0.9
    assert abs(covered - nominal) <= 3 * se + 0.02, (covered, nominal, se)


def test_nb_quantile_is_scipy():
    from scipy import stats

    q, mu, inv = 0.9, np.array([0.0, 3.0, 150.0]), np.array([0.01, 0.0, 0.02])
    want = [0.0, stats.poisson.ppf(q, 3.0), stats.nbinom.ppf(q, 50.0, 50.0 / 200.0)]
    assert nb_quantile(q, mu, inv).tolist() == pytest.approx(want)
