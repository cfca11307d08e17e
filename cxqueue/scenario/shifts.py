"""Shift templates: the kinds of shift a schedule may use."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cxqueue.exceptions import ConfigError
from cxqueue.scenario.settings import MAX_AGENTS
from cxqueue.units import DAY

__all__ = ["MAX_COST", "ShiftTemplate"]

MAX_COST = 1e12  # per shift: beyond it a cost is a unit slip, and the MILP solver loses the costs' order


@dataclass(frozen=True)
class ShiftTemplate:
    """A kind of shift that the scheduler may use, possibly many times.

    A shift may start at ``earliest_start_s``, then every ``start_step_s`` up to
    ``latest_start_s`` (seconds since midnight; a shift may run past midnight), lasts
    ``length_s`` and costs ``cost`` per shift. ``breaks`` are ``(window_start_s,
    window_end_s, duration_s)`` offsets from the shift start within which an unpaid or
    paid break of that duration is placed. ``days`` are the weekdays the template may be
    used; ``min_count``/``max_count`` bound how many are used per day.
    """

    name: str
    length_s: float
    earliest_start_s: float = 0.0
    latest_start_s: float | None = None
    start_step_s: float = 900.0
    cost: float | None = None
    breaks: tuple[tuple[float, float, float], ...] = ()
    days: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
    min_count: int = 0
    max_count: int | None = None

    def __post_init__(self):
        n = f"shift {self.name!r}"
        if float(self.length_s) <= 0 or float(self.length_s) > DAY:
            raise ConfigError(f"{n}: length_s must be in (0, 86400]; got {self.length_s}")
        latest = self.earliest_start_s if self.latest_start_s is None else self.latest_start_s
        object.__setattr__(self, "latest_start_s", float(latest))
        if not (0 <= self.earliest_start_s <= self.latest_start_s < DAY):
            raise ConfigError(
                f"{n}: need 0 <= earliest_start_s <= latest_start_s < 86400; got "
                f"{self.earliest_start_s}, {self.latest_start_s}"
            )
        if not self.start_step_s >= 60.0:  # finer is no schedule, and 1e-9 asked for 894 GiB of start times
            raise ConfigError(f"{n}: start_step_s must be at least 60 (one minute); got {self.start_step_s}")
        cost = self.length_s / 3600.0 if self.cost is None else float(self.cost)
        if not 0 <= cost <= MAX_COST:  # HiGHS reads 1e20 as infinite: a cost of 1e300 ended in its status 15
            raise ConfigError(f"{n}: cost must be >= 0 and <= {MAX_COST:g} per shift; got {cost:g}")
        object.__setattr__(self, "cost", cost)
        for b in self.breaks:
            ws, we, dur = (float(x) for x in b)
            if not (0 <= ws and ws + dur <= we <= self.length_s and dur > 0):
                raise ConfigError(
                    f"{n}: a break needs 0 <= window_start_s, window_start_s + duration_s <= "
                    f"window_end_s <= length_s and duration_s > 0; got {tuple(b)}"
                )
        if any(d not in range(7) for d in self.days):
            raise ConfigError(f"{n}: days must be weekday numbers 0 (Monday) .. 6; got {self.days}")
        if self.min_count < 0 or (self.max_count is not None and self.max_count < self.min_count):
            raise ConfigError(f"{n}: need 0 <= min_count <= max_count; got {self.min_count}, {self.max_count}")
        if self.min_count > MAX_AGENTS:  # as many shifts as the MILP returned as 9.2e18 agents
            raise ConfigError(f"{n}: min_count must be <= {MAX_AGENTS:,}; got {self.min_count:,}")

    def start_times_s(self) -> np.ndarray:
        """Allowed start times, seconds since midnight."""
        k = math.floor((self.latest_start_s - self.earliest_start_s) / self.start_step_s + 1e-9)
        return self.earliest_start_s + self.start_step_s * np.arange(k + 1)
