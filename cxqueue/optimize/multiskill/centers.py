"""Example centers for multi-skill staffing: the 6 x 6 design of Wallace & Whitt (2005).

Wallace & Whitt ("A staffing algorithm for call centers with skill-based routing",
Manufacturing & Service Operations Management 7(4), 2005) staff a center of 6 call types
and 6 agent pools of about 90 agents in all, where every agent has exactly 2 skills: pool
``i`` has type ``i`` as its primary skill and type ``i + 1`` as its secondary one, so the
skills form one chain through every type (their "appropriate combinations"), and the
service time depends neither on the type nor on the agent. Their routing: a call goes to
an idle agent with its type as primary skill, else to one with it as secondary skill; a
free agent takes the calls of its primary type first.

The paper's exact rates were not in the stored copies this project can read; this center
keeps its shape (the design above, exponential handle times of one mean for every type
and group, per-type targets, about 90 agents at the peak) with these numbers: 5-minute
handle times, 15-minute intervals, an offered load of ``peak_erlangs`` Erlangs per type at
the peak, the types' loads in the ratios ``shares`` (equal by default), the day's shape
``profile`` (the peak is its largest value), patience ``patience_s`` (none by default, as
the paper's model), and the target 80 % answered within 20 s for every type.
"""

from __future__ import annotations

import numpy as np

from cxqueue import scenario as model

__all__ = ["day_profile", "wallace_whitt_center"]

TYPES = 6
AHT_S = 300.0
INTERVAL_S = 900.0


def day_profile(n_intervals: int = 48) -> np.ndarray:
    """A call-center day: a morning peak, a lunch dip and a smaller afternoon peak, largest value 1.

    >>> p = day_profile(48)
    >>> p.shape, float(p.max()), bool(p[0] < 0.5 and p[-1] < 0.5)
    ((48,), 1.0, True)
    """
    x = np.linspace(0.0, 1.0, n_intervals)
    shape = 0.25 + np.exp(-0.5 * ((x - 0.3) / 0.13) ** 2) + 0.8 * np.exp(-0.5 * ((x - 0.7) / 0.13) ** 2)
    return shape / shape.max()


def wallace_whitt_center(
    profile=(1.0,),
    *,
    peak_erlangs: float = 13.5,
    shares=None,
    patience_s: float | None = None,
) -> model.MultiSkillScenario:
    """The 6-type, 6-group chain of Wallace & Whitt (2005) over the intervals of ``profile``.

    Parameters
    ----------
    profile : array_like of float
        Each 15-minute interval's load relative to the peak (one value per interval).
    peak_erlangs : float, default 13.5
        Offered load of one type at the peak (with equal shares), in Erlangs: 6 x 13.5 = 81
        Erlangs, which needs about 90 agents.
    shares : array_like of 6 floats, optional
        Relative loads of the types (normalized to mean 1); equal by default.
    patience_s : float, optional
        Mean (exponential) patience; callers never hang up by default.

    Examples
    --------
    >>> sc = wallace_whitt_center([0.5, 1.0])
    >>> sc.type_names, sc.groups[0].skills, sc.resolved_routing.type_groups["t0"]
    (('t0', 't1', 't2', 't3', 't4', 't5'), ('t0', 't1'), ('g0', 'g5'))
    >>> sc.offered_load.sum(axis=0).tolist()
    [40.5, 81.0]
    """
    profile = np.asarray(profile, dtype=np.float64)
    share = np.ones(TYPES) if shares is None else np.asarray(shares, dtype=np.float64)
    share = share / share.mean()
    patience = model.Distribution.none() if patience_s is None else model.Distribution.exponential(patience_s)
    calls = peak_erlangs * INTERVAL_S / AHT_S * share[:, None] * profile[None, :]
    names = [f"t{i}" for i in range(TYPES)]
    types = [model.CallType(n, calls[i], aht_s=AHT_S, patience=patience) for i, n in enumerate(names)]
    second = [names[(i + 1) % TYPES] for i in range(TYPES)]  # pool i's secondary skill
    groups = [model.AgentGroup(f"g{i}", (names[i], second[i]), 0.0) for i in range(TYPES)]
    routing = model.Routing(
        type_groups={n: (f"g{i}", f"g{(i - 1) % TYPES}") for i, n in enumerate(names)},  # primary pool first
        group_types={f"g{i}": ((names[i],), (second[i],)) for i in range(TYPES)},  # primary calls first
    )
    return model.MultiSkillScenario(types, groups, routing, interval_s=INTERVAL_S,
                                    target=model.ServiceTarget(level=0.8, answer_within_s=20.0))  # fmt: skip
