"""What a config becomes: `PlanConfig`, and the settings of the tables that are not the scenario's.

`PlanConfig` holds the `Scenario` parts, the shift templates, the plan's `PlanSettings`
(``[staffing]``, ``[simulation]``), the opening-hours search (`HoursSearchSettings`), the
history replay (`ValidationSettings`) and the output (`OutputSettings`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cxqueue import scenario as sc
from cxqueue.exceptions import ConfigError
from cxqueue.units import DAY

__all__ = [
    "AGENT_HOUR_COST",
    "PENALTY_PER_LOST",
    "GroupPlanning",
    "HoursSearchSettings",
    "OutputSettings",
    "PlanConfig",
    "ValidationSettings",
]

# what a config holds of its Scenario besides the agents, lines and reserve
_SCENARIO_PARTS = (
    "forecast", "handle", "patience", "ivr", "hours", "redials", "callbacks", "priority", "day_factor_cv", "target",
)  # fmt: skip


#: the prices of the opening-hours search (`cxqueue.plan.tasks.study_hours`, ``cxqueue hours``) when none are
#: given: per paid agent-hour and per lost call
AGENT_HOUR_COST, PENALTY_PER_LOST = 25.0, 8.0


@dataclass(frozen=True)
class HoursSearchSettings:
    """The opening-hours search (`cxqueue hours`); times in seconds since midnight.

    ``weekdays`` are searched (0 = Monday; the other days keep their ``[hours]``), opening
    between ``earliest_open_s`` and ``latest_open_s`` and closing between ``earliest_close_s``
    and ``latest_close_s`` on multiples of ``step_s`` from midnight, each day that opens for at
    least ``min_open_s``; plans covering less than ``min_calls_covered`` of the demand are
    infeasible; each open hour costs ``cost_per_open_hour`` on top of the staff.
    """

    weekdays: tuple[int, ...] = tuple(range(7))
    earliest_open_s: float = 0.0
    latest_open_s: float = 23 * 3600.0
    earliest_close_s: float = 3600.0
    latest_close_s: float = DAY
    step_s: float = 3600.0
    min_open_s: float = 0.0
    min_calls_covered: float = 0.95
    cost_per_open_hour: float = 0.0

    def to_dict(self) -> dict:
        return {k: list(val) if isinstance(val, tuple) else val for k, val in self.__dict__.items()}


@dataclass(frozen=True, eq=False)
class DatedForecast:
    """What a ``[demand].forecast`` promises and what it is checked against: the policy
    (``mean``, ``quantile`` with its ``p``, ``expected``), the forecast's day-factor
    ``day_factor_cv`` and its ``mean_calls`` per interval of the plan's grid."""

    policy: str
    p: float | None
    day_factor_cv: float
    mean_calls: np.ndarray
    history_days: int = 0


@dataclass(frozen=True)
class ValidationSettings:
    """A call history to replay with its observed staffing (paths resolved; may be missing)."""

    history: tuple[Path, ...] = ()
    staffing: str = "staffed"
    agent_factor: float = 1.0
    replications: int = 20
    missing: str = ""

    def to_dict(self) -> dict:
        return {**self.__dict__, "history": [str(p) for p in self.history]}


@dataclass(frozen=True)
class OutputSettings:
    """Output folder (relative to the current directory), file formats and figures."""

    folder: Path = Path("plans/scenario")
    formats: tuple[str, ...] = ("csv", "html", "xlsx")
    figures: bool = True

    def to_dict(self) -> dict:
        return {"folder": str(self.folder), "formats": list(self.formats), "figures": self.figures}


@dataclass(frozen=True, eq=False)
class GroupPlanning:
    """What ``cxqueue plan`` needs per group of a multi-skill center: the shift ``templates`` each group
    may roster (``[groups.NAME].shifts``, default every ``[shifts]`` template) and its ``cost`` per
    agent-hour relative to the base rate (``[groups.NAME].cost``, default 1); ``without_agents`` names the
    groups whose ``[groups.NAME].agents`` the config leaves to the plan (`cxqueue simulate` needs them)."""

    templates: dict[str, tuple[sc.ShiftTemplate, ...]]
    cost: dict[str, float]
    without_agents: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"templates": {g: [t.name for t in ts] for g, ts in self.templates.items()}, "cost": dict(self.cost),
                "without_agents": list(self.without_agents)}  # fmt: skip


@dataclass(frozen=True, eq=False)
class PlanConfig:
    """Everything a plan needs, read from one config; seconds everywhere.

    The `Scenario` parts (``forecast``, ``handle``, ``patience``, ``ivr``, ``lines``,
    ``hours``, ``redials``, ``callbacks``, ``priority``, ``day_factor_cv``, ``target``,
    ``reserve``) become a `Scenario` with `scenario` once the agents are known. ``max_blocking`` (the
    line-sizing target) is ``target.max_blocking``. ``settings`` is how the plan is made: the
    ``[staffing]`` and ``[simulation]`` tables and the line target, as `cxqueue.plan.optimize_plan`
    takes them. ``history_fit`` is the
    `cxqueue.data.HistoryFit` behind the demand (None for a CSV or inline calls);
    ``notes`` say what the loader decided for the user (scaled calls, a dated plan's promise);
    ``warnings`` (`cxqueue.scenario.PlanWarning`) what makes its plan doubtful (a fallback
    to a shipped profile, a skipped validation, a forecast from a short history);
    ``cost_unit`` names the unit of every cost (``[center].currency``, else "paid hours"
    when no shift is costed, else "cost units"). ``multiskill`` is the
    `cxqueue.scenario.MultiSkillScenario` of a config with ``[call_types]`` and ``[groups]``
    (None otherwise); its ``forecast`` is then the types' calls pooled, and the single-queue
    parts are off (`single_queue` stops what cannot take it yet); ``group_planning`` (`GroupPlanning`)
    holds each group's shift templates and cost for ``cxqueue plan``.
    """

    source: str
    name: str
    description: str
    forecast: sc.Forecast
    demand_source: str
    handle: sc.Distribution
    patience: sc.Distribution
    ivr: sc.IVR
    lines: int | None
    hours: sc.OpeningHours
    redials: sc.Redials
    callbacks: sc.Callbacks | None
    priority: sc.PriorityClasses
    target: sc.ServiceTarget
    day_factor_cv: float = 0.0
    shifts: tuple[sc.ShiftTemplate, ...] = ()
    settings: sc.PlanSettings = field(default_factory=sc.PlanSettings)
    hours_search: HoursSearchSettings | None = None
    output: OutputSettings = field(default_factory=OutputSettings)
    validation: ValidationSettings | None = None
    history_fit: object | None = None
    notes: tuple[str, ...] = ()
    warnings: tuple[sc.PlanWarning, ...] = ()
    cost_unit: str = "paid hours"
    dated: DatedForecast | None = None
    reserve: sc.Reserve | None = None
    start_date: str | None = None
    multiskill: sc.MultiSkillScenario | None = None
    group_planning: GroupPlanning | None = None

    def single_queue(self, what: str) -> None:
        """Raise `ConfigError` if this config is a multi-skill center, which ``what`` cannot take yet.

        >>> from cxqueue.config import loads_scenario
        >>> loads_scenario('[demand]\\ncalls = [10]\\naht_s = 180\\n').single_queue("cxqueue plan")
        """
        if self.multiskill is not None:
            raise ConfigError(
                f"{self.source}: {what} takes a single-queue config for now; this one is a multi-skill center "
                "([call_types], [groups]): run cxqueue simulate or cxqueue plan on it"
            )

    @property
    def max_blocking(self) -> float | None:
        """Line-sizing target: the largest fraction of calls that may get a busy signal."""
        return self.target.max_blocking

    def scenario(self, agents, *, lines: int | None = None) -> sc.Scenario:
        """The `Scenario` with these `agents` per interval (and `lines`, default the config's).

        >>> from cxqueue.config import loads_scenario
        >>> cfg = loads_scenario('[demand]\\ncalls = [10, 20]\\naht_s = 180\\n')
        >>> cfg.scenario([2, 3]).agents.tolist()
        [2.0, 3.0]
        """
        self.single_queue("PlanConfig.scenario")
        parts = {name: getattr(self, name) for name in _SCENARIO_PARTS}
        lines = self.lines if lines is None else lines
        return sc.Scenario(agents=agents, lines=lines, reserve=self.reserve_for(agents), **parts)

    def reserve_for(self, agents) -> sc.Reserve | None:
        """The config's reserve in the intervals where ``agents`` > 0 (None without a reserve).

        >>> from cxqueue.config import loads_scenario
        >>> cfg = loads_scenario('[demand]\\ncalls = [10, 20]\\naht_s = 180\\n[reserve]\\nagents = 2\\n')
        >>> cfg.reserve_for([0, 3]).agents.tolist(), cfg.reserve.queue_threshold
        ([0.0, 2.0], 3)
        """
        r = self.reserve
        if r is None:
            return None
        on = np.broadcast_to(np.asarray(agents, dtype=np.float64), self.forecast.calls.shape) > 0
        return sc.Reserve(np.where(on, np.broadcast_to(r.agents, on.shape), 0.0), r.queue_threshold)

    def to_dict(self) -> dict:
        def conv(x):
            if hasattr(x, "to_dict"):
                return x.to_dict()
            if isinstance(x, tuple | list):
                return [conv(y) for y in x]
            if hasattr(x, "__dataclass_fields__"):
                return {k: conv(val) for k, val in x.__dict__.items()}
            return x

        out = {k: conv(val) for k, val in self.__dict__.items() if k not in ("history_fit", "forecast", "multiskill")}
        out["multiskill"] = None if self.multiskill is None else self.multiskill.to_dict()
        out["forecast"] = self.forecast.to_dict()
        return out
