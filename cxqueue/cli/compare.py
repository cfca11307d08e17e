"""``cxqueue compare``: plan folders side by side (cost, shifts, lines, KPIs and their differences)."""

from __future__ import annotations

from pathlib import Path

from cxqueue.cli._common import emit

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    p = sub.add_parser(
        "compare",
        help="plan folders side by side: cost, shifts, lines and KPIs, and each plan's difference against the first",
    )
    p.add_argument(
        "plans", nargs="+", metavar="PLAN", help="plan folders written by `cxqueue plan` (the first is the baseline)"
    )
    p.add_argument("--json", action="store_true", help="print the table as JSON")
    p.add_argument("--html", metavar="PATH", help="also write the table as a self-contained HTML page")
    p.set_defaults(func=run)


def run(args, out) -> int:
    from cxqueue.plan.compare import compare_plans

    comparison = compare_plans(args.plans)
    text = comparison.text()
    if args.html:
        Path(args.html).write_text(comparison.html(), encoding="utf-8")
        text += f"\n\nwritten to {args.html}"
    return emit(args, out, comparison.to_dict(), text)
