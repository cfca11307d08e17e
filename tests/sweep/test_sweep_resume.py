"""Acceptance 2: a sweep killed with SIGKILL part-way and run again has every point exactly once.

The sweep runs in a subprocess (``python -m cxqueue.sweep sweep ...`` with two worker
processes). The test polls the SQLite store until some but not all points are committed,
kills the whole process group with SIGKILL, checks the store is intact, reruns the same
command and checks that every point is present exactly once, that the points stored before
the kill were kept (not recomputed), and that every metric equals a direct computation.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from sweep_points import erlang_c_point

from cxqueue.sweep import ResultStore, load_spec

HERE = Path(__file__).resolve().parent
N_POINTS = 300

SPEC = """
[sweep]
name = "killed"
compute = "sweep_points:erlang_c_point"
seed = 77

[base]
offered_load = 10.0
agents = 12
aht_s = 180.0
answer_within_s = 20.0
delay_s = 0.01

[grid]
agents = [{agents}]

[[grid.zip]]
offered_load = [6.0, 9.0, 12.0]
aht_s = [150.0, 180.0, 210.0]
"""


def stored_count(path: Path) -> int:
    """Committed rows, read through a separate read-only connection (0 before the table exists)."""
    if not path.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT COUNT(*) FROM points").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


def sweep_cmd(spec: Path, store: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "cxqueue.sweep",
        "sweep",
        str(spec),
        "--store",
        str(store),
        "-j",
        "2",
        "--no-progress",
        "--allow-code",  # the spec names the tests' own point function
    ]


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_sigkill_then_rerun_keeps_every_point_exactly_once(tmp_path):
    spec_path = tmp_path / "killed.toml"
    spec_path.write_text(SPEC.format(agents=", ".join(str(a) for a in range(5, 5 + N_POINTS // 3))))
    store = tmp_path / "killed.sqlite"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}

    proc = subprocess.Popen(
        sweep_cmd(spec_path, store),
        env=env,
        start_new_session=True,  # its own process group: the kill reaches the pool's workers too
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60.0
        count = 0
        while time.monotonic() < deadline and proc.poll() is None:
            count = stored_count(store)
            if count > 0:
                break
            time.sleep(0.02)  # polling interval, not an assertion
        assert proc.poll() is None, f"the sweep ended before it could be killed: {proc.communicate()}"
        assert 0 < count < N_POINTS // 2, f"expected a part-way store, found {count} of {N_POINTS} rows"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    with ResultStore(store) as db:
        assert db._con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        before = {r.point_id: r for r in db.records()}
    assert 0 < len(before) < N_POINTS

    out = subprocess.run(sweep_cmd(spec_path, store), env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    n_before = len(before)
    assert f"({N_POINTS - n_before} computed, {n_before} already stored)" in out.stdout

    spec = load_spec(spec_path, allow_code=True)
    points = spec.points()
    with ResultStore(store) as db:
        rows = db._con.execute("SELECT point_id, COUNT(*) FROM points GROUP BY point_id").fetchall()
        after = {r.point_id: r for r in db.records()}
        assert db._con.execute("SELECT COUNT(DISTINCT idx) FROM points").fetchone()[0] == N_POINTS
    assert len(rows) == N_POINTS and all(n == 1 for _, n in rows)
    assert set(after) == {p.point_id for p in points}
    for pid, rec in before.items():  # kept as they were, not computed again
        assert after[pid].finished_at == rec.finished_at and after[pid].metrics == rec.metrics

    seeds = np.random.SeedSequence(77).spawn(N_POINTS)
    for p in points:
        rec = after[p.point_id]
        assert rec.status == "ok" and rec.index == p.index and rec.params == p.params
        assert rec.seed == {"entropy": 77, "spawn_key": [p.index]}
        assert rec.metrics == json.loads(json.dumps(erlang_c_point(p.config, seed=seeds[p.index])))
