"""Reader for the call-level log format of the 1999 "Anonymous Bank" (Technion SEE data).

One tab-separated line per call with 17 columns (``vru+line, call_id, customer_id,
priority, type, date, vru_entry, vru_exit, vru_time, q_start, q_exit, q_time, outcome,
ser_start, ser_exit, ser_time, server``); see ../shared/data/anonymous-bank-1999/SOURCE.md
and Brown et al. (2005), JASA 100(469):36-50. The reader handles every quirk of the
published files and says in the ImportReport what it did, per reason:

dropped
    lines with the wrong number of fields, unreadable dates, times or numbers, unknown
    outcomes, ``PHANTOM`` rows (the data's documentation says to ignore them), duplicate
    rows, and durations over four hours.
repaired
    fields joined by spaces instead of a tab (two October rows); times past midnight
    (read modulo 24 h, an hour of slack before the entry is read as "earlier");
    ``0:00:00`` that is a real midnight because its pair (queue or service) is set;
    negative IVR times (``vru_exit`` before ``vru_entry``: the call's arrival is moved
    to ``vru_exit`` and its IVR time is unknown); services that start up to 2 s before the
    caller leaves the queue or IVR (clock skew) or more (both moved to start at the queue
    exit, talk time kept); recorded durations that disagree with the clock times.
flagged (kept as written)
    served calls without an agent (``NO_SERVER``, a median 6 s), served calls with a zero
    talk time or no service times, services that start over 2 s after the queue exit,
    abandoned calls with service times, undocumented call types and priorities.

A served call with a named agent and a talk time above zero is ``handled``: it is the
sample for handle-time estimates. Days with no calls at all are listed in the notes.
"""

from __future__ import annotations

import numpy as np

from cxqueue.data._bytes import ByteTable, read_tab_table
from cxqueue.data._parse import parse_date_yymmdd, parse_hms, parse_int
from cxqueue.data._text import MAX_VALUE_CHARS, decode_value, load_bytes, non_utf8_lines, report_not_utf8
from cxqueue.data.history import (
    ABANDONED,
    IVR_ONLY,
    SERVED,
    CallHistory,
    _ReportBuilder,
    missing_dates,
    weekday_of,
)
from cxqueue.exceptions import ConfigError
from cxqueue.scenario.calls import empty_calls
from cxqueue.units import DAY

__all__ = ["BANK_COLUMNS", "read_bank_log"]

BANK_COLUMNS = (
    "vru+line", "call_id", "customer_id", "priority", "type", "date", "vru_entry", "vru_exit", "vru_time",
    "q_start", "q_exit", "q_time", "outcome", "ser_start", "ser_exit", "ser_time", "server",
)  # fmt: skip
BANK_TYPES = ("PS", "PE", "IN", "NE", "NW", "TT")
NO_SERVER = ("NO_SERVER", "", "0")
SKEW_S = 2  # the two clocks disagree by up to this much (SOURCE.md: 1 s, sometimes 2 s)
SLACK_S = 3600  # an event up to an hour before vru_entry is "earlier", not "the next day"
MAX_DURATION_S = 4 * 3600  # a queue, IVR or service stay longer than this is not believed

_TIME_COLS = ("vru_entry", "vru_exit", "q_start", "q_exit", "ser_start", "ser_exit")
_INT_COLS = ("call_id", "customer_id", "priority", "vru_time", "q_time", "ser_time")


class _Columns:
    """Columns of the kept rows: the fast byte table plus the few repaired lines, in line order."""

    def __init__(self, table: ByteTable, fixed: list[tuple[int, list[str]]], header: list[str]):
        self.table, self.fixed, self.header = table, fixed, header
        self.rows = np.concatenate((table.rows, np.array([r for r, _ in fixed], dtype=np.int64)))
        self.order = np.argsort(self.rows, kind="stable")
        self.rows = self.rows[self.order]

    def _get(self, name: str, fast, slow):
        j = self.header.index(name)
        a = fast(j)
        b = slow(np.array([f[j] for _, f in self.fixed], dtype=str))
        if isinstance(a, tuple):
            return tuple(np.concatenate((x, y))[self.order] for x, y in zip(a, b, strict=True))
        return np.concatenate((a, b))[self.order]

    def ints(self, name):
        return self._get(name, self.table.ints, parse_int)

    def hms(self, name):
        return self._get(name, self.table.hms, parse_hms)

    def date(self, name):
        return self._get(name, self.table.date_yymmdd, parse_date_yymmdd)

    def text(self, name, *, upper=False):
        def slow(col):
            col = np.char.strip(col)
            return np.char.upper(col) if upper and col.size else col

        return self._get(name, lambda j: self.table.text(j, upper=upper), slow)


def _header(raw: bytes, source: str) -> list[str]:
    first = decode_value(raw.split(b"\n", 1)[0])
    header = [h.strip().lower() for h in first.split("\t")]
    missing = [c for c in BANK_COLUMNS if c not in header]
    if missing:
        raise ConfigError(
            f"{source}: not an Anonymous Bank call log; the header lacks {', '.join(missing)} "
            f"(expected tab-separated columns {', '.join(BANK_COLUMNS)} on line 1)"
        )
    for c in BANK_COLUMNS:
        if header.count(c) > 1:
            where = ", ".join(str(j + 1) for j, h in enumerate(header) if h == c)
            raise ConfigError(
                f"{source}, line 1: the header names column {c!r} {header.count(c)} times (columns {where}); "
                "each column of the bank log must be named once"
            )
    return header


def _long_values(table: ByteTable, fixed: list, header: list[str], rep: _ReportBuilder):
    """The table and repaired lines without rows where a bank column holds over `MAX_VALUE_CHARS` bytes."""
    used = [header.index(c) for c in BANK_COLUMNS]
    long = np.zeros(table.n, dtype=bool)
    for j in used:
        long |= table.lengths(j) > MAX_VALUE_CHARS
    long_fixed = [any(len(f[j]) > MAX_VALUE_CHARS for j in used) for _, f in fixed]
    bad = sorted(table.rows[long].tolist() + [r for (r, _), x in zip(fixed, long_fixed, strict=True) if x])
    if bad:
        rep.add(
            "value_too_long",
            "dropped",
            bad,
            f"a field over {MAX_VALUE_CHARS} bytes is no time, number, code or name (first at line {bad[0]})",
        )
    return table.select(~long), [f for f, x in zip(fixed, long_fixed, strict=True) if not x]


def _split_rows(raw: bytes, rep: _ReportBuilder, source: str):
    """Header check, fast split of the well-formed lines, repair of lines joined by spaces."""
    header = _header(raw, source)
    ncol = len(header)
    _, table, others, rows_read = read_tab_table(raw, ncol)
    blank, nul, wrong, fixed = [], [], [], []
    for row, line in others:
        if "\x00" in line:
            nul.append(row)
        elif not line.strip():
            blank.append(row)
        elif len(alt := line.split()) != ncol:
            wrong.append(row)
        else:
            fixed.append((row, alt))
    rep.add("blank_line", "dropped", blank, "empty line")
    rep.add("nul_bytes", "dropped", nul, "the line holds NUL bytes (a damaged or zero-padded file)")
    rep.add("wrong_field_count", "dropped", wrong, f"not {ncol} fields, even when split on any whitespace")
    table, fixed = _long_values(table, fixed, header, rep)
    rep.add(
        "fields_joined_by_spaces",
        "repaired",
        [r for r, _ in fixed],
        "fields separated by spaces instead of a tab; split on whitespace",
    )
    report_not_utf8(rep, non_utf8_lines(raw), "text fields read as Latin-1")
    return _Columns(table, fixed, header), rows_read


def _modular_offset(tod, ref):
    """Offset in seconds of clock time `tod` after clock time `ref`, in [-SLACK_S, DAY - SLACK_S)."""
    return (tod - ref + SLACK_S) % int(DAY) - SLACK_S


def read_bank_log(path) -> CallHistory:
    """Read one month of the Anonymous Bank call log into a CallHistory.

    Parameters
    ----------
    path : str or Path
        A file in the bank's format (CRLF or LF line endings, one header line).

    Returns
    -------
    CallHistory
        One record per kept call; ``report`` counts what was dropped, repaired or flagged
        and why (see the module docstring). Times are seconds since midnight of the first date.

    Raises
    ------
    ConfigError
        If the file does not exist, is empty, or its header lacks one of ``BANK_COLUMNS``.
        A malformed data row never raises: it is dropped and reported.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "log.txt"
    >>> rows = [" ".join(BANK_COLUMNS),
    ...     "AA0101 1 0 0 PS 990201 7:02:47 7:02:56 9 0:00:00 0:00:00 0 AGENT 7:02:55 7:05:41 166 AG1",
    ...     "AA0101 2 7 2 PS 990201 8:09:16 8:09:22 6 8:09:22 8:09:27 5 HANG 0:00:00 0:00:00 0 NO_SERVER",
    ...     "AA0101 3 0 0 PS 990201 9:00:00 9:00:09 9 9:00:09 9:00:20 11 PHANTOM 0:00:00 0:00:00 0 NO_SERVER"]
    >>> _ = p.write_text("".join("\\t".join(r.split()) + "\\r\\n" for r in rows))
    >>> h = read_bank_log(p)
    >>> h.outcome_counts(), float(h.calls["service_s"][0]), h.report.count("phantom"), h.report.count("clock_skew")
    ({'served': 1, 'abandoned': 1, 'ivr_only': 0}, 166.0, 1, 1)
    """
    source, raw = load_bytes(path)
    if not raw.strip():
        raise ConfigError(
            f"{source}: the file is empty; expected a header line with {', '.join(BANK_COLUMNS)} on line 1"
        )
    rep = _ReportBuilder(source, "anonymous-bank-1999 call log")
    cols, rows_read = _split_rows(raw, rep, source)
    rows = cols.rows

    # ---- parse, dropping rows whose fields cannot be read -----------------------------
    keep = np.ones(rows.size, dtype=bool)
    date, ok = cols.date("date")
    rep.add("bad_date", "dropped", rows[keep & ~ok], "date is not a valid YYMMDD")
    keep &= ok
    tod, bad_time = {}, np.zeros(rows.size, dtype=bool)
    for c in _TIME_COLS:
        tod[c], ok = cols.hms(c)
        bad_time |= ~ok
    rep.add("bad_time", "dropped", rows[keep & bad_time], "a clock time is not H:MM:SS")
    keep &= ~bad_time
    num, bad_num = {}, np.zeros(rows.size, dtype=bool)
    for c in _INT_COLS:
        num[c], ok = cols.ints(c)
        bad_num |= ~ok
    rep.add(
        "bad_number", "dropped", rows[keep & bad_num], "call_id, customer_id, priority or a *_time is not an integer"
    )
    keep &= ~bad_num
    outcome_text = cols.text("outcome", upper=True)
    known = np.isin(outcome_text, ("AGENT", "HANG", "PHANTOM"))
    rep.add("unknown_outcome", "dropped", rows[keep & ~known], "outcome is not AGENT, HANG or PHANTOM")
    keep &= known
    phantom = outcome_text == "PHANTOM"
    rep.add("phantom", "dropped", rows[keep & phantom], "PHANTOM rows are not calls (SOURCE.md: ignore these)")
    keep &= ~phantom

    # ---- clock times to offsets after the entry --------------------------------------
    e = tod["vru_entry"]
    off_vx = _modular_offset(tod["vru_exit"], e)
    q_set = (tod["q_start"] != 0) | (tod["q_exit"] != 0)
    s_set = (tod["ser_start"] != 0) | (tod["ser_exit"] != 0)
    off_qs = _modular_offset(tod["q_start"], e)
    off_ss = _modular_offset(tod["ser_start"], e)
    q_dur = (tod["q_exit"] - tod["q_start"]) % int(DAY)
    s_dur = (tod["ser_exit"] - tod["ser_start"]) % int(DAY)
    too_long = (np.abs(off_vx) > MAX_DURATION_S) | (q_set & ((q_dur > MAX_DURATION_S) | (off_qs > MAX_DURATION_S)))
    too_long |= s_set & ((s_dur > MAX_DURATION_S) | (off_ss > 2 * MAX_DURATION_S))
    rep.add(
        "implausible_duration",
        "dropped",
        rows[keep & too_long],
        f"an IVR, queue or service stay over {MAX_DURATION_S} s",
    )
    keep &= ~too_long

    # duplicates: the same line, call id, date and entry time as an earlier row
    line_id = cols.text("vru+line")
    order = np.lexsort((rows, e, date.astype(np.int64), num["call_id"], line_id))
    same = np.zeros(rows.size, dtype=bool)
    if rows.size > 1:
        a, b = order[:-1], order[1:]
        dup = (
            (line_id[a] == line_id[b])
            & (num["call_id"][a] == num["call_id"][b])
            & (date[a] == date[b])
            & (e[a] == e[b])
        )
        dup &= keep[a]
        same[b[dup]] = True
    rep.add(
        "duplicate_row", "dropped", rows[keep & same], "same vru+line, call_id, date and vru_entry as an earlier row"
    )
    keep &= ~same

    # ---- select the kept rows and build the records -----------------------------------
    k = keep
    rows_k, date_k = rows[k], date[k]
    e, off_vx, off_qs, off_ss = e[k], off_vx[k], off_qs[k], off_ss[k]
    q_set, s_set, q_dur, s_dur = q_set[k], s_set[k], q_dur[k], s_dur[k]
    tk = {c: tod[c][k] for c in _TIME_COLS}
    nk = {c: num[c][k] for c in _INT_COLS}
    agent = outcome_text[k] == "AGENT"

    calls = empty_calls(rows_k.size)
    origin = date_k.min() if rows_k.size else np.datetime64("1970-01-05", "D")
    base = (date_k - origin).astype(np.int64) * int(DAY) + e
    calls["row"] = rows_k
    calls["call_id"] = nk["call_id"]
    calls["date"] = date_k
    calls["weekday"] = weekday_of(date_k)
    calls["customer"] = np.where(nk["customer_id"] == 0, -1, nk["customer_id"])  # 0: not identified
    calls["priority"] = nk["priority"]
    calls["line"] = line_id[k]
    type_text = cols.text("type", upper=True)[k]
    calls["type"] = type_text

    crossed = (e + off_vx >= DAY) | (q_set & (e + off_qs + q_dur >= DAY)) | (s_set & (e + off_ss + s_dur >= DAY))
    rep.add("crosses_midnight", "repaired", rows_k[crossed], "times after midnight read modulo 24 h")
    zero_mid = (q_set & ((tk["q_start"] == 0) | (tk["q_exit"] == 0))) | (
        s_set & ((tk["ser_start"] == 0) | (tk["ser_exit"] == 0))
    )
    rep.add("midnight_zero_time", "repaired", rows_k[zero_mid], "0:00:00 read as midnight because its pair is set")
    neg_ivr = off_vx < 0
    rep.add(
        "negative_ivr_time",
        "repaired",
        rows_k[neg_ivr],
        "vru_exit before vru_entry: arrival moved to vru_exit, IVR time unknown (NaN)",
    )
    mismatch = (off_vx != nk["vru_time"]) | (q_set & (q_dur != nk["q_time"])) | (s_set & (s_dur != nk["ser_time"]))
    mismatch |= (~q_set & (nk["q_time"] != 0)) | (~s_set & (nk["ser_time"] != 0))
    rep.add(
        "duration_mismatch",
        "repaired",
        rows_k[mismatch],
        "a recorded *_time disagrees with the clock times; clock times used",
    )

    arrival = base + np.minimum(off_vx, 0)
    ivr_exit = base + off_vx
    calls["arrival_s"] = arrival
    calls["ivr_exit_s"] = ivr_exit
    calls["ivr_s"] = np.where(neg_ivr, np.nan, off_vx)
    q_start = np.where(q_set, base + off_qs, np.nan)
    q_exit = q_start + q_dur
    calls["queue_start_s"] = q_start
    calls["queue_exit_s"] = q_exit

    outcome = np.where(agent, SERVED, np.where(q_set, ABANDONED, IVR_ONLY)).astype(np.int8)
    calls["outcome"] = outcome
    calls["wait_s"] = np.where(outcome == IVR_ONLY, np.nan, np.where(q_set, q_dur, 0.0))

    server_text = cols.text("server")[k]
    named = ~np.isin(np.char.upper(server_text), NO_SERVER)
    servers, inv = np.unique(np.where(named, server_text, ""), return_inverse=True)
    has_blank = servers.size > 0 and servers[0] == ""
    server_idx = inv.astype(np.int32) - (1 if has_blank else 0)
    server_idx[~named] = -1
    calls["server"] = server_idx
    servers = tuple(str(s) for s in (servers[1:] if has_blank else servers))

    raw_ss = base + off_ss
    ready = np.where(q_set, q_exit, ivr_exit)
    served_t = agent & s_set
    gap = np.where(served_t, ready - raw_ss, 0)
    skew = gap > 0
    rep.add(
        "clock_skew",
        "repaired",
        rows_k[skew & (gap <= SKEW_S)],
        f"service starts 1-{SKEW_S} s before the caller leaves the queue/IVR (clock skew); moved to that time",
    )
    rep.add(
        "service_before_queue_exit",
        "repaired",
        rows_k[gap > SKEW_S],
        f"service starts over {SKEW_S} s before the caller leaves the queue/IVR; moved to that time, talk time kept",
    )
    rep.add(
        "service_after_queue_exit",
        "flagged",
        rows_k[gap < -SKEW_S],
        f"service starts over {SKEW_S} s after the caller leaves the queue/IVR; kept (the gap is not in wait_s)",
    )
    s_start = np.where(served_t, np.maximum(raw_ss, ready), np.nan)
    calls["answer_s"] = s_start
    calls["service_end_s"] = s_start + s_dur
    calls["service_s"] = np.where(served_t, s_dur, np.nan)
    calls["handled"] = served_t & named & (s_dur > 0)

    rep.add(
        "served_without_agent",
        "flagged",
        rows_k[agent & ~named],
        "AGENT with server NO_SERVER: kept as served, not counted as agent work",
    )
    rep.add(
        "served_without_service_times",
        "flagged",
        rows_k[agent & ~s_set],
        "AGENT with ser_start and ser_exit 0:00:00: kept as served, talk time unknown",
    )
    rep.add(
        "zero_service_time",
        "flagged",
        rows_k[agent & s_set & named & (s_dur == 0)],
        "AGENT with a named server and zero talk time: kept, not used for handle times",
    )
    rep.add(
        "abandoned_with_service_times",
        "flagged",
        rows_k[~agent & (s_set | named)],
        "HANG with service times or a server: kept as abandoned, the call ends at ser_exit",
    )
    rep.add(
        "undocumented_type",
        "flagged",
        rows_k[~np.isin(type_text, BANK_TYPES)],
        f"type not one of {', '.join(BANK_TYPES)}",
    )
    rep.add("unknown_priority", "flagged", rows_k[~np.isin(nk["priority"], (0, 1, 2))], "priority not 0, 1 or 2")

    end = np.fmax(ivr_exit, np.fmax(q_exit, np.where(s_set, np.maximum(raw_ss, ready) + s_dur, np.nan)))
    calls["end_s"] = np.maximum(end, arrival)

    gaps = missing_dates(date_k)
    if gaps:
        rep.notes.append(f"no calls on {', '.join(gaps)} (a gap in the data)")
    return CallHistory(calls, origin, servers, rep.build(rows_read, int(k.sum())), source)
