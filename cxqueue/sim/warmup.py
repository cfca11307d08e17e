"""Compile the fast engine ahead, in a child process, while the caller does other work.

numba compiles the fast engine's kernel (`cxqueue.sim._kernels.step`) the first time it
runs and keeps it in its cache; on a fresh install that first compile takes seconds, and
a planner's first ``cxqueue plan`` would wait for it after the analytic requirements
and the shift schedule. `warm_up` starts that compile at once in a child process; the
caller goes on (analytic kernels, the MILP), and the first fast simulation
(`cxqueue.sim.fast.run_fast`) waits for the child and then loads what it wrote: numba's
dispatcher looks in its cache when it meets a new signature, and the kernel has exactly
one (`_kernels.SIGNATURE`).

`warm_up` does nothing when there is nothing to gain: ``NUMBA_DISABLE_JIT=1``, the kernel
already in this process or in the cache, a cache folder that cannot be written (the
child's work would be lost and this process would compile again), or a single CPU. The
gain needs a second core that is idle: on a machine whose other cores are busy, the
child's start-up (about 0.7 s) is a loss. The child never outlives the caller: the first
simulation reaps it, an exit handler ends it when no simulation ran, and the child ends
itself if its parent dies.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
from pathlib import Path

__all__ = ["wait", "warm_up"]

#: longest wait for the child before this process compiles by itself, seconds
TIMEOUT_S = 300.0

_ROOT = str(Path(__file__).resolve().parents[2])  # the folder that holds this cxqueue
# The child imports the kernel module without running cxqueue's and cxqueue.sim's
# __init__ (empty stand-in packages; half its start-up), under the same module name and
# file, so that its cache entry is the one this process looks up; if that fails, it
# imports the usual way.
_CHILD_CODE = """
import os, sys, threading, time, types

def _orphaned(parent=int(sys.argv[1])):
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(3)

threading.Thread(target=_orphaned, daemon=True).start()
root = os.path.join(sys.argv[2], "cxqueue")
for name, path in (("cxqueue", root), ("cxqueue.sim", os.path.join(root, "sim"))):
    sys.modules[name] = types.ModuleType(name)
    sys.modules[name].__path__ = [path]
try:
    from cxqueue.sim import _kernels
except ImportError:
    for name in [m for m in sys.modules if m == "cxqueue" or m.startswith("cxqueue.")]:
        del sys.modules[name]
    from cxqueue.sim import _kernels
_kernels.step.compile(_kernels.SIGNATURE)
"""
_lock = threading.Lock()
_child: subprocess.Popen | None = None
_owner = 0  # pid of the process that started the child (a forked process must not touch it)
_registered = False


def warm_up() -> bool:
    """Start compiling the fast engine's kernel in a child process, if that helps.

    Call it early in a run that will simulate with ``engine="fast"``: the compile then
    overlaps with the caller's own work. Calling it again, or when the kernel is ready,
    costs nothing.

    Returns
    -------
    bool
        True if a child compiles the kernel now (or already did so for an earlier
        call); False if there was nothing to do.

    Examples
    --------
    >>> from cxqueue.scenario import Forecast, Scenario
    >>> from cxqueue.sim import simulate
    >>> _ = simulate(Scenario(Forecast([10.0], 600.0), agents=2), replications=2, seed=1, engine="fast")
    >>> warm_up()  # the kernel is in this process now: nothing to do
    False
    """
    global _child, _owner, _registered
    from cxqueue.sim import _kernels

    with _lock:
        if _child is not None and _owner == os.getpid():
            return True
        if _cpus() < 2 or _kernels.status() != "cold":
            return False
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": _ROOT + (os.pathsep + path if path else "")}
        try:
            child = subprocess.Popen(
                [sys.executable, "-c", _CHILD_CODE, str(os.getpid()), _ROOT],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:  # no interpreter to start (an embedded Python): compile when needed
            return False
        _child, _owner = child, os.getpid()
        if not _registered:
            atexit.register(_end)
            _registered = True
        return True


def _cpus() -> int:
    """CPUs this process may run on: with one, a child would only take turns with it."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def wait() -> None:
    """Wait for a compile started by `warm_up` (at most `TIMEOUT_S`), then forget it.

    `cxqueue.sim.fast` calls this before running the kernel; without a child it returns
    at once. If the child failed or timed out, the kernel compiles here as it would have
    without `warm_up`.
    """
    global _child
    if _child is None:
        return
    with _lock:
        child, _child = _child, None
        if child is None or _owner != os.getpid():
            return
        try:
            child.wait(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _end() -> None:
    """At exit: end a child whose kernel no simulation waited for."""
    global _child
    child, _child = _child, None
    if child is not None and _owner == os.getpid() and child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
