"""Calibrate the staffing the log does not show: who takes calls, and who helps when the queue is long.

A call log records calls, not the staffing behind them. `cxqueue.replay.replay.replay_history`
replays a history with the agents the log shows (e.g. those on duty) and compares the
simulated service level, ASA and abandonment with the log. Two behaviours decide whether
it can match all three, and both are fitted here on a *training* history, to be judged
on another:

- `fit_agent_factor`: the share of the agents on duty who take calls (after-call work,
  other duties and breaks the log does not hold), by bisection on the factor until the
  replayed service level equals the observed one;
- `fit_reserve`: reserve agents (`cxqueue.scenario.Reserve`) who answer only while at least
  ``k`` callers wait, e.g. staff of another team who pick up the phone when the queue
  grows. The service level mostly fixes the agents taking calls; how far waits and
  abandonment run when queues form depends on the reserve. For each ``(agents, k)`` of
  a grid, fit the factor on the service level, replay at it and measure the relative
  errors of the ASA and abandonment totals; the pair with the smallest root-sum-square
  error wins (no reserve is one of the candidates).

For the bank of ../shared/data, fitted on January and February 1999 (experiments/e002):
three reserve agents called in at five waiting callers, and 65.5 % of the agents on duty
taking calls; without a reserve the replay's ASA and abandonment run 20-30 % high.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cxqueue import _rng
from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.replay.compare import _pooled, _weighted_total
from cxqueue.replay.prepare import _setup, _simulate_reps
from cxqueue.replay.replay import replay_history
from cxqueue.scenario import Reserve
from cxqueue.scenario._plain import PlainDict

__all__ = ["AgentFactorFit", "ReserveFit", "fit_agent_factor", "fit_reserve"]


@dataclass(frozen=True)
class AgentFactorFit(PlainDict):
    """The effective-agents factor that makes the replayed service level match the log.

    ``steps`` are the (factor, simulated service level) pairs tried by the bisection.
    """

    factor: float
    staffing: str
    observed_service_level: float
    simulated_service_level: float
    steps: tuple[tuple[float, float], ...]


def fit_agent_factor(
    history, *, low: float = 0.3, high: float = 1.0, tol: float = 0.01, replications: int = 10, seed, **options
) -> AgentFactorFit:
    """The factor on the staffing at which the replayed service level equals the observed one.

    Bisection on ``[low, high]`` (the simulated service level grows with the factor;
    common random numbers keep it monotone in practice) until the bracket is narrower
    than ``tol``; a target outside the bracket returns the nearer end. The service level
    is the pooled one over the compared intervals (hits over offered calls, the log's
    total; simulated: mean over replications of the pooled ratio).

    Parameters
    ----------
    history : CallHistory
        As in `cxqueue.replay.replay.replay_history`.
    low, high : float
        Bracket of the factor, ``0 < low < high``.
    tol : float
        Width of the final bracket (> 0).
    replications : int
        Replications per trial factor (>= 2).
    seed
        Root seed (the same callers at every trial factor).
    **options
        ``fit``, ``staffing``, ``interval_s``, ``engine``, ``threshold_s``, ``days``,
        ``priority_head_start_s``, ``arrivals``, ``reserve``, ``agent_rounding``: the
        replay's options, as in `cxqueue.replay.replay.replay_history`.

    Returns
    -------
    AgentFactorFit

    Raises
    ------
    ConfigError
        For a bad bracket or tolerance, or as `cxqueue.replay.replay.replay_history`.

    Examples
    --------
    >>> from cxqueue.data._examples import example_history
    >>> r = fit_agent_factor(example_history(), replications=3, seed=1, tol=0.2)
    >>> 0.3 <= r.factor <= 1.0, len(r.steps) >= 2
    (True, True)
    """
    low = float(v.positive_array("low", low))
    high = float(v.positive_array("high", high))
    if high <= low:
        raise ConfigError(f"high must be > low; got low={low:g}, high={high:g}")
    tol = float(v.positive_array("tol", tol))
    o, replications, _, prep = _setup("fit_agent_factor", history, replications, 1.0, options)
    target = float(_weighted_total(prep.observed["service_level"], prep.weight["service_level"]))
    seed = _rng.as_seed_sequence(seed)

    def sl(factor: float) -> float:
        counts = _simulate_reps(prep, factor, replications, seed, o.engine, o.agent_rounding)
        return float(np.nanmean(_pooled(counts, "service_level", prep.compared)))

    steps = [(low, sl(low)), (high, sl(high))]
    if steps[0][1] >= target:
        return AgentFactorFit(low, prep.staffing, target, steps[0][1], tuple(steps))
    if steps[1][1] <= target:
        return AgentFactorFit(high, prep.staffing, target, steps[1][1], tuple(steps))
    lo, hi = steps[0], steps[1]
    while hi[0] - lo[0] > tol:
        mid = 0.5 * (lo[0] + hi[0])
        s = (mid, sl(mid))
        steps.append(s)
        lo, hi = (s, hi) if s[1] < target else (lo, s)
    # linear interpolation inside the last bracket
    frac = (target - lo[1]) / (hi[1] - lo[1]) if hi[1] > lo[1] else 0.5
    factor = lo[0] + frac * (hi[0] - lo[0])
    best = min(steps, key=lambda s: abs(s[0] - factor))
    return AgentFactorFit(float(factor), prep.staffing, target, float(best[1]), tuple(steps))


@dataclass(frozen=True)
class ReserveFit(PlainDict):
    """What `fit_reserve` returns.

    ``reserve`` is the best `Reserve` (None: no reserve fits best), ``agent_factor`` the
    factor fitted with it; ``table`` holds one row per candidate: reserve agents,
    threshold, fitted factor, simulated and observed totals of service level, ASA and
    abandonment, and the error ``sqrt((asa / asa_obs - 1)^2 + (abandon / abandon_obs -
    1)^2)``.
    """

    reserve: Reserve | None
    agent_factor: float
    error: float
    table: tuple[dict, ...]


def fit_reserve(
    history,
    *,
    reserve_agents=(0, 1, 2, 3, 4),
    thresholds=(2, 3, 4, 5, 6, 7),
    replications: int = 10,
    seed,
    tol: float = 0.005,
    low: float = 0.3,
    high: float = 1.0,
    progress=None,
    **options,
) -> ReserveFit:
    """Reserve agents and threshold (and the agent factor with them) that reproduce a history.

    For ``0`` reserve agents (once) and every ``(agents, k)`` of ``reserve_agents x
    thresholds`` with ``agents > 0``: `fit_agent_factor` on the service level, then
    `cxqueue.replay.replay.replay_history` at that factor (same seed); the candidate with the
    smallest root-sum-square relative error of the ASA and abandonment totals wins.

    Parameters
    ----------
    history : CallHistory
        The training history, as in `cxqueue.replay.replay.replay_history`.
    reserve_agents : sequence of int
        Reserve agents to try (>= 0; 0 = no reserve).
    thresholds : sequence of int
        Queue thresholds ``k`` to try (>= 1).
    replications : int
        Replications per trial (>= 2).
    seed
        Root seed (the same callers for every candidate).
    tol, low, high
        The factor's bisection, as in `fit_agent_factor`.
    progress : callable, optional
        Called with one line of text per candidate.
    **options
        ``fit``, ``staffing``, ``interval_s``, ``engine``, ``threshold_s``, ``days``,
        ``priority_head_start_s``, ``arrivals``, ``agent_rounding``: the replay's options,
        as in `replay_history` (``reserve`` is what this fits).

    Returns
    -------
    ReserveFit

    Raises
    ------
    ConfigError
        For an empty or bad grid, a history without answered or abandoned calls, or as
        `fit_agent_factor`.

    Examples
    --------
    >>> from cxqueue.data._examples import example_history
    >>> rows = [f"{60 * i},{60 * i + 5 * (i % 3)},{60 * i + 100},A{i % 2}" for i in range(40)]
    >>> rows += [f"{60 * i + 30},,{60 * i + 90}," for i in range(0, 40, 4)]
    >>> h = example_history("arrival,answer,end,agent\\n" + "\\n".join(rows) + "\\n")
    >>> r = fit_reserve(h, reserve_agents=(0, 1), thresholds=(2,), replications=3, seed=1, tol=0.1)
    >>> len(r.table), sorted(r.table[0])[:3]
    (2, ['abandon', 'abandon_observed', 'agent_factor'])
    """
    grid_r = sorted({v.integer_scalar("reserve_agents", a, minimum=0) for a in _seq("reserve_agents", reserve_agents)})
    grid_k = sorted({v.integer_scalar("thresholds", k, minimum=1) for k in _seq("thresholds", thresholds)})
    seed = _rng.as_seed_sequence(seed)
    cands = [(0, 0)] * (0 in grid_r) + [(a, k) for a in grid_r if a > 0 for k in grid_k]
    rows = []
    for a, k in cands:
        reserve = Reserve(a, k) if a > 0 else None
        f = fit_agent_factor(
            history, replications=replications, seed=seed, tol=tol, low=low, high=high, reserve=reserve, **options
        )
        r = replay_history(
            history, agent_factor=f.factor, replications=replications, seed=seed, reserve=reserve, **options
        )
        sl, asa, ab = r.kpis
        if not (asa.total_observed > 0 and ab.total_observed > 0):
            raise ConfigError(
                "fit_reserve needs a history with waits and abandonments (ASA and abandonment share > 0); "
                f"got ASA {asa.total_observed:g} s and abandonment {ab.total_observed:g}"
            )
        err = math.hypot(asa.total_simulated / asa.total_observed - 1, ab.total_simulated / ab.total_observed - 1)
        row = {"reserve_agents": a, "queue_threshold": k if a > 0 else None, "agent_factor": f.factor,
               "service_level": sl.total_simulated, "service_level_observed": sl.total_observed,
               "asa_s": asa.total_simulated, "asa_s_observed": asa.total_observed,
               "abandon": ab.total_simulated, "abandon_observed": ab.total_observed, "error": err}  # fmt: skip
        rows.append(row)
        if progress:
            progress(f"reserve {a}" + (f" at {k} waiting" if a else "") + f": factor {f.factor:.3f}, "
                     f"ASA {asa.total_simulated:.1f} s (log {asa.total_observed:.1f}), abandonment "
                     f"{ab.total_simulated:.3f} (log {ab.total_observed:.3f}), error {err:.3f}")  # fmt: skip
    best = min(rows, key=lambda row: row["error"])
    reserve = Reserve(best["reserve_agents"], best["queue_threshold"]) if best["reserve_agents"] else None
    return ReserveFit(reserve, float(best["agent_factor"]), float(best["error"]), tuple(rows))


def _seq(name: str, values) -> list:
    vals = list(np.atleast_1d(np.asarray(values)).tolist()) if not isinstance(values, list | tuple) else list(values)
    if not vals:
        raise ConfigError(f"{name} must hold at least one value; got none")
    return vals
