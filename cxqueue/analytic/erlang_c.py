"""Erlang C (M/M/c): agents, waits and service level with unlimited patience and lines.

With offered load A Erlangs and c agents (c > A), the probability of waiting is
``C = c B / (c - A + A B)`` with B the Erlang B function, the service level is
``1 - C exp(-(c - A) t / AHT)`` and the average speed of answer ``C AHT / (c - A)``.
With c <= A the queue is unstable: these return their limits (P(wait) = 1, service
level 0, ASA inf) rather than raising. The inverses walk the recursion upward once,
updating it incrementally (O(sqrt(A) + answer - A) steps in all); above 1e6 Erlangs
every call costs bounded work (Temme's expansion of Erlang B, see `erlang_b`, and a
bisection), and the inverses take loads up to 1e15 Erlangs (an exact int64 answer).

A call with Python or NumPy numbers goes straight to the scalar kernel (about a
microsecond); arrays are validated once and broadcast (`cxqueue.analytic._core` is the
same without validation, for callers that hold valid arrays).
"""

from __future__ import annotations

from cxqueue.analytic import _core as core
from cxqueue.analytic import _iv as iv
from cxqueue.analytic import _scalar as sc
from cxqueue.analytic._doc import doc
from cxqueue.analytic._kernels import C_ASA, C_OCC, C_SL, C_WAIT, GOAL_ASA, GOAL_SL
from cxqueue.analytic._kernels import erlang_c as kc

__all__ = [
    "agents_for_asa",
    "agents_for_service_level",
    "average_speed_of_answer",
    "occupancy",
    "service_level",
    "wait_probability",
]

_INF = float("inf")
_MAX_COUNT = iv.MAX_COUNT


def _metric(what, offered_load, agents, aht_s=1.0, answer_within_s=0.0):
    """The array path of the metrics."""
    arrays = dict(A=iv.load(offered_load), x=iv.agents(agents), aht=iv.aht(aht_s), t=iv.threshold(answer_within_s))
    iv.shape_of(**arrays)
    return core.erlang_c(what, *arrays.values())


@doc(
    "offered_load",
    "agents",
    returns="""ndarray of float64
    1.0 where agents <= offered_load (overload).""",
)
def wait_probability(offered_load, agents):
    """Probability that a call waits (Erlang C formula).

    Examples
    --------
    >>> round(float(wait_probability(10.0, 14)), 6)
    0.174132
    >>> float(wait_probability(10.0, 9))
    1.0
    """
    s = sc.floats(offered_load, agents)
    if s is not None and 0.0 <= s[0] < _INF and 0.0 <= s[1] < _INF:
        return sc.f8(kc.metric(s[0], s[1], 0.0, C_WAIT))
    return _metric(C_WAIT, offered_load, agents)


@doc(
    "offered_load",
    "agents",
    """aht_s, answer_within_s : array_like of float
    Mean handle time and the threshold, in seconds.""",
    returns="""ndarray of float64 (0-d for scalar input)
    0.0 where agents <= offered_load.""",
)
def service_level(offered_load, agents, *, aht_s, answer_within_s):
    """Fraction of calls answered within ``answer_within_s`` seconds (M/M/c).

    Examples
    --------
    >>> round(float(service_level(10.0, 14, aht_s=180, answer_within_s=20)), 4)
    0.8884
    """
    s = sc.floats(offered_load, agents, aht_s, answer_within_s)
    if s is not None:
        A, c, h, t = s
        if 0.0 <= A < _INF and 0.0 <= c < _INF and 0.0 < h < _INF and 0.0 <= t < _INF:
            return sc.f8(kc.metric(A, c, t / h, C_SL))
    return _metric(C_SL, offered_load, agents, aht_s, answer_within_s)


@doc("offered_load", "agents", "aht_s", returns="float")
def average_speed_of_answer(offered_load, agents, *, aht_s):
    """Mean wait in seconds of all calls (all are answered): ``C AHT / (agents - load)``.

    Returns inf where agents <= offered_load.

    Examples
    --------
    >>> round(float(average_speed_of_answer(10.0, 14, aht_s=180)), 3)
    7.836
    """
    s = sc.floats(offered_load, agents, aht_s)
    if s is not None:
        A, c, h = s
        if 0.0 <= A < _INF and 0.0 <= c < _INF and 0.0 < h < _INF:
            return sc.f8(kc.metric(A, c, 0.0 / h, C_ASA) * h)
    return _metric(C_ASA, offered_load, agents, aht_s)


@doc("offered_load", "agents", returns="float")
def occupancy(offered_load, agents):
    """Fraction of agent time spent on calls: ``min(load / agents, 1)``.

    Examples
    --------
    >>> round(float(occupancy(10.0, 14)), 4)
    0.7143
    """
    s = sc.floats(offered_load, agents)
    if s is not None and 0.0 <= s[0] < _INF and 0.0 <= s[1] < _INF:
        return sc.f8(kc.metric(s[0], s[1], 0.0, C_OCC))
    return _metric(C_OCC, offered_load, agents)


def _inverse(kind, goal, offered_load, aht_s, answer_within_s, max_occupancy):
    """Both inverses: the scalar path when every input is a valid number, else the array path
    (``goal`` is then the validated goal)."""
    capped = max_occupancy is not None
    s = (
        sc.floats(offered_load, aht_s, answer_within_s, goal, max_occupancy)
        if capped
        else (sc.floats(offered_load, aht_s, answer_within_s, goal))
    )
    if s is not None:
        A, h, t, g = s[:4]
        if (
            0.0 <= A <= _MAX_COUNT
            and 0.0 < h < _INF
            and 0.0 <= t < _INF
            and (0.0 <= g < 1.0 if kind == GOAL_SL else 0.0 < g < _INF)
            and (not capped or (0.0 < s[4] <= 1.0 and A <= _MAX_COUNT * s[4]))
        ):
            min_agents = (A / s[4] if capped else 0.0) - 1e-9
            return sc.i8(kc.agents_for(A, t / h, g / h if kind == GOAL_ASA else g, kind, min_agents))
    goal = iv.check_level(goal) if kind == GOAL_SL else iv.positive("max_asa_s", goal)
    A = iv.counted("offered_load", iv.load(offered_load))
    arrays = dict(A=A, aht=iv.aht(aht_s), t=iv.threshold(answer_within_s), goal=goal)
    if capped:
        arrays["occ"] = iv.fraction("max_occupancy", max_occupancy, open_low=True)
    iv.shape_of(**arrays)
    if capped:
        iv.min_agents(A, arrays["occ"])
    return core.erlang_c_agents(kind, *arrays.values())


@doc(
    "offered_load",
    """aht_s, answer_within_s : array_like of float
    Mean handle time and the threshold, in seconds.""",
    "level",
    """max_occupancy : array_like of float, optional
    Occupancy cap in (0, 1]: at least ``offered_load / max_occupancy`` agents.""",
    returns="agents",
)
def agents_for_service_level(offered_load, *, aht_s, answer_within_s, level, max_occupancy=None):
    """Fewest agents whose service level is at least ``level`` (and occupancy at most the cap).

    Examples
    --------
    >>> int(agents_for_service_level(10.0, aht_s=180, answer_within_s=20, level=0.8))
    14
    >>> int(agents_for_service_level(10.0, aht_s=180, answer_within_s=20, level=0.8, max_occupancy=0.6))
    17
    """
    return _inverse(GOAL_SL, level, offered_load, aht_s, answer_within_s, max_occupancy)


@doc("offered_load", "aht_s", "max_asa_s", "max_occupancy", returns="agents")
def agents_for_asa(offered_load, *, aht_s, max_asa_s, max_occupancy=None):
    """Fewest agents whose average speed of answer is at most ``max_asa_s`` seconds.

    Examples
    --------
    >>> int(agents_for_asa(10.0, aht_s=180, max_asa_s=10))
    14
    """
    return _inverse(GOAL_ASA, max_asa_s, offered_load, aht_s, 0.0, max_occupancy)
