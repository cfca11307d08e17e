"""The search space of `cxqueue.optimize.hours`: candidate windows per weekday, fixed days and the coverage floor.

Windows are slot pairs ``(open, close)`` on the model's grid (``interval_s`` seconds a slot).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import WEEKDAYS
from cxqueue.units import DAY

__all__ = ["LIMITS", "choices", "coverage_floor", "windows_of"]


def windows_of(model, day: int, w) -> tuple[int, int] | None:
    if w is None:
        return None
    o, c = (float(x) for x in w)
    so, sc = o / model.interval_s, c / model.interval_s
    if not (0 <= o < c <= DAY) or abs(so - round(so)) > 1e-9 or abs(sc - round(sc)) > 1e-9:
        raise ConfigError(
            f"hours.{WEEKDAYS[day]}: need 0 <= open_s < close_s <= 86400 on the slot grid "
            f"({model.interval_s:g} s); got ({o:g}, {c:g})"
        )
    return round(so), round(sc)


def _per_day(name, x, *, allow_inf=False) -> np.ndarray:
    arr = v.nonneg_array(name, x, allow_inf=allow_inf)
    if arr.ndim > 1 or (arr.ndim == 1 and arr.size != 7):
        raise ConfigError(f"{name} must be a scalar or have one value per weekday (7); got shape {arr.shape}")
    return np.broadcast_to(arr, (7,)).astype(np.float64)


def _weekdays(name, days) -> frozenset[int]:
    out = set()
    for d in days:
        if isinstance(d, str) and d.lower() in WEEKDAYS:
            d = WEEKDAYS.index(d.lower())
        if isinstance(d, bool) or not isinstance(d, int | np.integer) or not 0 <= int(d) <= 6:
            raise ConfigError(f"{name} must hold weekday numbers 0 (Monday) .. 6 or names; got {d!r}")
        out.add(int(d))
    return frozenset(out)


LIMITS = ("earliest_open_s", "latest_open_s", "earliest_close_s", "latest_close_s", "min_open_s", "max_open_s")


def _limit_text(name: str, value: float) -> str:
    """A limit as a person reads it: times of day as ``earliest_open=08:00``, lengths in seconds."""
    if name.startswith(("earliest_", "latest_")):
        return f"{name[:-2]}={int(value // 3600):02d}:{int(value % 3600 // 60):02d}"
    return f"{name}={value:g}"


def _fixed(model, fixed) -> dict[int, tuple[int, int] | None]:
    if fixed is None:
        return {}
    if not isinstance(fixed, Mapping):
        raise ConfigError(
            "fixed must be a mapping of weekday (0 = Monday, or a name) to its window (open_s, close_s) "
            f"or None (closed); got {type(fixed).__name__}"
        )
    out = {}
    for day, w in fixed.items():
        (d,) = _weekdays("fixed", [day])
        if w is not None and (isinstance(w, str) or not isinstance(w, Sequence) or len(w) != 2):
            raise ConfigError(f"fixed[{day!r}] must be a window (open_s, close_s) or None (closed); got {w!r}")
        out[d] = windows_of(model, d, w)
    return out


def choices(model, limits: dict, step_s, must_open, must_close, windows, fixed):
    """Candidate windows per day (slot pairs) and whether the day may close."""
    mo, mc, fx = _weekdays("must_open", must_open), _weekdays("must_close", must_close), _fixed(model, fixed)
    if mo & mc:
        raise ConfigError(f"must_open and must_close must not share a day; both hold {WEEKDAYS[min(mo & mc)]}")
    for name, days in (("must_open", mo), ("must_close", mc)):
        if days & fx.keys():
            raise ConfigError(
                f"fixed and {name} must not share a day (a fixed day is not searched); both hold "
                f"{WEEKDAYS[min(days & fx.keys())]}"
            )
    lim = {k: _per_day(k, limits[k]) for k in LIMITS}
    e, lo_, ec, la, lo, hi = (lim[k] for k in LIMITS)
    step = float(v.positive_array("step_s", step_s))
    if abs(step / model.interval_s - round(step / model.interval_s)) > 1e-9:
        raise ConfigError(f"step_s must be a multiple of the slot length {model.interval_s:g} s; got {step:g}")
    out = []
    for d in range(7):
        if d in fx:
            cand, may_close = ([] if fx[d] is None else [fx[d]]), fx[d] is None
        elif d in mc:
            cand, may_close = [], True
        elif windows is not None:
            cand = [windows_of(model, d, w) for w in windows[d] if w is not None]
            may_close = d not in mo and (any(w is None for w in windows[d]) or not cand)
        else:
            grid = np.arange(0.0, DAY + 1e-6, step)
            cand = [
                windows_of(model, d, (o, c))
                for o in grid
                for c in grid
                if e[d] - 1e-9 <= o <= lo_[d] + 1e-9
                and ec[d] - 1e-9 <= c <= la[d] + 1e-9
                and o < c
                and lo[d] - 1e-9 <= c - o <= hi[d] + 1e-9
            ]
            may_close = d not in mo
            if not cand:
                why = ", ".join(_limit_text(k, lim[k][d]) for k in LIMITS)
                raise ConfigError(
                    f"{WEEKDAYS[d]} {'must open' if d in mo else 'is searched'} but no window fits "
                    f"{why}, step_s={step:g}; widen the limits" + ("" if d in mo else ", or put it in must_close")
                )
        if not cand and not may_close:
            raise ConfigError(f"{WEEKDAYS[d]} must open but windows[{d}] holds none; widen the limits")
        out.append((sorted(set(cand)), may_close))
    if all(not c for c, _ in out):
        raise ConfigError("no day can open: every day is in must_close or has no window within the limits")
    return out


def coverage_floor(model, choices, share: float) -> float | None:
    """The least covered demand (calls) a plan needs, or None; ConfigError when no plan reaches it."""
    if share <= 0.0:
        return None
    ext = np.concatenate(([0.0], np.cumsum(model.latent)))
    total = float(ext[-1])
    widest = [
        max([float(ext[d * model.n + c] - ext[d * model.n + o]) for o, c in wins], default=0.0)
        for d, (wins, _) in enumerate(choices)
    ]
    need = share * total - 1e-9 * max(total, 1.0)
    if sum(widest) < need:
        raise ConfigError(
            f"min_calls_covered must be reachable: the widest windows allowed cover "
            f"{sum(widest) / total:.4g} of the demand; got {share:g}; widen the limits or lower it"
        )
    return need
