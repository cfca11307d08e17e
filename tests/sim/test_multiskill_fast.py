"""The multi-skill fast engine (numba) against the simpy reference: the same log, bit for bit.

For the same callers both engines must give the same call log (every field: group, agent,
answer and end times, outcome, wait, interval) and the same counters and time integrals, under
every routing policy, with re-routing delays, patience, priority levels of several types,
staffing that changes between intervals, and opening hours. The fast engine's runs also keep
the conservation laws of `test_multiskill_conservation`, and its kernel compiles once.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cxqueue import _rng
from cxqueue import scenario as model
from cxqueue.exceptions import ConfigError
from cxqueue.sim.multiskill import _kernels as mk
from cxqueue.sim.multiskill import fast, run_multiskill_replication, sample_skill_callers, simulate_multiskill
from cxqueue.sim.multiskill.engine import run_multiskill_simpy
from cxqueue.sim.multiskill.fast import run_multiskill_fast
from tests.conftest import needs_jit
from tests.sim import skill_centers
from tests.sim.test_multiskill_conservation import _check_replication

POLICIES = [("priority", "longest_idle"), ("fifo", "fixed_order"), ("priority", "fixed_order"),
            ("fifo", "longest_idle"), ("priority", "random_free")]  # fmt: skip
OUTPUTS = ("counts", "waiting_s", "group_s", "served", "backlog")


def assert_same(ref, got):
    """The same output, bit for bit (NaN where NaN, NaT where NaT), field by field."""
    assert got.calls.dtype == ref.calls.dtype and got.calls.size == ref.calls.size
    for name in ref.calls.dtype.names:
        a, b = ref.calls[name], got.calls[name]
        assert a.tobytes() == b.tobytes(), f"call log field {name!r} differs at rows {np.flatnonzero(a != b)[:5]}"
    for name in OUTPUTS:
        np.testing.assert_array_equal(getattr(got, name), getattr(ref, name), err_msg=name)


def both(sc, seed):
    callers = sample_skill_callers(sc, seed)
    return run_multiskill_simpy(sc, callers, record=True), run_multiskill_fast(sc, callers, record=True)


def checked(sc, seed):
    """Both engines on the same callers: the same log, the conservation laws; (callers, fast output)."""
    callers = sample_skill_callers(sc, seed)
    ref, got = run_multiskill_simpy(sc, callers, record=True), run_multiskill_fast(sc, callers, record=True)
    assert_same(ref, got)
    _check_replication(sc, got, callers)
    return callers, got


def levels_center(**routing) -> model.MultiSkillScenario:
    """Four types, three groups; a group with two types in one priority level and a third
    below; re-routing to a backup group; staffing up and down every interval; no hours."""
    n = 6
    x = np.arange(n)
    exp = model.Distribution.exponential
    types = [
        model.CallType("A", np.full(n, 20.0), aht_s=240.0, patience=exp(120.0)),
        model.CallType("B", 12 + 3 * x, aht_s=300.0, patience=exp(300.0), priority=1),
        model.CallType("C", np.full(n, 15.0), aht_s=180.0, handle=model.Distribution.lognormal(1.0, cv=1.2)),
        model.CallType("D", np.full(n, 8.0), aht_s=400.0, patience=model.Distribution.lognormal(200.0, cv=0.5)),
    ]
    groups = [
        model.AgentGroup("g1", ("A", "B"), np.where(x % 2 == 0, 6, 4)),
        model.AgentGroup("g2", ("B", "C", "D"), np.where(x < 3, 5, 7), handle_factor={"D": 0.8}),
        model.AgentGroup("g3", ("A", "C", "D"), np.array([3, 0, 4, 2, 5, 3])),
    ]
    rt = model.Routing(
        type_groups={"A": ("g1", "g3"), "C": ("g2", "g3"), "D": ("g2", "g3")},
        group_types={"g2": (("B", "C"), "D"), "g3": ("D", ("A", "C"))},
        delays_s={"A": {"g3": 45.0}, "D": {"g3": 10.0}, "C": {"g2": 0.0}},
        **routing,
    )
    return model.MultiSkillScenario(types, groups, rt, interval_s=900.0)


def random_center(seed: int) -> model.MultiSkillScenario:
    """A small random center: 2-4 types, 2-4 groups with random skills, delays, patience, staffing."""
    rng = np.random.default_rng(seed)
    K, G, n = int(rng.integers(2, 5)), int(rng.integers(2, 5)), 4
    names = [f"t{i}" for i in range(K)]
    dist = model.Distribution
    pats = [dist.none(), dist.exponential(90.0), dist.lognormal(200.0, cv=1.0)]
    types = [model.CallType(t, rng.uniform(5, 40, n), aht_s=float(rng.uniform(60, 400)), priority=int(rng.integers(3)),
                            patience=pats[int(rng.integers(3))]) for t in names]  # fmt: skip
    skills = [rng.choice(names, size=int(rng.integers(1, K + 1)), replace=False).tolist() for _ in range(G)]
    for i, t in enumerate(names):  # every type has a group
        if not any(t in s for s in skills):
            skills[i % G].append(t)
    groups = [model.AgentGroup(f"g{j}", tuple(s), rng.integers(0, 8, n),
                               handle_factor={s[0]: float(rng.uniform(0.7, 1.4))})
              for j, s in enumerate(skills)]  # fmt: skip
    delays = {t: {f"g{j}": float(rng.choice([0.0, 15.0, 60.0])) for j, s in enumerate(skills) if t in s} for t in names}
    rt = model.Routing(delays_s=delays, call_choice=str(rng.choice(["priority", "fifo"])),
                       agent_choice=str(rng.choice(["longest_idle", "fixed_order"])))  # fmt: skip
    return model.MultiSkillScenario(types, groups, rt, interval_s=600.0)


@pytest.mark.parametrize(("call_choice", "agent_choice"), POLICIES)
def test_same_log_as_simpy_on_the_mixed_morning(call_choice, agent_choice):
    sc = skill_centers.mixed(call_choice=call_choice, agent_choice=agent_choice)
    outcomes = set()
    for child in _rng.spawn(7, 2):
        ref, got = both(sc, child)
        assert_same(ref, got)
        outcomes |= set(np.unique(got.calls["outcome"]).tolist())
    assert len(outcomes) == 4  # answered, abandoned, closed and backlog all happened


@pytest.mark.parametrize(("call_choice", "agent_choice"), POLICIES)
def test_same_log_with_priority_levels_and_rerouting(call_choice, agent_choice):
    sc = levels_center(call_choice=call_choice, agent_choice=agent_choice)
    ref, got = both(sc, 11)
    assert_same(ref, got)
    log = got.calls
    g3 = sc.group_index("g3")
    rerouted = (log["call_type"] == sc.type_index("A")) & (log["group"] == g3)
    assert rerouted.any() and np.all(log["wait_s"][rerouted] >= 45.0)  # A reaches g3 only after 45 s
    assert set(np.unique(log["group"][log["group"] >= 0]).tolist()) == {0, 1, 2}


@pytest.mark.parametrize("seed", range(6))
def test_same_log_on_random_centers(seed):
    assert_same(*both(random_center(seed), seed))


def test_same_log_on_a_small_wallace_whitt_center():
    sc = skill_centers.wallace_whitt(2, per_group=4)
    assert_same(*both(sc, 5))


@needs_jit
@pytest.mark.parametrize("agent_choice", ["longest_idle", "fixed_order"])
def test_same_log_on_a_day_of_the_wallace_whitt_center(agent_choice):
    sc = skill_centers.wallace_whitt(24)
    sc = sc.replace(routing=dataclasses.replace(sc.routing, agent_choice=agent_choice))
    ref, got = both(sc, 21)
    assert_same(ref, got)
    assert got.calls.size > 20_000
    log = got.calls[got.calls["group"] >= 0]
    assert 0.05 < np.mean(log["group"] != log["call_type"]) < 0.5  # the second skill answers a share


def test_conservation_on_the_fast_engine():
    sc = skill_centers.mixed(call_choice="fifo", agent_choice="fixed_order")
    for child in _rng.spawn(2024, 2):
        out = run_multiskill_replication(sc, seed=child, engine="fast", record_calls=True)
        _check_replication(sc, out, sample_skill_callers(sc, child))


def test_simulate_multiskill_same_kpis_on_both_engines():
    sc = levels_center()
    a = simulate_multiskill(sc, replications=3, seed=3, record_calls=True)
    b = simulate_multiskill(sc, replications=3, seed=3, record_calls=True, engine="fast")
    da, db = a.to_dict(), b.to_dict()
    da.pop("calls"), db.pop("calls")
    assert da == db
    assert a.calls.tobytes() == b.calls.tobytes()


def test_a_center_that_never_opens_and_one_with_no_calls():
    sc = levels_center().replace(hours=model.OpeningHours.daily(20 * 3600.0, 21 * 3600.0))
    ref, got = both(sc, 1)
    assert_same(ref, got)
    assert np.all(got.calls["outcome"] == int(model.Outcome.CLOSED))
    quiet = model.MultiSkillScenario([model.CallType("A", [0.0, 0.0], aht_s=60.0)], [model.AgentGroup("g", "A", 2)])
    ref, got = both(quiet, 1)
    assert got.calls.size == 0 and ref.calls.size == 0
    np.testing.assert_array_equal(got.group_s, ref.group_s)


def test_growing_the_heap_changes_no_answer(monkeypatch):
    sc = skill_centers.mixed()
    callers = sample_skill_callers(sc, 4)
    ref = run_multiskill_fast(sc, callers, record=True)
    codes = []
    run = mk.run

    def counting(*args):
        codes.append(int(run(*args)))
        return codes[-1]

    monkeypatch.setattr(fast.k, "run", counting)
    monkeypatch.setattr(fast, "_CAP", 2)
    assert_same(ref, run_multiskill_fast(sc, callers, record=True))
    assert codes.count(mk.GROW_HEAP) >= 1 and codes[-1] == mk.DONE and codes.count(mk.DONE) == 1


def test_bad_engine_is_named():
    with pytest.raises(ConfigError, match="engine"):
        simulate_multiskill(levels_center(), replications=1, seed=1, engine="numba")
    with pytest.raises(ConfigError, match="engine"):
        run_multiskill_replication(levels_center(), seed=1, engine="ciw")


@needs_jit
def test_one_signature_whatever_the_inputs():
    sc = levels_center()
    callers = sample_skill_callers(sc, 2)
    ref = run_multiskill_fast(sc, callers, record=True)
    odd = type(callers)(
        arrival_s=np.array(callers.arrival_s)[::-1][::-1],  # a non-contiguous view
        call_type=callers.call_type.astype(np.int32),
        handle_unit=callers.handle_unit.astype(np.float64),
        patience_s=np.array(callers.patience_s),
        route_u=np.asfortranarray(callers.route_u),
    )
    odd.patience_s.setflags(write=False)
    assert_same(ref, run_multiskill_fast(sc, odd, record=True))
    other = skill_centers.mixed(call_choice="fifo", agent_choice="fixed_order")
    run_multiskill_fast(other, sample_skill_callers(other, 1))
    assert mk.run.signatures == [mk.SIGNATURE]
    assert mk.status() == "compiled"
