"""Erlang B (M/M/c/c): phone lines and busy signals.

A trunk group of ``lines`` lines offered ``offered_load`` Erlangs of Poisson traffic; a
call that finds every line busy is blocked. By insensitivity the blocking probability
holds for any holding-time distribution with the same mean.

The blocking probability is computed by the stable recursion
``1/B(k) = 1 + (k/A) / B(k-1)`` (never factorials or powers of the load), started
``7 sqrt(A)`` below the load so that large loads cost O(sqrt(A)); non-integer ``lines``
use the continuous extension ``B(x, A) = A^x e^-A / Gamma(x + 1, A)``. Above 1e6 Erlangs
every call costs a bounded amount of work: Legendre's continued fraction below the load and
Temme's uniform asymptotic expansion near and above it (exact as the load grows; within
1e-12 relative of mpmath from 1e5 Erlangs up). The inverse ``lines_for_blocking`` takes
loads up to 1e15 Erlangs (its answer is an exact int64).
"""

from __future__ import annotations

from cxqueue.analytic import _core as core
from cxqueue.analytic import _iv as iv
from cxqueue.analytic import _scalar as sc
from cxqueue.analytic._common import ExtendedErlangB
from cxqueue.analytic._kernels import erlang_b as kb

__all__ = [
    "ExtendedErlangB",
    "blocking_probability",
    "extended_blocking",
    "lines_for_blocking",
    "load_for_blocking",
]

_LINES = {"x": "lines"}


def blocking_probability(offered_load, lines):
    """Probability that a call finds all ``lines`` busy (Erlang B).

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (>= 0).
    lines : array_like of float
        Number of lines (>= 0); non-integers use the continuous extension.

    Returns
    -------
    ndarray of float64
        B(lines, offered_load), broadcast over the inputs (0-d for scalars).

    Examples
    --------
    >>> round(float(blocking_probability(25.0, 30)), 6)
    0.052603
    >>> blocking_probability(1.0, [1, 2]).tolist()
    [0.5, 0.2]
    """
    s = sc.values((sc.NONNEG, sc.NONNEG), offered_load, lines)
    if s is not None:
        return sc.f8(kb.blocking(*s))
    A, x = iv.load(offered_load), iv.agents(lines, "lines")
    iv.shape_of(_LINES, A=A, x=x)
    return core.erlang_b(A, x)


def lines_for_blocking(offered_load, *, blocking, redial=0.0):
    """Fewest lines whose blocking probability is at most ``blocking``.

    Parameters
    ----------
    offered_load : array_like of float
        Fresh offered traffic in Erlangs.
    blocking : array_like of float
        Target grade of service, a fraction in (0, 1].
    redial : array_like of float, optional
        Fraction of blocked callers who call again (extended Erlang B); the target then
        applies to the blocking seen by every attempt.

    Returns
    -------
    ndarray of int64

    Examples
    --------
    >>> int(lines_for_blocking(10.0, blocking=0.02))
    17
    >>> int(lines_for_blocking(10.0, blocking=0.02, redial=0.5))
    17
    """
    s = sc.values((sc.COUNT, sc.FRACTION_OPEN_LOW, sc.FRACTION), offered_load, blocking, redial)
    if s is not None and s[2] == 0.0:
        return sc.i8(kb.lines_for_blocking(s[0], s[1]))
    arrays = dict(
        A=iv.counted("offered_load", iv.load(offered_load)),
        target=iv.fraction("blocking", blocking, open_low=True),
        r=iv.fraction("redial", redial),
    )
    iv.shape_of(**arrays)
    out = core.lines_for_blocking_b(*arrays.values())
    return iv.raise_unreachable(out, "lines", offered_load=arrays["A"], blocking=arrays["target"])


def load_for_blocking(lines, *, blocking):
    """The offered load in Erlangs that ``lines`` lines carry at grade of service ``blocking``.

    Solves B(lines, A) = blocking for A (Newton on log B, kept inside a bisection bracket).

    Parameters
    ----------
    lines : array_like of float
        Number of lines (non-integers use the continuous extension).
    blocking : array_like of float
        Grade of service, a fraction in (0, 1).

    Returns
    -------
    ndarray of float64

    Examples
    --------
    >>> round(float(load_for_blocking(15, blocking=0.01)), 4)
    8.108
    """
    s = sc.values((sc.NONNEG, sc.FRACTION_OPEN), lines, blocking)
    if s is not None:
        return sc.f8(kb.load_for_blocking(*s))
    x = iv.agents(lines, "lines")
    target = iv.fraction("blocking", blocking, open_low=True, open_high=True)
    iv.shape_of(_LINES, x=x, target=target)
    return core.load_for_blocking(x, target)


def extended_blocking(offered_load, lines, *, redial, tol=1e-12, max_iter=1000):
    """Extended Erlang B: a fraction ``redial`` of blocked callers call again.

    Solves A = A0 + redial * A * B(lines, A) by fixed-point iteration (monotone from A0).

    Parameters
    ----------
    offered_load : array_like of float
        Fresh offered traffic A0 in Erlangs.
    lines : array_like of float
        Number of lines.
    redial : array_like of float
        Fraction of blocked attempts that are retried, in [0, 1].
    tol, max_iter : float, int
        Relative tolerance on the total load and the iteration cap; ``converged`` says
        whether it was met (with redial = 1 and A0 above capacity no fixed point exists).

    Returns
    -------
    ExtendedErlangB

    Examples
    --------
    >>> r = extended_blocking(10.0, 12, redial=0.5)
    >>> round(float(r.blocking), 4), round(float(r.retrial_load), 4), bool(r.converged)
    (0.1518, 0.8214, True)
    """
    A, x, r = iv.load(offered_load), iv.agents(lines, "lines"), iv.fraction("redial", redial)
    iv.shape_of(_LINES, A=A, x=x, r=r)
    tol, max_iter = iv.iteration(tol, max_iter)
    return core.extended_b(A, x, r, tol, max_iter)
