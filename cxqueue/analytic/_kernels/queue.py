"""Queues with agents, patience and lines: M/M/c/(c+K)+M summed state by state.

``queue_metrics`` fills every metric at once (the public ``metrics``); ``queue_one`` sums
only what one metric needs (the single-metric functions and the inverses);
``redial_metrics`` solves the redial fixed point around ``queue_metrics``. Indices of the
metrics vector are the ``M_*`` constants of the package.

Bounded work. The sums run over the waiting positions that carry probability: up to the
mode of the queue length (``(A - c) / th`` waiting callers when the load exceeds the
agents) and on until the terms fall below 1e-17 of the total (unlimited lines) or below
1e-300 (finite lines: the states beyond carry no probability a float can hold, so the
result is that of unlimited lines, the infinite-lines limit, exact to that bound).
`queue_size` estimates that count before any sum starts; beyond ``MAX_POSITIONS`` the
kernels return NaN (metrics) and the public functions raise an error that names the
parameters, since no exact sum is affordable there and the asymptotic forms of such
queues (fluid and Garnett limits) are not exact at any finite size.
"""

from __future__ import annotations

import math

import numpy as np

from cxqueue.analytic._kernels import (
    M_ABANDON,
    M_ASA,
    M_BLOCK,
    M_EQ,
    M_EW_ADMITTED,
    M_OCC,
    M_SERVED,
    M_SL_ADMITTED,
    M_SL_ANSWERED,
    M_SL_OFFERED,
    M_SL_VIRTUAL,
    M_W_GT_T,
    M_WAIT,
    N_METRICS,
)
from cxqueue.analytic._kernels._jit import inline, kernel
from cxqueue.analytic._kernels.erlang_b import Y_MAX, inv_b_cf, inv_erlang_b, inv_erlang_b_from

_BIG = 1e250  # rescale running sums beyond this
_LOG_BIG = math.log(_BIG)
#: the most waiting positions a sum may visit (about 20-80 ms compiled for one metric)
MAX_POSITIONS = 4e6
_DROP_UNLIMITED = 40.0  # ln(1e17): where the sum of unlimited lines stops
_DROP_FINITE = 700.0  # ln(1e300): where the sum of finite lines stops (infinite-lines limit)


_TINY = 1e-300  # a load, agent count or AHT / patience below this counts as 0 in the sums


@kernel
def _flush(x):
    """``x``, or 0 below 1e-300: subnormal rates would overflow 1 / (c + j th)."""
    return 0.0 if x < _TINY else x


@kernel
def _below(c, A, y, yprev):
    """sum_{k<c} p_k / p_c, the states below the agents in units of state c: ``c/A 1/B(c-1, A)``
    (``y``, ``yprev``: 1/B at c and c - 1). Below one agent 1/B(c-1, A) is that of the continuous
    extension, x^(1-c) e^x Gamma(c, x), by Legendre's fraction where it converges (A > c + 1):
    ``y - 1`` would lose every digit as c -> 0; otherwise ``y - 1`` (an absolute error of 1e-16)."""
    if c >= 1.0:
        return c / A * yprev
    if A > c + 1.0:
        return c / A * inv_b_cf(float(c), A)
    return max(y - 1.0, 0.0)


@inline
def _wait_horizon(c, K, th, tt):
    """The threshold ``tt`` capped where every wait is complete: without abandonment a wait is at
    most K + 1 completions at rate c, so beyond this every P(W > t) is below 1e-300. Keeps the
    scaled negative-binomial sums finite for a threshold of 1e300 s (which made inf * 0 = NaN)."""
    if th == 0.0 and c > 0.0:
        return min(tt, (K + 1.0 + 50.0 * math.sqrt(K + 1.0) + 800.0) / c)
    return tt


@kernel
def queue_size(A, c, K, th):
    """About how many waiting positions the sums visit (an upper estimate; inf: unbounded).

    The weight of position j is prod_{i<=j} A / (c + i th): it grows up to the mode
    ``jm = (A - c) / th`` (none when c >= A) and then falls by ``m d + m^2 e / 2`` in ``m``
    more steps (d = ln(max(c, A) / A), e = th / max(c, A)) until the stopping drop D
    (`_DROP_UNLIMITED` or `_DROP_FINITE`); capped by the K waiting places of finite lines.
    """
    A, c, th = _flush(A), _flush(c), _flush(th)
    if A == 0.0 or (th == 0.0 and (K < 0 or c <= 0.0)):
        return 0.0
    D = _DROP_UNLIMITED if K < 0 else _DROP_FINITE
    if th == 0.0:
        d = math.log(c / A) if c > A else 0.0
        n = D / d + 8.0 if d > 0.0 else np.inf
    else:
        top = max(c, A)
        d = math.log(top / A)
        den = d + math.sqrt(d * d + 2.0 * (th / top) * D)
        n = max(0.0, (A - c) / th) + (2.0 * D / den if den > 0.0 else np.inf) + 8.0
    return n if K < 0 else min(n, K + 1.0)


@kernel
def queue_metrics(A, c, K, th, tt, m, tails):
    """All metrics of M/M/c/(c+K)+M into m (AHT units). K < 0 means unlimited lines.

    With ``tails`` the sum also runs until P(wait > t) is exact to 1e-14 relative even
    where it is astronomically small, or the rest weighs below 1e-300 of the whole (at most
    20 times the positions `queue_size` expects; the inverses do not need it).

    States c + j (j = 0..K) hold j waiting callers; in units of p_c their probabilities
    are t_j = prod_{i=1..j} A / (c + i th); states below c add y_c - 1 (y = 1/B).
    A caller admitted with j ahead waits V_j = sum_{i=0..j} Exp(c + i th):
    P(V_j > t) = P(NB(c/th, e^-th t) <= j) and
    P(answered, wait <= t) = c / (c + (j+1) th) * P(NB(c/th + 1, e^-th t) > j);
    with th = 0 these become Poisson(c t) probabilities and 1.
    """
    A, c, th = _flush(A), _flush(c), _flush(th)
    for k in range(N_METRICS):
        m[k] = 0.0
    size = queue_size(A, c, K, th)
    if size > MAX_POSITIONS:
        for k in range(N_METRICS):
            m[k] = np.nan
        return
    if A == 0.0:
        m[M_SERVED] = 1.0
        m[M_SL_OFFERED] = 1.0
        m[M_SL_ANSWERED] = 1.0
        m[M_SL_VIRTUAL] = 1.0
        m[M_SL_ADMITTED] = 1.0
        return
    if c <= 0.0:
        # nobody is ever answered; with lines every line fills, without them callers wait
        if K == 0:
            m[M_BLOCK] = 1.0
            return
        if th == 0.0:
            m[M_BLOCK] = 1.0 if K > 0 else 0.0
            m[M_WAIT] = 0.0 if K > 0 else 1.0
            m[M_EW_ADMITTED] = np.inf
            m[M_ASA] = np.inf
            m[M_EQ] = K if K > 0 else np.inf
            m[M_W_GT_T] = 0.0 if K > 0 else 1.0
            return
        # zero servers with patience: M/M/inf-like queue of impatient callers (truncated)
    if c > 0.0:
        y, yprev = inv_erlang_b(c, A)
    else:
        y, yprev = 1.0, 0.0
    if not math.isfinite(y) or y > Y_MAX:
        # the queue is never reached: every call answered at once
        m[M_SERVED] = 1.0
        m[M_SL_OFFERED] = 1.0
        m[M_SL_ANSWERED] = 1.0
        m[M_SL_VIRTUAL] = 1.0
        m[M_SL_ADMITTED] = 1.0
        m[M_OCC] = A / c
        return
    below = _below(c, A, y, yprev)  # sum_{k<c} p_k / p_c
    if th == 0.0 and K < 0:
        # Erlang C (no patience, unlimited lines); closed forms
        if c <= A:
            m[M_WAIT] = 1.0
            m[M_SL_VIRTUAL] = 0.0
            m[M_W_GT_T] = 1.0
            m[M_EW_ADMITTED] = np.inf
            m[M_ASA] = np.inf
            m[M_EQ] = np.inf
            m[M_OCC] = 1.0
            m[M_SERVED] = 1.0
            return
        den = y * (c - A) + A
        C = min(c / den, 1.0)  # (<= 1 but for rounding)
        # rounding may lift the sum a few ulps above 1: a probability stays in [0, 1]
        sl = min((c - A) * below / den - C * math.expm1(-(c - A) * tt), 1.0)
        m[M_WAIT] = C
        m[M_SERVED] = 1.0
        m[M_SL_OFFERED] = sl
        m[M_SL_ANSWERED] = sl
        m[M_SL_VIRTUAL] = sl
        m[M_SL_ADMITTED] = sl
        m[M_W_GT_T] = 1.0 - sl
        m[M_EW_ADMITTED] = C / (c - A)
        m[M_ASA] = C / (c - A)
        m[M_EQ] = C * A / (c - A)
        m[M_OCC] = A / c
        return
    tt = _wait_horizon(c, K, th, tt)
    # ----- state-by-state sums over the waiting positions j = 0, 1, ...
    p = math.exp(-th * tt)
    g = -math.expm1(-th * tt) / th if th > 0.0 else tt  # (1 - p) / th
    # NB(c/th, p) and NB(c/th + 1, p) pmfs, scaled: true = scaled * exp(e0)
    e0 = -c * tt
    e1 = -c * tt - th * tt
    pm0 = 1.0
    pm1 = 1.0
    f0 = 0.0  # scaled cdfs
    f1 = 0.0
    fac0 = math.exp(e0)
    fac1 = math.exp(e1)
    t = 1.0  # t_j scaled by exp(-L)
    L = 0.0
    tot = 0.0  # sum_j t_j over all queue states (incl. the full one)
    adm = 0.0  # sum over admitted waiting positions
    ab = 0.0
    srv = 0.0
    sloff = 0.0
    svirt = 0.0
    wgt = 0.0
    ew = 0.0
    ews = 0.0
    eq = 0.0
    h = 0.0  # running sum_{i<=j} 1 / (c + (i+1) th)
    tK = 0.0
    j = 0
    while True:
        if K >= 0 and j == K:
            tK = t
            tot += t
            eq += j * t
            break
        # caller admitted with j ahead
        F0 = min(f0 * fac0 + pm0 * fac0, 1.0)  # P(NB0 <= j)
        F1 = min(f1 * fac1 + pm1 * fac1, 1.0)
        d = c + (j + 1.0) * th
        s = c / d if c > 0.0 else 0.0  # P(answered | j ahead)
        h += 1.0 / d if d > 0.0 else 0.0
        tot += t
        adm += t
        ab += t * (1.0 - s)
        srv += t * s
        sloff += t * s * (1.0 - F1)
        svirt += t * (1.0 - F0)
        wgt += t * F0 * p
        ew += t * ((j + 1.0) / d if d > 0.0 else np.inf)
        ews += t * s * h
        eq += j * t
        # next position
        f0 += pm0
        f1 += pm1
        jn = j + 1.0
        pm0 *= (c + j * th) * g / jn
        pm1 *= (c + jn * th) * g / jn
        if pm0 > _BIG:
            pm0 /= _BIG
            f0 /= _BIG
            e0 += _LOG_BIG
            fac0 = math.exp(e0)
        if pm1 > _BIG:
            pm1 /= _BIG
            f1 /= _BIG
            e1 += _LOG_BIG
            fac1 = math.exp(e1)
        ratio = A / d
        t *= ratio
        if t > _BIG:
            t /= _BIG
            tot /= _BIG
            adm /= _BIG
            ab /= _BIG
            srv /= _BIG
            sloff /= _BIG
            svirt /= _BIG
            wgt /= _BIG
            ew /= _BIG
            ews /= _BIG
            eq /= _BIG
            L += _LOG_BIG
        j += 1
        if ratio < 1.0:
            tail = t * (j + 2.0) / (1.0 - ratio)
            if tail < (1e-17 if K < 0 else 1e-300) * tot and (
                not tails or tail < 1e-14 * wgt or tail < 1e-300 * tot or j > 20.0 * size
            ):
                break  # with finite lines: the infinite-lines limit (the full state weighs < 1e-300)
    scale = math.exp(-L)
    base = below * scale  # states below c, in the same scale
    Z = base + tot
    adm_all = base + adm
    m[M_BLOCK] = tK / Z
    m[M_WAIT] = adm / Z
    m[M_ABANDON] = ab / Z
    served = base + srv
    m[M_SERVED] = served / Z
    m[M_SL_OFFERED] = (base + sloff) / Z
    m[M_SL_ANSWERED] = (base + sloff) / served if served > 0.0 else 0.0
    m[M_SL_VIRTUAL] = (base + svirt) / adm_all if adm_all > 0.0 else 0.0
    m[M_SL_ADMITTED] = (base + sloff) / adm_all if adm_all > 0.0 else 0.0
    m[M_W_GT_T] = wgt / Z
    m[M_EW_ADMITTED] = ew / adm_all if adm_all > 0.0 else 0.0
    m[M_ASA] = ews / served if served > 0.0 else np.inf
    m[M_EQ] = eq / Z
    m[M_OCC] = min(A * m[M_SERVED] / c, 1.0) if c > 0.0 else 0.0  # <= 1 but for rounding


@kernel
def queue_one(A, c, K, th, tt, what, tol, ks, yks):
    """One metric of M/M/c/(c+K)+M, summing only what that metric needs (not M_W_GT_T,
    M_EW_ADMITTED or M_EQ: `queue_metric` takes those to `queue_metrics`).

    The same sums as `queue_metrics` (see there), with one division per waiting position
    less and only the negative-binomial chain the metric uses: the hot path of the
    inverses. ``tol`` ends an unlimited sum; ``ks`` >= 0 is a point below the load where
    1/B is known exactly (``yks``, computed once per search) to carry up to c.
    """
    A, c, th = _flush(A), _flush(c), _flush(th)
    # the closed forms of queue_metrics, for the one metric
    sl_like = what == M_SERVED or what == M_SL_OFFERED or what == M_SL_ANSWERED or what == M_SL_VIRTUAL
    if queue_size(A, c, K, th) > MAX_POSITIONS:
        return np.nan
    if A == 0.0:
        return 1.0 if sl_like or what == M_SL_ADMITTED else 0.0
    if c <= 0.0 and K == 0:
        return 1.0 if what == M_BLOCK else 0.0
    if c <= 0.0 and th == 0.0:
        if what == M_BLOCK:
            return 1.0 if K > 0 else 0.0
        if what == M_WAIT:
            return 0.0 if K > 0 else 1.0
        return np.inf if what == M_ASA else 0.0
    if c <= 0.0:
        y, yprev = 1.0, 0.0
    elif ks >= 0.0 and c > ks and c == math.floor(c) and not (th == 0.0 and K < 0):
        # an exact 1/B at ks (continued fraction, computed once per search) is carried up to c
        y, yprev = inv_erlang_b_from(c, A, ks, yks)
    else:
        y, yprev = inv_erlang_b(c, A)
    if not math.isfinite(y) or y > Y_MAX:
        if what == M_OCC:
            return A / c
        if what == M_ASA or what == M_BLOCK or what == M_WAIT or what == M_ABANDON:
            return 0.0
        return 1.0
    below = _below(c, A, y, yprev)
    if th == 0.0 and K < 0:  # Erlang C
        if c <= A:
            if what == M_WAIT or what == M_SERVED or what == M_OCC:
                return 1.0
            return np.inf if what == M_ASA else 0.0
        den = y * (c - A) + A
        C = min(c / den, 1.0)
        if what == M_WAIT:
            return C
        if what == M_ASA:
            return C / (c - A)
        if what == M_OCC:
            return A / c
        if what == M_BLOCK or what == M_ABANDON:
            return 0.0
        return 1.0 if what == M_SERVED else min((c - A) * below / den - C * math.expm1(-(c - A) * tt), 1.0)
    tt = _wait_horizon(c, K, th, tt)
    need_f1 = what == M_SL_OFFERED or what == M_SL_ANSWERED or what == M_SL_ADMITTED
    need_f0 = what == M_SL_VIRTUAL
    need_h = what == M_ASA
    g = -math.expm1(-th * tt) / th if th > 0.0 else tt
    e = -c * tt - th * tt if need_f1 else -c * tt
    pm = 1.0
    f = 0.0
    fac = math.exp(e)
    t = 1.0
    L = 0.0
    tot = 0.0
    adm = 0.0
    srv = 0.0
    acc = 0.0  # the metric's own sum (SL numerator, abandonment or ASA numerator)
    h = 0.0
    tK = 0.0
    j = 0
    shift = th if need_f1 else 0.0  # NB(c/th + 1): ratios use c + (j+1) th
    jf = 0.0  # j + 1 as a float
    while True:
        if K >= 0 and j == K:
            tK = t
            tot += t
            break
        jf += 1.0
        d = c + jf * th
        r = 1.0 / (d * jf)  # one division gives both 1/d and 1/jf
        inv_d = jf * r
        s = c * inv_d
        tot += t
        adm += t
        srv += t * s
        if need_f1:
            acc += t * s * (1.0 - min((f + pm) * fac, 1.0))
        elif need_f0:
            acc += t * (1.0 - min((f + pm) * fac, 1.0))
        elif need_h:
            h += inv_d
            acc += t * s * h
        if need_f1 or need_f0:
            f += pm
            pm *= (c + (jf - 1.0) * th + shift) * g * (d * r)
            if pm > _BIG:
                pm /= _BIG
                f /= _BIG
                e += _LOG_BIG
                fac = math.exp(e)
        ratio = A * inv_d
        t *= ratio
        if t > _BIG:
            t /= _BIG
            tot /= _BIG
            adm /= _BIG
            srv /= _BIG
            acc /= _BIG
            L += _LOG_BIG
        j += 1
        if (j & 7) == 0 and ratio < 1.0 and t * (j + 2.0) < (tol if K < 0 else 1e-300) * tot * (1.0 - ratio):
            break  # with finite lines: the infinite-lines limit, as in queue_metrics
    base = below * math.exp(-L)
    Z = base + tot
    served = base + srv
    if what == M_BLOCK:
        return tK / Z
    if what == M_WAIT:
        return adm / Z
    if what == M_ABANDON:
        return (adm - srv) / Z
    if what == M_SERVED:
        return served / Z
    if what == M_OCC:
        return min(A * served / Z / c, 1.0) if c > 0.0 else 0.0
    if what == M_SL_OFFERED:
        return (base + acc) / Z
    if what == M_SL_ANSWERED:
        return (base + acc) / served if served > 0.0 else 0.0
    if what == M_SL_ADMITTED or what == M_SL_VIRTUAL:
        return (base + acc) / (base + adm) if base + adm > 0.0 else 0.0
    return acc / served if served > 0.0 else np.inf  # M_ASA


@kernel
def queue_metric(A, c, K, th, tt, what):
    """One metric, as `queue_metrics` would give it: by `queue_one` where that sums it."""
    if A == 0.0 or c <= 0.0 or (th == 0.0 and K < 0) or what == M_W_GT_T or what == M_EW_ADMITTED or what == M_EQ:
        m = np.empty(N_METRICS)
        queue_metrics(A, c, K, th, tt, m, what == M_W_GT_T)
        return m[what]
    return queue_one(A, c, K, th, tt, what, 1e-17, -1.0, 0.0)


@kernel
def queue_metric_loop(A, c, K, th, tt, what, out):
    for i in range(out.size):
        out[i] = queue_metric(A[i], c[i], K[i], th[i], tt[i], what)


@kernel
def queue_loss(A, c, K, th, lb):
    """P(busy signal) and P(abandon) into lb[0], lb[1]: the sums of `queue_metrics` for these
    two alone, term for term (the redial fixed point and the lines search); NaN beyond
    ``MAX_POSITIONS``."""
    A, c, th = _flush(A), _flush(c), _flush(th)
    if queue_size(A, c, K, th) > MAX_POSITIONS:
        lb[0] = np.nan
        lb[1] = np.nan
        return
    lb[0] = 0.0
    lb[1] = 0.0
    if A == 0.0:
        return
    if c <= 0.0 and (K == 0 or th == 0.0):
        lb[0] = 1.0 if K >= 0 else 0.0
        return
    if c > 0.0:
        y, yprev = inv_erlang_b(c, A)
    else:
        y, yprev = 1.0, 0.0
    if not math.isfinite(y) or y > Y_MAX or (th == 0.0 and K < 0):
        return  # never reached, or Erlang C: no busy signal, nobody hangs up
    below = _below(c, A, y, yprev)
    t = 1.0
    L = 0.0
    tot = 0.0
    ab = 0.0
    tK = 0.0
    j = 0
    while True:
        if K >= 0 and j == K:
            tK = t
            tot += t
            break
        d = c + (j + 1.0) * th
        s = c / d if c > 0.0 else 0.0
        tot += t
        ab += t * (1.0 - s)
        ratio = A / d
        t *= ratio
        if t > _BIG:
            t /= _BIG
            tot /= _BIG
            ab /= _BIG
            L += _LOG_BIG
        j += 1
        if ratio < 1.0 and t * (j + 2.0) / (1.0 - ratio) < (1e-17 if K < 0 else 1e-300) * tot:
            break
    Z = below * math.exp(-L) + tot
    lb[0] = tK / Z
    lb[1] = ab / Z


@kernel
def redial_load(A0, c, K, th, rb, ra, tol, max_iter, lb, res):
    """The redial fixed point A = F(A) = A0 + A (rb P(block) + ra P(abandon)), by `queue_loss`.

    F grows with A and F(A0) >= A0, so the plain iteration from A0 climbs to the least fixed
    point, but slowly where F's slope nears 1 (about 200 steps at redial_blocked = 0.9 on a
    busy queue). Each step here is the secant through the last two points of G = F - A when
    it falls inside the bracket (largest A with G > 0, smallest with G < 0), else the plain
    step; converged when |G(A)| <= tol F(A). It stops unconverged after ``max_iter`` steps,
    above 1e15 Erlangs or where the queue outgrows ``MAX_POSITIONS``.
    res <- (A, A - A0, steps, converged); lb <- (P(block), P(abandon)) at A (NaN: A0 itself
    is beyond the budget).
    """
    x = A0
    queue_loss(x, c, K, th, lb)
    it = 0
    conv = rb == 0.0 and ra == 0.0
    if not conv and lb[0] == lb[0]:
        lo = A0
        hi = np.inf
        xp = np.nan
        gp = np.nan
        for it in range(1, max_iter + 1):  # noqa: B007 (the count is reported)
            f = A0 + x * (rb * lb[0] + ra * lb[1])
            g = f - x
            if abs(g) <= tol * max(f, 1e-300):
                conv = True
                break
            if g > 0.0:
                lo = max(lo, x)
            else:
                hi = min(hi, x)
            nxt = f
            if gp == gp and g != gp:
                xs = x - g * (x - xp) / (g - gp)
                if lo < xs < hi:
                    nxt = xs
            if not (nxt <= 1e15) or queue_size(nxt, c, K, th) > MAX_POSITIONS:
                break
            xp = x
            gp = g
            x = nxt
            queue_loss(x, c, K, th, lb)
    res[0] = x
    res[1] = x - A0
    res[2] = it
    res[3] = 1.0 if conv else 0.0


@kernel
def redial_metrics(A0, c, K, th, tt, rb, ra, tol, max_iter, tails, m, res):
    """Every metric at the redial fixed point (`redial_load`); res <- (A, retrial, it, conv)."""
    lb = np.empty(2)
    redial_load(A0, c, K, th, rb, ra, tol, max_iter, lb, res)
    queue_metrics(res[0], c, K, th, tt, m, tails)


@kernel
def redial_metrics_loop(A0, c, K, th, tt, rb, ra, tol, max_iter, tails, out, res):
    for i in range(out.shape[0]):
        redial_metrics(A0[i], c[i], K[i], th[i], tt[i], rb[i], ra[i], tol, max_iter, tails, out[i], res[i])
