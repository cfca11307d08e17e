"""How a replay is judged: per-interval errors, prediction-interval coverage and pooled totals.

`KpiComparison` holds, for one KPI, the observed and simulated values per interval, the
calls-weighted errors (`ErrorStats`) overall, per hour of day and per day, and the totals
pooled as ratios of sums on both sides (see `cxqueue.replay.replay` for the definitions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

from cxqueue.scenario._plain import plain_dict

if TYPE_CHECKING:
    from cxqueue.replay.prepare import _Prepared

__all__ = ["KPIS", "ErrorStats", "KpiComparison"]

KPIS = ("service_level", "asa_s", "abandon_share")
# numerator and denominator counts of each KPI (names of the arrays of `_simulate_reps`)
_PARTS = {
    "service_level": ("hits", "queued"),
    "asa_s": ("wait_sum", "answered"),
    "abandon_share": ("abandoned", "reached"),
}


@dataclass(frozen=True, eq=False)
class ErrorStats:
    """Calls-weighted errors of a KPI, simulated minus observed.

    Fields are floats (over all compared intervals) or arrays of 24 values (by hour of
    day of the interval start; NaN for an hour without calls). ``coverage`` is the
    weighted share of intervals whose observed value lies in the 95 % prediction
    interval of one simulated day; ``noise_mae`` the MAE that a right model would show
    from sampling noise alone (single simulated days against the simulated mean);
    ``weight`` the observed calls behind the numbers.
    """

    mae: float | np.ndarray
    bias: float | np.ndarray
    rmse: float | np.ndarray
    coverage: float | np.ndarray
    noise_mae: float | np.ndarray
    weight: float | np.ndarray
    n_intervals: int | np.ndarray

    def to_dict(self) -> dict:
        return plain_dict(self, nan_to_none=True)


@dataclass(frozen=True, eq=False)
class KpiComparison:
    """One KPI per interval: observed, simulated (mean over replications), errors.

    ``simulated_half_width`` is the 95 % confidence half-width of the simulated mean,
    ``prediction_half_width`` that of one simulated day (see the module docstring);
    ``weight`` the observed calls of the interval (0: not compared). ``total_*`` are the
    pooled values over the compared intervals (ratios of sums, see the module
    docstring; the simulated one is the mean over replications, ``total_half_width``
    its 95 % half-width); ``total_agrees`` is True when the observed total lies in the
    simulated total's 95 % prediction interval.
    """

    name: str
    observed: np.ndarray
    simulated: np.ndarray
    simulated_half_width: np.ndarray
    prediction_half_width: np.ndarray
    weight: np.ndarray
    overall: ErrorStats
    by_hour: ErrorStats
    total_observed: float
    total_simulated: float
    total_half_width: float
    total_prediction_half_width: float

    @property
    def total_agrees(self) -> bool:
        return bool(abs(self.total_simulated - self.total_observed) <= self.total_prediction_half_width)

    def to_dict(self) -> dict:
        return {**plain_dict(self, nan_to_none=True), "total_agrees": self.total_agrees}


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _pooled(counts: dict, name: str, compared: np.ndarray) -> np.ndarray:
    """Per replication: the KPI's numerator summed over the compared intervals over its denominator summed."""
    num, den = _PARTS[name]
    return _ratio(counts[num][:, compared].sum(axis=1), counts[den][:, compared].sum(axis=1))


def _weighted_total(values: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Calls-weighted mean of each row of ``values`` over the columns (NaN values skipped)."""
    ok = np.isfinite(values) & (w > 0)
    ww = np.where(ok, w, 0.0)
    den = ww.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, np.sum(np.where(ok, values, 0.0) * ww, axis=-1) / den, np.nan)


def _stats(err, inside, noise, w, groups=None, n_groups=1) -> ErrorStats:
    """Weighted error statistics per group (by hour), or over everything when ``groups`` is None."""
    ok = np.isfinite(err) & (w > 0)
    ww = np.where(ok, w, 0.0)
    e = np.where(ok, err, 0.0)
    g = np.zeros(err.size, dtype=np.int64) if groups is None else groups

    def by(x):
        return np.bincount(g, weights=x, minlength=n_groups)

    den = by(ww)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = {
            "mae": by(ww * np.abs(e)) / den,
            "bias": by(ww * e) / den,
            "rmse": np.sqrt(by(ww * e * e) / den),
            "coverage": by(ww * np.where(ok, inside, False)) / den,
            "noise_mae": by(ww * np.where(ok & np.isfinite(noise), noise, 0.0)) / den,
        }
    out = {k: np.where(den > 0, x, np.nan) for k, x in out.items()}
    out["weight"], out["n_intervals"] = den, by(ok.astype(np.float64)).astype(np.int64)
    if groups is None:
        out = {k: (int(x[0]) if k == "n_intervals" else float(x[0])) for k, x in out.items()}
    return ErrorStats(**out)


def _compare(name: str, counts: dict, prep: _Prepared, hour: np.ndarray) -> KpiComparison:
    num, den = _PARTS[name]
    reps = _ratio(counts[num], counts[den])  # (R, n): the KPI of each interval in each replication
    observed, w = prep.observed[name], prep.weight[name]
    R = reps.shape[0]
    finite = np.isfinite(reps)
    n = finite.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.nansum(np.where(finite, reps, 0.0), axis=0) / np.maximum(n, 1), np.nan)
        dev = np.where(finite, reps - mean, 0.0)
        sd = np.where(n > 1, np.sqrt(np.sum(dev * dev, axis=0) / np.maximum(n - 1, 1)), np.nan)
        t = stats.t.ppf(0.975, np.maximum(n - 1, 1))
        half = np.where(n > 1, t * sd / np.sqrt(np.maximum(n, 1)), np.nan)
        pred = np.where(n > 1, t * sd * np.sqrt(1.0 + 1.0 / np.maximum(n, 1)), np.nan)
        noise = np.where(n > 0, np.sum(np.abs(dev), axis=0) / np.maximum(n, 1), np.nan)
    w = np.where(np.isfinite(observed) & np.isfinite(mean), w, 0.0)
    err = mean - observed
    inside = np.abs(err) <= np.where(np.isfinite(pred), pred, 0.0) + 1e-12
    totals = _pooled(counts, name, prep.compared)
    # observed: calls-weighted mean of the interval ratios with their own denominators = ratio of sums
    tot_obs = float(_weighted_total(observed, prep.weight[name]))
    tt = float(stats.t.ppf(0.975, R - 1))
    tot_sd = float(np.nanstd(totals, ddof=1))
    return KpiComparison(
        name=name,
        observed=observed,
        simulated=mean,
        simulated_half_width=half,
        prediction_half_width=pred,
        weight=w,
        overall=_stats(err, inside, noise, w),
        by_hour=_stats(err, inside, noise, w, hour, 24),
        total_observed=tot_obs,
        total_simulated=float(np.nanmean(totals)),
        total_half_width=tt * tot_sd / math.sqrt(R),
        total_prediction_half_width=tt * tot_sd * math.sqrt(1.0 + 1.0 / R),
    )
