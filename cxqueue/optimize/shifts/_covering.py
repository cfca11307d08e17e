"""The covering MILP on a raw coverage matrix, and the engine that `schedule_shifts` shares.

    minimize    cost @ x + penalty @ s
    subject to  A @ x + s >= required      (periods with a positive requirement)
                A @ x <= max_cover          (periods with a finite cap)
                group_min <= sum_g x <= group_max
                lower <= x <= upper, x integer; s >= 0 only with a shortage penalty

``A[i, j]`` is how much of period ``i`` column ``j`` covers (1 for a shift on duty).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError, CxqueueError, InfeasibleError
from cxqueue.optimize.shifts._highs import MilpOutcome, SolveProgress, run_milp
from cxqueue.scenario._plain import PlainDict

__all__ = ["CoverSolution", "solve_covering"]

_LIST = 8  # how many intervals a message names


@dataclass(frozen=True, eq=False)
class CoverSolution(PlainDict):
    """The answer of `solve_covering`.

    ``counts`` per column (whole numbers unless ``integrality=False``); ``covered`` and
    ``shortage`` per period; ``cost = cost @ counts``; ``objective`` adds the shortage
    penalty; ``lp_bound`` is the LP relaxation's optimum, ``dual_bound`` HiGHS's final
    lower bound and ``mip_gap = (objective - dual_bound) / objective``. ``status`` is
    "optimal" (within ``mip_rel_gap``) or "time_limit" (best schedule found in time);
    ``unmet`` lists the periods left short (only with a shortage penalty).
    """

    counts: np.ndarray
    covered: np.ndarray
    shortage: np.ndarray
    cost: float
    objective: float
    lp_bound: float
    dual_bound: float
    mip_gap: float
    status: str
    message: str
    solve_time_s: float
    unmet: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class CoreResult:
    outcome: MilpOutcome
    x: np.ndarray  # shift columns
    extra: np.ndarray  # the variables after the shift columns (global service level block)
    covered: np.ndarray
    shortage: np.ndarray
    cost: float
    unmet: tuple[int, ...]


def _listing(idx, label, req, cap) -> str:
    parts = [f"{label(i)} (required {req[i]:g}, at most {cap[i]:g} possible)" for i in idx[:_LIST]]
    more = f" and {len(idx) - _LIST} more" if len(idx) > _LIST else ""
    return "; ".join(parts) + more


def max_coverage(cov: sp.csc_array, upper: np.ndarray, groups) -> np.ndarray:
    """Most agents each period can get: every column at its upper bound, groups at their max."""
    n, m = cov.shape
    cap = np.zeros(n)
    in_group = np.zeros(m, dtype=bool)
    for cols, _, gmax in groups:
        in_group[cols] = True
        sub = cov[:, cols]
        ub_sum = np.asarray(sub.multiply(upper[cols][None, :]).sum(axis=1)).ravel() if len(cols) else 0.0
        peak = np.asarray(sub.max(axis=1).toarray()).ravel() if len(cols) else 0.0
        cap += np.minimum(ub_sum, gmax * peak) if np.isfinite(gmax) else ub_sum
    rest = np.flatnonzero(~in_group)
    if rest.size:
        cap += np.asarray(cov[:, rest].multiply(upper[rest][None, :]).sum(axis=1)).ravel()
    return np.nan_to_num(cap, nan=np.inf)


def solve_core(
    req: np.ndarray,
    cov: sp.csc_array,
    cost: np.ndarray,
    *,
    lower: np.ndarray,
    upper: np.ndarray,
    max_cover: np.ndarray,
    penalty: np.ndarray | None,
    integral: bool,
    groups: list[tuple[np.ndarray, float, float]],
    gsl=None,
    gsl_penalty: float | None = None,
    time_limit_s: float | None,
    mip_rel_gap: float | None,
    progress,
    label: Callable[[int], str],
    hint: str,
    lp_only: bool = False,
    cutoff: float | None = None,
    lp_bound: float | None = None,
) -> CoreResult | None:
    """Build and solve the MILP; raise InfeasibleError naming the periods that cannot be met.

    ``lp_only`` relaxes every integer; ``cutoff`` adds ``cost @ x <= cutoff`` and returns
    None when nothing is that cheap.
    """
    m = cov.shape[1]
    need = req > 1e-12
    cap = max_coverage(cov, upper, groups)
    short = np.flatnonzero(need & (cap < req - 1e-9))
    if short.size and penalty is None:
        raise InfeasibleError(
            f"no schedule meets the requirement: {short.size} period(s) cannot be covered: "
            f"{_listing(short, label, req, cap)}; {hint}"
        )
    n_gsl = 0 if gsl is None else gsl.n_vars
    rows_cov = np.flatnonzero(need | np.isfinite(max_cover))
    s_rows = np.flatnonzero(need) if penalty is not None else np.zeros(0, dtype=np.int64)
    n_var = m + n_gsl + s_rows.size
    blocks, lo, hi = [], [], []
    A_cov = sp.csr_array(cov)[rows_cov]
    if s_rows.size:
        pos = np.searchsorted(rows_cov, s_rows)
        S = sp.csr_array(
            (np.ones(s_rows.size), (pos, m + n_gsl + np.arange(s_rows.size))), shape=(rows_cov.size, n_var)
        )
    else:
        S = sp.csr_array((rows_cov.size, n_var))
    blocks.append(sp.hstack([A_cov, sp.csr_array((rows_cov.size, n_var - m))], format="csr") + S)
    lo.append(np.where(need[rows_cov], req[rows_cov], -np.inf))
    hi.append(np.full(rows_cov.size, np.inf))
    # s is not counted against max_cover: cap rows are separate when both apply
    capped = np.flatnonzero(np.isfinite(max_cover))
    if s_rows.size and capped.size:
        hi[0] = np.full(rows_cov.size, np.inf)
        blocks.append(sp.hstack([sp.csr_array(cov)[capped], sp.csr_array((capped.size, n_var - m))], format="csr"))
        lo.append(np.full(capped.size, -np.inf))
        hi.append(max_cover[capped])
    else:
        hi[0] = max_cover[rows_cov]
    if groups:
        r = np.concatenate([np.full(len(c), k) for k, (c, _, _) in enumerate(groups)])
        c = np.concatenate([c for c, _, _ in groups])
        blocks.append(sp.csr_array((np.ones(c.size), (r, c)), shape=(len(groups), n_var)))
        lo.append(np.array([g[1] for g in groups], dtype=np.float64))
        hi.append(np.array([g[2] for g in groups], dtype=np.float64))
    c_vec = np.zeros(n_var)
    c_vec[:m] = cost
    lb = np.zeros(n_var)
    ub = np.full(n_var, np.inf)
    lb[:m], ub[:m] = lower, upper
    integrality = np.zeros(n_var, dtype=np.int64)
    integrality[:m] = int(integral)
    if gsl is not None:
        blocks.append(sp.hstack([gsl.rows, sp.csr_array((gsl.rows.shape[0], s_rows.size))], format="csr"))
        lo.append(gsl.lo)
        hi.append(gsl.hi)
        lb[m : m + n_gsl], ub[m : m + n_gsl] = gsl.lb, gsl.ub
        integrality[m : m + n_gsl] = gsl.integrality
        if gsl_penalty is not None:
            c_vec[m + n_gsl - 1] = gsl_penalty
    if s_rows.size:
        c_vec[m + n_gsl :] = penalty[s_rows]
        ub[m + n_gsl :] = req[s_rows]
    if cutoff is not None:
        blocks.append(sp.csr_array(c_vec[None, :]))
        lo.append(np.array([-np.inf]))
        hi.append(np.array([cutoff]))
    if lp_only:
        integrality[:] = 0
        integral = False
    A = sp.vstack(blocks, format="csr") if blocks else sp.csr_array((0, n_var))
    out = run_milp(
        c_vec,
        A,
        np.concatenate(lo) if lo else np.zeros(0),
        np.concatenate(hi) if hi else np.zeros(0),
        lb,
        ub,
        integrality,
        time_limit_s=time_limit_s,
        mip_rel_gap=mip_rel_gap,
        progress=progress,
        lp_bound=lp_bound,
    )
    if out.status == "infeasible" and cutoff is not None:
        return None
    if out.status == "infeasible":
        raise InfeasibleError(_why_infeasible(req, cov, cost, lower, upper, max_cover, groups, gsl, label, hint))
    if out.status in ("no_solution", "error", "unbounded") or out.x is None:
        raise CxqueueError(
            f"HiGHS found no schedule ({out.status}: {out.message}); "
            + ("raise time_limit_s or pass shortage_penalty" if out.status == "no_solution" else hint)
        )
    x = out.x[:m]
    if integral:
        x = np.round(x)
    x = np.maximum(x, 0.0)
    covered = cov @ x
    shortage = np.where(need, np.maximum(req - covered, 0.0), 0.0)
    shortage[shortage < 1e-7] = 0.0
    return CoreResult(
        out,
        x,
        out.x[m : m + n_gsl],
        covered,
        shortage,
        float(cost @ x),
        tuple(int(i) for i in np.flatnonzero(shortage > 0)),
    )


def _why_infeasible(req, cov, cost, lower, upper, max_cover, groups, gsl, label, hint) -> str:
    """Re-solve the LP with a steep shortage penalty to find the periods that go short."""
    if gsl is not None:
        return (
            "no schedule reaches target_level with these templates and their min/max counts; "
            f"lower target_level, widen max_count or pass shortage_penalty ({hint})"
        )
    big = 1e3 * (float(np.max(cost, initial=1.0)) + 1.0)
    try:
        res = solve_core(
            req,
            cov,
            cost,
            lower=lower,
            upper=upper,
            max_cover=max_cover,
            penalty=np.full(req.size, big),
            integral=False,
            groups=groups,
            time_limit_s=30.0,
            mip_rel_gap=None,
            progress=None,
            label=label,
            hint=hint,
        )
    except CxqueueError:
        return (
            "the column bounds, group min/max counts and max_cover contradict each other "
            f"before any requirement is considered; {hint}"
        )
    idx = np.flatnonzero(res.shortage > 1e-6)
    if idx.size == 0:
        return f"HiGHS reports the schedule infeasible; {hint}"
    cap = req - res.shortage
    return (
        f"no schedule meets the requirement within the count limits and max_cover: {idx.size} period(s) go "
        f"short even at best: {_listing(idx, label, req, cap)}; {hint}"
    )


def _column_bound(name: str, x, m: int, default: float) -> np.ndarray:
    if x is None:
        return np.full(m, default)
    arr = v.nonneg_array(name, x, allow_inf=True)
    if arr.ndim > 1 or (arr.ndim == 1 and arr.size != m):
        raise ConfigError(f"{name} must be a scalar or have one value per column ({m}); got shape {arr.shape}")
    return np.broadcast_to(arr, (m,)).astype(np.float64)


def _period_values(name: str, x, n: int, *, allow_inf: bool, positive: bool = False) -> np.ndarray:
    arr = (v.positive_array if positive else v.nonneg_array)(name, x, allow_inf=allow_inf)
    if arr.ndim > 1 or (arr.ndim == 1 and arr.size != n):
        raise ConfigError(f"{name} must be a scalar or have one value per period ({n}); got shape {arr.shape}")
    return np.broadcast_to(arr, (n,)).astype(np.float64)


def check_solver_options(time_limit_s, mip_rel_gap, progress):
    """The HiGHS options of `solve_covering` and `schedule_shifts`, checked; returns them in this order."""
    if time_limit_s is not None:
        time_limit_s = float(v.positive_array("time_limit_s", time_limit_s))
    if mip_rel_gap is not None:
        mip_rel_gap = float(v.nonneg_array("mip_rel_gap", mip_rel_gap))
    if not (progress is None or isinstance(progress, bool) or callable(progress)):
        raise ConfigError(f"progress must be None, True/False or a callable taking a SolveProgress; got {progress!r}")
    return time_limit_s, mip_rel_gap, progress


def solve_covering(
    required,
    coverage,
    cost,
    *,
    integrality: bool = True,
    lower=None,
    upper=None,
    max_cover=None,
    shortage_penalty=None,
    time_limit_s: float | None = None,
    mip_rel_gap: float | None = None,
    progress: bool | Callable[[SolveProgress], None] | None = None,
) -> CoverSolution:
    """Cheapest counts of columns (shifts, day-off patterns) that cover every period.

    Minimizes ``cost @ x`` subject to ``coverage @ x >= required``,
    ``coverage @ x <= max_cover``, ``lower <= x <= upper``, ``x`` integer, with
    ``scipy.optimize.milp`` (HiGHS). The classic set-covering model of shift scheduling
    (Dantzig 1954); ``solve_covering`` reproduces textbook instances exactly.

    Parameters
    ----------
    required : array_like of float, shape (n,)
        Agents needed in each period (>= 0).
    coverage : array_like or scipy sparse array, shape (n, m)
        ``coverage[i, j]`` = agents that one unit of column ``j`` puts in period ``i`` (>= 0).
    cost : array_like of float, shape (m,)
        Cost of one unit of each column (>= 0).
    integrality : bool
        Whole units (default) or the LP relaxation.
    lower, upper : array_like of float, optional
        Bounds per column (scalar or shape (m,)); default 0 and unbounded.
    max_cover : array_like of float, optional
        Most agents allowed in each period (scalar or shape (n,); inf = no cap).
    shortage_penalty : array_like of float, optional
        Cost per agent short in each period (> 0; scalar or shape (n,)). With it the
        problem is always feasible: the best partial schedule comes back with the
        short periods in ``unmet``. Without it an uncoverable period raises.
    time_limit_s : float, optional
        Wall-clock limit for HiGHS in seconds; the best schedule found is returned
        with ``status="time_limit"`` and its gap.
    mip_rel_gap : float, optional
        Stop when ``(objective - bound) / objective`` is below this (HiGHS default 1e-4).
    progress : bool or callable, optional
        True prints HiGHS's log (bounds, gap, time per node); a callable receives a
        ``SolveProgress`` at each stage.

    Returns
    -------
    CoverSolution

    Raises
    ------
    ConfigError
        Bad shapes or values (the message names the parameter and the value).
    InfeasibleError
        No schedule covers every period; the message names the periods that go short.

    Examples
    --------
    Union Airways (Hillier & Lieberman, Sec. 3.4): five shifts, ten periods.

    >>> req = [48, 79, 65, 87, 64, 73, 82, 43, 52, 15]
    >>> cov = [[1,0,0,0,0], [1,1,0,0,0], [1,1,0,0,0], [1,1,1,0,0], [0,1,1,0,0],
    ...        [0,0,1,1,0], [0,0,1,1,0], [0,0,0,1,0], [0,0,0,1,1], [0,0,0,0,1]]
    >>> sol = solve_covering(req, cov, [170, 160, 175, 180, 195])
    >>> sol.cost, sol.counts.astype(int).tolist(), sol.status
    (30610.0, [48, 31, 39, 43, 15], 'optimal')
    """
    req = v.nonneg_array("required", required)
    if req.ndim != 1 or req.size == 0:
        raise ConfigError(f"required must be a 1-d array with at least one period; got shape {req.shape}")
    n = req.size
    if sp.issparse(coverage):
        cov = sp.csc_array(coverage, dtype=np.float64)
        v.check("coverage", cov.data, np.isfinite(cov.data) & (cov.data >= 0), "finite and >= 0")
    else:
        dense = v.nonneg_array("coverage", coverage)
        if dense.ndim != 2:
            raise ConfigError(f"coverage must be a 2-d array (periods x columns); got shape {dense.shape}")
        cov = sp.csc_array(dense)
    if cov.shape[0] != n:
        raise ConfigError(f"coverage must have one row per period of required ({n}); got {cov.shape[0]} rows")
    m = cov.shape[1]
    c = v.nonneg_array("cost", cost)
    if c.ndim != 1 or c.size != m:
        raise ConfigError(f"cost must have one value per column of coverage ({m}); got shape {c.shape}")
    lo = _column_bound("lower", lower, m, 0.0)
    up = _column_bound("upper", upper, m, np.inf)
    bad = np.flatnonzero(lo > up)
    if bad.size:
        j = int(bad[0])
        raise ConfigError(f"lower must be <= upper; column {j} has lower={lo[j]:g} > upper={up[j]:g}")
    mc = np.full(n, np.inf) if max_cover is None else _period_values("max_cover", max_cover, n, allow_inf=True)
    pen = (
        None
        if shortage_penalty is None
        else _period_values("shortage_penalty", shortage_penalty, n, allow_inf=False, positive=True)
    )
    time_limit_s, mip_rel_gap, progress = check_solver_options(time_limit_s, mip_rel_gap, progress)
    res = solve_core(
        req,
        cov,
        c,
        lower=lo,
        upper=up,
        max_cover=mc,
        penalty=pen,
        integral=bool(integrality),
        groups=[],
        time_limit_s=time_limit_s,
        mip_rel_gap=mip_rel_gap,
        progress=progress,
        label=lambda i: f"period {i}",
        hint="add columns that cover those periods, relax the bounds, or pass shortage_penalty",
    )
    out = res.outcome
    shortfall = float(res.shortage.sum())
    objective = res.cost + (float(pen @ res.shortage) if pen is not None else 0.0)
    msg = f"{out.status}: cost {res.cost:g}"
    if res.unmet:
        msg += f"; {len(res.unmet)} period(s) short by {shortfall:g} agent-periods in total (first: {res.unmet[0]})"
    return CoverSolution(
        counts=res.x,
        covered=res.covered,
        shortage=res.shortage,
        cost=res.cost,
        objective=objective,
        message=msg,
        unmet=res.unmet,
        **out.report(),
    )
