"""Issue 11: a spec file is not code unless the user says so; pool workers die with their
parent (SIGKILL included); two sweeps on one store compute each point once in total."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cxqueue.cli.sweep import main
from cxqueue.exceptions import ConfigError
from cxqueue.sweep import ResultStore, load_spec

HERE = Path(__file__).resolve().parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}

SPEC = """
[sweep]
name = "{name}"
compute = "sweep_points:{function}"
seed = 5

[base]
offered_load = 10.0
agents = 12
aht_s = 180.0
answer_within_s = 20.0
delay_s = {delay_s}
log = "{log}"

[grid]
agents = [{agents}]
"""


def spec_file(tmp_path, *, n, delay_s, function="erlang_c_point", log=""):
    path = tmp_path / "s.toml"
    agents = ", ".join(str(a) for a in range(11, 11 + n))
    path.write_text(SPEC.format(name="s", function=function, delay_s=delay_s, log=log, agents=agents))
    return path


def sweep_cmd(spec, store):
    sweep = ["sweep", str(spec), "--store", str(store), "-j", "2", "--no-progress", "--allow-code"]
    return [sys.executable, "-m", "cxqueue.sweep", *sweep]


def test_a_spec_file_naming_code_is_refused_without_allow_code(tmp_path, capsys):
    path = spec_file(tmp_path, n=2, delay_s=0.0)
    with pytest.raises(ConfigError, match=r"names code to import and run.*--allow-code") as e:
        load_spec(path)
    assert str(path) in str(e.value)
    assert main(["sweep", str(path), "--store", str(tmp_path / "r.sqlite"), "-j", "1", "--no-progress"]) == 2
    assert "--allow-code" in capsys.readouterr().err
    assert not (tmp_path / "r.sqlite").exists()  # refused before anything is written
    assert load_spec(path, allow_code=True).n_points == 2


def _stored_pids(store: Path) -> set[int]:
    if not store.exists():
        return set()
    try:
        con = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5)
        try:
            return {r[0] for r in con.execute("SELECT DISTINCT pid FROM points")}
        finally:
            con.close()
    except sqlite3.OperationalError:
        return set()


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_sigkill_of_the_sweep_leaves_no_worker_alive(tmp_path):
    # issue 11, acceptance 3: killing `cxqueue sweep -j 2` (its process only, not its group)
    # left both pool workers alive, holding the caller's stdout and stderr open
    spec = spec_file(tmp_path, n=400, delay_s=0.02)
    store = tmp_path / "k.sqlite"
    proc = subprocess.Popen(sweep_cmd(spec, store), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60.0
        while time.monotonic() < deadline and proc.poll() is None and len(_stored_pids(store)) < 2:
            time.sleep(0.02)  # polling interval, not an assertion
        workers = _stored_pids(store) - {proc.pid}
        assert proc.poll() is None and len(workers) == 2, (workers, proc.poll())
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 1.0  # "no worker alive one second later"
        while time.monotonic() < deadline and any(_running(w) for w in workers):
            time.sleep(0.01)
        assert not [w for w in workers if _running(w)]
        # nobody holds the pipes any more: reading them to the end returns
        proc.communicate(timeout=5)
    finally:
        for w in _stored_pids(store):
            if _running(w) and w != os.getpid():
                os.kill(w, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_two_concurrent_sweeps_on_one_store_compute_each_point_once(tmp_path):
    # issue 11, acceptance 3: each point appends one line to a log when it is computed
    n = 120
    log = tmp_path / "computed.log"
    spec = spec_file(tmp_path, n=n, delay_s=0.01, function="logged_point", log=log)
    store = tmp_path / "shared.sqlite"
    runs = [
        subprocess.Popen(sweep_cmd(spec, store), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [r.communicate(timeout=300) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outs
    lines = log.read_text().splitlines()
    assert len(lines) == n and len(set(lines)) == n  # every point computed exactly once in total
    for out, _ in outs:  # and each run returned the whole sweep
        assert f"s: {n} points" in out and f"{n} ok, 0 failed" in out
    with ResultStore(store) as db:
        assert db.count() == n
        assert db._con.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 0  # no claim left behind
