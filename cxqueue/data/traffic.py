"""Traffic facts from call-level history: redials and the phone lines in use.

- Redials: an identified caller (``customer`` not -1) who calls again within a window
  after the end of a call. Unidentified callers are left out, so the shares are over
  identified calls only.
- Lines in use: the number of calls in the system at each moment (arrival to end), the
  time spent at each level, its maximum and quantiles, per interval. With
  ``until="ivr"`` it counts calls in the IVR only (the bank's ``vru+line`` ports, which
  are freed when the caller leaves the IVR).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.data.fits import _need_history
from cxqueue.data.history import ABANDONED, IVR_ONLY, SERVED, named, why
from cxqueue.exceptions import ConfigError
from cxqueue.scenario._plain import PlainDict

__all__ = ["LinesInUse", "RedialStats", "lines_in_use", "redial_share"]


@dataclass(frozen=True)
class RedialStats(PlainDict):
    """Shares of identified calls followed by another call of the same customer within ``window_s``.

    The delay runs from the end of a call to the next arrival of the same customer
    (0 if the next call came while the first was still on).
    """

    window_s: float
    n_identified: int
    share: float
    n_abandoned: int
    share_after_abandoned: float
    n_served: int
    share_after_served: float
    n_ivr_only: int
    share_after_ivr_only: float
    median_delay_s: float


def redial_share(history, *, window_s: float = 3600.0) -> RedialStats:
    """How often the same customer calls again within `window_s` seconds of a call's end.

    Parameters
    ----------
    history : CallHistory
    window_s : float
        The window in seconds (> 0); default one hour.

    Returns
    -------
    RedialStats
        Overall and by the outcome of the first call; NaN shares where there is no call.

    Raises
    ------
    ConfigError
        If `history` is not a CallHistory or `window_s` is not > 0.

    Examples
    --------
    >>> from cxqueue.data._examples import example_history
    >>> h = example_history("arrival,answer,end,customer_id\\n0,,60,7\\n300,310,400,7\\n500,510,600,0\\n")
    >>> r = redial_share(h, window_s=600)
    >>> r.n_identified, r.share_after_abandoned, r.median_delay_s
    (2, 1.0, 240.0)
    """
    h = _need_history(history)
    window_s = float(v.positive_array("window_s", window_s))
    c = h.calls[h.calls["customer"] >= 0]
    order = np.lexsort((c["arrival_s"], c["customer"]))
    c = c[order]
    again = np.zeros(c.size, dtype=bool)
    delay = np.full(c.size, np.nan)
    if c.size > 1:
        same = c["customer"][1:] == c["customer"][:-1]
        d = np.maximum(c["arrival_s"][1:] - c["end_s"][:-1], 0.0)
        delay[:-1] = np.where(same, d, np.nan)
        again[:-1] = same & (d <= window_s)

    def share(mask):
        n = int(mask.sum())
        return n, (float(again[mask].mean()) if n else math.nan)

    n_ab, s_ab = share(c["outcome"] == ABANDONED)
    n_sv, s_sv = share(c["outcome"] == SERVED)
    n_iv, s_iv = share(c["outcome"] == IVR_ONLY)
    return RedialStats(
        window_s=window_s,
        n_identified=int(c.size),
        share=float(again.mean()) if c.size else math.nan,
        n_abandoned=n_ab,
        share_after_abandoned=s_ab,
        n_served=n_sv,
        share_after_served=s_sv,
        n_ivr_only=n_iv,
        share_after_ivr_only=s_iv,
        median_delay_s=float(np.median(delay[again])) if again.any() else math.nan,
    )


@dataclass(frozen=True, eq=False)
class LinesInUse(PlainDict):
    """Concurrent calls over the history.

    ``seconds_at[k]`` is the time (s) with exactly k calls in the system between the
    first arrival and the last end; ``interval_max``/``interval_mean`` give the maximum
    and the time average per interval of ``interval_s`` from midnight of the origin.
    """

    max_lines: int
    max_at_s: float
    seconds_at: np.ndarray
    interval_s: float
    interval_max: np.ndarray
    interval_mean: np.ndarray

    def quantile(self, q) -> np.ndarray:
        """Time-weighted quantile of the number of calls in the system (smallest k with F(k) >= q)."""
        q = v.fraction_array("q", q)
        cdf = np.cumsum(self.seconds_at) / max(self.seconds_at.sum(), 1e-300)
        return np.searchsorted(cdf, q - 1e-12, side="left").astype(np.int64)

    def share_of_time_above(self, lines: int) -> float:
        """Fraction of the time with more than `lines` calls in the system."""
        lines = v.integer_scalar("lines", lines, minimum=0)
        total = self.seconds_at.sum()
        return float(self.seconds_at[lines + 1 :].sum() / total) if total > 0 else 0.0


def lines_in_use(history, *, interval_s: float = 900.0, until: str = "end") -> LinesInUse:
    """Count the calls in the system at every moment of the history.

    Parameters
    ----------
    history : CallHistory
    interval_s : float
        Length of the intervals for the per-interval maximum and mean (> 0).
    until : {"end", "ivr"}
        A call holds a line from arrival to ``end_s`` (the whole call: trunk lines), or
        only to ``ivr_exit_s`` (IVR ports).

    Returns
    -------
    LinesInUse
        A call that ends when it arrives holds no line; an end equal to another call's
        arrival frees the line first.

    Raises
    ------
    ConfigError
        If `history` is not a CallHistory, `interval_s` is not > 0 or `until` is unknown.

    Examples
    --------
    >>> from cxqueue.data._examples import example_history
    >>> u = lines_in_use(example_history("arrival,answer,end\\n0,0,100\\n50,60,150\\n100,100,200\\n"), interval_s=100)
    >>> u.max_lines, u.seconds_at.tolist(), u.interval_max.tolist(), u.interval_mean.tolist()
    (2, [0.0, 100.0, 100.0], [2, 2], [1.5, 1.5])
    """
    h = _need_history(history)
    interval_s = float(v.positive_array("interval_s", interval_s))
    v.choice("until", until, ("end", "ivr"))
    c = h.calls
    start = np.maximum(c["arrival_s"], 0.0)  # a time before the origin's midnight counts from it
    stop = c["end_s"] if until == "end" else c["ivr_exit_s"]
    use = np.isfinite(start) & np.isfinite(stop) & (stop > start)
    start, stop = start[use], stop[use]
    if start.size == 0:
        raise ConfigError(
            f"{named(h)}history must hold at least one call with an end after its arrival; got none{why(h)}"
        )
    t = np.concatenate((start, stop))
    delta = np.concatenate((np.ones(start.size, np.int64), -np.ones(stop.size, np.int64)))
    order = np.lexsort((delta, t))
    t, delta = t[order], delta[order]
    level = np.cumsum(delta)
    dt = np.diff(t)
    seconds_at = np.bincount(level[:-1], weights=dt, minlength=int(level.max()) + 1)
    imax_event = int(np.argmax(level))
    n_int = max(math.ceil(t[-1] / interval_s), 1)
    k = np.floor(t / interval_s).astype(np.int64)
    interval_max = np.zeros(n_int, dtype=np.int64)
    np.maximum.at(interval_max, np.minimum(k, n_int - 1), level)
    edges = np.arange(n_int + 1) * interval_s
    before = np.searchsorted(t, edges[:-1], side="right") - 1
    carried = np.where(before >= 0, level[np.maximum(before, 0)], 0)
    interval_max = np.maximum(interval_max, carried)
    integral = np.concatenate(([0.0], np.cumsum(level[:-1] * dt)))
    at_edges = np.interp(edges, t, integral, left=0.0, right=integral[-1])
    interval_mean = np.diff(at_edges) / interval_s
    for a in (seconds_at, interval_max, interval_mean):
        a.setflags(write=False)
    return LinesInUse(
        max_lines=int(level[imax_event]),
        max_at_s=float(t[imax_event]),
        seconds_at=seconds_at,
        interval_s=interval_s,
        interval_max=interval_max,
        interval_mean=interval_mean,
    )
