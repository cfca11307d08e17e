"""The plan of a multi-skill center: agents per group, shifts per group, checked by simulation.

`optimize_multiskill_plan` does for a `cxqueue.scenario.MultiSkillScenario` what
`cxqueue.plan.optimize_plan` does for one queue:

1. **requirements**: agents on duty per group and interval: by default
   `cxqueue.optimize.multiskill.staff_multiskill` (simulation-based, at the groups' costs, on
   the plan's replications and seed); ``requirements=`` gives them instead, and
   ``start="dedicated"`` asks for the *dedicated start*: each type's own Erlang requirement,
   for its calls at its first group's handle time, given to the first group of its routing (a
   staffing that over-covers the pooled center and never starves a type);
2. **shifts per group** (`cxqueue.optimize.shifts.schedule_group_shifts`: the groups' MILPs are
   independent, the covering problem being block-diagonal), paid agents being the
   requirement over one minus the shrinkage;
3. **simulation** of the rostered agents on duty (`cxqueue.sim.multiskill.simulate_multiskill`,
   replications with common random numbers: each round sees the same callers);
4. where a type's service level falls short of its target *with 95 % confidence* in an
   interval (the upper end of its interval below the level; the level on the target's basis,
   offered or answered calls), one agent is added to the
   requirement of a group that serves the type there, and the schedule is solved again, at
   most ``settings.max_iter`` rounds. The group is the **cheapest per unit of help**: one agent
   of group g answers type k's calls at 1 / ``handle_factor[g, k]`` of the base rate and costs
   ``cost[g]``, so the rule picks the least ``cost[g] * handle_factor[g, k]`` among the groups
   the type's routing tries (ties: the earlier in that routing). In an interval where several
   types fall short, the types are taken by their shortfall, largest first, and a type
   that a group given an agent there this round already serves gets no second one (the agent
   helps every skill it has). A type whose level over the horizon misses with 95 % confidence
   gets the same in each interval where the lower end of its 95 % interval is below its level.

The result says whether every type met its target (``converged``) and carries warnings
(`cxqueue.scenario.PlanWarning`): a plan that does not converge, a target that no routing can
meet (every group that serves the type waits longer than its threshold), occupancy above
95 %, and each type's demand checks (`cxqueue.plan.checks.check_demand`).
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.plan.checks import MAX_OCCUPANCY, check_demand, when
from cxqueue.scenario import Forecast, MultiSkillScenario, PlanSettings, PlanWarning, Scenario
from cxqueue.scenario.channels import thresholds
from cxqueue.units import WEEK

__all__ = ["MultiSkillPlan", "helper_groups", "optimize_multiskill_plan", "service_levels"]

LISTED = 6  # intervals a message names per call type (then "and N more")
STARTS = ("staffing", "dedicated")


@dataclass(frozen=True, eq=False)
class MultiSkillPlan:
    """What `optimize_multiskill_plan` returns: the roster per group and the simulation that checks it.

    Attributes
    ----------
    scenario : MultiSkillScenario
        The planned center: each group's agents on duty per interval (rostered, after shrinkage).
    settings : PlanSettings
        How it was planned (replications, seed, engine, rounds).
    required, added : ndarray of int64, shape (groups, intervals)
        Agents on duty each group needs (the start plus what the simulation added) and the part
        the simulation added.
    schedule : cxqueue.optimize.shifts.GroupShiftSchedule
        The shifts per group (paid agents, before shrinkage) and their cost.
    simulation : cxqueue.sim.multiskill.MultiSkillResult
        The simulation of the final plan.
    failing : ndarray of int64, shape (m, 2)
        (type, interval) pairs whose service level is below target with 95 % confidence.
    start : str
        Where the requirements came from: "staffing" (`staff_multiskill`), "given" or "dedicated".
    staffing : cxqueue.optimize.multiskill.MultiSkillStaffing or None
        The staffing the requirements came from (with ``start="staffing"``).
    iterations, converged, history, message, elapsed_s, warnings
        How the loop went; ``history`` holds (iteration, cost, failing pairs, each type's
        simulated service level over the horizon) per round.
    """

    scenario: MultiSkillScenario
    settings: PlanSettings
    required: np.ndarray
    added: np.ndarray
    schedule: object
    simulation: object
    failing: np.ndarray
    start: str
    iterations: int
    converged: bool
    history: tuple = ()
    message: str = ""
    elapsed_s: float = 0.0
    warnings: tuple = ()
    shrinkage: float = 0.0
    #: group name -> the ShiftTemplates its schedule chose from
    templates: dict = field(default_factory=dict)
    staffing: object = None

    @property
    def cost(self) -> float:
        return self.schedule.cost

    def summary(self, *, cost_unit: str = "paid hours") -> dict:
        """The plan in plain values (the warnings first; NaN is None), per type and per group."""
        from cxqueue.plan.multiskill_report import plan_summary

        return plan_summary(self, cost_unit=cost_unit)

    def to_dict(self) -> dict:
        """The summary, the arrays per group and interval, the schedule, the simulation and the rounds."""
        arrays = {name: getattr(self, name).tolist() for name in ("required", "added", "failing")}
        parts = {name: getattr(self, name).to_dict() for name in ("schedule", "simulation")}
        return {"summary": self.summary(), **arrays, "agents": self.scenario.agents.tolist(), **parts,
                "history": [list(h) for h in self.history]}  # fmt: skip


def helper_groups(ms: MultiSkillScenario, cost) -> list[tuple[int, ...]]:
    """Per type, the groups its routing tries, cheapest per unit of help first: by ``cost[g] *
    handle_factor[g, k]``, ties in routing order (a stable sort).

    >>> from cxqueue.scenario import AgentGroup, CallType
    >>> ms = MultiSkillScenario([CallType("A", [9.0], aht_s=60.0)],
    ...                         [AgentGroup("slow", "A", 1, handle_factor={"A": 1.5}), AgentGroup("pricey", "A", 1)])
    >>> helper_groups(ms, [1.0, 1.2]), helper_groups(ms, [1.0, 1.6])
    ([(1, 0)], [(0, 1)])
    """
    factor = ms.handle_factors
    tg = ms.resolved_routing.type_groups
    out = []
    for k, name in enumerate(ms.type_names):
        gs = [ms.group_index(g) for g in tg[name]]
        out.append(tuple(sorted(gs, key=lambda g: cost[g] * factor[g, k])))
    return out


def service_levels(ms: MultiSkillScenario, kpis):
    """Each type's service level on its target's basis (``answered``: over answered calls; else over offered
    calls), an `Estimate` with the types on the first axis, from `TypeKPIs` per interval or over the horizon."""
    from cxqueue.sim.kpis import Estimate

    offered, answered = kpis.sl_offered, kpis.sl_answered
    pick = np.array([t.basis == "answered" for t in ms.target])
    pick = pick.reshape((-1,) + (1,) * (np.ndim(offered.mean) - 1))
    mean = np.where(pick, answered.mean, offered.mean)
    return Estimate(mean, np.where(pick, answered.half_width, offered.half_width), offered.limits)


def _with_agents(ms: MultiSkillScenario, agents: np.ndarray) -> MultiSkillScenario:
    groups = tuple(type(g)(g.name, g.skills, agents[i], handle_factor=g.handle_factor) for i, g in enumerate(ms.groups))
    return ms.replace(groups=groups)


def _patience_s(t) -> float:
    return math.inf if t.patience.is_none else float(t.patience.mean_s)


def dedicated_requirements(ms: MultiSkillScenario, settings: PlanSettings, is_open: np.ndarray) -> np.ndarray:
    """Agents on duty per group and interval when each type is served alone by the first group of its
    routing, at that group's handle time (its Erlang requirement by ``settings.model``; Erlang X,
    which needs lines, as Erlang A)."""
    from cxqueue.optimize.requirements import staffing_requirements

    req = np.zeros((ms.n_groups, ms.n_intervals), dtype=np.int64)
    tg = ms.resolved_routing.type_groups
    model = "erlang_a" if settings.model == "erlang_x" else settings.model
    for k, t in enumerate(ms.types):
        g = ms.group_index(tg[t.name][0])
        f = Forecast(np.where(is_open, t.calls, 0.0), t.aht_s * ms.groups[g].factor(t.name), interval_s=ms.interval_s,
                     start_s=ms.start_s)  # fmt: skip
        r = staffing_requirements(f, ms.target[k], model=model, method=settings.method,
                                  mean_patience_s=_patience_s(t), handle=t.handle, seed=settings.seed)  # fmt: skip
        req[g] += np.asarray(r.agents, dtype=np.int64)
    return np.where(is_open, np.maximum(req, 0), 0)


def _shortfall(ms, sim, is_open):
    """(failing pairs mask (types, intervals), each type's horizon level ok, the per-interval means and lower
    ends of the 95 % intervals, the levels as a column)."""
    level = np.array([t.level for t in ms.target])[:, None]
    sl = service_levels(ms, sim.types)
    mean = np.asarray(sl.mean, dtype=np.float64)
    half = np.nan_to_num(np.asarray(sl.half_width, dtype=np.float64), nan=0.0)
    high, low = mean + half, mean - half
    offered = np.asarray(sim.types.offered.mean, dtype=np.float64)
    failing = is_open[None, :] & (offered > 0) & (high < level)
    tot = service_levels(ms, sim.type_totals)
    lower = np.asarray(tot.mean, dtype=np.float64) - np.nan_to_num(np.asarray(tot.half_width), nan=0.0)
    total_ok = ~(lower < level[:, 0])  # NaN (no call) is not a miss
    return failing, total_ok, mean, low, level


def _add(added, failing, mean, low, level, helpers, total_ok, is_open) -> None:
    """One more agent where a type falls short, by the rule of the module docstring (in place)."""
    short = failing.copy()
    for k in np.flatnonzero(~total_ok):  # a type short over the horizon: every interval not surely above its level
        short[k] |= is_open & np.isfinite(low[k]) & (low[k] < level[k, 0])
    gap = np.where(short, level - np.nan_to_num(mean, nan=0.0), -np.inf)
    for i in np.flatnonzero(short.any(axis=0)):
        helped: set[int] = set()
        for k in np.argsort(-gap[:, i], kind="stable"):
            if not short[k, i] or helped & set(helpers[k]):
                continue
            g = helpers[k][0]
            added[g, i] += 1
            helped.add(g)


def optimize_multiskill_plan(
    scenario: MultiSkillScenario, templates, *, cost=None, settings: PlanSettings | None = None, requirements=None,
    shrinkage: float | None = None, start: str = "staffing", progress=None,
) -> MultiSkillPlan:  # fmt: skip
    """Plan each group's agents and shifts for ``scenario`` and check every type's target by simulation.

    Parameters
    ----------
    scenario : MultiSkillScenario
        The center (its groups' ``agents`` are ignored: they are what is planned).
    templates : sequence of ShiftTemplate, or mapping of group name to one
        The shifts every group may use, or each group's own.
    cost : mapping of group name to float, or sequence, optional
        Each group's cost per agent-hour relative to the base rate (default 1).
    settings : PlanSettings, optional
        ``replications``, ``seed``, ``engine``, ``warmup_s``, ``max_iter``, the MILP's limits,
        and ``model``/``method`` of the dedicated start.
    requirements : array_like, shape (groups, intervals), optional
        Agents on duty per group to start from; default: ``start``'s.
    start : {"staffing", "dedicated"}
        Without ``requirements``: `staff_multiskill` (default) or the dedicated start (module docstring).
    shrinkage : float, optional
        Share of paid time off the phones; default the largest of the types' targets'.
    progress : callable, optional
        Called with one line of text per step.

    Returns
    -------
    MultiSkillPlan
    """
    from cxqueue.optimize.shifts import schedule_group_shifts
    from cxqueue.optimize.shifts.groups import cost_factors, group_templates
    from cxqueue.sim.multiskill import simulate_multiskill

    t0 = time.perf_counter()
    if not isinstance(scenario, MultiSkillScenario):
        raise ConfigError(f"scenario must be a cxqueue.scenario.MultiSkillScenario; got {type(scenario).__name__}")
    ms, settings = scenario, settings or PlanSettings()
    say = progress or (lambda msg: None)
    names = ms.group_names
    factors = cost_factors(cost, names)
    keep = 1.0 - (max(t.shrinkage for t in ms.target) if shrinkage is None else float(shrinkage))
    if not 0.0 < keep <= 1.0:
        raise ConfigError(f"shrinkage must be in [0, 1); got {shrinkage!r}")
    is_open = ms.hours.open_mask(ms.interval_starts_s, ms.interval_s)
    if not is_open.any():
        raise ConfigError(f"hours: the center is closed in every interval; got the hours {ms.hours.describe()}")
    warnings = _demand_warnings(ms)
    v.choice("start", start, STARTS)
    staffing = None
    if requirements is None and start == "dedicated":
        say(f"requirements: each type's own {settings.model} staffing on its first group")
        base = dedicated_requirements(ms, settings, is_open)
    elif requirements is None:
        from cxqueue.optimize.multiskill import staff_multiskill

        say(f"requirements: staff_multiskill on {settings.replications} replications")
        staffing = staff_multiskill(ms, cost=dict(zip(names, factors, strict=True)), replications=settings.replications,
                                    seed=settings.seed, engine=settings.engine)  # fmt: skip
        base = np.where(is_open, np.asarray(staffing.agents, dtype=np.int64), 0)
    else:
        base = np.asarray(requirements, dtype=np.float64)
        if base.shape != (ms.n_groups, ms.n_intervals) or not np.all(np.isfinite(base)) or (base < 0).any():
            raise ConfigError(
                f"requirements must be agents >= 0 of shape (groups, intervals) = ({ms.n_groups}, {ms.n_intervals}); "
                f"got shape {base.shape}"
            )
        base, start = np.where(is_open, np.ceil(base - 1e-9), 0).astype(np.int64), "given"
    helpers = helper_groups(ms, factors)
    weekly = abs(ms.horizon_s - WEEK) < 1e-6  # a typical week: shifts wrap around its end
    added = np.zeros_like(base)
    history = []
    for it in range(1, settings.max_iter + 1):
        paid = np.ceil((base + added) / keep - 1e-9)
        say(f"iteration {it}: scheduling shifts for {len(names)} groups, {int((base + added).sum())} agent-intervals")
        sched = schedule_group_shifts(paid, templates, groups=names, cost=factors, interval_s=ms.interval_s,
                                      start_s=ms.start_s, hours=ms.hours, wrap=weekly,
                                      time_limit_s=settings.shift_time_limit_s,
                                      mip_rel_gap=settings.mip_rel_gap)  # fmt: skip
        planned = _with_agents(ms, np.floor(sched.agents * keep + 1e-9))
        say(f"iteration {it}: cost {sched.cost:.1f}; simulating {settings.replications} replications")
        sim = simulate_multiskill(planned, replications=settings.replications, seed=settings.seed,
                                  engine=settings.engine, warmup_s=settings.warmup_s)  # fmt: skip
        failing, total_ok, mean, low, level = _shortfall(ms, sim, is_open)
        tot = np.asarray(service_levels(ms, sim.type_totals).mean, dtype=np.float64)
        history.append((it, sched.cost, int(failing.sum()), [float(x) for x in tot]))
        if (not failing.any() and total_ok.all()) or it == settings.max_iter:
            break
        _add(added, failing, mean, low, level, helpers, total_ok, is_open)
    converged = not failing.any() and bool(total_ok.all())
    msg = _message(ms, converged, failing, total_ok, tot, len(history))
    plan = MultiSkillPlan(planned, settings, (base + added).astype(np.int64), added.astype(np.int64), sched, sim,
                          np.argwhere(failing).astype(np.int64), start, len(history), converged, tuple(history), msg,
                          time.perf_counter() - t0, shrinkage=1.0 - keep,
                          templates=dict(zip(names, group_templates(templates, names), strict=True)),
                          staffing=staffing)  # fmt: skip
    warnings += _plan_warnings(plan, is_open)
    return dataclasses.replace(plan, warnings=tuple(warnings))


def _message(ms, converged, failing, total_ok, tot, rounds) -> str:
    if converged:
        levels = ", ".join(f"{n} {x:.3f}" for n, x in zip(ms.type_names, tot, strict=True))
        return (f"the simulation meets every type's target in every interval and over the horizon ({levels}) "
                f"after {rounds} iteration(s)")  # fmt: skip
    parts = []
    for k, name in enumerate(ms.type_names):
        idx = np.flatnonzero(failing[k])
        if idx.size or not total_ok[k]:
            where = ", ".join(when(ms.start_s + i * ms.interval_s) for i in idx[:LISTED])
            more = f" and {idx.size - LISTED} more" if idx.size > LISTED else ""
            below = f"{idx.size} interval(s) below with 95 % confidence" + (f": {where}{more}" if idx.size else "")
            parts.append(f"{name} over the horizon {tot[k]:.3f} (target {ms.target[k].level:g}), {below}")
    return f"not converged after {rounds} iteration(s): " + "; ".join(parts)


def _demand_warnings(ms: MultiSkillScenario) -> list[PlanWarning]:
    """`check_demand` per type, each message naming its type, and the targets no routing can reach."""
    out = []
    within = thresholds(ms)
    fed = {t.outbound.to for t in ms.types if t.outbound is not None}  # types whose work other types create
    for k, t in enumerate(ms.types):
        f = Forecast(t.calls, t.aht_s, interval_s=ms.interval_s, start_s=ms.start_s)
        for w in check_demand(Scenario(f, 0.0, hours=ms.hours)):
            if w.code == "no_calls" and t.name in fed:
                continue  # its tasks come from the calls of other types ([call_types.NAME].outbound)
            out.append(PlanWarning(w.code, f"call type {t.name}: {w.message}", f"[call_types.{t.name}]"))
        tgt = ms.target[k]
        delays = [ms.resolved_routing.delay_s(t.name, g) for g in ms.resolved_routing.type_groups[t.name]]
        if min(delays) > within[k] and tgt.level > 0 and t.calls.sum() > 0:
            out.append(
                PlanWarning(
                    "unreachable_target",
                    f"call type {t.name}: every group that serves it waits {min(delays):g} s or longer before it may "
                    f"take a call ([routing].delays_s), longer than its {within[k]:g} s threshold: its "
                    f"service level stays near 0 whatever the staffing. Shorten a delay or raise the threshold.",
                    f"[routing].delays_s.{t.name}",
                )
            )
    return out


def _plan_warnings(plan: MultiSkillPlan, is_open) -> list[PlanWarning]:
    ms, sim = plan.scenario, plan.simulation
    out = []
    if not plan.converged:
        out.append(
            PlanWarning(
                "not_converged",
                f"the plan misses a type's target: {plan.message}. To fix it: give shift templates that can cover "
                "those hours ([shifts], [groups.NAME].shifts), plan without --quick (more iterations), or lower the "
                "type's target.",
                "[call_types.NAME].target",
            )
        )
    occ = np.asarray(sim.groups.occupancy.mean, dtype=np.float64)
    busy = is_open[None, :] & (ms.agents > 0) & np.isfinite(occ) & (occ > MAX_OCCUPANCY)
    for g in np.flatnonzero(busy.any(axis=1)):
        i = int(np.flatnonzero(busy[g])[np.argmax(occ[g][busy[g]])])
        out.append(
            PlanWarning(
                "high_occupancy",
                f"group {ms.group_names[g]}: agents are busy over {MAX_OCCUPANCY:.0%} of their time in "
                f"{int(busy[g].sum())} interval(s) (up to {occ[g, i]:.1%} at {when(ms.interval_starts_s[i])}): no "
                "slack for after-call work or a burst of calls.",
                f"[groups.{ms.group_names[g]}]",
            )
        )
    return out
