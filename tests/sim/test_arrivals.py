"""Pre-sampled callers: the arrival process, the day factor and the attribute tables."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from cxqueue.scenario import Distribution, Forecast, OpeningHours, Redials, Scenario
from cxqueue.sim.arrivals import open_windows, sample_callers


def test_arrivals_are_a_nonhomogeneous_poisson_process():
    calls = np.array([5.0, 40.0, 0.0, 120.0])
    sc = Scenario(Forecast(calls=calls, aht_s=100.0, interval_s=600.0), agents=1)
    counts = np.array([np.bincount((sample_callers(sc, s).arrival_s // 600).astype(int), minlength=4)
                       for s in range(400)])  # fmt: skip
    # Poisson: mean = variance = calls in each interval (99.9 % bounds over 400 draws)
    se = np.sqrt(calls / 400)
    assert np.all(np.abs(counts.mean(0) - calls) <= 3.3 * se + 1e-12)
    assert counts[:, 2].sum() == 0
    assert stats.chi2.sf(((counts[:, 3] - 120) ** 2 / 120).sum(), 399) > 0.001
    # uniform inside the interval
    times = np.concatenate([sample_callers(sc, s).arrival_s for s in range(50)])
    inside = times[(times >= 1800) & (times < 2400)] - 1800
    assert stats.kstest(inside / 600, "uniform").pvalue > 0.001


def test_day_factor_adds_gamma_variance_per_day():
    sc = Scenario(Forecast(calls=np.full(24 * 3, 50.0), aht_s=100.0, interval_s=3600.0), agents=1,
                  day_factor_cv=0.2)  # fmt: skip
    daily = np.array([np.bincount((sample_callers(sc, s).arrival_s // 86400).astype(int), minlength=3)
                      for s in range(300)]).ravel()  # fmt: skip
    mean = 1200.0
    var = mean + (0.2 * mean) ** 2  # Poisson mixed over a gamma factor
    assert abs(daily.mean() - mean) < 3.3 * np.sqrt(var / daily.size)
    assert daily.var(ddof=1) == pytest.approx(var, rel=0.25)


def test_tables_follow_the_scenario():
    f = Forecast(calls=[200.0], aht_s=100.0, interval_s=3600.0)
    sc = Scenario(f, agents=1, handle=Distribution.lognormal(1.0, cv=0.5), redials=Redials(blocked=0.5, max_attempts=3))
    c = sample_callers(sc, 1)
    assert c.handle_unit.shape == (c.n, 3)
    assert c.uses["delay_blocked_s"] and not c.uses["delay_abandoned_s"] and not c.uses["patience_s"]
    assert c.patience_s.shape == (1, 1)
    big = sample_callers(Scenario(Forecast(calls=[200000.0], aht_s=100.0, interval_s=3600.0), agents=1), 2)
    assert big.handle_unit.mean() == pytest.approx(1.0, abs=0.01)


def test_open_windows_cover_the_horizon():
    f = Forecast(calls=np.ones(14 * 24), aht_s=60.0, interval_s=3600.0, start_s=5 * 86400.0)  # Saturday
    sc = Scenario(f, agents=1, hours=OpeningHours.daily(9 * 3600, 17 * 3600, days=range(5)))
    w = open_windows(sc)
    assert w[0, 0] < 0 and w[-1, 1] > f.n_intervals * 3600.0
    first = w[w[:, 1] > 0][0]
    assert first.tolist() == [2 * 86400 + 9 * 3600, 2 * 86400 + 17 * 3600]  # Monday 09:00
    never = Scenario(f, agents=1, hours=OpeningHours(((),) * 7))
    assert open_windows(never).shape == (0, 2)
