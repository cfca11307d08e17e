"""Reading a delimited text file into a header and a table of fields, reporting bad lines.

A history file holds one row per line (see `cxqueue.data._text` for what a line is): a
quoted field may hold the delimiter but not a line break. A quote that opens a field and
is not closed on its line is an unbalanced quote: that line is dropped and reported with
its column, and the next line is read as the next row, so one stray quote costs one row.
"""

from __future__ import annotations

import csv
import itertools
import sys
from dataclasses import dataclass

import numpy as np

from cxqueue.data._parse import parse_float, parse_timestamp
from cxqueue.data._text import MAX_FIELD_CHARS, MAX_VALUE_CHARS, decode_lines, load_bytes, report_not_utf8
from cxqueue.data.history import _ReportBuilder
from cxqueue.exceptions import ConfigError

__all__ = ["Table", "drop_long_values", "find_column", "read_table", "read_times"]

DELIMITERS = (",", ";", "\t", "|")


class _Splitter:
    """Fields of one line: `str.split` when it has no quote, the csv module (one line at a time) when it has."""

    def __init__(self, delimiter: str):
        self.delimiter = delimiter

    def __call__(self, line: str) -> tuple[list[str], int]:
        """(fields, 0), or (fields read so far, column of the unclosed quote) when a quote is not closed."""
        if '"' not in line:
            return line.split(self.delimiter), 0
        try:
            return next(csv.reader((line,), delimiter=self.delimiter, strict=True)), 0
        except csv.Error as exc:
            lenient = next(csv.reader((line,), delimiter=self.delimiter))
            if "unexpected end of data" in str(exc):
                return lenient, len(lenient)  # the open field is the last one read
            return lenient, 0  # text after a closing quote: kept as written, as the csv module reads it


def _header(source: str, line: str, delimiter: str | None) -> tuple[list[str], str]:
    if delimiter is None:
        delimiter = max(DELIMITERS, key=line.count)
    fields, open_col = _Splitter(delimiter)(line)
    if open_col:
        raise ConfigError(
            f"{source}, line 1, column {open_col}: unbalanced quote in the header (a quote opens the field "
            f"and is not closed on the line); got {line[:200]!r}"
        )
    header = [h.strip() for h in fields]
    return header, delimiter


@dataclass(frozen=True)
class Table:
    """The data lines a reader parses: ``cells`` (rows, columns) of str, with their line numbers.

    ``report`` holds the lines already dropped; ``rows_read`` counts the lines after the
    header; ``long`` marks the rows whose line is over `MAX_VALUE_CHARS` (only they can
    hold a value too long to parse, see `drop_long_values`).
    """

    source: str
    header: list[str]
    rows: np.ndarray
    cells: np.ndarray
    report: _ReportBuilder
    rows_read: int
    long: np.ndarray

    def column(self, j: int) -> np.ndarray:
        return self.cells[:, j]


def _flag_lines(raw: bytes, body: list[str]) -> set[int]:
    """Indices of the lines holding a quote or a NUL byte (none when the bytes hold neither)."""
    if b'"' not in raw and b"\x00" not in raw:
        return set()
    return {i for i, x in enumerate(body) if '"' in x or "\x00" in x}


def read_table(path, fmt: str, delimiter: str | None = None) -> Table:
    """The header and data lines of a delimited file; the lines that cannot be a row are dropped and reported.

    Dropped: blank lines, lines with NUL bytes, unbalanced quotes, fields over
    `MAX_FIELD_CHARS`, and lines with another number of fields than the header; lines that
    are not UTF-8 are read as Latin-1 and reported as repaired. Lines without a quote are
    split with `str.split`, the others one at a time with the csv module.
    """
    source, raw = load_bytes(path)
    lines, not_utf8 = decode_lines(raw)
    if not any(x.strip() for x in lines):
        raise ConfigError(f"{source}: the file is empty; expected a header line on line 1")
    header, delimiter = _header(source, lines[0], delimiter)
    ncol = len(header)
    rep = _ReportBuilder(source, fmt)
    body = lines[1:]
    n = len(body)
    # no list per line (a million lists cost seconds of garbage collection): count the delimiters,
    # then split the well-formed lines all at once
    ok = np.fromiter(map(str.count, body, itertools.repeat(delimiter, n)), np.int64, n) == ncol - 1
    length = np.fromiter(map(len, body), np.int64, n)
    check = _flag_lines(raw, body) | set(np.flatnonzero(~ok | (length > MAX_FIELD_CHARS)).tolist())
    blank, nul, quote, huge, wrong = [], [], [], [], []
    parsed: dict[int, list[str]] = {}  # lines read by the csv module
    first_quote = first_huge = None
    split = _Splitter(delimiter)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize // 2)  # the limit is MAX_FIELD_CHARS, checked below and reported with its line
    try:
        for i in sorted(check):
            line, no = body[i], i + 2
            ok[i] = False
            if "\x00" in line:
                nul.append(no)
            elif not line.strip():
                blank.append(no)
            elif (split_line := split(line))[1]:
                quote.append(no)
                first_quote = first_quote or (no, split_line[1])
            elif len(line) > MAX_FIELD_CHARS and max(map(len, split_line[0])) > MAX_FIELD_CHARS:
                rec = split_line[0]
                huge.append(no)
                big = max(range(len(rec)), key=lambda j: len(rec[j]))
                first_huge = first_huge or (no, big + 1, len(rec[big]))
            elif len(split_line[0]) != ncol:
                wrong.append(no)
            else:
                parsed[i], ok[i] = split_line[0], True
    finally:
        csv.field_size_limit(old_limit)
    rep.add("blank_line", "dropped", blank, "empty line")
    rep.add("nul_bytes", "dropped", nul, "the line holds NUL bytes (a damaged or zero-padded file)")
    if first_quote:
        rep.add(
            "unbalanced_quote",
            "dropped",
            quote,
            f"a quote opens a field and is not closed on its line (first at line {first_quote[0]}, "
            f"column {first_quote[1]}); only that line is dropped",
        )
    if first_huge:
        rep.add(
            "field_too_large",
            "dropped",
            huge,
            f"a field over {MAX_FIELD_CHARS} characters (first at line {first_huge[0]}, column {first_huge[1]}: "
            f"{first_huge[2]} characters)",
        )
    rep.add("wrong_field_count", "dropped", wrong, f"not {ncol} fields like the header")
    report_not_utf8(rep, not_utf8, "read as Latin-1")
    return Table(
        source,
        header,
        np.flatnonzero(ok) + 2,
        _cells(body, ok, parsed, ncol, delimiter),
        rep,
        n,
        length[ok] > MAX_VALUE_CHARS,
    )


def _cells(body: list[str], ok: np.ndarray, parsed: dict[int, list[str]], ncol: int, delimiter: str) -> np.ndarray:
    """(rows, ncol) object array of the kept lines: those in `parsed` as read, the others split at once."""
    plain = ok.copy()
    plain[list(parsed)] = False
    cells = np.empty((int(ok.sum()), ncol), dtype=object)
    if plain.any():
        flat = delimiter.join(itertools.compress(body, plain)).split(delimiter)
        cells[plain[ok]] = np.array(flat, dtype=object).reshape(-1, ncol)
    if parsed:
        where = np.searchsorted(np.flatnonzero(ok), sorted(parsed))
        for k, i in zip(where.tolist(), sorted(parsed), strict=True):
            cells[k] = parsed[i]
    return cells


def drop_long_values(t: Table, columns) -> Table:
    """`t` without the rows where a column in `columns` holds over `MAX_VALUE_CHARS` characters.

    A value that long is not a time, number, outcome or name; the row is dropped and
    reported, and the columns can then be made arrays of at most that width.
    """
    columns = [j for j in dict.fromkeys(columns) if j is not None]
    cand = np.flatnonzero(t.long)
    if not cand.size or not columns:
        return t
    lengths = np.array([[len(t.cells[i, j]) for j in columns] for i in cand.tolist()], dtype=np.int64)
    over = lengths > MAX_VALUE_CHARS
    bad = cand[over.any(axis=1)]
    if not bad.size:
        return t
    i = int(bad[0])
    j = columns[int(np.flatnonzero(over[np.searchsorted(cand, i)])[0])]
    t.report.add(
        "value_too_long",
        "dropped",
        t.rows[bad],
        f"a value over {MAX_VALUE_CHARS} characters is no time, number, outcome or name (first at line "
        f"{int(t.rows[i])}, column {j + 1} {t.header[j]!r}: {len(t.cells[i, j])} characters)",
    )
    keep = np.ones(t.rows.size, dtype=bool)
    keep[bad] = False
    return Table(t.source, t.header, t.rows[keep], t.cells[keep], t.report, t.rows_read, t.long[keep])


def find_column(source: str, header: list[str], wanted, candidates, *, param: str, required: bool = True):
    """Index of column `wanted` (or the first of `candidates` when `wanted` is None); None if absent."""
    lower = [h.lower() for h in header]
    names = [wanted] if wanted is not None else list(candidates)
    for name in names:
        where = [j for j, h in enumerate(lower) if h == name.lower()]
        if len(where) > 1:
            raise ConfigError(
                f"{source}, line 1: the header names column {header[where[0]]!r} {len(where)} times (columns "
                f"{', '.join(str(j + 1) for j in where)}); the {param} column must be named once"
            )
        if where:
            return where[0]
    if required or wanted is not None:
        raise ConfigError(
            f"{source}: no column {' or '.join(repr(n) for n in names)} for {param}; the header has "
            f"{', '.join(repr(h[:100]) for h in header[:50])} on line 1 (pass {param}='<column name>')"
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
