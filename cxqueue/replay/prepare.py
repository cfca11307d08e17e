"""What a replay simulates: the history's span, arrivals, staffing and model, and the replications.

`_prepare` turns a history and a fitted model into the simulated span (`_Prepared`): the
forecast on the history's date grid, the arrival trace (or none for Poisson arrivals), the
agents the log shows, the reserve and the observed KPIs to compare. `_simulate_reps` runs the
replications with common random numbers and returns the counts each KPI is pooled from.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from cxqueue import _rng
from cxqueue import _validation as v
from cxqueue.data.bundle import HistoryFit, fit_history
from cxqueue.data.estimate import estimate_forecast, observed_kpis
from cxqueue.data.history import CallHistory, named, why
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import IVR, Distribution, Forecast, PriorityClasses, Reserve, Scenario, ServiceTarget
from cxqueue.sim import records as rec
from cxqueue.sim.runner import ENGINES, run_replication
from cxqueue.units import DAY

__all__ = ["ARRIVALS", "ROUNDINGS", "STAFFING"]

STAFFING = ("staffed", "serving", "busy")
ARRIVALS = ("trace", "poisson")
ROUNDINGS = ("random", "nearest")
_MODEL_PARTS = (("handle", Distribution), ("patience", Distribution), ("ivr", IVR), ("priority", PriorityClasses))


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
        raise ConfigError(f"{named(history)}history must hold at least one call; got none{why(history)}")
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


@dataclass(frozen=True)
class _Options:
    """The keyword options `replay_history` and `fit_agent_factor` share, with their defaults.

    Documented in `cxqueue.replay.replay.replay_history`; ``**options`` of both become one of these.
    """

    fit: HistoryFit | Scenario | None = None
    staffing: str | np.ndarray = "staffed"
    interval_s: float = 900.0
    engine: str = "fast"
    threshold_s: float = 20.0
    days: object = None
    priority_head_start_s: float = 90.0
    arrivals: str = "trace"
    reserve: Reserve | str | None = "fit"
    agent_rounding: str = "random"


_OPTION_NAMES = tuple(f.name for f in fields(_Options))


def _setup(caller: str, history, replications, agent_factor, options: dict):
    """Check a replay's input and prepare its span: ``(options, replications, agent_factor, prepared)``.

    `caller` names the public function in the TypeError for an unknown keyword (Python's own words).
    """
    unknown = next((k for k in options if k not in _OPTION_NAMES), None)
    if unknown is not None:
        raise TypeError(f"{caller}() got an unexpected keyword argument {unknown!r}")
    o = _Options(**options)
    replications, agent_factor = _run_iv(replications, o.engine, agent_factor, o.arrivals, o.agent_rounding)
    prep = _prepare(
        history, o.fit, o.staffing, o.interval_s, o.threshold_s, o.days, o.priority_head_start_s, o.arrivals, o.reserve
    )
    return o, replications, agent_factor, prep


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
