"""The internal tier (`cxqueue.analytic._core`) gives what the public functions give, without validating.

* Every internal function equals its public function to the bit on random broadcast
  arrays; where a target is out of reach it returns -1 exactly where the public function
  raises `InfeasibleError`.
* The optimizers call the internal tier only: with the public functions' validation
  switched off (it raises), staffing requirements, lines and opening hours still run.
* The single-metric kernel (`queue_one`, the hot path of the searches) equals the
  all-metrics kernel (`queue_metrics`) at every closed form to the bit, and within 1e-11
  relative (1e-13 absolute) in the state-by-state sums (it sums in another order).
* With the JIT on, each kernel is compiled once whatever the caller passes (lists, ints,
  read-only arrays, numbers): one type per argument everywhere.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cxqueue import InfeasibleError, erlang_a, erlang_b, erlang_c, erlang_x
from cxqueue.analytic import _core as core
from cxqueue.analytic import _iv, _scalar
from cxqueue.analytic._kernels import GOAL_ASA, GOAL_SL, N_METRICS
from cxqueue.analytic._kernels import erlang_b as kb
from cxqueue.analytic._kernels import erlang_c as kc
from cxqueue.analytic._kernels import queue as kq
from cxqueue.analytic._kernels import search as ks
from tests.conftest import NO_JIT, needs_jit

INF = math.inf
RNG_SEED = 20240611


def same(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, want.dtype, got.shape, want.shape)
    assert got.tobytes() == want.tobytes(), (got, want)


@pytest.fixture(scope="module")
def points():
    rng = np.random.default_rng(RNG_SEED)
    n = 8 if NO_JIT else 200
    A = rng.uniform(0.0, 300.0, (n, 1))
    A[:3] = 0.0
    return dict(
        A=A,
        c=np.floor(A + rng.normal(0, 2, (n, 1)) * np.sqrt(A + 1)).clip(0) + rng.choice([0.0, 0.5], (n, 1)),
        aht=rng.uniform(30.0, 900.0, (1, 2)),  # broadcast to (n, 2)
        pat=np.array([[300.0, INF]]),
        t=rng.uniform(0.0, 60.0, (n, 1)),
        extra=rng.integers(0, 30, (n, 1)).astype(float),
        level=rng.uniform(0.1, 0.95, (n, 1)),
        rb=rng.uniform(0.0, 0.6, (n, 1)),
    )


def test_erlang_b_and_c(points):
    p = points
    same(core.erlang_b(p["A"], p["c"]), erlang_b.blocking_probability(p["A"], p["c"]))
    same(
        core.lines_for_blocking_b(p["A"], 0.02, p["rb"]),
        erlang_b.lines_for_blocking(p["A"], blocking=0.02, redial=p["rb"]),
    )
    same(core.load_for_blocking(p["c"], 0.05), erlang_b.load_for_blocking(p["c"], blocking=0.05))
    ext, pub = core.extended_b(p["A"], p["c"], p["rb"]), erlang_b.extended_blocking(p["A"], p["c"], redial=p["rb"])
    for name in pub.__dataclass_fields__:
        same(getattr(ext, name), getattr(pub, name))
    kw = dict(aht_s=p["aht"], answer_within_s=p["t"])
    same(core.erlang_c(core.C_SL, p["A"], p["c"], p["aht"], p["t"]), erlang_c.service_level(p["A"], p["c"], **kw))
    same(
        core.erlang_c(core.C_ASA, p["A"], p["c"], p["aht"]),
        erlang_c.average_speed_of_answer(p["A"], p["c"], aht_s=p["aht"]),
    )
    same(core.erlang_c(core.C_WAIT, p["A"], p["c"]), erlang_c.wait_probability(p["A"], p["c"]))
    same(core.erlang_c(core.C_OCC, p["A"], p["c"]), erlang_c.occupancy(p["A"], p["c"]))
    same(
        core.erlang_c_agents(GOAL_SL, p["A"], p["aht"], p["t"], p["level"], 0.85),
        erlang_c.agents_for_service_level(p["A"], level=p["level"], max_occupancy=0.85, **kw),
    )
    same(
        core.erlang_c_agents(GOAL_ASA, p["A"], p["aht"], 0.0, p["t"] + 1.0),
        erlang_c.agents_for_asa(p["A"], aht_s=p["aht"], max_asa_s=p["t"] + 1.0),
    )


def test_queues(points):
    p = points
    n = p["c"] + p["extra"]
    model = dict(aht_s=p["aht"], mean_patience_s=p["pat"])
    for what, name in [
        (core.BLOCK, "blocking_probability"),
        (core.WAIT, "wait_probability"),
        (core.ASA, "average_speed_of_answer"),
        (core.MEAN_WAIT, "mean_wait"),
        (core.OCC, "occupancy"),
    ]:
        same(
            core.queue_metric(what, p["A"], p["c"], n, p["aht"], p["pat"]),
            getattr(erlang_x, name)(p["A"], p["c"], n, **model),
        )
    for basis, code in core.SL.items():
        same(
            core.queue_metric(code, p["A"], p["c"], n, p["aht"], p["pat"], p["t"]),
            erlang_x.service_level(p["A"], p["c"], n, answer_within_s=p["t"], basis=basis, **model),
        )
    m = core.queue_metrics(p["A"], p["c"], n, p["aht"], p["pat"], p["t"], p["rb"], 0.2)
    pub = erlang_x.metrics(
        p["A"], p["c"], n, answer_within_s=p["t"], redial_blocked=p["rb"], redial_abandoned=0.2, **model
    )
    for name in pub.__dataclass_fields__:
        same(getattr(m, name), getattr(pub, name))


def test_inverses_mark_what_the_public_functions_raise(points):
    p = points
    few = np.ceil(p["A"] * 0.9) + 1.0  # too few lines for many of these targets
    model = dict(aht_s=p["aht"], mean_patience_s=p["pat"])
    for lines in (INF, few):
        goals = [(core.SL["answered"], p["level"]), (core.ASA, p["t"] + 1.0)]
        got = core.queue_agents(goals, p["A"], lines, p["aht"], p["pat"], 20.0, 0.9)
        sl = pub_or_marked(
            erlang_x.agents_for_service_level,
            p["A"],
            lines,
            answer_within_s=20.0,
            level=p["level"],
            basis="answered",
            max_occupancy=0.9,
            **model,
        )
        asa = pub_or_marked(erlang_x.agents_for_asa, p["A"], lines, max_asa_s=p["t"] + 1.0, **model)
        same(got, np.where((sl < 0) | (asa < 0), -1, np.maximum(sl, asa)))
        assert lines is INF or (got < 0).any()
    same(
        core.queue_lines(p["A"], p["c"], p["aht"], p["pat"], 0.01, p["rb"]),
        pub_or_marked(erlang_x.lines_for_blocking, p["A"], p["c"], blocking=0.01, redial_blocked=p["rb"], **model),
    )


def pub_or_marked(func, *args, **kwargs):
    """The public answer, element by element, with -1 where it raises InfeasibleError."""
    shape = np.broadcast_shapes(*(np.shape(x) for x in (*args, *kwargs.values())))
    out = np.empty(shape, dtype=np.int64)
    for idx in np.ndindex(shape):
        pick = [np.broadcast_to(x, shape)[idx] for x in args]
        kw = {k: np.broadcast_to(x, shape)[idx] for k, x in kwargs.items()}
        try:
            out[idx] = func(*pick, **kw)
        except InfeasibleError:
            out[idx] = -1
    return out


def test_the_optimizers_do_not_validate_again(monkeypatch):
    from cxqueue.optimize import evaluate_opening_hours, search_opening_hours, size_lines, staffing_requirements
    from cxqueue.scenario import Forecast, OpeningHours, ServiceTarget

    def fail(*args, **kwargs):
        raise AssertionError("an optimizer called a validating public analytic function")

    monkeypatch.setattr(_iv, "shape_of", fail)  # every array path of the public functions
    monkeypatch.setattr(_scalar, "floats", fail)  # every scalar path
    f = Forecast(calls=[0.0, 100.0, 200.0, 50.0], aht_s=[180.0, 200.0, 220.0, 240.0], interval_s=1800.0)
    target = ServiceTarget(
        level=0.8, answer_within_s=20, max_asa_s=15, max_abandon=0.05, max_occupancy=0.9, max_blocking=0.02
    )
    for model, kw in [("erlang_c", {}), ("erlang_a", {"mean_patience_s": 300.0}), ("erlang_x", {"lines": 30})]:
        r = staffing_requirements(
            f,
            target,
            model=model,
            mean_patience_s=kw.get("mean_patience_s", 300.0) if model != "erlang_c" else INF,
            lines=kw.get("lines"),
        )
        r.to_dict()  # the KPIs too
    size_lines(f, [0, 12, 24, 8], blocking=0.01, mean_patience_s=200.0, redial_blocked=0.3, per="day")
    lam = np.zeros(168)
    lam[[d * 24 + h for d in range(2) for h in range(8, 16)]] = 20.0
    hours = dict(aht_s=240.0, target=ServiceTarget(0.8, 20, max_abandon=0.05), mean_patience_s=300.0, lines=8)
    search_opening_hours(lam, must_close=range(2, 7), step_s=4 * 3600, min_open_s=4 * 3600, **hours)
    evaluate_opening_hours(lam, OpeningHours.daily(8 * 3600, 16 * 3600, days=range(2)), **hours)


# ------------------------------------------------------------------------------ kernels
def test_queue_one_equals_queue_metrics():
    rng = np.random.default_rng(RNG_SEED)
    m = np.empty(N_METRICS)
    codes = [core.BLOCK, core.WAIT, core.ABANDON, 3, *core.SL.values(), core.ASA, core.OCC]
    cases = [
        (0.0, 5.0, -1, 0.5, 0.2),
        (4.0, 0.0, 0, 0.5, 0.2),
        (4.0, 0.0, 3, 0.0, 0.2),
        (4.0, 0.0, -1, 0.0, 0.2),
        (4.0, 6.0, -1, 0.0, 0.3),
        (8.0, 6.0, -1, 0.0, 0.3),
        (4.0, 6.5, -1, 0.0, 0.3),
        (1e3, 1e5, -1, 0.2, 0.1),
    ]
    closed = len(cases)  # these are closed forms: equal to the bit
    for _ in range(40 if NO_JIT else 300):
        A = float(rng.uniform(0.01, 200.0))
        c = float(np.floor(A + rng.normal(0, 3) * math.sqrt(A))) if rng.random() < 0.8 else float(rng.uniform(0, 20))
        K = int(rng.choice([-1, rng.integers(0, 40)]))
        cases.append((A, max(c, 0.0), K, float(rng.choice([0.0, rng.uniform(0.05, 5.0)])), float(rng.uniform(0, 1))))
    for i, (A, c, K, th, tt) in enumerate(cases):
        if c <= 0.0 and K != 0 and th > 0.0:
            continue  # no agents with patience: the search sums it its own way (compared below at c > 0 only)
        kq.queue_metrics(A, c, K, th, tt, m, False)
        for what in codes:
            one = kq.queue_one(A, c, K, th, tt, what, 1e-17, -1.0, 0.0)
            if i < closed or (th == 0.0 and K < 0):
                assert one == m[what] or (math.isnan(one) and math.isnan(m[what])), (
                    A,
                    c,
                    K,
                    th,
                    tt,
                    what,
                    one,
                    m[what],
                )
            else:
                assert one == pytest.approx(m[what], rel=1e-11, abs=1e-13), (A, c, K, th, tt, what)


def test_searches_find_what_brute_force_finds():
    # the agents search with and without redials (two numba specializations) and the lines search
    A, th, tt = 30.0, 0.4, 0.1
    out = np.empty(1, dtype=np.int64)
    one = np.ones(1)
    for redial in (None, np.array([[0.3, 0.2]])):
        ks.agents_search_loop(
            30.0 * one,
            -one,
            th * one,
            tt * one,
            redial,
            core.SL["offered"],
            0.8 * one,
            False,
            0.0 * one,
            -one,
            1000.0 * one,
            out,
        )
        m = core.queue_metrics(
            A, np.arange(60.0), INF, 1.0, 1.0 / th, tt, 0.0 if redial is None else 0.3, 0.0 if redial is None else 0.2
        )
        ok = m.converged & (m.service_level_offered >= 0.8)
        assert out[0] == np.flatnonzero(ok)[0]
    ks.lines_search_loop(
        30.0 * one, 28.0 * one, th * one, 0.0 * one, 0.3 * one, 0.2 * one, 0.01 * one, 500.0 * one, out
    )
    m = core.queue_metrics(A, 28.0, np.arange(28.0, 200.0), 1.0, 1.0 / th, 0.0, 0.3, 0.2)
    assert out[0] == 28 + np.flatnonzero(m.converged & (m.blocking <= 0.01))[0]


@needs_jit
def test_each_kernel_compiles_once_whatever_the_callers_pass():
    ro = np.linspace(1.0, 50.0, 7)
    ro.setflags(write=False)
    for load, agents in [
        (ro, ro + 3),
        ([1, 2, 3], [4, 5, 6]),
        (10, 12),
        (np.float32(10.0), np.int64(12)),
        (ro[::2], 40),
    ]:
        erlang_b.blocking_probability(load, agents)
        erlang_b.lines_for_blocking(load, blocking=0.01)
        erlang_b.load_for_blocking(agents, blocking=0.01)
        erlang_c.service_level(load, agents, aht_s=180, answer_within_s=20)
        erlang_c.agents_for_service_level(load, aht_s=180, answer_within_s=20, level=0.8)
        erlang_a.service_level(load, agents, aht_s=180, mean_patience_s=300, answer_within_s=20)
        erlang_a.agents_for_service_level(load, aht_s=180, mean_patience_s=300, answer_within_s=20, level=0.8)
        erlang_a.agents_for_abandon_rate(load, aht_s=180, mean_patience_s=300, max_abandon=0.05)
        erlang_x.metrics(load, agents, np.inf, aht_s=180, mean_patience_s=300, redial_blocked=0.2)
        erlang_x.lines_for_blocking(load, agents, aht_s=180, blocking=0.01, mean_patience_s=300, redial_blocked=0.2)
    kernels = [
        kb.inv_b_cf,
        kb.inv_erlang_b,
        kb.inv_erlang_b_from,
        kb.blocking,
        kb.blocking_loop,
        kb.lines_for_blocking_loop,
        kc.metric,
        kc.metric_loop,
        kc.agents_for,
        kc.agents_for_loop,
        kq.queue_one,
        kq.queue_metrics,
        kq.queue_metric,
        kq.redial_metrics,
        kq.redial_metrics_loop,
        ks.lines_search,
        ks.lines_search_loop,
    ]
    for kernel in kernels:
        assert len(kernel.signatures) <= 1, (kernel.py_func.__name__, kernel.signatures)
    # the agents search: one copy without redials (redial=None) and one with them
    for kernel in (ks.agents_search, ks.agents_search_loop):
        assert len(kernel.signatures) <= 2, (kernel.py_func.__name__, kernel.signatures)
