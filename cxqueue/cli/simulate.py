"""``cxqueue simulate``: simulate a config's center with its requirement (or ``--agents``) and print the KPIs."""

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
