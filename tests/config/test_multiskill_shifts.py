"""`[shifts]` in a multi-skill config, `[groups.NAME].shifts` and `[groups.NAME].cost` (`PlanConfig.group_planning`)."""

from __future__ import annotations

import re

import pytest

from cxqueue.config import load_scenario, loads_scenario
from cxqueue.exceptions import ConfigError
from tests.conftest import REPO

CENTER = """
[demand]
interval_min = 30
start = 08:00:00

[call_types.a]
calls = [20, 30, 25, 20]
aht_min = 3

[call_types.b]
calls = [5, 8, 6, 4]
aht_min = 4

[shifts.early]
length_h = 2
earliest_start = 08:00:00
cost = 3

[shifts.late]
length_h = 1
earliest_start = 09:00:00
cost_per_hour = 2

[groups.g1]
agents = 3
skills = ["a"]

[groups.g2]
agents = 2
skills = ["a", "b"]
"""


def fails(text: str, message: str):
    with pytest.raises(ConfigError, match=re.escape(message)):
        loads_scenario(text, source="x.toml")


def test_groups_take_every_template_and_cost_one_by_default_or_what_they_name():
    gp = loads_scenario(CENTER).group_planning
    assert {g: [t.name for t in ts] for g, ts in gp.templates.items()} == {"g1": ["early", "late"],
                                                                            "g2": ["early", "late"]}  # fmt: skip
    assert gp.cost == {"g1": 1.0, "g2": 1.0} and gp.templates["g1"][1].cost == 2.0
    text = CENTER.replace('skills = ["a", "b"]\n', 'skills = ["a", "b"]\nshifts = ["late"]\ncost = 1.4\n')
    cfg = loads_scenario(text)
    gp = cfg.group_planning
    assert [t.name for t in gp.templates["g2"]] == ["late"] and gp.cost == {"g1": 1.0, "g2": 1.4}
    assert cfg.cost_unit == "cost units" and cfg.to_dict()["group_planning"]["templates"]["g2"] == ["late"]
    # the example: the generalists work full days only, at 1.35 base hours an hour
    gp = load_scenario(REPO / "configs" / "multiskill-bank.toml").group_planning
    assert [t.name for t in gp.templates["universal"]] == ["day"] and gp.cost["universal"] == 1.35


@pytest.mark.parametrize(
    "keys, message",
    [
        ('shifts = ["lat"]', 'x.toml: [groups.g2].shifts names "lat", which is not a [shifts.NAME] table (did you '
         'mean "late"?)'),
        ("shifts = []", "x.toml: [groups.g2].shifts must name at least one [shifts.NAME] template; got []"),
        ("cost = 0", "x.toml: [groups.g2].cost must be > 0"),
        ('cost = "high"', "x.toml: [groups.g2].cost must be a number"),
    ],
)  # fmt: skip
def test_bad_group_shift_keys_are_named(keys, message):
    fails(CENTER.replace('skills = ["a", "b"]\n', f'skills = ["a", "b"]\n{keys}\n'), message)


def test_a_group_naming_shifts_in_a_config_without_any():
    text = CENTER.split("[shifts.early]")[0] + CENTER.split("cost_per_hour = 2\n")[1]
    assert loads_scenario(text).group_planning.templates == {"g1": (), "g2": ()}
    named = text.replace('skills = ["a"]\n', 'skills = ["a"]\nshifts = ["early"]\n')
    fails(named, 'x.toml: [groups.g1].shifts names "early", which is not a [shifts.NAME] table: the config has no')


def test_cxqueue_plan_without_shifts_says_what_to_add(tmp_path):
    from cxqueue.plan import run_plan

    text = CENTER.split("[shifts.early]")[0] + CENTER.split("cost_per_hour = 2\n")[1]
    with pytest.raises(ConfigError, match=re.escape("[shifts] holds no shift template; a multi-skill plan rosters")):
        run_plan(loads_scenario(text), out=tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_a_group_without_agents_is_planned_and_not_simulated():
    from cxqueue.plan.multiskill import simulate_multiskill_config

    text = CENTER.replace("[groups.g1]\nagents = 3\n", "[groups.g1]\n")
    assert text != CENTER
    cfg = loads_scenario(text)
    assert cfg.group_planning.without_agents == ("g1",)
    assert cfg.multiskill.groups[0].agents.tolist() == [0.0] * cfg.multiskill.n_intervals
    with pytest.raises(ConfigError, match=re.escape("[groups.g1].agents is required to simulate")):
        simulate_multiskill_config(cfg, replications=2, seed=1)
    assert loads_scenario(CENTER).group_planning.without_agents == ()
