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
"""

from __future__ import annotations

import numpy as np

from cxqueue import _validation as v
from cxqueue.analytic import _common as cm
from cxqueue.analytic import _kernels as k
from cxqueue.analytic._common import QueueMetrics
from cxqueue.exceptions import ConfigError

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

    Parameters
    ----------
    offered_load : array_like of float
        Fresh offered traffic in Erlangs (calls per second times AHT).
    agents : array_like of float
        Agents c (>= 0; non-integers use the continuous extension).
    lines : array_like of float
        Phone lines N >= agents (inf: unlimited, which is Erlang A).
    aht_s : array_like of float
        Mean handle time, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).
    answer_within_s : array_like of float
        Service-level threshold, seconds.
    redial_blocked, redial_abandoned : array_like of float
        Fractions of blocked and of abandoned attempts that call again.
    tol, max_iter : float, int
        Tolerance and cap of the redial fixed point.

    Examples
    --------
    >>> m = metrics(10.0, 10, 15, aht_s=300, mean_patience_s=120, answer_within_s=20)
    >>> round(float(m.blocking), 6), round(float(m.abandon_probability), 6)
    (0.01039, 0.143022)
    >>> m = metrics(10.0, 10, 15, aht_s=300, redial_blocked=0.8)
    >>> round(float(m.retrial_load), 4), bool(m.converged)
    (1.8633, True)
    """
    max_iter = v.integer_scalar("max_iter", max_iter, minimum=1)
    if not (tol > 0):
        raise ConfigError(f"tol must be > 0; got {tol!r}")
    return cm.queue_metrics(
        offered_load,
        agents,
        lines,
        aht_s=aht_s,
        mean_patience_s=mean_patience_s,
        answer_within_s=answer_within_s,
        redial_blocked=redial_blocked,
        redial_abandoned=redial_abandoned,
        tol=tol,
        max_iter=max_iter,
    )


_KERNEL_INDEX = {
    "blocking": (k.M_BLOCK, False),
    "wait_probability": (k.M_WAIT, False),
    "abandon_probability": (k.M_ABANDON, False),
    "average_speed_of_answer_s": (k.M_ASA, True),
    "mean_wait_s": (k.M_EW_ADMITTED, True),
    "occupancy": (k.M_OCC, False),
}


def _one(name, offered_load, agents, lines, *, aht_s, mean_patience_s, redial_blocked=0.0, redial_abandoned=0.0, **kw):
    if np.all(np.asarray(redial_blocked) == 0) and np.all(np.asarray(redial_abandoned) == 0):
        what, in_s = _KERNEL_INDEX[name]
        return cm.one_metric(
            what, offered_load, agents, lines, aht_s=aht_s, mean_patience_s=mean_patience_s, in_seconds=in_s, **kw
        )
    m = metrics(
        offered_load,
        agents,
        lines,
        aht_s=aht_s,
        mean_patience_s=mean_patience_s,
        redial_blocked=redial_blocked,
        redial_abandoned=redial_abandoned,
        **kw,
    )
    return getattr(m, name)


def blocking_probability(offered_load, agents, lines, *, aht_s, mean_patience_s=_INF, **redials):
    """Probability of a busy signal (every line taken).

    With ``lines == agents`` and no patience this is Erlang B.

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    agents : array_like of float
        Agents; non-integers use the continuous extension.
    lines : array_like of float
        Phone lines, at least the agents (inf: unlimited).
    aht_s : array_like of float
        Mean handle time, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).
    **redials : keyword arguments
        ``redial_blocked`` and ``redial_abandoned`` fractions (see `metrics`).

    Returns
    -------
    ndarray of float64
        Broadcast over the inputs (0-d for scalars).

    Examples
    --------
    >>> round(float(blocking_probability(10.0, 10, 10, aht_s=300)), 6)
    0.214582
    """
    return _one("blocking", offered_load, agents, lines, aht_s=aht_s, mean_patience_s=mean_patience_s, **redials)


def wait_probability(offered_load, agents, lines, *, aht_s, mean_patience_s=_INF, **redials):
    """Probability that an offered call gets a line and waits (> 0 s) for an agent.

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    agents : array_like of float
        Agents; non-integers use the continuous extension.
    lines : array_like of float
        Phone lines, at least the agents (inf: unlimited).
    aht_s : array_like of float
        Mean handle time, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).
    **redials : keyword arguments
        ``redial_blocked`` and ``redial_abandoned`` fractions (see `metrics`).

    Returns
    -------
    ndarray of float64
        Broadcast over the inputs (0-d for scalars).

    Examples
    --------
    >>> round(float(wait_probability(10.0, 10, 20, aht_s=300, mean_patience_s=600)), 6)
    0.603648
    """
    return _one(
        "wait_probability", offered_load, agents, lines, aht_s=aht_s, mean_patience_s=mean_patience_s, **redials
    )


def abandon_probability(offered_load, agents, lines, *, aht_s, mean_patience_s, **redials):
    """Probability that an offered call hangs up while waiting.

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    agents : array_like of float
        Agents; non-integers use the continuous extension.
    lines : array_like of float
        Phone lines, at least the agents (inf: unlimited).
    aht_s : array_like of float
        Mean handle time, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).
    **redials : keyword arguments
        ``redial_blocked`` and ``redial_abandoned`` fractions (see `metrics`).

    Returns
    -------
    ndarray of float64
        Broadcast over the inputs (0-d for scalars).

    Examples
    --------
    >>> round(float(abandon_probability(10.0, 10, 20, aht_s=300, mean_patience_s=600)), 6)
    0.095661
    """
    return _one(
        "abandon_probability", offered_load, agents, lines, aht_s=aht_s, mean_patience_s=mean_patience_s, **redials
    )


def service_level(
    offered_load, agents, lines, *, aht_s, answer_within_s, mean_patience_s=_INF, basis="offered", **redials
):
    """Fraction answered within ``answer_within_s`` seconds, on the named basis.

    ``basis``: "offered" (over every offered call; busy signals and hang-ups are misses),
    "answered" (over answered calls), "admitted" (over calls that got a line) or
    "virtual" (P(wait <= t) of a caller who would never hang up, over admitted calls).

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    agents : array_like of float
        Agents; non-integers use the continuous extension.
    lines : array_like of float
        Phone lines, at least the agents (inf: unlimited).
    aht_s : array_like of float
        Mean handle time, seconds.
    answer_within_s : array_like of float
        Service-level threshold, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).
    basis : {"offered", "answered", "virtual"}
        Which service level (see the module docstring).
    **redials : keyword arguments
        ``redial_blocked`` and ``redial_abandoned`` fractions (see `metrics`).

    Returns
    -------
    ndarray of float64
        Broadcast over the inputs (0-d for scalars).

    Examples
    --------
    >>> round(float(service_level(10.0, 13, 18, aht_s=300, answer_within_s=20, mean_patience_s=120)), 6)
    0.880504
    """
    v.choice("basis", basis, ("offered", "answered", "admitted", "virtual"))
    if not redials or all(np.all(np.asarray(r) == 0) for r in redials.values()):
        what = {
            "offered": k.M_SL_OFFERED,
            "answered": k.M_SL_ANSWERED,
            "admitted": k.M_SL_ADMITTED,
            "virtual": k.M_SL_VIRTUAL,
        }[basis]
        return cm.one_metric(
            what,
            offered_load,
            agents,
            lines,
            aht_s=aht_s,
            mean_patience_s=mean_patience_s,
            answer_within_s=answer_within_s,
        )
    m = metrics(
        offered_load,
        agents,
        lines,
        aht_s=aht_s,
        mean_patience_s=mean_patience_s,
        answer_within_s=answer_within_s,
        **redials,
    )
    return m.service_level(basis)


def average_speed_of_answer(offered_load, agents, lines, *, aht_s, mean_patience_s=_INF, **redials):
    """Mean wait of answered calls, seconds (not counting abandoned or blocked calls).

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    agents : array_like of float
        Agents; non-integers use the continuous extension.
    lines : array_like of float
        Phone lines, at least the agents (inf: unlimited).
    aht_s : array_like of float
        Mean handle time, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).
    **redials : keyword arguments
        ``redial_blocked`` and ``redial_abandoned`` fractions (see `metrics`).

    Returns
    -------
    ndarray of float64
        Broadcast over the inputs (0-d for scalars).

    Examples
    --------
    >>> round(float(average_speed_of_answer(10.0, 10, 20, aht_s=300, mean_patience_s=600)), 3)
    55.884
    """
    return _one(
        "average_speed_of_answer_s",
        offered_load,
        agents,
        lines,
        aht_s=aht_s,
        mean_patience_s=mean_patience_s,
        **redials,
    )


def mean_wait(offered_load, agents, lines, *, aht_s, mean_patience_s=_INF, **redials):
    """Mean wait of every admitted call, answered or abandoned, seconds.

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    agents : array_like of float
        Agents; non-integers use the continuous extension.
    lines : array_like of float
        Phone lines, at least the agents (inf: unlimited).
    aht_s : array_like of float
        Mean handle time, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).
    **redials : keyword arguments
        ``redial_blocked`` and ``redial_abandoned`` fractions (see `metrics`).

    Returns
    -------
    ndarray of float64
        Broadcast over the inputs (0-d for scalars).

    Examples
    --------
    >>> round(float(mean_wait(10.0, 10, 20, aht_s=300, mean_patience_s=600)), 3)
    57.972
    """
    return _one("mean_wait_s", offered_load, agents, lines, aht_s=aht_s, mean_patience_s=mean_patience_s, **redials)


def occupancy(offered_load, agents, lines, *, aht_s, mean_patience_s=_INF, **redials):
    """Carried load over agents (answered calls only).

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    agents : array_like of float
        Agents; non-integers use the continuous extension.
    lines : array_like of float
        Phone lines, at least the agents (inf: unlimited).
    aht_s : array_like of float
        Mean handle time, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).
    **redials : keyword arguments
        ``redial_blocked`` and ``redial_abandoned`` fractions (see `metrics`).

    Returns
    -------
    ndarray of float64
        Broadcast over the inputs (0-d for scalars).

    Examples
    --------
    >>> round(float(occupancy(10.0, 10, 20, aht_s=300, mean_patience_s=600)), 6)
    0.894423
    """
    return _one("occupancy", offered_load, agents, lines, aht_s=aht_s, mean_patience_s=mean_patience_s, **redials)


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

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    lines : array_like of float
        Phone lines, at least the agents (inf: unlimited).
    aht_s : array_like of float
        Mean handle time, seconds.
    answer_within_s : array_like of float
        Service-level threshold, seconds.
    level : array_like of float
        Target fraction in [0, 1): pass 0.8 for 80 %.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).
    basis : {"offered", "answered", "virtual"}
        Which service level (see the module docstring).
    max_occupancy : array_like of float, optional
        Occupancy cap in (0, 1].
    redial_blocked : array_like of float, optional
        Fraction of blocked attempts that call again.
    redial_abandoned : array_like of float, optional
        Fraction of abandoned attempts that call again.

    Returns
    -------
    ndarray of int64
        The fewest agents; 0 where the load is 0.

    Examples
    --------
    >>> int(agents_for_service_level(10.0, 20, aht_s=300, answer_within_s=20, level=0.8, mean_patience_s=120))
    12
    """
    b = v.choice("basis", basis, ("offered", "answered", "virtual"))
    goals = [(cm.BASES[b], cm.check_level(level), False)]
    return cm.agents_for(
        offered_load,
        lines,
        aht_s=aht_s,
        mean_patience_s=mean_patience_s,
        answer_within_s=answer_within_s,
        goals=goals,
        max_occupancy=max_occupancy,
        redial_blocked=redial_blocked,
        redial_abandoned=redial_abandoned,
    )


def agents_for_asa(offered_load, lines, *, aht_s, max_asa_s, mean_patience_s=_INF, max_occupancy=None, **redials):
    """Fewest agents whose mean wait of answered calls is at most ``max_asa_s``.

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    lines : array_like of float
        Phone lines, at least the agents (inf: unlimited).
    aht_s : array_like of float
        Mean handle time, seconds.
    max_asa_s : array_like of float
        Largest mean wait of answered calls, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).
    max_occupancy : array_like of float, optional
        Occupancy cap in (0, 1].
    **redials : keyword arguments
        ``redial_blocked`` and ``redial_abandoned`` fractions (see `metrics`).

    Returns
    -------
    ndarray of int64
        The fewest agents; 0 where the load is 0.

    Examples
    --------
    >>> int(agents_for_asa(10.0, 20, aht_s=300, max_asa_s=15, mean_patience_s=120))
    10
    """
    goals = [(k.M_ASA, v.positive_array("max_asa_s", max_asa_s) / v.positive_array("aht_s", aht_s), True)]
    return cm.agents_for(
        offered_load,
        lines,
        aht_s=aht_s,
        mean_patience_s=mean_patience_s,
        answer_within_s=0.0,
        goals=goals,
        max_occupancy=max_occupancy,
        **redials,
    )


def agents_for_abandon_rate(offered_load, lines, *, aht_s, mean_patience_s, max_abandon, max_occupancy=None, **redials):
    """Fewest agents whose abandonment probability is at most ``max_abandon``.

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    lines : array_like of float
        Phone lines, at least the agents (inf: unlimited).
    aht_s : array_like of float
        Mean handle time, seconds.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).
    max_abandon : array_like of float
        Largest fraction of calls that hang up.
    max_occupancy : array_like of float, optional
        Occupancy cap in (0, 1].
    **redials : keyword arguments
        ``redial_blocked`` and ``redial_abandoned`` fractions (see `metrics`).

    Returns
    -------
    ndarray of int64
        The fewest agents; 0 where the load is 0.

    Examples
    --------
    >>> int(agents_for_abandon_rate(10.0, 20, aht_s=300, mean_patience_s=120, max_abandon=0.05))
    13
    """
    goals = [(k.M_ABANDON, v.fraction_array("max_abandon", max_abandon, open_low=True), True)]
    return cm.agents_for(
        offered_load,
        lines,
        aht_s=aht_s,
        mean_patience_s=mean_patience_s,
        answer_within_s=0.0,
        goals=goals,
        max_occupancy=max_occupancy,
        **redials,
    )


def lines_for_blocking(
    offered_load, agents, *, aht_s, blocking, mean_patience_s=_INF, redial_blocked=0.0, redial_abandoned=0.0
):
    """Fewest lines (>= agents) whose busy-signal probability is at most ``blocking``.

    Parameters
    ----------
    offered_load : array_like of float
        Offered traffic in Erlangs (calls per second times AHT).
    agents : array_like of float
        Agents; non-integers use the continuous extension.
    aht_s : array_like of float
        Mean handle time, seconds.
    blocking : array_like of float
        Largest fraction of calls that hear a busy signal.
    mean_patience_s : array_like of float
        Mean of the exponential patience, seconds (inf: nobody hangs up).
    redial_blocked : array_like of float, optional
        Fraction of blocked attempts that call again.
    redial_abandoned : array_like of float, optional
        Fraction of abandoned attempts that call again.

    Returns
    -------
    ndarray of int64
        The fewest lines.

    Examples
    --------
    >>> int(lines_for_blocking(10.0, 10, aht_s=300, blocking=0.01))
    106
    >>> int(lines_for_blocking(10.0, 10, aht_s=300, blocking=0.01, mean_patience_s=120))
    16
    """
    A = cm.load(offered_load)
    c = cm.agents(agents)
    shape, f = cm.broadcast(
        A=A,
        c=c,
        aht=cm.aht(aht_s),
        pat=cm.patience(mean_patience_s),
        goal=v.fraction_array("blocking", blocking, open_low=True),
        rb=v.fraction_array("redial_blocked", redial_blocked),
        ra=v.fraction_array("redial_abandoned", redial_abandoned),
    )
    th = cm.theta(f["aht"], f["pat"])
    z = np.zeros_like(f["A"])
    cap = np.ceil(f["c"] + 20.0 * f["A"] + 100.0 * np.sqrt(f["A"]) + 1000.0)
    out = np.empty(f["A"].size, dtype=np.int64)
    k.lines_search_loop(f["A"], f["c"], th, z, f["rb"], f["ra"], f["goal"], cap, out)
    cm.raise_unreachable(out, shape, "lines", offered_load=f["A"], agents=f["c"], blocking=f["goal"])
    return cm.reshape(out, shape)
