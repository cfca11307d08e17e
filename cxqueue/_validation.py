"""The one place that checks inputs at the public boundary and words the error messages.

Every message names the parameter, the rule and the first bad value (with its index
for arrays), e.g. ``calls must be >= 0; 2 of 48 values break it (first at index 17: -4.0)``.
Kernels trust what passes through here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from cxqueue.exceptions import ConfigError

__all__ = [
    "as_float_array",
    "check",
    "choice",
    "fraction_array",
    "frozen_array",
    "integer_scalar",
    "nonneg_array",
    "positive_array",
]


def _fmt(value) -> str:
    if isinstance(value, float | np.floating):
        return repr(float(value))
    if isinstance(value, np.integer):
        return str(int(value))
    return repr(value)


def _index(arr: np.ndarray, flat: int):
    if arr.ndim <= 1:
        return flat
    return tuple(int(i) for i in np.unravel_index(flat, arr.shape))


def check(name: str, arr: np.ndarray, ok: np.ndarray, rule: str, hint: str = "") -> None:
    """Raise ConfigError naming `name`, `rule` and the first value where `ok` is False."""
    ok = np.broadcast_to(np.asarray(ok, dtype=bool), arr.shape)
    if ok.all():
        return
    bad = ~ok
    hint = f" ({hint})" if hint else ""
    if arr.ndim == 0:
        raise ConfigError(f"{name} must be {rule}; got {_fmt(arr[()])}{hint}")
    flat = int(np.flatnonzero(bad.ravel())[0])
    idx = _index(arr, flat)
    raise ConfigError(
        f"{name} must be {rule}; {int(bad.sum())} of {arr.size} values break it "
        f"(first at index {idx}: {_fmt(arr.ravel()[flat])}){hint}"
    )


def as_float_array(name: str, x, *, allow_inf: bool = False) -> np.ndarray:
    """`x` as a float64 array; NaN (and inf unless `allow_inf`) is an error."""
    if x is None or isinstance(x, str | bytes):
        raise ConfigError(f"{name} must be a number or an array of numbers; got {x!r}")
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name} must be a number or an array of numbers; got {x!r}") from exc
    if allow_inf:
        check(name, arr, ~np.isnan(arr), "a number, not NaN")
    else:
        check(name, arr, np.isfinite(arr), "finite (not NaN or infinite)")
    return arr


def nonneg_array(name: str, x, *, allow_inf: bool = False) -> np.ndarray:
    arr = as_float_array(name, x, allow_inf=allow_inf)
    check(name, arr, arr >= 0, ">= 0")
    return arr


def positive_array(name: str, x, *, allow_inf: bool = False) -> np.ndarray:
    arr = as_float_array(name, x, allow_inf=allow_inf)
    check(name, arr, arr > 0, "> 0")
    return arr


def fraction_array(name: str, x, *, open_low: bool = False, open_high: bool = False) -> np.ndarray:
    """A probability given as a fraction; a value such as 80 gets the hint "pass 0.8 for 80%"."""
    arr = as_float_array(name, x)
    ok = (arr > 0 if open_low else arr >= 0) & (arr < 1 if open_high else arr <= 1)
    rule = f"a fraction in {'(' if open_low else '['}0, 1{')' if open_high else ']'}"
    hint = ""
    if not np.all(ok):
        first = float(arr.ravel()[int(np.flatnonzero(~np.broadcast_to(ok, arr.shape).ravel())[0])])
        if 1 < first <= 100:
            hint = f"pass {first / 100:g} for {first:g}%"
    check(name, arr, ok, rule, hint)
    return arr


def choice(name: str, value, options: Iterable[str]):
    options = tuple(options)
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ConfigError(f"{name} must be one of {listed}; got {value!r}")
    return value


def integer_scalar(name: str, value, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        if isinstance(value, float) and math.isfinite(value) and value == int(value):
            value = int(value)
        else:
            raise ConfigError(f"{name} must be an integer; got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be >= {minimum}; got {value}")
    return value


def frozen_array(name: str, x, *, dtype=np.float64, ndim: int | None = 1) -> np.ndarray:
    """A read-only copy of `x` as a float64 array of `ndim` dimensions (NaN and inf are errors)."""
    arr = as_float_array(name, x).astype(dtype, copy=True)
    if ndim is not None and arr.ndim != ndim:
        raise ConfigError(f"{name} must be a {ndim}-d array; got shape {arr.shape}")
    arr.setflags(write=False)
    return arr
