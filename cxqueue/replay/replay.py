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

import math
from dataclasses import dataclass, fields

import numpy as np
from scipy import stats

from cxqueue import _rng
from cxqueue import _validation as v
from cxqueue.data.bundle import HistoryFit, fit_history
from cxqueue.data.estimate import estimate_forecast, observed_kpis
from cxqueue.data.history import CallHistory
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import IVR, Distribution, Forecast, PriorityClasses, Reserve, Scenario, ServiceTarget
from cxqueue.sim import records as rec
from cxqueue.sim.runner import ENGINES, run_replication
from cxqueue.units import DAY, HOUR

__all__ = ["ARRIVALS", "ROUNDINGS", "STAFFING", "ErrorStats", "KpiComparison", "ReplayResult", "replay_history"]

STAFFING = ("staffed", "serving", "busy")
ARRIVALS = ("trace", "poisson")
ROUNDINGS = ("random", "nearest")
_MODEL_PARTS = (("handle", Distribution), ("patience", Distribution), ("ivr", IVR), ("priority", PriorityClasses))
KPIS = ("service_level", "asa_s", "abandon_share")
# numerator and denominator counts of each KPI (names of the arrays of `_simulate_reps`)
_PARTS = {
    "service_level": ("hits", "queued"),
    "asa_s": ("wait_sum", "answered"),
    "abandon_share": ("abandoned", "reached"),
}


def _plain(x):
    if isinstance(x, np.ndarray):
        return [None if isinstance(y, float) and math.isnan(y) else y for y in x.tolist()]
    if isinstance(x, float) and math.isnan(x):
        return None
    return x


@dataclass(frozen=True, eq=False)
class ErrorStats:
    """Calls-weighted errors of a KPI, simulated minus observed.

    Fields are floats (over all compared intervals) or arrays of 24 values (by hour of
    day of the interval start; NaN for an hour without calls). ``coverage`` is the
    weighted share of intervals whose observed value lies in the 95 % prediction
    interval of one simulated day; ``noise_mae`` the MAE that a right model would show
    from sampling noise alone (single simulated days against the simulated mean);
    ``weight`` the observed calls behind the numbers.
    """

    mae: float | np.ndarray
    bias: float | np.ndarray
    rmse: float | np.ndarray
    coverage: float | np.ndarray
    noise_mae: float | np.ndarray
    weight: float | np.ndarray
    n_intervals: int | np.ndarray

    def to_dict(self) -> dict:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True, eq=False)
class KpiComparison:
    """One KPI per interval: observed, simulated (mean over replications), errors.

    ``simulated_half_width`` is the 95 % confidence half-width of the simulated mean,
    ``prediction_half_width`` that of one simulated day (see the module docstring);
    ``weight`` the observed calls of the interval (0: not compared). ``total_*`` are the
    pooled values over the compared intervals (ratios of sums, see the module
    docstring; the simulated one is the mean over replications, ``total_half_width``
    its 95 % half-width); ``total_agrees`` is True when the observed total lies in the
    simulated total's 95 % prediction interval.
    """

    name: str
    observed: np.ndarray
    simulated: np.ndarray
    simulated_half_width: np.ndarray
    prediction_half_width: np.ndarray
    weight: np.ndarray
    overall: ErrorStats
    by_hour: ErrorStats
    total_observed: float
    total_simulated: float
    total_half_width: float
    total_prediction_half_width: float

    @property
    def total_agrees(self) -> bool:
        return bool(abs(self.total_simulated - self.total_observed) <= self.total_prediction_half_width)

    def to_dict(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d = {k: (val.to_dict() if isinstance(val, ErrorStats) else _plain(val)) for k, val in d.items()}
        d["total_agrees"] = self.total_agrees
        return d


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
        d = {}
        for f in fields(self):
            val = getattr(self, f.name)
            d[f.name] = val.to_dict() if isinstance(val, KpiComparison) else _plain(val)
        d["origin"] = str(self.origin)
        return d


# --------------------------------------------------------------------------- preparation
@dataclass(frozen=True, eq=False)
class _Prepared:
    forecast: Forecast  # the simulated span (calls entering the IVR)
    trace: np.ndarray | None  # arrival times on the span, seconds since its start (None: Poisson)
    first: int  # index of the span's first interval on the history grid
    n_grid: int
    base_agents: np.ndarray  # on the span
    staffing: str
    scenario: Scenario
    observed: dict  # kpi -> observed values on the span
    weight: dict  # kpi -> weights on the span (0: not compared)
    offered: np.ndarray
    compared: np.ndarray
    origin: np.datetime64


def _days_iv(days, history: CallHistory, n_days: int) -> np.ndarray:
    """Boolean mask of the selected day indices on the history's grid."""
    if days is None:
        return np.ones(n_days, dtype=bool)
    try:
        d = np.atleast_1d(np.asarray(days, dtype="datetime64[D]"))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"days must be dates (e.g. '1999-10-04'); got {days!r}") from exc
    if d.size == 0:
        raise ConfigError("days must hold at least one date; got none")
    idx = (d - history.origin).astype(np.int64)
    bad = (idx < 0) | (idx >= n_days)
    if bad.any():
        first = str(d[np.flatnonzero(bad)[0]])
        raise ConfigError(
            f"days must lie in the history ({history.origin} to {history.origin + np.timedelta64(n_days - 1, 'D')}); "
            f"got {first}"
        )
    mask = np.zeros(n_days, dtype=bool)
    mask[idx] = True
    return mask


def _priority(fit: HistoryFit, head_start_s: float) -> PriorityClasses:
    levels, shares = fit.priority_levels, fit.priority_shares
    if len(levels) < 2 or head_start_s == 0:
        return PriorityClasses()
    top = float(shares[-1])
    if top <= 0 or top >= 1:
        return PriorityClasses()
    return PriorityClasses((1.0 - top, top), (0.0, float(head_start_s)))


def _trace(history: CallHistory, ivr: IVR, grid_s: float, first_s: float, last_s: float) -> np.ndarray:
    """Arrival times of the calls that entered the simulated system, seconds since ``first_s``.

    Every call when the IVR is modelled (it decides who self-serves), else the calls
    offered to agents; times are put on the forecast's grid ``[0, grid_s)`` as
    `estimate_forecast` bins them, then cut to the span ``[first_s, last_s)``.
    """
    c = history.calls
    t = c["arrival_s"] if ivr.enabled else c["arrival_s"][history.offered]
    t = np.sort(np.clip(t, 0.0, np.nextafter(grid_s, 0.0)))
    t = t[(t >= first_s) & (t < last_s)] - first_s
    # float rounding of the shift must not push a time out of the horizon
    return np.clip(t, 0.0, np.nextafter(last_s - first_s, 0.0))


def _reserve(reserve, model_fit, base: np.ndarray, span: slice) -> Reserve | None:
    """The replay's reserve agents: in the intervals with staffing, none elsewhere."""
    if isinstance(reserve, str):
        v.choice("reserve", reserve, ("fit",))
        reserve = getattr(model_fit, "reserve", None)
    elif reserve is not None and not isinstance(reserve, Reserve):
        raise ConfigError(f"reserve must be a Reserve, None or 'fit'; got {type(reserve).__name__}")
    if reserve is None:
        return None
    agents = reserve.agents
    if agents.ndim:
        if agents.shape != base.shape:
            raise ConfigError(
                f"reserve.agents must be one number or one value per interval of the history ({base.size}); "
                f"got shape {agents.shape}"
            )
        agents = agents[span]
    return Reserve(np.where(base[span] > 0, agents, 0.0), reserve.queue_threshold)


def _prepare(history, fit, staffing, interval_s, threshold_s, days, priority_head_start_s, arrivals,
             reserve="fit") -> _Prepared:  # fmt: skip
    if not isinstance(history, CallHistory):
        raise ConfigError(
            f"history must be a CallHistory (call-level data: read_bank_log or read_call_csv); "
            f"got {type(history).__name__}"
        )
    if history.n_calls == 0:
        raise ConfigError("history must hold at least one call; got none")
    model = fit is not None and not isinstance(fit, HistoryFit)
    if model and not all(isinstance(getattr(fit, a, None), t) for a, t in _MODEL_PARTS):
        raise ConfigError(
            "fit must be a HistoryFit (see cxqueue.data.fit_history), a Scenario or a PlanConfig, or None; "
            f"got {type(fit).__name__}"
        )
    threshold_s = float(v.nonneg_array("threshold_s", threshold_s))
    head = float(v.nonneg_array("priority_head_start_s", priority_head_start_s))
    forecast = estimate_forecast(history, interval_s=interval_s, by="date")
    obs = observed_kpis(history, interval_s=interval_s, by="date", answer_within_s=threshold_s)
    n = forecast.n_intervals
    if isinstance(staffing, str):
        v.choice("staffing", staffing, STAFFING)
        base = {"staffed": obs.staffed_agents, "serving": obs.agents, "busy": np.ceil(obs.busy_agents - 1e-9)}[staffing]
    else:
        base = v.nonneg_array("staffing", staffing)
        if base.shape != (n,):
            raise ConfigError(
                f"staffing must be 'staffed', 'serving', 'busy' or one number of agents per interval ({n}); "
                f"got shape {base.shape}"
            )
        staffing = "given"
    fit = fit_history(history, interval_s=interval_s) if fit is None else fit
    per_day = round(DAY / forecast.interval_s)
    n_days = n // per_day
    day_mask = _days_iv(days, history, n_days)
    sel = np.flatnonzero(day_mask)
    first, last = int(sel[0]) * per_day, (int(sel[-1]) + 1) * per_day
    in_days = np.repeat(day_mask, per_day)[first:last]
    span = slice(first, last)
    if model:  # a Scenario or PlanConfig: its distributions, IVR and priority classes as they are
        ivr, priority = fit.ivr, fit.priority
    else:
        ivr = IVR.off() if fit.ivr.is_none else IVR(fit.ivr, float(fit.ivr_only_share))
        priority = _priority(fit, head)
    keep = 1.0 - ivr.self_service if ivr.enabled else 1.0
    sim_forecast = Forecast(
        calls=forecast.calls[span] / keep,
        aht_s=forecast.aht_s[span],
        interval_s=forecast.interval_s,
        start_s=forecast.start_s + first * forecast.interval_s,
    )
    step = forecast.interval_s
    trace = _trace(history, ivr, n * step, first * step, last * step) if arrivals == "trace" else None
    scenario = Scenario(
        sim_forecast,
        agents=base[span],
        handle=fit.handle,
        patience=fit.patience,
        ivr=ivr,
        priority=priority,
        target=ServiceTarget(level=0.8, answer_within_s=threshold_s),
        reserve=_reserve(reserve, fit if model else None, base, span),
    )
    offered = obs.offered[span]
    compared = in_days & (offered > 0)
    served = obs.served[span]
    observed = {
        "service_level": obs.service_level[span],
        "asa_s": obs.asa_s[span],
        "abandon_share": obs.abandon_share[span],
    }
    weight = {
        "service_level": np.where(compared, offered, 0.0),
        "asa_s": np.where(compared & (served > 0) & np.isfinite(observed["asa_s"]), served, 0.0),
        "abandon_share": np.where(compared, offered, 0.0),
    }
    return _Prepared(sim_forecast, trace, first, n, np.asarray(base[span], dtype=np.float64), staffing, scenario,
                     observed, weight, offered, compared, history.origin)  # fmt: skip


def _run_iv(replications, engine, agent_factor, arrivals, agent_rounding):
    replications = v.integer_scalar("replications", replications, minimum=2)
    v.choice("engine", engine, ENGINES)
    agent_factor = float(v.positive_array("agent_factor", agent_factor))
    v.choice("arrivals", arrivals, ARRIVALS)
    v.choice("agent_rounding", agent_rounding, ROUNDINGS)
    return replications, agent_factor


def _replication_seed(seed, i: int) -> np.random.SeedSequence:
    """The seed of replication ``i`` of a replay (what `cxqueue.sim.run_replication` gets).

    Child ``i`` built from the root's spawn key (not ``spawn()``, so a reused
    SeedSequence gives the same callers), then its first spawned child: the replication
    is ``simulate(scenario, replications=1, seed=SeedSequence(root.entropy,
    spawn_key=(*root.spawn_key, i)))``.

    >>> _replication_seed(1999, 3).spawn_key
    (3, 0)
    """
    ss = _rng.as_seed_sequence(seed)
    return np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, int(i), 0))


def _agents(base: np.ndarray, factor: float, rounding: str, seed, i: int) -> np.ndarray:
    """Whole agents of replication ``i``: ``base * factor`` rounded to nearest, or at random
    (``floor(x + u)``, ``u`` uniform per interval from the replication's own stream, so the
    mean is ``x`` and a larger factor never gives fewer agents with the same seed).

    >>> _agents(np.array([6.44, 6.44]), 1.0, "nearest", 1, 0).tolist()
    [6.0, 6.0]
    >>> a = np.stack([_agents(np.full(4, 6.44), 1.0, "random", 1, i) for i in range(2000)])
    >>> sorted(set(a.ravel().tolist())), bool(abs(a.mean() - 6.44) < 0.02)
    ([6.0, 7.0], True)
    """
    x = base * factor
    if rounding == "nearest":
        return np.rint(x)
    ss = _rng.as_seed_sequence(seed)
    u = np.random.default_rng(np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, int(i), 1))).random(x.size)
    return np.floor(x + u)


def _mean_agents(base: np.ndarray, factor: float, rounding: str) -> np.ndarray:
    """Agents per interval as reported: ``base * factor`` (its mean under random rounding) or rounded."""
    x = base * factor
    return x if rounding == "random" else np.rint(x)


def _simulate_reps(prep: _Prepared, factor: float, replications: int, seed, engine: str,
                   rounding: str = "random") -> dict:  # fmt: skip
    """Per-replication counts on the span, shape (R, n): the numerators and denominators of `_PARTS`."""
    rows = []
    for i in range(replications):
        scenario = prep.scenario.replace(agents=_agents(prep.base_agents, factor, rounding, seed, i))
        c = run_replication(scenario, seed=_replication_seed(seed, i), engine=engine, arrival_s=prep.trace).counts
        queued = c[:, rec.C_OFFERED] - c[:, rec.C_CLOSED] - c[:, rec.C_IVR]
        rows.append({
            "hits": c[:, rec.C_HITS],
            "queued": queued,
            "wait_sum": c[:, rec.C_WAIT_SUM],
            "answered": c[:, rec.C_ANSWERED],
            "abandoned": c[:, rec.C_ABANDONED],
            "reached": queued - c[:, rec.C_BLOCKED],
        })  # fmt: skip
    return {k: np.vstack([r[k] for r in rows]) for k in rows[0]}


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _pooled(counts: dict, name: str, compared: np.ndarray) -> np.ndarray:
    """Per replication: the KPI's numerator summed over the compared intervals over its denominator summed."""
    num, den = _PARTS[name]
    return _ratio(counts[num][:, compared].sum(axis=1), counts[den][:, compared].sum(axis=1))


def _weighted_total(values: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Calls-weighted mean of each row of ``values`` over the columns (NaN values skipped)."""
    ok = np.isfinite(values) & (w > 0)
    ww = np.where(ok, w, 0.0)
    den = ww.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, np.sum(np.where(ok, values, 0.0) * ww, axis=-1) / den, np.nan)


def _stats(err, inside, noise, w, groups=None, n_groups=1) -> ErrorStats:
    """Weighted error statistics per group (by hour), or over everything when ``groups`` is None."""
    ok = np.isfinite(err) & (w > 0)
    ww = np.where(ok, w, 0.0)
    e = np.where(ok, err, 0.0)
    g = np.zeros(err.size, dtype=np.int64) if groups is None else groups

    def by(x):
        return np.bincount(g, weights=x, minlength=n_groups)

    den = by(ww)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = {
            "mae": by(ww * np.abs(e)) / den,
            "bias": by(ww * e) / den,
            "rmse": np.sqrt(by(ww * e * e) / den),
            "coverage": by(ww * np.where(ok, inside, False)) / den,
            "noise_mae": by(ww * np.where(ok & np.isfinite(noise), noise, 0.0)) / den,
        }
    out = {k: np.where(den > 0, x, np.nan) for k, x in out.items()}
    out["weight"], out["n_intervals"] = den, by(ok.astype(np.float64)).astype(np.int64)
    if groups is None:
        out = {k: (int(x[0]) if k == "n_intervals" else float(x[0])) for k, x in out.items()}
    return ErrorStats(**out)


def _compare(name: str, counts: dict, prep: _Prepared, hour: np.ndarray) -> KpiComparison:
    num, den = _PARTS[name]
    reps = _ratio(counts[num], counts[den])  # (R, n): the KPI of each interval in each replication
    observed, w = prep.observed[name], prep.weight[name]
    R = reps.shape[0]
    finite = np.isfinite(reps)
    n = finite.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.nansum(np.where(finite, reps, 0.0), axis=0) / np.maximum(n, 1), np.nan)
        dev = np.where(finite, reps - mean, 0.0)
        sd = np.where(n > 1, np.sqrt(np.sum(dev * dev, axis=0) / np.maximum(n - 1, 1)), np.nan)
        t = stats.t.ppf(0.975, np.maximum(n - 1, 1))
        half = np.where(n > 1, t * sd / np.sqrt(np.maximum(n, 1)), np.nan)
        pred = np.where(n > 1, t * sd * np.sqrt(1.0 + 1.0 / np.maximum(n, 1)), np.nan)
        noise = np.where(n > 0, np.sum(np.abs(dev), axis=0) / np.maximum(n, 1), np.nan)
    w = np.where(np.isfinite(observed) & np.isfinite(mean), w, 0.0)
    err = mean - observed
    inside = np.abs(err) <= np.where(np.isfinite(pred), pred, 0.0) + 1e-12
    totals = _pooled(counts, name, prep.compared)
    # observed: calls-weighted mean of the interval ratios with their own denominators = ratio of sums
    tot_obs = float(_weighted_total(observed, prep.weight[name]))
    tt = float(stats.t.ppf(0.975, R - 1))
    tot_sd = float(np.nanstd(totals, ddof=1))
    return KpiComparison(
        name=name,
        observed=observed,
        simulated=mean,
        simulated_half_width=half,
        prediction_half_width=pred,
        weight=w,
        overall=_stats(err, inside, noise, w),
        by_hour=_stats(err, inside, noise, w, hour, 24),
        total_observed=tot_obs,
        total_simulated=float(np.nanmean(totals)),
        total_half_width=tt * tot_sd / math.sqrt(R),
        total_prediction_half_width=tt * tot_sd * math.sqrt(1.0 + 1.0 / R),
    )


def replay_history(
    history,
    *,
    fit: HistoryFit | None = None,
    staffing="staffed",
    agent_factor: float = 1.0,
    interval_s: float = 900.0,
    replications: int = 20,
    seed,
    engine: str = "fast",
    threshold_s: float = 20.0,
    days=None,
    priority_head_start_s: float = 90.0,
    arrivals: str = "trace",
    reserve="fit",
    agent_rounding: str = "random",
) -> ReplayResult:
    """Simulate a call history with its real arrivals and staffing; compare KPIs per interval.

    Parameters
    ----------
    history : CallHistory
        Call-level history (`cxqueue.data.read_bank_log`, `read_call_csv`).
    fit : HistoryFit, Scenario or PlanConfig, optional
        Handle time (shape; its mean follows each interval's actual AHT), patience, IVR
        time and IVR-only share, priority shares, e.g. ``fit_history`` of January and
        February. Default: fitted on `history` itself. A `Scenario` or a plan's
        `cxqueue.config.PlanConfig` (e.g. ``configs/bank.toml``) lends its ``handle``,
        ``patience``, ``ivr`` and ``priority`` as they are (its forecast, agents, lines
        and redials are not used: the history's arrivals already hold the redials).
    staffing : {"staffed", "serving", "busy"} or array_like of float
        Agents per interval as the log shows them (see the module docstring), or one
        value per interval of ``estimate_forecast(history, by="date")``.
    agent_factor : float
        Multiplies the staffing (> 0): the share of the agents on duty who take calls.
    interval_s : float
        Interval length in seconds (must divide a day).
    replications : int
        Simulated replays (>= 2).
    seed : int, SeedSequence, Generator or None
        Root seed; replication ``i`` uses child ``i``: it is ``simulate(scenario,
        replications=1, seed=SeedSequence(root.entropy, spawn_key=(*root.spawn_key, i)))``
        (common random numbers across factors, staffing measures and arrival modes).
    engine : {"fast", "simpy"}
    threshold_s : float
        Service-level threshold in seconds.
    days : sequence of dates, optional
        Compare only these dates (the simulation runs from the first to the last).
    priority_head_start_s : float
        Head start in the queue, in seconds, of the highest priority level when the
        history has several (the bank's priority customers: 90 s); 0 for FIFO.
    arrivals : {"trace", "poisson"}
        ``"trace"``: the history's own arrival times in every replication;
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

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cxqueue.data import read_call_csv
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = p.write_text("arrival,answer,end,agent\\n0,10,190,A\\n60,100,400,B\\n120,,150,\\n")
    >>> r = replay_history(read_call_csv(p), replications=5, seed=1)
    >>> round(r.service_level.total_observed, 4), int(r.agents[0]), int(r.compared.sum())
    (0.3333, 2, 1)
    """
    replications, agent_factor = _run_iv(replications, engine, agent_factor, arrivals, agent_rounding)
    prep = _prepare(history, fit, staffing, interval_s, threshold_s, days, priority_head_start_s, arrivals, reserve)
    counts = _simulate_reps(prep, agent_factor, replications, seed, engine, agent_rounding)
    f = prep.forecast
    starts = f.interval_s * (prep.first + np.arange(f.n_intervals))
    hour = (np.floor((starts % DAY) / HOUR)).astype(np.int64)
    comps = {k: _compare(k, counts, prep, hour) for k in KPIS}
    return ReplayResult(
        staffing=prep.staffing,
        agent_factor=agent_factor,
        replications=replications,
        engine=engine,
        arrivals=arrivals,
        threshold_s=float(threshold_s),
        interval_s=f.interval_s,
        origin=prep.origin,
        interval_starts_s=starts,
        hour=hour,
        agents=_mean_agents(prep.base_agents, agent_factor, agent_rounding),
        agent_rounding=agent_rounding,
        reserve_agents=np.zeros(starts.shape)
        if (res := prep.scenario.reserve) is None
        else np.broadcast_to(res.agents, starts.shape).copy(),
        reserve_threshold=0 if res is None else res.queue_threshold,
        offered=prep.offered,
        compared=prep.compared,
        **comps,
    )
