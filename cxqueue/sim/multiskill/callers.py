"""The callers of one replication of a multi-skill center, drawn before the simulation runs.

Call type ``k`` draws from its own purpose streams, ``_rng.purpose_streams(seed,
substream=k)``: its arrivals (an exact non-homogeneous Poisson process with a constant
rate per interval, `cxqueue.sim.arrivals.poisson_arrivals`), its unit handle times (the
engine scales them by the type's AHT of the arrival interval and the serving group's
factor), its patience and, from the ``"route"`` stream, one uniform per caller for the
agent choice ``"random_free"`` (drawn whatever the routing, so that it changes no draw).
The day factor is drawn once, from substream 0, and multiplies every type. So:

* two centers that differ only in agents, groups or routing see exactly the same callers
  (common random numbers);
* a type's callers do not depend on the other types;
* a center of one type draws exactly what the single-queue engine draws for the equivalent
  `Scenario` (`cxqueue.sim.arrivals.sample_callers`): same streams, same order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxqueue import _rng
from cxqueue.scenario import MultiSkillScenario
from cxqueue.sim.arrivals import _table, day_factors, poisson_arrivals

__all__ = ["SkillCallers", "sample_skill_callers"]


@dataclass(frozen=True, eq=False)
class SkillCallers:
    """Pre-sampled callers, one entry per call, sorted by arrival (types in order at a tie).

    ``arrival_s`` in seconds since the horizon start; ``call_type`` the index of the type;
    ``handle_unit`` the handle time at unit mean; ``patience_s`` (inf: never hangs up);
    ``route_u`` a uniform draw in [0, 1) by which the call picks among the groups it may
    reach at once under ``agent_choice = "random_free"``.
    """

    arrival_s: np.ndarray
    call_type: np.ndarray
    handle_unit: np.ndarray
    patience_s: np.ndarray
    route_u: np.ndarray


def sample_skill_callers(scenario: MultiSkillScenario, seed) -> SkillCallers:
    """Draw every caller of one replication of ``scenario``.

    Parameters
    ----------
    scenario : cxqueue.scenario.MultiSkillScenario
    seed : int, SeedSequence, Generator or None
        The replication's seed; type ``k`` uses its purpose streams of substream ``k``.

    Returns
    -------
    SkillCallers

    Examples
    --------
    >>> from cxqueue.scenario import AgentGroup, CallType, MultiSkillScenario
    >>> sc = MultiSkillScenario([CallType("A", [50.0], aht_s=60.0), CallType("B", [20.0], aht_s=60.0)],
    ...                         [AgentGroup("G", ("A", "B"), 3)])
    >>> c = sample_skill_callers(sc, 1)
    >>> bool(np.all(np.diff(c.arrival_s) >= 0)), sorted(set(c.call_type.tolist())), bool(np.isinf(c.patience_s).all())
    (True, [0, 1], True)
    """
    seed = _rng.as_seed_sequence(seed)
    base = _rng.purpose_streams(seed)
    factor = day_factors(scenario.interval_starts_s, scenario.day_factor_cv, base["day_factor"])
    arrival, ctype, handle, patience, route = [], [], [], [], []
    for k, t in enumerate(scenario.types):
        streams = base if k == 0 else _rng.purpose_streams(seed, substream=k)
        a = poisson_arrivals(t.calls * factor, scenario.interval_s, streams["arrivals"])
        n = a.size
        arrival.append(a)
        ctype.append(np.full(n, k, dtype=np.int64))
        handle.append(_table(t.handle, streams["handle"], n, 1, unit=True)[:, 0])
        if t.patience.is_none:
            patience.append(np.full(n, np.inf))
        else:
            patience.append(_table(t.patience, streams["patience"], n, 1, unit=False)[:, 0])
        route.append(streams["route"].random(n))
    arrival_s = np.concatenate(arrival)
    order = np.argsort(arrival_s, kind="stable")
    return SkillCallers(
        arrival_s=arrival_s[order],
        call_type=np.concatenate(ctype)[order],
        handle_unit=np.concatenate(handle)[order],
        patience_s=np.concatenate(patience)[order],
        route_u=np.concatenate(route)[order],
    )
