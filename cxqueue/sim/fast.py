"""The fast engine: the same model as ``engine.py``, compiled with numba (`_kernels.step`).

It consumes the same pre-sampled `Callers` as the simpy engine, so for one seed both
engines see identical callers; every feature of the reference engine is here.

This module is the kernel's driver: it turns a scenario and its callers into the
kernel's arguments, coerced to the one `_kernels.SIGNATURE` (so that numba compiles one
specialization, whatever dtypes, layouts or read-only flags the caller's arrays have),
allocates the kernel's state and grows it with numpy when the kernel asks, and widens the
callers' attempt tables (`Callers.widened`) when a redial needs a column not drawn yet.
"""

from __future__ import annotations

import weakref

import numpy as np

from cxqueue.scenario import Scenario
from cxqueue.sim import _kernels as k
from cxqueue.sim import warmup
from cxqueue.sim.arrivals import Callers, open_windows
from cxqueue.sim.records import N_COUNTS, WAIT_EDGES_S, RepOutput, call_log

__all__ = ["reserve_staffing", "run_fast", "staffing"]

_CAP = 256  # initial rows of the slot tables, the heap and the queues (powers of two)
_EDGES = np.array(WAIT_EDGES_S)  # a writable copy: the kernel's one signature takes writable arrays
_CENTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # scenario -> `_center`


def staffing(scenario: Scenario) -> np.ndarray:
    """Agents on duty per interval as integers (``scenario.agents`` rounded to nearest).

    >>> from cxqueue.scenario import Forecast, Scenario
    >>> staffing(Scenario(Forecast([1.0, 1.0], 60.0), agents=[2.4, 2.6])).tolist()
    [2, 3]
    """
    return np.rint(scenario.agents).astype(np.int64)


def reserve_staffing(scenario: Scenario) -> tuple[np.ndarray, int]:
    """Reserve agents per interval as integers (rounded to nearest; zeros without a reserve)
    and the number of waiting callers that calls them in.

    >>> from cxqueue.scenario import Forecast, Reserve, Scenario
    >>> s = Scenario(Forecast([1.0, 1.0], 60.0), agents=2, reserve=Reserve(agents=[0.6, 2.0], queue_threshold=3))
    >>> a, k = reserve_staffing(s)
    >>> a.tolist(), k
    ([1, 2], 3)
    """
    n = scenario.forecast.n_intervals
    r = scenario.reserve
    if r is None:
        return np.zeros(n, dtype=np.int64), 1
    a = np.broadcast_to(np.rint(r.agents), (n,)).astype(np.int64)
    return np.ascontiguousarray(a), int(r.queue_threshold)


def _arr(a, dtype) -> np.ndarray:
    """``a`` as a C-contiguous, aligned, writable array of ``dtype`` (no copy if it is one).

    The check comes first: np.require alone costs microseconds per array, and a short
    replication passes seventeen of them.
    """
    if type(a) is np.ndarray and a.dtype == dtype and a.flags.carray:
        return a
    return np.require(a, dtype, ("C", "A", "W"))


def _grown(a: np.ndarray, rows: int) -> np.ndarray:
    """``a`` with at least ``rows`` rows (doubling), the new rows zero."""
    n = a.shape[0]
    while n < rows:
        n *= 2
    out = np.zeros((n, *a.shape[1:]), a.dtype)
    out[: a.shape[0]] = a
    return out


def _center(scenario: Scenario) -> tuple:
    """The kernel's arguments that depend on the scenario alone, coerced to `SIGNATURE`:
    computed once per scenario (every replication of `simulate` shares them; a short
    replication would otherwise spend a third of its time here). A scenario's arrays are
    read-only and the kernel only reads these."""
    got = _CENTERS.get(scenario)
    if got is not None:
        return got
    red, cb, f = scenario.redials, scenario.callbacks, scenario.forecast
    agents = _arr(staffing(scenario), np.int64)
    reserve, reserve_k = reserve_staffing(scenario)
    reserve = _arr(reserve, np.int64)
    got = (
        _arr(scenario.priority.head_start_s, np.float64),
        (cb is not None, float(red.blocked), float(red.abandoned), float(red.closed)),
        (
            float(scenario.ivr.self_service),
            float(cb.threshold_s) if cb is not None else 0.0,
            float(cb.accept) if cb is not None else 0.0,
            float(cb.reach) if cb is not None else 0.0,
        ),
        (
            _arr(f.aht_s, np.float64),
            agents,
            reserve,
            int(reserve_k),
            float(f.interval_s),
            -1 if scenario.lines is None else int(scenario.lines),
            _arr(open_windows(scenario).reshape(-1, 2), np.float64),
            float(scenario.target.answer_within_s),
        ),
        int(agents.max(initial=0) + reserve.max(initial=0)),
    )
    _CENTERS[scenario] = got
    return got


def _kernel(scenario: Scenario, callers: Callers, record: bool):
    """Allocate the state, run `_kernels.step` until it returns DONE (growing what it asks
    for), and return counts, time integrals, wait histogram, backlog, the log and the
    attempt columns the callers' tables ended with."""
    head_start, flags_a, flags_b, center, max_agents = _center(scenario)
    cap_heap = _CAP  # room for a departure of every agent and a few more events
    while cap_heap < max_agents + 3:
        cap_heap *= 2
    arr_t, cls_of = _arr(callers.arrival_s, np.float64), _arr(callers.cls, np.int64)
    tables = [_arr(t, np.float64) for t in callers.tables()]
    flags = (bool(callers.uses["patience_s"]), bool(callers.uses["ivr_s"]), *flags_a, int(callers.attempts), *flags_b)
    agents, reserve = center[1], center[2]
    n_int, n_cls = agents.shape[0], head_start.shape[0]
    SI, SF = np.zeros((_CAP, k.N_I), np.int64), np.zeros((_CAP, k.N_F))
    free = np.arange(_CAP - 1, -1, -1, dtype=np.int64)
    ht, hs, hp = np.empty(cap_heap), np.empty(cap_heap, np.int64), np.empty(cap_heap, np.int64)
    Q, qh, qs = np.empty((n_cls, _CAP), np.int64), np.zeros(n_cls, np.int64), np.zeros(n_cls, np.int64)
    lcap = arr_t.shape[0] + 16 if record else 1
    LI, LF = np.zeros((lcap, k.N_L), np.int64), np.zeros((lcap, k.N_LF))
    counts, tsum = np.zeros((n_int, N_COUNTS)), np.zeros((n_int, 3))
    hist, backlog = np.zeros((n_int, _EDGES.shape[0]), np.int64), np.zeros(5, np.int64)
    stf, sti = np.zeros(k.N_S), np.zeros(k.N_X, np.int64)
    sti[k.X_ON_DUTY], sti[k.X_ON_RES], sti[k.X_BI], sti[k.X_NFREE] = agents[0], reserve[0], 1, _CAP
    warmup.wait()  # a compile started ahead in a child process: load its cache entry
    while True:
        code = k.step(
            stf, sti, SI, SF, free, ht, hs, hp, Q, qh, qs, LI, LF, counts, tsum, hist, backlog,
            arr_t, cls_of, head_start, *tables, *flags, *center, _EDGES, record, max_agents,
        )  # fmt: skip
        if code == k.DONE:
            return counts, tsum, hist, backlog, LI[: sti[k.X_LN]], LF[: sti[k.X_LN]], callers.columns
        if code == k.GROW_COLUMNS:  # the next event is a redial beyond the columns drawn: the next block(s)
            callers = callers.widened(int(sti[k.X_NEED]))
            tables = [_arr(t, np.float64) for t in callers.tables()]
        elif code == k.GROW_SLOTS:  # the free list keeps its slots and gains the new ones on top
            old, nfree = SI.shape[0], sti[k.X_NFREE]
            SI, SF = _grown(SI, 2 * old), _grown(SF, 2 * old)
            grown = np.empty(2 * old, np.int64)
            grown[:nfree] = free[:nfree]
            grown[nfree : nfree + old] = np.arange(2 * old - 1, old - 1, -1)
            free = grown
            sti[k.X_NFREE] = nfree + old
        elif code == k.GROW_HEAP:
            rows = sti[k.X_HN] + 3 + max_agents
            ht, hs, hp = _grown(ht, rows), _grown(hs, rows), _grown(hp, rows)
        elif code == k.GROW_QUEUES:  # every ring buffer doubles, unrolled so that it starts at 0
            cap = Q.shape[1]
            nq = np.empty((n_cls, 2 * cap), np.int64)
            for j in range(n_cls):
                nq[j, : qs[j]] = Q[j, (qh[j] + np.arange(qs[j])) & (cap - 1)]
            Q, qh[:] = nq, 0
        else:  # room for one event's rows and the waiting callers; at the horizon for every slot
            rows = sti[k.X_LN] + (SI.shape[0] if sti[k.X_DONE] else 4 + sti[k.X_QTOT])
            LI, LF = _grown(LI, rows), _grown(LF, rows)


def run_fast(scenario: Scenario, callers: Callers, *, record: bool = False) -> RepOutput:
    """One replication of ``scenario`` with ``callers`` in the numba event loop.

    Examples
    --------
    >>> from cxqueue.scenario import Forecast, Scenario
    >>> from cxqueue.sim.arrivals import sample_callers
    >>> s = Scenario(Forecast(calls=[100.0] * 4, aht_s=180.0, interval_s=900.0), agents=30)
    >>> out = run_fast(s, sample_callers(s, 3), record=True)
    >>> bool(out.counts[:, 5].sum() == out.calls.size)  # all answered: plenty of agents
    True
    """
    counts, tsum, hist, backlog, LI, LF, columns = _kernel(scenario, callers, bool(record))
    calls = None
    if record:
        calls = call_log(
            LI[:, k.L_CUST],
            LI[:, k.L_ATT] + 1,
            LI[:, k.L_CLS],
            LF[:, k.LF_ARR],
            LF[:, k.LF_ANS],
            LF[:, k.LF_END],
            LI[:, k.L_OUT],
            LF[:, k.LF_WAIT],
            LI[:, k.L_IVL],
            clock_offset_s=scenario.forecast.start_s,
        )
    return RepOutput(counts=counts, time_s=tsum, wait_hist=hist, backlog=backlog, calls=calls, attempt_columns=columns)
