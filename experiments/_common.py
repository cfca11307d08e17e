"""What the experiments' ``run.py`` scripts share: the command line, the sweep, its failures, the outputs.

A ``run.py`` runs as a script, so it puts this folder on ``sys.path`` before importing
from here; worker processes inherit that path.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

__all__ = ["command_line", "save_figure", "sweep", "sweep_failed", "write_summary"]


def command_line(doc: str, here: Path, argv, *, quick_help: str, jobs: tuple[int | None, int | None]):
    """``--quick``, ``--out`` (created), ``--config`` and ``--jobs`` of the experiment in folder ``here``.

    ``jobs`` is the number of worker processes when ``--jobs`` is not given, (with
    ``--quick``, without); None lets the sweep use every core.
    """
    quick, full = ("every core" if n is None else str(n) for n in jobs)
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help=quick_help)
    ap.add_argument("--out", type=Path, default=here / "out", help="output folder (default: %(default)s)")
    ap.add_argument("--config", type=Path, default=here / "config.toml", help="constants (default: %(default)s)")
    ap.add_argument(
        "--jobs",
        type=int,
        default=None,
        help=f"worker processes (default: {full})" if quick == full else
        f"worker processes (default: {quick} with --quick, else {full})",
    )  # fmt: skip
    args = ap.parse_args(argv)
    if args.jobs is None:
        args.jobs = jobs[0] if args.quick else jobs[1]
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def sweep(spec: dict, args):
    """Run the sweep ``spec`` into ``args.out / "results.sqlite"`` on ``args.jobs`` workers: (result, seconds)."""
    from cxqueue.sweep import SweepSpec, run_sweep

    t0 = time.perf_counter()
    res = run_sweep(
        SweepSpec.from_dict(spec), store=args.out / "results.sqlite", jobs=args.jobs, progress=sys.stderr.isatty()
    )
    return res, time.perf_counter() - t0


def sweep_failed(res, what: str = "points") -> bool:
    """True, with the first failure on stderr, when some points of the sweep result ``res`` failed."""
    if not res.n_error:
        return False
    first = res.errors()[0]
    print(f"{res.name}: {res.n_error} {what} failed; first: {first.params} {first.error}", file=sys.stderr)
    return True


def write_summary(out: Path, summary: dict, *, quick: bool, timing_s: dict) -> None:
    """``out/summary.json``: the summary with its timing and whether the run was quick."""
    summary["timing_s"] = timing_s
    summary["quick"] = bool(quick)
    (out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")


def save_figure(fig, path: Path, *, dpi: int) -> None:
    """Write ``fig`` to ``path`` (its folder created) and close it."""
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
