"""Oracles for the optimize tests, written apart from cxqueue; the benchmarks use them too.

* `erlang_c_sl`: the textbook M/M/c service level (``benchmarks/bench_shifts.py`` builds its
  instance with it);
* `delay_by_phase`: P(wait > 0) per phase of a cycle read from a simulated call log, with a
  confidence interval (the ISA test and ``benchmarks/bench_isa.py`` judge staffing with it).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import poisson

from cxqueue.sim import Outcome


def erlang_c_sl(load: float, agents: np.ndarray, aht_s: float, within_s: float) -> np.ndarray:
    """M/M/c P(wait <= t), written here from the textbook formula (Erlang B via the Poisson law)."""
    n = np.asarray(agents, dtype=float)
    b = poisson.pmf(n, load) / poisson.cdf(n, load)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = n * b / (n - load * (1 - b))
        sl = 1 - c * np.exp(-(n - load) * within_s / aht_s)
    return np.where(n > load, sl, 0.0)


def delay_by_phase(calls: np.ndarray, bins: int, warmup_units: float, unit_s: float):
    """P(wait > 0) of admitted calls per phase bin of the cycle, after the warm-up, and the
    half-width of its 95 % confidence interval over replications.

    Time is in units of ``unit_s`` seconds and the cycle is ``2 pi`` units long. Calls of one
    replication are correlated (they meet the same queue), so the ratio's standard error
    comes from per-replication totals, not from a binomial count.
    """
    admitted = np.isin(calls["outcome"], (int(Outcome.ANSWERED), int(Outcome.ABANDONED), int(Outcome.BACKLOG)))
    c = calls[admitted]
    t = c["arrival_s"] / unit_s
    keep = t >= warmup_units
    c, t = c[keep], t[keep]
    waited = ~((c["outcome"] == int(Outcome.ANSWERED)) & (c["wait_s"] <= 0.0))
    phase = np.minimum((np.mod(t, 2 * math.pi) / (2 * math.pi) * bins).astype(np.int64), bins - 1)
    reps = int(calls["replication"].max()) + 1
    key = c["replication"].astype(np.int64) * bins + phase
    n_rb = np.bincount(key, minlength=reps * bins).reshape(reps, bins).astype(np.float64)
    w_rb = np.bincount(key, weights=waited, minlength=reps * bins).reshape(reps, bins)
    p = w_rb.sum(axis=0) / n_rb.sum(axis=0)
    resid = w_rb - p[None, :] * n_rb
    se = np.sqrt((resid**2).sum(axis=0) * reps / (reps - 1)) / n_rb.sum(axis=0)
    return p, 1.96 * se
