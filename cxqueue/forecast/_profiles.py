"""Intraday profiles: the share of a day's calls in each interval, per weekday.

The profile of weekday w starts from the mean over its n past days of each day's shares
p_w (on the intervals where weekday w has ever had calls, so a Friday that closes at
14:00 keeps its empty afternoon). A weekday has only a few dozen past days, so its mean
is noisy; it is shrunk towards a smooth target t_w, the mean shares of all days on its
support smoothed with the weights (1, 4, 1) / 6 over neighbouring intervals, by the
empirical-Bayes weight

    lambda_w = V_w / (V_w + D_w),   V_w = sum_i var_i / n,   D_w = sum_i (p_wi - t_wi)^2

(V_w: the noise of the mean, from the spread of the shares between days; D_w: how far the
weekday is from the target; James & Stein's rule with one weight per weekday). A history
whose days repeat exactly has V_w = 0 and keeps its own profile.

`expanding_profiles` gives, for each day, the profile from the days before it: the
one-step-ahead profiles that calibrate the forecast's spread.
"""

from __future__ import annotations

import numpy as np

__all__ = ["expanding_profiles", "weekday_profiles"]

KERNEL = np.array([1.0, 4.0, 1.0]) / 6.0


def _shares(counts: np.ndarray) -> np.ndarray:
    tot = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot > 0, counts / np.where(tot > 0, tot, 1.0), 0.0)


def _norm(p: np.ndarray) -> np.ndarray:
    tot = p.sum(axis=-1, keepdims=True)
    return np.where(tot > 0, p / np.where(tot > 0, tot, 1.0), 0.0)


def _smooth(p: np.ndarray, support: np.ndarray) -> np.ndarray:
    """(1, 4, 1) / 6 over neighbours inside the support (normalised convolution), rows renormalised."""
    sup = support.astype(np.float64)
    pad = [(0, 0)] * (p.ndim - 1) + [(1, 1)]
    pv, sv = np.pad(p * sup, pad), np.pad(sup, pad)
    num = KERNEL[0] * pv[..., :-2] + KERNEL[1] * pv[..., 1:-1] + KERNEL[2] * pv[..., 2:]
    den = KERNEL[0] * sv[..., :-2] + KERNEL[1] * sv[..., 1:-1] + KERNEL[2] * sv[..., 2:]
    with np.errstate(invalid="ignore", divide="ignore"):
        return _norm(np.where(support & (den > 0), num / np.where(den > 0, den, 1.0), 0.0))


def _finish(own, sq, n, pooled, support) -> np.ndarray:
    """Shrink the own mean shares (rows) towards the smoothed pooled shares on the support.

    own, sq: mean and mean square of the shares over the n days (n per row).
    """
    target = _smooth(np.where(support, pooled, 0.0), support)
    target = np.where(target.sum(axis=-1, keepdims=True) > 0, target, own)
    nn = np.maximum(n, 1.0)[:, None]
    var_mean = np.maximum(sq - own**2, 0.0) * nn / np.maximum(nn - 1.0, 1.0) / nn
    noise = var_mean.sum(axis=-1)
    dist = ((own - target) ** 2).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        lam = np.where(noise + dist > 0, noise / (noise + dist), 0.0)
    lam = np.where(n > 1, lam, 1.0)[:, None]  # one day: no spread to judge its noise by; take the target
    return _norm(np.where(support, (1 - lam) * own + lam * target, 0.0))


def weekday_profiles(counts: np.ndarray, weekdays: np.ndarray) -> np.ndarray:
    """Profiles of the seven weekdays, shape (7, n_intervals); a weekday without days gets the pooled one."""
    sh = _shares(counts)
    pooled = sh.mean(axis=0)
    own = np.tile(pooled, (7, 1))
    sq = own**2
    n = np.zeros(7)
    support = np.tile(counts.sum(axis=0) > 0, (7, 1))
    for k in range(7):
        m = weekdays == k
        if m.any():
            own[k], sq[k], n[k] = sh[m].mean(axis=0), (sh[m] ** 2).mean(axis=0), m.sum()
            support[k] = counts[m].sum(axis=0) > 0
    return _finish(own, sq, n, np.tile(pooled, (7, 1)), support)


def expanding_profiles(counts: np.ndarray, weekdays: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each day index in `rows`, its weekday's profile from the days before it; shape (len(rows), n_intervals).

    A row whose weekday has no earlier day gets the pooled profile of the earlier days.
    """
    sh = _shares(counts)
    m = counts.shape[1]
    pos = (counts > 0).astype(np.float64)

    def cum(a):
        return np.vstack([np.zeros(m), np.cumsum(a, axis=0)])

    cum_all, cum_pos_all = cum(sh), cum(pos)
    own = np.empty((rows.size, m))
    sq = np.empty((rows.size, m))
    n = np.empty(rows.size)
    pooled = np.empty((rows.size, m))
    support = np.empty((rows.size, m), dtype=bool)
    for k in np.unique(weekdays[rows]):
        mk = (weekdays == k).astype(np.float64)[:, None]
        c1, c2, cp = cum(sh * mk), cum(sh**2 * mk), cum(pos * mk)
        cnt = np.concatenate([[0.0], np.cumsum(mk[:, 0])])
        sel = np.flatnonzero(weekdays[rows] == k)
        r = rows[sel]
        c = cnt[r][:, None]
        pooled[sel] = cum_all[r] / np.maximum(r, 1)[:, None]
        have = c > 0
        own[sel] = np.where(have, c1[r] / np.maximum(c, 1.0), pooled[sel])
        sq[sel] = np.where(have, c2[r] / np.maximum(c, 1.0), pooled[sel] ** 2)
        n[sel] = cnt[r]
        support[sel] = np.where(have, cp[r] > 0, cum_pos_all[r] > 0)
    return _finish(own, sq, n, pooled, support)
