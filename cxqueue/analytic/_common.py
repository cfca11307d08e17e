"""Shared plumbing of the analytic modules: validation, broadcasting and result types.

Public functions validate here once, broadcast their inputs like numpy, hand flat
contiguous float64 arrays to a kernel in ``_kernels`` and reshape the output (0-d for
scalar input).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.analytic import _kernels as k
from cxqueue.exceptions import ConfigError, InfeasibleError

__all__ = ["QueueMetrics", "broadcast", "check_level", "reshape"]

BASES = {"offered": k.M_SL_OFFERED, "answered": k.M_SL_ANSWERED, "virtual": k.M_SL_VIRTUAL}


#: the caller's names for the short keys the wrappers use internally
PUBLIC_NAMES = {
    "A": "offered_load",
    "x": "agents",
    "c": "agents",
    "n": "lines",
    "aht": "aht_s",
    "t": "answer_within_s",
    "pat": "mean_patience_s",
    "rb": "redial_blocked",
    "ra": "redial_abandoned",
    "r": "redial",
    "occ": "max_occupancy",
    "target": "blocking",
}


def broadcast(labels: dict | None = None, **arrays: np.ndarray) -> tuple[tuple[int, ...], dict[str, np.ndarray]]:
    """Broadcast named arrays together; return the shape and flat contiguous copies.

    The error names the caller's parameters (``labels`` overrides `PUBLIC_NAMES`).
    """
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError as exc:
        names = {**PUBLIC_NAMES, **(labels or {})}
        shapes = ", ".join(f"{names.get(n, n)}{a.shape}" for n, a in arrays.items() if a.ndim)
        raise ConfigError(f"inputs must broadcast together; got shapes {shapes}") from exc
    flat = {n: np.ascontiguousarray(np.broadcast_to(a, shape), dtype=np.float64).ravel() for n, a in arrays.items()}
    return shape, flat


def reshape(out: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Give a flat kernel output the broadcast shape (0-d array for scalar input)."""
    return out.reshape(shape + out.shape[1:])


def load(x) -> np.ndarray:
    return v.nonneg_array("offered_load", x)


def agents(x, name: str = "agents") -> np.ndarray:
    return v.nonneg_array(name, x)


def aht(x) -> np.ndarray:
    return v.positive_array("aht_s", x)


def threshold(x) -> np.ndarray:
    return v.nonneg_array("answer_within_s", x)


def patience(x) -> np.ndarray:
    return v.positive_array("mean_patience_s", x, allow_inf=True)


def check_level(x, name: str = "level") -> np.ndarray:
    """A service-level goal: a fraction in [0, 1) (no finite staffing reaches exactly 1)."""
    arr = v.fraction_array(name, x)
    v.check(name, arr, arr < 1.0, "< 1 (no finite staffing answers every call in time)")
    return arr


def lines_for(agents_arr: np.ndarray, lines) -> np.ndarray:
    """Validate lines >= agents (inf allowed: unlimited)."""
    n = v.nonneg_array("lines", lines, allow_inf=True)
    try:
        a, nn = np.broadcast_arrays(agents_arr, n)
    except ValueError as exc:
        raise ConfigError(
            f"inputs must broadcast together; got shapes agents{agents_arr.shape}, lines{n.shape}"
        ) from exc
    ok = nn >= a
    if not np.all(ok):
        flat = int(np.flatnonzero(~ok.ravel())[0])
        idx = flat if a.ndim <= 1 else tuple(int(i) for i in np.unravel_index(flat, a.shape))
        raise ConfigError(
            f"lines must be >= agents (a line is held while a caller waits or talks); "
            f"{int((~ok).sum())} of {ok.size} values break it (first at index {idx}: "
            f"lines={float(nn.ravel()[flat])!r} < agents={float(a.ravel()[flat])!r})"
        )
    return n


def waiting_places(agents_flat: np.ndarray, lines_flat: np.ndarray) -> np.ndarray:
    """K = floor(lines - agents) waiting places; -1 for unlimited lines."""
    K = np.full(agents_flat.shape, -1, dtype=np.int64)
    fin = np.isfinite(lines_flat)
    K[fin] = np.floor(lines_flat[fin] - agents_flat[fin] + 1e-9).astype(np.int64)
    return K


def theta(aht_flat: np.ndarray, patience_flat: np.ndarray) -> np.ndarray:
    """Abandonment rate in units of the service rate: AHT / mean patience (0 if infinite)."""
    return np.where(np.isinf(patience_flat), 0.0, aht_flat / patience_flat)


def fraction(name: str, x) -> np.ndarray:
    return v.fraction_array(name, x)


def raise_unreachable(out: np.ndarray, shape, what: str, **context: np.ndarray) -> None:
    """Raise InfeasibleError where a search returned -1, naming the first such input."""
    bad = out < 0
    if bad.any():
        flat = int(np.flatnonzero(bad)[0])
        idx = flat if len(shape) <= 1 else tuple(int(i) for i in np.unravel_index(flat, shape))
        where = "" if len(shape) == 0 else f"; {int(bad.sum())} of {bad.size} values (first at index {idx})"
        ctx = ", ".join(f"{name}={float(arr[flat]):g}" for name, arr in context.items())
        raise InfeasibleError(f"no number of {what} meets the target at {ctx}{where}")


@dataclass(frozen=True, eq=False)
class QueueMetrics:
    """Every steady-state metric of a queue with agents, lines, patience and redials.

    Probabilities are fractions of offered call attempts (redials included) unless the
    name says otherwise; waits are in seconds.

    Attributes
    ----------
    offered_load, total_load, retrial_load : ndarray
        Fresh load, load including redials, and their difference, in Erlangs.
    converged : ndarray of bool
        Whether the redial fixed point converged (always True without redials).
    blocking : ndarray
        P(busy signal): every line taken.
    wait_probability : ndarray
        P(admitted and waits > 0).
    abandon_probability : ndarray
        P(hangs up while waiting).
    answered : ndarray
        P(answered by an agent).
    service_level_offered, service_level_answered, service_level_admitted : ndarray
        P(answered within the threshold) over offered, answered and admitted calls.
    service_level_virtual : ndarray
        P(virtual wait <= threshold) over admitted calls: a caller who never hangs up.
    wait_exceeds : ndarray
        P(actual wait > threshold) over offered calls (a caller who hung up earlier is a hit).
    mean_wait_s : ndarray
        Mean wait of admitted calls, answered or abandoned (all calls, for Erlang A).
    average_speed_of_answer_s : ndarray
        Mean wait of answered calls.
    mean_queue : ndarray
        Time-average number of callers waiting.
    occupancy : ndarray
        Carried load over agents.
    """

    offered_load: np.ndarray
    total_load: np.ndarray
    retrial_load: np.ndarray
    converged: np.ndarray
    blocking: np.ndarray
    wait_probability: np.ndarray
    abandon_probability: np.ndarray
    answered: np.ndarray
    service_level_offered: np.ndarray
    service_level_answered: np.ndarray
    service_level_admitted: np.ndarray
    service_level_virtual: np.ndarray
    wait_exceeds: np.ndarray
    mean_wait_s: np.ndarray
    average_speed_of_answer_s: np.ndarray
    mean_queue: np.ndarray
    occupancy: np.ndarray

    def service_level(self, basis: str = "offered") -> np.ndarray:
        v.choice("basis", basis, ("offered", "answered", "admitted", "virtual"))
        return getattr(self, f"service_level_{basis}")

    def to_dict(self) -> dict:
        return {name: np.asarray(val).tolist() for name, val in self.__dict__.items()}


def queue_metrics(
    offered_load,
    agents_,
    lines,
    *,
    aht_s,
    mean_patience_s,
    answer_within_s,
    redial_blocked,
    redial_abandoned,
    tol,
    max_iter,
) -> QueueMetrics:
    """Validate, broadcast and evaluate every metric (the engine of erlang_a and erlang_x)."""
    A = load(offered_load)
    c = agents(agents_)
    n = lines_for(c, lines)
    shape, f = broadcast(
        A=A,
        c=c,
        n=n,
        aht=aht(aht_s),
        pat=patience(mean_patience_s),
        t=threshold(answer_within_s),
        rb=fraction("redial_blocked", redial_blocked),
        ra=fraction("redial_abandoned", redial_abandoned),
    )
    K = waiting_places(f["c"], f["n"])
    th = theta(f["aht"], f["pat"])
    tt = f["t"] / f["aht"]
    size = f["A"].size
    out = np.empty((size, k.N_METRICS))
    res = np.empty((size, 4))
    k.redial_metrics_loop(f["A"], f["c"], K, th, tt, f["rb"], f["ra"], float(tol), int(max_iter), out, res)
    a = f["aht"]

    def col(i, scale=None):
        x = out[:, i] if scale is None else out[:, i] * scale
        return reshape(np.ascontiguousarray(x), shape)

    return QueueMetrics(
        offered_load=reshape(f["A"].copy(), shape),
        total_load=reshape(res[:, 0].copy(), shape),
        retrial_load=reshape(res[:, 1].copy(), shape),
        converged=reshape(res[:, 3] == 1.0, shape),
        blocking=col(k.M_BLOCK),
        wait_probability=col(k.M_WAIT),
        abandon_probability=col(k.M_ABANDON),
        answered=col(k.M_SERVED),
        service_level_offered=col(k.M_SL_OFFERED),
        service_level_answered=col(k.M_SL_ANSWERED),
        service_level_admitted=col(k.M_SL_ADMITTED),
        service_level_virtual=col(k.M_SL_VIRTUAL),
        wait_exceeds=col(k.M_W_GT_T),
        mean_wait_s=col(k.M_EW_ADMITTED, a),
        average_speed_of_answer_s=col(k.M_ASA, a),
        mean_queue=col(k.M_EQ),
        occupancy=col(k.M_OCC),
    )


def one_metric(
    what: int, offered_load, agents_, lines, *, aht_s, mean_patience_s, answer_within_s=0.0, in_seconds=False
):
    """One metric without redials, through the lighter single-metric kernel."""
    A = load(offered_load)
    c = agents(agents_)
    n = lines_for(c, lines)
    shape, f = broadcast(A=A, c=c, n=n, aht=aht(aht_s), pat=patience(mean_patience_s), t=threshold(answer_within_s))
    K = waiting_places(f["c"], f["n"])
    out = np.empty(f["A"].size)
    k.queue_metric_loop(f["A"], f["c"], K, theta(f["aht"], f["pat"]), f["t"] / f["aht"], what, out)
    if in_seconds:
        out *= f["aht"]
    return reshape(out, shape)


def agents_for(
    offered_load,
    lines,
    *,
    aht_s,
    mean_patience_s,
    answer_within_s,
    goals,
    max_occupancy,
    redial_blocked=0.0,
    redial_abandoned=0.0,
) -> np.ndarray:
    """Smallest integer agents meeting every goal; goals = [(metric index, value, upper)].

    Each metric is monotone in agents, so the answer is the largest of the per-goal minima.
    """
    A = load(offered_load)
    n = v.nonneg_array("lines", lines, allow_inf=True)
    arrays = dict(
        A=A,
        n=n,
        aht=aht(aht_s),
        pat=patience(mean_patience_s),
        t=threshold(answer_within_s),
        rb=fraction("redial_blocked", redial_blocked),
        ra=fraction("redial_abandoned", redial_abandoned),
    )
    for i, (_, value, _) in enumerate(goals):
        arrays[f"g{i}"] = value
    if max_occupancy is not None:
        arrays["occ"] = v.fraction_array("max_occupancy", max_occupancy, open_low=True)
    shape, f = broadcast(**arrays)
    th = theta(f["aht"], f["pat"])
    tt = f["t"] / f["aht"]
    lines_flat = np.where(np.isinf(f["n"]), -1.0, f["n"])
    cap = np.where(lines_flat >= 0, lines_flat, np.ceil(10.0 * f["A"] + 50.0 * np.sqrt(f["A"]) + 1000.0))
    best = np.zeros(f["A"].size, dtype=np.int64)
    zeros = np.zeros_like(f["A"])
    if max_occupancy is not None:
        goals = [*goals, (k.M_OCC, None, True)]
    for i, (what, _, upper) in enumerate(goals):
        goal = f["occ"] if what == k.M_OCC else f[f"g{i}"]
        if what in (k.M_SL_OFFERED, k.M_SL_ANSWERED, k.M_SL_VIRTUAL):
            guess = np.empty(f["A"].size, dtype=np.int64)
            k.erlang_c_inverse_loop(f["A"], tt, goal, 0, zeros, guess)
            guess = guess.astype(np.float64)
        else:
            guess = np.ceil(f["A"])
        guess = np.minimum(guess, cap)
        out = np.empty(f["A"].size, dtype=np.int64)
        k.agents_search_loop(f["A"], lines_flat, th, tt, f["rb"], f["ra"], what, goal, upper, zeros, guess, cap, out)
        raise_unreachable(out, shape, "agents", offered_load=f["A"], lines=f["n"], target=goal)
        best = np.maximum(best, out)
    return reshape(best, shape)
