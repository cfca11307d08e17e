"""Optimizers: staffing per interval, shift scheduling, phone lines and opening hours.

* `staffing_requirements`: agents per interval (SIPP, lag-SIPP, ISA) for a service target;
* `staffing_for_forecast`: the same for a dated `cxqueue.forecast.IntervalForecast` under a
  policy (staff the mean, a quantile of the day factor, or the expected service level);
* `staff_table`: the same, stationary, for arrays of calls and AHT, with the KPIs (``cxqueue staff``);
* `schedule_shifts` / `solve_covering`: shift scheduling by MILP (scipy's HiGHS);
* `size_lines`: lines for a busy-signal target with Erlang X and redials;
* `search_opening_hours` / `evaluate_opening_hours`: opening hours against cost and lost calls;
* `staff_multiskill` / `set_cover_staffing` (``multiskill/``): agents per group and interval of a
  multi-skill center for per-type targets, by simulation (`MultiSkillStaffing`), and
  pyworkforce's set cover to compare; `wallace_whitt_center`, the 6 x 6 example;

`optimize_plan`, `PlanResult` and `PlanSettings` moved to `cxqueue.plan` (the layer above, which
joins these optimizers); the names here are aliases kept for old code.
"""

from cxqueue.optimize.hours import HoursPlan, HoursSearch, evaluate_opening_hours, search_opening_hours
from cxqueue.optimize.lines import LinePlan, size_lines
from cxqueue.optimize.requirements import StaffingRequirements, staffing_requirements
from cxqueue.optimize.shifts import ChosenShift, ShiftSchedule, UnmetInterval, schedule_shifts, solve_covering
from cxqueue.optimize.staff_table import StaffTable, staff_table
from cxqueue.optimize.uncertain import UncertainStaffing, staffing_for_forecast

__all__ = [
    "ChosenShift",
    "HoursPlan",
    "HoursSearch",
    "LinePlan",
    "MultiSkillStaffing",
    "ShiftSchedule",
    "StaffTable",
    "StaffingRequirements",
    "UncertainStaffing",
    "UnmetInterval",
    "evaluate_opening_hours",
    "schedule_shifts",
    "search_opening_hours",
    "set_cover_staffing",
    "size_lines",
    "solve_covering",
    "staff_multiskill",
    "staff_table",
    "staffing_for_forecast",
    "staffing_requirements",
    "wallace_whitt_center",
]

_MOVED_UP = ("PlanResult", "PlanSettings", "optimize_plan")
# loaded on first use: they bring the multi-skill simulation (and simpy), which `cxqueue staff`
# and the single-queue plan do not need
_MULTISKILL = ("MultiSkillStaffing", "set_cover_staffing", "staff_multiskill", "wallace_whitt_center")


def __getattr__(name: str):
    if name in _MULTISKILL:
        from cxqueue.optimize import multiskill

        return getattr(multiskill, name)
    # aliases for the plan's names, resolved on use so that this layer imports nothing above it
    if name in _MOVED_UP:
        import warnings

        warnings.warn(f"cxqueue.optimize.{name} moved to cxqueue.plan.{name}", DeprecationWarning, stacklevel=2)
        import cxqueue.plan

        return getattr(cxqueue.plan, name)
    raise AttributeError(f"module 'cxqueue.optimize' has no attribute {name!r}")
