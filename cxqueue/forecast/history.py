"""`IntervalHistory`: dated calls per interval, one row per observed day.

A forecast starts from a table of days by intervals: the calls that arrived in each
interval of each observed day (and, where the source has it, the mean handle time). The
two readers of `cxqueue.data` feed it: `read_interval_csv` (dated counts such as
us-bank-calls-2003) through `IntervalHistory.from_interval_counts` (or `from_csv`), and a
call log (`CallHistory`, e.g. `read_bank_log`) through `IntervalHistory.from_call_log`,
which bins the arrivals per date and interval and takes the AHT from the handled calls.

Only observed days are rows. A day that should have been there and is not (an operating
weekday between the first and the last date without a row: a holiday, a gap in the
export) is listed in ``missing_dates`` and in ``warnings``; it is never read as a day of
zero calls. The operating weekdays are the weekdays the history holds at all, so weekends
of a weekday-only center are not missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.data import CallHistory, IntervalCounts, read_interval_csv
from cxqueue.data.history import weekday_of
from cxqueue.exceptions import ConfigError
from cxqueue.scenario._plain import plain_dict
from cxqueue.units import DAY

__all__ = ["WEAK_DAYS", "IntervalHistory"]

#: Under this many observed days (three weeks of five days) a forecast is possible but weak.
WEAK_DAYS = 15
PARTIAL = ("error", "drop")


def _dates(name: str, dates) -> np.ndarray:
    try:
        d = np.array(dates, dtype="datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name} must be dates (YYYY-MM-DD); got {dates!r}") from exc
    if d.ndim != 1:
        raise ConfigError(f"{name} must be a 1-d array of dates; got shape {d.shape}")
    return d


@dataclass(frozen=True, eq=False)
class IntervalHistory:
    """Calls per interval on each observed day.

    Parameters
    ----------
    counts : array_like, shape (n_days, n_intervals)
        Calls that arrived in each interval of each day (>= 0).
    dates : array_like of datetime64[D], shape (n_days,)
        The observed days, strictly increasing.
    interval_s : float
        Interval length in seconds.
    first_start_s : float
        Time of day at which interval 0 starts, in seconds since midnight.
    aht_s : array_like, shape (n_days, n_intervals), optional
        Mean handle time of the calls of each interval in seconds; NaN where unknown.
    source : str
        Where the history came from (a file name).
    notes : tuple of str
        What the reader said (its ``ImportReport`` notes).

    Examples
    --------
    >>> h = IntervalHistory([[10, 20], [12, 18], [11, 19]],
    ...                     ["2024-03-04", "2024-03-05", "2024-03-12"], interval_s=1800, first_start_s=9 * 3600)
    >>> h.n_days, h.n_intervals, [str(d) for d in h.missing_dates]
    (3, 2, ['2024-03-11'])
    >>> h.daily_totals.tolist()
    [30.0, 30.0, 30.0]
    """

    counts: np.ndarray
    dates: np.ndarray
    interval_s: float
    first_start_s: float = 0.0
    aht_s: np.ndarray | None = None
    source: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self):
        counts = v.as_float_array("counts", self.counts)
        if counts.ndim != 2 or counts.shape[0] == 0 or counts.shape[1] == 0:
            raise ConfigError(
                f"counts must be a 2-d array of days by intervals with at least one of each; got shape {counts.shape}"
            )
        v.check("counts", counts, counts >= 0, ">= 0")
        dates = _dates("dates", self.dates)
        if dates.size != counts.shape[0]:
            raise ConfigError(f"dates must hold one date per row of counts ({counts.shape[0]}); got {dates.size}")
        if dates.size > 1 and np.any(np.diff(dates.astype(np.int64)) <= 0):
            i = int(np.flatnonzero(np.diff(dates.astype(np.int64)) <= 0)[0]) + 1
            raise ConfigError(f"dates must be strictly increasing; got {dates[i - 1]} then {dates[i]} at index {i}")
        interval_s = float(v.positive_array("interval_s", self.interval_s))
        first = float(v.nonneg_array("first_start_s", self.first_start_s))
        end = first + counts.shape[1] * interval_s
        if end > DAY + 1e-6:
            raise ConfigError(
                f"first_start_s + n_intervals * interval_s must be <= 86400 (one day); got {first:g} + "
                f"{counts.shape[1]} * {interval_s:g} = {end:g}"
            )
        aht = None
        if self.aht_s is not None:
            aht = np.array(self.aht_s, dtype=np.float64)
            if aht.shape != counts.shape:
                raise ConfigError(f"aht_s must have the shape of counts {counts.shape}; got {aht.shape}")
            v.check("aht_s", aht, np.isnan(aht) | (aht > 0), "> 0 or NaN (unknown)")
            if np.isnan(aht).all():
                aht = None
            else:
                aht.setflags(write=False)
        counts = counts.copy()
        counts.setflags(write=False)
        dates = dates.copy()
        dates.setflags(write=False)
        object.__setattr__(self, "counts", counts)
        object.__setattr__(self, "dates", dates)
        object.__setattr__(self, "interval_s", interval_s)
        object.__setattr__(self, "first_start_s", first)
        object.__setattr__(self, "aht_s", aht)
        object.__setattr__(self, "notes", tuple(str(n) for n in self.notes))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_interval_counts(cls, counts: IntervalCounts) -> IntervalHistory:
        """The days by intervals of `read_interval_csv`'s result.

        The grid runs from the earliest to the latest interval start of any day; an
        interval without a row inside an observed day counts as zero calls (the reader's
        rule, which its report notes). Days absent altogether stay absent.
        """
        if not isinstance(counts, IntervalCounts):
            raise ConfigError(f"counts must be a cxqueue.data.IntervalCounts; got {type(counts).__name__}")
        if counts.n_intervals == 0:
            raise ConfigError(f"counts must hold at least one interval; {counts.source or 'the file'} has none")
        step = counts.interval_s
        day = counts.start.astype("datetime64[D]")
        tod = (counts.start - day).astype("timedelta64[s]").astype(np.int64).astype(np.float64)
        slot = np.floor(tod / step + 1e-9).astype(np.int64)
        lo, hi = int(slot.min()), int(slot.max())
        dates, row = np.unique(day, return_inverse=True)
        grid = np.zeros((dates.size, hi - lo + 1))
        np.add.at(grid, (row, slot - lo), counts.calls)
        aht = None
        if counts.has_aht:
            load = np.zeros_like(grid)
            known = np.zeros_like(grid)
            ok = np.isfinite(counts.aht_s)
            np.add.at(load, (row[ok], slot[ok] - lo), counts.aht_s[ok] * counts.calls[ok])
            np.add.at(known, (row[ok], slot[ok] - lo), counts.calls[ok])
            with np.errstate(invalid="ignore", divide="ignore"):
                aht = np.where(known > 0, load / known, np.nan)
        return cls(grid, dates, step, lo * step, aht, counts.source, counts.report.notes)

    @classmethod
    def from_csv(cls, path, **kwargs) -> IntervalHistory:
        """Read a dated interval CSV with `cxqueue.data.read_interval_csv` (its keywords pass through).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> rows = ["DateTime,Calls"] + [f"2003-03-0{d}T07:0{m}:00Z,{c}" for d, m, c in
        ...         [(3, 0, 111), (3, 5, 98), (4, 0, 120), (4, 5, 101)]]
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "counts.csv"
        >>> h = IntervalHistory.from_csv(p) if p.write_text("\\n".join(rows)) else None
        >>> h.counts.tolist(), h.interval_s, h.first_start_s
        ([[111.0, 98.0], [120.0, 101.0]], 300.0, 25200.0)
        """
        return cls.from_interval_counts(read_interval_csv(path, **kwargs))

    @classmethod
    def from_call_log(
        cls,
        history: CallHistory,
        *,
        interval_s: float = 900.0,
        open_s: float | None = None,
        close_s: float | None = None,
        offered_only: bool = True,
    ) -> IntervalHistory:
        """Bin a call log's arrivals per date and interval; the AHT from the handled calls.

        Parameters
        ----------
        history : CallHistory
            A call log (`cxqueue.data.read_bank_log`, `read_call_csv`, `read_history`).
        interval_s : float
            Interval length in seconds; it must divide a day.
        open_s, close_s : float, optional
            The span of the day to keep, seconds since midnight; by default from the
            earliest to the latest arrival's interval. Arrivals outside are left out (a note says how many).
        offered_only : bool
            Count only the calls that asked for an agent (served or abandoned), the demand
            a staffing plan serves; False counts every arrival (IVR-only calls too).

        Returns
        -------
        IntervalHistory
            One row per date with at least one arrival; ``aht_s`` is the mean talk time of
            the handled calls that arrived in the interval (NaN where none).
        """
        if not isinstance(history, CallHistory):
            raise ConfigError(f"history must be a cxqueue.data.CallHistory; got {type(history).__name__}")
        step = float(v.positive_array("interval_s", interval_s))
        if abs(DAY / step - round(DAY / step)) > 1e-9:
            raise ConfigError(f"interval_s must divide a day (86400 s) into whole intervals; got {step:g}")
        calls = history.calls
        if offered_only:
            calls = calls[history.offered]
        calls = calls[np.isfinite(calls["arrival_s"])]
        if calls.size == 0:
            raise ConfigError(f"history must hold at least one call; {history.source or 'the log'} has none")
        day_no = (calls["date"] - history.origin).astype(np.int64)
        tod = calls["arrival_s"] - day_no * DAY
        slot = np.floor(tod / step + 1e-9).astype(np.int64)
        lo = int(slot.min()) if open_s is None else int(np.floor(float(v.nonneg_array("open_s", open_s)) / step))
        if close_s is None:
            hi = int(slot.max()) + 1
        else:
            hi = int(np.ceil(float(v.positive_array("close_s", close_s)) / step))
        if hi <= lo or hi * step > DAY + 1e-6:
            raise ConfigError(f"close_s must be after open_s and at most 86400; got open_s={open_s}, close_s={close_s}")
        notes = list(history.report.notes)
        inside = (slot >= lo) & (slot < hi)
        if not inside.all():
            notes.append(f"{int((~inside).sum())} arrivals outside {lo * step:g}-{hi * step:g} s of the day left out")
        calls, slot = calls[inside], slot[inside] - lo
        dates, row = np.unique(calls["date"], return_inverse=True)
        shape = (dates.size, hi - lo)
        grid = np.zeros(shape)
        np.add.at(grid, (row, slot), 1.0)
        handled = calls["handled"] & np.isfinite(calls["service_s"]) & (calls["service_s"] > 0)
        talk, n = np.zeros(shape), np.zeros(shape)
        np.add.at(talk, (row[handled], slot[handled]), calls["service_s"][handled])
        np.add.at(n, (row[handled], slot[handled]), 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            aht = np.where(n > 0, talk / n, np.nan)
        return cls(grid, dates, step, lo * step, aht, history.source, tuple(notes))

    # ------------------------------------------------------------------ views
    @property
    def n_days(self) -> int:
        return int(self.counts.shape[0])

    @property
    def n_intervals(self) -> int:
        """Intervals per day."""
        return int(self.counts.shape[1])

    @property
    def weekdays(self) -> np.ndarray:
        """Monday = 0 .. Sunday = 6 of each day."""
        return weekday_of(self.dates)

    @property
    def open_weekdays(self) -> tuple[int, ...]:
        """The weekdays the history holds at all (the center's operating weekdays)."""
        return tuple(int(w) for w in np.unique(self.weekdays))

    @property
    def missing_dates(self) -> np.ndarray:
        """Operating weekdays between the first and the last date that have no row."""
        if self.n_days < 2:
            return np.array([], dtype="datetime64[D]")
        full = np.arange(self.dates[0], self.dates[-1] + np.timedelta64(1, "D"))
        full = full[np.isin(weekday_of(full), self.open_weekdays)]
        return np.setdiff1d(full, self.dates)

    @property
    def daily_totals(self) -> np.ndarray:
        return self.counts.sum(axis=1)

    @property
    def interval_starts_s(self) -> np.ndarray:
        """Start of each interval of a day, seconds since midnight."""
        return self.first_start_s + self.interval_s * np.arange(self.n_intervals)

    @property
    def starts(self) -> np.ndarray:
        """Start of every interval, datetime64[s], shape (n_days, n_intervals)."""
        offs = np.round(self.interval_starts_s).astype("timedelta64[s]")
        return self.dates.astype("datetime64[s]")[:, None] + offs[None, :]

    @property
    def warnings(self) -> tuple[str, ...]:
        """What makes a forecast from this history weak or needs a look: short history, missing days."""
        out = []
        if self.n_days < WEAK_DAYS:
            out.append(
                f"the history holds {self.n_days} days, under three weeks ({WEAK_DAYS}): weekday effects and the "
                "day factor's spread are weakly estimated"
            )
        miss = self.missing_dates
        if miss.size:
            listed = ", ".join(str(d) for d in miss[:8]) + (", ..." if miss.size > 8 else "")
            out.append(
                f"{miss.size} operating days between {self.dates[0]} and {self.dates[-1]} have no data ({listed}); "
                "they are left out, not read as zero calls"
            )
        return tuple(out)

    # ------------------------------------------------------------------ derived histories
    def select(self, mask) -> IntervalHistory:
        """The days where `mask` (bool per day) is True."""
        m = np.asarray(mask, dtype=bool)
        if m.shape != (self.n_days,):
            raise ConfigError(f"mask must hold one bool per day ({self.n_days}); got shape {m.shape}")
        aht = None if self.aht_s is None else self.aht_s[m]
        return IntervalHistory(
            self.counts[m], self.dates[m], self.interval_s, self.first_start_s, aht, self.source, self.notes
        )

    def before(self, date) -> IntervalHistory:
        """The days strictly before `date`."""
        return self.select(self.dates < np.datetime64(date, "D"))

    def aggregate(self, interval_s: float, *, partial: str = "error") -> IntervalHistory:
        """The same history on longer intervals (an integer multiple of ``interval_s``), e.g. 300 s to 900 s.

        New intervals start on multiples of `interval_s` from midnight. A new interval that
        the history covers only in part (the US bank's last 5-minute interval, 21:00, in a
        15-minute grid) is an error with ``partial="error"`` and is left out with ``"drop"``.
        The AHT becomes the call-weighted mean.

        Examples
        --------
        >>> h = IntervalHistory([[1, 2, 3, 4, 5, 6]], ["2024-03-04"], interval_s=300, first_start_s=9 * 3600)
        >>> h.aggregate(900).counts.tolist()
        [[6.0, 15.0]]
        >>> h.aggregate(600).counts.tolist()
        [[3.0, 7.0, 11.0]]
        """
        new = float(v.positive_array("interval_s", interval_s))
        v.choice("partial", partial, PARTIAL)
        ratio = new / self.interval_s
        if ratio < 1 - 1e-9 or abs(ratio - round(ratio)) > 1e-9:
            raise ConfigError(
                f"interval_s must be a whole multiple of the history's interval ({self.interval_s:g} s) to aggregate; "
                f"got {new:g} (a ratio of {ratio:g}); the history cannot be split into shorter intervals"
            )
        r = round(ratio)
        if r == 1:
            return self
        first_slot = self.first_start_s / self.interval_s
        lead = round(first_slot) % r  # fine intervals before interval 0 in its coarse interval
        if abs(first_slot - round(first_slot)) > 1e-9:
            raise ConfigError(
                f"first_start_s must lie on the history's {self.interval_s:g} s grid to aggregate; "
                f"got {self.first_start_s:g}"
            )
        pad_front = lead
        pad_back = (-(lead + self.n_intervals)) % r
        if (pad_front or pad_back) and partial == "error":
            raise ConfigError(
                f"interval_s={new:g} leaves a partial interval: the history's {self.n_intervals} intervals of "
                f"{self.interval_s:g} s from {self.first_start_s:g} s do not fill whole {new:g} s intervals "
                f"({pad_front} missing at the start, {pad_back} at the end); pass partial='drop' to leave them out"
            )
        start = pad_front and r - pad_front
        n_whole = (self.n_intervals - start) // r
        sl = slice(start, start + n_whole * r)
        if n_whole == 0:
            raise ConfigError(f"interval_s={new:g} is longer than the history's day; got {self.n_intervals} intervals")
        c = self.counts[:, sl].reshape(self.n_days, n_whole, r)
        counts = c.sum(axis=2)
        aht = None
        if self.aht_s is not None:
            a = self.aht_s[:, sl].reshape(self.n_days, n_whole, r)
            known = np.isfinite(a)
            w = np.where(known, c, 0.0)
            with np.errstate(invalid="ignore", divide="ignore"):
                aht = np.where(w.sum(2) > 0, np.where(known, a * c, 0.0).sum(2) / w.sum(2), np.nan)
        first = self.first_start_s + start * self.interval_s
        notes = self.notes
        lost = float(self.counts.sum() - counts.sum())
        if lost > 0:  # partial="drop": say what it cost
            notes = (
                *notes,
                f"summed to {new:g} s intervals: {self.n_intervals - n_whole * r} interval(s) of {self.interval_s:g} s "
                f"at the edges of each day fill no whole one and were left out, {lost:.0f} calls "
                f"({lost / max(float(self.counts.sum()), 1.0):.1%} of the history)",
            )
        return IntervalHistory(counts, self.dates, new, first, aht, self.source, notes)

    def to_dict(self) -> dict:
        d = plain_dict(self, ("source", "interval_s", "first_start_s", "n_days", "n_intervals", "notes", "warnings"))
        d["dates"] = [str(x) for x in self.dates]
        d["missing_dates"] = [str(x) for x in self.missing_dates]
        d["counts"] = self.counts.tolist()
        d["aht_s"] = None if self.aht_s is None else [[None if np.isnan(a) else a for a in r] for r in self.aht_s]
        return d
