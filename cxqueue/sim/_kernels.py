"""The numba event loop of the fast engine (all numba code of cxqueue.sim lives here).

One replication per call of `run`, no Python per event. State:

- call slots (``SI`` int columns, ``SF`` float columns) with a free-list stack; a slot
  holds one attempt from its arrival until it leaves (and an abandoned caller's "ghost"
  until it would have reached an agent, which gives its virtual wait);
- one binary min-heap of timed events keyed by (time, insertion number): departures,
  abandonments, IVR ends and redial arrivals; an abandonment entry of a caller who was
  answered first is stale and skipped when popped (its token no longer matches);
- one FIFO ring buffer of waiting slots per priority class; the dispatcher takes the
  head with the smallest (queue entry time - head start, queue number);
- the first attempts come from the sorted pre-sampled arrival array; interval
  boundaries (staffing changes) are the third event source.

`run` allocates and grows the arrays; `_loop` processes events and never rebinds an
array (numba reference-counts a rebound array at every use, which tripled the cost per
call); when an array may run out of room `_loop` saves its scalars and returns, `run`
doubles the array and calls it again.

Ties at one instant: interval boundary first, then heap events by insertion order,
then first arrivals. The semantics are those of ``engine.py`` (the simpy reference),
line by line; read that file for the model.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from cxqueue.sim.records import (
    B_CALLBACK,
    B_IVR,
    B_QUEUE,
    B_REDIAL,
    B_SERVICE,
    C_ABANDONED,
    C_ANSWERED,
    C_BACKLOG,
    C_BLOCKED,
    C_CALLBACKS,
    C_CB_FAILED,
    C_CB_REACHED,
    C_CLOSED,
    C_HITS,
    C_IVR,
    C_OFFERED,
    C_VHITS,
    C_VOBS,
    C_WAIT_SUM,
    N_COUNTS,
    O_ABANDONED,
    O_ANSWERED,
    O_BACKLOG,
    O_BLOCKED,
    O_CALLBACK,
    O_CALLBACK_FAILED,
    O_CLOSED,
    O_IVR,
    T_BUSY,
    T_LINES,
    T_PRESENT,
)

_JIT = {"cache": True, "error_model": "numpy", "nogil": True}

# slot states
S_FREE, S_PENDING, S_IVR, S_WAIT, S_GHOST, S_VIRTUAL, S_SERVICE = range(7)
# slot int columns: customer, attempt, class, interval of arrival, state, holds a line,
# queue number, abandonment token, is a callback, served by a reserve agent
I_CUST, I_ATT, I_CLS, I_IVL, I_STATE, I_LINE, I_QSEQ, I_TOK, I_CB, I_RES = range(10)
N_I = 10
# slot float columns: arrival, queue entry, answer, end of service
F_ARR, F_Q, F_ANS, F_END = range(4)
# heap event kinds (payload = slot * 4 + kind)
K_DEPART, K_ABANDON, K_IVR, K_REDIAL = range(4)
# log columns
L_CUST, L_ATT, L_CLS, L_OUT, L_IVL = range(5)
LF_ARR, LF_ANS, LF_END, LF_WAIT = range(4)


@njit(**_JIT)
def _grow_i2(a):
    b = np.zeros((a.shape[0] * 2, a.shape[1]), np.int64)
    b[: a.shape[0]] = a
    return b


@njit(**_JIT)
def _grow_f2(a):
    b = np.zeros((a.shape[0] * 2, a.shape[1]), np.float64)
    b[: a.shape[0]] = a
    return b


@njit(**_JIT)
def _grow_slots(SI, SF, free, nfree):
    """Double the slot tables; the free-list keeps its slots and gains the new ones."""
    old = SI.shape[0]
    nf = np.empty(2 * old, np.int64)
    nf[:nfree] = free[:nfree]
    for j in range(old):
        nf[nfree + j] = 2 * old - 1 - j
    return _grow_i2(SI), _grow_f2(SF), nf, nfree + old


@njit(**_JIT)
def _grow_heap(ht, hs, hp):
    hn = ht.shape[0]
    nt = np.empty(2 * hn, np.float64)
    ns = np.empty(2 * hn, np.int64)
    npl = np.empty(2 * hn, np.int64)
    nt[:hn] = ht
    ns[:hn] = hs
    npl[:hn] = hp
    return nt, ns, npl


@njit(**_JIT)
def _push(ht, hs, hp, hn, t, seq, payload):
    """Push (t, seq, payload) on the min-heap ordered by (t, seq); the caller ensures room."""
    i = hn
    while i > 0:
        p = (i - 1) >> 1
        if ht[p] < t or (ht[p] == t and hs[p] < seq):
            break
        ht[i] = ht[p]
        hs[i] = hs[p]
        hp[i] = hp[p]
        i = p
    ht[i] = t
    hs[i] = seq
    hp[i] = payload
    return hn + 1


@njit(**_JIT)
def _pop(ht, hs, hp, hn):
    """Remove the root of the heap (read it first); returns the new size."""
    hn -= 1
    t = ht[hn]
    s = hs[hn]
    p = hp[hn]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= hn:
            break
        r = c + 1
        if r < hn and (ht[r] < ht[c] or (ht[r] == ht[c] and hs[r] < hs[c])):
            c = r
        if ht[c] < t or (ht[c] == t and hs[c] < s):
            ht[i] = ht[c]
            hs[i] = hs[c]
            hp[i] = hp[c]
            i = c
        else:
            break
    ht[i] = t
    hs[i] = s
    hp[i] = p
    return hn


@njit(**_JIT)
def _grow_queues(Q, qh, qs):
    """Double every ring buffer, unrolled so that each starts at 0."""
    cap = Q.shape[1]
    nq = np.empty((Q.shape[0], 2 * cap), np.int64)
    for j in range(Q.shape[0]):
        for m in range(qs[j]):
            nq[j, m] = Q[j, (qh[j] + m) & (cap - 1)]
        qh[j] = 0
    return nq


@njit(**_JIT)
def _log(LI, LF, ln, SI, s, outcome, t_ans, t_end, wait):
    """Write one row of the call log at ``ln`` (the caller ensures room)."""
    LI[ln, L_CUST] = SI[s, I_CUST]
    LI[ln, L_ATT] = SI[s, I_ATT]
    LI[ln, L_CLS] = SI[s, I_CLS]
    LI[ln, L_OUT] = outcome
    LI[ln, L_IVL] = SI[s, I_IVL]
    LF[ln, LF_ANS] = t_ans
    LF[ln, LF_END] = t_end
    LF[ln, LF_WAIT] = wait
    return ln + 1


# scalar state that survives the returns of `_loop` (floats, then ints)
S_NOW, S_LAST, S_ACC_BUSY, S_ACC_LINES, S_ACC_PRESENT = range(5)
(X_CI, X_ON_DUTY, X_BUSY, X_LUSED, X_ALIVE, X_VIRTUAL, X_BI, X_AI, X_WP, X_NFREE, X_HN, X_SEQ, X_QTOT, X_QSEQ,
 X_LN, X_RBUSY, X_ON_RES) = range(17)  # fmt: skip
# why `_loop` returned
DONE, GROW_SLOTS, GROW_HEAP, GROW_QUEUES, GROW_LOG = range(5)


@njit(**_JIT)
def _loop(
    stf, sti, SI, SF, free, ht, hs, hp, Q, qh, qs, LI, LF, counts, tsum, hist, max_agents,
    arr_t, cls_of, head_start,
    handle_u, patience, ivr_t, ivr_u, redial_u, d_blocked, d_abandoned, d_closed, cb_acc_u, cb_reach_u,
    use_pat, use_ivr, use_cb, p_blocked, p_abandoned, p_closed, max_att, ivr_self, cb_threshold, cb_accept,
    cb_reach, aht, agents, reserve, reserve_k, interval_s, lines, windows, sl_t, edges, record,
):  # fmt: skip
    """Run events until the horizon (returns DONE) or until an array may run out of room
    (returns GROW_*; `run` grows it and calls again). Arrays are never rebound in here:
    a rebound array is reference-counted by numba at every use, which costs more than
    the simulation itself."""
    n = arr_t.shape[0]
    n_int = aht.shape[0]
    n_cls = head_start.shape[0]
    multi = n_cls > 1
    nwin = windows.shape[0]
    inf = math.inf
    nan = math.nan
    now, last = stf[S_NOW], stf[S_LAST]
    acc_busy, acc_lines, acc_present = stf[S_ACC_BUSY], stf[S_ACC_LINES], stf[S_ACC_PRESENT]
    ci, on_duty, busy, lused = sti[X_CI], sti[X_ON_DUTY], sti[X_BUSY], sti[X_LUSED]
    rbusy, on_res = sti[X_RBUSY], sti[X_ON_RES]
    n_alive, n_virtual, bi, ai, wp = sti[X_ALIVE], sti[X_VIRTUAL], sti[X_BI], sti[X_AI], sti[X_WP]
    nfree, hn, seq, qtot, qseq, ln = sti[X_NFREE], sti[X_HN], sti[X_SEQ], sti[X_QTOT], sti[X_QSEQ], sti[X_LN]
    code = DONE
    while True:
        # room for what one event can add (a few slots, heap entries, log rows) or return to grow
        if nfree < 2:
            code = GROW_SLOTS
            break
        if hn + 3 + max_agents > ht.shape[0]:
            code = GROW_HEAP
            break
        full = False
        for j in range(n_cls):
            if qs[j] >= Q.shape[1]:
                full = True
        if full:
            code = GROW_QUEUES
            break
        if record and ln + 4 + qtot > LI.shape[0]:
            code = GROW_LOG
            break
        t_b = bi * interval_s
        t_h = ht[0] if hn > 0 else inf
        t_a = arr_t[ai] if ai < n else inf
        s_arr = -1  # slot of an arriving attempt
        s_q = -1  # slot that joins the queue
        rd_t = -1.0  # redial to schedule: time, customer, attempt, class
        rd_c = 0
        rd_a = 0
        rd_k = 0
        if t_b <= t_h and t_b <= t_a:
            now = t_b
        elif t_h <= t_a:
            now = t_h
        else:
            now = t_a
        dt = now - last
        if dt > 0:
            acc_busy += (busy + rbusy) * dt
            acc_lines += lused * dt
            acc_present += (max(on_duty, busy) + rbusy) * dt
            last = now

        if t_b <= t_h and t_b <= t_a:  # ---- interval boundary: new staffing
            tsum[ci, T_BUSY] = acc_busy
            tsum[ci, T_LINES] = acc_lines
            tsum[ci, T_PRESENT] = acc_present
            acc_busy = 0.0
            acc_lines = 0.0
            acc_present = 0.0
            if bi >= n_int:
                break
            ci = bi
            on_duty = agents[bi]
            on_res = reserve[bi]
            bi += 1
        elif t_h <= t_a:  # ---- timed event
            hseq = hs[0]
            payload = hp[0]
            hn = _pop(ht, hs, hp, hn)
            s = payload >> 2
            kind = payload & 3
            if kind == K_DEPART:
                if SI[s, I_RES] == 1:
                    rbusy -= 1
                else:
                    busy -= 1
                if SI[s, I_LINE] == 1:
                    lused -= 1
                if record:
                    out = O_CALLBACK if SI[s, I_CB] == 1 else O_ANSWERED
                    ln = _log(LI, LF, ln, SI, s, out, SF[s, F_ANS], now, SF[s, F_ANS] - SF[s, F_Q])
                    LF[ln - 1, LF_ARR] = SF[s, F_ARR]
                SI[s, I_STATE] = S_FREE
                free[nfree] = s
                nfree += 1
            elif kind == K_ABANDON:
                if SI[s, I_STATE] == S_WAIT and SI[s, I_TOK] == hseq:
                    SI[s, I_STATE] = S_GHOST
                    n_alive -= 1
                    lused -= 1
                    SI[s, I_LINE] = 0
                    counts[SI[s, I_IVL], C_ABANDONED] += 1
                    if record:
                        ln = _log(LI, LF, ln, SI, s, O_ABANDONED, nan, now, now - SF[s, F_Q])
                        LF[ln - 1, LF_ARR] = SF[s, F_ARR]
                    c = SI[s, I_CUST]
                    a = SI[s, I_ATT]
                    if a + 1 < max_att and p_abandoned > 0 and redial_u[c, a] < p_abandoned:
                        rd_t = now + d_abandoned[c, a]
                        rd_c = c
                        rd_a = a + 1
                        rd_k = SI[s, I_CLS]
            elif kind == K_IVR:
                c = SI[s, I_CUST]
                a = SI[s, I_ATT]
                if ivr_u[c, a] < ivr_self:
                    counts[SI[s, I_IVL], C_IVR] += 1
                    lused -= 1
                    if record:
                        ln = _log(LI, LF, ln, SI, s, O_IVR, nan, now, nan)
                        LF[ln - 1, LF_ARR] = SF[s, F_ARR]
                    SI[s, I_STATE] = S_FREE
                    free[nfree] = s
                    nfree += 1
                else:
                    s_q = s
            else:
                s_arr = s
        else:  # ---- first attempt of a customer
            nfree -= 1
            s = free[nfree]
            SI[s, I_CUST] = ai
            SI[s, I_ATT] = 0
            SI[s, I_CLS] = cls_of[ai] if multi else 0
            ai += 1
            s_arr = s

        if s_arr >= 0:  # ---- an attempt arrives: closed, blocked, IVR or queue
            s = s_arr
            c = SI[s, I_CUST]
            a = SI[s, I_ATT]
            SI[s, I_IVL] = ci
            SI[s, I_LINE] = 0
            SI[s, I_CB] = 0
            SF[s, F_ARR] = now
            counts[ci, C_OFFERED] += 1
            while wp < nwin and windows[wp, 1] <= now:
                wp += 1
            if not (wp < nwin and windows[wp, 0] <= now):
                counts[ci, C_CLOSED] += 1
                if record:
                    ln = _log(LI, LF, ln, SI, s, O_CLOSED, nan, now, nan)
                    LF[ln - 1, LF_ARR] = now
                if a + 1 < max_att and p_closed > 0 and redial_u[c, a] < p_closed and wp < nwin:
                    rd_t = windows[wp, 0] + d_closed[c, a]
                    rd_c = c
                    rd_a = a + 1
                    rd_k = SI[s, I_CLS]
                SI[s, I_STATE] = S_FREE
                free[nfree] = s
                nfree += 1
            elif lines >= 0 and lused >= lines:
                counts[ci, C_BLOCKED] += 1
                if record:
                    ln = _log(LI, LF, ln, SI, s, O_BLOCKED, nan, now, nan)
                    LF[ln - 1, LF_ARR] = now
                if a + 1 < max_att and p_blocked > 0 and redial_u[c, a] < p_blocked:
                    rd_t = now + d_blocked[c, a]
                    rd_c = c
                    rd_a = a + 1
                    rd_k = SI[s, I_CLS]
                SI[s, I_STATE] = S_FREE
                free[nfree] = s
                nfree += 1
            else:
                lused += 1
                SI[s, I_LINE] = 1
                if use_ivr:
                    SI[s, I_STATE] = S_IVR
                    hn = _push(ht, hs, hp, hn, now + ivr_t[c, a], seq, s * 4 + K_IVR)
                    seq += 1
                else:
                    s_q = s

        if s_q >= 0:  # ---- join the queue (or take a callback)
            s = s_q
            c = SI[s, I_CUST]
            a = SI[s, I_ATT]
            SF[s, F_Q] = now
            SI[s, I_STATE] = S_WAIT
            if busy >= on_duty:
                if use_cb:
                    if on_duty > 0:
                        predicted = (n_alive + n_virtual + 1) * aht[SI[s, I_IVL]] / on_duty
                    else:
                        predicted = inf
                    if predicted > cb_threshold and cb_acc_u[c, a] < cb_accept:
                        SI[s, I_STATE] = S_VIRTUAL
                        lused -= 1
                        SI[s, I_LINE] = 0
                        counts[SI[s, I_IVL], C_CALLBACKS] += 1
                if SI[s, I_STATE] == S_WAIT and use_pat:
                    deadline = now + patience[c, a]
                    if deadline < inf:
                        SI[s, I_TOK] = seq
                        hn = _push(ht, hs, hp, hn, deadline, seq, s * 4 + K_ABANDON)
                        seq += 1
            if SI[s, I_STATE] == S_WAIT:
                n_alive += 1
            else:
                n_virtual += 1
            SI[s, I_QSEQ] = qseq
            qseq += 1
            k = SI[s, I_CLS]
            Q[k, (qh[k] + qs[k]) & (Q.shape[1] - 1)] = s
            qs[k] += 1
            qtot += 1

        if rd_t >= 0.0:  # ---- schedule a redial
            nfree -= 1
            r = free[nfree]
            SI[r, I_CUST] = rd_c
            SI[r, I_ATT] = rd_a
            SI[r, I_CLS] = rd_k
            SI[r, I_STATE] = S_PENDING
            hn = _push(ht, hs, hp, hn, rd_t, seq, r * 4 + K_REDIAL)
            seq += 1

        # ---- dispatch: free agents take the queue head; reserve agents while >= reserve_k wait
        while qtot > 0 and (busy < on_duty or (rbusy < on_res and n_alive >= reserve_k)):
            k = 0
            if multi:
                k = -1
                best_key = inf
                best_q = 0
                for j in range(n_cls):
                    if qs[j] > 0:
                        sj = Q[j, qh[j]]
                        key = SF[sj, F_Q] - head_start[j]
                        if k < 0 or key < best_key or (key == best_key and SI[sj, I_QSEQ] < best_q):
                            k = j
                            best_key = key
                            best_q = SI[sj, I_QSEQ]
            s = Q[k, qh[k]]
            qh[k] = (qh[k] + 1) & (Q.shape[1] - 1)
            qs[k] -= 1
            qtot -= 1
            ivl = SI[s, I_IVL]
            w = now - SF[s, F_Q]
            counts[ivl, C_VOBS] += 1
            if w <= sl_t:
                counts[ivl, C_VHITS] += 1
            st = SI[s, I_STATE]
            if st == S_GHOST:
                SI[s, I_STATE] = S_FREE
                free[nfree] = s
                nfree += 1
                continue
            c = SI[s, I_CUST]
            a = SI[s, I_ATT]
            if st == S_VIRTUAL:
                n_virtual -= 1
                if (lines < 0 or lused < lines) and cb_reach_u[c, a] < cb_reach:
                    lused += 1
                    SI[s, I_LINE] = 1
                    SI[s, I_CB] = 1
                    counts[ivl, C_CB_REACHED] += 1
                else:
                    counts[ivl, C_CB_FAILED] += 1
                    if record:
                        ln = _log(LI, LF, ln, SI, s, O_CALLBACK_FAILED, nan, now, w)
                        LF[ln - 1, LF_ARR] = SF[s, F_ARR]
                    SI[s, I_STATE] = S_FREE
                    free[nfree] = s
                    nfree += 1
                    continue
            else:
                n_alive -= 1
                counts[ivl, C_ANSWERED] += 1
                counts[ivl, C_WAIT_SUM] += w
                if w <= sl_t:
                    counts[ivl, C_HITS] += 1
                if w <= 0.0:
                    hist[ivl, 0] += 1
                else:
                    hist[ivl, np.searchsorted(edges, w)] += 1
            if busy < on_duty:
                busy += 1
                SI[s, I_RES] = 0
            else:
                rbusy += 1
                SI[s, I_RES] = 1
            SI[s, I_STATE] = S_SERVICE
            SF[s, F_ANS] = now
            end = now + handle_u[c, a] * aht[ivl]
            SF[s, F_END] = end
            hn = _push(ht, hs, hp, hn, end, seq, s * 4 + K_DEPART)
            seq += 1

    stf[S_NOW], stf[S_LAST] = now, last
    stf[S_ACC_BUSY], stf[S_ACC_LINES], stf[S_ACC_PRESENT] = acc_busy, acc_lines, acc_present
    sti[X_CI], sti[X_ON_DUTY], sti[X_BUSY], sti[X_LUSED] = ci, on_duty, busy, lused
    sti[X_RBUSY], sti[X_ON_RES] = rbusy, on_res
    sti[X_ALIVE], sti[X_VIRTUAL], sti[X_BI], sti[X_AI], sti[X_WP] = n_alive, n_virtual, bi, ai, wp
    sti[X_NFREE], sti[X_HN], sti[X_SEQ], sti[X_QTOT], sti[X_QSEQ], sti[X_LN] = nfree, hn, seq, qtot, qseq, ln
    return code


@njit(**_JIT)
def _sweep(SI, SF, LI, LF, ln, counts, backlog, horizon, sl_t, record):
    """At the horizon: what is still in the system is the backlog (log rows and counts)."""
    nan = math.nan
    for s in range(SI.shape[0]):
        st = SI[s, I_STATE]
        if st == S_FREE:
            continue
        ivl = SI[s, I_IVL]
        if st == S_PENDING:
            backlog[B_REDIAL] += 1
            continue
        if st == S_WAIT or st == S_GHOST or st == S_VIRTUAL:
            w = horizon - SF[s, F_Q]
            if w > sl_t:
                counts[ivl, C_VOBS] += 1
            if st == S_GHOST:
                continue
            backlog[B_QUEUE if st == S_WAIT else B_CALLBACK] += 1
        elif st == S_IVR:
            w = nan
            backlog[B_IVR] += 1
        else:
            backlog[B_SERVICE] += 1
            if record:
                out = O_CALLBACK if SI[s, I_CB] == 1 else O_ANSWERED
                ln = _log(LI, LF, ln, SI, s, out, SF[s, F_ANS], SF[s, F_END], SF[s, F_ANS] - SF[s, F_Q])
                LF[ln - 1, LF_ARR] = SF[s, F_ARR]
            continue
        counts[ivl, C_BACKLOG] += 1
        if record:
            ln = _log(LI, LF, ln, SI, s, O_BACKLOG, nan, nan, w)
            LF[ln - 1, LF_ARR] = SF[s, F_ARR]
    return ln


@njit(**_JIT)
def run(
    arr_t, cls_of, head_start,
    handle_u, patience, ivr_t, ivr_u, redial_u, d_blocked, d_abandoned, d_closed, cb_acc_u, cb_reach_u,
    use_pat, use_ivr, use_cb, p_blocked, p_abandoned, p_closed, max_att, ivr_self, cb_threshold, cb_accept,
    cb_reach, aht, agents, reserve, reserve_k, interval_s, lines, windows, sl_t, edges, record,
):  # fmt: skip
    """Simulate one replication; see the module docstring. Returns counts, time integrals,
    wait histogram, backlog and (when ``record``) the log columns and their length."""
    n = arr_t.shape[0]
    n_int = aht.shape[0]
    n_cls = head_start.shape[0]
    counts = np.zeros((n_int, N_COUNTS))
    tsum = np.zeros((n_int, 3))
    hist = np.zeros((n_int, edges.shape[0]), np.int64)
    backlog = np.zeros(5, np.int64)
    SI = np.zeros((256, N_I), np.int64)
    SF = np.zeros((256, 4))
    free = np.arange(255, -1, -1).astype(np.int64)
    ht = np.empty(256)
    hs = np.empty(256, np.int64)
    hp = np.empty(256, np.int64)
    Q = np.empty((n_cls, 256), np.int64)
    qh = np.zeros(n_cls, np.int64)
    qs = np.zeros(n_cls, np.int64)
    lcap = n + 16 if record else 1
    LI = np.zeros((lcap, 5), np.int64)
    LF = np.zeros((lcap, 4))
    stf = np.zeros(5)
    sti = np.zeros(17, np.int64)
    sti[X_ON_DUTY] = agents[0]
    sti[X_ON_RES] = reserve[0]
    sti[X_BI] = 1
    sti[X_NFREE] = 256
    max_agents = agents.max() + reserve.max()
    while True:
        code = _loop(
            stf, sti, SI, SF, free, ht, hs, hp, Q, qh, qs, LI, LF, counts, tsum, hist, max_agents,
            arr_t, cls_of, head_start,
            handle_u, patience, ivr_t, ivr_u, redial_u, d_blocked, d_abandoned, d_closed, cb_acc_u, cb_reach_u,
            use_pat, use_ivr, use_cb, p_blocked, p_abandoned, p_closed, max_att, ivr_self, cb_threshold, cb_accept,
            cb_reach, aht, agents, reserve, reserve_k, interval_s, lines, windows, sl_t, edges, record,
        )  # fmt: skip
        if code == DONE:
            break
        if code == GROW_SLOTS:
            SI, SF, free, sti[X_NFREE] = _grow_slots(SI, SF, free, sti[X_NFREE])
        elif code == GROW_HEAP:
            while sti[X_HN] + 3 + max_agents > ht.shape[0]:
                ht, hs, hp = _grow_heap(ht, hs, hp)
        elif code == GROW_QUEUES:
            Q = _grow_queues(Q, qh, qs)
        else:
            while sti[X_LN] + 4 + sti[X_QTOT] > LI.shape[0]:
                LI = _grow_i2(LI)
                LF = _grow_f2(LF)
    if record:
        while sti[X_LN] + SI.shape[0] > LI.shape[0]:
            LI = _grow_i2(LI)
            LF = _grow_f2(LF)
    ln = _sweep(SI, SF, LI, LF, sti[X_LN], counts, backlog, n_int * interval_s, sl_t, record)
    return counts, tsum, hist, backlog, LI, LF, ln
