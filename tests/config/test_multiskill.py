"""Multi-skill configs (issue 13): [call_types.NAME], [groups.NAME] and [routing] into a MultiSkillScenario.

The example center loads and simulates, the command line prints the library's numbers, a
center of one type and one group simulates exactly as the equivalent single-queue config,
and every bad input stops the load with the file, the key and the value.
"""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest

from cxqueue.cli import EXIT_OK, main
from cxqueue.config import load_scenario, loads_scenario
from cxqueue.exceptions import ConfigError
from cxqueue.plan.multiskill import simulate_multiskill_config
from cxqueue.plan.tasks import simulate_config
from cxqueue.scenario import MultiSkillScenario
from cxqueue.sim.multiskill import simulate_multiskill
from tests.conftest import REPO

EXAMPLE = REPO / "configs" / "multiskill-bank.toml"

# a small center: two types inline on a half-hour grid from 08:00, two groups
SMALL = """
[demand]
interval_min = 30
start = 08:00:00

[call_types.a]
calls = [20, 30, 25]
aht_min = 3

[call_types.b]
calls = [5, 8, 6]
aht_min = 4
priority = 1

[groups.g1]
skills = ["a"]
agents = 3

[groups.g2]
skills = ["a", "b"]
agents = [2, 3, 2]
"""


def run_cli(argv):
    out = io.StringIO()
    code = main(argv, out=out)
    return code, out.getvalue()


def fails(text: str, message: str, **kw):
    with pytest.raises(ConfigError, match=re.escape(message)):
        loads_scenario(text, source="x.toml", **kw)


# the example ------------------------------------------------------------------------------


def test_the_example_center_loads():
    cfg = load_scenario(EXAMPLE)
    ms = cfg.multiskill
    assert isinstance(ms, MultiSkillScenario)
    assert ms.type_names == ("retail", "business", "english") and ms.group_names == ("retail", "business", "universal")
    assert (ms.interval_s, ms.start_s, ms.n_intervals) == (1800.0, 0.0, 336)  # a week of half hours
    # shares of [demand]'s calls, with its AHT unless the type gives its own
    total = np.zeros(48)
    total[16:36] = [40, 62, 85, 98, 104, 101, 96, 90, 84, 80, 86, 92, 95, 90, 82, 74, 64, 52, 40, 28]
    monday = slice(0, 48)
    np.testing.assert_allclose(ms.types[0].calls[monday], 0.75 * total)
    np.testing.assert_allclose(ms.types[1].calls[monday], 0.25 * total)
    assert ms.types[0].aht_s[20] == 240.0 and ms.types[1].aht_s[20] == 360.0 and ms.types[2].aht_s[20] == 300.0
    assert ms.types[2].calls[:48].sum() == 113.0 and ms.types[2].calls[5 * 48 :].sum() == 0.0  # weekdays only
    # the pooled forecast is the sum of the types
    np.testing.assert_allclose(cfg.forecast.calls, ms.calls.sum(axis=0))
    # handle and patience from [handle] and [patience] unless the type says otherwise
    assert [t.handle.kind for t in ms.types] == ["lognormal"] * 3 and ms.types[0].handle.cv == 0.9
    assert [t.patience.mean_s for t in ms.types] == [180.0, 300.0, 180.0]
    assert [(t.level, t.answer_within_s) for t in ms.target] == [(0.8, 20.0), (0.9, 15.0), (0.7, 60.0)]
    # a constant staffs the open intervals only (weekdays 08:00-18:00)
    assert ms.agents[0, 16:36].tolist() == [10.0] * 20 and ms.agents[0, :16].sum() == 0.0
    assert ms.agents[:, 5 * 48 :].sum() == 0.0
    assert ms.groups[1].handle_factor == {"retail": 1.1} and ms.groups[2].factor("business") == 1.2
    r = ms.resolved_routing
    assert r.type_groups["retail"] == ("retail", "universal", "business") and r.type_groups["english"] == ("universal",)
    assert r.group_types["universal"] == (("english",), ("business", "retail"))
    assert r.delay_s("retail", "business") == 30.0 and r.delay_s("retail", "universal") == 0.0
    json.dumps(cfg.to_dict())  # plain data all the way down


def test_the_example_simulates_and_the_cli_prints_the_librarys_numbers():
    cfg = load_scenario(EXAMPLE)
    run = simulate_multiskill_config(cfg, replications=2, seed=5)
    res = simulate_multiskill(cfg.multiskill, replications=2, seed=5)
    for i, row in enumerate(run.types):
        k = res.type_totals.of(i)
        assert row.service_level.mean == float(k.sl_offered.mean) and row.asa_s.mean == float(k.asa_s.mean)
        assert row.offered.mean > 0 and 0 < row.service_level.mean <= 1
    code, text = run_cli(["simulate", str(EXAMPLE), "--replications", "2", "--seed", "5", "--json"])
    assert code == EXIT_OK
    data = json.loads(text)
    assert [t["name"] for t in data["types"]] == ["retail", "business", "english"]
    assert data["replications"] == 2 and data["engine"] == "simpy"
    for row, t in zip(run.types, data["types"], strict=True):
        for kpi in ("offered", "service_level", "asa_s", "abandon_fraction"):
            assert t[kpi]["mean"] == float(getattr(row, kpi).mean)
            assert t[kpi]["half_width"] == float(getattr(row, kpi).half_width)
    for row, g in zip(run.groups, data["groups"], strict=True):
        assert g["occupancy"]["mean"] == float(row.occupancy.mean) and 0 < g["occupancy"]["mean"] < 1
    # the text shows the same numbers, rounded
    code, text = run_cli(["simulate", str(EXAMPLE), "--replications", "2", "--seed", "5"])
    assert code == EXIT_OK
    for row in run.types:
        line = next(x for x in text.splitlines() if x.strip().startswith(row.name + " "))
        assert f"{row.service_level.mean:.1%} +- {row.service_level.half_width:.1%}" in line
        assert f"{row.offered.mean:.1f}" in line and f"{row.abandon_fraction.mean:.1%}" in line
    for row in run.groups:
        line = next(x for x in text.splitlines()[6:] if x.strip().startswith(row.name + " "))
        assert f"{row.occupancy.mean:.1%}" in line


def test_one_type_one_group_equals_the_single_queue_config():
    common = """
[patience]
mean_min = 2
[target]
answer_within_s = 30
[simulation]
seed = 7
replications = 3
"""
    single = loads_scenario("[demand]\ncalls = [40, 60, 50]\naht_min = 3\ninterval_min = 30\n" + common)
    multi = loads_scenario(
        "[demand]\ninterval_min = 30\n[call_types.calls]\ncalls = [40, 60, 50]\naht_min = 3\n"
        '[groups.agents]\nskills = ["calls"]\nagents = 6\n' + common
    )
    assert single.multiskill is None and multi.multiskill is not None
    res, _ = simulate_config(single, agents=6, engine="simpy")
    run = simulate_multiskill_config(multi)
    row, t = run.types[0], res.totals
    for mine, theirs in (("offered", "offered"), ("service_level", "sl_offered"), ("asa_s", "asa_s"),
                         ("abandon_fraction", "abandon_fraction")):  # fmt: skip
        assert getattr(row, mine).mean == pytest.approx(float(getattr(t, theirs).mean), rel=1e-12, abs=1e-12)
        assert getattr(row, mine).half_width == pytest.approx(float(getattr(t, theirs).half_width), abs=1e-12)
    assert run.groups[0].occupancy.mean == pytest.approx(float(t.occupancy.mean), rel=1e-9)


def test_a_config_without_the_tables_is_unchanged():
    cfg = loads_scenario("[demand]\ncalls = [10, 20]\naht_s = 180\n")
    assert cfg.multiskill is None and cfg.to_dict()["multiskill"] is None
    assert cfg.scenario([2, 3]).agents.tolist() == [2.0, 3.0]


def test_small_center_grid_csv_and_units(tmp_path):
    (tmp_path / "b.csv").write_text("calls,aht_s\n5,240\n8,240\n6,200\n")
    text = SMALL.replace("calls = [5, 8, 6]\naht_min = 4", 'csv = "b.csv"')
    text += '[routing]\ndelays_min = { a = { g2 = 0.5 } }\ncall_choice = "fifo"\nagent_choice = "fixed_order"\n'
    ms = loads_scenario(text, source="x.toml", base_dir=tmp_path).multiskill
    assert ms.start_s == 8 * 3600.0 and ms.interval_s == 1800.0
    assert ms.types[1].calls.tolist() == [5.0, 8.0, 6.0] and ms.types[1].aht_s.tolist() == [240.0, 240.0, 200.0]
    r = ms.resolved_routing
    assert r.delay_s("a", "g2") == 30.0 and (r.call_choice, r.agent_choice) == ("fifo", "fixed_order")
    assert ms.agents.tolist() == [[3.0] * 3, [2.0, 3.0, 2.0]]
    assert r.group_types["g2"] == (("a",), ("b",))  # by priority


def test_per_type_patience_and_handle():
    text = SMALL.replace(
        "priority = 1", 'priority = 1\nhandle_kind = "lognormal"\nhandle_cv = 0.5\npatience_kind = "none"'
    ).replace("[call_types.b]", '[patience]\nkind = "deterministic"\nmean_s = 90\n[call_types.b]')
    ms = loads_scenario(text).multiskill
    assert ms.types[0].patience.kind == "deterministic" and ms.types[0].patience.mean_s == 90.0
    assert ms.types[1].patience.is_none and (ms.types[1].handle.kind, ms.types[1].handle.cv) == ("lognormal", 0.5)


# bad input: the file, the key and the value ---------------------------------------------------------


def test_a_type_no_group_can_serve():
    fails(
        SMALL + "[call_types.c]\ncalls = [1, 1, 1]\naht_min = 2\n",
        'x.toml: [call_types.c] is among no group\'s skills, so no group can serve it ([groups.g1].skills = ["a"]; '
        '[groups.g2].skills = ["a", "b"]): add "c" to a group\'s skills or remove the type',
    )


def test_a_group_with_no_skills():
    fails(
        SMALL + "[groups.g3]\nskills = []\nagents = 1\n",
        "x.toml: [groups.g3].skills must name at least one call type; got [] (a group with no skills)",
    )
    fails(SMALL + "[groups.g3]\nagents = 1\n", "x.toml: [groups.g3].skills is required")


def test_skills_naming_no_type():
    fails(
        SMALL.replace('skills = ["a"]', 'skills = ["aa", "b"]'),
        'x.toml: [groups.g1].skills names "aa", which is not a call type (did you mean "a"?)',
    )
    fails(SMALL.replace('skills = ["a"]', 'skills = ["a", "a"]'), "x.toml: [groups.g1].skills must be an array")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("agents = 3", "agents = [1, 2]"), "x.toml: [groups.g1].agents must hold one value per interval (3)"),
        (("agents = 3", "agents = -1"), "x.toml: [groups.g1].agents must be >= 0; got -1"),
        (
            ("agents = 3", "agents = 3\nhandle_factor = { b = 1.2 }"),
            'x.toml: [groups.g1].handle_factor names "b", which is not among the group\'s skills ([groups.g1].skills = '
            '["a"])',
        ),
        (
            ("agents = 3", "agents = 3\nhandle_factor = { a = 0 }"),
            "x.toml: [groups.g1].handle_factor.a must be a number > 0; got 0",
        ),
        (
            ("aht_min = 3\n", "aht_min = 3\npriorty = 1\n"),
            "x.toml: unknown key [call_types.a].priorty (did you mean priority?)",
        ),
        (("calls = [20, 30, 25]\naht_min = 3", "calls = [20, 30, 25]"), "x.toml: [call_types.a].aht_s is required"),
        (
            ("calls = [20, 30, 25]\n", "calls = [20, 30, 25]\nshare = 0.5\n"),
            "x.toml: [call_types.a] needs exactly one of calls, csv or share; got [call_types.a].calls, "
            "[call_types.a].share",
        ),
        (
            ("calls = [20, 30, 25]\n", "share = 0.5\n"),
            "x.toml: [call_types.a].share is a share of the calls of [demand], which names none",
        ),
        (
            ("calls = [5, 8, 6]", "calls = [5, 8]"),
            "x.toml: [call_types.b].calls must give one value per interval of the grid (3, as [call_types.a]); got 2",
        ),
        (
            ("aht_min = 3\n", "aht_min = 3\ntarget = { level = 80 }\n"),
            "x.toml: [call_types.a.target].level must be a fraction in [0, 1]; got 80 (pass 0.8 for 80%)",
        ),
        (
            ("aht_min = 4\n", 'aht_min = 4\npatience_kind = "lognormal"\n'),
            'x.toml: [call_types.b].patience_s is required with patience_kind = "lognormal"',
        ),
        (
            ("aht_min = 4\n", "aht_min = 4\nhandle_cv = 2\n"),
            'x.toml: [call_types.b].handle_cv applies to lognormal handle times only; got kind "exponential"',
        ),
        (("[demand]\n", "[demand]\naht_min = 3\n"), "x.toml: [demand].aht_min needs a source in [demand]"),
    ],
)
def test_bad_types_and_groups(change, message):
    fails(SMALL.replace(*change, 1), message)


@pytest.mark.parametrize(
    ("routing", "message"),
    [
        ('type_groups = { c = ["g1"] }', "x.toml: unknown call type [routing].type_groups.c (known: a, b)"),
        ('type_groups = { a = ["g9"] }', 'x.toml: unknown group [routing].type_groups.a = "g9" (known: g1, g2)'),
        (
            'type_groups = { b = ["g1"] }',
            "x.toml: [routing].type_groups.b lists group 'g1', which does not have 'b' among its skills",
        ),
        ('group_types = { g3 = ["a"] }', "x.toml: unknown group [routing].group_types.g3 (known: g1, g2)"),
        (
            'group_types = { g2 = ["a"] }',
            "x.toml: no group can serve call type 'b': the groups with that skill leave it out "
            "([routing].group_types.g2)",
        ),
        (
            'type_groups = { a = ["g1"] }\ngroup_types = { g2 = ["a", "b"] }',
            "x.toml: [routing].group_types.g2 takes 'a', but [routing].type_groups.a = ('g1',) does not list 'g2'",
        ),
        ("delays_s = { b = { g1 = 30 } }", "x.toml: [routing].delays_s.b.g1: group 'g1' does not serve call type 'b'"),
        ("delays_s = { a = { g2 = -1 } }", "x.toml: [routing].delays_s must be >= 0; got a.g2 = -1"),
        (
            "delays = { a = { g2 = 1 } }",
            "x.toml: [routing].delays needs a unit: write delays_s, delays_min or delays_h",
        ),
        (
            'call_choice = "fifio"',
            'x.toml: [routing].call_choice must be one of "priority", "fifo"; got "fifio" (did you mean "fifo"?)',
        ),
    ],
)
def test_bad_routing(routing, message):
    fails(SMALL + "[routing]\n" + routing + "\n", message)


def test_shares_add_up_to_at_most_one_and_tables_that_do_not_apply():
    base = '[demand]\ncalls = [10, 20]\naht_min = 3\n[groups.g]\nskills = ["a", "b"]\nagents = 4\n'
    fails(
        base + "[call_types.a]\nshare = 0.7\n[call_types.b]\nshare = 0.5\n",
        "x.toml: the shares of [demand] must add up to at most 1; got [call_types.a].share = 0.7, "
        "[call_types.b].share = 0.5 (sum 1.2)",
    )
    ok = base + "[call_types.a]\nshare = 0.7\n[call_types.b]\nshare = 0.3\naht_min = 5\n"
    ms = loads_scenario(ok).multiskill
    assert ms.calls.tolist() == [[7.0, 14.0], [3.0, 6.0]] and ms.aht_s[1].tolist() == [300.0, 300.0]
    fails(ok + "[lines]\ncount = 10\n", "x.toml: [lines] has no multi-skill counterpart yet")
    fails(ok.split("[groups.g]")[0] + "[call_types.a]\nshare = 1\n", "x.toml: [groups] is missing")
    fails(ok + "[call_types]\nx = 1\n", "x.toml: [call_types].x must be a table such as [call_types.x]; got 1")


def test_single_queue_commands_refuse_a_multiskill_config():
    # cxqueue plan plans it (tests/plan/test_multiskill_plan.py); lines, a Scenario and simulate_config do not
    cfg = load_scenario(EXAMPLE)
    from cxqueue.plan.tasks import config_lines

    for call in (lambda: config_lines(cfg), lambda: cfg.scenario(3), lambda: simulate_config(cfg)):
        with pytest.raises(ConfigError, match="multi-skill"):
            call()
    with pytest.raises(ConfigError, match=re.escape("--agents applies to a single-queue config")):
        simulate_multiskill_config(cfg, agents=3)
    code, text = run_cli(["simulate", str(EXAMPLE), "--lines", "5", "--json"])
    assert code != EXIT_OK and "--lines applies to a single-queue config" in json.loads(text)["error"]


def test_agents_per_interval_follow_the_days_pattern_as_calls_do():
    text = """
[demand]
interval_min = 60
start = 09:00:00
days = ["monday", "friday"]
[call_types.a]
calls = [10, 20]
aht_min = 3
[groups.g]
skills = ["a"]
agents = [3, 4]
"""
    ms = loads_scenario(text).multiskill
    assert ms.n_intervals == 168 and ms.agents.sum() == 14.0
    assert ms.agents[0, 9:11].tolist() == [3.0, 4.0] and ms.agents[0, 4 * 24 + 9 : 4 * 24 + 11].tolist() == [3.0, 4.0]
    assert ms.calls[0, 9:11].tolist() == [10.0, 20.0]


def test_shares_of_a_shipped_profile():
    from cxqueue.data import load_profile

    text = """
[demand]
profile = "bank-1999"
scale = 1.1
day_factor_cv = 0.05
[call_types.retail]
share = 0.6
[call_types.business]
share = 0.4
aht_min = 6
[groups.all]
skills = ["retail", "business"]
agents = 20
"""
    cfg = loads_scenario(text)
    ms, prof = cfg.multiskill, load_profile("bank-1999").forecast
    np.testing.assert_allclose(ms.calls.sum(axis=0), 1.1 * prof.calls, rtol=1e-12)
    np.testing.assert_array_equal(ms.types[0].aht_s, prof.aht_s)
    assert (ms.interval_s, ms.n_intervals, ms.day_factor_cv) == (prof.interval_s, prof.n_intervals, 0.05)
    assert cfg.demand_source.startswith("2 call types (retail, business) from ")
    with pytest.raises(ConfigError, match=re.escape("x.toml: [call_types] is missing: a multi-skill config gives")):
        loads_scenario('[demand]\ncalls = [1]\naht_s = 60\n[routing]\ncall_choice = "fifo"\n', source="x.toml")
