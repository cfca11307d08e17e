"""`staff_multiskill`: agents per group and interval that meet every call type's target at least cost.

The method follows the two steps of Avramidis, Chan, Gendreau, L'Ecuyer & Pisacane (2010,
"Optimizing daily agent scheduling in a multiskill call center", EJOR 200(3)) for the
staffing: an analytic staffing first, then a simulation-based local search on a
sample-average approximation that adds agents until every target holds and removes agents
while every target still holds:

1. **Starts.** Two analytic staffings, each searched (steps 3-4) and the cheaper answer
   kept: (a) the cheapest group staffing that gives every type its own need (Erlang A with
   its mean patience, `_analytic.type_needs`) with each agent on one type
   (`_analytic.partition_staffing`, a small integer program; no pooling, so above what the
   center needs), scaled down in each interval to what the center would need if every
   agent had every skill (`_analytic.pooled_needs`); (b) the set cover of those needs
   (`_analytic.cover_staffing`), which counts a flexible agent for each of its skills and
   so concentrates agents in few groups, each pooling two or more types.
2. **Sample.** The callers of ``replications`` replications are drawn once
   (`_evaluate.Sample`); every staffing is simulated on them (common random numbers), so
   each type's service level per interval and over the horizon is a deterministic function
   of the staffing (groups x intervals) and differences between staffings are the
   staffings', not noise.
3. **Add.** While some target fails: one simulation per group, with one more agent of
   that group in every interval, gives the finite differences of every type's service
   level in every interval (the intervals are nearly separable, so the change in interval
   t is put down to the agent added in t). Each interval with a type below target gets one
   agent of the group with the largest gain per cost on its short types (the cheapest group
   that serves them when no gain shows); a type short over the horizon gets one agent in
   each of its weakest quarter of intervals.
4. **Remove.** Group by group, costliest first: one agent fewer in every interval is
   simulated; the agent is dropped in every interval where every type still meets its
   target there, and the result is confirmed by simulating it (if the horizon target then
   fails, only the intervals with the most room are dropped). Rounds repeat until no group
   loses an agent.
5. **Confirm.** The search fits its sample, and every drop it accepted was one the sample
   allowed, so its answer looks better there than it is. A fresh batch of callers, as large
   as the independent check, simulates the answer; wherever a type misses a target there
   (in an interval or over the horizon), step 3 adds agents on that batch (its finite
   differences still from the search's smaller sample) until every target holds on it too.

What is met on the sample (`check_staffing` then judges the answer on an independent seed):
every type's service level over the horizon with 95 % confidence and a margin (`_evaluate`),
and every type's service level per interval at the point estimate, in every interval where
the type has on average at least ``min_calls`` calls reached per replication
(``interval_targets=False`` keeps only the horizon). Cezik & L'Ecuyer (2008) constrain both
too; their cutting planes, tried on this engine, made the integer programs slow and the
staffings erratic (a linear cut lets one group stand in for another), so the local search
is the method here.
"""

from __future__ import annotations

import numpy as np

from cxqueue import _rng
from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.optimize.multiskill import _analytic as an
from cxqueue.optimize.multiskill._evaluate import Evaluation, Sample
from cxqueue.optimize.multiskill.result import MultiSkillStaffing, build_result, check_staffing, staffing_iv

__all__ = ["staff_multiskill"]


def _differences(sample: Sample, x: np.ndarray, ev: Evaluation, caps: np.ndarray) -> np.ndarray:
    """Finite differences of every cell's service level, one group at a time: (groups, types, intervals).

    One simulation per group, with one more agent of the group in every interval (below its
    cap). A difference below 0 (noise, or a rare routing effect) counts as 0.
    """
    q = np.zeros((x.shape[0], *ev.sl.shape))
    for g in range(x.shape[0]):
        up = x.copy()
        up[g] = np.minimum(up[g] + 1, caps[g])
        if not np.array_equal(up, x):
            q[g] = np.clip(np.nan_to_num(sample.evaluate(up).sl - ev.sl), 0.0, None)
    return q


def _add(sample: Sample, x, ev: Evaluation, caps, cost, serve, grad: Sample | None = None) -> np.ndarray:
    """One more agent where a target fails on ``sample`` (step 3 of the module docstring); the
    finite differences come from ``grad`` when given (a smaller sample: cheaper, as good a guide)."""
    q = _differences(sample, x, ev, caps) if grad is None else _differences(grad, x, grad.evaluate(x), caps)
    out = x.copy()
    room = x < caps
    deficit = np.clip(sample.level[:, None] - np.nan_to_num(ev.sl, nan=1.0), 0.0, None)
    for t in np.flatnonzero(ev.short.any(axis=0)):
        short = ev.short[:, t]
        able = room[:, t] & serve[:, short].any(axis=1)  # groups that answer a short type, below their cap
        if not able.any():
            continue
        gain = np.where(able, np.minimum(q[:, short, t], deficit[short, t]).sum(axis=1) / cost, -1.0)
        if gain.max() <= 0:  # no gain shows: the cheapest of them
            gain = np.where(able, 1.0 / cost, -1.0)
        out[int(np.argmax(gain)), t] += 1
    for k in np.flatnonzero(ev.total_short):
        sl = np.where(sample.reached[k] > 0, np.nan_to_num(ev.sl[k], nan=1.0), np.inf)
        weakest = np.argsort(sl, kind="stable")[: max(1, int(np.isfinite(sl).sum()) // 4)]
        for t in weakest:
            gain = np.where(room[:, t] & serve[:, k], (q[:, k, t] + 1e-9) / cost, -1.0)
            if gain.max() > 0:
                out[int(np.argmax(gain)), t] += 1
    return out


def _remove(sample: Sample, x: np.ndarray, ev: Evaluation, cost: np.ndarray, max_rounds: int):
    """Drop agents group by group, costliest first, wherever every target still holds (step 4)."""
    for _ in range(max_rounds):
        dropped = False
        for g in np.argsort(-cost, kind="stable"):
            if not x[g].any():
                continue
            down = x.copy()
            down[g] = np.maximum(down[g] - 1, 0)
            got = trial = sample.evaluate(down)
            ok = down[g] < x[g]
            for _try in range(4):  # drop where the cells hold; then, while a target fails, fewer
                ok = ok & ~got.short.any(axis=0)
                if got.total_short.any() and ok.any():
                    room = np.nan_to_num(trial.sl - sample.level[:, None], nan=1.0).min(axis=0)
                    ok &= room >= np.median(room[ok])  # the half with the most room
                if not ok.any():
                    break
                cand = _set_row(x, g, np.where(ok, down[g], x[g]))
                got = trial if np.array_equal(cand, down) else sample.evaluate(cand)
                if got.feasible:
                    x, ev, dropped = cand, got, True
                    break
        if not dropped:
            break
    return x, ev


def _set_row(x: np.ndarray, g: int, row: np.ndarray) -> np.ndarray:
    out = x.copy()
    out[g] = row
    return out


def staff_multiskill(
    scenario,
    *,
    cost=None,
    max_agents=None,
    replications: int = 20,
    seed,
    engine: str = "fast",
    interval_targets: bool = True,
    min_calls: float = 1.0,
    max_iter: int = 30,
    check_replications: int | None = None,
) -> MultiSkillStaffing:
    """Agents per group and interval meeting every call type's target at least cost, by simulation.

    The cutting-plane method of Cezik & L'Ecuyer (2008) on common random numbers, from an
    analytic start, with a removal pass (the module docstring has the steps and what is met).

    Parameters
    ----------
    scenario : cxqueue.scenario.MultiSkillScenario
        The center; its groups' own agents are ignored. Each type's `ServiceTarget` (level,
        ``answer_within_s``, basis ``"offered"`` or ``"answered"``) is the target.
    cost : float or mapping of str to float, optional
        Cost of one agent of a group for one interval (a mapping names groups; those not
        named cost 1). 1 for every group by default.
    max_agents : float or mapping of str to (float or array_like), optional
        The most agents a group can have (one number for every group, or per group: one
        number or one per interval). A type whose groups are capped below its need is
        reported in ``message``.
    replications : int, default 20
        Replications of the sample the search optimizes on (>= 2).
    seed : int, SeedSequence, Generator or None
        Child 0 of ``seed`` draws the search's sample, child 1 the independent check.
    engine : {"fast", "simpy"}
        The simulation engine (the same numbers; simpy is slower).
    interval_targets : bool, default True
        Meet the targets per interval too (else over the horizon only).
    min_calls : float, default 1
        A type's interval is constrained where its calls reached average at least this many
        per replication.
    max_iter : int, default 30
        Most rounds of cuts.
    check_replications : int, optional
        Replications of the independent check (default: twice ``replications``, at least 40);
        the search holds each type's horizon level to a margin that makes the check's lower
        end clear the level (`_evaluate`).

    Returns
    -------
    MultiSkillStaffing
        ``agents`` (groups x intervals) is the per-group requirement.

    Raises
    ------
    ConfigError
        For a bad scenario, cost (unknown group, not > 0), cap, count, engine or seed.

    Examples
    --------
    >>> from cxqueue.scenario import AgentGroup, CallType, MultiSkillScenario, ServiceTarget
    >>> sc = MultiSkillScenario([CallType("A", [120.0] * 2, aht_s=240.0), CallType("B", [40.0] * 2, aht_s=240.0)],
    ...                         [AgentGroup("GA", "A", 0), AgentGroup("GAB", ("A", "B"), 0)], interval_s=1800.0,
    ...                         target=ServiceTarget(0.8, 20.0))
    >>> res = staff_multiskill(sc, cost={"GAB": 1.2}, replications=8, seed=1, engine="simpy")
    >>> res.agents.shape, res.converged, res.met
    ((2, 2), True, True)
    """
    costs, caps, replications, min_calls = staffing_iv(scenario, cost, max_agents, replications, engine, min_calls)
    max_iter = v.integer_scalar("max_iter", max_iter, minimum=1)
    if not isinstance(interval_targets, bool | np.bool_):
        raise ConfigError(f"interval_targets must be True or False; got {interval_targets!r}")
    check_reps = max(2 * replications, 40) if check_replications is None else v.integer_scalar(
        "check_replications", check_replications, minimum=2)  # fmt: skip
    search_seed, check_seed = _rng.spawn(seed, 2)
    sc = scenario
    serve = np.zeros((sc.n_groups, sc.n_types), dtype=bool)
    for k, gs in enumerate(an.serving(sc)):
        serve[gs, k] = True
    starts = _starts(sc, costs, caps)
    sample_seed, confirm_seed = _rng.spawn(search_seed, 2)
    sample = Sample(sc, replications=replications, seed=sample_seed, engine=engine, min_calls=min_calls,
                    interval_targets=bool(interval_targets), check_replications=check_reps)  # fmt: skip
    x, ev, it = _best_search(sample, starts, caps, costs, serve, max_iter)
    runs = sample.runs
    if ev.feasible:  # step 5: confirm the targets on a fresh batch as large as the check
        confirm = Sample(sc, replications=check_reps, seed=confirm_seed, engine=engine, min_calls=min_calls,
                         interval_targets=bool(interval_targets), check_replications=check_reps)  # fmt: skip
        x, ev, rounds = _search(confirm, x, caps, costs, serve, max_iter, remove=False, grad=sample)
        it, runs = it + rounds, sample.runs + confirm.runs
    converged = ev.feasible
    message = "" if converged else _unmet(sc, ev, x, caps, it)
    check = check_staffing(sc, x, replications=check_reps, seed=check_seed, engine=engine, min_calls=min_calls)
    return build_result("local_search", sc, x, costs, check, iterations=it, converged=converged,
                        simulations=runs, message=message)  # fmt: skip


def _starts(sc, costs, caps) -> list[np.ndarray]:
    """The search's starting staffings (step 1): the partition scaled to the pooled need, and the set cover."""
    needs = an.type_needs(sc, patience=True)
    x, _ = an.partition_staffing(sc, needs, costs, caps)
    part = x.sum(axis=0)  # scaled down to the pooled need: the search adds where that is too few
    scale = np.divide(an.pooled_needs(sc), part, out=np.ones(part.shape), where=part > 0)
    cover, _ = an.cover_staffing(sc, needs, costs, caps)
    return [np.minimum(np.floor(x * scale), x).astype(np.int64), cover]


def _best_search(sample: Sample, starts, caps, costs, serve, max_iter: int):
    """`_search` from each start on the same sample; the cheapest staffing that meets every target."""
    best, total = None, 0
    for x in starts:
        got = _search(sample, x, caps, costs, serve, max_iter)
        total += got[2]
        if best is None or (got[1].feasible, -costs @ got[0].sum(axis=1)) > (
            best[1].feasible,
            -costs @ best[0].sum(axis=1),
        ):
            best = got
    return best[0], best[1], total


def _search(sample: Sample, x, caps, costs, serve, max_iter: int, *, remove: bool = True, grad=None):
    """Add agents until every target holds on the sample, then remove those not needed (steps 3-4)."""
    ev, it = sample.evaluate(x), 0
    while not ev.feasible and it < max_iter:
        it += 1
        new = _add(sample, x, ev, caps, costs, serve, grad)
        if np.array_equal(new, x):  # every group that could help is at its cap
            break
        x, ev = new, sample.evaluate(new)
    if ev.feasible and remove:
        x, ev = _remove(sample, x, ev, costs, max_iter)
    return x, ev, it


def _unmet(sc, ev: Evaluation, x, caps, iterations: int) -> str:
    parts = []
    for k, name in enumerate(sc.type_names):
        cells = np.flatnonzero(ev.short[k])
        if cells.size or ev.total_short[k]:
            where = f"{cells.size} interval(s) (first {int(cells[0])})" if cells.size else "the horizon"
            parts.append(f"{name} short in {where}")
    capped = [g for g, row, cap in zip(sc.group_names, x, caps, strict=True) if np.any(row >= cap)]
    why = f"the search stopped after {iterations} round(s) of adding agents"
    if capped:
        why += f"; groups at their cap (max_agents): {', '.join(capped)}"
    return f"targets not met on the search's sample: {'; '.join(parts)}; {why}"
