"""Phone-line sizing: the fewest lines per interval, day or horizon that keep busy signals below a target.

With ``c`` agents and ``N >= c`` lines, at most ``N - c`` callers wait; a caller who finds
all lines taken hears a busy signal. `size_lines` asks Erlang X (M/M/c/N+M, see
`cxqueue.analytic.erlang_x`) for the fewest lines whose blocking probability is at most
``blocking`` in each interval, given the agents, the patience and the redials (blocked
and abandoned callers who try again add a retrial load solved as a fixed point). A line
count that must hold for a whole day (or the horizon) is the largest of its intervals'
minima: blocking falls as lines are added, so that count meets the target everywhere,
and the interval that sets it is reported as the day's *binding* interval.

More lines trade busy signals for a longer queue: callers who would have heard a busy
signal now wait (and some hang up). The plan reports both sides at the chosen lines
and at one line more and one fewer (`LineMetrics`), so a planner can see what the last
line buys.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.analytic import _core as core
from cxqueue.exceptions import ConfigError, InfeasibleError
from cxqueue.optimize.shifts._coverage import format_time_of_week
from cxqueue.scenario import WEEKDAYS, Forecast
from cxqueue.units import DAY

__all__ = ["LineMetrics", "LinePlan", "size_lines"]

PERIODS = ("interval", "day", "horizon")
_INF = math.inf


@dataclass(frozen=True, eq=False)
class LineMetrics:
    """Erlang X metrics per interval at a given number of lines (NaN where not defined).

    ``blocking``, ``wait_probability`` and ``abandon_probability`` are fractions of
    offered attempts (fresh and redialled); ``asa_s`` is the mean wait of answered calls
    in seconds; ``retrial_load`` is the load of redials in Erlangs.
    """

    lines: np.ndarray
    blocking: np.ndarray
    wait_probability: np.ndarray
    abandon_probability: np.ndarray
    asa_s: np.ndarray
    retrial_load: np.ndarray

    def to_dict(self) -> dict:
        return {k: val.tolist() for k, val in self.__dict__.items()}


@dataclass(frozen=True, eq=False)
class LinePlan:
    """Lines per interval and what they do.

    Attributes
    ----------
    lines : ndarray of int64
        Lines in each interval (the period's count, repeated over its intervals).
    period : str
        "interval", "day" or "horizon": how long one line count must hold.
    period_lines : ndarray of int64
        One count per period (per interval for ``period="interval"``).
    period_labels : tuple of str
        "monday", "tuesday (week 2)", ... per day; "horizon"; or the interval's time.
    binding_interval : ndarray of int64
        Per period, the interval that needs the most lines (the first one on ties).
    required_lines : ndarray of int64
        The fewest lines each interval needs on its own.
    at, more, fewer : LineMetrics
        Metrics at the chosen lines, at one line more and at one line fewer (NaN where
        one fewer would be below the agents).
    target_blocking : float
        The busy-signal target.
    message : str
        A summary: total and peak lines, the binding interval of each period.
    """

    lines: np.ndarray
    period: str
    period_lines: np.ndarray
    period_labels: tuple[str, ...]
    binding_interval: np.ndarray
    required_lines: np.ndarray
    agents: np.ndarray
    offered_load: np.ndarray
    at: LineMetrics
    more: LineMetrics
    fewer: LineMetrics
    target_blocking: float
    message: str

    @property
    def blocking(self) -> np.ndarray:
        return self.at.blocking

    @property
    def retrial_load(self) -> np.ndarray:
        return self.at.retrial_load

    @property
    def wait_probability(self) -> np.ndarray:
        return self.at.wait_probability

    @property
    def abandon_probability(self) -> np.ndarray:
        return self.at.abandon_probability

    def to_dict(self) -> dict:
        d = {}
        for k, val in self.__dict__.items():
            if isinstance(val, np.ndarray):
                d[k] = val.tolist()
            elif isinstance(val, LineMetrics):
                d[k] = val.to_dict()
            else:
                d[k] = list(val) if isinstance(val, tuple) else val
        return d


def _size_lines_iv(forecast_or_load, agents, aht_s, interval_s, start_s, per):
    if isinstance(forecast_or_load, Forecast):
        f = forecast_or_load
        if aht_s is not None:
            raise ConfigError(f"aht_s must be None when a Forecast is given (it carries its own aht_s); got {aht_s!r}")
        if interval_s is not None or start_s is not None:
            raise ConfigError("interval_s and start_s must be None when a Forecast is given (it carries its own)")
        load, aht, interval_s, start_s = f.offered_load, f.aht_s, f.interval_s, f.start_s
    else:
        load = v.nonneg_array("offered_load", forecast_or_load)
        if load.ndim > 1:
            raise ConfigError(f"offered_load must be a scalar or a 1-d array; got shape {load.shape}")
        load = np.atleast_1d(load)
        if aht_s is None:
            raise ConfigError("aht_s is required with offered loads (in seconds); got None")
        aht = v.positive_array("aht_s", aht_s)
        interval_s = float(v.positive_array("interval_s", 900.0 if interval_s is None else interval_s))
        start_s = float(v.nonneg_array("start_s", 0.0 if start_s is None else start_s))
    n = load.size
    if n == 0:
        raise ConfigError("offered_load must hold at least one interval; got none")
    a = v.nonneg_array("agents", agents)
    if a.ndim > 1 or (a.ndim == 1 and a.size != n):
        raise ConfigError(f"agents must be a scalar or have one value per interval ({n}); got shape {a.shape}")
    aht = np.asarray(aht, dtype=np.float64)
    if aht.ndim > 1 or (aht.ndim == 1 and aht.size != n):
        raise ConfigError(f"aht_s must be a scalar or have one value per interval ({n}); got shape {aht.shape}")
    v.choice("per", per, PERIODS)
    return (
        load,
        np.broadcast_to(a, (n,)).astype(np.float64),
        np.broadcast_to(aht, (n,)).astype(np.float64),
        interval_s,
        start_s,
    )


def _periods(per, n, interval_s, start_s):
    starts = start_s + interval_s * np.arange(n)
    if per == "interval":
        return np.arange(n), tuple(format_time_of_week(t) for t in starts)
    if per == "horizon":
        return np.zeros(n, dtype=np.int64), ("horizon",)
    day_abs = np.floor(starts / DAY + 1e-9).astype(np.int64)
    first = int(day_abs[0])
    idx = day_abs - first
    labels = []
    for k in range(int(idx[-1]) + 1):
        d = first + k
        labels.append(WEEKDAYS[d % 7] + (f" (week {d // 7 + 1})" if d >= 7 else ""))
    return idx, tuple(labels)


def _unreachable(load, agents, bad, blocking, interval_s, start_s):
    """Raise InfeasibleError naming the intervals ``bad`` where no line count meets the target."""
    where = ", ".join(
        f"interval {i} ({format_time_of_week(start_s + i * interval_s)}: load {load[i]:.4g} Erl, {agents[i]:g} agents)"
        for i in bad[:5]
    ) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
    raise InfeasibleError(
        f"no number of lines keeps busy signals at or below {blocking:g} in {len(bad)} interval(s): {where}; "
        "without abandonment (mean_patience_s=inf) callers who get a line wait until an agent is free, so with "
        "agents at or below the offered load the lines fill up whatever their number: add agents there, "
        "or give a finite mean_patience_s"
    )


def _metrics_at(load, agents, lines, aht, patience, rb, ra) -> LineMetrics:
    ok = lines >= agents
    safe = np.where(ok, lines, np.maximum(agents, 0.0))
    m = core.queue_metrics(load, agents, safe, aht, patience, 0.0, rb, ra)

    def col(x):
        return np.where(ok, np.asarray(x, dtype=np.float64), np.nan)

    return LineMetrics(
        np.where(ok, lines, np.nan),
        col(m.blocking),
        col(m.wait_probability),
        col(m.abandon_probability),
        col(m.average_speed_of_answer_s),
        col(m.retrial_load),
    )


def size_lines(
    forecast_or_load,
    agents,
    *,
    blocking,
    aht_s=None,
    mean_patience_s=_INF,
    redial_blocked=0.0,
    redial_abandoned=0.0,
    per: str = "interval",
    interval_s: float | None = None,
    start_s: float | None = None,
) -> LinePlan:
    """Fewest phone lines so that busy signals stay at or below ``blocking`` (Erlang X with redials).

    Parameters
    ----------
    forecast_or_load : Forecast or array_like of float, shape (n,)
        A Forecast (its offered load, AHT, interval length and start), or the fresh offered
        load per interval in Erlangs.
    agents : float or array_like, shape (n,)
        Agents answering calls in each interval (after shrinkage).
    blocking : float
        Largest acceptable busy-signal probability per interval, a fraction in (0, 1].
    aht_s : float or array_like, optional
        Mean handle time in seconds (only with offered loads; a Forecast carries its own).
    mean_patience_s : float
        Mean exponential patience of waiting callers in seconds (inf: nobody hangs up).
    redial_blocked, redial_abandoned : float
        Fractions of busy-signalled and of abandoned callers who call again; their load is
        added to the fresh load by a fixed point (`cxqueue.analytic.erlang_x.metrics`).
    per : {"interval", "day", "horizon"}
        How long one line count must hold: each interval its own, one per calendar day
        (the largest over the day's intervals), or one for the whole horizon.
    interval_s, start_s : float, optional
        Interval length and start of interval 0 in seconds since Monday 00:00 (defaults 900
        and 0; only with offered loads). They place intervals on days for ``per="day"``.

    Returns
    -------
    LinePlan
        Lines per interval and per period, the binding interval of each period, blocking,
        retrial load, P(wait), abandonment and ASA at the chosen lines and at one more and
        one fewer line.

    Raises
    ------
    ConfigError
        Bad input; the message names the parameter, the rule and the value.
    InfeasibleError
        Where no number of lines meets the target (agents at or below the load and no
        abandonment); the message names the intervals and what to change.

    Examples
    --------
    Ten Erlangs on 10 agents, callers hang up after 2 minutes on average:

    >>> p = size_lines([10.0, 6.0], [10, 8], aht_s=300, blocking=0.01, mean_patience_s=120)
    >>> p.lines.tolist(), [round(float(b), 4) for b in p.blocking]
    ([16, 12], [0.0041, 0.0037])
    >>> [round(float(b), 4) for b in p.fewer.blocking]  # one line fewer misses the target
    [0.0104, 0.0112]
    >>> q = size_lines([10.0, 6.0], [10, 8], aht_s=300, blocking=0.01, mean_patience_s=120, per="horizon")
    >>> q.lines.tolist(), q.binding_interval.tolist()
    ([16, 16], [0])
    """
    load, a, aht, interval_s, start_s = _size_lines_iv(forecast_or_load, agents, aht_s, interval_s, start_s, per)
    target = float(v.fraction_array("blocking", blocking, open_low=True))
    patience = float(v.positive_array("mean_patience_s", mean_patience_s, allow_inf=True))
    rb = float(v.fraction_array("redial_blocked", redial_blocked))
    ra = float(v.fraction_array("redial_abandoned", redial_abandoned))
    need = core.queue_lines(load, a, aht, patience, target, rb, ra)  # the input is valid: the internal tier
    if (need < 0).any():
        _unreachable(load, a, np.flatnonzero(need < 0).tolist(), target, interval_s, start_s)
    idx, labels = _periods(per, load.size, interval_s, start_s)
    k = len(labels)
    period_lines = np.zeros(k, dtype=np.int64)
    np.maximum.at(period_lines, idx, need)
    binding = np.array(
        [int(np.flatnonzero((idx == p) & (need == period_lines[p]))[0]) for p in range(k)], dtype=np.int64
    )
    lines = period_lines[idx]
    lf = lines.astype(np.float64)
    at = _metrics_at(load, a, lf, aht, patience, rb, ra)
    more = _metrics_at(load, a, lf + 1.0, aht, patience, rb, ra)
    fewer = _metrics_at(load, a, lf - 1.0, aht, patience, rb, ra)
    peak = int(np.argmax(lines))
    msg = (
        f"lines per {per}: peak {int(lines[peak])} at {format_time_of_week(start_s + peak * interval_s)}, "
        f"largest blocking {float(np.nanmax(at.blocking)):.4g} (target {target:g})"
    )
    if per != "interval":
        msg += (
            "; binding: "
            + ", ".join(
                f"{labels[p]} {int(period_lines[p])} at {format_time_of_week(start_s + binding[p] * interval_s)}"
                for p in range(min(k, 7))
            )
            + (f" and {k - 7} more" if k > 7 else "")
        )
    return LinePlan(
        lines=lines,
        period=per,
        period_lines=period_lines,
        period_labels=labels,
        binding_interval=binding,
        required_lines=need,
        agents=a,
        offered_load=load,
        at=at,
        more=more,
        fewer=fewer,
        target_blocking=target,
        message=msg,
    )
