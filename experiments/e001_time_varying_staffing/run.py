"""e001 time-varying staffing: SIPP against Lag-SIPP against ISA on sinusoidal arrivals.

The design of Feldman, Mandelbaum, Massey & Whitt (2008): arrivals at rate
``lambda(t) = 100 + 20 sin(t)`` per time unit (one unit = 60 s), exponential service
with mean one unit, exponential patience with rate ``theta``, staffing in steps of 0.1
units, and a target delay probability ``P(wait > 0) = alpha`` in every step. For each
(theta, alpha) ``cxqueue.optimize.requirements.staffing_requirements`` staffs the
center three ways (``sipp``, ``lag_sipp``, ``isa``), and one independent simulation
(fast engine, the same callers for the three staffings) measures the delay probability
in every step. One ``cxqueue.run_sweep`` over theta x alpha x method into
``OUT/results.sqlite`` (resumable), then ``OUT/figure.png`` and ``OUT/summary.json``
(the numbers quoted in README.md). Usage::

    python experiments/e001_time_varying_staffing/run.py            # full: ~5-8 minutes on 2 cores
    python experiments/e001_time_varying_staffing/run.py --quick    # one (theta, alpha), seconds
    python experiments/e001_time_varying_staffing/run.py --out /tmp/e001 --jobs 2

A rerun with the same config skips the points already in the store.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import tomllib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
METHODS = ("sipp", "lag_sipp", "isa")
LABELS = {"sipp": "SIPP", "lag_sipp": "Lag-SIPP", "isa": "ISA"}
COLORS = {"sipp": "tab:red", "lag_sipp": "tab:blue", "isa": "tab:green"}
BATCHES = 20  # replications are grouped into this many batches for the standard errors


# --------------------------------------------------------------------------- config -> sweep spec


def load_config(path: Path, *, quick: bool) -> dict:
    """config.toml with the [quick] values applied when ``quick``."""
    cfg = tomllib.loads(path.read_text(encoding="utf-8"))
    q = cfg.pop("quick")
    if quick:
        for key in ("thetas", "alphas", "cycles"):
            cfg["model"][key] = q[key]
        cfg["staffing"]["isa_replications"] = q["isa_replications"]
        cfg["staffing"]["isa_max_iter"] = q["isa_max_iter"]
        cfg["evaluation"]["replications"] = q["replications"]
    return cfg


def grid_times(model: dict) -> tuple[np.ndarray, int]:
    """Start of each staffing step (time units) and the index of the first judged step."""
    step = float(model["step"])
    n = math.ceil(model["cycles"] * 2 * math.pi / step - 1e-9)
    first = math.ceil(model["warmup_cycles"] * 2 * math.pi / step - 1e-9)
    return np.arange(n) * step, first


def forecast_of(config: dict):
    """The Forecast: calls per step = the integral of lambda(t) over it; AHT = one unit."""
    from cxqueue.model import Forecast

    step, unit = float(config["step"]), float(config["time_unit_s"])
    a, _ = grid_times(config)
    calls = config["base_rate"] * step + config["amplitude"] * (np.cos(a) - np.cos(a + step))
    return Forecast(calls=calls, aht_s=unit, interval_s=step * unit)


def sweep_spec(cfg: dict) -> dict:
    """theta x alpha x method; every point staffs and then judges by simulation."""
    m, s, e = cfg["model"], cfg["staffing"], cfg["evaluation"]
    base = {
        **{k: m[k] for k in ("time_unit_s", "base_rate", "amplitude", "step", "cycles", "warmup_cycles")},
        "theta": float(m["thetas"][0]),
        "alpha": float(m["alphas"][0]),
        "method": s["methods"][0],
        "model": s["model"],
        "isa_replications": int(s["isa_replications"]),
        "isa_max_iter": int(s["isa_max_iter"]),
        "isa_rounding": s["isa_rounding"],
        "isa_seed": int(s["isa_seed"]),
        "replications": int(e["replications"]),
        "eval_seed": int(e["seed"]),
    }
    return {
        "sweep": {"name": "e001_time_varying_staffing", "compute": staffing_point, "seed": int(e["seed"])},
        "base": base,
        "grid": {
            "theta": [float(x) for x in m["thetas"]],
            "alpha": [float(x) for x in m["alphas"]],
            "method": list(s["methods"]),
        },
    }


# --------------------------------------------------------------------------- one point


def delay_by_step(calls: np.ndarray, n: int, replications: int) -> dict:
    """P(wait > 0) of admitted callers per step of arrival, with a batch-means standard error.

    The definition of ``cxqueue.optimize.isa`` (and of ``1 - sl_offered`` at
    ``answer_within_s = 0`` without lines): a caller is delayed unless answered on
    arrival; one who hangs up or still waits at the horizon was delayed.
    """
    from cxqueue.sim import Outcome

    admitted = np.isin(calls["outcome"], [int(Outcome.ANSWERED), int(Outcome.ABANDONED), int(Outcome.BACKLOG)])
    calls = calls[admitted]
    delayed = ~((calls["outcome"] == int(Outcome.ANSWERED)) & (calls["wait_s"] <= 0.0))
    batch = np.minimum(calls["replication"].astype(np.int64) * BATCHES // replications, BATCHES - 1)
    key = batch * n + calls["interval"].astype(np.int64)
    adm = np.bincount(key, minlength=BATCHES * n).reshape(BATCHES, n).astype(np.float64)
    dly = np.bincount(key[delayed], minlength=BATCHES * n).reshape(BATCHES, n).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = dly.sum(axis=0) / adm.sum(axis=0)
        se = np.nanstd(dly / adm, axis=0, ddof=1) / math.sqrt(BATCHES)
    return {"delay": p, "delay_se": se, "admitted": adm.sum(axis=0) / replications}


def found_in_system(calls: np.ndarray, agents: np.ndarray, replications: int) -> dict:
    """Per step of arrival: the share of admitted callers who find at least ``s`` and at
    least ``s - 1`` others in the system, ``s`` the step's agents.

    The first is the delay probability again (a check of the measurement: delayed means
    finding every agent busy); the gap between the two is ``P(N = s - 1)`` as arrivals see
    it, the most that rounding the staffing up can leave between the target and the
    result when a rule reads ``s`` off the distribution of ``N`` (ISA's rule).
    """
    from cxqueue.sim import Outcome

    n = agents.size
    adm = calls[np.isin(calls["outcome"], [int(Outcome.ANSWERED), int(Outcome.ABANDONED), int(Outcome.BACKLOG)])]
    order = np.argsort(adm["replication"], kind="stable")
    adm = adm[order]
    bounds = np.searchsorted(adm["replication"], np.arange(replications + 1))
    found = np.empty(adm.size, dtype=np.int64)
    for r in range(replications):
        sel = adm[bounds[r] : bounds[r + 1]]
        arr = np.sort(sel["arrival_s"])
        end = np.sort(np.where(np.isnan(sel["end_s"]), np.inf, sel["end_s"]))
        t = sel["arrival_s"]
        found[bounds[r] : bounds[r + 1]] = np.searchsorted(arr, t, side="left") - np.searchsorted(end, t, side="right")
    step = adm["interval"].astype(np.int64)
    s = agents[step]
    count = np.bincount(step, minlength=n).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ge_s = np.bincount(step[found >= s], minlength=n) / count
        ge_s1 = np.bincount(step[found >= s - 1], minlength=n) / count
    return {"found_ge_s": ge_s, "found_ge_s_minus_1": ge_s1}


def staffing_point(config: dict, *, seed) -> dict:
    """Staff one (theta, alpha) by one method, then simulate that staffing and measure P(wait).

    ``seed`` (the sweep's per-point seed) is not used: ISA and the evaluation take the
    seeds of the config so that the three methods of a (theta, alpha) meet the same callers.
    """
    from cxqueue.model import Distribution, Scenario, ServiceTarget
    from cxqueue.optimize.requirements import staffing_requirements
    from cxqueue.sim import simulate

    unit = float(config["time_unit_s"])
    forecast = forecast_of(config)
    patience_s = unit / float(config["theta"])
    target = ServiceTarget(level=1.0 - float(config["alpha"]), answer_within_s=0.0, basis="offered")
    t0 = time.perf_counter()
    req = staffing_requirements(
        forecast, target, model=config["model"], method=config["method"], mean_patience_s=patience_s,
        seed=int(config["isa_seed"]), replications=int(config["isa_replications"]),
        max_iter=int(config["isa_max_iter"]), isa_rounding=config["isa_rounding"],
    )  # fmt: skip
    t1 = time.perf_counter()
    reps = int(config["replications"])
    scenario = Scenario(
        forecast,
        agents=req.agents.astype(np.float64),
        patience=Distribution.exponential(patience_s),
        target=ServiceTarget(answer_within_s=0.0),
    )
    res = simulate(scenario, replications=reps, seed=int(config["eval_seed"]), engine="fast", record_calls=True)
    t2 = time.perf_counter()
    d = delay_by_step(res.calls, forecast.n_intervals, reps)
    f = found_in_system(res.calls, req.agents.astype(np.int64), reps)
    out = {
        "agents": req.agents,
        "load": req.load,
        "offered_load": forecast.offered_load,
        "delay": d["delay"],
        "delay_se": d["delay_se"],
        "admitted_per_rep": d["admitted"],
        "found_ge_s": f["found_ge_s"],
        "found_ge_s_minus_1": f["found_ge_s_minus_1"],
        "sl_offered_total": float(res.totals.sl_offered.mean),
        "iterations": int(req.iterations),
        "converged": bool(req.converged),
        "cycle": int(req.cycle),
        "max_change": [] if req.max_change is None else req.max_change,
        "changed": [] if req.changed is None else req.changed,
        "messages": " | ".join(req.messages),
        "staffing_s": t1 - t0,
        "evaluation_s": t2 - t1,
    }
    if req.simulated_delay_probability is not None:  # ISA's own (in-sample, common random numbers)
        out["isa_in_sample_delay"] = req.simulated_delay_probability
    return out


# --------------------------------------------------------------------------- results -> numbers


def collect(result) -> dict:
    """{(theta, alpha, method): metrics as arrays}."""
    out = {}
    for p in result.points:
        key = (p.params["theta"], p.params["alpha"], p.params["method"])
        out[key] = {k: (np.asarray(v, dtype=np.float64) if isinstance(v, list) else v) for k, v in p.metrics.items()}
    return out


def binned(run: dict, first: int, k: int) -> np.ndarray:
    """P(wait > 0) pooled over bins of ``k`` consecutive steps from step ``first`` (a partial
    last bin is dropped)."""
    adm = run["admitted_per_rep"][first:]
    dly = run["delay"][first:] * adm
    nb = max(adm.size // k, 1)
    adm, dly = adm[: nb * k].reshape(nb, -1).sum(axis=1), dly[: nb * k].reshape(nb, -1).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return dly / adm


def _r(x, nd=4):
    return None if x is None or not np.isfinite(x) else round(float(x), nd)


def summarize(runs: dict, cfg: dict) -> dict:
    """Per (theta, alpha, method): deviation from alpha over the judged steps, agent-time, ISA info."""
    m = cfg["model"]
    t, first = grid_times(m)
    step, band = float(m["step"]), float(m["band"])
    judged_cycles = m["cycles"] - m["warmup_cycles"]
    rows, verdicts = [], []
    for theta in m["thetas"]:
        for alpha in m["alphas"]:
            per = {}
            for method in cfg["staffing"]["methods"]:
                r = runs[(float(theta), float(alpha), method)]
                dev = r["delay"][first:] - alpha
                se = r["delay_se"][first:]
                bdev = binned(r, first, int(m["bin_steps"])) - alpha
                worst = int(np.nanargmax(np.abs(dev)))
                row = {
                    "theta": theta,
                    "alpha": alpha,
                    "method": method,
                    "max_abs_dev": _r(np.nanmax(np.abs(dev))),
                    "t_of_max_dev": _r(t[first + worst] + step / 2, 2),
                    "dev_at_max": _r(dev[worst]),
                    "mean_dev": _r(np.nanmean(dev)),
                    "min_delay": _r(np.nanmin(r["delay"][first:])),
                    "max_delay": _r(np.nanmax(r["delay"][first:])),
                    "max_abs_dev_binned": _r(np.nanmax(np.abs(bdev))),
                    "share_outside_band": _r(np.mean(np.abs(dev) > band), 3),
                    "share_bins_outside_band": _r(np.mean(np.abs(bdev) > band), 3),
                    "share_outside_band_by_2se": _r(np.mean(np.abs(dev) - 2 * se > band), 3),
                    "median_se": _r(np.nanmedian(se)),
                    # agent-time per judged cycle, in agent-units (agent-minutes)
                    "agent_time_per_cycle": _r(r["agents"][first:].sum() * step / judged_cycles, 1),
                    "min_agents": int(r["agents"][first:].min()),
                    "max_agents": int(r["agents"][first:].max()),
                    "t_of_max_agents": _r(t[first + int(np.argmax(r["agents"][first:]))] + step / 2, 2),
                    "iterations": r["iterations"],
                    "converged": r["converged"],
                    "cycle": r["cycle"],
                    "messages": r["messages"],
                    "staffing_s": _r(r["staffing_s"], 1),
                    "evaluation_s": _r(r["evaluation_s"], 1),
                }
                # arrivals finding >= s (= delayed) and >= s - 1 in system: the rounding gap
                row["mean_found_ge_s_dev"] = _r(np.nanmean(r["found_ge_s"][first:]) - alpha)
                row["mean_found_ge_s_minus_1_dev"] = _r(np.nanmean(r["found_ge_s_minus_1"][first:]) - alpha)
                row["max_abs_found_ge_s_vs_delay"] = _r(np.nanmax(np.abs(r["found_ge_s"] - r["delay"])[first:]))
                if "isa_in_sample_delay" in r:
                    ins = r["isa_in_sample_delay"][first:] - alpha
                    row["isa_in_sample_max_abs_dev"] = _r(np.nanmax(np.abs(ins)))
                    row["isa_in_sample_mean_dev"] = _r(np.nanmean(ins))
                rows.append(row)
                per[method] = row
            verdicts.append({
                "theta": theta,
                "alpha": alpha,
                **{f"{k}_within_band": per[k]["max_abs_dev"] <= band for k in per},
                **{f"{k}_within_band_binned": per[k]["max_abs_dev_binned"] <= band for k in per},
            })  # fmt: skip
    return {"rows": rows, "verdicts": verdicts}


def print_table(summary: dict) -> None:
    head = f"{'theta':>5} {'alpha':>5} {'method':>8} {'max|dev|':>8} {'binned':>6} {'mean dev':>8} {'outside':>7} " \
           f"{'se':>6} {'agent-time/cycle':>16} {'iter':>4}"  # fmt: skip
    print(head)
    for r in summary["rows"]:
        print(
            f"{r['theta']:>5} {r['alpha']:>5} {r['method']:>8} {r['max_abs_dev']:>8.3f} "
            f"{r['max_abs_dev_binned']:>6.3f} {r['mean_dev']:>+8.3f} "
            f"{r['share_outside_band']:>7.2f} {r['median_se']:>6.3f} {r['agent_time_per_cycle']:>16.1f} "
            f"{r['iterations']:>4}" + (f"  {r['messages']}" if r["messages"] else "")
        )


# --------------------------------------------------------------------------- figure


def figure(runs: dict, cfg: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = cfg["model"]
    thetas, alphas, methods = m["thetas"], m["alphas"], cfg["staffing"]["methods"]
    t, first = grid_times(m)
    step, band = float(m["step"]), float(m["band"])
    mid = t + step / 2
    sel = slice(first, None)
    alpha_staff = alphas[len(alphas) // 2]
    fig, axes = plt.subplots(
        len(alphas) + 1, len(thetas), figsize=(4.6 * len(thetas) + 0.6, 2.7 * (len(alphas) + 1) + 0.8),
        sharex=True, squeeze=False,
    )  # fmt: skip
    for j, theta in enumerate(thetas):
        for i, alpha in enumerate(alphas):
            ax = axes[i, j]
            ax.axhspan(alpha - band, alpha + band, color="0.88", zorder=0, label=rf"target $\alpha \pm {band:g}$")
            ax.axhline(alpha, color="0.5", lw=0.8, zorder=1)
            for method in methods:
                r = runs[(float(theta), float(alpha), method)]
                dev = np.nanmax(np.abs(r["delay"][sel] - alpha))
                bdev = np.nanmax(np.abs(binned(r, first, int(m["bin_steps"])) - alpha))
                ax.plot(mid[sel], r["delay"][sel], color=COLORS[method], lw=1.0,
                        label=f"{LABELS[method]}: max |dev| {dev:.3f} (bins {bdev:.3f})")  # fmt: skip
            ax.set_title(rf"$\theta = {theta:g}$, $\alpha = {alpha:g}$", fontsize=10)
            curves = [runs[(float(theta), float(alpha), k)]["delay"][sel] for k in methods]
            lo = min(alpha - 2 * band, *(np.nanmin(c) for c in curves))
            hi = max(alpha + 2 * band, *(np.nanmax(c) for c in curves))
            ax.set_ylim(max(0.0, lo - 0.02), min(1.0, hi + 0.02))
            ax.legend(fontsize=6.5, loc="best", framealpha=0.85)
            if j == 0:
                ax.set_ylabel("P(wait > 0) by step")
        ax = axes[len(alphas), j]
        runs_t = [runs[(float(theta), float(alpha_staff), k)] for k in methods]
        ax.plot(mid[sel], runs_t[0]["offered_load"][sel], color="k", lw=0.9, ls=":",
                label=r"offered load $\lambda(t)$")  # fmt: skip
        if "lag_sipp" in methods:
            r = runs[(float(theta), float(alpha_staff), "lag_sipp")]
            ax.plot(mid[sel], r["load"][sel], color="k", lw=0.9, ls="--", label=r"$m(t)$ (infinite-server load)")
        judged_cycles = m["cycles"] - m["warmup_cycles"]
        for method, r in zip(methods, runs_t, strict=True):
            per_cycle = r["agents"][sel].sum() * step / judged_cycles
            ax.step(mid[sel], r["agents"][sel], where="mid", color=COLORS[method], lw=1.0,
                    label=f"{LABELS[method]} agents ({per_cycle:.0f} agent-units per cycle)")  # fmt: skip
        ax.set_title(rf"staffing, $\theta = {theta:g}$, $\alpha = {alpha_staff:g}$", fontsize=10)
        ax.set_xlabel("time t (units of 60 s = mean service)")
        ax.legend(fontsize=6.5, loc="best", framealpha=0.85)
        if j == 0:
            ax.set_ylabel("agents / Erlangs")
    reps = cfg["evaluation"]["replications"]
    fig.suptitle(
        rf"$\lambda(t) = {m['base_rate']:g} + {m['amplitude']:g}\,\sin t$, mean service 1, patience rate $\theta$,"
        f" staffing steps of {step:g}\nP(wait > 0) per step after {m['warmup_cycles']} warm-up cycle(s),"
        f" {reps} replications",
        fontsize=10 if len(thetas) > 1 else 8,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="one (theta, alpha), short horizon, few replications")
    ap.add_argument("--out", type=Path, default=HERE / "out", help="output folder (default: %(default)s)")
    ap.add_argument("--config", type=Path, default=HERE / "config.toml", help="constants (default: %(default)s)")
    ap.add_argument(
        "--jobs", type=int, default=None, help="worker processes (default: 1 with --quick, else every core)"
    )
    args = ap.parse_args(argv)

    from cxqueue.sweep import SweepSpec, run_sweep

    cfg = load_config(args.config, quick=args.quick)
    jobs = args.jobs if args.jobs is not None else (1 if args.quick else None)
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    res = run_sweep(
        SweepSpec.from_dict(sweep_spec(cfg)), store=args.out / "results.sqlite", jobs=jobs,
        progress=sys.stderr.isatty(),
    )  # fmt: skip
    t1 = time.perf_counter()
    if res.n_error:
        first = res.errors()[0]
        print(f"{res.name}: {res.n_error} points failed; first: {first.params} {first.error}", file=sys.stderr)
        return 1
    runs = collect(res)
    summary = summarize(runs, cfg)
    summary["timing_s"] = {"sweep": round(t1 - t0, 1), "points": res.n_points, "points_run": res.n_run}
    summary["quick"] = bool(args.quick)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    figure(runs, cfg, args.out / "figure.png")
    print_table(summary)
    print(f"e001: {res.n_points} points ({res.n_run} run) in {t1 - t0:.1f} s; wrote {args.out / 'figure.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
