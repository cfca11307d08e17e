"""What multi-skill staffing returns (`MultiSkillStaffing`), its input checks and its independent check.

Every staffing is judged the same way, whichever method made it: simulated on callers drawn
from a seed independent of the one it was optimized on (`check_staffing`), against each
type's `ServiceTarget`:

* over the horizon, with 95 % confidence: the lower end of the 95 % interval of the type's
  service level (`MultiSkillResult.type_totals`) at or above the level (``type_met``);
* per interval, at the point estimate: the intervals where a type with calls (on average at
  least ``min_calls`` reached per replication) falls below its level are listed in
  ``short_intervals``. `staff_multiskill` meets these on its own sample and on a confirming
  batch as large as the check; on an independent one a cell at its target falls short about
  half the time by noise alone, so they are reported, not part of ``met``;
  ``significantly_short`` marks those whose whole 95 % interval lies below the level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import MultiSkillScenario
from cxqueue.scenario._plain import PlainDict
from cxqueue.scenario.channels import DEFERRED
from cxqueue.sim.multiskill import MultiSkillResult, simulate_multiskill
from cxqueue.sim.runner import ENGINES

__all__ = ["MultiSkillStaffing", "check_staffing", "staffing_iv"]


@dataclass(frozen=True, eq=False)
class MultiSkillStaffing(PlainDict):
    """Agents per group and interval for a multi-skill center, with the simulated evidence.

    Attributes
    ----------
    method : str
        ``"local_search"`` (`staff_multiskill`), ``"set_cover"`` or ``"set_cover_scaled"``
        (`set_cover_staffing`).
    group_names, type_names : tuple of str
    agents : ndarray of int64, shape (groups, intervals)
        Agents on duty per group and interval: the requirement a shift scheduler covers.
    cost : float
        ``sum over groups and intervals of cost[group] * agents``.
    cost_per_group : ndarray of float64, shape (groups,)
    kpis : MultiSkillResult
        The staffing simulated with an independent seed (see the module docstring).
    type_met : ndarray of bool, shape (types,)
        The lower end of each type's 95 % interval over the horizon at or above its level.
    short_intervals, significantly_short : ndarray of bool, shape (types, intervals)
        Per interval with calls: point estimate below the level; the whole 95 % interval below it.
    met : bool
        Every type met over the horizon (``type_met.all()``).
    iterations : int
        Rounds of adding agents (`staff_multiskill`: over both starts and the confirmation;
        the scaled set cover: rounds of raising the needs).
    converged : bool
        The search ended with every target met on its own sample.
    simulations : int
        Replications simulated by the search and the check.
    message : str
        What could not be met and why (empty when everything was met).
    """

    method: str
    group_names: tuple[str, ...]
    type_names: tuple[str, ...]
    agents: np.ndarray
    cost: float
    cost_per_group: np.ndarray
    kpis: MultiSkillResult
    type_met: np.ndarray
    short_intervals: np.ndarray
    significantly_short: np.ndarray
    met: bool
    iterations: int
    converged: bool
    simulations: int
    message: str = ""

    @property
    def total_agents(self) -> np.ndarray:
        """Agents on duty per interval, every group together."""
        return self.agents.sum(axis=0)

    def for_group(self, name: str) -> np.ndarray:
        """Agents of the group ``name`` per interval."""
        if name not in self.group_names:
            raise ConfigError(f"{name!r} is not a group of this staffing (the groups: {', '.join(self.group_names)})")
        return self.agents[self.group_names.index(name)]


def _per_group(name: str, value, sc: MultiSkillScenario, default: float, *, positive: bool) -> np.ndarray:
    """``value`` (None, one number, or a mapping of group name to a number or one per interval) as
    an array (groups, intervals)."""
    G, T = sc.n_groups, sc.n_intervals
    out = np.full((G, T), default, dtype=np.float64)
    if value is None:
        return out
    items = value.items() if isinstance(value, Mapping) else [(g, value) for g in sc.group_names]
    check = v.positive_array if positive else v.nonneg_array
    for g, x in items:
        if g not in sc.group_names:
            raise ConfigError(
                f"{name} names {g!r}, which is not a group of the center (the groups: {', '.join(sc.group_names)})"
            )
        arr = check(f"{name}.{g}", x, allow_inf=not positive)
        if arr.ndim > 1 or (arr.ndim == 1 and arr.shape != (T,)):
            raise ConfigError(f"{name}.{g} must be one number or one per interval ({T}); got shape {arr.shape}")
        out[sc.group_index(g)] = arr
    return out


def staffing_iv(scenario, cost, max_agents, replications, engine, min_calls):
    """Check the common inputs; returns (cost per group, caps (groups, intervals), replications, min_calls)."""
    if not isinstance(scenario, MultiSkillScenario):
        raise ConfigError(f"scenario must be a cxqueue.scenario.MultiSkillScenario; got {type(scenario).__name__}")
    for name, t in zip(scenario.type_names, scenario.target, strict=True):
        if t.basis not in ("offered", "answered"):
            raise ConfigError(
                f"call_types.{name}.target.basis must be 'offered' or 'answered' for multi-skill staffing "
                f"(the simulation counts no virtual service level); got {t.basis!r}"
            )
    costs = _per_group("cost", cost, scenario, 1.0, positive=True)
    if not np.all(costs == costs[:, :1]):
        raise ConfigError("cost must be one number per group (a cost per agent and interval); got one per interval")
    caps = _per_group("max_agents", max_agents, scenario, np.inf, positive=False)
    finite = caps[np.isfinite(caps)]
    if finite.size and not np.all(finite == np.floor(finite)):
        raise ConfigError(f"max_agents must be whole agents; got {finite[finite != np.floor(finite)][0]:g}")
    replications = v.integer_scalar("replications", replications, minimum=2)
    v.choice("engine", engine, ENGINES)
    min_calls = float(v.nonneg_array("min_calls", min_calls))
    return costs[:, 0].copy(), caps, replications, min_calls


def check_staffing(sc: MultiSkillScenario, agents: np.ndarray, *, replications: int, seed, engine: str,
                   min_calls: float) -> tuple[MultiSkillResult, np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Simulate ``agents`` with ``seed``: (kpis, type_met, short_intervals, significantly_short)."""
    from cxqueue.optimize.multiskill._evaluate import with_agents

    kpis = simulate_multiskill(with_agents(sc, agents), replications=replications, seed=seed, engine=engine)
    answered = np.array([t.basis == "answered" for t in sc.target])
    level = np.array([t.level for t in sc.target])
    tot = [kpis.type_totals.sl_answered, kpis.type_totals.sl_offered]
    per = [kpis.types.sl_answered, kpis.types.sl_offered]
    pick = np.where(answered, 0, 1)
    low = np.array([np.asarray(tot[p].mean)[k] - np.nan_to_num(np.asarray(tot[p].half_width)[k]) for k, p in
                    enumerate(pick)])  # fmt: skip
    type_met = np.nan_to_num(low, nan=1.0) >= level - 1e-12
    mean = np.stack([np.asarray(per[p].mean)[k] for k, p in enumerate(pick)])
    half = np.stack([np.nan_to_num(np.asarray(per[p].half_width)[k]) for k, p in enumerate(pick)])
    reached = np.asarray(kpis.types.offered.mean) - np.asarray(kpis.types.closed.mean)
    per_interval = np.array([t.channel not in DEFERRED for t in sc.types])  # as the search judges them
    cells = (reached >= max(min_calls, 1e-9)) & np.isfinite(mean) & per_interval[:, None]
    short = cells & (np.nan_to_num(mean, nan=1.0) < level[:, None] - 1e-12)
    significant = cells & (np.nan_to_num(mean + half, nan=1.0) < level[:, None] - 1e-12)
    return kpis, type_met, short, significant


def build_result(method, sc, agents, costs, check, *, iterations, converged, simulations, message):
    """The `MultiSkillStaffing` of ``agents`` with its ``check`` (`check_staffing`'s tuple)."""
    kpis, type_met, short, significant = check
    agents = np.asarray(agents, dtype=np.int64)
    agents.setflags(write=False)
    per_group = costs * agents.sum(axis=1)
    unmet = [name for name, ok in zip(sc.type_names, type_met, strict=True) if not ok]
    if unmet:
        note = f"the independent check finds {', '.join(unmet)} below target over the horizon"
        message = f"{message}; {note}" if message else note
    return MultiSkillStaffing(
        method=method, group_names=sc.group_names, type_names=sc.type_names, agents=agents,
        cost=float(per_group.sum()), cost_per_group=per_group, kpis=kpis, type_met=type_met,
        short_intervals=short, significantly_short=significant, met=bool(type_met.all()),
        iterations=int(iterations), converged=bool(converged), simulations=int(simulations + kpis.replications),
        message=message,
    )  # fmt: skip
