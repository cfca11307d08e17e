"""The resumable results store of sweeps: one SQLite file (stdlib ``sqlite3``, WAL mode).

One row per finished point, keyed by its point id (see :mod:`cxqueue.sweep.spec`), with
its sweep, index, grid values (JSON), seed, metrics (JSON), status (``ok`` or
``error``), the error text, its timing and the code version that computed it. Rows are
committed as their chunk comes back, by the parent process only, so SQLite sees one
writer per sweep; a sweep killed part-way keeps every committed row, and a rerun skips them.

Several sweeps on one store divide the work: before a chunk is computed its points are
claimed (table ``claims``: point, host, pid, time) in one exclusive transaction, and a
point that another live run holds is left to it. A claim ends when its point is stored,
when its run releases it (on any exit), or when its run is gone: a process of this host
that no longer exists, or a claim of another host not renewed for `CLAIM_TTL_S` (a run
renews its claims each time it stores a chunk).
"""

from __future__ import annotations

import csv
import json
import os
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from cxqueue.exceptions import ConfigError
from cxqueue.scenario._plain import plain_dict

__all__ = ["PointRecord", "ResultStore", "code_version", "load_table"]

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sweeps (
    spec_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    n_points INTEGER NOT NULL,
    spec TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS points (
    point_id TEXT PRIMARY KEY,
    spec_hash TEXT NOT NULL,
    idx INTEGER NOT NULL,
    params TEXT NOT NULL,
    seed TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'error')),
    metrics TEXT,
    error TEXT,
    started_at REAL,
    elapsed_s REAL,
    finished_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    code_version TEXT,
    host TEXT,
    pid INTEGER
);
CREATE INDEX IF NOT EXISTS points_by_sweep ON points (spec_hash, idx);
CREATE TABLE IF NOT EXISTS claims (
    point_id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    claimed_at REAL NOT NULL
);
"""

#: a claim of another host that its run has not renewed for this long (s) is taken over
CLAIM_TTL_S = 3600.0

_COLUMNS = (
    "point_id",
    "spec_hash",
    "idx",
    "params",
    "seed",
    "status",
    "metrics",
    "error",
    "started_at",
    "elapsed_s",
    "code_version",
    "host",
    "pid",
)


@lru_cache(maxsize=1)
def code_version() -> str:
    """``cxqueue.__version__``, plus ``git describe`` of the source tree when there is one.

    Examples
    --------
    >>> import cxqueue
    >>> code_version().startswith(cxqueue.__version__)
    True
    """
    import cxqueue

    version = cxqueue.__version__
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],
            cwd=Path(cxqueue.__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return version
    described = out.stdout.strip()
    return f"{version}+git.{described}" if out.returncode == 0 and described else version


# what `PointRecord.to_dict` writes, in this order
_RECORD_KEYS = ("index", "point_id", "params", "seed", "status", "metrics", "error", "elapsed_s", "finished_at",
                "code_version", "spec_hash")  # fmt: skip


@dataclass(frozen=True)
class PointRecord:
    """One stored point: grid values, seed, status, metrics, error and timing.

    ``params``, ``seed`` and ``metrics`` are parsed from their stored JSON when first used.
    """

    index: int
    point_id: str
    status: str
    error: str | None
    elapsed_s: float | None
    finished_at: str | None
    code_version: str | None
    spec_hash: str | None
    params_json: str = field(repr=False)
    seed_json: str = field(repr=False)
    metrics_json: str | None = field(repr=False)

    @cached_property
    def params(self) -> dict:
        """Grid values ``{dotted key: value}``."""
        return json.loads(self.params_json)

    @cached_property
    def seed(self) -> dict:
        """``{"entropy": ..., "spawn_key": [...]}``."""
        return json.loads(self.seed_json)

    @cached_property
    def metrics(self) -> dict:
        """What the point function returned (flattened); empty for a failed point."""
        return json.loads(self.metrics_json) if self.metrics_json else {}

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict:
        """The stored point with ``params``, ``seed`` and ``metrics`` parsed (not their JSON text)."""
        return plain_dict(self, _RECORD_KEYS)


def _record(row: sqlite3.Row) -> PointRecord:
    return PointRecord(
        index=row["idx"],
        point_id=row["point_id"],
        status=row["status"],
        error=row["error"],
        elapsed_s=row["elapsed_s"],
        finished_at=row["finished_at"],
        code_version=row["code_version"],
        spec_hash=row["spec_hash"],
        params_json=row["params"],
        seed_json=row["seed"],
        metrics_json=row["metrics"],
    )


class ResultStore:
    """A sweep results file. Open with ``ResultStore(path)``; use as a context manager.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "r.sqlite"
    >>> with ResultStore(path) as store:
    ...     store.add_sweep("abc", name="demo", n_points=1, spec={"seed": 0})
    ...     n = store.write([("p1", "abc", 0, '{"agents":10}', '{"entropy":0,"spawn_key":[0]}', "ok",
    ...                   '{"service_level":0.9}', None, 0.0, 0.001, "h", 1)])
    ...     [r.metrics for r in store.records("abc")]
    [{'service_level': 0.9}]
    """

    def __init__(self, path):
        self.path = Path(path)
        if self.path.exists() and self.path.is_dir():
            raise ConfigError(f"store must be a file path; {str(self.path)!r} is a directory")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = sqlite3.connect(self.path, timeout=30.0)
        self._con.row_factory = sqlite3.Row
        for attempt in range(200):  # two runs creating one store at once: switching to WAL may be busy
            try:
                self._con.execute("PRAGMA journal_mode=WAL")
                self._con.execute("PRAGMA synchronous=NORMAL")
                self._con.executescript(_SCHEMA)
                found = self._con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
                break
            except sqlite3.OperationalError as exc:
                if ("locked" not in str(exc) and "busy" not in str(exc)) or attempt == 199:
                    self._con.close()
                    raise ConfigError(f"store {str(self.path)!r} is not a cxqueue sweep store ({exc})") from None
                time.sleep(0.05)
            except sqlite3.DatabaseError as exc:
                self._con.close()
                raise ConfigError(f"store {str(self.path)!r} is not a cxqueue sweep store ({exc})") from None
        if found is None:
            with self._con:
                self._con.execute("INSERT INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        elif found[0] != SCHEMA_VERSION:
            raise ConfigError(
                f"store {str(self.path)!r} has schema version {found[0]}; this cxqueue writes {SCHEMA_VERSION}"
            )
        self.host = socket.gethostname()

    # context manager -------------------------------------------------------------
    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    # writing ---------------------------------------------------------------------
    def add_sweep(self, spec_hash: str, *, name: str, n_points: int, spec: dict) -> None:
        """Record a sweep (once; a rerun of the same spec keeps the first record)."""
        with self._con:
            self._con.execute(
                "INSERT OR IGNORE INTO sweeps (spec_hash, name, n_points, spec) VALUES (?, ?, ?, ?)",
                (spec_hash, name, int(n_points), json.dumps(spec, sort_keys=True)),
            )

    def write(self, rows: Iterable[Sequence]) -> int:
        """Insert (or replace) finished points and commit at once; returns how many.

        Each row holds, in order: point_id, spec_hash, idx, params JSON, seed JSON,
        status, metrics JSON, error, started_at (epoch s), elapsed_s, host, pid.
        """
        rows = list(rows)
        if not rows:
            return 0
        version = code_version()
        with self._con:
            self._con.executemany(
                f"INSERT OR REPLACE INTO points ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                [(*r[:10], version, *r[10:]) for r in rows],
            )
            self._con.executemany("DELETE FROM claims WHERE point_id = ?", [(r[0],) for r in rows])
            # renew this run's other claims: it is alive
            self._con.execute(
                "UPDATE claims SET claimed_at = ? WHERE host = ? AND pid = ?", (time.time(), self.host, os.getpid())
            )
        return len(rows)

    # claims (several runs on one store) -----------------------------------------
    def claim(self, point_ids: Sequence[str], *, include_errors: bool = True) -> list[str]:
        """Claim, for this process, the points not yet stored and not held by another live run.

        Returns the claimed ids, in the given order. One exclusive transaction: two runs
        never claim the same point. Stored points count as done (failed ones too unless
        ``include_errors`` is False, as for ``--retry-errors``).
        """
        ids = list(point_ids)
        if not ids:
            return []
        me = (self.host, os.getpid())
        con = self._con
        con.execute("BEGIN IMMEDIATE")
        with con:  # commits, or rolls back on an error
            done = self.done_ids(ids, include_errors=include_errors)
            held = {}
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                q = f"SELECT point_id, host, pid, claimed_at FROM claims WHERE point_id IN ({marks})"
                held.update({r[0]: (r[1], r[2], r[3]) for r in con.execute(q, chunk)})
            now = time.time()
            mine = [i for i in ids if i not in done and (i not in held or self._free(held[i], me, now))]
            con.executemany(
                "INSERT OR REPLACE INTO claims (point_id, host, pid, claimed_at) VALUES (?, ?, ?, ?)",
                [(i, *me, now) for i in mine],
            )
        return mine

    def release_claims(self) -> None:
        """Give up this process's claims on points it has not stored."""
        with self._con:
            self._con.execute("DELETE FROM claims WHERE host = ? AND pid = ?", (self.host, os.getpid()))

    @staticmethod
    def _free(claim: tuple, me: tuple, now: float) -> bool:
        host, pid, at = claim
        if (host, pid) == me:
            return True
        if host != me[0]:
            return now - at > CLAIM_TTL_S
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # pragma: no cover - a live process of another user
            return False
        return False

    # reading ---------------------------------------------------------------------
    def done_ids(self, point_ids: Iterable[str] | None = None, *, include_errors: bool = True) -> set[str]:
        """Ids of stored points (among ``point_ids`` when given); errors too unless told."""
        where = "" if include_errors else " WHERE status = 'ok'"
        found = {r[0] for r in self._con.execute(f"SELECT point_id FROM points{where}")}
        return found if point_ids is None else found & set(point_ids)

    def count(self, spec_hash: str | None = None) -> int:
        if spec_hash is None:
            return self._con.execute("SELECT COUNT(*) FROM points").fetchone()[0]
        return self._con.execute("SELECT COUNT(*) FROM points WHERE spec_hash = ?", (spec_hash,)).fetchone()[0]

    def sweeps(self) -> list[dict]:
        """The sweeps recorded in this file: spec hash, name, point count, creation time."""
        rows = self._con.execute("SELECT spec_hash, name, n_points, created_at FROM sweeps ORDER BY created_at")
        return [dict(r) for r in rows]

    def records(self, spec_hash: str | None = None) -> list[PointRecord]:
        """Stored points (of one sweep when ``spec_hash`` is given), by sweep and index."""
        if spec_hash is None:
            rows = self._con.execute("SELECT * FROM points ORDER BY spec_hash, idx")
        else:
            rows = self._con.execute("SELECT * FROM points WHERE spec_hash = ? ORDER BY idx", (spec_hash,))
        return [_record(r) for r in rows]

    def records_by_id(self, point_ids: Sequence[str]) -> dict[str, PointRecord]:
        """The stored points with these ids."""
        out = {}
        ids = list(point_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            q = f"SELECT * FROM points WHERE point_id IN ({','.join('?' * len(chunk))})"
            out.update({r["point_id"]: _record(r) for r in self._con.execute(q, chunk)})
        return out

    def export_csv(self, path, *, spec_hash: str | None = None) -> Path:
        """Write the stored points as one flat CSV row each; returns the path.

        Columns: index, point_id, status, the grid keys, the metrics, seed, elapsed_s,
        finished_at, code_version, error. Lists are written as JSON.
        """
        return write_csv(self.records(spec_hash), path)


def _columns(records: Sequence[PointRecord]) -> tuple[list[str], list[str]]:
    params: dict[str, None] = {}
    metrics: dict[str, None] = {}
    for r in records:
        params.update(dict.fromkeys(r.params))
        metrics.update(dict.fromkeys(r.metrics))
    return list(params), [m if m not in params else f"metrics.{m}" for m in metrics]


def _cell(x):
    if x is None:
        return ""
    if isinstance(x, list | dict):
        return json.dumps(x)
    return x


def write_csv(records: Sequence[PointRecord], path) -> Path:
    """Write ``records`` as a flat CSV (see :meth:`ResultStore.export_csv`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    params, metrics = _columns(records)
    raw_metrics = [m.removeprefix("metrics.") if m.startswith("metrics.") and m[8:] in params else m for m in metrics]
    tail = ["seed", "elapsed_s", "finished_at", "code_version", "error"]
    head = ["index", "point_id", "status", *params, *metrics, *tail]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        for r in records:
            w.writerow(
                [r.index, r.point_id, r.status]
                + [_cell(r.params.get(k)) for k in params]
                + [_cell(r.metrics.get(k)) for k in raw_metrics]
                + [json.dumps(r.seed), _cell(r.elapsed_s), _cell(r.finished_at), _cell(r.code_version), _cell(r.error)]
            )
    return path


def _column_array(values: list) -> np.ndarray:
    """A numeric array when every value is a number (missing -> NaN), else an object array."""
    if all((isinstance(x, int | float) and not isinstance(x, bool)) or x is None or x == "" for x in values):
        return np.array([np.nan if x is None or x == "" else float(x) for x in values], dtype=np.float64)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _parse_csv_cell(text: str):
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return text


def load_table(path, *, status: str | None = "ok", sweep: str | None = None) -> dict[str, np.ndarray]:
    """Columns of a results store (``.sqlite``/``.db``) or an exported CSV.

    Grid keys and metrics become columns (numeric ones as float64 with NaN where
    missing), plus ``index``, ``point_id`` and ``status``. Only points whose status is
    ``status`` are kept (None keeps all).

    Parameters
    ----------
    path : str or Path
        A store written by a sweep, or its CSV export.
    status : {"ok", "error", None}
        Which points to keep.
    sweep : str, optional
        Keep one sweep of a store that holds several: its name or spec hash.

    Returns
    -------
    dict of str to ndarray

    Examples
    --------
    >>> load_table("missing.sqlite")
    Traceback (most recent call last):
    ...
    cxqueue.exceptions.ConfigError: results file 'missing.sqlite' does not exist
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"results file {str(path)!r} does not exist")
    if path.suffix.lower() == ".csv":
        if sweep is not None:
            raise ConfigError(f"sweep can only pick a sweep out of a store, not out of a CSV; got sweep={sweep!r}")
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        if status is not None:
            rows = [r for r in rows if r.get("status") == status]
        keys = list(rows[0]) if rows else []
        skip = {"seed", "finished_at", "code_version", "error"}
        table = {}
        for k in keys:
            if k in skip:
                continue
            vals = [r[k] if k in ("point_id", "status") else _parse_csv_cell(r[k]) for r in rows]
            table[k] = _column_array(vals)
        return table
    with ResultStore(path) as store:
        if sweep is None:
            records = store.records()
        else:
            hashes = [s["spec_hash"] for s in store.sweeps() if sweep in (s["name"], s["spec_hash"])]
            if not hashes:
                names = ", ".join(sorted({s["name"] for s in store.sweeps()})) or "none"
                raise ConfigError(f"sweep {sweep!r} is not in {str(path)!r}; it holds: {names}")
            records = [r for h in hashes for r in store.records(h)]
    if status is not None:
        records = [r for r in records if r.status == status]
    params, metrics = _columns(records)
    table = {
        "index": np.array([r.index for r in records], dtype=np.float64),
        "point_id": _column_array([r.point_id for r in records]),
        "status": _column_array([r.status for r in records]),
    }
    for k in params:
        table[k] = _column_array([r.params.get(k) for r in records])
    for m in metrics:
        raw = m[8:] if m.startswith("metrics.") and m[8:] in params else m
        table[m] = _column_array([r.metrics.get(raw) for r in records])
    return table
