"""``cxqueue import``: call history in, a profile (forecast and fitted parameters) out."""

from __future__ import annotations

import sys

from cxqueue.cli._common import emit

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    p = sub.add_parser("import", help="call history -> forecast CSV and fitted parameters")
    p.add_argument("history", nargs="+", help="call log(s) (bank format or call CSV) or one interval-count CSV")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--name", default="profile", help="file name stem (profile)")
    p.add_argument("--interval-s", dest="interval_s", type=float, default=900.0)
    p.add_argument("--aht-s", dest="aht_s", type=float, default=None, help="AHT for interval counts without it")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args, out) -> int:
    from cxqueue.data import import_history

    result = import_history(args.history, args.out, name=args.name, interval_s=args.interval_s, aht_s=args.aht_s)
    for report in result.reports:  # each summary begins with its file
        print(report.summary(), file=sys.stderr)
    return emit(args, out, result.to_dict(), result.describe())
