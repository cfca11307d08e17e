"""Benchmark: a week of the bank planned end to end (issue 4 item 5, issue 5 item 4).

1. `optimize_plan` on one week of the bank, ``configs/bank.toml`` (demand fitted from the
   October 1999 log when $CXQUEUE_DATA or ../shared/data has it, else its fallback
   profile) with the config's own settings (`cxqueue.plan.run.plan_settings`): median
   of ``--runs`` runs against the 120 s limit; also ``configs/default.toml`` (the shipped
   January-February profile) and, once, bank.toml with ``method="isa"`` (the
   simulation-based staffing, the slowest setting). Loading the config is not timed.
2. ``cxqueue plan`` with no argument, as a subprocess in a fresh working folder (so it
   writes ``plans/default`` there), against the 60 s limit: a cold first run with an
   empty numba cache (``NUMBA_CACHE_DIR`` set to a new temporary folder: every kernel is
   compiled), then one run to warm the normal cache, then the median of ``--runs`` warm
   runs. ``cxqueue --version`` is timed too: the interpreter's and imports' share.

Each answer is checked: the plan converged and its simulated service level over the week
(lower end of the 95 % interval) meets the target; the CLI exits 0 and its
``summary.json`` says the same. Other sessions may load the machine: the load average is
printed before and after.

Run: ``python benchmarks/bench_plan.py [--runs 3] [--no-isa] [--no-cli]``.
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

REPO = Path(__file__).resolve().parents[1]
PLAN_LIMIT_S = 120.0
CLI_LIMIT_S = 60.0


def load() -> str:
    a = os.getloadavg()
    return f"{a[0]:.2f} {a[1]:.2f} {a[2]:.2f}"


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
            f"load {load()}"
        )
        print(f"  check: {'ok' if ok else 'FAILED'}: {what}")
    return oks


def cli_command() -> list[str]:
    exe = shutil.which("cxqueue")
    return [exe] if exe else [sys.executable, "-m", "cxqueue"]


CPU_S: list[float] = []  # CPU seconds (user + system) of each subprocess, in order: load-independent


def run_cli(args: list[str], env: dict) -> tuple[float, int, str, Path]:
    cwd = Path(tempfile.mkdtemp(prefix="bench_plan_"))
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cli_command() + args, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_S.append((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime))
    return wall, p.returncode, p.stderr[-2000:], cwd


def check_cli(rc: int, err: str, cwd: Path) -> tuple[bool, str]:
    path = cwd / "plans" / "default" / "summary.json"
    if rc != 0 or not path.is_file():
        return False, f"exit {rc}; stderr: {err.strip()[-500:]}"
    s = json.loads(path.read_text())
    low = s["simulated_service_level_ci"][0]
    ok = bool(s["converged"] and low >= s["target_level"])
    return ok, (
        f"exit 0, converged={s['converged']}, cost {s['cost']:.1f}, simulated week "
        f"{s['simulated_service_level']:.3f} [{low:.3f}, {s['simulated_service_level_ci'][1]:.3f}], "
        f"optimize_plan inside {s['elapsed_s']:.2f} s"
    )


def bench_cli(runs: int) -> list[bool]:
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_DISABLE_JIT", "NUMBA_CACHE_DIR")}
    oks, cleanup = [], []
    cold_cache = tempfile.mkdtemp(prefix="bench_plan_numba_")
    cleanup.append(cold_cache)
    t_cold, rc, err, cwd = run_cli(["plan"], {**env, "NUMBA_CACHE_DIR": cold_cache})
    cleanup.append(cwd)
    ok, what = check_cli(rc, err, cwd)
    oks.append(ok)
    n_cached = sum(1 for _ in Path(cold_cache).rglob("*.nbi"))
    print(
        f"cxqueue plan, cold (empty NUMBA_CACHE_DIR, {n_cached} functions compiled into it): {t_cold:.1f} s "
        f"(CPU {CPU_S[-1]:.1f} s), {t_cold / CLI_LIMIT_S:.2f} of the {CLI_LIMIT_S:.0f} s limit; load {load()}"
    )
    print(f"  check: {'ok' if ok else 'FAILED'}: {what}")
    t_warmup, rc, err, cwd = run_cli(["plan"], env)  # fills the normal cache if it is empty
    cleanup.append(cwd)
    times = []
    for _ in range(runs):
        t, rc, err, cwd = run_cli(["plan"], env)
        cleanup.append(cwd)
        ok, what = check_cli(rc, err, cwd)
        oks.append(ok)
        times.append(t)
    med = statistics.median(times)
    cpu = statistics.median(CPU_S[-runs:])
    t_version, _, _, cwd = run_cli(["--version"], env)
    cleanup.append(cwd)
    print(
        f"cxqueue plan, warm (after one run of {t_warmup:.1f} s): median {med:.1f} s of {runs} "
        f"({', '.join(f'{t:.1f}' for t in times)}; CPU {cpu:.1f} s), "
        f"{med / CLI_LIMIT_S:.2f} of the {CLI_LIMIT_S:.0f} s limit; cold/warm {t_cold / med:.2f}; "
        f"`cxqueue --version` {t_version:.2f} s (CPU {CPU_S[-1]:.1f} s); "
        f"load {load()}"
    )
    print(f"  check (last warm run): {'ok' if ok else 'FAILED'}: {what}")
    for d in cleanup:
        shutil.rmtree(d, ignore_errors=True)
    return oks


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="timed runs for each median (3)")
    ap.add_argument("--no-isa", dest="isa", action="store_false", help="skip the ISA variant")
    ap.add_argument("--no-cli", dest="cli", action="store_false", help="skip the `cxqueue plan` subprocess runs")
    args = ap.parse_args(argv)
    print(f"load average {load()} (1, 5, 15 min) on {os.cpu_count()} cores")
    oks = bench_optimize_plan(args.runs, args.isa)
    if args.cli:
        oks += bench_cli(args.runs)
    print(f"load average {load()}; checks: {'all ok' if all(oks) else 'SOME FAILED'}")
    return 0 if all(oks) else 1


if __name__ == "__main__":
    sys.exit(main())
