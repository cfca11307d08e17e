"""Shifts per agent group (`schedule_group_shifts`): each group's requirement covered at least cost.

The optimum is checked by brute force: every count vector of the few candidate shifts of a
small day is tried, and the cheapest that covers the group's requirement is the MILP's cost.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from cxqueue.exceptions import ConfigError, InfeasibleError
from cxqueue.optimize.shifts import schedule_group_shifts
from cxqueue.scenario import OpeningHours, ShiftTemplate

HOUR = 3600.0
# a day from 08:00 to 16:00 in hours; 4-hour shifts starting on the hour (5 candidates) and an
# 8-hour one at 08:00
HALF = ShiftTemplate("half", length_s=4 * HOUR, earliest_start_s=8 * HOUR, latest_start_s=12 * HOUR,
                     start_step_s=HOUR, cost=4.0)  # fmt: skip
FULL = ShiftTemplate("full", length_s=8 * HOUR, earliest_start_s=8 * HOUR, cost=7.0)
KW = dict(interval_s=HOUR, start_s=8 * HOUR)


def brute_force(required, shifts, max_count=4) -> float:
    """The least cost of counts of (start hour, length h, cost) shifts that cover ``required`` (from 08:00)."""
    n = len(required)
    cover = np.zeros((len(shifts), n))
    for j, (start, length, _) in enumerate(shifts):
        cover[j, start - 8 : start - 8 + length] = 1
    costs = np.array([c for _, _, c in shifts])
    best = np.inf
    for x in itertools.product(range(max_count + 1), repeat=len(shifts)):
        x = np.array(x)
        if (x @ cover >= required).all():
            best = min(best, float(x @ costs))
    return best


def test_each_group_is_covered_at_its_brute_force_optimum_times_its_cost():
    req = np.array([[2, 3, 3, 1, 1, 2, 2, 2], [1, 1, 2, 2, 3, 1, 0, 0]], dtype=float)
    s = schedule_group_shifts(req, {"cards": [HALF, FULL], "loans": [HALF]}, groups=["cards", "loans"],
                              cost={"loans": 1.25}, **KW)  # fmt: skip
    assert (s.agents >= req).all() and s.agents.shape == req.shape
    halves = [(h, 4, 4.0) for h in range(8, 13)]
    cards = brute_force(req[0], [*halves, (8, 8, 7.0)])
    loans = brute_force(req[1], halves)
    # by hand: cards two full days and a half from 08:00 (18); loans one half from 08:00 for 08:00 and three
    # more for 12:00 (a shift covering 08:00 ends before 12:00), four halves (16)
    assert (cards, loans) == (18.0, 16.0)
    assert s.of("cards").cost == pytest.approx(cards)
    assert s.of("loans").cost == pytest.approx(1.25 * loans)
    assert s.cost == pytest.approx(cards + 1.25 * loans)
    # each group's agents are its own shifts' cover: the chosen shifts rebuilt by hand
    for name, row in zip(s.group_names, s.agents, strict=True):
        rebuilt = np.zeros(8)
        for sh in s.of(name).shifts:
            rebuilt[int(sh.start_s / HOUR) - 8 : int(sh.end_s / HOUR) - 8] += sh.count
        assert rebuilt.tolist() == row.tolist()


def test_independent_groups_give_what_each_group_alone_gives():
    rng = np.random.default_rng(5)
    req = rng.integers(0, 6, size=(3, 8)).astype(float)
    s = schedule_group_shifts(req, [HALF, FULL], groups=["a", "b", "c"], cost=[1.0, 1.5, 2.0], **KW)
    for g in range(3):
        alone = schedule_group_shifts(req[g : g + 1], [HALF, FULL], groups=["x"], **KW)
        assert s.schedules[g].cost == pytest.approx(alone.cost * [1.0, 1.5, 2.0][g])
        assert s.agents[g].tolist() == alone.agents[0].tolist()
        assert (s.agents[g] >= req[g]).all()
    assert s.n_agents == sum(x.n_agents for x in s.schedules)


def test_closed_intervals_need_no_cover_and_a_group_that_cannot_be_covered_is_named():
    hours = OpeningHours.daily(8 * HOUR, 16 * HOUR)
    req = np.array([[1.0] * 8])
    s = schedule_group_shifts(req, [FULL], groups=["g"], hours=hours, **KW)
    assert s.agents.tolist() == [[1.0] * 8]
    late = ShiftTemplate("late", length_s=2 * HOUR, earliest_start_s=14 * HOUR, cost=2.0)
    with pytest.raises(InfeasibleError, match=re.escape("group 'late_only': ")):
        schedule_group_shifts(np.ones((2, 8)), {"ok": [FULL], "late_only": [late]}, groups=["ok", "late_only"], **KW)


@pytest.mark.parametrize(
    "kw, message",
    [
        (dict(required=np.ones((2, 8)), groups=["a"]), "required must have shape (groups, intervals) = (1, n)"),
        (dict(templates={"a": [HALF], "zz": [HALF]}), "templates names 'zz', which is not a group (the groups: a)"),
        (
            dict(groups=["a", "b"], required=np.ones((2, 8)), templates={"a": [HALF]}),
            "templates must give shift templates for every group; missing b",
        ),
        (dict(templates={"a": []}), "templates['a'] must be a non-empty sequence of ShiftTemplate; got []"),
        (dict(cost={"a": 0.0}), "cost['a'] must be > 0"),
        (dict(cost=[1.0, 2.0]), "cost must hold one factor per group (1); got shape (2,)"),
        (dict(cost={"a": 1e12}), "cost['a'] = 1e+12 makes shift 'half' cost 4e+12, over 1e+12 a shift"),
        (dict(groups=["a", "a"], required=np.ones((2, 8))), "groups must be distinct group names"),
        (dict(required=-np.ones((1, 8))), "required must be >= 0"),
    ],
)
def test_bad_input_is_named(kw, message):
    args = dict(required=np.ones((1, 8)), templates=[HALF], groups=["a"]) | kw
    with pytest.raises(ConfigError, match=re.escape(message)):
        schedule_group_shifts(args.pop("required"), args.pop("templates"), **args, **KW)
