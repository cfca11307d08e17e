"""KPIs of a simulation: per interval and over the horizon, with 95 % confidence intervals.

Each replication gives one value of every KPI per interval (and one over the horizon);
the result reports their mean over replications and the half-width of the Student-t
95 % confidence interval of that mean. Counts are attributed to the interval of the
attempt's arrival; occupancy, lines in use and agents are time averages over the
interval itself.

KPI definitions (per interval, or summed over the intervals of the horizon):

- ``sl_offered`` = answered within ``target.answer_within_s`` / (offered - closed -
  IVR-served): blocked, abandoned and callback calls count as misses.
- ``sl_answered`` = answered within the threshold / answered.
- ``sl_virtual`` = P(virtual wait <= threshold) over callers who queued (see engine.py).
- ``asa_s`` = mean wait of answered calls; ``wait_pXX_s`` = percentiles of that wait,
  read from a histogram (1 s resolution below 2 min, see ``records.WAIT_EDGES_S``).
- ``unresolved`` = attempts still in the IVR, the queue or waiting for a callback at the
  horizon (the backlog, by interval of arrival).
- ``abandon_fraction`` = abandoned / (offered - closed - blocked - IVR-served).
- ``blocking_fraction`` = blocked / (offered - closed).
- ``occupancy`` = busy agent time / present agent time (agents on duty, or more while
  agents whose shift ended finish their call); ``lines_in_use`` and ``agents`` are time
  averages.
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass, fields

import numpy as np
from scipy import special

from cxqueue.sim import records as r

__all__ = [
    "DAY_SAMPLES",
    "FRACTION_KPIS",
    "KPI_NAMES",
    "PERCENTILES",
    "Backlog",
    "Estimate",
    "KPIs",
    "SimulationResult",
    "day_index",
    "day_samples",
    "rep_summary",
    "summarize",
    "summarize_days",
    "wait_percentiles",
]

PERCENTILES = (50, 80, 90, 95)

KPI_NAMES = (
    "offered", "blocked", "closed", "ivr_served", "abandoned", "answered", "callbacks", "callbacks_reached",
    "callbacks_failed", "unresolved", "sl_offered", "sl_answered", "sl_virtual", "asa_s", "abandon_fraction",
    "blocking_fraction", "wait_p50_s", "wait_p80_s", "wait_p90_s", "wait_p95_s", "occupancy", "lines_in_use",
    "agents",
)  # fmt: skip

#: the KPIs that are fractions: their interval bounds stay in [0, 1] (the others, counts and times, >= 0)
FRACTION_KPIS = ("sl_offered", "sl_answered", "sl_virtual", "abandon_fraction", "blocking_fraction", "occupancy")

_COUNT_COLUMNS = {
    "offered": r.C_OFFERED,
    "blocked": r.C_BLOCKED,
    "closed": r.C_CLOSED,
    "ivr_served": r.C_IVR,
    "abandoned": r.C_ABANDONED,
    "answered": r.C_ANSWERED,
    "callbacks": r.C_CALLBACKS,
    "callbacks_reached": r.C_CB_REACHED,
    "callbacks_failed": r.C_CB_FAILED,
    "unresolved": r.C_BACKLOG,
}


@dataclass(frozen=True, eq=False)
class Estimate:
    """Mean over replications and the half-width of its 95 % confidence interval.

    ``half_width`` is NaN with a single replication (no spread to estimate). ``low`` and
    ``high`` are the interval's bounds within ``limits``, the values the quantity can take:
    [0, 1] for a fraction, [0, inf) for a count or a time (`summarize` sets them), so a
    service level of 0.99 ± 0.04 reads 0.95 .. 1, not 1.03; ``mean`` and ``half_width``
    are the statistics as computed.

    >>> e = Estimate(np.array(0.8), np.array(0.01))
    >>> e.low, e.high
    (0.79, 0.81)
    >>> sl = Estimate(np.array([0.99, 0.5]), np.array([0.04, 0.04]), limits=(0.0, 1.0))
    >>> sl.low, sl.high
    ([0.95, 0.46], [1.0, 0.54])
    """

    mean: np.ndarray
    half_width: np.ndarray
    limits: tuple[float, float] = (-math.inf, math.inf)

    @property
    def low(self):
        return _plain(np.clip(self.mean - self.half_width, *self.limits))

    @property
    def high(self):
        return _plain(np.clip(self.mean + self.half_width, *self.limits))

    def to_dict(self) -> dict:
        return {"mean": _plain(self.mean), "half_width": _plain(self.half_width)}


def _plain(x):
    x = np.asarray(x, dtype=np.float64)
    return float(x) if x.ndim == 0 else x.tolist()


@dataclass(frozen=True, eq=False)
class KPIs:
    """One `Estimate` per KPI (arrays per interval, or 0-d over the horizon)."""

    offered: Estimate
    blocked: Estimate
    closed: Estimate
    ivr_served: Estimate
    abandoned: Estimate
    answered: Estimate
    callbacks: Estimate
    callbacks_reached: Estimate
    callbacks_failed: Estimate
    unresolved: Estimate
    sl_offered: Estimate
    sl_answered: Estimate
    sl_virtual: Estimate
    asa_s: Estimate
    abandon_fraction: Estimate
    blocking_fraction: Estimate
    wait_p50_s: Estimate
    wait_p80_s: Estimate
    wait_p90_s: Estimate
    wait_p95_s: Estimate
    occupancy: Estimate
    lines_in_use: Estimate
    agents: Estimate

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name).to_dict() for f in fields(self)}


@dataclass(frozen=True, eq=False)
class Backlog:
    """What is still in the system at the horizon (mean and CI over replications)."""

    in_ivr: Estimate
    in_queue: Estimate
    callbacks_pending: Estimate
    in_service: Estimate
    redials_pending: Estimate

    @property
    def unanswered(self) -> float:
        """Mean number of callers not yet answered (IVR, queue and callbacks)."""
        return float(self.in_ivr.mean + self.in_queue.mean + self.callbacks_pending.mean)

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name).to_dict() for f in fields(self)}


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """What `cxqueue.sim.simulate` returns.

    ``intervals`` holds the per-interval KPIs (arrays of one value per forecast
    interval), ``totals`` the same KPIs over the horizon (after ``warmup_s``) and
    ``days`` over each calendar day the horizon touches (``day_starts_s``: where each
    starts, on the forecast's clock; a day's counts are summed before its ratios are
    taken, so a day's service level is not an average of interval levels; ``day_samples``
    keeps each replication's day values of `DAY_SAMPLES`, shape (replications, days): the
    spread of days, e.g. the share of days that meet a target);
    attribute access falls through to ``intervals``: ``result.sl_offered.mean`` is the
    per-interval service level. ``calls`` is the call log (`records.CALL_DTYPE`, all
    replications) when ``record_calls`` was set, else None. Times are seconds;
    ``interval_starts_s`` is on the forecast's clock (seconds since Monday 00:00).
    """

    intervals: KPIs
    totals: KPIs
    backlog: Backlog
    interval_starts_s: np.ndarray
    interval_s: float
    replications: int
    engine: str
    warmup_s: float
    calls: np.ndarray | None = None
    days: KPIs | None = None
    day_starts_s: np.ndarray | None = None
    day_samples: dict | None = None

    def __getattr__(self, name):
        intervals = self.__dict__.get("intervals")
        if name.startswith("_") or intervals is None or not hasattr(intervals, name):
            raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")
        return getattr(intervals, name)

    def to_dict(self) -> dict:
        d = {
            "engine": self.engine,
            "replications": self.replications,
            "warmup_s": self.warmup_s,
            "interval_s": self.interval_s,
            "interval_starts_s": self.interval_starts_s.tolist(),
            "intervals": self.intervals.to_dict(),
            "totals": self.totals.to_dict(),
            "backlog": self.backlog.to_dict(),
        }
        if self.days is not None:
            d["days"] = self.days.to_dict()
            d["day_starts_s"] = self.day_starts_s.tolist()
        if self.calls is not None:
            d["calls"] = {name: self.calls[name].tolist() for name in self.calls.dtype.names}
        return d


def _ratio(num, den):
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def wait_percentiles(hist: np.ndarray, q) -> np.ndarray:
    """Percentile(s) ``q`` (0-100) of the waits in each row of a `WAIT_EDGES_S` histogram,
    interpolated linearly inside the bin; NaN for an empty row.

    Returns shape (rows,) for a scalar ``q``, else (len(q), rows).

    >>> h = np.zeros((1, r.WAIT_EDGES_S.size), dtype=np.int64)
    >>> h[0, 0], h[0, 10] = 50, 50  # half at 0 s, half in (9, 10] s
    >>> float(wait_percentiles(h, 75)[0])
    9.5
    """
    hist = np.atleast_2d(hist)
    qs = np.atleast_1d(np.asarray(q, dtype=np.float64))
    cum = np.cumsum(hist, axis=1)
    n = cum[:, -1]
    rows = np.arange(hist.shape[0])[None, :]
    edges = r.WAIT_EDGES_S
    target = qs[:, None] / 100.0 * n[None, :]  # (len(q), rows)
    k = np.argmax(cum[None, :, :] >= (target - 1e-9)[:, :, None], axis=2)
    prev = np.where(k > 0, cum[rows, k - 1], 0)
    lo = np.where(k > 0, edges[np.maximum(k - 1, 0)], 0.0)
    hi = edges[k]
    cnt = hist[rows, k]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(cnt > 0, (target - prev) / np.maximum(cnt, 1), 0.0)
        value = np.where(np.isinf(hi), np.inf, lo + frac * (hi - lo))
    out = np.where(n[None, :] > 0, np.where(k == 0, 0.0, value), np.nan)
    return out[0] if np.ndim(q) == 0 else out


def _kpis(counts: np.ndarray, tsum: np.ndarray, hist: np.ndarray, interval_s, n_intervals) -> dict:
    """KPI values of one replication from counters, one row per interval (or per sum of
    ``n_intervals`` intervals)."""
    c = {name: counts[..., col] for name, col in _COUNT_COLUMNS.items()}
    out = dict(c)
    queued = c["offered"] - c["closed"] - c["ivr_served"]
    out["sl_offered"] = _ratio(counts[..., r.C_HITS], queued)
    out["sl_answered"] = _ratio(counts[..., r.C_HITS], c["answered"])
    out["sl_virtual"] = _ratio(counts[..., r.C_VHITS], counts[..., r.C_VOBS])
    out["asa_s"] = _ratio(counts[..., r.C_WAIT_SUM], c["answered"])
    out["abandon_fraction"] = _ratio(c["abandoned"], queued - c["blocked"])
    out["blocking_fraction"] = _ratio(c["blocked"], c["offered"] - c["closed"])
    p = wait_percentiles(hist, PERCENTILES)
    for j, q in enumerate(PERCENTILES):
        out[f"wait_p{q}_s"] = p[j]
    out["occupancy"] = _ratio(tsum[..., r.T_BUSY], tsum[..., r.T_PRESENT])
    out["lines_in_use"] = tsum[..., r.T_LINES] / (interval_s * n_intervals)
    out["agents"] = tsum[..., r.T_PRESENT] / (interval_s * n_intervals)
    return out


@functools.lru_cache(maxsize=256)
def _t975(dof: int) -> float:
    """The 97.5 % quantile of Student's t with ``dof`` degrees of freedom (scipy.special,
    not scipy.stats: the same value, and scipy.stats takes a second to import).

    >>> round(_t975(9), 6)
    2.262157
    """
    return float(special.stdtrit(dof, 0.975))


def _estimate(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and 95 % half-width over axis 0 (replications), ignoring NaN."""
    values = np.asarray(values, dtype=np.float64)
    reps = values.shape[0]
    if np.isfinite(values).all():
        mean = values.mean(axis=0)
        if reps < 2:
            return mean, np.full(mean.shape, np.nan)
        return mean, _t975(reps - 1) * values.std(axis=0, ddof=1) / np.sqrt(reps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        n = np.sum(~np.isnan(values), axis=0)
        mean = np.nanmean(values, axis=0)
        finite = np.where(np.isfinite(values), values, np.nan)
        sd = np.nanstd(finite, axis=0, ddof=1) if reps > 1 else np.full(mean.shape, np.nan)
        dof, inverse = np.unique(np.maximum(n - 1, 1), return_inverse=True)
        tq = np.array([_t975(int(d)) for d in dof])[inverse].reshape(n.shape)
        half = np.where(n > 1, tq * sd / np.sqrt(np.maximum(n, 1)), np.nan)
    return np.asarray(mean, dtype=np.float64), np.asarray(half, dtype=np.float64)


def day_index(interval_starts_s, interval_s: float) -> tuple[np.ndarray, np.ndarray]:
    """The calendar day (0, 1, ... from the first interval's day) of each interval, and the
    start of each day on the forecast's clock.

    >>> idx, starts = day_index(np.arange(4) * 43200.0 + 43200.0, 43200.0)
    >>> idx.tolist(), starts.tolist()
    ([0, 1, 1, 2], [0.0, 86400.0, 172800.0])
    """
    starts = np.asarray(interval_starts_s, dtype=np.float64)
    day = np.floor((starts + 1e-6) / 86400.0)
    first = day[0] if day.size else 0.0
    idx = (day - first).astype(np.int64)
    n = int(idx[-1]) + 1 if idx.size else 0
    return idx, (first + np.arange(n)) * 86400.0


def summarize(reps: list[dict]) -> tuple[KPIs, KPIs, Backlog]:
    """Turn per-replication summaries (from `rep_summary`) into interval, total and backlog estimates.

    >>> reps = [{"intervals": dict.fromkeys(KPI_NAMES, np.array([v])), "totals": dict.fromkeys(KPI_NAMES, v),
    ...          "backlog": np.zeros(5)} for v in (1.0, 3.0)]
    >>> per, tot, _ = summarize(reps)
    >>> float(tot.offered.mean), round(float(tot.offered.half_width), 2)
    (2.0, 12.71)
    """
    names = KPI_NAMES
    per_m, per_h = _estimate(np.stack([np.stack([rep["intervals"][k] for k in names]) for rep in reps]))
    tot_m, tot_h = _estimate(np.array([[rep["totals"][k] for k in names] for rep in reps]))
    lim = {k: (0.0, 1.0) if k in FRACTION_KPIS else (0.0, math.inf) for k in names}
    intervals = KPIs(**{k: Estimate(per_m[i], per_h[i], lim[k]) for i, k in enumerate(names)})
    totals = KPIs(**{k: Estimate(tot_m[i], tot_h[i], lim[k]) for i, k in enumerate(names)})
    b_m, b_h = _estimate(np.stack([rep["backlog"] for rep in reps]).astype(np.float64))
    backlog = Backlog(*(Estimate(b_m[j], b_h[j], (0.0, math.inf)) for j in range(len(r.BACKLOG_NAMES))))
    return intervals, totals, backlog


#: the day KPIs `SimulationResult.day_samples` keeps per replication
DAY_SAMPLES = ("offered", "sl_offered", "sl_answered", "sl_virtual", "asa_s", "abandon_fraction")


def day_samples(reps: list[dict]) -> dict:
    """``{kpi: (replications, days) array}`` over `DAY_SAMPLES`, from `rep_summary` outputs."""
    return {k: np.stack([np.asarray(rep["days"][k], dtype=np.float64) for rep in reps]) for k in DAY_SAMPLES}


def summarize_days(reps: list[dict]) -> KPIs:
    """Per-day estimates from `rep_summary` outputs made with ``day``."""
    day_m, day_h = _estimate(np.stack([np.stack([rep["days"][k] for k in KPI_NAMES]) for rep in reps]))
    lim = {k: (0.0, 1.0) if k in FRACTION_KPIS else (0.0, math.inf) for k in KPI_NAMES}
    return KPIs(**{k: Estimate(day_m[i], day_h[i], lim[k]) for i, k in enumerate(KPI_NAMES)})


def rep_summary(out: r.RepOutput, *, interval_s: float, keep: np.ndarray, day: np.ndarray | None = None) -> dict:
    """Reduce one replication's raw output to its per-interval and total KPI values.

    ``keep`` marks the intervals that count in the totals (after the warm-up); ``day``
    (from `day_index`), if given, adds ``days``: the KPIs of each day's summed counters.

    >>> counts = np.zeros((2, r.N_COUNTS))
    >>> counts[:, r.C_OFFERED], counts[:, r.C_ANSWERED], counts[:, r.C_HITS] = 10, 10, [8, 6]
    >>> out = r.RepOutput(counts, np.ones((2, 3)), np.zeros((2, r.WAIT_EDGES_S.size), np.int64), np.zeros(5), None)
    >>> s = rep_summary(out, interval_s=900.0, keep=np.array([True, True]))
    >>> s["intervals"]["sl_offered"].tolist(), s["totals"]["sl_offered"]
    ([0.8, 0.6], 0.7)
    """
    # one pass over the intervals plus one extra row holding the sums over `keep`
    counts = np.vstack([out.counts, out.counts[keep].sum(axis=0)])
    tsum = np.vstack([out.time_s, out.time_s[keep].sum(axis=0)])
    hist = np.vstack([out.wait_hist, out.wait_hist[keep].sum(axis=0)])
    span = np.ones(counts.shape[0])
    span[-1] = max(int(keep.sum()), 1)
    both = _kpis(counts, tsum, hist, interval_s, span)
    per = {k: v[:-1] for k, v in both.items()}
    tot = {k: float(v[-1]) for k, v in both.items()}
    res = {"intervals": per, "totals": tot, "backlog": out.backlog}
    if day is not None:
        n = int(day.max(initial=-1)) + 1
        sums = []
        for a in (out.counts, out.time_s, out.wait_hist):
            s = np.zeros((n, a.shape[1]), dtype=a.dtype)
            np.add.at(s, day, a)
            sums.append(s)
        res["days"] = _kpis(*sums, interval_s, np.maximum(np.bincount(day, minlength=n), 1))
    return res
