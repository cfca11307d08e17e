"""The multi-skill model as data (issue 13): call types, groups, routing, the center.

Every bad input gets its message asserted in full (as scipy's ``test_milp_iv`` does): the
key as a config would write it, the rule and the value. The defaults of the routing and the
round trip to the single-queue `Scenario` are checked on small centers.
"""

from __future__ import annotations

import pickle
import re

import numpy as np
import pytest

import cxqueue.scenario as scenario_types
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import (
    IVR,
    AgentGroup,
    CallType,
    Forecast,
    MultiSkillScenario,
    OpeningHours,
    Redials,
    Routing,
    Scenario,
    ServiceTarget,
)

A = CallType("A", [10.0, 10.0], aht_s=60.0)
B = CallType("B", [10.0, 10.0], aht_s=60.0, priority=1)
C = CallType("C", [5.0, 5.0], aht_s=90.0, priority=1)
BOTH = AgentGroup("G", ("A", "B"), 3)


def _raises(msg: str, make):
    with pytest.raises(ConfigError, match=re.escape(msg)):
        make()


# ---- call types ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "msg"),
    [
        (lambda: CallType("A", [10.0, -1.0], aht_s=60.0),
         "call_types.A.calls must be >= 0; 1 of 2 values break it (first at index 1: -1.0)"),
        (lambda: CallType("A", [10.0, np.nan], aht_s=60.0),
         "call_types.A.calls must be finite (not NaN or infinite); 1 of 2 values break it (first at index 1: nan)"),
        (lambda: CallType("A", [[1.0]], aht_s=60.0), "call_types.A.calls must be a 1-d array; got shape (1, 1)"),
        (lambda: CallType("A", [10.0], aht_s=-60.0),
         "call_types.A.aht_s must be > 0 and <= 86400 (a day); 1 of 1 values break it (first at index 0: -60.0)"),
        (lambda: CallType("A", [10.0, 1.0], aht_s=[60.0, 60.0, 60.0]),
         "call_types.A.aht_s must be one number or one value per interval (2); got shape (3,)"),
        (lambda: CallType("A", [10.0]),
         "call_types.A.aht_s is required (the mean handle time in seconds) unless calls is a Forecast"),
        (lambda: CallType("A", Forecast([1.0], 60.0), aht_s=60.0),
         "call_types.A.aht_s comes from the Forecast given as calls; got aht_s=60.0 as well"),
        (lambda: CallType("", [10.0], aht_s=1.0),
         "call type name must be a non-empty string without surrounding spaces; got ''"),
        (lambda: CallType("A", [10.0], aht_s=1.0, priority=-1), "call_types.A.priority must be >= 0; got -1"),
        (lambda: CallType("A", [10.0], aht_s=1.0, priority=0.5), "call_types.A.priority must be an integer; got 0.5"),
        (lambda: CallType("A", [10.0], aht_s=1.0, handle=scenario_types.Distribution.none()),
         "call_types.A.handle must be a Distribution other than 'none' (an answered call takes time)"),
        (lambda: CallType("A", [10.0], aht_s=1.0, patience=60.0),
         "call_types.A.patience must be a Distribution or None (never hangs up); got 60.0"),
    ],
)  # fmt: skip
def test_call_type_errors(make, msg):
    _raises(msg, make)


def test_call_type_from_a_forecast_takes_its_handle_times_and_grid():
    t = CallType("A", Forecast([10.0, 20.0], [100.0, 200.0], interval_s=1800.0, start_s=3600.0))
    assert t.aht_s.tolist() == [100.0, 200.0] and t.grid == (1800.0, 3600.0)
    sc = MultiSkillScenario([t], [AgentGroup("G", "A", 2)])
    assert (sc.interval_s, sc.start_s) == (1800.0, 3600.0)
    assert not t.calls.flags.writeable and not t.aht_s.flags.writeable
    assert CallType("B", [1.0], aht_s=60.0, patience=None).patience.is_none


# ---- groups ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "msg"),
    [
        (lambda: AgentGroup("G", (), 3),
         "groups.G.skills must name at least one call type; got none (a group with no skills)"),
        (lambda: AgentGroup("G", ("A", "A"), 3), "groups.G.skills must not repeat a call type; 'A' appears 2 times"),
        (lambda: AgentGroup("G", 5, 3), "groups.G.skills must be a sequence of call type names; got 5"),
        (lambda: AgentGroup("G", ("A",), -3), "groups.G.agents must be >= 0; got -3.0"),
        (lambda: AgentGroup("G", ("A",), [1.0, np.nan]),
         "groups.G.agents must be finite (not NaN or infinite); 1 of 2 values break it (first at index 1: nan)"),
        (lambda: AgentGroup("G", ("A",), 3, handle_factor={"B": 2.0}),
         "groups.G.handle_factor names 'B', which is not among the group's skills ('A',)"),
        (lambda: AgentGroup("G", ("A",), 3, handle_factor={"A": 0.0}), "groups.G.handle_factor.A must be > 0; got 0.0"),
        (lambda: AgentGroup("G", ("A",), 3, handle_factor={"A": -1.0}),
         "groups.G.handle_factor.A must be > 0; got -1.0"),
        (lambda: AgentGroup(" G", ("A",), 3), "group name must be a non-empty string without surrounding spaces"),
    ],
)  # fmt: skip
def test_group_errors(make, msg):
    _raises(msg, make)


# ---- routing and the center --------------------------------------------------------------------
G2 = AgentGroup("H", ("B",), 2)


@pytest.mark.parametrize(
    ("make", "msg"),
    [
        # a type no group can serve
        (lambda: MultiSkillScenario([A, B], [AgentGroup("G", "A", 3)]),
         "call type 'B' is among no group's skills, so no group can serve it: add it to a group's skills "
         "(groups.<name>.skills) or remove the type"),
        (lambda: MultiSkillScenario([A, B], [BOTH], Routing(group_types={"G": ("A",)})),
         "no group can serve call type 'B': the groups with that skill leave it out (routing.group_types.G)"),
        (lambda: MultiSkillScenario([A, B], [BOTH], Routing(type_groups={"B": ()})),
         "routing.type_groups.B must list at least one group; got none"),
        # a skill naming an unknown type
        (lambda: MultiSkillScenario([A], [AgentGroup("G", ("A", "X"), 3)]),
         "groups.G.skills names 'X', which is not a call type (the types: 'A')"),
        # routing naming unknown groups or types
        (lambda: MultiSkillScenario([A, B], [BOTH], Routing(type_groups={"A": ("Q",)})),
         "routing.type_groups.A lists 'Q', which is not a group (the groups: 'G')"),
        (lambda: MultiSkillScenario([A, B], [BOTH], Routing(type_groups={"X": ("G",)})),
         "routing.type_groups names 'X', which is not a call type (the call types: 'A', 'B')"),
        (lambda: MultiSkillScenario([A, B], [BOTH], Routing(group_types={"Q": ("A",)})),
         "routing.group_types names 'Q', which is not a group (the groups: 'G')"),
        (lambda: MultiSkillScenario([A, B], [BOTH], Routing(group_types={"G": ("A", "X")})),
         "routing.group_types.G lists 'X', which is not a call type (the call types: 'A', 'B')"),
        (lambda: MultiSkillScenario([A, B], [BOTH, G2], Routing(type_groups={"A": ("H",)})),
         "routing.type_groups.A lists group 'H', which does not have 'A' among its skills (groups.H.skills = ('B',))"),
        (lambda: MultiSkillScenario([A, B], [BOTH, G2], Routing(group_types={"H": ("A", "B")})),
         "routing.group_types.H lists 'A', which is not among the group's skills (groups.H.skills = ('B',))"),
        (lambda: MultiSkillScenario([A, B], [BOTH, G2], Routing(type_groups={"B": ("G",)}, group_types={"H": "B"})),
         "routing.group_types.H takes 'B', but routing.type_groups.B = ('G',) does not list 'H'"),
        (lambda: MultiSkillScenario([A, B], [BOTH, G2], Routing(type_groups={"B": ("G", "H")}, group_types={"G": "A"})),
         "routing.type_groups.B sends calls to 'G', but routing.group_types.G = (('A',),) does not take 'B'"),
        (lambda: MultiSkillScenario([A, B], [BOTH], Routing(delays_s={"X": {"G": 3}})),
         "routing.delays_s names 'X', which is not a call type (the call types: 'A', 'B')"),
        (lambda: MultiSkillScenario([A, B], [BOTH, G2], Routing(delays_s={"A": {"H": 3}})),
         "routing.delays_s.A.H: group 'H' does not serve call type 'A' (routing.type_groups.A = ('G',))"),
        # negative or NaN values, unknown policies, repeats
        (lambda: Routing(delays_s={"A": {"G": -3}}), "routing.delays_s.A.G must be >= 0; got -3.0"),
        (lambda: Routing(delays_s={"A": {"G": np.nan}}),
         "routing.delays_s.A.G must be finite (not NaN or infinite); got nan"),
        (lambda: Routing(delays_s={"A": 3}), "routing.delays_s.A must be a mapping (a dict); got 3"),
        (lambda: Routing(agent_choice="random"),
         "routing.agent_choice must be one of 'longest_idle', 'fixed_order', 'random_free'; got 'random'"),
        (lambda: Routing(call_choice="lifo"), "routing.call_choice must be one of 'priority', 'fifo'; got 'lifo'"),
        (lambda: Routing(type_groups={"A": ("G", "G")}),
         "routing.type_groups.A must not repeat a group; 'G' appears 2 times"),
        (lambda: Routing(group_types={"G": ("A", ("B", "A"))}),
         "routing.group_types.G must not repeat a call type; 'A' appears 2 times"),
        (lambda: Routing(group_types={"G": ("A", ())}), "routing.group_types.G must not hold an empty level"),
        (lambda: Routing(type_groups=("A",)), "routing.type_groups must be a mapping (a dict); got ('A',)"),
        # the center
        (lambda: MultiSkillScenario([A, B], [AgentGroup("G", ("A", "B"), [3, 3, 3])]),
         "groups.G.agents must be one number or one value per interval (2); got shape (3,)"),
        (lambda: MultiSkillScenario([A, CallType("B", [1.0], aht_s=60.0)], [BOTH]),
         "call_types.B.calls must have one value per interval (2, as call_types.A.calls); got 1"),
        (lambda: MultiSkillScenario([A, A], [BOTH]), "types must have distinct names; 'A' appears more than once"),
        (lambda: MultiSkillScenario([A, B], [BOTH, BOTH]),
         "groups must have distinct names; 'G' appears more than once"),
        (lambda: MultiSkillScenario([], [BOTH]), "types must hold at least one CallType; got none"),
        (lambda: MultiSkillScenario([A], []), "groups must hold at least one AgentGroup; got none"),
        (lambda: MultiSkillScenario([A, "B"], [BOTH]), "types[1] must be a CallType; got str"),
        (lambda: MultiSkillScenario([CallType("A", [], aht_s=60.0)], [AgentGroup("G", "A", 1)]),
         "call_types.A.calls must have at least one interval; got none"),
        (lambda: MultiSkillScenario([A, B], [BOTH], target={"A": ServiceTarget()}),
         "target must give a ServiceTarget for every call type; missing ['B']"),
        (lambda: MultiSkillScenario([A, B], [BOTH], target={"A": ServiceTarget(), "B": ServiceTarget(), "X": 1}),
         "target names 'X', which is not a call type (the types: ['A', 'B'])"),
        (lambda: MultiSkillScenario([A, B], [BOTH], target={"A": ServiceTarget(), "B": 0.8}),
         "target.B must be a ServiceTarget; got float"),
        (lambda: MultiSkillScenario([A, B], [BOTH], interval_s=-900.0), "interval_s must be > 0; got -900.0"),
        (lambda: MultiSkillScenario([A, B], [BOTH], day_factor_cv=np.nan),
         "day_factor_cv must be finite (not NaN or infinite); got nan"),
        (lambda: MultiSkillScenario([A, B], [BOTH], routing={"A": "G"}),
         "routing must be a cxqueue.scenario.Routing; got dict"),
        (lambda: MultiSkillScenario([A, CallType("B", Forecast([1.0, 1.0], 60.0, interval_s=1800.0))], [BOTH],
                                    interval_s=900.0),
         "call_types.B.calls is a Forecast with interval_s=1800, but the scenario's interval_s is 900; every type "
         "must use the scenario's interval grid"),
    ],
)  # fmt: skip
def test_center_and_routing_errors(make, msg):
    _raises(msg, make)


# ---- defaults and round trips --------------------------------------------------------------------
def test_routing_defaults_follow_skills_group_order_and_priority():
    groups = [AgentGroup("G1", ("A",), 2), AgentGroup("G2", ("C", "B", "A"), 3), AgentGroup("G3", ("B",), 1)]
    sc = MultiSkillScenario([A, B, C], groups)
    assert sc.routing.type_groups == {} and sc.routing.group_types == {}  # as given
    r = sc.resolved_routing
    assert r.type_groups == {"A": ("G1", "G2"), "B": ("G2", "G3"), "C": ("G2",)}
    # levels by priority (0 first); B and C share priority 1, in the order of the types
    assert r.group_types == {"G1": (("A",),), "G2": (("A",), ("B", "C")), "G3": (("B",),)}
    assert (r.agent_choice, r.call_choice, r.delays_s) == ("longest_idle", "priority", {})
    # a complete routing resolves to itself
    again = r.resolve(sc.types, sc.groups)
    assert again.to_dict() == r.to_dict()


def test_routing_given_on_one_side_fills_the_other():
    groups = [AgentGroup("G1", ("A", "B"), 2), AgentGroup("G2", ("A", "B"), 3)]
    sc = MultiSkillScenario([A, B], groups, Routing(type_groups={"B": ("G2",)}, delays_s={"A": {"G2": 20}}))
    r = sc.resolved_routing
    assert r.type_groups == {"A": ("G1", "G2"), "B": ("G2",)}
    assert r.group_types == {"G1": (("A",),), "G2": (("A",), ("B",))}
    assert r.delay_s("A", "G2") == 20.0 and r.delay_s("A", "G1") == 0.0
    sc = MultiSkillScenario([A, B], groups, Routing(group_types={"G1": ("B",)}))
    assert sc.resolved_routing.type_groups == {"A": ("G2",), "B": ("G1", "G2")}
    # replace resolves the given routing again: a new group joins the defaults
    wider = sc.replace(groups=(*groups, AgentGroup("G3", ("A",), 1)))
    assert wider.resolved_routing.type_groups == {"A": ("G2", "G3"), "B": ("G1", "G2")}


def test_center_arrays_and_lookups():
    g1 = AgentGroup("G1", "A", [2, 3])
    g2 = AgentGroup("G2", ("A", "B"), 4, handle_factor={"B": 1.5})
    sc = MultiSkillScenario([A, B], [g1, g2], target={"A": ServiceTarget(0.8, 20.0), "B": ServiceTarget(0.7, 60.0)})
    assert sc.agents.tolist() == [[2.0, 3.0], [4.0, 4.0]] and not sc.agents.flags.writeable
    assert sc.handle_factors.tolist() == [[1.0, 1.0], [1.0, 1.5]]
    assert [t.answer_within_s for t in sc.target] == [20.0, 60.0]
    assert sc.type_index("B") == 1 and sc.group_index("G2") == 1
    assert sc.calls.shape == (2, 2) and sc.offered_load[0, 0] == pytest.approx(10 * 60 / 900)
    _raises("'X' is not a group of this center (the groups: 'G1', 'G2')", lambda: sc.group_index("X"))
    # pickles (process pools run scenarios) and writes plain data
    back = pickle.loads(pickle.dumps(sc))
    assert back.resolved_routing.to_dict() == sc.resolved_routing.to_dict()
    d = sc.to_dict()
    assert d["groups"][1]["handle_factor"] == {"B": 1.5} and d["resolved_routing"]["type_groups"]["A"] == ["G1", "G2"]


def test_single_queue_round_trip():
    f = Forecast([30.0, 50.0], [200.0, 220.0], interval_s=1800.0, start_s=3600.0)
    sc = Scenario(f, agents=[4, 6], handle=scenario_types.Distribution.lognormal(1.0, cv=0.8),
                  patience=scenario_types.Distribution.exponential(90.0), hours=OpeningHours.daily(0.0, 7200.0),
                  target=ServiceTarget(0.9, 15.0), day_factor_cv=0.1)  # fmt: skip
    ms = MultiSkillScenario.from_scenario(sc)
    back = ms.to_scenario()
    assert back.forecast.calls.tolist() == f.calls.tolist() and back.forecast.aht_s.tolist() == f.aht_s.tolist()
    assert (back.forecast.interval_s, back.forecast.start_s) == (1800.0, 3600.0)
    assert back.agents.tolist() == [4.0, 6.0] and back.handle is sc.handle and back.patience is sc.patience
    assert back.hours == sc.hours and back.target == sc.target and back.day_factor_cv == 0.1
    # a handle factor folds into the handle time
    g = AgentGroup("agents", "calls", 3, handle_factor={"calls": 1.5})
    assert ms.replace(groups=(g,)).to_scenario().forecast.aht_s.tolist() == [300.0, 330.0]


def test_single_queue_conversions_refuse_what_they_cannot_carry():
    _raises("to_scenario needs one call type and one group; got 2 type(s) and 1 group(s)",
            lambda: MultiSkillScenario([A, B], [BOTH]).to_scenario())  # fmt: skip
    delayed = MultiSkillScenario([A], [AgentGroup("G", "A", 1)], Routing(delays_s={"A": {"G": 5.0}}))
    _raises("routing.delays_s.A.G must be 0 for a single queue (its only group); got 5", delayed.to_scenario)
    f = Forecast([1.0], 60.0)
    _raises("a multi-skill center has no lines, ivr, redials yet; got a scenario that uses lines, ivr, redials",
            lambda: MultiSkillScenario.from_scenario(Scenario(f, agents=1, lines=3, ivr=IVR(),
                                                              redials=Redials(blocked=0.5))))  # fmt: skip
