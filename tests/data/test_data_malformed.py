"""The readers' reproducers of issue 11 (acceptance 2): each failed before the fix.

- one unbalanced quote in a 101-line call CSV swallowed 99 calls ("1 rows read, 1 dropped");
- a field over 128 KiB raised ``_csv.Error`` from three readers;
- messages about a history read from a file named no file ("history must hold at least
  one call; got none").
"""

from __future__ import annotations

import io
import re

import pytest

from cxqueue.cli import EXIT_OK, EXIT_USAGE, main
from cxqueue.data import (
    estimate_forecast,
    fit_handle_time,
    fit_history,
    fit_patience,
    import_history,
    lines_in_use,
    read_bank_log,
    read_call_csv,
    read_history,
    read_interval_csv,
    read_interval_table,
)
from cxqueue.exceptions import ConfigError
from tests.data.corpus import bank_lines, calls_lines, intervals_lines, join

KIB = 1024


def write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def drops(rep) -> dict:
    return {e.reason: (e.count, e.rows) for e in rep.entries if e.action == "dropped"}


# ------------------------------------------------------------------ one stray quote
def _quoted_101(tmp_path):
    """Header and 100 calls; line 3 opens a quote in its answer field that never closes."""
    lines = calls_lines(100)
    lines[2] = lines[2].replace(",", ',"', 1)
    return write(tmp_path, "calls.csv", join(lines))


def test_unbalanced_quote_costs_one_row(tmp_path):
    p = _quoted_101(tmp_path)
    h = read_call_csv(p)
    assert (h.report.rows_read, h.report.rows_kept, h.n_calls) == (100, 99, 99)
    assert drops(h.report) == {"unbalanced_quote": (1, (3,))}
    assert "(first at line 3, column 2)" in h.report.entry("unbalanced_quote").detail
    assert read_history(p).n_calls == 99


def test_unbalanced_quote_import_report(tmp_path, capsys):
    p = _quoted_101(tmp_path)
    assert main(["import", str(p), "--out", str(tmp_path / "out")], out=io.StringIO()) == EXIT_OK
    err = capsys.readouterr().err
    assert f"{p} (call csv): 100 rows read, 99 kept, 1 dropped" in err
    assert re.search(r"unbalanced_quote: .*line 3, column 2", err)


def test_two_stray_quotes_do_not_join_the_lines_between(tmp_path):
    lines = calls_lines(40)
    lines[2] = lines[2].replace(",", ',"', 1)
    lines[30] = lines[30] + ',"'
    h = read_call_csv(write(tmp_path, "c.csv", join(lines)))
    assert drops(h.report) == {"unbalanced_quote": (2, (3, 31))} and h.n_calls == 38


def test_unbalanced_quote_in_the_header(tmp_path):
    p = write(tmp_path, "c.csv", join(['arrival,"answer,end', "0,1,2"]))
    msg = f"{p}, line 1, column 2: unbalanced quote in the header"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        read_call_csv(p)


def test_quoted_fields_still_read(tmp_path):
    lines = ['"arrival","answer","end","notes"', '0,5,100,"a, b and ""c"""', '10,,40,"x"y']
    h = read_call_csv(write(tmp_path, "c.csv", join(lines)))
    assert h.n_calls == 2 and h.report.dropped == 0


# ------------------------------------------------------------------ fields over 128 KiB
def test_field_over_128_kib_in_a_free_text_column_is_read(tmp_path):
    lines = calls_lines(10)
    lines[4] = lines[4][: lines[4].rfind(",")] + "," + "n" * (140 * KIB)
    lines[5] = lines[5][: lines[5].rfind(",")] + ',"' + "a,b" * (50 * KIB) + '"'
    h = read_call_csv(write(tmp_path, "c.csv", join(lines)))
    assert h.n_calls == 10 and h.report.dropped == 0


@pytest.mark.parametrize(
    ("reader", "lines", "column"),
    [
        (read_call_csv, calls_lines(10), 4),
        (read_interval_csv, intervals_lines(10), 2),
    ],
    ids=["call_csv", "interval_csv"],
)
def test_parsed_value_over_128_kib_is_dropped_with_line_and_column(tmp_path, reader, lines, column):
    f = lines[3].split(",")
    f[column - 1] = "7" * (140 * KIB)
    lines[3] = ",".join(f)
    rep = reader(write(tmp_path, "x.csv", join(lines))).report
    assert drops(rep) == {"value_too_long": (1, (4,))}
    assert f"(first at line 4, column {column} " in rep.entry("value_too_long").detail
    assert rep.rows_read == 10 and rep.rows_kept == 9


def test_interval_table_over_128_kib(tmp_path):
    lines = ["interval,calls,aht_s,notes", *(f"{i},{10 + i},200,ok" for i in range(5))]
    lines[2] = lines[2][:-2] + "n" * (140 * KIB)  # a long note is read
    assert read_interval_table(write(tmp_path, "ok.csv", join(lines))).n_intervals == 5
    lines[3] = "2," + "9" * (140 * KIB) + ",200,ok"  # a long number is the error, with its line
    p = write(tmp_path, "bad.csv", join(lines))
    with pytest.raises(ConfigError, match=re.escape(f"{p}, line 4: value_too_long: a value over 1024 characters")):
        read_interval_table(p)


def test_field_over_16_mib_is_dropped_and_reported(tmp_path):
    lines = calls_lines(5)
    lines[2] = lines[2][: lines[2].rfind(",")] + "," + "z" * (16 * 2**20 + 1)
    rep = read_call_csv(write(tmp_path, "c.csv", join(lines))).report
    assert drops(rep) == {"field_too_large": (1, (3,))}
    assert "a field over 16777216 characters (first at line 3, column 6: 16777217 characters)" in (
        rep.entry("field_too_large").detail
    )


def test_bank_value_over_128_kib(tmp_path):
    lines = bank_lines(8)
    lines[2] = lines[2][: lines[2].rfind("\t")] + "\t" + "S" * (140 * KIB)
    h = read_bank_log(write(tmp_path, "b.txt", join(lines, "\r\n")))
    assert drops(h.report) == {"value_too_long": (1, (3,))} and h.n_calls == 7


# ------------------------------------------------------------------ encodings, NUL bytes
def test_encodings_and_nul_bytes(tmp_path):
    lines = calls_lines(8)
    utf16 = write(tmp_path, "u16.csv", "\ufeff".encode("utf-16-le") + join(lines, "\r\n", encoding="utf-16-le"))
    assert read_history(utf16).n_calls == 8
    lines[2] = lines[2].replace("bgent", "Jos\xe9")
    latin = read_call_csv(write(tmp_path, "l1.csv", join(lines, encoding="latin-1")))
    assert latin.report.entry("not_utf8").rows == (3,) and "José" in latin.servers
    lines[4] = "\x00" * 30
    nul = read_call_csv(write(tmp_path, "nul.csv", join(lines)))
    assert drops(nul.report) == {"nul_bytes": (1, (5,))}
    b = bank_lines(8)
    b[3] = b[3][:3] + "\x00" + b[3][3:]
    b[4] = b[4].rsplit("\t", 1)[0] + "\tJos\xe9"
    bank = read_bank_log(write(tmp_path, "b.txt", join(b, "\r\n", encoding="latin-1")))
    assert drops(bank.report) == {"nul_bytes": (1, (4,))} and bank.report.entry("not_utf8").rows == (5,)
    assert "José" in bank.servers


# ------------------------------------------------------------------ duplicate columns
def test_duplicate_columns(tmp_path):
    p = write(tmp_path, "c.csv", join(["arrival,end,Arrival", "0,5,1"]))
    msg = f"{p}, line 1: the header names column 'arrival' 2 times (columns 1, 3); the arrival column must be named"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        read_call_csv(p)
    assert read_call_csv(write(tmp_path, "d.csv", join(["arrival,end,x,x", "0,5,1,2"]))).n_calls == 1
    b = write(tmp_path, "b.txt", join([bank_lines(1)[0] + "\tdate", bank_lines(1)[1] + "\t990201"]))
    with pytest.raises(ConfigError, match=re.escape(f"{b}, line 1: the header names column 'date' 2 times")):
        read_bank_log(b)


# ------------------------------------------------------------------ messages name the file
def test_messages_about_a_read_history_name_the_file_and_lines(tmp_path):
    lines = calls_lines(6)
    bad = write(tmp_path, "bad.csv", join([lines[0]] + [x.replace("2024", "x", 1) for x in lines[1:]]))
    h = read_call_csv(bad)
    assert h.n_calls == 0
    why = "(6 data lines read, 0 kept; dropped: bad_arrival 6 (first at line 2))"
    for f in (estimate_forecast, fit_history):
        with pytest.raises(ConfigError, match=re.escape(f"{bad}: history must hold at least one call; got none {why}")):
            f(h)
    for f, rule in (
        (fit_handle_time, "history must hold at least 2 handled calls"),
        (fit_patience, "history must hold at least one served or abandoned call"),
        (lines_in_use, "history must hold at least one call with an end after its arrival"),
    ):
        with pytest.raises(ConfigError, match=re.escape(f"{bad}: {rule}")) as err:
            f(h)
        assert why in str(err.value)
    header_only = write(tmp_path, "h.csv", join(lines[:1]))
    with pytest.raises(ConfigError, match=re.escape(f"{header_only}: history must hold at least one call; got none")):
        import_history([header_only], tmp_path / "never")
    assert not (tmp_path / "never").exists()
    counts = write(tmp_path, "i.csv", join([",".join(x.split(",")[:2]) for x in intervals_lines(4)]))
    with pytest.raises(ConfigError, match=re.escape(f"{counts}: history has no AHT column; pass aht_s=")) as err:
        estimate_forecast(read_interval_csv(counts))
    assert "line 1" in str(err.value)
    with pytest.raises(ConfigError, match=re.escape(f"{counts}: interval_s must be a multiple of the file's")):
        estimate_forecast(read_interval_csv(counts), interval_s=450, aht_s=100)
    calls = write(tmp_path, "c.csv", join(lines))
    with pytest.raises(ConfigError, match=re.escape(f"{counts}: interval counts are imported alone")):
        import_history([calls, counts], tmp_path / "never")


def test_cli_import_error_names_the_file(tmp_path, capsys):
    p = write(tmp_path, "h.csv", join(calls_lines(0)))
    assert main(["import", str(p), "--out", str(tmp_path / "out")], out=io.StringIO()) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"cxqueue: error: {p}: history must hold at least one call; got none" in err and "line 1" in err
    assert not (tmp_path / "out").exists()


def test_equal_talk_times_import(tmp_path):
    """Every call talks 100 s: the handle time is deterministic (a lognormal needs cv > 0; it raised)."""
    lines = ["arrival,answer,end,agent"] + [f"{60 * i},{60 * i + 5},{60 * i + 105},a" for i in range(30)]
    r = import_history([write(tmp_path, "c.csv", join(lines))], tmp_path / "out")
    assert r.fit.handle.kind == "deterministic" and r.fit.handle.mean_s == 100.0
