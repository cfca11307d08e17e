"""What ``cxqueue simulate`` does for a multi-skill config: its center simulated, KPIs per type and group.

`simulate_multiskill_config` takes a `PlanConfig` whose ``multiskill`` is set (a config with
``[call_types]`` and ``[groups]``), runs `cxqueue.sim.multiskill.simulate_multiskill` with
the config's ``[simulation]`` (replications, seed, warm-up) and returns a
`MultiSkillSimulation`: the library's result and, for printing, one row per call type
(offered, service level, ASA, abandonment, each with its 95 % interval) and per group
(agent-hours, occupancy, calls answered) over the horizon after the warm-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxqueue.config import PlanConfig
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import MultiSkillScenario
from cxqueue.scenario._plain import PlainDict
from cxqueue.scenario.channels import thresholds
from cxqueue.sim.kpis import Estimate

__all__ = ["GroupRow", "MultiSkillSimulation", "TypeRow", "simulate_multiskill_config"]


@dataclass(frozen=True, eq=False)
class TypeRow(PlainDict):
    """One call type over the horizon: calls ``offered``, ``service_level`` (answered within
    ``answer_within_s`` over offered minus closed), ``asa_s``, ``abandon_fraction`` and
    ``answered``, each an `Estimate` (mean and 95 % half-width over replications); the type's
    target (``answer_within_s``, ``target_level``; None for the row of every type pooled);
    ``transferred``: answered calls passed on to another type (part of ``answered``);
    ``backlog``: calls still waiting at the horizon; ``missed``: calls not answered within the
    threshold (an email type's: its due time, and its service level the share answered by
    then), those still open counted only once past it; ``reached``: answered calls less the
    check-in dials that did not reach the customer (an outbound type: attempts are its
    ``answered``, its service level the share dialed by the due time)."""

    name: str
    answer_within_s: float | None
    target_level: float | None
    offered: Estimate
    answered: Estimate
    service_level: Estimate
    asa_s: Estimate
    abandon_fraction: Estimate
    transferred: Estimate
    backlog: Estimate
    missed: Estimate
    reached: Estimate


@dataclass(frozen=True, eq=False)
class GroupRow(PlainDict):
    """One group over the horizon: ``agent_hours`` present (agents finishing a call after their
    interval included), ``occupancy`` (busy over
    present agent time) and ``answered`` (calls it answered, all types; its half-width is the
    sum of the per-type half-widths, a conservative bound)."""

    name: str
    skills: tuple[str, ...]
    agent_hours: Estimate
    occupancy: Estimate
    answered: Estimate


@dataclass(frozen=True, eq=False)
class MultiSkillSimulation:
    """A multi-skill config simulated: ``result`` (`cxqueue.sim.multiskill.MultiSkillResult`),
    the ``scenario`` it ran, and ``types`` and ``groups`` rows over the horizon; ``overall``
    pools every type."""

    name: str
    source: str
    engine: str
    scenario: MultiSkillScenario
    result: object
    types: tuple[TypeRow, ...]
    overall: TypeRow
    groups: tuple[GroupRow, ...]

    def to_dict(self) -> dict:
        r = self.result
        return {
            "config": self.source,
            "name": self.name,
            "engine": self.engine,
            "replications": r.replications,
            "warmup_s": r.warmup_s,
            "types": [t.to_dict() for t in self.types],
            "overall": self.overall.to_dict(),
            "groups": [g.to_dict() for g in self.groups],
        }


def _type_row(name: str, k, target, within_s=None) -> TypeRow:
    within, level = (None, None) if target is None else (float(within_s), float(target.level))
    return TypeRow(name, within, level, k.offered, k.answered, k.sl_offered, k.asa_s, k.abandon_fraction,
                   k.transferred, k.unresolved, k.missed, k.reached)  # fmt: skip


def simulate_multiskill_config(
    cfg: PlanConfig,
    *,
    replications: int | None = None,
    seed: int | None = None,
    agents: float | None = None,
    lines: int | None = None,
) -> MultiSkillSimulation:
    """Simulate the multi-skill center of ``cfg``; ``None`` keeps the config's replications and seed.

    The agents come from ``[groups.NAME].agents``: ``agents`` and ``lines`` (the single-queue
    options of ``cxqueue simulate``) are errors here. The engine is the simpy reference
    engine (`cxqueue.sim.multiskill`); the overall row pools every type, so its service
    level uses each type's own threshold.

    Examples
    --------
    >>> from cxqueue.config import loads_scenario
    >>> cfg = loads_scenario('''
    ... [call_types.a]
    ... calls = [20, 30]
    ... aht_min = 3
    ... [groups.g]
    ... skills = ["a"]
    ... agents = 3
    ... ''')
    >>> run = simulate_multiskill_config(cfg, replications=3, seed=1)
    >>> [t.name for t in run.types], run.groups[0].skills, bool(run.types[0].offered.mean > 0)
    (['a'], ('a',), True)
    """
    from cxqueue.sim.multiskill import simulate_multiskill

    ms = cfg.multiskill
    if ms is None:
        raise ConfigError(f"{cfg.source}: not a multi-skill config (no [call_types] and [groups]); use simulate_config")
    for opt, value in (("agents", agents), ("lines", lines)):
        if value is not None:
            raise ConfigError(
                f"{cfg.source}: --{opt} applies to a single-queue config; a multi-skill center takes its agents "
                f"from [groups.NAME].agents and has unlimited lines; got {opt}={value!r}"
            )
    missing = cfg.group_planning.without_agents if cfg.group_planning is not None else ()
    if missing:
        raise ConfigError(
            f"{cfg.source}: [groups.{missing[0]}].agents is required to simulate: agents on duty, one number or one "
            f"per interval (groups without it: {', '.join(missing)}; `cxqueue plan` plans them)"
        )
    s = cfg.settings
    res = simulate_multiskill(
        ms,
        replications=s.replications if replications is None else replications,
        seed=s.seed if seed is None else seed,
        warmup_s=s.warmup_s,
    )
    within = thresholds(ms)  # an email type's: its due time
    types = tuple(_type_row(n, res.type_totals.of(i), ms.target[i], within[i]) for i, n in enumerate(ms.type_names))
    tot = res.group_totals
    served = Estimate(tot.served.mean.sum(axis=-1), tot.served.half_width.sum(axis=-1), tot.served.limits)
    hours = ms.interval_s * int(np.sum(ms.interval_s * np.arange(ms.n_intervals) >= s.warmup_s - 1e-9)) / 3600.0
    agent_hours = Estimate(tot.agents.mean * hours, tot.agents.half_width * hours, tot.agents.limits)
    groups = tuple(GroupRow(g.name, g.skills, _pick(agent_hours, i), _pick(tot.occupancy, i), _pick(served, i))
                   for i, g in enumerate(ms.groups))  # fmt: skip
    overall = _type_row("all", res.overall_totals, None)
    return MultiSkillSimulation(cfg.name, str(cfg.source), "simpy", ms, res, types, overall, groups)


def _pick(e: Estimate, i: int) -> Estimate:
    return Estimate(np.asarray(e.mean)[i], np.asarray(e.half_width)[i], e.limits)
