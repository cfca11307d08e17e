"""Multi-skill fast engine: calls per second on a 6 x 6 center, against its peers in the same run.

Run: ``python benchmarks/bench_multiskill.py`` (``--hours`` sets the horizon of the timed
runs, ``--pairs`` the number of interleaved pairs).

The center follows Wallace & Whitt (2005): 6 call types, 6 groups of 15 agents (90 in all),
each group with 2 skills: group ``i`` takes type ``i`` first (its primary skill) and type
``i + 1`` at a lower priority level. A call of type ``i`` tries group ``i`` at once and
becomes eligible for group ``i - 1`` (for which it is the secondary skill) after a 10 s
re-routing delay. Exponential handle times (5 min; a group is 10 % slower at its secondary
skill), exponential patience (3 min), 15-minute intervals, an offered load of about 0.93 of
the agents, longest-idle agents, calls by priority level.

1. The answer: on a short run the fast engine's call log equals the simpy engine's, field
   by field, and its counters and time integrals too (else the benchmark fails).
2. Speed, each ratio measured paired and interleaved (`_paired.paired`: A B, B A, ...; the
   median of the pair ratios with their min-max, the load average before and after); every
   side runs on callers drawn beforehand, so only the engines are timed:
   - the fast multi-skill engine against the single-queue fast engine on the equivalent
     pooled load (one type with all the calls, one group of 90 agents, the same patience);
   - the fast multi-skill engine against the simpy multi-skill engine (on a shorter horizon,
     per call).
   The issue's target is 1 M calls/s per core for the fast engine on this center.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np
from _paired import Paired, load_average, paired

from cxqueue import scenario as model
from cxqueue.sim.arrivals import sample_callers
from cxqueue.sim.fast import run_fast
from cxqueue.sim.multiskill import sample_skill_callers
from cxqueue.sim.multiskill.engine import run_multiskill_simpy
from cxqueue.sim.multiskill.fast import run_multiskill_fast

K = 6
PER_GROUP = 15
AHT_S = 300.0
PATIENCE_S = 180.0
REROUTE_S = 10.0
LOAD = 0.93  # offered Erlangs / agents
INTERVAL_S = 900.0


def wallace_whitt(hours: float) -> model.MultiSkillScenario:
    n = round(hours * 3600.0 / INTERVAL_S)
    per_type = LOAD * PER_GROUP * INTERVAL_S / AHT_S  # calls per interval and type
    exp = model.Distribution.exponential
    types = [model.CallType(f"t{i}", np.full(n, per_type), aht_s=AHT_S, patience=exp(PATIENCE_S)) for i in range(K)]
    groups = [
        model.AgentGroup(f"g{i}", (f"t{i}", f"t{(i + 1) % K}"), PER_GROUP, handle_factor={f"t{(i + 1) % K}": 1.1})
        for i in range(K)
    ]
    routing = model.Routing(
        type_groups={f"t{i}": (f"g{i}", f"g{(i - 1) % K}") for i in range(K)},
        group_types={f"g{i}": (f"t{i}", f"t{(i + 1) % K}") for i in range(K)},
        delays_s={f"t{i}": {f"g{(i - 1) % K}": REROUTE_S} for i in range(K)},
    )
    return model.MultiSkillScenario(types, groups, routing, interval_s=INTERVAL_S)


def pooled(sc: model.MultiSkillScenario) -> model.Scenario:
    """The single-queue center with the same calls in all, the same agents and patience."""
    f = model.Forecast(calls=sc.calls.sum(axis=0), aht_s=AHT_S, interval_s=INTERVAL_S)
    return model.Scenario(f, agents=K * PER_GROUP, patience=model.Distribution.exponential(PATIENCE_S))


def check_answer(hours: float = 6.0, seed: int = 11) -> str:
    sc = wallace_whitt(hours)
    callers = sample_skill_callers(sc, seed)
    ref = run_multiskill_simpy(sc, callers, record=True)
    got = run_multiskill_fast(sc, callers, record=True)
    assert got.calls.size == ref.calls.size == callers.arrival_s.size
    for name in ref.calls.dtype.names:
        assert got.calls[name].tobytes() == ref.calls[name].tobytes(), name
    for name in ("counts", "waiting_s", "group_s", "served", "backlog"):
        assert np.array_equal(getattr(got, name), getattr(ref, name)), name
    log = got.calls
    secondary = float(np.mean(log["group"][log["group"] >= 0] != log["call_type"][log["group"] >= 0]))
    abandoned = float(np.mean(log["outcome"] == int(model.Outcome.ABANDONED)))
    return (
        f"{callers.arrival_s.size} calls over {hours:g} h: fast log == simpy log (every field), counters equal; "
        f"{secondary:.1%} answered by the secondary group, {abandoned:.1%} abandoned"
    )


def speed_ratio(p: Paired, calls_a: float, calls_b: float) -> dict:
    """Calls per second of A over those of B, pair by pair: median, min, max."""
    r = sorted((calls_a / a) / (calls_b / b) for a, b in zip(p.a_s, p.b_s, strict=True))
    return {
        "median": statistics.median(r),
        "min": r[0],
        "max": r[-1],
        "pairs": len(r),
        "a_calls_per_s": calls_a / p.a_median_s,
        "b_calls_per_s": calls_b / p.b_median_s,
    }


def line(label: str, r: dict) -> str:
    return (
        f"{label}: {r['median']:.3g}x (min-max {r['min']:.3g}-{r['max']:.3g} over {r['pairs']} pairs; "
        f"A {r['a_calls_per_s']:,.0f} calls/s, B {r['b_calls_per_s']:,.0f} calls/s)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=float, default=200.0, help="horizon of the fast runs (default 200 h)")
    ap.add_argument("--simpy-hours", type=float, default=10.0, help="horizon of the simpy runs (default 10 h)")
    ap.add_argument("--pairs", type=int, default=11)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    print(load_average())
    t0 = time.perf_counter()
    print(check_answer())
    sc = wallace_whitt(args.hours)
    callers = sample_skill_callers(sc, 1)
    run_multiskill_fast(sc, callers)  # compile or load the kernel
    print(f"first call (compile or cache load, and the run): {time.perf_counter() - t0:.2f} s")
    single = pooled(sc)
    single_callers = sample_callers(single, 1)
    run_fast(single, single_callers)
    n_multi, n_single = callers.arrival_s.size, single_callers.arrival_s.size
    print(f"{sc.n_types} types x {sc.n_groups} groups, {int(sc.agents[:, 0].sum())} agents, {args.hours:g} h: "
          f"{n_multi:,} calls (pooled single queue: {n_single:,})")  # fmt: skip
    res = {}
    p = paired(lambda: run_multiskill_fast(sc, callers), lambda: run_fast(single, single_callers), pairs=args.pairs)
    res["fast_multi_vs_fast_single"] = speed_ratio(p, n_multi, n_single)
    print(line("multi-skill fast / single-queue fast (pooled)", res["fast_multi_vs_fast_single"]))
    small = wallace_whitt(args.simpy_hours)
    small_callers = sample_skill_callers(small, 2)
    p = paired(
        lambda: run_multiskill_fast(sc, callers),
        lambda: run_multiskill_simpy(small, small_callers),
        pairs=max(3, args.pairs // 2),
    )
    res["fast_multi_vs_simpy_multi"] = speed_ratio(p, n_multi, small_callers.arrival_s.size)
    print(line("multi-skill fast / multi-skill simpy", res["fast_multi_vs_simpy_multi"]))
    t0, c0 = time.perf_counter(), time.process_time()
    reps = 5
    for _ in range(reps):
        run_multiskill_fast(sc, callers)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    res["fast_multi_calls_per_s"] = {"wall": reps * n_multi / wall, "cpu": reps * n_multi / cpu}
    print(f"multi-skill fast engine: {reps * n_multi / wall:,.0f} calls/s wall, {reps * n_multi / cpu:,.0f} calls/s "
          f"CPU (target 1,000,000 per core: {'met' if reps * n_multi / cpu >= 1e6 else 'NOT met'})")  # fmt: skip
    res["load"] = load_average()
    print(res["load"])
    if args.json:
        print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
