"""Issue 11: the reproducers, each a call that never returned, took 22 s, or left [0, 1].

Each test is armed with a watchdog (`faulthandler.dump_traceback_later`): a call that
never returns ends the run with its stack instead of stalling it. The reference values
come from the limits each case tends to (Halfin-Whitt, the fluid limit, Erlang C for
unlimited lines) or from mpmath.
"""

from __future__ import annotations

import faulthandler
import math
import re
import time

import mpmath as mp
import numpy as np
import pytest

import cxqueue
from cxqueue import ConfigError, erlang_a, erlang_b, erlang_c, erlang_x
from cxqueue.analytic._kernels import erlang_b as kb
from tests.conftest import needs_jit

INF = math.inf


@pytest.fixture(autouse=True)
def watchdog():
    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def halfin_whitt(beta: float) -> float:
    """The Halfin-Whitt limit of P(wait) at agents = A + beta sqrt(A): 1 / (1 + beta Phi(beta) / phi(beta))."""
    phi = math.exp(-beta * beta / 2) / math.sqrt(2 * math.pi)
    return 1.0 / (1.0 + beta * (0.5 * math.erfc(-beta / math.sqrt(2))) / phi)


def test_erlang_c_at_1e17_erlangs():
    # never returned: 1e17 + 1 == 1e17, so the recursion's step made no progress
    assert float(erlang_c.wait_probability(1e17, 1.01e17)) == 0.0  # beta = 3e6: C underflows
    A = 1e17
    for beta in (0.1, 0.5, 1.0, 2.0):  # the Halfin-Whitt limit holds to O(1/sqrt(A)) = 3e-9
        got = float(erlang_c.wait_probability(A, A + beta * math.sqrt(A)))
        assert abs(got / halfin_whitt(beta) - 1) < 1e-7, beta


def test_erlang_b_lines_for_1e12_erlangs():
    # never returned: a walk of 1e12 steps; now a bisection on Legendre's fraction and Temme's form
    n = int(erlang_b.lines_for_blocking(1e12, blocking=0.01))
    assert n == 990_000_000_100
    assert float(erlang_b.blocking_probability(1e12, n)) <= 0.01 < float(erlang_b.blocking_probability(1e12, n - 1))
    # the fluid limit B = 1 - n/A (n below the load) holds to O(1/A)
    assert abs(float(erlang_b.blocking_probability(1e12, n)) - (1 - n / 1e12)) < 1e-9


def test_erlang_x_with_1e12_lines_is_unlimited_lines():
    # never returned: 1e12 waiting places summed one by one; the full state weighs below 1e-300
    got = float(erlang_x.wait_probability(81.96, 304, 1e12, aht_s=180))  # summed until the terms vanish
    assert got == pytest.approx(float(erlang_x.wait_probability(81.96, 304, INF, aht_s=180)), rel=1e-14)
    assert got == pytest.approx(float(erlang_c.wait_probability(81.96, 304)), rel=1e-14)
    m = erlang_x.metrics(81.96, 304, 1e12, aht_s=180, mean_patience_s=600, answer_within_s=20)
    assert float(m.blocking) == 0.0
    want = erlang_a.metrics(81.96, 304, aht_s=180, mean_patience_s=600, answer_within_s=20)
    for field in ("wait_probability", "abandon_probability", "service_level_offered", "average_speed_of_answer_s"):
        assert float(getattr(m, field)) == pytest.approx(float(getattr(want, field)), rel=1e-14), field


def test_erlang_a_with_a_patience_of_1e15_handle_times():
    # never returned: the queue's mode lies (A - c) / th = 5e16 callers out; no sum is affordable
    # there, and the error names the parameters and the supported range
    msg = (
        "mean_patience_s and lines allow a queue too long to sum at offered_load=60.97, agents=1, lines=inf, "
        "aht_s=33.07, mean_patience_s=2.88e+16: it would hold more than 4e+06 waiting callers (the supported range)"
    )
    with pytest.raises(ConfigError, match=re.escape(msg)):
        erlang_a.wait_probability(60.97, 1.0, aht_s=33.07, mean_patience_s=2.88e16)
    with pytest.raises(ConfigError, match=re.escape("mean_patience_s and lines allow a queue too long to sum at")):
        erlang_a.wait_probability([60.97], [1.0], aht_s=33.07, mean_patience_s=2.88e16)
    # callers who never hang up: the documented way, and the overload limit
    assert float(erlang_a.wait_probability(60.97, 1.0, aht_s=33.07, mean_patience_s=INF)) == 1.0
    # a patience within the budget: the queue's mode is (A - c) / th = 1.8e5 callers out
    assert float(erlang_a.wait_probability(60.97, 1.0, aht_s=33.07, mean_patience_s=1e5)) == pytest.approx(1.0)


@needs_jit
def test_erlang_x_lines_with_redials_in_bounded_time():
    # 22 s (37 s on this machine) before: each of ~40 probes iterated ~200 times over ~8e5 places
    kw = dict(aht_s=18.146, mean_patience_s=668.88, redial_blocked=0.88097, redial_abandoned=0.30672)
    erlang_x.lines_for_blocking(100.0, 80.0, blocking=0.07374, **kw)  # compiled
    t0 = time.perf_counter()
    n = int(erlang_x.lines_for_blocking(56870.66, 40728.77, blocking=0.07374, **kw))
    elapsed = time.perf_counter() - t0
    assert n == 867174
    assert elapsed < 5.0, elapsed  # 0.46 s on an idle core
    at = erlang_x.metrics(56870.66, 40728.77, [n - 1.0, n], **kw)
    assert at.converged.all()
    assert at.blocking[1] <= 0.07374 < at.blocking[0]


def test_erlang_b_at_1e100_erlangs():
    assert float(erlang_b.blocking_probability(1e100, 2e100)) == 0.0  # was NaN
    # at lines = load, B = sqrt(2 / (pi A)) (1 + O(1/sqrt(A)))
    assert float(erlang_b.blocking_probability(1e100, 1e100)) == pytest.approx(math.sqrt(2 / (math.pi * 1e100)))


def test_erlang_a_occupancy_is_at_most_one():
    # 1 + 3.1e-14 before (the sums' rounding): the carried load over the agents, at most 1
    occ = float(erlang_a.occupancy(7939.376195755636, 5241.0, aht_s=522.2162942088704, mean_patience_s=403065.3397666))
    assert occ <= 1.0
    assert occ == pytest.approx(1.0, abs=1e-12)  # 2,700 Erlangs beyond the agents: every agent busy


@pytest.mark.parametrize(
    ("func", "kw"),
    [
        (erlang_b.extended_blocking, dict(offered_load=10.0, lines=12, redial=0.5)),
        (erlang_x.metrics, dict(offered_load=10.0, agents=10, lines=15, aht_s=300, redial_blocked=0.5)),
    ],
)
def test_tol_and_max_iter_messages_name_the_parameter(func, kw):
    for tol, msg in [
        (None, "tol must be a number > 0; got None"),
        ("1e-9", "tol must be a number > 0; got '1e-9'"),
        (np.array([1e-12, 1e-10]), "tol must be one number > 0, not an array; got array([1.e-12, 1.e-10])"),
        (True, "tol must be a number > 0; got True"),
    ]:
        with pytest.raises(ConfigError, match=re.escape(msg)):
            func(**kw, tol=tol)
    assert func(**kw, tol=np.array(1e-9)) is not None  # one number in a 0-d array
    with pytest.raises(ConfigError, match=re.escape("max_iter must be an integer in [1, 10000]; got 1000000000")):
        func(**kw, max_iter=10**9)


def test_offered_load_names_mismatched_shapes():
    msg = "inputs must broadcast together; got shapes calls(2,), interval_s(), aht_s(0,)"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        cxqueue.offered_load([100, 200], interval_s=1800, aht_s=[])
    assert cxqueue.offered_load(100, interval_s=1800, aht_s=[]).shape == (0,)  # broadcasts: empty


def test_inverses_name_the_supported_range():
    msg = "offered_load must be <= 1e+15 for an inverse (answers are counted exactly in int64); got 1e+17"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        erlang_c.agents_for_service_level(1e17, aht_s=180, answer_within_s=20, level=0.8)
    with pytest.raises(ConfigError, match=re.escape(msg)):
        erlang_b.lines_for_blocking(1e17, blocking=0.01)
    msg = "max_occupancy must be large enough that offered_load / max_occupancy <= 1e+15 agents; got 5e-324"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        erlang_c.agents_for_asa(10.0, aht_s=180, max_asa_s=10, max_occupancy=5e-324)


def test_too_long_a_queue_in_a_search_is_named():
    with pytest.raises(ConfigError, match=re.escape("mean_patience_s and lines allow a queue too long to sum")):
        erlang_a.agents_for_abandon_rate(1000.0, aht_s=100, mean_patience_s=1e9, max_abandon=0.9)


def _inv_b_mp(x: float, A: float):
    """1/B(x, A) = Gamma(x + 1, A) e^A A^-x in mpmath (40 digits)."""
    mp.mp.dps = 40
    return mp.gammainc(x + 1, A) * mp.exp(A - x * mp.log(A))


@pytest.mark.parametrize(("A", "tol"), [(1e4, 2e-12), (1e5, 1e-12), (1e6, 1e-12)])
def test_temme_form_against_mpmath(A, tol):
    # the accuracy stated in kb.inv_b_temme's docstring: from 3 sqrt(A) below the load upward
    s = math.sqrt(A)
    for k in (-3.0, -1.0, -0.3, 0.0, 1e-6, 0.2, 1.0, 3.0, 10.0, 30.0):
        x = math.floor(A + k * s) + (0.37 if k > 5 else 0.0)
        got = kb.inv_b_temme(x, A)[0]
        assert abs(got / float(_inv_b_mp(x, A)) - 1) < tol, (A, x)


def test_both_sides_of_the_switch_against_mpmath():
    # below ASYM_LOAD the exact recursion, above it Temme's form (and Legendre's fraction below the load)
    assert kb.ASYM_LOAD == 1e6
    for A in (kb.ASYM_LOAD, kb.ASYM_LOAD * (1 + 1e-9), 1.5e6):
        s = math.sqrt(A)
        for x in (math.floor(A - 10 * s), math.floor(A - 3 * s) + 1, math.floor(A), A + 0.5 * s, A + 5 * s, A + 30 * s):
            want = 1 / _inv_b_mp(x, A)
            assert float(erlang_b.blocking_probability(A, x)) == pytest.approx(float(want), rel=1e-12), (A, x)
            # Erlang C from the same 1/B: C = x B / (x - A + A B)
            if x > A:
                c_want = x * want / (x - A + A * want)
                assert float(erlang_c.wait_probability(A, x)) == pytest.approx(float(c_want), rel=1e-12), (A, x)


def test_loads_beyond_1e300():
    # Legendre's fraction would go subnormal: a downward series below half the load, Temme's form above
    mp.mp.dps = 30
    for A, x in [(1e301, 5e299), (1e301, 2e300), (1e301, 0.4e301), (1.5e308, 1e308), (1e301, 7.0)]:
        # 1/B = sum_k x (x-1) ... (x-k+1) / A^k, exact for these arguments in mpmath (the terms fall by x/A)
        y, r, k = mp.mpf(1), mp.mpf(1), 0
        while abs(r) > mp.mpf(10) ** -25 * y:
            r *= (mp.mpf(x) - k) / A
            y += r
            k += 1
        assert float(erlang_b.blocking_probability(A, x)) == pytest.approx(float(1 / y), rel=1e-13), (A, x)


def test_a_threshold_of_1e307_seconds_without_patience_is_the_answered_limit():
    # the fuzz (issue 11, acceptance 1) found NaN: 1e-17 agents, 80 lines, answer_within_s = 7.3e307,
    # no patience; the scaled negative-binomial sums overflowed to inf * 0. Without abandonment
    # every admitted call is answered at last, so SL(t) for t beyond every wait is P(served):
    # the same as at a threshold already far beyond the waits, and SL(answered) is 1
    kw = dict(aht_s=644.49, redial_blocked=0.968, redial_abandoned=1e-300)
    for agents in (1e-17, 1.0, 5.0):
        far = erlang_x.service_level(80.0, agents, 80.0, answer_within_s=7.264e307, **kw)
        near = erlang_x.service_level(80.0, agents, 80.0, answer_within_s=1e25 / max(agents, 1e-17), **kw)
        m = erlang_x.metrics(80.0, agents, 80.0, answer_within_s=7.264e307, **kw)
        assert np.isfinite(far) and float(far) == pytest.approx(float(near), rel=1e-12)
        # no patience: every call that gets a line is answered at last, so the limit is the
        # answered fraction (its own sum, with no threshold in it)
        assert float(far) == pytest.approx(float(m.answered), rel=1e-9)
        assert float(m.service_level("answered")) == pytest.approx(1.0, abs=1e-12)
