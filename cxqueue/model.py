"""The plain data that flows between cxqueue's layers: frozen dataclasses, seconds everywhere.

Times of the week are seconds since Monday 00:00 (``weekday * DAY + seconds_of_day``);
weekdays are numbered Monday = 0 .. Sunday = 6. Arrays inside are float64 or int64 and
read-only. Every class validates itself on construction with messages that name the field.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.units import DAY, WEEK

__all__ = [
    "IVR",
    "WEEKDAYS",
    "Callbacks",
    "Distribution",
    "Forecast",
    "OpeningHours",
    "PriorityClasses",
    "Redials",
    "Reserve",
    "Scenario",
    "ServiceTarget",
    "ShiftTemplate",
]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DISTRIBUTION_KINDS = ("none", "exponential", "lognormal", "deterministic", "empirical")
SL_BASES = ("offered", "answered", "virtual")


def _frozen_array(name: str, x, *, dtype=np.float64, ndim: int | None = 1) -> np.ndarray:
    arr = v.as_float_array(name, x).astype(dtype, copy=True)
    if ndim is not None and arr.ndim != ndim:
        raise ConfigError(f"{name} must be a {ndim}-d array; got shape {arr.shape}")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class Distribution:
    """A distribution of a duration in seconds (handle time, patience, delays, IVR time).

    ``kind`` is one of ``"none"`` (never happens: infinite patience), ``"exponential"``,
    ``"lognormal"`` (mean and coefficient of variation ``cv``), ``"deterministic"`` or
    ``"empirical"`` (resampled from ``samples_s``). ``mean_s`` may be rescaled per call
    with ``sample(rng, size, mean_s=...)``: the shape is kept, the mean moves (handle
    times follow the forecast AHT of their interval).

    Examples
    --------
    >>> d = Distribution.lognormal(180.0, cv=1.0)
    >>> x = d.sample(np.random.default_rng(1), 200_000)
    >>> bool(abs(x.mean() / 180.0 - 1) < 0.01)
    True
    """

    kind: str = "exponential"
    mean_s: float = 1.0
    cv: float = 1.0
    samples_s: np.ndarray | None = None

    def __post_init__(self):
        v.choice("kind", self.kind, DISTRIBUTION_KINDS)
        if self.kind == "none":
            object.__setattr__(self, "mean_s", math.inf)
            return
        if self.kind == "empirical":
            if self.samples_s is None:
                raise ConfigError("samples_s is required for an empirical distribution")
            s = _frozen_array("samples_s", self.samples_s)
            v.check("samples_s", s, s >= 0, ">= 0")
            if s.size == 0:
                raise ConfigError("samples_s must hold at least one value; got none")
            object.__setattr__(self, "samples_s", s)
            object.__setattr__(self, "mean_s", float(s.mean()))
            sd = float(s.std())
            object.__setattr__(self, "cv", sd / s.mean() if s.mean() > 0 else 0.0)
            return
        mean = float(v.positive_array("mean_s", self.mean_s))
        object.__setattr__(self, "mean_s", mean)
        if self.kind == "exponential":
            object.__setattr__(self, "cv", 1.0)
        elif self.kind == "deterministic":
            object.__setattr__(self, "cv", 0.0)
        else:
            object.__setattr__(self, "cv", float(v.positive_array("cv", self.cv)))

    # constructors ---------------------------------------------------------------
    @classmethod
    def none(cls) -> Distribution:
        return cls("none", math.inf)

    @classmethod
    def exponential(cls, mean_s: float) -> Distribution:
        return cls("exponential", mean_s)

    @classmethod
    def lognormal(cls, mean_s: float, *, cv: float) -> Distribution:
        return cls("lognormal", mean_s, cv)

    @classmethod
    def deterministic(cls, value_s: float) -> Distribution:
        return cls("deterministic", value_s, 0.0)

    @classmethod
    def empirical(cls, samples_s) -> Distribution:
        return cls("empirical", 1.0, 1.0, np.asarray(samples_s, dtype=np.float64))

    @property
    def is_none(self) -> bool:
        return self.kind == "none"

    def lognormal_params(self, mean_s: float | None = None) -> tuple[float, float]:
        """(mu, sigma) of the underlying normal for the lognormal with this mean and cv."""
        m = self.mean_s if mean_s is None else mean_s
        sigma2 = math.log1p(self.cv**2)
        return math.log(m) - 0.5 * sigma2, math.sqrt(sigma2)

    def sample(self, rng: np.random.Generator, size, mean_s=None) -> np.ndarray:
        """Draw durations in seconds; ``mean_s`` (scalar or array of ``size``) rescales."""
        m = self.mean_s if mean_s is None else np.asarray(mean_s, dtype=np.float64)
        if self.kind == "none":
            return np.full(size, np.inf)
        if self.kind == "exponential":
            return rng.exponential(1.0, size) * m
        if self.kind == "deterministic":
            return np.broadcast_to(np.asarray(m, dtype=np.float64), size).astype(np.float64)
        if self.kind == "lognormal":
            sigma2 = math.log1p(self.cv**2)
            z = rng.standard_normal(size) * math.sqrt(sigma2) - 0.5 * sigma2
            return np.exp(z) * m
        idx = rng.integers(0, self.samples_s.size, size)
        x = self.samples_s[idx]
        if mean_s is not None and self.mean_s > 0:
            x = x * (m / self.mean_s)
        return x

    def to_dict(self) -> dict:
        d = {"kind": self.kind, "mean_s": self.mean_s, "cv": self.cv}
        if self.samples_s is not None:
            d["samples_s"] = self.samples_s.tolist()
        return d


@dataclass(frozen=True, eq=False)
class Forecast:
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
        calls = _frozen_array("calls", self.calls)
        v.check("calls", calls, calls >= 0, ">= 0")
        aht = v.as_float_array("aht_s", self.aht_s)
        aht = np.broadcast_to(aht, calls.shape) if aht.ndim == 0 else aht
        if aht.shape != calls.shape:
            raise ConfigError(
                f"aht_s must have one value per interval ({calls.size}); got shape {aht.shape}"
            )
        aht = _frozen_array("aht_s", aht)
        v.check("aht_s", aht, aht > 0, "> 0")
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

    def to_dict(self) -> dict:
        return {
            "calls": self.calls.tolist(),
            "aht_s": self.aht_s.tolist(),
            "interval_s": self.interval_s,
            "start_s": self.start_s,
        }


@dataclass(frozen=True)
class OpeningHours:
    """Opening windows per weekday, in seconds since midnight; ``close_s`` may be 86400.

    ``windows[d]`` is a tuple of ``(open_s, close_s)`` pairs for weekday ``d``
    (Monday = 0), sorted and disjoint; an empty tuple means closed all day.

    Examples
    --------
    >>> h = OpeningHours.daily(8 * 3600, 20 * 3600)
    >>> h.is_open(8 * 3600), h.is_open(21 * 3600), h.is_open(86400 + 9 * 3600)
    (True, False, True)
    >>> h.next_opening_s(21 * 3600) / 3600
    32.0
    """

    windows: tuple[tuple[tuple[float, float], ...], ...] = field(
        default_factory=lambda: tuple(((0.0, DAY),) for _ in range(7))
    )

    def __post_init__(self):
        if len(self.windows) != 7:
            raise ConfigError(f"windows must have 7 weekdays; got {len(self.windows)}")
        clean = []
        for d, day in enumerate(self.windows):
            spans = []
            for w in day:
                o, c = float(w[0]), float(w[1])
                if not (0 <= o < c <= DAY):
                    raise ConfigError(
                        f"hours.{WEEKDAYS[d]}: need 0 <= open_s < close_s <= 86400; got ({o}, {c})"
                    )
                spans.append((o, c))
            spans.sort()
            for (o1, c1), (o2, _) in itertools.pairwise(spans):
                if o2 < c1:
                    raise ConfigError(
                        f"hours.{WEEKDAYS[d]}: windows overlap; ({o1}, {c1}) and one opening at {o2}"
                    )
            clean.append(tuple(spans))
        object.__setattr__(self, "windows", tuple(clean))

    @classmethod
    def always(cls) -> OpeningHours:
        return cls()

    @classmethod
    def daily(cls, open_s: float, close_s: float, *, days=range(7)) -> OpeningHours:
        days = set(days)
        return cls(tuple(((open_s, close_s),) if d in days else () for d in range(7)))

    @property
    def is_always_open(self) -> bool:
        return all(day == ((0.0, DAY),) for day in self.windows)

    def open_seconds_per_week(self) -> float:
        return float(sum(c - o for day in self.windows for o, c in day))

    def week_edges_s(self) -> np.ndarray:
        """Sorted (open, close) pairs over one week, seconds since Monday 00:00; shape (k, 2)."""
        spans = [(d * DAY + o, d * DAY + c) for d, day in enumerate(self.windows) for o, c in day]
        merged: list[list[float]] = []
        for o, c in spans:
            if merged and abs(merged[-1][1] - o) < 1e-9:
                merged[-1][1] = c
            else:
                merged.append([o, c])
        if len(merged) > 1 and merged[0][0] == 0.0 and merged[-1][1] == WEEK:
            merged[0][0] = merged[-1][0] - WEEK
            merged.pop()
        return np.asarray(merged, dtype=np.float64).reshape(-1, 2)

    def is_open(self, t_s: float) -> bool:
        t = float(t_s) % WEEK
        d, s = int(t // DAY), t % DAY
        return any(o <= s < c for o, c in self.windows[d])

    def open_mask(self, starts_s, interval_s: float) -> np.ndarray:
        """True for each interval whose midpoint falls in an opening window."""
        mids = np.asarray(starts_s, dtype=np.float64) + interval_s / 2
        return np.array([self.is_open(t) for t in mids], dtype=bool)

    def next_opening_s(self, t_s: float) -> float:
        """Earliest time >= t_s at which the center is open (t_s itself if open); inf if never."""
        if self.is_open(t_s):
            return float(t_s)
        edges = self.week_edges_s()
        if edges.size == 0:
            return math.inf
        week0 = math.floor(t_s / WEEK) * WEEK
        for k in (0, 1):
            for o, _ in edges:
                cand = week0 + k * WEEK + o
                if cand >= t_s:
                    return float(cand)
        return math.inf

    def to_dict(self) -> dict:
        return {WEEKDAYS[d]: [list(w) for w in day] for d, day in enumerate(self.windows)}


@dataclass(frozen=True)
class ServiceTarget:
    """What the staffing must achieve in each interval (or over the day for global targets).

    ``level`` of calls answered within ``answer_within_s`` on ``basis`` ("offered",
    "answered" or "virtual"; see ../shared/reference/README.md); optional caps on the
    mean wait of answered calls (``max_asa_s``), the abandonment fraction, occupancy and
    busy signals; ``shrinkage`` is the fraction of paid time not available for calls.

    >>> ServiceTarget(level=0.8, answer_within_s=20).basis
    'offered'
    """

    level: float = 0.8
    answer_within_s: float = 20.0
    basis: str = "offered"
    max_asa_s: float | None = None
    max_abandon: float | None = None
    max_occupancy: float | None = None
    max_blocking: float | None = None
    shrinkage: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "level", float(v.fraction_array("level", self.level)))
        object.__setattr__(
            self, "answer_within_s", float(v.nonneg_array("answer_within_s", self.answer_within_s))
        )
        v.choice("basis", self.basis, SL_BASES)
        if self.max_asa_s is not None:
            object.__setattr__(self, "max_asa_s", float(v.positive_array("max_asa_s", self.max_asa_s)))
        for name in ("max_abandon", "max_occupancy", "max_blocking"):
            val = getattr(self, name)
            if val is not None:
                object.__setattr__(self, name, float(v.fraction_array(name, val, open_low=True)))
        s = float(v.fraction_array("shrinkage", self.shrinkage, open_high=True))
        object.__setattr__(self, "shrinkage", s)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


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
        if self.start_step_s <= 0:
            raise ConfigError(f"{n}: start_step_s must be > 0; got {self.start_step_s}")
        cost = self.length_s / 3600.0 if self.cost is None else float(self.cost)
        if cost < 0:
            raise ConfigError(f"{n}: cost must be >= 0; got {cost}")
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
            raise ConfigError(
                f"{n}: need 0 <= min_count <= max_count; got {self.min_count}, {self.max_count}"
            )

    def start_times_s(self) -> np.ndarray:
        """Allowed start times, seconds since midnight."""
        k = math.floor((self.latest_start_s - self.earliest_start_s) / self.start_step_s + 1e-9)
        return self.earliest_start_s + self.start_step_s * np.arange(k + 1)


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
    bounds the attempts of one customer (the first call included).
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
                f"agents must have one value per interval ({self.forecast.n_intervals}); "
                f"got shape {a.shape}"
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
        import dataclasses

        return dataclasses.replace(self, **changes)
