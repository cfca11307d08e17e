"""Erlang C kernels: P(wait), service level, ASA and occupancy of M/M/c, and their inverse.

The inverse walks the recursion upward once from the first stable staffing, updating
1/B incrementally (O(sqrt(A) + answer - A) steps in all).
"""

from __future__ import annotations

import math

import numpy as np

from cxqueue.analytic._kernels import C_ASA, C_OCC, C_WAIT, GOAL_SL, GOAL_WAIT
from cxqueue.analytic._kernels._jit import kernel
from cxqueue.analytic._kernels.erlang_b import ASYM_LOAD, Y_MAX, inv_erlang_b


@kernel
def core(A, x):
    """(C, 1 - C) for the M/M/x queue; C = 1 for x <= A."""
    if A == 0.0:
        return 0.0, 1.0
    if x <= A:
        return 1.0, 0.0
    y, yprev = inv_erlang_b(x, A)
    if not math.isfinite(y) or y > Y_MAX:
        return 0.0, 1.0
    ym1 = x / A * yprev if x >= 1.0 else y - 1.0
    den = y * (x - A) + A
    return min(x / den, 1.0), (x - A) * ym1 / den  # (C <= 1 but for rounding)


@kernel
def metric(a, n, tt, what):
    """One Erlang C metric: ``what`` is C_WAIT, C_SL, C_ASA (AHT units) or C_OCC."""
    if what == C_OCC:
        return 0.0 if a == 0.0 else (1.0 if n <= a else a / n)
    C, omc = core(a, n)
    if what == C_WAIT:
        return C
    if what == C_ASA:
        return 0.0 if a == 0.0 else (np.inf if n <= a else C / (n - a))
    if a == 0.0:
        return 1.0
    if n <= a:
        return 0.0
    return min(omc - C * math.expm1(-(n - a) * tt), 1.0)  # 1 - C exp(-(n - A) tt) without cancellation


@kernel
def metric_loop(A, x, tt, what, out):
    for i in range(out.size):
        out[i] = metric(A[i], x[i], tt[i], what)


@kernel
def _meets(A, n, tt, goal, kind):
    """Whether n > A agents meet the goal (`agents_for`'s test, from 1/B at n)."""
    y, yprev = inv_erlang_b(n, A)
    if not math.isfinite(y) or y > Y_MAX:
        return True
    ym1 = n / A * yprev
    den = y * (n - A) + A
    C = n / den
    if kind == GOAL_SL:
        return ((n - A) * ym1 / den - C * math.expm1(-(n - A) * tt)) >= goal
    if kind == GOAL_WAIT:
        return C <= goal
    return C / (n - A) <= goal


@kernel
def _agents_for_bisect(A, tt, goal, kind, n0):
    """`agents_for` above ``ASYM_LOAD`` Erlangs in bounded work: a gallop up from ``n0`` in
    steps of sqrt(A) doubling (C vanishes within about 40 sqrt(A)), then bisection."""
    if _meets(A, n0, tt, goal, kind):
        return int(n0)
    lo = n0  # integers throughout
    step = float(math.ceil(math.sqrt(A)))
    hi = lo + step
    while not _meets(A, hi, tt, goal, kind):
        lo = hi
        step *= 2.0
        hi = lo + step
    while hi - lo > 1.0:
        mid = float(math.floor(0.5 * (lo + hi)))
        if _meets(A, mid, tt, goal, kind):
            hi = mid
        else:
            lo = mid
    return int(hi)


@kernel
def agents_for(A, tt, goal, kind, min_agents):
    """Smallest integer n >= min_agents, n > A, meeting a goal; the recursion runs once.

    kind GOAL_SL: service level >= goal; GOAL_ASA: ASA (AHT units) <= goal; GOAL_WAIT:
    P(wait) <= goal.
    """
    if A == 0.0:
        return math.ceil(min_agents)
    n = max(math.floor(A) + 1.0, math.ceil(min_agents))
    if A > ASYM_LOAD:
        return _agents_for_bisect(A, tt, goal, kind, n)
    y, yprev = inv_erlang_b(n, A)
    while True:
        if not math.isfinite(y) or y > Y_MAX:
            return int(n)
        ym1 = n / A * yprev
        den = y * (n - A) + A
        C = n / den
        if kind == GOAL_SL:
            ok = ((n - A) * ym1 / den - C * math.expm1(-(n - A) * tt)) >= goal
        elif kind == GOAL_WAIT:
            ok = C <= goal
        else:
            ok = C / (n - A) <= goal
        if ok:
            return int(n)
        n += 1.0
        yprev = y
        y = 1.0 + n / A * y


@kernel
def agents_for_loop(A, tt, goal, kind, min_agents, out):
    for i in range(out.size):
        out[i] = agents_for(A[i], tt[i], goal[i], kind, min_agents[i])
