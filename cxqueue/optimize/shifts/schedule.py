"""Shift scheduling by MILP (scipy.optimize.milp / HiGHS): cover the requirement, or meet a global service level.

`schedule_shifts` expands shift templates into candidate shifts (every day, start and
break placement; see `cxqueue.optimize.shifts._coverage` for the rules on breaks, opening hours
and the end of the horizon), then picks how many of each to use at least cost:

- ``objective="cover"``: every open interval gets its required agents (Dantzig 1954).
- ``objective="global_service_level"``: the call-weighted service level over the whole
  horizon meets ``target_level`` (Koole & van der Sluis 2003); each interval's service level
  is a piecewise-linear function of its agents given by ``sl_curve`` (see
  `cxqueue.optimize.shifts._gsl` for the exact and the concave-hull models). ``required`` is then a
  floor of agents per interval (pass zeros for none). It is solved in three steps: the LP
  relaxation (a lower bound), a cover schedule of the LP's agents per interval rounded (a
  feasible first schedule, often within ``mip_rel_gap`` already: then it is returned as
  optimal), and the full MILP asked to beat that schedule's cost in the time left.

Opening hours: a candidate shift lies wholly inside open time (a shift that would touch a
closed interval is not generated), closed intervals need no cover, and their calls do not
count in the global service level. An open interval that needs agents but that no
candidate covers makes the problem infeasible; the error names the intervals, and with
``shortage_penalty`` the best partial schedule comes back with them in ``unmet``.

Progress: ``progress=True`` prints HiGHS's branch-and-bound log (bounds, gap, time) and
one line per stage; a callable gets a ``SolveProgress`` per stage (model size, LP bound,
final gap).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError, InfeasibleError
from cxqueue.optimize.shifts._coverage import Candidates, expand_templates, format_time_of_week
from cxqueue.optimize.shifts._covering import (
    CoverSolution,  # noqa: F401 - importable from here as before (cxqueue.optimize.shifts exports it)
    check_solver_options,
    solve_core,
    solve_covering,  # noqa: F401 - likewise
)
from cxqueue.optimize.shifts._gsl import curve_service_level
from cxqueue.optimize.shifts._gsl_solve import gsl_setup, solve_gsl
from cxqueue.optimize.shifts._highs import SolveProgress
from cxqueue.scenario import WEEKDAYS, OpeningHours, ShiftTemplate
from cxqueue.scenario._plain import PlainDict

__all__ = ["ChosenShift", "ShiftSchedule", "UnmetInterval", "schedule_shifts"]

OBJECTIVES = ("cover", "global_service_level")
SL_MODELS = ("stable", "exact", "hull")


@dataclass(frozen=True)
class ChosenShift(PlainDict):
    """``count`` agents on template ``template`` starting at ``start_s`` (seconds since Monday 00:00)."""

    template: str
    day: int
    weekday: str
    start_s: float
    end_s: float
    breaks_s: tuple[float, ...]
    count: int


@dataclass(frozen=True)
class UnmetInterval(PlainDict):
    """An interval left short: ``required`` and ``scheduled`` agents, ``when`` as "monday 06:15"."""

    index: int
    start_s: float
    when: str
    required: float
    scheduled: float
    shortage: float


@dataclass(frozen=True, eq=False)
class ShiftSchedule(PlainDict):
    """A shift schedule and how it was found.

    Attributes
    ----------
    shifts : tuple of ChosenShift
        The shifts used (count > 0), by start time.
    counts : ndarray of int64
        Count per candidate; candidates are described by ``candidate_template`` (names),
        ``candidate_start_s`` and ``candidate_breaks_s`` (NaN-padded, seconds since Monday 00:00).
    agents, required : ndarray of float64
        Agents on duty and the requirement (zero where closed) per interval.
    open : ndarray of bool
        Intervals inside the opening hours.
    cost : float
        Sum of the chosen shifts' costs. ``objective`` adds shortage penalties.
    lp_bound, dual_bound, mip_gap : float
        LP relaxation optimum, HiGHS's final lower bound and the relative gap.
    status : str
        "optimal" (within ``mip_rel_gap``) or "time_limit" (best found in time).
    service_level : ndarray or None
        Per interval, from ``sl_curve`` at the scheduled agents (when it was given);
        ``global_service_level`` is the call-weighted mean over open intervals.
    unmet : tuple of UnmetInterval
        Intervals left short (with ``shortage_penalty``).
    shortfall_calls : float
        Calls short of the global target (``global_service_level`` with a penalty).
    message : str
        What was found, and what is wrong and where if anything is.
    """

    shifts: tuple[ChosenShift, ...]
    counts: np.ndarray
    candidate_template: tuple[str, ...]
    candidate_start_s: np.ndarray
    candidate_breaks_s: np.ndarray
    agents: np.ndarray
    required: np.ndarray
    open: np.ndarray
    interval_s: float
    start_s: float
    objective_kind: str
    cost: float
    objective: float
    lp_bound: float
    dual_bound: float
    mip_gap: float
    status: str
    solve_time_s: float
    service_level: np.ndarray | None
    global_service_level: float | None
    unmet: tuple[UnmetInterval, ...]
    shortfall_calls: float
    message: str

    @property
    def n_candidates(self) -> int:
        return int(self.counts.size)

    @property
    def n_agents(self) -> int:
        """Shifts worked in the horizon."""
        return int(self.counts.sum())


@dataclass(frozen=True, eq=False)
class _Instance:
    """A checked problem and its candidates: what `_assemble` needs besides the solve."""

    tpls: tuple[ShiftTemplate, ...]
    cand: Candidates
    req: np.ndarray  # agents required per interval, zero where closed
    is_open: np.ndarray
    starts: np.ndarray  # seconds since Monday 00:00
    interval_s: float
    start_s: float
    objective: str
    sl: np.ndarray | None
    calls: np.ndarray | None
    target: float | None
    pen: np.ndarray | None
    closed_need: np.ndarray  # closed intervals with a positive requirement

    def label(self, i: int) -> str:
        return f"interval {i} ({format_time_of_week(self.starts[i])})"


def _check_templates(templates) -> tuple[ShiftTemplate, ...]:
    if isinstance(templates, ShiftTemplate):
        templates = (templates,)
    if not isinstance(templates, Sequence) or len(templates) == 0:
        raise ConfigError(f"templates must be a non-empty sequence of ShiftTemplate; got {templates!r}")
    for k, t in enumerate(templates):
        if not isinstance(t, ShiftTemplate):
            raise ConfigError(f"templates[{k}] must be a ShiftTemplate; got {type(t).__name__}")
    names = [t.name for t in templates]
    dup = next((x for x in names if names.count(x) > 1), None)
    if dup is not None:
        raise ConfigError(f"templates must have distinct names; {dup!r} appears {names.count(dup)} times")
    return tuple(templates)


def _check_gsl(sl_curve, calls, target_level, n):
    if sl_curve is None or calls is None or target_level is None:
        missing = [
            k for k, x in (("sl_curve", sl_curve), ("calls", calls), ("target_level", target_level)) if x is None
        ]
        raise ConfigError(
            f"objective='global_service_level' needs sl_curve, calls and target_level; missing {', '.join(missing)}"
        )
    sl, c = _check_curve(sl_curve, calls, n)
    return sl, c, float(v.fraction_array("target_level", target_level, open_low=True))


def _check_curve(sl_curve, calls, n):
    sl = v.fraction_array("sl_curve", sl_curve)
    if sl.ndim != 2 or sl.shape[0] != n or sl.shape[1] < 2:
        raise ConfigError(
            f"sl_curve must have shape (n_intervals, K + 1) = ({n}, K + 1) with K >= 1; got shape {sl.shape}"
        )
    v.check("sl_curve", np.diff(sl, axis=1), np.diff(sl, axis=1) >= -1e-9, "non-decreasing in agents (along each row)")
    c = v.nonneg_array("calls", calls)
    if c.shape != (n,):
        raise ConfigError(f"calls must have one value per interval ({n}); got shape {c.shape}")
    return sl, c


def schedule_shifts(
    required,
    templates: Sequence[ShiftTemplate],
    *,
    interval_s: float = 900.0,
    start_s: float = 0.0,
    hours: OpeningHours | None = None,
    objective: str = "cover",
    sl_curve=None,
    calls=None,
    target_level: float | None = None,
    sl_model: str = "stable",
    shortage_penalty=None,
    wrap: bool = False,
    break_step_s: float | None = None,
    max_candidates: int = 200_000,
    time_limit_s: float | None = 60.0,
    mip_rel_gap: float | None = 0.005,
    progress: bool | Callable[[SolveProgress], None] | None = None,
) -> ShiftSchedule:
    """Least-cost shifts from `templates` that cover `required`, or meet a global service level.

    Parameters
    ----------
    required : array_like of float, shape (n,)
        Agents needed per interval (a floor under ``objective="global_service_level"``).
        Interval ``i`` starts at ``start_s + i * interval_s``.
    templates : sequence of ShiftTemplate
        Start windows and steps, lengths, costs, breaks, weekdays, min/max counts per day.
    interval_s : float
        Interval length in seconds (default 900).
    start_s : float
        Start of interval 0 in seconds since Monday 00:00 (a week of 15-minute intervals
        from Monday 00:00 is ``start_s=0`` with 672 intervals).
    hours : OpeningHours, optional
        Shifts lie inside open time; closed intervals need no cover. Default: always open.
    objective : {"cover", "global_service_level"}
    sl_curve : array_like, shape (n, K + 1), optional
        Service level (fraction) of interval ``i`` with ``k`` agents, non-decreasing in ``k``.
        Required for the global objective; with "cover" it is used to report service levels.
    calls : array_like, shape (n,), optional
        Calls per interval, the weights of the global service level.
    target_level : float, optional
        Global service level to reach, a fraction in (0, 1].
    sl_model : {"stable", "exact", "hull"}
        How the service-level curve enters the MILP (see `cxqueue.optimize.shifts._gsl`): "stable"
        (default) staffs every interval with calls on the concave part of its curve (above
        the load for Erlang C) and is fast; "exact" may also leave an interval below that,
        at the price of about two binaries per interval (small instances); "hull" uses the
        concave envelope, a relaxation that can overstate the service level.
    shortage_penalty : float or array_like, optional
        Cost per agent short of ``required`` in an interval (and, for the global objective,
        per call short of the target). With it the best partial schedule is returned and
        ``unmet`` lists the short intervals instead of raising.
    wrap : bool
        Treat the horizon as cyclic (a repeating week): a shift running past the end covers
        the first intervals. Default False: that part covers nothing.
    break_step_s : float, optional
        Step between allowed break starts within a window (default ``interval_s``).
    max_candidates : int
        Refuse to build more candidate shifts than this.
    time_limit_s : float or None
        HiGHS wall-clock limit (default 60 s); the best schedule found is returned with its gap.
    mip_rel_gap : float or None
        Relative optimality gap at which HiGHS stops (default 0.005).
    progress : bool or callable, optional
        True prints HiGHS's log; a callable receives a ``SolveProgress`` at each stage.

    Returns
    -------
    ShiftSchedule

    Raises
    ------
    ConfigError
        Bad input; the message names the parameter, the rule and the value.
    InfeasibleError
        No schedule meets the requirement (or the target): the message names the intervals
        and the cause. Pass ``shortage_penalty`` for a partial schedule instead.

    Examples
    --------
    Eight hours of 15-minute intervals from 08:00, 3 agents needed throughout, and 4-hour
    shifts starting on the hour:

    >>> tpl = ShiftTemplate("half", length_s=4 * 3600, earliest_start_s=8 * 3600,
    ...                     latest_start_s=12 * 3600, start_step_s=3600, cost=4.0)
    >>> s = schedule_shifts([3.0] * 32, [tpl], start_s=8 * 3600)
    >>> s.cost, [(sh.template, sh.start_s / 3600, sh.count) for sh in s.shifts]
    (24.0, [('half', 8.0, 3), ('half', 12.0, 3)])
    """
    req = v.nonneg_array("required", required)
    if req.ndim != 1 or req.size == 0:
        raise ConfigError(f"required must be a 1-d array with at least one interval; got shape {req.shape}")
    n = req.size
    tpls = _check_templates(templates)
    interval_s = float(v.positive_array("interval_s", interval_s))
    start_s = float(v.nonneg_array("start_s", start_s))
    if hours is not None and not isinstance(hours, OpeningHours):
        raise ConfigError(f"hours must be an OpeningHours or None; got {type(hours).__name__}")
    v.choice("objective", objective, OBJECTIVES)
    v.choice("sl_model", sl_model, SL_MODELS)
    if objective == "global_service_level":
        sl, calls_a, target = _check_gsl(sl_curve, calls, target_level, n)
    elif sl_curve is not None:
        sl, calls_a = _check_curve(sl_curve, np.ones(n) if calls is None else calls, n)
        target = None
    else:
        sl = calls_a = target = None
    pen = None
    if shortage_penalty is not None:
        pen = v.positive_array("shortage_penalty", shortage_penalty)
        if pen.ndim > 1 or (pen.ndim == 1 and pen.size != n):
            raise ConfigError(
                f"shortage_penalty must be a scalar or have one value per interval ({n}); got shape {pen.shape}"
            )
        pen = np.broadcast_to(pen, (n,)).astype(np.float64)
    if not isinstance(wrap, bool):
        raise ConfigError(f"wrap must be True or False; got {wrap!r}")
    step = interval_s if break_step_s is None else float(v.positive_array("break_step_s", break_step_s))
    max_candidates = v.integer_scalar("max_candidates", max_candidates, minimum=1)
    time_limit_s, mip_rel_gap, progress = check_solver_options(time_limit_s, mip_rel_gap, progress)

    starts = start_s + interval_s * np.arange(n)
    is_open = np.ones(n, dtype=bool) if hours is None else hours.open_mask(starts, interval_s)
    cand = expand_templates(
        tpls,
        n,
        interval_s=interval_s,
        start_s=start_s,
        hours=hours,
        wrap=wrap,
        break_step_s=step,
        max_candidates=max_candidates,
    )
    closed_need = np.flatnonzero(~is_open & (req > 0))
    req_eff = np.where(is_open, req, 0.0)
    problem = _Instance(
        tpls, cand, req_eff, is_open, starts, interval_s, start_s, objective, sl, calls_a, target, pen, closed_need
    )
    label = problem.label
    groups = _groups(tpls, cand)
    if cand.n == 0:
        names = ", ".join(repr(t.name) for t in tpls)
        raise InfeasibleError(
            f"no shift of the templates {names} can be placed: every start time falls where the center is "
            "closed (or outside the forecast); widen earliest_start..latest_start or the opening hours"
        )
    upper = np.full(cand.n, np.inf)
    hint = (
        "add templates (or start times) that cover those intervals, widen max_count, "
        "or pass shortage_penalty for a partial schedule"
    )
    gsl_block = None
    gsl_pen = None
    notes: list[str] = []
    if objective == "global_service_level":
        gsl_block, gsl_pen, note = gsl_setup(cand, sl, calls_a, target, is_open, upper, groups, sl_model, pen, label)
        if note:
            notes.append(note)
    kw = dict(lower=np.zeros(cand.n), upper=upper, max_cover=np.full(n, np.inf), groups=groups, label=label, hint=hint)

    def run_gsl(block, block_pen):
        return solve_gsl(
            req_eff, cand, block, block_pen, pen, sl, calls_a, target, is_open, time_limit_s, mip_rel_gap, progress, kw
        )

    if gsl_block is None:
        res = solve_core(
            req_eff,
            cand.coverage,
            cand.cost,
            penalty=pen,
            integral=True,
            time_limit_s=time_limit_s,
            mip_rel_gap=mip_rel_gap,
            progress=progress,
            **kw,
        )
    else:
        try:
            res = run_gsl(gsl_block, gsl_pen)
        except InfeasibleError:
            if sl_model != "stable":
                raise
            # the count limits cannot staff every interval above its load: let intervals go below it
            gsl_block, gsl_pen, _ = gsl_setup(cand, sl, calls_a, target, is_open, upper, groups, "exact", pen, label)
            res = run_gsl(gsl_block, gsl_pen)
            notes.append("sl_model='stable' was infeasible with the count limits; solved with sl_model='exact'")
    return _assemble(problem, res, gsl_block, gsl_pen, notes)


def _groups(tpls, cand: Candidates) -> list[tuple[np.ndarray, float, float]]:
    """min/max count rows per (template, day); a template whose min_count has no candidate is infeasible."""
    for ti, day in cand.empty_groups:
        if tpls[ti].min_count > 0:
            raise InfeasibleError(
                f"shift {tpls[ti].name!r} needs min_count={tpls[ti].min_count} on {WEEKDAYS[day % 7]} "
                f"(day {day}) but none of its start times fits the horizon and the opening hours; "
                "lower min_count or change the template's start window or days"
            )
    out = []
    order = np.argsort(cand.group, kind="stable")
    bounds = np.searchsorted(cand.group[order], np.arange(len(cand.group_keys) + 1))
    for g, (ti, _) in enumerate(cand.group_keys):
        t = tpls[ti]
        if t.min_count == 0 and t.max_count is None:
            continue
        cols = order[bounds[g] : bounds[g + 1]]
        out.append((cols, float(t.min_count), np.inf if t.max_count is None else float(t.max_count)))
    return out


def _assemble(p: _Instance, res, gsl_block, gsl_pen, notes: list[str]) -> ShiftSchedule:
    """The ShiftSchedule of a solve (`res`), with its service levels and a message that names what is wrong."""
    out = res.outcome
    counts = res.x.astype(np.int64)
    shifts = []
    for j in np.flatnonzero(counts > 0):
        t = p.tpls[p.cand.template[j]]
        b = p.cand.breaks_s[j]
        shifts.append(
            ChosenShift(
                t.name,
                int(p.cand.day[j]),
                WEEKDAYS[p.cand.day[j] % 7],
                float(p.cand.start_s[j]),
                float(p.cand.start_s[j] + t.length_s),
                tuple(float(x) for x in b[~np.isnan(b)]),
                int(counts[j]),
            )
        )
    shifts.sort(key=lambda s: (s.start_s, s.template, s.breaks_s))
    agents = res.covered
    unmet = tuple(
        UnmetInterval(
            int(i),
            float(p.starts[i]),
            format_time_of_week(p.starts[i]),
            float(p.req[i]),
            float(agents[i]),
            float(res.shortage[i]),
        )
        for i in res.unmet
    )
    objective_value = res.cost + (float(p.pen @ res.shortage) if p.pen is not None else 0.0)
    level = glob = None
    shortfall = 0.0
    if p.sl is not None:
        level = curve_service_level(agents, p.sl)
        w = p.calls * p.is_open
        glob = float(w @ level / w.sum()) if w.sum() > 0 else None
    if gsl_block is not None and gsl_pen is not None:
        shortfall = max(float(res.extra[-1]), 0.0)
        shortfall = 0.0 if shortfall < 1e-7 else shortfall
        objective_value += gsl_pen * shortfall
    msg = [
        f"{out.status}: {int(counts.sum())} shifts from {p.cand.n} candidates, cost {res.cost:g}, "
        f"gap {out.mip_gap:.3%} to the bound {out.dual_bound:g}, {out.solve_time_s:.2f} s"
    ]
    if glob is not None:
        msg.append(f"global service level {glob:.4f}" + (f" (target {p.target:g})" if p.target is not None else ""))
    if unmet:
        msg.append(
            f"{len(unmet)} interval(s) short by {float(res.shortage.sum()):g} agent-intervals: "
            + ", ".join(f"{p.label(u.index)} short {u.shortage:g}" for u in unmet[:8])
            + (f" and {len(unmet) - 8} more" if len(unmet) > 8 else "")
        )
    if shortfall > 0:
        msg.append(f"the global target is missed by {shortfall:.4g} calls")
    if p.closed_need.size:
        msg.append(
            f"{p.closed_need.size} closed interval(s) with a positive requirement were not covered "
            f"(first: {p.label(int(p.closed_need[0]))})"
        )
    msg.extend(notes)
    return ShiftSchedule(
        shifts=tuple(shifts),
        counts=counts,
        candidate_template=tuple(p.tpls[k].name for k in p.cand.template),
        candidate_start_s=p.cand.start_s,
        candidate_breaks_s=p.cand.breaks_s,
        agents=agents,
        required=p.req,
        open=p.is_open,
        interval_s=p.interval_s,
        start_s=p.start_s,
        objective_kind=p.objective,
        cost=res.cost,
        objective=objective_value,
        service_level=level,
        global_service_level=glob,
        unmet=unmet,
        shortfall_calls=shortfall,
        message="; ".join(msg),
        **out.report(),
    )
