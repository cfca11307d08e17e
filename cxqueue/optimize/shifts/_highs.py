"""One call into ``scipy.optimize.milp`` (HiGHS) with an LP bound, a status and progress.

Progress: ``progress=True`` turns on HiGHS's own log (``options={"disp": True}``: the
presolve summary and one line per branch-and-bound report with the primal and dual
bounds, the gap and the time), printed to the process's standard output by the HiGHS
C++ code; a callable instead receives a `SolveProgress` at each stage (the model size,
the LP relaxation bound, the final gap). scipy's ``milp`` has no per-node callback, so
a callable cannot see the branch-and-bound lines; pass ``progress=True`` for those.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from cxqueue.scenario._plain import PlainDict

__all__ = ["MilpOutcome", "SolveProgress", "emit", "run_milp"]


@dataclass(frozen=True)
class SolveProgress(PlainDict):
    """A progress report: ``stage`` is "model", "lp_relaxation" or "done"; times in seconds."""

    stage: str
    elapsed_s: float
    objective: float
    bound: float
    gap: float
    message: str


@dataclass(frozen=True, eq=False)
class MilpOutcome:
    x: np.ndarray | None
    objective: float
    dual_bound: float
    lp_bound: float
    mip_gap: float
    status: str  # "optimal" | "time_limit" | "no_solution" | "infeasible" | "unbounded" | "error"
    message: str
    solve_time_s: float

    def report(self) -> dict:
        """What a schedule reports about its solve (`CoverSolution`, `ShiftSchedule` fields of these names)."""
        return {
            "lp_bound": self.lp_bound,
            "dual_bound": self.dual_bound,
            "mip_gap": self.mip_gap,
            "status": self.status,
            "solve_time_s": self.solve_time_s,
        }


def emit(progress, stage, t0, objective, bound, message):
    """Report one stage to `progress` (print when True, call when callable)."""
    gap = abs(objective - bound) / max(abs(objective), 1e-12) if np.isfinite(objective) else np.inf
    rep = SolveProgress(stage, time.perf_counter() - t0, float(objective), float(bound), float(gap), message)
    if callable(progress):
        progress(rep)
    elif progress:
        print(f"[cxqueue.shifts] {stage}: {message} ({rep.elapsed_s:.2f} s)", flush=True)


def run_milp(
    c: np.ndarray,
    A: sp.csr_array,
    lo: np.ndarray,
    hi: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    integrality: np.ndarray,
    *,
    time_limit_s: float | None,
    mip_rel_gap: float | None,
    progress: bool | Callable[[SolveProgress], None] | None,
    lp_bound: float | None = None,
) -> MilpOutcome:
    """Minimize ``c @ x`` s.t. ``lo <= A @ x <= hi``, ``lb <= x <= ub``, integrality; never raises on status."""
    t0 = time.perf_counter()
    cons = [LinearConstraint(A, lo, hi)] if A.shape[0] else []
    bounds = Bounds(lb, ub)
    if progress:
        emit(
            progress,
            "model",
            t0,
            np.inf,
            -np.inf,
            f"{A.shape[1]} variables ({int(integrality.sum())} integer), {A.shape[0]} constraints",
        )
    lp_bound = np.nan if lp_bound is None else float(lp_bound)
    if integrality.any() and not np.isfinite(lp_bound):
        opts = {} if time_limit_s is None else {"time_limit": float(time_limit_s)}
        lp = milp(c, constraints=cons, bounds=bounds, integrality=None, options=opts)
        if lp.status == 0:
            lp_bound = float(lp.fun)
            if progress:
                emit(progress, "lp_relaxation", t0, np.inf, lp_bound, f"LP relaxation bound {lp_bound:.6g}")
    options: dict = {"disp": progress is True}
    if time_limit_s is not None:
        options["time_limit"] = max(float(time_limit_s) - (time.perf_counter() - t0), 1e-3)
    if mip_rel_gap is not None:
        options["mip_rel_gap"] = float(mip_rel_gap)
    res = milp(c, constraints=cons, bounds=bounds, integrality=integrality, options=options)
    elapsed = time.perf_counter() - t0
    x = None if res.x is None else np.asarray(res.x, dtype=np.float64)
    if res.status == 0:
        status = "optimal"
    elif res.status == 1:
        status = "time_limit" if x is not None else "no_solution"
    elif res.status == 2:
        status = "infeasible"
    elif res.status == 3:
        status = "unbounded"
    else:
        status = "error" if x is None else "time_limit"
    fun = float(res.fun) if x is not None and res.fun is not None else np.inf
    if not integrality.any():
        bound = fun
        lp_bound = fun
    else:
        bound = res.get("mip_dual_bound")
        bound = float(bound) if bound is not None else np.nan
        if not np.isfinite(lp_bound) and np.isfinite(bound):
            lp_bound = bound
    gap = res.get("mip_gap")
    if gap is None or not np.isfinite(gap):
        gap = (
            0.0
            if not integrality.any() and x is not None
            else (abs(fun - bound) / max(abs(fun), 1e-12) if x is not None and np.isfinite(bound) else np.inf)
        )
    if progress:
        emit(progress, "done", t0, fun, bound, f"{status}: objective {fun:.6g}, bound {bound:.6g}, gap {gap:.3%}")
    return MilpOutcome(x, fun, bound, lp_bound, float(gap), status, str(res.message), elapsed)
