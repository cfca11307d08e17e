"""Per-day KPIs of a simulation: each day's counters summed before its ratios are taken."""

import numpy as np
import pytest

from cxqueue.scenario import Forecast, Scenario
from cxqueue.sim import simulate
from cxqueue.sim.kpis import KPI_NAMES


@pytest.mark.parametrize("engine", ["fast", "simpy"])
def test_one_day_equals_the_totals(engine):
    # a horizon of one day without warm-up: the day is the horizon, KPI by KPI
    f = Forecast(calls=[40.0, 120.0, 80.0, 10.0], aht_s=240.0, interval_s=6 * 3600.0)
    res = simulate(Scenario(f, agents=[3, 9, 6, 2]), replications=4, seed=7, engine=engine)
    assert res.day_starts_s.tolist() == [0.0]
    for k in KPI_NAMES:
        if k in ("lines_in_use", "agents"):  # time averages: the same, over the day
            continue
        day, tot = getattr(res.days, k), getattr(res.totals, k)
        np.testing.assert_allclose(np.asarray(day.mean)[0], tot.mean, rtol=1e-12, err_msg=k)


def test_days_sum_the_intervals_of_each_day():
    # three days starting at noon: days 0 and 2 are half days
    f = Forecast(calls=[30.0] * 12, aht_s=200.0, interval_s=6 * 3600.0, start_s=12 * 3600.0)
    res = simulate(Scenario(f, agents=2), replications=3, seed=3, engine="fast")
    assert res.day_starts_s.tolist() == [0.0, 86400.0, 172800.0, 259200.0]
    offered = np.asarray(res.intervals.offered.mean)
    want = [offered[0:2].sum(), offered[2:6].sum(), offered[6:10].sum(), offered[10:12].sum()]
    np.testing.assert_allclose(res.days.offered.mean, want, rtol=1e-12)
    # a day's service level is its hits over its calls, not the mean of its interval levels
    sl = np.asarray(res.days.sl_offered.mean)
    assert np.all((sl >= 0) & (sl <= 1))
    assert res.to_dict()["day_starts_s"] == res.day_starts_s.tolist()
    # each replication's days: their mean over replications is the days' estimate
    assert res.day_samples["offered"].shape == (3, 4)
    np.testing.assert_allclose(res.day_samples["sl_offered"].mean(axis=0), res.days.sl_offered.mean, rtol=1e-12)
