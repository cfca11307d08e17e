"""The inverses of the queue metrics: agents for a goal, lines for a blocking target.

Each metric is monotone in the agents (in the lines for blocking), so a bracket whose
low end fails and whose high end meets the goal is exact; the searches probe a handful of
staffings around a guess instead of walking every one.

``redial`` is None for a queue without redials: numba then drops the redial branch, and
a search without redials compiles neither the fixed point nor `queue.queue_metrics`.
Otherwise it holds the redial fractions (blocked, abandoned) of the element.

Both searches return -2 when a probe's queue is beyond the sums' budget
(`queue.MAX_POSITIONS`): the public functions then raise an error that names it.
"""

from __future__ import annotations

import math

import numpy as np

from cxqueue.analytic._kernels import GOAL_SL, M_SL_ANSWERED, M_SL_OFFERED, M_SL_VIRTUAL, erlang_c
from cxqueue.analytic._kernels._jit import inline, kernel
from cxqueue.analytic._kernels.erlang_b import ASYM_LOAD, inv_b_cf
from cxqueue.analytic._kernels.queue import queue_one, redial_load

_FIXED_POINT_ITER = 500  # cap of the redial fixed point inside a search (tolerance 1e-12)


@kernel
def agents_search(A, lines, th, tt, redial, what, goal, upper, min_agents, guess, cap):
    """Smallest integer c in [min_agents, cap] meeting the goal; -1 if even ``cap`` agents fail.

    ``lines`` -1 means unlimited, -2 no waiting place at all (Erlang B); otherwise
    K = lines - c. ``upper``: the goal is a cap (metric <= goal), else a floor. The metric
    is monotone in c, so a bracket (lo fails, hi meets) is exact. The first probe is the
    guess (``guess`` < 0: the Erlang C answer for a service level, else the load); when it
    meets the goal the second probe goes 70 % of the way down to the load (abandonment
    lowers the need); then regula falsi on the bracket, with a bisection whenever the
    same end moved twice, or a secant gallop while no probe has met the goal. About four
    evaluations on typical loads. Without redials a sum cut at 1e-12 decides almost every
    comparison with the goal (16 % fewer terms); a value within 1e-9 of it is summed
    again to full precision. With redials an unconverged fixed point fails the goal.
    """
    lo_ok = float(math.ceil(min_agents))
    if A == 0.0:
        return int(lo_ok)
    if redial is not None:
        lb = np.empty(2)
        res = np.empty(4)
    # one exact Erlang B start 3 sqrt(A) below the load serves every probe of this search
    ks = -1.0
    yks = 0.0
    if 9.0 < A <= ASYM_LOAD:
        ks = float(math.floor(A - 3.0 * math.sqrt(A)))
        yks = inv_b_cf(ks + 1.0, A)
    if guess < 0.0:
        if what == M_SL_OFFERED or what == M_SL_ANSWERED or what == M_SL_VIRTUAL:
            guess = float(erlang_c.agents_for(A, tt, goal, np.int64(GOAL_SL), 0.0))
        else:
            guess = float(math.ceil(A))
    lo = lo_ok - 1.0  # fails (or lies below the allowed range)
    vlo = np.nan
    hi = -1.0  # meets; -1: none yet
    vhi = np.nan
    n = min(max(float(math.ceil(guess)), lo_ok), cap)  # the first probe
    px = n
    pv = np.nan
    step = 1.0
    last = 0  # which end moved last: 1 lo, 2 hi
    repeat = 0
    first = True
    while True:
        # ----- the metric at n agents
        K = 0 if lines < -1.5 else (-1 if lines < 0.0 else math.floor(lines - n + 1e-9))
        v = np.nan
        plain = True
        if redial is not None:
            if redial[0] != 0.0 or redial[1] != 0.0:
                plain = False
                it = np.int64(_FIXED_POINT_ITER)
                redial_load(A, n, K, th, redial[0], redial[1], 1e-12, it, lb, res)
                if lb[0] != lb[0]:
                    return -2
                if res[3] == 1.0:
                    v = queue_one(res[0], n, K, th, tt, what, 1e-17, -1.0, 0.0)
        if plain:
            v = queue_one(A, n, K, th, tt, what, 1e-12, ks, yks)
            if v != v:
                return -2
            if abs(v - goal) <= 1e-9 * max(1.0, abs(goal)):
                v = queue_one(A, n, K, th, tt, what, 1e-17, ks, yks)
        ok = v == v and (v <= goal if upper else v >= goal)
        # ----- the bracket and the next probe
        if first:
            first = False
            if ok:
                hi = n
                vhi = v
                nxt = max(lo_ok, n - max(1.0, float(math.floor(0.7 * (n - A) + 0.5))))
                if nxt >= hi:
                    nxt = hi - 1.0
            else:
                lo = n
                vlo = v
                nxt = n + 1.0
            px = n
            pv = v
            n = nxt
        else:
            if ok:
                hi = n
                vhi = v
                repeat = repeat + 1 if last == 2 else 0
                last = 2
            else:
                lo = n
                vlo = v
                repeat = repeat + 1 if last == 1 else 0
                last = 1
                if n >= cap:
                    return -1
            if hi >= 0.0 and hi - lo <= 1.0:
                break
            est = np.nan
            if hi >= 0.0 and lo >= lo_ok and vhi == vhi and vlo == vlo and vhi != vlo:
                est = lo + (goal - vlo) * (hi - lo) / (vhi - vlo)  # regula falsi on the bracket
            elif pv == pv and v == v and pv != v and px != n:
                est = n + (goal - v) * (n - px) / (v - pv)  # secant through the last two probes
            if not (abs(est) < 1e18):  # NaN, or beyond any count (an infinite goal, say): no estimate
                est = np.nan
            px = n
            pv = v
            if hi >= 0.0 and (repeat >= 1 or est != est):
                n = float(math.floor((lo + hi) / 2.0))
                repeat = 0
            elif hi < 0.0:
                step *= 2.0
                n = max(float(math.ceil(est)), lo + 1.0) if est == est else lo + step
                n = min(n, lo + 64.0 * step)
            else:
                n = float(math.ceil(est))
        if hi >= 0.0 and hi - lo <= 1.0:
            break
        # keep the next probe inside the bracket and the cap
        if n > cap:
            n = float(math.floor((lo + hi) / 2.0)) if hi >= 0.0 else cap
        if n <= lo:
            n = lo + 1.0
        if hi >= 0.0 and n >= hi:
            n = hi - 1.0
        if n > cap:
            return -1
    return int(hi)


@kernel
def agents_search_loop(A, lines, th, tt, redial, what, goal, upper, min_agents, guess, cap, out):
    """`agents_search` per element; ``redial`` None or one row (blocked, abandoned) per element."""
    # two calls, not `None if redial is None else redial[i]`: that expression types the
    # argument Optional(array) and compiles a third copy of the search
    for i in range(out.size):
        if redial is None:
            out[i] = agents_search(
                A[i], lines[i], th[i], tt[i], None, what, goal[i], upper, min_agents[i], guess[i], cap[i]
            )
        else:
            r = redial[i]
            out[i] = agents_search(
                A[i], lines[i], th[i], tt[i], r, what, goal[i], upper, min_agents[i], guess[i], cap[i]
            )


@inline
def lines_search(A, c, th, tt, rb, ra, goal, cap):
    """Smallest integer N >= c with P(block) <= goal (blocking falls as lines grow); -1 if
    not even ``cap`` lines meet it (or the redial fixed point never converges there); -2
    where a probe's queue is beyond the budget of the sums.

    Doubles the step up from ``ceil(c)`` until a count meets the goal, then bisects.
    """
    lb = np.empty(2)
    res = np.empty(4)
    lo = float(math.ceil(c)) - 1.0
    hi = lo + 1.0
    step = 1.0
    n = hi
    phase = 0  # 0: stepping up, 1: the cap as the last try, 2: bisection
    while True:
        K = math.floor(n - c + 1e-9)
        redial_load(A, c, K, th, rb, ra, 1e-12, np.int64(_FIXED_POINT_ITER), lb, res)
        if lb[0] != lb[0]:
            return -2
        ok = res[3] == 1.0 and lb[0] <= goal
        if phase == 0 and not ok:
            lo = n
            step *= 2.0
            n = lo + step
            if n > cap:
                n = cap
                phase = 1
            continue
        if phase == 1 and not ok:
            return -1
        if ok:
            hi = n
            phase = 2
        else:
            lo = n
        if hi - lo <= 1.0:
            return int(hi)
        n = float(math.floor((lo + hi) / 2.0))


@kernel
def lines_search_loop(A, c, th, tt, rb, ra, goal, cap, out):
    for i in range(out.size):
        out[i] = lines_search(A[i], c[i], th[i], tt[i], rb[i], ra[i], goal[i], cap[i])
