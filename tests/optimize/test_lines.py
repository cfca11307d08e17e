"""size_lines against brute force over the number of lines with erlang_x.metrics (redials included)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from cxqueue.analytic import erlang_b, erlang_x
from cxqueue.exceptions import ConfigError, InfeasibleError
from cxqueue.optimize.lines import LinePlan, size_lines
from cxqueue.scenario import Forecast


def brute_lines(load, agents, *, aht_s, blocking, patience=math.inf, rb=0.0, ra=0.0):
    """Fewest lines N >= agents with metrics(...).blocking <= target, by walking N upwards."""
    n = math.ceil(agents)
    while True:
        m = erlang_x.metrics(
            load, agents, n, aht_s=aht_s, mean_patience_s=patience, redial_blocked=rb, redial_abandoned=ra
        )
        if float(m.blocking) <= blocking:
            return n
        n += 1


CASES = [
    # load, agents, patience, redial_blocked, redial_abandoned, target
    (10.0, 10, 120.0, 0.0, 0.0, 0.01),
    (10.0, 12, math.inf, 0.0, 0.0, 0.02),
    (4.0, 5, 300.0, 0.7, 0.0, 0.005),
    (25.0, 24, 180.0, 0.5, 0.3, 0.01),
    (2.5, 3, 60.0, 0.9, 0.9, 0.05),
    (0.0, 2, 120.0, 0.0, 0.0, 0.01),
]


@pytest.mark.parametrize(("load", "agents", "patience", "rb", "ra", "target"), CASES)
def test_lines_equal_brute_force(load, agents, patience, rb, ra, target):
    p = size_lines(
        [load], [agents], aht_s=300, blocking=target, mean_patience_s=patience, redial_blocked=rb, redial_abandoned=ra
    )
    n = brute_lines(load, agents, aht_s=300, blocking=target, patience=patience, rb=rb, ra=ra)
    assert int(p.lines[0]) == n
    assert float(p.blocking[0]) <= target
    if n - 1 >= agents:  # one line fewer breaks the target: the count is the fewest
        assert float(p.fewer.blocking[0]) > target
    # the reported metrics are those of erlang_x at the chosen lines (with the redial fixed point)
    m = erlang_x.metrics(load, agents, n, aht_s=300, mean_patience_s=patience, redial_blocked=rb, redial_abandoned=ra)
    np.testing.assert_allclose(p.retrial_load[0], m.retrial_load, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(p.wait_probability[0], m.wait_probability, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(p.abandon_probability[0], m.abandon_probability, rtol=1e-10, atol=1e-12)


def test_pure_loss_system_is_erlang_b():
    # with as many agents as Erlang B's lines, no waiting place is needed: lines == agents and
    # the blocking is Erlang B's B(N, A)
    load = 8.0
    n_b = int(erlang_b.lines_for_blocking(load, blocking=0.01))
    p = size_lines([load], [n_b], aht_s=300, blocking=0.01)
    assert int(p.lines[0]) == n_b  # n_b agents already meet it with no waiting places
    assert float(p.blocking[0]) == pytest.approx(float(erlang_b.blocking_probability(load, n_b)), rel=1e-10)


def test_redials_need_more_lines():
    base = size_lines([20.0], [20], aht_s=240, blocking=0.01, mean_patience_s=150)
    redial = size_lines(
        [20.0], [20], aht_s=240, blocking=0.01, mean_patience_s=150, redial_blocked=0.8, redial_abandoned=0.5
    )
    assert int(redial.lines[0]) >= int(base.lines[0])
    assert float(redial.retrial_load[0]) > 0


def test_marginal_value_trades_busy_lines_for_queue():
    p = size_lines([10.0], [10], aht_s=300, blocking=0.01, mean_patience_s=120)
    # one line more: fewer busy signals, more callers waiting (and hanging up)
    assert p.more.blocking[0] < p.blocking[0] < p.fewer.blocking[0]
    assert p.more.wait_probability[0] > p.wait_probability[0] > p.fewer.wait_probability[0]
    assert p.more.abandon_probability[0] >= p.abandon_probability[0]
    # at lines == agents there is no "one fewer"
    q = size_lines([1.0], [10], aht_s=300, blocking=0.5)
    assert int(q.lines[0]) == 10 and np.isnan(q.fewer.blocking[0])


def test_per_day_is_the_max_over_the_day_with_binding_interval():
    rng = np.random.default_rng(7)
    calls = rng.uniform(5, 60, 48)  # two days of hourly intervals from Monday 00:00
    f = Forecast(calls=calls, aht_s=300.0, interval_s=3600.0, start_s=0.0)
    agents = np.ceil(f.offered_load) + 1
    kw = dict(blocking=0.01, mean_patience_s=200.0, redial_blocked=0.5)
    by_interval = size_lines(f, agents, **kw)
    by_day = size_lines(f, agents, per="day", **kw)
    horizon = size_lines(f, agents, per="horizon", **kw)
    need = np.array(
        [brute_lines(f.offered_load[i], agents[i], aht_s=300, blocking=0.01, patience=200.0, rb=0.5) for i in range(48)]
    )
    np.testing.assert_array_equal(by_interval.lines, need)
    np.testing.assert_array_equal(by_day.period_lines, [need[:24].max(), need[24:].max()])
    np.testing.assert_array_equal(by_day.lines, np.repeat(by_day.period_lines, 24))
    assert by_day.period_labels == ("monday", "tuesday")
    np.testing.assert_array_equal(by_day.binding_interval, [int(np.argmax(need[:24])), 24 + int(np.argmax(need[24:]))])
    assert horizon.period_lines.tolist() == [need.max()]
    assert np.all(by_day.blocking <= 0.01)
    assert isinstance(by_day, LinePlan) and by_day.to_dict()["period"] == "day"


def test_day_boundaries_follow_start_s():
    # 4 half-hour intervals from Sunday 23:00: two on Sunday, two on Monday of week 2
    p = size_lines(
        [5.0, 9.0, 7.0, 3.0],
        10,
        aht_s=300,
        blocking=0.01,
        mean_patience_s=100,
        per="day",
        interval_s=1800,
        start_s=6 * 86400 + 23 * 3600,
    )
    assert p.period_labels == ("sunday", "monday (week 2)")
    assert p.binding_interval.tolist() == [1, 2]


def test_errors_name_the_cause():
    msg = "blocking must be a fraction in (0, 1]; got 5.0 (pass 0.05 for 5%)"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        size_lines([5.0], [6], aht_s=300, blocking=5)
    with pytest.raises(ConfigError, match=re.escape("aht_s is required with offered loads (in seconds); got None")):
        size_lines([5.0], [6], blocking=0.01)
    with pytest.raises(
        ConfigError, match=re.escape("agents must be a scalar or have one value per interval (2); got shape (3,)")
    ):
        size_lines([5.0, 6.0], [6, 7, 8], aht_s=300, blocking=0.01)
    with pytest.raises(ConfigError, match=re.escape("per must be one of 'interval', 'day', 'horizon'; got 'week'")):
        size_lines([5.0], [6], aht_s=300, blocking=0.01, per="week")
    with pytest.raises(
        ConfigError, match=re.escape("offered_load must be >= 0; 1 of 2 values break it (first at index 1: -1.0)")
    ):
        size_lines([5.0, -1.0], [6, 6], aht_s=300, blocking=0.01)
    with pytest.raises(
        ConfigError, match=re.escape("redial_blocked must be a fraction in [0, 1]; got 80.0 (pass 0.8 for 80%)")
    ):
        size_lines([5.0], [6], aht_s=300, blocking=0.01, redial_blocked=80)
    f = Forecast(calls=[10.0], aht_s=300.0)
    with pytest.raises(ConfigError, match=re.escape("aht_s must be None when a Forecast is given")):
        size_lines(f, 3, aht_s=300, blocking=0.01)
    with pytest.raises(ConfigError, match=re.escape("offered_load must hold at least one interval; got none")):
        size_lines([], [], aht_s=300, blocking=0.01)


def test_unreachable_target_names_the_interval():
    # interval 1 has 0 agents and nobody hangs up: every admitted caller stays, the lines fill up
    msg = (
        "no number of lines keeps busy signals at or below 0.01 in 1 interval(s): "
        "interval 1 (monday 00:15: load 5 Erl, 0 agents)"
    )
    with pytest.raises(InfeasibleError, match=re.escape(msg)):
        size_lines([5.0, 5.0], [7, 0], aht_s=300, blocking=0.01)
