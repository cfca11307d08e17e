"""The scalar fast path gives what the array path gives, to the bit, and raises what it raises.

A call with Python or NumPy numbers goes straight to a scalar kernel; the same call with
0-d object arrays (which the fast path does not take) goes through validation and
broadcasting. For every public function, on random valid points and on every edge of
every parameter's rule (0, 1, inf, NaN, negative, lines below agents, 80 for 0.8 ...),
both calls must give the same 0-d array (same dtype, same bits) or the same exception
with the same message. The points are drawn from a fixed seed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cxqueue import erlang_a, erlang_b, erlang_c, erlang_x
from cxqueue.analytic import _scalar
from tests.conftest import NO_JIT

INF, NAN = math.inf, math.nan
N_RANDOM = 12 if NO_JIT else 60


def outcome(func, kwargs):
    """(0-d result as dtype and bytes) or (exception type and message)."""
    try:
        out = func(**kwargs)
    except Exception as exc:  # the path's error, compared by type and words
        return ("raises", type(exc).__name__, str(exc))
    if hasattr(out, "__dataclass_fields__"):
        return tuple(outcome_array(getattr(out, f)) for f in out.__dataclass_fields__)
    return outcome_array(out)


def outcome_array(out):
    assert isinstance(out, np.ndarray) and out.shape == (), (type(out), getattr(out, "shape", None))
    return (out.dtype.str, out.tobytes())


def as_array_path(kwargs):
    """The same numbers as 0-d object arrays: the array path validates and broadcasts them."""
    return {k: (np.array(x, dtype=object) if isinstance(x, int | float) else x) for k, x in kwargs.items()}


def check_same(func, kwargs):
    fast = outcome(func, kwargs)
    slow = outcome(func, as_array_path(kwargs))
    assert fast == slow, (func.__qualname__, kwargs, fast, slow)
    return fast


# every public function returning arrays: a valid call and the edges of each parameter
X = dict(offered_load=10.0, agents=12.0, lines=20.0, aht_s=180.0, mean_patience_s=300.0)
A = dict(offered_load=10.0, agents=12.0, aht_s=180.0, mean_patience_s=300.0)
CASES = [
    (erlang_b.blocking_probability, dict(offered_load=10.0, lines=12.0)),
    (erlang_b.lines_for_blocking, dict(offered_load=10.0, blocking=0.02)),
    (erlang_b.lines_for_blocking, dict(offered_load=10.0, blocking=0.02, redial=0.4)),
    (erlang_b.load_for_blocking, dict(lines=15.0, blocking=0.01)),
    (erlang_b.extended_blocking, dict(offered_load=10.0, lines=12.0, redial=0.5)),
    (erlang_c.wait_probability, dict(offered_load=10.0, agents=12.0)),
    (erlang_c.service_level, dict(offered_load=10.0, agents=12.0, aht_s=180.0, answer_within_s=20.0)),
    (erlang_c.average_speed_of_answer, dict(offered_load=10.0, agents=12.0, aht_s=180.0)),
    (erlang_c.occupancy, dict(offered_load=10.0, agents=12.0)),
    (erlang_c.agents_for_service_level, dict(offered_load=10.0, aht_s=180.0, answer_within_s=20.0, level=0.8)),
    (
        erlang_c.agents_for_service_level,
        dict(offered_load=10.0, aht_s=180.0, answer_within_s=20.0, level=0.8, max_occupancy=0.7),
    ),
    (erlang_c.agents_for_asa, dict(offered_load=10.0, aht_s=180.0, max_asa_s=15.0, max_occupancy=0.9)),
    (erlang_a.metrics, dict(A, answer_within_s=20.0)),
    (erlang_a.wait_probability, A),
    (erlang_a.abandon_probability, A),
    (erlang_a.service_level, dict(A, answer_within_s=20.0)),
    (erlang_a.average_speed_of_answer, A),
    (erlang_a.mean_wait, A),
    (erlang_a.occupancy, A),
    (
        erlang_a.agents_for_service_level,
        dict(offered_load=10.0, aht_s=180.0, mean_patience_s=300.0, answer_within_s=20.0, level=0.8),
    ),
    (erlang_a.agents_for_asa, dict(offered_load=10.0, aht_s=180.0, mean_patience_s=300.0, max_asa_s=10.0)),
    (erlang_a.agents_for_abandon_rate, dict(offered_load=10.0, aht_s=180.0, mean_patience_s=300.0, max_abandon=0.05)),
    (erlang_x.metrics, dict(X, answer_within_s=20.0, redial_blocked=0.3, redial_abandoned=0.2)),
    (erlang_x.blocking_probability, X),
    (erlang_x.wait_probability, X),
    (erlang_x.abandon_probability, X),
    (erlang_x.service_level, dict(X, answer_within_s=20.0)),
    (erlang_x.average_speed_of_answer, X),
    (erlang_x.mean_wait, X),
    (erlang_x.occupancy, X),
    (
        erlang_x.agents_for_service_level,
        dict(offered_load=10.0, lines=20.0, aht_s=180.0, answer_within_s=20.0, level=0.8, mean_patience_s=300.0),
    ),
    (
        erlang_x.agents_for_service_level,
        dict(
            offered_load=10.0,
            lines=14.0,
            aht_s=180.0,
            answer_within_s=20.0,
            level=0.8,
            redial_blocked=0.4,
            max_occupancy=0.9,
        ),
    ),
    (erlang_x.agents_for_asa, dict(offered_load=10.0, lines=20.0, aht_s=180.0, max_asa_s=10.0, mean_patience_s=300.0)),
    (
        erlang_x.agents_for_abandon_rate,
        dict(offered_load=10.0, lines=20.0, aht_s=180.0, mean_patience_s=300.0, max_abandon=0.05),
    ),
    (erlang_x.lines_for_blocking, dict(offered_load=10.0, agents=12.0, aht_s=180.0, blocking=0.01)),
    (
        erlang_x.lines_for_blocking,
        dict(offered_load=10.0, agents=12.0, aht_s=180.0, blocking=0.01, mean_patience_s=120.0, redial_blocked=0.5),
    ),
]
EDGES = [0.0, 1.0, 1.5, 80.0, -1.0, INF, NAN, 1e-300, 5e-324, 12.0, 7] + ([] if NO_JIT else [1e6])
# an AHT of 1e-300 s makes a threshold 1e302 handle times long: the sums of the kernels
# then never end (their terms stop at the smallest subnormal), in both paths
TINY = (1e-300, 5e-324)


def _id(case):
    func, kwargs = case
    return f"{func.__module__.split('.')[-1]}.{func.__name__}({','.join(kwargs)})"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_edges_of_every_parameter(case):
    func, base = case
    check_same(func, base)
    for name in base:
        for x in EDGES:
            if not (name == "aht_s" and x in TINY):
                check_same(func, dict(base, **{name: x}))


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_random_points_agree_to_the_bit(case):
    func, base = case
    rng = np.random.default_rng(20240611)
    draws = {
        "offered_load": lambda: rng.choice([rng.uniform(0, 5), rng.uniform(5, 80), rng.uniform(80, 1500), 0.0]),
        "agents": lambda: float(rng.integers(0, 40)) + rng.choice([0.0, rng.uniform(0, 1)]),
        "aht_s": lambda: rng.uniform(20, 900),
        "answer_within_s": lambda: rng.choice([0.0, rng.uniform(0, 120)]),
        "mean_patience_s": lambda: rng.choice([INF, rng.uniform(20, 2000)]),
        "level": lambda: rng.uniform(0.0, 0.999),
        "max_asa_s": lambda: rng.uniform(0.5, 300),
        "max_abandon": lambda: rng.uniform(0.001, 0.5),
        "max_occupancy": lambda: rng.uniform(0.5, 1.0),
        "blocking": lambda: rng.uniform(0.001, 0.5),
        "redial": lambda: rng.uniform(0, 0.9),
        "redial_blocked": lambda: rng.uniform(0, 0.9),
        "redial_abandoned": lambda: rng.uniform(0, 0.9),
    }
    for _ in range(N_RANDOM):
        kwargs = {k: float(draws[k]()) if k in draws else v for k, v in base.items()}
        if func.__module__.endswith("erlang_b") and "lines" in kwargs:  # a finite count (fractional too)
            kwargs["lines"] = float(rng.integers(0, 100)) + rng.choice([0.0, rng.uniform(0, 1)])
        elif "lines" in kwargs and "agents" in kwargs:
            kwargs["lines"] = rng.choice([INF, kwargs["agents"] + float(rng.integers(0, 40))])
        elif "lines" in kwargs:  # an inverse: enough lines for most targets, too few for some
            kwargs["lines"] = rng.choice([INF, float(rng.integers(1, 60)) + kwargs["offered_load"]])
        check_same(func, kwargs)


@pytest.mark.parametrize(
    "number", [12, 12.0, np.float64(12.0), np.int64(12), np.float32(12.0), np.uint8(12), np.array(12.0)]
)
def test_numpy_numbers_and_0d_arrays_take_the_fast_path_with_the_same_result(number):
    assert _scalar.floats(number, 10) == (12.0, 10.0)
    got = erlang_c.service_level(10.0, number, aht_s=180, answer_within_s=20)
    want = erlang_c.service_level(np.array([10.0]), np.array([12.0]), aht_s=180, answer_within_s=20)
    assert got.shape == () and got.dtype == np.float64 and got.tobytes() == want[0].tobytes()


@pytest.mark.parametrize("thing", [True, np.bool_(True), 1j, "12", [12.0], np.array([12.0]), None, 10**400])
def test_what_the_fast_path_leaves_to_the_array_path(thing):
    assert _scalar.floats(thing) is None
    assert _scalar.values((_scalar.NONNEG,), thing) is None


def test_rules_are_the_validation_rules():
    # the rule of each constant, at its ends: what the fast path takes the array path accepts
    within = _scalar.within
    assert within(0.0, _scalar.NONNEG) and not within(INF, _scalar.NONNEG) and within(INF, _scalar.NONNEG_OR_INF)
    assert not within(0.0, _scalar.POSITIVE) and within(5e-324, _scalar.POSITIVE)
    assert within(1.0, _scalar.FRACTION) and within(0.0, _scalar.FRACTION) and not within(1.0, _scalar.LEVEL)
    assert not within(0.0, _scalar.FRACTION_OPEN_LOW) and not within(1.0, _scalar.FRACTION_OPEN)
    assert not any(within(NAN, rule) for rule in (_scalar.NONNEG_OR_INF, _scalar.FRACTION, _scalar.POSITIVE_OR_INF))
