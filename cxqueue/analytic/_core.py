"""The internal tier of the analytic models: trusted input, no validation (SciPy's ``_iv`` shape).

The public functions of ``erlang_b``, ``erlang_c``, ``erlang_a`` and ``erlang_x`` validate
their input once (``_iv``) and call these; so do the optimizers and the planner, which
hold input they have already checked and call the models in loops. Every function here

* takes numbers or arrays in the public units (Erlangs, agents, lines, seconds,
  fractions) that broadcast together and are valid: nothing is checked, and invalid
  input gives meaningless numbers instead of an error;
* returns float64 or int64 arrays of the broadcast shape (0-d for scalars);
* marks an unreachable target with -1 (the public functions raise `InfeasibleError`), and a
  queue beyond the budget of the sums with NaN (metrics) or -2 (searches): the public
  functions raise `ConfigError` (see `_kernels.queue.MAX_POSITIONS`).

Metrics are named by the codes below (`SL` maps a service-level basis to its code). For
example, the fewest agents for 80 % within 20 s (offered basis) under Erlang A::

    core.queue_agents([(core.SL["offered"], 0.8)], load, np.inf, aht_s=aht, mean_patience_s=300.0,
                      answer_within_s=20.0)
"""

from __future__ import annotations

import math

import numpy as np

from cxqueue.analytic import _kernels as k
from cxqueue.analytic._common import ExtendedErlangB, QueueMetrics
from cxqueue.analytic._kernels import erlang_b as kb
from cxqueue.analytic._kernels import erlang_c as kc
from cxqueue.analytic._kernels import queue as kq
from cxqueue.analytic._kernels import search as ks

__all__ = [
    "ABANDON",
    "ASA",
    "BLOCK",
    "C_ASA",
    "C_OCC",
    "C_SL",
    "C_WAIT",
    "MAX_PLACES",
    "MAX_THETA",
    "MEAN_WAIT",
    "OCC",
    "SL",
    "WAIT",
    "agents_search",
    "erlang_b",
    "erlang_c",
    "erlang_c_agents",
    "extended_b",
    "flat",
    "lines_for_blocking_b",
    "load_for_blocking",
    "queue_agents",
    "queue_lines",
    "queue_metric",
    "queue_metrics",
    "theta",
    "waiting_places",
]

BLOCK, WAIT, ABANDON, ASA, MEAN_WAIT, OCC = k.M_BLOCK, k.M_WAIT, k.M_ABANDON, k.M_ASA, k.M_EW_ADMITTED, k.M_OCC
#: the service level on each basis
SL = {
    "offered": k.M_SL_OFFERED,
    "answered": k.M_SL_ANSWERED,
    "admitted": k.M_SL_ADMITTED,
    "virtual": k.M_SL_VIRTUAL,
}
C_WAIT, C_SL, C_ASA, C_OCC = k.C_WAIT, k.C_SL, k.C_ASA, k.C_OCC
_IN_SECONDS = (k.M_ASA, k.M_EW_ADMITTED)  # metrics in AHT units inside the kernels
_UPPER = (k.M_BLOCK, k.M_WAIT, k.M_ABANDON, k.M_ASA, k.M_EW_ADMITTED, k.M_OCC, k.M_W_GT_T, k.M_EQ)  # caps: <= goal
_FIXED_POINT = (1e-12, 500)  # tolerance and cap of the redial fixed point (searches)
#: waiting places beyond this are as many as unlimited (far past `kq.MAX_POSITIONS`, within int64)
MAX_PLACES = 2**62
#: the largest AHT / mean patience (beyond, AHT / patience overflows; 1e300 is instant hang-up)
MAX_THETA = 1e300


def flat(*xs) -> tuple[tuple[int, ...], list[np.ndarray]]:
    """The broadcast shape and each input as a flat C-contiguous writable float64 array.

    Arrays that already are such (and of the full shape) are used as they are; others are
    copied, so that every kernel sees one array type (numba compiles one copy per type).
    """
    arrs = [np.asarray(x, dtype=np.float64) for x in xs]
    shape = arrs[0].shape
    if any(a.shape != shape for a in arrs):
        shape = np.broadcast_shapes(*(a.shape for a in arrs))
    size = math.prod(shape)
    out = []
    for a in arrs:
        if a.shape == shape and a.flags.c_contiguous and a.flags.writeable:
            out.append(a.reshape(-1))
        elif a.ndim == 0:
            out.append(np.full(size, a[()]))
        else:
            out.append(np.array(np.broadcast_to(a, shape)).reshape(-1))
    return shape, out


def waiting_places(agents: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """K = floor(lines - agents) waiting places (flat arrays); -1 for unlimited lines."""
    K = np.full(agents.shape, -1, dtype=np.int64)
    fin = np.isfinite(lines)
    K[fin] = np.minimum(np.floor(lines[fin] - agents[fin] + 1e-9), float(MAX_PLACES)).astype(np.int64)
    return K


def theta(aht_s: np.ndarray, patience_s: np.ndarray) -> np.ndarray:
    """Abandonment rate in units of the service rate: AHT / mean patience (0 if infinite; at most
    `MAX_THETA`: a patience that short makes every waiting caller hang up at once)."""
    with np.errstate(over="ignore"):
        return np.where(np.isinf(patience_s), 0.0, np.minimum(aht_s / patience_s, MAX_THETA))


def _redial(rb: np.ndarray, ra: np.ndarray) -> np.ndarray | None:
    """The searches' redial rows (blocked, abandoned), or None without redials (numba then
    compiles a search without the redial fixed point)."""
    if not (rb.any() or ra.any()):
        return None
    return np.stack([rb, ra], axis=1)


def _cap(A: np.ndarray) -> np.ndarray:
    """The most agents a search tries without lines (far beyond any target)."""
    return np.ceil(10.0 * A + 50.0 * np.sqrt(A) + 1000.0)


# ------------------------------------------------------------------------- Erlang B
def erlang_b(load, lines) -> np.ndarray:
    """B(lines, load): the blocking probability of Erlang B."""
    shape, (A, x) = flat(load, lines)
    out = np.empty(A.size)
    kb.blocking_loop(A, x, out)
    return out.reshape(shape)


def lines_for_blocking_b(load, blocking, redial=0.0) -> np.ndarray:
    """Fewest lines with Erlang B blocking <= ``blocking`` (per attempt, with redials); -1: none."""
    shape, (A, target, r) = flat(load, blocking, redial)
    out = np.empty(A.size, dtype=np.int64)
    kb.lines_for_blocking_loop(A, target, out)
    need = r > 0
    if need.any():
        z = np.zeros(A.size)
        more = np.empty_like(out)
        ks.agents_search_loop(
            A,
            np.full(A.size, -2.0),
            z,
            z,
            _redial(r, z),
            k.M_BLOCK,
            target,
            True,
            z,
            out.astype(np.float64),
            _cap(A),
            more,
        )
        out = np.where(need | (more < 0), more, out)
    return out.reshape(shape)


def load_for_blocking(lines, blocking) -> np.ndarray:
    """The offered load that ``lines`` lines carry at blocking ``blocking`` (in (0, 1))."""
    shape, (x, target) = flat(lines, blocking)
    out = np.empty(x.size)
    kb.load_for_blocking_loop(x, target, out)
    return out.reshape(shape)


def extended_b(load, lines, redial, tol=1e-12, max_iter=1000) -> ExtendedErlangB:
    """The extended Erlang B fixed point A = A0 + redial A B(lines, A)."""
    shape, (A, x, r) = flat(load, lines, redial)
    res = np.empty((A.size, 5))
    kb.extended_b_loop(A, x, r, float(tol), int(max_iter), res)
    return ExtendedErlangB(
        blocking=res[:, 0].reshape(shape),
        total_load=res[:, 1].reshape(shape),
        retrial_load=res[:, 2].reshape(shape),
        iterations=res[:, 3].astype(np.int64).reshape(shape),
        converged=(res[:, 4] == 1.0).reshape(shape),
    )


# ------------------------------------------------------------------------- Erlang C
def erlang_c(what: int, load, agents, aht_s=1.0, answer_within_s=0.0) -> np.ndarray:
    """One Erlang C metric: ``what`` is `C_WAIT`, `C_SL`, `C_ASA` (seconds) or `C_OCC`."""
    if what == C_ASA:
        shape, (A, x, tt, aht) = flat(load, agents, np.divide(answer_within_s, aht_s), aht_s)
    else:  # the threshold over the AHT before broadcasting: one array less to build
        shape, (A, x, tt) = flat(load, agents, np.divide(answer_within_s, aht_s))
    out = np.empty(A.size)
    kc.metric_loop(A, x, tt, what, out)
    if what == C_ASA:
        out *= aht
    return out.reshape(shape)


def erlang_c_agents(kind: int, load, aht_s, answer_within_s, goal, max_occupancy=None) -> np.ndarray:
    """Fewest agents meeting an Erlang C goal (and occupancy at most ``max_occupancy``).

    ``kind``: `k.GOAL_SL` (``goal`` a service level), `k.GOAL_ASA` (``goal`` an ASA in
    seconds) or `k.GOAL_WAIT` (``goal`` a P(wait)).
    """
    capped = max_occupancy is not None
    shape, (A, aht, t, g, *o) = flat(load, aht_s, answer_within_s, goal, *([max_occupancy] if capped else []))
    min_agents = A / o[0] if capped else np.zeros_like(A)
    out = np.empty(A.size, dtype=np.int64)
    kc.agents_for_loop(A, t / aht, g / aht if kind == k.GOAL_ASA else g, kind, min_agents - 1e-9, out)
    return out.reshape(shape)


# ------------------------------------------------------------- queues with patience and lines
def queue_metric(what: int, load, agents, lines, aht_s, mean_patience_s, answer_within_s=0.0) -> np.ndarray:
    """One metric of M/M/c/N+M without redials (waits in seconds); ``lines`` inf: Erlang A."""
    shape, (A, c, n, aht, pat, t) = flat(load, agents, lines, aht_s, mean_patience_s, answer_within_s)
    out = np.empty(A.size)
    kq.queue_metric_loop(A, c, waiting_places(c, n), theta(aht, pat), t / aht, what, out)
    if what in _IN_SECONDS:
        out *= aht
    return out.reshape(shape)


def queue_metrics(
    load, agents, lines, aht_s, mean_patience_s, answer_within_s=0.0, rb=0.0, ra=0.0, tol=1e-12, max_iter=500
) -> QueueMetrics:
    """Every metric of M/M/c/N+M with the redial fixed point (`QueueMetrics`): ``rb`` and ``ra``
    are the fractions of blocked and of abandoned callers who call again."""
    shape, (A, c, n, aht, pat, t, rb, ra) = flat(load, agents, lines, aht_s, mean_patience_s, answer_within_s, rb, ra)
    out = np.empty((A.size, k.N_METRICS))
    res = np.empty((A.size, 4))
    K = waiting_places(c, n)
    kq.redial_metrics_loop(A, c, K, theta(aht, pat), t / aht, rb, ra, float(tol), int(max_iter), True, out, res)

    def col(i, scale=None):
        x = out[:, i] if scale is None else out[:, i] * scale
        return np.ascontiguousarray(x).reshape(shape)

    return QueueMetrics(
        offered_load=A.copy().reshape(shape),
        total_load=res[:, 0].copy().reshape(shape),
        retrial_load=res[:, 1].copy().reshape(shape),
        converged=(res[:, 3] == 1.0).reshape(shape),
        blocking=col(k.M_BLOCK),
        wait_probability=col(k.M_WAIT),
        abandon_probability=col(k.M_ABANDON),
        answered=col(k.M_SERVED),
        service_level_offered=col(k.M_SL_OFFERED),
        service_level_answered=col(k.M_SL_ANSWERED),
        service_level_admitted=col(k.M_SL_ADMITTED),
        service_level_virtual=col(k.M_SL_VIRTUAL),
        wait_exceeds=col(k.M_W_GT_T),
        mean_wait_s=col(k.M_EW_ADMITTED, aht),
        average_speed_of_answer_s=col(k.M_ASA, aht),
        mean_queue=col(k.M_EQ),
        occupancy=col(k.M_OCC),
    )


def queue_agents(
    goals, load, lines, aht_s, mean_patience_s, answer_within_s=0.0, max_occupancy=None, rb=0.0, ra=0.0
) -> np.ndarray:
    """Fewest agents meeting every goal; -1 where some goal is out of reach.

    ``goals`` is a sequence of ``(code, value)``: a service level (``SL[basis]``, value the
    level, met from below) or a cap (`ASA` in seconds, `ABANDON`, `BLOCK`, `WAIT`, `OCC`,
    met from above). ``max_occupancy`` adds the cap ``OCC``. ``lines`` inf: unlimited. ``rb``,
    ``ra``: the fractions of blocked and of abandoned callers who call again.
    Each metric is monotone in agents, so the answer is the largest of the per-goal minima.
    """
    goals = [*goals, (k.M_OCC, max_occupancy)] if max_occupancy is not None else list(goals)
    best = None
    for code, value in goals:
        goal = np.divide(value, aht_s) if code in _IN_SECONDS else value
        out = agents_search(code, goal, load, lines, aht_s, mean_patience_s, answer_within_s, rb, ra)
        bad = (best < 0) | (out < 0) if best is not None else None
        best = out if best is None else np.where(bad, np.minimum(np.minimum(best, out), -1), np.maximum(best, out))
    return best


def agents_search(code, goal, load, lines, aht_s, mean_patience_s, answer_within_s, rb, ra):
    """The fewest agents for one goal, in the kernels' units (an ASA goal in multiples of the AHT);
    -1 where none up to the lines (or far beyond the load) reaches it. The engine of `queue_agents`."""
    shape, (A, n, aht, pat, t, g, rb, ra) = flat(load, lines, aht_s, mean_patience_s, answer_within_s, goal, rb, ra)
    lines_k = np.where(np.isinf(n), -1.0, n)
    cap = np.where(lines_k >= 0, np.minimum(lines_k, _cap(A)), _cap(A))  # the cap: far beyond any target
    z = np.zeros(A.size)
    out = np.empty(A.size, dtype=np.int64)
    ks.agents_search_loop(
        A,
        lines_k,
        theta(aht, pat),
        t / aht,
        _redial(rb, ra),
        code,
        g,
        code in _UPPER,
        z,
        np.full(A.size, -1.0),
        cap,
        out,
    )
    return out.reshape(shape)


def queue_lines(load, agents, aht_s, mean_patience_s, blocking, rb=0.0, ra=0.0) -> np.ndarray:
    """Fewest lines (>= agents) with P(busy signal) <= ``blocking``; -1 where none reaches it (``rb``,
    ``ra``: the fractions of blocked and of abandoned callers who call again)."""
    shape, (A, c, aht, pat, goal, rb, ra) = flat(load, agents, aht_s, mean_patience_s, blocking, rb, ra)
    z = np.zeros(A.size)
    cap = np.ceil(c + 20.0 * A + 100.0 * np.sqrt(A) + 1000.0)
    out = np.empty(A.size, dtype=np.int64)
    ks.lines_search_loop(A, c, theta(aht, pat), z, rb, ra, goal, cap, out)
    return out.reshape(shape)
