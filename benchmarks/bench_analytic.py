"""Speed of the analytic core against pyworkforce and hand-written numba floors, every ratio paired.

Workload: 10,000 one-hour intervals, arrivals uniform 50-2000 calls per hour, AHT uniform
180-600 s (seed 20261122), target 80 % answered within 20 s.

This 2-core machine is shared, so every ratio is measured A B A B ... (`_paired.paired`):
each pair runs back to back under the same load, and a ratio is the median of the pair
ratios with their min-max. The load average is printed before and after.

1. Per call, one interval at a time as a scheduler calls it: ``erlang_c.service_level`` and
   ``erlang_c.agents_for_service_level`` with Python floats against pyworkforce's
   ``ErlangC`` on the same intervals (the goal: at most 3 and 5 us per call, and faster
   than pyworkforce).
2. Vectorized over the 10,000 intervals: the same two functions against pyworkforce
   called per interval, on NumPy scalars as the previous benchmark fed it (the goal: no
   worse than 250x and 614x, the paired medians before the scalar path and the internal
   tier) and on Python floats (where it is about three times faster), and against two
   floors written here in numba:
   the naive recursion from 0 (what pyworkforce computes, compiled) and the best-known
   algorithm, started 7 sqrt(A) below the load from the fluid value as cxqueue starts it
   (one multiply-add per step, no validation, integer agents only).
3. Erlang A against Erlang C, service level and inverse (patience 300 s).
4. Scale: one service level at 10 .. 100,000 Erlangs (agents for 80/20) vectorized over
   2,000 copies, against both floors, the 100,000-Erlang cost against the 100-Erlang cost,
   and the accuracy against mpmath at 50 digits (the goal: at 10 Erlangs no slower than
   the naive loop).

Every answer is checked: the same agents as pyworkforce (or, where pyworkforce differs,
that cxqueue's is the fewest meeting the target and pyworkforce's is not fewer), service
levels equal to pyworkforce's and to the floors'. Run:
``python benchmarks/bench_analytic.py [--quick]``.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
from numba import njit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _paired import load_average, paired

from cxqueue import erlang_a, erlang_c

SEED = 20261122
TARGET, T_S = 0.8, 20.0


# ------------------------------------------------------------------------------ floors
@njit(cache=True, error_model="numpy")
def naive_service_level(A, n, aht, t, out):
    """Floor 1: the Erlang B recursion from 0 to n (pyworkforce's algorithm), then Erlang C."""
    for i in range(A.size):
        a = A[i]
        b = 1.0
        for k in range(1, int(n[i]) + 1):
            b = a * b / (k + a * b)
        c = n[i] * b / (n[i] - a * (1.0 - b))
        out[i] = 1.0 - c * math.exp(-(n[i] - a) * t / aht[i])


@njit(cache=True, error_model="numpy")
def _start(a, n):
    """(k, 1/B(k, a)) near the load: 7 sqrt(a) below it from the fluid value, or (0, 1)."""
    k0 = math.floor(a - 7.0 * math.sqrt(a))
    if n >= a + 1.0 and k0 >= 1.0:
        return k0, a / (a - k0)
    return 0.0, 1.0


@njit(cache=True, error_model="numpy")
def best_service_level(A, n, aht, t, out):
    """Floor 2: 1/B by y_k = 1 + (k/a) y_(k-1) started near the load; 0 where n <= A."""
    for i in range(A.size):
        a, m = A[i], n[i]
        if m <= a:
            out[i] = 0.0
            continue
        k, y = _start(a, m)
        inv = 1.0 / a
        while k < m:
            k += 1.0
            y = 1.0 + k * inv * y
        c = m / (y * (m - a) + a)
        out[i] = 1.0 - c * math.exp(-(m - a) * t / aht[i])


@njit(cache=True, error_model="numpy")
def best_agents(A, aht, t, level, out):
    """Floor 2 for the inverse: walk n up from floor(A) + 1, updating 1/B one step at a time."""
    for i in range(A.size):
        a = A[i]
        n = math.floor(a) + 1.0
        k, y = _start(a, n)
        inv = 1.0 / a
        while k < n:
            k += 1.0
            y = 1.0 + k * inv * y
        while True:
            c = n / (y * (n - a) + a)
            if 1.0 - c * math.exp(-(n - a) * t / aht[i]) >= level:
                break
            n += 1.0
            y = 1.0 + n * inv * y
        out[i] = n


# ---------------------------------------------------------------------------- helpers
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


def repeat(fn, times):
    """One timed sample runs ``fn`` ``times`` times (short calls are timed in bulk)."""

    def run():
        for _ in range(times):
            fn()

    return run


def us(p, side, per):
    """Median and min-max of one side of a `Paired`, in microseconds per ``per``."""
    x = np.array(p.a_s if side == "a" else p.b_s) * 1e6 / per
    return f"{np.median(x):8.3f} us (min-max {x.min():.3f}-{x.max():.3f})"


def faster(p):
    """How many times faster A is than B: median and min-max of the pair ratios."""
    return f"{1 / p.median:7.1f}x faster (min-max {1 / p.high:.1f}-{1 / p.low:.1f})"


class Goals:
    def __init__(self):
        self.rows = []

    def check(self, label, value, ok):
        self.rows.append((label, value, ok))

    def report(self):
        print("\nacceptance (every figure a paired median of this run):")
        for label, value, ok in self.rows:
            print(f"  [{'met' if ok else 'NOT MET'}] {label}: {value}")
        return all(ok for _, _, ok in self.rows)


# ------------------------------------------------------------------------------ sections
def per_call(calls_h, aht, A, agents, sl, pw, pairs, goals):
    """Section 1: one interval per call, over the same intervals for both sides."""
    args = list(zip(A.tolist(), agents.tolist(), aht.tolist(), strict=True))

    def cx_sl():
        for a, n, h in args:
            erlang_c.service_level(a, n, aht_s=h, answer_within_s=T_S)

    def cx_inv():
        for a, _, h in args:
            erlang_c.agents_for_service_level(a, aht_s=h, answer_within_s=T_S, level=TARGET)

    n = len(args)
    print(f"\n1. per call, one interval at a time ({n} intervals a sample, Python floats in, {pairs} pairs)")
    if pw is None:
        return
    pw_sl, pw_inv = pw[0]
    r_sl = paired(cx_sl, pw_sl, pairs=pairs)
    r_inv = paired(cx_inv, pw_inv, pairs=pairs)
    for name, r in (("service_level", r_sl), ("agents_for_service_level", r_inv)):
        print(f"  erlang_c.{name:26s} cxqueue {us(r, 'a', n)}, pyworkforce {us(r, 'b', n)}; {faster(r)}")
    sl_us, inv_us = r_sl.a_median_s * 1e6 / n, r_inv.a_median_s * 1e6 / n
    goals.check(
        "per-call service_level <= 3 us and faster than pyworkforce",
        f"{sl_us:.2f} us, {1 / r_sl.median:.1f}x",
        sl_us <= 3.0 and r_sl.median < 1.0,
    )
    goals.check(
        "per-call agents_for_service_level <= 5 us and faster than pyworkforce",
        f"{inv_us:.2f} us, {1 / r_inv.median:.1f}x",
        inv_us <= 5.0 and r_inv.median < 1.0,
    )


def pyworkforce_calls(calls_h, aht, agents, sl):
    """pyworkforce on every interval, and its answers checked against cxqueue's.

    Returns the per-interval loops twice: over Python floats (as a scheduler passes them)
    and over NumPy scalars (as a loop over arrays gives them, the previous benchmark's
    convention, against which the vectorized goals were set; pyworkforce's arithmetic is
    about three times slower on NumPy scalars).
    """
    try:
        from pyworkforce.queuing import ErlangC
    except ImportError:
        print("pyworkforce not installed (pip install '.[bench]'): peer ratios skipped")
        return None

    def loops(rows):
        def pw_sl():
            return [
                ErlangC(transactions=c, aht=h, asa=T_S / 60, interval=60).service_level(positions=n) for c, h, n in rows
            ]

        def pw_inv():
            return [
                ErlangC(transactions=c, aht=h, asa=T_S / 60, interval=60).required_positions(
                    service_level=TARGET, max_occupancy=1.0
                )["raw_positions"]
                for c, h, _ in rows
            ]

        return pw_sl, pw_inv

    py = loops(list(zip(calls_h.tolist(), (aht / 60).tolist(), agents.tolist(), strict=True)))
    np_scalars = loops(list(zip(calls_h, aht / 60, agents.tolist(), strict=True)))
    their_agents = np.array(py[1]())
    their_sl = np.array(py[0]())
    same = their_agents == agents
    # where they differ, cxqueue's answer must be the fewest that meets the target (pyworkforce
    # starts its walk at round(load + 1), which can lie above the answer)
    A = calls_h * aht / 3600.0
    diff = np.flatnonzero(~same)
    below = erlang_c.service_level(A[diff], agents[diff] - 1, aht_s=aht[diff], answer_within_s=T_S)
    assert np.all(sl[diff] >= TARGET) and np.all(below < TARGET) and np.all(their_agents[diff] > agents[diff])
    err = float(np.max(np.abs(their_sl - sl) / sl))
    print(
        f"  answers: the same agents as pyworkforce in {int(same.sum())} of {same.size} intervals"
        + (f" (in the other {diff.size} cxqueue's is the fewest that meets the target: checked)" if diff.size else "")
        + f"; service levels equal to {err:.1e} relative"
    )
    assert err < 1e-9
    return py, np_scalars


def vectorized(A, aht, agents, sl, pw, pairs, goals):
    """Section 2: the whole workload in one call, against pyworkforce and the floors."""
    nf = agents.astype(np.float64)
    out = np.empty(A.size)
    out_n = np.empty(A.size)
    naive_service_level(A, nf, aht, T_S, out)
    err_naive = float(np.max(np.abs(out - sl) / sl))
    best_service_level(A, nf, aht, T_S, out)
    err_best = float(np.max(np.abs(out - sl) / sl))
    best_agents(A, aht, T_S, TARGET, out_n)
    assert np.array_equal(out_n, nf), "the floor's inverse disagrees"
    bulk = 20  # cxqueue's vectorized calls take a fraction of a millisecond: time 20 in a sample

    def cx_sl():
        erlang_c.service_level(A, agents, aht_s=aht, answer_within_s=T_S)

    def cx_inv():
        erlang_c.agents_for_service_level(A, aht_s=aht, answer_within_s=T_S, level=TARGET)

    print(f"\n2. vectorized over {A.size} intervals ({pairs} pairs; cxqueue timed {bulk} calls a sample)")
    print(f"   floors agree with cxqueue: naive {err_naive:.1e}, best {err_best:.1e} relative; same agents everywhere")
    rows = [
        (
            "service_level vs naive floor",
            paired(repeat(cx_sl, bulk), repeat(lambda: naive_service_level(A, nf, aht, T_S, out), bulk), pairs=pairs),
        ),
        (
            "service_level vs best floor",
            paired(repeat(cx_sl, bulk), repeat(lambda: best_service_level(A, nf, aht, T_S, out), bulk), pairs=pairs),
        ),
        (
            "agents_for_service_level vs best floor",
            paired(repeat(cx_inv, bulk), repeat(lambda: best_agents(A, aht, T_S, TARGET, out_n), bulk), pairs=pairs),
        ),
    ]
    if pw is not None:
        for kind, (pw_sl, pw_inv) in (("NumPy scalars", pw[1]), ("Python floats", pw[0])):
            r_sl = paired(repeat(cx_sl, bulk), pw_sl, pairs=pairs)
            r_inv = paired(repeat(cx_inv, bulk), pw_inv, pairs=pairs)
            # pyworkforce's side is one pass, cxqueue's `bulk`: the ratio per interval divides by bulk
            for name, r, goal in (("service_level", r_sl, 250.0), ("agents_for_service_level", r_inv, 614.0)):
                med, lo, hi = bulk / r.median, bulk / r.high, bulk / r.low
                print(
                    f"  erlang_c.{name:26s} vs pyworkforce on {kind}: {med:7.1f}x faster (min-max {lo:.1f}-{hi:.1f}); "
                    f"cxqueue {us(r, 'a', bulk * A.size)}, pyworkforce {us(r, 'b', A.size)} per interval"
                )
                if kind == "NumPy scalars":
                    goals.check(f"vectorized {name} vs pyworkforce >= {goal:g}x", f"{med:.0f}x", med >= goal)
    for name, r in rows:
        print(f"  erlang_c.{name:40s} {r.median:6.2f}x the floor's time (min-max {r.low:.2f}-{r.high:.2f})")


def erlang_a_vs_c(A, aht, agents, pairs, goals):
    agents_a = erlang_a.agents_for_service_level(A, aht_s=aht, mean_patience_s=300, answer_within_s=T_S, level=TARGET)
    sla = erlang_a.service_level(A, agents_a, aht_s=aht, mean_patience_s=300, answer_within_s=T_S)
    below = erlang_a.service_level(A, agents_a - 1, aht_s=aht, mean_patience_s=300, answer_within_s=T_S)
    assert np.all(sla >= TARGET) and np.all(below < TARGET)
    r_sl = paired(
        lambda: erlang_a.service_level(A, agents_a, aht_s=aht, mean_patience_s=300, answer_within_s=T_S),
        lambda: erlang_c.service_level(A, agents, aht_s=aht, answer_within_s=T_S),
        pairs=pairs,
    )
    r_inv = paired(
        lambda: erlang_a.agents_for_service_level(A, aht_s=aht, mean_patience_s=300, answer_within_s=T_S, level=0.8),
        lambda: erlang_c.agents_for_service_level(A, aht_s=aht, answer_within_s=T_S, level=TARGET),
        pairs=pairs,
    )
    print(f"\n3. Erlang A (patience 300 s) against Erlang C, vectorized ({pairs} pairs; answers checked minimal)")
    for name, r in (("service level", r_sl), ("inverse", r_inv)):
        print(f"  erlang_a / erlang_c {name:14s} {r.median:6.2f}x the time (min-max {r.low:.2f}-{r.high:.2f})")
        goals.check(f"erlang_a / erlang_c {name} cost <= 10", f"{r.median:.2f}x", r.median <= 10)


def scale(pairs, quick, goals):
    print(f"\n4. scale: one service level at the 80/20 staffing, vectorized over 2,000 copies ({pairs} pairs)")
    loads = [10, 100, 1_000, 10_000, 100_000]
    calls = {}
    out = np.empty(2000)
    for load in loads:
        n = int(erlang_c.agents_for_service_level(float(load), aht_s=180, answer_within_s=T_S, level=TARGET))
        Av, nv, hv = np.full(2000, float(load)), np.full(2000, n), np.full(2000, 180.0)
        nf = nv.astype(np.float64)

        def cx(Av=Av, nv=nv):
            erlang_c.service_level(Av, nv, aht_s=180, answer_within_s=T_S)

        naive = paired(cx, lambda Av=Av, nf=nf, hv=hv: naive_service_level(Av, nf, hv, T_S, out), pairs=pairs)
        best = paired(cx, lambda Av=Av, nf=nf, hv=hv: best_service_level(Av, nf, hv, T_S, out), pairs=pairs)
        got = float(erlang_c.service_level(float(load), n, aht_s=180, answer_within_s=T_S))
        ref = mp_service_level(load, n, 180, T_S) if load <= 10_000 or not quick else got
        err = abs(got - ref) / ref
        calls[load] = cx
        print(
            f"  {load:>7} Erlangs, {n:>7} agents: cxqueue {naive.a_median_s * 1e9 / 2000:8.1f} ns; "
            f"{naive.median:5.2f}x the naive floor (min-max {naive.low:.2f}-{naive.high:.2f}), "
            f"{best.median:5.2f}x the best floor ({best.low:.2f}-{best.high:.2f}); rel. error vs mpmath {err:.1e}"
        )
        goals.check(f"accuracy at {load} Erlangs <= 1e-10", f"{err:.1e}", err <= 1e-10)
        if load == 10:
            goals.check("at 10 Erlangs no slower than the naive loop", f"{naive.median:.2f}x", naive.median <= 1.0)
    r = paired(calls[100_000], calls[100], pairs=pairs)
    print(f"  100,000 vs 100 Erlangs: {r.median:.1f}x the time (min-max {r.low:.1f}-{r.high:.1f})")
    goals.check("100,000 vs 100 Erlangs <= 20x", f"{r.median:.1f}x", r.median <= 20)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="2,000 intervals and fewer pairs")
    ap.add_argument("--pairs", type=int, default=None, help="pairs per ratio (default 15, --quick 5)")
    args = ap.parse_args(argv)
    n_int = 2_000 if args.quick else 10_000
    pairs = args.pairs or (5 if args.quick else 15)
    calls_h, aht, A = workload(n_int)
    print(f"{load_average()} (before)")
    print(f"workload: {n_int} intervals, loads {A.min():.1f}-{A.max():.1f} Erlangs, target {TARGET:g} in {T_S:g} s")

    # compile (cache=True: a fresh checkout compiles once) and the answers every section checks
    agents = erlang_c.agents_for_service_level(A, aht_s=aht, answer_within_s=T_S, level=TARGET)
    sl = erlang_c.service_level(A, agents, aht_s=aht, answer_within_s=T_S)
    below = erlang_c.service_level(A, agents - 1, aht_s=aht, answer_within_s=T_S)
    assert np.all(sl >= TARGET) and np.all(below < TARGET)
    for i in range(min(n_int, 50)):  # the scalar path gives the array path's answers
        assert erlang_c.service_level(float(A[i]), int(agents[i]), aht_s=float(aht[i]), answer_within_s=T_S) == sl[i]
        assert (
            erlang_c.agents_for_service_level(float(A[i]), aht_s=float(aht[i]), answer_within_s=T_S, level=TARGET)
            == (agents[i])
        )

    goals = Goals()
    pw = pyworkforce_calls(calls_h, aht, agents, sl)
    per_call(calls_h, aht, A, agents, sl, pw, pairs, goals)
    vectorized(A, aht, agents, sl, pw, pairs, goals)
    erlang_a_vs_c(A, aht, agents, pairs, goals)
    scale(pairs, args.quick, goals)
    print(f"\n{load_average()} (after)")
    ok = goals.report()
    print("\nALL MET" if ok else "\nSOME NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
