"""``cxqueue staff``: required agents per interval (Erlang C, A or X) for a CSV or numbers, and their KPIs."""

from __future__ import annotations

import json
import math
from pathlib import Path

from cxqueue.cli._common import EXIT_OK
from cxqueue.exceptions import ConfigError

__all__ = ["add_parser", "run"]

# the options staff_table takes under the same names as the command line's
OPTIONS = ("interval_s", "level", "answer_within_s", "model", "mean_patience_s", "lines", "basis", "max_occupancy")
# (row key, column heading, format)
COLUMNS = (
    ("interval", "interval", "{}"),
    ("calls", "calls", "{:.1f}"),
    ("aht_s", "aht_s", "{:.0f}"),
    ("offered_load", "erlangs", "{:.2f}"),
    ("agents", "agents", "{}"),
    ("service_level", "SL", "{:.3f}"),
    ("asa_s", "ASA_s", "{:.1f}"),
    ("wait_probability", "P(wait)", "{:.3f}"),
    ("abandon_probability", "P(aband)", "{:.3f}"),
    ("occupancy", "occ", "{:.3f}"),
)


def add_parser(sub) -> None:
    p = sub.add_parser("staff", help="required agents per interval (Erlang C, A or X)")
    p.add_argument("csv", nargs="?", help="CSV with columns calls and aht_s (optional: interval)")
    p.add_argument("--calls", type=float, nargs="+", help="calls per interval (instead of a CSV)")
    p.add_argument("--aht-s", dest="aht_s", type=float, help="mean handle time, seconds (if the CSV has none)")
    p.add_argument("--interval-s", dest="interval_s", type=float, default=900.0, help="interval length (900)")
    p.add_argument("--level", type=float, default=0.8, help="service-level target as a fraction (0.8)")
    p.add_argument("--answer-within-s", dest="answer_within_s", type=float, default=20.0, help="threshold (20)")
    p.add_argument("--model", choices=("erlang_c", "erlang_a", "erlang_x"), default="erlang_c")
    p.add_argument(
        "--mean-patience-s",
        dest="mean_patience_s",
        type=float,
        default=None,
        help="mean time callers wait before they hang up, seconds: required by erlang_a; "
        "erlang_x without it: nobody hangs up",
    )
    p.add_argument("--lines", type=float, default=math.inf, help="phone lines (erlang_x)")
    p.add_argument("--basis", choices=("offered", "answered", "virtual"), default="offered")
    p.add_argument("--max-occupancy", dest="max_occupancy", type=float, default=None)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def _inputs(args):
    """(labels, calls, aht_s) from the CSV or the --calls/--aht-s numbers."""
    if args.csv is not None:
        from cxqueue.data import read_interval_table

        table = read_interval_table(Path(args.csv))
        if table.aht_s is None and args.aht_s is None:
            raise ConfigError(f"{args.csv}: has no aht_s column; pass --aht-s")
        return table.labels, table.calls, table.aht_s if table.aht_s is not None else args.aht_s
    if args.calls is None or args.aht_s is None:
        raise ConfigError("staff needs a CSV of intervals, or --calls and --aht-s")
    return [str(i) for i in range(len(args.calls))], args.calls, args.aht_s


def _print_table(rows: list[dict], out) -> None:
    cells = [[fmt.format(r[key]) for key, _, fmt in COLUMNS] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, (_, h, _) in enumerate(COLUMNS)]
    print("  ".join(h.rjust(w) for (_, h, _), w in zip(COLUMNS, widths, strict=True)), file=out)
    for c in cells:
        print("  ".join(x.rjust(w) for x, w in zip(c, widths, strict=True)), file=out)


def run(args, out) -> int:
    from cxqueue.optimize.staff_table import staff_table

    if args.model == "erlang_a" and args.mean_patience_s is None:
        raise ConfigError(
            "--model erlang_a needs --mean-patience-s (the mean time callers wait before they hang up, in "
            "seconds): Erlang A without patience is Erlang C; give it, or use --model erlang_c"
        )
    labels, calls, aht = _inputs(args)
    table = staff_table(calls, aht, labels=labels, **{name: getattr(args, name) for name in OPTIONS})
    rows, total = table.rows(), table.total_agent_intervals
    if args.json:
        json.dump({"model": args.model, "intervals": rows, "total_agent_intervals": total}, out, indent=2)
        print(file=out)
        return EXIT_OK
    _print_table(rows, out)
    print(
        f"\n{len(rows)} intervals, model {args.model}, target {args.level:g} within {args.answer_within_s:g} s "
        f"({args.basis}); agent-intervals: {total}",
        file=out,
    )
    return EXIT_OK
