"""Acceptance 1: importing each bank month gives the numbers a careful reading of the raw files gives.

Two independent sources for every expected number:

1. `raw_facts` below: a plain-Python pass over the raw file (str.split per line, no numpy,
   no cxqueue code) that applies the documented reading rules of SOURCE.md: skip the header,
   split the two October rows whose priority and type are joined by spaces, ignore PHANTOM
   rows, AGENT = served, HANG with a queue start = abandoned, HANG without = IVR only.
2. Numbers written out in `HAND`: counted once by hand with awk over the raw files, e.g.

       tr -d '\\r' < january.txt | awk -F'\\t' 'NR>1 { ... out=$13; q=$10; qt=$12; st=$16; srv=$17 ...
           if (out=="PHANTOM") {ph++; next}
           if (out=="AGENT") {ag++; w+=qt; if (srv!="NO_SERVER" && st>0) {hs+=st; hn++}}
           else if (out=="HANG") { if (q!="0:00:00") {ab++; w+=qt} else iv++ } }'

   (the October rows with 16 fields take their columns one to the left), and the values of
   ../shared/reference/empirical_callcenter.csv (AB_outcome_agent_share, AB_mean_service).
"""

from __future__ import annotations

import collections
import statistics

import numpy as np
import pytest

from cxqueue.data import fit_handle_time, fit_patience, lines_in_use
from cxqueue.scenario import Outcome  # the call log's codes (a history's ivr_only is Outcome.IVR)

MONTHS = ("january", "february", "october")

# Counted by hand with awk (see the module docstring); rows excludes the header line;
# first_date_calls: non-PHANTOM rows on the first date
# (awk -F'\t' 'NR>1 { out=(NF==16)?$12:$13; d=(NF==16)?$5:$6; if (out!="PHANTOM") c[d]++ }').
HAND = {
    "january": dict(rows=31599, phantom=240, served=27060, abandoned=3101, ivr_only=1198, handled=26332,
                    handle_mean_s=187.9918, total_wait_s=1136162, patience_s=366.3857, abandon_share=0.102815,
                    dates=29, first_date_calls=598),
    "february": dict(rows=33344, phantom=278, served=27162, abandoned=3963, ivr_only=1941, handled=26586,
                     handle_mean_s=179.6071, total_wait_s=1367207, patience_s=344.9929, abandon_share=0.127325,
                     dates=28, first_date_calls=1551),
    "october": dict(rows=34625, phantom=147, served=30861, abandoned=2106, ivr_only=1511, handled=30278,
                    handle_mean_s=183.2472, total_wait_s=881787, patience_s=418.7023, abandon_share=0.063882,
                    dates=31, first_date_calls=511),
}  # fmt: skip

# ../shared/reference/empirical_callcenter.csv: AGENT share of all records and the mean
# ser_time of AGENT rows (named server, ser_time > 0), "computed here" per month.
REFERENCE = {
    "january": dict(agent_share=0.856, mean_service_s=188.0),
    "february": dict(agent_share=0.815, mean_service_s=179.6),
    "october": dict(agent_share=0.891, mean_service_s=183.2),
}


def _secs(hms: str) -> int:
    h, m, s = hms.split(":")
    return int(h) * 3600 + int(m) * 60 + int(s)


def raw_facts(path) -> dict:
    """Plain-Python reading of one raw month (the independent oracle)."""
    facts = collections.Counter()
    per_date = collections.Counter()
    handled, no_agent_service, waits = [], [], []
    with open(path, newline="") as fh:
        lines = fh.read().splitlines()
    for line in lines[1:]:
        f = line.split("\t")
        if len(f) == 16:  # priority and type joined by spaces (two October rows)
            f = f[:3] + f[3].split() + f[4:]
            facts["joined"] += 1
        facts["rows"] += 1
        outcome, q_start, server, ser_time = f[12], f[9], f[16], int(f[15])
        if outcome == "PHANTOM":
            facts["phantom"] += 1
            continue
        per_date[f[5]] += 1
        if int(f[8]) < 0:
            facts["negative_vru"] += 1
        if outcome == "AGENT":
            facts["served"] += 1
            waits.append((int(f[11]), False))
            if server == "NO_SERVER":
                facts["no_agent"] += 1
                no_agent_service.append(ser_time)
            elif ser_time > 0:
                handled.append(ser_time)
        elif q_start != "0:00:00":
            facts["abandoned"] += 1
            waits.append((int(f[11]), True))
        else:
            facts["ivr_only"] += 1
        if f[4] not in ("PS", "PE", "IN", "NE", "NW", "TT"):
            facts["odd_type"] += 1
        if _secs(f[14]) < _secs(f[13]) and f[12] == "AGENT":
            facts["service_crosses_midnight"] += 1
    facts["handled"] = len(handled)
    return {
        "counts": facts,
        "per_date": dict(sorted(per_date.items())),
        "handled": handled,
        "no_agent_median_s": statistics.median(no_agent_service),
        "total_wait_s": sum(w for w, _ in waits),
    }


@pytest.fixture(scope="module")
def raw(bank_dir):
    return {m: raw_facts(bank_dir / f"{m}.txt") for m in MONTHS}


@pytest.mark.parametrize("month", MONTHS)
def test_row_counts_and_outcomes(bank_logs, raw, month):
    h, r, hand = bank_logs[month], raw[month]["counts"], HAND[month]
    rep = h.report
    assert rep.rows_read == r["rows"] == hand["rows"]
    assert rep.count("phantom") == r["phantom"] == hand["phantom"]
    assert rep.dropped == hand["phantom"]  # nothing else is dropped from the real files
    assert rep.rows_kept == h.n_calls == hand["rows"] - hand["phantom"]
    assert h.outcome_counts() == {k: r[k] for k in ("served", "abandoned", "ivr_only")}
    assert h.outcome_counts() == {k: hand[k] for k in ("served", "abandoned", "ivr_only")}
    # the reference's AGENT share is over all records, PHANTOM included, to 3 digits
    assert hand["served"] / hand["rows"] == pytest.approx(REFERENCE[month]["agent_share"], abs=5e-4)


@pytest.mark.parametrize("month", MONTHS)
def test_calls_per_day(bank_logs, raw, month):
    dates, counts = bank_logs[month].calls_per_day()
    expected = raw[month]["per_date"]
    assert len(dates) == len(expected) == HAND[month]["dates"]
    got = {d.astype(object).strftime("%y%m%d"): int(n) for d, n in zip(dates, counts, strict=True)}
    assert got == expected
    assert int(counts[0]) == HAND[month]["first_date_calls"]


def test_january_gap_is_reported(bank_logs):
    # SOURCE.md: january.txt has no calls on 990111 and 990112
    notes = " ".join(bank_logs["january"].report.notes)
    assert "1999-01-11, 1999-01-12" in notes
    days = {str(d) for d in bank_logs["january"].dates}
    assert "1999-01-11" not in days and "1999-01-10" in days and "1999-01-13" in days
    assert bank_logs["february"].report.notes == () and bank_logs["october"].report.notes == ()


@pytest.mark.parametrize("month", MONTHS)
def test_abandonment_share(bank_logs, month):
    h = bank_logs[month]
    n = h.outcome_counts()
    share = n["abandoned"] / (n["served"] + n["abandoned"])
    assert share == pytest.approx(HAND[month]["abandon_share"], abs=5e-7)
    assert fit_patience(h).abandon_share == pytest.approx(share, rel=1e-12)


@pytest.mark.parametrize("month", MONTHS)
def test_mean_service_time(bank_logs, raw, month):
    fit = fit_handle_time(bank_logs[month])
    handled = raw[month]["handled"]
    if month == "october":
        # line 5288: AGENT with ser_start 0:00:00 (a real midnight: ser_exit is 0:00:48) and
        # ser_time 0; the reader uses the clock times, so one more handled call of 48 s.
        handled = [*handled, 48]
    assert fit.n == len(handled) == HAND[month]["handled"] + (month == "october")
    assert fit.mean_s == pytest.approx(sum(handled) / len(handled), rel=1e-12)
    assert fit.mean_s == pytest.approx(REFERENCE[month]["mean_service_s"], abs=0.06)
    if month != "october":
        assert fit.mean_s == pytest.approx(HAND[month]["handle_mean_s"], abs=5e-5)


@pytest.mark.parametrize("month", MONTHS)
def test_patience(bank_logs, raw, month):
    # exponential MLE = total queue time of served and abandoned callers / abandonments
    p = fit_patience(bank_logs[month])
    hand = HAND[month]
    assert p.n_abandoned == hand["abandoned"]
    assert p.n_offered == hand["served"] + hand["abandoned"]
    assert p.total_wait_s == raw[month]["total_wait_s"] == hand["total_wait_s"]
    assert p.mean_patience_s == pytest.approx(hand["patience_s"], abs=5e-5)
    assert p.distribution.kind == "exponential"
    # the Kaplan-Meier curve starts at 1 and falls; its median is of the same order as the mean
    assert p.km_survival[0] < 1 and np.all(np.diff(p.km_survival) <= 0)
    assert 0.3 * p.mean_patience_s < p.median_patience_s < 3 * p.mean_patience_s


@pytest.mark.parametrize("month", MONTHS)
def test_quirks_are_reported(bank_logs, raw, month):
    rep, r = bank_logs[month].report, raw[month]["counts"]
    # SOURCE.md: negative vru_time in 33 / 25 / 4 rows; 1 / 2 / 0 of them are PHANTOM rows
    assert rep.count("negative_ivr_time") == r["negative_vru"] == {"january": 32, "february": 23, "october": 4}[month]
    # SOURCE.md: about 490 AGENT rows a month with NO_SERVER, median service about 6 s
    assert (
        rep.count("served_without_agent") == r["no_agent"] == {"january": 490, "february": 491, "october": 517}[month]
    )
    assert raw[month]["no_agent_median_s"] == 6
    # SOURCE.md: 66-238 AGENT rows with a named server and ser_time = 0; the reader splits
    # them into zero talk time and no service times at all (ser_start = ser_exit = 0:00:00)
    named_zero = rep.count("zero_service_time") + rep.count("served_without_service_times")
    assert named_zero + (month == "october") == {"january": 238, "february": 85, "october": 66}[month]
    # SOURCE.md: two January rows of type AA
    assert rep.count("undocumented_type") == r["odd_type"] == {"january": 2, "february": 0, "october": 0}[month]
    # SOURCE.md: two October rows with fields joined by spaces (lines 7315 and 14247)
    joined = rep.entry("fields_joined_by_spaces")
    if month == "october":
        assert joined.count == r["joined"] == 2 and joined.rows == (7315, 14247)
    else:
        assert joined is None
    # services crossing midnight: every AGENT row with ser_exit < ser_start is repaired
    assert rep.count("crosses_midnight") >= r["service_crosses_midnight"] > 0
    # clock skew: most served calls start service 1-2 s before the queue or IVR exit
    assert rep.count("clock_skew") > 0.6 * r["served"]


@pytest.mark.parametrize("month", MONTHS)
def test_reconstructed_timeline_is_consistent(bank_logs, month):
    c = bank_logs[month].calls
    assert np.all(c["end_s"] >= c["arrival_s"])
    assert np.all(c["ivr_exit_s"] >= c["arrival_s"])
    served = c["outcome"] == 0
    ok = served & np.isfinite(c["answer_s"])
    ready = np.where(np.isfinite(c["queue_exit_s"]), c["queue_exit_s"], c["ivr_exit_s"])
    assert np.all(c["answer_s"][ok] >= ready[ok])
    assert np.all(c["wait_s"][c["outcome"] != Outcome.IVR] >= 0)
    assert np.all(np.isnan(c["wait_s"][c["outcome"] == Outcome.IVR]))
    # Each vru+line port carries one caller at a time in the IVR: no two IVR stays on the
    # same port overlap. This holds only if dates, midnight crossings and the negative IVR
    # repair are right.
    order = np.lexsort((c["arrival_s"], c["line"]))
    a, b = order[:-1], order[1:]
    same = c["line"][a] == c["line"][b]
    assert not np.any(same & (c["ivr_exit_s"][a] > c["arrival_s"][b]))
    ports = lines_in_use(bank_logs[month], until="ivr")
    assert ports.max_lines <= np.unique(c["line"]).size


@pytest.mark.parametrize("month", MONTHS)
def test_import_is_repeatable_and_frozen(bank_logs, bank_dir, month):
    from cxqueue.data import read_history

    again = read_history(bank_dir / f"{month}.txt")
    for name in again.calls.dtype.names:
        np.testing.assert_array_equal(again.calls[name], bank_logs[month].calls[name])
    assert again.report.to_dict() == bank_logs[month].report.to_dict()
    with pytest.raises(ValueError):
        bank_logs[month].calls["wait_s"][0] = 1.0
