"""ISA against stationary staffing on a sinusoidal day (issue 4, acceptance 2), with a figure.

Feldman, Mandelbaum, Massey & Whitt (2008): arrival rate ``lambda(t) = 100 + 20 sin(t)``,
mean service 1, exponential patience with rate theta in {0.2, 1, 5}, staffing changes
every 0.1 time units, target delay probabilities alpha in {0.1, 0.5, 0.8}. Time unit =
60 s here (``aht_s = 60``, ``interval_s = 6``, mean patience ``60 / theta`` seconds); the
calls of each 0.1-unit interval are the integral of the rate over it.

For each of the nine (theta, alpha):

* ISA: ``staffing_requirements(method="isa", model="erlang_a", target=ServiceTarget(
  level=1 - alpha, answer_within_s=0))`` with ``--reps`` replications per iteration, once
  with ``isa_rounding="up"`` (Feldman et al.'s min{s : P(N >= s) <= alpha}) and once with
  ``"nearest"``;
* SIPP: the same with ``method="sipp"`` (per-step stationary Erlang A, P(wait) <= alpha);
* every staffing simulated again with an independent seed (``--eval-reps``
  replications); the delay probability P(wait > 0) of admitted calls is read per phase
  of the cycle (``--bins`` bins of ``2 pi / bins``), pooling the cycles after the first
  (warm-up), with a 95 % CI from per-replication totals (calls in one replication are
  strongly correlated: a binomial CI would be far too narrow).

Pass: ISA within 0.04 of alpha in every phase bin, SIPP outside the band somewhere (the
exit code follows the ``"nearest"`` rounding).
Writes benchmarks/results/isa.png (3 x 3 panels) and isa.json. Run:
``python benchmarks/bench_isa.py [--reps 500] [--eval-reps 3000] [--cycles 3] [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from cxqueue.optimize.requirements import staffing_requirements
from cxqueue.scenario import Distribution, Forecast, Scenario, ServiceTarget
from cxqueue.sim import simulate

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the ISA test's oracle, shared
from tests.optimize.oracles import delay_by_phase

UNIT_S = 60.0  # one time unit of the paper (the mean service time) in seconds
STEP = 0.1  # staffing step, time units
THETAS = (0.2, 1.0, 5.0)
ALPHAS = (0.1, 0.5, 0.8)
BAND = 0.04
ROUNDINGS = ("up", "nearest")
COLORS = {"sipp": "tab:red", "isa_up": "tab:blue", "isa_nearest": "tab:green"}
OUT = Path(__file__).resolve().parent / "results"


def sinusoid_forecast(cycles: float) -> Forecast:
    """Calls per 0.1-unit interval: the integral of 100 + 20 sin(t) over it."""
    n = round(cycles * 2 * math.pi / STEP)
    t = np.arange(n) * STEP
    calls = 100.0 * STEP + 20.0 * (np.cos(t) - np.cos(t + STEP))
    return Forecast(calls=calls, aht_s=UNIT_S, interval_s=STEP * UNIT_S)


def run_case(forecast, theta, alpha, reps, eval_reps, bins, cycles_warm, seed):
    target = ServiceTarget(level=1.0 - alpha, answer_within_s=0.0)
    patience_s = UNIT_S / theta
    out = {"theta": theta, "alpha": alpha}
    runs = {}
    for rounding in ROUNDINGS:
        t0 = time.perf_counter()
        runs[f"isa_{rounding}"] = res = staffing_requirements(
            forecast, target, model="erlang_a", method="isa", mean_patience_s=patience_s, seed=seed,
            replications=reps, max_iter=30, isa_rounding=rounding)  # fmt: skip
        out[f"isa_{rounding}_run"] = {"seconds": time.perf_counter() - t0, "iterations": res.iterations,
                                      "converged": res.converged, "cycle": res.cycle,
                                      "messages": list(res.messages)}  # fmt: skip
    runs["sipp"] = staffing_requirements(forecast, target, model="erlang_a", method="sipp", mean_patience_s=patience_s)
    curves = {}
    for name, res in runs.items():
        sc = Scenario(forecast, agents=res.agents.astype(np.float64), patience=Distribution.exponential(patience_s))
        sim = simulate(sc, replications=eval_reps, seed=seed + 1000, engine="fast", record_calls=True)
        p, hw = delay_by_phase(sim.calls, bins, cycles_warm * 2 * math.pi, UNIT_S)
        dev = np.abs(p - alpha)
        out[name] = {"max_deviation": float(dev.max()), "mean_delay": float(p.mean()), "min": float(p.min()),
                     "max": float(p.max()), "max_half_width": float(hw.max()),
                     "agents_mean": float(res.agents.mean())}  # fmt: skip
        curves[name] = (p, hw, res.agents)
    sipp_leaves = out["sipp"]["max_deviation"] > BAND
    for rounding in ROUNDINGS:
        out[f"pass_{rounding}"] = out[f"isa_{rounding}"]["max_deviation"] <= BAND and sipp_leaves
    return out, curves


def figure(forecast, results, bins, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(3, 3, figsize=(13, 10), sharex=True, sharey=True)
    phase = (np.arange(bins) + 0.5) / bins * 2 * math.pi
    for (theta, alpha), (out, curves) in results.items():
        ax = axes[THETAS.index(theta), ALPHAS.index(alpha)]
        ax.axhspan(alpha - BAND, alpha + BAND, color="0.85", label=f"target ± {BAND}")
        ax.axhline(alpha, color="0.4", lw=0.8)
        for name, color in COLORS.items():
            p, hw, _ = curves[name]
            ax.errorbar(phase, p, yerr=hw, color=color, lw=1.2, elinewidth=0.6, capsize=0,
                        label=f"{name} (max dev {out[name]['max_deviation']:.3f})")  # fmt: skip
        rate = (100 + 20 * np.sin(phase) - 80) / 40  # the arrival rate, scaled into [0, 1]
        ax.plot(phase, rate, color="0.6", ls=":", lw=1, label="arrival rate (scaled)")
        ax.set_title(f"theta = {theta:g}, alpha = {alpha:g}", fontsize=10)
        ax.set_ylim(0, 1)
        ax.legend(fontsize=7, loc="upper left")
    for ax in axes[-1]:
        ax.set_xlabel("phase of the cycle t mod 2 pi (time units = mean service)")
    for ax in axes[:, 0]:
        ax.set_ylabel("simulated P(wait > 0)")
    fig.suptitle("Simulated P(wait > 0) over the cycle after warm-up: ISA rounding up (blue) and to nearest "
                 "(green) vs stationary SIPP (red); lambda(t) = 100 + 20 sin t, mu = 1")  # fmt: skip
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=500, help="replications per ISA iteration")
    ap.add_argument("--eval-reps", type=int, default=3000, help="replications of the independent check")
    ap.add_argument("--cycles", type=float, default=3.0)
    ap.add_argument("--bins", type=int, default=32)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="theta = 1 and alpha = 0.5 only, 200 replications")
    args = ap.parse_args(argv)
    cases = [(1.0, 0.5)] if args.quick else [(th, al) for th in THETAS for al in ALPHAS]
    reps = 200 if args.quick else args.reps
    eval_reps = 1000 if args.quick else args.eval_reps
    forecast = sinusoid_forecast(args.cycles)
    print(f"{forecast.n_intervals} intervals of {STEP} units, {args.cycles:g} cycles, {reps} replications per ISA "
          f"iteration, {eval_reps} in the check; {args.bins} phase bins after 1 warm-up cycle")  # fmt: skip
    print(f"{'theta':>6} {'alpha':>6} {'SIPP maxdev':>11} | per rounding: iterations, cycle, seconds, max dev, "
          "mean, max CI half-width, pass")  # fmt: skip
    results = {}
    for theta, alpha in cases:
        out, curves = run_case(forecast, theta, alpha, reps, eval_reps, args.bins, 1.0, args.seed)
        results[(theta, alpha)] = (out, curves)
        cols = []
        for rd in ROUNDINGS:
            run, ev = out[f"isa_{rd}_run"], out[f"isa_{rd}"]
            cols.append(f"{rd:>7s}: {run['iterations']:2d} {run['cycle']:1d} {run['seconds']:6.1f}s "
                        f"{ev['max_deviation']:.3f} {ev['mean_delay']:.3f} {ev['max_half_width']:.3f} "
                        f"{out[f'pass_{rd}']!s:5s}")  # fmt: skip
        print(f"{theta:6g} {alpha:6g} {out['sipp']['max_deviation']:11.3f} | " + " | ".join(cols), flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.quick:
        figure(forecast, results, args.bins, OUT / "isa.png")
        print(f"figure: {OUT / 'isa.png'}")
    summary = [out for out, _ in results.values()]
    (OUT / ("isa_quick.json" if args.quick else "isa.json")).write_text(json.dumps(summary, indent=1))
    for rd in ROUNDINGS:
        n_ok = sum(o[f"pass_{rd}"] for o in summary)
        print(f"isa_rounding={rd!r}: {n_ok} of {len(summary)} cases within {BAND} of alpha (SIPP outside)")
    ok = all(o["pass_nearest"] for o in summary)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
