"""`PlanSettings`: how a plan is made, from the queueing model to the simulation that checks it.

This is the one settings type of the planner: a config's ``[staffing]`` and ``[simulation]``
tables (with the line target of ``[lines]``/``[target]``) fill it, `cxqueue.plan.optimize_plan`
reads it, and its field defaults are the documented defaults of those config keys
(``configs/README.md`` is written from them).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError

__all__ = ["ENGINES", "MAX_AGENTS", "METHODS", "MODELS", "OBJECTIVES", "ROUNDINGS", "PlanSettings"]

MAX_AGENTS = 10**6  # the most agents a plan may be asked to keep on duty (or shifts of a kind per day)

MODELS = ("erlang_c", "erlang_a", "erlang_x")
METHODS = ("sipp", "lag_sipp", "isa")
ROUNDINGS = ("up", "nearest")
OBJECTIVES = ("cover", "global_service_level")
ENGINES = ("fast", "simpy")


@dataclass(frozen=True)
class PlanSettings:
    """How `cxqueue.plan.optimize_plan` works: the model, the schedule objective, lines, simulation.

    Staffing (the config's ``[staffing]``): ``model`` and ``method`` compute the agents each
    interval needs (`cxqueue.optimize.requirements.staffing_requirements`); ``isa_rounding``
    (with ``method="isa"``) is ``"up"`` (the target met in every interval, a floor) or
    ``"nearest"`` (time-stable around the target); ``min_agents``/``max_agents`` bound the
    agents on duty while open; ``objective`` is the shift schedule's: ``"cover"`` (the target
    in every interval) or ``"global_service_level"`` (over the horizon, at least cost).

    Lines: ``line_blocking`` is the busy-signal target for line sizing (default: the
    target's ``max_blocking``, else 0.01); ``lines`` fixes the number of lines instead.

    Simulation (the config's ``[simulation]``): ``replications`` with common random
    numbers from ``seed`` on ``engine``, the first ``warmup_s`` seconds not counted.

    The search: at most ``max_iter`` rounds of simulate-and-add; each schedule's MILP stops
    at ``shift_time_limit_s`` or a relative gap of ``mip_rel_gap``.

    Examples
    --------
    >>> s = PlanSettings(model="erlang_c", replications=8)
    >>> s.seed, s.quick().replications, s.quick().max_iter
    (1, 4, 2)
    """

    model: str = "erlang_a"
    method: str = "sipp"
    isa_rounding: str = "up"
    objective: str = "cover"
    min_agents: int = 0
    max_agents: int | None = None
    line_blocking: float | None = None
    lines: int | None = None
    replications: int = 20
    seed: int = 1
    engine: str = "fast"
    warmup_s: float = 0.0
    max_iter: int = 6
    shift_time_limit_s: float = 60.0
    mip_rel_gap: float = 0.005

    def __post_init__(self):
        v.choice("model", self.model, MODELS)
        v.choice("method", self.method, METHODS)
        v.choice("isa_rounding", self.isa_rounding, ROUNDINGS)
        v.choice("objective", self.objective, OBJECTIVES)
        v.choice("engine", self.engine, ENGINES)
        if self.line_blocking is not None:
            v.fraction_array("line_blocking", self.line_blocking, open_low=True)
        if self.lines is not None:
            v.integer_scalar("lines", self.lines, minimum=1)
        v.integer_scalar("replications", self.replications, minimum=2)
        v.integer_scalar("seed", self.seed, minimum=0)
        v.nonneg_array("warmup_s", self.warmup_s)
        v.integer_scalar("max_iter", self.max_iter, minimum=1)
        v.positive_array("shift_time_limit_s", self.shift_time_limit_s)
        v.fraction_array("mip_rel_gap", self.mip_rel_gap)
        v.integer_scalar("min_agents", self.min_agents, minimum=0)
        if self.min_agents > MAX_AGENTS:  # 2**63 - 1 came back from the MILP as 9.2e18 agents, and lines for them
            raise ConfigError(f"min_agents must be <= {MAX_AGENTS:,}; got {self.min_agents:,}")
        if self.max_agents is not None:
            v.integer_scalar("max_agents", self.max_agents, minimum=max(1, self.min_agents))

    def replace(self, **changes) -> PlanSettings:
        """A copy with ``changes`` (validated again)."""
        return dataclasses.replace(self, **changes)

    def quick(self) -> PlanSettings:
        """Fewer replications (at most 4) and iterations (2), a 20 s MILP limit: for a first look and tests."""
        return self.replace(
            replications=min(self.replications, 4), max_iter=2, shift_time_limit_s=min(self.shift_time_limit_s, 20.0)
        )

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def default(cls, name: str):
        """The default of field ``name`` (the config schema documents these).

        >>> PlanSettings.default("replications")
        20
        """
        return cls.__dataclass_fields__[name].default
