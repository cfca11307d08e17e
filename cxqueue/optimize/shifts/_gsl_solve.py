"""Solving shift schedules under a global service level: the target check, the first schedule, the MILP.

See `cxqueue.optimize.shifts._gsl` for the model and `cxqueue.optimize.shifts` for the public function.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from cxqueue.exceptions import ConfigError, CxqueueError, InfeasibleError
from cxqueue.optimize.shifts._covering import max_coverage, solve_core
from cxqueue.optimize.shifts._gsl import build_gsl, curve_service_level
from cxqueue.optimize.shifts._highs import emit

__all__ = ["gsl_setup", "solve_gsl"]


def gsl_setup(cand, sl, calls, target, is_open, upper, groups, sl_model, pen, label):
    """The global service-level block, after checking that the target is within reach."""
    cap = max_coverage(cand.coverage, upper, groups)
    coverable = cap > 0
    active = is_open & (calls > 0) & coverable
    dead = np.flatnonzero(is_open & (calls > 0) & ~coverable)
    total = float(calls[is_open].sum())
    if total <= 0:
        raise ConfigError("calls must be positive in at least one open interval for a global service level")
    fixed = float(calls[dead] @ sl[dead, 0]) if dead.size else 0.0
    reach_k = np.minimum(np.where(np.isfinite(cap), np.floor(cap + 1e-9), sl.shape[1] - 1), sl.shape[1] - 1)
    best = float(calls[active] @ sl[np.flatnonzero(active), reach_k[active].astype(np.int64)]) + fixed
    note = ""
    if dead.size:
        names = ", ".join(label(i) for i in dead[:8]) + (f" and {dead.size - 8} more" if dead.size > 8 else "")
        note = f"{dead.size} open interval(s) with calls have no candidate shift: {names}"
    if best < target * total - 1e-9 and pen is None:
        raise InfeasibleError(
            f"target_level={target:g} is out of reach: staffing every interval at its most (or at the end of "
            f"sl_curve) gives a global service level of {best / total:.4g}"
            + (f"; {note}" if note else "")
            + "; lower target_level, extend sl_curve or the templates, or pass shortage_penalty"
        )
    gsl_pen = None if pen is None else float(pen.max())
    block = build_gsl(
        cand.coverage, sl, calls, active, target * total - fixed, mode=sl_model, shortfall_var=pen is not None, cap=cap
    )
    return block, gsl_pen, note


def solve_gsl(req, cand, block, gsl_pen, pen, sl, calls, target, is_open, time_limit_s, mip_rel_gap, progress, kw):
    """LP relaxation, then a cover schedule of the LP's agents (rounded up) as a first schedule, then the MILP.

    HiGHS takes no starting solution through scipy and its own heuristics find poor
    schedules under a global constraint, so the cover of the LP staffing (feasible because
    service levels do not fall with more agents, and for "stable"/concave curves the LP's
    levels are the curve's) gives an incumbent; the MILP then only has to beat its cost
    (``cost <= incumbent`` is added), within what is left of ``time_limit_s``.
    """
    t0 = time.perf_counter()

    def left():
        return None if time_limit_s is None else max(time_limit_s - (time.perf_counter() - t0), 1e-3)

    def core(need, **more):
        """`solve_core` on the candidates: the first schedule's cover, or the model with the block."""
        return solve_core(need, cand.coverage, cand.cost, integral=True, **more, **kw)

    with_block = dict(penalty=pen, gsl=block, gsl_penalty=gsl_pen)
    lp = core(req, **with_block, lp_only=True, time_limit_s=left(), mip_rel_gap=None, progress=None)
    lp_bound = lp.outcome.objective
    emit(progress, "lp_relaxation", t0, np.inf, lp_bound, f"LP relaxation bound {lp_bound:.6g}")
    heur = None
    w = calls * is_open
    if pen is None:
        for how, need in (
            ("rounded", _round_staffing(lp.covered, req, sl, w, target, is_open)),
            ("rounded up", np.where(is_open, np.maximum(req, np.ceil(lp.covered - 1e-6)), 0.0)),
        ):
            try:
                r = core(need, penalty=None, time_limit_s=left(), mip_rel_gap=mip_rel_gap, progress=None)
            except CxqueueError:
                continue
            level = float(w @ curve_service_level(r.covered, sl) / w.sum())
            if level >= target - 1e-9 and (heur is None or r.cost < heur.cost):
                heur = r
                emit(
                    progress,
                    "heuristic",
                    t0,
                    heur.cost,
                    lp_bound,
                    f"cover of the LP staffing {how}: cost {heur.cost:.6g}, global service level {level:.4f}",
                )
            if heur is not None and heur.cost - lp_bound <= (mip_rel_gap or 0.0) * heur.cost:
                break

    def finish(r, status, bound):
        gap = max(r.cost - bound, 0.0) / max(abs(r.cost), 1e-12)
        out = dataclasses.replace(
            r.outcome,
            status=status,
            dual_bound=bound,
            lp_bound=lp_bound,
            mip_gap=gap,
            objective=r.cost,
            solve_time_s=time.perf_counter() - t0,
        )
        return dataclasses.replace(r, outcome=out)

    if heur is not None and heur.cost - lp_bound <= (mip_rel_gap or 0.0) * heur.cost:
        emit(progress, "done", t0, heur.cost, lp_bound, "optimal: the first schedule is within mip_rel_gap")
        return finish(heur, "optimal", lp_bound)
    cutoff = None if heur is None else heur.cost - 1e-9 * max(1.0, abs(heur.cost))
    try:
        full = core(
            req,
            **with_block,
            cutoff=cutoff,
            time_limit_s=None if time_limit_s is None else 0.9 * left(),
            mip_rel_gap=mip_rel_gap,
            progress=progress,
            lp_bound=lp_bound,
        )
    except CxqueueError:
        if heur is None:
            raise
        return finish(heur, "time_limit", lp_bound)  # nothing better found in time
    if full is None:  # nothing cheaper than the first schedule exists
        return finish(heur, "optimal", heur.cost)
    out = dataclasses.replace(full.outcome, lp_bound=lp_bound, solve_time_s=time.perf_counter() - t0)
    return dataclasses.replace(full, outcome=out)


def _round_staffing(agents, floor, sl, w, target, is_open) -> np.ndarray:
    """LP agents rounded to the nearest whole number, then raised where an agent adds the most
    call-weighted service until the curve's global level reaches `target`."""
    r = np.where(is_open, np.maximum(floor, np.floor(agents + 0.5)), 0.0)
    K = sl.shape[1] - 1
    rows = np.arange(r.size)
    need = target * w.sum() - w @ curve_service_level(r, sl)
    while need > 1e-9:
        k = np.minimum(r, K - 1).astype(np.int64)
        gain = np.where(is_open & (r < K), w * (sl[rows, k + 1] - sl[rows, k]), -1.0)
        i = int(np.argmax(gain))
        if gain[i] <= 0:
            break
        r[i] += 1
        need -= gain[i]
    return r
