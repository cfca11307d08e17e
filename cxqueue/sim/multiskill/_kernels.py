"""The numba event loop of the multi-skill fast engine (all numba code of `cxqueue.sim.multiskill`).

One replication is one call of `run`, no Python per event. It is ``engine.py`` (the simpy
reference) line by line, with simpy's own event order: one binary min-heap of timed events
keyed by (time, scheduling number), the number given when the event is scheduled, exactly
as simpy numbers its events. Interval boundaries are scheduled first (so they go first at a
tie), each first arrival is scheduled when the previous one fires (before that caller's own
events), and the run stops before any event at the horizon (simpy's ``run(until=...)``).
Every time is computed with simpy's arithmetic (``now + delay``), so the logs agree bit for
bit.

State, all flat arrays allocated by the driver (`cxqueue.sim.multiskill.fast`):

- per call (indexed by the caller's number, which is its row of the log): ``CI`` int
  columns (state, interval of arrival, group, agent, outcome, queue number) and ``CF``
  float columns (arrival, queue entry, answer, end, wait);
- per type, a FIFO of waiting calls: a segment of ``Q`` as long as the type's callers (a
  call enters at most once, so it never wraps or grows); calls answered by a re-routing or
  gone are skipped lazily when they reach the head, as the reference does;
- per group: the idle agents in the order ``agent_choice`` picks them (a ring buffer; kept
  sorted for ``fixed_order``), agent numbers in use, busy and on-duty counts;
- the heap; when it may run out of room, `run` saves its scalars and returns `GROW_HEAP`,
  and the driver calls it again with a larger one.

Event payloads are ``index << 24 | group << 3 | kind`` (shifts, not divisions: up to 2 ** 21 groups).

The two helpers every call goes through, `_answer` and `_next_call`, are inlined into `run`
(``inline="always"``, numba's own inlining): with the arguments the channels added, calling
them cost about a tenth of the engine's speed.
"""

from __future__ import annotations

import math

from numba import njit, types

from cxqueue.sim._kernels import _pop, _push  # the one event heap, ordered by (time, sequence)

_JIT = {"cache": True, "error_model": "numpy", "nogil": True}

# call states
PENDING, WAIT, SERVICE, GONE = range(4)
# call int columns: state, interval of arrival, group, agent, outcome (-1 until it ends), queue number
I_STATE, I_IVL, I_GROUP, I_AGENT, I_OUT, I_SEQ = range(6)
N_I = 6
# call float columns: arrival, queue entry, answer, end, wait
F_ARR, F_Q, F_ANS, F_END, F_WAIT = range(5)
N_F = 5
# event kinds (a leg: a transferred customer arriving as a call of the next type)
K_BOUNDARY, K_FIRST, K_ABANDON, K_REROUTE, K_DEPART, K_LEG = range(6)
# group int state columns: busy, on duty, idle head, idle count, agents with chats and room for more
G_BUSY, G_DUTY, G_HEAD, G_IDLE, G_ROOM = range(5)
N_G = 5
# scalars that survive the returns of `run`: heap size, next event number, interval, hours window, started,
# next queue number
X_HN, X_SEQ, X_CI, X_WP, X_STARTED, X_QSEQ = range(6)
N_X = 6
# why `run` returned
DONE, GROW_HEAP = range(2)

_f1, _f2, _f3 = types.float64[::1], types.float64[:, ::1], types.float64[:, :, ::1]
_i1, _i2 = types.int64[::1], types.int64[:, ::1]
_f8, _b = types.float64, types.boolean
#: The one signature of `run`, argument by argument (the driver coerces to exactly these).
SIGNATURE = (
    # callers: arrival, type, unit handle time, patience, route draw, transfer draw, next leg, first calls,
    # check-in row, fixed duration
    _f1, _i1, _f1, _f1, _f1, _f1, _i1, types.int64, _i1, _f1,
    # center: aht (K, n), factor (G, K), staff (G, n), delay (G, K), first_ptr, first_g, later_ptr, later_g,
    # later_d, glv_ptr, lv_ptr, lv_types, sl_t, windows, interval_s, horizon_s, fixed_order, random_free,
    # transfer share (G, K), outcome codes, channel per type (CH_*), concurrency per group, stretch, any chat,
    # deferred per type, check-in delay per type (-1: none)
    _f2, _f2, _i2, _f2, _i1, _i1, _i1, _i1, _f1, _i1, _i1, _i1, _f1, _f2, _f8, _f8, _b, _b, _f2, _i1, _i1, _i1, _f8,
    _b, _i1, _f1,
    # state: sti, CI, CF, Q, qh, qt, waiting, wlast, gi, glast, idle, used, load, ht, hs, hp
    _i1, _i2, _f2, _i1, _i1, _i1, _i1, _f1, _i2, _f1, _i2, _i2, _i2, _f1, _i1, _i1,
    # outputs: counts (K, n, 11), waiting_s (K, n), group_s (G, n, 2), served (G, K, n), backlog (K, 2)
    _f3, _f2, _f3, _f3, _i2,
)  # fmt: skip

# channels in `chan` (per type): voice and email, chat, outbound
CH_VOICE, CH_CHAT, CH_OUTBOUND = range(3)
# counter columns (as in records.py; repeated here so that numba's cache sees them in this file)
(C_OFFERED, C_CLOSED, C_QUEUED, C_ABANDONED, C_ANSWERED, C_HITS, C_WAIT_SUM, C_BACKLOG, C_TRANSFERRED, C_OPEN,
 C_UNREACHED) = range(11)  # fmt: skip


@njit(**_JIT)
def _touch(g, now, ci, gi, glast, group_s):
    """Add group ``g``'s busy and present agent-seconds since its last change."""
    dt = now - glast[g]
    if dt > 0:
        busy = gi[g, G_BUSY]
        group_s[g, ci, 0] += busy * dt
        group_s[g, ci, 1] += (busy + gi[g, G_IDLE]) * dt
        glast[g] = now


@njit(**_JIT)
def _touch_type(k, now, ci, waiting, wlast, waiting_s):
    dt = now - wlast[k]
    if dt > 0:
        waiting_s[k, ci] += waiting[k] * dt
        wlast[k] = now


@njit(**_JIT)
def _wrap(i, m):
    """``i % m`` for ``0 <= i < 2 * m``, without a division."""
    return i - m if i >= m else i


@njit(**_JIT)
def _idle_put(g, a, fixed, gi, idle):
    """Agent ``a`` of group ``g`` becomes idle: last in line, or in its place by number."""
    m = idle.shape[1]
    h = gi[g, G_HEAD]
    n = gi[g, G_IDLE]
    j = n
    if fixed:
        while j > 0:
            prev = idle[g, _wrap(h + j - 1, m)]
            if prev < a:
                break
            idle[g, _wrap(h + j, m)] = prev
            j -= 1
    idle[g, _wrap(h + j, m)] = a
    gi[g, G_IDLE] = n + 1


@njit(**_JIT)
def _staff(g, target, fixed, gi, idle, used):
    """Put ``target`` agents on duty in group ``g`` (idle ones come or go now, busy ones later)."""
    m = idle.shape[1]
    gi[g, G_DUTY] = target
    missing = target - gi[g, G_BUSY] - gi[g, G_IDLE]
    for _ in range(missing):
        a = 0
        while used[g, a] == 1:
            a += 1
        used[g, a] = 1
        _idle_put(g, a, fixed, gi, idle)
    while gi[g, G_IDLE] > 0 and gi[g, G_BUSY] + gi[g, G_IDLE] > target:
        n = gi[g, G_IDLE] - 1
        used[g, idle[g, _wrap(gi[g, G_HEAD] + n, m)]] = 0
        gi[g, G_IDLE] = n


@njit(**_JIT)
def _take(g, now, ci, gi, glast, group_s, idle):
    """The idle agent of group ``g`` that answers next, now busy."""
    _touch(g, now, ci, gi, glast, group_s)
    gi[g, G_BUSY] += 1
    h = gi[g, G_HEAD]
    a = idle[g, h]
    gi[g, G_HEAD] = _wrap(h + 1, idle.shape[1])
    gi[g, G_IDLE] -= 1
    return a


@njit(**_JIT)
def _set_load(g, a, new, cap, load, gi):
    """Agent ``a`` of group ``g`` now holds ``new`` chats; G_ROOM counts those with 0 < chats < concurrency."""
    c = cap[g]
    old = load[g, a]
    gi[g, G_ROOM] += (1 if 0 < new < c else 0) - (1 if 0 < old < c else 0)
    load[g, a] = new


@njit(**_JIT)
def _avail(g, chat, gi):
    """Agents of group ``g`` that may answer a call now (a chat: also those with room, unless the
    group has more agents present than on duty)."""
    n = gi[g, G_IDLE]
    if chat and gi[g, G_ROOM] > 0 and gi[g, G_BUSY] + n <= gi[g, G_DUTY]:
        return n + gi[g, G_ROOM]
    return n


@njit(**_JIT)
def _agent_for(g, chat, now, ci, gi, glast, group_s, idle, cap, load):
    """The agent of group ``g`` that answers a new call: for a chat the one with the most chats that
    has room (lowest number at a tie), else the next idle one (now busy)."""
    if chat and gi[g, G_ROOM] > 0 and gi[g, G_BUSY] + gi[g, G_IDLE] <= gi[g, G_DUTY]:
        best = -1
        most = 0
        c = cap[g]
        for a in range(load.shape[1]):
            m = load[g, a]
            if most < m < c:
                best = a
                most = m
        return best
    return _take(g, now, ci, gi, glast, group_s, idle)


@njit(**_JIT)
def _pick(k, ru, c, rand, first_ptr, first_g, gi, chat):
    """The group a new call ``c`` of type ``k`` (route draw ``ru[c]``) is answered by now, or -1 (engine.py's
    ``_pick_group``): the first of its at-once groups with a free agent (`_avail`), or under
    ``random_free`` one drawn in proportion to their free agents."""
    if not rand:
        for j in range(first_ptr[k], first_ptr[k + 1]):
            if _avail(first_g[j], chat, gi) > 0:
                return first_g[j]
        return -1
    total = 0
    for j in range(first_ptr[k], first_ptr[k + 1]):
        total += _avail(first_g[j], chat, gi)
    if total == 0:
        return -1
    x = ru[c] * total
    cum = 0
    last = -1
    for j in range(first_ptr[k], first_ptr[k + 1]):
        m = _avail(first_g[j], chat, gi)
        if m > 0:
            cum += m
            last = first_g[j]
            if x < cum:
                return last
    return last


@njit(inline="always", **_JIT)
def _next_call(g, now, ci, CI, CF, Q, qh, qt, delay, glv_ptr, lv_ptr, lv_types, waiting, wlast, waiting_s,
               chat_only, chan):  # fmt: skip
    """The waiting call a free agent of group ``g`` takes now (out of its queue), or -1; ``chat_only``:
    a waiting chat (for an agent that holds chats and has room)."""
    for lv in range(glv_ptr[g], glv_ptr[g + 1]):
        best = -1
        best_q = 0.0
        best_s = 0
        for j in range(lv_ptr[lv], lv_ptr[lv + 1]):
            k = lv_types[j]
            if chat_only and chan[k] != CH_CHAT:
                continue
            while qh[k] < qt[k] and CI[Q[qh[k]], I_STATE] != WAIT:  # answered elsewhere or hung up
                qh[k] += 1
            if qh[k] < qt[k]:
                c = Q[qh[k]]  # the longest waiting of its type: if it may not go to g, none may
                q = CF[c, F_Q]
                if now >= q + delay[g, k] and (best < 0 or q < best_q or (q == best_q and CI[c, I_SEQ] < best_s)):
                    best = k
                    best_q = q
                    best_s = CI[c, I_SEQ]
        if best >= 0:
            c = Q[qh[best]]
            qh[best] += 1
            _touch_type(best, now, ci, waiting, wlast, waiting_s)
            waiting[best] -= 1
            return c
    return -1


@njit(inline="always", **_JIT)
def _answer(c, g, agent, now, ctype, handle, aht, factor, sl_t, CI, CF, counts, served, ht, hs, hp, hn, seq,
            chan, cap, stretch, has_chat, load, gi, fixed_s):  # fmt: skip
    """Agent ``agent`` of group ``g`` (already counted busy) answers call ``c`` now (a chat: it holds
    one more, and the talk stretches by the chats it then holds); schedules its departure with
    number ``seq``. Returns the heap's new size."""
    k = ctype[c]
    ivl = CI[c, I_IVL]
    w = now - CF[c, F_Q]
    counts[k, ivl, C_ANSWERED] += 1
    counts[k, ivl, C_WAIT_SUM] += w
    if w <= sl_t[k]:
        counts[k, ivl, C_HITS] += 1
    served[g, k, ivl] += 1
    CI[c, I_STATE] = SERVICE
    CI[c, I_GROUP] = g
    CI[c, I_AGENT] = agent
    CF[c, F_ANS] = now
    talk = handle[c] * aht[k, ivl] * factor[g, k]
    ck = chan[k]
    if ck == CH_CHAT:
        m = load[g, agent] + 1
        _set_load(g, agent, m, cap, load, gi)
        if m > 1:
            talk *= 1.0 + stretch * (m - 1)
    else:
        if ck == CH_OUTBOUND:
            f = fixed_s[c]
            if f == f:  # a check-in that does not reach the customer
                talk = f
                counts[k, ivl, C_UNREACHED] += 1
        if has_chat:
            _set_load(g, agent, cap[g], cap, load, gi)
    end = now + talk
    CF[c, F_END] = end
    return _push(ht, hs, hp, hn, end, seq, (c << 24) | (g << 3) | K_DEPART)


@njit(**_JIT)
def _fill(g, agent, now, ci, CI, CF, Q, qh, qt, delay, glv_ptr, lv_ptr, lv_types, waiting, wlast, waiting_s,
          ctype, handle, aht, factor, sl_t, counts, served, ht, hs, hp, hn, seq, chan, cap, stretch, has_chat, load,
          gi, fixed_s):  # fmt: skip
    """Agent ``agent`` of group ``g``, holding chats, takes waiting chats while it has room (engine.py's
    ``_fill``). Returns the heap's size and the next event number."""
    while load[g, agent] < cap[g]:
        nxt = _next_call(g, now, ci, CI, CF, Q, qh, qt, delay, glv_ptr, lv_ptr, lv_types, waiting, wlast, waiting_s,
                         True, chan)  # fmt: skip
        if nxt < 0:
            break
        hn = _answer(nxt, g, agent, now, ctype, handle, aht, factor, sl_t, CI, CF, counts, served, ht, hs, hp, hn,
                     seq, chan, cap, stretch, has_chat, load, gi, fixed_s)  # fmt: skip
        seq += 1
    return hn, seq


@njit(**_JIT)
def run(
    arr, ctype, handle, patience, ru, tu, next_leg, n_first, next_out, fixed_s,
    aht, factor, staff, delay, first_ptr, first_g, later_ptr, later_g, later_d, glv_ptr, lv_ptr, lv_types,
    sl_t, windows, interval_s, horizon_s, fixed, rand, share, oc, chan, cap, stretch, has_chat, deferred, out_delay,
    sti, CI, CF, Q, qh, qt, waiting, wlast, gi, glast, idle, used, load, ht, hs, hp,
    counts, waiting_s, group_s, served, backlog,
):  # fmt: skip
    """One replication: every event before the horizon, then the backlog (returns `DONE`); or,
    when the heap may run out of room for the next event, `GROW_HEAP` with its scalars saved
    in ``sti`` (the driver passes a larger heap with the same entries and calls again).
    ``oc`` holds the outcome codes (answered, abandoned, closed, backlog, transferred)."""
    n = n_first
    n_int = staff.shape[1]
    G = staff.shape[0]
    K = aht.shape[0]
    nwin = windows.shape[0]
    o_ans, o_ab, o_closed, o_backlog, o_tr = oc[0], oc[1], oc[2], oc[3], oc[4]
    nan = math.nan
    inf = math.inf
    most_cap = 1
    for g in range(G):
        most_cap = max(most_cap, cap[g])
    room = 3 + later_g.shape[0] + G * idle.shape[1] * most_cap  # the most one event can push
    hn, seq, ci, wp, qseq = sti[X_HN], sti[X_SEQ], sti[X_CI], sti[X_WP], sti[X_QSEQ]
    if sti[X_STARTED] == 0:
        sti[X_STARTED] = 1
        for i in range(1, n_int):  # scheduled first: boundaries go first at a tie
            hn = _push(ht, hs, hp, hn, 0.0 + i * interval_s, seq, (i << 24) | K_BOUNDARY)
            seq += 1
        for g in range(G):
            _staff(g, staff[g, 0], fixed, gi, idle, used)
        if n > 0:
            hn = _push(ht, hs, hp, hn, 0.0 + (arr[0] - 0.0), seq, K_FIRST)
            seq += 1
    while hn > 0 and ht[0] < horizon_s:
        if hn + room > ht.shape[0]:
            sti[X_HN], sti[X_SEQ], sti[X_CI], sti[X_WP], sti[X_QSEQ] = hn, seq, ci, wp, qseq
            return GROW_HEAP
        now = ht[0]
        payload = hp[0]
        hn = _pop(ht, hs, hp, hn)
        kind = payload & 7
        c = payload >> 24
        g = (payload >> 3) & 0x1FFFFF
        if kind == K_DEPART:
            k = ctype[c]
            CI[c, I_STATE] = GONE
            CI[c, I_OUT] = o_ans
            CF[c, F_WAIT] = CF[c, F_ANS] - CF[c, F_Q]
            sh = share[g, k]  # 0: no transfer (and no draw is below it)
            if sh > 0.0 and next_leg[c] >= 0 and tu[c] < sh:  # passed on: the next leg arrives now, after the
                CI[c, I_OUT] = o_tr  # agent's next call
                counts[k, CI[c, I_IVL], C_TRANSFERRED] += 1
                hn = _push(ht, hs, hp, hn, now + 0.0, seq, (next_leg[c] << 24) | K_LEG)
                seq += 1
            elif out_delay[k] >= 0.0 and next_out[c] >= 0:  # served: its check-in is dialable after the delay
                hn = _push(ht, hs, hp, hn, now + out_delay[k], seq, (next_out[c] << 24) | K_LEG)
                seq += 1
            agent = CI[c, I_AGENT]
            if chan[k] == CH_CHAT:
                left = load[g, agent] - 1
                _set_load(g, agent, left, cap, load, gi)
                if left > 0:  # still holds chats: takes waiting ones while it has room
                    if gi[g, G_BUSY] + gi[g, G_IDLE] <= gi[g, G_DUTY]:
                        hn, seq = _fill(g, agent, now, ci, CI, CF, Q, qh, qt, delay, glv_ptr, lv_ptr, lv_types,
                                        waiting, wlast, waiting_s, ctype, handle, aht, factor, sl_t, counts, served,
                                        ht, hs, hp, hn, seq, chan, cap, stretch, has_chat, load, gi,
                                        fixed_s)  # fmt: skip
                    continue
            elif has_chat:
                _set_load(g, agent, 0, cap, load, gi)
            _touch(g, now, ci, gi, glast, group_s)
            gi[g, G_BUSY] -= 1
            if gi[g, G_BUSY] + gi[g, G_IDLE] >= gi[g, G_DUTY]:  # more present than on duty: goes home
                used[g, agent] = 0
                continue
            nxt = _next_call(g, now, ci, CI, CF, Q, qh, qt, delay, glv_ptr, lv_ptr, lv_types, waiting, wlast,
                             waiting_s, False, chan)  # fmt: skip
            if nxt >= 0:
                gi[g, G_BUSY] += 1
                hn = _answer(nxt, g, agent, now, ctype, handle, aht, factor, sl_t, CI, CF, counts, served,
                             ht, hs, hp, hn, seq, chan, cap, stretch, has_chat, load, gi, fixed_s)  # fmt: skip
                seq += 1
                if chan[ctype[nxt]] == CH_CHAT:
                    hn, seq = _fill(g, agent, now, ci, CI, CF, Q, qh, qt, delay, glv_ptr, lv_ptr, lv_types,
                                    waiting, wlast, waiting_s, ctype, handle, aht, factor, sl_t, counts, served,
                                    ht, hs, hp, hn, seq, chan, cap, stretch, has_chat, load, gi, fixed_s)  # fmt: skip
            else:
                _idle_put(g, agent, fixed, gi, idle)
        elif kind == K_FIRST or kind == K_LEG:  # a call arrives (a leg: never refused for the hours)
            if kind == K_FIRST and c + 1 < n:
                hn = _push(ht, hs, hp, hn, now + (arr[c + 1] - now), seq, ((c + 1) << 24) | K_FIRST)
                seq += 1
            k = ctype[c]
            CI[c, I_IVL] = ci
            CF[c, F_ARR] = now
            counts[k, ci, C_OFFERED] += 1
            if kind == K_FIRST and deferred[k] == 0:  # emails come in while the center is closed too
                while wp < nwin and windows[wp, 1] <= now:
                    wp += 1
                if not (wp < nwin and windows[wp, 0] <= now):
                    counts[k, ci, C_CLOSED] += 1
                    CI[c, I_STATE] = GONE
                    CI[c, I_OUT] = o_closed
                    CF[c, F_END] = now
                    continue
            CF[c, F_Q] = now
            chat = chan[k] == CH_CHAT
            gg = _pick(k, ru, c, rand, first_ptr, first_g, gi, chat)
            if gg >= 0:
                agent = _agent_for(gg, chat, now, ci, gi, glast, group_s, idle, cap, load)
                hn = _answer(c, gg, agent, now, ctype, handle, aht, factor, sl_t, CI, CF, counts, served,
                             ht, hs, hp, hn, seq, chan, cap, stretch, has_chat, load, gi, fixed_s)  # fmt: skip
                seq += 1
                continue
            counts[k, ci, C_QUEUED] += 1
            CI[c, I_STATE] = WAIT
            CI[c, I_SEQ] = qseq  # calls queue in the order they join
            qseq += 1
            _touch_type(k, now, ci, waiting, wlast, waiting_s)
            waiting[k] += 1
            Q[qt[k]] = c
            qt[k] += 1
            p = patience[c]
            if p < inf:
                hn = _push(ht, hs, hp, hn, now + p, seq, (c << 24) | K_ABANDON)
                seq += 1
            for j in range(later_ptr[k], later_ptr[k + 1]):
                hn = _push(ht, hs, hp, hn, now + later_d[j], seq, (c << 24) | (later_g[j] << 3) | K_REROUTE)
                seq += 1
        elif kind == K_ABANDON:
            if CI[c, I_STATE] != WAIT:  # answered before the patience ran out
                continue
            k = ctype[c]
            _touch_type(k, now, ci, waiting, wlast, waiting_s)
            waiting[k] -= 1
            CI[c, I_STATE] = GONE
            counts[k, CI[c, I_IVL], C_ABANDONED] += 1
            CI[c, I_OUT] = o_ab
            CF[c, F_END] = now
            CF[c, F_WAIT] = now - CF[c, F_Q]
        elif kind == K_REROUTE:
            k = ctype[c]
            chat = chan[k] == CH_CHAT
            if CI[c, I_STATE] == WAIT and _avail(g, chat, gi) > 0:
                _touch_type(k, now, ci, waiting, wlast, waiting_s)
                waiting[k] -= 1
                agent = _agent_for(g, chat, now, ci, gi, glast, group_s, idle, cap, load)
                hn = _answer(c, g, agent, now, ctype, handle, aht, factor, sl_t, CI, CF, counts, served,
                             ht, hs, hp, hn, seq, chan, cap, stretch, has_chat, load, gi, fixed_s)  # fmt: skip
                seq += 1
        else:  # K_BOUNDARY: new staffing, then idle agents take waiting calls
            for gg in range(G):
                _touch(gg, now, ci, gi, glast, group_s)
            for k in range(K):
                _touch_type(k, now, ci, waiting, wlast, waiting_s)
            ci = c
            for gg in range(G):
                _staff(gg, staff[gg, ci], fixed, gi, idle, used)
            for gg in range(G):
                if gi[gg, G_ROOM] > 0 and gi[gg, G_BUSY] + gi[gg, G_IDLE] <= gi[gg, G_DUTY]:
                    for a in range(load.shape[1]):  # agents with room take waiting chats first
                        if 0 < load[gg, a] < cap[gg]:
                            hn, seq = _fill(gg, a, now, ci, CI, CF, Q, qh, qt, delay, glv_ptr, lv_ptr, lv_types,
                                            waiting, wlast, waiting_s, ctype, handle, aht, factor, sl_t, counts,
                                            served, ht, hs, hp, hn, seq, chan, cap, stretch, has_chat, load,
                                            gi, fixed_s)  # fmt: skip
                while gi[gg, G_IDLE] > 0:
                    nxt = _next_call(gg, now, ci, CI, CF, Q, qh, qt, delay, glv_ptr, lv_ptr, lv_types, waiting,
                                     wlast, waiting_s, False, chan)  # fmt: skip
                    if nxt < 0:
                        break
                    agent = _take(gg, now, ci, gi, glast, group_s, idle)
                    hn = _answer(nxt, gg, agent, now, ctype, handle, aht, factor, sl_t, CI, CF, counts, served,
                                 ht, hs, hp, hn, seq, chan, cap, stretch, has_chat, load, gi, fixed_s)  # fmt: skip
                    seq += 1
                    if has_chat:  # a chat: it fills up (after a voice call the agent has no room)
                        hn, seq = _fill(gg, agent, now, ci, CI, CF, Q, qh, qt, delay, glv_ptr, lv_ptr, lv_types,
                                        waiting, wlast, waiting_s, ctype, handle, aht, factor, sl_t, counts, served,
                                        ht, hs, hp, hn, seq, chan, cap, stretch, has_chat, load, gi,
                                        fixed_s)  # fmt: skip
    # ---- the horizon: what is still waiting is backlog; calls in talk count as answered
    now = horizon_s
    for g in range(G):
        _touch(g, now, ci, gi, glast, group_s)
    for k in range(K):
        _touch_type(k, now, ci, waiting, wlast, waiting_s)
    for k in range(K):
        for j in range(qh[k], qt[k]):
            c = Q[j]
            if CI[c, I_STATE] == WAIT:
                backlog[k, 0] += 1
                counts[k, CI[c, I_IVL], C_BACKLOG] += 1
                if horizon_s - CF[c, F_Q] <= sl_t[k]:  # not yet late
                    counts[k, CI[c, I_IVL], C_OPEN] += 1
                CI[c, I_OUT] = o_backlog
                CF[c, F_ANS] = nan
                CF[c, F_END] = nan
                CF[c, F_WAIT] = horizon_s - CF[c, F_Q]
    for c in range(CI.shape[0]):
        if CI[c, I_STATE] == SERVICE:
            backlog[ctype[c], 1] += 1
            CI[c, I_OUT] = o_ans
            CF[c, F_WAIT] = CF[c, F_ANS] - CF[c, F_Q]
    sti[X_HN], sti[X_SEQ], sti[X_CI], sti[X_WP], sti[X_QSEQ] = hn, seq, ci, wp, qseq
    return DONE


def status() -> str:
    """``"nojit"`` (``NUMBA_DISABLE_JIT=1``), ``"compiled"`` (in this process) or ``"cold"``."""
    if not hasattr(run, "signatures"):
        return "nojit"
    return "compiled" if run.signatures else "cold"
