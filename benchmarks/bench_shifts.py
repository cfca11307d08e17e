"""Benchmark: a week of shifts, cxqueue (HiGHS) against pyworkforce (OR-Tools CP-SAT) at equal time budgets.

The instance: 672 intervals (Monday 00:00 to Sunday 24:00), open 06:00-24:00 every day.
Calls follow a two-peak day (late morning and mid-afternoon, a smaller evening bump),
weekdays busier than the weekend; AHT 240 s; the requirement is the Erlang C staffing for
80 % answered within 20 s (the textbook formula of tests/optimize/oracles.py).
Templates: 8-h shifts (a 30-min meal placed anywhere in hours 3-5), 6-h shifts (a 15-min
break in hours 2-4) and 4-h shifts, each starting every 15 minutes from 06:00 to 16:00, on
all 7 days: 4,592 candidate shifts (one per start and break placement), costs 8.0, 6.3, 4.4.

1. Equal budgets (``--budgets``, default 1, 5, 10, 20 and 60 s). Both solvers get the same
   budget on the same candidates and are asked for a proven optimum:

   - cxqueue ``schedule_shifts(time_limit_s=B, mip_rel_gap=0)``: scipy's HiGHS, one thread;
     the budget covers the LP relaxation and the branch and bound;
   - pyworkforce ``MinRequiredResources(max_search_time=B)``: CP-SAT on the 656 candidates
     of a day given as named shifts on 7 days (checked to be the weekly candidates day by
     day; no shift crosses midnight), costs x10 to make them integers (exact here). Its
     model is built in Python before the budget starts. pyworkforce's
     ``num_search_workers=2`` is set as an attribute that CP-SAT never reads, so CP-SAT
     chooses its own number of workers (one per core; the line "CP-SAT workers" says how
     many it used); ``--cpsat-workers N`` sets it.

   Each run reports its cost, its proven lower bound (HiGHS's dual bound; CP-SAT's best
   objective bound), its gap (cost - bound) / cost, its excess over the best bound either
   solver proved in this run, the solver's own time and the whole call's time. The runs
   are interleaved A B, B A, ... (``_paired.paired``, ``--pairs`` pairs per budget) and the
   ratio of the calls' times is the median with min-max over the pairs; the load average
   is printed before and after each budget.

   Every answer is checked: the schedule is rebuilt from its chosen shifts alone (start,
   template length, breaks with the template's durations) and covers every interval; its
   cost, summed from the shifts, equals the cost the solver reports; no bound proved by
   either solver exceeds any cost found by either.

2. The week-size check, with the library's defaults (``mip_rel_gap=0.005``, 60 s limit):
   median time over ``--runs`` runs under 60 s, at most 1 % above the LP bound.

3. Baselines: LP rounding (the LP relaxation over the same candidates, every count rounded
   up) and the global service-level schedule (80 % over the week) against the cover
   schedule (80 % in every interval); skip the latter with ``--no-gsl``.

Run: ``python benchmarks/bench_shifts.py [--budgets 1,5,10,20,60] [--pairs 2] [--runs 3] [--json out.json]``
(about 8 minutes with the defaults; ``--no-pyworkforce`` skips part 1).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from _paired import load_average, paired

from cxqueue.exceptions import CxqueueError
from cxqueue.optimize.shifts import ShiftSchedule, schedule_shifts, solve_covering
from cxqueue.optimize.shifts._coverage import expand_templates
from cxqueue.scenario import OpeningHours, ShiftTemplate

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' oracles, shared
from tests.optimize.oracles import erlang_c_sl

H = 3600.0
DAY = 86400.0
INTERVAL_S = 900.0
N = 672
AHT_S = 240.0
WITHIN_S = 20.0
TARGET = 0.8


def instance():
    t = np.arange(N) * INTERVAL_S
    hod = (t % DAY) / H
    day = (t // DAY).astype(int)
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
    sl_curve = np.array([erlang_c_sl(a, np.arange(K + 1), AHT_S, WITHIN_S) for a in load])
    required = np.array(
        [np.argmax(row >= TARGET) if c > 0 else 0 for row, c in zip(sl_curve, calls, strict=True)], dtype=float
    )
    templates = [
        ShiftTemplate("8h", 8 * H, 6 * H, 16 * H, 900, cost=8.0, breaks=((3 * H, 5 * H, 1800),)),
        ShiftTemplate("6h", 6 * H, 6 * H, 16 * H, 900, cost=6.3, breaks=((2 * H, 4 * H, 900),)),
        ShiftTemplate("4h", 4 * H, 6 * H, 16 * H, 900, cost=4.4),
    ]
    return required, templates, hours, calls, sl_curve


def candidates(templates, hours, n: int):
    return expand_templates(
        tuple(templates),
        n,
        interval_s=INTERVAL_S,
        start_s=0.0,
        hours=hours,
        wrap=False,
        break_step_s=INTERVAL_S,
        max_candidates=200_000,
    )


# a chosen shift, as both solvers' answers are read: (template name, start s, break starts s, count)
Shift = tuple[str, float, tuple[float, ...], int]


def rebuild(shifts: list[Shift], templates) -> tuple[np.ndarray, float]:
    """Agents per interval and cost from the chosen shifts alone (length, break durations, cost: the templates)."""
    tpl = {t.name: t for t in templates}
    mid = INTERVAL_S * (np.arange(N) + 0.5)
    on = np.zeros(N)
    total = 0.0
    for name, start, breaks, count in shifts:
        t = tpl[name]
        w = (mid >= start) & (mid < start + t.length_s)
        for b, (_, _, dur) in zip(breaks, t.breaks, strict=True):
            w &= ~((mid >= b) & (mid < b + dur))
        on += count * w
        total += count * t.cost
    return on, total


def shifts_of(s: ShiftSchedule, templates) -> list[Shift]:
    length = {t.name: t.length_s for t in templates}
    assert all(abs(sh.end_s - sh.start_s - length[sh.template]) < 1e-6 for sh in s.shifts)
    return [(sh.template, sh.start_s, sh.breaks_s, sh.count) for sh in s.shifts]


def check_schedule(s: ShiftSchedule, required, templates) -> None:
    on, total = rebuild(shifts_of(s, templates), templates)
    assert np.array_equal(on, s.agents), "agents differ from the chosen shifts"
    assert np.all(on >= required), "an interval is not covered"
    assert abs(total - s.cost) < 1e-6, "cost differs from the sum of the shifts"


@dataclass
class Run:
    """One solve at one budget: what it found and proved, and how long it took."""

    solver: str
    budget_s: float
    status: str
    cost: float  # NaN: no schedule found
    bound: float
    solver_s: float
    call_s: float = math.nan
    shifts: list = field(default_factory=list, repr=False)

    @property
    def gap(self) -> float:
        return (self.cost - self.bound) / self.cost if math.isfinite(self.cost) else math.nan


def run_cxqueue(required, templates, hours, budget_s: float) -> Run:
    seen: list = []
    t0 = time.perf_counter()
    try:
        s = schedule_shifts(
            required, templates, hours=hours, time_limit_s=budget_s, mip_rel_gap=0.0, progress=seen.append
        )
    except CxqueueError:  # no schedule within the budget: the library raises; its last report has the bound
        bound = next((p.bound for p in reversed(seen) if np.isfinite(p.bound)), math.nan)
        return Run("cxqueue HiGHS", budget_s, "no_solution", math.nan, bound, time.perf_counter() - t0)
    check_schedule(s, required, templates)
    return Run(
        "cxqueue HiGHS", budget_s, s.status, s.cost, s.dual_bound, s.solve_time_s, shifts=shifts_of(s, templates)
    )


class Pyworkforce:
    """The instance as pyworkforce's MinRequiredResources takes it: named daily shifts on 7 days, integer costs."""

    def __init__(self, required, templates, hours, workers: int):
        from pyworkforce.scheduling import MinRequiredResources

        self.cls = MinRequiredResources
        self.templates, self.workers = templates, workers
        per_day = N // 7
        day = candidates(templates, hours, per_day)
        week = candidates(templates, hours, N)

        def keys(c, shift_s=0.0):
            return sorted(
                (
                    int(c.template[j]),
                    round(c.start_s[j] + shift_s),
                    tuple(round(b + shift_s) for b in brk[~np.isnan(brk)]),
                )
                for j, brk in enumerate(c.breaks_s)
            )

        daily = sorted(k for d in range(7) for k in keys(day, d * DAY))
        assert daily == keys(week), "the daily candidates are not the weekly ones day by day"
        assert np.all(day.start_s + [templates[k].length_s for k in day.template] <= DAY), "a shift crosses midnight"
        cost10 = np.rint(10 * day.cost)
        assert np.allclose(cost10, 10 * day.cost, rtol=0, atol=1e-9), "costs x10 are not integers"
        self.day = day
        self.n_week = week.n
        dense = day.coverage.toarray().astype(int)
        self.names = [f"c{j}" for j in range(day.n)]
        self.coverage = {nm: dense[:, j].tolist() for j, nm in enumerate(self.names)}
        self.cost = {nm: int(c) for nm, c in zip(self.names, cost10, strict=True)}
        self.required = required.reshape(7, per_day).astype(int).tolist()
        self.per_day = per_day

    def model(self, budget_s: float):
        m = self.cls(
            num_days=7,
            periods=self.per_day,
            shifts_coverage=self.coverage,
            required_resources=self.required,
            max_period_concurrency=10_000,
            max_shift_concurrency=10_000,
            cost_dict=self.cost,
            max_search_time=float(budget_s),
            num_search_workers=2,
        )
        if self.workers:
            m.solver.parameters.num_workers = self.workers
        return m

    def workers_used(self) -> str:
        """Solve once briefly with CP-SAT's log captured and return what it says about its workers."""
        m = self.model(0.5)
        lines: list[str] = []
        m.solver.parameters.log_search_progress = True
        m.solver.parameters.log_to_stdout = False
        m.solver.log_callback = lines.append
        m.solve()
        said = [ln.strip() for ln in "\n".join(lines).splitlines() if "number of workers" in ln.lower()]
        return said[0] if said else "not said in the log"

    def run(self, budget_s: float) -> Run:
        m = self.model(budget_s)
        sol = m.solve()
        cp = m.solver
        found = sol["status"] in ("OPTIMAL", "FEASIBLE")
        shifts: list[Shift] = []
        if found:
            index = {nm: j for j, nm in enumerate(self.names)}
            for r in sol["resources_shifts"]:
                if r["resources"] > 0:
                    j, d = index[r["shift"]], r["day"]
                    b = self.day.breaks_s[j]
                    shifts.append(
                        (
                            self.templates[self.day.template[j]].name,
                            d * DAY + float(self.day.start_s[j]),
                            tuple(d * DAY + b[~np.isnan(b)]),
                            int(r["resources"]),
                        )
                    )
        return Run(
            "pyworkforce CP-SAT",
            budget_s,
            sol["status"],
            sol["cost"] / 10.0 if found else math.nan,
            cp.best_objective_bound / 10.0,
            cp.wall_time,
            shifts=shifts,
        )


def check_run(r: Run, required, templates) -> None:
    if not math.isfinite(r.cost):
        return
    on, total = rebuild(r.shifts, templates)
    assert np.all(on >= required), f"{r.solver} at {r.budget_s:g} s: an interval is not covered"
    assert abs(total - r.cost) < 1e-6, f"{r.solver} at {r.budget_s:g} s: cost {r.cost} but the shifts cost {total}"


def cell(x: float, spec: str) -> str:
    """``x`` formatted, or a dash as wide where there is none (no schedule, no bound)."""
    return format(x, spec) if math.isfinite(x) else "-".rjust(int(spec.split(".")[0]))


def equal_budgets(required, templates, hours, budgets, pairs: int, workers: int) -> list[Run]:
    pw = Pyworkforce(required, templates, hours, workers)
    print(
        f"\n1. equal budgets: {pw.n_week} candidates a week ({pw.day.n} a day for pyworkforce); "
        f"HiGHS (scipy) on one thread, mip_rel_gap=0; CP-SAT workers: "
        f"{pw.workers_used() if not workers else f'{workers} (--cpsat-workers)'} ({os.cpu_count()} cores)"
    )
    run_cxqueue(required, templates, hours, 0.5)  # warm-up (first calls)
    runs: list[Run] = []
    for b in budgets:
        mine, theirs = [], []
        before = load_average()
        p = paired(
            lambda b=b, mine=mine: mine.append(run_cxqueue(required, templates, hours, b)),
            lambda b=b, theirs=theirs: theirs.append(pw.run(b)),
            pairs=pairs,
            warmup=0,
        )
        for r, t in zip(mine, p.a_s, strict=True):
            r.call_s = t
        for r, t in zip(theirs, p.b_s, strict=True):
            r.call_s = t
        print(f"   budget {b:g} s: {p.line('call time cxqueue / pyworkforce')}; {before}, after {load_average()}")
        runs += [x for pair in zip(mine, theirs, strict=True) for x in pair]
    for r in runs:
        check_run(r, required, templates)
    costs = [r.cost for r in runs if math.isfinite(r.cost)]
    best_bound = max(r.bound for r in runs if math.isfinite(r.bound))
    assert best_bound <= min(costs) + 1e-6, f"a proven bound {best_bound} exceeds a cost found {min(costs)}"
    print(
        f"\n{'budget':>6} {'solver':<19} {'status':<11} {'cost':>8} {'bound':>8} {'gap':>7} "
        f"{'vs best':>7} {'solver s':>8} {'call s':>7}   (vs best: cost over the best bound proved, {best_bound:.1f})"
    )
    for r in runs:
        cells = (cell(r.cost, "8.1f"), cell(r.bound, "8.1f"), cell(r.gap, "7.2%"))
        print(
            f"{r.budget_s:>5g}s {r.solver:<19} {r.status:<11} {' '.join(cells)} "
            f"{cell((r.cost - best_bound) / r.cost, '7.2%')} {r.solver_s:8.2f} {r.call_s:7.2f}"
        )
    print(
        "   checked: every schedule rebuilt from its shifts covers every interval and costs what its solver "
        "says; no bound exceeds any cost"
    )
    return runs


def week_size_check(required, templates, hours, runs: int, progress: bool) -> ShiftSchedule:
    times, s = [], None
    for r in range(runs):
        t0 = time.perf_counter()
        s = schedule_shifts(required, templates, hours=hours, progress=True if (progress and r == 0) else None)
        times.append(time.perf_counter() - t0)
        check_schedule(s, required, templates)
        assert s.mip_gap <= 0.01 and s.status == "optimal", s.message
    med = statistics.median(times)
    gap_lp = (s.cost - s.lp_bound) / s.cost
    print(
        f"\n2. week size, library defaults (mip_rel_gap 0.005, 60 s limit): {s.n_candidates} candidates, "
        f"{s.n_agents} shifts, cost {s.cost:.1f}; median {med:.2f} s over {runs} runs (min {min(times):.2f}, "
        f"max {max(times):.2f}); {gap_lp:.3%} above the LP bound, gap {s.mip_gap:.3%} to HiGHS's bound; "
        f"status {s.status}; {load_average()}"
    )
    assert s.n_candidates >= 500 and med < 60.0 and gap_lp <= 0.01
    return s


def lp_rounding(s: ShiftSchedule, required, templates, hours) -> None:
    """Baseline heuristic: LP relaxation over the same candidates, every count rounded up."""
    t0 = time.perf_counter()
    cand = candidates(templates, hours, N)
    lp = solve_covering(required, cand.coverage, cand.cost, integrality=False)
    x = np.ceil(lp.counts - 1e-9)
    cost = float(cand.cost @ x)
    assert np.all(cand.coverage @ x >= required)
    print(
        f"\n3. LP rounding: cost {cost:.1f} ({cost / s.cost:.3f} x the schedule of 2), {time.perf_counter() - t0:.2f} s"
    )


def global_service_level(required, templates, hours, calls, sl_curve) -> None:
    t0 = time.perf_counter()
    kw = dict(hours=hours, sl_curve=sl_curve, calls=calls, time_limit_s=60.0, mip_rel_gap=0.005)
    g = schedule_shifts(np.zeros(N), templates, objective="global_service_level", target_level=TARGET, **kw)
    g_t = time.perf_counter() - t0
    cover = schedule_shifts(required, templates, **kw)
    on, total = rebuild(shifts_of(g, templates), templates)
    assert np.array_equal(on, g.agents) and abs(total - g.cost) < 1e-6
    assert g.global_service_level >= TARGET - 1e-9
    print(
        f"   global service level {TARGET:.0%} over the week: cost {g.cost:.1f} vs cover {cover.cost:.1f} "
        f"(saving {1 - g.cost / cover.cost:.2%}; cover reaches {cover.global_service_level:.4f}, "
        f"GSL {g.global_service_level:.4f}); {g_t:.2f} s, gap {g.mip_gap:.3%}, status {g.status}"
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budgets", default="1,5,10,20,60", help="time budgets in seconds, comma-separated (1,5,10,20,60)")
    ap.add_argument("--pairs", type=int, default=2, help="interleaved pairs of runs per budget (2)")
    ap.add_argument("--cpsat-workers", type=int, default=0, help="CP-SAT workers (default: CP-SAT's own choice)")
    ap.add_argument("--runs", type=int, default=3, help="runs of the week-size check (3)")
    ap.add_argument("--progress", action="store_true", help="show HiGHS's log on the first week-size run")
    ap.add_argument("--no-pyworkforce", action="store_true")
    ap.add_argument("--no-gsl", action="store_true")
    ap.add_argument("--json", help="write part 1's runs here")
    args = ap.parse_args(argv)
    budgets = [float(x) for x in args.budgets.split(",")]

    required, templates, hours, calls, sl_curve = instance()
    print(
        f"instance: {N} intervals of 15 min, {int(required.sum())} agent-intervals required, "
        f"peak {int(required.max())} agents; {load_average()}"
    )
    if not args.no_pyworkforce:
        runs = equal_budgets(required, templates, hours, budgets, args.pairs, args.cpsat_workers)
        if args.json:
            rows = [{k: v for k, v in asdict(r).items() if k != "shifts"} | {"gap": r.gap} for r in runs]
            Path(args.json).write_text(json.dumps({"runs": rows, "load_average": os.getloadavg()}, indent=2))
    s = week_size_check(required, templates, hours, args.runs, args.progress)
    lp_rounding(s, required, templates, hours)
    if not args.no_gsl:
        global_service_level(required, templates, hours, calls, sl_curve)
    print(f"\n{load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
