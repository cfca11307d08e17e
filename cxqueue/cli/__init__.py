"""The ``cxqueue`` command: parse arguments, call the library, write the answer.

One module per subcommand (``plan``, ``compare``, ``forecast``, ``staff``, ``import_``, ``simulate``,
``lines``, ``hours``, ``sweep``), each with ``add_parser(sub)`` and ``run(args, out)``; no queueing
logic lives here (``tests/cli`` checks that no module imports numpy, scipy or numba).
Exit codes: 0 ok, 2 usage or configuration error, 3 infeasible (no staffing meets the target, or a
plan whose simulation misses it).
"""

from __future__ import annotations

import argparse
import gc
import sys

from cxqueue import __version__
from cxqueue.cli import compare, forecast, hours, import_, lines, plan, simulate, staff, sweep
from cxqueue.cli._common import EXIT_INFEASIBLE, EXIT_OK, EXIT_USAGE
from cxqueue.exceptions import ConfigError, InfeasibleError

__all__ = ["EXIT_INFEASIBLE", "EXIT_OK", "EXIT_USAGE", "build_parser", "console", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cxqueue", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"cxqueue {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in (plan, compare, forecast, staff, import_, simulate, lines, hours):
        command.add_parser(sub)
    sweep.add_parsers(sub)
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


def console() -> None:
    """The ``cxqueue`` program: `main`, then exit without a last walk over every object.

    The process ends here, so the interpreter's final garbage collection would only free
    what the operating system frees anyway (numba, scipy and matplotlib leave a large
    heap; the walk cost about 0.6 s of a 3 s plan). ``gc.freeze`` leaves it out.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    console()
