"""The reference engine: the contact-center model written plainly on top of simpy.

The model, one attempt at a time (times in seconds since the horizon start):

1. An attempt arrives (a customer's first call from the pre-sampled arrivals, or a
   redial). It is counted as offered in the interval of its arrival; every KPI of the
   attempt is attributed to that interval.
2. Center closed: CLOSED (the closed message holds no line). With probability
   ``redials.closed`` the customer calls again ``closed_delay`` after the next opening.
3. Every line taken: BLOCKED; redial with ``redials.blocked`` after ``blocked_delay``.
4. Otherwise the call takes a line, which it holds through IVR, queue and talk. After
   the IVR time a fraction ``ivr.self_service`` leave served by the IVR (IVR).
5. The caller joins the queue. If an agent is free it is answered at once. Otherwise,
   with callbacks on, the predicted wait ``(waiting + 1) * AHT / agents`` is compared
   with ``callbacks.threshold_s``; above it the caller accepts a callback with
   probability ``callbacks.accept``, hangs up (freeing the line) and keeps the place in
   the queue. A caller who stays abandons when the wait reaches the patience (ABANDONED,
   the line is freed; redial with ``redials.abandoned`` after ``abandoned_delay``).
6. Free agents take the queue head: the smallest ``queue entry time - head start of the
   class`` (FIFO inside a class). With ``scenario.reserve``, when every agent on duty is
   busy and at least ``queue_threshold`` callers wait on the line (the head included),
   a free reserve agent takes the head; a reserve agent's call ends like any other, and
   the reserve agent is free again (it takes a call only under the same condition).
   A callback needs a free line and reaches the customer with probability
   ``callbacks.reach`` (CALLBACK, then served like a call) or fails (CALLBACK_FAILED,
   the agent is free again at once). Talk lasts the pre-sampled unit
   handle time times the AHT of the attempt's interval; then agent and line are free.
7. Agents on duty change at interval boundaries (``scenario.agents`` rounded). When the
   number falls, busy agents finish their call first and then leave; nobody is
   interrupted. Queued callers are served after closing time; new ones get CLOSED.
8. At the horizon the run stops. Callers in the IVR, in the queue or waiting for a
   callback are the backlog (BACKLOG); calls in talk count as answered; redials due at or
   after the horizon are reported as pending.

The virtual wait (service level on the "virtual" basis) is the wait a caller would have
had with infinite patience: an abandoned caller stays in the queue as a ghost that no
agent serves; the moment it reaches the head with an agent free is its virtual wait.

Ties at one instant: interval boundary first, then events in the order they were
scheduled. ``fast.py`` runs the same model compiled with numba.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
import simpy

from cxqueue.scenario import Scenario
from cxqueue.sim import records as rec
from cxqueue.sim.arrivals import Callers, open_windows
from cxqueue.sim.fast import reserve_staffing, staffing
from cxqueue.sim.records import Outcome, RepOutput, call_log

__all__ = ["run_simpy"]

NAN = math.nan
PENDING, IVR, WAIT, GHOST, VIRTUAL, SERVICE, DONE = range(7)


class _Call:
    """One attempt in the system."""

    __slots__ = ("a", "answer_s", "arrival_s", "c", "callback", "cls", "end_s", "ivl", "line", "qseq", "queue_s",
                 "reserve", "state")  # fmt: skip

    def __init__(self, c, a, cls):
        self.c, self.a, self.cls = c, a, cls
        self.state = PENDING
        self.line = False
        self.callback = False
        self.reserve = False


class ArrivalFeed:
    """First arrivals put on the simpy clock one at a time (the next when one arrives), not
    all up front: the event heap stays small; and whether an arrival finds the center open.
    An engine gives ``env``, ``arrival``, ``next_first``, ``windows``, ``wp``, ``_new_call(i)``
    and ``_arrive(event)``; the multi-skill engine shares it."""

    def _schedule_first(self):
        i = self.next_first
        if i < len(self.arrival):
            self.env.timeout(self.arrival[i] - self.env.now, value=self._new_call(i)).callbacks.append(self._first)
            self.next_first = i + 1

    def _first(self, ev):
        self._schedule_first()
        self._arrive(ev)

    def _open_at(self, now) -> bool:
        """Whether the center is open at ``now`` (``windows``: its open spans in time order),
        moving the pointer ``wp`` past the spans that ended: arrivals come in time order."""
        win, wp = self.windows, self.wp
        while wp < len(win) and win[wp][1] <= now:
            wp += 1
        self.wp = wp
        return wp < len(win) and win[wp][0] <= now


class _Center(ArrivalFeed):
    def __init__(self, env: simpy.Environment, scenario: Scenario, callers: Callers, record: bool):
        self.env, self.sc, self.record = env, scenario, record
        f = scenario.forecast
        self.n_int = f.n_intervals
        self.interval_s = f.interval_s
        self.aht = f.aht_s.tolist()
        self.agents = staffing(scenario).tolist()
        self.reserve_agents, self.reserve_k = reserve_staffing(scenario)
        self.reserve_agents = self.reserve_agents.tolist()
        self.rbusy, self.on_reserve = 0, self.reserve_agents[0]
        self.lines = math.inf if scenario.lines is None else scenario.lines
        self.windows = open_windows(scenario).tolist()
        self.wp = 0
        self.sl_t = scenario.target.answer_within_s
        self.head_start = list(scenario.priority.head_start_s)
        self.queues = [deque() for _ in self.head_start]
        self.qseq = 0
        self.qtot = 0  # queued entries, ghosts included
        self.counts = [[0.0] * rec.N_COUNTS for _ in range(self.n_int)]
        self.tsum = [[0.0, 0.0, 0.0] for _ in range(self.n_int)]
        self.waits, self.wait_ivl, self.log = [], [], []
        self.in_system = set()  # attempts in IVR, queue (alive or virtual) or talk, and pending redials
        self.ci, self.on_duty, self.busy, self.lused, self.alive, self.virtual = 0, self.agents[0], 0, 0, 0, 0
        self.last = 0.0
        self.max_att = callers.attempts
        self.callers, self.columns = callers, callers.columns
        u = callers.uses
        # plain Python floats and lists: much faster than numpy scalars in an event loop
        self.arrival = callers.arrival_s.tolist()
        self.cls = callers.cls.tolist()
        t = {name: callers.__dict__[name].tolist() if used else None for name, used in u.items()}
        self.tables = t
        self.handle, self.pat, self.ivr_t, self.ivr_u = t["handle_unit"], t["patience_s"], t["ivr_s"], t["ivr_u"]
        self.redial_u = t["redial_u"]
        self.delays = {why: t[f"delay_{why}_s"] for why in ("blocked", "abandoned", "closed")}
        self.cb_accept_u, self.cb_reach_u = t["callback_accept_u"], t["callback_reach_u"]
        self.ivr_on = u["ivr_s"]
        self.cb = scenario.callbacks
        self.multi = len(self.head_start) > 1
        for i in range(1, self.n_int):  # scheduled first: boundaries go first at a tie
            env.timeout(i * self.interval_s, value=i).callbacks.append(self._boundary)
        self.next_first = 0
        self._schedule_first()

    # ---- bookkeeping -------------------------------------------------------------------
    def _advance(self):
        now = self.env.now
        dt = now - self.last
        if dt > 0:
            t = self.tsum[self.ci]
            t[0] += (self.busy + self.rbusy) * dt
            t[1] += self.lused * dt
            t[2] += (max(self.on_duty, self.busy) + self.rbusy) * dt
            self.last = now

    def _log(self, call, outcome, answer_s, end_s, wait_s):
        if self.record:
            self.log.append((call.c, call.a + 1, call.cls, call.arrival_s, answer_s, end_s, int(outcome), wait_s,
                             call.ivl))  # fmt: skip

    def _redial(self, call, why, at_s):
        """Schedule the next attempt of ``call``'s customer with probability ``redials.<why>``."""
        c, a = call.c, call.a
        prob = getattr(self.sc.redials, why)
        if a + 1 < self.max_att and prob > 0 and self.redial_u[c][a] < prob:
            nxt = _Call(c, a + 1, call.cls)
            self.in_system.add(nxt)
            due = at_s + self.delays[why][c][a]
            self.env.timeout(due - self.env.now, value=nxt).callbacks.append(self._arrive)

    def _widen(self, columns):
        """Draw the attempt columns up to ``columns`` (`Callers.widened`) onto the rows."""
        wider = self.callers.widened(columns)
        for name, rows in self.tables.items():
            if rows is not None:
                for row, extra in zip(rows, wider.__dict__[name][:, self.columns :].tolist(), strict=True):
                    row.extend(extra)
        self.callers, self.columns = wider, wider.columns

    # ---- event sources -----------------------------------------------------------------
    def _new_call(self, i: int) -> _Call:
        return _Call(i, 0, self.cls[i] if self.multi else 0)

    def _boundary(self, ev):
        self._advance()
        self.ci = ev._value
        self.on_duty = self.agents[self.ci]
        self.on_reserve = self.reserve_agents[self.ci]
        self._dispatch()

    # ---- the call flow -----------------------------------------------------------------
    def _arrive(self, ev):
        self._advance()
        call, now, ci = ev._value, self.env.now, self.ci
        if call.a >= self.columns:  # a redial beyond the attempt columns drawn so far
            self._widen(call.a + 1)
        self.in_system.discard(call)
        call.ivl, call.arrival_s = ci, now
        cnt = self.counts[ci]
        cnt[rec.C_OFFERED] += 1
        if not self._open_at(now):
            cnt[rec.C_CLOSED] += 1
            self._log(call, Outcome.CLOSED, NAN, now, NAN)
            if self.wp < len(self.windows):  # redial after the next opening
                self._redial(call, "closed", self.windows[self.wp][0])
        elif self.lused >= self.lines:
            cnt[rec.C_BLOCKED] += 1
            self._log(call, Outcome.BLOCKED, NAN, now, NAN)
            self._redial(call, "blocked", now)
        else:
            self.lused += 1
            call.line = True
            self.in_system.add(call)
            if self.ivr_on:
                call.state = IVR
                self.env.timeout(self.ivr_t[call.c][call.a], value=call).callbacks.append(self._ivr_end)
            else:
                self._join(call)
        self._dispatch()

    def _ivr_end(self, ev):
        self._advance()
        call = ev._value
        if self.ivr_u[call.c][call.a] < self.sc.ivr.self_service:
            self.counts[call.ivl][rec.C_IVR] += 1
            self.lused -= 1
            self.in_system.discard(call)
            self._log(call, Outcome.IVR, NAN, self.env.now, NAN)
        else:
            self._join(call)
            self._dispatch()

    def _join(self, call):
        now = self.env.now
        call.queue_s = now
        call.state = WAIT
        if self.busy >= self.on_duty:
            cb = self.cb
            if cb is not None:
                od = self.on_duty
                predicted = (self.alive + self.virtual + 1) * self.aht[call.ivl] / od if od > 0 else math.inf
                if predicted > cb.threshold_s and self.cb_accept_u[call.c][call.a] < cb.accept:
                    call.state = VIRTUAL
                    self.lused -= 1
                    call.line = False
                    self.counts[call.ivl][rec.C_CALLBACKS] += 1
            if call.state == WAIT and self.pat is not None:
                patience = self.pat[call.c][call.a]
                if patience < math.inf:
                    self.env.timeout(patience, value=call).callbacks.append(self._abandon)
        if call.state == WAIT:
            self.alive += 1
        else:
            self.virtual += 1
        call.qseq = self.qseq
        self.qseq += 1
        self.queues[call.cls].append(call)
        self.qtot += 1

    def _abandon(self, ev):
        call = ev._value
        if call.state != WAIT:  # answered before the patience ran out
            return
        self._advance()
        now = self.env.now
        call.state = GHOST  # stays in the queue until its virtual wait is known
        self.alive -= 1
        self.lused -= 1
        call.line = False
        self.in_system.discard(call)
        self.counts[call.ivl][rec.C_ABANDONED] += 1
        self._log(call, Outcome.ABANDONED, NAN, now, now - call.queue_s)
        self._redial(call, "abandoned", now)
        self._dispatch()

    def _head(self):
        """The queue that holds the next caller for a free agent."""
        if not self.multi:
            return self.queues[0]
        best, best_key = None, None
        for q, hs in zip(self.queues, self.head_start, strict=True):
            if q:
                key = (q[0].queue_s - hs, q[0].qseq)
                if best is None or key < best_key:
                    best, best_key = q, key
        return best

    def _dispatch(self):
        now = self.env.now
        while self.qtot > 0 and (
            self.busy < self.on_duty or (self.rbusy < self.on_reserve and self.alive >= self.reserve_k)
        ):
            call = self._head().popleft()
            self.qtot -= 1
            w = now - call.queue_s
            cnt = self.counts[call.ivl]
            cnt[rec.C_VOBS] += 1
            if w <= self.sl_t:
                cnt[rec.C_VHITS] += 1
            if call.state == GHOST:
                continue
            if call.state == VIRTUAL:
                self.virtual -= 1
                if self.lused < self.lines and self.cb_reach_u[call.c][call.a] < self.cb.reach:
                    self.lused += 1
                    call.line = call.callback = True
                    cnt[rec.C_CB_REACHED] += 1
                else:
                    cnt[rec.C_CB_FAILED] += 1
                    self.in_system.discard(call)
                    self._log(call, Outcome.CALLBACK_FAILED, NAN, now, w)
                    continue
            else:
                self.alive -= 1
                cnt[rec.C_ANSWERED] += 1
                cnt[rec.C_WAIT_SUM] += w
                if w <= self.sl_t:
                    cnt[rec.C_HITS] += 1
                self.waits.append(w)
                self.wait_ivl.append(call.ivl)
            if self.busy < self.on_duty:
                self.busy += 1
                call.reserve = False
            else:
                self.rbusy += 1
                call.reserve = True
            call.state = SERVICE
            call.answer_s = now
            talk = self.handle[call.c][call.a] * self.aht[call.ivl]
            call.end_s = now + talk
            self.env.timeout(talk, value=call).callbacks.append(self._depart)

    def _depart(self, ev):
        self._advance()
        call = ev._value
        if call.reserve:
            self.rbusy -= 1
        else:
            self.busy -= 1
        if call.line:
            self.lused -= 1
        call.state = DONE
        self.in_system.discard(call)
        outcome = Outcome.CALLBACK if call.callback else Outcome.ANSWERED
        self._log(call, outcome, call.answer_s, self.env.now, call.answer_s - call.queue_s)
        self._dispatch()

    # ---- the horizon -------------------------------------------------------------------
    def finish(self, horizon_s: float) -> RepOutput:
        backlog = np.zeros(5, dtype=np.int64)
        ghosts = [c for q in self.queues for c in q if c.state == GHOST]
        for call in list(self.in_system) + ghosts:
            if call.state == PENDING:
                backlog[rec.B_REDIAL] += 1
                continue
            if call.state == SERVICE:
                backlog[rec.B_SERVICE] += 1
                outcome = Outcome.CALLBACK if call.callback else Outcome.ANSWERED
                self._log(call, outcome, call.answer_s, call.end_s, call.answer_s - call.queue_s)
                continue
            cnt = self.counts[call.ivl]
            wait = NAN
            if call.state in (WAIT, GHOST, VIRTUAL):
                wait = horizon_s - call.queue_s
                if wait > self.sl_t:
                    cnt[rec.C_VOBS] += 1
                if call.state == GHOST:
                    continue
                backlog[rec.B_QUEUE if call.state == WAIT else rec.B_CALLBACK] += 1
            else:
                backlog[rec.B_IVR] += 1
            cnt[rec.C_BACKLOG] += 1
            self._log(call, Outcome.BACKLOG, NAN, NAN, wait)
        hist = np.zeros((self.n_int, rec.WAIT_EDGES_S.size), dtype=np.int64)
        if self.waits:
            bins = np.searchsorted(rec.WAIT_EDGES_S, np.asarray(self.waits))
            np.add.at(hist, (np.asarray(self.wait_ivl), bins), 1)
        calls = None
        if self.record:
            cols = list(zip(*self.log, strict=True)) if self.log else [[]] * 9
            calls = call_log(*cols, clock_offset_s=self.sc.forecast.start_s)
        counts = np.asarray(self.counts, dtype=np.float64).reshape(self.n_int, rec.N_COUNTS)
        tsum = np.asarray(self.tsum, dtype=np.float64).reshape(self.n_int, 3)
        return RepOutput(
            counts=counts, time_s=tsum, wait_hist=hist, backlog=backlog, calls=calls, attempt_columns=self.columns
        )


def run_simpy(scenario: Scenario, callers: Callers, *, record: bool = False) -> RepOutput:
    """One replication of ``scenario`` with the pre-sampled ``callers``, on simpy.

    Examples
    --------
    >>> from cxqueue.scenario import Forecast, Scenario
    >>> from cxqueue.sim.arrivals import sample_callers
    >>> s = Scenario(Forecast(calls=[100.0] * 4, aht_s=180.0, interval_s=900.0), agents=30)
    >>> out = run_simpy(s, sample_callers(s, 3), record=True)
    >>> bool(out.counts[:, 5].sum() == out.calls.size)  # all answered: plenty of agents
    True
    """
    env = simpy.Environment()
    center = _Center(env, scenario, callers, record)
    horizon_s = scenario.forecast.n_intervals * scenario.forecast.interval_s
    env.run(until=horizon_s)
    center._advance()
    return center.finish(horizon_s)
