"""Intraday profiles: the share of a day's calls in each interval, per weekday.

The profile of weekday w is the mean over its past days of each day's shares, shrunk by
``SHRINK`` towards the mean shares of all days (on the intervals where weekday w has ever
had calls, so a Friday that closes at 14:00 keeps its empty afternoon), then smoothed
with the weights (1, 4, 1) / 6 over neighbouring intervals of that support. Both steps
trade a little bias for less noise: a weekday has only a few dozen past days.

`expanding_profiles` gives, for each day, the profile from the days before it: the
one-step-ahead profiles that calibrate the forecast's spread.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SHRINK", "expanding_profiles", "weekday_profiles"]

SHRINK = 0.2
KERNEL = np.array([1.0, 4.0, 1.0]) / 6.0


def _shares(counts: np.ndarray) -> np.ndarray:
    tot = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot > 0, counts / np.where(tot > 0, tot, 1.0), 0.0)


def _finish(own: np.ndarray, pooled: np.ndarray, support: np.ndarray) -> np.ndarray:
    """Shrink towards the pooled shares on the support, smooth, and renormalise (rows)."""
    pool = np.where(support, pooled, 0.0)
    psum = pool.sum(axis=-1, keepdims=True)
    pool = np.where(psum > 0, pool / np.where(psum > 0, psum, 1.0), own)
    p = (1 - SHRINK) * own + SHRINK * pool
    sup = support.astype(np.float64)
    pad = [(0, 0)] * (p.ndim - 1) + [(1, 1)]
    pv, sv = np.pad(p * sup, pad), np.pad(sup, pad)
    num = KERNEL[0] * pv[..., :-2] + KERNEL[1] * pv[..., 1:-1] + KERNEL[2] * pv[..., 2:]
    den = KERNEL[0] * sv[..., :-2] + KERNEL[1] * sv[..., 1:-1] + KERNEL[2] * sv[..., 2:]
    with np.errstate(invalid="ignore", divide="ignore"):
        sm = np.where(support & (den > 0), num / np.where(den > 0, den, 1.0), 0.0)
    tot = sm.sum(axis=-1, keepdims=True)
    return np.where(tot > 0, sm / np.where(tot > 0, tot, 1.0), 0.0)


def weekday_profiles(counts: np.ndarray, weekdays: np.ndarray) -> np.ndarray:
    """Profiles of the seven weekdays, shape (7, n_intervals); a weekday without days gets the pooled one."""
    sh = _shares(counts)
    pooled = sh.mean(axis=0)
    own = np.tile(pooled, (7, 1))
    support = np.tile(counts.sum(axis=0) > 0, (7, 1))
    for k in range(7):
        m = weekdays == k
        if m.any():
            own[k] = sh[m].mean(axis=0)
            support[k] = counts[m].sum(axis=0) > 0
    return _finish(own, np.tile(pooled, (7, 1)), support)


def expanding_profiles(counts: np.ndarray, weekdays: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each day index in `rows`, its weekday's profile from the days before it; shape (len(rows), n_intervals).

    A row whose weekday has no earlier day gets the pooled profile of the earlier days.
    """
    sh = _shares(counts)
    m = counts.shape[1]
    pos = (counts > 0).astype(np.float64)
    cum_all = np.vstack([np.zeros(m), np.cumsum(sh, axis=0)])
    cum_pos_all = np.vstack([np.zeros(m), np.cumsum(pos, axis=0)])
    own = np.empty((rows.size, m))
    pooled = np.empty((rows.size, m))
    support = np.empty((rows.size, m), dtype=bool)
    for k in np.unique(weekdays[rows]):
        mk = (weekdays == k).astype(np.float64)
        cum = np.vstack([np.zeros(m), np.cumsum(sh * mk[:, None], axis=0)])
        cpos = np.vstack([np.zeros(m), np.cumsum(pos * mk[:, None], axis=0)])
        cnt = np.concatenate([[0.0], np.cumsum(mk)])
        sel = np.flatnonzero(weekdays[rows] == k)
        r = rows[sel]
        c = cnt[r][:, None]
        pooled[sel] = cum_all[r] / np.maximum(r, 1)[:, None]
        have = c > 0
        own[sel] = np.where(have, cum[r] / np.maximum(c, 1.0), pooled[sel])
        support[sel] = np.where(have, cpos[r] > 0, cum_pos_all[r] > 0)
    return _finish(own, pooled, support)
