"""Issue 14, acceptance 1: one day ahead on us-bank-calls-2003, rolling origin over the last 40 days.

The baselines and limits are computed here, independently of the library (plain numpy on
the days-by-intervals matrix): the historical same-weekday mean (each target day from all
earlier days of its weekday), the same mean rescaled to the day's true total (the
known-total limit) and sqrt of the mean count (the RMSE of a forecast that knew each
interval's Poisson rate, since E(N - lambda)^2 = lambda). The figures of the issue are
about 21.4, 16.2 and 13.8; on this file, with the weekday mean from all earlier same
weekdays, we measure 23.59, 16.97 and 13.83, and the targets are taken relative to the
weekday mean measured in the same run.
"""

from __future__ import annotations

import numpy as np
import pytest

from cxqueue.forecast import backtest

ORIGINS = 40
UPDATE_AT_S = 10 * 3600


def _rmse(e) -> float:
    return float(np.sqrt(np.mean(np.square(e))))


@pytest.fixture(scope="module")
def reference(us_bank):
    """Weekday mean, known-total and Poisson references over the last 40 days (independent numpy)."""
    x, wd = us_bank.counts, us_bank.weekdays
    n = x.shape[0]
    m0 = int((UPDATE_AT_S - us_bank.first_start_s) / us_bank.interval_s)
    err, err_known, err_rest, err_rest_known = [], [], [], []
    for t in range(n - ORIGINS, n):
        past = x[:t][wd[:t] == wd[t]]
        f = past.mean(axis=0)
        err.append(x[t] - f)
        err_known.append(x[t] - f * x[t].sum() / f.sum())
        err_rest.append(x[t, m0:] - f[m0:])
        err_rest_known.append(x[t, m0:] - f[m0:] * x[t, m0:].sum() / f[m0:].sum())
    tail = x[n - ORIGINS :]
    return {
        "weekday_mean": _rmse(err),
        "known_total": _rmse(err_known),
        "poisson": float(np.sqrt(tail.mean())),
        "rest_weekday_mean": _rmse(err_rest),
        "rest_known_total": _rmse(err_rest_known),
        "m0": m0,
    }


@pytest.fixture(scope="module")
def runs(us_bank):
    return {
        "weekday_mean": backtest(us_bank, "weekday_mean", origins=ORIGINS),
        "auto": backtest(us_bank, "auto", origins=ORIGINS),
        "auto_update": backtest(us_bank, "auto", origins=ORIGINS, update_at_s=UPDATE_AT_S),
    }


def test_table(reference, runs, capsys):
    """Print the table of the issue's acceptance 1 (shown with ``pytest -s``)."""
    best, upd = runs["auto"], runs["auto_update"]
    rows = [
        ("weekday mean (independent)", reference["weekday_mean"]),
        ("weekday mean (backtest)", runs["weekday_mean"].rmse),
        ("best (auto: " + ",".join(sorted(set(best.chosen))) + ")", best.rmse),
        ("known-total limit", reference["known_total"]),
        ("Poisson limit", reference["poisson"]),
        ("rest of day: weekday mean", reference["rest_weekday_mean"]),
        ("rest of day: updated at 10:00", upd.rmse),
        ("rest of day: known-total limit", reference["rest_known_total"]),
    ]
    with capsys.disabled():
        print("\nus-bank-calls-2003, last 40 days, one day ahead: interval RMSE (calls per 5 min)")
        for name, val in rows:
            print(f"  {name:34s} {val:7.2f}")
        print(
            f"  best: {1 - best.rmse / reference['weekday_mean']:.1%} below the weekday mean; "
            f"90 % coverage {best.coverage_90:.3f} (intervals), {best.daily_coverage_90:.3f} (days); "
            f"update: {1 - upd.rmse / reference['rest_weekday_mean']:.1%} below"
        )


def test_backtest_weekday_mean_is_the_independent_one(reference, runs):
    assert runs["weekday_mean"].rmse == pytest.approx(reference["weekday_mean"], rel=1e-12)
    assert runs["weekday_mean"].poisson_rmse == pytest.approx(reference["poisson"], rel=1e-12)


def test_limits_are_those_of_the_issue(reference):
    # the ordering the issue states; the known-total and Poisson figures within 5 % of its 16.2 and 13.8
    assert reference["poisson"] < reference["known_total"] < reference["weekday_mean"]
    assert reference["poisson"] == pytest.approx(13.8, rel=0.05)
    assert reference["known_total"] == pytest.approx(16.2, rel=0.05)


def test_best_method_is_seven_percent_below_the_weekday_mean(reference, runs):
    best = runs["auto"]
    assert best.rmse <= 0.93 * reference["weekday_mean"]


def test_interval_coverage(runs):
    best = runs["auto"]
    assert 0.87 <= best.coverage_90 <= 0.93
    assert best.lo50.shape == best.actual.shape
    assert 0.85 <= best.daily_coverage_90 <= 0.95


def test_update_at_ten_is_eighteen_percent_below_the_weekday_mean(reference, runs):
    upd = runs["auto_update"]
    assert upd.actual.shape[1] == 169 - reference["m0"]
    assert upd.rmse <= 0.82 * reference["rest_weekday_mean"]
