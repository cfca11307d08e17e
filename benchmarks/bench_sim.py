"""Simulation speed against ciw, fast-engine throughput, and memory at the scale of a year.

Run: ``python benchmarks/bench_sim.py`` (``--skip-year`` leaves out the year run;
``--against DIR`` times the fast engine of another checkout, paired with this one).

1. The same M/M/c day (8 hours; 10 calls/min with 35 agents, and 100 calls/min with 305
   agents; 3-minute exponential service) in ciw, in the simpy engine and in the fast
   engine. Every ratio against ciw is measured in interleaved pairs (`_paired.paired`:
   A B, B A, ...) so that both sides of a pair run under the same load; the report is
   the median speed ratio with its min-max over the pairs. Each side simulates the same
   seed in every pair, so its customer count is fixed and the ratio is per customer.
2. The answers, checked tightly enough that a wrong model fails:
   - same callers: ciw is fed the fast engine's own arrival and service times
     (``ciw.dists.Sequential``), and every customer's wait must agree to 1e-6 min;
   - the exact value: the fast engine over long stationary runs (a warm-up left out)
     against the Erlang C service level, within three standard errors plus 0.005 for
     the finite horizon; the check states its tolerance and fails unless that tolerance
     is below half the distance to the Erlang C value of one agent more or fewer;
   - the two cxqueue engines agree exactly on the same seed; occupancy is load / agents.
3. The fast engine's throughput at 305 agents over many replications (wall and CPU).
4. A year of a 1,000-agent center (about 50 million calls, record_calls=False) through
   the fast engine in a child process: time and peak resident memory.

The load average is printed before and after: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from _paired import Paired, load_average, paired

from cxqueue.scenario import Forecast, Scenario, ServiceTarget
from cxqueue.sim import sample_callers, simulate
from cxqueue.sim.runner import run_replication

HOURS = 8
AHT_MIN = 3.0
SL_T_S = 20.0
CASES = ((10.0, 35), (100.0, 305))  # calls per minute, agents


def _scenario(calls_per_min: float, agents: int, hours: int = HOURS) -> Scenario:
    f = Forecast(calls=np.full(hours * 4, calls_per_min * 15.0), aht_s=AHT_MIN * 60.0, interval_s=900.0)
    return Scenario(f, agents=agents, target=ServiceTarget(answer_within_s=SL_T_S))


def erlang_c_sl(calls_per_min: float, agents: int) -> float:
    """P(wait <= SL_T_S) in a stationary M/M/c (Erlang B recursion, then Erlang C)."""
    load = calls_per_min * AHT_MIN
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
    c = b / (1.0 - load / agents * (1.0 - b))
    return 1.0 - c * math.exp(-(agents / AHT_MIN - calls_per_min) * SL_T_S / 60.0)


# ---------------------------------------------------------------- the peers, one day each


def _ciw_sim(arrivals, services, agents: int):
    import ciw

    net = ciw.create_network(
        arrival_distributions=[arrivals], service_distributions=[services], number_of_servers=[agents]
    )
    q = ciw.Simulation(net)
    q.simulate_until_max_time(HOURS * 60.0)
    return q


def ciw_day(calls_per_min: float, agents: int, seed: int):
    """One day in ciw (minutes): the simulation, and the customers it handled."""
    import ciw

    ciw.seed(seed)
    q = _ciw_sim(ciw.dists.Exponential(calls_per_min), ciw.dists.Exponential(1 / AHT_MIN), agents)
    return q, len(q.get_all_records()) + sum(len(n.all_individuals) for n in q.nodes[1:-1])


def fast_day(sc: Scenario, seed: int, reps: int = 1) -> float:
    """Customers (first attempts and all) offered in ``reps`` days of the fast engine."""
    return float(simulate(sc, replications=reps, seed=seed, engine="fast").totals.offered.mean) * reps


def simpy_day(sc: Scenario, seed: int) -> float:
    return float(simulate(sc, replications=1, seed=seed, engine="simpy").totals.offered.mean)


def compare_with_ciw(calls_per_min: float, agents: int, pairs: int) -> dict:
    """Speed ratios of the fast engine (one and ten days per call) and of the simpy engine
    against ciw, each measured in interleaved pairs on a fixed seed per side."""
    sc = _scenario(calls_per_min, agents)
    n_ciw = ciw_day(calls_per_min, agents, seed=1)[1]
    n_fast, n_fast10, n_simpy = fast_day(sc, 1), fast_day(sc, 1, reps=10), simpy_day(sc, 1)

    def ciw_fn():
        return ciw_day(calls_per_min, agents, seed=1)

    fast = paired(lambda: fast_day(sc, 1), ciw_fn, pairs=pairs)
    fast10 = paired(lambda: fast_day(sc, 1, reps=10), ciw_fn, pairs=pairs)
    simpy = paired(lambda: simpy_day(sc, 1), ciw_fn, pairs=max(3, pairs // 2))
    return {
        "agents": agents,
        "calls_per_min": calls_per_min,
        "fast_vs_ciw": fast.rate_ratio(n_fast, n_ciw),
        "fast10_vs_ciw": fast10.rate_ratio(n_fast10, n_ciw),
        "simpy_vs_ciw": simpy.rate_ratio(n_simpy, n_ciw),
        "load": load_average(),
    }


# ---------------------------------------------------------------- the answers


def check_same_callers(calls_per_min: float, agents: int, seed: int = 5) -> str:
    """ciw on the fast engine's own callers: every customer's wait must be the same."""
    import ciw

    sc = _scenario(calls_per_min, agents)
    callers = sample_callers(sc, seed)
    out = run_replication(sc, seed=seed, engine="fast", record_calls=True)
    arr_min = callers.arrival_s / 60.0
    gaps = np.diff(np.concatenate([[0.0], arr_min])).tolist()
    services = (callers.handle_unit[:, 0] * AHT_MIN).tolist()
    q = _ciw_sim(ciw.dists.Sequential(gaps), ciw.dists.Sequential(services), agents)
    recs = q.get_all_records()
    idx = np.array([r.id_number - 1 for r in recs])
    ciw_wait = np.array([r.waiting_time for r in recs])
    ciw_arr = np.array([r.arrival_date for r in recs])
    log = out.calls
    assert np.array_equal(log["customer"], np.arange(log.size)), "one attempt per customer in M/M/c"
    ours_wait = log["wait_s"][idx] / 60.0
    assert len(recs) > 0.95 * log.size, (len(recs), log.size)
    np.testing.assert_allclose(ciw_arr, arr_min[idx], rtol=0, atol=1e-6)
    np.testing.assert_allclose(ciw_wait, ours_wait, rtol=0, atol=1e-6)
    diff = float(np.abs(ciw_wait - ours_wait).max())
    return f"{len(recs)} customers served by ciw, waits equal to 1e-6 min (max diff {diff:.1e})"


def check_exact(calls_per_min: float, agents: int, *, hours: int, warmup_h: int, reps: int, seed: int = 3) -> dict:
    """Stationary runs of the fast engine against the Erlang C service level."""
    sc = _scenario(calls_per_min, agents, hours=hours)
    r = simulate(sc, replications=reps, seed=seed, engine="fast", warmup_s=warmup_h * 3600.0)
    est = float(r.totals.sl_answered.mean)
    se = float(r.totals.sl_answered.half_width) / 1.96
    exact = erlang_c_sl(calls_per_min, agents)
    tol = 3.0 * se + 0.005
    gap = min(abs(erlang_c_sl(calls_per_min, agents + d) - exact) for d in (-1, 1))
    ok = abs(est - exact) <= tol and tol < gap / 2
    return {
        "agents": agents,
        "simulated": est,
        "se": se,
        "exact": exact,
        "tolerance": tol,
        "one_agent_gap": gap,
        "ok": ok,
        "calls": float(r.totals.offered.mean) * reps,
    }


def check_engines_and_occupancy(calls_per_min: float, agents: int) -> str:
    sc = _scenario(calls_per_min, agents)
    r_simpy = simulate(sc, replications=2, seed=1, engine="simpy")
    r_fast = simulate(sc, replications=2, seed=1, engine="fast")
    for kpi in ("sl_offered", "asa_s", "occupancy"):
        assert float(getattr(r_simpy.totals, kpi).mean) == float(getattr(r_fast.totals, kpi).mean), kpi
    occ, load = float(r_fast.totals.occupancy.mean), calls_per_min * AHT_MIN
    assert abs(occ - load / agents) < 0.02, (occ, load / agents)
    return f"simpy == fast on seed 1; occupancy {occ:.3f} vs load/agents {load / agents:.3f}"


# ---------------------------------------------------------------- throughput


def fast_throughput(reps: int, repeats: int) -> dict:
    sc = _scenario(100.0, 305)
    fast_day(sc, 0)  # load the compiled kernel
    walls, cpus, calls = [], [], 0.0
    for i in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        calls = fast_day(sc, i, reps=reps)
        walls.append(calls / (time.perf_counter() - t0))
        cpus.append(calls / (time.process_time() - c0))
    return {
        "agents": 305,
        "replications": reps,
        "calls_per_run": calls,
        "wall_calls_per_s": statistics.median(walls),
        "cpu_calls_per_s": statistics.median(cpus),
    }


WORKER_CODE = """
import sys, time
import numpy as np
from cxqueue.scenario import Forecast, Scenario, ServiceTarget
from cxqueue.sim import simulate
f = Forecast(calls=np.full(32, 1500.0), aht_s=180.0, interval_s=900.0)
sc = Scenario(f, agents=305, target=ServiceTarget(answer_within_s=20.0))
reps = int(sys.argv[1])
simulate(sc, replications=1, seed=0, engine="fast")
for line in sys.stdin:
    t0, c0 = time.perf_counter(), time.process_time()
    r = simulate(sc, replications=reps, seed=int(line), engine="fast")
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    print(dt, dc, float(r.totals.offered.mean) * reps, float(r.totals.sl_offered.mean), flush=True)
"""


def against(other: Path, reps: int, pairs: int) -> dict:
    """This checkout's fast engine against another's, each in its own worker process,
    interleaved (A B, B A, ...) on the same seeds; each worker times its own call, in
    wall and in CPU seconds (CPU time is less sensitive to other sessions' load)."""
    here = Path(__file__).resolve().parents[1]
    workers = []
    for root in (here, other.resolve()):
        env = {**os.environ, "PYTHONPATH": str(root)}
        workers.append(
            subprocess.Popen(
                [sys.executable, "-c", WORKER_CODE, str(reps)],
                cwd=root,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        )
    wall: tuple[list, list] = ([], [])
    cpu: tuple[list, list] = ([], [])
    try:
        for i in range(pairs + 1):
            answers = {}
            for w in (0, 1) if i % 2 == 0 else (1, 0):
                workers[w].stdin.write(f"{i + 1}\n")
                workers[w].stdin.flush()
                answers[w] = [float(x) for x in workers[w].stdout.readline().split()]
            assert answers[0][2:] == answers[1][2:], f"the two checkouts disagree on seed {i + 1}: {answers}"
            if i > 0:  # the first pair warms up
                for side in (0, 1):
                    wall[side].append(answers[side][0])
                    cpu[side].append(answers[side][1])
            calls = answers[0][2]
    finally:
        for w in workers:
            w.stdin.close()
            w.wait()
    return {
        "wall": Paired(tuple(wall[0]), tuple(wall[1])).rate_ratio(calls, calls),
        "cpu": Paired(tuple(cpu[0]), tuple(cpu[1])).rate_ratio(calls, calls),
        "calls": calls,
    }


YEAR_CODE = """
import json, resource, time
import numpy as np
from cxqueue.scenario import Forecast, OpeningHours, Scenario
from cxqueue.sim import simulate
n = 365 * 96
hod = (np.arange(n) % 96) / 4
open_ = (hod >= 8) & (hod < 20)
f = Forecast(calls=np.where(open_, 2850.0, 0.0), aht_s=300.0, interval_s=900.0)
sc = Scenario(f, agents=np.where(open_, 1000, 0), hours=OpeningHours.daily(8 * 3600, 20 * 3600))
t0 = time.perf_counter()
res = simulate(sc, replications=1, seed=1, engine="fast")
dt = time.perf_counter() - t0
calls = float(res.totals.offered.mean)
assert 0.9 < float(res.totals.occupancy.mean) < 0.99 and float(res.totals.sl_offered.mean) > 0.5
print(json.dumps({"calls": calls, "seconds": dt, "calls_per_s": calls / dt,
                  "sl_offered": float(res.totals.sl_offered.mean), "occupancy": float(res.totals.occupancy.mean),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def year_run() -> dict:
    proc = subprocess.run([sys.executable, "-c", YEAR_CODE], capture_output=True, text=True, check=True)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["peak_rss_mb"] < 2048, out
    return out


def _ratio(r: dict) -> str:
    return f"{r['median']:.1f}x ({r['min']:.1f}-{r['max']:.1f})"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=7, help="interleaved pairs per ratio (7)")
    ap.add_argument("--skip-year", action="store_true")
    ap.add_argument("--against", type=Path, help="another checkout whose fast engine to time against this one")
    args = ap.parse_args(argv)
    print(f"{load_average()} (1, 5, 15 min) on {os.cpu_count()} cores")
    oks = []
    print("answers:")
    for calls_per_min, agents in CASES:
        print(f"  {agents} agents, same callers in ciw: {check_same_callers(calls_per_min, agents)}")
        print(f"  {agents} agents: {check_engines_and_occupancy(calls_per_min, agents)}")
    # long enough, and enough runs, that the tolerance is below half the one-agent gap
    for calls_per_min, agents, hours, warmup_h, reps in ((10.0, 35, 24, 1, 60), (100.0, 305, 48, 6, 100)):
        e = check_exact(calls_per_min, agents, hours=hours, warmup_h=warmup_h, reps=reps)
        oks.append(e["ok"])
        print(
            f"  {agents} agents, {hours} h runs (first {warmup_h} h left out) x {reps}: SL20 answered "
            f"{e['simulated']:.4f} (se {e['se']:.4f}) vs Erlang C {e['exact']:.4f}, tolerance {e['tolerance']:.4f} "
            f"(one agent more or fewer moves it {e['one_agent_gap']:.3f}): {'ok' if e['ok'] else 'FAILED'}"
        )
    rows = [compare_with_ciw(calls_per_min, agents, args.pairs) for calls_per_min, agents in CASES]
    print("M/M/c day, 8 h, AHT 180 s: customers per second, and speed ratios against ciw in interleaved")
    print("pairs, median (min-max); fast x10: ten replications of the day per call")
    print(
        f"{'agents':>6} {'ciw':>8} {'simpy':>8} {'fast':>10} {'fast x10':>10}  {'simpy/ciw':>16} {'fast/ciw':>20} "
        f"{'x10/ciw':>20}"
    )
    for r in rows:
        s, f, f10 = r["simpy_vs_ciw"], r["fast_vs_ciw"], r["fast10_vs_ciw"]
        print(
            f"{r['agents']:>6} {f['b_per_s']:>8.0f} {s['a_per_s']:>8.0f} {f['a_per_s']:>10.0f} "
            f"{f10['a_per_s']:>10.0f}  "
            f"{_ratio(s):>16} {_ratio(f):>20} {_ratio(f10):>20}  ({r['load']})"
        )
    tp = fast_throughput(reps=40, repeats=3)
    print(
        f"fast engine, 305 agents, {tp['calls_per_run']:.0f} calls per run: "
        f"{tp['wall_calls_per_s'] / 1e6:.2f} M calls/s wall, {tp['cpu_calls_per_s'] / 1e6:.2f} M calls/s CPU"
    )
    if args.against:
        a = against(args.against, reps=10, pairs=max(args.pairs, 15))
        for clock in ("wall", "cpu"):
            r = a[clock]
            print(
                f"fast engine, 305 agents x 10 days, this checkout / {args.against}, {clock} time: "
                f"{r['median']:.3f}x ({r['min']:.3f}-{r['max']:.3f}) in speed over {r['pairs']} pairs "
                f"({r['a_per_s'] / 1e6:.2f} vs {r['b_per_s'] / 1e6:.2f} M calls/s; same answers on every seed)"
            )
    if not args.skip_year:
        y = year_run()
        print(
            f"year, 1000 agents: {y['calls'] / 1e6:.1f} M calls in {y['seconds']:.1f} s "
            f"({y['calls_per_s'] / 1e6:.2f} M/s), peak RSS {y['peak_rss_mb']:.0f} MB, "
            f"SL {y['sl_offered']:.3f}, occupancy {y['occupancy']:.3f}"
        )
    print(f"(this process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    print(f"{load_average()}; checks: {'all ok' if all(oks) else 'SOME FAILED'}")
    return 0 if all(oks) else 1


if __name__ == "__main__":
    sys.exit(main())
