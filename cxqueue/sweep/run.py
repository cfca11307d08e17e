"""Run a sweep: points in chunks on an Executor, results into the store as they come back.

Workers only compute: each chunk returns its points' metrics (as JSON text) or error
text, and the parent writes them to the SQLite store, one commit per chunk. Chunks are
sized from the measured time per point so that a chunk takes about ``chunk_s`` seconds
(per-point overhead stays small) while enough chunks remain to keep every worker busy.
A point whose function raises is recorded with status ``error`` and the sweep goes on.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import math
import os
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError, CxqueueError
from cxqueue.scenario._plain import PlainDict
from cxqueue.sweep.compute import resolve
from cxqueue.sweep.executors import Executor, as_executor, make_executor, worker_count
from cxqueue.sweep.progress import Progress
from cxqueue.sweep.spec import SweepSpec, _plain, compute_name, load_spec, override
from cxqueue.sweep.store import PointRecord, ResultStore

__all__ = ["SweepResult", "flatten_metrics", "run_chunk", "run_sweep"]


_SCALARS = (float, int, str, bool, type(None))


def flatten_metrics(result) -> dict:
    """A point function's return value as a flat ``{dotted name: JSON-able value}`` dict.

    Accepts a mapping or an object with ``to_dict()``; nested mappings become dotted
    names, numpy scalars and arrays become numbers and lists.

    Examples
    --------
    >>> import numpy as np
    >>> flatten_metrics({"sl": np.float64(0.8), "wait": {"p50_s": 3.0}, "by_interval": np.arange(2)})
    {'sl': 0.8, 'wait.p50_s': 3.0, 'by_interval': [0, 1]}
    """
    if hasattr(result, "to_dict") and not isinstance(result, Mapping):
        result = result.to_dict()
    if not isinstance(result, Mapping):
        raise TypeError(f"a point function must return a mapping or an object with to_dict(); got {result!r}")
    out = {}
    for key, value in result.items():
        if type(value) in _SCALARS and type(key) is str:
            out[key] = value
        elif isinstance(value, Mapping):
            out.update({f"{key}.{k}": x for k, x in flatten_metrics(value).items()})
        elif isinstance(value, np.ndarray) and value.ndim == 0:
            out[str(key)] = _plain(value[()])
        else:
            out[str(key)] = _plain(value)
    return out


def run_chunk(fn: Callable, base: dict, items: Sequence[tuple]) -> list[tuple]:
    """Compute a chunk of points in a worker; returns one tuple per point.

    ``items`` holds ``(index, params, seed)`` with ``seed`` a ``numpy.random.SeedSequence``. Each returned tuple is
    ``(index, status, metrics_json, error, started_at, elapsed_s, pid)``. An exception
    in ``fn`` becomes status ``"error"`` with its text; the other points go on. A point
    function with a ``batch(configs, *, seeds)`` attribute gets the whole chunk in one
    call (each point is charged an equal share of its time); if the batch raises, the
    points are computed one by one so that the failing one is named.
    """
    pid = os.getpid()
    seeds = [seed for _, _, seed in items]
    batch = getattr(fn, "batch", None)
    if batch is not None and len(items) > 1:
        started = time.time()
        t0 = time.perf_counter()
        try:
            configs = [override(base, params) for _, params, _ in items]
            texts = [json.dumps(flatten_metrics(m), allow_nan=True) for m in batch(configs, seeds=seeds)]
        except Exception:
            texts = None
        if texts is not None and len(texts) == len(items):
            share = (time.perf_counter() - t0) / len(items)
            return [(it[0], "ok", text, None, started, share, pid) for it, text in zip(items, texts, strict=True)]
    out = []
    for (index, params, *_), seed in zip(items, seeds, strict=True):
        started = time.time()
        t0 = time.perf_counter()
        try:
            text = json.dumps(flatten_metrics(fn(override(base, params), seed=seed)), allow_nan=True)
            status, error = "ok", None
        except Exception as exc:
            tb = traceback.extract_tb(exc.__traceback__)
            where = f" (at {Path(tb[-1].filename).name}:{tb[-1].lineno})" if tb else ""
            status, text, error = "error", None, f"{type(exc).__name__}: {exc}{where}"
        out.append((index, status, text, error, started, time.perf_counter() - t0, pid))
    return out


@dataclass(frozen=True)
class SweepResult(PlainDict):
    """What a sweep did, and every point of its spec as stored (in point order).

    ``n_run`` points were computed in this call, ``n_skipped`` were already in the
    store; ``n_ok + n_error == len(points)`` when the sweep finished.
    """

    name: str
    spec_hash: str
    store_path: str
    n_points: int
    n_run: int
    n_skipped: int
    n_ok: int
    n_error: int
    elapsed_s: float
    points: tuple[PointRecord, ...]

    @property
    def complete(self) -> bool:
        return len(self.points) == self.n_points

    def column(self, key: str) -> np.ndarray:
        """One grid key or metric over the points (float64 with NaN where absent, or objects)."""
        vals = [p.params[key] if key in p.params else p.metrics.get(key) for p in self.points]
        if all((isinstance(x, int | float) and not isinstance(x, bool)) or x is None for x in vals):
            return np.array([np.nan if x is None else x for x in vals], dtype=np.float64)
        out = np.empty(len(vals), dtype=object)
        out[:] = vals
        return out

    def errors(self) -> list[PointRecord]:
        """The points that failed, with their error text."""
        return [p for p in self.points if p.status == "error"]


def _as_spec(spec, allow_code: bool) -> SweepSpec:
    if isinstance(spec, SweepSpec):
        return spec
    if isinstance(spec, str | os.PathLike):
        return load_spec(spec, allow_code=allow_code)
    if isinstance(spec, Mapping):
        return SweepSpec.from_dict(spec)
    raise ConfigError(f"spec must be a SweepSpec, a TOML path or a dict; got {spec!r}")


class _ChunkSizer:
    """Chunk sizes from the measured compute time per point."""

    def __init__(self, workers: int, chunk_s: float, max_chunk: int):
        self.workers = workers
        self.chunk_s = chunk_s
        self.max_chunk = max_chunk
        self.points = 0
        self.seconds = 0.0

    def observe(self, results: list[tuple]) -> None:
        self.points += len(results)
        self.seconds += sum(r[5] for r in results)

    def size(self, remaining: int) -> int:
        # the first chunks are small, to learn the cost of a point
        wanted = 1 if not self.points else int(self.chunk_s * self.points / max(self.seconds, 1e-9))
        # keep every worker busy to the end, but do not split into chunks of less than
        # an eighth of the target time, where the executor's cost per chunk would show
        balance = max(math.ceil(remaining / (2 * self.workers)), wanted // 8)
        return max(1, min(wanted, balance, self.max_chunk, remaining))


def run_sweep(
    spec,
    *,
    store,
    executor=None,
    jobs: int | None = None,
    progress: bool = True,
    retry_errors: bool = False,
    chunk_s: float = 0.25,
    max_chunk: int = 5000,
    allow_code: bool = False,
) -> SweepResult:
    """Run every point of ``spec`` not yet in ``store``; return all of its points.

    Parameters
    ----------
    spec : SweepSpec, str, Path or dict
        The sweep (a TOML path is read with :func:`cxqueue.sweep.load_spec`).
    store : str, Path or ResultStore
        The SQLite results file; created if missing. Points already in it are skipped.
    executor : concurrent.futures.Executor or distributed.Client, optional
        Where to compute; it is not shut down here. Without it, ``jobs`` decides:
        1 runs serially, N > 1 (default: every core) starts a process pool for this call.
    jobs : int, optional
        Worker processes when no executor is given.
    progress : bool
        Draw a progress bar with rate and ETA on stderr.
    retry_errors : bool
        Compute again the points stored with status ``error``.
    chunk_s : float
        Target compute time of one chunk, seconds (> 0).
    max_chunk : int
        Largest chunk, points.
    allow_code : bool
        For a spec given as a TOML path: accept a ``compute = "module:function"``
        (see :func:`cxqueue.sweep.load_spec`).

    Several runs on one store divide its points between them (each claims a chunk
    before computing it) and each returns once every point is stored.

    Returns
    -------
    SweepResult
        Counts, timing, and every stored point of the spec in point order.

    Raises
    ------
    CxqueueError
        When the executor itself fails (a worker died): the finished points are stored,
        and a rerun resumes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> def hyp(config, *, seed):
    ...     return {"h": abs(config["a"])}
    >>> spec = SweepSpec.from_dict({"sweep": {"compute": hyp}, "base": {"a": 1.0}, "grid": {"a": [3.0, -4.0]}})
    >>> res = run_sweep(spec, store=pathlib.Path(tempfile.mkdtemp()) / "r.sqlite", jobs=1, progress=False)
    >>> res.n_ok, res.column("h").tolist()
    (2, [3.0, 4.0])
    """
    spec = _as_spec(spec, allow_code)
    if executor is not None and jobs is not None:
        raise ConfigError(f"pass either executor or jobs, not both; got executor={executor!r}, jobs={jobs!r}")
    if not (isinstance(chunk_s, int | float) and chunk_s > 0):
        raise ConfigError(f"chunk_s must be > 0 seconds; got {chunk_s!r}")
    max_chunk = v.integer_scalar("max_chunk", max_chunk, minimum=1)
    fn = resolve(spec.compute)
    points = spec.points()
    own_store = not isinstance(store, ResultStore)
    db = ResultStore(store) if own_store else store
    own_executor = executor is None
    t_start = time.perf_counter()
    try:
        db.add_sweep(spec.spec_hash, name=spec.name, n_points=len(points), spec=spec.to_dict())
        done = db.done_ids([p.point_id for p in points], include_errors=not retry_errors)
        todo = [p for p in points if p.point_id not in done]
        n_run = 0
        if todo:
            ex = make_executor(jobs=jobs) if own_executor else as_executor(executor)
            try:
                n_run = _execute(
                    spec, fn, todo, ex, db, progress, len(points) - len(todo), chunk_s, max_chunk, retry_errors
                )
            finally:
                if own_executor:
                    ex.shutdown(wait=True, cancel_futures=True)
        stored = db.records_by_id([p.point_id for p in points])
        records = tuple(stored[p.point_id] for p in points if p.point_id in stored)
        return SweepResult(
            name=spec.name,
            spec_hash=spec.spec_hash,
            store_path=str(db.path),
            n_points=len(points),
            n_run=n_run,
            n_skipped=len(points) - len(todo),
            n_ok=sum(r.status == "ok" for r in records),
            n_error=sum(r.status == "error" for r in records),
            elapsed_s=time.perf_counter() - t_start,
            points=records,
        )
    finally:
        if own_store:
            db.close()


def _execute(
    spec, fn, todo, ex: Executor, db: ResultStore, progress: bool, initial: int, chunk_s, max_chunk, retry: bool
) -> int:
    by_index = {p.index: p for p in todo}
    workers = worker_count(ex)
    sizer = _ChunkSizer(workers, chunk_s, max_chunk)
    bar = Progress(initial + len(todo), initial=initial, enabled=progress, label=spec.name)
    spec_hash = spec.spec_hash
    pending: dict[cf.Future, list[int]] = {}
    failures: list[str] = []
    queue = list(todo)  # to claim, then compute
    elsewhere: dict[str, object] = {}  # points another live run holds: it computes them
    next_pos = 0
    n_run = 0

    def submit_more():
        nonlocal next_pos
        while next_pos < len(queue) and len(pending) < 2 * workers:
            size = sizer.size(len(queue) - next_pos)
            chunk = queue[next_pos : next_pos + size]
            next_pos += size
            mine = set(db.claim([p.point_id for p in chunk], include_errors=not retry))
            elsewhere.update({p.point_id: p for p in chunk if p.point_id not in mine})
            chunk = [p for p in chunk if p.point_id in mine]
            if chunk:
                items = [(p.index, p.params, p.seed) for p in chunk]
                pending[ex.submit(run_chunk, fn, spec.base, items)] = [p.index for p in chunk]

    def wait_for_others() -> bool:
        """Once our own work is done: count what other runs stored, take over what they dropped."""
        done = db.done_ids(list(elsewhere), include_errors=not retry)
        for i in done:
            del elsewhere[i]
        bar.update(len(done))
        free = db.claim(list(elsewhere), include_errors=not retry)
        if free:
            queue.extend(elsewhere.pop(i) for i in free)
            db.release_claims()  # claimed again chunk by chunk in submit_more
            return True
        if elsewhere:
            time.sleep(0.25)  # the other runs are computing; look again
        return bool(elsewhere)

    try:
        submit_more()
        while pending or (elsewhere and not failures and wait_for_others()):
            if not pending:
                submit_more()
                continue
            finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in finished:
                indices = pending.pop(fut)
                try:
                    results = fut.result()
                except Exception as exc:  # the executor failed, not the point function
                    failures.append(f"{type(exc).__name__}: {exc} (points {indices[0]}..{indices[-1]})")
                    continue
                sizer.observe(results)
                rows = []
                for index, status, text, error, started, elapsed, pid in results:
                    p = by_index[index]
                    rows.append(
                        (
                            p.point_id,
                            spec_hash,
                            index,
                            p.params_json,
                            p.seed_json,
                            status,
                            text,
                            error,
                            started,
                            elapsed,
                            db.host,
                            pid,
                        )
                    )
                n_run += db.write(rows)
                bar.update(len(rows), errors=sum(r[5] == "error" for r in rows))
            if not failures:  # after an executor failure, drain what is running and stop
                submit_more()
    except BaseException:
        for fut in pending:
            fut.cancel()
        raise
    finally:
        bar.close()
        db.release_claims()
    if failures:
        raise CxqueueError(
            f"{len(failures)} chunk(s) failed in the executor ({compute_name(spec.compute)}); "
            f"their points are not stored, run the sweep again to compute them; first: {failures[0]}"
        )
    return n_run
