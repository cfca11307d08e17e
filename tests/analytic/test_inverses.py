"""Staffing and trunking inverses are minimal, proved by brute force with the forward functions.

For random loads and targets each inverse returns n; the forward model is evaluated at
every candidate 0..n (or agents..n for lines) and the test asserts that n meets the
target and that no smaller candidate does. Erlang A may answer with fewer agents than
Erlangs (the issue's examples: 294 agents for 300 Erlangs, 959 for 1000).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from cxqueue import InfeasibleError, erlang_a, erlang_b, erlang_c, erlang_x
from tests.analytic.strategies import (
    BASES,
    INF,
    aht,
    caps,
    finite_lines,
    levels,
    maybe_patience,
    patience_ratio,
    profile,
    threshold,
)

loads = st.floats(0.05, 400.0)


def only_last(ok) -> bool:
    """ok[i] says whether candidate i meets the target: the answer is the last one only."""
    ok = np.asarray(ok, dtype=bool)
    return bool(ok[-1]) and not bool(ok[:-1].any())


def first_meeting(ok) -> int | None:
    hits = np.flatnonzero(np.asarray(ok, dtype=bool))
    return int(hits[0]) if hits.size else None


# ----------------------------------------------------------------------------- Erlang C
@profile(60)
@given(A=loads, aht_s=aht, t_s=threshold, level=levels, cap=caps)
def test_erlang_c_agents_for_service_level_is_minimal(A, aht_s, t_s, level, cap):
    n = int(erlang_c.agents_for_service_level(A, aht_s=aht_s, answer_within_s=t_s, level=level, max_occupancy=cap))
    c = np.arange(0, n + 1)
    ok = erlang_c.service_level(A, c, aht_s=aht_s, answer_within_s=t_s) >= level
    if cap is not None:
        ok &= A <= cap * c
    assert only_last(ok), (n, first_meeting(ok))


@profile(60)
@given(A=loads, aht_s=aht, asa_s=st.floats(0.5, 300.0), cap=caps)
def test_erlang_c_agents_for_asa_is_minimal(A, aht_s, asa_s, cap):
    n = int(erlang_c.agents_for_asa(A, aht_s=aht_s, max_asa_s=asa_s, max_occupancy=cap))
    c = np.arange(0, n + 1)
    ok = erlang_c.average_speed_of_answer(A, c, aht_s=aht_s) <= asa_s
    if cap is not None:
        ok &= A <= cap * c
    assert only_last(ok), (n, first_meeting(ok))


# ----------------------------------------------------------------------------- Erlang A
@profile(50)
@given(
    A=loads,
    aht_s=aht,
    ratio=patience_ratio,
    t_s=threshold,
    level=levels,
    basis=st.sampled_from(BASES),
    cap=caps,
)
def test_erlang_a_agents_for_service_level_is_minimal(A, aht_s, ratio, t_s, level, basis, cap):
    kw = dict(aht_s=aht_s, mean_patience_s=aht_s * ratio, answer_within_s=t_s)
    n = int(erlang_a.agents_for_service_level(A, level=level, basis=basis, max_occupancy=cap, **kw))
    c = np.arange(0, n + 1)
    ok = erlang_a.service_level(A, c, basis=basis, **kw) >= level
    ok[0] = False  # no agent answers no call (what service_level says there: test_zero_agents_answer_nothing)
    if cap is not None:
        ok &= erlang_a.occupancy(A, c, aht_s=aht_s, mean_patience_s=aht_s * ratio) <= cap
    assert only_last(ok), (n, first_meeting(ok))


def caps_of(model) -> dict:
    """A cap on the mean wait (seconds) or on abandonment: its draws, the forward function it bounds, the inverse."""
    return {
        "asa": (st.floats(0.5, 300.0), model.average_speed_of_answer, model.agents_for_asa, "max_asa_s"),
        "abandon": (st.floats(0.002, 0.6), model.abandon_probability, model.agents_for_abandon_rate, "max_abandon"),
    }


A_CAPS = caps_of(erlang_a)


@pytest.mark.parametrize("goal_name", A_CAPS)
def test_erlang_a_agents_for_a_cap_is_minimal(goal_name):
    goals, forward, inverse, name = A_CAPS[goal_name]

    @profile(50)
    @given(A=loads, aht_s=aht, ratio=patience_ratio, goal=goals, cap=caps)
    def check(A, aht_s, ratio, goal, cap):
        kw = dict(aht_s=aht_s, mean_patience_s=aht_s * ratio)
        n = int(inverse(A, **{name: goal}, max_occupancy=cap, **kw))
        c = np.arange(0, n + 1)
        ok = forward(A, c, **kw) <= goal
        if cap is not None:
            occupancy = erlang_a.occupancy(A, c, **kw)
            # occupancy in overload is 1 to within 1e-15: a cap that close to it is a tie, not a test
            assume(not np.any(np.abs(occupancy - cap) < 1e-12))
            ok &= occupancy <= cap
        assert only_last(ok), (n, first_meeting(ok))

    check()


@pytest.mark.parametrize(("A", "want"), [(300.0, 294), (1000.0, 959)])
def test_erlang_a_staffs_below_the_load(A, want):
    # the issue: patience 5 min, AHT 3 min, 80 % within 20 s over offered calls
    kw = dict(aht_s=180.0, mean_patience_s=300.0, answer_within_s=20.0)
    n = int(erlang_a.agents_for_service_level(A, level=0.8, **kw))
    assert n == want < A
    assert erlang_a.service_level(A, n, **kw) >= 0.8 > erlang_a.service_level(A, n - 1, **kw)


@pytest.mark.parametrize(
    ("lines", "ratio"),
    # (inf lines, inf patience) is Erlang C, checked by the erlang_c assertion below
    [(0.0, INF), (0.0, 1.0), (3.0, INF), (3.0, 1.0), (INF, 1.0)],
)
def test_zero_agents_answer_nothing(lines, ratio):
    # with calls offered and no agent, no call is answered, let alone in time: every
    # service level is 0 (as erlang_c.service_level says), whatever the basis; an
    # answered-basis level of 1.0 would let 0 agents "meet" any target
    m = erlang_x.metrics(5.0, 0, lines, aht_s=100.0, mean_patience_s=100.0 * ratio, answer_within_s=20.0)
    assert float(m.answered) == 0.0
    for basis in ("offered", "answered", "admitted", "virtual"):
        assert float(m.service_level(basis)) == 0.0, basis
    assert float(erlang_c.service_level(5.0, 0, aht_s=100.0, answer_within_s=20.0)) == 0.0


# ----------------------------------------------------------------------------- Erlang X
def _lines(A, spare, extra):
    return int(A * spare) + extra


@profile(40)
@given(
    **finite_lines,
    aht_s=aht,
    ratio=maybe_patience,
    t_s=threshold,
    level=levels,
    basis=st.sampled_from(BASES),
)
def test_erlang_x_agents_for_service_level_is_minimal(A, spare, extra, aht_s, ratio, t_s, level, basis):
    lines = _lines(A, spare, extra)
    kw = dict(aht_s=aht_s, mean_patience_s=aht_s * ratio, answer_within_s=t_s)
    c = np.arange(0, lines + 1)
    ok = erlang_x.service_level(A, c, lines, basis=basis, **kw) >= level
    ok[0] = False  # no agent answers no call (see test_zero_agents_answer_nothing)
    try:
        n = int(erlang_x.agents_for_service_level(A, lines, level=level, basis=basis, **kw))
    except InfeasibleError:
        assert not ok.any()  # not even one agent per line meets it
        return
    assert n <= lines
    assert only_last(ok[: n + 1]), (n, first_meeting(ok))


X_CAPS = caps_of(erlang_x)


@pytest.mark.parametrize("cap", X_CAPS)
def test_erlang_x_agents_for_a_cap_is_minimal(cap):
    goals, forward, inverse, name = X_CAPS[cap]
    # abandonment needs patience; the mean wait is capped with or without
    ratios = patience_ratio if cap == "abandon" else maybe_patience

    @profile(40)
    @given(**finite_lines, aht_s=aht, ratio=ratios,
           goal=goals)  # fmt: skip
    def check(A, spare, extra, aht_s, ratio, goal):
        lines = _lines(A, spare, extra)
        kw = dict(aht_s=aht_s, mean_patience_s=aht_s * ratio)
        ok = forward(A, np.arange(0, lines + 1), lines, **kw) <= goal
        try:
            n = int(inverse(A, lines, **{name: goal}, **kw))
        except InfeasibleError:
            assert not ok.any()
            return
        assert only_last(ok[: n + 1]), (n, first_meeting(ok))

    check()


@profile(40)
@given(
    A=st.floats(0.05, 100.0),
    agents=st.integers(1, 150),
    aht_s=aht,
    ratio=maybe_patience,
    blocking=st.floats(0.001, 0.6),
)
def test_erlang_x_lines_for_blocking_is_minimal(A, agents, aht_s, ratio, blocking):
    kw = dict(aht_s=aht_s, mean_patience_s=aht_s * ratio)
    try:
        n = int(erlang_x.lines_for_blocking(A, agents, blocking=blocking, **kw))
    except InfeasibleError:
        # without patience and with agents below the load, blocking never falls below
        # 1 - agents / load however many lines there are
        assert math.isinf(ratio) and blocking < 1.0 - agents / A
        return
    lines = np.arange(agents, n + 1)
    ok = erlang_x.blocking_probability(A, agents, lines, **kw) <= blocking
    assert only_last(ok), (n, first_meeting(ok))


def test_erlang_x_infeasible_on_too_few_lines():
    kw = dict(aht_s=300.0, answer_within_s=20.0, level=0.8)
    # 10 Erlangs on 5 lines: even 5 agents block half of the calls
    assert erlang_x.service_level(10.0, 5, 5, aht_s=300.0, answer_within_s=20.0) < 0.8
    with pytest.raises(InfeasibleError, match="no number of agents meets the target"):
        erlang_x.agents_for_service_level(10.0, 5, **kw)
    with pytest.raises(InfeasibleError, match="no number of lines meets the target"):
        erlang_x.lines_for_blocking(10.0, 5, aht_s=300.0, blocking=0.1)


# ----------------------------------------------------------------------------- Erlang B
@profile(80)
@given(A=st.floats(0.05, 1000.0), blocking=st.floats(0.0005, 0.8))
@example(A=100.0, blocking=0.75)  # 26 lines (B(26) = 0.7434, B(25) = 0.7532, mpmath)
@example(A=267.8384550516247, blocking=0.4817845625606143)  # 140 lines
def test_erlang_b_lines_for_blocking_is_minimal(A, blocking):
    n = int(erlang_b.lines_for_blocking(A, blocking=blocking))
    ok = erlang_b.blocking_probability(A, np.arange(0, n + 1)) <= blocking
    assert only_last(ok), (n, first_meeting(ok))


@pytest.mark.parametrize(("A", "blocking", "want"), [(100.0, 0.75, 26), (267.8384550516247, 0.4817845625606143, 140)])
def test_erlang_b_lines_for_high_blocking_targets(A, blocking, want):
    # the minima, by brute force in mpmath (B = A^N e^-A / Gamma(N + 1, A)): for
    # A = 100, B(25) = 0.75322 > 0.75 >= B(26) = 0.74339
    assert int(erlang_b.lines_for_blocking(A, blocking=blocking)) == want


@profile(40)
@given(A=st.floats(0.05, 200.0), blocking=st.floats(0.001, 0.5), redial=st.floats(0.0, 0.9))
def test_erlang_b_lines_for_blocking_with_redials_is_minimal(A, blocking, redial):
    n = int(erlang_b.lines_for_blocking(A, blocking=blocking, redial=redial))
    r = erlang_b.extended_blocking(A, np.arange(0, n + 1), redial=redial)
    ok = r.converged & (r.blocking <= blocking)
    assert only_last(ok), (n, first_meeting(ok))


# ------------------------------------------------------------------ vectors and shapes
def test_inverses_vectorize_like_per_element_calls():
    rng = np.random.default_rng(20240611)
    A = rng.uniform(0.5, 300.0, 12)
    aht_s = rng.uniform(60.0, 600.0, 12)
    level = rng.uniform(0.5, 0.95, 12)
    pat = rng.uniform(60.0, 900.0, 12)
    lines = np.ceil(A * 1.5) + 10
    calls = {
        "c_sl": lambda i: erlang_c.agents_for_service_level(A[i], aht_s=aht_s[i], answer_within_s=20, level=level[i]),
        "c_asa": lambda i: erlang_c.agents_for_asa(A[i], aht_s=aht_s[i], max_asa_s=15.0),
        "a_sl": lambda i: erlang_a.agents_for_service_level(
            A[i], aht_s=aht_s[i], mean_patience_s=pat[i], answer_within_s=20, level=level[i], max_occupancy=0.9
        ),
        "a_ab": lambda i: erlang_a.agents_for_abandon_rate(
            A[i], aht_s=aht_s[i], mean_patience_s=pat[i], max_abandon=0.03
        ),
        "a_asa": lambda i: erlang_a.agents_for_asa(A[i], aht_s=aht_s[i], mean_patience_s=pat[i], max_asa_s=15.0),
        "x_sl": lambda i: erlang_x.agents_for_service_level(
            A[i], lines[i], aht_s=aht_s[i], mean_patience_s=pat[i], answer_within_s=20, level=level[i]
        ),
        "x_lines": lambda i: erlang_x.lines_for_blocking(
            A[i], np.ceil(A[i]) + 2, aht_s=aht_s[i], mean_patience_s=pat[i], blocking=0.01
        ),
        "b_lines": lambda i: erlang_b.lines_for_blocking(A[i], blocking=0.01 + 0.02 * (i % 3), redial=0.3 * (i % 2)),
    }
    idx = np.arange(12)
    for name, call in calls.items():
        whole = call(idx)
        assert whole.shape == (12,) and whole.dtype == np.int64, name
        one_by_one = [int(call(i)) for i in idx]
        assert whole.tolist() == one_by_one, name


def test_inverses_return_0d_int64_for_scalars():
    outs = [
        erlang_c.agents_for_service_level(10.0, aht_s=180, answer_within_s=20, level=0.8),
        erlang_c.agents_for_asa(10.0, aht_s=180, max_asa_s=10),
        erlang_a.agents_for_service_level(10.0, aht_s=180, mean_patience_s=300, answer_within_s=20, level=0.8),
        erlang_a.agents_for_asa(10.0, aht_s=180, mean_patience_s=300, max_asa_s=10),
        erlang_a.agents_for_abandon_rate(10.0, aht_s=180, mean_patience_s=300, max_abandon=0.05),
        erlang_x.agents_for_service_level(10.0, 20, aht_s=180, answer_within_s=20, level=0.8),
        erlang_x.lines_for_blocking(10.0, 12, aht_s=180, blocking=0.01),
        erlang_b.lines_for_blocking(10.0, blocking=0.01),
    ]
    for out in outs:
        assert isinstance(out, np.ndarray) and out.shape == () and out.dtype == np.int64


def test_inverses_broadcast_their_inputs():
    A = np.array([[5.0], [50.0], [500.0]])  # (3, 1)
    level = np.array([0.5, 0.8, 0.9, 0.95])  # (4,)
    n = erlang_c.agents_for_service_level(A, aht_s=180, answer_within_s=20, level=level)
    assert n.shape == (3, 4)
    assert np.all(np.diff(n, axis=1) >= 0) and np.all(np.diff(n, axis=0) > 0)
    na = erlang_a.agents_for_service_level(
        A, aht_s=180, mean_patience_s=[[300.0, 600.0]], answer_within_s=20, level=0.8
    )
    assert na.shape == (3, 2)
    assert na[2, 1] == erlang_a.agents_for_service_level(
        500.0, aht_s=180, mean_patience_s=600.0, answer_within_s=20, level=0.8
    )
    nb = erlang_b.lines_for_blocking(A, blocking=level)
    assert nb.shape == (3, 4)
    assert nb[1, 1] == erlang_b.lines_for_blocking(50.0, blocking=0.8)
