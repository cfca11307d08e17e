"""The multi-skill engine against exact models (issue 13, acceptance 1), seeded, in CI.

Oracles, solved in the test (`tests/sim/ctmc.py`, numpy and scipy):

- a two-type non-preemptive priority M/M/c: the chain over (busy, waiting high, waiting
  low), truncated; P(wait) by PASTA, the mean number waiting per type, and the service level
  per type from the wait of a tagged caller (the absorption time of a transient chain:
  calls ahead of it, and for the low type the high calls that arrive meanwhile). The chain
  is itself checked against the closed form of the mean waits (Cobham);
- an N-model (type A to group 1 then group 2; type B to group 2 only; group 2 takes B
  first; group 2 is slower at A): the chain over (group 1 busy, group 2 busy with A, with B,
  A waiting, B waiting), and the tagged-caller chains of both types;
- a fully flexible center (every group has every skill, one handle time, FIFO across
  types of different priorities) is one M/M/c+M queue: Erlang A and C from
  `cxqueue.analytic`, and the single-queue simulation of the equivalent `Scenario`.

Each check requires the theory value within 1.5 x the 95 % half-width of the simulated
mean (about a 99.7 % interval, as `test_theory.py` does) and the half-width of every
probability to be <= 0.01; each model also shows that a wrong model would fail.
"""

from __future__ import annotations

import numpy as np
import pytest

from cxqueue.analytic import erlang_a, erlang_c
from cxqueue.scenario import AgentGroup, Distribution, Outcome, Routing, Scenario, ServiceTarget
from cxqueue.scenario import Forecast as F
from cxqueue.sim import simulate
from cxqueue.sim.multiskill import simulate_multiskill
from tests.sim import ctmc
from tests.sim.skill_centers import H, stationary

NONE = Distribution.none()


def _within(est, theory: float, *, max_half_width: float | None = None, factor: float = 1.5):
    mean, hw = float(est.mean), float(est.half_width)
    if max_half_width is not None:
        assert hw <= max_half_width, f"interval too wide to test: +-{hw:.4f}"
    assert abs(mean - theory) <= factor * hw, f"simulated {mean:.5f} +- {hw:.5f}, theory {theory:.5f}"


def _outside(est, value: float):
    """A wrong model's value is well outside the interval (the test can tell)."""
    assert abs(float(est.mean) - value) > 3 * float(est.half_width), f"{value} not excluded by {est.mean}"


def _tagged_sl(states, pi, mask, key, moves, t_s: float) -> float:
    """P(wait <= t) over arrivals (PASTA): those that find ``mask`` false wait 0; the others
    wait for the absorption of ``moves`` started at ``key(state)``."""
    starts = [key(s) for s, m in zip(states, mask, strict=True) if m]
    tstates, index, q = ctmc.explore(starts, moves)
    p0 = np.zeros(len(tstates))
    for s, p, m in zip(states, pi, mask, strict=True):
        if m:
            p0[index[key(s)]] += p
    return 1.0 - ctmc.absorption_tail(q, p0, t_s)


# ---- a two-type non-preemptive priority M/M/c -------------------------------------------------------
def priority_mmc(lam_h, lam_l, mu, c, t_s, *, kh=40, kl=120):
    """P(wait), mean numbers waiting and service levels of the high and the low type."""

    def moves(s):
        b, h, l = s
        full = b == c
        out = [(lam_h, (b, h + 1, l) if full and h < kh else s if full else (b + 1, h, l)),
               (lam_l, (b, h, l + 1) if full and l < kl else s if full else (b + 1, h, l))]  # fmt: skip
        if b:
            out.append((b * mu, (b, h - 1, l) if h else (b, h, l - 1) if l else (b - 1, h, l)))
        return out

    states, _, q = ctmc.explore([(0, 0, 0)], moves)
    pi = ctmc.stationary(q)
    s = np.array(states)
    full = s[:, 0] == c
    assert pi[(s[:, 1] == kh) | (s[:, 2] == kl)].sum() < 1e-12  # the truncation is invisible

    def high(x):  # high calls ahead; served by the next completion once none is ahead
        return [(c * mu, (x[0] - 1,) if x[0] else None)]

    def low(x):  # (high ahead, low ahead); high arrivals go ahead of it
        h, l = x
        return [(lam_h, (h + 1, l) if h < 3 * kh else x), (c * mu, (h - 1, l) if h else (h, l - 1) if l else None)]

    return {
        "p_wait": float(pi[full].sum()),
        "queue": (float(pi @ s[:, 1]), float(pi @ s[:, 2])),
        "sl": (
            _tagged_sl(states, pi, full, lambda x: (x[1],), high, t_s),
            _tagged_sl(states, pi, full, lambda x: (x[1], x[2]), low, t_s),
        ),
    }


def test_two_type_priority_mmc_matches_its_markov_chain():
    c, aht_s, t_s = 4, 60.0, 20.0
    lam_h, lam_l = 1.0 / 60.0, 1.8 / 60.0  # calls per second: 1.0 and 1.8 Erlangs, 70 % busy
    th = priority_mmc(lam_h, lam_l, 1 / aht_s, c, t_s)
    # the chain agrees with the closed forms: P(wait) is Erlang C, and Cobham's mean waits
    load = (lam_h + lam_l) * aht_s
    pw = float(erlang_c.wait_probability(load, c))
    assert th["p_wait"] == pytest.approx(pw, rel=1e-7)
    w_h = pw / (c / aht_s * (1 - lam_h * aht_s / c))
    w_l = w_h / (1 - load / c)
    assert th["queue"][0] / lam_h == pytest.approx(w_h, rel=1e-7)
    assert th["queue"][1] / lam_l == pytest.approx(w_l, rel=1e-7)

    sc = stationary([("high", lam_h * H, aht_s, 0, NONE), ("low", lam_l * H, aht_s, 1, NONE)],
                    [AgentGroup("all", ("high", "low"), c)], hours=160, answer_within_s=t_s)  # fmt: skip
    res = simulate_multiskill(sc, replications=8, seed=2024, warmup_s=H)
    for i, name in enumerate(("high", "low")):
        tot = res.for_type(name).totals
        _within(tot.p_wait, th["p_wait"], max_half_width=0.01)  # PASTA: the same for both types
        _within(tot.sl_answered, th["sl"][i], max_half_width=0.01)
        _within(tot.queue_length, th["queue"][i], max_half_width=0.1 * th["queue"][i])
        _within(tot.asa_s, th["queue"][i] / (lam_h, lam_l)[i], max_half_width=0.1 * th["queue"][i] / (lam_h, lam_l)[i])
    _within(res.group_totals.of(0).occupancy, load / c, max_half_width=0.01)
    # a wrong model fails: FIFO across the types (every caller gets the Erlang C wait), or the priority reversed
    fifo_sl = float(erlang_c.service_level(load, c, aht_s=aht_s, answer_within_s=t_s))
    _outside(res.for_type("high").totals.sl_answered, fifo_sl)
    _outside(res.for_type("high").totals.queue_length, pw * load / (c - load) * lam_h / (lam_h + lam_l))
    _outside(res.for_type("low").totals.sl_answered, th["sl"][0])


# ---- the N-model ----------------------------------------------------------------------------------------
def n_model(lam_a, lam_b, mu1a, mu2a, mu2b, c1, c2, t_s, *, b_first=True, ka=40, kb=40):
    """Group 1 (c1) serves A; group 2 (c2) serves B first, then A (``b_first``; else A first).
    A tries group 1, then group 2. Without ``b_first`` only P(wait) and the queues are computed."""

    def moves(s):
        b1, xa, xb, qa, qb = s
        g2_free = xa + xb < c2
        out = []
        if b1 < c1:
            out.append((lam_a, (b1 + 1, xa, xb, qa, qb)))
        elif g2_free:
            out.append((lam_a, (b1, xa + 1, xb, qa, qb)))
        elif qa < ka:
            out.append((lam_a, (b1, xa, xb, qa + 1, qb)))
        if g2_free:
            out.append((lam_b, (b1, xa, xb + 1, qa, qb)))
        elif qb < kb:
            out.append((lam_b, (b1, xa, xb, qa, qb + 1)))
        if b1:  # group 1 finishes an A call and takes the next A
            out.append((b1 * mu1a, (b1, xa, xb, qa - 1, qb) if qa else (b1 - 1, xa, xb, qa, qb)))
        for rate, ya, yb in ((xa * mu2a, xa - 1, xb), (xb * mu2b, xa, xb - 1)):  # group 2 finishes a call
            if rate:
                take_b = (b1, ya, yb + 1, qa, qb - 1) if qb else None
                take_a = (b1, ya + 1, yb, qa - 1, qb) if qa else None
                first, second = (take_b, take_a) if b_first else (take_a, take_b)
                out.append((rate, first or second or (b1, ya, yb, qa, qb)))
        return out

    states, _, q = ctmc.explore([(0, 0, 0, 0, 0)], moves)
    pi = ctmc.stationary(q)
    s = np.array(states)
    assert pi[(s[:, 3] == ka) | (s[:, 4] == kb)].sum() < 1e-9  # the truncation is invisible
    g2_full = s[:, 1] + s[:, 2] == c2
    a_full = g2_full & (s[:, 0] == c1)
    # flow balance: every A call is served by group 1 or group 2, every B call by group 2
    assert pi @ s[:, 0] * mu1a + pi @ s[:, 1] * mu2a == pytest.approx(lam_a, rel=1e-7)
    assert pi @ s[:, 2] * mu2b == pytest.approx(lam_b, rel=1e-7)
    out = {
        "p_wait": (float(pi[a_full].sum()), float(pi[g2_full].sum())),
        "queue": (float(pi @ s[:, 3]), float(pi @ s[:, 4])),
        "busy": (float(pi @ s[:, 0]), float(pi @ (s[:, 1] + s[:, 2]))),
    }
    if not b_first:
        return out

    def tagged_b(x):  # (group 2 busy with A, with B, B ahead): the next group-2 agent free serves it if none ahead
        xa, xb, l = x
        out = []
        if xa:
            out.append((xa * mu2a, (xa - 1, xb + 1, l - 1) if l else None))
        if xb:
            out.append((xb * mu2b, (xa, xb, l - 1) if l else None))
        return out

    def tagged_a(x):  # (group 2 busy with A, with B, B waiting, A ahead); both groups stay full while it waits
        xa, xb, qb, h = x
        out = [(c1 * mu1a, (xa, xb, qb, h - 1) if h else None), (lam_b, (xa, xb, qb + 1, h) if qb < 3 * kb else x)]
        if xa:
            out.append((xa * mu2a, (xa - 1, xb + 1, qb - 1, h) if qb else (xa, xb, qb, h - 1) if h else None))
        if xb:
            out.append((xb * mu2b, (xa, xb, qb - 1, h) if qb else (xa + 1, xb - 1, qb, h - 1) if h else None))
        return out

    out["sl"] = (_tagged_sl(states, pi, a_full, lambda x: (x[1], x[2], x[4], x[3]), tagged_a, t_s),
                 _tagged_sl(states, pi, g2_full, lambda x: (x[1], x[2], x[4]), tagged_b, t_s))  # fmt: skip
    return out


def test_n_model_matches_its_markov_chain():
    c1, c2, t_s = 3, 3, 20.0
    aht_a, factor, aht_b = 60.0, 1.25, 90.0  # group 2 is 25 % slower with A
    lam_a, lam_b = 2.0 / 60.0, 1.0 / 60.0
    th = n_model(lam_a, lam_b, 1 / aht_a, 1 / (aht_a * factor), 1 / aht_b, c1, c2, t_s)
    # routing: A tries G1 then G2, B goes to G2 only, G2 takes B before A (B's priority is higher)
    groups = [AgentGroup("G1", ("A",), c1), AgentGroup("G2", ("A", "B"), c2, handle_factor={"A": factor})]
    routing = Routing(type_groups={"A": ("G1", "G2"), "B": ("G2",)}, group_types={"G2": ("B", "A")})
    sc = stationary([("A", lam_a * H, aht_a, 1, NONE), ("B", lam_b * H, aht_b, 0, NONE)], groups, hours=200,
                    routing=routing, answer_within_s=t_s)  # fmt: skip
    res = simulate_multiskill(sc, replications=8, seed=2024, warmup_s=H)
    for i, name in enumerate(("A", "B")):
        tot = res.for_type(name).totals
        lam = (lam_a, lam_b)[i]
        _within(tot.p_wait, th["p_wait"][i], max_half_width=0.01)
        _within(tot.sl_answered, th["sl"][i], max_half_width=0.01)
        _within(tot.queue_length, th["queue"][i], max_half_width=0.1 * th["queue"][i])
        _within(tot.asa_s, th["queue"][i] / lam, max_half_width=0.1 * th["queue"][i] / lam)
    for g, c in enumerate((c1, c2)):
        _within(res.group_totals.of(g).occupancy, th["busy"][g] / c, max_half_width=0.01)
    assert float(res.for_group("G1").totals.served.mean[1]) == 0.0  # G1 never serves B
    # a wrong model fails: G2 taking A before B, or A not overflowing to G2
    a_first = n_model(lam_a, lam_b, 1 / aht_a, 1 / (aht_a * factor), 1 / aht_b, c1, c2, t_s, b_first=False)
    _outside(res.for_type("B").totals.queue_length, a_first["queue"][1])
    _outside(res.for_type("A").totals.queue_length, a_first["queue"][0])
    _outside(res.for_type("A").totals.p_wait, float(erlang_c.wait_probability(lam_a * aht_a, c1)))


# ---- the fully flexible center is one queue ----------------------------------------------------------------
AHT_S = 60.0


def _flexible(per_h: float, patience: Distribution, hours: int):
    """Three types (half, 30 % and 20 % of ``per_h`` calls per hour), one handle time, two groups
    of 2 and 3 agents with every skill."""
    types = [(name, share * per_h, AHT_S, prio, patience) for name, share, prio in (("A", 0.5, 0), ("B", 0.3, 1),
                                                                                    ("C", 0.2, 2))]  # fmt: skip
    skills = ("A", "B", "C")
    groups = [AgentGroup("G1", skills, 2), AgentGroup("G2", skills, 3)]
    # FIFO across the types: their priorities (0, 1, 2) must not matter
    return stationary(types, groups, hours=hours, routing=Routing(call_choice="fifo"), answer_within_s=20.0)


def test_fully_flexible_center_with_patience_is_erlang_a_and_the_single_queue():
    sc = _flexible(240.0, Distribution.exponential(120.0), hours=160)
    res = simulate_multiskill(sc, replications=8, seed=2024, warmup_s=H)
    load, n, kw = 240.0 * AHT_S / H, 5, {"aht_s": AHT_S, "mean_patience_s": 120.0}
    theory = {
        "sl_offered": float(erlang_a.service_level(load, n, answer_within_s=20.0, **kw)),
        "sl_answered": float(erlang_a.service_level(load, n, answer_within_s=20.0, basis="answered", **kw)),
        "p_wait": float(erlang_a.wait_probability(load, n, **kw)),
        "abandon_fraction": float(erlang_a.abandon_probability(load, n, **kw)),
        "asa_s": float(erlang_a.average_speed_of_answer(load, n, **kw)),
    }
    for kpi, value in theory.items():
        hw = 0.01 if kpi != "asa_s" else 0.1 * value
        _within(getattr(res.overall_totals, kpi), value, max_half_width=hw)
        for name in sc.type_names:  # every type sees the same queue
            _within(getattr(res.for_type(name).totals, kpi), value, max_half_width=2.5 * hw)
    # the single-queue engine on the equivalent scenario, independent seeds: within the joint interval
    one = Scenario(F([240.0] * 80, AHT_S, interval_s=H), agents=n, patience=Distribution.exponential(120.0),
                   target=ServiceTarget(answer_within_s=20.0))  # fmt: skip
    single = simulate(one, replications=8, seed=99, warmup_s=H)
    for kpi in ("sl_offered", "sl_answered", "abandon_fraction", "asa_s"):
        a, b = getattr(res.overall_totals, kpi), getattr(single.totals, kpi)
        assert abs(float(a.mean) - float(b.mean)) <= 1.5 * float(np.hypot(a.half_width, b.half_width)), kpi


def test_fully_flexible_center_without_patience_is_erlang_c():
    sc = _flexible(180.0, NONE, hours=140)
    res = simulate_multiskill(sc, replications=8, seed=2024, warmup_s=H)
    load, n = 180.0 * AHT_S / H, 5
    sl = float(erlang_c.service_level(load, n, aht_s=AHT_S, answer_within_s=20.0))
    _within(res.overall_totals.sl_answered, sl, max_half_width=0.01)
    _within(res.overall_totals.p_wait, float(erlang_c.wait_probability(load, n)), max_half_width=0.01)
    _within(res.overall_totals.asa_s, float(erlang_c.average_speed_of_answer(load, n, aht_s=AHT_S)))
    # the lowest priority is not behind: FIFO across the types
    _within(res.for_type("C").totals.sl_answered, sl, max_half_width=0.02)


# ---- the policies, one by one ------------------------------------------------------------------------------
def test_rerouting_delay_holds_a_call_back_until_the_group_may_take_it():
    """A type whose first group has nobody and whose second may take it after 30 s: every call
    waits at least 30 s, and one that finds an agent of the second group idle then waits 30 s exactly."""
    groups = [AgentGroup("first", ("A",), 0), AgentGroup("later", ("A",), 4)]
    routing = Routing(delays_s={"A": {"later": 30.0}})
    sc = stationary([("A", 60.0, 60.0, 0, NONE)], groups, hours=20, routing=routing, answer_within_s=30.0)
    res = simulate_multiskill(sc, replications=2, seed=1, record_calls=True)
    log = res.calls[res.calls["outcome"] == int(Outcome.ANSWERED)]
    assert np.all(log["group"] == 1) and np.all(log["wait_s"] >= 30.0 - 1e-9)
    exactly = np.isclose(log["wait_s"], 30.0, rtol=0, atol=1e-9)
    # an agent of "later" is idle with probability 1 - P(wait) of M/M/4 with 1 Erlang (about 0.98)
    assert 0.95 < exactly.mean() < 1.0
    assert float(res.overall_totals.p_wait.mean) == 1.0  # nobody is answered at once
    assert 0.95 < float(res.overall_totals.sl_answered.mean) < 1.0  # answered within 30 s: at 30 s exactly


def test_agent_choice_spreads_or_concentrates_the_work():
    """Longest idle shares the calls evenly among a group's agents; fixed order loads the first agents."""
    groups = [AgentGroup("G", ("A",), 6)]
    shares = {}
    for choice in ("longest_idle", "fixed_order"):
        sc = stationary([("A", 60.0, 120.0, 0, NONE)], groups, hours=20, routing=Routing(agent_choice=choice))
        log = simulate_multiskill(sc, replications=1, seed=4, record_calls=True).calls
        talk = np.bincount(log["server"][log["server"] >= 0], log["service_s"][log["server"] >= 0], minlength=6)
        shares[choice] = talk / talk.sum()
    assert np.all(np.abs(shares["longest_idle"] - 1 / 6) < 0.02)
    assert np.all(np.diff(shares["fixed_order"]) < 0) and shares["fixed_order"][0] > 0.25
