"""`simulate`: replications of one scenario with common random numbers, summarized as KPIs.

`run_replication` is one of them, raw: the counters per interval (`records.RepOutput`)
from which `simulate` computes its KPIs, for callers that pool counts themselves (e.g.
`cxqueue.replay.replay`, whose totals are sums of waits over sums of answered calls).
"""

from __future__ import annotations

import numpy as np

from cxqueue import _rng
from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import Scenario
from cxqueue.sim.arrivals import _sample, arrival_iv
from cxqueue.sim.engine import run_simpy
from cxqueue.sim.fast import run_fast
from cxqueue.sim.kpis import SimulationResult, day_index, day_samples, rep_summary, summarize, summarize_days
from cxqueue.sim.records import RepOutput

__all__ = ["ENGINES", "run_replication", "simulate"]

ENGINES = ("simpy", "fast")


def _scenario_iv(scenario, engine, record_calls, arrival_s):
    if not isinstance(scenario, Scenario):
        raise ConfigError(f"scenario must be a cxqueue.scenario.Scenario; got {type(scenario).__name__}")
    v.choice("engine", engine, ENGINES)
    if not isinstance(record_calls, bool | np.bool_):
        raise ConfigError(f"record_calls must be True or False; got {record_calls!r}")
    if scenario.forecast.n_intervals == 0:
        raise ConfigError("forecast must have at least one interval; got none")
    trace = None if arrival_s is None else arrival_iv(arrival_s, scenario)
    return bool(record_calls), trace


def _simulate_iv(scenario, replications, engine, record_calls, warmup_s, arrival_s):
    if not isinstance(scenario, Scenario):
        raise ConfigError(f"scenario must be a cxqueue.scenario.Scenario; got {type(scenario).__name__}")
    replications = v.integer_scalar("replications", replications, minimum=1)
    record_calls, trace = _scenario_iv(scenario, engine, record_calls, arrival_s)
    warmup_s = float(v.nonneg_array("warmup_s", warmup_s))
    f = scenario.forecast
    horizon_s = f.n_intervals * f.interval_s
    if warmup_s >= horizon_s:
        raise ConfigError(f"warmup_s must be shorter than the horizon ({horizon_s:g} s); got {warmup_s:g}")
    return replications, record_calls, warmup_s, trace


def _one(scenario: Scenario, seed, engine: str, record: bool, trace: np.ndarray | None) -> RepOutput:
    run = run_fast if engine == "fast" else run_simpy
    return run(scenario, _sample(scenario, seed, trace), record=record)


def run_replication(
    scenario: Scenario, *, seed, engine: str = "simpy", record_calls: bool = False, arrival_s=None
) -> RepOutput:
    """One replication of ``scenario``, raw: counters per interval, time integrals, call log.

    The same run as one replication of `simulate` with the same seed: ``simulate(...,
    replications=R, seed=s)`` runs ``run_replication(..., seed=c)`` for each child ``c`` of
    ``_rng.spawn(s, R)``.

    Parameters
    ----------
    scenario : cxqueue.scenario.Scenario
    seed : int, SeedSequence, Generator or None
        The replication's seed (split into purpose streams).
    engine : {"simpy", "fast"}
    record_calls : bool, default False
        Fill ``calls`` with the call log (`records.CALL_DTYPE`).
    arrival_s : array_like of float, optional
        Trace-driven first arrivals, seconds since the horizon start (see `simulate`).

    Returns
    -------
    cxqueue.sim.records.RepOutput
        ``counts`` has one row per interval of arrival and the columns ``records.C_*``
        (offered, blocked, closed, IVR-served, abandoned, answered, ..., hits, sum of the
        waits of answered calls in seconds, ...).

    Raises
    ------
    ConfigError
        For a bad scenario, engine, ``record_calls`` or ``arrival_s``.

    Examples
    --------
    >>> from cxqueue.scenario import Forecast, Scenario
    >>> from cxqueue.sim import records
    >>> s = Scenario(Forecast(calls=[10.0, 10.0], aht_s=60.0, interval_s=900.0), agents=3)
    >>> out = run_replication(s, seed=1, arrival_s=[1.0, 2.0, 950.0])
    >>> out.counts[:, records.C_OFFERED].tolist(), out.counts[:, records.C_ANSWERED].tolist()
    ([2.0, 1.0], [2.0, 1.0])
    """
    record_calls, trace = _scenario_iv(scenario, engine, record_calls, arrival_s)
    return _one(scenario, seed, engine, record_calls, trace)


def simulate(
    scenario: Scenario,
    *,
    replications: int = 10,
    seed,
    engine: str = "simpy",
    record_calls: bool = False,
    warmup_s: float = 0.0,
    arrival_s=None,
) -> SimulationResult:
    """Simulate ``scenario`` ``replications`` times and report KPIs with 95 % intervals.

    Each replication draws its callers from its own child of ``seed``, split into
    purpose streams (`cxqueue._rng.purpose_streams`): two scenarios that differ only in
    agents or lines see exactly the same callers, and both engines consume the same
    callers. The model is described in `cxqueue.sim.engine`; the KPIs in
    `cxqueue.sim.kpis`.

    Parameters
    ----------
    scenario : cxqueue.scenario.Scenario
        Forecast, agents per interval, lines, distributions, hours, redials, callbacks,
        priority classes, day factor; ``scenario.target.answer_within_s`` is the
        service-level threshold in seconds.
    replications : int, default 10
        Independent runs of the whole horizon (>= 1; confidence intervals need >= 2).
    seed : int, SeedSequence, Generator or None
        Root seed; replication ``i`` uses ``SeedSequence.spawn`` child ``i``.
    engine : {"simpy", "fast"}
        ``"simpy"``: the readable reference; ``"fast"``: the numba event loop (same
        model, same callers, for sweeps and optimizers).
    record_calls : bool, default False
        Return the call log (one row per attempt, all replications) in ``calls``.
    warmup_s : float, default 0
        Intervals that start before ``warmup_s`` seconds into the horizon are left out
        of the totals (still reported per interval).
    arrival_s : array_like of float, optional
        Trace-driven simulation: the first-arrival time of every customer in seconds
        since the horizon start (``forecast.start_s`` on the forecast's clock), 1-D,
        finite, sorted (non-decreasing), within ``[0, n_intervals * interval_s)``. Every
        replication uses these times instead of Poisson arrivals around
        ``forecast.calls`` (which, and the day factor, are then unused); handle times,
        patience, IVR, priority classes, redials and callbacks are still drawn per
        replication. Redials add attempts after these first arrivals.

    Returns
    -------
    SimulationResult
        Per-interval and total KPIs (mean and 95 % half-width), the backlog at the
        horizon and, if asked, the call log.

    Raises
    ------
    ConfigError
        For a bad scenario, count, engine, ``record_calls``, ``warmup_s`` or
        ``arrival_s``, or a seed `cxqueue._rng` does not accept.

    Examples
    --------
    >>> from cxqueue.scenario import Forecast, Scenario
    >>> f = Forecast(calls=[100.0] * 8, aht_s=180.0, interval_s=1800.0)
    >>> res = simulate(Scenario(f, agents=14), replications=5, seed=1, engine="fast")
    >>> 0.8 < float(res.totals.sl_offered.mean) < 0.95, res.sl_offered.mean.shape
    (True, (8,))
    >>> trace = simulate(Scenario(f, agents=14), replications=2, seed=1, arrival_s=[10.0, 2000.0, 2001.0])
    >>> trace.totals.offered.mean.tolist(), trace.offered.mean[:2].tolist()
    (3.0, [1.0, 2.0])
    """
    replications, record_calls, warmup_s, trace = _simulate_iv(
        scenario, replications, engine, record_calls, warmup_s, arrival_s
    )
    f = scenario.forecast
    keep = f.interval_s * np.arange(f.n_intervals) >= warmup_s - 1e-9
    day, day_starts_s = day_index(f.interval_starts_s, f.interval_s)
    reps, logs = [], []
    for i, child in enumerate(_rng.spawn(seed, replications)):
        out = _one(scenario, child, engine, record_calls, trace)
        reps.append(rep_summary(out, interval_s=f.interval_s, keep=keep, day=day))
        if record_calls:
            out.calls["replication"] = i
            logs.append(out.calls)
    intervals, totals, backlog = summarize(reps)
    return SimulationResult(
        intervals=intervals,
        totals=totals,
        backlog=backlog,
        interval_starts_s=f.interval_starts_s,
        interval_s=f.interval_s,
        replications=replications,
        engine=engine,
        warmup_s=warmup_s,
        calls=np.concatenate(logs) if record_calls else None,
        days=summarize_days(reps),
        day_starts_s=day_starts_s,
        day_samples=day_samples(reps),
    )
