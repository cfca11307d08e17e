"""Rows and variables that add a global (call-weighted) service level to the covering MILP.

Koole & van der Sluis (2003), "Optimal shift scheduling with a global service level
constraint", IIE Transactions 35: the center must answer ``target`` of all calls of the
day or week in time, not every interval; an interval's service level is a function
``f_i(n_i)`` of its agents. Per interval ``i`` with calls, the model has the agents
``n_i = sum_j a_ij x_j`` and a variable ``S_i <= f_i(n_i)``, and the constraint
``sum_i calls_i S_i >= target * sum_i calls_i``.

``f_i`` is given by its values at ``k = 0..K`` agents (``sl_curve[i, k]``), must not
decrease in ``k``, and is taken as flat beyond ``K``. Between integers it is linear.

- ``sl_model="hull"``: ``f_i`` is replaced by its concave upper envelope (a few linear
  cuts per interval, no extra integers). Exact where the curve is concave; where it is not
  (Erlang C is convex around the offered load and zero below it) the envelope overstates
  the service level of understaffed intervals, so the schedule's true global level can
  fall short of the model's.
- ``sl_model="stable"`` (default): every interval with calls gets at least ``p_i`` agents,
  where the curve is concave from ``p_i`` on (for Erlang C ``p_i = ceil(load)``: more
  agents than the offered load, the least for a queue that does not grow without bound),
  and the concave part enters as linear cuts. No extra integers, so a week solves about as
  fast as the cover model; exact for every schedule that staffs each interval above its
  load, and a restriction (its cost an upper bound on the exact model's) otherwise.
- ``sl_model="exact"``: the curve is concave from some ``p_i`` on (for Erlang C
  just above the load). Below ``p_i`` each agent count is its own binary choice, except
  that the flat start (``f_i(k) = f_i(0)``, e.g. zero service below the load) is one
  choice; from ``p_i`` on the concave part uses linear cuts. With a binary ``y_i``
  ("at least ``p_i`` agents"), ``n_i = nl_i + sum_k k w_ik + nh_i + e_i`` where ``nl_i``
  counts agents in the flat start, ``w_ik`` picks a count between the flat start and
  ``p_i``, ``p_i y_i <= nh_i <= K y_i`` and ``e_i >= 0`` holds agents beyond ``K`` (no
  credit). Since ``f_i`` does not decrease, the MILP's service level equals ``f_i(n_i)`` at
  every integer staffing. It costs about three binaries per interval for Erlang C curves.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["GslBlock", "build_gsl", "concave_from", "curve_service_level", "upper_hull"]

_TOL = 1e-12


def upper_hull(y: np.ndarray, x0: int = 0) -> list[int]:
    """Indices of the vertices of the concave upper envelope of points ``(k, y[k])``, k >= x0."""
    hull: list[int] = []
    for k in range(x0, y.size):
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            # drop b if it lies on or below the chord from a to k
            if (y[b] - y[a]) * (k - a) <= (y[k] - y[a]) * (b - a) + _TOL:
                hull.pop()
            else:
                break
        hull.append(k)
    return hull


def concave_from(sl: np.ndarray) -> int:
    """Smallest ``p`` such that the points ``p..K`` of the curve are concave (0 if all are)."""
    if sl.size < 3:
        return 0
    d2 = sl[2:] - 2 * sl[1:-1] + sl[:-2]
    bad = np.flatnonzero(d2 > _TOL)
    return int(bad[-1]) + 1 if bad.size else 0


def curve_service_level(agents: np.ndarray, sl_curve: np.ndarray) -> np.ndarray:
    """``f_i(agents_i)``: linear between integer agent counts, flat beyond the last column."""
    K = sl_curve.shape[1] - 1
    a = np.clip(np.asarray(agents, dtype=np.float64), 0.0, K)
    lo = np.minimum(np.floor(a).astype(np.int64), K)
    hi = np.minimum(lo + 1, K)
    rows = np.arange(a.size)
    frac = a - lo
    return sl_curve[rows, lo] * (1 - frac) + sl_curve[rows, hi] * frac


@dataclass(frozen=True, eq=False)
class GslBlock:
    """Extra variables (after the shift columns) and rows for the global service level."""

    n_vars: int
    lb: np.ndarray
    ub: np.ndarray
    integrality: np.ndarray
    rows: sp.csr_array  # over all variables: shift columns first, then the extra ones
    lo: np.ndarray
    hi: np.ndarray
    global_row: int  # index of the global service-level row within `rows`
    s_index: np.ndarray  # variable index of S_i per interval (-1 where not modelled)


class _Builder:
    def __init__(self, m: int):
        self.m = m
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.intg: list[int] = []
        self.r: list[int] = []
        self.c: list[int] = []
        self.v: list[float] = []
        self.lo: list[float] = []
        self.hi: list[float] = []

    def var(self, lb, ub, integer=False) -> int:
        self.lb.append(lb)
        self.ub.append(ub)
        self.intg.append(int(integer))
        return self.m + len(self.lb) - 1

    def row(self, cols, vals, lo, hi) -> int:
        k = len(self.lo)
        self.r.extend([k] * len(cols))
        self.c.extend(int(c) for c in cols)
        self.v.extend(float(x) for x in vals)
        self.lo.append(lo)
        self.hi.append(hi)
        return k


def build_gsl(
    coverage: sp.csc_array,
    sl_curve: np.ndarray,
    calls: np.ndarray,
    active: np.ndarray,
    target_calls: float,
    *,
    mode: str,
    shortfall_var: bool,
    cap: np.ndarray | None = None,
) -> GslBlock:
    """The block for `active` intervals; ``sum calls_i S_i (+ shortfall) >= target_calls``.

    `target_calls` is already net of the service of intervals that are not modelled. In
    "stable" mode an interval whose most agents `cap` stay below ``p_i`` is modelled exactly.
    """
    n, m = coverage.shape
    b = _Builder(m)
    cov = sp.csr_array(coverage)
    s_index = np.full(n, -1, dtype=np.int64)
    inf = np.inf
    for i in np.flatnonzero(active):
        sl = sl_curve[i]
        top = sl.max()
        K = int(np.flatnonzero(sl >= top - 1e-9)[0])
        sl = sl[: K + 1]
        p = concave_from(sl) if mode != "hull" else 0
        stable = mode == "stable" and (cap is None or cap[i] >= p)
        S = b.var(0.0, float(sl[K]))
        s_index[i] = S
        nh = b.var(float(p) if stable else 0.0, float(K))
        e = b.var(0.0, inf)
        a_cols = cov.indices[cov.indptr[i] : cov.indptr[i + 1]]
        a_vals = cov.data[cov.indptr[i] : cov.indptr[i + 1]]
        if p == 0 or stable:
            b.row([*a_cols, nh, e], [*a_vals, -1.0, -1.0], 0.0, 0.0)
            verts = upper_hull(sl, p)
            for k1, k2 in itertools.pairwise(verts):
                d = (sl[k2] - sl[k1]) / (k2 - k1)
                b.row([S, nh], [1.0, -d], -inf, float(sl[k1] - d * k1))
            continue
        flat = int(np.flatnonzero(sl <= sl[0] + _TOL)[-1])
        z = min(flat, p - 1)
        y = b.var(0.0, 1.0, True)
        wl = b.var(0.0, 1.0, True)
        mids = list(range(z + 1, p))
        w = [b.var(0.0, 1.0, True) for _ in mids]
        link_c, link_v = [*a_cols, nh, e, *w], [*a_vals, -1.0, -1.0, *(-float(k) for k in mids)]
        if z > 0:
            nl = b.var(0.0, float(z))
            link_c.append(nl)
            link_v.append(-1.0)
            b.row([nl, wl], [1.0, -float(z)], -inf, 0.0)
        b.row(link_c, link_v, 0.0, 0.0)
        b.row([y, wl, *w], [1.0] * (2 + len(w)), 1.0, 1.0)
        b.row([nh, y], [1.0, -float(p)], 0.0, inf)
        b.row([nh, y], [1.0, -float(K)], -inf, 0.0)
        low_c = [wl, *w]
        low_v = [-float(sl[0]), *(-float(sl[k]) for k in mids)]
        verts = upper_hull(sl, p)
        b.row([S, *low_c, y], [1.0, *low_v, -float(sl[K])], -inf, 0.0)
        for k1, k2 in itertools.pairwise(verts):
            d = (sl[k2] - sl[k1]) / (k2 - k1)
            b.row([S, *low_c, y, nh], [1.0, *low_v, -float(sl[k1] - d * k1), -d], -inf, 0.0)
    cols = [int(s_index[i]) for i in np.flatnonzero(active)]
    vals = [float(calls[i]) for i in np.flatnonzero(active)]
    if shortfall_var:
        cols.append(b.var(0.0, inf))
        vals.append(1.0)
    g = b.row(cols, vals, float(target_calls), inf)
    n_extra = len(b.lb)
    rows = sp.csr_array((b.v, (b.r, b.c)), shape=(len(b.lo), m + n_extra))
    return GslBlock(
        n_vars=n_extra,
        lb=np.asarray(b.lb, dtype=np.float64),
        ub=np.asarray(b.ub, dtype=np.float64),
        integrality=np.asarray(b.intg, dtype=np.int64),
        rows=rows,
        lo=np.asarray(b.lo, dtype=np.float64),
        hi=np.asarray(b.hi, dtype=np.float64),
        global_row=g,
        s_index=s_index,
    )
