"""What every subcommand shares: exit codes, reading the config, printing text or JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["EXIT_INFEASIBLE", "EXIT_OK", "EXIT_USAGE", "EXIT_WARNINGS", "emit", "fail", "load_config"]

#: 4: ``--strict`` and the plan carries warnings (`cxqueue.scenario.PlanWarning`)
EXIT_OK, EXIT_USAGE, EXIT_INFEASIBLE, EXIT_WARNINGS = 0, 2, 3, 4


def _plain(o):
    """JSON for what json does not know: arrays (and numpy numbers) as lists and numbers, the rest as text."""
    return o.tolist() if hasattr(o, "tolist") else str(o)


def emit(args, out, data: dict, text: str) -> int:
    """Print ``data`` as JSON with ``--json``, else ``text``; exit code 0."""
    if args.json:
        json.dump(data, out, indent=2, default=_plain)
        print(file=out)
    else:
        print(text, file=out)
    return EXIT_OK


def fail(out, message: str, kind: str, code: int, as_json: bool) -> int:
    """Report an error and return its exit code: ``cxqueue: KIND: message`` on stderr, or with
    ``--json`` ``{"error", "kind", "exit_code"}`` on ``out`` (stdout) and nothing on stderr."""
    if as_json:
        json.dump({"error": message, "kind": kind, "exit_code": code}, out, indent=2)
        print(file=out)
    elif kind != "usage":  # argparse's own words are already on stderr
        print(f"cxqueue: {kind}: {message}", file=sys.stderr)
    return code


def load_config(path):
    """The config at ``path``, or ``configs/default.toml`` without one."""
    from cxqueue.config import default_config_path, load_scenario

    return load_scenario(Path(path) if path else default_config_path())


def add_config_argument(p) -> None:
    p.add_argument("config", nargs="?", help="scenario TOML (default: configs/default.toml)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
