"""Benchmark: a week of 15-minute intervals, >= 500 candidate shifts, solved to within 1 % in under 60 s.

The instance: 672 intervals (Monday 00:00 to Sunday 24:00), open 06:00-24:00 every day.
Calls follow a two-peak day (late morning and mid-afternoon, a smaller evening bump),
weekdays busier than the weekend; AHT 240 s; the requirement is the Erlang C staffing for
80 % answered within 20 s (computed here with a plain scipy formula). Templates: 8-h
shifts (a 30-min meal placed anywhere in hours 3-5), 6-h shifts (a 15-min break in hours
2-4) and 4-h shifts, each starting every 15 minutes from 06:00 to 16:00, on all 7 days:
4,592 candidate shifts (one per start and break placement).

It reports the median solve time over ``--runs`` runs, the gap to the LP bound and to
HiGHS's final bound, checks the answer (every interval covered, rebuilt from the chosen
shifts and their breaks; the cost equal to the sum of the shifts' costs), and compares in
the same run with

- LP rounding (solve the LP relaxation, round every count up): cost ratio and time;
- pyworkforce's MinRequiredResources (OR-Tools CP-SAT, 2 workers) on the identical
  instance (the 656 daily columns given as named shifts; costs x10 to make them integer),
  with the same time limit; skip with ``--no-pyworkforce``;
- the global service-level schedule (target 80 % over the week) against the cover
  schedule (80 % in every interval): cost saving and solve time; skip with ``--no-gsl``.

Run: ``python benchmarks/bench_shifts.py [--runs 3] [--progress]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
from scipy.stats import poisson

from cxqueue.optimize.shifts import ShiftSchedule, schedule_shifts, solve_covering
from cxqueue.scenario import OpeningHours, ShiftTemplate

H = 3600.0
INTERVAL_S = 900.0
N = 672
AHT_S = 240.0
WITHIN_S = 20.0
TARGET = 0.8


def erlang_c_sl(load: float, agents: np.ndarray) -> np.ndarray:
    """P(wait <= WITHIN_S) in M/M/c (textbook formula; Erlang B from the Poisson law)."""
    n = np.asarray(agents, dtype=float)
    b = poisson.pmf(n, load) / poisson.cdf(n, load)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = n * b / (n - load * (1 - b))
        sl = 1 - c * np.exp(-(n - load) * WITHIN_S / AHT_S)
    return np.where(n > load, sl, 0.0)


def instance():
    t = np.arange(N) * INTERVAL_S
    hod = (t % 86400) / H
    day = (t // 86400).astype(int)
    per_hour = (
        40
        + 330 * np.exp(-0.5 * ((hod - 10.5) / 1.5) ** 2)
        + 260 * np.exp(-0.5 * ((hod - 15.0) / 1.8) ** 2)
        + 90 * np.exp(-0.5 * ((hod - 20.0) / 1.3) ** 2)
    )
    per_hour *= np.array([1.15, 1.0, 0.95, 0.97, 1.05, 0.55, 0.4])[day]
    hours = OpeningHours.daily(6 * H, 24 * H)
    is_open = hours.open_mask(t, INTERVAL_S)
    calls = np.where(is_open, per_hour * INTERVAL_S / H, 0.0)
    load = calls * AHT_S / INTERVAL_S
    K = int(np.ceil(load.max())) + 25
    sl_curve = np.array([erlang_c_sl(a, np.arange(K + 1)) for a in load])
    required = np.array(
        [np.argmax(row >= TARGET) if c > 0 else 0 for row, c in zip(sl_curve, calls, strict=True)], dtype=float
    )
    templates = [
        ShiftTemplate("8h", 8 * H, 6 * H, 16 * H, 900, cost=8.0, breaks=((3 * H, 5 * H, 1800),)),
        ShiftTemplate("6h", 6 * H, 6 * H, 16 * H, 900, cost=6.3, breaks=((2 * H, 4 * H, 900),)),
        ShiftTemplate("4h", 4 * H, 6 * H, 16 * H, 900, cost=4.4),
    ]
    return required, templates, hours, calls, sl_curve


def rebuild(s: ShiftSchedule, templates) -> tuple[np.ndarray, float]:
    """Agents per interval and cost from the chosen shifts alone (breaks as listed)."""
    mid = s.start_s + INTERVAL_S * (np.arange(N) + 0.5)
    dur = {t.name: [b[2] for b in t.breaks] for t in templates}
    cost = {t.name: t.cost for t in templates}
    on = np.zeros(N)
    total = 0.0
    for sh in s.shifts:
        w = (mid >= sh.start_s) & (mid < sh.end_s)
        for b, d in zip(sh.breaks_s, dur[sh.template], strict=True):
            w &= ~((mid >= b) & (mid < b + d))
        on += sh.count * w
        total += sh.count * cost[sh.template]
    return on, total


def check(s: ShiftSchedule, required, templates) -> None:
    on, total = rebuild(s, templates)
    assert np.array_equal(on, s.agents), "agents differ from the chosen shifts"
    assert np.all(on >= required), "an interval is not covered"
    assert abs(total - s.cost) < 1e-6, "cost differs from the sum of the shifts"
    assert s.mip_gap <= 0.01 and s.status == "optimal", s.message


def lp_rounding(s: ShiftSchedule, required, templates, hours):
    """Baseline heuristic: LP relaxation over the same candidates, every count rounded up."""
    t0 = time.perf_counter()
    from cxqueue.optimize.shifts._coverage import expand_templates

    cand = expand_templates(
        tuple(templates),
        N,
        interval_s=INTERVAL_S,
        start_s=0.0,
        hours=hours,
        wrap=False,
        break_step_s=INTERVAL_S,
        max_candidates=200_000,
    )
    lp = solve_covering(required, cand.coverage, cand.cost, integrality=False)
    x = np.ceil(lp.counts - 1e-9)
    cost = float(cand.cost @ x)
    assert np.all(cand.coverage @ x >= required)
    return cost, time.perf_counter() - t0


def pyworkforce_baseline(required, templates, hours, limit_s):
    from pyworkforce.scheduling import MinRequiredResources

    from cxqueue.optimize.shifts._coverage import expand_templates

    per_day = N // 7
    cand = expand_templates(
        tuple(templates),
        per_day,
        interval_s=INTERVAL_S,
        start_s=0.0,
        hours=hours,
        wrap=False,
        break_step_s=INTERVAL_S,
        max_candidates=200_000,
    )
    dense = cand.coverage.toarray()
    names = [f"c{j}" for j in range(cand.n)]
    coverage = {nm: dense[:, j].astype(int).tolist() for j, nm in enumerate(names)}
    cost = {nm: round(10 * c) for nm, c in zip(names, cand.cost, strict=True)}
    req = required.reshape(7, per_day).astype(int).tolist()
    t0 = time.perf_counter()
    solver = MinRequiredResources(
        num_days=7,
        periods=per_day,
        shifts_coverage=coverage,
        required_resources=req,
        max_period_concurrency=10_000,
        max_shift_concurrency=10_000,
        cost_dict=cost,
        max_search_time=limit_s,
        num_search_workers=2,
    )
    sol = solver.solve()
    return sol["status"], sol["cost"] / 10.0, time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--progress", action="store_true", help="show HiGHS's log on the first run")
    ap.add_argument("--no-pyworkforce", action="store_true")
    ap.add_argument("--no-gsl", action="store_true")
    ap.add_argument("--time-limit", type=float, default=60.0)
    args = ap.parse_args(argv)

    required, templates, hours, calls, sl_curve = instance()
    print(
        f"instance: {N} intervals of 15 min, {int(required.sum())} agent-intervals required, "
        f"peak {int(required.max())} agents"
    )
    times, s = [], None
    for r in range(args.runs):
        t0 = time.perf_counter()
        s = schedule_shifts(
            required,
            templates,
            hours=hours,
            time_limit_s=args.time_limit,
            mip_rel_gap=0.005,
            progress=True if (args.progress and r == 0) else None,
        )
        times.append(time.perf_counter() - t0)
        check(s, required, templates)
    med = statistics.median(times)
    gap_lp = (s.cost - s.lp_bound) / s.cost
    print(
        f"cover: {s.n_candidates} candidates, {s.n_agents} shifts, cost {s.cost:.1f}; "
        f"median {med:.2f} s over {args.runs} runs (min {min(times):.2f}, max {max(times):.2f}); "
        f"gap to LP bound {gap_lp:.3%}, to HiGHS bound {s.mip_gap:.3%}; status {s.status}"
    )
    assert s.n_candidates >= 500 and med < 60.0 and gap_lp <= 0.01

    lp_cost, lp_t = lp_rounding(s, required, templates, hours)
    print(
        f"baseline LP rounding: cost {lp_cost:.1f} ({lp_cost / s.cost:.3f} x MILP), {lp_t:.2f} s "
        f"(MILP/LP-rounding time {med / lp_t:.1f} x)"
    )

    if not args.no_pyworkforce:
        try:
            status, pw_cost, pw_t = pyworkforce_baseline(required, templates, hours, args.time_limit)
            print(
                f"baseline pyworkforce MinRequiredResources (CP-SAT, 2 workers, limit {args.time_limit:g} s): "
                f"{status}, cost {pw_cost:.1f} ({pw_cost / s.cost:.4f} x cxqueue), {pw_t:.1f} s "
                f"({pw_t / med:.1f} x cxqueue's time)"
            )
        except ImportError as exc:
            print(f"pyworkforce baseline skipped: {exc}")

    if not args.no_gsl:
        t0 = time.perf_counter()
        g = schedule_shifts(
            np.zeros(N),
            templates,
            hours=hours,
            objective="global_service_level",
            sl_curve=sl_curve,
            calls=calls,
            target_level=TARGET,
            time_limit_s=args.time_limit,
            mip_rel_gap=0.005,
        )
        g_t = time.perf_counter() - t0
        cover = schedule_shifts(
            required,
            templates,
            hours=hours,
            sl_curve=sl_curve,
            calls=calls,
            time_limit_s=args.time_limit,
            mip_rel_gap=0.005,
        )
        on, total = rebuild(g, templates)
        assert np.array_equal(on, g.agents) and abs(total - g.cost) < 1e-6
        assert g.global_service_level >= TARGET - 1e-9
        print(
            f"global service level {TARGET:.0%} over the week: cost {g.cost:.1f} vs cover {cover.cost:.1f} "
            f"(saving {1 - g.cost / cover.cost:.2%}; cover reaches {cover.global_service_level:.4f}, "
            f"GSL {g.global_service_level:.4f}); {g_t:.2f} s, gap {g.mip_gap:.3%}, status {g.status}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
