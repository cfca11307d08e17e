"""Benchmark: a planner's ``cxqueue plan``, cold and warm, and a week of the bank planned end to end.

1. ``cxqueue plan`` with no argument (``configs/default.toml``), each run a fresh
   subprocess in a fresh working folder, timed wall-clock (issue 10: cold <= 8 s,
   warm <= 4 s):

   - cold: ``--runs`` runs (3), each with its own new, empty ``NUMBA_CACHE_DIR``, so
     every numba kernel is compiled; median and min-max;
   - warm: ``--warm-runs`` runs (5) on the cache the first cold run filled;
   - "plain" is ``python -m cxqueue plan`` as shipped: `cxqueue.plan.optimize.optimize_plan`
     calls `cxqueue.sim.warm_up` where it starts, so that the simulation kernel compiles in
     a child process while this one compiles the analytic kernels and computes the
     requirements and shifts;
   - "early": `warm_up` called before the plan modules are imported (where the CLI's
     ``plan`` command could call it), a second earlier.
   The variants take turns in rotated order (plain early, early plain, ...) so that both
   see the same load. On this 2-core machine shared with other sessions, compare the CPU
   seconds too (``/usr/bin/time``): a child process gains wall time only on an idle core.

   ``--compile-profile`` runs one more cold plan with numba's compile events recorded
   and prints the seconds per compiled function (`cxqueue.sim` and `cxqueue.analytic`
   totals first). ``--analytic-cached`` pre-fills each cold cache with the analytic
   kernels (taken from the first cold run): what a cold plan costs once those compile
   in the time its colleague's issue aims at, plus that time.
2. `optimize_plan` in this process on one week of the bank (``configs/bank.toml``, and
   ``configs/default.toml``; once bank.toml with the simulation-based staffing, unless
   ``--no-isa``), median of ``--runs`` runs against the 120 s limit (``--no-optimize``
   skips them).

Each answer is checked: the CLI exits 0 and its ``summary.json`` says the plan converged
and its simulated service level over the week (lower end of the 95 % interval) meets the
target. The load average (1, 5, 15 min) is printed before and after each block: the
machine is shared.

Each run's CPU seconds (user + system of the run and of its child processes) are printed
beside its wall time, and their medians beside the wall medians.

Run: ``python benchmarks/bench_plan.py [--runs 3] [--warm-runs 5] [--compile-profile] [--no-optimize]
[--no-isa]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from _paired import load_average

REPO = Path(__file__).resolve().parents[1]
PLAN_LIMIT_S = 120.0
COLD_TARGET_S, WARM_TARGET_S = 8.0, 4.0
CPU: list[float] = []  # CPU seconds of each `run_cli`, in order

PROFILED = """
import sys, json
from numba.core import event
with event.install_recorder("numba:compile") as rec:
    from cxqueue.cli import main
    rc = main(sys.argv[2:])
stack, out = [], []
for ts, e in rec.buffer:
    d = e.data["dispatcher"]
    if e.is_start:
        stack.append((ts, f"{d.py_func.__module__}.{d.py_func.__qualname__}"))
    else:
        t, name = stack.pop()
        out.append((ts - t, len(stack), name))
json.dump(out, open(sys.argv[1], "w"))
sys.exit(rc)
"""

# `cxqueue plan` with warm_up() before the plan modules are imported, as the CLI could call it
EARLY = """
import sys
from cxqueue.sim import warm_up
warm_up()
from cxqueue.cli import main
sys.exit(main(sys.argv[1:]))
"""

VARIANTS = {"plain": ["-m", "cxqueue"], "early": ["-c", EARLY]}


def _env(cache: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_DISABLE_JIT", "NUMBA_CACHE_DIR")}
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if cache:
        env["NUMBA_CACHE_DIR"] = cache
    return env


def _cpu_of_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_cli(prefix: list[str], args: list[str], cache: str | None) -> tuple[float, bool, str]:
    """One ``cxqueue`` in a fresh folder: wall seconds, and whether its plan meets its target.
    Its CPU seconds (user + system, its own child processes included) go to `CPU`."""
    cwd = Path(tempfile.mkdtemp(prefix="bench_plan_"))
    try:
        t0, c0 = time.perf_counter(), _cpu_of_children()
        p = subprocess.run([sys.executable, *prefix, *args], cwd=cwd, env=_env(cache), capture_output=True, text=True)
        wall = time.perf_counter() - t0
        CPU.append(_cpu_of_children() - c0)
        ok, what = check_cli(p.returncode, p.stderr, cwd)
    finally:
        shutil.rmtree(cwd, ignore_errors=True)
    return wall, ok, what


def check_cli(rc: int, err: str, cwd: Path) -> tuple[bool, str]:
    path = cwd / "plans" / "default" / "summary.json"
    if rc != 0 or not path.is_file():
        return False, f"exit {rc}; stderr: {err.strip()[-500:]}"
    s = json.loads(path.read_text())
    low = s["simulated_service_level_ci"][0]
    ok = bool(s["converged"] and low >= s["target_level"])
    return ok, (
        f"exit 0, converged={s['converged']}, cost {s['cost']:.1f}, simulated week "
        f"{s['simulated_service_level']:.3f} [{low:.3f}, {s['simulated_service_level_ci'][1]:.3f}] "
        f"vs target {s['target_level']:g}"
    )


def _stats(times: list[float]) -> str:
    return f"median {statistics.median(times):.2f} s (min-max {min(times):.2f}-{max(times):.2f}; n={len(times)})"


def bench_cli(runs: int, warm_runs: int, analytic_cached: bool) -> list[bool]:
    oks, caches = [], []
    seed = None  # a cache holding only the analytic kernels
    cold: dict[str, list[float]] = {v: [] for v in VARIANTS}
    cold_cpu: dict[str, list[float]] = {v: [] for v in VARIANTS}
    warm_cpu: dict[str, list[float]] = {v: [] for v in VARIANTS}
    names = list(VARIANTS)
    order = [names[(i + j) % len(names)] for i in range(runs) for j in range(len(names))]  # rotated
    print(f"cxqueue plan, cold: each run a fresh empty NUMBA_CACHE_DIR; {load_average()}")
    for variant in order:
        cache = tempfile.mkdtemp(prefix="bench_plan_numba_")
        caches.append(cache)
        if seed:
            shutil.copytree(seed, cache, dirs_exist_ok=True)
        wall, ok, what = run_cli(VARIANTS[variant], ["plan"], cache)
        oks.append(ok)
        cold[variant].append(wall)
        n = sum(1 for _ in Path(cache).rglob("*.nbi"))
        cold_cpu[variant].append(CPU[-1])
        print(
            f"  {variant:5s} {wall:6.2f} s, {CPU[-1]:5.2f} s CPU ({n} functions cached); "
            f"check {'ok' if ok else 'FAILED'}: {what}"
        )
        if analytic_cached and seed is None:
            seed = tempfile.mkdtemp(prefix="bench_plan_seed_")
            caches.append(seed)
            for d in Path(cache).iterdir():
                if d.name.startswith("analytic_"):
                    shutil.copytree(d, Path(seed) / d.name)
            print("  (the cold runs after this one start with the analytic kernels cached)")
    warm_cache = caches[0]
    warm: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for i in range(warm_runs):
        for variant in names[i % len(names) :] + names[: i % len(names)]:
            wall, ok, what = run_cli(VARIANTS[variant], ["plan"], warm_cache)
            oks.append(ok)
            warm[variant].append(wall)
            warm_cpu[variant].append(CPU[-1])
    version, _, _ = run_cli(["-m", "cxqueue"], ["--version"], warm_cache)
    for variant in VARIANTS:
        c, w = statistics.median(cold[variant]), statistics.median(warm[variant])
        print(
            f"cxqueue plan, {variant}: cold {_stats(cold[variant])} [target {COLD_TARGET_S:g} s: "
            f"{'met' if c <= COLD_TARGET_S else 'MISSED'}]; warm {_stats(warm[variant])} [target "
            f"{WARM_TARGET_S:g} s: {'met' if w <= WARM_TARGET_S else 'MISSED'}]; CPU seconds: cold median "
            f"{statistics.median(cold_cpu[variant]):.2f}, warm median {statistics.median(warm_cpu[variant]):.2f}"
        )
    print(f"  `cxqueue --version` {version:.2f} s; last warm check: {what}; {load_average()}")
    for d in caches:
        shutil.rmtree(d, ignore_errors=True)
    return oks


def compile_profile(top: int) -> bool:
    """One cold ``cxqueue plan`` (plain) with numba's compile events: seconds per function."""
    cache = tempfile.mkdtemp(prefix="bench_plan_numba_")
    events = Path(cache) / "events.json"
    cwd = Path(tempfile.mkdtemp(prefix="bench_plan_"))
    try:
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, "-c", PROFILED, str(events), "plan"], cwd=cwd, env=_env(cache),
                           capture_output=True, text=True)  # fmt: skip
        wall = time.perf_counter() - t0
        ok, what = check_cli(p.returncode, p.stderr, cwd)
        out = json.loads(events.read_text()) if events.is_file() else []
    finally:
        shutil.rmtree(cwd, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    top_level = [(d, name) for d, depth, name in out if depth == 0]
    by_pkg: dict[str, float] = {}
    for d, name in top_level:
        pkg = ".".join(name.split(".")[:2])
        by_pkg[pkg] = by_pkg.get(pkg, 0.0) + d
    print(
        f"compile profile of one cold `cxqueue plan` ({wall:.1f} s wall; {load_average()}): "
        f"{len(out)} compiles, {len(top_level)} top-level, {sum(d for d, _ in top_level):.1f} s; "
        + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(by_pkg.items()))
    )
    for d, depth, name in sorted(out, reverse=True)[:top]:
        print(f"  {d:6.2f} s  {'  ' * depth}{name}")
    print(f"  check {'ok' if ok else 'FAILED'}: {what}")
    return ok


def check_plan(result) -> tuple[bool, str]:
    s = result.summary()
    low = s["simulated_service_level_ci"][0]
    ok = bool(result.converged and low >= s["target_level"])
    return ok, (
        f"converged={result.converged} in {result.iterations} iteration(s), cost {s['cost']:.1f}, "
        f"{s['shifts']} shifts, {s['lines']} lines, simulated week {s['simulated_service_level']:.3f} "
        f"[{low:.3f}, {s['simulated_service_level_ci'][1]:.3f}] vs target {s['target_level']:g}"
    )


def bench_optimize_plan(runs: int, isa: bool) -> list[bool]:
    from cxqueue.config import load_scenario
    from cxqueue.exceptions import CxqueueError
    from cxqueue.plan.optimize import optimize_plan
    from cxqueue.plan.run import plan_settings

    os.environ.setdefault("CXQUEUE_DATA", str(REPO.parent / "shared" / "data"))
    oks = []
    cases = [("bank.toml", None, runs), ("default.toml", None, runs)]
    if isa:
        cases.append(("bank.toml", "isa", 1))
    for name, method, n in cases:
        cfg = load_scenario(REPO / "configs" / name)
        settings = plan_settings(cfg)
        if method:
            settings = replace(settings, method=method)
        times, result = [], None
        try:
            for _ in range(n):
                t0 = time.perf_counter()
                result = optimize_plan(cfg.scenario(0.0), cfg.shifts, settings=settings)
                times.append(time.perf_counter() - t0)
        except (CxqueueError, ValueError) as exc:
            if not method:
                raise
            # an extra variant: report the library's error instead of stopping the benchmark
            print(f"optimize_plan {name} with method={method!r}: not measured, it raised {type(exc).__name__}: {exc}")
            continue
        med = statistics.median(times)
        ok, what = check_plan(result)
        oks.append(ok)
        f = cfg.forecast
        print(
            f"optimize_plan {name} ({cfg.demand_source}; {f.n_intervals} intervals, {f.calls.sum():.0f} calls; "
            f"{settings.model}/{settings.method}, {settings.replications} reps): median {med:.2f} s of {n} "
            f"({', '.join(f'{t:.2f}' for t in times)}), {med / PLAN_LIMIT_S:.3f} of the {PLAN_LIMIT_S:.0f} s limit; "
            f"{load_average()}"
        )
        print(f"  check: {'ok' if ok else 'FAILED'}: {what}")
    return oks


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="cold runs of each variant, and optimize_plan runs (3)")
    ap.add_argument("--warm-runs", type=int, default=5, help="warm runs of each variant (5)")
    ap.add_argument("--analytic-cached", action="store_true", help="cold runs after the first keep analytic kernels")
    ap.add_argument("--compile-profile", type=int, nargs="?", const=25, default=0, metavar="TOP",
                    help="one more cold run: compile seconds of the TOP (25) slowest functions")  # fmt: skip
    ap.add_argument("--no-cli", dest="cli", action="store_false", help="skip the `cxqueue plan` subprocess runs")
    ap.add_argument("--no-optimize", dest="optimize", action="store_false", help="skip optimize_plan in-process")
    ap.add_argument("--no-isa", dest="isa", action="store_false", help="skip optimize_plan with method='isa'")
    args = ap.parse_args(argv)
    print(f"{load_average()} (1, 5, 15 min) on {os.cpu_count()} cores")
    oks = []
    if args.cli:
        oks += bench_cli(args.runs, args.warm_runs, args.analytic_cached)
    if args.compile_profile:
        oks.append(compile_profile(args.compile_profile))
    if args.optimize:
        oks += bench_optimize_plan(args.runs, args.isa)
    print(f"{load_average()}; checks: {'all ok' if all(oks) else 'SOME FAILED'}")
    return 0 if all(oks) else 1


if __name__ == "__main__":
    sys.exit(main())
