"""e004 opening hours: the cost against lost-calls frontier for an after-work retailer and for the bank.

One ``cxqueue.run_sweep`` into a resumable store (``OUT/results.sqlite``); each point is
one exact opening-hours search (``cxqueue.optimize.hours.search_opening_hours``):

1. the retailer of ``configs/evening-callers.toml`` with costs in paid agent-hours,
2. the same with costs of a week of the config's shifts (``cost_model="shifts"``, with
   the evening premium),
3. the bank (``load_profile("bank-1999")``, calls per hour of each weekday),
4. the retailer again with other carry-over fractions (sensitivity; full run only).

Each search's budget is the cost of the center's current hours, so ``best`` is the plan
losing the fewest calls for today's money. Then it writes ``OUT/figure.png`` and
``OUT/summary.json`` (the numbers quoted in README.md). Usage::

    python experiments/e004_opening_hours/run.py            # full: ~2-4 minutes on 2 cores
    python experiments/e004_opening_hours/run.py --quick    # coarse windows, under a minute
    python experiments/e004_opening_hours/run.py --out /tmp/e004 --jobs 2

A rerun with the same config skips the searches already in the store.
"""

from __future__ import annotations

import sys
import time
import tomllib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))  # experiments/_common.py
from _common import command_line, save_figure, sweep, sweep_failed, write_summary  # noqa: E402

H = 3600.0
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# --------------------------------------------------------------------------- config -> sweep spec


def load_config(path: Path, *, quick: bool) -> dict:
    """config.toml with the [quick] values applied when ``quick``."""
    cfg = tomllib.loads(path.read_text(encoding="utf-8"))
    q = cfg.pop("quick")
    if quick:
        cfg["retailer"]["slot_min"] = q["retailer_slot_min"]
        cfg["retailer"]["open_step_h"] = q["retailer_open_step_h"]
        cfg["retailer"]["close_step_h"] = q["retailer_close_step_h"]
        cfg["retailer"]["carry_over_sensitivity"] = q["carry_over_sensitivity"]
        cfg["bank"]["step_h"] = q["bank_step_h"]
    return cfg


def sweep_spec(cfg: dict) -> dict:
    """The searches as sweep points: (center, cost model, carry-over) zipped."""
    r = cfg["retailer"]
    centers = ["retailer", "retailer", "bank"] + ["retailer"] * len(r["carry_over_sensitivity"])
    models = ["agent_hours", "shifts", "agent_hours"] + ["agent_hours"] * len(r["carry_over_sensitivity"])
    carry = [float(r["carry_over"]), float(r["carry_over"]), float(cfg["bank"]["carry_over"])]
    carry += [float(x) for x in r["carry_over_sensitivity"]]
    return {
        "sweep": {"name": "e004_hours", "compute": search_point, "seed": int(cfg["sweep"]["seed"])},
        "base": {
            "center": centers[0],
            "cost_model": models[0],
            "carry_over": carry[0],
            "retailer": {k: v for k, v in r.items() if k != "carry_over_sensitivity"},
            "bank": dict(cfg["bank"]),
            "repo": str(REPO),
        },
        "grid": {"zip": [{"center": centers, "cost_model": models, "carry_over": carry}]},
    }


# --------------------------------------------------------------------------- the two centers


def retailer_model(r: dict, repo: Path):
    """Latent demand per slot of the week, the current hours, candidate windows and search keywords."""
    from cxqueue.config import load_scenario

    c = load_scenario(repo / r["config"])
    f = c.forecast
    per_day = round(24 * H / f.interval_s)
    calls = np.asarray(f.calls, dtype=np.float64).reshape(7, per_day).copy()
    for d in c.hours_search.weekdays:  # the thin tails either side of the config's 08:00-23:00 profile
        calls[d, 14:16] += r["before_08"]
        calls[d, 46:48] += r["after_23"]
    slot_s = 60.0 * r["slot_min"]
    k = round(slot_s / f.interval_s)
    latent = calls.reshape(-1, k).sum(axis=1)
    cur = [w[0] if w else None for w in c.hours.windows]
    windows = []
    for d in range(7):
        if d not in c.hours_search.weekdays:
            windows.append([None])
            continue
        w = [
            (o * H, cl * H)
            for o in range(r["open_h"][0], r["open_h"][1] + 1, r["open_step_h"])
            for cl in range(r["close_h"][0], r["close_h"][1] + 1, r["close_step_h"])
            if cl - o >= r["min_open_h"]
        ]
        if cur[d] is not None and tuple(cur[d]) not in w:
            w.append(tuple(cur[d]))
        windows.append(w)
    aht = float(np.mean(f.aht_s))
    kw = dict(
        aht_s=aht,
        target=c.target,
        mean_patience_s=c.patience.mean_s,
        lines=c.lines,
        spread=r["spread"],
        spread_s=r["spread_h"] * H,
        agent_hour_cost=float(r["agent_hour_cost"]),
    )
    search_kw = dict(windows=windows, must_open=c.hours_search.weekdays)
    return latent, c.hours, kw, search_kw, c.shifts, slot_s


def bank_model(b: dict):
    """The bank's calls per hour of each weekday (Jan-Feb 1999) and its current hours."""
    from cxqueue.data import load_profile
    from cxqueue.scenario import OpeningHours, ServiceTarget

    p = load_profile(b["profile"])
    k = round(H / p.forecast.interval_s)
    calls = np.asarray(p.forecast.calls, dtype=np.float64).reshape(-1, k)
    aht = np.asarray(p.forecast.aht_s, dtype=np.float64).reshape(-1, k)
    latent = calls.sum(axis=1)
    aht_h = np.where(latent > 0, (calls * aht).sum(axis=1) / np.maximum(latent, 1e-300), aht.mean(axis=1))
    hours = OpeningHours(tuple(((o * H, c * H),) for o, c in b["current"]))
    kw = dict(
        aht_s=aht_h,
        target=ServiceTarget(b["level"], b["answer_within_s"]),
        mean_patience_s=p.patience.mean_s,
        spread=b["spread"],
        spread_s=b["spread_h"] * H,
        agent_hour_cost=float(b["agent_hour_cost"]),
    )
    grid = [
        (o * H, c * H)
        for o in range(b["earliest_open_h"], 24, b["step_h"])
        for c in range(o + b["min_open_h"], 25, b["step_h"])
    ]
    windows = [
        grid + ([] if (o * H, c * H) in grid else [(o * H, c * H)]) + ([] if d in b["must_open"] else [None])
        for d, (o, c) in enumerate(b["current"])
    ]
    search_kw = dict(windows=windows, must_open=b["must_open"])
    return latent, hours, kw, search_kw


def _plan(p, slot_s: float, *, full: bool = False) -> dict:
    d = {
        "cost": p.cost,
        "agent_hours": p.agent_hours,
        "lost": p.lost_calls,
        "lost_closed": p.lost_closed,
        "abandoned": p.abandoned,
        "blocked": p.blocked,
        "answered": p.answered,
        "latent": p.latent,
        "service_level": p.service_level,
        "open_h": [-1.0 if w is None else w[0] / H for w in p.windows_s],
        "close_h": [-1.0 if w is None else w[1] / H for w in p.windows_s],
        "hours": p.describe(),
    }
    if full:
        d["arrivals"] = p.arrivals
        d["agents"] = p.agents
    return d


def _shift_cost(p, templates, slot_s):
    from cxqueue.optimize.shifts import schedule_shifts

    s = schedule_shifts(p.agents, templates, interval_s=slot_s, start_s=0.0, hours=p.hours, wrap=True)
    return float(s.cost)


def search_point(config: dict, *, seed) -> dict:
    """One center's opening-hours search with today's cost as the budget (a sweep point function)."""
    from cxqueue.optimize.hours import evaluate_opening_hours, search_opening_hours

    t0 = time.perf_counter()
    carry = float(config["carry_over"])
    extra = {}
    if config["center"] == "retailer":
        latent, hours, kw, skw, templates, slot_s = retailer_model(config["retailer"], Path(config["repo"]))
        kw["carry_over"] = carry
        current = evaluate_opening_hours(latent, hours, **kw)
        budget = current.cost
        if config["cost_model"] == "shifts":
            budget = _shift_cost(current, templates, slot_s)
            skw = {**skw, "cost_model": "shifts", "templates": templates, "max_schedules": 40}
        # every weekday in one window (the same all week): the plainest alternatives, as reference points
        uniform = []
        for w in skw["windows"][0] if config["cost_model"] == "agent_hours" else []:
            wins = tuple(((w,) if d in skw["must_open"] else ()) for d in range(7))
            from cxqueue.scenario import OpeningHours

            uniform.append(evaluate_opening_hours(latent, OpeningHours(wins), **kw))
        extra["uniform"] = [
            [u.cost, u.lost_calls, u.service_level, u.windows_s[0][0] / H, u.windows_s[0][1] / H] for u in uniform
        ]
    else:
        latent, hours, kw, skw = bank_model(config["bank"])
        slot_s = H
        kw["carry_over"] = carry
        current = evaluate_opening_hours(latent, hours, **kw)
        budget = current.cost
    res = search_opening_hours(latent, budget=budget, **kw, **skw)
    cur = _plan(current, slot_s, full=True)
    cur["cost"] = budget  # the shift-schedule cost under cost_model="shifts"
    out = {
        "latent": latent,
        "slot_s": slot_s,
        "budget": budget,
        "current": cur,
        "best": _plan(res.best, slot_s, full=True),
        "n_plans": res.n_plans,
        "message": res.message,
        "pareto": {
            k: [_plan(p, slot_s)[k] for p in res.pareto] for k in ("cost", "lost", "service_level", "open_h", "close_h")
        },
        **extra,
    }
    if config["center"] == "bank":
        for share in config["bank"]["budget_shares"]:
            ok = [p for p in res.pareto if p.cost <= share * budget + 1e-9]
            pick = min(ok, key=lambda p: (p.lost_calls, p.cost))
            out[f"budget_{round(100 * share)}"] = _plan(pick, slot_s)
    out["elapsed_s"] = time.perf_counter() - t0
    return out


# --------------------------------------------------------------------------- summary


def collect(res, cfg: dict) -> dict:
    """The stored points keyed by (center, cost model, carry-over), metrics unflattened."""
    out = {}
    for rec in res.points:
        if rec.status != "ok":
            continue
        m, p = rec.metrics, rec.params
        d: dict = {}
        for key, val in m.items():
            node = d
            *head, last = key.split(".")
            for h in head:
                node = node.setdefault(h, {})
            node[last] = val
        out[(p["center"], p["cost_model"], float(p["carry_over"]))] = d
    return out


def _slope(pareto: dict, cost: float) -> float:
    """Calls saved per extra unit of cost on the frontier around ``cost`` (+-5 % of it)."""
    c, lo = np.asarray(pareto["cost"]), np.asarray(pareto["lost"])
    a = lo[c <= 0.95 * cost].min() if (c <= 0.95 * cost).any() else np.nan
    b = lo[c <= cost + 1e-9].min()
    return float((a - b) / (cost - c[c <= 0.95 * cost].max())) if np.isfinite(a) else float("nan")


def summarize(runs: dict, cfg: dict) -> dict:
    def brief(p):
        keys = ("cost", "agent_hours", "lost", "lost_closed", "abandoned", "blocked", "service_level", "hours")
        return {k: (round(p[k], 4) if isinstance(p[k], float) else p[k]) for k in keys if k in p}

    s: dict = {}
    for (center, model, carry), d in sorted(runs.items()):
        cur, best = d["current"], d["best"]
        key = f"{center}_{model}_carry{carry:g}"
        s[key] = {
            "n_plans": d["n_plans"],
            "n_pareto": len(d["pareto"]["cost"]),
            "budget": round(d["budget"], 3),
            "latent_calls_per_week": round(float(np.sum(d["latent"])), 1),
            "current": brief(cur),
            "best_for_budget": brief(best),
            "lost_saved": round(cur["lost"] - best["lost"], 2),
            "lost_saved_share": round(1 - best["lost"] / cur["lost"], 4) if cur["lost"] > 0 else 0.0,
            "cheapest_cost": round(min(d["pareto"]["cost"]), 3),
            "cheapest_with_current_lost": round(
                min(c for c, lo in zip(d["pareto"]["cost"], d["pareto"]["lost"], strict=True) if lo <= cur["lost"]), 3
            ),
            "calls_saved_per_cost_unit_at_budget": round(_slope(d["pareto"], d["budget"]), 3)
            if model == "agent_hours"
            else None,
            "elapsed_s": round(d["elapsed_s"], 1),
        }
        if d.get("uniform") and model == "agent_hours":
            u = np.asarray(d["uniform"])
            ok = u[u[:, 0] <= d["budget"] + 1e-9]
            i = int(np.argmin(ok[:, 1]))
            s[key]["best_uniform_for_budget"] = {
                "open_h": ok[i, 3],
                "close_h": ok[i, 4],
                "cost": round(ok[i, 0], 3),
                "lost": round(ok[i, 1], 2),
                "service_level": round(ok[i, 2], 4),
            }
        for k in d:
            if k.startswith("budget_"):
                s[key][k] = brief(d[k])
    return s


# --------------------------------------------------------------------------- figure


def _per_hour(x, slot_s: float) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    k = round(H / slot_s)
    return x.reshape(-1, k).sum(axis=1)


def _mark(ax, plan, style, label, units=1.0):
    ax.plot(
        plan["cost"],
        plan["lost"],
        style[0],
        color=style[1],
        ms=style[2],
        mec="k",
        mew=0.6,
        zorder=5,
        label=f"{label}: {plan['cost'] * units:,.0f}, {plan['lost']:,.0f} lost, SL {plan['service_level']:.2f}",
    )


def _short(open_h, close_h) -> str:
    """``"mon-thu 14-22, fri-sat 10-22"`` from per-day hours (-1: closed)."""
    parts, d = [], 0
    while d < 7:
        e = d
        while e + 1 < 7 and (open_h[e + 1], close_h[e + 1]) == (open_h[d], close_h[d]):
            e += 1
        if open_h[d] >= 0:
            days = DAYS[d] if e == d else f"{DAYS[d]}-{DAYS[e]}"
            parts.append(f"{days} {open_h[d]:02.0f}-{close_h[d]:02.0f}")
        d = e + 1
    return ", ".join(parts)


def figure(runs: dict, cfg: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cxqueue.plots import pareto_plot

    r_c, b_c = float(cfg["retailer"]["carry_over"]), float(cfg["bank"]["carry_over"])
    ra, rs, bk = (
        runs[("retailer", "agent_hours", r_c)],
        runs.get(("retailer", "shifts", r_c)),
        runs[("bank", "agent_hours", b_c)],
    )
    fig, axs = plt.subplots(2, 3, figsize=(19, 11.5), constrained_layout=True)
    fig.suptitle(
        "e004 opening hours: weekly cost against lost calls (exact Pareto sets of "
        "search_opening_hours), today's hours and the best hours for today's budget",
        fontsize=13,
    )

    # (a) retailer: a weekday's latent demand and the calls reaching the center
    ax = axs[0, 0]
    day, slot = 2, ra["slot_s"]
    hrs = np.arange(24)
    lat = _per_hour(ra["latent"], slot)[day * 24 : (day + 1) * 24]
    ax.fill_between(hrs, lat, step="post", color="0.75", alpha=0.6, label="latent demand (preferred time)")
    for plan, color, name in ((ra["current"], "tab:blue", "today"), (ra["best"], "tab:orange", "best for budget")):
        arr = _per_hour(plan["arrivals"], slot)[day * 24 : (day + 1) * 24]
        o, c = plan["open_h"][day], plan["close_h"][day]
        ax.step(
            hrs,
            arr,
            where="post",
            color=color,
            lw=1.5,
            label=f"calls reaching the center, {name} ({o:02.0f}-{c:02.0f})",
        )
        ax.axvspan(o, c, color=color, alpha=0.08)
    ax.set(
        xlim=(0, 24),
        xticks=range(0, 25, 2),
        xlabel="hour of day (Wednesday)",
        ylabel="calls per hour",
        title="(a) retailer: callers want the evening",
    )
    ax.legend(fontsize="small", loc="upper left")

    # (b) retailer frontier in paid agent-hours
    ax = axs[0, 1]
    u = np.asarray(ra["uniform"])
    x = np.concatenate((ra["pareto"]["cost"], u[:, 0], [ra["current"]["cost"]]))
    y = np.concatenate((ra["pareto"]["lost"], u[:, 1], [ra["current"]["lost"]]))
    pareto_plot(x, y, ax=ax, xlabel="paid agent-hours per week", ylabel="lost calls per week")
    ax.lines[-1].set(marker="", lw=2)
    colors = iter(("tab:green", "tab:purple", "tab:olive", "tab:cyan"))
    for (center, model, carry), d in sorted(runs.items()):
        if center == "retailer" and model == "agent_hours" and carry != r_c:
            color = next(colors)
            ax.plot(d["pareto"]["cost"], d["pareto"]["lost"], "-", color=color, lw=1, label=f"carry-over {carry:g}")
            ax.plot(d["current"]["cost"], d["current"]["lost"], "X", color=color, ms=8, mec="k", mew=0.4)
            ax.plot(d["best"]["cost"], d["best"]["lost"], "*", color=color, ms=10, mec="k", mew=0.4)
    _mark(ax, ra["current"], ("X", "tab:blue", 11), "today 08-20, Sat 09-17")
    _mark(ax, ra["best"], ("*", "tab:orange", 15), "best for today's cost")
    ax.axvline(ra["budget"], color="tab:blue", lw=0.8, ls=":")
    ax.set_title(
        f"(b) retailer, carry-over {r_c:g}: today's hours are off the frontier\n(grey: the same window "
        "every day, 08-14 open x 18-23 close)",
        fontsize="medium",
    )
    ax.legend(fontsize="small", loc="upper right")

    # (c) retailer frontier in shift costs (evening premium)
    ax = axs[0, 2]
    if rs is not None:
        pareto_plot(
            rs["pareto"]["cost"],
            rs["pareto"]["lost"],
            ax=ax,
            labels=[_short(o, c) for o, c in zip(rs["pareto"]["open_h"], rs["pareto"]["close_h"], strict=True)],
            xlabel="cost of a week of shifts (per shift-hour: early 1.0, late 1.2, evening 1.3)",
            ylabel="lost calls per week",
        )
        ax.lines[-1].set(lw=2)
        _mark(ax, rs["current"], ("X", "tab:blue", 11), "today")
        _mark(ax, rs["best"], ("*", "tab:orange", 15), "best for today's shift cost")
        ax.axvline(rs["budget"], color="tab:blue", lw=0.8, ls=":")
        xs = [*rs["pareto"]["cost"], rs["budget"]]
        ys = [*rs["pareto"]["lost"], rs["current"]["lost"]]
        ax.set(
            xlim=(min(xs) - 0.05 * (max(xs) - min(xs)) - 1, max(xs) + 0.05 * (max(xs) - min(xs)) + 1),
            ylim=(0, 1.1 * max(ys)),
        )
        ax.legend(fontsize="small", loc="lower left")
    ax.set_title(
        "(c) retailer costed in the config's shifts (scheduled Pareto plans):\n"
        "longer evening hours cost less than today's",
        fontsize="medium",
    )

    # (d) the bank's week of demand and its hours
    ax = axs[1, 0]
    lat = np.asarray(bk["latent"])
    order = list(range(7))
    week = np.concatenate([lat[d * 24 : (d + 1) * 24] for d in order])
    ax.step(np.arange(168), week, where="post", color="k", lw=1.2, label="calls per hour (Jan-Feb 1999)")
    for plan, color, name, y0 in (
        (bk["current"], "tab:blue", "today", 1.35),
        (bk["best"], "tab:orange", "best for today's cost", 1.25),
        (bk.get("budget_80"), "tab:red", "best for 80 % of it", 1.15),
    ):
        if plan is None:
            continue
        for i, d in enumerate(order):
            if plan["open_h"][d] >= 0:
                ax.axhline(
                    y0 * week.max(),
                    xmin=(24 * i + plan["open_h"][d]) / 168,
                    xmax=(24 * i + plan["close_h"][d]) / 168,
                    color=color,
                    lw=4,
                )
        ax.plot([], [], color=color, lw=4, label=f"open: {name}")
    ax.set(
        xlim=(0, 168),
        ylim=(0, week.max() * 1.75),
        xticks=np.arange(0, 168, 24) + 12,
        xticklabels=[DAYS[d] for d in order],
        ylabel="latent calls per hour (= observed)",
        title="(d) bank: demand only while open; bars = opening hours",
    )
    ax.legend(fontsize="small", loc="upper left", ncol=2)

    # (e) bank frontier
    ax = axs[1, 1]
    x = np.concatenate((bk["pareto"]["cost"], [bk["current"]["cost"]]))
    y = np.concatenate((bk["pareto"]["lost"], [bk["current"]["lost"]]))
    pareto_plot(x, y, ax=ax, xlabel="paid agent-hours per week", ylabel="lost calls per week")
    ax.lines[-1].set(marker="", lw=2)
    _mark(ax, bk["current"], ("X", "tab:blue", 11), "today")
    _mark(ax, bk["best"], ("*", "tab:orange", 15), "best for today's cost")
    for share, color in ((90, "tab:purple"), (80, "tab:red")):
        if f"budget_{share}" in bk:
            _mark(ax, bk[f"budget_{share}"], ("D", color, 8), f"best for {share} %")
    ax.axvline(bk["budget"], color="tab:blue", lw=0.8, ls=":")
    ax.set(xlim=(0.45 * bk["budget"], 1.03 * bk["budget"]))
    lo = [v for c, v in zip(bk["pareto"]["cost"], bk["pareto"]["lost"], strict=True) if c >= 0.45 * bk["budget"]]
    ax.set_ylim(0, 1.05 * max(lo))
    ax.set_title(
        f"(e) bank, carry-over {b_c:g}: today's hours are on the frontier;\ncutting hours costs calls fast",
        fontsize="medium",
    )
    ax.legend(fontsize="small", loc="upper right")

    # (f) the hours themselves
    ax = axs[1, 2]
    rows = [("retailer today", ra["current"], "tab:blue"), ("retailer best (agent-h)", ra["best"], "tab:orange")]
    if rs is not None:
        rows.append(("retailer best (shifts)", rs["best"], "tab:brown"))
    rows += [("bank today", bk["current"], "tab:blue"), ("bank best", bk["best"], "tab:orange")]
    rows += [
        (f"bank {s} % budget", bk[f"budget_{s}"], c)
        for s, c in ((90, "tab:purple"), (80, "tab:red"))
        if f"budget_{s}" in bk
    ]
    n = len(rows)
    for i, (_name, plan, color) in enumerate(rows):
        for d in range(7):
            if plan["open_h"][d] >= 0:
                ax.broken_barh(
                    [(24 * d + plan["open_h"][d], plan["close_h"][d] - plan["open_h"][d])],
                    (n - 1 - i - 0.35, 0.7),
                    color=color,
                )
    ax.set(
        yticks=range(n),
        yticklabels=[r[0] for r in rows][::-1],
        xlim=(0, 168),
        xticks=np.arange(0, 168, 24) + 12,
        xticklabels=DAYS,
        title="(f) opening hours, Monday to Sunday",
    )
    for d in range(1, 7):
        ax.axvline(24 * d, color="0.7", lw=0.8)
    ax.grid(axis="x", alpha=0.0)
    save_figure(fig, path, dpi=80)


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    args = command_line(__doc__, HERE, argv, quick_help="coarser candidate windows (under a minute)", jobs=(2, 2))
    cfg = load_config(args.config, quick=args.quick)
    t0 = time.perf_counter()
    res, _ = sweep(sweep_spec(cfg), args)
    if sweep_failed(res, "searches"):
        return 1
    runs = collect(res, cfg)
    summary = summarize(runs, cfg)
    timing = {"total": round(time.perf_counter() - t0, 1), "points": res.n_points, "run": res.n_run}
    write_summary(args.out, summary, quick=args.quick, timing_s=timing)
    figure(runs, cfg, args.out / "figure.png")
    print(
        f"e004: {res.n_points} searches ({res.n_run} run) in {time.perf_counter() - t0:.1f} s; "
        f"wrote {args.out / 'figure.png'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
