"""Input validation of the analytic models at the public boundary (the array path).

Each check runs one or two reductions over the whole array; only when it fails does it
hand the input to `cxqueue._validation`, which words the message (parameter, rule, first
bad value and its index). Checks run in the order of each function's parameters, so the
first bad parameter is the one named. The validated arrays go on to ``_core``.
"""

from __future__ import annotations

import math

import numpy as np

from cxqueue import _validation as v
from cxqueue.analytic._kernels.queue import MAX_POSITIONS
from cxqueue.exceptions import ConfigError, InfeasibleError

__all__ = [
    "MAX_COUNT",
    "MAX_ITER",
    "agents",
    "aht",
    "check_level",
    "counted",
    "fraction",
    "iteration",
    "lines_for",
    "load",
    "min_agents",
    "nonneg",
    "patience",
    "positive",
    "raise_too_long",
    "raise_unreachable",
    "shape_of",
    "threshold",
]

_INF = math.inf
#: the largest load, agents or lines an inverse takes: its answer is counted exactly (floats
#: hold every integer up to 2**53) in an int64
MAX_COUNT = 1e15
#: the most steps of a fixed point (``max_iter``): each step sums a queue
MAX_ITER = 10_000

#: the caller's names for the short keys the wrappers use internally
PUBLIC_NAMES = {
    "A": "offered_load",
    "x": "agents",
    "c": "agents",
    "n": "lines",
    "aht": "aht_s",
    "t": "answer_within_s",
    "pat": "mean_patience_s",
    "rb": "redial_blocked",
    "ra": "redial_abandoned",
    "r": "redial",
    "occ": "max_occupancy",
    "target": "blocking",
}


def _asarray(name: str, x) -> np.ndarray:
    if x is None or isinstance(x, str | bytes):
        v.as_float_array(name, x)  # raises: not a number
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        return v.as_float_array(name, x)  # raises: not a number


def _within(a: np.ndarray, lo: float, lo_in: bool, hi: float, hi_in: bool) -> bool:
    """Every value in the interval (NaN is in none: min and max propagate it)."""
    if a.ndim == 0:
        low = high = float(a)
    elif a.size == 0:
        return True
    else:
        low, high = a.min(), a.max()
    return bool((low >= lo if lo_in else low > lo) and (high <= hi if hi_in else high < hi))


def nonneg(name: str, x, *, allow_inf: bool = False) -> np.ndarray:
    a = _asarray(name, x)
    if not _within(a, 0.0, True, _INF, allow_inf):
        v.nonneg_array(name, x, allow_inf=allow_inf)  # raises
    return a


def positive(name: str, x, *, allow_inf: bool = False) -> np.ndarray:
    a = _asarray(name, x)
    if not _within(a, 0.0, False, _INF, allow_inf):
        v.positive_array(name, x, allow_inf=allow_inf)  # raises
    return a


def fraction(name: str, x, *, open_low: bool = False, open_high: bool = False) -> np.ndarray:
    a = _asarray(name, x)
    if not _within(a, 0.0, not open_low, 1.0, not open_high):
        v.fraction_array(name, x, open_low=open_low, open_high=open_high)  # raises
    return a


def check_level(x, name: str = "level") -> np.ndarray:
    """A service-level goal: a fraction in [0, 1) (no finite staffing reaches exactly 1)."""
    a = _asarray(name, x)
    if not _within(a, 0.0, True, 1.0, False):
        arr = v.fraction_array(name, x)
        v.check(name, arr, arr < 1.0, "< 1 (no finite staffing answers every call in time)")
    return a


def load(x) -> np.ndarray:
    return nonneg("offered_load", x)


def agents(x, name: str = "agents") -> np.ndarray:
    return nonneg(name, x)


def aht(x) -> np.ndarray:
    return positive("aht_s", x)


def threshold(x) -> np.ndarray:
    return nonneg("answer_within_s", x)


def patience(x) -> np.ndarray:
    return positive("mean_patience_s", x, allow_inf=True)


def lines_for(agents_arr: np.ndarray, lines) -> np.ndarray:
    """Validate lines >= agents (inf allowed: unlimited)."""
    n = nonneg("lines", lines, allow_inf=True)
    try:
        a, nn = np.broadcast_arrays(agents_arr, n)
    except ValueError as exc:
        raise ConfigError(
            f"inputs must broadcast together; got shapes agents{agents_arr.shape}, lines{n.shape}"
        ) from exc
    ok = nn >= a
    if not np.all(ok):
        flat = int(np.flatnonzero(~ok.ravel())[0])
        idx = flat if a.ndim <= 1 else tuple(int(i) for i in np.unravel_index(flat, a.shape))
        raise ConfigError(
            f"lines must be >= agents (a line is held while a caller waits or talks); "
            f"{int((~ok).sum())} of {ok.size} values break it (first at index {idx}: "
            f"lines={float(nn.ravel()[flat])!r} < agents={float(a.ravel()[flat])!r})"
        )
    return n


def counted(name: str, a: np.ndarray, what: str = "an inverse") -> np.ndarray:
    """``a`` (validated >= 0), or an error where it exceeds `MAX_COUNT`."""
    if not _within(a, 0.0, True, MAX_COUNT, True):
        arr = np.asarray(a, dtype=np.float64)
        v.check(name, arr, arr <= MAX_COUNT, f"<= {MAX_COUNT:g} for {what} (answers are counted exactly in int64)")
    return a


def min_agents(A: np.ndarray, occ: np.ndarray) -> None:
    """An error where the occupancy cap asks for more than `MAX_COUNT` agents."""
    with np.errstate(over="ignore"):
        need = np.asarray(A / occ, dtype=np.float64)
    if not _within(need, 0.0, True, MAX_COUNT, True):
        occ_b = np.broadcast_to(occ, need.shape)
        v.check(
            "max_occupancy",
            np.asarray(occ_b, dtype=np.float64),
            need <= MAX_COUNT,
            f"large enough that offered_load / max_occupancy <= {MAX_COUNT:g} agents",
        )


def iteration(tol, max_iter) -> tuple[float, int]:
    """A fixed point's tolerance (one number > 0) and step cap (an integer in [1, `MAX_ITER`])."""
    if isinstance(tol, bool | np.bool_) or not isinstance(tol, int | float | np.integer | np.floating | np.ndarray):
        raise ConfigError(f"tol must be a number > 0; got {tol!r}")
    if isinstance(tol, np.ndarray) and (tol.ndim != 0 or tol.dtype.kind not in "fiu"):
        raise ConfigError(f"tol must be one number > 0, not an array; got {tol!r}")
    if not (tol > 0):
        raise ConfigError(f"tol must be > 0; got {tol!r}")
    tol = float(tol)
    max_iter = v.integer_scalar("max_iter", max_iter, minimum=1)
    if max_iter > MAX_ITER:
        raise ConfigError(f"max_iter must be an integer in [1, {MAX_ITER}]; got {max_iter}")
    return tol, max_iter


def _at(context: dict, shape: tuple, flat: int) -> str:
    return ", ".join(
        f"{name}={float(np.broadcast_to(np.asarray(arr, dtype=np.float64), shape).ravel()[flat]):g}"
        for name, arr in context.items()
    )


def raise_too_long(bad: np.ndarray, **context) -> None:
    """A ConfigError where ``bad`` (a metric that came back NaN) marks a queue beyond the sums' budget."""
    bad = np.asarray(bad)
    if not bad.any():
        return
    shape = bad.shape
    flat = int(np.flatnonzero(bad.ravel())[0])
    idx = flat if len(shape) <= 1 else tuple(int(i) for i in np.unravel_index(flat, shape))
    where = "" if len(shape) == 0 else f"; {int(bad.sum())} of {bad.size} values (first at index {idx})"
    raise ConfigError(
        f"mean_patience_s and lines allow a queue too long to sum at {_at(context, shape, flat)}{where}: "
        f"it would hold more than {MAX_POSITIONS:g} waiting callers (the supported range); a shorter "
        "mean_patience_s, fewer lines or more agents shorten it (mean_patience_s=inf: nobody hangs up; "
        "lines=inf: unlimited)"
    )


def shape_of(labels: dict | None = None, **arrays: np.ndarray) -> tuple[int, ...]:
    """The shape the named arrays broadcast to; the error names the caller's parameters
    (``labels`` overrides `PUBLIC_NAMES`)."""
    shapes = {a.shape for a in arrays.values() if a.ndim}
    if len(shapes) <= 1:  # the common case: arrays of one shape and numbers
        return shapes.pop() if shapes else ()
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError as exc:
        names = {**PUBLIC_NAMES, **(labels or {})}
        shapes = ", ".join(f"{names.get(n, n)}{a.shape}" for n, a in arrays.items() if a.ndim)
        raise ConfigError(f"inputs must broadcast together; got shapes {shapes}") from exc


def raise_unreachable(out: np.ndarray, what: str, **context) -> np.ndarray:
    """``out``, or InfeasibleError where a search returned -1, naming the first such input
    (ConfigError where it returned -2: a probe's queue was beyond the sums' budget)."""
    bad = out.ravel() < 0
    if bad.any():
        raise_too_long(out == -2, **context)
        shape = out.shape
        flat = int(np.flatnonzero(bad)[0])
        idx = flat if len(shape) <= 1 else tuple(int(i) for i in np.unravel_index(flat, shape))
        where = "" if len(shape) == 0 else f"; {int(bad.sum())} of {bad.size} values (first at index {idx})"
        raise InfeasibleError(f"no number of {what} meets the target at {_at(context, shape, flat)}{where}")
    return out
