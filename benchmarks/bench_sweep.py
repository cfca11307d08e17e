"""Benchmark: sweep throughput and per-point overhead of each executor.

Two sweeps:

* analytic: 10,000 points of the built-in ``"analytic"`` point function (Erlang C for
  infinite patience, Erlang A otherwise: 100 agent counts x 20 loads x 5 patience levels);
* simulation: 1,000 points of the built-in ``"simulate"`` point function (cxqueue.sim's
  fast engine, one 15-minute interval, 2 replications: 20 agent counts x 10 loads x 5
  patience levels).

and a null sweep of 10,000 points whose point function does nothing, which measures the
machinery alone. Each runs with ``run_sweep`` on: the serial executor, a process pool of 1 and of 2
workers, and a Dask LocalCluster of 2 single-threaded worker processes. The baseline is
the bare point function called in a loop in this process (and, for the analytic one, its
vectorized ``batch`` form called once on all points, which is what chunks use). Reported, as medians over
``--repeats`` runs (executors started and warmed up beforehand; their start-up is
reported apart):

* points/s = points / wall time of ``run_sweep`` (store writes included);
* overhead per point = wall / points - bare time per point / workers: what the sweep
  machinery adds per point beyond a perfect split of the bare work;
* efficiency = (bare time / workers) / wall.

Checks: every executor stores the same metrics as the serial run, point by point, and
the analytic numbers equal direct calls of cxqueue.analytic; every point is stored ok.

Run: ``python benchmarks/bench_sweep.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from cxqueue.sweep import DaskExecutor, SerialExecutor, SweepSpec, process_executor, run_sweep
from cxqueue.sweep.compute import resolve
from cxqueue.sweep.executors import worker_count


def erlang_grid(name: str, compute: str, seed: int, *, load: float, loads, agents, **extra) -> SweepSpec:
    """Loads x agent counts x five patience levels (AHT 180 s, 20 s threshold); ``extra`` adds to the base."""
    return SweepSpec.from_dict(
        {
            "sweep": {"name": name, "compute": compute, "seed": seed},
            "base": {
                "offered_load": load,
                "agents": 10,
                "aht_s": 180.0,
                "answer_within_s": 20.0,
                "mean_patience_s": math.inf,
                **extra,
            },
            "grid": {
                "offered_load": [float(x) for x in loads],
                "agents": list(agents),
                "mean_patience_s": [math.inf, 600.0, 300.0, 120.0, 60.0],
            },
        }
    )


def analytic_spec(n_agents: int, n_loads: int) -> SweepSpec:
    loads = np.linspace(5.0, 80.0, n_loads)
    return erlang_grid("bench-analytic", "analytic", 1, load=10.0, loads=loads, agents=range(1, n_agents + 1))


def simulation_spec(n_agents: int, n_loads: int) -> SweepSpec:
    return erlang_grid(
        "bench-simulate",
        "simulate",
        2,
        load=8.0,
        loads=np.linspace(4.0, 13.0, n_loads),
        agents=range(5, 5 + n_agents),
        n_intervals=1,
        interval_s=900.0,
        simulation={"replications": 2, "engine": "fast"},
    )


def null_point(config, *, seed):
    """Does nothing: a sweep of it measures the machinery alone."""
    return {"one": 1.0}


def null_spec(n: int) -> SweepSpec:
    return SweepSpec.from_dict(
        {
            "sweep": {"name": "bench-null", "compute": null_point, "seed": 3},
            "base": {"i": 0},
            "grid": {"i": list(range(n))},
        }
    )


def bare_seconds(spec: SweepSpec, *, batched: bool = False) -> float:
    """The point function called directly on every point in this process (or its batch form once)."""
    fn = resolve(spec.compute)
    points = spec.points()
    t0 = time.perf_counter()
    if batched:
        fn.batch([p.config for p in points], seeds=[p.seed for p in points])
    else:
        for p in points:
            fn(p.config, seed=p.seed)
    return time.perf_counter() - t0


def timed_sweep(spec: SweepSpec, executor, tmp: Path, tag: str) -> tuple[float, list]:
    store = tmp / f"{tag}-{time.perf_counter_ns()}.sqlite"
    t0 = time.perf_counter()
    res = run_sweep(spec, store=store, executor=executor, progress=False)
    wall = time.perf_counter() - t0
    assert res.n_ok == spec.n_points and res.n_run == spec.n_points, (tag, res.n_ok, res.errors()[:3])
    return wall, [json.dumps(p.metrics, sort_keys=True) for p in res.points]


def check_analytic(spec: SweepSpec, snapshot: list) -> None:
    """Spot-check stored analytic values against direct calls of cxqueue.analytic."""
    from cxqueue.analytic import erlang_a, erlang_c

    rng = np.random.default_rng(0)
    points = spec.points()
    for i in rng.choice(len(points), size=50, replace=False):
        c = points[i].config
        got = json.loads(snapshot[i])
        if math.isinf(c["mean_patience_s"]):
            want = float(erlang_c.service_level(c["offered_load"], c["agents"], aht_s=180.0, answer_within_s=20.0))
        else:
            want = float(
                erlang_a.service_level(
                    c["offered_load"],
                    c["agents"],
                    aht_s=180.0,
                    mean_patience_s=c["mean_patience_s"],
                    answer_within_s=20.0,
                )
            )
        # a different code path in cxqueue.analytic (erlang_x.metrics): equal to rounding
        assert math.isclose(got["service_level"], want, rel_tol=1e-9, abs_tol=1e-15), (c, got["service_level"], want)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _row(name, label, workers, wall, n, overhead_us=math.nan, efficiency=math.nan) -> dict:
    return {
        "sweep": name,
        "executor": label,
        "workers": workers,
        "wall_s": wall,
        "points_per_s": n / wall,
        "overhead_us": overhead_us,
        "efficiency": efficiency,
    }


def bench(name: str, spec: SweepSpec, executors: dict, repeats: int, tmp: Path) -> list[dict]:
    n = spec.n_points
    loop = statistics.median(bare_seconds(spec) for _ in range(repeats))
    rows = [_row(name, "bare loop (a call per point)", 1, loop, n)]
    bare = loop
    if hasattr(resolve(spec.compute), "batch"):
        bare = statistics.median(bare_seconds(spec, batched=True) for _ in range(repeats))
        rows.append(_row(name, "bare batch (one call)", 1, bare, n))
    log(f"{name}: bare {n / bare:.0f} points/s")
    reference = None
    for label, ex in executors.items():
        w = worker_count(ex)
        walls = []
        for _ in range(repeats):
            wall, snap = timed_sweep(spec, ex, tmp, label.replace(" ", "_"))
            walls.append(wall)
            if reference is None:
                reference = snap
            assert snap == reference, f"{label}: results differ from the serial run"
        wall = statistics.median(walls)
        log(f"{name}, {label}: {n / wall:.0f} points/s")
        rows.append(_row(name, label, w, wall, n, 1e6 * (wall / n - bare / n / w), (bare / w) / wall))
    if name == "analytic":
        check_analytic(spec, reference)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sweeps, one repeat")
    ap.add_argument("--repeats", type=int, default=3, help="runs of the analytic and null sweeps")
    ap.add_argument("--sim-repeats", type=int, default=1, help="runs of the simulation sweep")
    args = ap.parse_args()
    repeats = 1 if args.quick else args.repeats
    sim_repeats = 1 if args.quick else args.sim_repeats
    n_spec = null_spec(2000 if args.quick else 10_000)
    a_spec = analytic_spec(20, 10) if args.quick else analytic_spec(100, 20)
    s_spec = simulation_spec(10, 4) if args.quick else simulation_spec(20, 10)

    startup = {}
    t0 = time.perf_counter()
    pool1 = process_executor(1)
    pool1.submit(int, 0).result()
    startup["processes, 1 worker"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    pool2 = process_executor(2)
    list(pool2.map(int, range(4)))
    startup["processes, 2 workers"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    dask = DaskExecutor(n_workers=2)
    dask.submit(int, 0).result()
    startup["Dask LocalCluster, 2 workers"] = time.perf_counter() - t0
    executors = {
        "serial": SerialExecutor(),
        "processes, 1 worker": pool1,
        "processes, 2 workers": pool2,
        "Dask LocalCluster, 2 workers": dask,
    }
    log("executors started: " + ", ".join(f"{k} {v:.2f} s" for k, v in startup.items()))
    rows = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        # warm-up: imports and numba compilation in every worker, outside the timings
        for spec in (analytic_spec(4, 2), simulation_spec(4, 2)):
            for ex in executors.values():
                run_sweep(spec, store=tmp / f"warm-{time.perf_counter_ns()}.sqlite", executor=ex, progress=False)
            bare_seconds(spec)
        log("warmed up")
        rows += bench("null", n_spec, executors, repeats, tmp)
        rows += bench("analytic", a_spec, executors, repeats, tmp)
        rows += bench("simulation", s_spec, executors, sim_repeats, tmp)
    pool1.shutdown()
    pool2.shutdown()
    dask.shutdown()

    print(
        f"cxqueue sweep benchmark: {n_spec.n_points} null points, {a_spec.n_points} analytic points (medians of "
        f"{repeats} runs), {s_spec.n_points} simulation points (cxqueue.sim fast engine, {sim_repeats} run(s))"
    )
    print("overhead/pt = wall / points - bare / points / workers, against the fastest bare form (analytic: the batch)")
    print(
        f"{'sweep':<11} {'executor':<30} {'workers':>7} {'wall s':>8} {'points/s':>10} {'overhead/pt':>12} "
        f"{'efficiency':>10}"
    )
    for r in rows:
        over = "--" if math.isnan(r["overhead_us"]) else f"{r['overhead_us']:.1f} us"
        eff = "--" if math.isnan(r["efficiency"]) else f"{r['efficiency']:.2f}"
        print(
            f"{r['sweep']:<11} {r['executor']:<30} {r['workers']:>7} {r['wall_s']:>8.3f} "
            f"{r['points_per_s']:>10.0f} {over:>12} {eff:>10}"
        )
    print(
        f"load average over 1/5/15 min at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} cores (other processes share the machine: ratios move with it)"
    )
    print("executor start-up (not in the walls above): " + ", ".join(f"{k} {v:.2f} s" for k, v in startup.items()))
    print("checks: every executor stored the same metrics as the serial run; analytic values equal cxqueue.analytic")


if __name__ == "__main__":
    main()
