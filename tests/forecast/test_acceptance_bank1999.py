"""Issue 14, acceptance 2: each October 1999 week of the Anonymous Bank forecast from the days before it.

The history is January, February and the October days before the week (the level of the
day model starts again after the gap from February to October; the weekday effects and
profiles keep what January and February teach). Calls are the offered ones (served or
abandoned) per 15 minutes from 07:00 to 24:00. Coverage counts the intervals the forecast
expects calls in (a closed Friday afternoon is covered trivially and left out). The
table is printed with ``pytest -s``.
"""

from __future__ import annotations

import numpy as np
import pytest

from cxqueue.forecast import IntervalHistory, fit

WEEKS = np.arange(np.datetime64("1999-10-03"), np.datetime64("1999-10-31"), 7)  # Sunday to Saturday


@pytest.fixture(scope="module")
def table(bank1999_log):
    h = IntervalHistory.from_call_log(bank1999_log, interval_s=900, open_s=7 * 3600, close_s=24 * 3600)
    rows = []
    for ws in WEEKS:
        past = h.before(ws)
        out = {"week": str(ws), "days": int(past.n_days)}
        for name, method in (("auto", "auto"), ("wm", "weekday_mean")):
            m = fit(past, method=method)
            f = m.forecast(ws, 7)
            act = h.counts[np.isin(h.dates, f.dates)].ravel()
            open_ = f.mean > 0
            lo90, hi90 = f.interval(0.9)
            lo50, hi50 = f.interval(0.5)
            dlo, dhi = f.daily_interval(0.9)
            daily = np.bincount(f.day, weights=act, minlength=f.n_days)
            out[name] = {
                "method": m.method,
                "rmse": float(np.sqrt(np.mean((act - f.mean) ** 2))),
                "cov50": float(np.mean(((act >= lo50) & (act <= hi50))[open_])),
                "cov90": float(np.mean(((act >= lo90) & (act <= hi90))[open_])),
                "daily_cov90": float(np.mean((daily >= dlo) & (daily <= dhi))),
                "daily_rmse": float(np.sqrt(np.mean((daily - f.daily_mean) ** 2))),
                "n": int(open_.sum()),
                "hits90": int(((act >= lo90) & (act <= hi90))[open_].sum()),
            }
        rows.append(out)
    return rows


def test_print_table(table, capsys):
    with capsys.disabled():
        print("\nAnonymous Bank 1999, October weeks, offered calls per 15 min (07:00-24:00), 1-7 days ahead")
        print("  week        days  method       RMSE  (wkday mean)  cov50  cov90  daily cov90  daily RMSE")
        for r in table:
            a, w = r["auto"], r["wm"]
            print(
                f"  {r['week']}  {r['days']:4d}  {a['method']:11s} {a['rmse']:6.2f}  ({w['rmse']:6.2f})    "
                f"{a['cov50']:.3f}  {a['cov90']:.3f}  {a['daily_cov90']:11.3f}  {a['daily_rmse']:10.1f}"
            )


def test_coverage_in_a_sane_band(table):
    hits = sum(r["auto"]["hits90"] for r in table)
    n = sum(r["auto"]["n"] for r in table)
    assert 0.85 <= hits / n <= 0.97
    for r in table:
        assert 0.80 <= r["auto"]["cov90"] <= 0.98, r
        assert r["auto"]["cov50"] <= r["auto"]["cov90"]


def test_no_worse_than_the_weekday_mean(table):
    auto = np.sqrt(np.mean([r["auto"]["rmse"] ** 2 for r in table]))
    wm = np.sqrt(np.mean([r["wm"]["rmse"] ** 2 for r in table]))
    assert auto <= wm
