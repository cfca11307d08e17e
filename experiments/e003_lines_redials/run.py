"""e003 phone lines and redials: where more lines help and where they only lengthen the queue.

Two sweeps with ``cxqueue.run_sweep`` into one resumable store (``OUT/results.sqlite``):

1. ``e003_analytic``: Erlang X (M/M/c/N+M with the redial fixed point) on every
   (agents, lines = agents + extra) of the grid in config.toml, for callers with
   120 s patience and callers who never hang up, without and with redials.
2. ``e003_simulate``: the fast simulation engine on a subset of the grid, with
   exponential redial delays of several means, to see where the analytic model's
   Poisson-retrial assumption holds.

Then it writes ``OUT/figure.png``, ``OUT/summary.json`` (the numbers quoted in
README.md) and ``OUT/analytic.csv``. Usage::

    python experiments/e003_lines_redials/run.py            # full: ~1-2 minutes on 2 cores
    python experiments/e003_lines_redials/run.py --quick    # coarse grid, a few seconds
    python experiments/e003_lines_redials/run.py --out /tmp/e003 --jobs 2

A rerun with the same config skips the points already in the store.
"""

from __future__ import annotations

import csv
import math
import sys
import tomllib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # experiments/_common.py
from _common import command_line, save_figure, sweep, sweep_failed, write_summary  # noqa: E402

METRICS = ("busy", "abandon", "failed", "lost", "attempts", "wait_probability", "asa_s", "service_level")


# --------------------------------------------------------------------------- config -> sweep specs


def load_config(path: Path, *, quick: bool) -> dict:
    """config.toml with the [quick] values applied when ``quick``."""
    cfg = tomllib.loads(path.read_text(encoding="utf-8"))
    q = cfg.pop("quick")
    cfg["analytic"]["agents_step"] = q["analytic_agents_step"] if quick else 1
    cfg["analytic"]["extra_step"] = q["analytic_extra_step"] if quick else 1
    if quick:
        sim = cfg["simulation"]
        for key in ("agents", "extra_lines", "redial_delays_s", "replications", "measured_s"):
            sim[key] = q[f"simulation_{key}"]
    return cfg


def _center_base(cfg: dict) -> dict:
    c = cfg["center"]
    return {
        "offered_load": float(c["offered_load"]),
        "aht_s": float(c["aht_s"]),
        "answer_within_s": float(c["answer_within_s"]),
        "mean_patience_s": float(c["mean_patience_s"]),
    }


def analytic_spec(cfg: dict) -> dict:
    """The Erlang X sweep: patience x (no redials, redials) x every (agents, lines) pair."""
    a, r = cfg["analytic"], cfg["redials"]
    agents = range(a["agents"][0], a["agents"][1] + 1, a["agents_step"])
    extras = range(a["extra_lines"][0], a["extra_lines"][1] + 1, a["extra_step"])
    pairs = [(n, n + e) for n in agents for e in extras]
    return {
        "sweep": {"name": "e003_analytic", "compute": "analytic", "seed": 0},
        "base": {
            **_center_base(cfg),
            "agents": pairs[0][0],
            "lines": pairs[0][1],
            "redial_blocked": 0.0,
            "redial_abandoned": 0.0,
        },
        "grid": {
            "mean_patience_s": [float(p) for p in a["patience_s"]],
            "zip": [
                {"redial_blocked": [0.0, float(r["blocked"])], "redial_abandoned": [0.0, float(r["abandoned"])]},
                {"agents": [n for n, _ in pairs], "lines": [n for _, n in pairs]},
            ],
        },
    }


def simulate_spec(cfg: dict) -> dict:
    """The simulation check: (agents, lines) pairs x (no redials, redials with each mean delay)."""
    s, r = cfg["simulation"], cfg["redials"]
    pairs = [(n, n + e) for n in s["agents"] for e in s["extra_lines"]]
    delays = [float(d) for d in s["redial_delays_s"]]
    return {
        "sweep": {"name": "e003_simulate", "compute": simulate_point, "seed": int(s["seed"])},
        "base": {
            **_center_base(cfg),
            "agents": pairs[0][0],
            "lines": pairs[0][1],
            "redial_blocked": 0.0,
            "redial_abandoned": 0.0,
            "redial_delay_s": delays[0],
            "replications": int(s["replications"]),
            "measured_s": float(s["measured_s"]),
            "warmup_s": float(s["warmup_s"]),
            "interval_s": float(s["interval_s"]),
            "max_attempts": int(s["max_attempts"]),
        },
        "grid": {
            "zip": [
                {
                    "redial_blocked": [0.0] + [float(r["blocked"])] * len(delays),
                    "redial_abandoned": [0.0] + [float(r["abandoned"])] * len(delays),
                    "redial_delay_s": [delays[-1], *delays],
                },
                {"agents": [n for n, _ in pairs], "lines": [n for _, n in pairs]},
            ]
        },
    }


def simulate_point(config: dict, *, seed) -> dict:
    """One simulated point: a stationary center with lines, patience and redials (fast engine).

    The builtin ``simulate`` point function has no redial keys, so this one builds the
    Scenario itself. The warm-up lasts at least 8 mean redial delays so that the redial
    backlog has settled before the measured hours. Fractions are per offered attempt
    (redials included), as in Erlang X; per-call counts divide by the fresh calls
    expected in the measured time.
    """
    from cxqueue.scenario import Distribution, Forecast, Redials, Scenario, ServiceTarget
    from cxqueue.sim import simulate

    aht_s, interval_s = config["aht_s"], config["interval_s"]
    redials_on = config["redial_blocked"] > 0 or config["redial_abandoned"] > 0
    warmup_s = max(config["warmup_s"], 8 * config["redial_delay_s"] if redials_on else 0.0)
    warmup_s = interval_s * math.ceil(warmup_s / interval_s)
    n = round((warmup_s + config["measured_s"]) / interval_s)
    delay = Distribution.exponential(config["redial_delay_s"])
    scenario = Scenario(
        forecast=Forecast(
            calls=np.full(n, config["offered_load"] * interval_s / aht_s),
            aht_s=np.full(n, aht_s),
            interval_s=interval_s,
        ),
        agents=np.full(n, float(config["agents"])),
        lines=int(config["lines"]),
        patience=Distribution.exponential(config["mean_patience_s"]),
        redials=Redials(
            blocked=config["redial_blocked"],
            blocked_delay=delay,
            abandoned=config["redial_abandoned"],
            abandoned_delay=delay,
            max_attempts=int(config["max_attempts"]),
        ),
        target=ServiceTarget(answer_within_s=config["answer_within_s"]),
    )
    res = simulate(scenario, replications=int(config["replications"]), seed=seed, engine="fast", warmup_s=warmup_s)
    t = res.totals
    fresh = config["offered_load"] / aht_s * (n * interval_s - warmup_s)
    offered = float(t.offered.mean)
    admitted = 1.0 - float(t.blocking_fraction.mean)
    out = {
        "warmup_s": warmup_s,
        "fresh_calls": fresh,
        "attempts": offered / fresh,
        "attempts_hw": float(t.offered.half_width) / fresh,
        "failed": (float(t.blocked.mean) + float(t.abandoned.mean)) / fresh,
        "failed_hw": (float(t.blocked.half_width) + float(t.abandoned.half_width)) / fresh,
        "blocking": float(t.blocking_fraction.mean),
        "blocking_hw": float(t.blocking_fraction.half_width),
        # abandoned per offered attempt (the sim's abandon_fraction is per admitted attempt)
        "abandon": float(t.abandon_fraction.mean) * admitted,
        "abandon_hw": float(t.abandon_fraction.half_width) * admitted,
        "asa_s": float(t.asa_s.mean),
        "asa_s_hw": float(t.asa_s.half_width),
        "service_level": float(t.sl_offered.mean),
        "service_level_hw": float(t.sl_offered.half_width),
    }
    return out


# --------------------------------------------------------------------------- results -> arrays


def analytic_cube(result, cfg: dict) -> dict:
    """Metrics per fresh call on axes (patience, redials off/on, agents, extra lines)."""
    col = result.column
    A0 = cfg["center"]["offered_load"]
    patience = np.array(sorted(set(col("mean_patience_s").tolist())))
    agents = np.array(sorted(set(col("agents").astype(int).tolist())))
    extra_all = (col("lines") - col("agents")).astype(int)
    extras = np.array(sorted(set(extra_all.tolist())))
    rb, ra = col("redial_blocked"), col("redial_abandoned")
    ip = np.searchsorted(patience, col("mean_patience_s"))
    ir = (rb > 0).astype(int)
    ia = np.searchsorted(agents, col("agents").astype(int))
    ie = np.searchsorted(extras, extra_all)
    attempts = col("total_load") / A0
    per_call = {
        "busy": col("blocking_probability") * attempts,
        "abandon": col("abandon_probability") * attempts,
        "attempts": attempts,
        "blocking": col("blocking_probability"),
        "wait_probability": col("wait_probability"),
        "asa_s": col("asa_s"),
        "service_level": col("service_level"),
        "converged": col("converged").astype(float),
    }
    per_call["failed"] = per_call["busy"] + per_call["abandon"]
    per_call["lost"] = per_call["busy"] * (1 - rb) + per_call["abandon"] * (1 - ra)
    shape = (len(patience), 2, len(agents), len(extras))
    cube = {}
    for name, values in per_call.items():
        arr = np.full(shape, np.nan)
        arr[ip, ir, ia, ie] = values
        cube[name] = arr
    return {"patience_s": patience, "agents": agents, "extra": extras, **cube}


def knees(cube: dict, tol: float) -> np.ndarray:
    """Extra lines after which all further lines together save fewer than ``tol`` failed attempts per call.

    Shape (patience, redials, agents); NaN when the grid's last line still helps by more.
    """
    failed = cube["failed"]
    still_helps = failed - failed[..., -1:] > tol
    # the first extra-lines value from which no larger one still helps
    last_helping = np.where(still_helps.any(-1), still_helps.shape[-1] - 1 - np.argmax(still_helps[..., ::-1], -1), -1)
    idx = last_helping + 1
    out = np.full(idx.shape, np.nan)
    ok = idx < failed.shape[-1]
    out[ok] = cube["extra"][idx[ok]]
    return out


def simulation_table(result, cfg: dict) -> dict:
    """Simulation points with the Erlang X values for the same (agents, lines, redials)."""
    from cxqueue.analytic import erlang_x

    c = cfg["center"]
    tab = {k: result.column(k) for k in ("agents", "lines", "redial_blocked", "redial_abandoned", "redial_delay_s")}
    for k in ("attempts", "failed", "blocking", "abandon", "asa_s", "service_level"):
        tab[k] = result.column(k)
        tab[f"{k}_hw"] = result.column(f"{k}_hw")
    m = erlang_x.metrics(
        c["offered_load"],
        tab["agents"],
        tab["lines"],
        aht_s=c["aht_s"],
        mean_patience_s=c["mean_patience_s"],
        answer_within_s=c["answer_within_s"],
        redial_blocked=tab["redial_blocked"],
        redial_abandoned=tab["redial_abandoned"],
    )
    att = m.total_load / c["offered_load"]
    tab["an_attempts"] = att
    tab["an_blocking"] = m.blocking
    tab["an_abandon"] = m.abandon_probability
    tab["an_failed"] = (m.blocking + m.abandon_probability) * att
    tab["an_asa_s"] = m.average_speed_of_answer_s
    tab["an_service_level"] = m.service_level_offered
    tab["extra"] = tab["lines"] - tab["agents"]
    return tab


# --------------------------------------------------------------------------- findings


def _f(x, nd=4):
    x = float(x)
    return None if not math.isfinite(x) else round(x, nd)


def summarize(cube: dict, sim: dict, cfg: dict) -> dict:
    """The numbers README.md quotes: knees, conversions, waits, simulation errors."""
    tol = cfg["analytic"]["knee_tolerance"]
    knee = knees(cube, tol)
    A0 = cfg["center"]["offered_load"]
    pat = cube["patience_s"]
    ip = int(np.flatnonzero(np.isfinite(pat))[0])
    inf_idx = np.flatnonzero(~np.isfinite(pat))
    iinf = int(inf_idx[0]) if inf_idx.size else None
    out = {"knee_tolerance": tol, "per_agents": [], "simulation": []}
    extra = cube["extra"]
    for ia, n in enumerate(cube["agents"]):
        row = {"agents": int(n)}
        for ir, tag in ((0, "no_redials"), (1, "redials")):
            k = knee[ip, ir, ia]
            ik = int(np.searchsorted(extra, k)) if math.isfinite(k) else len(extra) - 1
            sel = (ip, ir, ia)
            g = {m: cube[m][sel] for m in METRICS}
            d_busy = g["busy"][0] - g["busy"][ik]
            d_ab = g["abandon"][ik] - g["abandon"][0]
            best = int(np.nanargmax(g["service_level"]))
            row[tag] = {
                "knee_extra_lines": _f(k, 0),
                "at_0": {m: _f(g[m][0]) for m in METRICS},
                "at_knee": {m: _f(g[m][ik]) for m in METRICS},
                "at_max": {m: _f(g[m][-1]) for m in METRICS},
                "busy_removed_to_knee": _f(d_busy),
                "abandon_added_to_knee": _f(d_ab),
                "share_turned_into_abandonment": _f(d_ab / d_busy) if d_busy > 0 else None,
                "least_lost": _f(np.nanmin(g["lost"])),
                "least_lost_extra_lines": int(extra[int(np.nanargmin(g["lost"]))]),
                "best_service_level": _f(g["service_level"][best]),
                "best_service_level_extra_lines": int(extra[best]),
            }
            if iinf is not None:
                h = {m: cube[m][iinf, ir, ia] for m in METRICS}
                tail = min(20, len(extra) - 1)
                row[tag]["never_hang_up"] = {
                    "knee_extra_lines": _f(knee[iinf, ir, ia], 0),
                    "at_0": {m: _f(h[m][0]) for m in METRICS},
                    "at_max": {m: _f(h[m][-1]) for m in METRICS},
                    "asa_s_per_line_last_lines": _f(
                        (h["asa_s"][-1] - h["asa_s"][-1 - tail]) / (extra[-1] - extra[-1 - tail])
                    )
                    if tail > 0
                    else None,
                    "busy_floor": _f(max(0.0, 1.0 - n / A0)),
                }
        out["per_agents"].append(row)
    # the simulation against the analytic fixed point, by redial delay
    redial = sim["redial_blocked"] > 0
    groups = [("no_redials", ~redial)] + [
        (f"delay_{d:g}s", redial & (sim["redial_delay_s"] == d)) for d in sorted(set(sim["redial_delay_s"][redial]))
    ]
    for name, mask in groups:
        if not mask.any():
            continue
        diff_b = sim["blocking"][mask] - sim["an_blocking"][mask]
        rel_att = sim["attempts"][mask] / sim["an_attempts"][mask] - 1
        # coverage of the 95 % interval where busy signals are not rare (at ~0 the interval is ~0 wide)
        common = sim["an_blocking"][mask] > 0.005
        inside = (np.abs(diff_b) <= sim["blocking_hw"][mask])[common]
        rel_b = (sim["blocking"][mask] / sim["an_blocking"][mask] - 1)[common]
        out["simulation"].append(
            {
                "mode": name,
                "points": int(mask.sum()),
                "blocking_sim_minus_analytic_mean": _f(diff_b.mean()),
                "blocking_sim_minus_analytic_max": _f(diff_b[np.argmax(np.abs(diff_b))]),
                "points_blocking_over_half_percent": int(common.sum()),
                "blocking_within_ci": int(inside.sum()),
                "blocking_rel_error_mean": _f(rel_b.mean()) if rel_b.size else None,
                "blocking_rel_error_max": _f(rel_b[np.argmax(np.abs(rel_b))]) if rel_b.size else None,
                "attempts_rel_error_mean": _f(rel_att.mean()),
                "attempts_rel_error_max": _f(rel_att[np.argmax(np.abs(rel_att))]),
                "failed_sim_minus_analytic_mean": _f((sim["failed"][mask] - sim["an_failed"][mask]).mean()),
            }
        )
    return out


def write_csv(cube: dict, path: Path) -> None:
    names = ("busy", "abandon", "failed", "lost", "attempts", "blocking", "wait_probability", "asa_s", "service_level")
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["mean_patience_s", "redials", "agents", "extra_lines", "lines", *names])
        for ip, p in enumerate(cube["patience_s"]):
            for ir in (0, 1):
                for ia, n in enumerate(cube["agents"]):
                    for ie, e in enumerate(cube["extra"]):
                        vals = [f"{cube[m][ip, ir, ia, ie]:.6g}" for m in names]
                        w.writerow([p, ir, n, e, n + e, *vals])


# --------------------------------------------------------------------------- figure


def _pick(values, wanted):
    """The entries of ``wanted`` present in ``values`` (else a spread of ``values``)."""
    have = [w for w in wanted if w in set(values.tolist())]
    if have:
        return have
    return sorted(set(values[np.linspace(0, len(values) - 1, min(4, len(values))).astype(int)].tolist()))


def _keys(ax, keys, legend: dict, **labels) -> None:
    """Legend entries for the styles curves share (``(fmt, label[, kw])``), the legend, and the labels.

    Panels (b)-(f) plot against extra lines; ``legend`` adds to the small-font legend's options.
    """
    for fmt, label, *kw in keys:
        ax.plot([], [], fmt, label=label, **(kw[0] if kw else {}))
    ax.legend(fontsize="small", **legend)
    ax.set(xlabel="extra lines", **labels)


def figure(cube: dict, sim: dict, cfg: dict, path: Path) -> None:
    import matplotlib.pyplot as plt

    from cxqueue.plots import heatmap, line_with_band

    tol = cfg["analytic"]["knee_tolerance"]
    knee = knees(cube, tol)
    pat = cube["patience_s"]
    ip = int(np.flatnonzero(np.isfinite(pat))[0])
    inf_idx = np.flatnonzero(~np.isfinite(pat))
    agents, extra = cube["agents"], cube["extra"]
    show = _pick(agents, [45, 50, 55, 60])
    colors = dict(zip(show, plt.cm.viridis(np.linspace(0.0, 0.85, len(show))), strict=True))
    mid = min(show, key=lambda n: abs(n - cfg["center"]["offered_load"]))
    c = cfg["center"]
    r = cfg["redials"]

    fig, axs = plt.subplots(3, 3, figsize=(16, 13.5), layout="constrained")
    fig.suptitle(
        f"e003 phone lines and redials: {c['offered_load']:g} Erl of fresh calls, AHT {c['aht_s']:g} s, "
        f"patience {c['mean_patience_s']:g} s (exp.); redials: {r['blocked']:.0%} of busy signals, "
        f"{r['abandoned']:.0%} of hang-ups (Erlang X unless marked 'sim')",
        fontsize="large",
    )

    # (a) heatmap of failed attempts per 100 fresh calls, with redials, and the knee
    ax = axs[0, 0]
    heatmap(
        100 * cube["failed"][ip, 1].T, x=agents, y=extra, ax=ax, cmap="magma_r", label="failed attempts per 100 calls"
    )
    ystep = max(1, len(extra) // 8)
    ax.set_yticks(range(0, len(extra), ystep), [str(e) for e in extra[::ystep]])
    xstep = max(1, len(agents) // 8)
    ax.set_xticks(range(0, len(agents), xstep), [str(a) for a in agents[::xstep]])
    for ir, style, lab in ((1, "b-", "knee, with redials"), (0, "g--", "knee, no redials")):
        k = knee[ip, ir]
        ok = np.isfinite(k)
        ax.plot(np.flatnonzero(ok), np.searchsorted(extra, k[ok]), style, lw=2, label=lab)
    ax.legend(loc="upper right", fontsize="small")
    ax.set(
        xlabel="agents", ylabel="extra lines (lines - agents)", title="(a) failed attempts (busy + hang-up), redials on"
    )

    # (b) failed attempts per 100 calls against extra lines, with and without redials
    ax = axs[0, 1]
    for n in show:
        ia = int(np.searchsorted(agents, n))
        for ir, ls in ((1, "-"), (0, "--")):
            y = 100 * cube["failed"][ip, ir, ia]
            line_with_band(extra, y, ax=ax, color=colors[n], marker="", label=f"{n} agents" if ir else None)
            ax.lines[-1].set_linestyle(ls)
            k = knee[ip, ir, ia]
            if math.isfinite(k):
                ax.plot(k, y[np.searchsorted(extra, k)], "o", color=colors[n], ms=6, mfc="white" if ir == 0 else None)
    ax.set_yscale("log")
    _keys(
        ax,
        [("k-", "with redials"), ("k--", "no redials"), ("ko", "knee")],
        dict(ncol=2),
        ylabel="failed attempts per 100 fresh calls",
        title="(b) failures stop falling at the knee",
    )

    # (c) where the busy signals go: busy, hang-ups and lost callers at ~the load
    ax = axs[0, 2]
    ia = int(np.searchsorted(agents, mid))
    for name, color in (("busy", "tab:red"), ("abandon", "tab:blue"), ("lost", "black")):
        for ir, ls in ((1, "-"), (0, "--")):
            y = 100 * cube[name][ip, ir, ia]
            line_with_band(extra, y, ax=ax, color=color, marker="", label=None)
            ax.lines[-1].set_linestyle(ls)
    _keys(
        ax,
        [
            ("-", "busy signals", dict(color="tab:red")),
            ("-", "hang-ups in queue", dict(color="tab:blue")),
            ("-", "callers lost for good", dict(color="black")),
            ("k-", "with redials", dict(alpha=0.5)),
            ("k--", "no redials", dict(alpha=0.5)),
        ],
        {},
        ylabel="per 100 fresh calls",
        title=f"(c) {mid} agents: lines turn busy signals into hang-ups",
    )

    # (d) mean wait of answered calls: patient callers vs callers who never hang up
    patient = [("k-", f"patience {c['mean_patience_s']:g} s"), ("k:", "never hang up")]
    ax = axs[1, 0]

    def patient_and_never(ax, values, n):
        """``n`` agents, no redials: patient callers (labelled), then dotted the callers who never hang up."""
        ia = int(np.searchsorted(agents, n))
        line_with_band(extra, values[ip, 0, ia], ax=ax, color=colors[n], marker="", label=f"{n} agents")
        if inf_idx.size:
            line_with_band(extra, values[inf_idx[0], 0, ia], ax=ax, color=colors[n], marker="")
            ax.lines[-1].set_linestyle(":")

    for n in show:
        patient_and_never(ax, cube["asa_s"], n)
    _keys(
        ax,
        patient,
        dict(ncol=2),
        ylabel="mean wait of answered calls, s",
        title="(d) without patience, lines only lengthen the queue",
    )

    # (e) busy signals: patient callers vs callers who never hang up, no redials
    ax = axs[1, 1]
    for n in show:
        patient_and_never(ax, 100 * cube["blocking"], n)
        floor = max(0.0, 1 - n / c["offered_load"])
        if inf_idx.size and floor > 0:
            ax.axhline(100 * floor, color=colors[n], lw=0.8, alpha=0.6)
    _keys(
        ax,
        [*patient, ("k-", "floor 1 - agents/load", dict(lw=0.8, alpha=0.6))],
        dict(ncol=2),
        ylabel="busy-signal probability, %",
        title="(e) busy signals, no redials",
    )

    # (f) service level and P(wait), patient callers
    ax = axs[1, 2]
    for n in show:
        ia = int(np.searchsorted(agents, n))
        line_with_band(extra, cube["service_level"][ip, 1, ia], ax=ax, color=colors[n], marker="", label=f"{n} agents")
        line_with_band(extra, cube["wait_probability"][ip, 1, ia], ax=ax, color=colors[n], marker="")
        ax.lines[-1].set_linestyle("--")
    _keys(
        ax,
        [("k-", f"answered within {c['answer_within_s']:g} s"), ("k--", "P(wait)")],
        dict(ncol=2, loc="lower right", bbox_to_anchor=(1.0, 0.12)),
        ylabel="fraction of offered attempts",
        title="(f) service level and P(wait), redials on",
        ylim=(0, 1),
    )

    # (g)-(i): simulation with exponential redial delays against the Erlang X fixed point
    redial = sim["redial_blocked"] > 0
    modes = [("no redials", ~redial, "gray")]
    delays = sorted(set(sim["redial_delay_s"][redial].tolist()))
    dcol = plt.cm.plasma(np.linspace(0.0, 0.75, max(1, len(delays))))
    modes += [
        (f"sim, redial delay {d:g} s", redial & (sim["redial_delay_s"] == d), dcol[i]) for i, d in enumerate(delays)
    ]
    ax = axs[2, 0]
    sim_mid = min(set(sim["agents"].tolist()), key=lambda n: abs(n - c["offered_load"]))
    for label, mask, color in modes:
        m = mask & (sim["agents"] == sim_mid)
        order = np.argsort(sim["extra"][m])
        x = sim["extra"][m][order]
        y, hw = 100 * sim["blocking"][m][order], 100 * sim["blocking_hw"][m][order]
        ax.errorbar(
            x, y, yerr=hw, fmt="o", color=color, ms=4, capsize=2, label=label if "sim" in label else "sim, no redials"
        )
    for ir, ls, lab in ((1, "-", "Erlang X, redials"), (0, "--", "Erlang X, no redials")):
        m = (sim["agents"] == sim_mid) & (redial if ir else ~redial)
        if m.any():
            xx = np.arange(0, sim["extra"][m].max() + 1)
            from cxqueue.analytic import erlang_x

            b = erlang_x.blocking_probability(
                c["offered_load"],
                sim_mid,
                sim_mid + xx,
                aht_s=c["aht_s"],
                mean_patience_s=c["mean_patience_s"],
                redial_blocked=r["blocked"] if ir else 0.0,
                redial_abandoned=r["abandoned"] if ir else 0.0,
            )
            ax.plot(xx, 100 * b, "k" + ls, lw=1, label=lab)
    ax.legend(fontsize="small")
    ax.set(
        xlabel="extra lines",
        ylabel="busy-signal probability, %",
        title=f"(g) {sim_mid:g} agents: simulation vs Erlang X",
    )

    for ax, key, title, scale in (
        (axs[2, 1], "blocking", "(h) busy-signal probability, %: all simulated points", 100),
        (axs[2, 2], "failed", "(i) failed attempts per 100 calls: all simulated points", 100),
    ):
        hi = 0.0
        for label, mask, color in modes:
            if not mask.any():
                continue
            x, y, hw = scale * sim[f"an_{key}"][mask], scale * sim[key][mask], scale * sim[f"{key}_hw"][mask]
            ax.errorbar(x, y, yerr=hw, fmt="o", color=color, ms=4, capsize=2, label=label)
            hi = max(hi, float(np.nanmax(y + hw)), float(np.nanmax(x)))
        ax.plot([0, hi], [0, hi], "k-", lw=0.8, label="simulation = Erlang X")
        ax.legend(fontsize="small")
        ax.set(xlabel="Erlang X (Poisson redials)", ylabel="simulation, 95 % CI", title=title)

    save_figure(fig, path, dpi=90)


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    args = command_line(
        __doc__, HERE, argv, quick_help="coarse grid and short simulations (a few seconds)", jobs=(1, None)
    )
    cfg = load_config(args.config, quick=args.quick)
    res_a, t_a = sweep(analytic_spec(cfg), args)
    res_s, t_s = sweep(simulate_spec(cfg), args)
    if sweep_failed(res_a) or sweep_failed(res_s):
        return 1
    cube = analytic_cube(res_a, cfg)
    if not np.all(cube["converged"][np.isfinite(cube["converged"])] == 1):
        print("warning: the redial fixed point did not converge everywhere", file=sys.stderr)
    sim = simulation_table(res_s, cfg)
    summary = summarize(cube, sim, cfg)
    timing = {
        "analytic": round(t_a, 2),
        "simulate": round(t_s, 2),
        "analytic_points": res_a.n_points,
        "analytic_points_run": res_a.n_run,
        "simulate_points": res_s.n_points,
        "simulate_points_run": res_s.n_run,
    }
    write_summary(args.out, summary, quick=args.quick, timing_s=timing)
    write_csv(cube, args.out / "analytic.csv")
    figure(cube, sim, cfg, args.out / "figure.png")
    print(
        f"e003: {res_a.n_points} analytic points ({res_a.n_run} run) in {t_a:.1f} s, "
        f"{res_s.n_points} simulated points ({res_s.n_run} run) in {t_s:.1f} s; wrote {args.out / 'figure.png'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
