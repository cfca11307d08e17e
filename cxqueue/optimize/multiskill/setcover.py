"""`set_cover_staffing`: the set-cover staffing of pyworkforce's multi-skill routine, raw or scaled.

pyworkforce (``pyworkforce.staffing.MultiSkillStaffing``) takes each skill's requirement
from Erlang C as if the type were alone, and finds the cheapest agent mix such that, for
every skill, the agents holding it number at least its requirement: a flexible agent is
counted in full for every skill it has, and there is no queueing across types. Here the
same integer program is solved per interval with ``scipy.optimize.milp`` (HiGHS): minimize
``sum cost[g] x[g, t]`` subject to ``sum of x[g, t] over the groups that serve type k >=
need[k, t]``.

Because flexible agents are counted twice, the raw cover is short of agents wherever
groups share types. ``scale=True`` raises it until the simulated targets hold, so that it
can be compared with `staff_multiskill` at meeting the same targets: the cover is
simulated on a fixed sample (common random numbers, the same rules as `staff_multiskill`,
`_evaluate`), every (type, interval) below target gets one agent more of need, every type
below target over the horizon one more in every interval with calls, and the cover is
solved again, until every target holds on the sample.
"""

from __future__ import annotations

import numpy as np

from cxqueue import _rng
from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.optimize.multiskill import _analytic as an
from cxqueue.optimize.multiskill._evaluate import Sample
from cxqueue.optimize.multiskill.result import MultiSkillStaffing, build_result, check_staffing, staffing_iv

__all__ = ["set_cover_staffing"]


def set_cover_staffing(
    scenario,
    *,
    cost=None,
    max_agents=None,
    scale: bool = False,
    replications: int = 20,
    seed,
    engine: str = "fast",
    min_calls: float = 1.0,
    max_rounds: int = 50,
    check_replications: int | None = None,
) -> MultiSkillStaffing:
    """pyworkforce's set-cover staffing per interval, raw or scaled until the simulated targets hold.

    Parameters
    ----------
    scenario : cxqueue.scenario.MultiSkillScenario
    cost, max_agents, replications, seed, engine, min_calls, check_replications
        As in `staff_multiskill` (child 0 of ``seed`` draws the scaling's sample, child 1
        the independent check).
    scale : bool, default False
        Raise the needs until every target holds on the sample (the module docstring).
    max_rounds : int, default 50
        Most rounds of raising the needs.

    Returns
    -------
    MultiSkillStaffing
        ``method`` is ``"set_cover"`` or ``"set_cover_scaled"``; ``iterations`` the rounds
        of raising; ``converged`` whether the targets hold on the sample.

    Examples
    --------
    >>> from cxqueue.scenario import AgentGroup, CallType, MultiSkillScenario
    >>> sc = MultiSkillScenario([CallType("A", [120.0], aht_s=240.0), CallType("B", [40.0], aht_s=240.0)],
    ...                         [AgentGroup("GA", "A", 0), AgentGroup("GAB", ("A", "B"), 0)], interval_s=1800.0)
    >>> raw = set_cover_staffing(sc, cost={"GAB": 1.2}, replications=4, seed=1, engine="simpy")
    >>> raw.agents.ravel().tolist()  # Erlang C: A alone needs 20, B alone 8; the 8 of GAB count for A too
    [12, 8]
    >>> raw.met  # the 8 flexible agents cannot answer A and B at once
    False
    """
    costs, caps, replications, min_calls = staffing_iv(scenario, cost, max_agents, replications, engine, min_calls)
    max_rounds = v.integer_scalar("max_rounds", max_rounds, minimum=1)
    check_reps = max(2 * replications, 40) if check_replications is None else v.integer_scalar(
        "check_replications", check_replications, minimum=2)  # fmt: skip
    if not isinstance(scale, bool | np.bool_):
        raise ConfigError(f"scale must be True or False; got {scale!r}")
    search_seed, check_seed = _rng.spawn(seed, 2)
    sc = scenario
    needs = an.type_needs(sc, patience=False)
    x, _ = an.cover_staffing(sc, needs, costs, caps)
    sample = Sample(sc, replications=replications, seed=search_seed, engine=engine, min_calls=min_calls,
                    interval_targets=True, check_replications=check_reps)  # fmt: skip
    ev, rounds = sample.evaluate(x), 0
    while scale and not ev.feasible and rounds < max_rounds:
        rounds += 1
        needs = needs + ev.short + (ev.total_short[:, None] & (sample.reached > 0))
        new, _ = an.cover_staffing(sc, needs, costs, caps)
        if np.array_equal(new, x):  # the caps stop it
            break
        x, ev = new, sample.evaluate(new)
    message = ""
    if scale and not ev.feasible:
        message = f"the scaled cover still misses targets on its sample after {rounds} round(s)"
    check = check_staffing(sc, x, replications=check_reps, seed=check_seed, engine=engine, min_calls=min_calls)
    return build_result("set_cover_scaled" if scale else "set_cover", sc, x, costs, check, iterations=rounds,
                        converged=ev.feasible, simulations=sample.runs, message=message)  # fmt: skip
