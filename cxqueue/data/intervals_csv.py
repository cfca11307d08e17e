"""Readers for interval-count CSVs: one row per interval with its calls.

`read_interval_table` reads consecutive intervals (columns ``calls``, optionally ``aht_s``
or ``aht`` and a label ``interval``, ``start``, ``time``, ``interval_start``, ``datetime`` or
``timestamp``): what ``cxqueue staff`` and a config's ``[demand].csv`` take. When the label
holds times (clock times, weekday and time, or date-times), `IntervalTable.times` says when
each row starts, and a config places the rows there. `read_interval_csv` reads dated
counts, one row per interval start:

The shape of ../shared/data/us-bank-calls-2003/bank_calls.csv (``rownames,DateTime,Calls``
in five-minute steps) and of most ACD exports. Columns are matched case-insensitively:
the start time (``datetime``, ``timestamp``, ``time``, ``start``, ``interval_start``,
``interval``), the calls (``calls``, ``count``, ``volume``, ``offered``, ``arrivals``) and,
optionally, the mean handle time in seconds (``aht_s``, ``aht``, ``handle_time_s``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cxqueue import _validation as v
from cxqueue.data._csvtable import drop_long_values, find_column, read_table, read_times
from cxqueue.data._parse import parse_float, parse_timestamp
from cxqueue.data.history import IntervalCounts, missing_dates
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import WEEKDAYS
from cxqueue.units import DAY, WEEK

__all__ = ["IntervalTable", "RowTimes", "read_interval_csv", "read_interval_table"]

TIME_NAMES = ("datetime", "date_time", "timestamp", "time", "start", "interval_start", "interval", "period")
CALL_NAMES = ("calls", "count", "volume", "offered", "arrivals", "n_calls")
AHT_NAMES = ("aht_s", "aht", "handle_time_s", "mean_handle_s")


#: the label columns of `read_interval_table`, the first one present is read
LABEL_NAMES = ("interval", "start", "time", "interval_start", "datetime", "timestamp")
_CLOCK = re.compile(
    r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?"
    r"(?:\s*(?:-|–|to)\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?)?"  # a range "08:00-08:15" starts at 08:00
)
_DAY_WORD = re.compile(r"(?P<day>[A-Za-z]+)\.?(?:\s+|\s*,\s*|T)(?P<clock>.+)")
KINDS = {"clock": "a clock time (08:00)", "weekday": "a weekday and a time (monday 08:00)",
         "datetime": "a date and a time (2024-03-04 08:00)"}  # fmt: skip


def _clock_s(text: str) -> float | None:
    m = _CLOCK.fullmatch(text.strip())
    if not m:
        return None
    h, mi, se = int(m["h"]), int(m["m"]), int(m["s"] or 0)
    if m["ampm"]:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if m["ampm"].lower() == "pm" else 0)
    if h > 23 or mi > 59 or se > 59:
        return None
    return h * 3600.0 + mi * 60.0 + se


def _weekday_s(text: str) -> float | None:
    m = _DAY_WORD.fullmatch(text.strip())
    if not m:
        return None
    word = m["day"].lower()
    days = [i for i, d in enumerate(WEEKDAYS) if len(word) >= 2 and d.startswith(word)]
    clock = _clock_s(m["clock"])
    if len(days) != 1 or clock is None:
        return None
    return days[0] * DAY + clock


def _datetime_s(text: str) -> float | None:
    """Seconds since 1970-01-05 (a Monday) 00:00."""
    ts, ok = parse_timestamp([text])
    if not ok[0] or len(text.strip()) < 12:  # a date alone is no interval start
        return None
    return float((ts[0] - np.datetime64("1970-01-05T00:00:00")).astype(np.int64))


_PARSERS = {"clock": _clock_s, "weekday": _weekday_s, "datetime": _datetime_s}
_NUMBER = re.compile(r"\s*\d+(?:\.\d*)?\s*")  # an interval number (1, 2, ... or 1.0, 2.0, ...), not a time


def _numbered(label: str) -> bool:
    return _NUMBER.fullmatch(label) is not None


@dataclass(frozen=True, eq=False)
class RowTimes:
    """When the rows of an `IntervalTable` start, from its time column.

    ``start_s`` is increasing, in seconds: from the first row's day at 00:00 for clock
    times (a time earlier than the row before is on the next day), from Monday 00:00 of the
    first row's week for weekdays and date-times (a weekday earlier than the row before is
    in the next week). ``step_s`` is the most common step between rows (None for one row);
    ``first`` is the first row's value as written, on line ``first_line``.
    """

    column: str
    kind: str
    start_s: np.ndarray
    first: str
    first_line: int

    @property
    def time_of_day_s(self) -> float:
        return float(self.start_s[0] % DAY)

    @property
    def weekday(self) -> int | None:
        """0 (Monday) .. 6 of the first row; None for clock times."""
        return None if self.kind == "clock" else int(self.start_s[0] // DAY)

    @property
    def step_s(self) -> float | None:
        steps = np.diff(self.start_s)
        if steps.size == 0:
            return None
        values, counts = np.unique(steps, return_counts=True)
        return float(values[np.argmax(counts)])


@dataclass(frozen=True, eq=False)
class IntervalTable:
    """Consecutive intervals of a CSV: a label, the calls and (if the file has them) the AHT in seconds.

    ``label_column`` names the column of the labels (None: numbered from 0) and ``lines``
    holds each row's line in the file.
    """

    labels: tuple[str, ...]
    calls: np.ndarray
    aht_s: np.ndarray | None
    source: str
    label_column: str | None = None
    lines: tuple[int, ...] = ()

    @property
    def n_intervals(self) -> int:
        return int(self.calls.size)

    def times(self) -> RowTimes | None:
        """When each row starts, read from the label column; None when it holds no times.

        A label column of whole numbers (interval numbers) or none holds no times. Otherwise
        every row must hold a time of the first row's kind (clock time, weekday and time,
        date and time; ``"08:00-08:15"`` starts at 08:00), each after the row before.

        Raises
        ------
        ConfigError
            Naming the file, the line, the column and the value: a value that is not a time
            like the first row's, or a row that does not start after the row before.

        Examples
        --------
        >>> t = IntervalTable(("08:00", "08:15", "08:30"), np.array([5.0, 6, 7]), None, "day.csv", "time", (2, 3, 4))
        >>> rt = t.times()
        >>> rt.kind, rt.time_of_day_s, rt.step_s, rt.weekday
        ('clock', 28800.0, 900.0, None)
        """
        col = self.label_column
        if col is None or all(map(_numbered, self.labels)):
            return None
        first = self.labels[0]
        kind = next((k for k, f in _PARSERS.items() if f(first) is not None), None)
        if kind is None:
            raise ConfigError(
                f"{self.source}, line {self.lines[0]}: column {col!r} holds {first[:100]!r}, which is neither an "
                f"interval number nor {', '.join(KINDS.values())}; the rows are placed by that column"
            )
        parse, period = _PARSERS[kind], {"clock": DAY, "weekday": WEEK, "datetime": None}[kind]
        out, offset = np.empty(len(self.labels)), 0.0
        for i, (text, line) in enumerate(zip(self.labels, self.lines, strict=True)):
            s = parse(text)
            if s is None:
                raise ConfigError(
                    f"{self.source}, line {line}: column {col!r} holds {text[:100]!r}, not {KINDS[kind]} like line "
                    f"{self.lines[0]} ({first!r}); every row of the time column must be one"
                )
            s += offset
            if i and s <= out[i - 1] and period is not None and s != out[i - 1]:
                offset += period
                s += period
            if i and s <= out[i - 1]:
                raise ConfigError(
                    f"{self.source}, line {line}: column {col!r} holds {text[:100]!r}, not after the row before "
                    f"({self.labels[i - 1][:100]!r}); rows must be in time order, one per interval"
                )
            out[i] = s
        if kind == "datetime":
            out -= np.floor(out[0] / WEEK) * WEEK  # from Monday 00:00 of the first row's week
        return RowTimes(col, kind, out, first, self.lines[0])


def read_interval_table(path) -> IntervalTable:
    """Read a CSV of consecutive intervals: a ``calls`` column, optionally ``aht_s`` (or ``aht``) and a label.

    The label is the first of the columns ``interval``, ``start``, ``time``,
    ``interval_start``, ``datetime`` or ``timestamp`` (one whose first row is not a whole
    number, when there is one); without one, the intervals are numbered from 0. Values are
    checked by whoever uses them (a `cxqueue.scenario.Forecast` rejects negative calls;
    `IntervalTable.times` reads the labels as times).

    Raises
    ------
    ConfigError
        If the file cannot be read, has no ``calls`` column or no rows, or a cell is not a number,
        or a line cannot be a row (NUL bytes, an unbalanced quote, another number of fields, a
        value over 1,024 characters, not UTF-8: there is no report to carry it); the message
        names the file, the line and the rule. Blank lines are skipped.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "day.csv"
    >>> _ = p.write_text("interval,calls,aht_s\\n08:00,50,200\\n08:15,80,220\\n")
    >>> t = read_interval_table(p)
    >>> t.labels, t.calls.tolist(), t.aht_s.tolist()
    (('08:00', '08:15'), [50.0, 80.0], [200.0, 220.0])
    """
    p = Path(path)
    try:
        with p.open("rb"):
            pass
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read the interval CSV ({exc.strerror})") from exc
    t = read_table(p, "interval table", ",")
    source, header, rep = t.source, t.header, t.report
    if "calls" not in header:
        raise ConfigError(f"{source}: needs a 'calls' column; found columns {header[:50]} on line 1")
    for name in {"calls", "aht_s", "aht", *LABEL_NAMES} & set(header):
        if header.count(name) > 1:
            where = ", ".join(str(j + 1) for j, h in enumerate(header) if h == name)
            raise ConfigError(
                f"{source}, line 1: the header names column {name!r} {header.count(name)} times (columns {where}); "
                "each column the table reads must be named once"
            )
    aht_col = next((header.index(c) for c in ("aht_s", "aht") if c in header), None)
    candidates = [header.index(c) for c in LABEL_NAMES if c in header]
    t = drop_long_values(t, (header.index("calls"), aht_col, *candidates))
    rows, table = t.rows, t.cells
    # the first label column, unless a later one holds times where it holds interval numbers
    numbered = [j for j in candidates if table.shape[0] and _numbered(str(table[0, j]))]
    label_col = next((j for j in candidates if j not in numbered), candidates[0] if candidates else None)
    bad = rep.first(("dropped", "repaired"), skip=("blank_line",))
    if bad is not None:  # an IntervalTable has no report to carry a dropped or repaired line: it is the error
        line, reason, detail = bad
        raise ConfigError(f"{source}, line {line}: {reason}: {detail}")
    i_calls = header.index("calls")
    labels, calls, aht = [], [], []
    for i, (line, rec) in enumerate(zip(rows.tolist(), table.tolist(), strict=True)):
        rec = [str(x).strip() for x in rec]
        try:
            calls.append(float(rec[i_calls]))
            if aht_col is not None:
                aht.append(float(rec[aht_col]))
        except ValueError:
            cols = "calls and aht_s" if aht_col is not None else "calls"
            got = {h: x[:100] for h, x in zip(header, rec, strict=True)}
            raise ConfigError(f"{source}, line {line}: {cols} must be numbers; got {got}") from None
        labels.append(rec[label_col] if label_col is not None else str(i))
    if not calls:
        raise ConfigError(f"{source}: has no rows (no interval from line 2 on)")
    return IntervalTable(
        tuple(labels),
        np.asarray(calls),
        np.asarray(aht) if aht_col is not None else None,
        source,
        header[label_col] if label_col is not None else None,
        tuple(rows.tolist()),
    )


def _infer_interval(start_ms: np.ndarray) -> float:
    """The most common step between consecutive starts on the same day, in seconds."""
    if start_ms.size < 2:
        return 900.0
    day = start_ms.astype("datetime64[D]")
    step = np.diff(start_ms).astype("timedelta64[ms]").astype(np.int64) / 1000.0
    step = step[(day[1:] == day[:-1]) & (step > 0)]
    if step.size == 0:
        return 900.0
    values, counts = np.unique(step, return_counts=True)
    return float(values[np.argmax(counts)])


def read_interval_csv(
    path,
    *,
    time: str | None = None,
    calls: str | None = None,
    aht: str | None = None,
    interval_s: float | None = None,
    delimiter: str | None = None,
) -> IntervalCounts:
    """Read an interval-count CSV into IntervalCounts.

    Parameters
    ----------
    path : str or Path
        The CSV file (delimiter guessed from the header).
    time, calls, aht : str, optional
        Column names when the defaults do not match; the AHT column is optional.
    interval_s : float, optional
        Interval length in seconds; by default the most common step between rows of a day.

    Returns
    -------
    IntervalCounts
        Sorted by start; ``report`` lists dropped rows (bad times, bad or negative counts,
        repeated interval starts), repairs (rows out of order) and flags (unreadable AHT,
        starts off the interval grid); its notes say how many intervals are missing inside
        the observed days and which dates are absent.

    Raises
    ------
    ConfigError
        If the file is missing or empty, a column is not found or is named twice, or
        `interval_s` is not > 0. Lines that cannot be a row (blank, NUL bytes, an unbalanced
        quote, a field over the limits, another number of fields) are dropped and reported,
        as in `read_call_csv`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "counts.csv"
    >>> _ = p.write_text("DateTime,Calls\\n2003-03-03T07:00:00Z,111\\n2003-03-03T07:05:00Z,-4\\n"
    ...                  "2003-03-03T07:10:00Z,76\\n2003-03-03T07:15:00Z,82\\n")
    >>> ic = read_interval_csv(p)
    >>> ic.calls.tolist(), ic.interval_s, ic.report.count("bad_calls")
    ([111.0, 76.0, 82.0], 300.0, 1)
    """
    if interval_s is not None:
        interval_s = float(v.positive_array("interval_s", interval_s))
    t = read_table(path, "interval csv", delimiter)
    source, header, rep, rows_read = t.source, t.header, t.report, t.rows_read
    i_t = find_column(source, header, time, TIME_NAMES, param="time")
    i_c = find_column(source, header, calls, CALL_NAMES, param="calls")
    i_a = find_column(source, header, aht, AHT_NAMES, param="aht", required=False)
    if i_t == i_c:
        raise ConfigError(
            f"{source}: the time and calls columns must differ; both are {header[i_t]!r} (column {i_t + 1} on line 1)"
        )
    t = drop_long_values(t, (i_t, i_c, i_a))
    rows, table = t.rows, t.cells
    t, ok_t, _, kind = read_times(table[:, i_t], "1970-01-05")
    keep = ok_t & (kind == "timestamp")
    rep.add("bad_time", "dropped", rows[~keep], "interval start is not an ISO date-time")
    n_calls, ok_c = parse_float(table[:, i_c])
    ok_c &= n_calls >= 0
    rep.add("bad_calls", "dropped", rows[keep & ~ok_c], "calls is empty, not a number or negative")
    keep &= ok_c
    if i_a is not None:
        aht_s, ok_a = parse_float(table[:, i_a])
        ok_a &= aht_s > 0
        empty = np.char.strip(np.asarray(table[:, i_a], dtype=str)) == ""
        rep.add("bad_aht", "flagged", rows[keep & ~ok_a & ~empty], "AHT is not a positive number; read as unknown")
        aht_s = np.where(ok_a, aht_s, np.nan)
    else:
        aht_s = np.full(rows.size, np.nan)

    idx = np.flatnonzero(keep)
    order = idx[np.argsort(t[idx], kind="stable")]
    if np.any(np.diff(t[idx].astype(np.int64)) < 0):
        unsorted = np.zeros(rows.size, dtype=bool)
        unsorted[idx[np.flatnonzero(np.diff(t[idx].astype(np.int64)) < 0) + 1]] = True
        rep.add("out_of_order", "repaired", rows[unsorted], "interval start earlier than the row before; rows sorted")
    ts = t[order]
    repeat = np.zeros(order.size, dtype=bool)
    repeat[1:] = ts[1:] == ts[:-1]
    rep.add(
        "duplicate_interval", "dropped", rows[order[repeat]], "the same interval start as an earlier row (first kept)"
    )
    order = order[~repeat]
    start = t[order]
    step = interval_s if interval_s is not None else _infer_interval(start)
    sec_of_day = (start - start.astype("datetime64[D]")).astype("timedelta64[ms]").astype(np.int64) / 1000.0
    off_grid = np.abs(sec_of_day / step - np.round(sec_of_day / step)) > 1e-6
    rep.add("off_grid", "flagged", rows[order[off_grid]], f"interval start not on the {step:g} s grid from midnight")

    dates = np.unique(start.astype("datetime64[D]"))
    if dates.size:
        per_day = np.bincount(np.searchsorted(dates, start.astype("datetime64[D]")), minlength=dates.size)
        first, last = sec_of_day.min(), sec_of_day.max()
        expected = round((last - first) / step) + 1 if step <= DAY else 1
        short = per_day < expected
        if short.any():
            rep.notes.append(
                f"{int((expected - per_day[short]).sum())} intervals missing on {int(short.sum())} of {dates.size} "
                f"days (a day spans {expected} intervals); missing intervals count as zero calls"
            )
        gaps = missing_dates(dates)
        if gaps:
            rep.notes.append(
                f"{len(gaps)} dates without rows between the first and the last (e.g. {', '.join(gaps[:5])})"
            )
    return IntervalCounts(
        start.astype("datetime64[s]"), n_calls[order], aht_s[order], step, rep.build(rows_read, order.size), source
    )
