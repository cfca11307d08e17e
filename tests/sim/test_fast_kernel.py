"""The fast engine's kernel and its driver: one signature, growth, compiling ahead.

The driver (`cxqueue.sim.fast`) coerces every argument to `_kernels.SIGNATURE`, so that
numba compiles the kernel once whatever the callers' arrays look like; it grows the
kernel's arrays when asked, which must not change any answer; `warm_up` compiles the
kernel in a child process whose cache entry the caller then loads, and the child never
outlives its parent.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from cxqueue.sim import _kernels, fast, sample_callers, simulate
from cxqueue.sim.arrivals import _TABLES
from cxqueue.sim.records import WAIT_EDGES_S
from tests.conftest import needs_jit
from tests.sim import scenarios

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = ("busy_day", "callback_center", "shift_change", "weekly", "reserve_center")


def _read_only(callers):
    """The same callers with every array read-only (as a memory-mapped file would give)."""
    arrays = {name: np.array(getattr(callers, name)) for name in ("arrival_s", "cls", *_TABLES)}
    for a in arrays.values():
        a.setflags(write=False)
    return replace(callers, **arrays)


def _counting_codes(monkeypatch) -> list[int]:
    """Record every code `_kernels.step` returns to the driver."""
    codes: list[int] = []
    step = _kernels.step

    def counting(*args):
        codes.append(int(step(*args)))
        return codes[-1]

    monkeypatch.setattr(fast.k, "step", counting)
    return codes


def test_bin_is_searchsorted_left():
    edges = np.array(WAIT_EDGES_S)
    w = np.concatenate([edges[1:-1], edges[1:-1] + 1e-9, edges[1:-1] - 1e-9, [1e-12, 0.5, 7e4, 1e6, np.inf]])
    got = [_kernels._bin(edges, x) for x in w]
    assert got == np.searchsorted(edges, w).tolist()


@pytest.mark.parametrize("name", SCENARIOS)
def test_growing_every_array_changes_no_answer(name, monkeypatch):
    sc = getattr(scenarios, name)()
    if name == "busy_day":
        sc = sc.replace(agents=np.minimum(sc.agents, 3))  # few agents, many waiting: the heap grows
    callers = sample_callers(sc, 3)
    ref = fast.run_fast(sc, callers, record=True)
    codes = _counting_codes(monkeypatch)
    monkeypatch.setattr(fast, "_CAP", 2)  # two rows of everything: every array grows, many times
    small = fast.run_fast(sc, callers, record=True)
    grown = {_kernels.GROW_SLOTS, _kernels.GROW_QUEUES, _kernels.GROW_LOG}
    assert grown | ({_kernels.GROW_HEAP} if name == "busy_day" else set()) <= set(codes)
    assert codes[-1] == _kernels.DONE and codes.count(_kernels.DONE) == 1
    for field in ("counts", "time_s", "wait_hist", "backlog"):
        np.testing.assert_array_equal(getattr(small, field), getattr(ref, field), err_msg=field)
    for col in ref.calls.dtype.names:
        np.testing.assert_array_equal(small.calls[col], ref.calls[col], err_msg=col)


@needs_jit
def test_one_signature_whatever_the_inputs():
    for name in SCENARIOS:
        sc = getattr(scenarios, name)()
        simulate(sc, replications=2, seed=1, engine="fast", record_calls=True)
        simulate(sc, replications=1, seed=2, engine="fast")
        callers = sample_callers(sc, 5)
        a = fast.run_fast(sc, callers, record=True)
        b = fast.run_fast(sc, _read_only(callers), record=True)
        np.testing.assert_array_equal(a.counts, b.counts)
    sc = scenarios.shift_change()
    simulate(sc, replications=2, seed=1, engine="fast", arrival_s=[5.0, 60.0, 61.0])
    assert _kernels.step.signatures == [_kernels.SIGNATURE]
    assert _kernels.status() == "compiled"


# warm_up starts a child only with a second CPU to run it on
two_cpus = pytest.mark.skipif(
    len(os.sched_getaffinity(0)) < 2 if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1) < 2,
    reason="warm_up starts no child on one CPU",
)


def _python(code: str, **env) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter that imports this tree's cxqueue."""
    full = {**os.environ, "PYTHONPATH": str(REPO), **env}
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=600)


def test_warm_up_without_jit_does_nothing():
    p = _python(
        "from cxqueue.sim import _kernels, warm_up, warmup\nprint(_kernels.status(), warm_up(), warmup._child)\n",
        NUMBA_DISABLE_JIT="1",
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["nojit", "False", "None"]


@needs_jit
@two_cpus
def test_warm_up_compiles_in_a_child_and_the_caller_loads_it(tmp_path):
    code = """
from cxqueue.scenario import Forecast, Scenario
from cxqueue.sim import _kernels, simulate, warm_up, warmup
before = _kernels.status()
started = warm_up() and warm_up()  # the second call finds the child under way
child = warmup._child
res = simulate(Scenario(Forecast([30.0, 30.0], 180.0, interval_s=900.0), agents=8), replications=2, seed=1,
               engine="fast")
stats = _kernels.step.stats
print(before, started, child.returncode, warmup._child, sum(stats.cache_hits.values()),
      sum(stats.cache_misses.values()), _kernels.status(), warm_up())
"""
    cache = tmp_path / "numba"
    p = _python(code, NUMBA_CACHE_DIR=str(cache))
    assert p.returncode == 0, p.stderr
    # cold before; a child compiled and exited 0; this process loaded its entry (one hit, no miss)
    assert p.stdout.split() == ["cold", "True", "0", "None", "1", "0", "compiled", "False"]
    again = _python("from cxqueue.sim import _kernels, warm_up\nprint(_kernels.status(), warm_up())",
                    NUMBA_CACHE_DIR=str(cache))  # fmt: skip
    assert again.stdout.split() == ["cached", "False"], again.stderr


def _gone(pid: int) -> bool:
    """True once process ``pid`` has ended (waits up to a minute for it, without polling)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], 60.0)[0])
    finally:
        os.close(fd)


@needs_jit
@two_cpus
@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs os.pidfd_open (Linux)")
@pytest.mark.parametrize("exit_call", ["raise SystemExit(0)", "os._exit(0)"])
def test_the_child_never_outlives_its_parent(tmp_path, exit_call):
    # a normal exit ends the child in an exit handler; a hard exit (no handlers) leaves
    # the child to notice that its parent is gone and end itself
    code = "import os\nfrom cxqueue.sim import warm_up, warmup\nassert warm_up()\n"
    code += "print(warmup._child.pid, flush=True)\n"
    p = _python(code + exit_call, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    assert p.returncode == 0, p.stderr
    assert _gone(int(p.stdout.split()[0]))


@needs_jit
@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs os.sched_setaffinity (Linux)")
def test_warm_up_on_one_cpu_does_nothing(tmp_path):
    # a child could only take turns with its parent: the kernel compiles when it is needed
    code = "import os\nos.sched_setaffinity(0, {min(os.sched_getaffinity(0))})\n"
    code += "from cxqueue.sim import _kernels, warm_up, warmup\nprint(_kernels.status(), warm_up(), warmup._child)\n"
    p = _python(code, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["cold", "False", "None"]
