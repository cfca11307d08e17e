"""Global service-level scheduling (Koole & van der Sluis 2003) against brute force and the cover schedule."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from cxqueue.exceptions import InfeasibleError
from cxqueue.optimize.shifts import schedule_shifts
from cxqueue.optimize.shifts._gsl import upper_hull
from cxqueue.scenario import ShiftTemplate
from tests.optimize.oracles import erlang_c_sl

H = 3600.0


def sl_table(loads, K, aht_s=300.0, within_s=20.0):
    return np.array([erlang_c_sl(a, np.arange(K + 1), aht_s, within_s) for a in loads])


LOADS = np.array([1.5, 3.2, 4.6, 4.1, 2.4, 0.9])  # Erlangs per 1-h interval
AHT = 300.0
CALLS = LOADS * H / AHT
K = 12
# four 3-h shifts starting 0..3 h and one 6-h shift: five candidates
TEMPLATES = [ShiftTemplate("3h", 3 * H, 0, 3 * H, H, cost=3.0), ShiftTemplate("6h", 6 * H, 0, 0, H, cost=5.4)]


def _brute_force(sl, target, top=7, *, stable=False):
    """Cheapest counts 0..top of the five candidates whose week meets ``target``, by enumeration;
    ``stable`` keeps only schedules that staff every interval above its load (Erlang C: > load)."""
    cov = np.zeros((6, 5))
    for j in range(4):
        cov[j : j + 3, j] = 1
    cov[:, 4] = 1
    cost = np.array([3.0] * 4 + [5.4])
    grid = np.array(list(itertools.product(range(top + 1), repeat=5)), dtype=float)
    agents = (grid @ cov.T).astype(np.int64)
    level = sl[np.arange(6), np.minimum(agents, K)]
    ok = level @ CALLS >= target * CALLS.sum() - 1e-12
    if stable:
        ok &= np.all(agents >= np.ceil(LOADS), axis=1)
    c = grid[ok] @ cost
    return float(c.min()), grid[ok][np.argmin(c)]


def _global(sl, target, floor=None, templates=TEMPLATES, **kw):
    """The global service-level schedule of the six hourly intervals (no floor unless given)."""
    return schedule_shifts(
        np.zeros(6) if floor is None else floor,
        templates,
        interval_s=H,
        objective="global_service_level",
        sl_curve=sl,
        calls=CALLS,
        target_level=target,
        **kw,
    )


def test_erlang_c_curve_is_not_concave_near_the_load():
    sl = sl_table(LOADS, K)
    hull = upper_hull(sl[2])
    assert hull[0] == 0 and hull[1] > 5  # the envelope jumps from 0 agents over the zero stretch


@pytest.mark.parametrize("target", [0.6, 0.8, 0.9])
def test_global_service_level_is_optimal_by_brute_force_and_beats_cover(target):
    sl = sl_table(LOADS, K)
    s = _global(sl, target, sl_model="exact", mip_rel_gap=0.0)
    best, _ = _brute_force(sl, target)
    assert s.cost == pytest.approx(best)
    assert s.global_service_level >= target - 1e-9
    # check the reported level independently from the agents
    agents = s.agents.astype(int)
    assert s.global_service_level == pytest.approx(sl[np.arange(6), agents] @ CALLS / CALLS.sum())
    # the cover schedule meeting the same level in every interval costs at least as much
    need = np.array([np.argmax(row >= target) for row in sl], dtype=float)
    cover = schedule_shifts(need, TEMPLATES, interval_s=H, sl_curve=sl, calls=CALLS, mip_rel_gap=0.0)
    assert cover.global_service_level >= target
    assert s.cost <= cover.cost + 1e-9
    if target == 0.8:
        assert s.cost < cover.cost  # strictly cheaper on this instance


def test_hull_model_overstates_and_exact_does_not():
    # Erlang C is zero up to the load: the concave envelope credits understaffed intervals, so the
    # hull model's schedule is cheaper on paper but misses the target; the exact model meets it
    sl = sl_table(LOADS, K)
    exact = _global(sl, 0.5, sl_model="exact", mip_rel_gap=0.0)
    hull = _global(sl, 0.5, sl_model="hull", mip_rel_gap=0.0)
    assert exact.global_service_level >= 0.5 and exact.cost == pytest.approx(_brute_force(sl, 0.5)[0])
    assert hull.cost < exact.cost and hull.global_service_level < 0.3


def test_concave_curve_hull_equals_exact():
    # a concave curve (1 - 0.6^k): both models are exact and agree with brute force
    sl = 1 - 0.6 ** np.arange(K + 1)[None, :].repeat(6, axis=0)
    best, _ = _brute_force(sl, 0.9)
    for model in ("exact", "hull"):
        s = _global(sl, 0.9, sl_model=model, mip_rel_gap=0.0)
        assert s.cost == pytest.approx(best)


def test_floor_is_respected_and_unreachable_target_is_reported():
    sl = sl_table(LOADS, K)
    floor = np.array([2, 0, 0, 0, 0, 2], dtype=float)
    s = _global(sl, 0.6, floor, mip_rel_gap=0.0)
    assert np.all(s.agents >= floor)
    # with at most 2 shifts of each kind per day, 0.99 is out of reach
    capped = [ShiftTemplate("3h", 3 * H, 0, 3 * H, H, cost=3.0, max_count=2)]
    with pytest.raises(InfeasibleError, match=r"target_level=0.99 is out of reach: .* gives a global service level"):
        _global(sl, 0.99, templates=capped)
    part = _global(sl, 0.99, templates=capped, shortage_penalty=100.0)
    assert part.shortfall_calls > 0 and "the global target is missed by" in part.message
    assert "sl_model='stable' was infeasible with the count limits; solved with sl_model='exact'" in part.message
    assert part.n_agents == 2 and part.cost == 6.0  # max_count=2 shifts a day, both used
    assert part.objective == pytest.approx(part.cost + 100.0 * part.shortfall_calls)
    expected = 0.99 * CALLS.sum() - part.global_service_level * CALLS.sum()
    assert part.shortfall_calls == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("target", [0.5, 0.8, 0.95])
def test_stable_model_lies_between_exact_and_stable_brute_force(target):
    sl = sl_table(LOADS, K)
    seen = []
    s = _global(sl, target, mip_rel_gap=0.0, progress=seen.append)
    assert s.global_service_level >= target - 1e-9
    assert _brute_force(sl, target)[0] - 1e-9 <= s.cost <= _brute_force(sl, target, stable=True)[0] + 1e-9
    assert s.status == "optimal" and s.mip_gap == 0.0
    d = s.to_dict()
    json.dumps(d)
    assert d["objective_kind"] == "global_service_level" and len(d["service_level"]) == 6
    assert [p.stage for p in seen][:2] == ["lp_relaxation", "heuristic"] and seen[-1].stage == "done"
