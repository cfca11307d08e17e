"""Every error message of schedule_shifts and solve_covering, word for word."""

from __future__ import annotations

import re

import numpy as np
import pytest
import scipy.sparse as sp

from cxqueue.exceptions import ConfigError
from cxqueue.optimize.shifts import schedule_shifts, solve_covering
from cxqueue.scenario import ShiftTemplate

H = 3600.0
T = ShiftTemplate("a", 2 * H, 0, 2 * H, H)
SL = np.array([[0.0, 0.5, 0.8], [0.0, 0.6, 0.9], [0.0, 0.4, 0.7]])
GSL = dict(objective="global_service_level", sl_curve=SL, calls=[10, 20, 10], target_level=0.8)

SCHEDULE_CASES = [
    (dict(required=[1, -1, 1]), "required must be >= 0; 1 of 3 values break it (first at index 1: -1.0)"),
    (dict(required=[[1, 1], [1, 1]]), "required must be a 1-d array with at least one interval; got shape (2, 2)"),
    (dict(required=[]), "required must be a 1-d array with at least one interval; got shape (0,)"),
    (dict(required="abc"), "required must be a number or an array of numbers; got 'abc'"),
    (dict(templates=[]), "templates must be a non-empty sequence of ShiftTemplate; got []"),
    (dict(templates=[T, 1]), "templates[1] must be a ShiftTemplate; got int"),
    (dict(templates=[T, T]), "templates must have distinct names; 'a' appears 2 times"),
    (dict(interval_s=0), "interval_s must be > 0; got 0.0"),
    (dict(start_s=-1), "start_s must be >= 0; got -1.0"),
    (dict(hours="8-20"), "hours must be an OpeningHours or None; got str"),
    (dict(objective="min"), "objective must be one of 'cover', 'global_service_level'; got 'min'"),
    (dict(sl_model="pwl"), "sl_model must be one of 'stable', 'exact', 'hull'; got 'pwl'"),
    (
        dict(objective="global_service_level", sl_curve=SL),
        "objective='global_service_level' needs sl_curve, calls and target_level; missing calls, target_level",
    ),
    (
        {**GSL, "sl_curve": [0.1, 0.2, 0.3]},
        "sl_curve must have shape (n_intervals, K + 1) = (3, K + 1) with K >= 1; got shape (3,)",
    ),
    (
        {**GSL, "sl_curve": SL * 100},
        "sl_curve must be a fraction in [0, 1]; 6 of 9 values break it (first at index (0, 1): 50.0) "
        "(pass 0.5 for 50%)",
    ),
    (
        {**GSL, "sl_curve": SL[:, ::-1]},
        "sl_curve must be non-decreasing in agents (along each row); 6 of 6 values break it "
        "(first at index (0, 0): -0.30000000000000004)",
    ),
    ({**GSL, "calls": [1, 2]}, "calls must have one value per interval (3); got shape (2,)"),
    ({**GSL, "calls": [1, -2, 1]}, "calls must be >= 0; 1 of 3 values break it (first at index 1: -2.0)"),
    ({**GSL, "calls": [0, 0, 0]}, "calls must be positive in at least one open interval for a global service level"),
    ({**GSL, "target_level": 80}, "target_level must be a fraction in (0, 1]; got 80.0 (pass 0.8 for 80%)"),
    ({**GSL, "target_level": 0}, "target_level must be a fraction in (0, 1]; got 0.0"),
    (dict(shortage_penalty=0), "shortage_penalty must be > 0; got 0.0"),
    (
        dict(shortage_penalty=[1, 2]),
        "shortage_penalty must be a scalar or have one value per interval (3); got shape (2,)",
    ),
    (dict(wrap="yes"), "wrap must be True or False; got 'yes'"),
    (dict(break_step_s=0), "break_step_s must be > 0; got 0.0"),
    (dict(max_candidates=0), "max_candidates must be >= 1; got 0"),
    (dict(max_candidates=1.5), "max_candidates must be an integer; got 1.5"),
    (
        dict(max_candidates=1),
        "templates give more than max_candidates=1 candidate shifts (template 'a' on monday "
        "reached it); widen start_step_s or break_step_s, narrow the break windows, "
        "or raise max_candidates",
    ),
    (dict(time_limit_s=0), "time_limit_s must be > 0; got 0.0"),
    (dict(mip_rel_gap=-0.1), "mip_rel_gap must be >= 0; got -0.1"),
    (dict(progress="loud"), "progress must be None, True/False or a callable taking a SolveProgress; got 'loud'"),
]


@pytest.mark.parametrize(("kw", "msg"), SCHEDULE_CASES, ids=[m[:40] for _, m in SCHEDULE_CASES])
def test_schedule_shifts_errors(kw, msg):
    kw = dict(kw)
    required = kw.pop("required", [1.0, 1.0, 1.0])
    templates = kw.pop("templates", [T])
    with pytest.raises(ConfigError, match=re.escape(msg)):
        schedule_shifts(required, templates, interval_s=kw.pop("interval_s", H), **kw)


COV = np.array([[1, 0], [1, 1], [0, 1]], dtype=float)
COVER_CASES = [
    (dict(required=[1, -1, 1]), "required must be >= 0; 1 of 3 values break it (first at index 1: -1.0)"),
    (dict(required=5), "required must be a 1-d array with at least one period; got shape ()"),
    (dict(coverage=[1, 1, 1]), "coverage must be a 2-d array (periods x columns); got shape (3,)"),
    (dict(coverage=-COV), "coverage must be >= 0; 4 of 6 values break it (first at index (0, 0): -1.0)"),
    (
        dict(coverage=sp.csr_array(-COV)),
        "coverage must be finite and >= 0; 4 of 4 values break it (first at index 0: -1.0)",
    ),
    (dict(coverage=COV[:2]), "coverage must have one row per period of required (3); got 2 rows"),
    (dict(cost=[1, 1, 1]), "cost must have one value per column of coverage (2); got shape (3,)"),
    (dict(cost=[1, -1]), "cost must be >= 0; 1 of 2 values break it (first at index 1: -1.0)"),
    (dict(lower=[2, 0], upper=[1, 5]), "lower must be <= upper; column 0 has lower=2 > upper=1"),
    (dict(upper=[1, 2, 3]), "upper must be a scalar or have one value per column (2); got shape (3,)"),
    (dict(lower=-1), "lower must be >= 0; got -1.0"),
    (dict(max_cover=[1, 2]), "max_cover must be a scalar or have one value per period (3); got shape (2,)"),
    (dict(shortage_penalty=-1), "shortage_penalty must be > 0; got -1.0"),
    (dict(time_limit_s=-1), "time_limit_s must be > 0; got -1.0"),
    (dict(mip_rel_gap=np.nan), "mip_rel_gap must be finite (not NaN or infinite); got nan"),
    (dict(progress=3), "progress must be None, True/False or a callable taking a SolveProgress; got 3"),
]


@pytest.mark.parametrize(("kw", "msg"), COVER_CASES, ids=[m[:40] for _, m in COVER_CASES])
def test_solve_covering_errors(kw, msg):
    kw = dict(kw)
    args = (kw.pop("required", [1, 1, 1]), kw.pop("coverage", COV), kw.pop("cost", [1, 1]))
    with pytest.raises(ConfigError, match=re.escape(msg)):
        solve_covering(*args, **kw)
