"""Erlang X (M/M/c/N+M): agents, a finite number of phone lines, patience and redials.

``c`` agents answer calls; ``N >= c`` phone lines carry them, so at most ``N - c``
callers wait; a caller who finds all ``N`` lines busy hears a busy signal. Waiting
callers hang up after an exponential patience with mean ``mean_patience_s`` (inf: never).
A fraction of blocked (``redial_blocked``) and of abandoned (``redial_abandoned``)
callers call again: the total offered load solves ``A = A0 + A (rb P(block) + ra
P(abandon))``, iterated from A0 (the retrial load and convergence are reported).

Exact solution. In units of the state-``c`` probability, state ``c + j`` has weight
``t_j = prod_{i=1..j} A / (c + i th)`` (th = AHT / mean patience) and the states below
``c`` add ``1/B(c, A) - 1``. A caller admitted with ``j`` callers ahead waits
``V_j = sum_{i=0..j} Exp(c + i th)``; with ``p = exp(-th t)``,
``P(V_j > t) = P(NB(c/th, p) <= j)`` (negative binomial), is answered with probability
``c / (c + (j + 1) th)`` and answered within ``t`` with probability
``c / (c + (j + 1) th) P(NB(c/th + 1, p) > j)``. With unlimited lines the sums run until
their tails are below 1e-17. Fractional agents use the continuous Erlang B extension for
the states below ``c`` and ``floor(N - c)`` waiting places.

Service levels, for a threshold t (``basis``):

* ``"offered"``: P(answered and waited <= t) over every offered call; busy signals and
  hang-ups are misses;
* ``"answered"``: the same over answered calls only;
* ``"admitted"``: the same over calls that got a line;
* ``"virtual"``: P(the wait of a caller who would never hang up <= t), over admitted calls.

Bounded work. The sums stop where the remaining states weigh below 1e-17 of the total
(unlimited lines) or 1e-300 (finite lines): lines beyond any reachable queue give the
result of unlimited lines (the infinite-lines limit, exact to that bound), so
``lines=1e12`` costs what ``lines=inf`` costs; ``inf`` is the documented way to say
unlimited. A queue whose probability spreads over more than 4e6 waiting positions (a
patience of many handle times with more load than agents, or that many lines filling up)
is rejected with an error naming ``mean_patience_s`` and ``lines``: no exact sum is
affordable there. Inverses take loads up to 1e15 Erlangs (exact int64 answers).

A call with Python or NumPy numbers goes straight to the scalar kernels; arrays are
validated once and broadcast (`cxqueue.analytic._core` is the same without validation).
"""

from __future__ import annotations

from cxqueue import _validation as v
from cxqueue.analytic import _core as core
from cxqueue.analytic import _queue as q
from cxqueue.analytic._common import QueueMetrics
from cxqueue.analytic._doc import MODEL_X, doc

__all__ = [
    "QueueMetrics",
    "abandon_probability",
    "agents_for_abandon_rate",
    "agents_for_asa",
    "agents_for_service_level",
    "average_speed_of_answer",
    "blocking_probability",
    "lines_for_blocking",
    "mean_wait",
    "metrics",
    "occupancy",
    "service_level",
    "wait_probability",
]

_INF = float("inf")
_BASES = ("offered", "answered", "admitted", "virtual")
_INVERSE_BASES = ("offered", "answered", "virtual")


@doc(
    "offered_load",
    "agents",
    """lines : array_like of float
    Phone lines N >= agents (inf: unlimited, which is Erlang A).""",
    "aht_s",
    "mean_patience_s",
    "answer_within_s",
    """redial_blocked, redial_abandoned : array_like of float
    Fractions of blocked and of abandoned attempts that call again.""",
    """tol, max_iter : float, int
    Tolerance and cap of the redial fixed point.""",
)
def metrics(
    offered_load,
    agents,
    lines,
    *,
    aht_s,
    mean_patience_s=_INF,
    answer_within_s=0.0,
    redial_blocked=0.0,
    redial_abandoned=0.0,
    tol=1e-12,
    max_iter=500,
) -> QueueMetrics:
    """Every metric of M/M/c/N+M at once (see `QueueMetrics`).

    Examples
    --------
    >>> m = metrics(10.0, 10, 15, aht_s=300, mean_patience_s=120, answer_within_s=20)
    >>> round(float(m.blocking), 6), round(float(m.abandon_probability), 6)
    (0.01039, 0.143022)
    >>> m = metrics(10.0, 10, 15, aht_s=300, redial_blocked=0.8)
    >>> round(float(m.retrial_load), 4), bool(m.converged)
    (1.8633, True)
    """
    return q.metrics(
        offered_load,
        agents,
        lines,
        aht_s,
        mean_patience_s,
        answer_within_s,
        redial_blocked,
        redial_abandoned,
        tol,
        max_iter,
    )


@doc(*MODEL_X, "redials", returns="float")
def blocking_probability(offered_load, agents, lines, *, aht_s, mean_patience_s=_INF, **redials):
    """Probability of a busy signal (every line taken).

    With ``lines == agents`` and no patience this is Erlang B.

    Examples
    --------
    >>> round(float(blocking_probability(10.0, 10, 10, aht_s=300)), 6)
    0.214582
    """
    return q.named_metric(
        "blocking", offered_load, agents, lines, aht_s=aht_s, mean_patience_s=mean_patience_s, **redials
    )


@doc(*MODEL_X, "redials", returns="float")
def wait_probability(offered_load, agents, lines, *, aht_s, mean_patience_s=_INF, **redials):
    """Probability that an offered call gets a line and waits (> 0 s) for an agent.

    Examples
    --------
    >>> round(float(wait_probability(10.0, 10, 20, aht_s=300, mean_patience_s=600)), 6)
    0.603648
    """
    return q.named_metric(
        "wait_probability", offered_load, agents, lines, aht_s=aht_s, mean_patience_s=mean_patience_s, **redials
    )


@doc(*MODEL_X, "redials", returns="float")
def abandon_probability(offered_load, agents, lines, *, aht_s, mean_patience_s, **redials):
    """Probability that an offered call hangs up while waiting.

    Examples
    --------
    >>> round(float(abandon_probability(10.0, 10, 20, aht_s=300, mean_patience_s=600)), 6)
    0.095661
    """
    return q.named_metric(
        "abandon_probability", offered_load, agents, lines, aht_s=aht_s, mean_patience_s=mean_patience_s, **redials
    )


@doc(
    *MODEL_X,
    "answer_within_s",
    """basis : {"offered", "answered", "admitted", "virtual"}
    Which service level.""",
    "redials",
    returns="float",
)
def service_level(
    offered_load, agents, lines, *, aht_s, answer_within_s, mean_patience_s=_INF, basis="offered", **redials
):
    """Fraction answered within ``answer_within_s`` seconds, on ``basis`` (see the module docstring).

    Examples
    --------
    >>> round(float(service_level(10.0, 13, 18, aht_s=300, answer_within_s=20, mean_patience_s=120)), 6)
    0.880504
    """
    v.choice("basis", basis, _BASES)
    return q.named_metric(
        f"service_level_{basis}",
        offered_load,
        agents,
        lines,
        aht_s=aht_s,
        mean_patience_s=mean_patience_s,
        answer_within_s=answer_within_s,
        **redials,
    )


@doc(*MODEL_X, "redials", returns="float")
def average_speed_of_answer(offered_load, agents, lines, *, aht_s, mean_patience_s=_INF, **redials):
    """Mean wait of answered calls, seconds (not counting abandoned or blocked calls).

    Examples
    --------
    >>> round(float(average_speed_of_answer(10.0, 10, 20, aht_s=300, mean_patience_s=600)), 3)
    55.884
    """
    return q.named_metric(
        "average_speed_of_answer_s",
        offered_load,
        agents,
        lines,
        aht_s=aht_s,
        mean_patience_s=mean_patience_s,
        **redials,
    )


@doc(*MODEL_X, "redials", returns="float")
def mean_wait(offered_load, agents, lines, *, aht_s, mean_patience_s=_INF, **redials):
    """Mean wait of every admitted call, answered or abandoned, seconds.

    Examples
    --------
    >>> round(float(mean_wait(10.0, 10, 20, aht_s=300, mean_patience_s=600)), 3)
    57.972
    """
    return q.named_metric(
        "mean_wait_s", offered_load, agents, lines, aht_s=aht_s, mean_patience_s=mean_patience_s, **redials
    )


@doc(*MODEL_X, "redials", returns="float")
def occupancy(offered_load, agents, lines, *, aht_s, mean_patience_s=_INF, **redials):
    """Carried load over agents (answered calls only).

    Examples
    --------
    >>> round(float(occupancy(10.0, 10, 20, aht_s=300, mean_patience_s=600)), 6)
    0.894423
    """
    return q.named_metric(
        "occupancy", offered_load, agents, lines, aht_s=aht_s, mean_patience_s=mean_patience_s, **redials
    )


@doc(
    "offered_load",
    "lines",
    "aht_s",
    "answer_within_s",
    "level",
    "mean_patience_s",
    "basis",
    "max_occupancy",
    "redial_each",
    returns="agents",
)
def agents_for_service_level(
    offered_load,
    lines,
    *,
    aht_s,
    answer_within_s,
    level,
    mean_patience_s=_INF,
    basis="offered",
    max_occupancy=None,
    redial_blocked=0.0,
    redial_abandoned=0.0,
):
    """Fewest agents (at most ``lines``) reaching ``level`` on ``basis``.

    The search may go below the load: with abandonment fewer agents than Erlangs can
    meet a target. Raises `InfeasibleError` where even ``lines`` agents fall short.

    Examples
    --------
    >>> int(agents_for_service_level(10.0, 20, aht_s=300, answer_within_s=20, level=0.8, mean_patience_s=120))
    12
    """
    v.choice("basis", basis, _INVERSE_BASES)
    return q.agents_for(
        "service_level",
        core.SL[basis],
        level,
        offered_load,
        lines,
        aht_s=aht_s,
        mean_patience_s=mean_patience_s,
        answer_within_s=answer_within_s,
        max_occupancy=max_occupancy,
        redial_blocked=redial_blocked,
        redial_abandoned=redial_abandoned,
    )


@doc("offered_load", "lines", "aht_s", "max_asa_s", "mean_patience_s", "max_occupancy", "redials", returns="agents")
def agents_for_asa(offered_load, lines, *, aht_s, max_asa_s, mean_patience_s=_INF, max_occupancy=None, **redials):
    """Fewest agents whose mean wait of answered calls is at most ``max_asa_s``.

    Examples
    --------
    >>> int(agents_for_asa(10.0, 20, aht_s=300, max_asa_s=15, mean_patience_s=120))
    10
    """
    return q.agents_for(
        "asa",
        core.ASA,
        max_asa_s,
        offered_load,
        lines,
        aht_s=aht_s,
        mean_patience_s=mean_patience_s,
        max_occupancy=max_occupancy,
        **redials,
    )


@doc("offered_load", "lines", "aht_s", "mean_patience_s", "max_abandon", "max_occupancy", "redials", returns="agents")
def agents_for_abandon_rate(offered_load, lines, *, aht_s, mean_patience_s, max_abandon, max_occupancy=None, **redials):
    """Fewest agents whose abandonment probability is at most ``max_abandon``.

    Examples
    --------
    >>> int(agents_for_abandon_rate(10.0, 20, aht_s=300, mean_patience_s=120, max_abandon=0.05))
    13
    """
    return q.agents_for(
        "abandon",
        core.ABANDON,
        max_abandon,
        offered_load,
        lines,
        aht_s=aht_s,
        mean_patience_s=mean_patience_s,
        max_occupancy=max_occupancy,
        **redials,
    )


@doc(
    "offered_load",
    "agents",
    "aht_s",
    """blocking : array_like of float
    Largest fraction of calls that hear a busy signal.""",
    "mean_patience_s",
    "redial_each",
    returns="""ndarray of int64
    The fewest lines.""",
)
def lines_for_blocking(
    offered_load, agents, *, aht_s, blocking, mean_patience_s=_INF, redial_blocked=0.0, redial_abandoned=0.0
):
    """Fewest lines (>= agents) whose busy-signal probability is at most ``blocking``.

    Examples
    --------
    >>> int(lines_for_blocking(10.0, 10, aht_s=300, blocking=0.01))
    106
    >>> int(lines_for_blocking(10.0, 10, aht_s=300, blocking=0.01, mean_patience_s=120))
    16
    """
    return q.lines_for_blocking(
        offered_load,
        agents,
        aht_s=aht_s,
        blocking=blocking,
        mean_patience_s=mean_patience_s,
        redial_blocked=redial_blocked,
        redial_abandoned=redial_abandoned,
    )
