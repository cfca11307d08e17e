"""Opening hours: search each weekday's opening and closing time against a latent demand.

The model of a week (demand by preferred time, carry-over, staffing per slot, costs) is
`cxqueue.optimize.hours.evaluate`'s.

Search. A day's demand depends on its window and, through the carry-over, on the closing
time of the previous open day: the days form a cycle coupled only through "the last closing
time". `search_opening_hours` solves it exactly by dynamic programming over days with that
time as the state; the cycle is cut by fixing the week's last closing time (each candidate in
turn) and requiring the path to end there. Each state keeps a Pareto set of labels, so the
result is the exact Pareto set (``pareto="full"``: over cost, lost calls and calls answered
within the threshold; ``"cost_lost"``: over cost and lost calls, ties to the higher service
level, which holds the best plan for every budget since net value falls with both). With
``cost_resolution`` / ``calls_resolution`` above 0 labels closer than that merge (each day
adds at most one step of error): faster, approximate. A coverage floor adds the covered demand
to the labels as a criterion to maximise, capped at the floor (beyond it more is worth
nothing), and drops labels that cannot reach the floor even if every later day opens its
widest window: still exact. Days in ``fixed`` have their one window (or stay closed).

With ``cost_model="shifts"`` the programme prunes with agent-hour costs, then up to
``max_schedules`` of its Pareto plans are scheduled with `cxqueue.optimize.shifts.schedule_shifts`
(cyclic week, shifts inside the hours) and the Pareto set and best plan are taken over their
shift costs: an approximation, as a plan dominated in agent-hours is never scheduled.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError, InfeasibleError
from cxqueue.optimize.hours._pareto import pareto as _pareto
from cxqueue.optimize.hours._space import choices as _choices
from cxqueue.optimize.hours._space import coverage_floor
from cxqueue.optimize.hours.evaluate import HoursPlan, Model, evaluate, evaluate_opening_hours, model_iv
from cxqueue.scenario import ServiceTarget
from cxqueue.units import DAY, HOUR

__all__ = ["HoursPlan", "HoursSearch", "evaluate_opening_hours", "search_opening_hours"]

_INF = math.inf
COST_MODELS = ("agent_hours", "shifts")
PARETO = ("cost_lost", "full")


@dataclass(frozen=True, eq=False)
class HoursSearch:
    """The result of `search_opening_hours`.

    ``pareto``: the non-dominated plans by cost (in cost and lost calls, or with the service
    level too: ``pareto_kind``); ``best``: highest net value within ``budget`` (None when the
    budget is below every plan: ``message`` says so with ``cheapest``'s cost); ``n_plans``:
    plans in the search space; ``exact``: False when resolutions merged labels.
    """

    pareto: tuple[HoursPlan, ...]
    best: HoursPlan | None
    cheapest: HoursPlan
    budget: float | None
    cost_model: str
    pareto_kind: str
    exact: bool
    n_plans: int
    message: str

    def to_dict(self) -> dict:
        d = {k: (val.to_dict() if isinstance(val, HoursPlan) else val) for k, val in self.__dict__.items()}
        d["pareto"] = [p.to_dict() for p in self.pareto]
        return d


def _day_table(model: Model, d: int, prior: np.ndarray, wins, base):
    """(cost, lost, within, covered) of opening day `d` in each window after a closing at each `prior` slot."""
    n, W, m = model.n, 7 * model.n, model.spread.size
    o, c = np.array(wins).T
    ext = np.concatenate(([0.0], np.cumsum(np.concatenate((model.latent, model.latent)))))
    closed = ext[(d * n + o)[None, :] + W] - ext[prior[:, None] + W]  # (T, J)
    ell = np.minimum(c - o, m)
    wts = np.zeros((len(wins), m))
    for j, length in enumerate(ell):
        wts[j, :length] = model.weights(length)
    slot = d * n + o[:, None] + np.arange(m)[None, :]  # (J, m)
    valid = np.arange(m)[None, :] < ell[:, None]
    slot_v = np.where(valid, slot, d * n)
    lam = model.latent[slot_v][None] + model.carry * closed[:, :, None] * wts[None]  # (T, J, m)
    paid, within, ab, bl = model.slots(lam, np.broadcast_to(slot_v, lam.shape))
    mask = valid[None]
    head = [np.where(mask, x, 0.0).sum(axis=2) for x in (paid, within, ab + bl)]
    cum = base[d]  # cumulative (paid, within, ab + bl) over the day's slots at latent demand
    tail = [cum[q][c] - cum[q][o + ell] for q in range(3)]
    lost = (1.0 - model.carry) * closed + head[2] + tail[2]
    hours = model.interval_s / HOUR
    cost = model.price * (head[0] + tail[0]) * hours + model.open_cost * (c - o)[None, :] * hours
    covered = np.broadcast_to(ext[d * n + c] - ext[d * n + o], lost.shape)
    return cost, lost, head[1] + tail[1], covered


def _search(model: Model, choices, res_c, res_n, full, need=None):
    """Exact label-setting DP over days; (cost, lost, within, covered, plans) of the Pareto plans.

    ``need``: the least covered demand (None: no floor); labels then compete on their covered
    demand too (capped at ``need``), and those that cannot reach it are dropped.
    """
    n, W = model.n, 7 * model.n  # states are absolute slots of the last closing (previous week: negative)
    closes = [sorted({c for _, c in wins}) for wins, _ in choices]
    prev_week = np.array([d * n + c - W for d in range(7) for c in closes[d]], dtype=np.int64)
    paid, within, ab, bl = (x.reshape(7, n) for x in model.slots(model.latent, np.arange(W)))
    base = [[np.concatenate(([0.0], np.cumsum(x[d]))) for x in (paid, within, ab + bl)] for d in range(7)]
    tables = []
    for d in range(7):
        prior = np.concatenate((prev_week, [e * n + c for e in range(d) for c in closes[e]])).astype(np.int64)
        tab = _day_table(model, d, prior, choices[d][0], base) if choices[d][0] else None
        tables.append(({int(t): i for i, t in enumerate(prior)}, tab))
    by_close = [
        {cc: np.array([j for j, w in enumerate(wins) if w[1] == cc], dtype=np.int64) for cc in closes[d]}
        for d, (wins, _) in enumerate(choices)
    ]
    widest = [0.0 if tab is None else float(tab[3].max()) for _, tab in tables]  # each day's largest coverage
    found = []
    for D in range(7):
        if any(not choices[e][1] for e in range(D + 1, 7)):
            continue  # a later day must open: D is not the week's last open day
        for cD in closes[D]:
            states = {D * n + cD - W: (*np.zeros((4, 1)), np.full((1, 7), -1, np.int16))}
            for d in range(D + 1):
                may_close, (rows, tab) = choices[d][1], tables[d]
                new: dict[int, list] = {}
                for t, lab in states.items():
                    if may_close and d < D:
                        new.setdefault(t, []).append(lab)
                    if tab is None:
                        continue
                    r = rows[t]
                    for cc in [cD] if d == D else closes[d]:
                        js = by_close[d][cc]
                        plans = np.repeat(lab[4], js.size, axis=0)
                        plans[:, d] = np.tile(js, lab[0].size)
                        sums = [(lab[q][:, None] + tab[q][r, js][None, :]).ravel() for q in range(4)]
                        new.setdefault(d * n + cc, []).append((*sums, plans))
                states = {}
                rest = sum(widest[d + 1 : D + 1])  # the most the days still to come can cover
                for t, parts in new.items():
                    cat = [np.concatenate([p[q] for p in parts]) for q in range(5)]
                    if need is not None:
                        cat = [x[cat[3] + rest >= need] for x in cat]
                        if not cat[0].size:
                            continue
                    keep = _pareto(
                        cat[0], cat[1], cat[2], res_c, res_n, full, None if need is None else np.minimum(cat[3], need)
                    )
                    states[t] = tuple(x[keep] for x in cat)
            if D * n + cD in states:
                found.append(states[D * n + cD])
    if not found:
        return None
    cat = [np.concatenate([f[q] for f in found]) for q in range(5)]
    keep = _pareto(cat[0], cat[1], cat[2], res_c, res_n, full)
    return [x[keep] for x in cat]


def _schedule_costs(model: Model, plans: list[HoursPlan], templates, schedule_kw) -> tuple[list, list[str]]:
    from cxqueue.optimize.shifts import schedule_shifts

    out, notes = [], []
    for p in plans:
        try:
            shifts = float(
                schedule_shifts(
                    p.agents,
                    templates,
                    interval_s=model.interval_s,
                    start_s=0.0,
                    hours=p.hours,
                    wrap=True,
                    **(schedule_kw or {}),
                ).cost
            )
        except InfeasibleError as exc:
            shifts = _INF
            notes.append(f"{p.describe()}: no shift schedule ({str(exc).split(';')[0]})")
        cost = shifts + model.open_cost * p.open_hours
        out.append(dataclasses.replace(p, cost=cost, net_value=p.net_value + p.cost - cost, schedule_cost=shifts))
    return out, notes


def _pick(plans: list[HoursPlan], budget, model: Model) -> HoursPlan | None:
    ok = [p for p in plans if budget is None or p.cost <= budget + 1e-9]
    rank = (
        (lambda p: (-p.net_value, p.lost_calls, p.cost))
        if model.value + model.penalty > 0
        else (lambda p: (p.lost_calls, p.cost))
    )
    return min(ok, key=rank) if ok else None


def search_opening_hours(
    latent_demand,
    *,
    aht_s,
    target: ServiceTarget | None = None,
    mean_patience_s=_INF,
    lines=None,
    min_agents=1.0,
    carry_over=0.5,
    spread="geometric",
    spread_s=7200.0,
    agent_hour_cost=1.0,
    value_per_answered=0.0,
    penalty_per_lost=0.0,
    budget=None,
    earliest_open_s=0.0,
    latest_close_s=DAY,
    min_open_s=HOUR,
    max_open_s=DAY,
    step_s=HOUR,
    must_open=(),
    must_close=(),
    windows=None,
    cost_model="agent_hours",
    templates=None,
    max_schedules=20,
    schedule_kw=None,
    pareto="cost_lost",
    cost_resolution=0.0,
    calls_resolution=0.0,
    latest_open_s=DAY,
    earliest_close_s=0.0,
    fixed=None,
    cost_per_open_hour=0.0,
    min_calls_covered=0.0,
    min_demand_covered=None,
) -> HoursSearch:
    """Opening and closing time of each weekday: the Pareto set over (cost, lost calls, service level).

    Parameters
    ----------
    latent_demand, aht_s, target, mean_patience_s, lines, min_agents, carry_over, spread, spread_s
        The demand and service model, as in `evaluate_opening_hours` (see the module docstring).
    agent_hour_cost, value_per_answered, penalty_per_lost : float
        Cost per paid agent-hour; value per answered and penalty per lost call: they rank
        plans within the budget by net value.
    budget : float, optional
        Largest acceptable cost; ``best`` has the highest net value within it (with no value
        or penalty: the fewest lost calls, then the cheapest).
    earliest_open_s, latest_open_s, earliest_close_s, latest_close_s : float or sequence of 7
        Bounds per weekday on the opening and on the closing times tried, in seconds since
        midnight (defaults: no bound).
    min_open_s, max_open_s : float or sequence of 7
        Shortest and longest opening of a day that opens, in seconds (a day not in
        ``must_open`` may also stay closed).
    step_s : float
        The opening and closing times tried are the multiples of ``step_s`` from midnight
        (default 3600; a multiple of the slot length ``86400 / (len(latent_demand) / 7)``).
        Every day searched on this grid must have a window within the limits.
    must_open, must_close : iterable of int or str
        Weekdays (0 = Monday, or names) that must open, or stay closed.
    windows : sequence of 7 sequences, optional
        Explicit candidate ``(open_s, close_s)`` windows per weekday (None in a list: may
        close) instead of the grid; must_open / must_close still apply.
    fixed : mapping of weekday to (open_s, close_s) or None, optional
        Days that are not searched: each keeps the given window, or stays closed (None). They
        count in cost, lost calls and coverage like any other day; ``windows``, the limits and
        ``must_open`` / ``must_close`` (which must not name them) do not apply to them.
    cost_per_open_hour : float
        Fixed cost of each hour open (supervisor, building), added to every plan's cost in
        both cost models (default 0).
    min_calls_covered : float
        Plans whose open slots hold less than this fraction of the latent demand (calls by
        preferred time, over all calls of the week) are infeasible (default 0); the config's
        ``[hours_search].min_calls_covered``.
    min_demand_covered : float, optional
        The old name of ``min_calls_covered`` (deprecated).
    cost_model : {"agent_hours", "shifts"}
        Cost of a plan: paid agent-hours, or a week of shifts from ``templates`` (see the
        module docstring for how the two combine).
    templates, max_schedules, schedule_kw
        Shift templates; how many Pareto plans to schedule (half spread over the costs, half
        the best by net value within the budget in agent-hour costs); `schedule_shifts` keywords.
    pareto : {"cost_lost", "full"}
        "cost_lost" (default, fast): non-dominated in (cost, lost calls), ties to the higher
        service level; it holds the best plan for every budget, value and penalty. "full":
        non-dominated in (cost, lost calls, service level); exact, slower on large spaces.
    cost_resolution, calls_resolution : float
        Merge labels closer than this in cost and in calls (0: exact).

    Returns
    -------
    HoursSearch
        ``pareto`` (by cost), ``best`` within the budget (None and a message naming the
        cheapest plan's cost when the budget is below every plan), ``cheapest``.

    Raises
    ------
    ConfigError
        Bad input, limits that leave a searched day no window, or a ``min_calls_covered``
        that no plan reaches; the message names it.

    Examples
    --------
    Demand from 08:00 to 20:00 on three days (the others stay closed), windows on a 4-hour grid:

    >>> lam = np.zeros(168); lam[[d * 24 + h for d in range(3) for h in range(8, 20)]] = 30.0
    >>> r = search_opening_hours(lam, aht_s=240, target=ServiceTarget(0.8, 20), carry_over=0.5,
    ...                          must_close=range(3, 7), step_s=4 * 3600, min_open_s=8 * 3600,
    ...                          agent_hour_cost=25.0, penalty_per_lost=10.0, budget=3000)
    >>> r.n_plans, len(r.pareto), r.cheapest.cost
    (4096, 10, 1275.0)
    >>> r.best.describe()
    'mon 08-20, tue 08-20, wed closed, thu closed, fri closed, sat closed, sun closed'
    >>> r.best.cost, r.best.lost_calls, round(r.best.service_level, 3)
    (2775.0, 180.0, 0.713)

    Monday kept at 08:00-20:00, 50 per open hour for the building, and at least 60 % of the
    calls preferring open hours (Tuesday must then open 08:00-20:00):

    >>> r = search_opening_hours(lam, aht_s=240, target=ServiceTarget(0.8, 20), carry_over=0.5,
    ...                          must_close=range(3, 7), step_s=4 * 3600, min_open_s=8 * 3600,
    ...                          agent_hour_cost=25.0, penalty_per_lost=10.0, budget=4000,
    ...                          fixed={"monday": (8 * 3600, 20 * 3600)}, cost_per_open_hour=50.0,
    ...                          min_calls_covered=0.6)
    >>> r.best.describe()
    'mon 08-20, tue 08-20, wed closed, thu closed, fri closed, sat closed, sun closed'
    >>> r.best.cost, r.best.open_hours, round(r.best.coverage, 4), r.best.cost - 50.0 * 24
    (3975.0, 24.0, 0.6667, 2775.0)
    """
    model = model_iv(latent_demand, aht_s, target, mean_patience_s, lines, min_agents, carry_over, spread, spread_s,
                     agent_hour_cost, value_per_answered, penalty_per_lost, cost_per_open_hour)  # fmt: skip
    if windows is not None and (not isinstance(windows, Sequence) or len(windows) != 7):
        raise ConfigError(f"windows must be a sequence of 7 lists of (open_s, close_s) windows; got {windows!r}")
    limits = dict(
        earliest_open_s=earliest_open_s,
        latest_open_s=latest_open_s,
        earliest_close_s=earliest_close_s,
        latest_close_s=latest_close_s,
        min_open_s=min_open_s,
        max_open_s=max_open_s,
    )
    choices = _choices(model, limits, step_s, must_open, must_close, windows, fixed)
    if min_demand_covered is not None:
        import warnings

        warnings.warn("min_demand_covered is now min_calls_covered", DeprecationWarning, stacklevel=2)
        min_calls_covered = min_demand_covered
    share = float(v.fraction_array("min_calls_covered", min_calls_covered))
    v.choice("cost_model", cost_model, COST_MODELS)
    if cost_model == "shifts" and not templates:
        raise ConfigError("cost_model='shifts' needs templates (a sequence of ShiftTemplate); got none")
    max_schedules = v.integer_scalar("max_schedules", max_schedules, minimum=1)
    full = (pareto_kind := v.choice("pareto", pareto, PARETO)) == "full"
    res_c, res_n = (
        float(v.nonneg_array(k, x))
        for k, x in (("cost_resolution", cost_resolution), ("calls_resolution", calls_resolution))
    )
    budget = None if budget is None else float(v.nonneg_array("budget", budget))
    n_plans = math.prod(len(w) + int(c) for w, c in choices)
    need = coverage_floor(model, choices, share)
    plans = _search(model, choices, res_c, res_n, full, need)[4]
    found = [evaluate(model, [None if j < 0 else choices[d][0][j] for d, j in enumerate(row)]) for row in plans]
    notes: list[str] = []
    if cost_model == "shifts":
        found.sort(key=lambda p: p.cost)  # half spread over the costs, half the best by net value within budget
        top = sorted(
            (i for i, p in enumerate(found) if budget is None or p.cost <= budget),
            key=lambda i: (-found[i].net_value, found[i].lost_calls),
        )[: max_schedules - max_schedules // 2]
        pick = {*np.linspace(0, len(found) - 1, max(max_schedules // 2, 2)).round().astype(int).tolist(), *top}
        found, notes = _schedule_costs(model, [found[i] for i in sorted(pick)], templates, schedule_kw)
        found = [p for p in found if math.isfinite(p.cost)]
        if not found:
            raise InfeasibleError("no Pareto plan has a shift schedule: " + "; ".join(notes[:3]))
    keep = _pareto(
        [p.cost for p in found], [p.lost_calls for p in found], [p.answered_within for p in found], full=full
    )
    pareto = sorted((found[i] for i in keep), key=lambda p: (p.cost, p.lost_calls))
    cheapest, best, how = pareto[0], _pick(pareto, budget, model), "exact" if res_c == res_n == 0 else "merged labels"
    floor = f", coverage >= {share:.4g}" if need is not None else ""
    msg = [
        f"{len(pareto)} Pareto plans of {n_plans} ({pareto_kind}, {how}, {cost_model}{floor}); "
        f"cheapest {cheapest.cost:.6g} ({cheapest.describe()})"
    ]
    if best is None:
        msg.append(
            f"the budget {budget:.6g} is below every plan: the cheapest plan costs {cheapest.cost:.6g}; "
            "raise the budget, lower min_agents or the target, or relax must_open and the hour limits"
        )
    else:
        msg.append(
            f"best{'' if budget is None else f' within {budget:.6g}'}: {best.describe()}, cost "
            f"{best.cost:.6g}, lost {best.lost_calls:.6g} calls, service level {best.service_level:.4f}"
        )
    msg.extend(notes[:5])
    return HoursSearch(
        tuple(pareto), best, cheapest, budget, cost_model, pareto_kind, res_c == res_n == 0, n_plans, "; ".join(msg)
    )
