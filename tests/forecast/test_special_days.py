"""Special days: a labelled day's own volume effect, closed days, and the reopening day after a closure."""

from __future__ import annotations

import numpy as np
import pytest

from cxqueue.forecast import IntervalHistory, fit


def _history(promo_every=10, n=60, boost=1.5, seed=3):
    dates = np.busday_offset("2024-01-01", np.arange(n))
    counts = np.tile([100.0, 300.0, 200.0], (n, 1))
    promo = np.arange(n) % promo_every == promo_every - 1
    counts[promo] *= boost
    rng = np.random.default_rng(seed)
    return IntervalHistory(rng.poisson(counts), dates, 3600, first_start_s=9 * 3600), dates[promo]


def test_a_labelled_day_gets_its_past_effect():
    h, promo = _history()
    future = np.datetime64("2024-03-26")  # a Tuesday after the history (ends 2024-03-22)
    special = {str(d): "promo" for d in promo} | {str(future): "promo"}
    m = fit(h, method="day_factor", special_days=special)
    f = m.forecast(future, days=1)
    plain = fit(h, method="day_factor").forecast(future, days=1)
    n = len(promo)
    # the effect on the log scale is the mean log ratio of the promo days, shrunk by n / (n + 1)
    assert np.log(f.daily_mean[0] / plain.daily_mean[0]) == pytest.approx(np.log(1.5) * n / (n + 1), abs=0.05)


def test_closed_day_and_the_reopening_after_it():
    h, _ = _history(promo_every=1000)
    m = fit(h, method="day_factor", special_days={"2024-03-25": "closed"})
    f = m.forecast("2024-03-25", days=2)
    assert [str(d) for d in f.dates] == ["2024-03-25", "2024-03-26"]
    assert np.all(f.mean[f.day == 0] == 0) and np.isinf(f.day_factor_shape[0])
    assert f.daily_mean[1] > 0
    assert any("reopening" in w for w in f.warnings)  # no reopening day in this history to learn from
