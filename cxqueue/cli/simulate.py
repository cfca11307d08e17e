"""``cxqueue simulate``: simulate a config's center with its requirement (or ``--agents``) and print the KPIs.

A multi-skill config (``[call_types]``, ``[groups]``) prints the KPIs per call type and the
occupancy per group (`cxqueue.plan.multiskill.simulate_multiskill_config`).
"""

from __future__ import annotations

from cxqueue.cli._common import add_config_argument, emit, load_config

__all__ = ["add_parser", "run"]

KPIS = (
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


def add_parser(sub) -> None:
    p = sub.add_parser("simulate", help="simulate a config's center (agents from its requirement, or --agents)")
    add_config_argument(p)
    p.add_argument("--agents", type=float, default=None, help="agents on duty in every interval")
    p.add_argument("--lines", type=int, default=None)
    p.add_argument("--replications", type=int, default=None)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--engine", choices=("fast", "simpy"), default="fast")
    p.set_defaults(func=run)


def run(args, out) -> int:
    from cxqueue.plan.tasks import simulate_config

    cfg = load_config(args.config)
    if cfg.multiskill is not None:
        return run_multiskill(args, out, cfg)
    res, sc = simulate_config(
        cfg, agents=args.agents, lines=args.lines, replications=args.replications or None, seed=args.seed,
        engine=args.engine,
    )  # fmt: skip
    t = res.totals
    data = {"config": str(cfg.source), "totals": t.to_dict(), "backlog": res.backlog.to_dict()}
    text = [
        f"simulated {cfg.name!r}: {res.replications} replications, engine {res.engine}, "
        f"{int(sc.agents.sum())} agent-intervals, lines {sc.lines or 'unlimited'}"
    ]
    for name in KPIS:
        e = getattr(t, name)
        half = f"{float(e.half_width):.4f}".replace("nan", "n/a")  # one replication: no interval
        text.append(f"  {name:18s} {float(e.mean):12.4f} +- {half}")
    return emit(args, out, data, "\n".join(text))


def _est(e, fmt: str) -> str:
    half = format(float(e.half_width), fmt).replace("nan", "n/a")  # one replication: no interval
    return f"{format(float(e.mean), fmt)} +- {half}"


def run_multiskill(args, out, cfg) -> int:
    from cxqueue.plan.multiskill import simulate_multiskill_config

    run = simulate_multiskill_config(cfg, agents=args.agents, lines=args.lines, replications=args.replications,
                                     seed=args.seed)  # fmt: skip
    r = run.result
    text = [
        f"simulated {run.name!r}: multi-skill center, {r.replications} replications, engine {run.engine}, "
        f"{len(run.types)} call types, {len(run.groups)} groups (95 % intervals)",
        f"  {'call type':12s} {'offered':>18s} {'service level':>17s} {'target':>12s} {'ASA s':>16s} "
        f"{'abandoned':>17s} {'transferred':>16s} {'backlog':>16s} {'missed':>16s} {'reached':>18s}",
    ]
    for t in (*run.types, run.overall):
        target = f"{t.target_level:.0%} in {t.answer_within_s:g}s" if t.target_level is not None else "own"
        text.append(
            f"  {t.name:12s} {_est(t.offered, '.1f'):>18s} {_est(t.service_level, '.1%'):>17s} {target:>12s} "
            f"{_est(t.asa_s, '.1f'):>16s} {_est(t.abandon_fraction, '.1%'):>17s} {_est(t.transferred, '.1f'):>16s} "
            f"{_est(t.backlog, '.1f'):>16s} {_est(t.missed, '.1f'):>16s} {_est(t.reached, '.1f'):>18s}"
        )
    text.append(f"  {'group':12s} {'agent-hours':>16s} {'occupancy':>17s} {'answered':>18s}  skills")
    for g in run.groups:
        text.append(
            f"  {g.name:12s} {_est(g.agent_hours, '.1f'):>16s} {_est(g.occupancy, '.1%'):>17s} "
            f"{_est(g.answered, '.1f'):>18s}  {', '.join(g.skills)}"
        )
    return emit(args, out, run.to_dict(), "\n".join(text))
