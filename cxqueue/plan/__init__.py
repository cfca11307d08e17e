"""One plan for a center, from a config to a report folder.

* `optimize_plan` (``optimize``): requirements, shifts and lines joined, confirmed by simulation
  (`PlanResult`), under `PlanSettings` (``settings``);
* `run_plan` (``run``): a `cxqueue.config.PlanConfig` in, the plan and its replay check, written
  by `write_plan_report` (``report``) with the figures of ``figures`` and ``plan.xlsx``
  (`write_workbook`, ``workbook``);
* `compare_plans` (``compare``): plan folders side by side, from their ``summary.json``.
"""

from cxqueue.plan.compare import PlanComparison, compare_plans
from cxqueue.plan.optimize import PlanResult, PlanSettings, optimize_plan
from cxqueue.plan.report import write_plan_report
from cxqueue.plan.run import plan_settings, run_plan
from cxqueue.plan.workbook import write_workbook

__all__ = [
    "PlanComparison",
    "PlanResult",
    "PlanSettings",
    "compare_plans",
    "optimize_plan",
    "plan_settings",
    "run_plan",
    "write_plan_report",
    "write_workbook",
]
