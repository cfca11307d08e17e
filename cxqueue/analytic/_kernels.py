"""All numba code of the analytic models: scalar kernels and the loops that fill ``out``.

Conventions inside this module (the public wrappers convert):

* time is measured in units of the mean handle time (mu = 1): ``A`` is the offered load in
  Erlangs, ``tt`` the answer-within threshold over AHT, ``th`` = AHT / mean patience
  (0 means no abandonment);
* ``c`` (agents) and ``n`` (lines) may be fractional: the Erlang B function is extended by
  its incomplete-gamma form, B(x, A) = A^x e^-A / Gamma(x + 1, A);
* kernels trust their input: the public boundary validated it.

Numerics. ``y = 1/B`` obeys the stable forward recursion ``y_k = 1 + (k/A) y_(k-1)``. An
error in a starting value at ``k0`` reaches ``n`` damped by
``P(Poisson(A) <= k0) / P(Poisson(A) <= n)``, so the recursion starts at
``k0 = A - 7 sqrt(A)`` from the fluid value ``A/(A - k0)`` (error damped below 1e-11) and
costs O(sqrt(A) + n - A) steps instead of O(n). Four steps are fused per iteration so that
the dependency chain is one multiply-add per four steps. Queues with patience and/or a
finite number of lines are summed state by state over the waiting positions with a running
rescale (no overflow), and the negative-binomial form of the virtual waiting time
(derived in ``erlang_x``'s module docstring) gives the service levels exactly.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_jit = njit(cache=True, error_model="numpy", nogil=True)

_START_SIGMAS = 7.0  # start the recursion this many sqrt(A) below A
_CF_LOAD = 2000.0  # above this load, start 3 sqrt(A) below A from the continued fraction
_BIG = 1e250  # rescale running sums beyond this
_LOG_BIG = math.log(_BIG)
_Y_MAX = 1e290  # 1/B beyond this: B underflows, the queue is never reached

# indices of the metrics vector filled by _queue_metrics
M_BLOCK = 0  # P(busy signal), over offered calls
M_WAIT = 1  # P(admitted and waits > 0), over offered calls
M_ABANDON = 2  # P(abandon), over offered calls
M_SERVED = 3  # P(answered), over offered calls
M_SL_OFFERED = 4  # P(answered and wait <= t), over offered calls
M_SL_ANSWERED = 5  # the same over answered calls
M_SL_VIRTUAL = 6  # P(virtual wait <= t), over admitted calls
M_W_GT_T = 7  # P(actual wait > t), over offered calls
M_EW_ADMITTED = 8  # mean wait of admitted calls (served or abandoned), in AHT units
M_ASA = 9  # mean wait of answered calls, in AHT units
M_EQ = 10  # mean number waiting
M_OCC = 11  # occupancy: carried load / agents
M_SL_ADMITTED = 12  # P(answered and wait <= t), over admitted calls
N_METRICS = 13


# --------------------------------------------------------------------------- Erlang B
@_jit
def _inv_b_cf(s, x):
    """1 / B(s - 1, x) = x^(1-s) e^x Gamma(s, x) for x > s + 1, by Legendre's continued
    fraction Gamma(s, x) = e^-x x^s h (modified Lentz); fast when x - s >~ 2 sqrt(x)."""
    tiny = 1e-300
    b = x + 1.0 - s
    cc = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 100000):
        an = -i * (i - s)
        b += 2.0
        d = an * d + b
        if abs(d) < tiny:
            d = tiny
        cc = b + an / cc
        if abs(cc) < tiny:
            cc = tiny
        d = 1.0 / d
        delta = d * cc
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return x * h


@_jit
def _gamma_upper_frac(s, x):
    """1 / B(s - 1, x) for s in (1, 2): x^(1-s) e^x Gamma(s, x) (x > 0)."""
    if x > s + 1.0:
        return _inv_b_cf(s, x)
    # series for the lower function: gamma(s,x) = e^-x x^s sum x^k / (s (s+1) ... (s+k))
    term = 1.0 / s
    total = term
    ap = s
    for _ in range(10000):
        ap += 1.0
        term *= x / ap
        total += term
        if term < total * 1e-17:
            break
    log_pref = s * math.log(x) - x
    gamma_s = math.exp(math.lgamma(s))
    upper = gamma_s - math.exp(log_pref) * total
    # B = x^(s-1) e^-x / Gamma(s, x)
    return upper / math.exp((s - 1.0) * math.log(x) - x)


@_jit
def inv_erlang_b_from(x, A, k_start, y_start):
    """Continue the recursion y_k = 1 + (k/A) y_(k-1) from (k_start, y_start) up to x.

    Returns (y_x, y_(x-1)); x - k_start must be a non-negative integer.
    """
    steps = int(round(x - k_start))
    y = y_start
    yprev = y_start
    k = k_start
    inv = 1.0 / A
    i = 0
    # four steps per iteration: y4 = c0 + c1 * y, with c0, c1 off the dependency chain;
    # the last step is always a single one so that y_(x-1) is known
    while steps - i > 4 and y < _Y_MAX:
        r1 = (k + 1.0) * inv
        r2 = (k + 2.0) * inv
        r3 = (k + 3.0) * inv
        r4 = (k + 4.0) * inv
        c0 = 1.0 + r4 * (1.0 + r3 * (1.0 + r2))
        c1 = r4 * r3 * r2 * r1
        y = c0 + c1 * y
        k += 4.0
        i += 4
    while i < steps and y < _Y_MAX:
        k += 1.0
        yprev = y
        y = 1.0 + k * inv * y
        i += 1
    if i < steps:  # stopped early: B underflows
        return np.inf, np.inf
    return y, yprev


@_jit
def inv_erlang_b(x, A):
    """(1/B(x, A), 1/B(x-1, A)) for real x >= 0 and A > 0 (second value is 0 for x < 1).

    Three regimes: (1) x at least one above a moderate load: the recursion starts
    7 sqrt(A) below the load from the fluid value, whose error is damped by
    P(Poisson(A) <= k0) / P(Poisson(A) <= x) < 2e-11; (2) x below the load, or a large
    load: an exact start from Legendre's continued fraction 3 sqrt(A) below the load (or
    at x itself when x lies lower), since there the damping argument fails; (3) small
    loads: the exact recursion from 0 (or from the fractional part, by the incomplete
    gamma function).
    """
    frac = x - math.floor(x)
    if A > 9.0 and (x < A + 1.0 or A > _CF_LOAD):
        m = math.floor(A - 3.0 * math.sqrt(A) - frac)
        if m >= 0.0:
            if m + frac >= x:
                # x itself lies well below the load, where the fraction converges fast
                yprev = _inv_b_cf(x, A) if x >= 1.0 else 0.0
                return _inv_b_cf(x + 1.0, A), yprev
            ks = m + frac
            return inv_erlang_b_from(x, A, ks, _inv_b_cf(ks + 1.0, A))
    k0 = A - _START_SIGMAS * math.sqrt(A)
    if x >= A + 1.0 and k0 > 1.0:
        m = math.floor(k0 - frac)
        if m >= 1.0:
            ks = m + frac
            ys = A / (A - ks)  # fluid start; its error is forgotten (see the docstring)
            return inv_erlang_b_from(x, A, ks, ys)
    if frac == 0.0:
        if x == 0.0:
            return 1.0, 0.0
        return inv_erlang_b_from(x, A, 0.0, 1.0)
    y0 = max(_gamma_upper_frac(frac + 1.0, A), 1.0)
    if x < 1.0:
        return y0, 0.0
    return inv_erlang_b_from(x, A, frac, y0)


@_jit
def erlang_b_scalar(A, x):
    if A == 0.0:
        return 0.0 if x > 0 else 1.0
    y, _ = inv_erlang_b(x, A)
    return min(1.0 / y, 1.0)


@_jit
def erlang_b_loop(A, x, out):
    for i in range(out.size):
        out[i] = erlang_b_scalar(A[i], x[i])


@_jit
def lines_for_blocking_scalar(A, target):
    """Smallest integer N with B(N, A) <= target (target in (0, 1])."""
    if A == 0.0 or target >= 1.0:
        return 0
    goal = 1.0 / target
    n = 0.0
    y = 1.0
    if A > 9.0:
        # exact start 3 sqrt(A) below the load, unless that many lines already suffice
        n0 = math.floor(A - 3.0 * math.sqrt(A))
        y0 = _inv_b_cf(n0 + 1.0, A)
        if y0 < goal:
            n = n0
            y = y0
    while y < goal:
        n += 1.0
        y = 1.0 + n / A * y
    return int(n)


@_jit
def lines_for_blocking_loop(A, target, out):
    for i in range(out.size):
        out[i] = lines_for_blocking_scalar(A[i], target[i])


@_jit
def extended_b_scalar(A0, x, redial, tol, max_iter, res):
    """Extended Erlang B: total load A = A0 + r A B(x, A), by fixed-point iteration.

    res <- (blocking, total load, retrial load, iterations, converged)
    """
    A = A0
    b = erlang_b_scalar(A, x)
    it = 0
    conv = False
    for it in range(1, max_iter + 1):
        A_new = A0 + redial * A * b
        if not math.isfinite(A_new):
            break
        b = erlang_b_scalar(A_new, x)
        if abs(A_new - A) <= tol * max(A_new, 1e-300):
            A = A_new
            conv = True
            break
        A = A_new
    res[0] = b
    res[1] = A
    res[2] = A - A0
    res[3] = it
    res[4] = 1.0 if conv else 0.0


@_jit
def extended_b_loop(A0, x, redial, tol, max_iter, out):
    for i in range(out.shape[0]):
        extended_b_scalar(A0[i], x[i], redial[i], tol, max_iter, out[i])


# --------------------------------------------------------------------------- Erlang C
@_jit
def erlang_c_core(A, x):
    """(C, 1 - C) for the M/M/x queue; C = 1 for x <= A."""
    if A == 0.0:
        return 0.0, 1.0
    if x <= A:
        return 1.0, 0.0
    y, yprev = inv_erlang_b(x, A)
    if not math.isfinite(y) or y > _Y_MAX:
        return 0.0, 1.0
    ym1 = x / A * yprev if x >= 1.0 else y - 1.0
    den = y * (x - A) + A
    return x / den, (x - A) * ym1 / den


@_jit
def erlang_c_sl(C, omc, A, x, tt):
    """Service level 1 - C exp(-(x - A) tt), computed without cancellation."""
    if x <= A:
        return 0.0
    return omc - C * math.expm1(-(x - A) * tt)


@_jit
def erlang_c_metrics_loop(A, x, tt, what, out):
    """what: 0 P(wait), 1 service level, 2 ASA (AHT units), 3 occupancy."""
    for i in range(out.size):
        a = A[i]
        n = x[i]
        if what == 3:
            out[i] = 0.0 if a == 0.0 else (1.0 if n <= a else a / n)
            continue
        C, omc = erlang_c_core(a, n)
        if what == 0:
            out[i] = C
        elif what == 1:
            out[i] = 1.0 if a == 0.0 else erlang_c_sl(C, omc, a, n, tt[i])
        else:
            out[i] = 0.0 if a == 0.0 else (np.inf if n <= a else C / (n - a))


@_jit
def erlang_c_inverse_scalar(A, tt, goal, kind, min_agents):
    """Smallest integer n >= min_agents, n > A, meeting a goal; the recursion runs once.

    kind 0: service level >= goal; kind 1: ASA (AHT units) <= goal; kind 2: P(wait) <= goal.
    """
    if A == 0.0:
        return int(math.ceil(min_agents))
    n = max(math.floor(A) + 1.0, math.ceil(min_agents))
    y, yprev = inv_erlang_b(n, A)
    while True:
        if not math.isfinite(y) or y > _Y_MAX:
            return int(n)
        ym1 = n / A * yprev
        den = y * (n - A) + A
        C = n / den
        if kind == 0:
            ok = ((n - A) * ym1 / den - C * math.expm1(-(n - A) * tt)) >= goal
        elif kind == 1:
            ok = C / (n - A) <= goal
        else:
            ok = C <= goal
        if ok:
            return int(n)
        n += 1.0
        yprev = y
        y = 1.0 + n / A * y


@_jit
def erlang_c_inverse_loop(A, tt, goal, kind, min_agents, out):
    for i in range(out.size):
        out[i] = erlang_c_inverse_scalar(A[i], tt[i], goal[i], kind, min_agents[i])


# ------------------------------------------------------- queues with patience and lines
@_jit
def _queue_metrics(A, c, K, th, tt, m, tails=False):
    """All metrics of M/M/c/(c+K)+M into m (AHT units). K < 0 means unlimited lines.

    With ``tails`` the sum also runs until P(wait > t) is exact to 1e-14 relative even
    where it is astronomically small (the inverses do not need it).

    States c + j (j = 0..K) hold j waiting callers; in units of p_c their probabilities
    are t_j = prod_{i=1..j} A / (c + i th); states below c add y_c - 1 (y = 1/B).
    A caller admitted with j ahead waits V_j = sum_{i=0..j} Exp(c + i th):
    P(V_j > t) = P(NB(c/th, e^-th t) <= j) and
    P(answered, wait <= t) = c / (c + (j+1) th) * P(NB(c/th + 1, e^-th t) > j);
    with th = 0 these become Poisson(c t) probabilities and 1.
    """
    for k in range(N_METRICS):
        m[k] = 0.0
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
    if not math.isfinite(y) or y > _Y_MAX:
        # the queue is never reached: every call answered at once
        m[M_SERVED] = 1.0
        m[M_SL_OFFERED] = 1.0
        m[M_SL_ANSWERED] = 1.0
        m[M_SL_VIRTUAL] = 1.0
        m[M_SL_ADMITTED] = 1.0
        m[M_OCC] = A / c
        return
    below = (c / A * yprev) if c >= 1.0 else (y - 1.0)  # sum_{k<c} p_k / p_c
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
        C = c / den
        sl = (c - A) * below / den - C * math.expm1(-(c - A) * tt)
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
        if K < 0 and ratio < 1.0:
            tail = t * (j + 2.0) / (1.0 - ratio)
            if tail < 1e-17 * tot and (not tails or tail < 1e-14 * wgt or t == 0.0):
                break
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
    m[M_OCC] = A * m[M_SERVED] / c if c > 0.0 else 0.0


@_jit
def _queue_one(A, c, K, th, tt, what, tol=1e-17, ks=-1.0, yks=0.0):
    """One metric of M/M/c/(c+K)+M, summing only what that metric needs.

    The same sums as `_queue_metrics` (see there), with one division per waiting position
    less and only the negative-binomial chain the metric uses: the hot path of the
    inverses and of the single-metric public functions.
    """
    if A == 0.0 or c <= 0.0 or (th == 0.0 and K < 0) or what == M_W_GT_T or what == M_EW_ADMITTED or what == M_EQ:
        m = np.empty(N_METRICS)
        _queue_metrics(A, c, K, th, tt, m, what == M_W_GT_T)
        return m[what]
    if ks >= 0.0 and c > ks and c == math.floor(c):
        # an exact 1/B at ks (continued fraction, computed once per search) is carried up to c
        y, yprev = inv_erlang_b_from(c, A, ks, yks)
    else:
        y, yprev = inv_erlang_b(c, A)
    if not math.isfinite(y) or y > _Y_MAX:
        if what == M_OCC:
            return A / c
        if what == M_ASA or what == M_BLOCK or what == M_WAIT or what == M_ABANDON:
            return 0.0
        return 1.0
    below = (c / A * yprev) if c >= 1.0 else (y - 1.0)
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
        if K < 0 and (j & 7) == 0 and ratio < 1.0 and t * (j + 2.0) < tol * tot * (1.0 - ratio):
            break
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
        return A * served / Z / c
    if what == M_SL_OFFERED:
        return (base + acc) / Z
    if what == M_SL_ANSWERED:
        return (base + acc) / served
    if what == M_SL_ADMITTED or what == M_SL_VIRTUAL:
        return (base + acc) / (base + adm)
    return acc / served  # M_ASA


@_jit
def queue_metrics_loop(A, c, K, th, tt, out):
    for i in range(out.shape[0]):
        _queue_metrics(A[i], c[i], K[i], th[i], tt[i], out[i], True)


@_jit
def queue_metric_loop(A, c, K, th, tt, what, out):
    for i in range(out.size):
        out[i] = _queue_one(A[i], c[i], K[i], th[i], tt[i], what)


@_jit
def _redial_metrics(A0, c, K, th, tt, rb, ra, tol, max_iter, m, res, tails=False):
    """Fixed point A = A0 + A (rb P(block) + ra P(abandon)); res <- (A, retrial, it, conv)."""
    A = A0
    _queue_metrics(A, c, K, th, tt, m, tails)
    it = 0
    conv = rb == 0.0 and ra == 0.0
    if not conv:
        for it in range(1, max_iter + 1):
            A_new = A0 + A * (rb * m[M_BLOCK] + ra * m[M_ABANDON])
            if not math.isfinite(A_new) or A_new > 1e15:
                A = A_new
                break
            _queue_metrics(A_new, c, K, th, tt, m, tails)
            if abs(A_new - A) <= tol * max(A_new, 1e-300):
                A = A_new
                conv = True
                break
            A = A_new
    res[0] = A
    res[1] = A - A0
    res[2] = it
    res[3] = 1.0 if conv else 0.0


@_jit
def redial_metrics_loop(A0, c, K, th, tt, rb, ra, tol, max_iter, out, res):
    for i in range(out.shape[0]):
        _redial_metrics(A0[i], c[i], K[i], th[i], tt[i], rb[i], ra[i], tol, max_iter, out[i], res[i], True)


# --------------------------------------------------------------- inverses (A and X)
@_jit
def _k_of(lines, c):
    """Waiting places for c agents on ``lines`` lines: lines -1 is unlimited (K = -1), -2 none (K = 0)."""
    if lines < -1.5:
        return 0
    return -1 if lines < 0 else int(math.floor(lines - c + 1e-9))


@_jit
def _value(A, c, lines, th, tt, rb, ra, what, m, res, goal, ks, yks):
    """The metric at c agents (NaN if the redial fixed point does not converge)."""
    K = _k_of(lines, c)
    if rb == 0.0 and ra == 0.0:
        # a sum cut at 1e-12 decides almost every comparison with the goal (16 % fewer terms);
        # a value within 1e-9 of it is summed again to full precision
        v = _queue_one(A, c, K, th, tt, what, 1e-12, ks, yks)
        if abs(v - goal) <= 1e-9 * max(1.0, abs(goal)):
            v = _queue_one(A, c, K, th, tt, what, 1e-17, ks, yks)
        return v
    _redial_metrics(A, c, K, th, tt, rb, ra, 1e-12, 500, m, res)
    if res[3] == 0.0:
        return np.nan
    return m[what]


@_jit
def _ok(v, goal, upper):
    if v != v:
        return False
    return v <= goal if upper else v >= goal


@_jit
def agents_search_scalar(A, lines, th, tt, rb, ra, what, goal, upper, min_agents, guess, cap):
    """Smallest integer c in [min_agents, cap] meeting the goal.

    ``lines`` < 0 means unlimited; with lines, K = lines - c. The metric is monotone in c,
    so a bracket (lo fails, hi meets) is exact. The first probe is the guess (the Erlang C
    answer); when it meets the goal the second probe goes 70 % of the way down to the
    load (abandonment lowers the need); then regula falsi on the bracket, with a
    bisection whenever the same end moved twice, or a secant gallop while no probe has
    met the goal. About four evaluations on typical loads. Returns -1 if even ``cap``
    agents fail.
    """
    m = np.empty(N_METRICS)
    res = np.empty(4)
    lo_ok = float(math.ceil(min_agents))
    if A == 0.0:
        return int(lo_ok)
    # one exact Erlang B start 3 sqrt(A) below the load serves every probe of this search
    ks = -1.0
    yks = 0.0
    if A > 9.0:
        ks = math.floor(A - 3.0 * math.sqrt(A))
        yks = _inv_b_cf(ks + 1.0, A)
    lo = lo_ok - 1.0  # fails (or lies below the allowed range)
    vlo = np.nan
    hi = -1.0  # meets; -1: none yet
    vhi = np.nan
    x = min(max(float(math.ceil(guess)), lo_ok), cap)
    v = _value(A, x, lines, th, tt, rb, ra, what, m, res, goal, ks, yks)
    if _ok(v, goal, upper):
        hi = x
        vhi = v
        n = max(lo_ok, x - max(1.0, math.floor(0.7 * (x - A) + 0.5)))
        if n >= hi:
            n = hi - 1.0
    else:
        lo = x
        vlo = v
        n = x + 1.0
    px = x
    pv = v
    step = 1.0
    last = 0  # which end moved last: 1 lo, 2 hi
    repeat = 0
    while hi < 0.0 or hi - lo > 1.0:
        if n > cap:
            if hi >= 0.0:
                n = math.floor((lo + hi) / 2.0)
            else:
                n = cap
        if n <= lo:
            n = lo + 1.0
        if hi >= 0.0 and n >= hi:
            n = hi - 1.0
        if n > cap:
            return -1
        v = _value(A, n, lines, th, tt, rb, ra, what, m, res, goal, ks, yks)
        if _ok(v, goal, upper):
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
        px = n
        pv = v
        if hi >= 0.0 and (repeat >= 1 or est != est):
            n = math.floor((lo + hi) / 2.0)
            repeat = 0
        elif hi < 0.0:
            step *= 2.0
            n = max(float(math.ceil(est)), lo + 1.0) if est == est else lo + step
            n = min(n, lo + 64.0 * step)
        else:
            n = float(math.ceil(est))
    return int(hi)


@_jit
def agents_search_loop(A, lines, th, tt, rb, ra, what, goal, upper, min_agents, guess, cap, out):
    for i in range(out.size):
        out[i] = agents_search_scalar(
            A[i], lines[i], th[i], tt[i], rb[i], ra[i], what, goal[i], upper, min_agents[i], guess[i], cap[i]
        )


@_jit
def _lines_ok(A, c, n, th, tt, rb, ra, goal, m, res):
    _redial_metrics(A, c, _k_of(n, c), th, tt, rb, ra, 1e-12, 500, m, res)
    return res[3] == 1.0 and m[M_BLOCK] <= goal


@_jit
def lines_search_scalar(A, c, th, tt, rb, ra, goal, cap):
    """Smallest integer N >= c with P(block) <= goal (blocking falls as lines grow)."""
    m = np.empty(N_METRICS)
    res = np.empty(4)
    n0 = math.ceil(c)
    lo = n0 - 1.0
    hi = n0
    step = 1.0

    while not _lines_ok(A, c, hi, th, tt, rb, ra, goal, m, res):
        lo = hi
        step *= 2.0
        hi = lo + step
        if hi > cap:
            hi = cap
            if not _lines_ok(A, c, hi, th, tt, rb, ra, goal, m, res):
                return -1
            break
    while hi - lo > 1.0:
        mid = math.floor((lo + hi) / 2.0)
        if _lines_ok(A, c, mid, th, tt, rb, ra, goal, m, res):
            hi = mid
        else:
            lo = mid
    return int(hi)


@_jit
def lines_search_loop(A, c, th, tt, rb, ra, goal, cap, out):
    for i in range(out.size):
        out[i] = lines_search_scalar(A[i], c[i], th[i], tt[i], rb[i], ra[i], goal[i], cap[i])


@_jit
def load_for_blocking_scalar(x, target):
    """The offered load A with B(x, A) = target: safeguarded Newton on log B (increasing in A)."""
    if x == 0.0:
        return 0.0 if target < 1.0 else np.inf
    lo = 0.0
    hi = x + 10.0 * math.sqrt(x) + 10.0
    while erlang_b_scalar(hi, x) < target:
        lo = hi
        hi *= 2.0
    A = 0.5 * (lo + hi)
    lt = math.log(target)
    for _ in range(200):
        b = erlang_b_scalar(A, x)
        f = math.log(b) - lt
        if f > 0.0:
            hi = A
        else:
            lo = A
        step = f / (x / A - 1.0 + b)
        A_new = A - step
        if not (lo < A_new < hi):
            A_new = 0.5 * (lo + hi)
        if abs(A_new - A) <= 1e-15 * A:
            return A_new
        A = A_new
    return A


@_jit
def load_for_blocking_loop(x, target, out):
    for i in range(out.size):
        out[i] = load_for_blocking_scalar(x[i], target[i])
