"""Readers on small synthetic files with every kind of broken row (written in tmp_path).

Each test states which line carries which fault, and asserts the reason, its count, its
example line numbers and what the kept record looks like. Expected times are worked out
by hand in the comments.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from cxqueue.data import (
    ImportReport,
    detect_format,
    read_bank_log,
    read_call_csv,
    read_history,
    read_interval_csv,
)
from cxqueue.data.bank1999 import BANK_COLUMNS
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import Outcome  # the call log's codes (a history's ivr_only is Outcome.IVR)

HEADER = "\t".join(BANK_COLUMNS)
DEFAULT = dict(line="AA0101", call_id="1", cust="0", pri="0", type="PS", date="990201", entry="9:00:00",
               exit="9:00:10", vru_time="10", q_start="9:00:10", q_exit="9:00:40", q_time="30", outcome="AGENT",
               s_start="9:00:40", s_end="9:03:40", s_time="180", server="AG1")  # fmt: skip


def brow(**kw) -> str:
    d = {**DEFAULT, **kw}
    return "\t".join(d[k] for k in DEFAULT)


def write(tmp_path, name, lines, eol="\r\n"):
    p = tmp_path / name
    p.write_bytes((eol.join(lines) + eol).encode())
    return p


def check_invariants(rep: ImportReport, n_kept: int):
    assert rep.rows_kept == n_kept
    assert rep.rows_kept + rep.dropped == rep.rows_read
    assert all(e.count >= len(e.rows) >= 1 for e in rep.entries)
    assert all(e.action in ("dropped", "repaired", "flagged") for e in rep.entries)


def check_reasons(rep: ImportReport, expect: dict, *, counts: bool = False, only: bool = False):
    """Each ``reason: (action, example rows)`` of ``expect`` is in the report as given; with ``counts``
    its count is its number of example rows, with ``only`` no other reason is in the report."""
    for reason, (action, rows) in expect.items():
        e = rep.entry(reason)
        assert e is not None, reason
        if counts:
            assert (e.action, e.rows, e.count) == (action, rows, len(rows)), reason
        else:
            assert (e.action, e.rows) == (action, rows), reason
    if only:
        assert {e.reason for e in rep.entries} == set(expect)


# line numbers: the header is line 1, so BANK_LINES[i] is on line i + 2
BANK_LINES = [
    brow(call_id="1"),  # 2 good: queue 30 s, service 180 s
    "",  # 3 blank
    "AA0101\t2\t0",  # 4 three fields
    "\t".join(brow(call_id="3").split("\t")[:3]) + "\t0       PS\t" + "\t".join(brow().split("\t")[5:]),  # 5 joined
    brow(call_id="4", date="990230"),  # 6 no 30 February
    brow(call_id="5", entry="9:0:00"),  # 7 bad clock time
    brow(call_id="6", cust="x12"),  # 8 bad number
    brow(call_id="7", outcome="FOO"),  # 9 unknown outcome
    brow(call_id="8", outcome="PHANTOM"),  # 10 phantom
    brow(call_id="1"),  # 11 duplicate of line 2
    brow(call_id="9", s_end="15:00:00", s_time="21440"),  # 12 service of 6 h: implausible
    brow(call_id="10", entry="9:00:30", vru_time="-20"),  # 13 vru_exit 20 s before vru_entry
    brow(call_id="11", entry="23:58:00", exit="23:58:10", q_start="23:58:10", q_exit="23:59:00", q_time="50",
         s_start="23:58:59", s_end="0:02:00", s_time="181"),  # 14 service crosses midnight, 1 s skew
    brow(call_id="12", entry="23:59:50", exit="23:59:55", vru_time="5", q_start="23:59:55", q_exit="23:59:58",
         q_time="3", s_start="0:00:00", s_end="0:00:48", s_time="0"),  # 15 service starts at midnight
    brow(call_id="13", s_start="9:00:30", s_end="9:03:30"),  # 16 service 10 s before the queue exit
    brow(call_id="14", server="NO_SERVER", s_time="6", s_start="9:00:40", s_end="9:00:46"),  # 17 no agent
    brow(call_id="15", s_start="0:00:00", s_end="0:00:00", s_time="0"),  # 18 no service times
    brow(call_id="16", s_start="9:00:40", s_end="9:00:40", s_time="0"),  # 19 zero talk time
    brow(call_id="17", outcome="HANG", server="NO_SERVER", s_start="9:00:40", s_end="9:00:50", s_time="10"),  # 20
    brow(call_id="18", type="AA", pri="5"),  # 21 undocumented type and priority
    brow(call_id="19", outcome="HANG", q_start="0:00:00", q_exit="0:00:00", q_time="0", s_start="0:00:00",
         s_end="0:00:00", s_time="0", server="NO_SERVER"),  # 22 left in the IVR
    brow(call_id="20", date="990202", q_time="31"),  # 23 next day; recorded q_time disagrees
    brow(call_id="21", s_start="9:00:50", s_end="9:03:50"),  # 24 service 10 s after the queue exit
]  # fmt: skip


@pytest.fixture
def bank_file(tmp_path):
    return write(tmp_path, "log.txt", [HEADER, *BANK_LINES])


def test_bank_reasons(bank_file):
    h = read_bank_log(bank_file)
    rep = h.report
    expect = {
        "blank_line": ("dropped", (3,)),
        "wrong_field_count": ("dropped", (4,)),
        "bad_date": ("dropped", (6,)),
        "bad_time": ("dropped", (7,)),
        "bad_number": ("dropped", (8,)),
        "unknown_outcome": ("dropped", (9,)),
        "phantom": ("dropped", (10,)),
        "duplicate_row": ("dropped", (11,)),
        "implausible_duration": ("dropped", (12,)),
        "fields_joined_by_spaces": ("repaired", (5,)),
        "negative_ivr_time": ("repaired", (13,)),
        "crosses_midnight": ("repaired", (14, 15)),
        "midnight_zero_time": ("repaired", (15,)),
        "duration_mismatch": ("repaired", (15, 23)),
        "service_before_queue_exit": ("repaired", (16,)),
        "served_without_agent": ("flagged", (17,)),
        "served_without_service_times": ("flagged", (18,)),
        "zero_service_time": ("flagged", (19,)),
        "abandoned_with_service_times": ("flagged", (20,)),
        "undocumented_type": ("flagged", (21,)),
        "unknown_priority": ("flagged", (21,)),
        "service_after_queue_exit": ("flagged", (24,)),
    }
    check_reasons(rep, expect, counts=True)
    # clock skew: line 14 (1 s); every other served line starts service at the queue exit
    assert rep.entry("clock_skew").rows == (14,)
    assert rep.rows_read == 23
    check_invariants(rep, 23 - 9)
    assert "line 4" in rep.summary() and "wrong_field_count" in str(rep)
    assert rep.to_dict()["dropped"] == 9


def test_bank_records(bank_file):
    h = read_bank_log(bank_file)
    c = {int(r["row"]): r for r in h.calls}
    assert str(h.origin) == "1999-02-01" and h.servers == ("AG1",)
    good = c[2]
    # 9:00:00 = 32400 s; IVR 10 s, queue 30 s, service 180 s
    assert (good["arrival_s"], good["queue_start_s"], good["wait_s"]) == (32400, 32410, 30)
    assert (good["answer_s"], good["service_end_s"], good["end_s"]) == (32440, 32620, 32620)
    assert good["handled"] and good["outcome"] == 0 and good["weekday"] == 0  # 1999-02-01 was a Monday
    assert c[5]["priority"] == 0 and c[5]["type"] == "PS"  # repaired joined fields
    # line 13: entry 9:00:30, exit 9:00:10 -> arrival at 9:00:10, IVR time unknown
    assert c[13]["arrival_s"] == 32410 and np.isnan(c[13]["ivr_s"])
    # line 14: entry 23:58:00 (86280); service 23:58:59 -> moved to the queue exit 23:59:00
    # (86340); ends 181 s later at 0:02:01 of the next day = 86521
    assert c[14]["answer_s"] == 86340 and c[14]["service_end_s"] == 86521 and c[14]["service_s"] == 181
    # line 15: service from midnight (86400) for 48 s although ser_time says 0
    assert c[15]["answer_s"] == 86400 and c[15]["service_s"] == 48 and c[15]["handled"]
    assert c[16]["answer_s"] == 32440 and c[16]["service_s"] == 180  # moved, talk time kept
    assert c[17]["server"] == -1 and not c[17]["handled"] and c[17]["outcome"] == 0
    assert np.isnan(c[18]["service_s"]) and c[18]["outcome"] == 0 and c[18]["end_s"] == 32440
    assert c[19]["service_s"] == 0 and not c[19]["handled"]
    assert c[20]["outcome"] == 1 and c[20]["wait_s"] == 30 and c[20]["end_s"] == 32450
    assert np.isnan(c[20]["service_s"])
    assert c[22]["outcome"] == Outcome.IVR and np.isnan(c[22]["wait_s"]) and c[22]["end_s"] == 32410
    assert c[24]["answer_s"] == 32450 and c[24]["wait_s"] == 30  # kept as recorded
    assert c[23]["arrival_s"] == 86400 + 32400 and c[23]["wait_s"] == 30 and str(c[23]["date"]) == "1999-02-02"


@pytest.mark.parametrize("eol", ["\r\n", "\n", "\r"])
def test_bank_line_endings_read_alike(tmp_path, bank_file, eol):
    ref = read_bank_log(bank_file)
    h = read_bank_log(write(tmp_path, f"log{len(eol)}{eol == chr(13)}.txt", [HEADER, *BANK_LINES], eol=eol))
    for name in ref.calls.dtype.names:
        np.testing.assert_array_equal(h.calls[name], ref.calls[name])
    assert [e.to_dict() for e in h.report.entries] == [e.to_dict() for e in ref.report.entries]


def test_bank_columns_in_another_order(tmp_path):
    cols = list(BANK_COLUMNS)[::-1]
    row = brow().split("\t")[::-1]
    h = read_bank_log(write(tmp_path, "rev.txt", ["\t".join(cols), "\t".join(row)]))
    assert h.n_calls == 1 and h.calls["service_s"][0] == 180


def test_bank_fields_with_spaces_around(tmp_path):
    h = read_bank_log(write(tmp_path, "sp.txt", [HEADER, brow(call_id=" 21 ", entry=" 9:00:00", server="AG1 ")]))
    assert h.report.dropped == 0 and h.calls["call_id"][0] == 21 and h.servers == ("AG1",)
    assert h.calls["arrival_s"][0] == 32400


def test_bank_only_bad_rows(tmp_path):
    h = read_bank_log(write(tmp_path, "bad.txt", [HEADER, "x", brow(outcome="PHANTOM")]))
    assert h.n_calls == 0 and h.report.dropped == 2


def test_bank_errors(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(ConfigError, match=re.escape(f"path must be an existing file; got {str(missing)!r}")):
        read_bank_log(missing)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(
        ConfigError, match=re.escape(f"{empty}: the file is empty; expected a header line with vru+line")
    ):
        read_bank_log(empty)
    other = write(tmp_path, "other.txt", ["a\tb", "1\t2"])
    msg = f"{other}: not an Anonymous Bank call log; the header lacks vru+line, call_id"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        read_bank_log(other)


# ---------------------------------------------------------------- generic call CSV
CALLS = """arrival,answer,end,outcome,agent,customer_id
2024-03-04 09:00:00,2024-03-04 09:00:20,2024-03-04 09:03:20,served,ann,7
2024-03-04 09:01:00,,2024-03-04 09:02:30,abandoned,,7
not a time,,2024-03-04 09:02:30,abandoned,,
2024-03-04 09:02:00,yesterday,2024-03-04 09:03:00,served,bob,
2024-03-04 09:03:00,,2024-03-04 09:04:00,transferred,,
2024-03-04 09:04:00,,,,,
2024-03-04 09:05:00,2024-03-04 09:04:50,2024-03-04 09:06:00,served,ann,
2024-03-04 09:06:00,2024-03-04 09:05:59,2024-03-04 09:07:00,served,ann,
2024-03-04 09:07:00,2024-03-04 09:07:10,2024-03-04 09:07:05,served,ann,
2024-03-04 09:00:00,2024-03-04 09:00:20,2024-03-04 09:03:20,served,ann,7
2024-03-04 09:08:00,2024-03-04 09:08:05,,served,bob,x
2024-03-04 09:09:00,,,abandoned,,
2024-03-04 09:10:00,2024-03-04 09:10:01,2024-03-04 09:11:01,,,

2024-03-04 09:11:00,2024-03-04 09:11:01
2024-03-05 10:00:00,,2024-03-05 10:00:40,ivr,,
"""
# lines: 2 served (wait 20, talk 180); 3 abandoned after 90 s; 4 bad arrival; 5 bad answer;
# 6 unknown outcome; 7 nothing to tell the outcome; 8 answered 10 s before arrival; 9 1 s
# before (clock skew); 10 ends before the answer; 11 duplicate of 2; 12 served without end,
# bad customer id; 13 abandoned without end; 14 blank outcome with an answer: served,
# without agent; 15 blank; 16 two fields; 17 IVR only on the next day.


def test_call_csv_reasons(tmp_path):
    p = tmp_path / "calls.csv"
    p.write_text(CALLS)
    h = read_call_csv(p)
    rep = h.report
    expect = {
        "bad_arrival": ("dropped", (4,)),
        "bad_time": ("dropped", (5,)),
        "unknown_outcome": ("dropped", (6,)),
        "cannot_tell_outcome": ("dropped", (7,)),
        "answer_before_arrival": ("dropped", (8,)),
        "end_before_start": ("dropped", (10,)),
        "duplicate_row": ("dropped", (11,)),
        "blank_line": ("dropped", (15,)),
        "wrong_field_count": ("dropped", (16,)),
        "clock_skew": ("repaired", (9,)),
        "bad_customer_id": ("repaired", (12,)),
        "served_without_end": ("flagged", (12,)),
        "abandoned_without_end": ("flagged", (13,)),
        "served_without_agent": ("flagged", (14,)),
    }
    check_reasons(rep, expect, only=True)
    check_invariants(rep, 7)
    c = {int(r["row"]): r for r in h.calls}
    assert sorted(c) == [2, 3, 9, 12, 13, 14, 17]
    assert (c[2]["arrival_s"], c[2]["wait_s"], c[2]["service_s"], c[2]["customer"]) == (32400, 20, 180, 7)
    assert c[3]["outcome"] == 1 and c[3]["wait_s"] == 90
    assert c[9]["wait_s"] == 0 and c[9]["service_s"] == 60  # answer moved to the arrival (09:06:00)
    # an unreadable customer_id is an unidentified caller: -1 in the call log (it read 0 before the log had one dtype)
    assert np.isnan(c[12]["service_s"]) and c[12]["customer"] == -1
    assert np.isnan(c[13]["wait_s"])
    assert c[14]["outcome"] == 0 and not c[14]["handled"] and c[14]["service_s"] == 60
    assert c[17]["outcome"] == Outcome.IVR and c[17]["arrival_s"] == 86400 + 36000 and c[17]["weekday"] == 1
    assert h.servers == ("ann", "bob")


def test_call_csv_numeric_times_and_names(tmp_path):
    p = tmp_path / "calls.txt"
    p.write_text("t_in;t_up;t_down\n0;20;200\n100;;160\n86400.5;86401;86500\n")
    h = read_call_csv(p, arrival="t_in", answer="t_up", end="t_down", origin="2024-03-04")
    assert str(h.origin) == "2024-03-04"
    assert h.calls["wait_s"].tolist() == [20.0, 60.0, 0.5]
    assert h.calls["outcome"].tolist() == [0, 1, 0]
    assert h.calls["weekday"].tolist() == [0, 0, 1]


def test_call_csv_errors(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("when,answer\n0,1\n")
    msg = f"{p}: no column 'arrival' or 'arrival_time' or 'arrived' or 'start' for arrival; the header has 'when'"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        read_call_csv(p)
    with pytest.raises(ConfigError, match=re.escape(f"{p}: no column 'hangup' for end;")):
        read_call_csv(p, arrival="when", end="hangup")
    q = tmp_path / "d.csv"
    q.write_text("arrival,agent\n0,a\n")
    with pytest.raises(ConfigError, match=re.escape(f"{q}: a call CSV needs an answer, end or outcome column")):
        read_call_csv(q)
    e = tmp_path / "e.csv"
    e.write_text("\n\n")
    with pytest.raises(ConfigError, match=re.escape(f"{e}: the file is empty; expected a header line")):
        read_call_csv(e)


# ---------------------------------------------------------------- interval CSV
INTERVALS = """start,calls,aht_s
2024-03-04T09:00:00,10,180
2024-03-04T09:15:00,12,
2024-03-04T09:45:00,8,abc
2024-03-04T09:30:00,9,200
bad,3,100
2024-03-04T10:00:00,-1,100
2024-03-04T10:00:00,7,190
2024-03-04T10:00:00,70,190
2024-03-04T10:20:00,5,190
2024-03-05T09:00:00,11,170
"""
# lines: 4 bad AHT; 5 out of order (09:30 after 09:45); 6 bad time; 7 negative calls;
# 9 repeats 10:00; 10 off the 15-minute grid.


def test_interval_csv_reasons(tmp_path):
    p = tmp_path / "i.csv"
    p.write_text(INTERVALS)
    ic = read_interval_csv(p)
    rep = ic.report
    expect = {
        "bad_time": ("dropped", (6,)),
        "bad_calls": ("dropped", (7,)),
        "duplicate_interval": ("dropped", (9,)),
        "out_of_order": ("repaired", (5,)),
        "bad_aht": ("flagged", (4,)),
        "off_grid": ("flagged", (10,)),
    }
    check_reasons(rep, expect)
    check_invariants(rep, 7)
    assert ic.interval_s == 900.0
    assert ic.calls.tolist() == [10, 12, 9, 8, 7, 5, 11]
    assert np.isnan(ic.aht_s[1]) and np.isnan(ic.aht_s[3]) and ic.aht_s[2] == 200
    # day 1 spans 09:00-10:15 (6 intervals on the grid) and has 6 rows; day 2 has 1
    assert any("intervals missing on 1 of 2 days" in n for n in rep.notes)
    _dates, per_day = ic.calls_per_day()
    assert per_day.tolist() == [51.0, 11.0]


def test_interval_csv_errors(tmp_path):
    p = tmp_path / "i.csv"
    p.write_text("when,n\n2024-03-04T09:00:00,1\n")
    with pytest.raises(ConfigError, match=re.escape(f"{p}: no column 'datetime' or ")):
        read_interval_csv(p)
    with pytest.raises(ConfigError, match=re.escape(f"{p}: no column 'calls' or 'count'")):
        read_interval_csv(p, time="when")
    with pytest.raises(ConfigError, match=re.escape(f"{p}: the time and calls columns must differ; both are 'when'")):
        read_interval_csv(p, time="when", calls="when")
    with pytest.raises(ConfigError, match=re.escape("interval_s must be > 0; got -5.0")):
        read_interval_csv(p, time="when", calls="n", interval_s=-5)


# ---------------------------------------------------------------- detection
def test_read_history_detects(tmp_path, bank_file):
    calls = tmp_path / "c.csv"
    calls.write_text("Arrival,End\n0,30\n")
    ints = tmp_path / "i.csv"
    ints.write_text("rownames,DateTime,Calls\n1,2003-03-03T07:00:00Z,111\n")
    assert [detect_format(x) for x in (bank_file, calls, ints)] == ["bank", "calls", "intervals"]
    assert read_history(bank_file).n_calls == 14
    assert read_history(calls).calls["outcome"].tolist() == [1]
    assert read_history(ints).calls.tolist() == [111.0]


def test_read_history_errors(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(ConfigError, match=re.escape(f"{p}: cannot tell the format from the header 'a,b'")):
        read_history(p)
    e = tmp_path / "e.csv"
    e.write_text("")
    with pytest.raises(ConfigError, match=re.escape(f"{e}: the file is empty; expected a header line")):
        read_history(e)
    with pytest.raises(ConfigError, match=re.escape("path must be an existing file; got")):
        read_history(tmp_path / "missing.csv")


def test_us_bank_interval_file(data_dir):
    # SOURCE.md: 27,716 rows = 164 days x 169 five-minute intervals from 07:00 to 21:00
    ic = read_history(data_dir / "us-bank-calls-2003" / "bank_calls.csv")
    assert ic.report.rows_read == ic.n_intervals == 27716 and ic.report.dropped == 0
    assert ic.interval_s == 300.0 and ic.dates.size == 164
    assert not any("intervals missing" in n for n in ic.report.notes)
    # independent: the sum of the Calls column with the csv module
    import csv

    with open(data_dir / "us-bank-calls-2003" / "bank_calls.csv", newline="") as fh:
        total = sum(int(r["Calls"]) for r in csv.DictReader(fh))
    assert ic.calls.sum() == total
