"""Every reader and ``cxqueue import`` on a corpus of malformed files (issue 11, acceptance 5).

Each file of `tests.data.corpus` goes through its format's reader, `read_history`,
`read_interval_table` (interval files) and ``cxqueue import`` in-process. Each must end
in a clean read whose report is exact - rows read is the number of lines after the header,
counted here from the bytes; kept + dropped = read; the drops are exactly the case's - or
in a ConfigError whose message names the file, a line and the case's rule. A failed
import creates no output folder.
"""

from __future__ import annotations

import io
import json
import re
import time

import numpy as np
import pytest

from cxqueue.cli import EXIT_OK, EXIT_USAGE, main
from cxqueue.data import (
    CallHistory,
    read_bank_log,
    read_call_csv,
    read_history,
    read_interval_csv,
    read_interval_table,
)
from cxqueue.exceptions import ConfigError
from tests.data.corpus import Case, corpus, data_lines

CASES = corpus()
DIRECT = {"calls": read_call_csv, "bank": read_bank_log, "intervals": read_interval_csv}
# what read_interval_table (no report) turns into an error: a line dropped or repaired by the line reader
LINE_RULES = ("nul_bytes", "unbalanced_quote", "field_too_large", "wrong_field_count", "not_utf8", "value_too_long")


def _rules(rule) -> tuple[str, ...]:
    return (rule,) if isinstance(rule, str) else tuple(rule)


def check_error(text: str, path, rules) -> None:
    """`text` names the file, a line and one of `rules`."""
    assert str(path) in text, text[:500]
    assert re.search(r"\bline \d+", text), text[:500]
    assert any(r in text for r in _rules(rules)), text[:500]


def check_report(result, case: Case, n_lines: int) -> None:
    rep = result.report
    n = result.n_calls if isinstance(result, CallHistory) else result.n_intervals
    assert rep.rows_read == n_lines
    assert rep.rows_kept == n and rep.rows_kept + rep.dropped == rep.rows_read
    assert {e.reason: e.count for e in rep.entries if e.action == "dropped"} == case.dropped
    for reason, count in case.repaired.items():
        assert rep.count(reason) == count, reason
    for e in rep.entries:
        assert all(2 <= r <= n_lines + 1 for r in e.rows), (e.reason, e.rows)


@pytest.fixture(params=CASES, ids=[c.name for c in CASES])
def case_file(request, tmp_path):
    case = request.param
    path = tmp_path / case.filename
    path.write_bytes(case.data)
    return case, path


def test_corpus_size_and_kinds():
    names = " ".join(c.name for c in CASES)
    assert len(CASES) >= 40
    for kind in ("truncated", "quote", "bom", "crlf", "nul", "latin1", "big", "duplicate", "out_of_order"):
        assert kind in names, kind


@pytest.mark.parametrize("reader", ["direct", "read_history"])
def test_reader_on_corpus(case_file, reader):
    case, path = case_file
    read = DIRECT[case.fmt] if reader == "direct" else read_history
    if case.error:
        with pytest.raises(ConfigError) as err:
            read(path)
        check_error(str(err.value), path, case.error)
        return
    check_report(read(path), case, data_lines(case.data))


@pytest.mark.parametrize("case", [c for c in CASES if c.fmt == "intervals"], ids=lambda c: c.name)
def test_interval_table_on_corpus(case, tmp_path):
    path = tmp_path / case.filename
    path.write_bytes(case.data)
    line_rules = [r for r in (*case.dropped, *case.repaired) if r in LINE_RULES]
    if case.error or line_rules:
        with pytest.raises(ConfigError) as err:
            read_interval_table(path)
        check_error(str(err.value), path, case.error or line_rules)
        return
    t = read_interval_table(path)
    assert t.n_intervals == data_lines(case.data) and np.all(np.isfinite(t.calls))


def test_import_on_corpus(case_file, tmp_path, capsys):
    case, path = case_file
    out = tmp_path / "out"
    stdout = io.StringIO()
    code = main(["import", str(path), "--out", str(out), "--json"], out=stdout)
    err = capsys.readouterr().err
    rule = case.error or case.import_error
    if rule:
        assert code == EXIT_USAGE, err
        failure = json.loads(stdout.getvalue())  # under --json the error is JSON on stdout (issue 12)
        assert failure["exit_code"] == EXIT_USAGE and err == ""
        check_error(failure["error"], path, rule)
        assert not out.exists()  # validated before anything was created
        return
    assert code == EXIT_OK, err
    n, dropped = data_lines(case.data), sum(case.dropped.values())
    assert f"{n} rows read, {n - dropped} kept, {dropped} dropped" in err
    assert sorted(p.name for p in out.iterdir())


# ------------------------------------------------------------------ 10^6 rows
def _million_call_csv(path, n: int = 10**6) -> None:
    """`n` calls one second apart, each answered after 5 s and talking 100 s; three lines broken:
    line 3 has a stray quote, line n // 2 + 2 is a run of NUL bytes, line n + 1 is cut short."""
    a = np.datetime64("2024-03-04T00:00:00") + np.arange(n) * np.timedelta64(1, "s")
    cols = [x.astype(str).tolist() for x in (a, a + np.timedelta64(5, "s"), a + np.timedelta64(105, "s"))]
    lines = [f"{x},{y},{z},served,ann" for x, y, z in zip(*cols, strict=True)]
    lines[1] = lines[1].replace(",", ',"', 1)
    lines[n // 2] = "\x00" * 8
    lines[-1] = lines[-1][:25]
    path.write_text("arrival,answer,end,outcome,agent\n" + "\n".join(lines))


def test_million_row_call_csv_import(tmp_path, capsys):
    """10^6 lines through ``cxqueue import``: the report counts every line, one drop per broken line."""
    p, out = tmp_path / "million.csv", tmp_path / "out"
    _million_call_csv(p)
    n = data_lines(p.read_bytes())
    assert n == 10**6
    t0 = time.perf_counter()
    code = main(["import", str(p), "--out", str(out)], out=io.StringIO())
    took = time.perf_counter() - t0
    err = capsys.readouterr().err
    assert code == EXIT_OK, err
    assert f"{p} (call csv): {n} rows read, {n - 3} kept, 3 dropped" in err
    for reason, line in (("unbalanced_quote", 3), ("nul_bytes", n // 2 + 2), ("wrong_field_count", n + 1)):
        assert re.search(rf"dropped +1  {reason}: .*\(e\.g\. line {line}\)", err), reason
    assert "(first at line 3, column 2)" in err
    assert took < 30.0, took  # a bound against a hang or quadratic work, not a benchmark
