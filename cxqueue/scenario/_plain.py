"""One rule for a result's ``to_dict()``: its values as plain data that ``json`` can write.

Every result of cxqueue is a frozen dataclass with a ``to_dict()`` (ARCHITECTURE.md,
"Conventions"); `plain_dict` builds that dict from the fields (or from named attributes,
properties included), and `plain` says what a value becomes:

- a nested result (anything with ``to_dict``): its ``to_dict()``;
- an ndarray: ``tolist()`` (Python numbers, nested lists for 2-d);
- a tuple or list: a list, element by element; a dict: a new dict, value by value;
- with ``nan_to_none``: NaN floats become None (JSON has no NaN);
- anything else (numbers, strings, None) as it is.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

__all__ = ["PlainDict", "plain", "plain_dict"]


def plain(value, *, nan_to_none: bool = False):
    """`value` as plain data for JSON (see the module docstring).

    Examples
    --------
    >>> plain((np.array([1.0, np.nan]), (2, 3), {"a": np.arange(2)}), nan_to_none=True)
    [[1.0, None], [2, 3], {'a': [0, 1]}]
    """
    if hasattr(value, "to_dict") and not isinstance(value, type):
        return value.to_dict()
    if isinstance(value, np.ndarray):
        value = value.tolist()
        if not nan_to_none:
            return value
    if isinstance(value, list | tuple):
        return [plain(x, nan_to_none=nan_to_none) for x in value]
    if isinstance(value, dict):
        return {k: plain(x, nan_to_none=nan_to_none) for k, x in value.items()}
    if nan_to_none and isinstance(value, float) and math.isnan(value):
        return None
    return value


def plain_dict(obj, names=None, *, nan_to_none: bool = False) -> dict:
    """``{name: plain(getattr(obj, name))}`` over `names`, by default the dataclass fields of `obj` in order.

    Parameters
    ----------
    obj : dataclass instance
    names : sequence of str, optional
        Attributes to write, in this order (fields or properties); default: every field.
    nan_to_none : bool
        Write NaN floats as None.

    Examples
    --------
    >>> @dataclasses.dataclass(frozen=True)
    ... class Fit:
    ...     mean_s: float
    ...     samples_s: np.ndarray
    ...     @property
    ...     def n(self) -> int:
    ...         return self.samples_s.size
    >>> fit = Fit(2.0, np.array([1.0, 3.0]))
    >>> plain_dict(fit), plain_dict(fit, ("n", "mean_s"))
    ({'mean_s': 2.0, 'samples_s': [1.0, 3.0]}, {'n': 2, 'mean_s': 2.0})
    """
    names = [f.name for f in dataclasses.fields(obj)] if names is None else names
    return {name: plain(getattr(obj, name), nan_to_none=nan_to_none) for name in names}


class PlainDict:
    """Mixin of the results whose ``to_dict()`` is `plain_dict` over every field."""

    __slots__ = ()

    def to_dict(self) -> dict:
        return plain_dict(self)
