"""What a dated plan promises under its forecast's uncertainty, checked by simulation.

A plan from ``[demand].forecast`` is staffed for the mean, for a quantile of the day
factor or for the expected service level (`cxqueue.optimize.uncertain`). `forecast_promise`
simulates the finished plan against the *mean* forecast with the forecast's day factor
drawn per day (busy and quiet days, as they will come) and states what a planner can
promise: the share of simulated days on which the day meets the target, and the service
level expected over the horizon with its 95 % interval, e.g. "service level >= 80 % on
93 % of simulated days (staffed for the 0.9-quantile day); expected 0.88 [0.86, 0.90]".
"""

from __future__ import annotations

import numpy as np

from cxqueue.scenario import Forecast

__all__ = ["forecast_promise"]

_POLICY_WORDS = {
    "mean": "staffed for the mean forecast",
    "quantile": "staffed for the {p:g}-quantile day",
    "expected": "staffed for the service level expected over busy and quiet days",
}


def forecast_promise(result, dated, *, replications: int, seed, engine: str = "fast") -> dict:
    """Simulate ``result``'s plan on the forecast's mean with its day factor; the promise as data.

    Parameters
    ----------
    result : PlanResult
    dated : cxqueue.config.types.DatedForecast
        The policy, the mean calls on the plan's grid and the day factor's cv.
    replications, seed, engine
        Of the simulation (each replication draws its own day factors).

    Returns
    -------
    dict
        ``policy``, ``p``, ``day_factor_cv``, ``days_simulated``, ``share_of_days_meeting``,
        ``expected_service_level`` (mean, low, high) and ``statement``.
    """
    from cxqueue.sim import simulate

    sc = result.scenario
    f = sc.forecast
    mean = Forecast(calls=dated.mean_calls, aht_s=f.aht_s, interval_s=f.interval_s, start_s=f.start_s)
    sim = simulate(
        sc.replace(forecast=mean, day_factor_cv=dated.day_factor_cv), replications=replications, seed=seed,
        engine=engine,
    )  # fmt: skip
    basis = sc.target.basis
    level = sc.target.level
    sl = np.asarray(sim.day_samples[f"sl_{basis}"], dtype=np.float64)
    served = (np.asarray(sim.day_samples["offered"]) > 0) & np.isfinite(sl)
    share = float(np.mean(sl[served] >= level)) if served.any() else None
    tot = getattr(sim.totals, f"sl_{basis}")
    m, h = float(tot.mean), float(np.nan_to_num(tot.half_width, nan=0.0))
    expected = {"mean": m, "low": max(m - h, 0.0), "high": min(m + h, 1.0)} if np.isfinite(m) else None
    how = _POLICY_WORDS[dated.policy].format(p=dated.p or 0.0)
    if share is None or expected is None:
        statement = f"{how}; no simulated day had calls to serve"
    else:
        statement = (
            f"service level >= {level:.0%} on {share:.0%} of simulated days ({how}; day factor cv "
            f"{dated.day_factor_cv:.3f}); expected service level over the horizon {m:.2f} "
            f"[{expected['low']:.2f}, {expected['high']:.2f}]"
        )
    return {
        "policy": dated.policy,
        "p": dated.p,
        "day_factor_cv": dated.day_factor_cv,
        "days_simulated": int(served.sum()),
        "share_of_days_meeting": share,
        "expected_service_level": expected,
        "statement": statement,
    }
