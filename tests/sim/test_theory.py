"""Simulation against queueing theory (acceptance 1), seeded, in CI.

Oracles: the reference tables in ../shared/reference (Erlang C, Erlang A, M/M/c/K+M,
Erlang B) and independent formulas written here with numpy (the Erlang B recursion,
Erlang C from it, and a finite birth-death chain for lines and abandonment). Each
check requires the theory value to lie within 1.5 x the 95 % half-width of the
simulated mean (about a 99.7 % interval) and the half-width of every probability to be
<= 0.01, so a wrong model fails. The long runs use the fast engine; the simpy engine
runs a shorter M/M/c and M/G/c/c case (and the engines agree call by call elsewhere).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cxqueue.scenario import Distribution, Forecast, PriorityClasses, Scenario, ServiceTarget
from cxqueue.sim import simulate
from tests.conftest import needs_jit, reference_row


# ---- independent oracles -----------------------------------------------------------------
def erlang_b(load: float, servers: int) -> float:
    """Erlang B by the stable recursion B(0)=1, B(k) = A B(k-1) / (k + A B(k-1))."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(load: float, servers: int) -> float:
    """P(wait > 0) in M/M/c from Erlang B."""
    b = erlang_b(load, servers)
    return servers * b / (servers - load * (1 - b))


def birth_death(lam: float, mu: float, theta: float, c: int, k: int) -> np.ndarray:
    """Stationary distribution of M/M/c/K+M (K = lines), solved in log space with numpy."""
    n = np.arange(k + 1)
    death = np.minimum(n, c) * mu + np.maximum(n - c, 0) * theta
    logp = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(death[1:]))])
    p = np.exp(logp - logp.max())
    return p / p.sum()


def _within(est, theory: float, *, max_half_width: float | None = None, factor: float = 1.5):
    mean, hw = float(est.mean), float(est.half_width)
    if max_half_width is not None:
        assert hw <= max_half_width, f"interval too wide to test: +-{hw:.4f}"
    assert abs(mean - theory) <= factor * hw, f"simulated {mean:.5f} +- {hw:.5f}, theory {theory:.5f}"


def _stationary(calls_per_h, aht_s, agents, *, hours, reps, engine="fast", seed=2024, **kw):
    f = Forecast(calls=[calls_per_h] * hours, aht_s=aht_s, interval_s=3600.0)
    sc = Scenario(f, agents=agents, **kw)
    return simulate(sc, replications=reps, seed=seed, engine=engine, warmup_s=3600.0)


# ---- M/M/c against Erlang C ----------------------------------------------------------------
# (case, seconds per time unit of the row)
ERLANG_C_CASES = [("cch_A10_N14", 60.0), ("minN_50per30min_AHT300_0.8in20s_N12", 1.0),
                  ("minN_200per30min_AHT300_0.8in20s_N39", 1.0)]  # fmt: skip


@needs_jit
@pytest.mark.parametrize(("case", "unit_s"), ERLANG_C_CASES)
def test_mmc_matches_erlang_c(case, unit_s):
    r = reference_row("erlang_c.csv", case)
    aht_s, t_s, n = r["aht"] * unit_s, r["awt"] * unit_s, int(r["N"])
    calls_per_h = r["lam"] / unit_s * 3600.0
    # the table agrees with the independent formula
    assert erlang_c(r["A"], n) == pytest.approx(r["pw"], rel=1e-9)
    res = _stationary(calls_per_h, aht_s, n, hours=400, reps=12, target=ServiceTarget(answer_within_s=t_s))
    tot = res.totals
    _within(tot.sl_answered, r["sl"], max_half_width=0.01)
    _within(tot.sl_offered, r["sl"], max_half_width=0.01)
    _within(tot.sl_virtual, r["sl"], max_half_width=0.01)
    _within(tot.asa_s, r["asa"] * unit_s, max_half_width=0.15 * r["asa"] * unit_s + 0.5)
    _within(tot.occupancy, r["A"] / n, max_half_width=0.01)
    _within(tot.abandon_fraction, 0.0) if tot.abandon_fraction.half_width > 0 else None
    assert float(tot.abandoned.mean) == 0.0
    # a wrong model fails: one agent more is outside the interval
    sl_more = 1 - erlang_c(r["A"], n + 1) * math.exp(-(n + 1 - r["A"]) * t_s / aht_s)
    assert abs(float(tot.sl_answered.mean) - sl_more) > 1.5 * float(tot.sl_answered.half_width)
    # the 90th percentile of the wait: P(W > x) = C exp(-(n - A) x / AHT) (histogram: 1 s bins)
    c = erlang_c(r["A"], n)
    p90 = max(0.0, math.log(c / 0.1) * aht_s / (n - r["A"]))
    assert abs(float(tot.wait_p90_s.mean) - p90) <= 1.5 * float(tot.wait_p90_s.half_width) + 1.0


@needs_jit
def test_mmc_wait_probability_against_erlang_c():
    """With a 0 s threshold the service level is 1 - P(wait > 0)."""
    res = _stationary(400.0, 300.0, 39, hours=400, reps=12, target=ServiceTarget(answer_within_s=0.0))
    _within(res.totals.sl_answered, 1 - erlang_c(400 * 300 / 3600, 39), max_half_width=0.01)


def test_mmc_simpy_engine_against_erlang_c():
    """The reference engine on a smaller M/M/c run (A = 4, c = 6, AHT 60 s, 20 s threshold)."""
    load, n, aht_s, t_s = 4.0, 6, 60.0, 20.0
    res = _stationary(load / aht_s * 3600, aht_s, n, hours=100, reps=8, engine="simpy",
                      target=ServiceTarget(answer_within_s=t_s))  # fmt: skip
    c = erlang_c(load, n)
    sl = 1 - c * math.exp(-(n - load) * t_s / aht_s)
    _within(res.totals.sl_answered, sl, max_half_width=0.01)
    _within(res.totals.asa_s, c * aht_s / (n - load))
    _within(res.totals.occupancy, load / n, max_half_width=0.01)


# ---- M/M/c+M against Erlang A ----------------------------------------------------------------
ERLANG_A_CASES = ["cc_A10_AHT300_pat60_n10", "cc_A10_AHT300_pat600_n12", "cc_A50_AHT300_pat180_n50"]


@needs_jit
@pytest.mark.parametrize("case", ERLANG_A_CASES)
def test_mmc_m_matches_erlang_a(case):
    r = reference_row("erlang_a.csv", case)  # these rows are in seconds
    n = int(r["n"])
    res = _stationary(r["lam"] * 3600, 1 / r["mu"], n, hours=300, reps=12,
                      patience=Distribution.exponential(1 / r["theta"]),
                      target=ServiceTarget(answer_within_s=r["t"]))  # fmt: skip
    tot = res.totals
    _within(tot.abandon_fraction, r["pab"], max_half_width=0.01)
    _within(tot.sl_offered, r["sl_offered"], max_half_width=0.01)
    _within(tot.sl_answered, r["sl_answered"], max_half_width=0.01)
    _within(tot.sl_virtual, r["sl_virtual"], max_half_width=0.01)
    _within(tot.occupancy, r["occupancy"], max_half_width=0.01)
    _within(tot.asa_s, r["asa_served"])
    # a wrong model fails: patience 20 % longer gives an abandonment outside the interval
    p = birth_death(r["lam"], r["mu"], r["theta"] / 1.2, n, n + 400)
    pab_wrong = r["theta"] / 1.2 * float(p @ np.maximum(np.arange(p.size) - n, 0)) / r["lam"]
    assert abs(float(tot.abandon_fraction.mean) - pab_wrong) > 1.5 * float(tot.abandon_fraction.half_width)
    # independent: the birth-death chain with many lines gives the same abandonment
    p = birth_death(r["lam"], r["mu"], r["theta"], n, n + 400)
    pab = r["theta"] * float(p @ np.maximum(np.arange(p.size) - n, 0)) / r["lam"]
    assert pab == pytest.approx(r["pab"], rel=1e-6)


# ---- M/M/c/K+M against the finite-lines model ----------------------------------------------
MMCK_CASES = ["grid_A10_c10_K15_pat120", "grid_A10_c13_K18_pat600", "grid_A10_c10_K20_pat600"]


@needs_jit
@pytest.mark.parametrize("case", MMCK_CASES)
def test_mmck_m_matches_finite_lines_model(case):
    r = reference_row("mmck_erlangx.csv", case)  # seconds
    c, k = int(r["c"]), int(r["K"])
    res = _stationary(r["lam"] * 3600, 1 / r["mu"], c, hours=300, reps=12, lines=k,
                      patience=Distribution.exponential(1 / r["theta"]),
                      target=ServiceTarget(answer_within_s=r["t"]))  # fmt: skip
    tot = res.totals
    # independent oracle: the birth-death chain solved here
    p = birth_death(r["lam"], r["mu"], r["theta"], c, k)
    n = np.arange(k + 1)
    pblock = p[-1]
    pab_admitted = r["theta"] * float(p @ np.maximum(n - c, 0)) / (r["lam"] * (1 - pblock))
    occupancy = float(p @ np.minimum(n, c)) / c
    lines = float(p @ n)
    assert pblock == pytest.approx(r["pblock"], rel=1e-6)
    _within(tot.blocking_fraction, pblock, max_half_width=0.01)
    _within(tot.abandon_fraction, pab_admitted, max_half_width=0.01)
    _within(tot.occupancy, occupancy, max_half_width=0.01)
    _within(tot.lines_in_use, lines, max_half_width=0.1)
    _within(tot.sl_offered, r["sl_offered"], max_half_width=0.01)
    _within(tot.sl_answered, r["sl_answered"], max_half_width=0.01)


# ---- M/G/c/c with lognormal service against Erlang B (insensitivity) ------------------------
@pytest.mark.parametrize(
    ("engine", "load", "servers", "hours", "reps"),
    [pytest.param("fast", 25.0, 30, 300, 12, marks=needs_jit), ("simpy", 8.0, 10, 100, 6)],
)
def test_mgcc_lognormal_matches_erlang_b(engine, load, servers, hours, reps):
    aht_s = 180.0
    if load == 25.0:  # the published value (Mathematica's ErlangB[30, 25.]) agrees with the recursion
        assert erlang_b(load, servers) == pytest.approx(reference_row("erlang_b.csv", "mathematica_B30_25")["blocking"])
    res = _stationary(load / aht_s * 3600, aht_s, servers, hours=hours, reps=reps, engine=engine, lines=servers,
                      handle=Distribution.lognormal(1.0, cv=1.5))  # fmt: skip
    b = erlang_b(load, servers)
    tot = res.totals
    _within(tot.blocking_fraction, b, max_half_width=0.01)
    _within(tot.lines_in_use, load * (1 - b), max_half_width=0.3)
    _within(tot.occupancy, load * (1 - b) / servers, max_half_width=0.01)
    assert float(tot.asa_s.mean) == 0.0  # a line always comes with a free agent


# ---- priority classes against Cobham's formula -------------------------------------------
@needs_jit
def test_strict_priority_matches_cobham():
    """A head start longer than any wait is non-preemptive priority; in M/M/c with equal
    service rates the mean waits are W_k = C / (c mu (1 - s_{k-1}) (1 - s_k)) (Cobham),
    with C the Erlang C wait probability and s_k the load of classes 1..k over c."""
    load, n, aht_s, share_high = 9.0, 11, 120.0, 0.3
    res = simulate(
        Scenario(Forecast(calls=[load / aht_s * 3600] * 400, aht_s=aht_s, interval_s=3600.0), agents=n,
                 priority=PriorityClasses(shares=(1 - share_high, share_high), head_start_s=(0.0, 1e7))),
        replications=8, seed=5, engine="fast", warmup_s=3600.0, record_calls=True,
    )  # fmt: skip
    log = res.calls[(res.calls["interval"] >= 1) & (res.calls["outcome"] == 0)]
    c, cmu = erlang_c(load, n), n / aht_s
    s_high, s_all = share_high * load / n, load / n
    theory = {1: c / (cmu * (1 - s_high)), 0: c / (cmu * (1 - s_high) * (1 - s_all))}
    for cls, w in theory.items():
        per_rep = [log["wait_s"][(log["priority"] == cls) & (log["replication"] == r)].mean() for r in range(8)]
        mean, half = np.mean(per_rep), 2.365 * np.std(per_rep, ddof=1) / np.sqrt(8)
        assert abs(mean - w) <= 1.5 * half, (cls, mean, half, w)
        assert half < 0.15 * w  # FIFO would give both classes C / (c mu - lambda)
