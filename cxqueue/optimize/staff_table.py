"""A staffing table: required agents per interval for arrays of calls, and the KPIs they give.

What ``cxqueue staff`` prints, for an ops engineer who has calls and handle times per
interval and no `Forecast`: each interval staffed on its own with the exact inverse of
Erlang C, A or X.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cxqueue.analytic import erlang_a, erlang_c, erlang_x
from cxqueue.exceptions import ConfigError
from cxqueue.units import offered_load

__all__ = ["StaffTable", "staff_table"]


@dataclass(frozen=True)
class StaffTable:
    """Required agents and the KPIs they give, per interval."""

    label: list[str]
    calls: np.ndarray
    aht_s: np.ndarray
    offered_load: np.ndarray
    agents: np.ndarray
    service_level: np.ndarray
    asa_s: np.ndarray
    wait_probability: np.ndarray
    abandon_probability: np.ndarray
    occupancy: np.ndarray

    @property
    def total_agent_intervals(self) -> int:
        return int(self.agents.sum())

    def rows(self) -> list[dict]:
        return [
            {
                "interval": self.label[i],
                "calls": float(self.calls[i]),
                "aht_s": float(self.aht_s[i]),
                "offered_load": float(self.offered_load[i]),
                "agents": int(self.agents[i]),
                "service_level": float(self.service_level[i]),
                "asa_s": float(self.asa_s[i]),
                "wait_probability": float(self.wait_probability[i]),
                "abandon_probability": float(self.abandon_probability[i]),
                "occupancy": float(self.occupancy[i]),
            }
            for i in range(len(self.label))
        ]


def staff_table(
    calls,
    aht_s,
    *,
    interval_s,
    level,
    answer_within_s,
    model="erlang_c",
    mean_patience_s=None,
    lines=math.inf,
    labels=None,
    basis="offered",
    max_occupancy=None,
) -> StaffTable:
    """Required agents per interval and the KPIs at that staffing (what ``cxqueue staff`` prints).

    Each interval is staffed on its own (stationary, SIPP) with the exact inverse of
    ``model``; the KPIs are the model's at that staffing. Unlike
    `cxqueue.optimize.staffing_requirements`, which reports an unreachable target in its
    result, this raises, naming the interval.

    Parameters
    ----------
    calls, aht_s : array_like of float
        Calls per interval and their mean handle time in seconds.
    interval_s : float
        Interval length, seconds.
    level, answer_within_s : float
        Service-level target (a fraction) and its threshold in seconds.
    model : {"erlang_c", "erlang_a", "erlang_x"}
        Queueing model; ``mean_patience_s`` (erlang_a, erlang_x) and ``lines`` (erlang_x).
    mean_patience_s : float, optional
        Mean time callers wait before they hang up, seconds: required by erlang_a (without it
        Erlang A is Erlang C); None (or inf) for erlang_x means nobody hangs up.
    labels : sequence of str, optional
        One label per interval (default: its index).
    basis : {"offered", "answered", "virtual"}
        Service-level basis (erlang_a, erlang_x).
    max_occupancy : float, optional
        Occupancy cap.

    Returns
    -------
    StaffTable

    Raises
    ------
    ConfigError
        If ``model`` is erlang_a and ``mean_patience_s`` is None or inf.
    InfeasibleError
        If no number of agents meets the target in some interval.

    Examples
    --------
    >>> t = staff_table([100, 200], 180, interval_s=1800, level=0.8, answer_within_s=20)
    >>> t.agents.tolist(), round(float(t.service_level[0]), 3)
    ([14, 24], 0.888)
    """
    if model == "erlang_a" and (mean_patience_s is None or math.isinf(mean_patience_s)):
        raise ConfigError(
            f"mean_patience_s must be a finite number of seconds with model='erlang_a' (Erlang A is the queue whose "
            f"callers hang up after that mean wait; without it the model is Erlang C: pass model='erlang_c'); "
            f"got {mean_patience_s}"
        )
    mean_patience_s = math.inf if mean_patience_s is None else mean_patience_s
    calls = np.atleast_1d(np.asarray(calls, dtype=np.float64))
    aht = np.broadcast_to(np.asarray(aht_s, dtype=np.float64), calls.shape)
    load = offered_load(calls, interval_s=interval_s, aht_s=aht)
    kw = dict(aht_s=aht, answer_within_s=answer_within_s)
    if model == "erlang_c":
        agents = erlang_c.agents_for_service_level(load, level=level, max_occupancy=max_occupancy, **kw)
        m = erlang_x.metrics(load, agents, math.inf, **kw)
    elif model == "erlang_a":
        agents = erlang_a.agents_for_service_level(
            load, level=level, mean_patience_s=mean_patience_s, basis=basis, max_occupancy=max_occupancy, **kw
        )
        m = erlang_a.metrics(load, agents, mean_patience_s=mean_patience_s, **kw)
    else:
        agents = erlang_x.agents_for_service_level(
            load, lines, level=level, mean_patience_s=mean_patience_s, basis=basis, max_occupancy=max_occupancy, **kw
        )
        m = erlang_x.metrics(load, agents, lines, mean_patience_s=mean_patience_s, **kw)
    return StaffTable(
        label=list(labels) if labels is not None else [str(i) for i in range(calls.size)],
        calls=calls,
        aht_s=np.asarray(aht),
        offered_load=load,
        agents=agents,
        service_level=m.service_level(basis),
        asa_s=m.average_speed_of_answer_s,
        wait_probability=m.wait_probability,
        abandon_probability=m.abandon_probability,
        occupancy=m.occupancy,
    )
