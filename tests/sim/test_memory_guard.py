"""Issue 11: a replication that would not fit in memory stops before it starts, with the figure.

`Redials(max_attempts=1_000_000)` on 500 calls allocated 3.7 GiB and more (19.6 GiB here,
131 s), and 1e8 calls in one interval exhausted memory in both engines. The attempt
columns are now drawn in blocks of 16 as the redials made need them
(`test_attempt_blocks.py`), so the first runs in a few MiB; the guard sizes a run by the
columns drawn, and stops a run whose redials would need wider tables than fit. The free
memory is fixed here (8 GiB) so that the rule, not the machine, decides."""

from __future__ import annotations

import numpy as np
import pytest

from cxqueue.exceptions import ConfigError
from cxqueue.scenario import Forecast, Redials, Scenario
from cxqueue.sim import arrivals, simulate
from tests.sim import scenarios

GIB = 2.0**30


@pytest.fixture
def eight_gib_free(monkeypatch):
    monkeypatch.setattr(arrivals, "_free_bytes", lambda: 8 * GIB)


@pytest.mark.parametrize("engine", ["fast", "simpy"])
def test_a_million_attempts_are_sized_by_the_columns_drawn(eight_gib_free, engine):
    # This test used to expect the refusal "needs about 14.9 GiB" (500 callers x 1e6 columns
    # x 4 tables x 8 bytes): memory followed max_attempts. It now follows the redials made:
    # one block of 16 columns, 500 x 16 x 4 x 8 bytes, and the run goes.
    f = Forecast(calls=[500.0], aht_s=180.0, interval_s=3600.0)
    sc = Scenario(f, agents=[5], lines=6, redials=Redials(blocked=0.5, abandoned=0.5, max_attempts=1_000_000))
    res = simulate(sc, replications=2, seed=1, engine=engine)
    assert res.totals.offered.mean > float(res.totals.answered.mean) > 0


@pytest.mark.parametrize("engine", ["fast", "simpy"])
def test_redials_that_would_need_more_than_fits_stop_with_the_figure(monkeypatch, engine):
    """400 callers of the redial storm: 16 columns of 5 tables fit in the memory given
    (400 x (16 x 5 x 8 + 256) bytes = 0.34 MiB < half of 1 MB), 32 do not (0.59 MiB)."""
    monkeypatch.setattr(arrivals, "_free_bytes", lambda: 1e6)
    sc = scenarios.redial_storm()
    trace = np.linspace(0.0, 3000.0, 400)
    with pytest.raises(
        ConfigError,
        match=r"simulating 400 callers with 32 attempt column\(s\) each needs about 0\.0 GiB, more than half of the "
        r"0\.0 GiB free: a caller's redial reached attempt 17 \(redials\.max_attempts = 200\): lower "
        r"redials\.max_attempts \(\[redials\]\.max_attempts\) or the redial probabilities",
    ):
        simulate(sc, replications=1, seed=1, engine=engine, arrival_s=trace)
    monkeypatch.setattr(arrivals, "_free_bytes", lambda: 0.7e6)  # not even the first block: before the run
    with pytest.raises(ConfigError, match=r"400 callers with 16 attempt column\(s\) .*: simulate a shorter horizon"):
        simulate(sc, replications=1, seed=1, engine=engine, arrival_s=trace)


@pytest.mark.parametrize("engine", ["fast", "simpy"])
def test_a_hundred_million_calls_stop_before_they_are_drawn(eight_gib_free, engine):
    sc = Scenario(Forecast(calls=[1e8], aht_s=180.0, interval_s=3600.0), agents=[5])
    with pytest.raises(ConfigError, match=r"simulating 100,000,000 callers .* needs about 24\.6 GiB"):
        simulate(sc, replications=1, seed=1, engine=engine)


def test_an_ordinary_run_is_not_stopped(eight_gib_free):
    sc = Scenario(Forecast(calls=[200.0], aht_s=180.0, interval_s=3600.0), agents=[12], redials=Redials(blocked=0.5))
    assert simulate(sc, replications=2, seed=1, engine="fast").totals.offered.mean > 0
