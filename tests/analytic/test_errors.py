"""Every public function of the analytic models walks its error messages.

Each function is called with valid arguments except one; the exact message (parameter,
rule, first bad value and index, and the hint for percentages) is asserted with
``pytest.raises(ConfigError, match=re.escape(msg))``. The wording comes from
cxqueue/_validation.py and cxqueue/analytic/_common.py.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import cxqueue
from cxqueue import ConfigError, InfeasibleError, erlang_a, erlang_b, erlang_c, erlang_x

NAN, INF = math.nan, math.inf

# every public function with one valid call (positional parameters passed by name)
A_KW = dict(offered_load=10.0, agents=14, aht_s=180.0, mean_patience_s=300.0)
X_KW = dict(offered_load=10.0, agents=14, lines=20, aht_s=180.0, mean_patience_s=300.0)
# the inverses: the same queue without agents, with an occupancy cap
A_INV = dict(offered_load=10.0, aht_s=180.0, mean_patience_s=300.0, max_occupancy=0.9)
X_INV = dict(A_INV, lines=20)
FUNCTIONS = {
    "offered_load": (cxqueue.offered_load, dict(calls=100.0, interval_s=1800.0, aht_s=180.0)),
    "erlang_b.blocking_probability": (erlang_b.blocking_probability, dict(offered_load=10.0, lines=12)),
    "erlang_b.lines_for_blocking": (erlang_b.lines_for_blocking, dict(offered_load=10.0, blocking=0.02, redial=0.5)),
    "erlang_b.load_for_blocking": (erlang_b.load_for_blocking, dict(lines=15, blocking=0.01)),
    "erlang_b.extended_blocking": (erlang_b.extended_blocking, dict(offered_load=10.0, lines=12, redial=0.5)),
    "erlang_c.wait_probability": (erlang_c.wait_probability, dict(offered_load=10.0, agents=14)),
    "erlang_c.service_level": (
        erlang_c.service_level,
        dict(offered_load=10.0, agents=14, aht_s=180.0, answer_within_s=20.0),
    ),
    "erlang_c.average_speed_of_answer": (
        erlang_c.average_speed_of_answer,
        dict(offered_load=10.0, agents=14, aht_s=180.0),
    ),
    "erlang_c.occupancy": (erlang_c.occupancy, dict(offered_load=10.0, agents=14)),
    "erlang_c.agents_for_service_level": (
        erlang_c.agents_for_service_level,
        dict(offered_load=10.0, aht_s=180.0, answer_within_s=20.0, level=0.8, max_occupancy=0.9),
    ),
    "erlang_c.agents_for_asa": (
        erlang_c.agents_for_asa,
        dict(offered_load=10.0, aht_s=180.0, max_asa_s=10.0, max_occupancy=0.9),
    ),
    "erlang_a.metrics": (erlang_a.metrics, dict(A_KW, answer_within_s=20.0)),
    "erlang_a.wait_probability": (erlang_a.wait_probability, A_KW),
    "erlang_a.abandon_probability": (erlang_a.abandon_probability, A_KW),
    "erlang_a.service_level": (erlang_a.service_level, dict(A_KW, answer_within_s=20.0, basis="answered")),
    "erlang_a.average_speed_of_answer": (erlang_a.average_speed_of_answer, A_KW),
    "erlang_a.mean_wait": (erlang_a.mean_wait, A_KW),
    "erlang_a.occupancy": (erlang_a.occupancy, A_KW),
    "erlang_a.agents_for_service_level": (
        erlang_a.agents_for_service_level,
        dict(A_INV, answer_within_s=20.0, level=0.8, basis="virtual"),
    ),
    "erlang_a.agents_for_asa": (erlang_a.agents_for_asa, dict(A_INV, max_asa_s=10.0)),
    "erlang_a.agents_for_abandon_rate": (erlang_a.agents_for_abandon_rate, dict(A_INV, max_abandon=0.05)),
    "erlang_x.metrics": (
        erlang_x.metrics,
        dict(X_KW, answer_within_s=20.0, redial_blocked=0.5, redial_abandoned=0.3),
    ),
    "erlang_x.blocking_probability": (erlang_x.blocking_probability, dict(X_KW, redial_blocked=0.5)),
    "erlang_x.wait_probability": (erlang_x.wait_probability, X_KW),
    "erlang_x.abandon_probability": (erlang_x.abandon_probability, dict(X_KW, redial_abandoned=0.3)),
    "erlang_x.service_level": (
        erlang_x.service_level,
        dict(X_KW, answer_within_s=20.0, basis="admitted", redial_blocked=0.5),
    ),
    "erlang_x.average_speed_of_answer": (erlang_x.average_speed_of_answer, X_KW),
    "erlang_x.mean_wait": (erlang_x.mean_wait, X_KW),
    "erlang_x.occupancy": (erlang_x.occupancy, X_KW),
    "erlang_x.agents_for_service_level": (
        erlang_x.agents_for_service_level,
        dict(X_INV, answer_within_s=20.0, level=0.8, basis="answered", redial_blocked=0.5, redial_abandoned=0.3),
    ),
    "erlang_x.agents_for_asa": (erlang_x.agents_for_asa, dict(X_INV, max_asa_s=10.0)),
    "erlang_x.agents_for_abandon_rate": (erlang_x.agents_for_abandon_rate, dict(X_INV, max_abandon=0.05)),
    "erlang_x.lines_for_blocking": (
        erlang_x.lines_for_blocking,
        dict(offered_load=10.0, agents=12, aht_s=180.0, blocking=0.01, mean_patience_s=300.0, redial_blocked=0.3),
    ),
}


def _finite_rule(p):
    return f"{p} must be finite (not NaN or infinite)"


def nonneg(p, good):
    return [
        (-1.0, f"{p} must be >= 0; got -1.0"),
        (NAN, f"{_finite_rule(p)}; got nan"),
        (INF, f"{_finite_rule(p)}; got inf"),
        ("ten", f"{p} must be a number or an array of numbers; got 'ten'"),
        ([good, -2.0, -3.0], f"{p} must be >= 0; 2 of 3 values break it (first at index 1: -2.0)"),
    ]


def nonneg_or_inf(p, good):  # lines of Erlang X: inf means unlimited
    return [
        (-1.0, f"{p} must be >= 0; got -1.0"),
        (NAN, f"{p} must be a number, not NaN; got nan"),
        ([good, NAN, 3.0], f"{p} must be a number, not NaN; 1 of 3 values break it (first at index 1: nan)"),
    ]


def positive(p, good):
    return [
        (0.0, f"{p} must be > 0; got 0.0"),
        (-5.0, f"{p} must be > 0; got -5.0"),
        (NAN, f"{_finite_rule(p)}; got nan"),
        (INF, f"{_finite_rule(p)}; got inf"),
        ([good, good, 0.0], f"{p} must be > 0; 1 of 3 values break it (first at index 2: 0.0)"),
    ]


def positive_or_inf(p, good):  # mean patience: inf means nobody hangs up
    return [
        (0.0, f"{p} must be > 0; got 0.0"),
        (NAN, f"{p} must be a number, not NaN; got nan"),
        ([good, INF, -1.0], f"{p} must be > 0; 1 of 3 values break it (first at index 2: -1.0)"),
    ]


def level(p, good):
    return [
        (80.0, f"{p} must be a fraction in [0, 1]; got 80.0 (pass 0.8 for 80%)"),
        (95, f"{p} must be a fraction in [0, 1]; got 95.0 (pass 0.95 for 95%)"),
        (1.0, f"{p} must be < 1 (no finite staffing answers every call in time); got 1.0"),
        (-0.2, f"{p} must be a fraction in [0, 1]; got -0.2"),
        (NAN, f"{_finite_rule(p)}; got nan"),
        (
            [good, 80.0, 90.0],
            f"{p} must be a fraction in [0, 1]; 2 of 3 values break it (first at index 1: 80.0) (pass 0.8 for 80%)",
        ),
    ]


def fraction(p, good, low="[", high="]"):
    rule = f"{p} must be a fraction in {low}0, 1{high}"
    cases = [
        (50.0, f"{rule}; got 50.0 (pass 0.5 for 50%)"),
        (1.5, f"{rule}; got 1.5 (pass 0.015 for 1.5%)"),
        (-0.1, f"{rule}; got -0.1"),
        (250.0, f"{rule}; got 250.0"),
        (NAN, f"{_finite_rule(p)}; got nan"),
        ([good, good, 2.0], f"{rule}; 1 of 3 values break it (first at index 2: 2.0) (pass 0.02 for 2%)"),
    ]
    if low == "(":
        cases.append((0.0, f"{rule}; got 0.0"))
    if high == ")":
        cases.append((1.0, f"{rule}; got 1.0"))
    return cases


RULES = {
    "offered_load": nonneg,
    "calls": nonneg,
    "agents": nonneg,
    "answer_within_s": nonneg,
    "aht_s": positive,
    "interval_s": positive,
    "max_asa_s": positive,
    "mean_patience_s": positive_or_inf,
    "level": level,
    "redial": fraction,
    "redial_blocked": fraction,
    "redial_abandoned": fraction,
    "blocking": lambda p, g: fraction(p, g, low="("),
    "max_abandon": lambda p, g: fraction(p, g, low="("),
    "max_occupancy": lambda p, g: fraction(p, g, low="("),
}


def rule_for(func_id: str, param: str):
    if param == "lines":
        # Erlang B's lines are a finite count; Erlang X's may be inf (unlimited)
        return nonneg if func_id.startswith("erlang_b") else nonneg_or_inf
    if func_id == "erlang_b.load_for_blocking" and param == "blocking":
        return lambda p, g: fraction(p, g, low="(", high=")")
    return RULES.get(param)


def _cases():
    for func_id, (func, good) in FUNCTIONS.items():
        for param, value in good.items():
            rule = rule_for(func_id, param)
            if rule is None:
                continue
            for bad, msg in rule(param, value):
                yield pytest.param(func, good, param, bad, msg, id=f"{func_id}-{param}={bad!r}")


@pytest.mark.parametrize(("func", "good", "param", "bad", "msg"), list(_cases()))
def test_bad_argument_message(func, good, param, bad, msg):
    if param == "agents" and "lines" in good:
        good = dict(good, lines=INF)  # so that the lines >= agents rule does not fire first
    with pytest.raises(ConfigError, match=re.escape(msg)):
        func(**dict(good, **{param: bad}))


@pytest.mark.parametrize("func_id", list(FUNCTIONS))
def test_valid_calls_pass(func_id):
    # the base calls of the table above are valid: each error case changes one argument
    func, good = FUNCTIONS[func_id]
    func(**good)


def test_every_public_function_is_walked():
    modules = {"erlang_b": erlang_b, "erlang_c": erlang_c, "erlang_a": erlang_a, "erlang_x": erlang_x}
    public = {
        f"{name}.{attr}"
        for name, mod in modules.items()
        for attr in mod.__all__
        if callable(getattr(mod, attr)) and not isinstance(getattr(mod, attr), type)
    }
    assert public | {"offered_load"} == set(FUNCTIONS)


# ------------------------------------------------------------------- lines and agents
LINES_FUNCS = [k for k in FUNCTIONS if k.startswith("erlang_x.") and "agents" in FUNCTIONS[k][1]]
LINES_FUNCS.remove("erlang_x.lines_for_blocking")
RULE = "lines must be >= agents (a line is held while a caller waits or talks)"


@pytest.mark.parametrize("func_id", LINES_FUNCS)
def test_lines_fewer_than_agents(func_id):
    func, good = FUNCTIONS[func_id]
    msg = f"{RULE}; 1 of 1 values break it (first at index 0: lines=3.0 < agents=5.0)"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        func(**dict(good, agents=5, lines=3))
    msg = f"{RULE}; 2 of 3 values break it (first at index 1: lines=3.0 < agents=5.0)"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        func(**dict(good, agents=[1, 5, 6], lines=[2, 3, 4]))


@pytest.mark.parametrize("func_id", [*LINES_FUNCS, "erlang_a.service_level", "erlang_c.service_level"])
def test_shapes_that_do_not_broadcast_name_the_parameters(func_id):
    func, good = FUNCTIONS[func_id]
    with pytest.raises(ConfigError, match=re.escape("inputs must broadcast together")) as err:
        lines = {"lines": 40} if "lines" in good else {}
        func(**dict(good, offered_load=[10.0, 11.0], agents=[1.0, 2.0, 3.0], **lines))
    # the message names the caller's parameters, not internal variables
    assert "offered_load(2,)" in str(err.value) and "agents(3,)" in str(err.value), str(err.value)


@pytest.mark.parametrize("func_id", LINES_FUNCS)
def test_lines_and_agents_that_do_not_broadcast(func_id):
    # a ConfigError naming both parameters, not numpy's "shape mismatch"
    func, good = FUNCTIONS[func_id]
    with pytest.raises(ConfigError, match=re.escape("inputs must broadcast together")) as err:
        func(**dict(good, agents=[1.0, 2.0, 3.0], lines=[50.0, 60.0]))
    assert "agents(3,)" in str(err.value) and "lines(2,)" in str(err.value), str(err.value)


# ------------------------------------------------------------------------- basis
@pytest.mark.parametrize(
    ("func_id", "options"),
    [
        ("erlang_x.service_level", "'offered', 'answered', 'admitted', 'virtual'"),
        ("erlang_x.agents_for_service_level", "'offered', 'answered', 'virtual'"),
        ("erlang_a.agents_for_service_level", "'offered', 'answered', 'virtual'"),
        ("erlang_a.service_level", "'offered', 'answered', 'virtual'"),
    ],
)
def test_bad_basis(func_id, options):
    func, good = FUNCTIONS[func_id]
    with pytest.raises(ConfigError, match=re.escape(f"basis must be one of {options}; got 'offerd'")):
        func(**dict(good, basis="offerd"))


@pytest.mark.parametrize("func_id", ["erlang_a.service_level", "erlang_a.agents_for_service_level"])
def test_erlang_a_has_no_admitted_basis(func_id):
    # without lines every call is admitted: Erlang A offers three bases and names the bad one
    func, good = FUNCTIONS[func_id]
    msg = "basis must be one of 'offered', 'answered', 'virtual'; got 'admitted'"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        func(**dict(good, basis="admitted"))


def test_queue_metrics_service_level_basis():
    m = erlang_x.metrics(10.0, 12, 20, aht_s=180.0, answer_within_s=20.0)
    msg = "basis must be one of 'offered', 'answered', 'admitted', 'virtual'; got 'all'"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        m.service_level("all")


# ---------------------------------------------------------------- fixed-point options
@pytest.mark.parametrize("func_id", ["erlang_b.extended_blocking", "erlang_x.metrics"])
def test_fixed_point_options(func_id):
    func, good = FUNCTIONS[func_id]
    for kw, msg in [
        ({"tol": 0.0}, "tol must be > 0; got 0.0"),
        ({"tol": -1e-9}, "tol must be > 0; got -1e-09"),
        ({"max_iter": 0}, "max_iter must be >= 1; got 0"),
        ({"max_iter": 2.5}, "max_iter must be an integer; got 2.5"),
        ({"max_iter": True}, "max_iter must be an integer; got True"),
    ]:
        with pytest.raises(ConfigError, match=re.escape(msg)):
            func(**dict(good, **kw))


def test_none_is_named_as_none():
    # None is not a number; the message shows what the caller passed, not nan
    with pytest.raises(ConfigError, match=re.escape("offered_load must be a number or an array of numbers; got None")):
        erlang_c.wait_probability(None, 3)


def test_multi_dimensional_index_is_a_tuple():
    msg = "offered_load must be >= 0; 1 of 4 values break it (first at index (1, 1): -4.0)"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        erlang_c.service_level(np.array([[1.0, 2.0], [3.0, -4.0]]), 5, aht_s=180.0, answer_within_s=20.0)


def test_config_error_is_a_value_error():
    with pytest.raises(ValueError, match=re.escape("aht_s must be > 0; got 0.0")):
        erlang_c.average_speed_of_answer(10.0, 12, aht_s=0.0)


# ------------------------------------------------------------------------ infeasible
def test_infeasible_agents_on_finite_lines():
    kw = dict(aht_s=300.0, answer_within_s=20.0, level=0.8)
    msg = "no number of agents meets the target at offered_load=10, lines=5, target=0.8"
    with pytest.raises(InfeasibleError, match=re.escape(msg)):
        erlang_x.agents_for_service_level(10.0, 5, **kw)
    msg += "; 2 of 4 values (first at index (1, 0))"
    with pytest.raises(InfeasibleError, match=re.escape(msg)):
        erlang_x.agents_for_service_level([[10.0, 20.0]], [[30.0], [5.0]], **kw)
    # the infeasibility is real: one agent per line still answers too few in time
    assert erlang_x.service_level(10.0, 5, 5, aht_s=300.0, answer_within_s=20.0) < 0.8


def test_infeasible_lines():
    # 5 agents, 10 Erlangs, nobody hangs up: blocking never falls below 1 - 5/10
    msg = "no number of lines meets the target at offered_load=10, agents=5, blocking=0.1"
    msg += "; 1 of 2 values (first at index 1)"
    with pytest.raises(InfeasibleError, match=re.escape(msg)):
        erlang_x.lines_for_blocking([1.0, 10.0], 5, aht_s=300.0, blocking=0.1)
    # the infeasibility is real: even many lines leave more than 10 % blocked
    assert erlang_x.blocking_probability(10.0, 5, 5000, aht_s=300.0) > 0.1


def test_infeasible_is_not_a_config_error():
    with pytest.raises(InfeasibleError) as err:
        erlang_x.agents_for_service_level(10.0, 5, aht_s=300.0, answer_within_s=20.0, level=0.8)
    assert not isinstance(err.value, ValueError)
