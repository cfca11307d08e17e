"""The SQLite results store: rows, resume, retry of failures, CSV export, tables, and errors."""

from __future__ import annotations

import csv
import json
import math
import re
import sqlite3

import numpy as np
import pytest
from sweep_points import erlang_c_point

import cxqueue
from cxqueue.exceptions import ConfigError
from cxqueue.sweep import ResultStore, SerialExecutor, SweepSpec, load_table, run_sweep
from cxqueue.sweep.store import code_version

BASE = {"offered_load": 10.0, "agents": 12, "aht_s": 180.0, "answer_within_s": 20.0, "fail": False}


def spec(fail=(False, True), agents=(8, 10, 12, 14)):
    return SweepSpec.from_dict(
        {
            "sweep": {"compute": erlang_c_point, "seed": 5, "name": "store-test"},
            "base": BASE,
            "grid": {"agents": list(agents), "fail": list(fail)},
        }
    )


def test_rows_hold_params_seed_metrics_status_timing_and_version(tmp_path):
    res = run_sweep(spec(), store=tmp_path / "r.sqlite", jobs=1, progress=False)
    assert (res.n_points, res.n_ok, res.n_error) == (8, 4, 4)
    with ResultStore(tmp_path / "r.sqlite") as db:
        rows = db._con.execute("SELECT * FROM points ORDER BY idx").fetchall()
        assert db._con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.sweeps()[0]["name"] == "store-test" and db.sweeps()[0]["n_points"] == 8
    assert len(rows) == 8
    ok = rows[0]
    assert json.loads(ok["params"]) == {"agents": 8, "fail": False}
    assert json.loads(ok["seed"]) == {"entropy": 5, "spawn_key": [0]}
    assert ok["status"] == "ok" and ok["error"] is None
    assert json.loads(ok["metrics"])["wait_probability"] == 1.0  # 8 agents for 10 Erlangs: overloaded
    # 12 agents, 10 Erlangs: ../shared/reference/erlang_c.csv case cch_A10_N12
    assert json.loads(rows[4]["metrics"])["wait_probability"] == pytest.approx(0.449388224298271, rel=1e-12)
    assert ok["elapsed_s"] >= 0 and ok["started_at"] > 1.6e9 and ok["finished_at"].endswith("Z")
    assert ok["code_version"].startswith(cxqueue.__version__)
    bad = rows[1]
    assert bad["status"] == "error" and bad["metrics"] is None
    assert bad["error"].startswith("ValueError: asked to fail at agents=8.0 (at sweep_points.py:")


def test_rerun_skips_done_points_and_retry_errors_recomputes_failures(tmp_path):
    path = tmp_path / "r.sqlite"
    first = run_sweep(spec(), store=path, jobs=1, progress=False)
    again = run_sweep(spec(), store=path, jobs=1, progress=False)
    assert (again.n_run, again.n_skipped) == (0, 8)
    assert [p.to_dict() for p in again.points] == [p.to_dict() for p in first.points]
    retry = run_sweep(spec(), store=path, jobs=1, progress=False, retry_errors=True)
    assert (retry.n_run, retry.n_skipped) == (4, 4)
    # a grown grid computes only the new points; the old ones are shared by id
    grown = run_sweep(spec(agents=(8, 10, 12, 14, 16)), store=path, jobs=1, progress=False)
    assert grown.n_points == 10
    with ResultStore(path) as db:
        assert db.count() == 8 + grown.n_run
        assert len(db.sweeps()) == 2


def test_export_csv_and_load_table_agree_with_the_store(tmp_path):
    path = tmp_path / "r.sqlite"
    res = run_sweep(spec(), store=path, jobs=1, progress=False)
    with ResultStore(path) as db:
        out = db.export_csv(tmp_path / "out" / "r.csv")
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:5] == ["index", "point_id", "status", "agents", "fail"]
    assert {"wait_probability", "service_level", "mc_mean_handle_s", "seed", "error"} <= set(rows[0])
    assert len(rows) == 8 and rows[1]["status"] == "error" and rows[1]["wait_probability"] == ""
    assert float(rows[0]["service_level"]) == res.points[0].metrics["service_level"]  # repr round-trips

    for source in (path, out):
        table = load_table(source)
        assert table["agents"].tolist() == [8.0, 10.0, 12.0, 14.0]
        np.testing.assert_array_equal(table["service_level"], res.column("service_level")[::2])
    everything = load_table(path, status=None)
    assert everything["status"].tolist() == ["ok", "error"] * 4
    assert math.isnan(everything["service_level"][1])


def test_sweep_result_columns_and_errors(tmp_path):
    res = run_sweep(spec(), store=tmp_path / "r.sqlite", jobs=1, progress=False)
    assert res.column("agents").tolist() == [8.0, 8.0, 10.0, 10.0, 12.0, 12.0, 14.0, 14.0]
    assert res.column("fail").dtype == object
    assert [p.index for p in res.errors()] == [1, 3, 5, 7]
    d = res.to_dict()
    assert d["n_points"] == 8 and len(d["points"]) == 8 and res.complete


def test_code_version_has_the_package_version():
    assert code_version().startswith(cxqueue.__version__)


def test_store_errors(tmp_path):
    with pytest.raises(ConfigError, match=re.escape(f"store must be a file path; {str(tmp_path)!r} is a directory")):
        ResultStore(tmp_path)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ConfigError, match=re.escape(f"store {str(junk)!r} is not a cxqueue sweep store")):
        ResultStore(junk)
    old = tmp_path / "old.sqlite"
    con = sqlite3.connect(old)
    con.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('schema_version', '0');"
    )
    con.close()
    with pytest.raises(ConfigError, match=re.escape(f"store {str(old)!r} has schema version 0; this cxqueue writes 1")):
        ResultStore(old)
    with pytest.raises(ConfigError, match=re.escape("results file 'nope.csv' does not exist")):
        load_table("nope.csv")


def test_run_sweep_argument_errors(tmp_path):
    with pytest.raises(ConfigError, match=re.escape("chunk_s must be > 0 seconds; got 0")):
        run_sweep(spec(), store=tmp_path / "r.sqlite", jobs=1, chunk_s=0)
    with pytest.raises(ConfigError, match=re.escape("max_chunk must be >= 1; got 0")):
        run_sweep(spec(), store=tmp_path / "r.sqlite", jobs=1, max_chunk=0)
    with pytest.raises(ConfigError, match=re.escape("spec must be a SweepSpec, a TOML path or a dict; got 3")):
        run_sweep(3, store=tmp_path / "r.sqlite")
    with pytest.raises(ConfigError, match=re.escape("pass either executor or jobs, not both; got executor=")):
        run_sweep(spec(), store=tmp_path / "r.sqlite", jobs=2, executor=SerialExecutor())


def test_load_table_picks_one_sweep_of_a_shared_store(tmp_path):
    path = tmp_path / "r.sqlite"
    run_sweep(spec(), store=path, jobs=1, progress=False)
    other = SweepSpec.from_dict(
        {"sweep": {"compute": erlang_c_point, "seed": 6, "name": "other"}, "base": BASE, "grid": {"agents": [20]}}
    )
    run_sweep(other, store=path, jobs=1, progress=False)
    assert len(load_table(path)["agents"]) == 5
    assert load_table(path, sweep="other")["agents"].tolist() == [20.0]
    assert len(load_table(path, sweep=spec().spec_hash)["agents"]) == 4
    with pytest.raises(
        ConfigError, match=re.escape(f"sweep 'nope' is not in {str(path)!r}; it holds: other, store-test")
    ):
        load_table(path, sweep="nope")
    out = tmp_path / "r.csv"
    out.write_text("index\n")
    with pytest.raises(ConfigError, match=re.escape("sweep can only pick a sweep out of a store, not out of a CSV")):
        load_table(out, sweep="other")
