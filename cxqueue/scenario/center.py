"""`Scenario`: everything the simulation needs about one center over one horizon."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.scenario.callers import IVR, Callbacks, PriorityClasses, Redials, Reserve
from cxqueue.scenario.demand import Forecast
from cxqueue.scenario.distribution import Distribution
from cxqueue.scenario.hours import OpeningHours
from cxqueue.scenario.target import ServiceTarget

__all__ = ["Scenario"]


@dataclass(frozen=True, eq=False)
class Scenario:
    """Everything the simulation needs about one center over one horizon.

    ``agents`` has one value per forecast interval (agents on duty, after shrinkage);
    ``lines`` is the number of phone lines (None = unlimited). Handle times follow
    ``handle`` in shape with the interval's ``forecast.aht_s`` as mean. ``reserve``
    (optional) adds agents who help only while the queue is long (`Reserve`).
    """

    forecast: Forecast
    agents: np.ndarray
    lines: int | None = None
    handle: Distribution = field(default_factory=lambda: Distribution.exponential(1.0))
    patience: Distribution = field(default_factory=Distribution.none)
    ivr: IVR = field(default_factory=IVR.off)
    hours: OpeningHours = field(default_factory=OpeningHours.always)
    redials: Redials = field(default_factory=Redials)
    callbacks: Callbacks | None = None
    priority: PriorityClasses = field(default_factory=PriorityClasses)
    day_factor_cv: float = 0.0
    target: ServiceTarget = field(default_factory=ServiceTarget)
    reserve: Reserve | None = None

    def __post_init__(self):
        a = v.nonneg_array("agents", self.agents)
        a = np.broadcast_to(a, self.forecast.calls.shape) if a.ndim == 0 else a
        if a.shape != self.forecast.calls.shape:
            raise ConfigError(
                f"agents must have one value per interval ({self.forecast.n_intervals}); got shape {a.shape}"
            )
        a = np.array(a, dtype=np.float64)
        a.setflags(write=False)
        object.__setattr__(self, "agents", a)
        if self.lines is not None:
            lines = v.integer_scalar("lines", self.lines, minimum=1)
            object.__setattr__(self, "lines", lines)
        object.__setattr__(self, "day_factor_cv", float(v.nonneg_array("day_factor_cv", self.day_factor_cv)))
        r = self.reserve
        if r is not None:
            if not isinstance(r, Reserve):
                raise ConfigError(f"reserve must be a Reserve or None; got {type(r).__name__}")
            if r.agents.ndim and r.agents.shape != self.forecast.calls.shape:
                raise ConfigError(
                    f"reserve.agents must be one number or one value per interval ({self.forecast.n_intervals}); "
                    f"got shape {r.agents.shape}"
                )

    def replace(self, **changes) -> Scenario:
        return dataclasses.replace(self, **changes)
