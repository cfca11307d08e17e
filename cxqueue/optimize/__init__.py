"""Optimizers: shift scheduling (MILP with scipy/HiGHS); staffing, lines and hours to come."""

from cxqueue.optimize.shifts import ChosenShift, ShiftSchedule, UnmetInterval, schedule_shifts, solve_covering

__all__ = ["ChosenShift", "ShiftSchedule", "UnmetInterval", "schedule_shifts", "solve_covering"]
