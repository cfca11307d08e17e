"""The multi-skill fast engine: the model of ``engine.py``, compiled with numba (`_kernels.run`).

It consumes the same pre-sampled `SkillCallers` as the simpy engine and follows its event
order exactly, so for one seed both engines give the same call log, field by field, and
the same counters.

This module is the kernel's driver: it turns a scenario into flat arrays (the routing as
offsets into lists: the groups a new call tries at once per type, the re-routing delays per
type, the priority levels per group), coerced to the one `_kernels.SIGNATURE` so that
numba compiles one specialization; it allocates the state (the per-call columns and the
queues sized for every caller; the event heap small, doubled whenever the kernel returns
`_kernels.GROW_HEAP`) and turns the per-call columns into the log.
"""

from __future__ import annotations

import weakref

import numpy as np

from cxqueue.scenario import MultiSkillScenario, Outcome
from cxqueue.scenario.channels import DEFERRED, outbound_arrays, thresholds, transfer_arrays
from cxqueue.sim.arrivals import hours_windows
from cxqueue.sim.multiskill import _kernels as k
from cxqueue.sim.multiskill.callers import SkillCallers
from cxqueue.sim.multiskill.engine import pull_levels, staffing
from cxqueue.sim.multiskill.records import N_COUNTS, SkillRepOutput, skill_call_columns

__all__ = ["run_multiskill_fast"]

_OUTCOMES = np.array([int(o) for o in (Outcome.ANSWERED, Outcome.ABANDONED, Outcome.CLOSED, Outcome.BACKLOG,
                                        Outcome.TRANSFERRED)])  # fmt: skip
_CHANNEL = {"chat": k.CH_CHAT, "outbound": k.CH_OUTBOUND}  # the kernel's channel codes (voice, email: CH_VOICE)
_CAP = 256  # initial room of the event heap (it doubles when the kernel asks)
_CENTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # scenario -> `_center`


def _arr(a, dtype) -> np.ndarray:
    """``a`` as a C-contiguous, aligned, writable array of ``dtype`` (no copy if it is one)."""
    if type(a) is np.ndarray and a.dtype == dtype and a.flags.carray:
        return a
    return np.require(a, dtype, ("C", "A", "W"))


def _grown(a: np.ndarray) -> np.ndarray:
    """``a`` twice as long, its entries kept in place."""
    out = np.empty(2 * a.shape[0], a.dtype)
    out[: a.shape[0]] = a
    return out


def _ptr(lists) -> tuple[np.ndarray, np.ndarray]:
    """Nested lists as (offsets, flat values): list ``i`` is ``flat[ptr[i]:ptr[i + 1]]``."""
    ptr = np.zeros(len(lists) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(x) for x in lists])
    flat = [x for lst in lists for x in lst]
    return ptr, np.asarray(flat, dtype=np.int64).reshape(-1)


def _center(sc: MultiSkillScenario) -> tuple:
    """The kernel's arguments that depend on the scenario alone (computed once per scenario)."""
    got = _CENTERS.get(sc)
    if got is not None:
        return got
    tnames, gnames = sc.type_names, sc.group_names
    gi = {g: i for i, g in enumerate(gnames)}
    r = sc.resolved_routing
    first = [[gi[g] for g in r.type_groups[t] if r.delay_s(t, g) == 0] for t in tnames]
    later = [[(r.delay_s(t, g), gi[g]) for g in r.type_groups[t] if r.delay_s(t, g) > 0] for t in tnames]
    pull = pull_levels(sc)
    first_ptr, first_g = _ptr(first)
    later_ptr, later_g = _ptr([[g for _, g in lst] for lst in later])
    later_d = np.asarray([d for lst in later for d, _ in lst], dtype=np.float64).reshape(-1)
    glv_ptr = _ptr([range(len(levels)) for levels in pull])[0]
    levels = [level for levels in pull for level in levels]
    lv_ptr, lv_types = _ptr(levels)
    staff = _arr(staffing(sc), np.int64)
    delay = np.array([[r.delay_s(t, g) for t in tnames] for g in gnames], dtype=np.float64)
    got = (
        (
            _arr(sc.aht_s, np.float64),
            _arr(sc.handle_factors, np.float64),
            staff,
            delay,
            first_ptr,
            first_g,
            later_ptr,
            later_g,
            later_d,
            glv_ptr,
            lv_ptr,
            lv_types,
            np.array(thresholds(sc), dtype=np.float64),
            _arr(hours_windows(sc.hours, sc.start_s, sc.end_s).reshape(-1, 2), np.float64),
            float(sc.interval_s),
            float(sc.horizon_s),
            r.agent_choice == "fixed_order",
            r.agent_choice == "random_free",
            _arr(transfer_arrays(sc)[1], np.float64),
            _OUTCOMES,
            np.array([_CHANNEL.get(t.channel, k.CH_VOICE) for t in sc.types], dtype=np.int64),
            np.array([sc.chat.of(g.name) for g in sc.groups], dtype=np.int64),
            float(sc.chat.stretch),
            any(t.channel == "chat" for t in sc.types),
            np.array([t.channel in DEFERRED for t in sc.types], dtype=np.int64),
            np.where(outbound_arrays(sc)[0] >= 0, outbound_arrays(sc)[2], -1.0),  # -1: no check-ins
        ),
        max(1, int(staff.max(initial=0))),
        np.array([t.priority for t in sc.types], dtype=np.int64),
    )
    _CENTERS[sc] = got
    return got


def run_multiskill_fast(sc: MultiSkillScenario, callers: SkillCallers, *, record: bool = False) -> SkillRepOutput:
    """One replication of ``sc`` with the pre-sampled ``callers`` in the numba event loop.

    The same output as `cxqueue.sim.multiskill.engine.run_multiskill_simpy` on the same
    callers, bit for bit.

    Examples
    --------
    >>> from cxqueue.scenario import AgentGroup as G, CallType as T, MultiSkillScenario
    >>> from cxqueue.sim.multiskill.callers import sample_skill_callers
    >>> from cxqueue.sim.multiskill.engine import run_multiskill_simpy
    >>> sc = MultiSkillScenario([T("A", [90.0] * 3, aht_s=200.0), T("B", [40.0] * 3, aht_s=150.0)],
    ...                         [G("G1", ("A", "B"), 12), G("G2", "B", 4)])
    >>> callers = sample_skill_callers(sc, 5)
    >>> fast, ref = run_multiskill_fast(sc, callers, record=True), run_multiskill_simpy(sc, callers, record=True)
    >>> fast.calls.tobytes() == ref.calls.tobytes()  # the same log, bit for bit
    True
    """
    center, most, priority = _center(sc)
    arr = _arr(callers.arrival_s, np.float64)
    ctype = _arr(callers.call_type, np.int64)
    n, K, G, n_int = arr.shape[0], sc.n_types, sc.n_groups, sc.n_intervals
    CI = np.full((n, k.N_I), -1, dtype=np.int64)
    CF = np.full((n, k.N_F), np.nan)
    per_type = np.bincount(ctype, minlength=K)
    qh = np.zeros(K, dtype=np.int64)
    qh[1:] = np.cumsum(per_type)[:-1]
    cap = _CAP  # the boundaries, the next arrival, a departure per agent and the most one event adds
    conc = int(center[21].max(initial=1))  # center[21]: chats an agent holds at once, per group
    while cap < n_int + 2 * (3 + center[7].shape[0] + G * most * conc):  # center[7]: every re-routing
        cap *= 2
    ht, hs, hp = np.empty(cap), np.empty(cap, np.int64), np.empty(cap, np.int64)
    sti = np.zeros(k.N_X, np.int64)
    state = (CI, CF, np.empty(max(n, 1), np.int64), qh, qh.copy(), np.zeros(K, np.int64), np.zeros(K),
             np.zeros((G, k.N_G), np.int64), np.zeros(G), np.zeros((G, most), np.int64),
             np.zeros((G, most), np.int64), np.zeros((G, most), np.int64))  # fmt: skip
    counts, waiting_s = np.zeros((K, n_int, N_COUNTS)), np.zeros((K, n_int))
    group_s, served = np.zeros((G, n_int, 2)), np.zeros((G, K, n_int))
    backlog = np.zeros((K, 2), dtype=np.int64)
    handle, patience = _arr(callers.handle_unit, np.float64), _arr(callers.patience_s, np.float64)
    route, tu = _arr(callers.route_u, np.float64), _arr(callers.transfer_u, np.float64)
    legs = _arr(callers.next_leg, np.int64)
    outs, fixed_s = _arr(callers.next_out, np.int64), _arr(callers.fixed_s, np.float64)
    while k.run(arr, ctype, handle, patience, route, tu, legs, callers.n_first, outs, fixed_s, *center, sti, *state,
                ht, hs, hp, counts, waiting_s, group_s, served, backlog) == k.GROW_HEAP:  # fmt: skip
        ht, hs, hp = _grown(ht), _grown(hs), _grown(hp)
    calls = None
    if record:
        ended = CI[:, k.I_OUT] >= 0  # every call that arrived before the horizon
        rows = np.flatnonzero(ended)
        calls = skill_call_columns(
            rows,
            ctype[rows],
            CI[rows, k.I_GROUP],
            CI[rows, k.I_AGENT],
            CF[rows, k.F_ARR],
            CF[rows, k.F_ANS],
            CF[rows, k.F_END],
            CI[rows, k.I_OUT],
            CF[rows, k.F_WAIT],
            CI[rows, k.I_IVL],
            priority,
            clock_offset_s=sc.start_s,
            customer=callers.customer,
            attempt=callers.attempt,
        )
    return SkillRepOutput(
        counts=counts, waiting_s=waiting_s, group_s=group_s, served=served, backlog=backlog, calls=calls
    )
