"""Speed of the analytic core, as ratios measured in one run (issue 2, acceptance 3 and 4).

Workload: 10,000 one-hour intervals, arrivals uniform 50-2000 calls per hour, AHT uniform
180-600 s (seed 20261122), target 80 % answered within 20 s.

1. ``erlang_c.service_level`` and ``erlang_c.agents_for_service_level`` against
   pyworkforce's ``ErlangC`` called per interval (the peer; pip install '.[bench]');
2. ``erlang_a`` service level and inverse (mean patience 300 s) against the Erlang C ones;
3. the vectorized Erlang C service level against a minimal hand-written numba loop that
   runs the Erlang B recursion from 0 to n for each interval (the floor of what a
   compiled loop costs);
4. scale: one service level at 10 .. 100,000 Erlangs (agents for 80/20), time relative to
   100 Erlangs, and accuracy against mpmath at 50 digits.

Every timing is the median of repeated runs; every result is checked. Run:
``python benchmarks/bench_analytic.py [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
from numba import njit

from cxqueue import erlang_a, erlang_c

SEED = 20261122
TARGET, T_S = 0.8, 20.0


def median_time(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def paired_ratio(fn_a, fn_b, repeat):
    """Median over back-to-back pairs of time(a) / time(b): both see the same machine load."""
    ratios = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn_a()
        t1 = time.perf_counter()
        fn_b()
        t2 = time.perf_counter()
        ratios.append((t1 - t0) / (t2 - t1))
    return statistics.median(ratios)


@njit(cache=True)
def _hand_erlang_c_sl(A, n, aht, t):
    """Minimal compiled baseline: Erlang B from 0 to n, then Erlang C and the SL."""
    out = np.empty(A.size)
    for i in range(A.size):
        a = A[i]
        b = 1.0
        for k in range(1, int(n[i]) + 1):
            b = a * b / (k + a * b)
        c = n[i] * b / (n[i] - a * (1.0 - b))
        out[i] = 1.0 - c * np.exp(-(n[i] - a) * t / aht[i])
    return out


def workload(n=10_000):
    rng = np.random.default_rng(SEED)
    calls_per_h = rng.uniform(50, 2000, n)
    aht_s = rng.uniform(180, 600, n)
    return calls_per_h, aht_s, calls_per_h * aht_s / 3600.0


def mp_service_level(A, n, aht, t):
    import mpmath as mp

    mp.mp.dps = 50
    A = mp.mpf(A)
    inv_b = mp.mpf(1)
    for k in range(1, int(n) + 1):
        inv_b = 1 + k / A * inv_b
    b = 1 / inv_b
    c = n * b / (n - A * (1 - b))
    return float(1 - c * mp.e ** (-(n - A) * mp.mpf(t) / aht))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer intervals and repeats")
    args = ap.parse_args(argv)
    n_int = 2_000 if args.quick else 10_000
    repeat = 3 if args.quick else 7
    calls_h, aht, A = workload(n_int)
    ok = True

    # warm the JIT (cache=True: the first run of a fresh checkout compiles)
    erlang_c.agents_for_service_level(A[:10], aht_s=aht[:10], answer_within_s=T_S, level=TARGET)
    erlang_a.agents_for_service_level(A[:10], aht_s=aht[:10], mean_patience_s=300, answer_within_s=T_S, level=TARGET)

    agents = erlang_c.agents_for_service_level(A, aht_s=aht, answer_within_s=T_S, level=TARGET)
    t_c_inv = median_time(
        lambda: erlang_c.agents_for_service_level(A, aht_s=aht, answer_within_s=T_S, level=TARGET), repeat
    )
    t_c_sl = median_time(lambda: erlang_c.service_level(A, agents, aht_s=aht, answer_within_s=T_S), repeat)
    sl = erlang_c.service_level(A, agents, aht_s=aht, answer_within_s=T_S)
    assert np.all(sl >= TARGET)

    _hand_erlang_c_sl(A[:5], agents[:5].astype(np.float64), aht[:5], T_S)
    t_hand = median_time(lambda: _hand_erlang_c_sl(A, agents.astype(np.float64), aht, T_S), repeat)
    hand = _hand_erlang_c_sl(A, agents.astype(np.float64), aht, T_S)
    err_hand = float(np.max(np.abs(hand - sl) / sl))

    agents_a = erlang_a.agents_for_service_level(A, aht_s=aht, mean_patience_s=300, answer_within_s=T_S, level=TARGET)
    t_a_inv = median_time(
        lambda: erlang_a.agents_for_service_level(A, aht_s=aht, mean_patience_s=300, answer_within_s=T_S, level=TARGET),
        repeat,
    )
    t_a_sl = median_time(
        lambda: erlang_a.service_level(A, agents_a, aht_s=aht, mean_patience_s=300, answer_within_s=T_S), repeat
    )
    sla = erlang_a.service_level(A, agents_a, aht_s=aht, mean_patience_s=300, answer_within_s=T_S)
    sla_below = erlang_a.service_level(A, agents_a - 1, aht_s=aht, mean_patience_s=300, answer_within_s=T_S)
    assert np.all(sla >= TARGET) and np.all(sla_below < TARGET)

    print(f"workload: {n_int} intervals, loads {A.min():.1f}-{A.max():.1f} Erlangs, medians of {repeat}")
    print(f"cxqueue erlang_c.agents_for_service_level: {t_c_inv * 1e6 / n_int:8.3f} us/interval")
    print(f"cxqueue erlang_c.service_level:            {t_c_sl * 1e6 / n_int:8.3f} us/interval")
    print(f"cxqueue erlang_a.agents_for_service_level: {t_a_inv * 1e6 / n_int:8.3f} us/interval")
    print(f"cxqueue erlang_a.service_level:            {t_a_sl * 1e6 / n_int:8.3f} us/interval")
    print(
        f"hand-written numba Erlang B loop + C SL:   {t_hand * 1e6 / n_int:8.3f} us/interval "
        f"(max rel diff {err_hand:.1e})"
    )

    try:
        from pyworkforce.queuing import ErlangC
    except ImportError:
        print("pyworkforce not installed (pip install '.[bench]'): peer ratios skipped")
        pw = None
    else:
        m = min(n_int, 2_000)  # the peer is slow: time a subset and scale per interval
        idx = np.arange(m)

        def pw_inv():
            return [
                ErlangC(transactions=calls_h[i], aht=aht[i] / 60, asa=T_S / 60, interval=60).required_positions(
                    service_level=TARGET, max_occupancy=1.0
                )["raw_positions"]
                for i in idx
            ]

        def pw_sl():
            return [
                ErlangC(transactions=calls_h[i], aht=aht[i] / 60, asa=T_S / 60, interval=60).service_level(
                    positions=int(agents[i])
                )
                for i in idx
            ]

        pw_agents = np.array(pw_inv())
        pw_levels = np.array(pw_sl())
        agree = int(np.sum(pw_agents == agents[:m]))
        sl_err = float(np.max(np.abs(pw_levels - sl[:m]) / sl[:m]))
        t_pw_inv = median_time(pw_inv, 3) / m
        t_pw_sl = median_time(pw_sl, 3) / m
        pw = (t_pw_inv, t_pw_sl)
        print(
            f"pyworkforce ErlangC.required_positions:    {t_pw_inv * 1e6:8.3f} us/interval "
            f"(same agents in {agree}/{m} intervals)"
        )
        print(
            f"pyworkforce ErlangC.service_level:         {t_pw_sl * 1e6:8.3f} us/interval (max rel diff {sl_err:.1e})"
        )

    print("\nratios (acceptance):")
    if pw:
        r1 = pw[1] / (t_c_sl / n_int)
        r2 = pw[0] / (t_c_inv / n_int)
        print(f"  erlang_c.service_level vs pyworkforce:            {r1:7.1f}x faster (need >= 20)")
        print(f"  erlang_c.agents_for_service_level vs pyworkforce: {r2:7.1f}x faster (need >= 100)")
        ok &= r1 >= 20 and r2 >= 100
    # ratios from back-to-back pairs (the machine is shared: load changes between runs)
    r3 = paired_ratio(
        lambda: erlang_a.service_level(A, agents_a, aht_s=aht, mean_patience_s=300, answer_within_s=T_S),
        lambda: erlang_c.service_level(A, agents, aht_s=aht, answer_within_s=T_S),
        2 * repeat + 1,
    )
    r4 = paired_ratio(
        lambda: erlang_a.agents_for_service_level(A, aht_s=aht, mean_patience_s=300, answer_within_s=T_S, level=TARGET),
        lambda: erlang_c.agents_for_service_level(A, aht_s=aht, answer_within_s=T_S, level=TARGET),
        2 * repeat + 1,
    )
    r5 = paired_ratio(
        lambda: erlang_c.service_level(A, agents, aht_s=aht, answer_within_s=T_S),
        lambda: _hand_erlang_c_sl(A, agents.astype(np.float64), aht, T_S),
        2 * repeat + 1,
    )
    print(f"  erlang_a / erlang_c service level cost:           {r3:7.2f}x (need <= 10)")
    print(f"  erlang_a / erlang_c inverse cost:                 {r4:7.2f}x (need <= 10)")
    print(f"  erlang_c.service_level / hand numba Erlang B:     {r5:7.2f}x (need <= 1.5)")
    ok &= r3 <= 10 and r4 <= 10 and r5 <= 1.5

    print("\nscale: one service level at the 80/20 staffing, vectorized over 2,000 copies")
    base = None
    loads = [10, 100, 1_000, 10_000, 100_000]
    rows = []
    for load in loads:
        n = int(erlang_c.agents_for_service_level(float(load), aht_s=180, answer_within_s=T_S, level=TARGET))
        Av = np.full(2000, float(load))
        nv = np.full(2000, n)
        t = (
            median_time(lambda Av=Av, nv=nv: erlang_c.service_level(Av, nv, aht_s=180, answer_within_s=T_S), repeat)
            / 2000
        )
        got = float(erlang_c.service_level(float(load), n, aht_s=180, answer_within_s=T_S))
        ref = mp_service_level(load, n, 180, T_S) if load <= 10_000 or not args.quick else got
        err = abs(got - ref) / ref
        rows.append((load, n, t, err))
        if load == 100:
            base = t
    for load, n, t, err in rows:
        print(
            f"  {load:>7} Erlangs, {n:>7} agents: {t * 1e9:9.1f} ns  ({t / base:6.1f}x the 100-Erlang cost), "
            f"rel. error vs mpmath {err:.1e}"
        )
        ok &= err <= 1e-10
    r6 = rows[-1][2] / base
    print(f"  100,000 vs 100 Erlangs: {r6:.1f}x (need <= 20)")
    ok &= r6 <= 20
    print("\nALL MET" if ok else "\nSOME NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
