"""Trace-driven arrivals: ``simulate(..., arrival_s=...)``, ``sample_callers``, ``run_replication``.

Sources: the given arrival times themselves (the call log must hold them exactly, on
both engines), and queueing theory: a trace drawn from a Poisson process (here, with
numpy, independently of cxqueue's sampler) must give the Erlang C and Erlang A values of
../shared/reference within a 99.7 % interval over independent traces.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from scipy import stats

from cxqueue.exceptions import ConfigError
from cxqueue.scenario import IVR, Distribution, Forecast, PriorityClasses, Redials, Scenario, ServiceTarget
from cxqueue.sim import Outcome, sample_callers, simulate
from cxqueue.sim import records as rec
from cxqueue.sim.runner import run_replication
from tests.conftest import needs_jit, reference_row


def _rich(start_s: float = 9 * 3600.0) -> Scenario:
    """Four 15-min intervals with IVR, patience, two priority classes and redials."""
    f = Forecast(calls=[30.0, 50.0, 40.0, 20.0], aht_s=[200.0, 240.0, 180.0, 200.0], interval_s=900.0,
                 start_s=start_s)  # fmt: skip
    return Scenario(
        f,
        agents=[3, 4, 3, 2],
        handle=Distribution.lognormal(1.0, cv=1.0),
        patience=Distribution.exponential(120.0),
        ivr=IVR(Distribution.lognormal(10.0, cv=0.5), 0.1),
        priority=PriorityClasses((0.8, 0.2), (0.0, 60.0)),
        redials=Redials(abandoned=0.5, max_attempts=2),
    )


def _trace(seed: int, n: int, horizon_s: float) -> np.ndarray:
    t = np.sort(np.random.default_rng(seed).uniform(0.0, horizon_s, n))
    t[10] = t[11]  # a tie
    return t


@pytest.mark.parametrize("engine", ["fast", "simpy"])
def test_trace_arrival_times_are_used_exactly(engine):
    sc = _rich()
    trace = _trace(1, 150, 3600.0)
    res = simulate(sc, replications=3, seed=5, engine=engine, record_calls=True, arrival_s=trace)
    log = res.calls
    handle = []
    for i in range(3):
        mine = log[log["replication"] == i]
        first = mine[mine["attempt"] == 1]
        first = first[np.argsort(first["customer"])]
        assert first.size == trace.size
        # on the forecast's clock: the horizon starts at forecast.start_s
        np.testing.assert_array_equal(first["arrival_s"], trace + sc.forecast.start_s)
        # redials come after the first attempt of the same customer
        again = mine[mine["attempt"] == 2]
        assert again.size > 0
        assert np.all(again["arrival_s"] > first["arrival_s"][again["customer"]])
        # offered per interval: the trace binned, plus the redials
        counts = np.bincount((trace // 900).astype(int), minlength=4) + np.bincount(again["interval"], minlength=4)
        assert np.bincount(mine["interval"], minlength=4).tolist() == counts.tolist()
        talk = mine["outcome"] == Outcome.ANSWERED
        handle.append(np.sort(mine["end_s"][talk] - mine["answer_s"][talk])[:20])
    # everything else is drawn per replication: the handle times differ
    assert not np.array_equal(handle[0], handle[1])
    assert set(np.unique(log["outcome"])) >= {Outcome.ANSWERED, Outcome.IVR, Outcome.ABANDONED}


def test_sample_callers_with_a_trace_draws_the_rest_from_the_seed():
    sc = _rich()
    trace = _trace(2, 80, 3600.0)
    a, b, c = (sample_callers(sc, s, arrival_s=trace) for s in (3, 3, 4))
    np.testing.assert_array_equal(a.arrival_s, trace)
    np.testing.assert_array_equal(a.handle_unit, b.handle_unit)
    np.testing.assert_array_equal(a.cls, b.cls)
    assert a.handle_unit.shape == (80, 2) and a.cls.shape == (80,)
    assert not np.array_equal(a.handle_unit, c.handle_unit) and not np.array_equal(a.ivr_u, c.ivr_u)
    assert a.arrival_s is not trace  # a copy: the caller's array is not shared
    empty = sample_callers(sc, 3, arrival_s=[])
    assert empty.n == 0 and empty.handle_unit.shape == (0, 2)


def test_run_replication_is_one_replication_of_simulate():
    sc = _rich()
    trace = _trace(3, 120, 3600.0)
    res = simulate(sc, replications=2, seed=11, engine="fast", arrival_s=trace, record_calls=True)
    child = np.random.SeedSequence(11).spawn(2)[1]  # replication 1 of seed 11
    out = run_replication(sc, seed=child, engine="fast", arrival_s=trace, record_calls=True)
    log = res.calls[res.calls["replication"] == 1]
    for name in ("customer", "attempt", "priority", "arrival_s", "answer_s", "end_s", "outcome", "wait_s", "interval"):
        np.testing.assert_array_equal(out.calls[name], log[name])
    # the counters hold what the log says
    c = out.counts
    answered = log["outcome"] == Outcome.ANSWERED
    assert c[:, rec.C_ANSWERED].tolist() == np.bincount(log["interval"][answered], minlength=4).tolist()
    waits = np.bincount(log["interval"][answered], log["wait_s"][answered], minlength=4)
    np.testing.assert_allclose(c[:, rec.C_WAIT_SUM], waits)


# ---- a Poisson trace gives the theory ----------------------------------------------------------
def _poisson_traces(rate_per_s: float, hours: int, n_traces: int, engine: str, sc_kw: dict) -> dict:
    """One replication per independent Poisson trace; per-run totals of the KPIs after 1 h warm-up."""
    f = Forecast(calls=[rate_per_s * 3600.0] * hours, aht_s=sc_kw.pop("aht_s"), interval_s=3600.0)
    sc = Scenario(f, **sc_kw)
    rng = np.random.default_rng(20240)
    horizon = hours * 3600.0
    out = {"sl_offered": [], "sl_answered": [], "asa_s": [], "abandon_fraction": [], "offered": []}
    for k in range(n_traces):
        gaps = rng.exponential(1.0 / rate_per_s, size=int(rate_per_s * horizon * 1.2) + 50)
        t = np.cumsum(gaps)
        t = t[t < horizon]
        r = simulate(sc, replications=1, seed=k, engine=engine, warmup_s=3600.0, arrival_s=t)
        for name in out:
            out[name].append(float(getattr(r.totals, name).mean))
    return {name: np.array(x) for name, x in out.items()}


def _inside(x: np.ndarray, theory: float, max_half_width: float):
    """theory within the 99.7 % t-interval of the mean of independent runs, and the interval tight."""
    hw = stats.t.ppf(0.9985, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    assert hw <= max_half_width, f"interval too wide to test: +-{hw:.4f}"
    assert abs(x.mean() - theory) <= hw, f"simulated {x.mean():.5f} +- {hw:.5f}, theory {theory:.5f}"
    return hw


@needs_jit
def test_poisson_trace_matches_erlang_c():
    r = reference_row("erlang_c.csv", "minN_200per30min_AHT300_0.8in20s_N39")  # seconds
    n = int(r["N"])
    kw = dict(aht_s=r["aht"], agents=n, handle=Distribution.exponential(1.0),
              target=ServiceTarget(answer_within_s=r["awt"]))  # fmt: skip
    runs = _poisson_traces(r["lam"], 400, 20, "fast", kw)
    hw = _inside(runs["sl_answered"], r["sl"], 0.01)
    _inside(runs["asa_s"], r["asa"], 0.1 * r["asa"])
    # a wrong model fails: one agent less is outside the interval (its SL, from the same table formula)
    a, c_less = r["A"], _erlang_c(r["A"], n - 1)
    sl_less = 1 - c_less * np.exp(-(n - 1 - a) * r["awt"] / r["aht"])
    assert abs(runs["sl_answered"].mean() - sl_less) > hw
    # every run offered exactly its trace: about lam * 59 h after the warm-up
    assert abs(runs["offered"].mean() / (r["lam"] * 399 * 3600) - 1) < 0.01


@needs_jit
def test_poisson_trace_matches_erlang_a():
    r = reference_row("erlang_a.csv", "cc_A10_AHT300_pat600_n12")  # seconds
    runs = _poisson_traces(r["lam"], 250, 20, "fast", dict(aht_s=1 / r["mu"], agents=int(r["n"]),
                                                          handle=Distribution.exponential(1.0),
                                                          patience=Distribution.exponential(1 / r["theta"]),
                                                          target=ServiceTarget(answer_within_s=r["t"])))  # fmt: skip
    _inside(runs["abandon_fraction"], r["pab"], 0.01)
    _inside(runs["sl_offered"], r["sl_offered"], 0.01)
    _inside(runs["asa_s"], r["asa_served"], 0.06 * r["asa_served"])


def test_poisson_trace_matches_erlang_c_on_the_simpy_engine():
    """The reference engine, shorter: A = 4, c = 6, AHT 60 s, 20 s threshold (formula as in test_theory)."""
    load, n, aht_s, t_s = 4.0, 6, 60.0, 20.0
    runs = _poisson_traces(load / aht_s, 50, 16, "simpy", dict(aht_s=aht_s, agents=n,
                                                               target=ServiceTarget(answer_within_s=t_s)))  # fmt: skip
    c = _erlang_c(load, n)
    _inside(runs["sl_answered"], 1 - c * np.exp(-(n - load) * t_s / aht_s), 0.02)
    _inside(runs["asa_s"], c * aht_s / (n - load), 1.5)


def _erlang_c(load: float, servers: int) -> float:
    """P(wait > 0) in M/M/c from the Erlang B recursion."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return servers * b / (servers - load * (1 - b))


# ---- errors ------------------------------------------------------------------------------------
def _small():
    return Scenario(Forecast(calls=[60.0, 90.0, 30.0], aht_s=200.0, interval_s=1800.0, start_s=9 * 3600.0), agents=4)


ARRIVAL_ERRORS = [
    ([[1.0, 2.0]], "arrival_s must be a 1-D array of times in seconds; got shape (1, 2)"),
    (5.0, "arrival_s must be a 1-D array of times in seconds; got shape ()"),
    ("abc", "arrival_s must be a number or an array of numbers; got 'abc'"),
    ([1.0, np.nan], "arrival_s must be finite (not NaN or infinite); 1 of 2 values break it (first at index 1: nan)"),
    ([1.0, np.inf], "arrival_s must be finite (not NaN or infinite); 1 of 2 values break it (first at index 1: inf)"),
    ([-1.0, 5.0], "arrival_s must be within the horizon, [0, 5400) seconds since its start; 1 of 2 values break it "
                  "(first at index 0: -1.0)"),
    ([5.0, 5400.0], "arrival_s must be within the horizon, [0, 5400) seconds since its start; 1 of 2 values break it "
                    "(first at index 1: 5400.0)"),
    ([5.0, 3.0, 4.0], "arrival_s must be sorted (non-decreasing); 1 of 3 values break it (first at index 1: 3.0)"),
]  # fmt: skip


@pytest.mark.parametrize(("arrival_s", "msg"), ARRIVAL_ERRORS)
def test_arrival_s_errors(arrival_s, msg):
    sc = _small()
    calls = [
        lambda: simulate(sc, replications=2, seed=1, arrival_s=arrival_s),
        lambda: sample_callers(sc, 1, arrival_s=arrival_s),
        lambda: run_replication(sc, seed=1, arrival_s=arrival_s),
    ]
    for call in calls:
        with pytest.raises(ConfigError, match=re.escape(msg)):
            call()


def test_run_replication_errors():
    for kw, msg in [
        (dict(scenario={}), "scenario must be a cxqueue.scenario.Scenario; got dict"),
        (dict(engine="ciw"), "engine must be one of 'simpy', 'fast'; got 'ciw'"),
        (dict(record_calls=1), "record_calls must be True or False; got 1"),
        (dict(seed=-2), "seed must be >= 0; got -2"),
    ]:
        args = {"scenario": _small(), "seed": 1} | kw
        with pytest.raises(ConfigError, match=re.escape(msg)):
            run_replication(args.pop("scenario"), **args)
