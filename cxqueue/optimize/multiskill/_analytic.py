"""The analytic part of multi-skill staffing: each type's own need, and two integer programs on it.

* `type_needs`: agents each call type would need alone, per interval (Erlang C, or Erlang A
  with the type's mean patience), at the handle time of its first group;
* `partition_staffing`: the cheapest group staffing that can give each type its need with
  every agent answering one type only (a flexible agent split between its skills, slower
  groups counted at their handle factor): no pooling, so it meets the targets with room to
  spare, the starting point of the simulation-based search;
* `cover_staffing`: pyworkforce's set cover: every agent of a group counted in full for
  every type the group serves.

Both integer programs are solved by `solve_milp` (HiGHS through ``scipy.optimize.milp``);
a requirement the group caps cannot meet is met as far as they allow, with its shortfall
reported.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from cxqueue.analytic import _core as core
from cxqueue.scenario import MultiSkillScenario
from cxqueue.scenario.channels import thresholds
from cxqueue.sim.arrivals import hours_windows

__all__ = [
    "cover_staffing",
    "open_fraction",
    "partition_staffing",
    "pooled_needs",
    "serving",
    "solve_milp",
    "type_needs",
]

#: objective weight of one unit of shortfall against the costliest agent-interval
PENALTY = 1e4


def serving(sc: MultiSkillScenario) -> list[list[int]]:
    """For each type, the groups that may answer it (its routing list), as indices."""
    gi = {g: i for i, g in enumerate(sc.group_names)}
    return [[gi[g] for g in sc.resolved_routing.type_groups[t]] for t in sc.type_names]


def open_fraction(sc: MultiSkillScenario) -> np.ndarray:
    """The open share of each interval (0 closed, 1 open throughout)."""
    edges = sc.interval_starts_s - sc.start_s
    out = np.zeros(sc.n_intervals)
    for lo, hi in hours_windows(sc.hours, sc.start_s, sc.end_s).reshape(-1, 2):
        out += np.clip(np.minimum(edges + sc.interval_s, hi) - np.maximum(edges, lo), 0.0, None)
    return out / sc.interval_s


def type_needs(sc: MultiSkillScenario, *, patience: bool) -> np.ndarray:
    """Agents each type needs alone per interval, shape (types, intervals), int64.

    Erlang A with the type's mean patience when ``patience`` (Erlang C when the type never
    hangs up), else Erlang C; the load of the open part of each interval, at the handle
    factor of the type's first group; the type's target (level, threshold, basis), the
    threshold of an email or check-in type being its due time. A chat type's need is in
    chat slots, divided by its first group's concurrency (rounded up).
    """
    first = [g[0] for g in serving(sc)]
    factors = sc.handle_factors
    within = thresholds(sc)
    out = np.zeros((sc.n_types, sc.n_intervals), dtype=np.int64)
    share = open_fraction(sc)
    for k, t in enumerate(sc.types):
        aht = t.aht_s * factors[first[k], k]
        load = t.calls * aht / sc.interval_s * share
        mean_patience = t.patience.mean_s if patience else np.inf
        tg = sc.target[k]
        need = core.queue_agents([(core.SL[tg.basis], tg.level)], load, np.inf, aht, mean_patience, within[k])
        need = np.where(load > 0, np.where(need < 0, np.ceil(load) + 1, need), 0)
        out[k] = -(-need // _slots(sc, k, first[k]))
    return out


def _slots(sc: MultiSkillScenario, k: int, g: int) -> int:
    """Calls of type ``k`` an agent of group ``g`` holds at once (its chat concurrency for a chat type)."""
    return sc.chat.of(sc.group_names[g]) if sc.types[k].channel == "chat" else 1


def pooled_needs(sc: MultiSkillScenario) -> np.ndarray:
    """Agents the center would need per interval if every agent had every skill, shape (intervals,).

    Erlang A on the types' pooled load (the calls' mean handle time at each type's first
    group, the calls' mean patience) for the strictest target (the highest level within the
    shortest threshold): a lower bound of what limited flexibility needs, nearly reached when
    the skills chain the types together (Wallace & Whitt 2005).
    """
    first = [g[0] for g in serving(sc)]
    slots = np.array([_slots(sc, k, g) for k, g in enumerate(first)], dtype=float)
    f = (sc.handle_factors[first, np.arange(sc.n_types)] / slots)[:, None]  # agent-seconds per call
    calls = sc.calls * open_fraction(sc)[None, :]
    total = calls.sum(axis=0)
    work = (calls * sc.aht_s * f).sum(axis=0)
    aht = np.divide(work, total, out=np.full(total.shape, float(sc.aht_s.mean())), where=total > 0)
    pat = np.array([t.patience.mean_s for t in sc.types])
    mean_pat = np.full(total.shape, np.inf)
    if np.all(np.isfinite(pat)):
        mean_pat = np.divide((calls * pat[:, None]).sum(axis=0), total, out=np.full(total.shape, float(pat.mean())),
                             where=total > 0)  # fmt: skip
    level = max(t.level for t in sc.target)
    within = min(thresholds(sc))
    need = core.queue_agents([(core.SL["offered"], level)], work / sc.interval_s, np.inf, aht, mean_pat, within)
    return np.where(total > 0, np.where(need < 0, np.ceil(work / sc.interval_s) + 1, need), 0).astype(np.int64)


def solve_milp(c, rows, lower, bounds_hi, integral, bounds_lo=0.0) -> np.ndarray:
    """``min c x`` s.t. ``rows @ x >= lower``, ``bounds_lo <= x <= bounds_hi``; integral where ``integral``."""
    res = milp(c, constraints=LinearConstraint(rows, lower, np.inf), bounds=Bounds(bounds_lo, bounds_hi),
               integrality=integral.astype(np.int64), options={"time_limit": 60.0})  # fmt: skip
    if res.x is None:  # the elastic models below are always feasible; a time-out keeps no answer
        raise RuntimeError(f"HiGHS found no staffing: {res.message}")
    return res.x


def _elastic(n_x: int, n_rows: int, cost_x: np.ndarray, caps: np.ndarray):
    """Objective and bounds of ``n_x`` agent variables and one shortfall variable per row."""
    c = np.concatenate([cost_x, np.full(n_rows, PENALTY * max(float(cost_x.max(initial=1.0)), 1e-9))])
    hi = np.concatenate([caps, np.full(n_rows, np.inf)])
    return c, hi


def cover_staffing(sc: MultiSkillScenario, needs: np.ndarray, cost: np.ndarray, caps: np.ndarray):
    """Set cover per interval: sum of agents of the groups serving type k >= needs[k]; cheapest.

    Returns (agents (groups, intervals) int64, shortfall (types, intervals)).
    """
    G, K, T = sc.n_groups, sc.n_types, sc.n_intervals
    rows, cols = [], []
    for k, gs in enumerate(serving(sc)):
        for t in range(T):
            rows += [k * T + t] * len(gs)
            cols += [g * T + t for g in gs]
    a = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(K * T, G * T))
    a = sparse.hstack([a, sparse.eye_array(K * T)], format="csr")
    # ties between groups of one cost are broken the same way in every interval (the group listed
    # first a little cheaper), so that a group is not staffed in one interval and empty in the next
    tie = cost * (1.0 + 1e-4 * (G - np.arange(G)) / G)
    c, hi = _elastic(G * T, K * T, np.repeat(tie, T), caps.reshape(-1))
    integral = np.r_[np.ones(G * T, bool), np.zeros(K * T, bool)]
    x = solve_milp(c, a, needs.reshape(-1).astype(np.float64), hi, integral)
    return np.rint(x[: G * T]).astype(np.int64).reshape(G, T), x[G * T :].reshape(K, T)


def partition_staffing(sc: MultiSkillScenario, needs: np.ndarray, cost: np.ndarray, caps: np.ndarray):
    """Each agent answers one type: z[g, k, t] agents of g on type k, sum_g z / factor >= needs[k, t],
    sum_k z <= agents[g, t]; cheapest integer agents. Returns (agents, shortfall) as `cover_staffing`."""
    G, K, T = sc.n_groups, sc.n_types, sc.n_intervals
    pairs = [(g, k) for k, gs in enumerate(serving(sc)) for g in gs]
    P = len(pairs)
    factors = sc.handle_factors
    n_x, n_z = G * T, P * T
    # need rows (K*T): sum_p z[p, t] / factor >= need;  group rows (G*T): x[g, t] - sum_p z[p, t] >= 0
    r, cidx, val = [], [], []
    for p, (g, k) in enumerate(pairs):
        for t in range(T):
            r += [k * T + t, K * T + g * T + t]
            cidx += [n_x + p * T + t] * 2
            val += [1.0 / factors[g, k], -1.0]
    for g in range(G):
        for t in range(T):
            r.append(K * T + g * T + t)
            cidx.append(g * T + t)
            val.append(1.0)
    n_rows = K * T + G * T
    a = sparse.csr_array((val, (r, cidx)), shape=(n_rows, n_x + n_z))
    slack = sparse.vstack([sparse.eye_array(K * T), sparse.csr_array((G * T, K * T))])
    a = sparse.hstack([a, slack], format="csr")
    # a type's load goes to its groups in routing order when costs tie: each pair costs a little by its rank
    rank = np.array([serving(sc)[k].index(g) for g, k in pairs], dtype=np.float64)
    tie = np.repeat(1e-3 * float(cost.min()) * rank, T)
    c, hi = _elastic(n_x + n_z, K * T, np.r_[np.repeat(cost, T), tie], np.r_[caps.reshape(-1),
                     np.full(n_z, np.inf)])  # fmt: skip
    lower = np.r_[needs.reshape(-1).astype(np.float64), np.zeros(G * T)]
    integral = np.r_[np.ones(n_x, bool), np.zeros(n_z + K * T, bool)]
    x = solve_milp(c, a, lower, hi, integral)
    return np.rint(x[:n_x]).astype(np.int64).reshape(G, T), x[n_x + n_z :].reshape(K, T)
