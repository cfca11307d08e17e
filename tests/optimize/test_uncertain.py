"""Staffing for a forecast with a random day factor (issue 14), checked against what the
policies promise: the quantile policy meets the target on at least a share p of simulated
day factors (binomial interval), the expected policy's average over sampled days meets the
level and one agent fewer does not, and the mean policy is `staffing_requirements` of the mean."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cxqueue import ConfigError, erlang_a, erlang_c
from cxqueue.forecast import IntervalForecast
from cxqueue.optimize import staffing_for_forecast, staffing_requirements
from cxqueue.scenario import Forecast, ServiceTarget
from tests.conftest import NO_JIT

TARGET = ServiceTarget(level=0.8, answer_within_s=20.0)
AHT = 240.0


def two_days(k=(12.0, 40.0)):
    """Two days of 24 quarter hours, a midday peak, day factors Gamma(k) (CV 0.29 and 0.16)."""
    x = np.arange(24)
    day = 30.0 + 70.0 * np.exp(-0.5 * ((x - 12) / 4.0) ** 2)
    starts = [f"2026-12-{d:02d}T{8 + i // 4:02d}:{15 * (i % 4):02d}" for d in (7, 8) for i in range(24)]
    return IntervalForecast(
        ["2026-12-07", "2026-12-08"], starts, [0] * 24 + [1] * 24, np.tile(day, 2), list(k), np.inf, 900, "day_factor"
    )


def sampled_factors(fc, n, seed):
    rng = np.random.default_rng(seed)
    k = fc.day_factor_shape
    return rng.gamma(k, 1.0 / k, size=(n, k.size))[:, fc.day]  # (n, intervals)


def test_mean_policy_is_staffing_requirements_of_the_mean():
    fc = two_days()
    got = staffing_for_forecast(fc, TARGET, policy="mean", aht_s=AHT)
    for d in (0, 1):
        f = Forecast(calls=fc.mean[fc.day == d], aht_s=AHT, interval_s=900.0)
        assert got.agents[fc.day == d].tolist() == staffing_requirements(f, TARGET).agents.tolist()
    assert got.promise.startswith("staffed for the mean")


@pytest.mark.parametrize("p", [0.5, 0.8, 0.95])
def test_quantile_policy_meets_the_target_on_a_share_p_of_days(p):
    fc = two_days()
    got = staffing_for_forecast(fc, TARGET, policy="quantile", p=p, aht_s=AHT)
    n = 1000 if NO_JIT else 4000
    g = sampled_factors(fc, n, seed=11)
    load = fc.mean * AHT / 900.0 * g
    sl = erlang_c.service_level(load, got.agents, aht_s=AHT, answer_within_s=20.0)
    share = (sl >= TARGET.level).mean(axis=0)  # per interval, over simulated days
    half = 3.0 * math.sqrt(p * (1 - p) / n)  # 3 standard errors of a binomial share
    assert share.min() >= p - half
    # the staffing is the least that does so: one agent fewer meets it on fewer than p of days
    sl_less = erlang_c.service_level(load, got.agents - 1, aht_s=AHT, answer_within_s=20.0)
    assert ((sl_less >= TARGET.level).mean(axis=0) < p + half).all()
    assert np.allclose(got.share_of_days_meeting, share, atol=1.5 / 64 + half)  # its own quadrature
    assert got.promise == f"SL >= 0.8 in every interval on at least {p:.0%} of days"


def test_expected_policy_by_monte_carlo_over_days():
    fc = two_days()
    kw = dict(aht_s=AHT, mean_patience_s=300.0)
    got = staffing_for_forecast(fc, TARGET, policy="expected", model="erlang_a", **kw)
    mean = staffing_for_forecast(fc, TARGET, policy="mean", model="erlang_a", **kw)
    n = 500 if NO_JIT else 20000  # the kernels as Python are slow
    g = sampled_factors(fc, n, seed=5)
    load = fc.mean * AHT / 900.0 * g

    def e_sl(agents):
        sl = erlang_a.service_level(load, agents, answer_within_s=20.0, **kw)
        return sl.mean(axis=0), 4.0 * sl.std(axis=0) / math.sqrt(n) + 1e-9  # mean and 4 standard errors

    (at, err), (less, err_less) = e_sl(got.agents), e_sl(got.agents - 1)
    assert (at >= TARGET.level - err).all()
    assert np.all((less < TARGET.level + err_less) | (got.agents == mean.agents))  # least, or the mean's floor
    assert (
        np.allclose(got.expected_service_level, at, atol=1e-3, rtol=0)
        or (np.abs(got.expected_service_level - at) <= err + 1e-3).all()
    )
    assert (got.agents >= mean.agents).all() and got.agents.sum() > mean.agents.sum()


def test_no_day_spread_makes_every_policy_the_mean():
    fc = two_days(k=(np.inf, np.inf))
    agents = {x: staffing_for_forecast(fc, TARGET, policy=x, aht_s=AHT).agents.tolist() for x in ("mean", "quantile")}
    assert agents["mean"] == agents["quantile"]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        (dict(policy="p90"), "policy"),
        (dict(policy="quantile", p=1.0), "p must be"),
        (dict(policy="quantile", p=90), "p must be"),
        (dict(model="erlang_x"), "model"),
        (dict(aht_s=-5.0), "aht_s must be > 0"),
        (dict(), "aht_s must be given: the forecast has no handle times"),
    ],
)
def test_bad_input_names_the_argument(kw, message):
    with pytest.raises(ConfigError, match=message):
        staffing_for_forecast(two_days(), TARGET, **kw)
