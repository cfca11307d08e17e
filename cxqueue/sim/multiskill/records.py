"""What one replication of a multi-skill center leaves behind: counters, time integrals, call log.

Counters are attributed to the call type and to the interval of the call's arrival (as in
the single-queue engine); time integrals (agents busy and present per group, calls waiting
per type) to the interval of time. Every call ends in one `Outcome`: ``ANSWERED`` (also
when the talk runs past the horizon), ``ABANDONED``, ``CLOSED``, ``BACKLOG`` (still
waiting at the horizon) or ``TRANSFERRED`` (answered, then passed on: the next leg is a
call of its own, of the target type, counted offered there at the transfer). A transferred
call also counts as answered (its wait and service level are its type's), so
``offered = closed + abandoned + answered + backlog`` per type, and ``transferred`` is the
part of ``answered`` passed on; a customer ends exactly once, in the last leg.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxqueue.scenario.calls import SKILL_CALL_DTYPE, empty_calls
from cxqueue.units import DAY

__all__ = ["N_COUNTS", "SkillRepOutput", "skill_call_columns", "skill_call_log"]

# Columns of SkillRepOutput.counts (types, intervals of arrival, N_COUNTS).
(
    C_OFFERED,  # calls that arrived
    C_CLOSED,  # arrived while the center was closed
    C_QUEUED,  # found no idle agent they could reach at once, and waited
    C_ABANDONED,
    C_ANSWERED,
    C_HITS,  # answered within the type's answer_within_s
    C_WAIT_SUM,  # sum of the waits of answered calls, seconds
    C_BACKLOG,  # still waiting at the horizon
    C_TRANSFERRED,  # answered, then passed on to another type at the end of the talk (part of C_ANSWERED)
    C_OPEN,  # still waiting at the horizon, and not yet for longer than the type's threshold (part of C_BACKLOG)
    C_UNREACHED,  # check-in calls dialed that did not reach the customer (part of C_ANSWERED)
) = range(11)
N_COUNTS = 11

# Columns of SkillRepOutput.group_s (groups, intervals of time, 2): agent-seconds.
G_BUSY, G_PRESENT = 0, 1

# Columns of SkillRepOutput.backlog (types, 2): calls at the horizon.
B_QUEUE, B_SERVICE = 0, 1


@dataclass(frozen=True, eq=False)
class SkillRepOutput:
    """Raw output of one replication (`kpis.rep_summary` turns it into KPIs).

    ``counts`` (types, intervals, `N_COUNTS`) by interval of arrival; ``waiting_s`` (types,
    intervals): call-seconds spent waiting in each interval of time; ``group_s`` (groups,
    intervals, 2): busy and present agent-seconds; ``served`` (groups, types, intervals):
    calls answered, by interval of arrival; ``backlog`` (types, 2): waiting and in service at
    the horizon; ``calls``: the log (`SKILL_CALL_DTYPE`) or None.
    """

    counts: np.ndarray
    waiting_s: np.ndarray
    group_s: np.ndarray
    served: np.ndarray
    backlog: np.ndarray
    calls: np.ndarray | None


def skill_call_log(rows: list[tuple], priority: list[int], *, clock_offset_s: float, customer=None,
                   attempt=None) -> np.ndarray:  # fmt: skip
    """The call log (`SKILL_CALL_DTYPE`) from the engine's rows, sorted by the callers' row, on the forecast's clock.

    A row is ``(caller row, type, group, agent, arrival_s, answer_s, end_s, outcome, wait_s,
    interval)`` with times since the horizon start; ``priority`` is each type's priority;
    ``customer`` and ``attempt`` (arrays by caller row; by default the row and 1) name the
    customer and the leg of each caller row (`SkillCallers`).

    >>> log = skill_call_log([(1, 0, -1, -1, 5.0, np.nan, 5.0, 3, np.nan, 0),
    ...                       (0, 1, 0, 2, 2.0, 2.0, 9.0, 0, 0.0, 0)], [0, 1], clock_offset_s=100.0)
    >>> log["customer"].tolist(), log["call_type"].tolist(), log["group"].tolist(), log["server"].tolist()
    ([0, 1], [1, 0], [0, -1], [2, -1])
    >>> log["arrival_s"].tolist(), log["service_s"].tolist(), log["priority"].tolist()
    ([102.0, 105.0], [7.0, nan], [1, 0])
    """
    if not rows:
        return empty_calls(0, SKILL_CALL_DTYPE)
    cols = list(zip(*rows, strict=True))
    row = np.asarray(cols[0], dtype=np.int64)
    order = np.argsort(row, kind="stable")
    row = row[order]
    ints = [np.asarray(cols[i], dtype=np.int64)[order] for i in (1, 2, 3)]
    floats = [np.asarray(cols[i], dtype=np.float64)[order] for i in (4, 5, 6)]
    return skill_call_columns(row, *ints, *floats, np.asarray(cols[7], dtype=np.int64)[order],
                              np.asarray(cols[8], dtype=np.float64)[order], np.asarray(cols[9], dtype=np.int64)[order],
                              priority, clock_offset_s=clock_offset_s, customer=customer,
                              attempt=attempt)  # fmt: skip


def skill_call_columns(row, call_type, group, agent, arrival_s, answer_s, end_s, outcome, wait_s, interval,
                       priority, *, clock_offset_s: float, customer=None, attempt=None) -> np.ndarray:  # fmt: skip
    """The call log (`SKILL_CALL_DTYPE`) from columns already in the order of the callers' rows
    (times since the horizon start; ``priority`` is each type's priority; ``customer`` and
    ``attempt``: arrays by caller row, by default the row itself and 1).

    >>> log = skill_call_columns(np.array([0]), np.array([1]), np.array([0]), np.array([2]), np.array([2.0]),
    ...                          np.array([2.0]), np.array([9.0]), np.array([0]), np.array([0.0]), np.array([0]),
    ...                          [0, 1], clock_offset_s=100.0)
    >>> log["service_s"].tolist(), log["priority"].tolist(), log["end_s"].tolist()
    ([7.0], [1], [109.0])
    """
    out = empty_calls(len(row), SKILL_CALL_DTYPE)
    if not len(row):
        return out
    row = np.asarray(row, dtype=np.int64)
    ctype = np.asarray(call_type, dtype=np.int64)
    out["replication"] = 0
    out["customer"] = row if customer is None else np.asarray(customer)[row]
    out["attempt"] = 1 if attempt is None else np.asarray(attempt)[row]
    out["call_id"] = row
    out["call_type"] = ctype
    out["priority"] = np.asarray(priority, dtype=np.int64)[ctype]
    out["group"] = group
    out["server"] = agent
    out["arrival_s"] = np.asarray(arrival_s, dtype=np.float64) + clock_offset_s
    out["answer_s"] = np.asarray(answer_s, dtype=np.float64) + clock_offset_s
    out["end_s"] = np.asarray(end_s, dtype=np.float64) + clock_offset_s
    out["outcome"] = outcome
    out["wait_s"] = wait_s
    out["interval"] = interval
    out["service_s"] = out["end_s"] - out["answer_s"]  # NaN where no agent answered
    out["handled"] = out["service_s"] > 0
    out["weekday"] = (out["arrival_s"] // DAY) % 7
    return out
