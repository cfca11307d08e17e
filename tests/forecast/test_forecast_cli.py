"""``cxqueue forecast`` on the US bank history: the CSV it writes is the library's forecast,
an origin with a time is intraday updating, and bad input exits 2 naming the argument."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from cxqueue.cli import EXIT_OK, EXIT_USAGE, main
from cxqueue.forecast import fit


def run(argv):
    out = io.StringIO()
    return main(argv, out=out), out.getvalue()


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_forecast_csv_is_the_librarys_forecast(data_dir, us_bank, tmp_path):
    path = data_dir / "us-bank-calls-2003" / "bank_calls.csv"
    code, text = run(["forecast", str(path), "--days", "3", "--level", "0.8", "--out", str(tmp_path / "f.csv")])
    assert code == EXIT_OK and "-> " in text
    got = rows(tmp_path / "f.csv")
    want = fit(us_bank).forecast(days=3)  # the next operating days after 2003-10-24 (a Friday)
    lo, hi = want.interval(0.8)
    assert [r["start"] for r in got[:2]] == ["2003-10-27T07:00", "2003-10-27T07:05"]
    assert len(got) == want.n_intervals == 3 * 169
    assert np.allclose([float(r["calls"]) for r in got], want.mean, atol=5e-4)
    assert np.allclose([float(r["calls_lo"]) for r in got], lo, atol=5e-4)
    assert np.allclose([float(r["calls_hi"]) for r in got], hi, atol=5e-4)
    assert all(float(r["calls_lo"]) <= float(r["calls"]) <= float(r["calls_hi"]) for r in got)
    assert list(got[0]) == ["start", "calls", "calls_lo", "calls_hi"]  # the history has no handle times


def test_origin_with_a_time_updates_the_rest_of_that_day(data_dir, us_bank, tmp_path):
    path = data_dir / "us-bank-calls-2003" / "bank_calls.csv"
    code, _ = run(
        ["forecast", str(path), "--origin", "2003-10-20T10:00", "--days", "1", "--out", str(tmp_path / "u.csv")]
    )
    assert code == EXIT_OK
    got = rows(tmp_path / "u.csv")
    assert got[0]["start"] == "2003-10-20T10:00" and got[-1]["start"] == "2003-10-20T21:00"
    day = us_bank.counts[us_bank.dates == np.datetime64("2003-10-20")][0]
    want = fit(us_bank.before("2003-10-20")).forecast(start="2003-10-20", days=1, observed=day[:36])
    assert np.allclose([float(r["calls"]) for r in got], want.mean, atol=5e-4)


def test_backtest_prints_its_table_and_writes_its_figure(data_dir, tmp_path):
    path = data_dir / "us-bank-calls-2003" / "bank_calls.csv"
    png = tmp_path / "bt.png"
    code, text = run(["forecast", str(path), "--backtest", "--origins", "10", "--out", str(png), "--json"])
    assert code == EXIT_OK
    d = json.loads(text)
    assert d["figure"] == str(png) and png.stat().st_size > 5000
    assert 0.0 < d["coverage_90"] <= 1.0 and d["rmse"] > 0.0 and len(d["dates"]) == 10


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--origin", "2003-06-02"], "origin 2003-06-02 lies inside the history, which ends 2003-10-24"),
        (["--origin", "2003-13-02"], "origin must be YYYY-MM-DD or YYYY-MM-DDTHH:MM; got '2003-13-02'"),
        (["--origin", "2003-10-25T10:00"], "origin 2003-10-25T10:00: the history holds no counts of 2003-10-25"),
        (["--origin", "2003-10-24T21:30"], "origin 2003-10-24T21:30 is after the last interval of the day"),
        (["--method", "arima"], "method"),
        (["--interval-s", "420"], "420"),
    ],
)
def test_bad_input_exits_2_and_names_it(data_dir, tmp_path, capsys, extra, message):
    path = data_dir / "us-bank-calls-2003" / "bank_calls.csv"
    code, _ = run(["forecast", str(path), "--out", str(tmp_path / "x.csv"), *extra])
    assert code == EXIT_USAGE
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
