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
     per call);
   - the fast multi-skill engine against a minimal simpy model of the same center, the one a
     simpy user would write (`_simpy_minimal.py`: a PriorityResource per group, requests
     raced against patience and the re-routing delay), per call; on the same callers it
     must count the same answered, abandoned and quick answers as cxqueue within 0.5 % of
     the calls (else the benchmark fails).
   The issue's target is 1 M calls/s per core for the fast engine on this center.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from _paired import load_average, paired
from _simpy_minimal import run_minimal

from cxqueue import scenario as model
from cxqueue.sim.arrivals import sample_callers
from cxqueue.sim.fast import run_fast
from cxqueue.sim.multiskill import records as rec
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


def minimal(sc: model.MultiSkillScenario, callers) -> dict:
    """The minimal simpy model (`_simpy_minimal`) of the center ``wallace_whitt`` builds."""
    return run_minimal(callers, n_groups=K, agents=PER_GROUP, aht_s=AHT_S, factor=1.1, reroute_s=REROUTE_S,
                       answer_within_s=sc.target[0].answer_within_s)  # fmt: skip


def check_minimal(hours: float = 10.0, seed: int = 12) -> str:
    """The minimal simpy model counts what cxqueue's engine counts, on the same callers."""
    sc = wallace_whitt(hours)
    callers = sample_skill_callers(sc, seed)
    got = minimal(sc, callers)
    tot = run_multiskill_fast(sc, callers).counts.sum(axis=(0, 1))
    ours = {"offered": tot[rec.C_OFFERED], "answered": tot[rec.C_ANSWERED] + tot[rec.C_BACKLOG],
            "abandoned": tot[rec.C_ABANDONED], "hits": tot[rec.C_HITS]}  # fmt: skip
    n = callers.arrival_s.size
    worst = max(abs(got[k] - ours[k]) / n for k in ours)
    assert worst <= 0.005, (got, ours)
    return (
        f"minimal simpy model on the same {n} calls: answered {got['answered']} (cxqueue {ours['answered']:.0f}, "
        f"with the backlog), abandoned {got['abandoned']} ({ours['abandoned']:.0f}), within 20 s {got['hits']} "
        f"({ours['hits']:.0f}): largest difference {worst:.2%} of the calls"
    )


def line(label: str, r: dict) -> str:
    return (
        f"{label}: {r['median']:.3g}x (min-max {r['min']:.3g}-{r['max']:.3g} over {r['pairs']} pairs; "
        f"A {r['a_per_s']:,.0f} calls/s, B {r['b_per_s']:,.0f} calls/s)"
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
    print(check_minimal())
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
    res["fast_multi_vs_fast_single"] = p.rate_ratio(n_multi, n_single)
    print(line("multi-skill fast / single-queue fast (pooled)", res["fast_multi_vs_fast_single"]))
    small = wallace_whitt(args.simpy_hours)
    small_callers = sample_skill_callers(small, 2)
    p = paired(
        lambda: run_multiskill_fast(sc, callers),
        lambda: run_multiskill_simpy(small, small_callers),
        pairs=max(3, args.pairs // 2),
    )
    res["fast_multi_vs_simpy_multi"] = p.rate_ratio(n_multi, small_callers.arrival_s.size)
    print(line("multi-skill fast / multi-skill simpy", res["fast_multi_vs_simpy_multi"]))
    p = paired(lambda: run_multiskill_fast(sc, callers), lambda: minimal(small, small_callers),
               pairs=max(3, args.pairs // 2))  # fmt: skip
    res["fast_multi_vs_minimal_simpy"] = p.rate_ratio(n_multi, small_callers.arrival_s.size)
    print(line("multi-skill fast / minimal simpy model", res["fast_multi_vs_minimal_simpy"]))
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
