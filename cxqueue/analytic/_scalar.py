"""The scalar fast path: a call with Python or NumPy numbers skips the array machinery.

A public function first offers its arguments to `values` with the rule each must meet.
When every argument is a real number (a Python or NumPy scalar, or a 0-d array) within
its rule, the function calls its scalar kernel directly and returns a 0-d array (`f8`,
`i8`), the contract of the array path. Anything else (arrays, strings, NaN, a value out
of its rule) takes the array path, which validates and raises the public error message.
So the fast path never raises and never decides what is invalid: it only recognises
input that is valid, and its errors are the array path's by construction.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from cxqueue.analytic._kernels._jit import JIT

__all__ = [
    "COUNT",
    "FRACTION",
    "FRACTION_OPEN",
    "FRACTION_OPEN_LOW",
    "LEVEL",
    "NONNEG",
    "NONNEG_OR_INF",
    "POSITIVE",
    "POSITIVE_OR_INF",
    "f8",
    "floats",
    "i8",
    "values",
    "within",
]

_INF = math.inf

# rules: (low, low included, high, high included); NaN meets none
NONNEG = (0.0, True, _INF, False)
NONNEG_OR_INF = (0.0, True, _INF, True)
POSITIVE = (0.0, False, _INF, False)
POSITIVE_OR_INF = (0.0, False, _INF, True)
FRACTION = (0.0, True, 1.0, True)
FRACTION_OPEN_LOW = (0.0, False, 1.0, True)
FRACTION_OPEN = (0.0, False, 1.0, False)
LEVEL = (0.0, True, 1.0, False)  # a service-level goal: no finite staffing reaches 1
COUNT = (0.0, True, 1e15, True)  # the load or agents of an inverse (`_iv.MAX_COUNT`)

_NUMBERS = frozenset(
    {float, int, np.float64, np.float32, np.float16}
    | {np.int64, np.int32, np.int16, np.int8, np.uint64, np.uint32, np.uint16, np.uint8}
)


# with the JIT off the kernels run as Python: on NumPy floats they divide by zero as numba does
_FLOAT = float if JIT else np.float64


def _number(x) -> bool:
    """A Python or NumPy real number, or a 0-d array of one (not bool, complex or long double)."""
    if type(x) in _NUMBERS:
        return True
    return type(x) is np.ndarray and x.ndim == 0 and x.dtype.kind in "fiu" and x.dtype.itemsize <= 8


def floats(*xs) -> tuple[float, ...] | None:
    """The arguments as Python floats when each is a real number, else None.

    Conversion is the one of the array path: ``float(x)`` equals
    ``np.asarray(x, dtype=np.float64)`` (under NUMBA_DISABLE_JIT=1 they are NumPy floats,
    so that the kernels, then Python, divide by zero as compiled). The hot functions
    check their ranges inline.
    """
    if not _NUMBERS.issuperset(map(type, xs)) and not all(map(_number, xs)):
        return None
    try:
        return tuple(map(_FLOAT, xs))
    except OverflowError:  # an integer beyond float64: the array path says so
        return None


def within(x: float, rule) -> bool:
    """Whether the float ``x`` meets ``rule`` (NaN meets none)."""
    lo, lo_in, hi, hi_in = rule
    return lo < x < hi or (lo_in and x == lo) or (hi_in and x == hi)


def values(rules, *xs) -> tuple[float, ...] | None:
    """The arguments as Python floats when each is a number within its rule, else None.

    ``rules`` holds one rule per argument (the constants of this module).

    Examples
    --------
    >>> values((NONNEG, POSITIVE), 10, 180.0)
    (10.0, 180.0)
    >>> values((NONNEG, POSITIVE), 10, 0.0) is None, values((NONNEG,), [1.0]) is None
    (True, True)
    """
    vals = floats(*xs)
    if vals is None or not all(map(within, vals, rules)):
        return None
    return vals


#: a float as a 0-d float64 array
f8 = np.asarray

#: an int as a 0-d int64 array (NumPy's default integer is int64 except on Windows before NumPy 2; and with
#: the JIT off a kernel's Python int may exceed int64, which must fail as the array path's assignment fails)
i8 = np.asarray if JIT and np.asarray(0).dtype == np.int64 else functools.partial(np.asarray, dtype=np.int64)
