"""``cxqueue lines``: phone lines for a busy-signal target, per interval, day or horizon."""

from __future__ import annotations

from cxqueue.cli._common import add_config_argument, emit, load_config

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    p = sub.add_parser("lines", help="phone lines for a busy-signal target, per interval, day or horizon")
    add_config_argument(p)
    p.add_argument("--agents", type=float, default=None, help="agents on duty in every interval")
    p.add_argument("--blocking", type=float, default=None, help="busy-signal target (a fraction)")
    p.add_argument("--per", choices=("interval", "day", "horizon"), default="day")
    p.set_defaults(func=run)


def run(args, out) -> int:
    from cxqueue.plan.tasks import config_lines

    cfg = load_config(args.config)
    plan, blocking = config_lines(cfg, agents=args.agents, blocking=args.blocking, per=args.per)
    text = "\n".join(
        [f"lines for at most {blocking:g} busy signals ({cfg.name!r}, per {args.per}):"]
        + [f"  {label:24s} {int(n):5d} lines" for label, n in zip(plan.period_labels, plan.period_lines, strict=True)]
        + [f"  {plan.message}"]
    )
    data = {"period_labels": list(plan.period_labels), "period_lines": plan.period_lines, "message": plan.message}
    return emit(args, out, data, text)
