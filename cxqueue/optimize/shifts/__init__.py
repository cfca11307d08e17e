"""Shift scheduling by MILP (scipy's HiGHS): which shifts to staff so that every interval is covered.

* `schedule_shifts` (``schedule``): templates and a requirement per interval in, a `ShiftSchedule` out,
  under the objective ``"cover"`` or ``"global_service_level"``;
* `schedule_group_shifts` (``groups``): the same for each agent group of a multi-skill center,
  the groups solved independently (their covering problem is block-diagonal);
* `solve_covering` (``_covering``): the covering MILP on an explicit coverage matrix;
* ``_coverage`` expands templates into candidate shifts, ``_gsl``/``_gsl_solve`` build the global
  service-level model, ``_highs`` runs HiGHS with progress.
"""

from cxqueue.optimize.shifts._covering import CoverSolution, solve_covering
from cxqueue.optimize.shifts._highs import SolveProgress
from cxqueue.optimize.shifts.groups import GroupShiftSchedule, schedule_group_shifts
from cxqueue.optimize.shifts.schedule import ChosenShift, ShiftSchedule, UnmetInterval, schedule_shifts

__all__ = [
    "ChosenShift",
    "CoverSolution",
    "GroupShiftSchedule",
    "ShiftSchedule",
    "SolveProgress",
    "UnmetInterval",
    "schedule_group_shifts",
    "schedule_shifts",
    "solve_covering",
]
