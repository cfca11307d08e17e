"""Point functions: the registry, the "analytic" point against reference values, metric flattening."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from cxqueue.exceptions import ConfigError
from cxqueue.sweep import POINT_FUNCTIONS, SweepSpec, register, resolve, run_sweep
from cxqueue.sweep.compute import analytic_batch, analytic_point, optimize_point, simulate_point
from cxqueue.sweep.run import flatten_metrics, run_chunk
from tests.conftest import read_reference

ERLANG_C = read_reference("erlang_c.csv")
ERLANG_A = read_reference("erlang_a.csv")
ERLANG_X = read_reference("mmck_erlangx.csv")


def _cases(rows):
    """Parametrize a test over the rows of a reference table, each named by its case."""
    return pytest.mark.parametrize("row", rows, ids=[r["case"] for r in rows])


def _analytic(module, config):
    """``analytic_point(config)``, skipped where the model's module ``module`` does not import."""
    pytest.importorskip(module)
    return analytic_point(config)


def _check(kpi, row, pairs):
    for key, ref in pairs:
        if row.get(ref):
            assert math.isclose(kpi[key], float(row[ref]), rel_tol=1e-8, abs_tol=1e-12), (key, kpi[key], row[ref])


def test_registry_has_the_three_built_ins_and_resolves_module_functions():
    assert {"analytic", "simulate", "optimize"} <= set(POINT_FUNCTIONS)
    assert resolve("analytic") is analytic_point
    assert resolve("simulate") is simulate_point and resolve("optimize") is optimize_point
    assert resolve("sweep_points:erlang_c_point").__name__ == "erlang_c_point"
    assert resolve(len) is len


def test_register_as_decorator_and_call():
    @register("tmp_test_point")
    def point(config, *, seed):
        return {"x": config["x"] + 1}

    try:
        assert resolve("tmp_test_point") is point
        register("tmp_test_point2", point)
        assert POINT_FUNCTIONS["tmp_test_point2"] is point
    finally:
        POINT_FUNCTIONS.pop("tmp_test_point", None)
        POINT_FUNCTIONS.pop("tmp_test_point2", None)


@pytest.mark.parametrize(
    ("call", "msg"),
    [
        (lambda: register(""), "name must be a non-empty string without ':'; got ''"),
        (lambda: register("a:b", len), "name must be a non-empty string without ':'; got 'a:b'"),
        (lambda: register("x", 3), "fn must be callable; got 3"),
        (lambda: resolve(3), "compute must be a point-function name or a function; got 3"),
        (lambda: resolve("analitic"), "compute must be one of 'analytic', 'optimize', 'simulate' or 'package.module:"),
        (
            lambda: resolve("no_such_module_x:f"),
            "compute 'no_such_module_x:f': cannot import module 'no_such_module_x'",
        ),
        (lambda: resolve("math:nope"), "compute 'math:nope': 'math' has no function 'nope'"),
    ],
)
def test_registry_errors(call, msg):
    with pytest.raises(ConfigError, match=re.escape(msg)):
        call()


@_cases(ERLANG_C)
def test_analytic_point_erlang_c_matches_reference(row):
    """../shared/reference/erlang_c.csv: published and mpmath values; units cancel within a row."""
    load, agents, aht_s, within_s = (float(row[k]) for k in ("A", "N", "aht", "awt"))
    config = {"offered_load": load, "agents": agents, "aht_s": aht_s, "answer_within_s": within_s}
    kpi = _analytic("cxqueue.analytic.erlang_c", config)
    assert kpi["model"] == "erlang_c"
    for key, ref in (("wait_probability", "pw"), ("service_level", "sl"), ("asa_s", "asa"), ("occupancy", "occ")):
        if row[ref]:
            assert math.isclose(kpi[key], float(row[ref]), rel_tol=1e-9, abs_tol=1e-12), key


@_cases(ERLANG_A)
def test_analytic_point_erlang_a_matches_reference(row):
    """../shared/reference/erlang_a.csv (mpmath and published); aht = 1/mu, patience = 1/theta in the row's unit."""
    config = {"offered_load": float(row["A"]), "agents": float(row["n"]), "aht_s": 1 / float(row["mu"])}
    config |= {"mean_patience_s": 1 / float(row["theta"]), "answer_within_s": float(row["t"] or 0.0)}
    kpi = _analytic("cxqueue.analytic.erlang_x", config)
    assert kpi["model"] == "erlang_a" and kpi["blocking_probability"] == 0.0
    _check(kpi, row, [("wait_probability", "pw"), ("abandon_probability", "pab"), ("occupancy", "occupancy")])
    _check(kpi, row, [("asa_s", "asa_served")])  # same time unit as aht_s
    for basis in ("offered", "answered", "virtual"):
        _check(analytic_point({**config, "basis": basis}), row, [("service_level", f"sl_{basis}")])


@_cases(ERLANG_X)
def test_analytic_point_erlang_x_matches_reference(row):
    """../shared/reference/mmck_erlangx.csv: finite lines K, patience 1/theta (theta 0: none)."""
    theta, mu = float(row["theta"]), float(row["mu"])
    config = {"offered_load": float(row["lam"]) / mu, "agents": float(row["c"]), "lines": float(row["K"])}
    config |= {"aht_s": 1 / mu, "mean_patience_s": math.inf if theta == 0 else 1 / theta}
    config["answer_within_s"] = float(row["t"] or 0.0)
    kpi = _analytic("cxqueue.analytic.erlang_x", config)
    assert kpi["model"] == "erlang_x" and kpi["converged"] is True
    assert kpi["total_load"] == pytest.approx(config["offered_load"], rel=1e-12)  # no redials
    _check(
        kpi, row, [("blocking_probability", "pblock"), ("wait_probability", "pwait"), ("abandon_probability", "pab")]
    )
    _check(kpi, row, [("occupancy", "occupancy")])
    for basis in ("offered", "answered", "admitted"):
        _check(analytic_point({**config, "basis": basis}), row, [("service_level", f"sl_{basis}")])


def test_analytic_point_erlang_x_with_redials_passes_them_on():
    pytest.importorskip("cxqueue.analytic.erlang_x")
    from cxqueue.analytic import erlang_x

    config = {"offered_load": 10.0, "agents": 10, "lines": 15, "aht_s": 300.0, "redial_blocked": 0.8}
    kpi = analytic_point(config)
    m = erlang_x.metrics(10.0, 10, 15, aht_s=300.0, answer_within_s=20.0, redial_blocked=0.8)
    assert kpi["total_load"] == float(m.total_load) and kpi["total_load"] > 10.5
    assert kpi["blocking_probability"] == float(m.blocking)


def test_analytic_point_from_calls_and_interval():
    pytest.importorskip("cxqueue.analytic.erlang_c")
    # 100 calls in 30 min at 180 s: 10 Erlangs; 14 agents give P(wait) 0.1741 (reference cch_A10_N14)
    kpi = analytic_point({"calls": 100, "interval_s": 1800.0, "aht_s": 180.0, "agents": 14, "answer_within_s": 20.0})
    assert kpi["wait_probability"] == pytest.approx(0.17413193359505, rel=1e-10)
    assert kpi["service_level"] == pytest.approx(0.888350019179467, rel=1e-10)


@pytest.mark.parametrize(
    ("config", "msg"),
    [
        (
            {"agents": 3, "aht_s": 1.0, "offered_load": 1.0, "agnets": 3},
            "analytic point: unknown config keys ['agnets']",
        ),
        ({"agents": 3, "offered_load": 1.0}, "point config: key 'aht_s' is required"),
        ({"agents": "3", "aht_s": 1.0, "offered_load": 1.0}, "point config: agents must be a number; got '3'"),
        ({"agents": 3, "aht_s": 1.0, "interval_s": 900.0}, "point config: key 'calls' is required"),
        (
            {"agents": 3, "aht_s": 1.0, "offered_load": 1.0, "redial_blocked": 0.5},
            "analytic point: redial_blocked need lines (the Erlang X model); add lines to [base]",
        ),
        (
            {"agents": 3, "aht_s": 1.0, "offered_load": 1.0, "basis": "all"},
            "basis must be one of 'offered', 'answered', 'admitted', 'virtual'; got 'all'",
        ),
    ],
)
def test_analytic_point_errors(config, msg):
    with pytest.raises(ConfigError, match=re.escape(msg)):
        analytic_point(config)


def test_analytic_sweep_end_to_end(tmp_path):
    pytest.importorskip("cxqueue.analytic.erlang_c")
    spec = SweepSpec.from_dict(
        {
            "sweep": {"compute": "analytic"},
            "base": {"offered_load": 10.0, "agents": 10, "aht_s": 180.0, "answer_within_s": 20.0},
            "grid": {"agents": [9, 10, 11, 12, 13, 14, 15, 16]},
        }
    )
    res = run_sweep(spec, store=tmp_path / "a.sqlite", jobs=1, progress=False)
    sl = res.column("service_level")
    assert res.n_ok == 8
    assert sl[:2].tolist() == [0.0, 0.0]  # overloaded: the limit, not an error
    assert np.all(np.diff(sl) >= 0) and sl[5] == pytest.approx(0.888350019179467, rel=1e-10)
    assert res.column("asa_s")[0] == math.inf


def test_flatten_metrics_accepts_mappings_dataclasses_and_numpy():
    class Result:
        def to_dict(self):
            return {"kpi": {"sl": np.float64(0.5), "n": np.int64(3)}, "arr": np.zeros(2), "zero_d": np.array(1.5)}

    assert flatten_metrics(Result()) == {"kpi.sl": 0.5, "kpi.n": 3, "arr": [0.0, 0.0], "zero_d": 1.5}
    with pytest.raises(
        TypeError, match=re.escape("a point function must return a mapping or an object with to_dict()")
    ):
        flatten_metrics(3.0)


def test_run_chunk_records_errors_and_goes_on():
    def fn(config, *, seed):
        if config["x"] == 1:
            raise ZeroDivisionError("boom")
        return {"x": config["x"], "u": float(np.random.default_rng(seed).random())}

    seeds = np.random.SeedSequence(9).spawn(3)
    out = run_chunk(fn, {"x": 0}, [(i, {"x": i}, seeds[i]) for i in range(3)])
    assert [r[1] for r in out] == ["ok", "error", "ok"]
    assert out[1][3].startswith("ZeroDivisionError: boom (at test_sweep_compute.py:")
    u = np.random.default_rng(np.random.SeedSequence(9).spawn(3)[2]).random()
    assert out[2][2] == f'{{"x": 2, "u": {u!r}}}'


def test_simulate_and_optimize_points_check_their_tables():
    with pytest.raises(ConfigError, match=re.escape("simulation.replications must be >= 1; got 0")):
        simulate_point({"simulation": {"replications": 0}})
    with pytest.raises(ConfigError, match=re.escape("optimize must be a table of keyword arguments; got 'sipp'")):
        optimize_point({"optimize": "sipp"})


def test_simulate_point_agrees_with_erlang_x_within_its_intervals(tmp_path):
    """Seeded simulation of a stationary center with lines and patience against exact Erlang X.

    Each check widens the simulation's 95 % interval (20 replications, t with 19 dof) to
    99.5 % (factor t(0.9975)/t(0.975) = 3.17/2.09 = 1.52, rounded up to 1.55), so the ten
    checks together hold with 95 % probability (Bonferroni). If the point ignored lines,
    patience or the threshold, blocking, abandonment or the service level would miss.
    The simulation's abandon_fraction is over admitted calls (cxqueue.sim.kpis), so the
    exact P(abandon) over offered calls is divided by 1 - P(busy signal).
    """
    pytest.importorskip("cxqueue.sim")
    pytest.importorskip("cxqueue.analytic.erlang_x")
    base = {"offered_load": 10.0, "agents": 10, "aht_s": 180.0, "answer_within_s": 20.0, "mean_patience_s": 300.0}
    base["lines"] = 14
    spec = SweepSpec.from_dict(
        {
            "sweep": {"compute": "simulate", "seed": 3},
            "base": {**base, "n_intervals": 12, "simulation": {"replications": 20, "warmup_s": 1800.0}},
            "grid": {"agents": [10, 12]},
        }
    )
    res = run_sweep(spec, store=tmp_path / "sim.sqlite", jobs=1, progress=False)
    assert res.n_ok == 2, res.errors()
    pairs = [
        ("sl_offered", "service_level"),
        ("abandon_fraction", "abandon_probability"),
        ("blocking_fraction", "blocking_probability"),
        ("occupancy", "occupancy"),
        ("asa_s", "asa_s"),
    ]
    for point in res.points:
        theory = analytic_point({**base, "agents": point.params["agents"]})
        theory["abandon_probability"] /= 1 - theory["blocking_probability"]
        for sim_key, exact_key in pairs:
            mean = point.metrics[sim_key]
            half = 1.55 * (point.metrics[f"{sim_key}_ci_high"] - mean)
            assert abs(mean - theory[exact_key]) <= half, (point.params, sim_key, mean, half, theory[exact_key])
        assert 0 < point.metrics["blocking_fraction"] and 0 < point.metrics["abandon_fraction"]
    # the same seed gives the same simulation
    again = simulate_point(spec.points()[0].config, seed=spec.points()[0].seed)
    assert json.loads(json.dumps(again)) == res.points[0].metrics


def test_simulate_point_bounds_of_fractions_stay_within_0_1():
    # issue 12: a well-staffed point's service level had a ci_high above 1 (mean + half-width)
    pytest.importorskip("cxqueue.sim")
    point = {"offered_load": 2.0, "agents": 5, "aht_s": 180.0, "n_intervals": 2, "simulation": {"replications": 3}}
    m = simulate_point(point, seed=np.random.SeedSequence(4))
    for k in ("sl_offered", "sl_answered", "abandon_fraction", "blocking_fraction", "occupancy"):
        assert 0.0 <= m[f"{k}_ci_low"] <= m[k] <= m[f"{k}_ci_high"] <= 1.0, (k, m[f"{k}_ci_low"], m[f"{k}_ci_high"])
    assert m["sl_offered_ci_high"] == 1.0 and m["asa_s_ci_low"] >= 0.0 and m["unresolved_ci_low"] >= 0.0


@pytest.mark.parametrize(
    ("config", "msg"),
    [
        (
            {"agents": 3, "aht_s": 1.0, "offered_load": 1.0, "forecast": {}},
            "simulate point: unknown config keys ['forecast']",
        ),
        ({"simulation": {"replication": 3}}, "simulation: unknown keys ['replication']; known keys: replications"),
        ({"agents": 3, "aht_s": 1.0, "offered_load": 1.0, "lines": 0}, "lines must be >= 1; got 0"),
    ],
)
def test_simulate_point_errors(config, msg):
    pytest.importorskip("cxqueue.sim")
    with pytest.raises(ConfigError, match=re.escape(msg)):
        simulate_point(config)


def test_analytic_batch_equals_single_points_to_the_bit(tmp_path):
    """Vectorized chunks must not change any number: a chunk of one and a chunk of all agree."""
    pytest.importorskip("cxqueue.analytic.erlang_x")
    base = {"offered_load": 10.0, "aht_s": 180.0, "answer_within_s": 20.0}
    models = [
        {},
        {"mean_patience_s": 300.0},
        {"mean_patience_s": 300.0, "lines": 24},
        {"lines": 24, "redial_blocked": 0.5},
    ]
    configs = [{**base, **m, "agents": n} for n in (5, 9, 10, 11.5, 14, 20) for m in models]
    single = [analytic_point(c) for c in configs]
    batch = analytic_batch(configs)
    assert json.dumps(single) == json.dumps(batch)
    assert [k["model"] for k in batch[:4]] == ["erlang_c", "erlang_a", "erlang_x", "erlang_x"]


def test_analytic_sweep_is_independent_of_chunking(tmp_path):
    pytest.importorskip("cxqueue.analytic.erlang_x")
    spec = SweepSpec.from_dict(
        {
            "sweep": {"compute": "analytic"},
            "base": {"offered_load": 10.0, "agents": 10, "aht_s": 180.0, "mean_patience_s": math.inf},
            "grid": {"agents": list(range(5, 25)), "mean_patience_s": [math.inf, 60.0, 600.0]},
        }
    )
    one = run_sweep(spec, store=tmp_path / "1.sqlite", jobs=1, progress=False, max_chunk=1)
    big = run_sweep(spec, store=tmp_path / "2.sqlite", jobs=1, progress=False, chunk_s=100.0)
    assert [p.metrics for p in one.points] == [p.metrics for p in big.points]


def test_a_failing_batch_falls_back_to_single_points_and_names_the_bad_one():
    def fn(config, *, seed):
        if config["x"] < 0:
            raise ValueError(f"x must be >= 0; got {config['x']}")
        return {"y": 2 * config["x"]}

    fn.batch = lambda configs, *, seeds: [fn(c, seed=s) for c, s in zip(configs, seeds, strict=True)]
    seeds = np.random.SeedSequence(0).spawn(3)
    out = run_chunk(fn, {"x": 0}, [(i, {"x": x}, seeds[i]) for i, x in enumerate((1, -1, 3))])
    assert [(r[1], r[2]) for r in out] == [("ok", '{"y": 2}'), ("error", None), ("ok", '{"y": 6}')]
    assert out[1][3].startswith("ValueError: x must be >= 0; got -1")
