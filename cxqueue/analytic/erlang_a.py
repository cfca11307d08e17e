"""Erlang A (M/M/n+M): agents, unlimited lines and callers who hang up.

Callers arrive as a Poisson stream, wait for one of ``n`` agents and hang up after an
exponential patience with mean ``mean_patience_s``. The queue is always stable, and with
abandonment fewer agents than Erlangs can meet a target, so the inverses search below
the load. Exact formulas (Garnett, Mandelbaum & Reiman 2002; the service levels through
the negative-binomial form of the virtual wait) are summed state by state; see
`cxqueue.erlang_x`, of which this is the case ``lines = inf`` without redials (and for
the bound on the work: a queue spread over more than 4e6 waiting positions, such as a
patience of 1e15 handle times with more load than agents, is rejected by name).

Service levels, for a threshold t (../shared/reference/README.md):

* ``basis="offered"``: P(answered and waited <= t) over all calls; abandoned calls miss.
* ``basis="answered"``: the same over answered calls only.
* ``basis="virtual"``: P(the wait of a caller who would never hang up <= t).
"""

from __future__ import annotations

from cxqueue import _validation as v
from cxqueue.analytic import _core as core
from cxqueue.analytic import _queue as q
from cxqueue.analytic._common import QueueMetrics
from cxqueue.analytic._doc import MODEL_A, doc

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
_BASES = ("offered", "answered", "virtual")


@doc(*MODEL_A, "answer_within_s")
def metrics(offered_load, agents, *, aht_s, mean_patience_s, answer_within_s=0.0) -> QueueMetrics:
    """Every metric of M/M/n+M at once (see `QueueMetrics`).

    Examples
    --------
    >>> m = metrics(10.0, 14, aht_s=180, mean_patience_s=300, answer_within_s=20)
    >>> round(float(m.service_level_offered), 6), round(float(m.abandon_probability), 6)
    (0.916792, 0.013984)
    """
    return q.metrics(offered_load, agents, _INF, aht_s, mean_patience_s, answer_within_s, 0.0, 0.0)


def _metric(what, offered_load, agents, aht_s, mean_patience_s, answer_within_s=0.0):
    return q.one_metric(what, offered_load, agents, _INF, aht_s, mean_patience_s, answer_within_s)


@doc(*MODEL_A, returns="float")
def wait_probability(offered_load, agents, *, aht_s, mean_patience_s):
    """Probability that a call waits (> 0 s).

    Examples
    --------
    >>> round(float(wait_probability(10.0, 14, aht_s=180, mean_patience_s=300)), 5)
    0.14526
    """
    return _metric(core.WAIT, offered_load, agents, aht_s, mean_patience_s)


@doc(*MODEL_A, returns="float")
def abandon_probability(offered_load, agents, *, aht_s, mean_patience_s):
    """Probability that a call hangs up before it is answered.

    Examples
    --------
    >>> round(float(abandon_probability(10.0, 14, aht_s=180, mean_patience_s=300)), 6)
    0.013984
    """
    return _metric(core.ABANDON, offered_load, agents, aht_s, mean_patience_s)


@doc(
    *MODEL_A,
    "answer_within_s",
    """basis : {"offered", "answered", "virtual"}
    Over all calls (abandoned calls miss), over answered calls, or the virtual wait.""",
    returns="float",
)
def service_level(offered_load, agents, *, aht_s, mean_patience_s, answer_within_s, basis="offered"):
    """Fraction answered within ``answer_within_s`` seconds on ``basis``.

    Examples
    --------
    >>> round(float(service_level(10.0, 14, aht_s=180, mean_patience_s=300, answer_within_s=20)), 6)
    0.916792
    >>> round(float(service_level(10.0, 14, aht_s=180, mean_patience_s=300, answer_within_s=20, basis="answered")), 6)
    0.929794
    """
    v.choice("basis", basis, _BASES)
    return _metric(core.SL[basis], offered_load, agents, aht_s, mean_patience_s, answer_within_s)


@doc(*MODEL_A, returns="float")
def average_speed_of_answer(offered_load, agents, *, aht_s, mean_patience_s):
    """Mean wait of answered calls, seconds.

    Examples
    --------
    >>> round(float(average_speed_of_answer(10.0, 14, aht_s=180, mean_patience_s=300)), 4)
    3.8785
    """
    return _metric(core.ASA, offered_load, agents, aht_s, mean_patience_s)


@doc(*MODEL_A, returns="float")
def mean_wait(offered_load, agents, *, aht_s, mean_patience_s):
    """Mean wait of all calls, answered or abandoned, seconds (abandonment probability x mean patience).

    Examples
    --------
    >>> round(float(mean_wait(10.0, 14, aht_s=180, mean_patience_s=300)), 4)
    4.1951
    """
    return _metric(core.MEAN_WAIT, offered_load, agents, aht_s, mean_patience_s)


@doc(*MODEL_A, returns="float")
def occupancy(offered_load, agents, *, aht_s, mean_patience_s):
    """Carried load over agents.

    Examples
    --------
    >>> round(float(occupancy(10.0, 14, aht_s=180, mean_patience_s=300)), 6)
    0.704297
    """
    return _metric(core.OCC, offered_load, agents, aht_s, mean_patience_s)


@doc("offered_load", "aht_s", "mean_patience_s", "answer_within_s", "level", "basis", "max_occupancy", returns="agents")
def agents_for_service_level(
    offered_load, *, aht_s, mean_patience_s, answer_within_s, level, basis="offered", max_occupancy=None
):
    """Fewest agents reaching ``level`` on ``basis``; may be below the load.

    Examples
    --------
    >>> int(agents_for_service_level(300.0, aht_s=180, mean_patience_s=300, answer_within_s=20, level=0.8))
    294
    """
    v.choice("basis", basis, _BASES)
    return q.agents_for(
        "service_level",
        core.SL[basis],
        level,
        offered_load,
        _INF,
        aht_s=aht_s,
        mean_patience_s=mean_patience_s,
        answer_within_s=answer_within_s,
        max_occupancy=max_occupancy,
    )


@doc("offered_load", "aht_s", "mean_patience_s", "max_asa_s", "max_occupancy", returns="agents")
def agents_for_asa(offered_load, *, aht_s, mean_patience_s, max_asa_s, max_occupancy=None):
    """Fewest agents whose mean wait of answered calls is at most ``max_asa_s`` seconds.

    Examples
    --------
    >>> int(agents_for_asa(10.0, aht_s=180, mean_patience_s=300, max_asa_s=10))
    13
    """
    return q.agents_for(
        "asa",
        core.ASA,
        max_asa_s,
        offered_load,
        _INF,
        aht_s=aht_s,
        mean_patience_s=mean_patience_s,
        max_occupancy=max_occupancy,
    )


@doc("offered_load", "aht_s", "mean_patience_s", "max_abandon", "max_occupancy", returns="agents")
def agents_for_abandon_rate(offered_load, *, aht_s, mean_patience_s, max_abandon, max_occupancy=None):
    """Fewest agents whose abandonment probability is at most ``max_abandon``.

    Examples
    --------
    >>> int(agents_for_abandon_rate(10.0, aht_s=180, mean_patience_s=300, max_abandon=0.05))
    12
    """
    return q.agents_for(
        "abandon",
        core.ABANDON,
        max_abandon,
        offered_load,
        _INF,
        aht_s=aht_s,
        mean_patience_s=mean_patience_s,
        max_occupancy=max_occupancy,
    )
