"""Reading a delimited text file into a header and a string table, reporting bad lines."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from cxqueue.data._parse import parse_float, parse_timestamp
from cxqueue.data.history import _ReportBuilder
from cxqueue.exceptions import ConfigError

__all__ = ["find_column", "read_table", "read_times"]


def _read_text(path) -> tuple[str, str]:
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"path must be an existing file; got {str(p)!r}")
    return p.read_bytes().decode("utf-8", errors="replace"), str(p)


def read_table(path, fmt: str, delimiter: str | None = None):
    """(source, header, line numbers, table of strings, report builder, rows read).

    Lines with the wrong number of fields and blank lines are dropped and reported.
    """
    text, source = _read_text(path)
    if not text.strip():
        raise ConfigError(f"{source}: the file is empty; expected a header line")
    if delimiter is None:
        first = text.lstrip("\ufeff").splitlines()[0]
        delimiter = max((",", ";", "\t", "|"), key=first.count)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    rep = _ReportBuilder(source, fmt)
    header = [h.strip() for h in next(reader)]
    ncol = len(header)
    rows, fields, blank, wrong = [], [], [], []
    rows_read = 0
    for rec in reader:
        rows_read += 1
        if len(rec) == ncol and (ncol > 1 or rec[0].strip()):
            rows.append(reader.line_num)
            fields.extend(rec)
        elif not rec or (len(rec) == 1 and not rec[0].strip()):
            blank.append(reader.line_num)
        else:
            wrong.append(reader.line_num)
    rep.add("blank_line", "dropped", blank, "empty line")
    rep.add("wrong_field_count", "dropped", wrong, f"not {ncol} fields like the header")
    table = np.array(fields, dtype=str).reshape(len(rows), ncol) if rows else np.zeros((0, ncol), dtype=str)
    return source, header, np.asarray(rows, dtype=np.int64), table, rep, rows_read


def find_column(source: str, header: list[str], wanted, candidates, *, param: str, required: bool = True):
    """Index of column `wanted` (or the first of `candidates` when `wanted` is None); None if absent."""
    lower = [h.lower() for h in header]
    names = [wanted] if wanted is not None else list(candidates)
    for name in names:
        if name.lower() in lower:
            return lower.index(name.lower())
    if required or wanted is not None:
        raise ConfigError(
            f"{source}: no column {' or '.join(repr(n) for n in names)} for {param}; the header has "
            f"{', '.join(repr(h) for h in header)} (pass {param}='<column name>')"
        )
    return None


def read_times(col, origin) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """Parse a time column: ISO date-times, or numbers = seconds since `origin` midnight.

    Returns (datetime64[ms] values, ok, empty, kind) where `kind` is "timestamp" or "seconds".
    The kind that reads more of the first 1000 non-empty values wins; plain numbers are seconds.
    """
    s = np.char.strip(np.asarray(col, dtype=str))
    empty = s == "" if s.size else np.zeros(0, dtype=bool)
    sample = s[~empty][:1000]  # decide the kind on a sample, then parse the column one way
    numeric = parse_float(sample)[1].sum() >= parse_timestamp(sample)[1].sum() and sample.size > 0
    if numeric:  # "300" is 300 s, not the year 300
        num, ok_num = parse_float(s)
        base = np.datetime64(origin, "s")
        ms = np.where(ok_num, np.round(num * 1000.0), 0).astype(np.int64).astype("timedelta64[ms]")
        return (base + ms).astype("datetime64[ms]"), ok_num, empty, "seconds"
    ts, ok_ts = parse_timestamp(s)
    return ts.astype("datetime64[ms]"), ok_ts, empty, "timestamp"
