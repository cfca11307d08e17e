"""The ``sweep`` and ``plot`` subcommands: parse, call the library, write. No logic here.

``cxqueue.cli`` calls :func:`add_parsers`; ``python -m cxqueue.sweep`` runs :func:`main`.
Each subcommand sets ``func(args, out=None)``: it takes the parsed args (and the text
stream for results, default stdout) and returns an exit code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cxqueue.exceptions import ConfigError, CxqueueError

__all__ = ["add_parsers", "main", "plot_command", "sweep_command"]


def add_parsers(subparsers) -> None:
    """Add ``sweep`` and ``plot`` to an ``argparse`` subparsers object.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="cxqueue")
    >>> add_parsers(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["sweep", "s.toml", "-j", "2", "--export", "csv", "out.csv"])
    >>> args.jobs, args.export, args.func is sweep_command
    (2, ['csv', 'out.csv'], True)
    """
    p = subparsers.add_parser(
        "sweep",
        help="run a parameter sweep (resumable; results in SQLite)",
        description="Run every point of a sweep spec not yet in the store, in parallel; a rerun resumes.",
    )
    p.add_argument("spec", metavar="SPEC.toml", help="the sweep spec: [sweep], [base] and [grid]")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="local worker processes (default: every core; 1 runs serially)",
    )
    where.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT", help="run on this Dask scheduler")
    where.add_argument(
        "--dask-local", type=int, default=None, metavar="N", help="start a local Dask cluster of N worker processes"
    )
    p.add_argument("--store", default=None, metavar="PATH", help="SQLite results file (default: ./<spec name>.sqlite)")
    p.add_argument(
        "--export",
        nargs=2,
        default=None,
        metavar=("FORMAT", "PATH"),
        help="also write the sweep's points as a flat file; FORMAT is csv",
    )
    p.add_argument("--retry-errors", action="store_true", help="compute again the points stored as failed")
    p.add_argument("--allow-code", action="store_true", help='accept compute = "module:function": trusted code')
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=sweep_command)

    q = subparsers.add_parser(
        "plot",
        help="plot sweep results: a metric against a key",
        description="Plot METRIC against KEY from a results store or CSV, lines by --hue, panels by --facet. "
        "Points that differ only in a grid key the figure does not show are not averaged: that is an error "
        "naming the key; show it with --hue or --facet, or keep one value with --where KEY=VALUE.",
    )
    q.add_argument("results", metavar="RESULTS", help="a sweep store (.sqlite) or its CSV export")
    q.add_argument("--x", required=True, metavar="KEY", help="grid key (or metric) on the x axis")
    q.add_argument("--y", required=True, metavar="METRIC", help="metric on the y axis")
    q.add_argument("--hue", default=None, metavar="KEY", help="one line per value of KEY")
    q.add_argument("--facet", default=None, metavar="KEY", help="one panel per value of KEY")
    q.add_argument("--where", action="append", default=[], metavar="KEY=VALUE", help="only points with this value")
    q.add_argument("--sweep", default=None, metavar="NAME", help="the sweep to plot when the store holds several")
    q.add_argument(
        "-o",
        "--output",
        default=None,
        metavar="OUT.png",
        help="the figure (default: <RESULTS stem>-<METRIC>-vs-<KEY>.png beside RESULTS)",
    )
    q.set_defaults(func=plot_command)


def sweep_command(args: argparse.Namespace, out=None) -> int:
    """Run ``cxqueue sweep``; 0 when every point is stored as ok, 1 when some failed."""
    out = out or sys.stdout
    from cxqueue.sweep.executors import exit_on_signals, make_executor
    from cxqueue.sweep.run import run_sweep
    from cxqueue.sweep.spec import load_spec
    from cxqueue.sweep.store import write_csv

    spec = load_spec(args.spec, allow_code=args.allow_code)
    if args.export is not None and args.export[0].lower() != "csv":
        raise ConfigError(f"--export FORMAT must be 'csv'; got {args.export[0]!r}")
    store = Path(args.store) if args.store else Path(f"{Path(args.spec).stem}.sqlite")
    with exit_on_signals():  # SIGTERM: shut the workers down and close a Dask client on the way out
        executor = make_executor(jobs=args.jobs, scheduler=args.scheduler, dask_local=args.dask_local)
        try:
            res = run_sweep(
                spec, store=store, executor=executor, progress=not args.no_progress, retry_errors=args.retry_errors
            )
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
    print(
        f"{res.name}: {res.n_points} points ({res.n_run} computed, {res.n_skipped} already stored): "
        f"{res.n_ok} ok, {res.n_error} failed, {res.elapsed_s:.1f} s -> {res.store_path}",
        file=out,
    )
    if args.export is not None:
        print(f"wrote {write_csv(res.points, args.export[1])}", file=out)
    if res.n_error:
        for rec in res.errors()[:5]:
            print(f"  point {rec.index} {rec.params}: {rec.error}", file=sys.stderr)
        print(f"{res.n_error} point(s) failed; fix the cause and rerun with --retry-errors", file=sys.stderr)
        return 1
    return 0


def plot_command(args: argparse.Namespace, out=None) -> int:
    """Run ``cxqueue plot``: write the figure and print its path."""
    from cxqueue.sweep.plot import plot_results

    keys = ("x", "y", "hue", "facet", "where", "sweep", "output")
    res = plot_results(args.results, **{k: getattr(args, k) for k in keys})
    print(f"wrote {res.path}", file=out or sys.stdout)
    return 0


def main(argv=None) -> int:
    """``python -m cxqueue.sweep {sweep,plot} ...``; errors print one line and exit 2."""
    parser = argparse.ArgumentParser(prog="python -m cxqueue.sweep", description="cxqueue sweeps and their plots")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CxqueueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
