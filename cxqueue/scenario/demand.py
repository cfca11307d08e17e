"""The demand of one horizon: calls and mean handle time per interval."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.scenario._plain import PlainDict

__all__ = ["Forecast"]


#: the most calls one interval may hold, and the longest mean handle time (seconds)
MAX_CALLS = 1e9
MAX_AHT_S = 86400.0


@dataclass(frozen=True, eq=False)
class Forecast(PlainDict):
    """Calls and mean handle time per interval.

    ``start_s`` is the time of the week (seconds since Monday 00:00) at which interval 0
    starts; the horizon may span several weeks. ``calls`` are expected arrivals per
    interval (not necessarily integers).

    Examples
    --------
    >>> f = Forecast(calls=[100, 120], aht_s=[180, 200], interval_s=1800, start_s=9 * 3600)
    >>> f.offered_load.tolist()
    [10.0, 13.333333333333334]
    >>> f.n_intervals, float(f.end_s)
    (2, 36000.0)
    """

    calls: np.ndarray
    aht_s: np.ndarray
    interval_s: float = 900.0
    start_s: float = 0.0

    def __post_init__(self):
        calls = v.frozen_array("calls", self.calls)
        v.check("calls", calls, calls >= 0, ">= 0")
        # beyond these no call center exists (a unit or parsing error), and the models' work would not be bounded
        v.check("calls", calls, calls <= MAX_CALLS, f"<= {MAX_CALLS:.0e} per interval")
        aht = v.as_float_array("aht_s", self.aht_s)
        aht = np.broadcast_to(aht, calls.shape) if aht.ndim == 0 else aht
        if aht.shape != calls.shape:
            raise ConfigError(f"aht_s must have one value per interval ({calls.size}); got shape {aht.shape}")
        aht = v.frozen_array("aht_s", aht)
        v.check("aht_s", aht, (aht > 0) & (aht <= MAX_AHT_S), f"> 0 and <= {MAX_AHT_S:g} (a day)")
        object.__setattr__(self, "calls", calls)
        object.__setattr__(self, "aht_s", aht)
        object.__setattr__(self, "interval_s", float(v.positive_array("interval_s", self.interval_s)))
        object.__setattr__(self, "start_s", float(v.nonneg_array("start_s", self.start_s)))

    @property
    def n_intervals(self) -> int:
        return int(self.calls.size)

    @property
    def end_s(self) -> float:
        return self.start_s + self.n_intervals * self.interval_s

    @property
    def interval_starts_s(self) -> np.ndarray:
        """Start of each interval, seconds since Monday 00:00 of the first week."""
        return self.start_s + self.interval_s * np.arange(self.n_intervals)

    @property
    def offered_load(self) -> np.ndarray:
        return self.calls * self.aht_s / self.interval_s

    @property
    def arrival_rate_per_s(self) -> np.ndarray:
        return self.calls / self.interval_s
