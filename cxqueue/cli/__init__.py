"""The ``cxqueue`` command: parse arguments, call the library, write the answer.

One module per subcommand (``plan``, ``compare``, ``forecast``, ``staff``, ``import_``, ``simulate``,
``lines``, ``hours``, ``sweep``), each with ``add_parser(sub)`` and ``run(args, out)``; no queueing
logic lives here (``tests/cli`` checks that no module imports numpy, scipy or numba).
Exit codes: 0 ok, 2 usage or configuration error (a bad option or config value, a file that cannot be
read or written), 3 infeasible (no staffing meets the target, or a plan whose simulation misses it).
An error is one line on stderr; with ``--json`` it is instead one JSON object on stdout,
``{"error": message, "kind": "usage" | "error" | "infeasible", "exit_code": 2 or 3}``, and stderr
stays silent, so a script reads one stream and parses it whether the command worked or not.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys

from cxqueue import __version__
from cxqueue.cli import compare, forecast, hours, import_, lines, plan, simulate, staff, sweep
from cxqueue.cli._common import EXIT_INFEASIBLE, EXIT_OK, EXIT_USAGE, fail
from cxqueue.exceptions import CxqueueError, InfeasibleError

__all__ = ["EXIT_INFEASIBLE", "EXIT_OK", "EXIT_USAGE", "build_parser", "console", "main"]


class _UsageError(Exception):
    def __init__(self, parser: argparse.ArgumentParser, message: str):
        super().__init__(message)
        self.parser = parser


class _Parser(argparse.ArgumentParser):
    """argparse's parser whose usage errors are raised, so that `main` words them as text or JSON."""

    def error(self, message):
        raise _UsageError(self, message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cxqueue", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"cxqueue {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in (plan, compare, forecast, staff, import_, simulate, lines, hours):
        command.add_parser(sub)
    sweep.add_parsers(sub)
    return parser


def main(argv=None, out=None) -> int:
    out = out or sys.stdout
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        if "--json" not in argv:  # as argparse words it
            exc.parser.print_usage(sys.stderr)
            print(f"{exc.parser.prog}: error: {exc}", file=sys.stderr)
        return fail(out, f"{exc.parser.prog}: {exc}", "usage", EXIT_USAGE, "--json" in argv)
    except SystemExit as exc:  # --help, --version
        return int(exc.code or 0)
    as_json = bool(getattr(args, "json", False))
    try:
        return args.func(args, out)
    except InfeasibleError as exc:
        return fail(out, str(exc), "infeasible", EXIT_INFEASIBLE, as_json)
    except BrokenPipeError:
        raise
    except (CxqueueError, ValueError, OSError) as exc:  # ConfigError is a ValueError; OSError: a file not read
        return fail(out, str(exc), "error", EXIT_USAGE, as_json)


def console() -> None:
    """The ``cxqueue`` program: `main`, then exit without a last walk over every object.

    The process ends here, so the interpreter's final garbage collection would only free
    what the operating system frees anyway (numba, scipy and matplotlib leave a large
    heap; the walk cost about 0.6 s of a 3 s plan). ``gc.freeze`` leaves it out.
    """
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away (`cxqueue staff ... | head`): stop quietly, as Unix tools do;
        # stdout goes to devnull so that the interpreter's last flush raises nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 141  # 128 + SIGPIPE, as a shell reports it
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    console()
