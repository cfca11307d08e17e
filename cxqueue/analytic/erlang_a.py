"""Erlang A (M/M/n+M): agents, unlimited lines and callers who hang up.

Callers arrive as a Poisson stream, wait for one of ``n`` agents and hang up after an
exponential patience with mean ``mean_patience_s``. The queue is always stable, and with
abandonment fewer agents than Erlangs can meet a target, so the inverses search below
the load. Exact formulas (Garnett, Mandelbaum & Reiman 2002; the service levels through
the negative-binomial form of the virtual wait) are summed state by state; see
`cxqueue.erlang_x`, of which this is the case ``lines = inf``.

Service levels, for a threshold t (../shared/reference/README.md):

* ``basis="offered"``: P(answered and waited <= t) over all calls; abandoned calls miss.
* ``basis="answered"``: the same over answered calls only.
* ``basis="virtual"``: P(the wait of a caller who would never hang up <= t).
"""

from __future__ import annotations

from cxqueue import _validation as v
from cxqueue.analytic import erlang_x as _x
from cxqueue.analytic._common import QueueMetrics

__all__ = [
    "QueueMetrics",
    "abandon_probability",
    "agents_for_abandon_rate",
    "agents_for_asa",
    "agents_for_service_level",
    "average_speed_of_answer",
    "mean_wait",
    "metrics",
    "occupancy",
    "service_level",
    "wait_probability",
]

_INF = float("inf")


def metrics(offered_load, agents, *, aht_s, mean_patience_s, answer_within_s=0.0) -> QueueMetrics:
    """Every metric of M/M/n+M at once (see `QueueMetrics`).

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs.
    agents : array_like of float
        Agents (non-integers use the continuous extension).
    aht_s, mean_patience_s, answer_within_s : array_like of float
        Mean handle time, mean patience (inf: Erlang C) and threshold, in seconds.

    Examples
    --------
    >>> m = metrics(10.0, 14, aht_s=180, mean_patience_s=300, answer_within_s=20)
    >>> round(float(m.service_level_offered), 6), round(float(m.abandon_probability), 6)
    (0.916792, 0.013984)
    """
    return _x.metrics(
        offered_load, agents, _INF, aht_s=aht_s, mean_patience_s=mean_patience_s, answer_within_s=answer_within_s
    )


def wait_probability(offered_load, agents, *, aht_s, mean_patience_s):
    """Probability that a call waits (> 0 s).

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    agents : array_like of float
        Agents; non-integers use the continuous extension.
    aht_s : array_like of float
        Mean handle time, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).

    Returns
    -------
    ndarray of float64
        Broadcast over the inputs (0-d for scalars).

    Examples
    --------
    >>> round(float(wait_probability(10.0, 14, aht_s=180, mean_patience_s=300)), 5)
    0.14526
    """
    return _x.wait_probability(offered_load, agents, _INF, aht_s=aht_s, mean_patience_s=mean_patience_s)


def abandon_probability(offered_load, agents, *, aht_s, mean_patience_s):
    """Probability that a call hangs up before it is answered.

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    agents : array_like of float
        Agents; non-integers use the continuous extension.
    aht_s : array_like of float
        Mean handle time, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).

    Returns
    -------
    ndarray of float64
        Broadcast over the inputs (0-d for scalars).

    Examples
    --------
    >>> round(float(abandon_probability(10.0, 14, aht_s=180, mean_patience_s=300)), 6)
    0.013984
    """
    return _x.abandon_probability(offered_load, agents, _INF, aht_s=aht_s, mean_patience_s=mean_patience_s)


def service_level(offered_load, agents, *, aht_s, mean_patience_s, answer_within_s, basis="offered"):
    """Fraction answered within ``answer_within_s`` seconds on ``basis``.

    Parameters
    ----------
    basis : {"offered", "answered", "virtual"}
        Over all calls (abandoned calls miss), over answered calls, or the virtual wait.

    Examples
    --------
    >>> round(float(service_level(10.0, 14, aht_s=180, mean_patience_s=300, answer_within_s=20)), 6)
    0.916792
    >>> round(float(service_level(10.0, 14, aht_s=180, mean_patience_s=300, answer_within_s=20, basis="answered")), 6)
    0.929794
    """
    return _x.service_level(
        offered_load,
        agents,
        _INF,
        aht_s=aht_s,
        answer_within_s=answer_within_s,
        mean_patience_s=mean_patience_s,
        basis=v.choice("basis", basis, ("offered", "answered", "virtual")),
    )


def average_speed_of_answer(offered_load, agents, *, aht_s, mean_patience_s):
    """Mean wait of answered calls, seconds.

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    agents : array_like of float
        Agents; non-integers use the continuous extension.
    aht_s : array_like of float
        Mean handle time, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).

    Returns
    -------
    ndarray of float64
        Broadcast over the inputs (0-d for scalars).

    Examples
    --------
    >>> round(float(average_speed_of_answer(10.0, 14, aht_s=180, mean_patience_s=300)), 4)
    3.8785
    """
    return _x.average_speed_of_answer(offered_load, agents, _INF, aht_s=aht_s, mean_patience_s=mean_patience_s)


def mean_wait(offered_load, agents, *, aht_s, mean_patience_s):
    """Mean wait of all calls, answered or abandoned, seconds (abandonment probability x mean patience).

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    agents : array_like of float
        Agents; non-integers use the continuous extension.
    aht_s : array_like of float
        Mean handle time, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).

    Returns
    -------
    ndarray of float64
        Broadcast over the inputs (0-d for scalars).

    Examples
    --------
    >>> round(float(mean_wait(10.0, 14, aht_s=180, mean_patience_s=300)), 4)
    4.1951
    """
    return _x.mean_wait(offered_load, agents, _INF, aht_s=aht_s, mean_patience_s=mean_patience_s)


def occupancy(offered_load, agents, *, aht_s, mean_patience_s):
    """Carried load over agents.

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    agents : array_like of float
        Agents; non-integers use the continuous extension.
    aht_s : array_like of float
        Mean handle time, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).

    Returns
    -------
    ndarray of float64
        Broadcast over the inputs (0-d for scalars).

    Examples
    --------
    >>> round(float(occupancy(10.0, 14, aht_s=180, mean_patience_s=300)), 6)
    0.704297
    """
    return _x.occupancy(offered_load, agents, _INF, aht_s=aht_s, mean_patience_s=mean_patience_s)


def agents_for_service_level(
    offered_load, *, aht_s, mean_patience_s, answer_within_s, level, basis="offered", max_occupancy=None
):
    """Fewest agents reaching ``level`` on ``basis``; may be below the load.

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    aht_s : array_like of float
        Mean handle time, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).
    answer_within_s : array_like of float
        Service-level threshold, seconds.
    level : array_like of float
        Target fraction in [0, 1): pass 0.8 for 80 %.
    basis : {"offered", "answered", "virtual"}
        Which service level (see the module docstring).
    max_occupancy : array_like of float, optional
        Occupancy cap in (0, 1].

    Returns
    -------
    ndarray of int64
        The fewest agents; 0 where the load is 0.

    Examples
    --------
    >>> int(agents_for_service_level(300.0, aht_s=180, mean_patience_s=300, answer_within_s=20, level=0.8))
    294
    """
    return _x.agents_for_service_level(
        offered_load,
        _INF,
        aht_s=aht_s,
        answer_within_s=answer_within_s,
        level=level,
        mean_patience_s=mean_patience_s,
        basis=basis,
        max_occupancy=max_occupancy,
    )


def agents_for_asa(offered_load, *, aht_s, mean_patience_s, max_asa_s, max_occupancy=None):
    """Fewest agents whose mean wait of answered calls is at most ``max_asa_s`` seconds.

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    aht_s : array_like of float
        Mean handle time, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).
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
    >>> int(agents_for_asa(10.0, aht_s=180, mean_patience_s=300, max_asa_s=10))
    13
    """
    return _x.agents_for_asa(
        offered_load,
        _INF,
        aht_s=aht_s,
        max_asa_s=max_asa_s,
        mean_patience_s=mean_patience_s,
        max_occupancy=max_occupancy,
    )


def agents_for_abandon_rate(offered_load, *, aht_s, mean_patience_s, max_abandon, max_occupancy=None):
    """Fewest agents whose abandonment probability is at most ``max_abandon``.

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    aht_s : array_like of float
        Mean handle time, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).
    max_abandon : array_like of float
        Largest fraction of calls that hang up.
    max_occupancy : array_like of float, optional
        Occupancy cap in (0, 1].

    Returns
    -------
    ndarray of int64
        The fewest agents; 0 where the load is 0.

    Examples
    --------
    >>> int(agents_for_abandon_rate(10.0, aht_s=180, mean_patience_s=300, max_abandon=0.05))
    12
    """
    return _x.agents_for_abandon_rate(
        offered_load,
        _INF,
        aht_s=aht_s,
        mean_patience_s=mean_patience_s,
        max_abandon=max_abandon,
        max_occupancy=max_occupancy,
    )
