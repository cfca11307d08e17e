"""Erlang B (M/M/c/c): phone lines and busy signals.

A trunk group of ``lines`` lines offered ``offered_load`` Erlangs of Poisson traffic; a
call that finds every line busy is blocked. By insensitivity the blocking probability
holds for any holding-time distribution with the same mean.

The blocking probability is computed by the stable recursion
``1/B(k) = 1 + (k/A) / B(k-1)`` (never factorials or powers of the load), started
``7 sqrt(A)`` below the load so that large loads cost O(sqrt(A)); non-integer ``lines``
use the continuous extension ``B(x, A) = A^x e^-A / Gamma(x + 1, A)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.analytic import _common as cm
from cxqueue.analytic import _kernels as k
from cxqueue.exceptions import ConfigError

__all__ = [
    "ExtendedErlangB",
    "blocking_probability",
    "extended_blocking",
    "lines_for_blocking",
    "load_for_blocking",
]


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
    shape, f = cm.broadcast({"x": "lines"}, A=cm.load(offered_load), x=cm.agents(lines, "lines"))
    out = np.empty(f["A"].size)
    k.erlang_b_loop(f["A"], f["x"], out)
    return cm.reshape(out, shape)


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
    A = cm.load(offered_load)
    target = v.fraction_array("blocking", blocking, open_low=True)
    r = v.fraction_array("redial", redial)
    shape, f = cm.broadcast(A=A, target=target, r=r)
    out = np.empty(f["A"].size, dtype=np.int64)
    k.lines_for_blocking_loop(f["A"], f["target"], out)
    need = f["r"] > 0
    if need.any():
        z = np.zeros(f["A"].size)
        guess = out.astype(np.float64)
        cap = np.ceil(10.0 * f["A"] + 50.0 * np.sqrt(f["A"]) + 1000.0)
        more = np.empty_like(out)
        k.agents_search_loop(
            f["A"], np.full(f["A"].size, -2.0), z, z, f["r"], z, k.M_BLOCK, f["target"], True, z, guess, cap, more
        )
        cm.raise_unreachable(more, shape, "lines", offered_load=f["A"], blocking=f["target"])
        out = np.where(need, more, out)
    return cm.reshape(out, shape)


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
    x = cm.agents(lines, "lines")
    target = v.fraction_array("blocking", blocking, open_low=True, open_high=True)
    shape, f = cm.broadcast({"x": "lines"}, x=x, target=target)
    out = np.empty(f["x"].size)
    k.load_for_blocking_loop(f["x"], f["target"], out)
    return cm.reshape(out, shape)


@dataclass(frozen=True, eq=False)
class ExtendedErlangB:
    """Blocking with redials: the fixed point A = A0 + r A B(N, A).

    Attributes: ``blocking`` (per attempt), ``total_load`` and ``retrial_load`` in
    Erlangs, ``iterations`` and ``converged`` of the fixed point.
    """

    blocking: np.ndarray
    total_load: np.ndarray
    retrial_load: np.ndarray
    iterations: np.ndarray
    converged: np.ndarray

    def to_dict(self) -> dict:
        return {name: np.asarray(val).tolist() for name, val in self.__dict__.items()}


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
    shape, f = cm.broadcast(
        {"x": "lines"}, A=cm.load(offered_load), x=cm.agents(lines, "lines"), r=v.fraction_array("redial", redial)
    )
    if not (tol > 0):
        raise ConfigError(f"tol must be > 0; got {tol!r}")
    max_iter = v.integer_scalar("max_iter", max_iter, minimum=1)
    res = np.empty((f["A"].size, 5))
    k.extended_b_loop(f["A"], f["x"], f["r"], float(tol), max_iter, res)
    return ExtendedErlangB(
        blocking=cm.reshape(res[:, 0].copy(), shape),
        total_load=cm.reshape(res[:, 1].copy(), shape),
        retrial_load=cm.reshape(res[:, 2].copy(), shape),
        iterations=cm.reshape(res[:, 3].astype(np.int64), shape),
        converged=cm.reshape(res[:, 4] == 1.0, shape),
    )
