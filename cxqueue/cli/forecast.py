"""``cxqueue forecast``: a call history in, calls per future interval with their band out."""

from __future__ import annotations

import sys
from pathlib import Path

from cxqueue.cli._common import emit

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    p = sub.add_parser(
        "forecast",
        help="forecast calls per interval (with a band) from a history, or backtest the methods",
        description="Forecast calls per interval for the days after a history (interval counts or call logs), "
        "with the central --level band; --origin with a time updates that day from its counts so far.",
    )
    p.add_argument("history", nargs="+", help="an interval-count CSV, or call log(s)")
    p.add_argument("--origin", default=None, help="YYYY-MM-DD (first day) or YYYY-MM-DDTHH:MM (update that day)")
    p.add_argument("--days", type=int, default=7, help="calendar days to forecast (1 to 42; default 7)")
    p.add_argument("--method", default="auto", help="auto (chosen by backtest), weekday_mean or day_factor")
    p.add_argument("--level", type=float, default=0.9, help="central band of calls_lo..calls_hi (default 0.9)")
    p.add_argument("--interval-s", dest="interval_s", type=float, default=None, help="interval length, seconds")
    p.add_argument("--backtest", action="store_true", help="print the backtest table and write its figure")
    p.add_argument("--origins", type=int, default=40, help="backtest: days tested, one day ahead (default 40)")
    p.add_argument("--out", default=None, help="the CSV (or, with --backtest, the PNG) to write")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args, out) -> int:
    from cxqueue.forecast import backtest
    from cxqueue.forecast.run import forecast_from, read_interval_history, write_forecast_csv

    print(f"cxqueue forecast: reading {', '.join(args.history)}", file=sys.stderr, flush=True)
    history = read_interval_history(args.history, interval_s=args.interval_s)
    for warning in history.warnings:
        print(f"cxqueue forecast: warning: {warning}", file=sys.stderr)
    if args.backtest:
        print(f"cxqueue forecast: backtest over {args.origins} days", file=sys.stderr, flush=True)
        bt = backtest(history, args.method, origins=args.origins, horizon=1)
        figure = Path(args.out or f"{Path(args.history[0]).stem}-backtest.png")
        bt.plot().figure.savefig(figure, dpi=110)
        return emit(args, out, {**bt.to_dict(), "figure": str(figure)}, f"{bt.table()}\nwrote {figure}")
    fc = forecast_from(history, origin=args.origin, days=args.days, method=args.method)
    for warning in fc.warnings:
        if warning not in history.warnings:  # said above
            print(f"cxqueue forecast: warning: {warning}", file=sys.stderr)
    path = write_forecast_csv(fc, args.out or "forecast.csv", level=args.level)
    text = (
        f"{fc.method} forecast of {fc.n_intervals} intervals on {fc.n_days} day(s) "
        f"({fc.dates[0]} .. {fc.dates[-1]}), {fc.daily_mean.sum():.0f} calls in all -> {path}"
    )
    return emit(args, out, {**fc.to_dict(), "csv": str(path)}, text)
