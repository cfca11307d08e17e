"""How callers and helpers behave: IVR, redials, callbacks, priority classes, reserve agents."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.scenario.distribution import Distribution

__all__ = ["IVR", "Callbacks", "PriorityClasses", "Redials", "Reserve"]


@dataclass(frozen=True)
class IVR:
    """An announcement or menu before the queue; ``self_service`` callers finish there."""

    time: Distribution = field(default_factory=lambda: Distribution.deterministic(1e-9))
    self_service: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "self_service", float(v.fraction_array("ivr.self_service", self.self_service)))

    @classmethod
    def off(cls) -> IVR:
        return cls(Distribution.none(), 0.0)

    @property
    def enabled(self) -> bool:
        return not self.time.is_none


@dataclass(frozen=True)
class Redials:
    """Callers who try again: a probability and a delay for each way a call can fail.

    A closed caller redials ``closed_delay`` after the next opening. ``max_attempts``
    bounds the attempts of one customer (the first call included). The simulation's
    memory follows the attempts callers make, not this bound: their random draws come in
    blocks of 16 attempts, drawn as the redials need them (`cxqueue.sim.arrivals`).
    """

    blocked: float = 0.0
    blocked_delay: Distribution = field(default_factory=lambda: Distribution.exponential(300.0))
    abandoned: float = 0.0
    abandoned_delay: Distribution = field(default_factory=lambda: Distribution.exponential(600.0))
    closed: float = 0.0
    closed_delay: Distribution = field(default_factory=lambda: Distribution.exponential(1800.0))
    max_attempts: int = 10

    def __post_init__(self):
        for name in ("blocked", "abandoned", "closed"):
            object.__setattr__(self, name, float(v.fraction_array(f"redials.{name}", getattr(self, name))))
        if int(self.max_attempts) < 1:
            raise ConfigError(f"redials.max_attempts must be >= 1; got {self.max_attempts}")

    @property
    def enabled(self) -> bool:
        return self.blocked > 0 or self.abandoned > 0 or self.closed > 0


@dataclass(frozen=True)
class Callbacks:
    """Virtual hold: callers predicted to wait over ``threshold_s`` are offered a callback."""

    threshold_s: float = 120.0
    accept: float = 0.5
    reach: float = 0.9

    def __post_init__(self):
        v.nonneg_array("callbacks.threshold_s", self.threshold_s)
        v.fraction_array("callbacks.accept", self.accept)
        v.fraction_array("callbacks.reach", self.reach)


@dataclass(frozen=True)
class PriorityClasses:
    """Caller classes: the share of each and its head start in the queue, in seconds.

    The bank of ../shared/data gives priority customers 90 s:
    ``PriorityClasses(shares=(0.7, 0.3), head_start_s=(0.0, 90.0))``.
    """

    shares: tuple[float, ...] = (1.0,)
    head_start_s: tuple[float, ...] = (0.0,)

    def __post_init__(self):
        if len(self.shares) != len(self.head_start_s) or not self.shares:
            raise ConfigError("priority.shares and priority.head_start_s must have the same length >= 1")
        s = v.fraction_array("priority.shares", list(self.shares))
        if abs(float(s.sum()) - 1.0) > 1e-9:
            raise ConfigError(f"priority.shares must add up to 1; got {float(s.sum())}")
        v.nonneg_array("priority.head_start_s", list(self.head_start_s))


@dataclass(frozen=True, eq=False)
class Reserve:
    """Reserve agents (blended or back-office staff) who answer calls only while the queue is long.

    While every agent on duty is busy and at least ``queue_threshold`` callers wait on the
    line (the one to be answered included), up to ``agents`` reserve agents take the
    queue head, one by one. A reserve agent who finishes a call takes the next only if
    that still holds; otherwise it goes back to its other work. Agents on duty always go
    first. ``agents`` is a number or one value per forecast interval (rounded to whole
    agents, like `Scenario.agents`).

    Examples
    --------
    >>> Reserve(agents=2, queue_threshold=3).queue_threshold
    3
    """

    agents: float | np.ndarray = 1.0
    queue_threshold: int = 1

    def __post_init__(self):
        a = np.array(v.nonneg_array("reserve.agents", self.agents), dtype=np.float64)
        a.setflags(write=False)
        object.__setattr__(self, "agents", a)
        k = v.integer_scalar("reserve.queue_threshold", self.queue_threshold, minimum=1)
        object.__setattr__(self, "queue_threshold", k)

    def to_dict(self) -> dict:
        a = self.agents
        return {"agents": float(a) if a.ndim == 0 else a.tolist(), "queue_threshold": self.queue_threshold}
