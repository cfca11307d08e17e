"""Conservation laws of the simulation (acceptance 2) and the scenario that can never
finish (acceptance 5), checked on the call log of both engines."""

from __future__ import annotations

import numpy as np
import pytest

from cxqueue.scenario import Forecast, Scenario
from cxqueue.sim import Outcome, simulate
from cxqueue.sim.arrivals import open_windows
from cxqueue.sim.fast import staffing
from tests.sim import scenarios

ENGINES = ["fast", "simpy"]
TALKS = (int(Outcome.ANSWERED), int(Outcome.CALLBACK))


def _max_concurrent(starts, ends) -> np.ndarray:
    """Number of open [start, end) spans just after each start (ends first at a tie)."""
    t = np.concatenate([starts, ends])
    step = np.concatenate([np.ones(starts.size), -np.ones(ends.size)])
    order = np.lexsort((step, t))  # at one instant the -1 (end) comes first
    level = np.cumsum(step[order])
    return level[step[order] > 0]


def _simulate(sc, engine, reps=2):
    return simulate(sc, replications=reps, seed=42, engine=engine, record_calls=True)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "make", [scenarios.busy_day, scenarios.callback_center, scenarios.weekly, scenarios.reserve_center]
)
def test_every_offered_call_ends_in_exactly_one_outcome(engine, make):
    sc = make()
    res = _simulate(sc, engine)
    log = res.calls
    # one row per (replication, customer, attempt); attempts of a customer are 1, 2, ...
    key = np.stack([log["replication"], log["customer"], log["attempt"]], axis=1)
    assert np.unique(key, axis=0).shape[0] == log.size
    first = log[log["attempt"] == 1]
    assert np.unique(np.stack([first["replication"], first["customer"]], 1), axis=0).shape[0] == first.size
    # per interval: offered = sum of the outcomes, in the KPIs and in the log
    reps = res.replications
    total = sum(getattr(res, k).mean for k in ("blocked", "closed", "ivr_served", "abandoned", "answered",
                                               "callbacks_reached", "callbacks_failed", "unresolved"))  # fmt: skip
    np.testing.assert_allclose(total, res.offered.mean, rtol=1e-12)
    per_ivl = np.bincount(log["interval"], minlength=sc.forecast.n_intervals) / reps
    np.testing.assert_allclose(per_ivl, res.offered.mean, rtol=1e-12)
    assert set(np.unique(log["outcome"]).tolist()) <= set(range(8))
    # a redial arrives after the attempt before it ended
    log_sorted = np.sort(log, order=["replication", "customer", "attempt"])
    same = (log_sorted["customer"][1:] == log_sorted["customer"][:-1]) & (
        log_sorted["replication"][1:] == log_sorted["replication"][:-1]
    )
    assert np.all(log_sorted["arrival_s"][1:][same] >= log_sorted["end_s"][:-1][same] - 1e-9)
    assert np.all(log_sorted["outcome"][:-1][same] != int(Outcome.ANSWERED))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("make", [scenarios.busy_day, scenarios.shift_change, scenarios.callback_center])
def test_agents_never_serve_two_calls_and_lines_are_never_exceeded(engine, make):
    sc = make()
    res = _simulate(sc, engine)
    f = sc.forecast
    on_duty = staffing(sc)
    for rep in range(res.replications):
        log = res.calls[res.calls["replication"] == rep]
        talk = log[np.isin(log["outcome"], TALKS)]
        level = _max_concurrent(talk["answer_s"], talk["end_s"])
        # at each answer instant, calls in talk (this one included) <= agents on duty then
        ivl = np.floor((np.sort(talk["answer_s"]) - f.start_s) / f.interval_s).astype(int)
        order_starts = np.sort(talk["answer_s"])
        assert order_starts.size == level.size
        assert np.all(level <= on_duty[np.clip(ivl, 0, f.n_intervals - 1)])
        if sc.lines is not None and sc.callbacks is None:
            horizon = f.end_s
            took_line = ~np.isin(log["outcome"], (int(Outcome.BLOCKED), int(Outcome.CLOSED)))
            held = log[took_line]
            end = np.where(np.isnan(held["end_s"]), horizon, held["end_s"])
            assert _max_concurrent(held["arrival_s"], end).max() <= sc.lines
    if sc.lines is not None:
        assert np.all(res.lines_in_use.mean <= sc.lines + 1e-9)
    assert np.all(res.occupancy.mean[~np.isnan(res.occupancy.mean)] <= 1 + 1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_no_call_is_answered_that_arrived_while_closed(engine):
    sc = scenarios.weekly()
    res = _simulate(sc, engine)
    win = open_windows(sc) + sc.forecast.start_s
    talk = res.calls[np.isin(res.calls["outcome"], TALKS)]
    k = np.searchsorted(win[:, 0], talk["arrival_s"], side="right") - 1
    assert np.all((k >= 0) & (talk["arrival_s"] < win[k, 1]))
    closed = res.calls[res.calls["outcome"] == int(Outcome.CLOSED)]
    k = np.searchsorted(win[:, 0], closed["arrival_s"], side="right") - 1
    assert np.all((k < 0) | (closed["arrival_s"] >= win[np.maximum(k, 0), 1]))
    # queued callers are served after closing time: some answers happen while closed
    k = np.searchsorted(win[:, 0], talk["answer_s"], side="right") - 1
    assert np.any(talk["answer_s"] >= win[k, 1])


@pytest.mark.parametrize("engine", ENGINES)
def test_agents_whose_shift_ends_finish_their_call(engine):
    sc = scenarios.shift_change()
    res = _simulate(sc, engine, reps=1)
    boundary = sc.forecast.start_s + 2 * 3600.0  # 10 agents -> 2
    talk = res.calls[np.isin(res.calls["outcome"], TALKS)]
    spanning = talk[(talk["answer_s"] < boundary) & (talk["end_s"] > boundary)]
    assert spanning.size >= 5  # calls in progress at the shift end are not cut
    later = np.sort(talk["answer_s"][talk["answer_s"] >= boundary])
    # after the boundary nobody new is answered until at most 2 remain in talk
    assert later.size > 0
    ends = np.sort(spanning["end_s"])
    # the first new answer waits until fewer than 2 of the calls in progress remain
    assert later[0] >= ends[len(ends) - 2] - 1e-9
    assert float(res.totals.agents.mean) > 0


@pytest.mark.parametrize("engine", ENGINES)
def test_a_scenario_that_can_never_finish_stops_at_the_horizon(engine):
    """No agents, infinite patience, unlimited lines: everyone queues; the run ends at
    the horizon and reports them all as backlog, with memory bounded by the arrivals."""
    days = 14 if engine == "fast" else 2
    f = Forecast(calls=np.full(days * 24, 200.0), aht_s=300.0, interval_s=3600.0)
    sc = Scenario(f, agents=0)
    res = simulate(sc, replications=2, seed=9, engine=engine, record_calls=True)
    offered = float(res.totals.offered.mean)
    assert offered > 190 * days * 24
    assert float(res.backlog.in_queue.mean) == offered
    assert float(res.totals.unresolved.mean) == offered
    assert float(res.totals.answered.mean) == 0.0
    assert np.isnan(float(res.totals.sl_answered.mean))
    assert float(res.totals.sl_offered.mean) == 0.0
    assert res.calls.size == 2 * offered
    assert np.all(res.calls["outcome"] == int(Outcome.BACKLOG))
    horizon = f.end_s
    np.testing.assert_allclose(res.calls["wait_s"], horizon - res.calls["arrival_s"], atol=1e-6)
