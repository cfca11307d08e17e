"""e001 time-varying staffing: SIPP against Lag-SIPP against ISA on sinusoidal arrivals.

The design of Feldman, Mandelbaum, Massey & Whitt (2008): arrivals at rate
``lambda(t) = 100 + 20 sin(t)`` per time unit (one unit = 60 s), exponential service
with mean one unit, exponential patience with rate ``theta``, staffing in steps of 0.1
units, and a target delay probability ``P(wait > 0) = alpha`` in every step. For each
(theta, alpha) ``cxqueue.optimize.requirements.staffing_requirements`` staffs the
center four ways (``sipp``, ``lag_sipp``, ISA rounding ``up`` and ISA rounding
``nearest``), and one independent simulation (fast engine, the same callers for the four
staffings) measures the delay probability over the cycle after a warm-up cycle, in phase
bins that pool the judged cycles. One ``cxqueue.run_sweep`` over theta x alpha x variant
into ``OUT/results.sqlite`` (resumable), then ``OUT/figure.png`` and ``OUT/summary.json``
(the numbers quoted in README.md). Usage::

    python experiments/e001_time_varying_staffing/run.py            # full: ~10 minutes on 2 cores
    python experiments/e001_time_varying_staffing/run.py --quick    # one (theta, alpha), seconds
    python experiments/e001_time_varying_staffing/run.py --out /tmp/e001 --jobs 2

A rerun with the same config skips the points already in the store.
"""

from __future__ import annotations

import math
import sys
import time
import tomllib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # experiments/_common.py
from _common import command_line, save_figure, sweep, sweep_failed, write_summary  # noqa: E402

LABELS = {"sipp": "SIPP", "lag_sipp": "Lag-SIPP", "isa": "ISA (up)", "isa_nearest": "ISA (nearest)"}
COLORS = {"sipp": "tab:red", "lag_sipp": "tab:blue", "isa": "tab:orange", "isa_nearest": "tab:green"}


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
    s = cfg["staffing"]
    if not len(s["variants"]) == len(s["methods"]) == len(s["isa_roundings"]):
        raise SystemExit(f"{path}: [staffing] variants, methods and isa_roundings must have one length")
    return cfg


def grid_times(model: dict) -> tuple[np.ndarray, int]:
    """Start of each staffing step (time units) and the index of the first judged step."""
    step = float(model["step"])
    n = math.ceil(model["cycles"] * 2 * math.pi / step - 1e-9)
    first = math.ceil(model["warmup_cycles"] * 2 * math.pi / step - 1e-9)
    return np.arange(n) * step, first


def forecast_of(config: dict):
    """The Forecast: calls per step = the integral of lambda(t) over it; AHT = one unit."""
    from cxqueue.scenario import Forecast

    step, unit = float(config["step"]), float(config["time_unit_s"])
    a, _ = grid_times(config)
    calls = config["base_rate"] * step + config["amplitude"] * (np.cos(a) - np.cos(a + step))
    return Forecast(calls=calls, aht_s=unit, interval_s=step * unit)


def sweep_spec(cfg: dict) -> dict:
    """theta x alpha x variant (variant, method and ISA rounding vary together);
    every point staffs and then judges by simulation."""
    m, s, e = cfg["model"], cfg["staffing"], cfg["evaluation"]
    model_keys = ("time_unit_s", "base_rate", "amplitude", "step", "cycles", "warmup_cycles", "phase_bins", "step_bins")
    base = {
        **{k: m[k] for k in model_keys},
        "theta": float(m["thetas"][0]),
        "alpha": float(m["alphas"][0]),
        "variant": s["variants"][0],
        "method": s["methods"][0],
        "isa_rounding": s["isa_roundings"][0],
        "model": s["model"],
        "isa_replications": int(s["isa_replications"]),
        "isa_max_iter": int(s["isa_max_iter"]),
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
            "zip": [{
                "variant": list(s["variants"]),
                "method": list(s["methods"]),
                "isa_rounding": list(s["isa_roundings"]),
            }],
        },
    }  # fmt: skip


# --------------------------------------------------------------------------- one point


ADMITTED = ("ANSWERED", "ABANDONED", "BACKLOG")  # callers who entered the queue (not blocked)


def _admitted_and_delayed(calls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The admitted callers and whether each was delayed.

    The definition of ``cxqueue.optimize.isa`` (and of ``1 - sl_offered`` at
    ``answer_within_s = 0`` without lines): a caller is delayed unless answered on
    arrival; one who hangs up or still waits at the horizon was delayed.
    """
    from cxqueue.sim import Outcome

    calls = calls[np.isin(calls["outcome"], [int(getattr(Outcome, k)) for k in ADMITTED])]
    delayed = ~((calls["outcome"] == int(Outcome.ANSWERED)) & (calls["wait_s"] <= 0.0))
    return calls, delayed


def delay_by_step(calls: np.ndarray, n: int, replications: int) -> dict:
    """P(wait > 0) of admitted callers per staffing step of arrival, pooled over replications."""
    calls, delayed = _admitted_and_delayed(calls)
    step = calls["interval"].astype(np.int64)
    adm = np.bincount(step, minlength=n).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.bincount(step[delayed], minlength=n) / adm
    return {"delay": p, "admitted_per_rep": adm / replications}


def delay_by_phase(calls: np.ndarray, bins: int, warmup_units: float, unit_s: float, replications: int):
    """P(wait > 0) of admitted callers per phase bin of the cycle, pooling every cycle after
    the warm-up, and the half-width of its 95 % confidence interval.

    Bin ``b`` holds the callers arriving at ``t >= warmup_units`` with ``t mod 2 pi`` in
    ``[2 pi b / bins, 2 pi (b + 1) / bins)`` (``t`` in time units). Callers of one
    replication are strongly correlated (they meet the same queue), so the standard
    error of the ratio comes from per-replication totals (the delta method over
    replications), not from a binomial count.
    """
    calls, delayed = _admitted_and_delayed(calls)
    t = calls["arrival_s"] / unit_s
    keep = t >= warmup_units
    calls, delayed, t = calls[keep], delayed[keep], t[keep]
    phase = np.minimum((np.mod(t, 2 * math.pi) / (2 * math.pi) * bins).astype(np.int64), bins - 1)
    key = calls["replication"].astype(np.int64) * bins + phase
    n_rb = np.bincount(key, minlength=replications * bins).reshape(replications, bins).astype(np.float64)
    d_rb = np.bincount(key, weights=delayed, minlength=replications * bins).reshape(replications, bins)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = d_rb.sum(axis=0) / n_rb.sum(axis=0)
        resid = d_rb - p[None, :] * n_rb
        se = np.sqrt((resid**2).sum(axis=0) * replications / max(replications - 1, 1)) / n_rb.sum(axis=0)
    return p, 1.96 * se


def found_in_system(calls: np.ndarray, agents: np.ndarray, replications: int) -> dict:
    """Per step of arrival: the share of admitted callers who find at least ``s`` and at
    least ``s - 1`` others in the system, ``s`` the step's agents.

    The first is the delay probability again (a check of the measurement: delayed means
    finding every agent busy); the gap between the two is ``P(N = s - 1)`` as arrivals see
    it, the most that rounding the staffing up can leave between the target and the
    result when a rule reads ``s`` off the distribution of ``N`` (ISA's rule).
    """
    n = agents.size
    adm, _ = _admitted_and_delayed(calls)
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
    """Staff one (theta, alpha) by one variant, then simulate that staffing and measure P(wait).

    ``seed`` (the sweep's per-point seed) is not used: ISA and the evaluation take the
    seeds of the config so that the four staffings of a (theta, alpha) meet the same callers.
    """
    from cxqueue.optimize.requirements import staffing_requirements
    from cxqueue.scenario import Distribution, Scenario, ServiceTarget
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
    warmup = float(config["warmup_cycles"]) * 2 * math.pi
    p_bin, hw_bin = delay_by_phase(res.calls, int(config["phase_bins"]), warmup, unit, reps)
    p_step, hw_step = delay_by_phase(res.calls, int(config["step_bins"]), warmup, unit, reps)
    d = delay_by_step(res.calls, forecast.n_intervals, reps)
    f = found_in_system(res.calls, req.agents.astype(np.int64), reps)
    del res
    out = {
        "agents": req.agents,
        "load": req.load,
        "offered_load": forecast.offered_load,
        "delay_phase": p_bin,
        "delay_phase_hw": hw_bin,
        "delay_step_phase": p_step,
        "delay_step_phase_hw": hw_step,
        "delay": d["delay"],
        "admitted_per_rep": d["admitted_per_rep"],
        "found_ge_s": f["found_ge_s"],
        "found_ge_s_minus_1": f["found_ge_s_minus_1"],
        "iterations": int(req.iterations),
        "converged": bool(req.converged),
        "cycle": int(req.cycle),
        "max_change": [] if req.max_change is None else req.max_change,
        "changed": [] if req.changed is None else req.changed,
        "messages": " | ".join(req.messages),
        "staffing_s": t1 - t0,
        "evaluation_s": time.perf_counter() - t1,
    }
    if req.simulated_delay_probability is not None:  # ISA's own (in-sample, common random numbers)
        out["isa_in_sample_delay"] = req.simulated_delay_probability
    return out


# --------------------------------------------------------------------------- results -> numbers


def collect(result) -> dict:
    """{(theta, alpha, variant): metrics as arrays}."""
    out = {}
    for p in result.points:
        key = (p.params["theta"], p.params["alpha"], p.params["variant"])
        out[key] = {k: (np.asarray(v, dtype=np.float64) if isinstance(v, list) else v) for k, v in p.metrics.items()}
    return out


def _r(x, nd=4):
    return None if x is None or not np.isfinite(x) else round(float(x), nd)


def summarize(runs: dict, cfg: dict) -> dict:
    """Per (theta, alpha, variant): deviation from alpha over the cycle after warm-up,
    agent-time, ISA iterations; per (theta, alpha): which staffings stay within the band."""
    m, variants = cfg["model"], cfg["staffing"]["variants"]
    _, first = grid_times(m)
    band, bins = float(m["band"]), int(m["phase_bins"])
    rows, verdicts = [], []
    for theta in m["thetas"]:
        for alpha in m["alphas"]:
            per = {}
            for variant in variants:
                r = runs[(float(theta), float(alpha), variant)]
                dev, hw = r["delay_phase"] - alpha, r["delay_phase_hw"]
                sdev, shw = r["delay_step_phase"] - alpha, r["delay_step_phase_hw"]
                worst = int(np.nanargmax(np.abs(dev)))
                row = {
                    "theta": theta,
                    "alpha": alpha,
                    "variant": variant,
                    # the acceptance measure: phase bins of 2 pi / phase_bins, judged cycles pooled
                    "max_abs_dev": _r(np.nanmax(np.abs(dev))),
                    "phase_of_max_dev": _r((worst + 0.5) * 2 * math.pi / bins, 2),
                    "dev_at_max": _r(dev[worst]),
                    "max_ci_half_width": _r(np.nanmax(hw)),
                    "median_ci_half_width": _r(np.nanmedian(hw)),
                    "mean_dev": _r(np.nanmean(dev)),
                    "min_delay": _r(np.nanmin(r["delay_phase"])),
                    "max_delay": _r(np.nanmax(r["delay_phase"])),
                    "share_bins_outside_band": _r(np.mean(np.abs(dev) > band), 3),
                    "share_bins_outside_band_beyond_ci": _r(np.mean(np.abs(dev) - hw > band), 3),
                    # per step: phase bins of 2 pi / step_bins (~ one 0.1-unit step)
                    "max_abs_dev_step": _r(np.nanmax(np.abs(sdev))),
                    "median_ci_half_width_step": _r(np.nanmedian(shw)),
                    "share_steps_outside_band_beyond_ci": _r(np.mean(np.abs(sdev) - shw > band), 3),
                    # agent-time per cycle of 2 pi units over the judged steps (agent-minutes)
                    "agent_time_per_cycle": _r(r["agents"][first:].mean() * 2 * math.pi, 1),
                    "min_agents": int(r["agents"][first:].min()),
                    "max_agents": int(r["agents"][first:].max()),
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
                per[variant] = row
            verdicts.append({
                "theta": theta,
                "alpha": alpha,
                **{f"{k}_within_band": per[k]["max_abs_dev"] <= band for k in per},
                **{f"{k}_within_band_per_step": per[k]["max_abs_dev_step"] <= band for k in per},
            })  # fmt: skip
    counts = {
        k: {
            "within_band": sum(v[f"{k}_within_band"] for v in verdicts),
            "within_band_per_step": sum(v[f"{k}_within_band_per_step"] for v in verdicts),
            "cases": len(verdicts),
        }
        for k in variants
    }
    return {"rows": rows, "verdicts": verdicts, "counts": counts}


def print_table(summary: dict, cfg: dict) -> None:
    m = cfg["model"]
    print(f"P(wait > 0) over the cycle after {m['warmup_cycles']} warm-up cycle(s), {m['phase_bins']} phase bins "
          f"(per step: {m['step_bins']}), {cfg['evaluation']['replications']} replications")  # fmt: skip
    head = f"{'theta':>5} {'alpha':>5} {'variant':>11} {'max|dev|':>8} {'CI hw':>6} {'step':>6} {'mean dev':>8} " \
           f"{'range':>11} {'out>CI':>6} {'agent-time/cycle':>16} {'iter':>4} {'cyc':>3}"  # fmt: skip
    print(head)
    for r in summary["rows"]:
        print(
            f"{r['theta']:>5} {r['alpha']:>5} {r['variant']:>11} {r['max_abs_dev']:>8.3f} "
            f"{r['max_ci_half_width']:>6.3f} {r['max_abs_dev_step']:>6.3f} {r['mean_dev']:>+8.3f} "
            f"{r['min_delay']:>5.2f}-{r['max_delay']:<5.2f} {r['share_bins_outside_band_beyond_ci']:>6.2f} "
            f"{r['agent_time_per_cycle']:>16.1f} {r['iterations']:>4} {r['cycle']:>3}"
            + (f"  {r['messages']}" if r["messages"] else "")
        )
    band = m["band"]
    for k, c in summary["counts"].items():
        print(f"{k:>11}: within {band} of alpha in {c['within_band']} of {c['cases']} cases "
              f"({c['within_band_per_step']} of {c['cases']} per step)")  # fmt: skip


# --------------------------------------------------------------------------- figure


def figure(runs: dict, cfg: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = cfg["model"]
    thetas, alphas, variants = m["thetas"], m["alphas"], cfg["staffing"]["variants"]
    t, first = grid_times(m)
    step, band, bins = float(m["step"]), float(m["band"]), int(m["phase_bins"])
    phase = (np.arange(bins) + 0.5) * 2 * math.pi / bins
    zoom = 0.14  # the delay panels show alpha +- zoom; SIPP leaves them (its range is in the legend)
    one = slice(first, first + math.ceil(2 * math.pi / step - 1e-9))  # the first judged cycle
    alpha_staff = alphas[len(alphas) // 2]
    fig, axes = plt.subplots(
        len(alphas) + 1, len(thetas), figsize=(5.4 * len(thetas) + 0.4, 3.3 * (len(alphas) + 1) + 0.9),
        sharex=True, squeeze=False,
    )  # fmt: skip
    for j, theta in enumerate(thetas):
        for i, alpha in enumerate(alphas):
            ax = axes[i, j]
            ax.axhspan(alpha - band, alpha + band, color="0.88", zorder=0, label=rf"target $\alpha \pm {band:g}$")
            ax.axhline(alpha, color="0.5", lw=0.8, zorder=1)
            for variant in variants:
                r = runs[(float(theta), float(alpha), variant)]
                p, hw = r["delay_phase"], r["delay_phase_hw"]
                dev = np.nanmax(np.abs(p - alpha))
                text = f"{LABELS.get(variant, variant)}: max |dev| {dev:.3f}"
                if dev > zoom:
                    text += f" (range {np.nanmin(p):.2f}-{np.nanmax(p):.2f})"
                color = COLORS.get(variant)
                ax.fill_between(phase, p - hw, p + hw, color=color, alpha=0.2, lw=0, zorder=2)
                ax.plot(phase, p, color=color, lw=1.3, marker=".", ms=3, label=text, zorder=3)
            ax.set_title(rf"$\theta = {theta:g}$, $\alpha = {alpha:g}$", fontsize=10)
            ax.set_ylim(alpha - zoom, alpha + zoom)
            ax.legend(fontsize=7, loc="upper left", framealpha=0.9)
            if j == 0:
                ax.set_ylabel("P(wait > 0), 95 % CI")
        ax = axes[len(alphas), j]
        x = t[one] - t[first] + step / 2 + (t[first] - m["warmup_cycles"] * 2 * math.pi)
        r0 = runs[(float(theta), float(alpha_staff), variants[0])]
        ax.plot(x, r0["offered_load"][one], color="k", lw=0.9, ls=":", label=r"offered load $\lambda(t)$")
        if "lag_sipp" in variants:
            r = runs[(float(theta), float(alpha_staff), "lag_sipp")]
            ax.plot(x, r["load"][one], color="k", lw=0.9, ls="--", label=r"$m(t)$, infinite-server load")
        for variant in variants:
            r = runs[(float(theta), float(alpha_staff), variant)]
            per_cycle = r["agents"][first:].mean() * 2 * math.pi
            ax.step(x, r["agents"][one], where="mid", color=COLORS.get(variant), lw=1.0,
                    label=f"{LABELS.get(variant, variant)} ({per_cycle:.1f})")  # fmt: skip
        ax.set_title(rf"agents (agent-units per cycle), $\theta = {theta:g}$, $\alpha = {alpha_staff:g}$",
                     fontsize=10)  # fmt: skip
        ax.set_xlabel(r"phase of the cycle, $t$ mod $2\pi$ (units of 60 s = mean service)")
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi + 0.45 * (hi - lo))  # room for the legend above the curves
        ax.legend(fontsize=7, loc="upper left", framealpha=0.9, ncol=2)
        if j == 0:
            ax.set_ylabel("agents / Erlangs")
    reps = cfg["evaluation"]["replications"]
    judged = m["cycles"] - m["warmup_cycles"]
    fig.suptitle(
        rf"$\lambda(t) = {m['base_rate']:g} + {m['amplitude']:g}\,\sin t$, mean service 1, patience rate $\theta$,"
        f" staffing steps of {step:g}\nP(wait > 0) in {bins} phase bins, pooling {judged:g} cycle(s) after"
        f" {m['warmup_cycles']} warm-up cycle, {reps} replications\n(panels zoomed to $\\alpha \\pm {zoom:g}$:"
        " SIPP leaves them)",
        fontsize=11 if len(thetas) > 1 else 8,
    )
    fig.tight_layout()
    save_figure(fig, path, dpi=110)


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    args = command_line(__doc__, HERE, argv, quick_help="one (theta, alpha), few replications", jobs=(1, None))
    cfg = load_config(args.config, quick=args.quick)
    res, seconds = sweep(sweep_spec(cfg), args)
    if sweep_failed(res):
        return 1
    runs = collect(res)
    summary = summarize(runs, cfg)
    timing = {"sweep": round(seconds, 1), "points": res.n_points, "points_run": res.n_run}
    write_summary(args.out, summary, quick=args.quick, timing_s=timing)
    figure(runs, cfg, args.out / "figure.png")
    print_table(summary, cfg)
    print(f"e001: {res.n_points} points ({res.n_run} run) in {seconds:.1f} s; wrote {args.out / 'figure.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
