"""ISA: the conditional-wait formulas, the number in system from the call log, the staffing
rule, stationary limits against Erlang C/A, and acceptance 2 of issue 4 on a subset.

Oracles: the tagged caller's wait as an absorbing Markov chain solved with scipy's matrix
exponential and a linear solve; N(t) by dense sampling of the call log; the analytic
Erlang C/A inverses in a stationary regime; for the sinusoidal day, a second simulation
with an independent seed and a confidence interval over replications.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy import linalg

from cxqueue.analytic import erlang_a
from cxqueue.optimize.isa import (
    _conditional,
    _next_staffing,
    _number_in_system,
    _time_histograms,
    iterative_staffing,
)
from cxqueue.optimize.requirements import staffing_requirements
from cxqueue.scenario import Distribution, Forecast, Scenario, ServiceTarget
from cxqueue.sim import Outcome, simulate
from tests.conftest import needs_jit
from tests.optimize.oracles import delay_by_phase


def _chain(s, j, mu, theta, tau):
    """Tagged caller with j ahead: states j..0 ahead, then answered (A) or abandoned (X).

    Returns P(answered), P(answered by tau), P(V <= tau) (never hangs up), E[V; answered]."""
    m = j + 1  # transient states: i ahead, i = j..0 -> index j - i
    Q = np.zeros((m + 2, m + 2))
    for idx in range(m):
        i = j - idx
        move = s * mu + i * theta
        Q[idx, idx + 1 if i > 0 else m] += move  # next state, or answered
        Q[idx, m + 1] += theta  # hangs up
        Q[idx, idx] -= move + theta
    P = linalg.expm(Q * tau)
    p_ans_tau = P[0, m]
    T = -Q[:m, :m]
    to_ans = Q[:m, m]
    h = np.linalg.solve(T, to_ans)  # P(answered | state)
    p_ans = h[0]
    e_time = np.linalg.solve(T.T, np.eye(m)[0])  # expected time in each transient state
    e_v_ans = float(e_time @ h)
    Qv = Q.copy()  # the virtual wait: nobody hangs up (the tagged caller; those ahead still do)
    for idx in range(m):
        Qv[idx, m + 1] = 0.0
        Qv[idx, idx] += theta
    p_v = linalg.expm(Qv * tau)[0, m]
    return p_ans, p_ans_tau, p_v, e_v_ans


@pytest.mark.parametrize(
    ("s", "j", "theta", "tau"),
    [
        (10, 0, 1 / 120, 20.0),
        (10, 4, 1 / 120, 20.0),
        (25, 12, 1 / 30, 45.0),
        (3, 7, 1 / 600, 200.0),
        (10, 4, 0.0, 20.0),
    ],
)
def test_conditional_wait_formulas_against_markov_chain(s, j, theta, tau):
    mu = 1 / 60
    adm, ans, within, vin, wans = (float(x[0]) for x in _conditional(np.array([s + j]), np.array([s]), mu, theta,
                                                                       tau, math.inf))  # fmt: skip
    p_ans, p_ans_tau, p_v, e_v_ans = _chain(s, j, mu, theta, tau)
    assert adm == 1.0
    assert ans == pytest.approx(p_ans, rel=1e-10)
    assert within == pytest.approx(p_ans_tau, rel=1e-8)
    assert vin == pytest.approx(p_v, rel=1e-8)
    assert wans == pytest.approx(e_v_ans, rel=1e-8)


def test_conditional_no_wait_and_blocked():
    out = _conditional(np.array([3.0, 9.0, 12.0]), np.array([5.0]), 1 / 60, 1 / 100, 20.0, 10.0)
    adm, ans, within, vin, wans = (x.tolist() for x in out)
    assert adm == [1.0, 1.0, 0.0]  # 12 in system with 10 lines: blocked
    assert ans[0] == within[0] == vin[0] == 1.0 and wans[0] == 0.0
    assert ans[2] == within[2] == 0.0


@pytest.fixture(scope="module")
def small_log():
    f = Forecast(calls=np.full(6, 30.0), aht_s=60.0, interval_s=60.0, start_s=3600.0)
    sc = Scenario(f, agents=np.full(6, 28.0), patience=Distribution.exponential(60.0))
    res = simulate(sc, replications=4, seed=3, engine="fast", record_calls=True)
    return f, res.calls


def test_time_histograms_against_dense_sampling(small_log):
    f, calls = small_log
    h = _time_histograms(calls, 4, f)
    np.testing.assert_allclose(h.sum(axis=1), 4 * 60.0)
    points = 4000
    times = f.start_s + (np.arange(6)[:, None] + (np.arange(points)[None, :] + 0.5) / points) * 60.0
    n_t = _number_in_system(calls, 4, times.ravel()).reshape(4, 6, points)
    dense = np.stack([np.bincount(n_t[:, k].ravel(), minlength=h.shape[1]) for k in range(6)]) / (4 * points)
    np.testing.assert_allclose(h / h.sum(axis=1, keepdims=True), dense, atol=2e-3)


def test_number_in_system_by_hand():
    log = np.zeros(4, dtype=[("replication", "i4"), ("arrival_s", "f8"), ("end_s", "f8"), ("outcome", "i1")])
    log["arrival_s"] = [1.0, 2.0, 3.0, 4.0]
    log["end_s"] = [5.0, 2.0, np.nan, 6.0]
    log["outcome"] = [int(Outcome.ANSWERED), int(Outcome.BLOCKED), int(Outcome.BACKLOG), int(Outcome.ABANDONED)]
    n = _number_in_system(log, 1, np.array([0.5, 1.5, 3.5, 4.5, 5.5, 7.0]))
    assert n.tolist() == [[0, 1, 2, 3, 2, 1]]  # the blocked call never enters; the backlog stays


def test_staffing_rule_fast_path_equals_bisection():
    rng = np.random.default_rng(2)
    hist = rng.integers(0, 50, size=(40, 30)).astype(np.float64)
    hist[:, :5] = 0
    mu = np.full(40, 1 / 60)
    for alpha in (0.1, 0.5, 0.8):
        t = ServiceTarget(level=1 - alpha, answer_within_s=0.0)
        fast = _next_staffing(hist, mu, 0.0, t, math.inf)
        slow = _next_staffing(hist, mu, 0.0, t, 1e6)  # finite lines: the bisection path
        np.testing.assert_array_equal(fast, slow)
        tail = np.cumsum(hist[:, ::-1], axis=1)[:, ::-1] / hist.sum(axis=1, keepdims=True)
        for k in range(40):  # min{s : P(N >= s) <= alpha}
            s = fast[k]
            assert (s == hist.shape[1] or tail[k, s] <= alpha + 1e-12) and (s == 0 or tail[k, s - 1] > alpha)
        near = _next_staffing(hist, mu, 0.0, t, math.inf, "nearest")
        for k in range(40):
            up = fast[k]
            p_up = tail[k, up] if up < hist.shape[1] else 0.0
            want = up - 1 if up > 0 and tail[k, up - 1] - alpha < alpha - p_up else up
            assert near[k] == want


@needs_jit
@pytest.mark.parametrize(("theta", "alpha"), [(0.5, 0.5), (1.0, 0.2)])
def test_isa_stationary_matches_erlang(theta, alpha):
    f = Forecast(calls=np.full(20, 40.0), aht_s=60.0, interval_s=60.0)  # 40 Erlangs
    pat = Distribution.exponential(60.0 / theta)
    r = iterative_staffing(f, ServiceTarget(level=1 - alpha, answer_within_s=0.0), initial_agents=np.full(20, 70),
                           handle=Distribution.exponential(1.0), patience=pat, lines=None, replications=150,
                           seed=4, max_iter=25)  # fmt: skip
    want = int(erlang_a.agents_for_service_level(40.0, aht_s=60.0, mean_patience_s=60.0 / theta,
                                                 answer_within_s=0.0, level=1 - alpha))  # fmt: skip
    steady = r.agents[10:]
    assert np.all(np.abs(steady - want) <= 1), (steady, want)
    assert abs(float(np.median(steady)) - want) <= 0.5
    assert r.converged or r.cycle > 0


@needs_jit
def test_isa_service_level_target_meets_erlang_a_in_steady_state():
    # 80 % within 20 s, ASA <= 15 s: the conditional formulas in the staffing rule
    f = Forecast(calls=np.full(20, 40.0), aht_s=60.0, interval_s=60.0)
    t = ServiceTarget(level=0.8, answer_within_s=20.0, max_asa_s=15.0)
    r = staffing_requirements(f, t, model="erlang_a", method="isa", mean_patience_s=120.0, seed=5,
                              replications=150)  # fmt: skip
    kw = {"aht_s": 60.0, "mean_patience_s": 120.0}
    want = max(int(erlang_a.agents_for_service_level(40.0, answer_within_s=20.0, level=0.8, **kw)),
               int(erlang_a.agents_for_asa(40.0, max_asa_s=15.0, **kw)))  # fmt: skip
    assert np.all(np.abs(r.agents[10:] - want) <= 1), (r.agents, want)
    assert set(r.binding[10:]) <= {"service_level", "asa"}
    assert r.iterations >= 2 and r.staffing_history.shape == (len(r.max_change) + 1 + (r.cycle > 0), 20)


def test_isa_reports_the_iteration_cap():
    f = Forecast(calls=np.full(8, 40.0), aht_s=60.0, interval_s=60.0)
    r = staffing_requirements(f, ServiceTarget(level=0.5, answer_within_s=0.0), model="erlang_a",
                              mean_patience_s=60.0, method="isa", seed=1, replications=20, max_iter=1)  # fmt: skip
    assert not r.converged and r.iterations == 1 and r.cycle == 0
    assert re.fullmatch(
        r"isa stopped after max_iter=1 iterations without converging: \d+ intervals still changed by up to \d+ "
        r"agents \(raise max_iter or replications\)",
        r.messages[-1],
    )
    assert r.simulated_delay_probability.shape == (8,)


def test_isa_level_one_is_reported_not_chased():
    f = Forecast(calls=np.full(4, 20.0), aht_s=60.0, interval_s=60.0)
    r = staffing_requirements(f, ServiceTarget(level=1.0, answer_within_s=0.0), model="erlang_a",
                              mean_patience_s=60.0, method="isa", seed=1, replications=20)  # fmt: skip
    assert not r.feasible.any() and r.messages[0].startswith("service_level cannot be met in 4 of 4 intervals")
    assert np.all(r.agents > 0)


def test_isa_keeps_the_occupancy_cap():
    f = Forecast(calls=np.full(6, 40.0), aht_s=60.0, interval_s=60.0)
    t = ServiceTarget(level=0.2, answer_within_s=0.0, max_occupancy=0.7)
    r = staffing_requirements(f, t, model="erlang_a", mean_patience_s=60.0, method="isa", seed=1, replications=30)
    lag = r.load
    np.testing.assert_array_equal(r.agents >= np.ceil(lag / 0.7 - 1e-9), True)
    assert "occupancy" in set(r.binding)


# ---------------------------------------------------------------------------------------
# acceptance 2 (subset): lambda(t) = 100 + 20 sin t, mu = 1, staffing steps of 0.1
# ---------------------------------------------------------------------------------------
UNIT_S, STEP = 60.0, 0.1


def _sinusoid(cycles):
    n = round(cycles * 2 * math.pi / STEP)
    t = np.arange(n) * STEP
    return Forecast(calls=100.0 * STEP + 20.0 * (np.cos(t) - np.cos(t + STEP)), aht_s=UNIT_S, interval_s=STEP * UNIT_S)


@needs_jit
@pytest.mark.parametrize(("theta", "alpha", "rounding"), [(1.0, 0.1, "up"), (5.0, 0.5, "nearest")])
def test_isa_keeps_delay_probability_in_band_where_sipp_does_not(theta, alpha, rounding):
    # two (theta, alpha) of the nine (benchmarks/bench_isa.py and experiments/e001 run all): 3
    # cycles, the first is the warm-up; the check simulates the staffing again with an
    # independent seed. theta = 5, alpha = 0.5 is where rounding "up" misses the band (one
    # agent moves P(wait) by about 0.06 there) and "nearest" keeps it
    f = _sinusoid(3)
    target = ServiceTarget(level=1 - alpha, answer_within_s=0.0)
    kw = {"model": "erlang_a", "mean_patience_s": UNIT_S / theta}
    isa = staffing_requirements(f, target, method="isa", seed=11, replications=200, isa_rounding=rounding, **kw)
    sipp = staffing_requirements(f, target, method="sipp", **kw)
    dev = {}
    for name, r in (("isa", isa), ("sipp", sipp)):
        sc = Scenario(f, agents=r.agents.astype(np.float64), patience=Distribution.exponential(UNIT_S / theta))
        reps = 800 if name == "isa" else 100  # SIPP misses by about 0.4: fewer replications show it
        res = simulate(sc, replications=reps, seed=12, engine="fast", record_calls=True)
        p, hw = delay_by_phase(res.calls, 16, 2 * math.pi, UNIT_S)
        dev[name] = np.abs(p - alpha).max()
        if name == "isa":
            assert hw.max() < 0.02  # the check is precise enough to judge a 0.04 band
    assert dev["isa"] <= 0.04, dev
    assert dev["sipp"] > 3 * 0.04, dev


def test_isa_common_random_numbers_for_every_kind_of_seed():
    # a SeedSequence or Generator is turned into the same replications at every iteration
    f = Forecast(calls=np.full(6, 40.0), aht_s=60.0, interval_s=60.0)
    t = ServiceTarget(level=0.5, answer_within_s=0.0)
    kw = {"model": "erlang_a", "mean_patience_s": 60.0, "method": "isa", "replications": 20}
    a = staffing_requirements(f, t, seed=5, **kw)
    b = staffing_requirements(f, t, seed=np.random.SeedSequence(5), **kw)
    np.testing.assert_array_equal(a.agents, b.agents)
    np.testing.assert_array_equal(a.staffing_history, b.staffing_history)
    c = staffing_requirements(f, t, seed=np.random.default_rng(1), **kw)
    assert c.converged or c.cycle > 0
