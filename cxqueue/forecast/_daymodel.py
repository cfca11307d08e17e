"""The day-volume model: log daily total = weekday effect + special-day effect + local level + AR(1) deviation.

For day t with weekday w(t), special-day label l(t) and log total y_t = log(T_t + 1):

    u_t = y_t - a[w(t)] - s[l(t)]                 the day's level with the calendar taken out
    L_{t+1} = L_t + (1 - (1 - alpha)^g_t) (u_t - L_t)   an exponentially weighted local level
    y_hat_t = a[w(t)] + s[l(t)] + L_t + phi^g_t (u_{t-1} - L_t)

where g_t counts the operating days from the day before t in the history to day t (1 for
consecutive days, 2 after a holiday). The level forgets at a rate alpha per operating day,
so after a gap of months it starts again from the first day back; a busy yesterday
carries into today (the day-to-day correlation of the level that Weinberg, Brown & Stroud
2007 and Shen & Huang 2008 use) and fades over a gap. The
weekday effects and the special effects are means of y - L over their days (a special
effect is shrunk towards 0 by n / (n + 1) for n past days with the label); alpha is chosen
from a grid by the one-step squared error, phi by least squares on consecutive days.

This is a two-parameter model written for call volumes (weekday effects, holidays,
reopening days), not a general-purpose time-series method; it runs in one pass over the
days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MAX_GAP_DAYS", "DayModel", "fit_day_model", "op_steps", "weekmask"]

ALPHAS = (0.02, 0.05, 0.1, 0.2, 0.35)
MAX_STEPS = 10  # j-step spreads are measured up to this many operating days ahead
N_ITER = 4
#: A forecast may start at most this many calendar days after its history; a day after a longer
#: gap in the history is no test of the model (its level starts again) and is left out of the errors.
MAX_GAP_DAYS = 14


def weekmask(open_weekdays) -> str:
    """numpy's busday weekmask ("1111100") for the operating weekdays (Monday = 0)."""
    return "".join("1" if w in set(open_weekdays) else "0" for w in range(7))


def op_steps(d0, d1, open_weekdays) -> np.ndarray:
    """Operating days in (d0, d1]: 1 for the next operating day."""
    d0 = np.asarray(d0, dtype="datetime64[D]")
    d1 = np.asarray(d1, dtype="datetime64[D]")
    one = np.timedelta64(1, "D")
    return np.busday_count(d0 + one, d1 + one, weekmask=weekmask(open_weekdays)).astype(np.int64)


@dataclass(frozen=True, eq=False)
class DayModel:
    """A fitted day-volume model (see the module docstring); log totals are log(T + 1)."""

    alpha: float
    phi: float
    weekday_effect: np.ndarray  # (7,), log scale, centred over the operating weekdays
    labels: tuple[str, ...]
    special_effect: np.ndarray  # (len(labels),), log scale
    special_count: np.ndarray  # (len(labels),) past days with the label
    level: float  # L after the last day
    last_dev: float  # u_T - L_{T+1}: the last day's deviation from the new level
    last_date: np.datetime64
    open_weekdays: tuple[int, ...]
    log_var: np.ndarray  # (MAX_STEPS,) mean squared log residual j operating days ahead
    onestep: np.ndarray  # (n,) one-step predictions of log(T + 1); NaN in the warm-up

    def predict_log(self, dates, label_idx) -> tuple[np.ndarray, np.ndarray]:
        """Predicted log(T + 1) and the operating days ahead for future `dates` (after ``last_date``)."""
        dates = np.asarray(dates, dtype="datetime64[D]")
        g = op_steps(np.full(dates.shape, self.last_date), dates, self.open_weekdays)
        w = ((dates.astype(np.int64) + 3) % 7).astype(np.int64)
        s = np.zeros(dates.shape)
        if self.special_effect.size:
            s = np.where(label_idx >= 0, self.special_effect[np.maximum(label_idx, 0)], 0.0)
        pred = self.weekday_effect[w] + s + self.level + self.phi ** np.maximum(g, 1) * self.last_dev
        return pred, g

    def var_at(self, steps) -> np.ndarray:
        """Mean squared log residual ``steps`` operating days ahead (the last measured beyond)."""
        j = np.clip(np.asarray(steps, dtype=np.int64), 1, self.log_var.size) - 1
        return self.log_var[j]


def _level(u: np.ndarray, gain: np.ndarray, l0: float) -> np.ndarray:
    """L_0 .. L_n of the exponentially weighted level: L_t is the level before day t; ``gain[t]`` weighs u_t."""
    out = np.empty(u.size + 1)
    lvl = out[0] = l0
    for t in range(u.size):
        lvl += gain[t] * (u[t] - lvl)
        out[t + 1] = lvl
    return out


def _effects(y, w, lab, n_labels, open_weekdays, gain, warm):
    """Weekday effects, special effects and the level path for one alpha (alternating means)."""
    a = np.zeros(7)
    for k in open_weekdays:
        a[k] = y[w == k].mean()
    a[list(open_weekdays)] -= a[list(open_weekdays)].mean()
    s = np.zeros(n_labels)
    cnt = np.bincount(lab[lab >= 0], minlength=n_labels).astype(np.float64) if n_labels else np.zeros(0)
    for _ in range(N_ITER):
        s_day = np.where(lab >= 0, s[np.maximum(lab, 0)], 0.0) if n_labels else np.zeros(y.size)
        u = y - a[w] - s_day
        lvl = _level(u, gain, float(u[:warm].mean()))
        r = y - lvl[:-1]
        rs = r - s_day
        for k in open_weekdays:
            a[k] = rs[w == k].mean()
        a[list(open_weekdays)] -= a[list(open_weekdays)].mean()
        if n_labels:
            ra = r - a[w]
            tot = np.bincount(lab[lab >= 0], weights=ra[lab >= 0], minlength=n_labels)
            s = tot / (cnt + 1.0)
    s_day = np.where(lab >= 0, s[np.maximum(lab, 0)], 0.0) if n_labels else np.zeros(y.size)
    u = y - a[w] - s_day
    lvl = _level(u, gain, float(u[:warm].mean()))
    return a, s, cnt, u, lvl, s_day


def fit_day_model(totals, dates, label_idx, labels, open_weekdays) -> DayModel:
    """Fit the day-volume model to daily totals (see the module docstring).

    Parameters
    ----------
    totals : ndarray, shape (n,)
        Calls per day (days labelled closed are left out by the caller).
    dates : ndarray of datetime64[D], shape (n,)
    label_idx : ndarray of int, shape (n,)
        Index into `labels` of each day's special label, -1 for an ordinary day.
    labels : tuple of str
    open_weekdays : tuple of int
    """
    y = np.log(np.asarray(totals, dtype=np.float64) + 1.0)
    n = y.size
    w = ((dates.astype(np.int64) + 3) % 7).astype(np.int64)
    lab = np.asarray(label_idx, dtype=np.int64)
    g = np.ones(n, dtype=np.int64)
    if n > 1:
        g[1:] = np.maximum(op_steps(dates[:-1], dates[1:], open_weekdays), 1)
    warm = int(min(max(n // 4, 2), 10))
    long_gap = np.zeros(n, dtype=bool)
    long_gap[1:] = np.diff(dates.astype(np.int64)) > MAX_GAP_DAYS
    segment = np.cumsum(long_gap)
    best = None
    for alpha in ALPHAS:
        gain = 1.0 - (1.0 - alpha) ** g  # u_t enters with the weight of the operating days since the day before
        a, s, cnt, u, lvl, s_day = _effects(y, w, lab, len(labels), open_weekdays, gain, warm)
        x = np.zeros(n)
        x[1:] = u[:-1] - lvl[1:-1]  # yesterday's deviation from today's level
        d = u - lvl[:-1]  # today's deviation from its level
        sel = (np.arange(n) >= warm) & ~long_gap
        one = sel & (g == 1)
        sxx = float(np.sum(x[one] ** 2))
        phi = float(np.clip(np.sum(d[one] * x[one]) / sxx, 0.0, 0.98)) if sxx > 0 else 0.0
        pred = a[w] + s_day + lvl[:-1] + phi**g * x
        sse = float(np.sum((y[sel] - pred[sel]) ** 2))
        if best is None or sse < best[0] - 1e-12:
            best = (sse, alpha, phi, a, s, cnt, u, lvl, s_day, pred)
    _, alpha, phi, a, s, cnt, u, lvl, s_day, pred = best
    pred = np.where((np.arange(n) >= warm) & ~long_gap, pred, np.nan)
    # j-step residuals: origin o (last seen), target t > o
    log_var = np.full(MAX_STEPS, np.nan)
    for j in range(1, MAX_STEPS + 1):
        o = np.arange(warm - 1, n - j)
        o = o[segment[o] == segment[o + j]]
        if o.size < 3:
            break
        t = o + j
        steps = np.maximum(op_steps(dates[o], dates[t], open_weekdays), 1)
        p = a[w[t]] + s_day[t] + lvl[o + 1] + phi**steps * (u[o] - lvl[o + 1])
        log_var[j - 1] = float(np.mean((y[t] - p) ** 2))
    if np.isnan(log_var[0]):
        resid = y[warm:] - pred[warm:] if n > warm else y - y.mean()
        resid = resid[np.isfinite(resid)]
        log_var[0] = float(np.mean(resid**2)) if resid.size else 0.0
    for j in range(1, MAX_STEPS):  # no fewer than the step before; carry the last measured
        log_var[j] = log_var[j - 1] if np.isnan(log_var[j]) else max(log_var[j], log_var[j - 1])
    return DayModel(
        alpha=float(alpha),
        phi=float(phi),
        weekday_effect=a,
        labels=tuple(labels),
        special_effect=s,
        special_count=cnt,
        level=float(lvl[-1]),
        last_dev=float(u[-1] - lvl[-1]),
        last_date=dates[-1],
        open_weekdays=tuple(open_weekdays),
        log_var=log_var,
        onestep=pred,
    )
