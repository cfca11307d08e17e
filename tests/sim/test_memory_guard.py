"""Issue 11: a replication that would not fit in memory stops before it starts, with the figure.

`Redials(max_attempts=1_000_000)` on 500 calls allocated 3.7 GiB and more (19.6 GiB here,
131 s), and 1e8 calls in one interval exhausted memory in both engines. The free memory is
fixed here (8 GiB) so that the rule, not the machine, decides."""

from __future__ import annotations

import pytest

from cxqueue.exceptions import ConfigError
from cxqueue.scenario import Forecast, Redials, Scenario
from cxqueue.sim import arrivals, simulate

GIB = 2.0**30


@pytest.fixture
def eight_gib_free(monkeypatch):
    monkeypatch.setattr(arrivals, "_free_bytes", lambda: 8 * GIB)


@pytest.mark.parametrize("engine", ["fast", "simpy"])
def test_a_million_attempt_columns_stop_before_they_are_allocated(eight_gib_free, engine):
    f = Forecast(calls=[500.0], aht_s=180.0, interval_s=3600.0)
    sc = Scenario(f, agents=[5], lines=6, redials=Redials(blocked=0.5, abandoned=0.5, max_attempts=1_000_000))
    # 500 callers x 1e6 columns x 4 tables (handle, redial draws, two delays) x 8 bytes = 14.9 GiB
    with pytest.raises(ConfigError, match=r"needs about 14\.9 GiB, more than half of the 8\.0 GiB free: lower "):
        simulate(sc, replications=2, seed=1, engine=engine)


@pytest.mark.parametrize("engine", ["fast", "simpy"])
def test_a_hundred_million_calls_stop_before_they_are_drawn(eight_gib_free, engine):
    sc = Scenario(Forecast(calls=[1e8], aht_s=180.0, interval_s=3600.0), agents=[5])
    with pytest.raises(ConfigError, match=r"simulating 100,000,000 callers .* needs about 24\.6 GiB"):
        simulate(sc, replications=1, seed=1, engine=engine)


def test_an_ordinary_run_is_not_stopped(eight_gib_free):
    sc = Scenario(Forecast(calls=[200.0], aht_s=180.0, interval_s=3600.0), agents=[12], redials=Redials(blocked=0.5))
    assert simulate(sc, replications=2, seed=1, engine="fast").totals.offered.mean > 0
