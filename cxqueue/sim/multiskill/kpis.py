"""KPIs of a multi-skill simulation: per call type and per group, per interval and over the horizon.

Each replication gives one value of every KPI; the result reports their mean over
replications and the half-width of the Student-t 95 % confidence interval of that mean
(`cxqueue.sim.kpis.Estimate`, the same helpers as the single-queue KPIs). Counts are
attributed to the type and the interval of the call's arrival; time averages (calls
waiting, agents, occupancy) to the interval itself.

Per call type (``TypeKPIs``; ``overall`` pools every type):

- ``sl_offered`` = answered within the type's ``answer_within_s`` / (offered - closed):
  abandoned calls and calls still waiting at the horizon count as misses;
- ``sl_answered`` = answered within the threshold / answered;
- ``p_wait`` = calls that found no idle agent they could reach at once / (offered - closed);
- ``asa_s`` = mean wait of answered calls; ``abandon_fraction`` = abandoned / (offered - closed);
- ``queue_length`` = time-average number of calls of the type waiting;
- ``unresolved`` = calls still waiting at the horizon;
- ``transferred`` = answered calls passed on to another type at the end of the talk (part
  of ``answered``; the next leg is offered to its own type);
- ``missed`` = (offered - closed) - answered within the threshold - still waiting at the
  horizon but not yet past it: calls not answered in time, those still open counted only
  once late. For an email type (`cxqueue.scenario.CallType.due_s`) the threshold is its due
  time: ``sl_offered`` is the share answered by the due time, ``unresolved`` the backlog at
  the horizon, ``missed`` the emails not answered by their due time;
- ``reached`` = answered calls less the check-in attempts that did not reach the customer:
  for an outbound type ``answered`` is the attempts, ``reached`` those that reached, and
  ``sl_offered`` the share dialed by the due time.

Per group (``GroupKPIs``): ``agents`` and ``busy`` (time averages of agents present, which
includes agents finishing a call after their shift, and of busy agents), ``occupancy`` =
busy / present agent time, ``served`` = calls answered per type (an extra axis of types).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from cxqueue.exceptions import ConfigError
from cxqueue.sim.kpis import Estimate, _estimate, _ratio
from cxqueue.sim.multiskill import records as r

__all__ = ["GroupKPIs", "GroupResult", "MultiSkillResult", "TypeKPIs", "TypeResult", "rep_summary", "summarize"]

TYPE_KPIS = ("offered", "closed", "answered", "abandoned", "unresolved", "sl_offered", "sl_answered", "p_wait",
             "asa_s", "abandon_fraction", "queue_length", "transferred", "missed", "reached")  # fmt: skip
GROUP_KPIS = ("agents", "busy", "occupancy", "served")
FRACTIONS = ("sl_offered", "sl_answered", "p_wait", "abandon_fraction", "occupancy")


class _Select:
    """``of(i)``: the same KPIs for entry ``i`` of the leading axis (a type or a group)."""

    __slots__ = ()

    def of(self, i: int):
        return type(self)(**{f.name: _pick(getattr(self, f.name), i) for f in fields(self)})

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name).to_dict() for f in fields(self)}


def _pick(e: Estimate, i: int) -> Estimate:
    return Estimate(np.asarray(e.mean)[i], np.asarray(e.half_width)[i], e.limits)


@dataclass(frozen=True, eq=False)
class TypeKPIs(_Select):
    """One `Estimate` per KPI of call types (see the module docstring); arrays with a leading
    axis of types (and a last axis of intervals for per-interval KPIs)."""

    offered: Estimate
    closed: Estimate
    answered: Estimate
    abandoned: Estimate
    unresolved: Estimate
    sl_offered: Estimate
    sl_answered: Estimate
    p_wait: Estimate
    asa_s: Estimate
    abandon_fraction: Estimate
    queue_length: Estimate
    transferred: Estimate
    missed: Estimate
    reached: Estimate


@dataclass(frozen=True, eq=False)
class GroupKPIs(_Select):
    """One `Estimate` per KPI of groups: leading axis groups; ``served`` has an axis of types next."""

    agents: Estimate
    busy: Estimate
    occupancy: Estimate
    served: Estimate


@dataclass(frozen=True, eq=False)
class _Named:
    """KPIs of one named part of the center: per interval (arrays) and over the horizon (0-d)."""

    name: str
    intervals: object
    totals: object

    def to_dict(self) -> dict:
        return {"name": self.name, "intervals": self.intervals.to_dict(), "totals": self.totals.to_dict()}


class TypeResult(_Named):
    """The KPIs of one call type (`TypeKPIs`): per interval and over the horizon."""


class GroupResult(_Named):
    """The KPIs of one group (`GroupKPIs`): per interval and over the horizon (``served`` per type)."""


@dataclass(frozen=True, eq=False)
class MultiSkillResult:
    """What `cxqueue.sim.multiskill.simulate_multiskill` returns.

    ``types`` (per type and interval, shape (types, intervals)), ``type_totals`` (per type
    over the horizon after ``warmup_s``), ``overall`` and ``overall_totals`` (every type
    pooled), ``groups`` and ``group_totals`` (per group; ``served`` with an axis of types);
    ``in_queue`` and ``in_service`` per type at the horizon; ``calls`` the log
    (`cxqueue.scenario.SKILL_CALL_DTYPE`, every replication) when asked. `for_type` and
    `for_group` pick one by name.
    """

    type_names: tuple[str, ...]
    group_names: tuple[str, ...]
    types: TypeKPIs
    type_totals: TypeKPIs
    overall: TypeKPIs
    overall_totals: TypeKPIs
    groups: GroupKPIs
    group_totals: GroupKPIs
    in_queue: Estimate
    in_service: Estimate
    interval_starts_s: np.ndarray
    interval_s: float
    replications: int
    warmup_s: float
    calls: np.ndarray | None = None

    def for_type(self, name: str) -> TypeResult:
        i = _find("call type", name, self.type_names)
        return TypeResult(name, self.types.of(i), self.type_totals.of(i))

    def for_group(self, name: str) -> GroupResult:
        i = _find("group", name, self.group_names)
        return GroupResult(name, self.groups.of(i), self.group_totals.of(i))

    def to_dict(self) -> dict:
        d = {
            "type_names": list(self.type_names),
            "group_names": list(self.group_names),
            "replications": self.replications,
            "warmup_s": self.warmup_s,
            "interval_s": self.interval_s,
            "interval_starts_s": self.interval_starts_s.tolist(),
        }
        for name in ("types", "type_totals", "overall", "overall_totals", "groups", "group_totals", "in_queue",
                     "in_service"):  # fmt: skip
            d[name] = getattr(self, name).to_dict()
        if self.calls is not None:
            d["calls"] = {name: self.calls[name].tolist() for name in self.calls.dtype.names}
        return d


def _find(kind: str, name: str, names: tuple[str, ...]) -> int:
    if name not in names:
        raise ConfigError(f"{name!r} is not a {kind} of this result (the {kind}s: {', '.join(map(repr, names))})")
    return names.index(name)


def _type_values(counts: np.ndarray, waiting_s: np.ndarray, span_s) -> dict:
    """KPI values from counters (..., N_COUNTS) and waiting call-seconds (...) over ``span_s`` seconds."""
    c = counts
    reached = c[..., r.C_OFFERED] - c[..., r.C_CLOSED]
    answered = c[..., r.C_ANSWERED]
    return {
        "offered": c[..., r.C_OFFERED],
        "closed": c[..., r.C_CLOSED],
        "answered": answered,
        "abandoned": c[..., r.C_ABANDONED],
        "unresolved": c[..., r.C_BACKLOG],
        "sl_offered": _ratio(c[..., r.C_HITS], reached),
        "sl_answered": _ratio(c[..., r.C_HITS], answered),
        "p_wait": _ratio(c[..., r.C_QUEUED], reached),
        "asa_s": _ratio(c[..., r.C_WAIT_SUM], answered),
        "abandon_fraction": _ratio(c[..., r.C_ABANDONED], reached),
        "queue_length": waiting_s / span_s,
        "transferred": c[..., r.C_TRANSFERRED],
        "missed": reached - c[..., r.C_HITS] - c[..., r.C_OPEN],
        "reached": answered - c[..., r.C_UNREACHED],
    }


def _group_values(group_s: np.ndarray, served: np.ndarray, span_s) -> dict:
    return {
        "agents": group_s[..., r.G_PRESENT] / span_s,
        "busy": group_s[..., r.G_BUSY] / span_s,
        "occupancy": _ratio(group_s[..., r.G_BUSY], group_s[..., r.G_PRESENT]),
        "served": served,
    }


def rep_summary(out: r.SkillRepOutput, *, interval_s: float, keep: np.ndarray) -> dict:
    """One replication's KPI values: per interval, over the ``keep`` intervals, per type, pooled, per group.

    >>> K, G, n = 2, 1, 2
    >>> counts = np.zeros((K, n, r.N_COUNTS))
    >>> counts[..., r.C_OFFERED] = counts[..., r.C_ANSWERED] = 10
    >>> counts[0, :, r.C_HITS], counts[1, :, r.C_HITS] = [8, 6], [10, 10]
    >>> out = r.SkillRepOutput(counts, np.zeros((K, n)), np.ones((G, n, 2)), np.zeros((G, K, n)), None, None)
    >>> s = rep_summary(out, interval_s=900.0, keep=np.array([True, True]))
    >>> s["types"]["sl_offered"].tolist(), s["type_totals"]["sl_offered"].tolist()
    ([[0.8, 0.6], [1.0, 1.0]], [0.7, 1.0])
    >>> float(s["overall_totals"]["sl_offered"])
    0.85
    """
    span = interval_s * max(int(keep.sum()), 1)
    counts, waiting = out.counts, out.waiting_s
    tot_counts, tot_waiting = counts[:, keep].sum(axis=1), waiting[:, keep].sum(axis=1)
    return {
        "types": _type_values(counts, waiting, interval_s),
        "type_totals": _type_values(tot_counts, tot_waiting, span),
        "overall": _type_values(counts.sum(axis=0), waiting.sum(axis=0), interval_s),
        "overall_totals": _type_values(tot_counts.sum(axis=0), tot_waiting.sum(axis=0), span),
        "groups": _group_values(out.group_s, out.served, interval_s),
        "group_totals": _group_values(out.group_s[:, keep].sum(axis=1), out.served[..., keep].sum(axis=-1), span),
        "backlog": out.backlog,
    }


def _limits(name: str) -> tuple[float, float]:
    return (0.0, 1.0) if name in FRACTIONS else (0.0, math.inf)


def _summarize(reps: list[dict], part: str, kind):
    names = [f.name for f in fields(kind)]
    est = {}
    for name in names:
        mean, half = _estimate(np.stack([np.asarray(rep[part][name], dtype=np.float64) for rep in reps]))
        est[name] = Estimate(mean, half, _limits(name))
    return kind(**est)


def summarize(reps: list[dict]) -> dict:
    """Estimates over replications of `rep_summary` outputs, by part (``types``, ``groups``, ...)."""
    out = {part: _summarize(reps, part, TypeKPIs) for part in ("types", "type_totals", "overall", "overall_totals")}
    out.update({part: _summarize(reps, part, GroupKPIs) for part in ("groups", "group_totals")})
    mean, half = _estimate(np.stack([rep["backlog"] for rep in reps]).astype(np.float64))
    out["in_queue"] = Estimate(mean[:, r.B_QUEUE], half[:, r.B_QUEUE], (0.0, math.inf))
    out["in_service"] = Estimate(mean[:, r.B_SERVICE], half[:, r.B_SERVICE], (0.0, math.inf))
    return out
