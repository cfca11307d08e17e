"""staffing_requirements: SIPP and Lag-SIPP against brute force, infeasible targets, errors.

Oracles: the smallest agents found by scanning upward with the analytic *forward*
metrics (service level, ASA, abandonment, blocking), independent of the inverses that
`staffing_requirements` calls; the infinite-server load against scipy quad of
``int lambda(u) P(S > t - u) du``.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from scipy import integrate, stats

from cxqueue.analytic import erlang_a, erlang_c, erlang_x
from cxqueue.exceptions import ConfigError
from cxqueue.optimize.isa import infinite_server_load
from cxqueue.optimize.requirements import CONSTRAINTS, StaffingRequirements, staffing_requirements
from cxqueue.scenario import Distribution, Forecast, ServiceTarget

CALLS = np.array([0.0, 12.0, 55.0, 140.0, 300.0, 90.0, 0.0, 7.0])
AHT = np.array([180.0, 200.0, 240.0, 180.0, 300.0, 150.0, 180.0, 420.0])
F = Forecast(calls=CALLS, aht_s=AHT, interval_s=900.0, start_s=8 * 3600.0)


def scan(ok, load, limit=2000):
    """Smallest integer c >= 0 with ok(c) for each interval (brute force)."""
    out = []
    for i, a in enumerate(load):
        if a == 0:
            out.append(0)
            continue
        c = 0
        while not ok(i, c):
            c += 1
            assert c < limit
        out.append(c)
    return np.array(out)


def test_sipp_erlang_c_service_level_matches_brute_force():
    t = ServiceTarget(level=0.8, answer_within_s=20.0)
    r = staffing_requirements(F, t)
    load = F.offered_load
    want = scan(lambda i, c: erlang_c.service_level(load[i], c, aht_s=AHT[i], answer_within_s=20.0) >= 0.8, load)
    np.testing.assert_array_equal(r.agents, want)
    assert r.agents.dtype == np.int64 and r.paid_agents.dtype == np.int64
    np.testing.assert_array_equal(r.binding, np.where(load > 0, "service_level", "none"))
    busy = load > 0
    assert np.all(r.service_level[busy] >= 0.8)
    np.testing.assert_allclose(
        r.service_level[busy], erlang_c.service_level(load[busy], want[busy], aht_s=AHT[busy], answer_within_s=20.0)
    )
    assert r.all_feasible and r.messages == () and r.iterations == 0 and r.converged


@pytest.mark.parametrize("basis", ["offered", "answered", "virtual"])
def test_sipp_erlang_a_every_cap_is_max_of_brute_force_minima(basis):
    t = ServiceTarget(level=0.85, answer_within_s=15.0, basis=basis, max_asa_s=12.0, max_abandon=0.02,
                      max_occupancy=0.8)  # fmt: skip
    pat = 240.0
    r = staffing_requirements(F, t, model="erlang_a", mean_patience_s=pat)
    load = F.offered_load
    kw = lambda i: {"aht_s": AHT[i], "mean_patience_s": pat}  # noqa: E731

    def sl_ok(i, c):
        return erlang_a.service_level(load[i], c, answer_within_s=15.0, basis=basis, **kw(i)) >= 0.85

    mins = {
        "service_level": scan(sl_ok, load),
        "asa": scan(lambda i, c: erlang_a.average_speed_of_answer(load[i], c, **kw(i)) <= 12.0, load),
        "abandon": scan(lambda i, c: erlang_a.abandon_probability(load[i], c, **kw(i)) <= 0.02, load),
        "occupancy": scan(lambda i, c: c > 0 and load[i] / c <= 0.8, load),
    }
    stack = np.stack([mins[k] for k in CONSTRAINTS[:4]])
    np.testing.assert_array_equal(r.agents, stack.max(axis=0))
    first_max = np.array(CONSTRAINTS[:4])[np.argmax(stack == stack.max(axis=0), axis=0)]
    np.testing.assert_array_equal(r.binding, np.where(load > 0, first_max, "none"))
    busy = load > 0
    assert np.all(r.asa_s[busy] <= 12.0) and np.all(r.abandon[busy] <= 0.02) and np.all(r.occupancy[busy] <= 0.8)


def test_sipp_erlang_x_with_lines_matches_brute_force_and_blocking_cap():
    t = ServiceTarget(level=0.8, answer_within_s=20.0, max_blocking=0.02)
    f = Forecast(calls=[30.0, 60.0, 90.0], aht_s=300.0, interval_s=900.0)
    r = staffing_requirements(f, t, model="erlang_x", mean_patience_s=180.0, lines=40)
    load = f.offered_load
    kw = {"aht_s": 300.0, "mean_patience_s": 180.0}
    sl = scan(lambda i, c: erlang_x.service_level(load[i], c, 40, answer_within_s=20.0, **kw) >= 0.8, load)
    bl = scan(lambda i, c: erlang_x.blocking_probability(load[i], c, 40, **kw) <= 0.02, load)
    np.testing.assert_array_equal(r.agents, np.maximum(sl, bl))
    assert r.all_feasible
    assert np.all(r.blocking <= 0.02)


def test_paid_agents_after_shrinkage():
    f = Forecast(calls=[100.0, 200.0], aht_s=180.0, interval_s=1800.0)
    r = staffing_requirements(f, ServiceTarget(level=0.8, answer_within_s=20.0, shrinkage=0.3))
    assert r.agents.tolist() == [14, 24]
    # 14 / 0.7 = 20 exactly (no spurious 21 from rounding), 24 / 0.7 = 34.29 -> 35
    assert r.paid_agents.tolist() == [20, 35]
    assert r.shrinkage == 0.3


F_LAG = Forecast(calls=[0.0, 60.0, 120.0, 30.0, 0.0, 0.0], aht_s=[300.0, 300.0, 200.0, 400.0, 300.0, 300.0],
                 interval_s=300.0)  # fmt: skip


def _cohorts(t, inner):
    """m(t) = sum over intervals k of lambda_k int_{a_k}^{min(b_k, t)} P(S_k > t - u) du."""
    lam = F_LAG.calls / 300.0
    return sum(lam[k] * inner(t, 300.0 * k, min(300.0 * (k + 1), t), F_LAG.aht_s[k])
               for k in range(F_LAG.n_intervals) if t > 300.0 * k and lam[k] > 0)  # fmt: skip


def test_infinite_server_load_exponential_against_quad():
    inner = lambda t, a, b, h: h * (math.exp(-(t - b) / h) - math.exp(-(t - a) / h))  # noqa: E731
    want = [integrate.quad(lambda t: _cohorts(t, inner), 300.0 * k, 300.0 * (k + 1))[0] / 300.0 for k in range(6)]
    np.testing.assert_allclose(infinite_server_load(F_LAG), want, rtol=1e-9, atol=1e-9)


def test_infinite_server_load_deterministic_against_overlap():
    # deterministic service d: m(t) = sum lambda_k |[a_k, b_k) & (t - d, t]|, averaged on a fine grid
    inner = lambda t, a, b, h: max(0.0, b - max(a, t - h))  # noqa: E731
    grid = (np.arange(20000) + 0.5) / 20000
    want = [np.mean([_cohorts(300.0 * (k + g), inner) for g in grid]) for k in range(6)]
    got = infinite_server_load(F_LAG, handle=Distribution.deterministic(1.0))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


def test_infinite_server_load_lognormal_against_quad():
    sigma = math.sqrt(math.log1p(1.5**2))
    sf = lambda x: float(stats.lognorm.sf(x, s=sigma, scale=math.exp(-0.5 * sigma**2)))  # noqa: E731
    inner = lambda t, a, b, h: integrate.quad(lambda u: sf((t - u) / h), a, b)[0]  # noqa: E731
    nodes, weights = np.polynomial.legendre.leggauss(24)
    want = [sum(w / 2 * _cohorts(300.0 * (k + (x + 1) / 2), inner) for x, w in zip(nodes, weights, strict=True))
            for k in range(6)]  # fmt: skip
    got = infinite_server_load(F_LAG, handle=Distribution.lognormal(1.0, cv=1.5))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)


def test_infinite_server_load_empirical_equals_its_distribution():
    # samples {0.5, 1.5} x AHT: the integrated survival is piecewise linear
    f = Forecast(calls=[0.0, 90.0, 0.0, 0.0], aht_s=200.0, interval_s=300.0)
    emp = infinite_server_load(f, handle=Distribution.empirical([100.0, 300.0]))
    # same as the mixture of two deterministic services of 100 s and 300 s
    d1 = infinite_server_load(Forecast(f.calls, 100.0, 300.0), handle=Distribution.deterministic(1.0))
    d3 = infinite_server_load(Forecast(f.calls, 300.0, 300.0), handle=Distribution.deterministic(1.0))
    np.testing.assert_allclose(emp, (d1 + d3) / 2, atol=1e-12)


def test_infinite_server_load_stationary_limit():
    f = Forecast(calls=np.full(40, 90.0), aht_s=240.0, interval_s=900.0)
    m = infinite_server_load(f)
    np.testing.assert_allclose(m[10:], f.offered_load[10:], rtol=1e-12)
    assert m[0] < f.offered_load[0]


def test_lag_sipp_staffs_the_lagged_load():
    f = Forecast(calls=[0.0, 200.0, 200.0, 20.0, 0.0], aht_s=600.0, interval_s=900.0)
    t = ServiceTarget(level=0.8, answer_within_s=20.0)
    r = staffing_requirements(f, t, method="lag_sipp")
    m = infinite_server_load(f)
    np.testing.assert_allclose(r.load, m)
    want = erlang_c.agents_for_service_level(m, aht_s=600.0, answer_within_s=20.0, level=0.8)
    np.testing.assert_array_equal(r.agents, want)
    # the load carries past the peak: staff is needed after the calls stop
    assert r.agents[4] > 0 and r.binding[4] == "service_level"
    sipp = staffing_requirements(f, t)
    assert sipp.agents[4] == 0 and r.agents[1] < sipp.agents[1]


def test_zero_calls_and_empty_forecast():
    r = staffing_requirements(Forecast(calls=[0.0, 0.0], aht_s=180.0), ServiceTarget(max_asa_s=10.0))
    assert r.agents.tolist() == [0, 0] and r.binding.tolist() == ["none", "none"]
    assert r.service_level.tolist() == [1.0, 1.0] and r.occupancy.tolist() == [0.0, 0.0]
    r = staffing_requirements(Forecast(calls=np.zeros(0), aht_s=np.zeros(0) + 1.0), ServiceTarget())
    assert r.agents.shape == (0,)


def test_dedup_gives_the_same_answer():
    rng = np.random.default_rng(5)
    calls = rng.integers(0, 6, 400).astype(np.float64) * 20.0  # few distinct values: deduplicated
    f = Forecast(calls=calls, aht_s=300.0, interval_s=900.0)
    t = ServiceTarget(level=0.8, answer_within_s=20.0, max_asa_s=30.0)
    r = staffing_requirements(f, t, model="erlang_a", mean_patience_s=200.0)
    kw = {"aht_s": 300.0, "mean_patience_s": 200.0}
    want = np.maximum(
        erlang_a.agents_for_service_level(f.offered_load, answer_within_s=20.0, level=0.8, **kw),
        erlang_a.agents_for_asa(f.offered_load, max_asa_s=30.0, **kw),
    )
    np.testing.assert_array_equal(r.agents, want)


# ---------------------------------------------------------------------------------------
# targets no staffing meets: reported, not raised
# ---------------------------------------------------------------------------------------
def test_level_one_is_reported_with_best_effort():
    f = Forecast(calls=[0.0, 100.0, 200.0], aht_s=180.0, interval_s=1800.0, start_s=86400.0 + 9 * 3600.0)
    r = staffing_requirements(f, ServiceTarget(level=1.0, answer_within_s=20.0))
    assert r.feasible.tolist() == [True, False, False]
    assert r.unmet_intervals.tolist() == [1, 2] and not r.all_feasible
    assert r.messages == (
        "service_level cannot be met in 2 of 3 intervals (first at index 1, Tue 09:30, 100 calls): level=1 cannot "
        "be reached: no finite staffing answers every call in time (pass a level < 1; these intervals get the "
        "staffing for 0.999)",
    )
    want = erlang_c.agents_for_service_level(f.offered_load[1:], aht_s=180.0, answer_within_s=20.0, level=0.999)
    assert r.agents[1:].tolist() == want.tolist()
    assert r.binding.tolist() == ["none", "service_level", "service_level"]


def test_too_few_lines_is_reported_where_it_happens():
    f = Forecast(calls=[30.0, 150.0, 60.0, 150.0], aht_s=300.0, interval_s=900.0)
    t = ServiceTarget(level=0.9, answer_within_s=20.0, max_occupancy=0.9, max_blocking=0.01)
    r = staffing_requirements(f, t, model="erlang_x", mean_patience_s=300.0, lines=[30, 70, 35, 40])
    # 50 Erlangs on 40 lines: no staffing gets 90 % within 20 s, occupancy 0.9 or 1 % busy signals
    assert r.feasible.tolist() == [True, True, True, False]
    assert r.agents[3] == 40  # best effort: every line staffed
    assert r.binding[3] == "service_level"
    assert r.messages == (
        "service_level cannot be met in 1 of 4 intervals (first at index 3, Mon 00:45, 150 calls): too few lines: "
        "even with every line staffed fewer than 0.9 of calls are answered within 20 s (offered basis)",
        "occupancy cannot be met in 1 of 4 intervals (first at index 3, Mon 00:45, 150 calls): too few lines: "
        "occupancy <= 0.9 needs more agents than lines",
        "blocking cannot be met in 1 of 4 intervals (first at index 3, Mon 00:45, 150 calls): too few lines: busy "
        "signals stay above 0.01 even with every line staffed",
    )
    ok = r.feasible
    assert np.all(r.service_level[ok] >= 0.9) and np.all(r.blocking[ok] <= 0.01)


def test_abandon_cap_with_lines_is_met_by_staffing_every_line():
    # with every line staffed nobody waits, so an abandonment cap is always reachable
    f = Forecast(calls=[150.0], aht_s=300.0, interval_s=900.0)
    r = staffing_requirements(f, ServiceTarget(level=0.0, max_abandon=0.001), model="erlang_x",
                              mean_patience_s=30.0, lines=55)  # fmt: skip
    kw = {"aht_s": 300.0, "mean_patience_s": 30.0}
    want = scan(lambda i, c: erlang_x.abandon_probability(50.0, c, 55, **kw) <= 0.001, [50.0])
    assert r.all_feasible and r.agents.tolist() == want.tolist() and r.binding.tolist() == ["abandon"]


def test_caps_without_effect_are_noted():
    f = Forecast(calls=[100.0], aht_s=180.0, interval_s=1800.0)
    r = staffing_requirements(f, ServiceTarget(max_abandon=0.05, max_blocking=0.01))
    assert r.all_feasible and r.agents.tolist() == [14]
    assert r.messages == (
        "max_abandon=0.05 has no effect: with infinite patience nobody hangs up (pass a finite mean_patience_s "
        "with model='erlang_a' or 'erlang_x')",
        "max_blocking=0.01 has no effect: lines are unlimited (pass lines)",
    )


def test_result_is_frozen_and_serializes():
    r = staffing_requirements(F, ServiceTarget(), model="erlang_a", mean_patience_s=300.0)
    assert isinstance(r, StaffingRequirements)
    with pytest.raises(AttributeError):
        r.agents = None
    d = json.loads(json.dumps(r.to_dict()))
    assert d["agents"] == r.agents.tolist() and d["model"] == "erlang_a" and d["method"] == "sipp"
    assert d["staffing_history"] is None and d["messages"] == []


# ---------------------------------------------------------------------------------------
# errors: every message
# ---------------------------------------------------------------------------------------
ERRORS = [
    (dict(forecast=[1.0]), "forecast must be a cxqueue.scenario.Forecast; got list"),
    (dict(target=0.8), "target must be a cxqueue.scenario.ServiceTarget; got float"),
    (dict(model="erlang_b"), "model must be one of 'erlang_c', 'erlang_a', 'erlang_x'; got 'erlang_b'"),
    (dict(method="psa"), "method must be one of 'sipp', 'lag_sipp', 'isa'; got 'psa'"),
    (
        dict(mean_patience_s=300.0),
        "model='erlang_c' has no abandonment; got mean_patience_s=300 (use model='erlang_a' for callers who hang up)",
    ),
    (dict(model="erlang_a", mean_patience_s=-1.0), "mean_patience_s must be > 0; got -1.0"),
    (dict(model="erlang_a", mean_patience_s=float("nan")), "mean_patience_s must be a number, not NaN; got nan"),
    (dict(lines=10), "lines needs model='erlang_x' (finite phone lines); got model='erlang_c'"),
    (dict(model="erlang_x", lines=[10, 20]), "lines must be one number or one per interval (8); got shape (2,)"),
    (dict(model="erlang_x", lines=10.5), "lines must be whole numbers; got 10.5"),
    (dict(model="erlang_x", lines=0), "lines must be > 0; got 0.0"),
    (
        dict(model="erlang_x", lines=np.arange(1.0, 9.0), method="isa"),
        "method='isa' needs one line count for the whole horizon; got one per interval",
    ),
    (
        dict(handle=Distribution.none()),
        "handle must be a cxqueue.scenario.Distribution of handle times; got Distribution(kind='none'",
    ),
    (dict(handle="exponential"), "handle must be a cxqueue.scenario.Distribution of handle times; got 'exponential'"),
    (dict(replications=1), "replications must be >= 2; got 1"),
    (dict(max_iter=0), "max_iter must be >= 1; got 0"),
    (dict(max_iter=2.5), "max_iter must be an integer; got 2.5"),
]


@pytest.mark.parametrize(("kwargs", "msg"), ERRORS)
def test_errors_name_the_cause(kwargs, msg):
    args = {"forecast": F, "target": ServiceTarget(), **kwargs}
    with pytest.raises(ConfigError, match=re.escape(msg)):
        staffing_requirements(args.pop("forecast"), args.pop("target"), **args)


def test_isa_bad_seed_is_named():
    f = Forecast(calls=[10.0], aht_s=60.0, interval_s=60.0)
    with pytest.raises(ConfigError, match=re.escape("seed must be >= 0; got -1")):
        staffing_requirements(f, ServiceTarget(), method="isa", seed=-1)


def test_infinite_server_load_is_never_negative_after_a_busy_stretch():
    # round-off of the second differences gave -1.5e-15 at index 8 here, which turned
    # into NaN agents under ISA (found by the plan benchmark on the bank)
    from cxqueue.optimize.isa import infinite_server_load
    from cxqueue.scenario import Distribution, Forecast

    f = Forecast(calls=[5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3], aht_s=183, interval_s=900)
    m = infinite_server_load(f, handle=Distribution.exponential(1.0))
    assert m.min() >= 0.0
    # after the burst the load drains exponentially with the mean handle time
    assert np.all(np.diff(m[1:8]) < 0) and m[7:10].max() < 1e-12
