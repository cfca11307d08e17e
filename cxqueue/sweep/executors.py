"""Executors for sweeps, all behind ``concurrent.futures.Executor``.

- :class:`SerialExecutor` runs each task inline, in this process (``-j 1``).
- :func:`process_executor` is a ``ProcessPoolExecutor`` (``-j N``; default: every core)
  whose workers die with the process that started them, however it ends (SIGKILL
  included): on Linux the kernel sends them SIGKILL when their parent exits
  (``PR_SET_PDEATHSIG``), and everywhere a watchdog thread in each worker exits it within
  a quarter of a second once the parent is gone, so no orphan keeps the caller's output
  open.
- :class:`DaskExecutor` wraps a Dask ``distributed.Client``: one at ``address``
  (``--scheduler tcp://host:port``) or a ``LocalCluster`` of ``n_workers`` single-threaded
  worker processes that it starts and stops (``--dask-local N``). Dask is imported
  only when one is made.

:func:`as_executor` turns what a user passes (None, an Executor, a ``distributed.Client``)
into an Executor; :func:`worker_count` says how many tasks it runs at once.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError

__all__ = [
    "DaskExecutor",
    "SerialExecutor",
    "as_executor",
    "exit_on_signals",
    "make_executor",
    "process_executor",
    "worker_count",
]


class SerialExecutor(Executor):
    """An Executor that runs each task at once, in the calling thread.

    Examples
    --------
    >>> with SerialExecutor() as ex:
    ...     ex.submit(pow, 2, 10).result()
    1024
    """

    def __init__(self):
        self._shutdown = False

    def submit(self, fn, /, *args, **kwargs) -> Future:
        if self._shutdown:
            raise RuntimeError("cannot submit to a SerialExecutor after shutdown")
        future: Future = Future()
        future.set_running_or_notify_cancel()
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:
            future.set_exception(exc)
        else:
            future.set_result(result)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._shutdown = True


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def process_executor(jobs: int | None = None) -> ProcessPoolExecutor:
    """A ``ProcessPoolExecutor`` with ``jobs`` worker processes (default: every core).

    Examples
    --------
    >>> with process_executor(1) as ex:
    ...     ex.submit(pow, 2, 10).result()
    1024
    """
    jobs = default_jobs() if jobs is None else v.integer_scalar("jobs", jobs, minimum=1)
    return ProcessPoolExecutor(max_workers=jobs, initializer=_die_with_parent, initargs=(os.getpid(),))


def _die_with_parent(parent_pid: int) -> None:
    """Worker initializer: end this worker when the process that made the pool ends."""
    if sys.platform.startswith("linux"):
        try:  # PR_SET_PDEATHSIG = 1: the kernel kills us when our parent dies
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl in this libc
            pass

    def watch() -> None:  # also where prctl is missing, and if the parent died before it was set
        while _alive(parent_pid):
            time.sleep(0.25)
        os._exit(1)

    threading.Thread(target=watch, name="cxqueue-parent-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (and is not a zombie waiting for its parent)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process by now
        return True
    try:  # a parent that exited but was not reaped yet is gone for our purpose
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


class DaskExecutor(Executor):
    """A Dask ``distributed`` cluster as an Executor (``client.get_executor()``).

    Parameters
    ----------
    address : str, optional
        A scheduler such as ``"tcp://10.0.0.5:8786"``. Without it, a ``LocalCluster``
        of ``n_workers`` worker processes with one thread each is started, and
        stopped again by :meth:`shutdown`.
    n_workers : int, optional
        Worker processes of the local cluster (default: every core).

    Examples
    --------
    >>> DaskExecutor("tcp://h:1", n_workers=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxqueue.exceptions.ConfigError: pass either address (a running scheduler) or n_workers ...
    """

    def __init__(self, address: str | None = None, *, n_workers: int | None = None):
        if address is not None and n_workers is not None:
            raise ConfigError(
                "pass either address (a running scheduler) or n_workers (a local cluster), not both; "
                f"got address={address!r}, n_workers={n_workers!r}"
            )
        if address is not None and (not isinstance(address, str) or "://" not in address):
            raise ConfigError(f"address must be a scheduler address such as 'tcp://host:8786'; got {address!r}")
        n = default_jobs() if n_workers is None else v.integer_scalar("n_workers", n_workers, minimum=1)
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - dask is an optional extra
            raise ConfigError(
                f"the Dask executor needs dask[distributed]: pip install 'cxqueue[dask]' ({exc})"
            ) from None
        self._cluster = None
        if address is None:
            self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(address)
            except (OSError, TimeoutError) as exc:
                raise ConfigError(f"could not reach the Dask scheduler at {address!r}: {exc}") from None
        self._inner = self._client.get_executor(pure=False)

    @property
    def client(self):
        """The ``distributed.Client``."""
        return self._client

    @property
    def n_workers(self) -> int:
        """Threads over all workers: how many tasks run at once."""
        return max(1, sum(self._client.nthreads().values()))

    def submit(self, fn, /, *args, **kwargs) -> Future:
        return self._inner.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait and not cancel_futures)
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def as_executor(obj) -> Executor:
    """``obj`` as an Executor: an Executor as it is, a ``distributed.Client`` via ``get_executor``.

    Examples
    --------
    >>> isinstance(as_executor(SerialExecutor()), Executor)
    True
    >>> as_executor("local")
    Traceback (most recent call last):
    ...
    cxqueue.exceptions.ConfigError: executor must be a concurrent.futures.Executor or a distributed.Client; got 'local'
    """
    if isinstance(obj, Executor):
        return obj
    if hasattr(obj, "get_executor") and hasattr(obj, "nthreads"):
        return obj.get_executor(pure=False)
    raise ConfigError(f"executor must be a concurrent.futures.Executor or a distributed.Client; got {obj!r}")


def worker_count(executor: Executor) -> int:
    """How many tasks ``executor`` runs at once (every core when it cannot tell).

    Examples
    --------
    >>> worker_count(SerialExecutor())
    1
    """
    if isinstance(executor, SerialExecutor):
        return 1
    if isinstance(executor, DaskExecutor):
        return executor.n_workers
    n = getattr(executor, "_max_workers", None)
    if isinstance(n, int) and n > 0:
        return n
    client = getattr(executor, "_client", None)
    if client is not None and hasattr(client, "nthreads"):
        return max(1, sum(client.nthreads().values()))
    return default_jobs()


def make_executor(*, jobs: int | None = None, scheduler: str | None = None, dask_local: int | None = None) -> Executor:
    """The Executor that the command-line options ask for (the caller shuts it down).

    ``scheduler`` -> Dask client; ``dask_local`` -> a local Dask cluster of that many
    workers; ``jobs == 1`` -> serial; otherwise a process pool of ``jobs`` (every core
    when None).

    Examples
    --------
    >>> type(make_executor(jobs=1)).__name__
    'SerialExecutor'
    >>> make_executor(jobs=2, scheduler="tcp://h:1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxqueue.exceptions.ConfigError: choose one executor: ... got jobs=2, scheduler='tcp://h:1', dask_local=None
    """
    chosen = sum(x is not None for x in (jobs, scheduler, dask_local))
    if chosen > 1:
        raise ConfigError(
            "choose one executor: jobs (local processes), scheduler (Dask) or dask_local (a local Dask "
            f"cluster); got jobs={jobs!r}, scheduler={scheduler!r}, dask_local={dask_local!r}"
        )
    if scheduler is not None:
        return DaskExecutor(scheduler)
    if dask_local is not None:
        return DaskExecutor(n_workers=dask_local)
    if jobs is not None and v.integer_scalar("jobs", jobs, minimum=1) == 1:
        return SerialExecutor()
    return process_executor(jobs)


@contextmanager
def exit_on_signals():
    """Within: SIGTERM and SIGHUP end the program through ``SystemExit`` (status 128 + signal),
    so that ``finally`` blocks run: pools are shut down and Dask clients closed.

    Only in the main thread (elsewhere Python cannot install handlers): then a no-op.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [sig for sig in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if sig is not None]

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    old = {sig: signal.signal(sig, handler) for sig in wanted}
    try:
        yield
    finally:
        for sig, h in old.items():
            signal.signal(sig, h)
