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
from cxqueue.scenario.channels import transfer_arrays
from cxqueue.sim.arrivals import hours_windows
from cxqueue.sim.engine import ArrivalFeed
from cxqueue.sim.multiskill import records as rec
from cxqueue.sim.multiskill.callers import SkillCallers
from cxqueue.sim.multiskill.records import SkillRepOutput, skill_call_log

__all__ = ["run_multiskill_simpy", "staffing"]

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


class _Call:
    """One call in the system."""

    __slots__ = ("agent", "answer_s", "arrival_s", "c", "end_s", "group", "ivl", "k", "queue_s", "seq", "state")

    def __init__(self, c, k):
        self.c, self.k = c, k
        self.state = PENDING
        self.group = self.agent = -1


class _Group:
    """The agents of one group: on duty, busy, idle (in the order they would be chosen)."""

    __slots__ = ("busy", "busy_s", "free_ids", "idle", "last", "on_duty", "present_s")

    def __init__(self, n_int: int, most: int):
        self.busy, self.on_duty, self.last = 0, 0, 0.0
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
        ti = {k: i for i, k in enumerate(tnames)}
        r = sc.resolved_routing
        self.aht = [t.aht_s.tolist() for t in sc.types]
        self.factor = sc.handle_factors.tolist()  # [group][type]
        self.staff = staffing(sc).tolist()  # [group][interval]
        self.delay = [[r.delay_s(k, g) for k in tnames] for g in gnames]  # [group][type]
        self.first = [[gi[g] for g in r.type_groups[k] if r.delay_s(k, g) == 0] for k in tnames]
        self.later = [[(r.delay_s(k, g), gi[g]) for g in r.type_groups[k] if r.delay_s(k, g) > 0] for k in tnames]
        pull = [[[ti[k] for k in level] for level in r.group_types[g]] for g in gnames]
        if r.call_choice == "fifo":
            pull = [[[k for level in levels for k in level]] if levels else [] for levels in pull]
        self.pull = pull
        self.fixed = r.agent_choice == "fixed_order"
        self.random = r.agent_choice == "random_free"
        self.sl_t = [t.answer_within_s for t in sc.target]
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
            while grp.idle:
                call = self._next_call(g)
                if call is None:
                    break
                self._answer(call, g, self._take(g))

    # ---- the call flow ---------------------------------------------------------------------
    def _leg(self, ev):
        self._arrive(ev, leg=True)

    def _arrive(self, ev, leg=False):
        call, now, ci = ev._value, self.env.now, self.ci
        k = call.k
        call.ivl, call.arrival_s = ci, now
        cnt = self.counts[k][ci]
        cnt[rec.C_OFFERED] += 1
        if not leg and not self._open_at(now):
            cnt[rec.C_CLOSED] += 1
            self._log(call, O_CLOSED, NAN, now, NAN)
            return
        call.queue_s = now
        g = self._pick_group(self.first[k], self.route[call.c])
        if g >= 0:
            self._answer(call, g, self._take(g))
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

    def _pick_group(self, first: list, u: float) -> int:
        """The group among ``first`` (the groups a new call may reach at once) that answers it, or -1
        when none has an idle agent: the first with one, or under ``random_free`` the first group
        ``j`` with ``u * (idle of all) < idle of groups 1..j`` (see `cxqueue.scenario.routing`)."""
        groups = self.groups
        if not self.random:
            for g in first:
                if groups[g].idle:
                    return g
            return -1
        total = sum(len(groups[g].idle) for g in first)
        if total == 0:
            return -1
        x, cum, last = u * total, 0, -1
        for g in first:
            m = len(groups[g].idle)
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
        if call.state == WAIT and self.groups[g].idle:
            self._unqueue(call)
            self._answer(call, g, self._take(g))

    def _next_call(self, g: int):
        """The waiting call a free agent of group ``g`` takes now (out of its queue), or None."""
        now = self.env.now
        delay = self.delay[g]
        queues = self.queues
        for level in self.pull[g]:
            best, key = None, None
            for k in level:
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
        """Agent ``agent`` of group ``g`` (already counted busy) answers ``call`` now."""
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
        self._touch(g)
        grp = self.groups[g]
        grp.busy -= 1
        if grp.busy + len(grp.idle) >= grp.on_duty:  # more present than on duty: this one goes home
            heapq.heappush(grp.free_ids, agent)
            return
        nxt = self._next_call(g)
        if nxt is not None:
            grp.busy += 1
            self._answer(nxt, g, agent)
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
