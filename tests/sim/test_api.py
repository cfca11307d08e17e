"""The public surface of cxqueue.sim: errors, result shape, to_dict, the call log."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import cxqueue.sim as sim
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import Forecast, Scenario
from cxqueue.sim import CALL_DTYPE, SimulationResult, simulate
from cxqueue.sim.kpis import KPI_NAMES, wait_percentiles
from cxqueue.sim.records import WAIT_EDGES_S


def _small():
    return Scenario(Forecast(calls=[60.0, 90.0, 30.0], aht_s=200.0, interval_s=1800.0, start_s=9 * 3600.0), agents=4)


def test_all_names_exist():
    for name in sim.__all__:
        assert hasattr(sim, name)


@pytest.mark.parametrize(
    ("kwargs", "msg"),
    [
        ({"replications": 0}, "replications must be >= 1; got 0"),
        ({"replications": 2.5}, "replications must be an integer; got 2.5"),
        ({"engine": "ciw"}, "engine must be one of 'simpy', 'fast'; got 'ciw'"),
        ({"record_calls": "yes"}, "record_calls must be True or False; got 'yes'"),
        ({"warmup_s": -1.0}, "warmup_s must be >= 0; got -1.0"),
        ({"warmup_s": 5400.0}, "warmup_s must be shorter than the horizon (5400 s); got 5400"),
        ({"seed": -3}, "seed must be >= 0; got -3"),
        ({"seed": "abc"}, "seed must be an int, a numpy SeedSequence or Generator, or None; got 'abc'"),
    ],
)
def test_simulate_error_messages(kwargs, msg):
    args = {"replications": 2, "seed": 1} | kwargs
    with pytest.raises(ConfigError, match=re.escape(msg)):
        simulate(_small(), **args)


def test_simulate_rejects_a_non_scenario():
    with pytest.raises(ConfigError, match=re.escape("scenario must be a cxqueue.scenario.Scenario; got dict")):
        simulate({}, seed=1)


def test_seed_is_required():
    with pytest.raises(TypeError):
        simulate(_small())  # type: ignore[call-arg]


@pytest.mark.parametrize("engine", ["simpy", "fast"])
def test_result_shape_and_to_dict(engine):
    res = simulate(_small(), replications=3, seed=4, engine=engine, record_calls=True)
    assert isinstance(res, SimulationResult)
    for name in KPI_NAMES:
        per, tot = getattr(res.intervals, name), getattr(res.totals, name)
        assert per.mean.shape == (3,) and per.half_width.shape == (3,)
        assert np.ndim(tot.mean) == 0
        assert getattr(res, name) is per  # attribute access falls through to intervals
    np.testing.assert_array_equal(res.interval_starts_s, [9 * 3600.0, 9.5 * 3600, 10 * 3600])
    assert res.calls.dtype == CALL_DTYPE
    assert set(np.unique(res.calls["replication"])) == {0, 1, 2}
    assert np.all(res.calls["arrival_s"] >= 9 * 3600.0)  # on the forecast's clock
    np.testing.assert_allclose(res.totals.offered.mean * 3, res.calls.size)
    d = res.to_dict()
    text = json.dumps(d)  # plain JSON types only
    assert json.loads(text)["intervals"]["sl_offered"]["mean"][0] == pytest.approx(float(res.sl_offered.mean[0]))
    assert d["engine"] == engine and d["replications"] == 3
    assert set(d["backlog"]) == {"in_ivr", "in_queue", "callbacks_pending", "in_service", "redials_pending"}
    with pytest.raises(AttributeError):
        res.no_such_kpi  # noqa: B018
    # without record_calls there is no log
    assert simulate(_small(), replications=1, seed=4, engine=engine).calls is None


def test_one_replication_has_no_interval():
    res = simulate(_small(), replications=1, seed=4, engine="fast")
    assert np.isnan(float(res.totals.sl_offered.half_width))
    assert np.isfinite(float(res.totals.sl_offered.mean))


def test_warmup_leaves_intervals_out_of_the_totals():
    sc = _small()
    res = simulate(sc, replications=2, seed=4, engine="fast", warmup_s=1800.0)
    np.testing.assert_allclose(res.totals.offered.mean, res.offered.mean[1:].sum())


def test_wait_percentiles_against_numpy_on_a_fine_histogram():
    rng = np.random.default_rng(3)
    w = np.concatenate([np.zeros(3000), rng.exponential(40.0, 7000)])
    h = np.bincount(np.searchsorted(WAIT_EDGES_S, w), minlength=WAIT_EDGES_S.size)[None, :]
    for q in (50, 80, 90, 95):
        assert float(wait_percentiles(h, q)[0]) == pytest.approx(np.percentile(w, q), abs=1.0)
    assert float(wait_percentiles(h, 20)[0]) == 0.0
    assert np.isnan(wait_percentiles(np.zeros_like(h), 50)[0])


def test_results_pickle_for_process_pools():
    import pickle

    res = simulate(_small(), replications=2, seed=4, engine="fast", record_calls=True)
    back = pickle.loads(pickle.dumps(res))
    np.testing.assert_array_equal(back.sl_offered.mean, res.sl_offered.mean)
    assert back.calls.size == res.calls.size


def test_sample_callers_error_message():
    from cxqueue.sim import sample_callers

    with pytest.raises(ConfigError, match=re.escape("seed must be >= 0; got -1")):
        sample_callers(_small(), -1)
