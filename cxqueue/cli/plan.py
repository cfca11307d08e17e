"""``cxqueue plan``: plan agents, shifts and lines for a center, check the plan by simulation, write its folder."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cxqueue.cli._common import EXIT_INFEASIBLE, EXIT_OK, EXIT_WARNINGS

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    p = sub.add_parser("plan", help="plan agents, shifts and lines for a center and check it by simulation")
    p.add_argument("config", nargs="?", help="scenario TOML (default: configs/default.toml)")
    p.add_argument("--out", help="output folder (default: the config's [output].folder)")
    p.add_argument("--force", action="store_true", help="replace an existing output folder")
    p.add_argument("--quick", action="store_true", help="fewer replications and iterations")
    p.add_argument("--no-figures", dest="no_figures", action="store_true", help="skip the PNG figures")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr (warnings are still printed)")
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="TABLE.KEY=VALUE",
        help="replace a config value for this run (a what-if), e.g. --set staffing.max_agents=8; repeatable",
    )
    p.add_argument("--strict", action="store_true", help="exit with code 4 when the plan carries any warning")
    p.set_defaults(func=run)


def run(args, out) -> int:
    from cxqueue.config import default_config_path, load_scenario
    from cxqueue.plan import run_plan

    path = Path(args.config) if args.config else default_config_path()
    cfg = load_scenario(path, overrides=args.overrides)

    def progress(msg: str) -> None:
        if not args.quiet:
            print(f"cxqueue plan: {msg}", file=sys.stderr, flush=True)

    for note in cfg.notes:
        progress(f"note: {note}")
    result, folder = run_plan(
        cfg, out=args.out, force=args.force, quick=args.quick, figures=not args.no_figures, progress=progress
    )
    written = json.loads(folder.joinpath("summary.json").read_text())
    summary = {**written, "folder": str(folder), "config": str(path)}
    # a plan whose simulation misses the target is written (to look at) but exits 3, with the reason;
    # under --strict any warning (that one included) exits 4
    code = EXIT_OK if result.converged else EXIT_INFEASIBLE
    for w in result.warnings:
        print(f"cxqueue plan: warning: {w}", file=sys.stderr)
    if args.strict and result.warnings:
        code = EXIT_WARNINGS
    if args.json:
        json.dump(summary, out, indent=2)
        print(file=out)
        return code
    print(f"plan for {cfg.name!r} ({path}) written to {folder}/", file=out)
    print(f"  {summary['recommendation']}", file=out)
    print(f"  {summary['promise']}", file=out)
    if summary.get("forecast_promise"):
        print(f"  under the forecast's uncertainty: {summary['forecast_promise']['statement']}", file=out)
    print(f"  {result.message}", file=out)
    if result.warnings:
        print(f"  {len(result.warnings)} warning(s), first in the report: {result.warnings[0].code}", file=out)
    print(f"  open {folder.joinpath('report.html')} for the figures", file=out)
    return code
