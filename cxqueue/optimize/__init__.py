"""Optimizers: staffing per interval, shift scheduling, phone lines, opening hours, and the plan.

* `staffing_requirements`: agents per interval (SIPP, lag-SIPP, ISA) for a service target;
* `schedule_shifts` / `solve_covering`: shift scheduling by MILP (scipy's HiGHS);
* `size_lines`: lines for a busy-signal target with Erlang X and redials;
* `search_opening_hours` / `evaluate_opening_hours`: opening hours against cost and lost calls;
* `optimize_plan`: all of them joined, confirmed by simulation.
"""

from cxqueue.optimize.hours import HoursPlan, HoursSearch, evaluate_opening_hours, search_opening_hours
from cxqueue.optimize.plan import PlanResult, PlanSettings, optimize_plan
from cxqueue.optimize.requirements import StaffingRequirements, staffing_requirements
from cxqueue.optimize.shifts import ChosenShift, ShiftSchedule, UnmetInterval, schedule_shifts, solve_covering
from cxqueue.optimize.trunks import LinePlan, size_lines

__all__ = [
    "ChosenShift",
    "HoursPlan",
    "HoursSearch",
    "LinePlan",
    "PlanResult",
    "PlanSettings",
    "ShiftSchedule",
    "StaffingRequirements",
    "UnmetInterval",
    "evaluate_opening_hours",
    "optimize_plan",
    "schedule_shifts",
    "search_opening_hours",
    "size_lines",
    "solve_covering",
    "staffing_requirements",
]
