"""The public functions of Erlang A and X behind their docstrings: scalar path, then array path.

`erlang_a` is `erlang_x` with unlimited lines (``lines=inf``) and no redials; both modules
call these. Each function first tries the scalar fast path (`_scalar`: Python or NumPy
numbers straight to a scalar kernel); otherwise it validates (`_iv`, in the order of the
public parameters, so that the first bad one is named) and calls the internal tier
(`_core`).
"""

from __future__ import annotations

import math

import numpy as np

from cxqueue.analytic import _core as core
from cxqueue.analytic import _iv as iv
from cxqueue.analytic import _scalar as sc
from cxqueue.analytic._common import QueueMetrics
from cxqueue.analytic._kernels import N_METRICS
from cxqueue.analytic._kernels import queue as kq
from cxqueue.analytic._kernels import search as ks

_INF = math.inf
_MAX_K = 1e15  # more waiting places than this: the array path (K must fit an int64)
#: the rules of the model's parameters: load, agents, lines, AHT, patience, threshold
_MODEL = (sc.NONNEG, sc.NONNEG, sc.NONNEG_OR_INF, sc.POSITIVE, sc.POSITIVE_OR_INF, sc.NONNEG)
_NAMES = {  # the fields of QueueMetrics that one metric of the kernels gives
    **{f"service_level_{basis}": code for basis, code in core.SL.items()},
    "blocking": core.BLOCK,
    "wait_probability": core.WAIT,
    "abandon_probability": core.ABANDON,
    "average_speed_of_answer_s": core.ASA,
    "mean_wait_s": core.MEAN_WAIT,
    "occupancy": core.OCC,
}
_IN_SECONDS = (core.ASA, core.MEAN_WAIT)
_SL_CODES = tuple(core.SL.values())


def _model(offered_load, agents, lines, aht_s, mean_patience_s, answer_within_s):
    """The model's parameters as floats when the scalar path takes them, else None."""
    s = sc.values(_MODEL, offered_load, agents, lines, aht_s, mean_patience_s, answer_within_s)
    if s is None or s[2] < s[1] or _MAX_K < s[2] - s[1] < _INF:
        return None
    return s


def _k(c: float, n: float) -> int:
    """Waiting places of c agents on n lines (-1: unlimited), as `core.waiting_places`."""
    return -1 if n == _INF else min(math.floor(n - c + 1e-9), core.MAX_PLACES)


def _theta(aht: float, pat: float) -> float:
    return 0.0 if pat == _INF else min(aht / pat, core.MAX_THETA)


def _validated(offered_load, agents, lines, aht_s, mean_patience_s, answer_within_s) -> dict:
    A = iv.load(offered_load)
    c = iv.agents(agents)
    n = iv.lines_for(c, lines)
    return dict(A=A, c=c, n=n, aht=iv.aht(aht_s), pat=iv.patience(mean_patience_s), t=iv.threshold(answer_within_s))


def one_metric(what: int, offered_load, agents, lines, aht_s, mean_patience_s, answer_within_s=0.0):
    """One metric without redials (the single-metric functions); waits in seconds."""
    s = _model(offered_load, agents, lines, aht_s, mean_patience_s, answer_within_s)
    if s is not None:
        A, c, n, h, p, t = s
        val = kq.queue_metric(A, c, _k(c, n), _theta(h, p), t / h, what)
        if val != val:  # NaN: beyond the budget of the sums
            _too_long(np.asarray(True), A, c, n, h, p)
        return sc.f8(val * h if what in _IN_SECONDS else val)
    arrays = _validated(offered_load, agents, lines, aht_s, mean_patience_s, answer_within_s)
    iv.shape_of(**arrays)
    out = core.queue_metric(what, *arrays.values())
    _too_long(np.isnan(out), *list(arrays.values())[:5])
    return out


def _too_long(bad, A, c, n, aht, pat) -> None:
    iv.raise_too_long(bad, offered_load=A, agents=c, lines=n, aht_s=aht, mean_patience_s=pat)


def _zero(x) -> bool:
    """No redials: a zero, or an array of zeros (anything else goes to the fixed point, which validates it)."""
    if (type(x) is float or type(x) is int) and x == 0:
        return True
    try:
        return bool(np.all(np.asarray(x) == 0))
    except (TypeError, ValueError):  # not numbers (ragged, say): the fixed point's validation says so
        return False


def named_metric(
    name,
    offered_load,
    agents,
    lines,
    *,
    aht_s,
    mean_patience_s,
    answer_within_s=0.0,
    redial_blocked=0.0,
    redial_abandoned=0.0,
):
    """The field ``name`` of `QueueMetrics`: without redials that one metric is summed, with them every one."""
    if _zero(redial_blocked) and _zero(redial_abandoned):
        return one_metric(_NAMES[name], offered_load, agents, lines, aht_s, mean_patience_s, answer_within_s)
    m = metrics(offered_load, agents, lines, aht_s, mean_patience_s, answer_within_s, redial_blocked, redial_abandoned)
    return getattr(m, name)


def metrics(offered_load, agents, lines, aht_s, mean_patience_s, answer_within_s, rb, ra, tol=1e-12, max_iter=500):
    """Every metric with the redial fixed point (`erlang_x.metrics`; ``rb``, ``ra``: the redial fractions)."""
    s = _model(offered_load, agents, lines, aht_s, mean_patience_s, answer_within_s)
    r = sc.values((sc.FRACTION, sc.FRACTION, sc.POSITIVE_OR_INF), rb, ra, tol)
    if s is not None and r is not None and type(max_iter) is int and 1 <= max_iter <= iv.MAX_ITER:
        return _metrics_scalar(*s, *r, max_iter)
    tol, max_iter = iv.iteration(tol, max_iter)
    arrays = _validated(offered_load, agents, lines, aht_s, mean_patience_s, answer_within_s)
    arrays["rb"] = iv.fraction("redial_blocked", rb)
    arrays["ra"] = iv.fraction("redial_abandoned", ra)
    iv.shape_of(**arrays)
    m = core.queue_metrics(*arrays.values(), tol, max_iter)
    _too_long(np.isnan(m.blocking), *list(arrays.values())[:5])
    return m


def _metrics_scalar(A, c, n, h, p, t, rb, ra, tol, max_iter) -> QueueMetrics:
    m = np.empty(N_METRICS)
    res = np.empty(4)
    kq.redial_metrics(A, c, _k(c, n), _theta(h, p), t / h, rb, ra, tol, max_iter, True, m, res)
    if m[0] != m[0]:  # NaN: beyond the budget of the sums
        _too_long(np.asarray(True), A, c, n, h, p)
    f = [sc.f8(v) for v in m.tolist()]
    return QueueMetrics(
        offered_load=sc.f8(A),
        total_load=sc.f8(float(res[0])),
        retrial_load=sc.f8(float(res[1])),
        converged=np.asarray(res[3] == 1.0),
        blocking=f[core.BLOCK],
        wait_probability=f[core.WAIT],
        abandon_probability=f[core.ABANDON],
        answered=f[3],
        service_level_offered=f[core.SL["offered"]],
        service_level_answered=f[core.SL["answered"]],
        service_level_admitted=f[core.SL["admitted"]],
        service_level_virtual=f[core.SL["virtual"]],
        wait_exceeds=f[7],
        mean_wait_s=sc.f8(float(m[8]) * h),
        average_speed_of_answer_s=sc.f8(float(m[core.ASA]) * h),
        mean_queue=f[10],
        occupancy=f[core.OCC],
    )


# ----------------------------------------------------------------------------- inverses
_INVERSE = (sc.NONNEG, sc.NONNEG_OR_INF, sc.POSITIVE, sc.POSITIVE_OR_INF, sc.NONNEG)  # A, N, AHT, patience, t
_GOAL_NAMES = {"service_level": "level", "asa": "max_asa_s", "abandon": "max_abandon"}
_GOALS = {  # kind: (rule of the goal in the scalar path, its validation)
    "service_level": (sc.LEVEL, iv.check_level),
    "asa": (sc.POSITIVE, lambda x: iv.positive("max_asa_s", x)),
    "abandon": (sc.FRACTION_OPEN_LOW, lambda x: iv.fraction("max_abandon", x, open_low=True)),
}


def agents_for(
    kind,
    code,
    goal,
    offered_load,
    lines,
    *,
    aht_s,
    mean_patience_s,
    answer_within_s=0.0,
    max_occupancy=None,
    redial_blocked=0.0,
    redial_abandoned=0.0,
):
    """Fewest agents meeting one goal (``kind`` of `_GOALS`, metric ``code``) and the occupancy cap.

    The ASA goal ``goal`` is in seconds. Raises `InfeasibleError` where no staffing up to
    the lines meets it.
    """
    rule, check = _GOALS[kind]
    s = sc.values(
        (sc.COUNT, *_INVERSE[1:], rule, sc.FRACTION, sc.FRACTION, sc.FRACTION_OPEN_LOW),
        offered_load,
        lines,
        aht_s,
        mean_patience_s,
        answer_within_s,
        goal,
        redial_blocked,
        redial_abandoned,
        1.0 if max_occupancy is None else max_occupancy,
    )
    if s is not None and s[0] <= iv.MAX_COUNT * s[-1]:
        best = _agents_scalar(code, *s[:-1], None if max_occupancy is None else s[-1])
        if best >= 0:
            return sc.i8(best)
    # the array path: the goal first (as the public functions always checked it), then the model
    g = check(goal)
    if kind == "asa":
        iv.aht(aht_s)  # (its error before the model's, as the public functions always raised it)
    A = iv.counted("offered_load", iv.load(offered_load))
    arrays = dict(
        A=A,
        n=iv.nonneg("lines", lines, allow_inf=True),
        aht=iv.aht(aht_s),
        pat=iv.patience(mean_patience_s),
        t=iv.threshold(answer_within_s),
        rb=iv.fraction("redial_blocked", redial_blocked),
        ra=iv.fraction("redial_abandoned", redial_abandoned),
        g0=g,
    )
    if max_occupancy is not None:
        arrays["occ"] = iv.fraction("max_occupancy", max_occupancy, open_low=True)
    iv.shape_of({"g0": _GOAL_NAMES[kind]}, **arrays)
    goals = [(code, g / arrays["aht"] if kind == "asa" else g)]  # an ASA in AHT units, as the kernels take it
    if max_occupancy is not None:
        iv.min_agents(A, arrays["occ"])
        goals.append((core.OCC, arrays["occ"]))
    model = [arrays[x] for x in ("A", "n", "aht", "pat", "t")]
    best = None
    for what, value in goals:
        out = core.agents_search(what, value, *model, arrays["rb"], arrays["ra"])
        iv.raise_unreachable(out, "agents", offered_load=A, lines=arrays["n"], target=value)
        best = out if best is None else np.asarray(np.maximum(best, out))  # (the cap's shape may be the larger)
    return best


def _agents_scalar(code, A, n, h, p, t, goal, rb, ra, occ) -> int:
    """The scalar path of `agents_for`: -1 if some goal is out of reach (the array path then raises)."""
    lines_k = -1.0 if n == _INF else n
    cap = min(n, float(math.ceil(10.0 * A + 50.0 * math.sqrt(A) + 1000.0)))  # far beyond any target
    th, tt = _theta(h, p), t / h
    redial = None if rb == 0.0 and ra == 0.0 else np.array([rb, ra])
    goals = [(code, goal / h if code in _IN_SECONDS else goal)]
    if occ is not None:
        goals.append((core.OCC, occ))
    best = -1
    for what, g in goals:
        out = ks.agents_search(A, lines_k, th, tt, redial, what, g, what not in _SL_CODES, 0.0, -1.0, cap)
        if out < 0:
            return -1  # the array path raises (InfeasibleError, or the budget's ConfigError)
        best = max(best, out)
    return best


def lines_for_blocking(offered_load, agents, *, aht_s, blocking, mean_patience_s, redial_blocked, redial_abandoned):
    """Fewest lines (>= agents) whose busy-signal probability is at most ``blocking``."""
    s = sc.values(
        (sc.COUNT, sc.COUNT, sc.POSITIVE, sc.POSITIVE_OR_INF, sc.FRACTION_OPEN_LOW, sc.FRACTION, sc.FRACTION),
        offered_load,
        agents,
        aht_s,
        mean_patience_s,
        blocking,
        redial_blocked,
        redial_abandoned,
    )
    if s is not None:
        A, c, h, p, goal, rb, ra = s
        cap = math.ceil(c + 20.0 * A + 100.0 * math.sqrt(A) + 1000.0)
        out = ks.lines_search(A, c, _theta(h, p), 0.0, rb, ra, goal, float(cap))
        if out >= 0:
            return sc.i8(out)
    arrays = dict(
        A=iv.counted("offered_load", iv.load(offered_load)),
        c=iv.counted("agents", iv.agents(agents), "lines_for_blocking"),
        aht=iv.aht(aht_s),
        pat=iv.patience(mean_patience_s),
        goal=iv.fraction("blocking", blocking, open_low=True),
        rb=iv.fraction("redial_blocked", redial_blocked),
        ra=iv.fraction("redial_abandoned", redial_abandoned),
    )
    iv.shape_of(**arrays)
    out = core.queue_lines(*arrays.values())
    return iv.raise_unreachable(out, "lines", offered_load=arrays["A"], agents=arrays["c"], blocking=arrays["goal"])
