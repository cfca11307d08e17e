"""`simulate`: replications of one scenario with common random numbers, summarized as KPIs."""

from __future__ import annotations

import numpy as np

from cxqueue import _rng
from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.model import Scenario
from cxqueue.sim.arrivals import sample_callers
from cxqueue.sim.engine import run_simpy
from cxqueue.sim.fast import run_fast
from cxqueue.sim.kpis import SimulationResult, rep_summary, summarize

__all__ = ["ENGINES", "simulate"]

ENGINES = ("simpy", "fast")


def _simulate_iv(scenario, replications, engine, record_calls, warmup_s):
    if not isinstance(scenario, Scenario):
        raise ConfigError(f"scenario must be a cxqueue.model.Scenario; got {type(scenario).__name__}")
    replications = v.integer_scalar("replications", replications, minimum=1)
    v.choice("engine", engine, ENGINES)
    if not isinstance(record_calls, bool | np.bool_):
        raise ConfigError(f"record_calls must be True or False; got {record_calls!r}")
    warmup_s = float(v.nonneg_array("warmup_s", warmup_s))
    f = scenario.forecast
    horizon_s = f.n_intervals * f.interval_s
    if f.n_intervals == 0:
        raise ConfigError("forecast must have at least one interval; got none")
    if warmup_s >= horizon_s:
        raise ConfigError(f"warmup_s must be shorter than the horizon ({horizon_s:g} s); got {warmup_s:g}")
    return replications, bool(record_calls), warmup_s


def simulate(
    scenario: Scenario,
    *,
    replications: int = 10,
    seed,
    engine: str = "simpy",
    record_calls: bool = False,
    warmup_s: float = 0.0,
) -> SimulationResult:
    """Simulate ``scenario`` ``replications`` times and report KPIs with 95 % intervals.

    Each replication draws its callers from its own child of ``seed``, split into
    purpose streams (`cxqueue._rng.purpose_streams`): two scenarios that differ only in
    agents or lines see exactly the same callers, and both engines consume the same
    callers. The model is described in `cxqueue.sim.engine`; the KPIs in
    `cxqueue.sim.kpis`.

    Parameters
    ----------
    scenario : cxqueue.model.Scenario
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

    Returns
    -------
    SimulationResult
        Per-interval and total KPIs (mean and 95 % half-width), the backlog at the
        horizon and, if asked, the call log.

    Examples
    --------
    >>> from cxqueue.model import Forecast, Scenario
    >>> f = Forecast(calls=[100.0] * 8, aht_s=180.0, interval_s=1800.0)
    >>> res = simulate(Scenario(f, agents=14), replications=5, seed=1, engine="fast")
    >>> 0.8 < float(res.totals.sl_offered.mean) < 0.95, res.sl_offered.mean.shape
    (True, (8,))
    """
    replications, record_calls, warmup_s = _simulate_iv(scenario, replications, engine, record_calls, warmup_s)
    f = scenario.forecast
    run = run_fast if engine == "fast" else run_simpy
    keep = f.interval_s * np.arange(f.n_intervals) >= warmup_s - 1e-9
    reps, logs = [], []
    for i, child in enumerate(_rng.spawn(seed, replications)):
        callers = sample_callers(scenario, child)
        out = run(scenario, callers, record=record_calls)
        del callers
        reps.append(rep_summary(out, interval_s=f.interval_s, keep=keep))
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
    )
