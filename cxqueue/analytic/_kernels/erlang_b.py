"""Erlang B kernels: 1/B by the forward recursion, lines and load for a blocking target.

``inv_erlang_b`` is the entry every other model builds on (see the package docstring for
the recursion and its starting points). Above ``ASYM_LOAD`` Erlangs the recursion (O(sqrt(A))
steps) gives way to forms of bounded cost: Legendre's continued fraction below the load
and Temme's uniform asymptotic expansion near and above it (`inv_b_temme`).
"""

from __future__ import annotations

import math

import numpy as np

from cxqueue.analytic._kernels._jit import kernel

_START_SIGMAS = 7.0  # start the recursion this many sqrt(A) below A
_CF_LOAD = 2000.0  # above this load, start 3 sqrt(A) below A from the continued fraction
Y_MAX = 1e290  # 1/B beyond this: B underflows, the queue is never reached
#: above this load, 1/B costs a bounded amount of work (`inv_b_temme`, `inv_b_cf`) instead of
#: the recursion's O(sqrt(A)) steps; both sides agree with mpmath to 1e-12 at the switch
#: (tests/analytic/test_bounded.py)
ASYM_LOAD = 1e6
_SQRT_PI = 1.7724538509055159
_FLOAT_MAX = 1.7976931348623157e308


@kernel
def _u_minus_log1p(u):
    """u - log(1 + u) for u > -1, without the cancellation near 0 (series for |u| < 0.2)."""
    if abs(u) >= 0.2:
        return u - math.log1p(u)
    v = -u
    s = 0.0
    for m in range(36, -1, -1):  # sum_{m>=0} v^m / (m + 2); 0.2^37 < 1e-25
        s = s * v + 1.0 / (m + 2.0)
    return u * u * s


@kernel
def erfcx(z):
    """exp(z^2) erfc(z): inf where it overflows (z < -26.6); the asymptotic series above z = 26
    (its first omitted term is below 2e-13); exp(z^2) with z^2 split exactly (Dekker)."""
    if z > 26.0:
        w = 1.0 / (z * z)
        return (1.0 - w * (0.5 - w * (0.75 - w * (1.875 - w * 6.5625)))) / (z * _SQRT_PI)
    zz = z * z
    cz = 134217729.0 * z
    zh = cz - (cz - z)
    zl = z - zh
    lo = ((zh * zh - zz) + 2.0 * zh * zl) + zl * zl
    return math.exp(zz) * (1.0 + lo) * math.erfc(z)


@kernel
def _inv_b_down(x, A):
    """1/B(x, A) = sum_k x (x-1) ... (x-k+1) / A^k for x <= A/2: the terms fall by x/A or
    faster, so at most about 55 of them reach 1e-17 of the sum."""
    y = 1.0
    r = 1.0
    k = 0.0
    while abs(r) > 1e-17 * y:
        r *= (x - k) / A
        y += r
        k += 1.0
    return y


@kernel
def inv_b_temme(x, A):
    """(1/B(x, A), 1/B(x-1, A)) by Temme's uniform asymptotic expansion, for large x + 1.

    With a = x + 1, lambda = A / a and eta = sign(lambda - 1) sqrt(2 (lambda - 1 - ln lambda)),
    1/B = Gamma(a) e^A A^(1-a) Q(a, A) and Temme's Q(a, a lambda) (DLMF 8.12.3-8.12.8) give

        1/B(x, A) = (A / a) Gamma*(a) [sqrt(pi a / 2) erfcx(eta sqrt(a / 2)) + C0(eta) + C1(eta) / a],

    Gamma*(a) = 1 + 1/(12a) + 1/(288a^2) (Stirling), C0 = 1/(lambda-1) - 1/eta,
    C1 = 1/eta^3 - 1/(lambda-1)^3 - 1/(lambda-1)^2 - 1/(12(lambda-1)) (their Taylor series for
    |eta| < 0.05). Exact as a -> inf; the first omitted term is O(a^-2) against a bracket of
    order sqrt(a). Far below the load (lambda - 1 = u large) the bracket, about 1/u, is the
    difference of terms of order 1/eta: rounding then costs eps sqrt(u), so `inv_erlang_b`
    takes it only for lambda < 2 or within 3 sqrt(A) of the load. Accuracy against mpmath:
    1.5e-12 relative at A = 1e4, below 1e-12 from 1e5 up (tests/analytic/test_bounded.py);
    used above ``ASYM_LOAD`` = 1e6 Erlangs.
    """
    a = x + 1.0
    u = ((A - x) - 1.0) / a  # lambda - 1
    if u < -0.999:  # A < a / 1000 (with a > 1e6): B underflows
        return np.inf, np.inf
    eta = math.copysign(math.sqrt(2.0 * _u_minus_log1p(u)), u)
    z = eta * math.sqrt(0.5 * a)
    if z < -26.5:  # B underflows
        return np.inf, np.inf
    if abs(eta) < 0.05:
        e = eta
        c0 = -1.0 / 3.0 + e * (
            1.0 / 12.0
            + e * (-2.0 / 135.0 + e * (1.0 / 864.0 + e * (1.0 / 2835.0 + e * (-139.0 / 777600.0 + e / 25515.0))))
        )
        c1 = -1.0 / 540.0 + e * (-1.0 / 288.0 + e * (1.0 / 378.0 + e * (-77.0 / 77760.0 + e / 4860.0)))
    else:
        c0 = 1.0 / u - 1.0 / eta
        c1 = 1.0 / (eta * eta * eta) - 1.0 / (u * u * u) - 1.0 / (u * u) - 1.0 / (12.0 * u)
    gstar = 1.0 + 1.0 / (12.0 * a) + 1.0 / (288.0 * a) / a
    y = (A / a) * gstar * (math.sqrt(0.5 * math.pi * a) * erfcx(z) + c0 + c1 / a)
    return y, (y - 1.0) * (A / x)


@kernel
def inv_b_cf(s, x):
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


@kernel
def _gamma_upper_frac(s, x):
    """1 / B(s - 1, x) for s in (1, 2): x^(1-s) e^x Gamma(s, x) (x > 0)."""
    if x > s + 1.0:
        return inv_b_cf(float(s), x)
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


@kernel
def inv_erlang_b_from(x, A, k_start, y_start):
    """Continue the recursion y_k = 1 + (k/A) y_(k-1) from (k_start, y_start) up to x.

    Returns (y_x, y_(x-1)); x - k_start must be a non-negative integer.
    """
    steps = round(x - k_start)
    y = y_start
    yprev = y_start
    k = k_start
    inv = 1.0 / A
    i = 0
    # four steps per iteration: y4 = c0 + c1 * y, with c0, c1 off the dependency chain;
    # the last step is always a single one so that y_(x-1) is known
    while steps - i > 4 and y < Y_MAX:
        r1 = (k + 1.0) * inv
        r2 = (k + 2.0) * inv
        r3 = (k + 3.0) * inv
        r4 = (k + 4.0) * inv
        c0 = 1.0 + r4 * (1.0 + r3 * (1.0 + r2))
        c1 = r4 * r3 * r2 * r1
        y = c0 + c1 * y
        k += 4.0
        i += 4
    while i < steps and y < Y_MAX:
        k += 1.0
        yprev = y
        y = 1.0 + k * inv * y
        i += 1
    if i < steps:  # stopped early: B underflows
        return np.inf, np.inf
    return y, yprev


@kernel
def inv_erlang_b(x, A):
    """(1/B(x, A), 1/B(x-1, A)) for real x >= 0 and A > 0 (second value is 0 for x < 1).

    Above ``ASYM_LOAD`` Erlangs: Legendre's continued fraction below ``A - 3 sqrt(A)``, Temme's
    expansion from there up (bounded work at any load). Below it three regimes: (1) x at
    least one above a moderate load: the recursion starts 7 sqrt(A) below the load from
    the fluid value, whose error is damped by
    P(Poisson(A) <= k0) / P(Poisson(A) <= x) < 2e-11; (2) x below the load, or a large
    load: an exact start from Legendre's continued fraction 3 sqrt(A) below the load (or
    at x itself when x lies lower), since there the damping argument fails; (3) small
    loads: the exact recursion from 0 (or from the fractional part, by the incomplete
    gamma function).
    """
    if A > ASYM_LOAD:
        if x >= A - 3.0 * math.sqrt(A):
            return inv_b_temme(x, A)
        if A <= 1e300:
            # well below the load Legendre's fraction converges in at most about 60 steps at any load
            return inv_b_cf(x + 1.0, A), (inv_b_cf(float(x), A) if x >= 1.0 else 0.0)
        # (the fraction's terms would be subnormal)
        if x <= 0.5 * A:
            return _inv_b_down(x, A), (_inv_b_down(x - 1.0, A) if x >= 1.0 else 0.0)
        # between half the load and 3 sqrt(A) below it Temme's terms overflow near the largest
        # float; there 1/B = A / (A - x) (the fluid limit) holds to the last bit: its error is
        # of order 1 / (A (1 - x/A)^2) < 1e-290, and 1/B(x - 1) differs from 1/B(x) by less
        y = A / (A - x)
        return y, y
    if x > 2.0 * A + 1500.0:  # beyond A + 40 sqrt(A) + 1000: 1/B > 1e300 (and the step count overflows)
        return np.inf, np.inf
    frac = x - math.floor(x)
    if A > 9.0 and (x < A + 1.0 or A > _CF_LOAD):
        m = math.floor(A - 3.0 * math.sqrt(A) - frac)
        if m >= 0.0:
            if m + frac >= x:
                # x itself lies well below the load, where the fraction converges fast
                yprev = inv_b_cf(float(x), A) if x >= 1.0 else 0.0
                return inv_b_cf(x + 1.0, A), yprev
            ks = m + frac
            return inv_erlang_b_from(x, A, ks, inv_b_cf(ks + 1.0, A))
    # the fluid start needs k0 = A - 7 sqrt(A) > 1, so A > 50: small loads skip the square root
    k0 = A - _START_SIGMAS * math.sqrt(A) if A > 50.0 else 0.0
    if x >= A + 1.0 and k0 > 1.0:
        m = math.floor(k0 - frac)
        if m >= 1.0:
            ks = m + frac
            ys = A / (A - ks)  # fluid start; its error is forgotten (see the package docstring)
            return inv_erlang_b_from(x, A, ks, ys)
    if frac == 0.0:
        if x == 0.0:
            return 1.0, 0.0
        return inv_erlang_b_from(x, A, 0.0, 1.0)
    y0 = max(_gamma_upper_frac(frac + 1.0, A), 1.0)
    if x < 1.0:
        return y0, 0.0
    return inv_erlang_b_from(x, A, frac, y0)


@kernel
def blocking(A, x):
    """B(x, A), the Erlang B blocking probability of x lines offered A Erlangs."""
    if A == 0.0:
        return 0.0 if x > 0 else 1.0
    y, _ = inv_erlang_b(x, A)
    return min(1.0 / y, 1.0)


@kernel
def blocking_loop(A, x, out):
    for i in range(out.size):
        out[i] = blocking(A[i], x[i])


@kernel
def _lines_bisect(A, goal, lo, hi):
    """Smallest integer n in (lo, hi] with 1/B(n, A) >= goal: lo fails, hi meets."""
    while hi - lo > 1.0:
        mid = float(math.floor(0.5 * (lo + hi)))
        if inv_erlang_b(mid, A)[0] >= goal:
            hi = mid
        else:
            lo = mid
    return int(hi)


@kernel
def lines_for_blocking(A, target):
    """Smallest integer N with B(N, A) <= target (target in (0, 1])."""
    if A == 0.0 or target >= 1.0:
        return 0
    goal = 1.0 / target
    n = 0.0
    y = 1.0
    if A > ASYM_LOAD:
        # bounded work: bisection on 1/B, which grows with the lines
        lo = -1.0  # fails
        hi = float(math.floor(A))
        if inv_erlang_b(hi, A)[0] < goal:
            step = math.sqrt(A)
            lo = hi
            hi = lo + step
            while inv_erlang_b(hi, A)[0] < goal:
                lo = hi
                step *= 2.0
                hi = lo + step
        return _lines_bisect(A, goal, lo, hi)
    if A > 9.0:
        # exact start 3 sqrt(A) below the load, unless that many lines already suffice
        n0 = float(math.floor(A - 3.0 * math.sqrt(A)))
        y0 = inv_b_cf(n0 + 1.0, A)
        if y0 < goal:
            n = n0
            y = y0
        elif n0 > 1000.0:  # fewer lines than n0: bisection, not a walk of up to n0 steps
            return _lines_bisect(A, goal, -1.0, n0)
    while y < goal:
        n += 1.0
        y = 1.0 + n / A * y
    return int(n)


@kernel
def lines_for_blocking_loop(A, target, out):
    for i in range(out.size):
        out[i] = lines_for_blocking(A[i], target[i])


@kernel
def extended_b(A0, x, redial, tol, max_iter, res):
    """Extended Erlang B: total load A = A0 + r A B(x, A), by fixed-point iteration.

    res <- (blocking, total load, retrial load, iterations, converged)
    """
    A = A0
    b = blocking(A, x)
    it = 0
    conv = False
    for it in range(1, max_iter + 1):  # noqa: B007 (the count is reported)
        A_new = A0 + redial * A * b
        if not math.isfinite(A_new):
            break
        b = blocking(A_new, x)
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


@kernel
def extended_b_loop(A0, x, redial, tol, max_iter, out):
    for i in range(out.shape[0]):
        extended_b(A0[i], x[i], redial[i], tol, max_iter, out[i])


@kernel
def load_for_blocking(x, target):
    """The offered load A with B(x, A) = target: safeguarded Newton on log B (increasing in A)."""
    if x == 0.0:
        return 0.0 if target < 1.0 else np.inf
    lo = 0.0
    hi = x + 10.0 * math.sqrt(x) + 10.0
    while blocking(hi, x) < target:
        if hi >= _FLOAT_MAX:
            return np.inf  # the load lies beyond float64
        lo = hi
        hi = min(2.0 * hi, _FLOAT_MAX)
    A = lo + 0.5 * (hi - lo)  # (lo + hi may overflow)
    lt = math.log(target)
    for _ in range(200):
        b = blocking(A, x)
        f = (math.log(b) if b > 0.0 else -np.inf) - lt  # (B underflows far below the answer)
        if f > 0.0:
            hi = A
        else:
            lo = A
        step = f / (x / A - 1.0 + b)
        A_new = A - step
        if not (lo < A_new < hi):
            A_new = lo + 0.5 * (hi - lo)
        if abs(A_new - A) <= 1e-15 * A:
            return A_new
        A = A_new
    return A


@kernel
def load_for_blocking_loop(x, target, out):
    for i in range(out.size):
        out[i] = load_for_blocking(x[i], target[i])
