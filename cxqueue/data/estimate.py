"""From history to a Forecast and to the KPIs the center actually delivered, per interval.

``by="weekday"`` gives one week from Monday 00:00 (``7 * 86400 / interval_s`` intervals):
the mean calls of each weekday-interval over the days observed for that weekday (a
weekday never observed gets zero calls). ``by="date"`` keeps the timeline: one interval
after another from midnight of the first date to the end of the last, with the calls
that actually came (``Forecast.start_s`` is then the first date's weekday times 86400).

Calls are the calls *offered to agents* (served or abandoned); callers who left in the
IVR are not in them (`fit_ivr` gives their share). AHT is the mean talk time of handled
calls in the interval when it has at least ``min_calls`` of them; otherwise it falls back
to the same time of day pooled over the weekdays (or dates) with enough calls, then to
the overall mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.data.history import ABANDONED, SERVED, CallHistory, IntervalCounts, named, weekday_of, why
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import Forecast
from cxqueue.scenario._plain import plain_dict
from cxqueue.units import DAY

__all__ = ["ObservedKPIs", "estimate_forecast", "observed_kpis"]

BY = ("weekday", "date")


def _interval_iv(interval_s) -> float:
    i = float(v.positive_array("interval_s", interval_s))
    if i < 60.0:  # also keeps the tables a size the machine holds (1e-9 s would ask for petabytes)
        raise ConfigError(f"interval_s must be at least 60 s (one minute); got {interval_s!r}")
    if abs(DAY / i - round(DAY / i)) > 1e-9:
        raise ConfigError(f"interval_s must divide a day (86400 s) evenly; got {interval_s!r}")
    return i


def _history_iv(history):
    if not isinstance(history, CallHistory | IntervalCounts):
        raise ConfigError(
            f"history must be a CallHistory or IntervalCounts (see cxqueue.data.read_history); "
            f"got {type(history).__name__}"
        )
    if isinstance(history, CallHistory) and history.n_calls == 0:
        raise ConfigError(f"{named(history)}history must hold at least one call; got none{why(history)}")
    if isinstance(history, IntervalCounts) and history.n_intervals == 0:
        raise ConfigError(f"{named(history)}history must hold at least one interval; got none{why(history)}")
    return history


class _Grid:
    """Maps times (seconds since the origin's midnight) to forecast bins."""

    def __init__(self, origin, day_index: np.ndarray, interval_s: float, by: str):
        self.by, self.interval_s = by, interval_s
        self.per_day = round(DAY / interval_s)
        self.origin_wd = int(weekday_of(origin))
        days = np.unique(day_index)
        self.last_day = int(days.max())
        self.ndays_wd = np.bincount((days + self.origin_wd) % 7, minlength=7)
        if by == "weekday":
            self.n, self.start_s = 7 * self.per_day, 0.0
            self.days_per_bin = np.repeat(self.ndays_wd, self.per_day).astype(np.float64)
        else:
            self.n, self.start_s = (self.last_day + 1) * self.per_day, self.origin_wd * DAY
            observed = np.zeros(self.last_day + 1)
            observed[days] = 1.0
            self.days_per_bin = np.repeat(observed, self.per_day)

    def abs_bin(self, t_s) -> np.ndarray:
        """Interval index on the timeline from the origin's midnight."""
        k = np.floor(np.asarray(t_s, dtype=np.float64) / self.interval_s).astype(np.int64)
        return np.clip(k, 0, (self.last_day + 1) * self.per_day - 1)

    def bin_of_abs(self, k: np.ndarray) -> np.ndarray:
        if self.by == "date":
            return k
        day, slot = np.divmod(k, self.per_day)
        return ((day + self.origin_wd) % 7) * self.per_day + slot

    def bin(self, t_s) -> np.ndarray:
        return self.bin_of_abs(self.abs_bin(t_s))

    def count(self, bins, weights=None) -> np.ndarray:
        return np.bincount(bins, weights=weights, minlength=self.n).astype(np.float64)

    def per_day_mean(self, totals) -> np.ndarray:
        """Totals per bin divided by the days observed for it (0 where none)."""
        d = self.days_per_bin
        return np.divide(totals, d, out=np.zeros(self.n), where=d > 0)

    def slot(self, bins) -> np.ndarray:
        return np.asarray(bins) % self.per_day


def _grid_for_calls(h: CallHistory, interval_s: float, by: str) -> _Grid:
    day = np.floor(np.maximum(h.calls["arrival_s"], 0.0) / DAY).astype(np.int64)
    return _Grid(h.origin, day, interval_s, by)


def _aht(h: CallHistory, grid: _Grid, bins, service, min_calls: int, aht_s) -> np.ndarray:
    """AHT per bin with fallback to the time of day pooled over days, then the overall mean."""
    if service.size == 0:
        if aht_s is None:
            raise ConfigError(
                f"{named(h)}history has no handle times; pass aht_s=<mean handle time in seconds>{why(h)}"
            )
        return np.full(grid.n, float(v.positive_array("aht_s", aht_s)))
    n = grid.count(bins)
    s = grid.count(bins, service)
    slot = grid.slot(np.arange(grid.n))
    n_slot = np.bincount(grid.slot(bins), minlength=grid.per_day).astype(np.float64)
    s_slot = np.bincount(grid.slot(bins), weights=service, minlength=grid.per_day)
    overall = float(service.mean())
    pooled = np.where(n_slot >= min_calls, s_slot / np.maximum(n_slot, 1), overall)
    return np.where(n >= min_calls, s / np.maximum(n, 1), pooled[slot])


def estimate_forecast(
    history,
    *,
    interval_s: float = 900.0,
    by: str = "weekday",
    min_calls: int = 20,
    aht_s: float | None = None,
) -> Forecast:
    """Calls and AHT per interval from call-level history or interval counts.

    Parameters
    ----------
    history : CallHistory or IntervalCounts
        From `read_bank_log`, `read_call_csv`, `read_interval_csv` or `read_history`.
    interval_s : float
        Forecast interval in seconds; must divide a day, and for IntervalCounts be a
        multiple of the file's interval.
    by : {"weekday", "date"}
        Mean week from Monday 00:00, or the observed timeline (see the module docstring).
    min_calls : int
        Handled calls an interval needs for its own AHT (fewer: fall back).
    aht_s : float, optional
        AHT in seconds where the history has none (interval counts without AHT).

    Returns
    -------
    Forecast
        ``calls`` per interval (offered to agents) and ``aht_s``.

    Raises
    ------
    ConfigError
        For a bad `interval_s`, `by` or `min_calls`, an empty history, or a history
        without handle times and no `aht_s`.

    Examples
    --------
    >>> from cxqueue.data._examples import example_history
    >>> h = example_history("arrival,answer,end\\n2024-03-04 09:00,2024-03-04 09:00:10,2024-03-04 09:03:10\\n"
    ...                     "2024-03-11 09:05,,2024-03-11 09:06\\n")
    >>> f = estimate_forecast(h, min_calls=1)
    >>> f.n_intervals, float(f.calls[36]), float(f.aht_s[36]), float(f.calls.sum())
    (672, 1.0, 180.0, 1.0)
    """
    h = _history_iv(history)
    interval_s = _interval_iv(interval_s)
    v.choice("by", by, BY)
    min_calls = v.integer_scalar("min_calls", min_calls, minimum=1)
    if isinstance(h, IntervalCounts):
        return _forecast_from_counts(h, interval_s, by, min_calls, aht_s)
    grid = _grid_for_calls(h, interval_s, by)
    c = h.calls
    offered = h.offered
    calls = grid.count(grid.bin(c["arrival_s"][offered]))
    calls = grid.per_day_mean(calls) if by == "weekday" else calls
    handled = c["handled"] & np.isfinite(c["service_s"])
    aht = _aht(h, grid, grid.bin(c["arrival_s"][handled]), c["service_s"][handled], min_calls, aht_s)
    return Forecast(calls=calls, aht_s=aht, interval_s=interval_s, start_s=grid.start_s)


def _forecast_from_counts(h: IntervalCounts, interval_s, by, min_calls, aht_s) -> Forecast:
    ratio = interval_s / h.interval_s
    if ratio < 1 - 1e-9 or abs(ratio - round(ratio)) > 1e-9:
        raise ConfigError(
            f"{named(h)}interval_s must be a multiple of the file's interval ({h.interval_s:g} s); got {interval_s:g}"
        )
    origin = h.start.min().astype("datetime64[D]")
    t = (h.start - np.datetime64(origin, "s")).astype(np.int64).astype(np.float64)
    grid = _Grid(origin, np.floor(t / DAY).astype(np.int64), interval_s, by)
    bins = grid.bin(t)
    calls = grid.count(bins, h.calls)
    calls = grid.per_day_mean(calls) if by == "weekday" else calls
    known = np.isfinite(h.aht_s) & (h.calls > 0)
    if known.any():
        # weight each interval's AHT by its calls: expand to (bin, aht) pairs with weights
        n = grid.count(bins[known], h.calls[known])
        s = grid.count(bins[known], h.calls[known] * h.aht_s[known])
        overall = float(s.sum() / n.sum())
        aht = np.where(n >= min_calls, s / np.maximum(n, 1e-300), overall)
    else:
        if aht_s is None:
            where = " (its header on line 1 names no AHT column)" if h.source else ""
            raise ConfigError(f"{named(h)}history has no AHT column; pass aht_s=<mean handle time in seconds>{where}")
        aht = np.full(grid.n, float(v.positive_array("aht_s", aht_s)))
    return Forecast(calls=calls, aht_s=aht, interval_s=interval_s, start_s=grid.start_s)


@dataclass(frozen=True, eq=False)
class ObservedKPIs:
    """What the center delivered per interval, on the same grid as `estimate_forecast`.

    Counts (``offered``, ``served``, ``abandoned``) are means per observed day for
    ``by="weekday"`` and actual counts for ``by="date"``. ``service_level`` is the
    fraction of offered calls answered within ``answer_within_s`` (abandoned calls
    count as misses), ``asa_s`` the mean wait of served calls, ``abandon_share`` the
    abandoned fraction of offered calls (NaN where nothing was offered). ``agents`` is
    the number of distinct agents who served a call during the interval,
    ``staffed_agents`` the agents on duty as far as the log shows (each agent from a call's
    start to the end of the last call that followed with idle gaps under ``max_idle_s``:
    the staffing to replay), and ``busy_agents`` the agent-seconds of service in the
    interval over ``interval_s`` (all per day for ``by="weekday"``).
    Calls are assigned to the interval of their arrival.
    """

    interval_s: float
    start_s: float
    by: str
    answer_within_s: float
    offered: np.ndarray
    served: np.ndarray
    abandoned: np.ndarray
    service_level: np.ndarray
    asa_s: np.ndarray
    abandon_share: np.ndarray
    agents: np.ndarray
    staffed_agents: np.ndarray
    busy_agents: np.ndarray
    days: np.ndarray

    @property
    def n_intervals(self) -> int:
        return int(self.offered.size)

    def to_dict(self) -> dict:
        return plain_dict(self, nan_to_none=True)


def _spread(grid: _Grid, s0, s1, srv, n_servers: int):
    """(distinct agents, agent-seconds) per absolute interval of spans [s0, s1) worked by `srv`."""
    n_abs = (grid.last_day + 1) * grid.per_day
    k0 = np.floor(s0 / grid.interval_s).astype(np.int64)
    k1 = np.floor(np.maximum(s1 - 1e-9, s0) / grid.interval_s).astype(np.int64)
    span = k1 - k0 + 1
    rep = np.repeat(np.arange(s0.size), span)
    k = k0[rep] + (np.arange(rep.size) - np.repeat(np.cumsum(span) - span, span))
    lo = np.maximum(s0[rep], k * grid.interval_s)
    hi = np.minimum(s1[rep], (k + 1) * grid.interval_s)
    inside = k < n_abs
    k, lo, hi, srv_k = k[inside], lo[inside], hi[inside], srv[rep][inside]
    seconds = np.bincount(k, weights=hi - lo, minlength=n_abs)
    width = max(n_servers, 1)
    pairs = np.unique(k * width + srv_k)
    agents = np.bincount(pairs // width, minlength=n_abs).astype(np.float64)
    return agents, seconds


def _services(c):
    m = c["handled"] & (c["server"] >= 0) & np.isfinite(c["answer_s"])
    s0 = np.maximum(c["answer_s"][m], 0.0)
    return s0, np.maximum(c["service_end_s"][m], s0), c["server"][m].astype(np.int64)


def _sessions(s0, s1, srv, max_idle_s: float):
    """Merge each agent's services into sessions: a gap over `max_idle_s` starts a new one."""
    if s0.size == 0:
        return s0, s1, srv
    order = np.lexsort((s0, srv))
    s0, s1, srv = s0[order], s1[order], srv[order]
    new = np.ones(s0.size, dtype=bool)
    new[1:] = (srv[1:] != srv[:-1]) | (s0[1:] - s1[:-1] > max_idle_s)
    first = np.flatnonzero(new)
    return s0[first], np.maximum.reduceat(s1, first), srv[first]


def observed_kpis(
    history,
    *,
    interval_s: float = 900.0,
    by: str = "weekday",
    answer_within_s: float = 20.0,
    max_idle_s: float = 1800.0,
) -> ObservedKPIs:
    """Service level, ASA, abandonment and agents at work per interval, as the log shows them.

    Parameters
    ----------
    history : CallHistory
    interval_s : float
        Interval length in seconds (must divide a day).
    by : {"weekday", "date"}
        The same grid as `estimate_forecast`.
    answer_within_s : float
        Threshold of the service level in seconds (>= 0).
    max_idle_s : float
        An agent counts as staffed from the start of a call until the end of a later call
        that starts less than this many seconds (> 0) after the previous one ended.

    Returns
    -------
    ObservedKPIs

    Raises
    ------
    ConfigError
        For interval counts (they hold no waits), an empty history or bad parameters.

    Examples
    --------
    >>> from cxqueue.data._examples import example_history
    >>> k = observed_kpis(example_history(), by="date")
    >>> float(k.service_level[0]), float(k.asa_s[0]), round(float(k.abandon_share[0]), 4), float(k.agents[0])
    (0.3333333333333333, 25.0, 0.3333, 2.0)
    """
    h = _history_iv(history)
    if not isinstance(h, CallHistory):
        raise ConfigError("history must be a CallHistory for observed KPIs; interval counts hold no waits")
    interval_s = _interval_iv(interval_s)
    v.choice("by", by, BY)
    t = float(v.nonneg_array("answer_within_s", answer_within_s))
    max_idle_s = float(v.positive_array("max_idle_s", max_idle_s))
    grid = _grid_for_calls(h, interval_s, by)
    c = h.calls
    b = grid.bin(c["arrival_s"])
    served = c["outcome"] == SERVED
    abandoned = c["outcome"] == ABANDONED
    wait = c["wait_s"]
    n_served = grid.count(b[served])
    n_ab = grid.count(b[abandoned])
    offered = n_served + n_ab
    known = served & np.isfinite(wait)
    within = grid.count(b[known & (wait <= t)])
    wait_sum = grid.count(b[known], wait[known])
    n_known = grid.count(b[known])
    s0, s1, srv = _services(c)
    agents_abs, busy_abs = _spread(grid, s0, s1, srv, len(h.servers))
    staffed_abs, _ = _spread(grid, *_sessions(s0, s1, srv, max_idle_s), len(h.servers))
    to_bin = grid.bin_of_abs(np.arange(agents_abs.size))
    agents = grid.count(to_bin, agents_abs)
    staffed = grid.count(to_bin, staffed_abs)
    busy = grid.count(to_bin, busy_abs) / interval_s
    with np.errstate(invalid="ignore", divide="ignore"):
        sl = np.where(offered > 0, within / offered, np.nan)
        asa = np.where(n_known > 0, wait_sum / n_known, np.nan)
        ab = np.where(offered > 0, n_ab / offered, np.nan)
    mean = grid.per_day_mean if by == "weekday" else (lambda x: x)
    arrays = {
        "offered": mean(offered), "served": mean(n_served), "abandoned": mean(n_ab),
        "service_level": sl, "asa_s": asa, "abandon_share": ab,
        "agents": mean(agents), "staffed_agents": mean(staffed), "busy_agents": mean(busy),
        "days": grid.days_per_bin.copy(),
    }  # fmt: skip
    for a in arrays.values():
        a.setflags(write=False)
    return ObservedKPIs(interval_s=interval_s, start_s=grid.start_s, by=by, answer_within_s=t, **arrays)
