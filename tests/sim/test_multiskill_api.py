"""`simulate_multiskill` as a function: its errors, its seeds, common random numbers, its result as data."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from cxqueue.exceptions import ConfigError
from cxqueue.scenario import AgentGroup, CallType, Outcome, Routing
from cxqueue.sim.multiskill import (
    run_multiskill_replication,
    sample_skill_callers,
    simulate_multiskill,
)
from tests.sim import skill_centers


@pytest.mark.parametrize(
    ("kwargs", "msg"),
    [
        ({"scenario": "center"}, "scenario must be a cxqueue.scenario.MultiSkillScenario; got str"),
        ({"replications": 0}, "replications must be >= 1; got 0"),
        ({"replications": 2.5}, "replications must be an integer; got 2.5"),
        ({"warmup_s": -1.0}, "warmup_s must be >= 0; got -1.0"),
        ({"warmup_s": 6 * 3600.0}, "warmup_s must be shorter than the horizon (21600 s); got 21600"),
        ({"record_calls": "yes"}, "record_calls must be True or False; got 'yes'"),
        ({"seed": -3}, "seed must be >= 0; got -3"),
        ({"seed": "abc"}, "seed must be an int, a numpy SeedSequence or Generator, or None; got 'abc'"),
    ],
)
def test_simulate_multiskill_errors(kwargs, msg):
    args = {"scenario": skill_centers.mixed(), "replications": 2, "seed": 1} | kwargs
    scenario = args.pop("scenario")
    with pytest.raises(ConfigError, match=re.escape(msg)):
        simulate_multiskill(scenario, **args)


def test_seeded_runs_repeat_and_seeds_differ():
    sc = skill_centers.mixed()
    a = simulate_multiskill(sc, replications=2, seed=11, record_calls=True)
    b = simulate_multiskill(sc, replications=2, seed=11, record_calls=True)
    c = simulate_multiskill(sc, replications=2, seed=12, record_calls=True)
    assert a.calls.tobytes() == b.calls.tobytes()
    assert a.calls.size != c.calls.size or not np.array_equal(a.calls["arrival_s"], c.calls["arrival_s"])
    # replication i of simulate is run_multiskill_replication on child i of the seed
    one = run_multiskill_replication(sc, seed=np.random.SeedSequence(11).spawn(2)[1], record_calls=True)
    second = a.calls[a.calls["replication"] == 1]
    np.testing.assert_array_equal(one.calls["end_s"], second["end_s"])


def test_common_random_numbers_staffing_and_routing_do_not_change_the_callers():
    sc = skill_centers.mixed()
    more = sc.replace(groups=tuple(AgentGroup(g.name, g.skills, g.agents + 2, handle_factor=g.handle_factor)
                                   for g in sc.groups))  # fmt: skip
    fifo = sc.replace(routing=Routing(call_choice="fifo"))
    base = sample_skill_callers(sc, 3)
    for other in (more, fifo):
        c = sample_skill_callers(other, 3)
        for name in ("arrival_s", "call_type", "handle_unit", "patience_s"):
            np.testing.assert_array_equal(getattr(c, name), getattr(base, name))
    # more agents: the same callers, who wait less
    lo = simulate_multiskill(sc, replications=3, seed=3)
    hi = simulate_multiskill(more, replications=3, seed=3)
    np.testing.assert_array_equal(lo.types.offered.mean, hi.types.offered.mean)
    assert np.all(hi.type_totals.sl_offered.mean > lo.type_totals.sl_offered.mean)


def test_a_types_callers_do_not_depend_on_the_other_types():
    a = CallType("A", [60.0, 60.0], aht_s=120.0)
    b = CallType("B", [30.0, 30.0], aht_s=200.0)
    alone = skill_centers.model.MultiSkillScenario([a], [AgentGroup("G", "A", 3)])
    both = skill_centers.model.MultiSkillScenario([a, b], [AgentGroup("G", ("A", "B"), 3)])
    one, two = sample_skill_callers(alone, 8), sample_skill_callers(both, 8)
    mine = two.call_type == 0
    np.testing.assert_array_equal(two.arrival_s[mine], one.arrival_s)
    np.testing.assert_array_equal(two.handle_unit[mine], one.handle_unit)
    assert 0 < (~mine).sum() < mine.sum()


def test_warmup_leaves_the_first_intervals_out_of_the_totals():
    sc = skill_centers.mixed()
    res = simulate_multiskill(sc, replications=2, seed=9, warmup_s=3 * 1800.0)
    np.testing.assert_allclose(res.type_totals.offered.mean, res.types.offered.mean[:, 3:].sum(axis=1))
    np.testing.assert_allclose(res.group_totals.served.mean, res.groups.served.mean[..., 3:].sum(axis=-1))
    full = simulate_multiskill(sc, replications=2, seed=9)
    np.testing.assert_allclose(full.type_totals.offered.mean, full.types.offered.mean.sum(axis=1))


def test_result_by_name_and_as_plain_data():
    sc = skill_centers.mixed()
    res = simulate_multiskill(sc, replications=2, seed=2, record_calls=True)
    cards = res.for_type("cards")
    assert cards.intervals.sl_offered.mean.shape == (sc.n_intervals,) and cards.totals.sl_offered.mean.shape == ()
    flex = res.for_group("flex")
    assert flex.totals.served.mean.shape == (3,) and flex.intervals.served.mean.shape == (3, sc.n_intervals)
    assert float(res.for_group("cards").totals.served.mean[sc.type_index("loans")]) == 0.0
    assert 0.0 <= float(cards.totals.sl_offered.low) <= float(cards.totals.sl_offered.high) <= 1.0
    with pytest.raises(ConfigError, match=re.escape("'sales' is not a call type of this result")):
        res.for_type("sales")
    d = json.loads(json.dumps(res.to_dict()))  # NaN is written as NaN; json reads it back
    assert d["type_names"] == ["cards", "loans", "english"] and len(d["calls"]["outcome"]) == res.calls.size
    assert set(d["type_totals"]) >= {"sl_offered", "p_wait", "queue_length", "asa_s"}
    assert json.loads(json.dumps(cards.to_dict()))["name"] == "cards"
    # the log names the types and groups by index
    ans = res.calls[res.calls["outcome"] == int(Outcome.ANSWERED)]
    assert set(np.unique(ans["group"]).tolist()) == {0, 1, 2}
