"""The reference multi-skill engine: call types, agent groups and routing on simpy.

The model (times in seconds since the horizon start; the routing rules in full are in
`cxqueue.scenario.routing`):

1. A call of type ``k`` arrives (pre-sampled, `callers.sample_skill_callers`) and is
   counted as offered in its type and the interval of its arrival; every KPI of the call is
   attributed there.
2. Center closed: CLOSED. Otherwise the call tries the groups of ``type_groups[k]`` it may
   reach at once (re-routing delay 0), in order: the first with an idle agent answers it
   (the agent chosen by ``agent_choice``; under ``"random_free"`` a group with idle agents
   drawn in proportion to them, `_pick_group`). Else it waits in the queue of its type.
3. A waiting call hangs up when its wait reaches its patience (ABANDONED). ``delays_s[k][g]``
   after it started waiting it becomes eligible for group ``g`` too, and is answered at once
   if an agent of ``g`` is idle then.
4. When an agent of group ``g`` finishes a call it goes home if its group has more agents
   present than on duty; otherwise it takes the waiting call ``call_choice`` picks among
   the eligible calls of the types of ``group_types[g]`` (by level, then the longest
   waiting; or the longest waiting of all), or becomes idle.
5. Talk lasts the call's unit handle time x its type's AHT in the interval of arrival x the
   serving group's handle factor.
5b. Transfers (`cxqueue.scenario.channels.Transfer`): when the talk of a call of type ``k``
   answered by group ``g`` ends, the call is TRANSFERRED if its draw ``transfer_u`` is
   below the share ``g`` transfers of ``k`` (`SkillCallers`): the agent is released first
   (as after any call), then, at the same instant (an event scheduled then, after the
   agent's next call), the customer arrives as a new call of the target type (its next
   leg: its own handle time, patience and route draw, counted offered in the interval of
   the transfer). A leg is never refused for the hours (the customer is already inside).
5c. Chats (types with ``channel="chat"``, `cxqueue.scenario.channels.Chat`): an agent holds
   up to its group's concurrency of them and no voice call meanwhile (nor a chat while on a
   voice call). A new chat (or a re-routed one) may go to a group with an idle agent or an
   agent with room (unless the group has more agents present than on duty): to the agent
   with the most chats that has room, else an idle one. A chat lasts its voice duration x
   ``1 + stretch * (m - 1)``, ``m`` the chats its agent holds once it starts. When a chat
   ends and its agent still holds others, it takes waiting chats while it has room; when it
   holds none it is free as after a call (and, if it takes a chat, fills up with waiting
   chats). At an interval's start agents with room take waiting chats first, then idle
   agents take calls.
5d. Emails and tickets (types with ``channel="email"``): they arrive while the center is
   closed too (never CLOSED), never hang up, and a free agent takes one only after every
   other level of its group (`pull_levels`); they are answered "in time" within their
   ``due_s`` (the type's threshold, `cxqueue.scenario.channels.thresholds`), and what is
   still open at the horizon is BACKLOG, counted open in time (``C_OPEN``) while not yet due.
6. At each interval's start every group's staffing changes (``agents`` rounded): new
   agents come on duty idle; when it falls, idle agents go home at once (those
   ``agent_choice`` would pick last) and busy ones after their call (nobody is interrupted).
   Then, group by group, idle agents take waiting calls.
7. At the horizon the run stops: waiting calls are BACKLOG; calls in talk count as answered
   (and are not transferred).

Ties at one instant: interval boundary first, then events in the order they were scheduled.
With one type and one group this is, event for event, the single-queue engine
(`cxqueue.sim.engine`) on the equivalent `Scenario`, and the call logs are identical.
"""

from __future__ import annotations

import heapq
import math
from bisect import insort
from collections import deque

import numpy as np
import simpy

from cxqueue.scenario import MultiSkillScenario, Outcome
from cxqueue.scenario.channels import DEFERRED, outbound_arrays, thresholds, transfer_arrays
from cxqueue.sim.arrivals import hours_windows
from cxqueue.sim.engine import ArrivalFeed
from cxqueue.sim.multiskill import records as rec
from cxqueue.sim.multiskill.callers import SkillCallers
from cxqueue.sim.multiskill.records import SkillRepOutput, skill_call_log

__all__ = ["pull_levels", "run_multiskill_simpy", "staffing"]

NAN = math.nan
PENDING, WAIT, SERVICE, GONE = range(4)
O_ANSWERED, O_ABANDONED, O_CLOSED, O_BACKLOG, O_TRANSFERRED = (
    int(o) for o in (Outcome.ANSWERED, Outcome.ABANDONED, Outcome.CLOSED, Outcome.BACKLOG, Outcome.TRANSFERRED)
)


def staffing(scenario: MultiSkillScenario) -> np.ndarray:
    """Agents on duty per group and interval as integers (rounded to nearest), shape (groups, intervals).

    >>> from cxqueue.scenario import AgentGroup, CallType, MultiSkillScenario
    >>> sc = MultiSkillScenario([CallType("A", [1.0, 1.0], aht_s=60.0)], [AgentGroup("G", "A", [2.4, 2.6])])
    >>> staffing(sc).tolist()
    [[2, 3]]
    """
    return np.rint(scenario.agents).astype(np.int64)


def pull_levels(sc: MultiSkillScenario) -> list[list[list[int]]]:
    """Per group, the levels of type indices a free agent takes, in order: ``group_types`` (one
    level of all its types under ``call_choice = "fifo"``), outbound types taken out and put
    after every inbound level, and email types after those (in their own levels, or one each
    under fifo): deferrable work waits for the rest.

    >>> from cxqueue.scenario import AgentGroup, CallType, MultiSkillScenario
    >>> types = [CallType("mail", [1.0], aht_s=60.0, channel="email"), CallType("A", [1.0], aht_s=60.0),
    ...          CallType("B", [1.0], aht_s=60.0, priority=1)]
    >>> sc = MultiSkillScenario(types, [AgentGroup("G", ("mail", "A", "B"), 1)])
    >>> pull_levels(sc)
    [[[1], [2], [0]]]
    """
    r = sc.resolved_routing
    ti = {k: i for i, k in enumerate(sc.type_names)}
    rank = {t.name: {"outbound": 1, "email": 2}.get(t.channel, 0) for t in sc.types}
    out = []
    for g in sc.group_names:
        levels = r.group_types[g]
        parts = [[[ti[k] for k in level if rank[k] == part] for level in levels] for part in (0, 1, 2)]
        if r.call_choice == "fifo":
            parts = [[[k for level in part for k in level]] for part in parts]
        out.append([level for part in parts for level in part if level])
    return out


class _Call:
    """One call in the system."""

    __slots__ = ("agent", "answer_s", "arrival_s", "c", "end_s", "group", "ivl", "k", "queue_s", "seq", "state")

    def __init__(self, c, k):
        self.c, self.k = c, k
        self.state = PENDING
        self.group = self.agent = -1


class _Group:
    """The agents of one group: on duty, busy, idle (in the order they would be chosen)."""

    __slots__ = ("busy", "busy_s", "free_ids", "idle", "last", "load", "on_duty", "present_s", "room")

    def __init__(self, n_int: int, most: int):
        self.busy, self.on_duty, self.last, self.room = 0, 0, 0.0, 0
        self.load = [0] * most  # chats per agent (a voice call: the group's concurrency, so no room)
        self.idle: list[int] = []
        self.free_ids = list(range(most))  # agent numbers not in use (a heap; sorted is one)
        self.busy_s = [0.0] * n_int
        self.present_s = [0.0] * n_int


class _Center(ArrivalFeed):
    def __init__(self, env: simpy.Environment, sc: MultiSkillScenario, callers: SkillCallers, record: bool):
        self.env, self.record = env, record
        n, K = sc.n_intervals, sc.n_types
        self.n_int, self.interval_s = n, sc.interval_s
        tnames, gnames = sc.type_names, sc.group_names
        gi = {g: i for i, g in enumerate(gnames)}
        r = sc.resolved_routing
        self.aht = [t.aht_s.tolist() for t in sc.types]
        self.factor = sc.handle_factors.tolist()  # [group][type]
        self.staff = staffing(sc).tolist()  # [group][interval]
        self.delay = [[r.delay_s(k, g) for k in tnames] for g in gnames]  # [group][type]
        self.first = [[gi[g] for g in r.type_groups[k] if r.delay_s(k, g) == 0] for k in tnames]
        self.later = [[(r.delay_s(k, g), gi[g]) for g in r.type_groups[k] if r.delay_s(k, g) > 0] for k in tnames]
        self.pull = pull_levels(sc)
        self.fixed = r.agent_choice == "fixed_order"
        self.random = r.agent_choice == "random_free"
        self.sl_t = thresholds(sc)
        self.deferred = [t.channel in DEFERRED for t in sc.types]
        self.priority = [t.priority for t in sc.types]
        self.offset_s = sc.start_s
        self.windows = hours_windows(sc.hours, sc.start_s, sc.end_s).tolist()
        self.wp = 0
        self.queues = [deque() for _ in range(K)]
        self.waiting, self.wlast = [0] * K, [0.0] * K
        self.waiting_s = [[0.0] * n for _ in range(K)]
        self.counts = [[[0.0] * rec.N_COUNTS for _ in range(n)] for _ in range(K)]
        self.served = [[[0] * n for _ in range(K)] for _ in gnames]
        self.groups = [_Group(n, max(s, default=0)) for s in self.staff]
        self.in_service = set()
        self.seq, self.ci, self.log = 0, 0, []
        self.arrival = callers.arrival_s[: callers.n_first].tolist()  # first calls; legs come by transfers
        self.ctype = callers.call_type.tolist()
        self.handle = callers.handle_unit.tolist()
        self.pat = callers.patience_s.tolist()
        self.route = callers.route_u.tolist()
        self.transfer_u, self.next_leg = callers.transfer_u.tolist(), callers.next_leg.tolist()
        self.customer, self.attempt = callers.customer, callers.attempt
        self.share = transfer_arrays(sc)[1].tolist()  # [group][type]
        self.next_out, self.fixed_s = callers.next_out.tolist(), callers.fixed_s.tolist()
        self.out_delay = outbound_arrays(sc)[2].tolist()
        self.chan = [int(t.channel == "chat") for t in sc.types]
        self.has_chat = any(self.chan)
        self.cap = [sc.chat.of(g.name) for g in sc.groups]
        self.stretch = sc.chat.stretch
        for g in range(len(self.groups)):
            self._staff(g, self.staff[g][0])
        for i in range(1, n):  # scheduled first: boundaries go first at a tie
            env.timeout(i * self.interval_s, value=i).callbacks.append(self._boundary)
        self.next_first = 0
        self._schedule_first()

    # ---- bookkeeping ----------------------------------------------------------------------
    def _touch(self, g: int):
        """Add group ``g``'s busy and present agent-seconds since its last change."""
        grp = self.groups[g]
        now = self.env.now
        dt = now - grp.last
        if dt > 0:
            grp.busy_s[self.ci] += grp.busy * dt
            grp.present_s[self.ci] += (grp.busy + len(grp.idle)) * dt
            grp.last = now

    def _touch_type(self, k: int):
        now = self.env.now
        dt = now - self.wlast[k]
        if dt > 0:
            self.waiting_s[k][self.ci] += self.waiting[k] * dt
            self.wlast[k] = now

    def _log(self, call, outcome, answer_s, end_s, wait_s):
        if self.record:
            self.log.append((call.c, call.k, call.group, call.agent, call.arrival_s, answer_s, end_s, outcome,
                             wait_s, call.ivl))  # fmt: skip

    def _staff(self, g: int, target: int):
        """Put ``target`` agents on duty in group ``g`` (idle ones come or go now, busy ones later)."""
        grp = self.groups[g]
        grp.on_duty = target
        missing = target - grp.busy - len(grp.idle)
        for _ in range(missing):
            a = heapq.heappop(grp.free_ids)
            if self.fixed:
                insort(grp.idle, a)
            else:
                grp.idle.append(a)
        while grp.idle and grp.busy + len(grp.idle) > target:
            heapq.heappush(grp.free_ids, grp.idle.pop())

    def _take(self, g: int) -> int:
        """The idle agent of group ``g`` that answers next, now busy."""
        self._touch(g)
        grp = self.groups[g]
        grp.busy += 1
        return grp.idle.pop(0)

    # ---- chats: agents holding several ------------------------------------------------------
    def _set_load(self, g: int, a: int, new: int):
        """Agent ``a`` of group ``g`` now holds ``new`` chats; ``room`` counts those with 0 < chats < concurrency."""
        grp, cap = self.groups[g], self.cap[g]
        grp.room += (0 < new < cap) - (0 < grp.load[a] < cap)
        grp.load[a] = new

    def _over(self, g: int) -> bool:
        """More agents present than on duty: agents with chats take no new ones."""
        grp = self.groups[g]
        return grp.busy + len(grp.idle) > grp.on_duty

    def _avail(self, g: int, chat: int) -> int:
        """Agents of group ``g`` that may answer a call now (a chat: also those with room)."""
        grp = self.groups[g]
        if chat and grp.room and not self._over(g):
            return len(grp.idle) + grp.room
        return len(grp.idle)

    def _agent_for(self, g: int, chat: int) -> int:
        """The agent of group ``g`` that answers a new call: for a chat the one with the most chats
        that has room (lowest number at a tie), else the next idle one (now busy)."""
        grp = self.groups[g]
        if chat and grp.room and not self._over(g):
            cap, best, most = self.cap[g], -1, 0
            for a, m in enumerate(grp.load):
                if most < m < cap:
                    best, most = a, m
            return best
        return self._take(g)

    def _fill(self, g: int, agent: int):
        """Agent ``agent`` of group ``g``, holding chats, takes waiting chats while it has room."""
        grp, cap = self.groups[g], self.cap[g]
        while grp.load[agent] < cap:
            nxt = self._next_call(g, chat_only=True)
            if nxt is None:
                return
            self._answer(nxt, g, agent)

    def _unqueue(self, call):
        k = call.k
        self._touch_type(k)
        self.waiting[k] -= 1

    # ---- event sources ---------------------------------------------------------------------
    def _new_call(self, i: int) -> _Call:
        return _Call(i, self.ctype[i])

    def _boundary(self, ev):
        for g in range(len(self.groups)):
            self._touch(g)
        for k in range(len(self.queues)):
            self._touch_type(k)
        self.ci = i = ev._value
        for g in range(len(self.groups)):
            self._staff(g, self.staff[g][i])
        for g, grp in enumerate(self.groups):
            if grp.room and not self._over(g):  # agents with room take waiting chats first
                for a in range(len(grp.load)):
                    if 0 < grp.load[a] < self.cap[g]:
                        self._fill(g, a)
            while grp.idle:
                call = self._next_call(g)
                if call is None:
                    break
                agent = self._take(g)
                self._answer(call, g, agent)
                if self.chan[call.k]:
                    self._fill(g, agent)

    # ---- the call flow ---------------------------------------------------------------------
    def _leg(self, ev):
        self._arrive(ev, leg=True)

    def _arrive(self, ev, leg=False):
        call, now, ci = ev._value, self.env.now, self.ci
        k = call.k
        call.ivl, call.arrival_s = ci, now
        cnt = self.counts[k][ci]
        cnt[rec.C_OFFERED] += 1
        if not leg and not self.deferred[k] and not self._open_at(now):
            cnt[rec.C_CLOSED] += 1
            self._log(call, O_CLOSED, NAN, now, NAN)
            return
        call.queue_s = now
        chat = self.chan[k]
        g = self._pick_group(self.first[k], self.route[call.c], chat)
        if g >= 0:
            self._answer(call, g, self._agent_for(g, chat))
            return
        cnt[rec.C_QUEUED] += 1
        call.state = WAIT
        call.seq = self.seq
        self.seq += 1
        self._touch_type(k)
        self.waiting[k] += 1
        self.queues[k].append(call)
        patience = self.pat[call.c]
        if patience < math.inf:
            self.env.timeout(patience, value=call).callbacks.append(self._abandon)
        for delay, g in self.later[k]:
            self.env.timeout(delay, value=(call, g)).callbacks.append(self._reroute)

    def _pick_group(self, first: list, u: float, chat: int) -> int:
        """The group among ``first`` (the groups a new call may reach at once) that answers it, or -1
        when none has an idle agent (for a chat: or one with room, `_avail`): the first with one, or
        under ``random_free`` the first group ``j`` with ``u * (free of all) < free of groups 1..j``
        (see `cxqueue.scenario.routing`)."""
        if not self.random:
            for g in first:
                if self._avail(g, chat):
                    return g
            return -1
        total = sum(self._avail(g, chat) for g in first)
        if total == 0:
            return -1
        x, cum, last = u * total, 0, -1
        for g in first:
            m = self._avail(g, chat)
            if m > 0:
                cum += m
                last = g
                if x < cum:
                    return g
        return last

    def _abandon(self, ev):
        call = ev._value
        if call.state != WAIT:  # answered before the patience ran out
            return
        self._unqueue(call)
        call.state = GONE
        now = self.env.now
        self.counts[call.k][call.ivl][rec.C_ABANDONED] += 1
        self._log(call, O_ABANDONED, NAN, now, now - call.queue_s)

    def _reroute(self, ev):
        call, g = ev._value
        chat = self.chan[call.k]
        if call.state == WAIT and self._avail(g, chat):
            self._unqueue(call)
            self._answer(call, g, self._agent_for(g, chat))

    def _next_call(self, g: int, chat_only: bool = False):
        """The waiting call a free agent of group ``g`` takes now (out of its queue), or None;
        ``chat_only``: a waiting chat (for an agent that holds chats and has room)."""
        now = self.env.now
        delay = self.delay[g]
        queues = self.queues
        for level in self.pull[g]:
            best, key = None, None
            for k in level:
                if chat_only and not self.chan[k]:
                    continue
                q = queues[k]
                while q and q[0].state != WAIT:  # answered elsewhere or hung up
                    q.popleft()
                if q:
                    head = q[0]  # the longest waiting of its type: if it may not go to g, none may
                    if now >= head.queue_s + delay[k] and (best is None or (head.queue_s, head.seq) < key):
                        best, key = k, (head.queue_s, head.seq)
            if best is not None:
                call = queues[best].popleft()
                self._unqueue(call)
                return call
        return None

    def _answer(self, call, g: int, agent: int):
        """Agent ``agent`` of group ``g`` (already counted busy) answers ``call`` now (a chat: it
        holds one more, and the talk stretches by the chats it then holds, `Chat`)."""
        now = self.env.now
        k, ivl = call.k, call.ivl
        w = now - call.queue_s
        cnt = self.counts[k][ivl]
        cnt[rec.C_ANSWERED] += 1
        cnt[rec.C_WAIT_SUM] += w
        if w <= self.sl_t[k]:
            cnt[rec.C_HITS] += 1
        self.served[g][k][ivl] += 1
        call.state = SERVICE
        call.group, call.agent, call.answer_s = g, agent, now
        talk = self.handle[call.c] * self.aht[k][ivl] * self.factor[g][k]
        fixed = self.fixed_s[call.c]
        if fixed == fixed:  # a check-in that does not reach the customer
            talk = fixed
            cnt[rec.C_UNREACHED] += 1
        if self.chan[k]:
            m = self.groups[g].load[agent] + 1
            self._set_load(g, agent, m)
            if m > 1:
                talk *= 1.0 + self.stretch * (m - 1)
        elif self.has_chat:
            self._set_load(g, agent, self.cap[g])
        call.end_s = now + talk
        self.in_service.add(call)
        self.env.timeout(talk, value=call).callbacks.append(self._depart)

    def _depart(self, ev):
        call = ev._value
        g, agent = call.group, call.agent
        self.in_service.discard(call)
        call.state = GONE
        c, k = call.c, call.k
        nxt = self.next_leg[c]
        if nxt >= 0 and self.transfer_u[c] < self.share[g][k]:
            self.counts[k][call.ivl][rec.C_TRANSFERRED] += 1
            self._log(call, O_TRANSFERRED, call.answer_s, self.env.now, call.answer_s - call.queue_s)
            self.env.timeout(0, value=_Call(nxt, self.ctype[nxt])).callbacks.append(self._leg)
        else:
            self._log(call, O_ANSWERED, call.answer_s, self.env.now, call.answer_s - call.queue_s)
            nxt = self.next_out[c]
            if nxt >= 0:  # a check-in call, dialable after the delay
                self.env.timeout(self.out_delay[k], value=_Call(nxt, self.ctype[nxt])).callbacks.append(self._leg)
        grp = self.groups[g]
        if self.chan[k]:
            left = grp.load[agent] - 1
            self._set_load(g, agent, left)
            if left > 0:  # still holds chats: takes waiting ones while it has room
                if not self._over(g):
                    self._fill(g, agent)
                return
        elif self.has_chat:
            self._set_load(g, agent, 0)
        self._touch(g)
        grp.busy -= 1
        if grp.busy + len(grp.idle) >= grp.on_duty:  # more present than on duty: this one goes home
            heapq.heappush(grp.free_ids, agent)
            return
        nxt = self._next_call(g)
        if nxt is not None:
            grp.busy += 1
            self._answer(nxt, g, agent)
            if self.chan[nxt.k]:
                self._fill(g, agent)
        elif self.fixed:
            insort(grp.idle, agent)
        else:
            grp.idle.append(agent)

    # ---- the horizon -----------------------------------------------------------------------
    def finish(self, horizon_s: float) -> SkillRepOutput:
        for g in range(len(self.groups)):
            self._touch(g)
        for k in range(len(self.queues)):
            self._touch_type(k)
        backlog = np.zeros((len(self.queues), 2), dtype=np.int64)
        for k, q in enumerate(self.queues):
            for call in q:
                if call.state == WAIT:
                    backlog[k, rec.B_QUEUE] += 1
                    self.counts[k][call.ivl][rec.C_BACKLOG] += 1
                    if horizon_s - call.queue_s <= self.sl_t[k]:  # not yet late
                        self.counts[k][call.ivl][rec.C_OPEN] += 1
                    self._log(call, O_BACKLOG, NAN, NAN, horizon_s - call.queue_s)
        for call in self.in_service:
            backlog[call.k, rec.B_SERVICE] += 1
            self._log(call, O_ANSWERED, call.answer_s, call.end_s, call.answer_s - call.queue_s)
        calls = None
        if self.record:
            calls = skill_call_log(self.log, self.priority, clock_offset_s=self.offset_s, customer=self.customer,
                                   attempt=self.attempt)  # fmt: skip
        group_s = np.array([[g.busy_s, g.present_s] for g in self.groups], dtype=np.float64).transpose(0, 2, 1)
        return SkillRepOutput(
            counts=np.asarray(self.counts, dtype=np.float64),
            waiting_s=np.asarray(self.waiting_s, dtype=np.float64),
            group_s=group_s,
            served=np.asarray(self.served, dtype=np.float64),
            backlog=backlog,
            calls=calls,
        )


def run_multiskill_simpy(scenario: MultiSkillScenario, callers: SkillCallers, *, record: bool = False):
    """One replication of ``scenario`` with the pre-sampled ``callers``, on simpy.

    Returns
    -------
    cxqueue.sim.multiskill.records.SkillRepOutput

    Examples
    --------
    >>> from cxqueue.scenario import AgentGroup, CallType, MultiSkillScenario
    >>> from cxqueue.sim.multiskill.callers import sample_skill_callers
    >>> sc = MultiSkillScenario([CallType("A", [100.0] * 4, aht_s=180.0), CallType("B", [50.0] * 4, aht_s=180.0)],
    ...                         [AgentGroup("G1", "A", 20), AgentGroup("G2", ("A", "B"), 20)])
    >>> out = run_multiskill_simpy(sc, sample_skill_callers(sc, 3), record=True)
    >>> bool(out.counts[..., 4].sum() == out.calls.size), int(out.served[0, 1].sum())  # all answered; G1 no B
    (True, 0)
    """
    env = simpy.Environment()
    center = _Center(env, scenario, callers, record)
    horizon_s = scenario.horizon_s
    env.run(until=horizon_s)
    return center.finish(horizon_s)
