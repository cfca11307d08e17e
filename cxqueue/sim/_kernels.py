"""The numba event loop of the fast engine (all numba code of cxqueue.sim lives here).

One replication is one call of `step` (or a few, see below), no Python per event. State:

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

`step` processes events and never allocates or rebinds an array (numba
reference-counts a rebound array at every use, which tripled the cost per call). When
an array may run out of room it saves its scalars in ``stf``/``sti`` and returns a
``GROW_*`` code; the driver (`cxqueue.sim.fast`) grows that array with numpy and calls
it again. At the horizon it sweeps what is still in the system into the backlog and
returns `DONE`. When the next event is a redial whose attempt has no column in the
callers' tables yet (they are drawn in blocks, `cxqueue.sim.arrivals`), it returns
`GROW_COLUMNS` before touching anything, with the columns needed in ``sti[X_NEED]``; the
driver passes wider tables (the same numbers in the old columns) and the run goes on.

Compile time is what a planner waits for on a fresh install, so this module is written
for numba to type quickly: one entry point with one signature (`SIGNATURE`; the driver
passes exactly these types), plain loops instead of numpy overloads (a slice copy pulls
in numba's error formatting, seconds of compilation), and no literal arguments (each
distinct literal would compile a helper again). Everything numba compiles for the
engine is in this one file, because numba's cache checks only the file of the function
it loads: a helper in another module could change without invalidating `step`.

Ties at one instant: interval boundary first, then heap events by insertion order,
then first arrivals. The semantics are those of ``engine.py`` (the simpy reference),
line by line; read that file for the model.
"""

from __future__ import annotations

import math
import os

from numba import njit, types

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
N_F = 4
# heap event kinds (payload = slot * 4 + kind)
K_DEPART, K_ABANDON, K_IVR, K_REDIAL = range(4)
# log columns (int, then float)
L_CUST, L_ATT, L_CLS, L_OUT, L_IVL = range(5)
N_L = 5
LF_ARR, LF_ANS, LF_END, LF_WAIT = range(4)
N_LF = 4
# scalar state that survives the returns of `step` (floats, then ints)
S_NOW, S_LAST, S_ACC_BUSY, S_ACC_LINES, S_ACC_PRESENT = range(5)
N_S = 5
(X_CI, X_ON_DUTY, X_BUSY, X_LUSED, X_ALIVE, X_VIRTUAL, X_BI, X_AI, X_WP, X_NFREE, X_HN, X_SEQ, X_QTOT, X_QSEQ,
 X_LN, X_RBUSY, X_ON_RES, X_DONE, X_NEED) = range(19)  # fmt: skip
N_X = 19
# why `step` returned
DONE, GROW_SLOTS, GROW_HEAP, GROW_QUEUES, GROW_LOG, GROW_COLUMNS = range(6)

_f1, _f2 = types.float64[::1], types.float64[:, ::1]
_i1, _i2 = types.int64[::1], types.int64[:, ::1]
_f8, _i8, _b = types.float64, types.int64, types.boolean
#: The one signature of `step`, argument by argument (the driver coerces to exactly these).
SIGNATURE = (
    # state: stf, sti, SI, SF, free, ht, hs, hp, Q, qh, qs, LI, LF, counts, tsum, hist, backlog
    _f1, _i1, _i2, _f2, _i1, _f1, _i1, _i1, _i2, _i1, _i1, _i2, _f2, _f2, _f2, _i2, _i1,
    # callers: arrival times, classes, head starts, the ten attribute tables
    _f1, _i1, _f1, _f2, _f2, _f2, _f2, _f2, _f2, _f2, _f2, _f2, _f2,
    # use_pat, use_ivr, use_cb, p_blocked, p_abandoned, p_closed, max_att, ivr_self, cb_threshold, cb_accept, cb_reach
    _b, _b, _b, _f8, _f8, _f8, _i8, _f8, _f8, _f8, _f8,
    # aht, agents, reserve, reserve_k, interval_s, lines, windows, sl_t, edges, record, max_agents
    _f1, _i1, _i1, _i8, _f8, _i8, _f2, _f8, _f1, _b, _i8,
)  # fmt: skip


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
def _log(LI, LF, ln, SI, SF, s, outcome, t_ans, t_end, wait):
    """Write the row of slot ``s`` at ``ln`` (the caller ensures room); pass ``outcome``
    as ``int(O_...)``: a bare constant would be a literal and compile this again."""
    LI[ln, L_CUST] = SI[s, I_CUST]
    LI[ln, L_ATT] = SI[s, I_ATT]
    LI[ln, L_CLS] = SI[s, I_CLS]
    LI[ln, L_OUT] = outcome
    LI[ln, L_IVL] = SI[s, I_IVL]
    LF[ln, LF_ARR] = SF[s, F_ARR]
    LF[ln, LF_ANS] = t_ans
    LF[ln, LF_END] = t_end
    LF[ln, LF_WAIT] = wait
    return ln + 1


@njit(**_JIT)
def _bin(edges, w):
    """The histogram bin of ``w``: the first k with ``w <= edges[k]`` (np.searchsorted, left)."""
    lo = 0
    hi = edges.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if edges[mid] < w:
            lo = mid + 1
        else:
            hi = mid
    return lo


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
                ln = _log(LI, LF, ln, SI, SF, s, out, SF[s, F_ANS], SF[s, F_END], SF[s, F_ANS] - SF[s, F_Q])
            continue
        counts[ivl, C_BACKLOG] += 1
        if record:
            ln = _log(LI, LF, ln, SI, SF, s, int(O_BACKLOG), nan, nan, w)
    return ln


@njit(**_JIT)
def step(
    stf, sti, SI, SF, free, ht, hs, hp, Q, qh, qs, LI, LF, counts, tsum, hist, backlog,
    arr_t, cls_of, head_start,
    handle_u, patience, ivr_t, ivr_u, redial_u, d_blocked, d_abandoned, d_closed, cb_acc_u, cb_reach_u,
    use_pat, use_ivr, use_cb, p_blocked, p_abandoned, p_closed, max_att, ivr_self, cb_threshold, cb_accept,
    cb_reach, aht, agents, reserve, reserve_k, interval_s, lines, windows, sl_t, edges, record, max_agents,
):  # fmt: skip
    """Run events until the horizon, then sweep the backlog (returns `DONE`), or until an
    array may run out of room (returns ``GROW_*``; the driver grows it and calls again).
    The arguments are those of `SIGNATURE`; ``sti[X_DONE]`` says the horizon was reached
    (only the sweep is left), ``sti[X_LN]`` is the number of log rows."""
    n = arr_t.shape[0]
    n_col = handle_u.shape[1]  # attempt columns drawn so far (every table used has as many)
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
    done = sti[X_DONE] == 1
    while not done:
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
        if t_h < t_b and t_h <= t_a and (hp[0] & 3) == K_REDIAL and SI[hp[0] >> 2, I_ATT] >= n_col:
            sti[X_NEED] = SI[hp[0] >> 2, I_ATT] + 1  # next: a redial beyond the columns drawn
            code = GROW_COLUMNS
            break
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
                done = True
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
                    ln = _log(LI, LF, ln, SI, SF, s, out, SF[s, F_ANS], now, SF[s, F_ANS] - SF[s, F_Q])
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
                        ln = _log(LI, LF, ln, SI, SF, s, int(O_ABANDONED), nan, now, now - SF[s, F_Q])
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
                        ln = _log(LI, LF, ln, SI, SF, s, int(O_IVR), nan, now, nan)
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
                    ln = _log(LI, LF, ln, SI, SF, s, int(O_CLOSED), nan, now, nan)
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
                    ln = _log(LI, LF, ln, SI, SF, s, int(O_BLOCKED), nan, now, nan)
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
                        ln = _log(LI, LF, ln, SI, SF, s, int(O_CALLBACK_FAILED), nan, now, w)
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
                    hist[ivl, _bin(edges, w)] += 1
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
    if done:
        sti[X_DONE] = 1
        if record and ln + SI.shape[0] > LI.shape[0]:
            return GROW_LOG
        sti[X_LN] = _sweep(SI, SF, LI, LF, ln, counts, backlog, n_int * interval_s, sl_t, record)
    return code


def status() -> str:
    """Where `step` stands for its one `SIGNATURE`, without compiling anything.

    ``"nojit"`` (``NUMBA_DISABLE_JIT=1``: plain Python), ``"compiled"`` (in this
    process), ``"cached"`` (numba's cache holds it: loading takes milliseconds),
    ``"readonly"`` (not cached, and the cache folder cannot be written) or ``"cold"``
    (it must be compiled, and the cache can keep it). Reads numba's cache index through
    numba internals; if they change, the answer is ``"cold"``.
    """
    if not hasattr(step, "signatures"):
        return "nojit"
    if step.signatures:
        return "compiled"
    try:
        cache = step._cache
        key = cache._index_key(SIGNATURE, step.targetctx.codegen())
        if key in cache._cache_file._load_index():
            return "cached"
        if not os.access(cache.cache_path, os.W_OK):
            return "readonly"
    except Exception:  # a numba without these internals: assume a compile is due
        return "cold"
    return "cold"
