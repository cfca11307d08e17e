"""Erlang C (M/M/c): agents, waits and service level with unlimited patience and lines.

With offered load A Erlangs and c agents (c > A), the probability of waiting is
``C = c B / (c - A + A B)`` with B the Erlang B function, the service level is
``1 - C exp(-(c - A) t / AHT)`` and the average speed of answer ``C AHT / (c - A)``.
With c <= A the queue is unstable: these return their limits (P(wait) = 1, service
level 0, ASA inf) rather than raising. The inverses walk the recursion upward once,
updating it incrementally (O(sqrt(A) + answer - A) steps in all).
"""

from __future__ import annotations

import numpy as np

from cxqueue import _validation as v
from cxqueue.analytic import _common as cm
from cxqueue.analytic import _kernels as k

__all__ = [
    "agents_for_asa",
    "agents_for_service_level",
    "average_speed_of_answer",
    "occupancy",
    "service_level",
    "wait_probability",
]


def _metric(what, offered_load, agents, aht_s=1.0, answer_within_s=0.0):
    shape, f = cm.broadcast(
        A=cm.load(offered_load), x=cm.agents(agents), aht=cm.aht(aht_s), t=cm.threshold(answer_within_s)
    )
    out = np.empty(f["A"].size)
    k.erlang_c_metrics_loop(f["A"], f["x"], f["t"] / f["aht"], what, out)
    if what == 2:
        out *= f["aht"]
    return cm.reshape(out, shape)


def wait_probability(offered_load, agents):
    """Probability that a call waits (Erlang C formula).

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs.
    agents : array_like of float
        Agents; non-integers use the continuous extension.

    Returns
    -------
    ndarray of float64
        1.0 where agents <= offered_load (overload).

    Examples
    --------
    >>> round(float(wait_probability(10.0, 14)), 6)
    0.174132
    >>> float(wait_probability(10.0, 9))
    1.0
    """
    return _metric(0, offered_load, agents)


def service_level(offered_load, agents, *, aht_s, answer_within_s):
    """Fraction of calls answered within ``answer_within_s`` seconds (M/M/c).

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (see `cxqueue.offered_load`).
    agents : array_like of float
        Agents available; non-integers use the continuous extension.
    aht_s, answer_within_s : array_like of float
        Mean handle time and the threshold, in seconds.

    Returns
    -------
    ndarray of float64 (0-d for scalar input); 0.0 where agents <= offered_load.

    Examples
    --------
    >>> round(float(service_level(10.0, 14, aht_s=180, answer_within_s=20)), 4)
    0.8884
    """
    return _metric(1, offered_load, agents, aht_s, answer_within_s)


def average_speed_of_answer(offered_load, agents, *, aht_s):
    """Mean wait in seconds of all calls (all are answered): ``C AHT / (agents - load)``.

    Returns inf where agents <= offered_load.

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    agents : array_like of float
        Agents; non-integers use the continuous extension.
    aht_s : array_like of float
        Mean handle time, seconds.

    Returns
    -------
    ndarray of float64
        Broadcast over the inputs (0-d for scalars).

    Examples
    --------
    >>> round(float(average_speed_of_answer(10.0, 14, aht_s=180)), 3)
    7.836
    """
    return _metric(2, offered_load, agents, aht_s)


def occupancy(offered_load, agents):
    """Fraction of agent time spent on calls: ``min(load / agents, 1)``.

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    agents : array_like of float
        Agents; non-integers use the continuous extension.

    Returns
    -------
    ndarray of float64
        Broadcast over the inputs (0-d for scalars).

    Examples
    --------
    >>> round(float(occupancy(10.0, 14)), 4)
    0.7143
    """
    return _metric(3, offered_load, agents)


def _inverse(kind, offered_load, aht_s, answer_within_s, goal, max_occupancy):
    A = cm.load(offered_load)
    arrays = dict(A=A, aht=cm.aht(aht_s), t=cm.threshold(answer_within_s), goal=goal)
    if max_occupancy is not None:
        arrays["occ"] = v.fraction_array("max_occupancy", max_occupancy, open_low=True)
    shape, f = cm.broadcast(**arrays)
    min_agents = f["A"] / f["occ"] if max_occupancy is not None else np.zeros_like(f["A"])
    out = np.empty(f["A"].size, dtype=np.int64)
    goal_flat = f["goal"] / f["aht"] if kind == 1 else f["goal"]
    k.erlang_c_inverse_loop(f["A"], f["t"] / f["aht"], goal_flat, kind, min_agents - 1e-9, out)
    return cm.reshape(out, shape)


def agents_for_service_level(offered_load, *, aht_s, answer_within_s, level, max_occupancy=None):
    """Fewest agents whose service level is at least ``level`` (and occupancy at most the cap).

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs.
    aht_s, answer_within_s : array_like of float
        Mean handle time and the threshold, in seconds.
    level : array_like of float
        Target fraction in [0, 1): pass 0.8 for 80 %.
    max_occupancy : array_like of float, optional
        Occupancy cap in (0, 1]: at least ``offered_load / max_occupancy`` agents.

    Returns
    -------
    ndarray of int64; 0 where the load is 0.

    Examples
    --------
    >>> int(agents_for_service_level(10.0, aht_s=180, answer_within_s=20, level=0.8))
    14
    >>> int(agents_for_service_level(10.0, aht_s=180, answer_within_s=20, level=0.8, max_occupancy=0.6))
    17
    """
    return _inverse(0, offered_load, aht_s, answer_within_s, cm.check_level(level), max_occupancy)


def agents_for_asa(offered_load, *, aht_s, max_asa_s, max_occupancy=None):
    """Fewest agents whose average speed of answer is at most ``max_asa_s`` seconds.

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    aht_s : array_like of float
        Mean handle time, seconds.
    max_asa_s : array_like of float
        Largest mean wait of answered calls, seconds.
    max_occupancy : array_like of float, optional
        Occupancy cap in (0, 1].

    Returns
    -------
    ndarray of int64
        The fewest agents; 0 where the load is 0.

    Examples
    --------
    >>> int(agents_for_asa(10.0, aht_s=180, max_asa_s=10))
    14
    """
    goal = v.positive_array("max_asa_s", max_asa_s)
    return _inverse(1, offered_load, aht_s, 0.0, goal, max_occupancy)
