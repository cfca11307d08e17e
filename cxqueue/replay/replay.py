"""Does the model reproduce history? Replay a call log through the simulation and compare.

`replay_history` takes a call history (e.g. the bank's October 1999), its real arrivals,
the actual AHT of each interval (``estimate_forecast(by="date")``), the bank's staffing
per interval as the log shows it, and fitted handle-time, patience, IVR and priority
parameters (from another history, e.g. January and February, or from the same one). It
simulates that history and compares, interval by interval, what the simulation says
callers experienced with what the log says they did:

- service level on the bank's definition (`cxqueue.data.observed_kpis`): calls answered
  within ``threshold_s`` over calls offered to agents, abandoned calls count as misses
  (the simulation's ``sl_offered`` with IVR-only callers left out);
- ASA, the mean wait of answered calls, in seconds;
- abandonment share, abandoned over offered-to-agent calls.

Arrivals (``arrivals=``): ``"trace"`` (default) replays the log's own arrival times,
trace-driven (`cxqueue.sim.simulate` with ``arrival_s``): every call that entered the
system (IVR-only callers included when the IVR is modelled, since the simulated IVR
decides who self-serves; only the calls offered to agents when it is not), the same in
every replication; handle, patience, IVR and priority class are drawn per replication.
``"poisson"`` draws Poisson counts around each interval's observed calls (divided by the
IVR's keep share) with uniform times inside the interval; the extra arrival noise makes
waits longer (queues are convex in the load).

Per interval, the simulated value is the mean over replications of the interval's ratio
(e.g. waits over answered calls of that interval in one replication), compared with the
one observed day. Errors are simulated minus observed, weighted by the observed calls of
the interval (offered calls; answered calls for ASA). An interval *agrees* when the
observed value lies in the 95 % prediction interval of one simulated day, ``mean +- t *
sd * sqrt(1 + 1/R)`` over ``R`` replications: the simulation's confidence interval
widened by the sampling noise of one realization of the interval (the spread of single
simulated days; it holds the within-interval correlation of waits that a binomial
formula would miss; with Poisson arrivals also their noise, a little conservative since
the observed counts are given). ``noise_mae`` is the mean absolute deviation of single
replications from their mean: the per-interval MAE a right model would show.

Totals over the compared intervals are pooled the same way on both sides, as ratios of
sums: observed, the log's sum of waits over its answered calls (answered within the
threshold over offered calls, abandoned over offered calls); simulated, per replication,
the sum over the compared intervals of the simulated waits of answered calls over the
simulated answered calls (hits over calls offered to agents; abandoned over calls that
reached the queue), then mean and 95 % interval over the replications. (A mean of the
simulated per-interval ratios weighted by the observed counts would be biased: it gives
the interval's simulated ASA the observed, not the simulated, number of answered calls.)

Staffing: the log does not record who was on duty. ``"staffed"`` replays
``ObservedKPIs.staffed_agents`` (an agent counts from the start of a call to the end of
the last call that follows with idle gaps under 30 min), ``"serving"`` the distinct
agents who served a call in the interval, ``"busy"`` the agent-seconds of talk over the
interval length (rounded up). ``agent_factor`` scales them (``agent_rounding`` turns the
fractional result into whole agents); ``reserve`` adds agents called in while the queue
is long. `cxqueue.replay.calibrate` fits both on a training history.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxqueue.replay.compare import KPIS, ErrorStats, KpiComparison, _compare
from cxqueue.replay.prepare import ARRIVALS, ROUNDINGS, STAFFING, _mean_agents, _setup, _simulate_reps
from cxqueue.scenario._plain import plain_dict
from cxqueue.units import DAY, HOUR

__all__ = ["ARRIVALS", "ROUNDINGS", "STAFFING", "ErrorStats", "KpiComparison", "ReplayResult", "replay_history"]


@dataclass(frozen=True, eq=False)
class ReplayResult:
    """What `replay_history` returns; per-interval arrays are on the history's date grid.

    ``interval_starts_s`` are seconds since midnight of the history's first date;
    ``hour`` the hour of day of each interval; ``agents`` the agents simulated after
    ``agent_factor`` (their mean over replications with ``agent_rounding="random"``,
    the rounded number with ``"nearest"``); ``compared`` marks the intervals in the
    comparison (selected days with offered calls); ``arrivals`` is ``"trace"`` or
    ``"poisson"``; ``reserve_agents`` the reserve agents per interval (zeros without a
    reserve) and ``reserve_threshold`` the waiting callers that call them in (0: none).
    """

    staffing: str
    agent_factor: float
    replications: int
    engine: str
    arrivals: str
    agent_rounding: str
    threshold_s: float
    interval_s: float
    origin: np.datetime64
    interval_starts_s: np.ndarray
    hour: np.ndarray
    agents: np.ndarray
    offered: np.ndarray
    compared: np.ndarray
    service_level: KpiComparison
    asa_s: KpiComparison
    abandon_share: KpiComparison
    reserve_agents: np.ndarray | None = None
    reserve_threshold: int = 0

    @property
    def kpis(self) -> tuple[KpiComparison, ...]:
        return (self.service_level, self.asa_s, self.abandon_share)

    def summary(self) -> str:
        """A plain-text table: one line per KPI with totals and per-interval errors."""
        head = (
            f"replay: staffing={self.staffing} x {self.agent_factor:.3f}"
            + (
                f" + up to {self.reserve_agents.max():g} reserve at {self.reserve_threshold} waiting"
                if self.reserve_threshold
                else ""
            )
            + f", {self.arrivals} arrivals, {self.replications} replications, "
            f"{int(self.compared.sum())} intervals, {float(self.offered[self.compared].sum()):.0f} calls"
        )
        lines = [head, f"{'kpi':15s} {'observed':>9s} {'simulated':>17s} {'MAE':>8s} {'bias':>8s} {'RMSE':>8s} "
                       f"{'coverage':>8s} {'noise MAE':>9s}"]  # fmt: skip
        for k in self.kpis:
            o = k.overall
            lines.append(
                f"{k.name:15s} {k.total_observed:9.3f} {k.total_simulated:9.3f} +-{k.total_half_width:5.3f} "
                f"{o.mae:8.3f} {o.bias:8.3f} {o.rmse:8.3f} {o.coverage:8.3f} {o.noise_mae:9.3f}"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {**plain_dict(self, nan_to_none=True), "origin": str(self.origin)}


def replay_history(history, *, agent_factor: float = 1.0, replications: int = 20, seed, **options) -> ReplayResult:
    """Simulate a call history with its real arrivals and staffing; compare KPIs per interval.

    Parameters
    ----------
    history : CallHistory
        Call-level history (`cxqueue.data.read_bank_log`, `read_call_csv`).
    agent_factor : float
        Multiplies the staffing (> 0): the share of the agents on duty who take calls.
    replications : int
        Simulated replays (>= 2).
    seed : int, SeedSequence, Generator or None
        Root seed; replication ``i`` uses child ``i``: it is ``simulate(scenario,
        replications=1, seed=SeedSequence(root.entropy, spawn_key=(*root.spawn_key, i)))``
        (common random numbers across factors, staffing measures and arrival modes).
    **options
        The replay's options, by keyword (`cxqueue.replay.calibrate.fit_agent_factor`
        takes the same):

        fit : HistoryFit, Scenario or PlanConfig, optional
            Handle time (shape; its mean follows each interval's actual AHT), patience, IVR
            time and IVR-only share, priority shares, e.g. ``fit_history`` of January and
            February. Default: fitted on `history` itself. A `Scenario` or a plan's
            `cxqueue.config.PlanConfig` (e.g. ``configs/bank.toml``) lends its ``handle``,
            ``patience``, ``ivr`` and ``priority`` as they are (its forecast, agents, lines
            and redials are not used: the history's arrivals already hold the redials).
        staffing : {"staffed", "serving", "busy"} or array_like of float
            Agents per interval as the log shows them (see the module docstring; default
            "staffed"), or one value per interval of ``estimate_forecast(history, by="date")``.
        interval_s : float
            Interval length in seconds (must divide a day; default 900).
        engine : {"fast", "simpy"}
            The simulation engine (default "fast").
        threshold_s : float
            Service-level threshold in seconds (default 20).
        days : sequence of dates, optional
            Compare only these dates (the simulation runs from the first to the last).
        priority_head_start_s : float
            Head start in the queue, in seconds, of the highest priority level when the
            history has several (the bank's priority customers: 90 s, the default); 0 for FIFO.
        arrivals : {"trace", "poisson"}
            ``"trace"`` (default): the history's own arrival times in every replication;
            ``"poisson"``: Poisson counts around each interval's calls (module docstring).
        reserve : Reserve, None or "fit"
            Reserve agents (`cxqueue.scenario.Reserve`: called in while the queue is long) in
            the intervals with staffing; ``"fit"`` (default) takes the reserve of a `Scenario`
            or `PlanConfig` fit (none for a `HistoryFit`). Their agents are not scaled by
            ``agent_factor``.
        agent_rounding : {"random", "nearest"}
            How the fractional agents ``staffing * agent_factor`` become whole agents:
            ``"random"`` (default) rounds each interval up with probability equal to its
            fraction, independently in each replication (the mean is the fractional value,
            as a time share of one more agent would give); ``"nearest"`` rounds to nearest
            (the factor then acts in steps of a whole agent).

    Returns
    -------
    ReplayResult

    Raises
    ------
    ConfigError
        For a history that is not call-level, a bad fit, staffing, factor, count, engine,
        arrivals, threshold or dates.
    TypeError
        For a keyword that is none of the options.

    Examples
    --------
    >>> from cxqueue.data._examples import example_history
    >>> r = replay_history(example_history(), replications=5, seed=1)
    >>> round(r.service_level.total_observed, 4), int(r.agents[0]), int(r.compared.sum())
    (0.3333, 2, 1)
    """
    o, replications, agent_factor, prep = _setup("replay_history", history, replications, agent_factor, options)
    counts = _simulate_reps(prep, agent_factor, replications, seed, o.engine, o.agent_rounding)
    f = prep.forecast
    starts = f.interval_s * (prep.first + np.arange(f.n_intervals))
    hour = (np.floor((starts % DAY) / HOUR)).astype(np.int64)
    comps = {k: _compare(k, counts, prep, hour) for k in KPIS}
    return ReplayResult(
        staffing=prep.staffing,
        agent_factor=agent_factor,
        replications=replications,
        engine=o.engine,
        arrivals=o.arrivals,
        threshold_s=float(o.threshold_s),
        interval_s=f.interval_s,
        origin=prep.origin,
        interval_starts_s=starts,
        hour=hour,
        agents=_mean_agents(prep.base_agents, agent_factor, o.agent_rounding),
        agent_rounding=o.agent_rounding,
        reserve_agents=np.zeros(starts.shape)
        if (res := prep.scenario.reserve) is None
        else np.broadcast_to(res.agents, starts.shape).copy(),
        reserve_threshold=0 if res is None else res.queue_threshold,
        offered=prep.offered,
        compared=prep.compared,
        **comps,
    )
