"""Acceptance 1: the instances in ../shared/reference/shift_scheduling.csv reach their optimal costs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cxqueue.optimize.shifts import solve_covering
from tests.conftest import read_reference

ROWS = read_reference("shift_scheduling.csv")


def _instance(row: dict) -> dict:
    """required, coverage, cost and the extra limits of one reference row."""
    inst = json.loads(row["instance"])
    if "coverage_period_by_shift" in inst:  # Union Airways: periods x shifts
        return {
            "required": inst["requirement"],
            "coverage": np.array(inst["coverage_period_by_shift"]),
            "cost": inst["shift_cost"],
            "kw": {},
        }
    if "coverage_day_by_start" in inst:  # post office: days x start day of a 5-on/2-off pattern
        cov = np.array(inst["coverage_day_by_start"])
        return {"required": inst["requirement"], "coverage": cov, "cost": np.ones(cov.shape[1]), "kw": {}}
    # pyworkforce MinRequiredResources: the same shifts on each day, one column per (day, shift),
    # at most max_shift_concurrency per column and max_period_concurrency on duty per period
    req = np.array(inst["required_resources"], dtype=float)
    days = req.shape[0]
    shifts = np.array(list(inst["shifts_coverage"].values())).T  # periods x shifts
    cov = np.kron(np.eye(days), shifts)
    return {
        "required": req.ravel(),
        "coverage": cov,
        "cost": np.ones(cov.shape[1]),
        "kw": {"upper": inst["max_shift_concurrency"], "max_cover": inst["max_period_concurrency"]},
    }


@pytest.mark.parametrize("row", ROWS, ids=[r["case"] for r in ROWS])
def test_reference_instance_reaches_optimal_cost(row):
    inst = _instance(row)
    sol = solve_covering(inst["required"], inst["coverage"], inst["cost"], mip_rel_gap=0.0, **inst["kw"])
    assert sol.status == "optimal"
    assert sol.cost == pytest.approx(float(row["optimal_value"]), abs=1e-9)
    assert sol.objective == sol.cost
    assert np.all(sol.covered >= np.asarray(inst["required"]) - 1e-9)
    assert sol.counts.sum() == int(row["total_agents"])
    # the published solution is feasible and costs the same (alternative optima may exist)
    x_pub = np.array(row["optimal_solution"].split(), dtype=float)
    assert np.asarray(inst["cost"]) @ x_pub == pytest.approx(sol.cost)
    assert np.all(inst["coverage"] @ x_pub >= np.asarray(inst["required"]))
    if row["lp_relaxation"]:
        lp = solve_covering(inst["required"], inst["coverage"], inst["cost"], integrality=False, **inst["kw"])
        assert lp.cost == pytest.approx(float(row["lp_relaxation"]), abs=1e-4)
        assert sol.lp_bound == pytest.approx(float(row["lp_relaxation"]), abs=1e-4)


def test_reference_table_is_there(reference_dir):
    assert len(ROWS) >= 4
    assert {r["case"] for r in ROWS} >= {
        "union_airways_HL",
        "post_office_winston",
        "pyworkforce_readme_MinRequiredResources",
    }
