"""Issue 12: the report is a view of the plan: its first screen, per-day table, weakest
intervals and readable shifts.csv carry the library's numbers, checked here against the
result they came from."""

from __future__ import annotations

import csv
import dataclasses
import json

import numpy as np
import pytest

import cxqueue as cx
from cxqueue.plan.headline import headline
from cxqueue.plan.optimize import PlanSettings, optimize_plan
from cxqueue.plan.report import write_plan_report
from cxqueue.scenario import PlanWarning

H = 3600.0


@pytest.fixture(scope="module")
def plan():
    # Monday and Tuesday 08:00-20:00; the full shift has a 30-minute break 4-5 h in
    calls = np.zeros(2 * 96)
    for d in (0, 1):
        hod = np.arange(96) / 4
        calls[d * 96 : (d + 1) * 96] = np.where((hod >= 8) & (hod < 20), 25 + 10 * d, 0.0)
    f = cx.Forecast(calls=calls, aht_s=200.0, interval_s=900.0)
    sc = cx.Scenario(
        forecast=f,
        agents=0.0,
        patience=cx.Distribution.exponential(300.0),
        hours=cx.OpeningHours.daily(8 * H, 20 * H, days=[0, 1]),
        target=cx.ServiceTarget(level=0.8, answer_within_s=20.0),
    )
    shifts = [
        cx.ShiftTemplate(
            "full",
            8 * H,
            earliest_start_s=8 * H,
            latest_start_s=12 * H,
            start_step_s=1800,
            breaks=((4 * H, 5 * H, 1800.0),),
        ),
        cx.ShiftTemplate("late", 4 * H, earliest_start_s=16 * H, latest_start_s=16 * H),
    ]
    return optimize_plan(sc, shifts, settings=PlanSettings(replications=4, seed=11, max_iter=2))


def test_headline_carries_the_results_numbers(plan):
    h = headline(plan, cost_unit="EUR")
    assert sum(h["shifts_by_template"].values()) == plan.schedule.n_agents == h["shifts"]
    assert list(h["shifts_by_template"]) == ["full", "late"]
    tot = plan.simulation.totals
    assert h["kpis"]["service_level"]["mean"] == pytest.approx(float(tot.sl_offered.mean), rel=1e-12)
    half = float(tot.sl_offered.half_width)
    assert h["kpis"]["service_level"]["low"] == pytest.approx(max(float(tot.sl_offered.mean) - half, 0.0))
    assert h["kpis"]["service_level"]["high"] <= 1.0
    assert h["recommendation"].startswith(f"{plan.schedule.n_agents} shifts (full ")
    assert h["recommendation"].endswith(f"cost {plan.cost:,.1f} EUR.")
    assert "open Mon, Tue 08:00-20:00; Wed-Sun closed" in h["recommendation"]
    # per day: two days whose calls and agent-hours add up to the horizon's
    days = h["per_day"]
    assert [d["day"] for d in days] == ["Mon", "Tue"]
    assert sum(d["calls"] for d in days) == pytest.approx(float(plan.scenario.forecast.calls.sum()))
    assert sum(d["agent_hours_on_duty"] for d in days) == pytest.approx(h["agent_hours_on_duty"])
    assert [d["calls"] for d in days] == [25.0 * 48, 35.0 * 48]
    for k, d in enumerate(days):
        assert d["service_level"]["mean"] == pytest.approx(float(plan.simulation.days.sl_offered.mean[k]))
        sl = np.asarray(plan.simulation.intervals.sl_offered.mean)[k * 96 : (k + 1) * 96]
        assert d["worst_interval"]["service_level"] == pytest.approx(np.nanmin(sl))


def test_weakest_intervals_are_the_lowest_levels_with_an_honest_status(plan):
    w = headline(plan)["weakest_intervals"]
    sl = plan.simulation.intervals.sl_offered
    mean = np.asarray(sl.mean)
    levels = [x["service_level"]["mean"] for x in w]
    assert levels == sorted(levels) and levels[0] == pytest.approx(np.nanmin(mean))
    for x in w:
        i = x["interval"]
        high = mean[i] + np.nan_to_num(np.asarray(sl.half_width)[i])
        want = "below target" if high < 0.8 else "within noise of the target" if mean[i] < 0.8 else "meets target"
        assert x["status"] == want


def test_report_page_leads_with_warnings_and_the_recommendation(plan, tmp_path):
    warned = dataclasses.replace(plan, warnings=(PlanWarning("no_calls", "a <b>bold</b> claim & more", "[demand]"),))
    out = write_plan_report(warned, tmp_path / "p", figures=False, cost_unit="EUR")
    page = (out / "report.html").read_text()
    s = json.loads((out / "summary.json").read_text())
    # the order of the first screen: warnings, then the recommendation, then the days
    assert page.index('id="warnings"') < page.index('id="recommendation"') < page.index('id="per-day"')
    assert "1 warning: check before you use this plan" in page
    assert "a &lt;b&gt;bold&lt;/b&gt; claim &amp; more" in page and "<b>bold" not in page
    assert s["recommendation"] in page.replace("&#x27;", "'") and s["warnings"][0]["code"] == "no_calls"
    body = page[page.index('id="per-day"') :]
    body = body[: body.index("</table>")]
    assert body.count("<tr>") == 1 + 2  # header and two days
    clean = write_plan_report(plan, tmp_path / "q", figures=False)
    assert 'id="warnings" class="none"' in (clean / "report.html").read_text()


def test_shifts_csv_says_when_shifts_end_and_how_long_breaks_are(plan, tmp_path):
    out = write_plan_report(plan, tmp_path / "p", figures=False)
    with open(out / "shifts.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sum(int(r["count"]) for r in rows) == plan.schedule.n_agents
    for r in rows:
        start_s, end_s = float(r["start_s"]), float(r["end_s"])
        hhmm = f"{int(end_s % 86400 // 3600):02d}:{int(end_s % 3600 // 60):02d}"
        assert r["end"] == ("24:00" if end_s % 86400 == 0 else hhmm)
        if r["template"] == "full":
            assert float(r["length_h"]) == 8.0 and r["break_min"] == "30.0"
            assert r["breaks"].endswith("(30 min)")
            b = r["breaks"].split(" ")[0]
            t = (float(b[:2]) * 3600 + float(b[3:]) * 60) - start_s % 86400
            assert 4 * H <= t <= 5 * H - 1800.0  # inside the template's break window
        else:
            assert (r["start"], r["end"], r["breaks"]) == ("16:00", "20:00", "")


def test_output_formats_choose_the_files(plan, tmp_path):
    # issue 12 fuzz: [output].formats was read and never used; summary.json is always written
    out = write_plan_report(plan, tmp_path / "csv", figures=False, formats=("csv",))
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "plan.csv", "shifts.csv", "summary.json"]  # fmt: skip
    out = write_plan_report(plan, tmp_path / "all", figures=False)
    assert {"plan.csv", "shifts.csv", "summary.json", "report.html", "plan.xlsx"} <= {p.name for p in out.iterdir()}
    out = write_plan_report(plan, tmp_path / "x", figures=False, formats=("xlsx", "html"))
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "plan.xlsx", "report.html", "summary.json"]  # fmt: skip


def test_a_dated_plans_days_and_weakest_intervals_carry_their_own_dates(plan):
    # an afternoon interval is on its own day (the date was rounded to the next day after noon)
    h = headline(plan, start_date="2026-12-07")
    assert [(d["day"], d["date"]) for d in h["per_day"]] == [("Mon", "2026-12-07"), ("Tue", "2026-12-08")]
    for w in h["weakest_intervals"]:
        assert w["date"] == ("2026-12-07" if w["interval"] < 96 else "2026-12-08"), w
