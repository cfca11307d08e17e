"""Issue 14, acceptance 3, before the fact: each of the US bank's last 8 weeks forecast from
the days before it, staffed for the day factor's 0.9-quantile and simulated on that week's
real counts (experiments/e005_forecast_to_plan, --quick): the plan that promises the
target on 90 % of days meets it on at least 85 % of the real days, and the mean plan's
share and cost are reported beside it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO


def test_a_plan_for_90_percent_of_days_holds_on_85_percent_of_real_days(data_dir, tmp_path):
    env = {**os.environ, "CXQUEUE_DATA": str(data_dir), "MPLBACKEND": "Agg"}
    run = REPO / "experiments" / "e005_forecast_to_plan" / "run.py"
    proc = subprocess.run(
        [sys.executable, str(run), "--quick", "--out", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    s = json.loads((tmp_path / "summary.json").read_text())
    p90, mean = s["policies"]["p=0.9"], s["policies"]["mean"]
    print(proc.stdout)
    assert p90["days"] == mean["days"] >= 35  # 8 weeks of weekdays, less the days the data lacks
    assert p90["share_of_days_meeting"] >= 0.85
    # the mean plan is cheaper and less reliable: the trade-off the report states
    assert mean["agent_hours_per_day"] < p90["agent_hours_per_day"]
    assert mean["share_of_days_meeting"] < p90["share_of_days_meeting"]
