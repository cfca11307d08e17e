"""The ``cxqueue`` command: parse arguments, call the library, write the answer.

No queueing logic lives here. Exit codes: 0 ok, 2 usage or configuration error,
3 infeasible (no staffing meets the target).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cxqueue import __version__, erlang_a, erlang_c, erlang_x
from cxqueue.exceptions import ConfigError, InfeasibleError

__all__ = ["main"]

EXIT_OK, EXIT_USAGE, EXIT_INFEASIBLE = 0, 2, 3


@dataclass(frozen=True)
class StaffTable:
    """Required agents and the KPIs they give, per interval."""

    label: list[str]
    calls: np.ndarray
    aht_s: np.ndarray
    offered_load: np.ndarray
    agents: np.ndarray
    service_level: np.ndarray
    asa_s: np.ndarray
    wait_probability: np.ndarray
    abandon_probability: np.ndarray
    occupancy: np.ndarray

    def rows(self) -> list[dict]:
        return [
            {
                "interval": self.label[i],
                "calls": float(self.calls[i]),
                "aht_s": float(self.aht_s[i]),
                "offered_load": float(self.offered_load[i]),
                "agents": int(self.agents[i]),
                "service_level": float(self.service_level[i]),
                "asa_s": float(self.asa_s[i]),
                "wait_probability": float(self.wait_probability[i]),
                "abandon_probability": float(self.abandon_probability[i]),
                "occupancy": float(self.occupancy[i]),
            }
            for i in range(len(self.label))
        ]


def read_interval_table(path: Path) -> tuple[list[str], np.ndarray, np.ndarray | None]:
    """Read a CSV with a ``calls`` column and optionally ``aht_s`` (or ``aht``) and a label."""
    try:
        with path.open(newline="") as fh:
            reader = csv.DictReader(fh)
            fields = [f.strip() for f in (reader.fieldnames or [])]
            rows = list(reader)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the interval CSV ({exc.strerror})") from exc
    if "calls" not in fields:
        raise ConfigError(f"{path}: needs a 'calls' column; found columns {fields}")
    aht_col = "aht_s" if "aht_s" in fields else ("aht" if "aht" in fields else None)
    label_col = next((c for c in ("interval", "start", "time") if c in fields), None)
    labels, calls, aht = [], [], []
    for lineno, row in enumerate(rows, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        try:
            calls.append(float(row["calls"]))
            if aht_col:
                aht.append(float(row[aht_col]))
        except ValueError as exc:
            raise ConfigError(f"{path}:{lineno}: calls and {aht_col} must be numbers; got {row}") from exc
        labels.append(row[label_col] if label_col else str(lineno - 2))
    if not calls:
        raise ConfigError(f"{path}: holds no intervals")
    return labels, np.asarray(calls), (np.asarray(aht) if aht_col else None)


def staff_table(
    calls,
    aht_s,
    *,
    interval_s,
    level,
    answer_within_s,
    model="erlang_c",
    mean_patience_s=math.inf,
    lines=math.inf,
    labels=None,
    basis="offered",
    max_occupancy=None,
) -> StaffTable:
    """Required agents per interval and the KPIs at that staffing (the `staff` command)."""
    calls = np.atleast_1d(np.asarray(calls, dtype=np.float64))
    aht = np.broadcast_to(np.asarray(aht_s, dtype=np.float64), calls.shape)
    from cxqueue.units import offered_load

    load = offered_load(calls, interval_s=interval_s, aht_s=aht)
    kw = dict(aht_s=aht, answer_within_s=answer_within_s)
    if model == "erlang_c":
        agents = erlang_c.agents_for_service_level(load, level=level, max_occupancy=max_occupancy, **kw)
        m = erlang_x.metrics(load, agents, math.inf, **kw)
    elif model == "erlang_a":
        agents = erlang_a.agents_for_service_level(
            load, level=level, mean_patience_s=mean_patience_s, basis=basis, max_occupancy=max_occupancy, **kw
        )
        m = erlang_a.metrics(load, agents, mean_patience_s=mean_patience_s, **kw)
    else:
        agents = erlang_x.agents_for_service_level(
            load, lines, level=level, mean_patience_s=mean_patience_s, basis=basis, max_occupancy=max_occupancy, **kw
        )
        m = erlang_x.metrics(load, agents, lines, mean_patience_s=mean_patience_s, **kw)
    return StaffTable(
        label=list(labels) if labels is not None else [str(i) for i in range(calls.size)],
        calls=calls,
        aht_s=np.asarray(aht),
        offered_load=load,
        agents=agents,
        service_level=m.service_level(basis),
        asa_s=m.average_speed_of_answer_s,
        wait_probability=m.wait_probability,
        abandon_probability=m.abandon_probability,
        occupancy=m.occupancy,
    )


def _print_table(rows: list[dict], out) -> None:
    cols = [
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
    ]
    cells = [[fmt.format(r[key]) for key, _, fmt in cols] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, (_, h, _) in enumerate(cols)]
    print("  ".join(h.rjust(w) for (_, h, _), w in zip(cols, widths, strict=True)), file=out)
    for c in cells:
        print("  ".join(x.rjust(w) for x, w in zip(c, widths, strict=True)), file=out)


def _cmd_staff(args, out) -> int:
    if args.csv is not None:
        labels, calls, aht = read_interval_table(Path(args.csv))
        if aht is None:
            if args.aht_s is None:
                raise ConfigError(f"{args.csv}: has no aht_s column; pass --aht-s")
            aht = np.full(calls.shape, args.aht_s)
    else:
        if args.calls is None or args.aht_s is None:
            raise ConfigError("staff needs a CSV of intervals, or --calls and --aht-s")
        calls = np.asarray(args.calls, dtype=np.float64)
        aht = np.broadcast_to(np.asarray(args.aht_s, dtype=np.float64), calls.shape)
        labels = [str(i) for i in range(calls.size)]
    table = staff_table(
        calls,
        aht,
        interval_s=args.interval_s,
        level=args.level,
        answer_within_s=args.answer_within_s,
        model=args.model,
        mean_patience_s=args.mean_patience_s,
        lines=args.lines,
        labels=labels,
        basis=args.basis,
        max_occupancy=args.max_occupancy,
    )
    rows = table.rows()
    if args.json:
        json.dump(
            {"model": args.model, "intervals": rows, "total_agent_intervals": int(table.agents.sum())}, out, indent=2
        )
        print(file=out)
    else:
        _print_table(rows, out)
        print(
            f"\n{len(rows)} intervals, model {args.model}, target {args.level:g} within {args.answer_within_s:g} s "
            f"({args.basis}); agent-intervals: {int(table.agents.sum())}",
            file=out,
        )
    return EXIT_OK


def _cmd_plan(args, out) -> int:
    from cxqueue.config import default_config_path, load_scenario
    from cxqueue.plan.run import run_plan

    path = Path(args.config) if args.config else default_config_path()
    cfg = load_scenario(path)

    def progress(msg: str) -> None:
        if not args.quiet:
            print(f"cxqueue plan: {msg}", file=sys.stderr, flush=True)

    for note in cfg.notes:
        progress(f"note: {note}")
    result, folder = run_plan(
        cfg, out=args.out, force=args.force, quick=args.quick, figures=not args.no_figures, progress=progress
    )
    summary = {**result.summary(), "folder": str(folder), "config": str(path)}
    if args.json:
        json.dump(summary, out, indent=2)
        print(file=out)
    else:
        print(f"plan for {cfg.name!r} ({path}) written to {folder}/", file=out)
        print(f"  {result.message}", file=out)
        print(
            f"  cost {summary['cost']:.1f} for {summary['shifts']} shifts, {summary['lines']} lines; "
            f"simulated service level {summary['simulated_service_level']:.3f} "
            f"(95 % CI {summary['simulated_service_level_ci'][0]:.3f}-{summary['simulated_service_level_ci'][1]:.3f}), "
            f"ASA {summary['simulated_asa_s']:.1f} s, abandoned {summary['simulated_abandon_fraction']:.3f}, "
            f"busy signals {summary['simulated_blocking_fraction']:.4f}",
            file=out,
        )
        print(f"  open {folder / 'report.html'} for the figures", file=out)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cxqueue", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"cxqueue {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("plan", help="plan agents, shifts and lines for a center and check it by simulation")
    p.add_argument("config", nargs="?", help="scenario TOML (default: configs/default.toml)")
    p.add_argument("--out", help="output folder (default: the config's [output].folder)")
    p.add_argument("--force", action="store_true", help="replace an existing output folder")
    p.add_argument("--quick", action="store_true", help="fewer replications and iterations")
    p.add_argument("--no-figures", dest="no_figures", action="store_true", help="skip the PNG figures")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=_cmd_plan)

    p = sub.add_parser("staff", help="required agents per interval (Erlang C, A or X)")
    p.add_argument("csv", nargs="?", help="CSV with columns calls and aht_s (optional: interval)")
    p.add_argument("--calls", type=float, nargs="+", help="calls per interval (instead of a CSV)")
    p.add_argument("--aht-s", dest="aht_s", type=float, help="mean handle time, seconds (if the CSV has none)")
    p.add_argument("--interval-s", dest="interval_s", type=float, default=900.0, help="interval length (900)")
    p.add_argument("--level", type=float, default=0.8, help="service-level target as a fraction (0.8)")
    p.add_argument("--answer-within-s", dest="answer_within_s", type=float, default=20.0, help="threshold (20)")
    p.add_argument("--model", choices=("erlang_c", "erlang_a", "erlang_x"), default="erlang_c")
    p.add_argument("--mean-patience-s", dest="mean_patience_s", type=float, default=math.inf)
    p.add_argument("--lines", type=float, default=math.inf, help="phone lines (erlang_x)")
    p.add_argument("--basis", choices=("offered", "answered", "virtual"), default="offered")
    p.add_argument("--max-occupancy", dest="max_occupancy", type=float, default=None)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_cmd_staff)

    from cxqueue.cli.more import add_parsers as add_more_parsers
    from cxqueue.cli.sweep import add_parsers as add_sweep_parsers

    add_more_parsers(sub)
    add_sweep_parsers(sub)
    return parser


def main(argv=None, out=None) -> int:
    out = out or sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse's usage errors exit 2 already
        return int(exc.code or 0)
    try:
        return args.func(args, out)
    except InfeasibleError as exc:
        print(f"cxqueue: infeasible: {exc}", file=sys.stderr)
        return EXIT_INFEASIBLE
    except ConfigError as exc:
        print(f"cxqueue: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
