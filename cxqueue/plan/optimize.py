"""One plan for a center: hours -> requirements -> shifts -> lines -> simulation, repeated.

`optimize_plan` joins the optimizers. The analytic requirement per interval is met by a
shift schedule; the phone lines are sized for the scheduled agents; the simulation
(fast engine, common random numbers) then checks the plan as a whole, with lognormal
handle times, redials and the real opening hours the formulas do not see. Where the
simulated service level falls short of the target *with 95 % confidence* (the upper end
of its interval is below the target), one agent is added to that interval's requirement
and the schedule is solved again, until no interval falls short and the service level
over the horizon meets the target with 95 % confidence, or the iteration cap is reached
(the result says which).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import time
from dataclasses import dataclass, field

import numpy as np

from cxqueue.analytic import _core as core
from cxqueue.analytic._common import QueueMetrics
from cxqueue.exceptions import ConfigError
from cxqueue.optimize.shifts import ShiftSchedule, schedule_shifts
from cxqueue.plan.checks import check_demand, check_plan, when
from cxqueue.scenario import Forecast, OpeningHours, PlanSettings, Scenario, ShiftTemplate
from cxqueue.units import WEEK

__all__ = ["PlanResult", "PlanSettings", "optimize_plan"]


@dataclass(frozen=True, eq=False)
class PlanResult:
    """A plan and the evidence for it.

    Attributes
    ----------
    scenario : Scenario
        The planned center: agents on duty per interval, lines and hours.
    required : ndarray of int64
        Agents on duty each interval needs (analytic, plus what the simulation added).
    added : ndarray of int64
        Agents the simulation check added to the analytic requirement.
    schedule : ShiftSchedule
        The shifts (paid agents, before shrinkage).
    lines : int
        Phone lines.
    analytic : QueueMetrics
        Steady-state KPIs per interval at the planned agents and lines.
    simulation : cxqueue.sim.SimulationResult
        The simulation of the final plan (KPIs with 95 % intervals).
    failing : ndarray of int64
        Intervals whose simulated service level is below target with 95 % confidence.
    iterations, converged, history, message, elapsed_s
        How the loop went; ``history`` holds (iteration, cost, failing intervals,
        simulated service level over the horizon) per iteration.
    warnings : tuple of PlanWarning
        What makes the plan doubtful (`cxqueue.plan.checks`): of the demand, the hours
        and the plan itself; shown first wherever the plan is shown.
    templates : tuple of ShiftTemplate
        The templates the schedule chose from (their breaks' lengths, their order).
    """

    scenario: Scenario
    settings: PlanSettings
    required: np.ndarray
    added: np.ndarray
    schedule: ShiftSchedule
    lines: int
    analytic: QueueMetrics
    simulation: object
    failing: np.ndarray
    iterations: int
    converged: bool
    history: tuple = field(default_factory=tuple)
    message: str = ""
    elapsed_s: float = 0.0
    warnings: tuple = ()
    templates: tuple = ()

    @property
    def cost(self) -> float:
        return float(self.schedule.cost)

    def summary(self, *, cost_unit: str = "paid hours", start_date: str | None = None) -> dict:
        """The plan in plain Python values: the warnings and the first screen (`cxqueue.plan.headline`)
        first, then the headline numbers; NaN (nothing simulated, e.g. no calls) is None."""
        from cxqueue.plan.headline import headline
        from cxqueue.scenario._plain import plain

        sim = self.simulation.totals
        basis = self.scenario.target.basis
        sl = getattr(sim, f"sl_{basis}")
        f = self.scenario.forecast
        head = headline(self, cost_unit=cost_unit, start_date=start_date)
        out = {
            "warnings": [w.to_dict() for w in self.warnings],
            "recommendation": head.pop("recommendation"),
            "promise": head.pop("promise"),
            "converged": self.converged,
            "iterations": self.iterations,
            "message": self.message,
            "cost": self.cost,
            "shifts": self.schedule.n_agents,
            "agent_hours_on_duty": float(self.scenario.agents.sum() * f.interval_s / 3600.0),
            "lines": self.lines,
            "calls": float(f.calls.sum()),
            "target_level": self.scenario.target.level,
            "answer_within_s": self.scenario.target.answer_within_s,
            "basis": basis,
            "simulated_service_level": float(sl.mean),
            "simulated_service_level_ci": [max(float(sl.low), 0.0), min(float(sl.high), 1.0)],
            "simulated_asa_s": float(sim.asa_s.mean),
            "simulated_abandon_fraction": float(sim.abandon_fraction.mean),
            "simulated_blocking_fraction": float(sim.blocking_fraction.mean),
            "failing_intervals": [int(i) for i in self.failing],
            "agents_added_by_simulation": int(self.added.sum()),
            "replications": self.simulation.replications,
            "elapsed_s": self.elapsed_s,
            **head,
        }
        return plain(out, nan_to_none=True)

    def to_dict(self) -> dict:
        return {
            "summary": self.summary(),
            "required": self.required.tolist(),
            "added": self.added.tolist(),
            "agents": self.scenario.agents.tolist(),
            "schedule": self.schedule.to_dict(),
            "analytic": self.analytic.to_dict(),
            "simulation": self.simulation.to_dict(),
            "history": [list(h) for h in self.history],
        }


@contextlib.contextmanager
def _about_the_demand(f: Forecast):
    """A model or the simulation refusing the demand (a queue too long to sum, a run that would not fit in
    memory) says which demand: a unit slip in a config's [demand] reached 1e12 Erlangs and was named only
    by the models' own parameters."""
    try:
        yield
    except ConfigError as exc:
        load = f.offered_load
        i = int(np.argmax(load))
        raise ConfigError(
            f"{exc}; the demand holds {f.calls.sum():,.6g} calls in {f.n_intervals} intervals of {f.interval_s:g} s, "
            f"an offered load of up to {load[i]:,.6g} Erlangs ({f.calls[i]:,.6g} calls of {f.aht_s[i]:,.6g} s at "
            f"{when(f.start_s + i * f.interval_s)}): are [demand].calls, aht_s, interval_s and scale in their units?"
        ) from None


def _patience_s(scenario: Scenario) -> float:
    return math.inf if scenario.patience.is_none else float(scenario.patience.mean_s)


def _requirements(scenario: Scenario, settings: PlanSettings, is_open: np.ndarray) -> np.ndarray:
    from cxqueue.optimize.requirements import staffing_requirements

    req = staffing_requirements(
        scenario.forecast,
        scenario.target,
        model=settings.model,
        method=settings.method,
        mean_patience_s=_patience_s(scenario),
        lines=scenario.lines if settings.model == "erlang_x" else None,  # the other models have no lines
        handle=scenario.handle,
        seed=settings.seed,
        isa_rounding=settings.isa_rounding,
    )
    agents = np.asarray(req.agents, dtype=np.int64)
    busy = is_open & (scenario.forecast.calls > 0)
    agents = np.where(is_open, np.maximum(agents, np.where(busy, settings.min_agents, 0)), 0)
    if settings.max_agents is None:
        return agents, agents
    return np.minimum(agents, settings.max_agents), agents


def _dated(scenario: Scenario, forecast, policy: str, p: float) -> Scenario:
    """The scenario with the forecast's dated days as its demand, under ``policy``."""
    from cxqueue import _validation as v
    from cxqueue.forecast import IntervalForecast
    from cxqueue.optimize.uncertain import POLICIES

    if not isinstance(forecast, IntervalForecast):
        raise ConfigError(f"forecast must be a cxqueue.forecast.IntervalForecast; got {type(forecast).__name__}")
    v.choice("policy", policy, POLICIES)
    q = float(v.fraction_array("p", p, open_low=True, open_high=True)) if policy == "quantile" else None
    f = scenario.forecast
    aht = None
    if forecast.aht_s is None:
        aht = float(np.average(f.aht_s, weights=f.calls)) if f.calls.sum() > 0 else float(np.mean(f.aht_s))
    dated = forecast.to_forecast(aht_s=aht, day_factor_q=q)
    cv = forecast.day_factor_cv if policy == "expected" else scenario.day_factor_cv
    return scenario.replace(forecast=dated, agents=0.0, day_factor_cv=cv)


def _requirements_for_traffic(scenario: Scenario, settings: PlanSettings, is_open, sim, idx) -> np.ndarray:
    """Agents intervals ``idx`` need for the calls the simulation offered them (first attempts,
    redials and callbacks; not those that met a closed door), by the requirement's model."""
    if idx.size == 0:
        return np.zeros(0, dtype=np.int64)
    f = scenario.forecast
    offered = np.asarray(sim.intervals.offered.mean, dtype=np.float64) - np.asarray(
        sim.intervals.closed.mean, dtype=np.float64
    )
    calls = np.where(np.isfinite(offered), np.maximum(offered, f.calls), f.calls)
    seen = scenario.replace(forecast=Forecast(calls=calls, aht_s=f.aht_s, interval_s=f.interval_s, start_s=f.start_s))
    agents, _ = _requirements(seen, settings, is_open)
    return agents[idx]


def _sl_curve(scenario: Scenario, settings: PlanSettings, keep: float, k_max: int) -> np.ndarray:
    """Service level per interval (rows) for 0..k_max paid agents (columns).

    Paid agents k give k (1 - shrinkage) on duty on average; the continuous extension of the
    models keeps the curve concave above the load (rounding down would add flat steps,
    which the scheduler's concave model cannot use).
    """
    f = scenario.forecast
    t = scenario.target
    on_duty = (np.arange(k_max + 1.0) * keep)[None, :]
    load, aht = f.offered_load[:, None], f.aht_s[:, None]
    # the internal tier: the scenario has validated every input already
    if settings.model == "erlang_c" or scenario.patience.is_none:
        return core.erlang_c(core.C_SL, load, on_duty, aht, t.answer_within_s)
    basis = t.basis if t.basis in ("offered", "answered", "virtual") else "offered"
    return core.queue_metric(core.SL[basis], load, on_duty, math.inf, aht, _patience_s(scenario), t.answer_within_s)


def _size_lines(scenario: Scenario, settings: PlanSettings, on_duty: np.ndarray) -> int:
    """One number of lines for the horizon: `size_lines` per interval, the largest."""
    from cxqueue.optimize.lines import size_lines

    if settings.lines is not None:
        return int(settings.lines)
    f = scenario.forecast
    # calls while closed hear the closed message and hold no line
    is_open = scenario.hours.open_mask(f.interval_starts_s, f.interval_s)
    f = Forecast(calls=np.where(is_open, f.calls, 0.0), aht_s=f.aht_s, interval_s=f.interval_s, start_s=f.start_s)
    if not (f.calls > 0).any():
        return max(1, int(on_duty.max(initial=0)))
    plan = size_lines(
        f,
        on_duty,
        blocking=settings.line_blocking or scenario.target.max_blocking or 0.01,
        mean_patience_s=_patience_s(scenario),
        redial_blocked=scenario.redials.blocked,
        redial_abandoned=scenario.redials.abandoned,
        per="horizon",
    )
    return max(1, int(np.max(plan.lines)), int(on_duty.max(initial=0)))


def optimize_plan(
    scenario: Scenario,
    templates: list[ShiftTemplate] | tuple[ShiftTemplate, ...],
    *,
    settings: PlanSettings | None = None,
    hours: OpeningHours | None = None,
    progress=None,
    forecast=None,
    policy: str = "mean",
    p: float = 0.9,
) -> PlanResult:
    """Plan agents, shifts and lines for ``scenario`` and confirm the plan by simulation.

    Parameters
    ----------
    scenario : Scenario
        The center: forecast, distributions, hours, redials, target (its ``agents`` and
        ``lines`` are ignored: they are what is planned).
    templates : sequence of ShiftTemplate
        The shifts the schedule may use.
    settings : PlanSettings, optional
        Model, schedule objective, lines, simulation and iteration cap.
    hours : OpeningHours, optional
        Opening hours to plan for (default: the scenario's), e.g. from
        `cxqueue.optimize.hours.search_opening_hours`.
    progress : callable, optional
        Called with one line of text per step.
    forecast : cxqueue.forecast.IntervalForecast, optional
        Plan the forecast's dated days (whole days from its first date, `IntervalForecast.to_forecast`)
        instead of ``scenario.forecast``; handle times are the forecast's, or the scenario's
        calls-weighted mean when the forecast has none.
    policy, p : str, float
        With ``forecast``: staff the ``"mean"``, the day factor's ``p``-quantile
        (``"quantile"``: the target holds per interval on about a share ``p`` of days), or
        the service level ``"expected"`` over busy and quiet days (the simulation draws the
        forecast's day factor), as `cxqueue.optimize.staffing_for_forecast` does.

    Returns
    -------
    PlanResult
        ``converged`` says whether the simulation met the target; ``message`` says
        what is wrong and where if it did not.
    """
    from cxqueue.sim import simulate

    t0 = time.perf_counter()
    settings = settings or PlanSettings()
    if settings.engine == "fast":  # the simulation kernel compiles in a child while the requirements and shifts run
        from cxqueue.sim import warm_up

        warm_up()
    if not isinstance(scenario, Scenario):
        raise ConfigError(f"scenario must be a cxqueue.scenario.Scenario; got {type(scenario).__name__}")
    if forecast is not None:
        scenario = _dated(scenario, forecast, policy, p)
    templates = tuple(templates)
    if not templates:
        raise ConfigError("templates must hold at least one ShiftTemplate; got none")
    say = progress or (lambda msg: None)
    hours = hours or scenario.hours
    f = scenario.forecast
    target = scenario.target
    is_open = hours.open_mask(f.interval_starts_s, f.interval_s)
    if not is_open.any():
        raise ConfigError(
            "hours: the center is closed in every interval of the forecast; open it on some day to plan ([hours]), "
            "or place the demand in its opening hours ([demand].start, [demand].weekday); got calls from "
            f"{when(f.start_s)} to {when(f.end_s)} and the hours {hours.describe()}"
        )
    keep = 1.0 - target.shrinkage
    # a forecast of exactly one week is a typical week: shifts wrap around its end
    # (Sunday's night shift covers Monday's first hours)
    weekly = abs(f.n_intervals * f.interval_s - WEEK) < 1e-6

    say(f"requirements ({settings.model}, {settings.method}) for {f.n_intervals} intervals")
    warnings = check_demand(scenario, hours)
    with _about_the_demand(f):
        base, needed = _requirements(scenario.replace(hours=hours), settings, is_open)
    added = np.zeros_like(base)
    # the agents the simulation may add stop at max_agents (positions, seats)
    room = np.maximum(settings.max_agents - base, 0) if settings.max_agents is not None else None
    history = []
    # no call while open: nothing to meet over the horizon, and the global model has no level to reach
    global_sl = settings.objective == "global_service_level" and bool((is_open & (f.calls > 0)).any())
    design_level = target.level
    if global_sl:
        busy = is_open & (f.calls > 0)
        floor = np.where(busy, max(1, settings.min_agents), 0).astype(np.float64)
        calls_open = np.where(is_open, f.calls, 0.0)
        curve = _sl_curve(scenario, settings, keep, int(np.ceil(base.max(initial=1) * 2 / keep)) + 5)
    result = None
    basis = target.basis
    for it in range(1, settings.max_iter + 1):
        need = base + added
        paid = np.ceil(need / keep - 1e-9)
        say(f"iteration {it}: scheduling shifts for {int(need.sum())} agent-intervals")
        shift_kw = dict(
            interval_s=f.interval_s,
            start_s=f.start_s,
            hours=hours,
            time_limit_s=settings.shift_time_limit_s,
            mip_rel_gap=settings.mip_rel_gap,
            wrap=weekly,
        )
        if global_sl:
            # meet the level over the horizon (Koole & van der Sluis 2003); the floor keeps
            # an agent wherever calls come, and the curve maps paid agents to the level
            sched = schedule_shifts(
                np.ceil(floor / keep - 1e-9),
                templates,
                objective="global_service_level",
                sl_curve=curve,
                calls=calls_open,
                target_level=min(design_level, 0.999),
                **shift_kw,
            )
        else:
            sched = schedule_shifts(paid, templates, **shift_kw)
        on_duty = np.floor(np.asarray(sched.agents) * keep + 1e-9)
        lines = _size_lines(scenario.replace(hours=hours), settings, on_duty)
        planned = scenario.replace(agents=on_duty, lines=lines, hours=hours)
        say(f"iteration {it}: cost {sched.cost:.1f}, {lines} lines; simulating {settings.replications} replications")
        with _about_the_demand(f):
            sim = simulate(
                planned,
                replications=settings.replications,
                seed=settings.seed,
                engine=settings.engine,
                warmup_s=settings.warmup_s,
            )
        sl = getattr(sim.intervals, f"sl_{basis}")
        offered = np.asarray(sim.intervals.offered.mean)
        high = np.asarray(sl.mean) + np.nan_to_num(np.asarray(sl.half_width), nan=0.0)
        failing = np.flatnonzero(is_open & (offered > 0) & (high < target.level))
        if global_sl:
            failing = failing[:0]  # by design some intervals sit below the level; the horizon counts
        total = getattr(sim.totals, f"sl_{basis}")
        total_ok = float(total.mean) - float(np.nan_to_num(total.half_width, nan=0.0)) >= target.level
        history.append((it, float(sched.cost), int(failing.size), float(total.mean)))
        result = (sched, lines, planned, sim, failing)
        if (failing.size == 0 and total_ok) or not (is_open & (f.calls > 0)).any():
            break
        if global_sl:
            # the simulation's level is below the formula's: design for more, by the shortfall
            lower = float(total.mean) - float(np.nan_to_num(total.half_width, nan=0.0))
            design_level += max(0.0025, target.level - lower)
            continue
        before = added.copy()
        # at least one more agent; up to half the way to what the analytic model asks for the
        # traffic the simulation saw (redials after a busy signal, an abandonment or a closed
        # door, and callbacks come on top of the forecast: a morning after a closed evening is
        # busier). Half: more agents mean fewer abandonments and so fewer redials next round.
        seen = _requirements_for_traffic(scenario.replace(hours=hours), settings, is_open, sim, failing)
        gap = seen - base[failing] - added[failing]
        added[failing] += np.maximum(1, np.ceil(gap / 2)).astype(added.dtype)
        if not total_ok:
            # the horizon as a whole is short: raise every interval whose estimate misses
            below = np.flatnonzero(is_open & (offered > 0) & (np.asarray(sl.mean) < target.level))
            added[np.setdiff1d(below, failing)] += 1
        if room is not None:
            added = np.minimum(added, room)
            if np.array_equal(added, before):  # every short interval is at max_agents: nothing left to try
                break
    sched, lines, planned, sim, failing = result
    total = getattr(sim.totals, f"sl_{basis}")
    total_ok = float(total.mean) - float(np.nan_to_num(total.half_width, nan=0.0)) >= target.level
    served = bool((is_open & (f.calls > 0)).any())
    converged = (failing.size == 0 and total_ok) or not served  # no call while open: nothing to miss
    if not served:
        msg = "no calls while the center is open: nothing to plan (see the warnings)"
    elif converged:
        msg = (
            f"the simulation meets the target ({target.level:g} within {target.answer_within_s:g} s, "
            f"{basis}) {'over the horizon' if global_sl else 'in every interval and over the horizon'} "
            f"({float(total.mean):.3f} "
            f"+- {float(np.nan_to_num(total.half_width)):.3f}) after {len(history)} iteration(s)"
        )
    else:
        where = ", ".join(when(f.start_s + i * f.interval_s) for i in failing[:8])
        more = f" and {failing.size - 8} more" if failing.size > 8 else ""
        msg = (
            f"not converged after {len(history)} iteration(s): the simulated service level over the horizon is "
            f"{float(total.mean):.3f} (target {target.level:g}); {failing.size} interval(s) below target with 95 % "
            f"confidence{': ' + where + more if failing.size else ''}"
        )
    rb, ra = scenario.redials.blocked, scenario.redials.abandoned
    analytic = core.queue_metrics(
        f.offered_load, planned.agents, float(lines), f.aht_s, _patience_s(scenario), target.answer_within_s, rb, ra
    )
    result = PlanResult(
        scenario=planned,
        settings=settings,
        required=(base + added).astype(np.int64),
        added=added.astype(np.int64),
        schedule=sched,
        lines=int(lines),
        analytic=analytic,
        simulation=sim,
        failing=failing.astype(np.int64),
        iterations=len(history),
        converged=bool(converged),
        history=tuple(history),
        message=msg,
        elapsed_s=time.perf_counter() - t0,
    )
    warnings += check_plan(result, needed=needed)
    return dataclasses.replace(result, warnings=tuple(warnings), templates=templates)
