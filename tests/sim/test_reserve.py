"""Reserve agents: against a Markov chain written here, conservation, and bad input.

Oracle: with Poisson arrivals, exponential handle times and patience, the center with
``c`` agents on duty and ``r`` reserve agents called in at ``k`` waiting callers is a
continuous-time Markov chain on (regular agents busy, reserve agents busy, callers
waiting). It is solved here with numpy (a sparse generator, truncated at 80 waiting
callers, far beyond where the queue's probability is negligible) for the share of callers answered at once and the share
who abandon. The same chain with the reserve "released first" (one pool of agents; a
neighbouring, wrong model) gives values outside the simulation's interval.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.linalg import spsolve

from cxqueue.exceptions import ConfigError
from cxqueue.scenario import Distribution, Forecast, Reserve, Scenario, ServiceTarget
from cxqueue.sim import Outcome, simulate
from cxqueue.sim.fast import reserve_staffing
from tests.conftest import needs_jit
from tests.sim import scenarios


def _solve(states: list, rates) -> np.ndarray:
    """Stationary distribution of the chain on ``states`` with ``rates(state) -> [(rate, next)]``:
    ``p G = 0`` with one balance equation replaced by ``sum(p) = 1`` (sparse LU)."""
    index = {s: i for i, s in enumerate(states)}
    n = len(states)
    rows, cols, vals = [], [], []
    for s in states:
        for rate, nxt in rates(s):
            if rate > 0 and nxt in index:  # beyond the truncation: dropped (negligible mass)
                i, j = index[s], index[nxt]
                rows += [j, i]
                cols += [i, i]
                vals += [rate, -rate]
    gt = sparse.coo_matrix((vals, (rows, cols)), shape=(n, n)).tolil()  # G transposed
    gt[0, :] = 1.0
    b = np.zeros(n)
    b[0] = 1.0
    return spsolve(gt.tocsc(), b)


def reserve_chain(lam, mu, theta, c, r, k, qmax=80):
    """(P(answered at once), P(abandon)) of the reserve model as the engines define it.

    State (b, v, q): regular busy, reserve busy, waiting. An arrival takes a free regular
    agent; else it waits, and a free reserve agent takes the head at once if q + 1 >= k.
    A regular agent who finishes takes the head if anyone waits; a reserve agent only if
    q >= k. Each waiting caller abandons at rate theta."""
    states = [(b, v, q) for b in range(c + 1) for v in range(r + 1) for q in range(qmax + 1)
              if (q == 0 or b == c) and (q < k or v == r)]  # fmt: skip

    def rates(s):
        b, v, q = s
        out = []
        if b < c:
            out.append((lam, (b + 1, v, q)))
        elif v < r and q + 1 >= k:
            out.append((lam, (b, v + 1, q)))
        else:
            out.append((lam, (b, v, q + 1)))
        out.append((b * mu, (b, v, q - 1) if q > 0 else (b - 1, v, q)))
        out.append((v * mu, (b, v, q - 1) if q >= k else (b, v - 1, q)))
        out.append((q * theta, (b, v, q - 1)))
        return out

    p = _solve(states, rates)
    # answered at once: a regular agent is free, or the caller is the head (nobody waits)
    # and a reserve agent is called in by it alone (k = 1)
    at_once = sum(pi for (b, v, q), pi in zip(states, p, strict=True) if b < c or (v < r and q == 0 and k <= 1))
    abandon = sum(pi * q * theta for (b, v, q), pi in zip(states, p, strict=True)) / lam
    return at_once, abandon


def pooled_chain(lam, mu, theta, c, r, k, qmax=80):
    """The wrong neighbour: one pool of c + r agents, the reserve part used only while
    >= k wait, released first (a finishing agent takes the head only if the busy agents
    left number < c or >= k wait)."""
    states = [(t, q) for t in range(c + r + 1) for q in range(qmax + 1)]

    def rates(s):
        t, q = s
        if t < c or (t < c + r and q + 1 >= k):
            arrive = (t + 1, q)
        else:
            arrive = (t, q + 1)
        take = q > 0 and (t - 1 < c or q >= k)
        return [(lam, arrive), (t * mu, (t, q - 1) if take else (t - 1, q)), (q * theta, (t, q - 1))]

    p = _solve(states, rates)
    at_once = sum(pi for (t, q), pi in zip(states, p, strict=True) if t < c or (t < c + r and q == 0 and k <= 1))
    abandon = sum(pi * q * theta for (t, q), pi in zip(states, p, strict=True)) / lam
    return at_once, abandon


def test_chain_without_reserve_is_erlang_a():
    """r = 0 (and k irrelevant): the chain is M/M/c+M; check it against the birth-death formula."""
    lam, mu, theta, c = 1.0 / 20, 1.0 / 180, 1.0 / 150, 9
    at_once, abandon = reserve_chain(lam, mu, theta, c, 0, 1)
    n = np.arange(400)
    death = np.minimum(n, c) * mu + np.maximum(n - c, 0) * theta
    logp = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(death[1:]))])
    p = np.exp(logp - logp.max())
    p /= p.sum()
    assert at_once == pytest.approx(p[:c].sum(), rel=1e-9)
    assert abandon == pytest.approx(float((p * np.maximum(n - c, 0)).sum()) * theta / lam, rel=1e-9)


@needs_jit
@pytest.mark.parametrize("r, k", [(2, 3), (1, 1), (3, 5)])
def test_reserve_matches_its_markov_chain(r, k):
    lam, mu, theta, c = 1.0 / 17, 1.0 / 180, 1.0 / 120, 10  # 10.6 Erlangs on 10 agents
    at_once, abandon = reserve_chain(lam, mu, theta, c, r, k)
    wrong = pooled_chain(lam, mu, theta, c, r, k)
    hours = 120
    f = Forecast(calls=[3600 * lam] * hours, aht_s=180.0, interval_s=3600.0)
    sc = Scenario(f, agents=c, patience=Distribution.exponential(120.0), reserve=Reserve(r, k),
                  target=ServiceTarget(answer_within_s=0.0))  # fmt: skip
    res = simulate(sc, replications=20, seed=77, warmup_s=3600.0, engine="fast")
    sl, ab = res.totals.sl_offered, res.totals.abandon_fraction
    assert float(sl.half_width) < 0.006 and float(ab.half_width) < 0.004
    assert abs(float(sl.mean) - at_once) <= 1.5 * float(sl.half_width), (float(sl.mean), at_once)
    assert abs(float(ab.mean) - abandon) <= 1.5 * float(ab.half_width), (float(ab.mean), abandon)
    # the reserve matters here, and the pooled ("released first") model is told apart
    no_reserve = reserve_chain(lam, mu, theta, c, 0, 1)
    assert at_once - no_reserve[0] > 5 * float(sl.half_width)
    if k > 1:  # with k = 1 the two models coincide
        assert max(abs(float(sl.mean) - wrong[0]) / float(sl.half_width),
                   abs(float(ab.mean) - wrong[1]) / float(ab.half_width)) > 3  # fmt: skip


@pytest.mark.parametrize("engine", ["fast", "simpy"])
def test_no_reserve_and_unreachable_threshold_change_nothing(engine):
    base = scenarios.reserve_center(reserve=None)
    ref = simulate(base, replications=2, seed=5, engine=engine, record_calls=True)
    for reserve in (Reserve(0, 1), Reserve(3, 10_000)):
        got = simulate(base.replace(reserve=reserve), replications=2, seed=5, engine=engine, record_calls=True)
        np.testing.assert_array_equal(got.calls["wait_s"], ref.calls["wait_s"])
        np.testing.assert_array_equal(got.calls["outcome"], ref.calls["outcome"])


def _in_talk_at_answers(talk):
    """Calls in talk at each answer instant (the answered one included)."""
    a, e = talk["answer_s"], talk["end_s"]
    return np.array([int(np.sum((a <= t) & (e > t))) for t in a])


@pytest.mark.parametrize("engine", ["fast", "simpy"])
def test_reserve_adds_at_most_its_agents(engine):
    """Agents on duty constant (10): calls in talk never exceed 10 plus the reserve agents
    of the intervals a call can span, and the reserve does answer calls."""
    sc = scenarios.reserve_center(agents=np.full(24, 10.0), lines=None)
    res = simulate(sc, replications=2, seed=3, engine=engine, record_calls=True)
    f = sc.forecast
    reserve, _ = reserve_staffing(sc)
    over = 0
    for rep in range(2):
        log = res.calls[res.calls["replication"] == rep]
        talk = log[log["outcome"] == int(Outcome.ANSWERED)]
        level = _in_talk_at_answers(talk)
        longest = float(np.max(talk["end_s"] - talk["answer_s"]))
        lo = np.floor((talk["answer_s"] - longest - f.start_s) / f.interval_s).astype(int).clip(0, f.n_intervals - 1)
        hi = np.floor((talk["answer_s"] - f.start_s) / f.interval_s).astype(int).clip(0, f.n_intervals - 1)
        bound = 10 + np.array([reserve[i : j + 1].max() for i, j in zip(lo, hi, strict=True)])
        assert np.all(level <= bound)
        over += int(np.sum(level > 10))
    assert over > 50  # the reserve did answer calls


@pytest.mark.parametrize("engine", ["fast", "simpy"])
def test_reserve_alone_answers_only_while_k_wait(engine):
    """No agents on duty, 2 reserve agents called in at 3 waiting: every answer happens
    while at least 3 callers wait (the answered one included), at most 2 calls are in
    talk, and with infinite patience callers wait until two more have come."""
    f = Forecast(calls=[40.0] * 4, aht_s=120.0, interval_s=1800.0)
    sc = Scenario(f, agents=0, reserve=Reserve(2, 3))
    res = simulate(sc, replications=2, seed=9, engine=engine, record_calls=True)
    log = res.calls
    for rep in range(2):
        r = log[log["replication"] == rep]
        talk = r[r["outcome"] == int(Outcome.ANSWERED)]
        q_in = r["arrival_s"]
        q_out = np.where(np.isfinite(r["wait_s"]), r["arrival_s"] + r["wait_s"], np.inf)
        assert talk.size > 20
        for t in talk["answer_s"]:
            waiting = int(np.sum((q_in <= t) & (q_out >= t)))
            assert waiting >= 3, (t, waiting)
        assert _in_talk_at_answers(talk).max() <= 2
        assert np.all(talk["wait_s"] > 0)


def test_reserve_errors():
    f = Forecast(calls=[10.0, 10.0], aht_s=60.0, interval_s=600.0)
    cases = [
        (lambda: Reserve(-1, 2), "reserve.agents must be >= 0"),
        (lambda: Reserve(1, 0), "reserve.queue_threshold must be >= 1; got 0"),
        (lambda: Reserve(1, 2.5), "reserve.queue_threshold must be an integer; got 2.5"),
        (lambda: Scenario(f, agents=1, reserve=Reserve([1, 2, 3], 2)),
         "reserve.agents must be one number or one value per interval (2); got shape (3,)"),
        (lambda: Scenario(f, agents=1, reserve=3), "reserve must be a Reserve or None; got int"),
    ]  # fmt: skip
    for make, msg in cases:
        with pytest.raises(ConfigError, match=re.escape(msg)):
            make()
