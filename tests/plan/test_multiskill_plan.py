"""The plan of a multi-skill center: the loop's rule, its end on the example center, its folder and its CLI.

The folder's numbers are checked against an independent run: the center rebuilt from the
folder's own ``groups.csv`` (agents on duty) and simulated again with the same seed gives
``types.csv`` bit for bit (common random numbers make a simulation a function of its seed).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os

import numpy as np
import pytest

from cxqueue.cli import EXIT_OK, main
from cxqueue.config import load_scenario, loads_scenario
from cxqueue.plan.multiskill_plan import _add, dedicated_requirements, helper_groups, optimize_multiskill_plan
from cxqueue.scenario import AgentGroup, CallType, MultiSkillScenario, PlanSettings, Routing, ServiceTarget
from cxqueue.sim.multiskill import simulate_multiskill
from tests.conftest import REPO

EXAMPLE = REPO / "configs" / "multiskill-bank.toml"
# Compiled, the command runs as written. Under NUMBA_DISABLE_JIT=1 the fast engine runs interpreted and
# staff_multiskill's ~700 simulations of the example's week take about 6 minutes: that run plans the example's
# Monday only, on the simpy engine (the fast engine's numbers bit for bit, faster when not compiled), in ~30 s.
INTERPRETED = os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0")
OVERRIDES = ['demand.days=["monday"]', 'simulation.engine="simpy"'] if INTERPRETED else []


def one_day():
    """The example center on Monday only (its [demand].days removed): 20 half hours from 08:00."""
    text = EXAMPLE.read_text().replace('days = ["monday", "tuesday", "wednesday", "thursday", "friday"]\n', "")
    cfg = loads_scenario(text, source=str(EXAMPLE), base_dir=EXAMPLE.parent)
    assert cfg.multiskill.n_intervals == 20
    return cfg


def _by_hand_checks(ms, plan, failing_expected: bool):
    """What the plan says about its simulation, recomputed from a fresh simulation of its center."""
    s = plan.settings
    sim = simulate_multiskill(plan.scenario, replications=s.replications, seed=s.seed, engine=s.engine)
    sl = sim.types.sl_offered
    level = np.array([t.level for t in ms.target])[:, None]
    high = np.asarray(sl.mean) + np.nan_to_num(np.asarray(sl.half_width), nan=0.0)
    short = (np.asarray(sim.types.offered.mean) > 0) & (high < level)
    assert sorted(map(tuple, np.argwhere(short).tolist())) == sorted(map(tuple, plan.failing.tolist()))
    assert short.any() == failing_expected
    return sim


def test_the_rule_gives_one_agent_to_the_cheapest_group_per_unit_of_help():
    a = CallType("A", [10.0, 10.0], aht_s=60.0)
    b = CallType("B", [10.0, 10.0], aht_s=60.0)
    groups = [AgentGroup("a", "A", 1), AgentGroup("ab", ("A", "B"), 1), AgentGroup("b_slow", "B", 1,
              handle_factor={"B": 1.5})]  # fmt: skip
    ms = MultiSkillScenario([a, b], groups)
    helpers = helper_groups(ms, [1.0, 1.3, 1.0])
    # A: a (1 x 1) before ab (1.3 x 1); B: ab (1.3 x 1) before b_slow (1 x 1.5)
    assert helpers == [(0, 1), (1, 2)]
    added = np.zeros((3, 2), dtype=np.int64)
    level = np.array([[0.8], [0.8]])
    mean = np.array([[0.6, 0.5], [0.5, 0.9]])  # interval 0: B short by more than A; interval 1: A only
    failing = np.array([[True, True], [True, False]])
    _add(added, failing, mean, mean, level, helpers, np.array([True, True]), np.array([True, True]))
    # interval 0: B first (gap 0.3) -> ab, which also serves A: no second agent; interval 1: A -> a
    assert added.tolist() == [[0, 1], [1, 0], [0, 0]]
    # a type short over the horizon only: each interval whose 95 % interval reaches below its level
    added[:] = 0
    low = np.array([[0.85, 0.75], [0.9, 0.9]])
    _add(
        added, np.zeros((2, 2), bool), mean + 0.1, low, level, helpers, np.array([False, True]), np.array([1, 1], bool)
    )
    assert added.tolist() == [[0, 1], [0, 0], [0, 0]]


def test_the_loop_meets_every_target_on_the_example_day_from_a_short_start():
    cfg = one_day()
    ms, gp = cfg.multiskill, cfg.group_planning
    settings = PlanSettings(replications=4, seed=3, max_iter=6)
    is_open = ms.hours.open_mask(ms.interval_starts_s, ms.interval_s)
    start = dedicated_requirements(ms, settings, is_open) * 3 // 4
    plan = optimize_multiskill_plan(ms, gp.templates, cost=gp.cost, settings=settings, requirements=start)
    assert plan.converged and plan.iterations > 1 and plan.start == "given"
    assert plan.added.sum() > 0 and (plan.required == start + plan.added).all()
    assert not [w for w in plan.warnings if w.code == "not_converged"]
    sim = _by_hand_checks(ms, plan, failing_expected=False)
    tot = sim.type_totals.sl_offered
    lower = np.asarray(tot.mean) - np.asarray(tot.half_width)
    assert (lower >= [t.level for t in ms.target]).all()
    # the roster covers the requirement, and its cost is its shifts' at each group's factor
    assert (plan.schedule.agents >= plan.required).all() and (plan.scenario.agents == plan.schedule.agents).all()
    price = {t.name: t.cost for t in cfg.shifts}
    by_hand = sum(sh.count * price[sh.template] * gp.cost[g] for g, s in zip(ms.group_names, plan.schedule.schedules,
                  strict=True) for sh in s.shifts)  # fmt: skip
    assert plan.cost == pytest.approx(by_hand)
    # agents added only to groups that serve a type: here the business desk and the generalists
    assert plan.added[ms.group_index("retail")].sum() == 0
    assert plan.history[-1][2] == 0 and [h[0] for h in plan.history] == list(range(1, plan.iterations + 1))


def test_a_plan_that_does_not_converge_and_a_target_no_routing_can_reach_warn():
    cfg = one_day()
    ms, gp = cfg.multiskill, cfg.group_planning
    settings = PlanSettings(replications=4, seed=3, max_iter=1)
    start = np.ones((ms.n_groups, ms.n_intervals))
    plan = optimize_multiskill_plan(ms, gp.templates, cost=gp.cost, settings=settings, requirements=start)
    assert not plan.converged and plan.iterations == 1 and plan.added.sum() == 0
    codes = [w.code for w in plan.warnings]
    assert "not_converged" in codes and "high_occupancy" in codes
    assert all(f"{n} over the horizon" in plan.message for n in ms.type_names)
    _by_hand_checks(ms, plan, failing_expected=True)
    # every group that takes type A waits 60 s, past its 20 s threshold
    a = CallType("A", [20.0, 20.0], aht_s=120.0)
    late = MultiSkillScenario([a], [AgentGroup("g", "A", 0)], Routing(delays_s={"A": {"g": 60.0}}),
                              target=ServiceTarget(0.8, 20.0), interval_s=1800.0, start_s=8 * 3600.0)  # fmt: skip
    plan = optimize_multiskill_plan(late, cfg.shifts[1:], settings=settings.replace(max_iter=1))
    w = [w for w in plan.warnings if w.code == "unreachable_target"]
    assert len(w) == 1 and w[0].key == "[routing].delays_s.A" and "waits 60 s" in w[0].message


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """`cxqueue plan configs/multiskill-bank.toml --quick` once: its exit code, printed text and folder."""
    folder = tmp_path_factory.mktemp("msplan") / "bank"
    out = io.StringIO()
    sets = [x for o in OVERRIDES for x in ("--set", o)]
    code = main(["plan", str(EXAMPLE), "--quick", "--quiet", "--out", str(folder), *sets], out=out)
    return code, out.getvalue(), folder


def _csv(path):
    with path.open() as fh:
        return list(csv.DictReader(fh))


def test_cxqueue_plan_on_the_example_exits_0_and_writes_the_folder(planned):
    code, text, folder = planned
    assert code == EXIT_OK, text
    names = {p.name for p in folder.iterdir()}
    assert {"types.csv", "groups.csv", "shifts.csv", "summary.json", "report.html", "agents_by_group.png"} <= names
    assert {f"sl_type_{k}.png" for k in range(3)} | {f"roster_group_{g}.png" for g in range(3)} <= names
    s = json.loads((folder / "summary.json").read_text())
    assert s["kind"] == "multiskill" and s["converged"] and s["replications"] == 4
    # the requirements are staff_multiskill's, whose own independent check met every target
    assert s["requirements_from"].startswith("staff_multiskill") and s["staffing"]["met"]
    assert [t["name"] for t in s["types"]] == ["retail", "business", "english"] and all(t["met"] for t in s["types"])
    page = (folder / "report.html").read_text()
    assert 'id="types"' in page and 'id="groups"' in page and page.count("<figure>") == 7
    assert "Roster" in text and "every call type meets its target" in text


def test_the_folders_tables_are_the_simulation_of_its_own_roster(planned):
    _, _, folder = planned
    cfg = load_scenario(EXAMPLE, overrides=OVERRIDES)
    ms = cfg.multiskill
    groups = _csv(folder / "groups.csv")
    on_duty = np.array([float(r["on_duty_agents"]) for r in groups]).reshape(ms.n_groups, ms.n_intervals)
    rostered = np.array([float(r["rostered_agents"]) for r in groups]).reshape(ms.n_groups, ms.n_intervals)
    required = np.array([int(r["required_on_duty"]) for r in groups]).reshape(ms.n_groups, ms.n_intervals)
    assert (rostered >= required).all() and (on_duty == rostered).all()  # no shrinkage in the example
    # shifts.csv: each group's shifts cover its rostered agents, interval by interval
    cover = np.zeros_like(rostered)
    for r in _csv(folder / "shifts.csv"):
        g = ms.group_index(r["group"])
        i0 = round((float(r["start_s"]) - ms.start_s) / ms.interval_s)
        i1 = round((float(r["end_s"]) - ms.start_s) / ms.interval_s)
        cover[g, i0:i1] += int(r["count"])  # breaks take agents off for part of an interval: at most this
    assert (cover >= rostered).all() and (cover.sum(axis=1) > 0).all()
    agents = [AgentGroup(g.name, g.skills, on_duty[j], handle_factor=g.handle_factor) for j, g in enumerate(ms.groups)]
    sim = simulate_multiskill(ms.replace(groups=agents), replications=4, seed=13, engine=cfg.settings.engine)
    k = sim.types
    rows = _csv(folder / "types.csv")
    assert len(rows) == ms.n_types * ms.n_intervals
    for r in rows:
        t, i = ms.type_index(r["type"]), int(r["interval"])
        for col, est in (("sim_sl", k.sl_offered), ("sim_asa_s", k.asa_s), ("sim_abandon_fraction",
                         k.abandon_fraction), ("sim_offered", k.offered)):  # fmt: skip
            want = float(np.asarray(est.mean)[t, i])
            got = float(r[col]) if r[col] else math.nan
            assert got == want or (math.isnan(got) and math.isnan(want)), (col, r["type"], i)
        assert float(r["target_level"]) == ms.target[t].level
    s = json.loads((folder / "summary.json").read_text())
    for t, row in enumerate(s["types"]):
        assert row["service_level"]["mean"] == float(np.asarray(sim.type_totals.sl_offered.mean)[t])


def test_the_workbook_holds_the_tables_the_csvs_hold(tmp_path):
    import openpyxl

    from cxqueue.plan.multiskill_report import group_rows, type_rows, write_multiskill_report

    cfg = one_day()
    ms, gp = cfg.multiskill, cfg.group_planning
    settings = PlanSettings(replications=3, max_iter=1)
    plan = optimize_multiskill_plan(ms, gp.templates, cost=gp.cost, settings=settings, start="dedicated")
    assert plan.start == "dedicated" and plan.staffing is None
    folder = write_multiskill_report(plan, tmp_path / "p", formats=("csv", "xlsx"), figures=False)
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "groups.csv", "plan.xlsx", "shifts.csv", "summary.json", "types.csv"]  # fmt: skip
    wb = openpyxl.load_workbook(folder / "plan.xlsx")
    assert wb.sheetnames == ["summary", "per type", "per group", "shifts"]
    for sheet, (head, rows) in (("per type", type_rows(plan)), ("per group", group_rows(plan))):
        got = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
        assert got[0] == head and len(got) == len(rows) + 1
        assert [r[0] for r in got[1:]] == [r[0] for r in rows]
    assert (
        len(_csv(folder / "shifts.csv"))
        == wb["shifts"].max_row - 1
        == sum(len(s.shifts) for s in plan.schedule.schedules)
    )


def test_each_type_is_judged_on_its_targets_basis():
    from cxqueue.plan.multiskill_plan import service_levels
    from cxqueue.scenario import Distribution

    pat = Distribution.exponential(60.0)
    a, b = CallType("A", [40.0, 40.0], aht_s=300.0, patience=pat), CallType("B", [20.0] * 2, aht_s=300.0, patience=pat)
    target = {"A": ServiceTarget(0.8, 20.0), "B": ServiceTarget(0.8, 20.0, basis="answered")}
    ms = MultiSkillScenario([a, b], [AgentGroup("g", ("A", "B"), 12)], interval_s=1800.0, target=target)
    sim = simulate_multiskill(ms, replications=3, seed=2)
    for kpis in (sim.types, sim.type_totals):
        got = service_levels(ms, kpis)
        assert np.array_equal(np.asarray(got.mean)[0], np.asarray(kpis.sl_offered.mean)[0])
        assert np.array_equal(np.asarray(got.mean)[1], np.asarray(kpis.sl_answered.mean)[1])
        assert np.array_equal(np.asarray(got.half_width)[1], np.asarray(kpis.sl_answered.half_width)[1])
    # abandonment makes the two differ, so the test can tell them apart
    assert np.asarray(sim.type_totals.sl_answered.mean)[1] > np.asarray(sim.type_totals.sl_offered.mean)[1]
