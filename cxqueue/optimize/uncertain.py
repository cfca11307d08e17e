"""Staffing for a forecast that says how sure it is (issue 14).

A `cxqueue.forecast.IntervalForecast` gives each day a random factor G ~ Gamma(k, 1/k)
(mean 1) that scales all of that day's intervals: busy days are busy all day. Staffing
for the mean rate then misses the target on the busy days. `staffing_for_forecast`
offers three policies:

- ``"mean"``: staff each interval for its mean calls (today's practice);
- ``"quantile"``: staff each day for the ``p``-quantile of its day factor, so that every
  interval meets the target on at least a fraction ``p`` of days (the service level
  falls as the load grows, so it holds on every day whose factor is at most that
  quantile);
- ``"expected"``: the fewest agents, at least the mean staffing, whose service level
  averaged over the day factor meets the target.

Whatever the policy, the result says what it promises: per interval the expected service
level over the day factor and the share of days on which the target holds, both by
quadrature over the Gamma (``nodes`` equally likely quantiles). The stationary model of
each interval is Erlang C or Erlang A (`cxqueue.analytic`), as in `staffing_requirements`,
which sets the mean staffing (and so the caps: ASA, abandonment, occupancy).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.analytic import erlang_a, erlang_c
from cxqueue.exceptions import ConfigError
from cxqueue.forecast import IntervalForecast
from cxqueue.optimize.requirements import staffing_requirements
from cxqueue.scenario import ServiceTarget
from cxqueue.scenario._plain import PlainDict

__all__ = ["POLICIES", "UncertainStaffing", "staffing_for_forecast"]

POLICIES = ("mean", "quantile", "expected")
_MAX_STEPS = 10_000


@dataclass(frozen=True, eq=False)
class UncertainStaffing(PlainDict):
    """Agents per forecast interval under a policy, and what they promise.

    Attributes
    ----------
    policy : str
        ``mean``, ``quantile`` or ``expected``.
    p : float or None
        The share of days of the ``quantile`` policy.
    start : ndarray of datetime64[s]
        Start of each interval (the forecast's).
    calls : ndarray
        Calls per interval the staffing was sized for (the mean, or the day-factor quantile's).
    agents, paid_agents : ndarray of int64
        Agents on duty per interval; paid after shrinkage.
    expected_service_level : ndarray
        The service level averaged over the day factor, per interval.
    share_of_days_meeting : ndarray
        The share of days (by the day factor) on which the interval meets the target.
    promise : str
        The policy's promise in words.
    """

    policy: str
    p: float | None
    start: np.ndarray
    calls: np.ndarray
    agents: np.ndarray
    paid_agents: np.ndarray
    expected_service_level: np.ndarray
    share_of_days_meeting: np.ndarray
    promise: str


def staffing_for_forecast(
    forecast: IntervalForecast,
    target: ServiceTarget,
    *,
    policy: str = "mean",
    p: float = 0.9,
    aht_s=None,
    model: str = "erlang_c",
    mean_patience_s: float = math.inf,
    nodes: int = 64,
) -> UncertainStaffing:
    """Agents per interval of `forecast` that meet `target` under `policy` (see the module docstring).

    Parameters
    ----------
    forecast : cxqueue.forecast.IntervalForecast
    target : cxqueue.scenario.ServiceTarget
    policy : {"mean", "quantile", "expected"}
    p : float
        ``quantile``: the share of days on which every interval meets the target, in (0, 1).
    aht_s : float or array_like, optional
        Handle time per interval, seconds; by default the forecast's (an error without one).
    model : {"erlang_c", "erlang_a"}
    mean_patience_s : float
        Mean patience, seconds (``erlang_a``).
    nodes : int
        Quantiles of the day factor averaged over (>= 8).

    Examples
    --------
    >>> from cxqueue.scenario import ServiceTarget
    >>> f = IntervalForecast(["2024-03-04"], ["2024-03-04T09:00"], [0], [100.0], [20.0], np.inf, 900, "day_factor")
    >>> t = ServiceTarget(level=0.8, answer_within_s=20)
    >>> [int(staffing_for_forecast(f, t, policy=x, aht_s=180.0).agents[0]) for x in POLICIES]
    [24, 31, 27]
    """
    if not isinstance(forecast, IntervalForecast):
        raise ConfigError(f"forecast must be a cxqueue.forecast.IntervalForecast; got {type(forecast).__name__}")
    if not isinstance(target, ServiceTarget):
        raise ConfigError(f"target must be a cxqueue.scenario.ServiceTarget; got {type(target).__name__}")
    v.choice("policy", policy, POLICIES)
    v.choice("model", model, ("erlang_c", "erlang_a"))
    p = float(v.fraction_array("p", p, open_low=True, open_high=True))
    nodes = v.integer_scalar("nodes", nodes, minimum=8)
    if aht_s is None:
        if forecast.aht_s is None:
            raise ConfigError("aht_s must be given: the forecast has no handle times (its history had none)")
        aht = np.array(forecast.aht_s, dtype=np.float64)
    else:
        aht = np.broadcast_to(v.positive_array("aht_s", aht_s), forecast.mean.shape).astype(np.float64)
    if not np.all(np.isfinite(aht) | (forecast.mean == 0)):
        raise ConfigError("aht_s must be finite in every interval with calls; the forecast has gaps: pass aht_s")
    aht = np.where(np.isfinite(aht), aht, 1.0)

    calls = forecast.mean_at_day_factor(p) if policy == "quantile" else np.array(forecast.mean)
    agents = np.zeros(calls.size, dtype=np.int64)
    for d in range(forecast.n_days):  # the stationary staffing of each day's consecutive intervals
        sel = forecast.day == d
        day = forecast.day_forecast(d, aht_s=aht[sel], day_factor_q=p if policy == "quantile" else None)
        req = staffing_requirements(day, target, model=model, method="sipp", mean_patience_s=mean_patience_s)
        agents[sel] = req.agents

    # the day factor's equally likely quantiles, per interval
    from scipy import stats

    u = (np.arange(nodes) + 0.5) / nodes
    k = forecast.day_factor_shape[forecast.day]
    g = np.ones((calls.size, nodes))
    fin = np.isfinite(k)
    g[fin] = stats.gamma.ppf(u[None, :], k[fin, None], scale=1.0 / k[fin, None])
    load = (forecast.mean * aht / forecast.interval_s)[:, None] * g

    def sl(n):
        kw = dict(aht_s=aht[:, None], answer_within_s=target.answer_within_s)
        if model == "erlang_a":
            return erlang_a.service_level(load, n[:, None], mean_patience_s=mean_patience_s, basis=target.basis, **kw)
        return erlang_c.service_level(load, n[:, None], **kw)

    level = target.level
    if policy == "expected":
        for _ in range(_MAX_STEPS):
            short = sl(agents).mean(axis=1) < level - 1e-12
            if not short.any():
                break
            agents = agents + short
        else:  # pragma: no cover - a target that no finite staffing meets was refused by staffing_requirements
            raise ConfigError(f"policy 'expected': no staffing within {_MAX_STEPS} agents meets level={level}")
    at = sl(agents)
    expected = at.mean(axis=1)
    share = (at >= level - 1e-12).mean(axis=1)
    paid = np.ceil(agents / (1.0 - target.shrinkage) - 1e-9).astype(np.int64)
    promise = {
        "mean": f"staffed for the mean forecast: SL >= {level:g} on an average day",
        "quantile": f"SL >= {level:g} in every interval on at least {p:.0%} of days",
        "expected": f"expected SL >= {level:g} in every interval, averaged over busy and quiet days",
    }[policy]
    return UncertainStaffing(
        policy,
        p if policy == "quantile" else None,
        forecast.start,
        calls,
        agents,
        paid,
        expected,
        share,
        promise,
    )
