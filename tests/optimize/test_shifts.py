"""schedule_shifts and solve_covering: brute force, breaks, hours, limits, partial schedules, progress."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from cxqueue.exceptions import CxqueueError, InfeasibleError
from cxqueue.optimize.shifts import ShiftSchedule, SolveProgress, schedule_shifts, solve_covering
from cxqueue.scenario import OpeningHours, ShiftTemplate

H = 3600.0
DAY = 86400.0


def _brute_force_cover(required, coverage, cost, top):
    """Cheapest integer x in {0..top}^m with coverage @ x >= required, by enumeration."""
    m = coverage.shape[1]
    grid = np.array(list(itertools.product(range(top + 1), repeat=m)), dtype=float)
    ok = np.all(grid @ coverage.T >= required, axis=1)
    costs = grid[ok] @ cost
    return float(costs.min())


def _on_duty(s: ShiftSchedule, n: int) -> np.ndarray:
    """Agents per interval rebuilt from the chosen shifts and their breaks (independent of the MILP matrix)."""
    t = s.start_s + s.interval_s * (np.arange(n) + 0.5)
    out = np.zeros(n)
    for sh in s.shifts:
        on = (t >= sh.start_s) & (t < sh.end_s)
        for b in sh.breaks_s:
            on &= ~((t >= b) & (t < b + s.interval_s))  # breaks here last one interval
        out += sh.count * on
    return out


def test_cover_matches_brute_force_with_breaks():
    # 10 hourly intervals; 4-h shifts (one 1-h break in hours 2-3) and 2-h shifts without
    req = np.array([2, 3, 4, 4, 3, 5, 5, 3, 2, 1], dtype=float)
    tpls = [
        ShiftTemplate("long", 4 * H, 0, 6 * H, 2 * H, cost=3.5, breaks=((H, 3 * H, H),)),
        ShiftTemplate("short", 2 * H, 0, 8 * H, 2 * H, cost=2.0),
    ]
    s = schedule_shifts(req, tpls, interval_s=H, mip_rel_gap=0.0)
    assert s.status == "optimal" and s.n_candidates == 4 * 2 + 5
    # brute force over the same candidates, built here by hand: long shift at a in {0,2,4,6}
    # with its break at a+1 or a+2; short shifts at {0,2,4,6,8}
    cols, cost = [], []
    for a in (0, 2, 4, 6):
        for b in (a + 1, a + 2):
            c = np.zeros(10)
            c[a : a + 4] = 1
            c[b] = 0
            cols.append(c)
            cost.append(3.5)
    for a in (0, 2, 4, 6, 8):
        c = np.zeros(10)
        c[a : a + 2] = 1
        cols.append(c)
        cost.append(2.0)
    cov = np.array(cols).T
    # enumeration over 13 columns is too big; split: at most 5 of each, solved two ways
    best = np.inf
    long_grid = itertools.product(range(6), repeat=8)
    short_cov, short_cost = cov[:, 8:], np.array(cost[8:])
    short_grid = np.array(list(itertools.product(range(6), repeat=5)), dtype=float)
    short_on = short_grid @ short_cov.T
    short_c = short_grid @ short_cost
    for x in long_grid:
        if sum(x) > 5:
            continue
        on = cov[:, :8] @ np.array(x, dtype=float)
        ok = np.all(short_on + on >= req, axis=1)
        if ok.any():
            best = min(best, 3.5 * sum(x) + short_c[ok].min())
    assert s.cost == pytest.approx(best)
    assert np.all(s.agents >= req)
    assert np.array_equal(_on_duty(s, 10), s.agents)
    assert s.cost == pytest.approx(sum(sh.count * {"long": 3.5, "short": 2.0}[sh.template] for sh in s.shifts))


def test_solve_covering_matches_brute_force_random():
    rng = np.random.default_rng(7)
    for _ in range(5):
        cov = (rng.random((8, 5)) < 0.45).astype(float)
        cov[np.arange(8), rng.integers(0, 5, 8)] = 1.0
        req = rng.integers(0, 4, 8).astype(float)
        cost = rng.integers(1, 10, 5).astype(float)
        sol = solve_covering(req, cov, cost, mip_rel_gap=0.0)
        assert sol.cost == pytest.approx(_brute_force_cover(req, cov, cost, 4))


def test_partial_schedule_lists_unmet_intervals():
    # nothing covers 20:00-22:00 (shifts end by 20:00); the penalty (10/agent-interval) is too
    # high to leave the coverable intervals short, so only the uncoverable ones are unmet
    tpl = ShiftTemplate("day", 4 * H, 8 * H, 16 * H, H, cost=4.0)
    req = np.array([2.0] * 8 + [3.0] * 4 + [1.0] * 2)  # 08:00 .. 22:00 in hours
    with pytest.raises(InfeasibleError, match=r"2 period\(s\) cannot be covered: interval 12 \(monday 20:00\)"):
        schedule_shifts(req, [tpl], interval_s=H, start_s=8 * H)
    s = schedule_shifts(req, [tpl], interval_s=H, start_s=8 * H, shortage_penalty=10.0)
    assert [u.index for u in s.unmet] == [12, 13]
    assert [u.when for u in s.unmet] == ["monday 20:00", "monday 21:00"]
    assert [u.shortage for u in s.unmet] == [1.0, 1.0]
    assert s.cost == 4.0 * (2 + 2 + 3)  # 08-12 x2, 12-16 x2, 16-20 x3
    assert s.objective == s.cost + 20.0
    assert "2 interval(s) short" in s.message and "interval 12 (monday 20:00)" in s.message
    # a cheap penalty leaves coverable intervals short too: then nothing is worth staffing
    cheap = schedule_shifts(req, [tpl], interval_s=H, start_s=8 * H, shortage_penalty=0.5)
    assert cheap.cost == 0.0 and len(cheap.unmet) == 14 and cheap.objective == pytest.approx(0.5 * req.sum())


def test_opening_hours_keep_shifts_inside_and_closed_need_no_cover():
    hours = OpeningHours.daily(8 * H, 18 * H)
    tpl = ShiftTemplate("s", 5 * H, 6 * H, 15 * H, H, cost=5.0)
    req = np.zeros(24)
    req[6:20] = 2.0  # 06:00-20:00 asked, but only 08:00-18:00 is open
    s = schedule_shifts(req, [tpl], interval_s=H, hours=hours)
    assert s.open.tolist() == [8 <= h < 18 for h in range(24)]
    assert np.all(s.agents[~s.open] == 0)
    assert np.all(s.agents[s.open] >= 2)
    assert all(8 * H <= sh.start_s and sh.end_s <= 18 * H for sh in s.shifts)
    assert s.cost == 20.0  # 08-13 and 13-18, twice
    assert "4 closed interval(s) with a positive requirement were not covered" in s.message


def test_no_template_covers_an_open_interval_is_reported_with_where():
    hours = OpeningHours.daily(8 * H, 20 * H)
    tpl = ShiftTemplate("early", 8 * H, 8 * H, 10 * H, H)  # ends by 18:00
    req = np.where((np.arange(24) >= 8) & (np.arange(24) < 20), 1.0, 0.0)
    msg = (
        "no schedule meets the requirement: 2 period(s) cannot be covered: "
        "interval 18 (monday 18:00) (required 1, at most 0 possible); "
        "interval 19 (monday 19:00) (required 1, at most 0 possible); add templates"
    )
    with pytest.raises(InfeasibleError, match=msg.replace("(", r"\(").replace(")", r"\)")):
        schedule_shifts(req, [tpl], interval_s=H, hours=hours)


def test_max_count_infeasibility_names_the_intervals():
    tpl = ShiftTemplate("s", 4 * H, 0, 4 * H, H, cost=1.0, max_count=3)
    req = np.array([2, 2, 2, 2, 5, 5, 5, 5], dtype=float)  # 3 shifts can cover at most 3 at 04-08
    with pytest.raises(InfeasibleError, match=r"interval 4 \(monday 04:00\) \(required 5, at most 3 possible\)"):
        schedule_shifts(req, [tpl], interval_s=H)
    # a day limit that is not visible interval by interval is found by the LP diagnosis
    tpl2 = ShiftTemplate("s", 4 * H, 0, 4 * H, 4 * H, cost=1.0, max_count=4)
    with pytest.raises(InfeasibleError, match=r"go short even at best: interval 4 \(monday 04:00\)"):
        schedule_shifts(np.array([2, 2, 2, 2, 3, 3, 3, 3], dtype=float), [tpl2], interval_s=H)


def test_min_count_and_days_of_week():
    # three days of hourly intervals, a template only on Tuesday with min_count 2
    req = np.zeros(72)
    req[24 + 9 : 24 + 13] = 1.0
    tue = ShiftTemplate("tue", 4 * H, 9 * H, 9 * H, H, cost=1.0, days=(1,), min_count=2)
    s = schedule_shifts(req, [tue], interval_s=H)
    assert [(sh.day, sh.weekday, sh.start_s, sh.count) for sh in s.shifts] == [(1, "tuesday", DAY + 9 * H, 2)]
    with pytest.raises(InfeasibleError, match="shift 'sun' needs min_count=1 on sunday"):
        schedule_shifts(
            np.zeros(7 * 24),
            [ShiftTemplate("sun", 4 * H, 22 * H, 22 * H, H, days=(6,), min_count=1)],
            interval_s=H,
            hours=OpeningHours.daily(8 * H, 20 * H),
        )


def test_overnight_shift_and_wrap():
    # a one-day horizon; a night shift 22:00-06:00 covers 22-24 and, with wrap, 00-06 of the same (cyclic) day
    night = ShiftTemplate("night", 8 * H, 22 * H, 22 * H, H, cost=8.0)
    day = ShiftTemplate("day", 8 * H, 6 * H, 14 * H, 8 * H, cost=8.0)
    req = np.ones(24)
    s = schedule_shifts(req, [night, day], interval_s=H, wrap=True)
    assert s.cost == 24.0 and np.all(s.agents == 1)
    # without wrap the part after midnight is outside the horizon: 00-06 needs other shifts; none exist
    with pytest.raises(InfeasibleError, match=r"6 period\(s\) cannot be covered: interval 0 \(monday 00:00\)"):
        schedule_shifts(req, [night, day], interval_s=H)
    # over two days, Monday's night shift covers Tuesday 00:00-06:00
    two = schedule_shifts(np.r_[np.zeros(22), np.ones(8), np.zeros(18)], [night], interval_s=H)
    assert [(sh.start_s, sh.end_s) for sh in two.shifts] == [(22 * H, 30 * H)]


def test_unaligned_start_covers_a_fraction():
    tpl = ShiftTemplate("odd", 2 * H, 0.5 * H, 0.5 * H, H, cost=1.0)
    s = schedule_shifts([0.5, 1.0, 0.5], [tpl], interval_s=H)
    assert s.agents.tolist() == [0.5, 1.0, 0.5] and s.cost == 1.0


def test_week_schedule_structure_and_to_dict():
    # a small week: 1-h intervals, 8-h shifts from 06:00 to 14:00 every 2 h with a 1-h meal in hours 3-5
    n = 7 * 24
    hod = np.arange(n) % 24
    req = np.where((hod >= 8) & (hod < 20), 3.0, 0.0)
    req[5 * 24 :] = np.where(req[5 * 24 :] > 0, 1.0, 0.0)  # quieter weekend
    tpl = ShiftTemplate("8h", 8 * H, 6 * H, 14 * H, 2 * H, cost=8.0, breaks=((3 * H, 5 * H, H),))
    s = schedule_shifts(req, [tpl], interval_s=H, hours=OpeningHours.daily(6 * H, 22 * H))
    assert s.n_candidates == 7 * 5 * 2
    assert np.all(s.agents >= req)
    assert np.array_equal(_on_duty(s, n), s.agents)
    assert s.cost == pytest.approx(8.0 * s.n_agents)
    assert s.dual_bound <= s.cost + 1e-9 and s.lp_bound <= s.cost + 1e-9 and 0 <= s.mip_gap <= 0.005
    d = s.to_dict()
    json.dumps(d)
    assert d["cost"] == s.cost and len(d["shifts"]) == len(s.shifts) and d["status"] == "optimal"
    assert {sh.weekday for sh in s.shifts} == {
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    }


def test_progress_callback_and_log(capfd):
    seen: list[SolveProgress] = []
    tpl = ShiftTemplate("s", 4 * H, 0, 4 * H, H, cost=1.0)
    s = schedule_shifts([1, 2, 3, 2, 1, 1, 1, 1], [tpl], interval_s=H, progress=seen.append)
    assert [p.stage for p in seen] == ["model", "lp_relaxation", "done"]
    assert seen[-1].objective == s.objective and seen[-1].gap == pytest.approx(s.mip_gap, abs=1e-9)
    assert seen[1].bound == pytest.approx(s.lp_bound)
    json.dumps(seen[-1].to_dict())
    capfd.readouterr()
    schedule_shifts([1, 2, 3, 2, 1, 1, 1, 1], [tpl], interval_s=H, progress=True)
    out = capfd.readouterr().out
    assert "[cxqueue.shifts] lp_relaxation" in out and "[cxqueue.shifts] done: optimal" in out
    assert "Solving report" in out  # HiGHS's own log


def _limited_milp(monkeypatch, *, drop_x=False):
    """Make milp report that it hit its limit (status 1) with its schedule, or without one."""
    import scipy.optimize

    import cxqueue.optimize.shifts._highs as highs

    def milp(c, *, integrality=None, options=None, **kw):
        res = scipy.optimize.milp(c, integrality=integrality, options=options, **kw)
        if integrality is not None and np.any(integrality):  # report a limit with a looser bound
            res.status, res.mip_dual_bound, res.mip_gap = 1, res.fun - 1.0, 1.0 / res.fun
            if drop_x:
                res.x, res.fun = None, None
        return res

    monkeypatch.setattr(highs, "milp", milp)


def _hard_instance():
    rng = np.random.default_rng(3)
    n = 96
    req = np.ceil(10 + 8 * np.sin(np.arange(n) / n * 2 * np.pi) + rng.normal(0, 2, n)).clip(0)
    tpls = [
        ShiftTemplate(f"t{k}", (4 + k) * H, 0, 20 * H, 900, cost=4 + 1.3 * k + 0.07 * k * k, breaks=((H, 3 * H, 900),))
        for k in range(3)
    ]
    return req, tpls


def test_limit_returns_best_found_with_its_gap(monkeypatch):
    req, tpls = _hard_instance()
    _limited_milp(monkeypatch)
    s = schedule_shifts(req, tpls, mip_rel_gap=0.0)
    assert s.status == "time_limit"
    assert np.all(s.agents >= req) and s.dual_bound == pytest.approx(s.cost - 1.0)
    assert s.mip_gap == pytest.approx((s.cost - s.dual_bound) / s.cost, rel=1e-6) and s.mip_gap > 0
    assert s.message.startswith("time_limit:")


def test_limit_without_a_schedule_says_so(monkeypatch):
    req, tpls = _hard_instance()
    _limited_milp(monkeypatch, drop_x=True)
    with pytest.raises(CxqueueError, match=r"HiGHS found no schedule \(no_solution: .*raise time_limit_s"):
        schedule_shifts(req, tpls)


def test_solve_covering_lp_relaxation_and_bounds():
    cov = np.array([[1, 0], [1, 1], [0, 1]], dtype=float)
    lp = solve_covering([1, 1.5, 1], cov, [1.0, 1.0], integrality=False)
    assert lp.cost == pytest.approx(2.0) and lp.mip_gap == 0.0
    ip = solve_covering([1, 1.5, 1], cov, [1.0, 1.0], lower=[0, 1], upper=[1, 5])
    assert ip.counts.tolist() == [1.0, 1.0]
    with pytest.raises(InfeasibleError, match=r"1 period\(s\) cannot be covered: period 1 \(required 3, at most 2"):
        solve_covering([1, 3, 1], cov, [1.0, 1.0], upper=1)
    part = solve_covering([1, 3, 1], cov, [1.0, 1.0], upper=1, shortage_penalty=5.0)
    assert part.unmet == (1,) and part.shortage.tolist() == [0, 1, 0] and part.objective == 7.0
    json.dumps(part.to_dict())
    # max_cover below the requirement: the LP diagnosis names the period
    with pytest.raises(InfeasibleError, match=r"go short even at best: period 1 \(required 3, at most 2 possible\)"):
        solve_covering([1, 3, 1], cov, [1.0, 1.0], max_cover=[2, 2, 2])


def test_week_wraps_sunday_night_into_monday_morning():
    # hourly week, always open, 1 agent needed around the clock; only night shifts 22:00-06:00 and day
    # shifts 06:00-14:00 / 14:00-22:00; Monday 00:00-06:00 can only come from Sunday's night shift (wrap)
    n = 7 * 24
    tpls = [
        ShiftTemplate("night", 8 * H, 22 * H, 22 * H, H, cost=9.0),
        ShiftTemplate("day", 8 * H, 6 * H, 14 * H, 8 * H, cost=8.0),
    ]
    s = schedule_shifts(np.ones(n), tpls, interval_s=H, wrap=True)
    assert np.all(s.agents == 1) and s.cost == 7 * (9.0 + 2 * 8.0)
    sunday_night = [sh for sh in s.shifts if sh.template == "night" and sh.weekday == "sunday"]
    assert [(sh.start_s, sh.end_s) for sh in sunday_night] == [(6 * DAY + 22 * H, 7 * DAY + 6 * H)]


def test_nothing_required_gives_the_empty_schedule():
    s = schedule_shifts(np.zeros(8), [ShiftTemplate("s", 4 * H, 0, 4 * H, H, cost=1.0)], interval_s=H)
    assert s.shifts == () and s.cost == 0.0 and s.unmet == () and s.status == "optimal"
