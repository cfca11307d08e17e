"""What the readers return: call-level history, interval counts, and the import report.

``CallHistory.calls`` is a read-only numpy structured array with one record per call
(dtype `cxqueue.scenario.CALL_DTYPE`, the call log the simulation writes too). Times are
seconds since midnight of ``origin`` (the first date in the file), so a call on the second
day at 09:00 has ``arrival_s == 86400 + 32400``. Missing times are NaN. ``outcome`` is an
`cxqueue.scenario.Outcome` code; a recording holds three of them, which the history calls:

- ``served`` (``Outcome.ANSWERED``, 0): an agent answered (the bank log's AGENT);
- ``abandoned`` (``Outcome.ABANDONED``, 1): the caller waited in the agent queue and hung up;
- ``ivr_only`` (``Outcome.IVR``, 4): the caller left in the voice-response unit before asking for an agent.

Every reader also returns an ``ImportReport`` that counts what it dropped, repaired or
flagged, per reason, with example line numbers, so that no row disappears silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cxqueue.scenario._plain import PlainDict, plain_dict
from cxqueue.scenario.calls import CALL_DTYPE, Outcome
from cxqueue.units import DAY

__all__ = [
    "CALL_DTYPE",
    "OUTCOMES",
    "OUTCOME_CODES",
    "CallHistory",
    "ImportReport",
    "IntervalCounts",
    "ReportEntry",
]

#: The history's words for the outcomes a recording holds, in the order `outcome_counts` gives
#: them, and their `Outcome` codes (shared with the simulation's call log).
OUTCOMES = ("served", "abandoned", "ivr_only")
SERVED, ABANDONED, IVR_ONLY = int(Outcome.ANSWERED), int(Outcome.ABANDONED), int(Outcome.IVR)
OUTCOME_CODES = {"served": SERVED, "abandoned": ABANDONED, "ivr_only": IVR_ONLY}
ACTIONS = ("dropped", "repaired", "flagged")


@dataclass(frozen=True)
class ReportEntry(PlainDict):
    """One reason why rows were dropped, repaired or flagged, with up to five example rows."""

    reason: str
    action: str
    count: int
    rows: tuple[int, ...]
    detail: str


@dataclass(frozen=True)
class ImportReport:
    """What a reader did with each row that was not read as written.

    ``rows_read`` counts the data lines (header excluded); ``rows_kept + dropped ==
    rows_read`` always holds. A row may be repaired or flagged for several reasons;
    ``entries`` has one line per reason. ``notes`` holds file-level observations such
    as dates without any call.

    Examples
    --------
    >>> r = ImportReport("x.csv", "calls", 3, 2, (ReportEntry("bad_time", "dropped", 1, (4,), "..."),))
    >>> r.dropped, r.count("bad_time"), r.count("phantom")
    (1, 1, 0)
    """

    source: str
    format: str
    rows_read: int
    rows_kept: int
    entries: tuple[ReportEntry, ...] = ()
    notes: tuple[str, ...] = ()

    def _total(self, action: str) -> int:
        return int(sum(e.count for e in self.entries if e.action == action))

    @property
    def dropped(self) -> int:
        return self._total("dropped")

    @property
    def repaired(self) -> int:
        """Repairs made (a row repaired for two reasons counts twice)."""
        return self._total("repaired")

    @property
    def flagged(self) -> int:
        return self._total("flagged")

    def count(self, reason: str) -> int:
        """Rows affected by `reason` (0 if it never occurred)."""
        return int(sum(e.count for e in self.entries if e.reason == reason))

    def entry(self, reason: str) -> ReportEntry | None:
        return next((e for e in self.entries if e.reason == reason), None)

    def summary(self) -> str:
        """A plain-text table, one line per reason."""
        lines = [
            f"{self.source} ({self.format}): {self.rows_read} rows read, {self.rows_kept} kept, {self.dropped} dropped"
        ]
        for e in self.entries:
            ex = ", ".join(str(r) for r in e.rows)
            lines.append(f"  {e.action:8s} {e.count:7d}  {e.reason}: {e.detail} (e.g. line {ex})")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def brief(self) -> str:
        """One line: the rows read, kept and dropped, and the first line of each reason for dropping.

        >>> ImportReport("x.csv", "calls", 3, 0, (ReportEntry("bad_time", "dropped", 3, (2, 3, 4), "..."),)).brief()
        '3 data lines read, 0 kept; dropped: bad_time 3 (first at line 2)'
        """
        if self.rows_read == 0:
            return "no data line after the header on line 1"
        text = f"{self.rows_read} data lines read, {self.rows_kept} kept"
        drops = [f"{e.reason} {e.count} (first at line {e.rows[0]})" for e in self.entries if e.action == "dropped"]
        return text + ("; dropped: " + ", ".join(drops) if drops else "")

    def to_dict(self) -> dict:
        return plain_dict(self, ("source", "format", "rows_read", "rows_kept", "dropped", "entries", "notes"))


class _ReportBuilder:
    """Collects reasons while a reader works; `build` freezes them into an ImportReport."""

    def __init__(self, source: str, fmt: str):
        self.source, self.format = source, fmt
        self._entries: dict[str, list] = {}
        self.notes: list[str] = []

    def add(self, reason: str, action: str, rows, detail: str) -> None:
        rows = np.asarray(rows, dtype=np.int64).ravel()
        if rows.size == 0:
            return
        if reason in self._entries:
            e = self._entries[reason]
            e[1] += int(rows.size)
            e[2] = (e[2] + [int(r) for r in rows[:5]])[:5]
        else:
            self._entries[reason] = [action, int(rows.size), [int(r) for r in rows[:5]], detail]

    def first(self, actions=("dropped",), skip=()) -> tuple[int, str, str] | None:
        """(line, reason, detail) of the earliest line with one of `actions`, reasons in `skip` left out."""
        found = [
            (min(rows), reason, detail)
            for reason, (action, _, rows, detail) in self._entries.items()
            if action in actions and reason not in skip
        ]
        return min(found) if found else None

    def build(self, rows_read: int, rows_kept: int) -> ImportReport:
        order = {a: i for i, a in enumerate(ACTIONS)}
        items = sorted(self._entries.items(), key=lambda kv: (order[kv[1][0]], -kv[1][1], kv[0]))
        entries = tuple(ReportEntry(k, a, n, tuple(sorted(rows)), d) for k, (a, n, rows, d) in items)
        report = ImportReport(self.source, self.format, int(rows_read), int(rows_kept), entries, tuple(self.notes))
        if report.rows_kept + report.dropped != report.rows_read:  # pragma: no cover - a reader bug
            raise AssertionError(f"import report does not add up: {report.summary()}")
        return report


def named(history) -> str:
    """``"<file>: "`` for a history read from a file, to begin a message about it; else empty."""
    source = getattr(history, "source", "")
    return f"{source}: " if source else ""


def why(history) -> str:
    """`` (<the report in brief>)`` for a history read from a file, to end a message about it; else empty."""
    report = getattr(history, "report", None)
    return f" ({report.brief()})" if report is not None and report.source else ""


def weekday_of(dates) -> np.ndarray:
    """Monday = 0 .. Sunday = 6 for datetime64[D] values (1970-01-01 was a Thursday).

    >>> weekday_of(np.array(["1999-01-01", "1999-01-04"], dtype="datetime64[D]")).tolist()
    [4, 0]
    """
    days = np.asarray(dates, dtype="datetime64[D]").astype(np.int64)
    return ((days + 3) % 7).astype(np.int8)


def missing_dates(dates) -> list[str]:
    """Dates between the first and the last of `dates` on which nothing was recorded."""
    d = np.unique(np.asarray(dates, dtype="datetime64[D]"))
    if d.size < 2:
        return []
    full = np.arange(d[0], d[-1] + np.timedelta64(1, "D"))
    return [str(x) for x in np.setdiff1d(full, d)]


@dataclass(frozen=True, eq=False)
class CallHistory:
    """Call-level history: one record per call in ``calls`` (dtype `cxqueue.scenario.CALL_DTYPE`).

    Times are seconds since midnight of ``origin``; ``servers`` names the agents that
    ``calls["server"]`` indexes; ``report`` says what the reader dropped or repaired.

    Examples
    --------
    >>> import io, tempfile, pathlib
    >>> from cxqueue.data import read_call_csv
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "calls.csv"
    >>> _ = p.write_text("arrival,answer,end\\n2024-03-04 09:00:00,2024-03-04 09:00:30,2024-03-04 09:03:30\\n"
    ...                  "2024-03-04 09:01:00,,2024-03-04 09:02:00\\n")
    >>> h = read_call_csv(p)
    >>> h.n_calls, h.outcome_counts(), h.calls["wait_s"].tolist()
    (2, {'served': 1, 'abandoned': 1, 'ivr_only': 0}, [30.0, 60.0])
    """

    calls: np.ndarray
    origin: np.datetime64
    servers: tuple[str, ...] = ()
    report: ImportReport = field(default_factory=lambda: ImportReport("", "", 0, 0))
    source: str = ""

    def __post_init__(self):
        calls = np.asarray(self.calls)
        if calls.dtype != CALL_DTYPE:
            raise TypeError(f"calls must have dtype CALL_DTYPE; got {calls.dtype}")
        calls = calls.copy()
        calls.setflags(write=False)
        object.__setattr__(self, "calls", calls)
        object.__setattr__(self, "origin", np.datetime64(self.origin, "D"))

    @property
    def n_calls(self) -> int:
        return int(self.calls.size)

    def __len__(self) -> int:
        return self.n_calls

    @property
    def dates(self) -> np.ndarray:
        """The dates with at least one call (the observed days), sorted."""
        return np.unique(self.calls["date"])

    @property
    def origin_weekday(self) -> int:
        return int(weekday_of(self.origin))

    def mask(self, outcome: str) -> np.ndarray:
        """Boolean mask of the calls with this outcome (``served``, ``abandoned``, ``ivr_only``)."""
        if outcome not in OUTCOMES:
            from cxqueue._validation import choice

            choice("outcome", outcome, OUTCOMES)
        return self.calls["outcome"] == OUTCOME_CODES[outcome]

    @property
    def offered(self) -> np.ndarray:
        """Mask of the calls that asked for an agent (served or abandoned)."""
        return self.calls["outcome"] != IVR_ONLY

    def outcome_counts(self) -> dict[str, int]:
        """Calls per outcome, in the history's words (``served``, ``abandoned``, ``ivr_only``)."""
        n = np.bincount(self.calls["outcome"].astype(np.int64), minlength=len(Outcome))
        return {k: int(n[OUTCOME_CODES[k]]) for k in OUTCOMES}

    def calls_per_day(self, *, offered_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(dates, calls) on each observed date; all kept calls, or only the offered ones."""
        d = self.calls["date"][self.offered] if offered_only else self.calls["date"]
        dates, counts = np.unique(d, return_counts=True)
        return dates, counts.astype(np.int64)

    def time_of_week_s(self, t_s=None) -> np.ndarray:
        """Seconds since Monday 00:00 of the given times (default: arrivals)."""
        t = self.calls["arrival_s"] if t_s is None else np.asarray(t_s, dtype=np.float64)
        return (t + self.origin_weekday * DAY) % (7 * DAY)

    def select(self, mask) -> CallHistory:
        """A history holding only the calls where `mask` is True (same origin and report)."""
        return CallHistory(
            self.calls[np.asarray(mask, dtype=bool)], self.origin, self.servers, self.report, self.source
        )

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "origin": str(self.origin),
            "n_calls": self.n_calls,
            "outcomes": self.outcome_counts(),
            "dates": [str(d) for d in self.dates],
            "servers": list(self.servers),
            "report": self.report.to_dict(),
        }


def concat_histories(histories) -> CallHistory:
    """One history from several (e.g. January and February); times move to the earliest origin.

    Server names are merged by name. The reports are combined: rows and counts add up
    (the example line numbers of a reason are those of the first history that has it).

    Examples
    --------
    >>> from cxqueue.data._examples import example_history
    >>> a = example_history("arrival,answer,end\\n2024-03-05 09:00,2024-03-05 09:00:10,2024-03-05 09:01\\n")
    >>> b = example_history("arrival,answer,end\\n2024-03-04 09:00,,2024-03-04 09:01\\n")
    >>> h = concat_histories([a, b])
    >>> str(h.origin), h.calls["arrival_s"].tolist()
    ('2024-03-04', [118800.0, 32400.0])
    """
    histories = list(histories)
    if not histories:
        from cxqueue.exceptions import ConfigError

        raise ConfigError("histories must hold at least one CallHistory; got none")
    origin = min(h.origin for h in histories)
    servers = tuple(sorted({s for h in histories for s in h.servers}))
    index = {s: i for i, s in enumerate(servers)}
    parts = []
    for h in histories:
        c = h.calls.copy()
        shift = float((h.origin - origin).astype(np.int64)) * DAY
        for name in (
            "arrival_s",
            "ivr_exit_s",
            "queue_start_s",
            "queue_exit_s",
            "answer_s",
            "service_end_s",
            "end_s",
        ):
            c[name] += shift
        remap = np.array([index[s] for s in h.servers] + [-1], dtype=np.int32)
        c["server"] = remap[c["server"]]  # -1 maps to the appended -1
        parts.append(c)
    entries: dict[str, list] = {}
    for h in histories:
        for e in h.report.entries:
            if e.reason in entries:
                entries[e.reason][2] += e.count
            else:
                entries[e.reason] = [e.reason, e.action, e.count, e.rows, e.detail]
    report = ImportReport(
        " + ".join(h.report.source for h in histories),
        histories[0].report.format,
        sum(h.report.rows_read for h in histories),
        sum(h.report.rows_kept for h in histories),
        tuple(ReportEntry(*v) for v in entries.values()),
        tuple(n for h in histories for n in h.report.notes),
    )
    source = " + ".join(h.source for h in histories)
    return CallHistory(np.concatenate(parts), origin, servers, report, source)


@dataclass(frozen=True, eq=False)
class IntervalCounts:
    """Calls per interval from an interval-count file (no call-level detail).

    ``start`` (datetime64[s]) is the start of each interval, ``calls`` the calls that
    arrived in it, ``aht_s`` the mean handle time where the file has one (NaN otherwise),
    ``interval_s`` the interval length in seconds.

    Examples
    --------
    >>> ic = IntervalCounts(np.array(["2003-03-03T07:00"], dtype="datetime64[s]"), [111.0], [np.nan], 300.0)
    >>> ic.n_intervals, ic.dates.tolist(), ic.has_aht
    (1, [datetime.date(2003, 3, 3)], False)
    """

    start: np.ndarray
    calls: np.ndarray
    aht_s: np.ndarray
    interval_s: float
    report: ImportReport = field(default_factory=lambda: ImportReport("", "", 0, 0))
    source: str = ""

    def __post_init__(self):
        start = np.array(self.start, dtype="datetime64[s]")
        calls = np.array(self.calls, dtype=np.float64)
        aht = np.array(self.aht_s, dtype=np.float64)
        if not (start.shape == calls.shape == aht.shape) or start.ndim != 1:
            from cxqueue.exceptions import ConfigError

            raise ConfigError(
                f"start, calls and aht_s must be 1-d of one length; got {start.shape}, {calls.shape}, {aht.shape}"
            )
        for a in (start, calls, aht):
            a.setflags(write=False)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "calls", calls)
        object.__setattr__(self, "aht_s", aht)
        object.__setattr__(self, "interval_s", float(self.interval_s))

    @property
    def n_intervals(self) -> int:
        return int(self.calls.size)

    @property
    def dates(self) -> np.ndarray:
        return np.unique(self.start.astype("datetime64[D]"))

    @property
    def has_aht(self) -> bool:
        return bool(np.isfinite(self.aht_s).any())

    def calls_per_day(self) -> tuple[np.ndarray, np.ndarray]:
        day = self.start.astype("datetime64[D]")
        dates, inv = np.unique(day, return_inverse=True)
        return dates, np.bincount(inv, weights=self.calls, minlength=dates.size)

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "interval_s": self.interval_s,
            "start": [str(s) for s in self.start],
            "calls": self.calls.tolist(),
            "aht_s": [None if not np.isfinite(a) else float(a) for a in self.aht_s],
            "report": self.report.to_dict(),
        }
