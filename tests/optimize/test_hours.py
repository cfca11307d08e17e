"""search_opening_hours against brute-force enumeration; evaluate_opening_hours by hand; errors."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest

from cxqueue.analytic import erlang_a, erlang_c, erlang_x
from cxqueue.exceptions import ConfigError
from cxqueue.optimize.hours import HoursPlan, HoursSearch, evaluate_opening_hours, search_opening_hours
from cxqueue.optimize.shifts import schedule_shifts
from cxqueue.scenario import OpeningHours, ServiceTarget, ShiftTemplate

H = 3600.0
TARGET = ServiceTarget(level=0.8, answer_within_s=20)


def demand(seed: int = 3) -> np.ndarray:
    """A week of hourly latent demand: a daytime hump plus noise, lower at the weekend."""
    rng = np.random.default_rng(seed)
    hours = np.arange(24)
    day = 4 + 60 * np.exp(-0.5 * ((hours - 13) / 4.0) ** 2)
    week = np.concatenate([day * (0.5 if d >= 5 else 1.0) for d in range(7)])
    return week * rng.uniform(0.8, 1.2, week.size)


def test_evaluate_matches_a_hand_computation():
    # 10 calls every hour; open Monday 08:00-20:00 only; uniform spread over 2 h
    plan = evaluate_opening_hours(
        [10.0] * 168,
        OpeningHours.daily(8 * H, 20 * H, days=[0]),
        aht_s=180,
        target=TARGET,
        carry_over=0.5,
        spread="uniform",
        spread_s=2 * H,
    )
    closed = 10.0 * (168 - 12)
    assert plan.lost_closed == pytest.approx(0.5 * closed)
    expect = np.zeros(168)
    expect[8:20] = 10.0
    expect[8:10] += 0.5 * closed / 2
    np.testing.assert_allclose(plan.arrivals, expect)
    agents = erlang_c.agents_for_service_level(expect[8:20] * 180 / H, aht_s=180, answer_within_s=20, level=0.8)
    assert plan.agent_hours == pytest.approx(float(np.sum(agents)))
    sl = erlang_c.service_level(expect[8:20] * 180 / H, agents, aht_s=180, answer_within_s=20)
    assert plan.answered_within == pytest.approx(float(np.sum(expect[8:20] * sl)))
    assert plan.lost_calls == pytest.approx(0.5 * closed)  # no abandonment, no lines: only closed-lost
    assert plan.offered == pytest.approx(1680.0 - 0.5 * closed)
    assert plan.hours.windows[0] == ((8 * H, 20 * H),)


def test_evaluate_geometric_spread_patience_and_lines():
    lam = demand()
    hours = OpeningHours(tuple(((7 * H, 22 * H),) if d < 5 else ((10 * H, 14 * H),) for d in range(7)))
    p = evaluate_opening_hours(
        lam,
        hours,
        aht_s=200,
        target=TARGET,
        mean_patience_s=120,
        lines=12,
        carry_over=0.8,
        spread="geometric",
        spread_s=3 * H,
        agent_hour_cost=20,
        value_per_answered=3,
        penalty_per_lost=5,
    )
    # Tuesday 07:00 gets 0.8 of Monday 22:00 - Tuesday 07:00 in weights 1, 1/2, 1/4 (normalised)
    closed = lam[22:31].sum()
    w = np.array([1, 0.5, 0.25]) / 1.75
    np.testing.assert_allclose(p.arrivals[31:34], lam[31:34] + 0.8 * closed * w)
    # the weekend windows are 4 h long: Saturday 10:00 gets Friday 22:00 - Saturday 10:00
    closed_sat = lam[4 * 24 + 22 : 5 * 24 + 10].sum()
    np.testing.assert_allclose(p.arrivals[5 * 24 + 10 : 5 * 24 + 13], lam[130:133] + 0.8 * closed_sat * w)
    load = p.arrivals * 200 / H
    op = p.arrivals > 0
    a = np.maximum(
        erlang_x.agents_for_service_level(load[op], 12, aht_s=200, answer_within_s=20, level=0.8, mean_patience_s=120),
        1,
    )
    m = erlang_x.metrics(load[op], a, 12, aht_s=200, mean_patience_s=120, answer_within_s=20)
    assert p.abandoned == pytest.approx(float(np.sum(p.arrivals[op] * m.abandon_probability)))
    assert p.blocked == pytest.approx(float(np.sum(p.arrivals[op] * m.blocking)))
    assert p.lost_calls == pytest.approx(p.lost_closed + p.abandoned + p.blocked)
    assert p.answered == pytest.approx(lam.sum() - p.lost_calls)
    assert p.net_value == pytest.approx(3 * p.answered - 5 * p.lost_calls - 20 * p.agent_hours)


def pareto_oracle(points, full=True):
    """Non-dominated (cost, lost, within) triples by the definition: O(n^2), ties kept once.

    ``full=False``: non-dominated in (cost, lost), and of equal (cost, lost) the largest within.
    """
    pts = sorted({tuple(np.round(p, 6)) for p in points})
    out = []
    for p in pts:
        if full:
            dominated = any(q != p and q[0] <= p[0] and q[1] <= p[1] and q[2] >= p[2] for q in pts)
        else:
            dominated = any((q[0], q[1]) != (p[0], p[1]) and q[0] <= p[0] and q[1] <= p[1] for q in pts) or any(
                (q[0], q[1]) == (p[0], p[1]) and q[2] > p[2] for q in pts
            )
        if not dominated:
            out.append(p)
    return sorted(out)


def same_pareto(result, plans, full):
    truth = pareto_oracle([(p.cost, p.lost_calls, p.answered_within) for p in plans], full)
    got = sorted(tuple(np.round((p.cost, p.lost_calls, p.answered_within), 6)) for p in result.pareto)
    assert got == truth
    return len(got)


def brute_force(lam, windows, kw, min_covered=0.0):
    """Every plan of the product of `windows`, evaluated; those covering less than `min_covered` dropped."""
    plans = []
    for combo in itertools.product(*windows):
        if all(w is None for w in combo):
            continue
        hours = OpeningHours(tuple(() if w is None else (w,) for w in combo))
        covered = sum(
            float(np.sum(lam[d * 24 + round(w[0] / H) : d * 24 + round(w[1] / H)]))
            for d, w in enumerate(combo)
            if w is not None
        )  # independent of HoursPlan.covered
        if covered >= min_covered * float(np.sum(lam)) - 1e-9:
            plans.append(evaluate_opening_hours(lam, hours, **kw))
    return plans


SMALL_WINDOWS = [
    [None, (8 * H, 16 * H), (8 * H, 20 * H), (12 * H, 22 * H)],
    [None, (7 * H, 19 * H), (10 * H, 18 * H), (0.0, 24 * H)],
    [None, (9 * H, 13 * H), (9 * H, 21 * H), (6 * H, 14 * H)],
    [None],
    [None],
    [None],
    [None],
]
CONFIGS = [
    dict(carry_over=0.5, spread="geometric", spread_s=2 * H),
    dict(carry_over=1.0, spread="uniform", spread_s=3 * H, mean_patience_s=180.0),
    dict(carry_over=0.0, spread="uniform", spread_s=H, lines=14, mean_patience_s=90.0),
    dict(
        carry_over=0.7,
        spread="geometric",
        spread_s=5 * H,
        min_agents=2.0,
        target=ServiceTarget(level=0.9, answer_within_s=30, shrinkage=0.3),
    ),
]


@pytest.mark.parametrize("cfg", CONFIGS)
def test_search_equals_brute_force_on_three_days(cfg):
    lam = demand()
    kw = dict(aht_s=220.0, target=TARGET, agent_hour_cost=30.0, value_per_answered=2.0, penalty_per_lost=6.0) | cfg
    plans = brute_force(lam, SMALL_WINDOWS, kw)
    full = search_opening_hours(lam, windows=SMALL_WINDOWS, pareto="full", **kw)
    r = search_opening_hours(lam, windows=SMALL_WINDOWS, **kw)
    assert r.n_plans == 4 * 4 * 4 and len(plans) == 63
    assert same_pareto(full, plans, True) >= same_pareto(r, plans, False) >= 3
    # the best plan for several budgets is brute force's best (highest net value within the budget)
    costs = sorted(p.cost for p in plans)
    for budget in (costs[0], costs[10], costs[30], costs[-1], None):
        best = max((p for p in plans if budget is None or p.cost <= budget), key=lambda p: p.net_value)
        s = search_opening_hours(lam, windows=SMALL_WINDOWS, budget=budget, **kw)
        assert s.best.net_value == pytest.approx(best.net_value, rel=1e-12)
        assert s.best.cost <= (math.inf if budget is None else budget)


# two choices a day on seven days: the carry-over couples Sunday to Monday through the cycle
CYCLIC_WINDOWS = [[None, (8 * H, 18 * H)] if d % 2 else [(7 * H, 23 * H), (12 * H, 16 * H)] for d in range(7)]
CYCLIC_MODEL = dict(
    aht_s=180.0,
    target=TARGET,
    carry_over=0.6,
    spread="geometric",
    spread_s=2 * H,
    agent_hour_cost=25.0,
    penalty_per_lost=4.0,
)


def test_search_equals_brute_force_over_the_whole_cyclic_week():
    lam, wins, kw = demand(11), CYCLIC_WINDOWS, CYCLIC_MODEL
    r = search_opening_hours(lam, windows=wins, pareto="full", **kw)
    plans = brute_force(lam, wins, kw)
    same_pareto(r, plans, True)
    same_pareto(search_opening_hours(lam, windows=wins, **kw), plans, False)
    assert r.best.net_value == pytest.approx(max(p.net_value for p in plans), rel=1e-12)


def test_grid_search_equals_brute_force_on_its_grid():
    # the grid from the limits: windows of 4-8 h on a 4-hour grid, Thursday to Sunday closed
    lam = demand(5)
    kw = dict(aht_s=240.0, target=TARGET, carry_over=0.5, agent_hour_cost=25.0, penalty_per_lost=8.0)
    r = search_opening_hours(
        lam,
        step_s=4 * H,
        min_open_s=4 * H,
        max_open_s=8 * H,
        earliest_open_s=4 * H,
        latest_close_s=24 * H,
        must_close=["thursday", "friday", "saturday", "sunday"],
        must_open=[1],
        pareto="full",
        **kw,
    )
    grid = [(o * H, c * H) for o in range(4, 24, 4) for c in range(8, 25, 4) if 4 <= c - o <= 8]
    wins = [[None, *grid], grid, [None, *grid], [None], [None], [None], [None]]
    plans = brute_force(lam, wins, kw)
    assert r.n_plans == len(plans) == (len(grid) + 1) ** 2 * len(grid)
    same_pareto(r, plans, True)
    assert all(p.windows_s[1] is not None for p in r.pareto)  # Tuesday must open


# fixed days, cost per open hour and a coverage floor, each alone and together, against brute force
FIXED = {"tuesday": (10 * H, 18 * H), 3: (9 * H, 17 * H), 4: None}
NEW = [
    dict(cost_per_open_hour=40.0),
    dict(min_calls_covered=0.3),
    dict(fixed=FIXED),
    dict(fixed=FIXED, cost_per_open_hour=15.0, min_calls_covered=0.37),
]


@pytest.mark.parametrize("new", NEW)
@pytest.mark.parametrize("cfg", CONFIGS[:2])
def test_new_constraints_equal_brute_force(cfg, new):
    lam = demand()
    kw = dict(aht_s=220.0, target=TARGET, agent_hour_cost=30.0, value_per_answered=2.0, penalty_per_lost=6.0) | cfg
    wins = [list(w) for w in SMALL_WINDOWS]
    for day, w in new.get("fixed", {}).items():  # a fixed day has its one window (or stays closed)
        wins[day if isinstance(day, int) else 1] = [w]
    bkw = kw | {"cost_per_open_hour": new.get("cost_per_open_hour", 0.0)}
    share = new.get("min_calls_covered", 0.0)
    plans = brute_force(lam, wins, bkw, share)
    assert 3 <= len(plans) < (63 if share or "fixed" in new else 64)
    if share:  # the floor binds: some plan of the space covers less
        assert len(brute_force(lam, wins, bkw)) > len(plans)
    full = search_opening_hours(lam, windows=SMALL_WINDOWS, pareto="full", **kw, **new)
    r = search_opening_hours(lam, windows=SMALL_WINDOWS, **kw, **new)
    assert same_pareto(full, plans, True) >= same_pareto(r, plans, False) >= 1
    for p in full.pareto:
        assert p.coverage >= share - 1e-12
        assert p.open_hours == sum((w[1] - w[0]) / H for w in p.windows_s if w is not None)
        assert p.cost == pytest.approx(30.0 * p.agent_hours + bkw["cost_per_open_hour"] * p.open_hours, rel=1e-12)
        for day, w in new.get("fixed", {}).items():
            assert p.windows_s[day if isinstance(day, int) else 1] == w
    costs = sorted(p.cost for p in plans)
    for budget in (costs[0], costs[len(costs) // 2], None):
        best = max((p for p in plans if budget is None or p.cost <= budget), key=lambda p: p.net_value)
        s = search_opening_hours(lam, windows=SMALL_WINDOWS, budget=budget, **kw, **new)
        assert s.best.net_value == pytest.approx(best.net_value, rel=1e-12)


def test_coverage_floor_over_the_whole_cyclic_week_equals_brute_force():
    lam, wins, kw = demand(11), CYCLIC_WINDOWS, dict(CYCLIC_MODEL, cost_per_open_hour=20.0)
    plans = brute_force(lam, wins, kw, 0.6)
    assert 5 < len(plans) < len(brute_force(lam, wins, kw))
    r = search_opening_hours(lam, windows=wins, pareto="full", min_calls_covered=0.6, **kw)
    same_pareto(r, plans, True)
    same_pareto(search_opening_hours(lam, windows=wins, min_calls_covered=0.6, **kw), plans, False)
    assert r.best.net_value == pytest.approx(max(p.net_value for p in plans), rel=1e-12)
    assert "coverage >= 0.6" in r.message
    # the old name of the floor still works, with a warning
    with pytest.warns(DeprecationWarning, match="min_calls_covered"):
        old = search_opening_hours(lam, windows=wins, pareto="full", min_demand_covered=0.6, **kw)
    assert [(p.cost, p.lost_calls) for p in old.pareto] == [(p.cost, p.lost_calls) for p in r.pareto]


@pytest.mark.parametrize("limits", [
    dict(earliest_open_s=4 * H, latest_open_s=12 * H, earliest_close_s=16 * H, latest_close_s=24 * H),
    dict(earliest_open_s=0.0, latest_open_s=8 * H, earliest_close_s=12 * H, latest_close_s=20 * H, min_open_s=0.0,
         min_calls_covered=0.3, cost_per_open_hour=10.0),
])  # fmt: skip
def test_open_and_close_bounds_on_the_grid_equal_brute_force(limits):
    lam = demand(5)
    kw = dict(
        aht_s=240.0,
        target=TARGET,
        carry_over=0.5,
        agent_hour_cost=25.0,
        penalty_per_lost=8.0,
        cost_per_open_hour=limits.pop("cost_per_open_hour", 0.0),
    )
    share = limits.pop("min_calls_covered", 0.0)
    r = search_opening_hours(
        lam,
        step_s=4 * H,
        must_close=[3, 4, 5, 6],
        pareto="full",
        min_calls_covered=share,
        fixed={2: (8 * H, 16 * H)},
        **limits,
        **kw,
    )
    lim = {"min_open_s": H} | limits
    grid = [
        (o * H, c * H)
        for o in range(0, 24, 4)
        for c in range(4, 25, 4)
        if lim["earliest_open_s"] <= o * H <= lim["latest_open_s"]
        and c > o
        and lim["earliest_close_s"] <= c * H <= lim["latest_close_s"]
        and (c - o) * H >= lim["min_open_s"]
    ]
    wins = [[None, *grid], [None, *grid], [(8 * H, 16 * H)], [None], [None], [None], [None]]
    plans = brute_force(lam, wins, kw, share)
    assert r.n_plans == (len(grid) + 1) ** 2 >= 9
    assert len(plans) < len(brute_force(lam, wins, kw)) if share else len(plans) == r.n_plans
    same_pareto(r, plans, True)
    for p in r.pareto:
        for w in p.windows_s[:2]:
            assert w is None or w in grid


def test_budget_below_every_plan_says_so():
    lam = demand()
    r = search_opening_hours(lam, windows=SMALL_WINDOWS, aht_s=200, budget=10.0, agent_hour_cost=30.0)
    assert r.best is None and isinstance(r, HoursSearch)
    assert f"the budget 10 is below every plan: the cheapest plan costs {r.cheapest.cost:.6g}" in r.message
    assert r.cheapest.cost == min(p.cost for p in r.pareto) > 10.0
    d = r.to_dict()
    assert d["best"] is None and len(d["pareto"]) == len(r.pareto)


def test_shift_costs_come_from_schedule_shifts():
    lam = demand()
    tpl = [
        ShiftTemplate(
            "four", length_s=4 * H, earliest_start_s=0.0, latest_start_s=20 * H, start_step_s=H, cost=4 * 30.0
        )
    ]
    wins = [
        [None, (8 * H, 16 * H), (8 * H, 20 * H)],
        [(8 * H, 16 * H), (12 * H, 20 * H)],
        [None],
        [None],
        [None],
        [None],
        [None],
    ]
    r = search_opening_hours(
        lam, windows=wins, aht_s=200, agent_hour_cost=30.0, cost_model="shifts", templates=tpl, penalty_per_lost=5.0
    )
    assert r.cost_model == "shifts" and r.pareto
    for p in r.pareto:
        s = schedule_shifts(p.agents, tpl, interval_s=H, hours=p.hours, wrap=True)
        assert p.cost == pytest.approx(s.cost) and p.schedule_cost == pytest.approx(s.cost)
        assert p.cost >= 30.0 * p.agent_hours - 1e-9  # shifts cost at least the agent-hours they cover
    # a cost per open hour adds to the shift cost; a fixed Tuesday keeps its window
    r = search_opening_hours(
        lam,
        windows=wins,
        aht_s=200,
        agent_hour_cost=30.0,
        cost_model="shifts",
        templates=tpl,
        penalty_per_lost=5.0,
        cost_per_open_hour=12.5,
        fixed={1: (12 * H, 20 * H)},
    )
    for p in r.pareto:
        s = schedule_shifts(p.agents, tpl, interval_s=H, hours=p.hours, wrap=True)
        assert p.schedule_cost == pytest.approx(s.cost) and p.windows_s[1] == (12 * H, 20 * H)
        assert p.cost == pytest.approx(s.cost + 12.5 * p.open_hours)
        assert p.net_value == pytest.approx(-5.0 * p.lost_calls - p.cost)


def test_erlang_a_staffing_is_used_with_patience():
    p = evaluate_opening_hours([40.0] * 168, OpeningHours.always(), aht_s=180, mean_patience_s=60, target=TARGET)
    a = erlang_a.agents_for_service_level(2.0, aht_s=180, mean_patience_s=60, answer_within_s=20, level=0.8)
    assert p.agent_hours == pytest.approx(168 * float(a))
    assert p.lost_closed == 0.0 and p.abandoned > 0


def test_errors_name_the_cause():
    lam = [1.0] * 168
    cases = [
        (
            dict(latent_demand=[1.0] * 100),
            "latent_demand must be a 1-d array covering one week from Monday 00:00 "
            "in equal slots that divide a day (168 for hours); got shape (100,)",
        ),
        (dict(carry_over=50), "carry_over must be a fraction in [0, 1]; got 50.0 (pass 0.5 for 50%)"),
        (dict(spread="linear"), "spread must be one of 'uniform', 'geometric'; got 'linear'"),
        (dict(step_s=1000.0), "step_s must be a multiple of the slot length 3600 s; got 1000"),
        (dict(must_open=[0], must_close=["monday"]), "must_open and must_close must not share a day; both hold monday"),
        (dict(must_open=[9]), "must_open must hold weekday numbers 0 (Monday) .. 6 or names; got 9"),
        (
            dict(must_open=[2], min_open_s=10 * H, max_open_s=8 * H, must_close=[0, 1]),
            # the limits read as times of day (the config's words); they read as seconds before
            "wednesday must open but no window fits earliest_open=00:00, latest_open=24:00, earliest_close=00:00, "
            "latest_close=24:00, min_open_s=36000, max_open_s=28800, step_s=3600; widen the limits",
        ),
        (
            dict(
                earliest_open_s=10 * H,
                latest_open_s=12 * H,
                earliest_close_s=13 * H,
                latest_close_s=14 * H,
                min_open_s=5 * H,
            ),
            "monday is searched but no window fits earliest_open=10:00, latest_open=12:00, "
            "earliest_close=13:00, latest_close=14:00, min_open_s=18000, max_open_s=86400, step_s=3600; widen the "
            "limits, or put it in must_close",
        ),
        (dict(latest_open_s=-1.0), "latest_open_s must be >= 0; got -1.0"),
        (
            dict(earliest_close_s=[H] * 6),
            "earliest_close_s must be a scalar or have one value per weekday (7); got shape (6,)",
        ),
        (
            dict(fixed=[(0.0, H)]),
            "fixed must be a mapping of weekday (0 = Monday, or a name) to its window "
            "(open_s, close_s) or None (closed); got list",
        ),
        (dict(fixed={"moonday": None}), "fixed must hold weekday numbers 0 (Monday) .. 6 or names; got 'moonday'"),
        (dict(fixed={0: 8 * H}), "fixed[0] must be a window (open_s, close_s) or None (closed); got 28800.0"),
        (
            dict(fixed={0: (8 * H, 7 * H)}),
            "hours.monday: need 0 <= open_s < close_s <= 86400 on the slot grid (3600 s); got (28800, 25200)",
        ),
        (
            dict(fixed={"sunday": None}, must_close=[6]),
            "fixed and must_close must not share a day (a fixed day is not searched); both hold sunday",
        ),
        (
            dict(fixed={1: (0.0, H)}, must_open=["tuesday"]),
            "fixed and must_open must not share a day (a fixed day is not searched); both hold tuesday",
        ),
        (dict(min_calls_covered=1.5), "min_calls_covered must be a fraction in [0, 1]; got 1.5"),
        (
            dict(min_calls_covered=0.9, latest_close_s=12 * H),
            "min_calls_covered must be reachable: the widest windows allowed cover 0.5 of the demand; got 0.9; "
            "widen the limits or lower it",
        ),
        (dict(cost_per_open_hour=-2.0), "cost_per_open_hour must be >= 0; got -2.0"),
        (dict(must_close=range(7)), "no day can open: every day is in must_close or has no window within the limits"),
        (dict(min_open_s=[1.0, 2.0]), "min_open_s must be a scalar or have one value per weekday (7); got shape (2,)"),
        (dict(cost_model="shifts"), "cost_model='shifts' needs templates (a sequence of ShiftTemplate); got none"),
        (dict(cost_model="money"), "cost_model must be one of 'agent_hours', 'shifts'; got 'money'"),
        (dict(budget=-1.0), "budget must be >= 0; got -1.0"),
        (dict(target=0.8), "target must be a ServiceTarget; got float"),
        (dict(windows=[[None]] * 6), "windows must be a sequence of 7 lists of (open_s, close_s) windows"),
        (
            dict(windows=[[(9 * H, 8 * H)]] * 7),
            "hours.monday: need 0 <= open_s < close_s <= 86400 on the slot grid (3600 s); got (32400, 28800)",
        ),
        (dict(aht_s=[180.0] * 5), "aht_s must be a scalar or have one value per slot (168); got shape (5,)"),
        (dict(lines=0), "lines must be >= 1; got 0"),
    ]
    for kw, msg in cases:
        args = dict(latent_demand=lam, aht_s=180.0) | kw
        with pytest.raises(ConfigError, match=re.escape(msg)):
            search_opening_hours(args.pop("latent_demand"), **args)
    with pytest.raises(ConfigError, match=re.escape("hours must be an OpeningHours; got dict")):
        evaluate_opening_hours(lam, {}, aht_s=180)
    two = OpeningHours(tuple(((0.0, H), (2 * H, 3 * H)) if d == 0 else () for d in range(7)))
    with pytest.raises(ConfigError, match=re.escape("hours.monday: one window per day is supported; got 2")):
        evaluate_opening_hours(lam, two, aht_s=180)
    assert isinstance(evaluate_opening_hours(lam, OpeningHours.always(), aht_s=180), HoursPlan)


def test_bank_hours_search_equals_brute_force_near_the_current_hours(data_dir):
    """On the bank's January demand (closed hours filled with half the weekday level at that hour),
    the search over windows around the current hours returns brute force's Pareto set and best plan,
    and at the current hours' budget it is at least as good as the current hours."""
    from cxqueue.data import estimate_forecast, read_bank_log

    f = estimate_forecast(read_bank_log(data_dir / "anonymous-bank-1999" / "january.txt"), interval_s=H, by="weekday")
    calls = f.calls.reshape(7, 24)
    level = calls[[0, 1, 2, 3, 6]].mean(axis=0)
    lam = np.maximum(calls, 0.5 * level).ravel()  # latent: at least half the Sunday-Thursday level
    cur = [(7 * H, 24 * H)] * 4 + [(7 * H, 14 * H), (20 * H, 24 * H), (7 * H, 24 * H)]
    wins = [
        [cur[0], (8 * H, 22 * H)],
        [cur[1], (6 * H, 20 * H)],
        [cur[2]],
        [cur[3], (8 * H, 24 * H)],
        [cur[4], (7 * H, 16 * H), None],
        [cur[5], (18 * H, 24 * H), None],
        [cur[6], (8 * H, 23 * H)],
    ]
    kw = dict(
        aht_s=180.0,
        mean_patience_s=360.0,
        target=TARGET,
        carry_over=0.5,
        min_agents=2.0,
        agent_hour_cost=25.0,
        penalty_per_lost=8.0,
    )
    current = evaluate_opening_hours(lam, OpeningHours(tuple((w,) for w in cur)), **kw)
    r = search_opening_hours(lam, windows=wins, budget=current.cost, **kw)
    plans = brute_force(lam, wins, kw)
    assert r.n_plans == len(plans) == 2 * 2 * 1 * 2 * 3 * 3 * 2
    same_pareto(r, plans, False)
    best = max((p for p in plans if p.cost <= current.cost + 1e-9), key=lambda p: p.net_value)
    assert r.best.net_value == pytest.approx(best.net_value, rel=1e-12)
    assert r.best.net_value >= current.net_value and r.best.cost <= current.cost
