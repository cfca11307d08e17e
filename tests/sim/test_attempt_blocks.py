"""Issue 11: the callers' attempt columns are drawn in blocks, as the redials made need them.

Block 0 (the first 16 columns) is drawn before the run from the purpose streams, as all
columns were before, so a run with ``max_attempts <= 16`` gives the results it gave then;
each further block comes from its own streams (`cxqueue._rng.block_streams`) when a
caller's redial first needs one of its columns. The extension must be exact: the same
run with every column drawn up front (``arrivals._UPFRONT_BLOCKS`` raised) gives the same
call log, bit for bit, on both engines, which agree with each other.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from cxqueue import _rng
from cxqueue.scenario import Callbacks, Forecast, Redials, Scenario
from cxqueue.sim import Outcome, _kernels, arrivals, fast, sample_callers, simulate
from cxqueue.sim.runner import run_replication
from tests.conftest import needs_jit
from tests.sim import scenarios
from tests.sim.test_engines import _same_log
from tests.sim.test_fast_kernel import _counting_codes

ENGINES = ["fast", "simpy"]
OUTCOMES = ("blocked", "closed", "ivr_served", "abandoned", "answered", "callbacks_reached", "callbacks_failed",
            "unresolved")  # fmt: skip


def _reproducer(max_attempts: int) -> Scenario:
    """The issue's reproducer: 500 calls, redials after busy signals and abandonment."""
    f = Forecast(calls=[500.0], aht_s=180.0, interval_s=3600.0)
    return Scenario(f, agents=[5], lines=6, redials=Redials(blocked=0.5, abandoned=0.5, max_attempts=max_attempts))


def _same_run(a, b) -> None:
    """Two results of `simulate` with the same call log and KPIs, bit for bit."""
    for name in a.calls.dtype.names:
        x, y = a.calls[name], b.calls[name]
        if x.dtype.kind == "M":  # NaT != NaT
            x, y = x.view(np.int64), y.view(np.int64)
        np.testing.assert_array_equal(x, y, err_msg=name)
    for kpi in ("offered", "answered", "abandoned", "blocked", "sl_offered", "sl_virtual", "asa_s", "occupancy"):
        np.testing.assert_array_equal(getattr(a, kpi).mean, getattr(b, kpi).mean, err_msg=kpi)
        np.testing.assert_array_equal(getattr(a.totals, kpi).mean, getattr(b.totals, kpi).mean, err_msg=kpi)
    assert float(a.backlog.redials_pending.mean) == float(b.backlog.redials_pending.mean)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_million_attempts_on_500_calls_draw_one_block_and_match_16_attempts(engine):
    # was: 3.7 GiB and more allocated up front (500 callers x 1e6 columns x 4 tables)
    big, small = _reproducer(1_000_000), _reproducer(16)
    callers = sample_callers(big, 1)
    assert (callers.attempts, callers.columns) == (1_000_000, 16)
    assert sum(t.nbytes for t in callers.tables()) < 500_000
    assert run_replication(big, seed=1, engine=engine).attempt_columns == 16
    tracemalloc.start()
    try:
        a = simulate(big, replications=3, seed=1, engine=engine, record_calls=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20
    b = simulate(small, replications=3, seed=1, engine=engine, record_calls=True)
    assert a.calls["attempt"].max() < 16  # nobody needed a 17th column: the same callers, the same run
    _same_run(a, b)


def test_block_zero_is_what_was_drawn_before_blocks():
    """Up to 16 attempts the tables are one block from the purpose streams, drawn as one
    (customers x max_attempts) table per purpose; above, block 0 is 16 columns wide."""
    for m in (1, 4, 16, 17, 1000):
        sc = _reproducer(m)
        c = sample_callers(sc, 5)
        rng = _rng.purpose_streams(5)["handle"]
        expect = sc.handle.sample(rng, (c.n, min(m, 16)), mean_s=1.0)
        np.testing.assert_array_equal(c.handle_unit, expect)


def test_a_block_depends_on_its_number_alone():
    sc = scenarios.redial_storm()
    c = sample_callers(sc, 9)
    step_by_step = c.widened(17).widened(33).widened(40)
    at_once = c.widened(40)
    assert step_by_step.columns == at_once.columns == 48
    for x, y in zip(step_by_step.tables(), at_once.tables(), strict=True):
        np.testing.assert_array_equal(x, y)
    for x, y in zip(c.tables(), at_once.tables(), strict=True):  # the first block is kept as it was
        np.testing.assert_array_equal(x, y[:, : x.shape[1]])
    assert c.widened(16) is c and c.widened(1000).columns == 200  # never beyond max_attempts
    # common random numbers: other agents and lines, the same widened callers
    other = sample_callers(sc.replace(agents=[9, 9], lines=None), 9).widened(40)
    for x, y in zip(other.tables(), at_once.tables(), strict=True):
        np.testing.assert_array_equal(x, y)
    # a Generator seed is turned into one SeedSequence, which later blocks reuse
    g = sample_callers(sc, np.random.default_rng(3))
    np.testing.assert_array_equal(g.widened(20).handle_unit, g.widened(30).handle_unit)


@pytest.fixture(scope="module")
def storm():
    """The redial storm on both engines: blocks drawn as needed, and every column up front."""
    sc = scenarios.redial_storm()
    lazy = {e: simulate(sc, replications=2, seed=3, engine=e, record_calls=True) for e in ENGINES}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(arrivals, "_UPFRONT_BLOCKS", 10**6)
        assert sample_callers(sc, 3).columns == 200
        eager = {e: simulate(sc, replications=2, seed=3, engine=e, record_calls=True) for e in ENGINES}
    return sc, lazy, eager


@pytest.mark.parametrize("engine", ENGINES)
def test_a_redial_storm_draws_blocks_and_conserves_calls(storm, engine):
    sc, lazy, _ = storm
    res = lazy[engine]
    log = res.calls
    assert log["attempt"].max() == 200 and (log["attempt"] > 16).sum() > 5000  # well beyond block 0
    assert run_replication(sc, seed=3, engine=engine).attempt_columns == 200  # 13 blocks, the last cut at 200
    # each customer's attempts are 1, 2, ..., k: one row each, no gap
    s = np.sort(log, order=["replication", "customer", "attempt"])
    same = (s["customer"][1:] == s["customer"][:-1]) & (s["replication"][1:] == s["replication"][:-1])
    i = np.arange(s.size)
    start = np.maximum.accumulate(np.where(np.concatenate(([True], ~same)), i, 0))
    np.testing.assert_array_equal(s["attempt"], i - start + 1)
    # offered = the sum of the outcomes, per interval and in total, in the KPIs and the log
    total = sum(getattr(res, k).mean for k in OUTCOMES)
    np.testing.assert_allclose(total, res.offered.mean, rtol=1e-12)
    per_ivl = np.bincount(log["interval"], minlength=sc.forecast.n_intervals) / res.replications
    np.testing.assert_allclose(per_ivl, res.offered.mean, rtol=1e-12)
    # a redial follows a busy signal or an abandonment, after it ended
    assert np.all(s["arrival_s"][1:][same] >= s["end_s"][:-1][same] - 1e-9)
    assert set(np.unique(s["outcome"][:-1][same]).tolist()) <= {int(Outcome.BLOCKED), int(Outcome.ABANDONED)}


def test_a_redial_storm_gives_the_same_run_on_both_engines(storm):
    _, lazy, _ = storm
    _same_log(lazy["fast"].calls, lazy["simpy"].calls)
    for kpi in ("offered", "answered", "abandoned", "blocked", "sl_offered", "asa_s", "occupancy"):
        np.testing.assert_allclose(getattr(lazy["fast"], kpi).mean, getattr(lazy["simpy"], kpi).mean, rtol=1e-9)
    assert float(lazy["fast"].backlog.redials_pending.mean) == float(lazy["simpy"].backlog.redials_pending.mean)


@pytest.mark.parametrize("engine", ENGINES)
def test_blocks_drawn_during_the_run_give_the_run_with_every_column_drawn_up_front(storm, engine):
    _, lazy, eager = storm
    _same_run(lazy[engine], eager[engine])


def test_the_kernel_asks_for_columns_and_goes_on(monkeypatch):
    sc = scenarios.redial_storm()
    callers = sample_callers(sc, 4)
    codes = _counting_codes(monkeypatch)
    out = fast.run_fast(sc, callers, record=True)
    assert codes.count(_kernels.GROW_COLUMNS) == 12 and codes[-1] == _kernels.DONE  # blocks 1 to 12
    assert callers.columns == 16 and out.attempt_columns == 200  # the caller's callers are not changed
    monkeypatch.setattr(arrivals, "_UPFRONT_BLOCKS", 10**6)
    codes.clear()
    ref = fast.run_fast(sc, sample_callers(sc, 4), record=True)
    assert _kernels.GROW_COLUMNS not in codes
    for name in out.calls.dtype.names:
        x, y = out.calls[name], ref.calls[name]
        if x.dtype.kind == "M":
            x, y = x.view(np.int64), y.view(np.int64)
        np.testing.assert_array_equal(x, y, err_msg=name)


@needs_jit
def test_wider_tables_compile_nothing_again():
    sc = scenarios.redial_storm()
    assert fast.run_fast(sc, sample_callers(sc, 6)).attempt_columns > 16
    assert _kernels.step.signatures == [_kernels.SIGNATURE]


@pytest.mark.parametrize("engine", ENGINES)
def test_small_blocks_many_extensions_same_run(monkeypatch, engine):
    """Three columns per block: a busy day with IVR, callbacks, patience, hours and every
    kind of redial crosses many blocks, and still runs as with every column up front (a
    layout of 3-column blocks draws other numbers than the default layout: compare under
    the same layout)."""
    sc = scenarios.busy_day(
        agents=np.minimum(scenarios.busy_day().agents, 4),
        redials=Redials(blocked=0.9, abandoned=0.9, closed=0.9, max_attempts=12),
        callbacks=Callbacks(threshold_s=60.0, accept=0.5, reach=0.8),
    )
    monkeypatch.setattr(arrivals, "_BLOCK_COLUMNS", 3)
    lazy = simulate(sc, replications=2, seed=5, engine=engine, record_calls=True)
    assert lazy.calls["attempt"].max() >= 7  # three blocks or more drawn during the run
    outcomes = set(np.unique(lazy.calls["outcome"]).tolist())
    seen = (Outcome.CLOSED, Outcome.BLOCKED, Outcome.ABANDONED, Outcome.IVR, Outcome.CALLBACK)
    assert {int(o) for o in seen} <= outcomes
    monkeypatch.setattr(arrivals, "_UPFRONT_BLOCKS", 10**6)
    eager = simulate(sc, replications=2, seed=5, engine=engine, record_calls=True)
    _same_run(lazy, eager)
