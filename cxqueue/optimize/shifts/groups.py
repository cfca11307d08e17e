"""Shifts per agent group: the MILP of `schedule_shifts` for each group of a multi-skill center.

A shift belongs to one group: its agent has that group's skills for the whole shift. The
requirement is per group and interval (`cxqueue.optimize.multiskill` or the plan's loop
gives it), so the covering MILP over every group's shifts has one cover row per group and
interval and no row that joins two groups: its constraint matrix is block-diagonal, one
block per group, and its cost is the sum of the blocks' costs. The joint optimum is
therefore the sum of the groups' own optima, and `schedule_group_shifts` solves the groups
**independently**, each a MILP the size of today's single-queue one (HiGHS works faster on
several small problems than on their union, and a group that cannot be covered is named
by its own error). Joint constraints would couple them (seats shared by all groups, a head
count over the center); there are none yet.

A group's ``cost`` factor (a multi-skilled agent may cost more per hour) multiplies its
templates' costs: it does not change the group's own optimum (every cost of the block
scales alike) but it prices the group's shifts in the total, which is what the plan's
loop weighs when it decides which group gets one more agent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError, InfeasibleError
from cxqueue.optimize.shifts.schedule import ShiftSchedule, schedule_shifts
from cxqueue.scenario import OpeningHours, ShiftTemplate
from cxqueue.scenario._plain import PlainDict
from cxqueue.scenario.shifts import MAX_COST

__all__ = ["GroupShiftSchedule", "schedule_group_shifts"]


@dataclass(frozen=True, eq=False)
class GroupShiftSchedule(PlainDict):
    """The shift schedule of every group of a center.

    Attributes
    ----------
    group_names : tuple of str
    schedules : tuple of ShiftSchedule
        One per group, in the order of ``group_names``; costs are the group's (its
        templates' costs times its factor).
    cost_factors : ndarray of float64
        Each group's cost per agent-hour relative to the base rate.
    required, agents : ndarray of float64, shape (groups, intervals)
        The requirement and the agents the shifts put on duty (paid agents, rostered).
    """

    group_names: tuple[str, ...]
    schedules: tuple[ShiftSchedule, ...]
    cost_factors: np.ndarray
    required: np.ndarray
    agents: np.ndarray

    @property
    def cost(self) -> float:
        """The center's cost: the sum of the groups' schedules' costs."""
        return float(sum(s.cost for s in self.schedules))

    @property
    def n_agents(self) -> int:
        """Shifts worked in the horizon, every group."""
        return int(sum(s.n_agents for s in self.schedules))

    def of(self, name: str) -> ShiftSchedule:
        """The schedule of group ``name``."""
        if name not in self.group_names:
            raise ConfigError(f"{name!r} is not a group of this schedule (the groups: {', '.join(self.group_names)})")
        return self.schedules[self.group_names.index(name)]


def _per_group(what: str, value, names: tuple[str, ...], default):
    """``value`` as one entry per group: a mapping by name (every name known, missing ones ``default``),
    a sequence in the groups' order, or one value for every group."""
    if value is None:
        return [default] * len(names)
    if isinstance(value, Mapping):
        for k in value:
            if k not in names:
                raise ConfigError(f"{what} names {k!r}, which is not a group (the groups: {', '.join(names)})")
        return [value.get(k, default) for k in names]
    return None


def group_templates(templates, names: tuple[str, ...]) -> list[tuple[ShiftTemplate, ...]]:
    """The templates of each group: one sequence for all, or a mapping group -> sequence (every group named)."""
    if isinstance(templates, Mapping):
        per = _per_group("templates", templates, names, None)
        missing = [k for k, t in zip(names, per, strict=True) if t is None]
        if missing:
            raise ConfigError(f"templates must give shift templates for every group; missing {', '.join(missing)}")
    else:
        per = [templates] * len(names)
    out = []
    for name, t in zip(names, per, strict=True):
        t = (t,) if isinstance(t, ShiftTemplate) else t
        if not isinstance(t, Sequence) or not t or not all(isinstance(x, ShiftTemplate) for x in t):
            raise ConfigError(f"templates[{name!r}] must be a non-empty sequence of ShiftTemplate; got {t!r}")
        out.append(tuple(t))
    return out


def cost_factors(cost, names: tuple[str, ...]) -> np.ndarray:
    """Each group's cost factor: None (1 each), a mapping by group name (1 for a group not named), or a sequence."""
    per = _per_group("cost", cost, names, 1.0)
    if per is None:
        per = v.positive_array("cost", cost)
        per = np.broadcast_to(per, (len(names),)) if per.ndim == 0 else per
        if per.shape != (len(names),):
            raise ConfigError(f"cost must hold one factor per group ({len(names)}); got shape {per.shape}")
    return np.array([float(v.positive_array(f"cost[{k!r}]", c)) for k, c in zip(names, per, strict=True)])


def schedule_group_shifts(
    required,
    templates,
    *,
    groups: Sequence[str],
    cost=None,
    interval_s: float = 900.0,
    start_s: float = 0.0,
    hours: OpeningHours | None = None,
    wrap: bool = False,
    time_limit_s: float | None = 60.0,
    mip_rel_gap: float | None = 0.005,
) -> GroupShiftSchedule:
    """Least-cost shifts for each group that cover its requirement (`schedule_shifts` per group).

    Parameters
    ----------
    required : array_like of float, shape (groups, intervals)
        Agents each group needs per interval (paid agents: divide by one minus the shrinkage first).
    templates : sequence of ShiftTemplate, or mapping of group name to one
        The templates every group may use, or each group's own (every group named).
    groups : sequence of str
        The groups' names, one per row of ``required``.
    cost : float, sequence or mapping of group name to float, optional
        Cost per agent-hour of each group relative to the base rate (default 1): a group's
        shifts cost its templates' costs times this.
    interval_s, start_s, hours, wrap, time_limit_s, mip_rel_gap
        As in `schedule_shifts`, for every group.

    Returns
    -------
    GroupShiftSchedule

    Raises
    ------
    ConfigError
        Bad input, named.
    InfeasibleError
        A group's requirement cannot be covered by its templates; the message names the group.

    Examples
    --------
    Two groups on eight hours from 08:00, one 4-hour template; the second group costs 1.25
    times as much per hour:

    >>> tpl = ShiftTemplate("half", length_s=4 * 3600, earliest_start_s=8 * 3600,
    ...                     latest_start_s=12 * 3600, start_step_s=3600)
    >>> s = schedule_group_shifts([[3.0] * 32, [1.0] * 16 + [2.0] * 16], [tpl], groups=["cards", "loans"],
    ...                           cost={"loans": 1.25}, start_s=8 * 3600)
    >>> [sc.cost for sc in s.schedules], s.cost, s.agents[:, [0, 31]].tolist()
    ([24.0, 15.0], 39.0, [[3.0, 3.0], [1.0, 2.0]])
    """
    names = tuple(groups) if not isinstance(groups, str) else (groups,)
    if not names or not all(isinstance(g, str) for g in names) or len(set(names)) != len(names):
        raise ConfigError(f"groups must be distinct group names, at least one; got {groups!r}")
    req = v.nonneg_array("required", required)
    if req.ndim != 2 or req.shape[0] != len(names) or req.shape[1] == 0:
        raise ConfigError(
            f"required must have shape (groups, intervals) = ({len(names)}, n) with n >= 1; got shape {req.shape}"
        )
    tpls = group_templates(templates, names)
    factors = cost_factors(cost, names)
    schedules = []
    for g, name in enumerate(names):
        own = []
        for t in tpls[g]:
            if t.cost * factors[g] > MAX_COST:
                raise ConfigError(
                    f"cost[{name!r}] = {factors[g]:g} makes shift {t.name!r} cost {t.cost * factors[g]:g}, over "
                    f"{MAX_COST:g} a shift"
                )
            own.append(dataclasses.replace(t, cost=t.cost * factors[g]))
        try:
            sched = schedule_shifts(req[g], own, interval_s=interval_s, start_s=start_s, hours=hours, wrap=wrap,
                                    time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap)  # fmt: skip
        except InfeasibleError as exc:
            raise InfeasibleError(f"group {name!r}: {exc}") from None
        schedules.append(sched)
    agents = np.stack([np.asarray(s.agents, dtype=np.float64) for s in schedules])
    return GroupShiftSchedule(names, tuple(schedules), factors, req, agents)
