"""One plan for a center, from a config to a report folder.

* `optimize_plan` (``optimize``): requirements, shifts and lines joined, confirmed by simulation
  (`PlanResult`), under `PlanSettings` (``settings``);
* `run_plan` (``run``): a `cxqueue.config.PlanConfig` in, the plan and its replay check, written
  by `write_plan_report` (``report``) with the figures of ``figures``.
"""

from cxqueue.plan.optimize import PlanResult, PlanSettings, optimize_plan
from cxqueue.plan.report import write_plan_report
from cxqueue.plan.run import plan_settings, run_plan

__all__ = ["PlanResult", "PlanSettings", "optimize_plan", "plan_settings", "run_plan", "write_plan_report"]
