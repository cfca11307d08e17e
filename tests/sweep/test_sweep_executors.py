"""Acceptance 1: one sweep on serial, process-pool and Dask LocalCluster executors gives identical results.

The point function (tests/sweep/sweep_points.py) is a textbook Erlang C formula plus a Monte
Carlo mean drawn from the point's seed, so equal results mean equal seeds as well as equal
arithmetic. The results are also checked against calling the function directly with
``SeedSequence(spec seed).spawn(n)[i]``: the executor plays no part in the numbers.
"""

from __future__ import annotations

import json
import math
import os
import re
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from sweep_points import erlang_c_point, erlang_c_wait

from cxqueue.exceptions import ConfigError, CxqueueError
from cxqueue.sweep import (
    DaskExecutor,
    ResultStore,
    SerialExecutor,
    SweepSpec,
    as_executor,
    make_executor,
    process_executor,
    run_sweep,
)
from cxqueue.sweep.executors import worker_count
from tests.conftest import read_reference

BASE = {"offered_load": 10.0, "agents": 12, "aht_s": 180.0, "answer_within_s": 20.0, "fail": False}


def spec_for(fn=erlang_c_point, seed=11):
    return SweepSpec.from_dict(
        {
            "sweep": {"compute": fn, "seed": seed, "name": "acceptance-1"},
            "base": BASE,
            "grid": {
                "agents": list(range(6, 26)),
                "fail": [False, True] if fn is erlang_c_point else [False],
                "zip": [{"offered_load": [8.0, 12.0, 16.0], "aht_s": [160.0, 180.0, 200.0]}],
            },
        }
    )


@pytest.fixture(scope="module")
def dask_executor():
    """One LocalCluster of 2 single-threaded worker processes for the whole module."""
    pytest.importorskip("distributed")
    ex = DaskExecutor(n_workers=2)
    yield ex
    ex.shutdown()


def snapshot(result):
    return [(p.index, p.point_id, p.status, json.dumps(p.metrics, sort_keys=True), p.error) for p in result.points]


def test_serial_processes_and_dask_give_identical_results(tmp_path, dask_executor):
    spec = spec_for()
    got = {}
    with process_executor(2) as pool:
        for name, ex in (("serial", SerialExecutor()), ("processes", pool), ("dask", dask_executor)):
            res = run_sweep(spec, store=tmp_path / f"{name}.sqlite", executor=ex, progress=False)
            assert res.n_points == 120 and res.n_run == 120 and res.complete
            assert (res.n_ok, res.n_error) == (60, 60)  # every point with fail=True is recorded, the sweep goes on
            got[name] = snapshot(res)
    assert got["serial"] == got["processes"] == got["dask"]

    # the same numbers as calling the point function directly with the spawned seeds
    seeds = np.random.SeedSequence(11).spawn(spec.n_points)
    for p, rec in zip(spec.points(), got["serial"], strict=True):
        assert rec[1] == p.point_id
        if p.config["fail"]:
            assert rec[2] == "error"
            assert rec[4].startswith(f"ValueError: asked to fail at agents={float(p.config['agents'])}")
            continue
        direct = erlang_c_point(p.config, seed=seeds[p.index])
        assert json.loads(rec[3]) == direct
        # and the Erlang C part agrees with an independent check: P(wait) from the Erlang B recursion
        load, c = p.config["offered_load"], p.config["agents"]
        b = 1.0
        for k in range(1, c + 1):
            b = load * b / (k + load * b)
        pw = 1.0 if c <= load else c * b / (c - load * (1 - b))
        assert math.isclose(direct["wait_probability"], pw, rel_tol=1e-12)


def test_chunking_does_not_change_results(tmp_path):
    spec = spec_for()
    a = run_sweep(spec, store=tmp_path / "a.sqlite", jobs=1, progress=False, max_chunk=1)
    b = run_sweep(spec, store=tmp_path / "b.sqlite", jobs=1, progress=False, chunk_s=100.0)
    assert snapshot(a) == snapshot(b)


def test_a_distributed_client_is_accepted_as_executor(tmp_path, dask_executor):
    spec = spec_for(seed=4)
    res = run_sweep(spec, store=tmp_path / "c.sqlite", executor=dask_executor.client, progress=False)
    ref = run_sweep(spec, store=tmp_path / "s.sqlite", jobs=1, progress=False)
    assert snapshot(res) == snapshot(ref)
    assert worker_count(dask_executor) == 2
    assert worker_count(as_executor(dask_executor.client)) == 2


def die(config, *, seed):
    """Kills its worker process at agents == 9: an executor failure, not a point failure."""
    if config["agents"] == 9:
        os._exit(3)
    return {"agents": config["agents"]}


def test_a_dead_worker_raises_after_storing_what_finished(tmp_path):
    spec = SweepSpec.from_dict({"sweep": {"compute": die}, "base": {"agents": 1}, "grid": {"agents": list(range(20))}})
    with (
        ProcessPoolExecutor(1) as pool,
        pytest.raises(CxqueueError, match=r"chunk\(s\) failed in the executor .* run the sweep again"),
    ):
        run_sweep(spec, store=tmp_path / "d.sqlite", executor=pool, progress=False, max_chunk=1)
    with ResultStore(tmp_path / "d.sqlite") as store:
        stored = sorted(r.params["agents"] for r in store.records())
    assert stored[:9] == list(range(9)) and 9 not in stored


def test_worker_count_and_make_executor():
    assert worker_count(SerialExecutor()) == 1
    with process_executor(2) as pool:
        assert worker_count(pool) == 2
    ex = make_executor(jobs=1)
    assert isinstance(ex, SerialExecutor)
    ex = make_executor(jobs=3)
    assert isinstance(ex, ProcessPoolExecutor) and worker_count(ex) == 3
    ex.shutdown()
    assert worker_count(make_executor()) == len(os.sched_getaffinity(0))


def test_serial_executor_carries_exceptions_and_refuses_after_shutdown():
    ex = SerialExecutor()
    fut = ex.submit(int, "x")
    with pytest.raises(ValueError, match="invalid literal"):
        fut.result()
    ex.shutdown()
    with pytest.raises(RuntimeError, match=re.escape("cannot submit to a SerialExecutor after shutdown")):
        ex.submit(int, "1")


@pytest.mark.parametrize(
    ("call", "msg"),
    [
        (lambda: process_executor(0), "jobs must be >= 1; got 0"),
        (lambda: make_executor(jobs=0), "jobs must be >= 1; got 0"),
        (
            lambda: make_executor(jobs=2, dask_local=2),
            "choose one executor: jobs (local processes), scheduler (Dask) or dask_local (a local Dask cluster); "
            "got jobs=2, scheduler=None, dask_local=2",
        ),
        (
            lambda: DaskExecutor("tcp://h:1", n_workers=2),
            "pass either address (a running scheduler) or n_workers (a local cluster), not both; "
            "got address='tcp://h:1', n_workers=2",
        ),
        (
            lambda: DaskExecutor("localhost"),
            "address must be a scheduler address such as 'tcp://host:8786'; got 'localhost'",
        ),
        (lambda: DaskExecutor(n_workers=0), "n_workers must be >= 1; got 0"),
        (
            lambda: as_executor(3),
            "executor must be a concurrent.futures.Executor or a distributed.Client; got 3",
        ),
        (
            lambda: run_sweep(spec_for(), store="unused.sqlite", executor="dask", progress=False),
            "executor must be a concurrent.futures.Executor or a distributed.Client; got 'dask'",
        ),
    ],
)
def test_executor_errors(call, msg, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=re.escape(msg)):
        call()


ERLANG_C_ROWS = [r for r in read_reference("erlang_c.csv") if r["pw"] and float(r["N"]) <= 120]


@pytest.mark.parametrize("row", ERLANG_C_ROWS, ids=[r["case"] for r in ERLANG_C_ROWS])
def test_oracle_point_function_matches_reference_erlang_c(row):
    """The test's own point function against ../shared/reference/erlang_c.csv (mpmath and published values)."""
    load, n = float(row["A"]), float(row["N"])
    assert math.isclose(erlang_c_wait(load, n), float(row["pw"]), rel_tol=1e-9)


def test_cli_runs_on_a_running_dask_scheduler(tmp_path, dask_executor, capsys, monkeypatch):
    """``--scheduler tcp://...`` connects to an existing cluster (here the module's LocalCluster)."""
    from cxqueue.cli.sweep import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.toml").write_text(
        '[sweep]\ncompute = "sweep_points:erlang_c_point"\nseed = 11\n'
        "[base]\noffered_load = 10.0\nagents = 12\naht_s = 180.0\nanswer_within_s = 20.0\n"
        "[grid]\nagents = [11, 12, 13]\n"
    )
    address = dask_executor.client.scheduler.address
    assert address.startswith("tcp://")
    assert main(["sweep", "s.toml", "--allow-code", "--scheduler", address, "--no-progress"]) == 0
    assert "s: 3 points (3 computed, 0 already stored): 3 ok" in capsys.readouterr().out
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        assert main(["sweep", "s.toml", "--allow-code", "--scheduler", "tcp://127.0.0.1:9", "--no-progress"]) == 2
    assert "error: could not reach the Dask scheduler at 'tcp://127.0.0.1:9'" in capsys.readouterr().err
