"""Simulation speed against ciw, fast-engine throughput, and memory at the scale of a year.

Run: ``python benchmarks/bench_sim.py`` (add ``--skip-year`` to leave out the year run).

1. The same M/M/c day (8 hours; 10 calls/min with 35 agents, and 100 calls/min with 305
   agents; 3-minute exponential service) in ciw, in the simpy engine and in the fast
   engine, in one run: median customers per second over repeats, and the ratios.
   Each answer is checked: occupancy against the offered load, and the service level
   of the two cxqueue engines against each other (same callers) and against ciw.
2. The fast engine's throughput at 305 agents over many replications (wall and CPU time).
3. A year of a 1,000-agent center (about 50 million calls, record_calls=False) through
   the fast engine in a child process: time and peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

from cxqueue.scenario import Forecast, Scenario, ServiceTarget
from cxqueue.sim import simulate

HOURS = 8


def _day(calls_per_min: float, agents: int) -> Scenario:
    f = Forecast(calls=np.full(HOURS * 4, calls_per_min * 15.0), aht_s=180.0, interval_s=900.0)
    return Scenario(f, agents=agents, target=ServiceTarget(answer_within_s=20.0))


def _ciw_run(calls_per_min: float, agents: int, seed: int):
    import ciw

    net = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(calls_per_min)],
        service_distributions=[ciw.dists.Exponential(1 / 3.0)],
        number_of_servers=[agents],
    )
    ciw.seed(seed)
    q = ciw.Simulation(net)
    t0 = time.perf_counter()
    q.simulate_until_max_time(HOURS * 60.0)
    dt = time.perf_counter() - t0
    recs = q.get_all_records()
    customers = len(recs) + sum(len(n.all_individuals) for n in q.nodes[1:-1])
    waits = np.array([r.waiting_time for r in recs])
    busy = sum(r.service_time for r in recs)
    return customers / dt, float(np.mean(waits <= 20 / 60)), busy / (agents * HOURS * 60.0)


def _ours(sc: Scenario, engine: str, seed: int, reps: int = 1):
    t0 = time.perf_counter()
    c0 = time.process_time()
    res = simulate(sc, replications=reps, seed=seed, engine=engine)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    calls = float(res.totals.offered.mean) * reps
    return calls / dt, calls / cpu, res


def compare_with_ciw(repeats: int) -> list[dict]:
    rows = []
    for calls_per_min, agents in ((10.0, 35), (100.0, 305)):
        sc = _day(calls_per_min, agents)
        simulate(sc, replications=1, seed=0, engine="fast")  # load the compiled kernel
        ciw_rates, ciw_sl, ciw_occ = [], [], []
        for i in range(max(3, repeats // 2)):
            rate, sl, occ = _ciw_run(calls_per_min, agents, seed=i)
            ciw_rates.append(rate)
            ciw_sl.append(sl)
            ciw_occ.append(occ)
        simpy_rates = [_ours(sc, "simpy", seed=i)[0] for i in range(max(3, repeats // 2))]
        fast_rates = [_ours(sc, "fast", seed=i)[0] for i in range(repeats)]
        # the same day, 10 replications per call (how sweeps and optimizers call it)
        fast10_rates = [_ours(sc, "fast", seed=i, reps=10)[0] for i in range(repeats)]
        # answers: the engines agree on the same callers; occupancy ~ load / agents
        r_simpy = simulate(sc, replications=20, seed=1, engine="simpy")
        r_fast = simulate(sc, replications=20, seed=1, engine="fast")
        assert float(r_simpy.totals.sl_offered.mean) == float(r_fast.totals.sl_offered.mean)
        load = calls_per_min * 3.0
        occ = float(r_fast.totals.occupancy.mean)
        assert abs(occ - load / agents) < 0.02, (occ, load / agents)
        assert abs(statistics.mean(ciw_occ) - occ) < 0.03
        sl_ours = float(r_fast.totals.sl_answered.mean)
        # ciw's few days vary a lot near full load: compare within their own spread
        tol = 3 * statistics.stdev(ciw_sl) / len(ciw_sl) ** 0.5 + 0.03
        assert abs(statistics.mean(ciw_sl) - sl_ours) < tol, (statistics.mean(ciw_sl), sl_ours, tol)
        row = {
            "agents": agents,
            "calls_per_min": calls_per_min,
            "ciw_customers_per_s": statistics.median(ciw_rates),
            "simpy_customers_per_s": statistics.median(simpy_rates),
            "fast_customers_per_s": statistics.median(fast_rates),
            "fast10_customers_per_s": statistics.median(fast10_rates),
            "sl20_ours": sl_ours,
            "sl20_ciw": statistics.mean(ciw_sl),
            "occupancy": occ,
        }
        row["simpy_vs_ciw"] = row["simpy_customers_per_s"] / row["ciw_customers_per_s"]
        row["fast_vs_ciw"] = row["fast_customers_per_s"] / row["ciw_customers_per_s"]
        row["fast10_vs_ciw"] = row["fast10_customers_per_s"] / row["ciw_customers_per_s"]
        rows.append(row)
    return rows


def fast_throughput(reps: int, repeats: int) -> dict:
    sc = _day(100.0, 305)
    out = [_ours(sc, "fast", seed=i, reps=reps) for i in range(repeats)]
    return {
        "agents": 305,
        "replications": reps,
        "calls_per_run": float(out[0][2].totals.offered.mean) * reps,
        "wall_calls_per_s": statistics.median(o[0] for o in out),
        "cpu_calls_per_s": statistics.median(o[1] for o in out),
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


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--skip-year", action="store_true")
    args = ap.parse_args(argv)
    rows = compare_with_ciw(args.repeats)
    print("M/M/c day, 8 h, AHT 180 s (median customers per second)")
    print("(fast: one replication per call; fast x10: ten replications of the day per call)")
    print(f"{'agents':>6} {'ciw':>8} {'simpy':>8} {'fast':>9} {'fast x10':>9} {'simpy/ciw':>9} {'fast/ciw':>8} "
          f"{'x10/ciw':>8}  SL20 ours/ciw")  # fmt: skip
    for r in rows:
        print(
            f"{r['agents']:>6} {r['ciw_customers_per_s']:>8.0f} {r['simpy_customers_per_s']:>8.0f} "
            f"{r['fast_customers_per_s']:>9.0f} {r['fast10_customers_per_s']:>9.0f} {r['simpy_vs_ciw']:>9.1f} "
            f"{r['fast_vs_ciw']:>8.1f} {r['fast10_vs_ciw']:>8.1f}  {r['sl20_ours']:.3f}/{r['sl20_ciw']:.3f}"
        )
    tp = fast_throughput(reps=40, repeats=3)
    print(
        f"fast engine, 305 agents, {tp['calls_per_run']:.0f} calls per run: "
        f"{tp['wall_calls_per_s'] / 1e6:.2f} M calls/s wall, {tp['cpu_calls_per_s'] / 1e6:.2f} M calls/s CPU"
    )
    if not args.skip_year:
        y = year_run()
        print(f"year, 1000 agents: {y['calls'] / 1e6:.1f} M calls in {y['seconds']:.1f} s "
              f"({y['calls_per_s'] / 1e6:.2f} M/s), peak RSS {y['peak_rss_mb']:.0f} MB, "
              f"SL {y['sl_offered']:.3f}, occupancy {y['occupancy']:.3f}")  # fmt: skip
    print(f"(this process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
