"""Erlang B kernels: 1/B by the forward recursion, lines and load for a blocking target.

``inv_erlang_b`` is the entry every other model builds on (see the package docstring for
the recursion and its starting points).
"""

from __future__ import annotations

import math

import numpy as np

from cxqueue.analytic._kernels._jit import kernel

_START_SIGMAS = 7.0  # start the recursion this many sqrt(A) below A
_CF_LOAD = 2000.0  # above this load, start 3 sqrt(A) below A from the continued fraction
Y_MAX = 1e290  # 1/B beyond this: B underflows, the queue is never reached


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
        return inv_b_cf(s, x)
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
                yprev = inv_b_cf(x, A) if x >= 1.0 else 0.0
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
def lines_for_blocking(A, target):
    """Smallest integer N with B(N, A) <= target (target in (0, 1])."""
    if A == 0.0 or target >= 1.0:
        return 0
    goal = 1.0 / target
    n = 0.0
    y = 1.0
    if A > 9.0:
        # exact start 3 sqrt(A) below the load, unless that many lines already suffice
        n0 = math.floor(A - 3.0 * math.sqrt(A))
        y0 = inv_b_cf(n0 + 1.0, A)
        if y0 < goal:
            n = n0
            y = y0
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
        lo = hi
        hi *= 2.0
    A = 0.5 * (lo + hi)
    lt = math.log(target)
    for _ in range(200):
        b = blocking(A, x)
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


@kernel
def load_for_blocking_loop(x, target, out):
    for i in range(out.size):
        out[i] = load_for_blocking(x[i], target[i])
