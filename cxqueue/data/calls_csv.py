"""Reader for a generic call-level CSV: one row per call with arrival, answer, end, outcome.

Columns (names are matched case-insensitively; pass other names as keywords):

``arrival`` (required)
    when the call arrived (ISO 8601 date-time, or seconds since ``origin``).
``answer``
    when an agent answered; empty if nobody did.
``end``
    when the call ended: the end of service for an answered call, the hang-up for an
    abandoned one.
``outcome`` (optional)
    ``served`` (also answered, agent, handled, completed), ``abandoned`` (abandon, hang,
    hangup, lost) or ``ivr_only`` (ivr, self_service); without it, an answer time means
    served and its absence abandoned.
``customer_id``, ``agent``, ``priority`` (optional)
    caller id (0 or empty: unknown), agent name, priority class.

There is no IVR in this format: calls queue on arrival. A malformed row never stops the
import; it is dropped or repaired and counted in the ImportReport with its line number.
One call per line: a quoted field may hold the delimiter but not a line break, so a stray
quote costs its own line only (``unbalanced_quote``, with its column). Encodings, line
ends and the field limits are those of `cxqueue.data._text` (UTF-8 with or without BOM,
UTF-16 with BOM, Latin-1 per line as a reported repair; fields up to 16 MiB, parsed values
up to 1,024 characters). Rows out of arrival order are kept in file order, with a note.
"""

from __future__ import annotations

import numpy as np

from cxqueue.data._csvtable import drop_long_values, find_column, read_table, read_times
from cxqueue.data._parse import parse_int
from cxqueue.data.history import ABANDONED, IVR_ONLY, SERVED, CallHistory, missing_dates, weekday_of
from cxqueue.exceptions import ConfigError
from cxqueue.scenario.calls import empty_calls
from cxqueue.units import DAY

__all__ = ["OUTCOME_WORDS", "read_call_csv"]

OUTCOME_WORDS = {
    SERVED: ("served", "answered", "agent", "handled", "completed", "complete"),
    ABANDONED: ("abandoned", "abandon", "hang", "hangup", "hung_up", "lost"),
    IVR_ONLY: ("ivr_only", "ivr", "self_service", "selfservice"),
}
SKEW_S = 2.0  # an answer up to 2 s before the arrival is clock skew, not an error


def _column(table, idx):
    return None if idx is None else np.char.strip(np.asarray(table[:, idx], dtype=str))


def _repeats(table, key) -> np.ndarray:
    """Rows whose fields all equal those of an earlier row; only rows sharing `key` (the arrival) are compared."""
    out = np.zeros(len(table), dtype=bool)
    _, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
    first: dict[tuple, int] = {}
    for i in np.flatnonzero(counts[inv.ravel()] > 1).tolist():
        out[i] = first.setdefault(tuple(table[i]), i) != i
    return out


def read_call_csv(
    path,
    *,
    arrival: str | None = None,
    answer: str | None = None,
    end: str | None = None,
    outcome: str | None = None,
    origin="1970-01-05",
    delimiter: str | None = None,
) -> CallHistory:
    """Read a call-level CSV (arrival, answer, end, outcome) into a CallHistory.

    Parameters
    ----------
    path : str or Path
        The CSV file; the delimiter (comma, semicolon, tab or bar) is guessed from the header.
    arrival, answer, end, outcome : str, optional
        Column names when they differ from the defaults (``arrival``/``arrival_time``,
        ``answer``/``answered``/``answer_time``, ``end``/``end_time``/``hangup``, ``outcome``).
    origin : str or datetime64
        Midnight that numeric times count seconds from (default 1970-01-05, a Monday, so
        numbers are seconds since a Monday 00:00).
    delimiter : str, optional
        Field separator, if the guess is wrong.

    Returns
    -------
    CallHistory
        Times are seconds since midnight of the first date; ``report`` lists what was
        dropped (bad or missing times, unknown outcomes, ends before answers, duplicates),
        repaired (answers up to 2 s before the arrival) or flagged.

    Raises
    ------
    ConfigError
        If the file is missing or empty, a named column is not in the header, a column the
        reader uses is named twice, or the header has an unbalanced quote; the message
        names the file and the line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "calls.csv"
    >>> _ = p.write_text("arrival,answer,end,outcome\\n0,20,200,served\\n30,,90,abandoned\\n40,,x,\\n")
    >>> h = read_call_csv(p)
    >>> h.calls["wait_s"].tolist(), h.calls["service_s"].tolist()[:1], h.report.count("bad_time")
    ([20.0, 60.0], [180.0], 1)
    """
    t = read_table(path, "call csv", delimiter)
    source, header, rep, rows_read = t.source, t.header, t.report, t.rows_read
    i_arr = find_column(source, header, arrival, ("arrival", "arrival_time", "arrived", "start"), param="arrival")
    i_ans = find_column(source, header, answer, ("answer", "answered", "answer_time"), param="answer", required=False)
    i_end = find_column(
        source, header, end, ("end", "end_time", "ended", "hangup", "hang_up"), param="end", required=False
    )
    i_out = find_column(source, header, outcome, ("outcome", "result", "status"), param="outcome", required=False)
    i_cid = find_column(
        source, header, None, ("customer_id", "customer", "caller_id"), param="customer_id", required=False
    )
    i_agent = find_column(source, header, None, ("agent", "server", "agent_id"), param="agent", required=False)
    i_pri = find_column(source, header, None, ("priority",), param="priority", required=False)
    if i_ans is None and i_end is None and i_out is None:
        raise ConfigError(
            f"{source}: a call CSV needs an answer, end or outcome column besides arrival; "
            f"the header has {', '.join(repr(h[:100]) for h in header[:50])} on line 1"
        )
    used = (i_arr, i_ans, i_end, i_out, i_cid, i_agent, i_pri)
    t = drop_long_values(t, used)
    rows, table = t.rows, t.cells
    n = rows.size
    keep = np.ones(n, dtype=bool)
    t_arr, ok_arr, _, kind = read_times(table[:, i_arr], origin)
    rep.add("bad_arrival", "dropped", rows[~ok_arr], f"arrival is empty or not a {kind}")
    keep &= ok_arr

    def times(idx):
        if idx is None:
            return np.full(n, np.datetime64("NaT"), "datetime64[ms]"), np.zeros(n, bool), np.ones(n, bool)
        t, ok, empty, _ = read_times(table[:, idx], origin)
        return t, ok, empty

    t_ans, ok_ans, empty_ans = times(i_ans)
    t_end, ok_end, empty_end = times(i_end)
    bad = ~(ok_ans | empty_ans) | ~(ok_end | empty_end)
    rep.add("bad_time", "dropped", rows[keep & bad], "answer or end is not empty and not a time")
    keep &= ~bad

    if i_out is not None:
        words = np.char.lower(_column(table, i_out))
        code = np.full(n, -1, dtype=np.int8)
        for c, ws in OUTCOME_WORDS.items():
            code[np.isin(words, ws)] = c
        blank = words == ""
        code[blank] = np.where(ok_ans[blank], SERVED, ABANDONED)
        rep.add(
            "unknown_outcome",
            "dropped",
            rows[keep & (code < 0)],
            "outcome is not served, abandoned or ivr_only (or a synonym)",
        )
        keep &= code >= 0
        cannot = blank & ~ok_ans & ~ok_end
    else:
        code = np.where(ok_ans, SERVED, ABANDONED).astype(np.int8)
        cannot = ~ok_ans & ~ok_end
    rep.add("cannot_tell_outcome", "dropped", rows[keep & cannot], "no outcome, no answer and no end")
    keep &= ~cannot

    origin_d = t_arr[keep].min().astype("datetime64[D]") if keep.any() else np.datetime64(origin, "D")
    zero = np.datetime64(origin_d, "ms")

    def secs(t):
        return np.where(np.isnat(t), np.nan, (t - zero).astype(np.int64) / 1000.0)

    a, q, e = secs(t_arr), secs(t_ans), secs(t_end)
    served, abandoned = code == SERVED, code == ABANDONED
    early = served & (q < a)
    skew = early & (a - q <= SKEW_S)
    rep.add(
        "answer_before_arrival",
        "dropped",
        rows[keep & early & ~skew],
        f"answered more than {SKEW_S:g} s before the arrival",
    )
    keep &= ~(early & ~skew)
    rep.add("clock_skew", "repaired", rows[keep & skew], f"answered up to {SKEW_S:g} s before the arrival; moved to it")
    q = np.where(skew, a, q)
    start = np.where(served, q, a)
    backwards = np.isfinite(e) & (e < np.where(np.isfinite(start), start, a))
    rep.add("end_before_start", "dropped", rows[keep & backwards], "end is before the answer (or the arrival)")
    keep &= ~backwards

    dup = _repeats(table, t_arr.astype(np.int64)) if n else np.zeros(0, dtype=bool)
    rep.add("duplicate_row", "dropped", rows[keep & dup], "the same fields as an earlier row")
    keep &= ~dup

    k = keep
    served, abandoned, ivr = served[k], abandoned[k], code[k] == IVR_ONLY
    a, q, e = a[k], q[k], e[k]
    calls = empty_calls(int(k.sum()))
    calls["row"] = rows[k]
    date = origin_d + np.floor(a / DAY).astype(np.int64).astype("timedelta64[D]")
    calls["date"] = date
    calls["weekday"] = weekday_of(date)
    calls["arrival_s"] = a
    calls["ivr_exit_s"] = a
    calls["ivr_s"] = np.nan
    calls["outcome"] = code[k]
    calls["queue_start_s"] = np.where(ivr, np.nan, a)
    qexit = np.where(served, q, np.where(abandoned, e, np.nan))
    calls["queue_exit_s"] = qexit
    calls["wait_s"] = np.where(ivr, np.nan, qexit - a)
    calls["answer_s"] = np.where(served, q, np.nan)
    calls["service_end_s"] = np.where(served, e, np.nan)
    service = np.where(served, e - q, np.nan)
    calls["service_s"] = service
    calls["end_s"] = np.fmax(np.fmax(e, q), a)
    rep.add(
        "served_without_answer_time",
        "flagged",
        rows[k][served & ~np.isfinite(q)],
        "served but no answer time: wait and talk time unknown",
    )
    rep.add(
        "served_without_end",
        "flagged",
        rows[k][served & np.isfinite(q) & ~np.isfinite(e)],
        "served but no end time: talk time unknown",
    )
    rep.add(
        "abandoned_without_end",
        "flagged",
        rows[k][abandoned & ~np.isfinite(e)],
        "abandoned but no end time: time to abandon unknown",
    )

    servers: tuple[str, ...] = ()
    calls["server"] = -1
    named = np.ones(calls.size, dtype=bool)
    if i_agent is not None:
        names = _column(table, i_agent)[k]
        named = ~np.isin(np.char.upper(names), ("", "0", "NO_SERVER", "NONE"))
        uniq, inv = np.unique(names[named], return_inverse=True)
        servers = tuple(str(s) for s in uniq)
        calls["server"][named] = inv.astype(np.int32)
        rep.add(
            "served_without_agent",
            "flagged",
            rows[k][served & ~named],
            "served but no agent named: not counted as agent work",
        )
    calls["handled"] = served & named & (service > 0)
    if i_cid is not None:
        cid, ok = parse_int(_column(table, i_cid)[k])
        rep.add(
            "bad_customer_id",
            "repaired",
            rows[k][~ok & (_column(table, i_cid)[k] != "")],
            "customer_id is not an integer; read as not identified (-1)",
        )
        calls["customer"] = np.where(ok & (cid != 0), cid, -1)  # 0 or blank: not identified
    if i_pri is not None:
        pri, ok = parse_int(_column(table, i_pri)[k])
        calls["priority"] = np.where(ok, pri, 0)
    back = np.flatnonzero(np.diff(a) < 0)
    if back.size:
        rep.notes.append(
            f"{back.size} rows arrive before the row above them (first at line {int(rows[k][back[0] + 1])}); "
            "calls are kept in file order, which no estimate depends on"
        )
    gaps = missing_dates(date)
    if gaps:
        rep.notes.append(f"no calls on {len(gaps)} dates between the first and the last: {', '.join(gaps[:10])}")
    return CallHistory(calls, origin_d, servers, rep.build(rows_read, calls.size), source)
