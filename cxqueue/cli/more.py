"""The ``import``, ``simulate``, ``lines`` and ``hours`` subcommands (argument parsing and printing).

Each reads its inputs, calls the library and prints; the queueing logic stays in the library.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import numpy as np

from cxqueue.exceptions import ConfigError
from cxqueue.scenario import WEEKDAYS, Forecast

__all__ = ["add_parsers"]


def _emit(args, out, data: dict, text: str) -> int:
    if args.json:
        json.dump(data, out, indent=2, default=lambda o: o.tolist() if isinstance(o, np.ndarray) else str(o))
        print(file=out)
    else:
        print(text, file=out)
    return 0


def _config(path):
    from cxqueue.config import default_config_path, load_scenario

    return load_scenario(Path(path) if path else default_config_path())


def _agents(cfg, args) -> np.ndarray:
    """Agents on duty per interval: --agents N, else the config's staffing requirement."""
    f = cfg.forecast
    if args.agents is not None:
        return np.full(f.n_intervals, float(args.agents))
    from cxqueue.optimize.requirements import staffing_requirements

    patience = math.inf if cfg.patience.is_none else cfg.patience.mean_s
    req = staffing_requirements(f, cfg.target, model=cfg.settings.model, method="sipp", mean_patience_s=patience)
    is_open = cfg.hours.open_mask(f.interval_starts_s, f.interval_s)
    return np.where(is_open, np.asarray(req.agents, dtype=np.float64), 0.0)


def _cmd_import(args, out) -> int:
    from cxqueue.data import concat_histories, estimate_forecast, fit_history, read_history
    from cxqueue.data.history import CallHistory
    from cxqueue.data.profiles import write_profile

    hs = [read_history(Path(p)) for p in args.history]
    for p, h in zip(args.history, hs, strict=True):
        print(f"{p}: {h.report.summary()}", file=sys.stderr)
    outdir = Path(args.out)
    outdir.mkdir(parents=True, exist_ok=True)
    if all(isinstance(h, CallHistory) for h in hs):
        fit = fit_history(concat_histories(hs) if len(hs) > 1 else hs[0], interval_s=args.interval_s)
        table, params = write_profile(fit, outdir, args.name)
        data = {"forecast_csv": str(table), "parameters_csv": str(params), "fit": fit.to_dict()}
        f = fit.forecast
        text = (
            f"wrote {table} (calls and AHT per weekday and {args.interval_s:g} s) and {params}\n"
            f"  {f.calls.sum():.0f} calls per mean week; handle {fit.handle.kind} mean {fit.handle.mean_s:.1f} s "
            f"cv {fit.handle.cv:.2f}; patience {fit.patience.kind} mean {fit.patience.mean_s:.0f} s; "
            f"redial share {fit.redial_share:.3f}"
        )
        return _emit(args, out, {k: v for k, v in data.items() if k != "fit"} | {"name": args.name}, text)
    if len(hs) > 1:
        raise ConfigError("import takes several call logs, or one interval-count file")
    f = estimate_forecast(hs[0], interval_s=args.interval_s, aht_s=args.aht_s)
    path = outdir / f"{args.name}.csv"
    rows = ["interval,start_s,calls,aht_s"] + [
        f"{i},{s:.0f},{c:.6g},{a:.6g}"
        for i, (s, c, a) in enumerate(zip(f.interval_starts_s, f.calls, f.aht_s, strict=True))
    ]
    path.write_text("\n".join(rows) + "\n")
    return _emit(args, out, {"forecast_csv": str(path)}, f"wrote {path} ({f.n_intervals} intervals)")


def _cmd_simulate(args, out) -> int:
    from cxqueue.sim import simulate

    cfg = _config(args.config)
    agents = _agents(cfg, args)
    sc = cfg.scenario(agents, lines=args.lines)
    res = simulate(
        sc,
        replications=args.replications or cfg.settings.replications,
        seed=cfg.settings.seed if args.seed is None else args.seed,
        engine=args.engine,
    )
    t = res.totals
    data = {"config": str(cfg.source), "totals": t.to_dict(), "backlog": res.backlog.to_dict()}
    names = (
        "offered",
        "answered",
        "abandoned",
        "blocked",
        "closed",
        "sl_offered",
        "sl_answered",
        "asa_s",
        "abandon_fraction",
        "blocking_fraction",
        "occupancy",
        "wait_p90_s",
    )
    lines = [
        f"simulated {cfg.name!r}: {res.replications} replications, engine {res.engine}, "
        f"{int(agents.sum())} agent-intervals, lines {sc.lines or 'unlimited'}"
    ]
    for n in names:
        e = getattr(t, n)
        lines.append(f"  {n:18s} {float(e.mean):12.4f} +- {float(np.nan_to_num(e.half_width)):.4f}")
    return _emit(args, out, data, "\n".join(lines))


def _cmd_lines(args, out) -> int:
    from cxqueue.optimize.lines import size_lines

    cfg = _config(args.config)
    agents = _agents(cfg, args)
    blocking = args.blocking or cfg.max_blocking or 0.01
    patience = math.inf if cfg.patience.is_none else cfg.patience.mean_s
    f = cfg.forecast
    is_open = cfg.hours.open_mask(f.interval_starts_s, f.interval_s)  # the closed message holds no line
    f = Forecast(calls=np.where(is_open, f.calls, 0.0), aht_s=f.aht_s, interval_s=f.interval_s, start_s=f.start_s)
    plan = size_lines(
        f,
        agents,
        blocking=blocking,
        mean_patience_s=patience,
        redial_blocked=cfg.redials.blocked,
        redial_abandoned=cfg.redials.abandoned,
        per=args.per,
    )
    text = "\n".join(
        [f"lines for at most {blocking:g} busy signals ({cfg.name!r}, per {args.per}):"]
        + [f"  {label:24s} {int(n):5d} lines" for label, n in zip(plan.period_labels, plan.period_lines, strict=True)]
        + [f"  {plan.message}"]
    )
    return _emit(
        args,
        out,
        {"period_labels": list(plan.period_labels), "period_lines": plan.period_lines, "message": plan.message},
        text,
    )


_WEEK_S = 7 * 86400.0
# search_opening_hours' parameters as [hours_search] names them (for its error messages)
_KEYS = {
    "earliest_open_s": "earliest_open",
    "latest_open_s": "latest_open",
    "earliest_close_s": "earliest_close",
    "latest_close_s": "latest_close",
    "min_demand_covered": "min_calls_covered",
}


def _slot_s(cfg, step_s: float) -> float:
    """The search's slot: the largest length that divides a day, ``step_s`` and the current hours' times."""
    src, interval = cfg.source, cfg.forecast.interval_s
    if abs(step_s - round(step_s)) > 1e-9 or round(step_s) % round(interval) or abs(interval - round(interval)) > 1e-9:
        raise ConfigError(
            f"{src}: [hours_search].step_s must be a multiple of the demand's interval ({interval:g} s), "
            f"so that every time tried starts an interval; got {step_s:g} s"
        )
    slot = math.gcd(round(step_s), 86400)
    for d, day in enumerate(cfg.hours.windows):
        for t in (t for w in day for t in w):
            if abs(t - round(t)) > 1e-9 or round(t) % round(interval):
                raise ConfigError(
                    f"{src}: [hours.{WEEKDAYS[d]}] opens or closes at {t / 3600:g} h, inside one of the "
                    f"demand's {interval:g} s intervals: the hours search cannot evaluate it"
                )
            slot = math.gcd(slot, round(t))
    return float(slot)


def _demand(cfg, slot_s: float) -> np.ndarray:
    """The config's demand as calls per slot of the week from Monday 00:00 (168 values for hours)."""
    f, n = cfg.forecast, round(_WEEK_S / slot_s)
    slot = ((f.interval_starts_s % _WEEK_S) // slot_s).astype(int)
    return np.bincount(slot, weights=f.calls, minlength=n)[:n]


def _carry_over(args, cfg) -> float:
    """``--carry-over``, else the config's share of closed-door callers who redial, else 0.5."""
    if args.carry_over is not None:
        return float(args.carry_over)
    return float(cfg.redials.closed) if cfg.redials.closed > 0 else 0.5


def _cmd_hours(args, out) -> int:
    from cxqueue.config import HoursSearchSettings
    from cxqueue.optimize.hours import evaluate_opening_hours, search_opening_hours

    cfg = _config(args.config)
    hs = cfg.hours_search or HoursSearchSettings()  # no [hours_search] table: its documented defaults
    f = cfg.forecast
    aht = float(np.average(f.aht_s, weights=np.maximum(f.calls, 1e-12)))
    patience = math.inf if cfg.patience.is_none else cfg.patience.mean_s
    demand = _demand(cfg, _slot_s(cfg, hs.step_s))
    kw = dict(
        aht_s=aht,
        target=cfg.target,
        mean_patience_s=patience,
        agent_hour_cost=args.agent_hour_cost,
        penalty_per_lost=args.penalty_per_lost,
        carry_over=_carry_over(args, cfg),
        cost_per_open_hour=hs.cost_per_open_hour,
    )
    current = evaluate_opening_hours(demand, cfg.hours, **kw)
    # days outside `weekdays` keep the config's [hours]; the others are searched within the limits
    fixed = {d: (w[0] if w else None) for d, w in enumerate(cfg.hours.windows) if d not in hs.weekdays}
    limits = dict(
        earliest_open_s=hs.earliest_open_s,
        latest_open_s=hs.latest_open_s,
        earliest_close_s=hs.earliest_close_s,
        latest_close_s=hs.latest_close_s,
        min_open_s=hs.min_open_s,
        step_s=hs.step_s,
        fixed=fixed,
        min_demand_covered=hs.min_calls_covered,
    )
    # the budget: --budget, else the current hours' cost (none when they miss the coverage floor)
    misses = current.coverage < hs.min_calls_covered - 1e-12
    budget = args.budget if args.budget is not None else None if misses else current.cost
    try:
        res = search_opening_hours(demand, budget=budget, **kw, **limits)
    except ConfigError as exc:
        msg = str(exc)
        for name, key in _KEYS.items():
            msg = re.sub(rf"\b{name}\b", key, msg)
        raise ConfigError(f"{cfg.source}: [hours_search]: {msg}") from None
    best = res.best
    text = [
        f"opening hours for {cfg.name!r} ({res.n_plans:.3g} plans searched, {len(res.pareto)} on the frontier)",
        f"  current: {current.describe()} (cost {current.cost:.6g}, covers {current.coverage:.1%} of the demand)",
    ]
    if misses and args.budget is None:
        text.append(
            f"  the current hours cover less than min_calls_covered = {hs.min_calls_covered:g}: no budget "
            "(the best plan by net value; give --budget to cap the cost)"
        )
    if best is not None:
        within = "best" if budget is None else f"best within the budget {budget:.6g}"
        text.append(f"  {within}: {best.describe()} (cost {best.cost:.6g}, covers {best.coverage:.1%})")
    else:
        text.append(f"  {res.message}")
    data = {
        "carry_over": kw["carry_over"],
        "current": current.to_dict(),
        "best": best.to_dict() if best is not None else None,
        "message": res.message,
        "pareto": [p.to_dict() for p in res.pareto],
        "budget": budget,
        "hours_search": hs.to_dict(),
    }
    return _emit(args, out, data, "\n".join(text))


def add_parsers(sub) -> None:
    p = sub.add_parser("import", help="call history -> forecast CSV and fitted parameters")
    p.add_argument("history", nargs="+", help="call log(s) (bank format or call CSV) or one interval-count CSV")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--name", default="profile", help="file name stem (profile)")
    p.add_argument("--interval-s", dest="interval_s", type=float, default=900.0)
    p.add_argument("--aht-s", dest="aht_s", type=float, default=None, help="AHT for interval counts without it")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_import)

    for name, helptext, func in (
        ("simulate", "simulate a config's center (agents from its requirement, or --agents)", _cmd_simulate),
        ("lines", "phone lines for a busy-signal target, per interval, day or horizon", _cmd_lines),
        (
            "hours",
            "search opening hours within [hours_search]: cost against lost calls (budget: the current hours' "
            "cost, or none when they cover less than min_calls_covered)",
            _cmd_hours,
        ),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("config", nargs="?", help="scenario TOML (default: configs/default.toml)")
        p.add_argument("--json", action="store_true")
        if name in ("simulate", "lines"):
            p.add_argument("--agents", type=float, default=None, help="agents on duty in every interval")
        if name == "simulate":
            p.add_argument("--lines", type=int, default=None)
            p.add_argument("--replications", type=int, default=None)
            p.add_argument("--seed", type=int, default=None)
            p.add_argument("--engine", choices=("fast", "simpy"), default="fast")
        if name == "lines":
            p.add_argument("--blocking", type=float, default=None, help="busy-signal target (a fraction)")
            p.add_argument("--per", choices=("interval", "day", "horizon"), default="day")
        if name == "hours":
            p.add_argument("--agent-hour-cost", dest="agent_hour_cost", type=float, default=25.0)
            p.add_argument("--penalty-per-lost", dest="penalty_per_lost", type=float, default=8.0)
            p.add_argument(
                "--carry-over",
                dest="carry_over",
                type=float,
                default=None,
                help="share of callers who find it closed and call at the next opening (default: the "
                "config's [redials].closed if above 0, else 0.5)",
            )
            p.add_argument("--budget", type=float, default=None)
        p.set_defaults(func=func)
