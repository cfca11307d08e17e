"""Opening hours: the model of a week and what one plan of opening hours costs and serves.

Model. ``latent_demand`` gives the calls per slot of the week by preferred calling time.
A plan opens each weekday once, ``[open_s, close_s)``, or keeps it closed. A fraction
``carry_over`` of the calls preferred while closed calls at the next opening, spread over
the first ``spread_s`` seconds of that day's window (``"uniform"``: equal weights per slot;
``"geometric"``: weight ``2 ** (-k * interval_s / 3600)`` for slot ``k``; renormalised over
the window when it is shorter); the rest is lost. The week is a cycle: Sunday night's
callers reach Monday's opening (or the next open day's). Each open slot gets the fewest
agents meeting ``target`` (analytic inverse of Erlang C/A/X; at least ``min_agents``; paid
agents ``agents / (1 - shrinkage)``), and Erlang X gives its answered, abandoned and blocked
calls. Cost is ``agent_hour_cost`` times paid agent-hours (or a week of shifts, below); lost
calls are latent minus answered (closed-lost, abandoned, blocked); service level is the
fraction of latent callers answered within the threshold; net value is
``value_per_answered * answered - penalty_per_lost * lost - cost``. A fixed
``cost_per_open_hour`` (a supervisor, the building) adds to the cost of every hour open, in
both cost models. A plan's coverage is the share of the latent demand whose preferred time
falls inside its open hours; ``min_calls_covered`` makes plans below it infeasible.

`evaluate_opening_hours` evaluates given hours; `cxqueue.optimize.hours.search` searches them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.analytic import _core as core
from cxqueue.analytic._iv import check_level
from cxqueue.exceptions import ConfigError
from cxqueue.optimize.hours._space import windows_of
from cxqueue.scenario import WEEKDAYS, OpeningHours, ServiceTarget
from cxqueue.units import DAY, HOUR

__all__ = ["SPREADS", "HoursPlan", "Model", "evaluate", "evaluate_opening_hours", "model_iv"]

_INF = math.inf
SPREADS = ("uniform", "geometric")


def _hm(s: float) -> str:
    h, m = divmod(round(s / 60), 60)
    return f"{h:02d}" if m == 0 else f"{h:02d}:{m:02d}"


@dataclass(frozen=True, eq=False)
class HoursPlan:
    """One week of opening hours and what it costs and serves (calls per week).

    ``windows_s[d]`` is ``(open_s, close_s)`` of weekday ``d`` (Monday = 0) or None when
    closed. ``arrivals`` (calls reaching the open center) and ``agents`` (paid) have one value
    per slot of the week. ``schedule_cost`` is the shift schedule's cost (``cost_model="shifts"``);
    ``cost`` adds ``cost_per_open_hour`` times ``open_hours`` to it or to the agent-hour cost.
    ``covered`` is the latent demand whose preferred slot is open (calls per week).
    """

    windows_s: tuple[tuple[float, float] | None, ...]
    cost: float
    agent_hours: float
    lost_calls: float
    lost_closed: float
    abandoned: float
    blocked: float
    answered: float
    answered_within: float
    offered: float
    latent: float
    net_value: float
    arrivals: np.ndarray
    agents: np.ndarray
    interval_s: float
    schedule_cost: float | None = None
    covered: float = 0.0
    open_hours: float = 0.0

    @property
    def coverage(self) -> float:
        """Share of the latent demand preferring an open slot, a fraction (1 when there is none)."""
        return self.covered / self.latent if self.latent > 0 else 1.0

    @property
    def hours(self) -> OpeningHours:
        return OpeningHours(tuple(() if w is None else (w,) for w in self.windows_s))

    @property
    def service_level(self) -> float:
        """Latent callers answered within the threshold, a fraction."""
        return self.answered_within / self.latent if self.latent > 0 else 1.0

    @property
    def offered_service_level(self) -> float:
        """Calls reaching an open center answered within the threshold, a fraction."""
        return self.answered_within / self.offered if self.offered > 0 else 1.0

    def describe(self) -> str:
        """``"mon 07-24, ..., sat closed"``."""
        return ", ".join(
            f"{WEEKDAYS[d][:3]} " + ("closed" if w is None else f"{_hm(w[0])}-{_hm(w[1])}")
            for d, w in enumerate(self.windows_s)
        )

    def to_dict(self) -> dict:
        d = {k: (val.tolist() if isinstance(val, np.ndarray) else val) for k, val in self.__dict__.items()}
        d["windows_s"] = [None if w is None else list(w) for w in self.windows_s]
        d["service_level"], d["offered_service_level"] = self.service_level, self.offered_service_level
        d["coverage"] = self.coverage
        return d


@dataclass(frozen=True, eq=False)
class Model:
    """The week of one search: demand, service model, carry-over and prices (see the module docstring)."""

    latent: np.ndarray  # calls per slot of the week
    aht_s: np.ndarray  # per slot
    interval_s: float
    n: int  # slots per day
    target: ServiceTarget
    patience_s: float
    lines: float
    min_agents: float
    carry: float
    spread: np.ndarray  # raw weights of the first slots after an opening
    price: float
    value: float
    penalty: float
    open_cost: float = 0.0  # per open hour

    def weights(self, length: int) -> np.ndarray:
        return self.spread[: max(min(length, self.spread.size), 1)] / self.spread[: max(length, 1)].sum()

    def slots(self, lam: np.ndarray, slot: np.ndarray):
        """Paid agents, answered within, abandoned and blocked calls of slots with `lam` calls.

        Each slot gets the fewest agents meeting every part of the target; a slot that misses
        it even with every line staffed gets every line. The input is valid (`model_iv`), so
        the models are called through the internal tier.
        """
        lam, aht, t = np.asarray(lam, dtype=np.float64), self.aht_s[slot], self.target
        load = lam * aht / self.interval_s
        goals = [(core.SL[t.basis], t.level)]
        if t.max_asa_s is not None:
            goals.append((core.ASA, t.max_asa_s))
        if t.max_abandon is not None and math.isfinite(self.patience_s):
            goals.append((core.ABANDON, t.max_abandon))
        a = core.queue_agents(goals, load, self.lines, aht, self.patience_s, t.answer_within_s, t.max_occupancy)
        a = np.maximum(np.where(a < 0, self.lines, a).astype(np.float64), self.min_agents)
        m = core.queue_metrics(load, a, self.lines, aht, self.patience_s, t.answer_within_s)
        return a / (1.0 - t.shrinkage), lam * m.service_level_offered, lam * m.abandon_probability, lam * m.blocking


def evaluate(model: Model, wins: Sequence[tuple[int, int] | None]) -> HoursPlan:
    """The plan's week, slot by slot: the oracle the dynamic programme must match."""
    n, W, L = model.n, 7 * model.n, model.latent
    open_days = [d for d in range(7) if wins[d] is not None]
    arrivals, agents, lost_closed = np.zeros(W), np.zeros(W), 0.0
    for i, d in enumerate(open_days):
        o, c = wins[d]
        pd = open_days[i - 1]  # the previous open day, cyclically (itself when only one is open)
        prev_close = pd * n + wins[pd][1] - (W if pd >= d else 0)
        closed = float(L[np.arange(prev_close, d * n + o) % W].sum())
        lost_closed += (1.0 - model.carry) * closed
        arrivals[d * n + o : d * n + c] = L[d * n + o : d * n + c]
        w = model.weights(c - o)
        arrivals[d * n + o : d * n + o + w.size] += model.carry * closed * w
    if not open_days:
        lost_closed = float(L.sum())
    idx = np.concatenate([np.arange(d * n + wins[d][0], d * n + wins[d][1]) for d in open_days] or [[]]).astype(int)
    paid, within, ab, bl = model.slots(arrivals[idx], idx)
    agents[idx] = paid
    hours = float(paid.sum()) * model.interval_s / HOUR
    open_hours = idx.size * model.interval_s / HOUR
    offered, cost = float(arrivals.sum()), model.price * hours + model.open_cost * open_hours
    answered = offered - float(ab.sum()) - float(bl.sum())
    lost = float(L.sum()) - answered
    return HoursPlan(
        windows_s=tuple(None if w is None else (w[0] * model.interval_s, w[1] * model.interval_s) for w in wins),
        cost=cost,
        agent_hours=hours,
        lost_calls=lost,
        lost_closed=lost_closed,
        abandoned=float(ab.sum()),
        blocked=float(bl.sum()),
        answered=answered,
        answered_within=float(within.sum()),
        offered=offered,
        latent=float(L.sum()),
        net_value=model.value * answered - model.penalty * lost - cost,
        arrivals=arrivals,
        agents=agents,
        interval_s=model.interval_s,
        covered=float(L[idx].sum()),
        open_hours=open_hours,
    )


def model_iv(
    latent_demand,
    aht_s,
    target,
    mean_patience_s,
    lines,
    min_agents,
    carry_over,
    spread,
    spread_s,
    agent_hour_cost,
    value_per_answered,
    penalty_per_lost,
    cost_per_open_hour=0.0,
) -> Model:
    L = v.nonneg_array("latent_demand", latent_demand)
    if L.ndim != 1 or L.size == 0 or L.size % 7 or (DAY / (L.size // 7)) % 1:
        raise ConfigError(
            "latent_demand must be a 1-d array covering one week from Monday 00:00 in equal slots "
            f"that divide a day (168 for hours); got shape {L.shape}"
        )
    n = L.size // 7
    interval_s = DAY / n
    aht = v.positive_array("aht_s", aht_s)
    if aht.ndim > 1 or (aht.ndim == 1 and aht.size != L.size):
        raise ConfigError(f"aht_s must be a scalar or have one value per slot ({L.size}); got shape {aht.shape}")
    target = ServiceTarget() if target is None else target
    if not isinstance(target, ServiceTarget):
        raise ConfigError(f"target must be a ServiceTarget; got {type(target).__name__}")
    check_level(target.level)  # a slot's staffing must reach the level: 1 cannot be
    patience = float(v.positive_array("mean_patience_s", mean_patience_s, allow_inf=True))
    lines_f = _INF if lines is None else float(v.integer_scalar("lines", lines, minimum=1))
    v.choice("spread", spread, SPREADS)
    k = np.arange(max(round(float(v.positive_array("spread_s", spread_s)) / interval_s), 1), dtype=np.float64)
    weights = np.ones(k.size) if spread == "uniform" else 2.0 ** (-k * interval_s / HOUR)
    names = ("min_agents", "agent_hour_cost", "value_per_answered", "penalty_per_lost", "cost_per_open_hour")
    nonneg = [
        float(v.nonneg_array(k, x))
        for k, x in zip(
            names, (min_agents, agent_hour_cost, value_per_answered, penalty_per_lost, cost_per_open_hour), strict=True
        )
    ]
    if nonneg[0] > lines_f:
        raise ConfigError(
            f"lines must be >= min_agents (a line is held while a caller waits or talks); got lines={lines_f:g}, "
            f"min_agents={nonneg[0]:g}"
        )
    return Model(
        L,
        np.broadcast_to(aht, L.shape).astype(np.float64),
        interval_s,
        n,
        target,
        patience,
        lines_f,
        nonneg[0],
        float(v.fraction_array("carry_over", carry_over)),
        weights,
        *nonneg[1:],
    )


def evaluate_opening_hours(
    latent_demand,
    hours: OpeningHours,
    *,
    aht_s,
    target: ServiceTarget | None = None,
    mean_patience_s=_INF,
    lines=None,
    min_agents=1.0,
    carry_over=0.5,
    spread="geometric",
    spread_s=7200.0,
    agent_hour_cost=1.0,
    value_per_answered=0.0,
    penalty_per_lost=0.0,
    cost_per_open_hour=0.0,
) -> HoursPlan:
    """Cost, lost calls and service level of given opening hours (the model of `search_opening_hours`).

    Parameters
    ----------
    latent_demand : array_like of float, shape (7 * slots_per_day,)
        Calls per slot of the week by preferred time from Monday 00:00 (168 hourly values, ...).
    hours : OpeningHours
        At most one window per weekday, on the slot grid.
    aht_s : float or array_like
        Mean handle time in seconds (scalar or one per slot).
    target : ServiceTarget, optional
        Each open slot's staffing goal (default 80 % in 20 s): level, threshold, basis, the
        ASA, abandonment and occupancy caps, shrinkage.
    mean_patience_s : float
        Mean exponential patience in seconds (inf: Erlang C).
    lines : int, optional
        Phone lines (None: unlimited). A slot missing the target with every line staffed
        gets as many agents as lines; the miss shows in its metrics.
    min_agents, carry_over, spread, spread_s
        Agents in every open slot (default 1); fraction of closed-time calls carried to the
        next opening (0.5), "geometric" or "uniform" spread over ``spread_s`` seconds (7200).
    agent_hour_cost, value_per_answered, penalty_per_lost : float
        Cost per paid agent-hour, value per answered call, penalty per lost call.
    cost_per_open_hour : float
        Fixed cost of each hour open (supervisor, building), added to the cost (default 0).

    Returns
    -------
    HoursPlan

    Examples
    --------
    Ten calls an hour all week, open 08:00-20:00 on weekdays: 0.5 of the 12 + 60 closed hours'
    calls come back at the opening, the other half is lost:

    >>> h = OpeningHours.daily(8 * 3600, 20 * 3600, days=range(5))
    >>> p = evaluate_opening_hours([10.0] * 168, h, aht_s=180, target=ServiceTarget(0.8, 20))
    >>> p.describe()
    'mon 08-20, tue 08-20, wed 08-20, thu 08-20, fri 08-20, sat closed, sun closed'
    >>> round(p.lost_closed, 1), round(p.offered, 1), round(p.agent_hours, 1)
    (540.0, 1140.0, 158.0)
    >>> p.open_hours, round(p.coverage, 4)
    (60.0, 0.3571)
    """
    model = model_iv(latent_demand, aht_s, target, mean_patience_s, lines, min_agents, carry_over, spread, spread_s,
                     agent_hour_cost, value_per_answered, penalty_per_lost, cost_per_open_hour)  # fmt: skip
    if not isinstance(hours, OpeningHours):
        raise ConfigError(f"hours must be an OpeningHours; got {type(hours).__name__}")
    bad = next((d for d, day in enumerate(hours.windows) if len(day) > 1), None)
    if bad is not None:
        raise ConfigError(f"hours.{WEEKDAYS[bad]}: one window per day is supported; got {len(hours.windows[bad])}")
    return evaluate(model, [windows_of(model, d, day[0]) if day else None for d, day in enumerate(hours.windows)])
