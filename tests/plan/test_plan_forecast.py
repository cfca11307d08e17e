"""optimize_plan takes a forecast with its uncertainty and a policy (issue 14): the same plan
as the config's [demand].forecast gives, from the library."""

from __future__ import annotations

import re

import numpy as np
import pytest

import cxqueue as cx
from cxqueue.exceptions import ConfigError
from cxqueue.forecast import IntervalHistory, fit
from cxqueue.plan.optimize import PlanSettings, optimize_plan

H = 3600.0


@pytest.fixture(scope="module")
def forecast():
    # four weeks of weekdays 08:00-18:00 in half hours, a midday peak, a busier Monday
    rng = np.random.default_rng(5)
    dates = np.array([np.datetime64("2026-11-02") + np.timedelta64(d, "D") for d in range(28)])
    dates = dates[(dates.astype(np.int64) + 3) % 7 < 5]
    shape = 20 + 30 * np.exp(-(((np.arange(20) / 2 + 8 - 12.5) / 2.5) ** 2))
    level = np.where((dates.astype(np.int64) + 3) % 7 == 0, 1.3, 1.0) * rng.gamma(50, 1 / 50, dates.size)
    counts = rng.poisson(level[:, None] * shape[None, :]).astype(float)
    h = IntervalHistory(dates=dates, counts=counts, interval_s=1800.0, first_start_s=8 * H, source="test")
    return fit(h, method="day_factor").forecast(start="2026-11-30", days=7)


def scenario():
    f = cx.Forecast(calls=[1.0], aht_s=240.0, interval_s=1800.0)  # replaced by the forecast's days
    return cx.Scenario(f, 0, patience=cx.Distribution.exponential(300.0),
                       hours=cx.OpeningHours.daily(8 * H, 18 * H, days=range(5)))  # fmt: skip


SHIFTS = [cx.ShiftTemplate("day", 5 * H, earliest_start_s=8 * H, latest_start_s=13 * H, start_step_s=1800)]
SETTINGS = PlanSettings(replications=3, max_iter=2, seed=4)


@pytest.mark.parametrize(("policy", "p"), [("mean", 0.9), ("quantile", 0.9), ("expected", 0.9)])
def test_a_plan_for_a_forecast_is_the_plan_of_its_calls(forecast, policy, p):
    res = optimize_plan(scenario(), SHIFTS, settings=SETTINGS, forecast=forecast, policy=policy, p=p)
    f = res.scenario.forecast
    want = forecast.to_forecast(aht_s=240.0, day_factor_q=p if policy == "quantile" else None)
    assert f.start_s == 0.0 and f.n_intervals == 5 * 48  # Monday 2026-11-30 to Friday, in half hours
    np.testing.assert_array_equal(f.calls, want.calls)
    assert res.scenario.day_factor_cv == (forecast.day_factor_cv if policy == "expected" else 0.0)
    # the same plan as the scenario that carries those calls directly (same seed, same steps)
    same = scenario().replace(forecast=want, agents=0.0, day_factor_cv=res.scenario.day_factor_cv)
    direct = optimize_plan(same, SHIFTS, settings=SETTINGS)
    assert direct.cost == res.cost and np.array_equal(direct.scenario.agents, res.scenario.agents)


def test_quantile_staffs_more_than_the_mean(forecast):
    mean = optimize_plan(scenario(), SHIFTS, settings=SETTINGS, forecast=forecast, policy="mean")
    q = optimize_plan(scenario(), SHIFTS, settings=SETTINGS, forecast=forecast, policy="quantile", p=0.9)
    assert q.scenario.forecast.calls.sum() > mean.scenario.forecast.calls.sum()
    assert q.cost > mean.cost


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"forecast": [1, 2]}, "forecast must be a cxqueue.forecast.IntervalForecast; got list"),
        ({"policy": "median"}, "policy must be one of"),
        ({"policy": "quantile", "p": 90}, "p must be a fraction in (0, 1)"),
    ],
)
def test_bad_forecast_arguments_name_themselves(forecast, kw, message):
    kw = {"forecast": forecast, **kw}
    with pytest.raises(ConfigError, match=re.escape(message)):
        optimize_plan(scenario(), SHIFTS, settings=SETTINGS, **kw)
