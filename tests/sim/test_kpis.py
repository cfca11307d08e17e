"""`Estimate` bounds: a fraction's 95 % interval stays in [0, 1], a count's or a time's at >= 0 (issue 12).

The half-widths are checked against Student's t from scipy.stats (an independent source of the
quantile); the simulation case is one that gave plan.csv a service-level bound of 1.0316.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from cxqueue.scenario import Forecast, Scenario
from cxqueue.sim import simulate
from cxqueue.sim.kpis import FRACTION_KPIS, KPI_NAMES, Estimate, summarize


def _reps(values: dict[str, list[float]]) -> list[dict]:
    """Replication summaries in which every KPI is 0.5 except those of `values`."""
    n = len(next(iter(values.values())))
    out = []
    for i in range(n):
        per = {k: np.array([values[k][i] if k in values else 0.5]) for k in KPI_NAMES}
        out.append({"intervals": per, "totals": {k: float(v[0]) for k, v in per.items()}, "backlog": np.zeros(5)})
    return out


def test_fraction_bounds_are_clipped_to_0_1_and_counts_to_0():
    sl, aband, offered = [1.0, 1.0, 0.9], [0.0, 0.0, 0.06], [0.0, 0.0, 3.0]
    per, tot, backlog = summarize(_reps({"sl_offered": sl, "abandon_fraction": aband, "offered": offered}))
    half = stats.t.ppf(0.975, 2) * np.std(sl, ddof=1) / np.sqrt(3)
    assert float(tot.sl_offered.half_width) == pytest.approx(half)
    assert np.mean(sl) + half > 1.0  # the unclipped bound: 1.11
    assert tot.sl_offered.high == 1.0 and tot.sl_offered.low == pytest.approx(np.mean(sl) - half)
    assert per.sl_offered.high == [1.0]
    assert tot.abandon_fraction.low == 0.0 and tot.offered.low == 0.0
    assert tot.offered.high == pytest.approx(1.0 + stats.t.ppf(0.975, 2) * np.std(offered, ddof=1) / np.sqrt(3))
    assert backlog.in_queue.low == 0.0
    # mean and half-width are kept as computed
    assert tot.sl_offered.to_dict() == {"mean": pytest.approx(np.mean(sl)), "half_width": pytest.approx(half)}


def test_every_fraction_kpi_is_named_and_an_estimate_without_limits_is_unclipped():
    assert set(FRACTION_KPIS) == {k for k in KPI_NAMES if k.startswith("sl_") or k.endswith("_fraction")} | {
        "occupancy"
    }
    e = Estimate(np.array(0.99), np.array(0.04))
    assert (e.low, e.high) == (pytest.approx(0.95), pytest.approx(1.03))


def test_a_simulated_service_level_near_one_has_bounds_within_0_1():
    sc = Scenario(Forecast(calls=[20.0, 30.0, 25.0, 10.0], aht_s=180.0, interval_s=900.0), agents=6)
    res = simulate(sc, replications=3, seed=5, engine="fast")
    for name in FRACTION_KPIS:
        for est in (getattr(res.intervals, name), getattr(res.totals, name)):
            low, high = np.asarray(est.low, dtype=float), np.asarray(est.high, dtype=float)
            ok = ~np.isnan(low)
            assert np.all((low[ok] >= 0.0) & (high[ok] <= 1.0)), name
    sl = res.intervals.sl_offered
    assert np.any(np.asarray(sl.mean) + np.asarray(sl.half_width) > 1.0)  # the case needs clipping
    for name in KPI_NAMES:
        assert np.all(np.nan_to_num(np.asarray(getattr(res.intervals, name).low, dtype=float)) >= 0.0), name
    assert set(json.loads(json.dumps(res.to_dict()))["totals"]["sl_offered"]) == {"mean", "half_width"}
