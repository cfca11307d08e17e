"""IntervalHistory: the readers' output as days by intervals, checked against brute force."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cxqueue.data import read_interval_csv
from cxqueue.data._examples import example_history
from cxqueue.forecast import IntervalHistory


def test_us_bank_shape_and_missing_days(us_bank, data_dir):
    assert (us_bank.n_days, us_bank.n_intervals, us_bank.interval_s, us_bank.first_start_s) == (164, 169, 300, 25200)
    assert us_bank.open_weekdays == (0, 1, 2, 3, 4)
    # the six weekdays absent between 2003-03-03 and 2003-10-24 (holidays), none read as zero
    assert [str(d) for d in us_bank.missing_dates] == [
        "2003-04-04",
        "2003-04-07",
        "2003-05-26",
        "2003-07-04",
        "2003-09-01",
        "2003-10-14",
    ]
    assert np.all(us_bank.daily_totals > 10_000)
    ic = read_interval_csv(data_dir / "us-bank-calls-2003" / "bank_calls.csv")
    assert us_bank.counts.sum() == ic.calls.sum()
    # brute force: each row of the file lands in its day and interval
    day = np.searchsorted(us_bank.dates, ic.start.astype("datetime64[D]"))
    tod = (ic.start - ic.start.astype("datetime64[D]")).astype(np.int64)
    slot = (tod - 25200) // 300
    np.testing.assert_array_equal(us_bank.counts[day, slot], ic.calls)


def test_from_call_log_bins_by_date_and_interval():
    log = example_history(
        "arrival,answer,end\n"
        "2024-03-04 09:00:10,2024-03-04 09:00:20,2024-03-04 09:03:20\n"  # served, talk 180 s
        "2024-03-04 09:14:59,2024-03-04 09:15:30,2024-03-04 09:16:30\n"  # served, talk 60 s
        "2024-03-04 09:20:00,,2024-03-04 09:21:00\n"  # abandoned
        "2024-03-06 09:40:00,2024-03-06 09:40:05,2024-03-06 09:50:05\n"  # served, talk 600 s
    )
    h = IntervalHistory.from_call_log(log, interval_s=900)
    assert [str(d) for d in h.dates] == ["2024-03-04", "2024-03-06"]
    assert h.first_start_s == 9 * 3600 and h.n_intervals == 3
    assert h.counts.tolist() == [[2.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    np.testing.assert_array_equal(h.aht_s, [[120.0, np.nan, np.nan], [np.nan, np.nan, 600.0]])
    assert [str(d) for d in h.missing_dates] == []  # 2024-03-05 is a Tuesday, not an operating weekday here


def test_from_call_log_bank1999(bank1999_log):
    h = IntervalHistory.from_call_log(bank1999_log, interval_s=3600, open_s=7 * 3600, close_s=24 * 3600)
    offered = bank1999_log.offered
    tod = bank1999_log.calls["arrival_s"] % 86400
    inside = offered & (tod >= 7 * 3600)
    assert h.counts.sum() == inside.sum()
    assert h.n_intervals == 17 and h.aht_s is not None
    assert "1999-01-11" in {str(d) for d in h.missing_dates}  # the gap the source describes
    assert any("1999-01-11" in w for w in h.warnings)


def test_aggregate_sums_and_weights_aht():
    counts = np.array([[1.0, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1]])
    aht = np.array([[100.0, 200, np.nan, 100, 100, 100], [10, 20, 30, 40, 50, 60]])
    h = IntervalHistory(counts, ["2024-03-04", "2024-03-05"], 300, first_start_s=9 * 3600, aht_s=aht)
    a = h.aggregate(900)
    assert a.counts.tolist() == [[6.0, 15.0], [15.0, 6.0]]
    np.testing.assert_allclose(a.aht_s[0], [(100 + 400) / 3, 100.0])
    np.testing.assert_allclose(a.aht_s[1], [(60 + 100 + 120) / 15, (120 + 100 + 60) / 6])
    # a day starting at 09:05 on a 15-minute grid: the first whole interval starts 09:15
    h2 = IntervalHistory(counts, ["2024-03-04", "2024-03-05"], 300, first_start_s=9 * 3600 + 300)
    d = h2.aggregate(900, partial="drop")
    assert d.first_start_s == 9 * 3600 + 900 and d.counts.tolist() == [[12.0], [9.0]]


def test_to_dict_is_json():
    h = IntervalHistory([[1, 2], [3, 4]], ["2024-03-04", "2024-03-05"], 900, aht_s=[[100, np.nan], [90, 80]])
    d = json.loads(json.dumps(h.to_dict()))
    assert d["dates"] == ["2024-03-04", "2024-03-05"] and d["aht_s"][0] == [100.0, None]


def test_before_and_select():
    h = IntervalHistory([[1], [2], [3]], ["2024-03-04", "2024-03-05", "2024-03-06"], 900)
    assert h.before("2024-03-06").counts.ravel().tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match="mask must hold one bool per day"):
        h.select([True])
