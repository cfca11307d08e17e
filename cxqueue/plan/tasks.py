"""The jobs behind ``cxqueue simulate``, ``lines`` and ``hours``: a `PlanConfig` in, a result out.

Each takes a config (from `cxqueue.config.load_scenario`) and the few choices the command
line offers, and returns the library's own result; the CLI only parses and prints.

* `agents_on_duty`: agents per interval, fixed or the config's requirement (closed: none);
* `simulate_config`: the config's center simulated with those agents (a multi-skill config:
  `cxqueue.plan.multiskill.simulate_multiskill_config`);
* `config_lines`: phone lines for a busy-signal target per interval, day or horizon;
* `study_hours`: the opening hours searched within ``[hours_search]``, against the current hours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cxqueue.config import HoursSearchSettings, PlanConfig
from cxqueue.config.types import AGENT_HOUR_COST, PENALTY_PER_LOST
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import WEEKDAYS, Forecast
from cxqueue.units import DAY, WEEK

__all__ = [
    "AGENT_HOUR_COST",
    "PENALTY_PER_LOST",
    "HoursStudy",
    "agents_on_duty",
    "config_lines",
    "simulate_config",
    "study_hours",
]


def _patience_s(cfg: PlanConfig) -> float:
    return math.inf if cfg.patience.is_none else cfg.patience.mean_s


def agents_on_duty(cfg: PlanConfig, agents: float | None = None) -> np.ndarray:
    """Agents on duty per interval: ``agents`` in each, else the config's requirement (SIPP).

    The requirement uses the config's model and target; intervals outside the opening
    hours get none.
    """
    cfg.single_queue("agents_on_duty")
    f = cfg.forecast
    if agents is not None:
        return np.full(f.n_intervals, float(agents))
    from cxqueue.optimize.requirements import staffing_requirements

    req = staffing_requirements(
        f, cfg.target, model=cfg.settings.model, method="sipp", mean_patience_s=_patience_s(cfg)
    )
    is_open = cfg.hours.open_mask(f.interval_starts_s, f.interval_s)
    return np.where(is_open, np.asarray(req.agents, dtype=np.float64), 0.0)


def simulate_config(
    cfg: PlanConfig,
    *,
    agents: float | None = None,
    lines: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    engine: str = "fast",
):
    """Simulate the config's center; ``None`` keeps the config's agents requirement, lines, replications, seed.

    A multi-skill config (``cfg.multiskill``) is simulated by
    `cxqueue.plan.multiskill.simulate_multiskill_config` instead.

    Returns
    -------
    (cxqueue.sim.SimulationResult, cxqueue.scenario.Scenario)
    """
    from cxqueue.sim import simulate

    if cfg.multiskill is not None:
        raise ConfigError(
            f"{cfg.source}: a multi-skill config ([call_types], [groups]) is simulated by "
            "cxqueue.plan.multiskill.simulate_multiskill_config"
        )
    sc = cfg.scenario(agents_on_duty(cfg, agents), lines=lines)
    res = simulate(
        sc,
        replications=cfg.settings.replications if replications is None else replications,
        seed=cfg.settings.seed if seed is None else seed,
        engine=engine,
    )
    return res, sc


def config_lines(cfg: PlanConfig, *, agents: float | None = None, blocking: float | None = None, per: str = "day"):
    """Phone lines for at most ``blocking`` busy signals (default: the config's target, else 0.01).

    The closed message holds no line: calls outside the opening hours are left out.

    Returns
    -------
    (cxqueue.optimize.LinePlan, float)
        The plan and the busy-signal target used.
    """
    from cxqueue.optimize.lines import size_lines

    cfg.single_queue("cxqueue lines")
    target = blocking or cfg.max_blocking or 0.01
    f = cfg.forecast
    is_open = cfg.hours.open_mask(f.interval_starts_s, f.interval_s)
    f = Forecast(calls=np.where(is_open, f.calls, 0.0), aht_s=f.aht_s, interval_s=f.interval_s, start_s=f.start_s)
    plan = size_lines(
        f,
        agents_on_duty(cfg, agents),
        blocking=target,
        mean_patience_s=_patience_s(cfg),
        redial_blocked=cfg.redials.blocked,
        redial_abandoned=cfg.redials.abandoned,
        per=per,
    )
    return plan, target


@dataclass(frozen=True, eq=False)
class HoursStudy:
    """The opening-hours search of a config: the current hours, the search and its budget.

    ``budget`` is what the best plan may cost (None: no cap, the best net value);
    ``below_floor`` says that the current hours cover less than ``settings.min_calls_covered``
    (so they set no budget). ``agent_hour_cost`` and ``penalty_per_lost`` are the prices the
    plans were costed with (``to_dict`` says them under ``prices``).
    """

    current: object  # cxqueue.optimize.HoursPlan
    search: object  # cxqueue.optimize.HoursSearch
    budget: float | None
    carry_over: float
    below_floor: bool
    settings: HoursSearchSettings
    agent_hour_cost: float = AGENT_HOUR_COST
    penalty_per_lost: float = PENALTY_PER_LOST

    @property
    def prices(self) -> dict:
        """What every plan was costed with: per agent-hour, per lost call, per open hour, and the carry-over."""
        return {
            "agent_hour_cost": self.agent_hour_cost,
            "penalty_per_lost": self.penalty_per_lost,
            "cost_per_open_hour": self.settings.cost_per_open_hour,
            "carry_over": self.carry_over,
        }

    @property
    def best(self):
        return self.search.best

    def to_dict(self) -> dict:
        best = self.search.best
        return {
            "carry_over": self.carry_over,
            "prices": self.prices,
            "current": self.current.to_dict(),
            "best": best.to_dict() if best is not None else None,
            "message": self.search.message,
            "pareto": [p.to_dict() for p in self.search.pareto],
            "budget": self.budget,
            "hours_search": self.settings.to_dict(),
        }


def _slot_s(cfg: PlanConfig, step_s: float) -> float:
    """The search's slot: the largest length that divides a day, ``step_s`` and the current hours' times."""
    src, interval = cfg.source, cfg.forecast.interval_s
    if abs(step_s - round(step_s)) > 1e-9 or round(step_s) % round(interval) or abs(interval - round(interval)) > 1e-9:
        raise ConfigError(
            f"{src}: [hours_search].step_s must be a multiple of the demand's interval ({interval:g} s), "
            f"so that every time tried starts an interval; got {step_s:g} s"
        )
    slot = math.gcd(round(step_s), round(DAY))
    for d, day in enumerate(cfg.hours.windows):
        for t in (t for w in day for t in w):
            if abs(t - round(t)) > 1e-9 or round(t) % round(interval):
                raise ConfigError(
                    f"{src}: [hours.{WEEKDAYS[d]}] opens or closes at {t / 3600:g} h, inside one of the "
                    f"demand's {interval:g} s intervals: the hours search cannot evaluate it"
                )
            slot = math.gcd(slot, round(t))
    return float(slot)


def _week_demand(cfg: PlanConfig, slot_s: float) -> np.ndarray:
    """The config's demand as calls per slot of the week from Monday 00:00 (168 values for hours)."""
    f, n = cfg.forecast, round(WEEK / slot_s)
    slot = ((f.interval_starts_s % WEEK) // slot_s).astype(int)
    return np.bincount(slot, weights=f.calls, minlength=n)[:n]


# the limits of the search, as HoursSearchSettings, search_opening_hours and its messages name them
_LIMITS = ("earliest_open_s", "latest_open_s", "earliest_close_s", "latest_close_s", "min_open_s", "step_s")


def study_hours(
    cfg: PlanConfig,
    *,
    agent_hour_cost: float = AGENT_HOUR_COST,
    penalty_per_lost: float = PENALTY_PER_LOST,
    carry_over: float | None = None,
    budget: float | None = None,
) -> HoursStudy:
    """Search opening hours within the config's ``[hours_search]`` (its defaults without the table).

    Days outside ``weekdays`` keep the config's ``[hours]``. ``carry_over`` is the share of
    callers finding the center closed who call at the next opening (default: the config's
    ``[redials].closed`` if above 0, else 0.5). ``budget`` caps the cost (default: the
    current hours' cost, or none when they cover less than ``min_calls_covered``). Staff cost
    ``agent_hour_cost`` per agent-hour and every lost call ``penalty_per_lost`` (defaults
    `AGENT_HOUR_COST` and `PENALTY_PER_LOST`; the result says which were used).
    """
    from cxqueue.optimize.hours import evaluate_opening_hours, search_opening_hours

    cfg.single_queue("cxqueue hours")
    hs = cfg.hours_search or HoursSearchSettings()
    f = cfg.forecast
    if carry_over is None:
        carry_over = float(cfg.redials.closed) if cfg.redials.closed > 0 else 0.5
    kw = dict(
        aht_s=float(np.average(f.aht_s, weights=np.maximum(f.calls, 1e-12))),
        target=cfg.target,
        mean_patience_s=_patience_s(cfg),
        agent_hour_cost=agent_hour_cost,
        penalty_per_lost=penalty_per_lost,
        carry_over=float(carry_over),
        cost_per_open_hour=hs.cost_per_open_hour,
    )
    demand = _week_demand(cfg, _slot_s(cfg, hs.step_s))
    current = evaluate_opening_hours(demand, cfg.hours, **kw)
    fixed = {d: (w[0] if w else None) for d, w in enumerate(cfg.hours.windows) if d not in hs.weekdays}
    limits = {name: getattr(hs, name) for name in _LIMITS}
    limits.update(fixed=fixed, min_calls_covered=hs.min_calls_covered)
    below = bool(current.coverage < hs.min_calls_covered - 1e-12)
    if budget is None and not below:
        budget = current.cost
    try:
        res = search_opening_hours(demand, budget=budget, **kw, **limits)
    except ConfigError as exc:  # the search's parameters are the [hours_search] keys
        raise ConfigError(f"{cfg.source}: [hours_search]: {exc}") from None
    prices = float(agent_hour_cost), float(penalty_per_lost)
    return HoursStudy(current, res, budget, float(carry_over), below, hs, *prices)
