"""Issue 11, acceptance 1: a fuzz of every public analytic function, in subprocesses.

`tests/analytic/fuzz.py` holds the draws and the rules (a result in range with no NaN, or
an error naming a parameter). Here the functions are split into `GROUPS` worker
processes, two at a time (this machine's cores); each worker gives every function
`fuzz.LIMIT_S` seconds, so a call that never returns fails the test with the stack of the
hang instead of stalling the suite. Under NUMBA_DISABLE_JIT=1 the workers draw a quarter
of the examples (`strategies.profile`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cxqueue
from tests.analytic import fuzz
from tests.conftest import NO_JIT, REPO

GROUPS = 4
WORKERS = 2


def _groups() -> list[list[str]]:
    names = list(fuzz.functions())
    return [names[i::GROUPS] for i in range(GROUPS)]


def _run(names: list[str]) -> tuple[list[str], subprocess.CompletedProcess]:
    # the workers import this checkout's cxqueue and tests, whatever is installed
    paths = [str(Path(cxqueue.__file__).resolve().parents[1]), str(REPO)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([*paths, os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(
        [sys.executable, "-m", "tests.analytic.fuzz", *names],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=fuzz.LIMIT_S * len(names) + 120,
    )
    return names, proc


def test_every_public_analytic_function_is_fuzzed():
    names = fuzz.functions()
    assert len(names) == 33, sorted(names)  # offered_load and the 32 functions of the four models
    assert {n.split(".")[0] for n in names} == {"offered_load", "erlang_b", "erlang_c", "erlang_a", "erlang_x"}


def test_fuzz_every_public_analytic_function():
    want = fuzz.EXAMPLES // 4 if NO_JIT else fuzz.EXAMPLES
    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(_run, _groups()))
    figures, failures = [], []
    for names, proc in results:
        done = {}
        for line in proc.stdout.splitlines():
            if line.startswith("FUZZ "):
                _, name, count, seconds = line.split()
                done[name] = (int(count), float(seconds))
        figures += [f"{n}: {c} examples in {s:.1f} s" for n, (c, s) in done.items()]
        missing = [n for n in names if n not in done]
        short = [n for n, (c, _) in done.items() if c < want]
        if proc.returncode != 0 or missing or short:
            tail = "\n".join(proc.stderr.splitlines()[-40:])
            failures.append(f"worker {names}: exit {proc.returncode}, unfinished {missing}, short {short}\n{tail}")
    print("\n".join(figures))
    assert not failures, "\n\n".join(failures)
