"""The call log: one record per call attempt, the same for a recorded history and a simulation.

The history readers (`cxqueue.data`) and both simulation engines (`cxqueue.sim`) write
`CALL_DTYPE`, and every call ends in exactly one `Outcome`. The first block of fields is
what both know; the second is what a recorded history adds (its source row, the date, the
agent, the phone line and the raw stage times), which a simulation leaves at "unknown"
(-1, NaT, NaN or an empty string). Times are seconds on the log's clock: since Monday
00:00 of the forecast's first week for a simulation, since midnight of the first date in
the file for a history. A missing time is NaN.

========================  ====================================================================
``ANSWERED`` (0)          answered by an agent (a history's "served"; also when the talk runs
                          past a simulation's horizon)
``ABANDONED`` (1)         hung up in the queue before an agent answered
``BLOCKED`` (2)           found every line taken: busy signal
``CLOSED`` (3)            arrived while the center was closed: closed message
``IVR`` (4)               finished in the IVR without asking for an agent (a history's "ivr_only")
``CALLBACK`` (5)          accepted a callback and was reached and served by an agent
``CALLBACK_FAILED`` (6)   accepted a callback; the customer was not reached (or no line was free)
``BACKLOG`` (7)           still in the IVR, the queue or waiting for a callback at the horizon
``TRANSFERRED`` (8)       answered, then passed on to another call type at the end of the talk
                          (a multi-skill simulation: the next leg is a call of its own, the
                          same customer with the next ``attempt``)
========================  ====================================================================
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

__all__ = ["CALL_DTYPE", "SKILL_CALL_DTYPE", "Outcome", "empty_calls"]


class Outcome(IntEnum):
    """How an attempt ended; the values are the ``outcome`` codes of the call log.

    >>> int(Outcome.BLOCKED), Outcome(1).name
    (2, 'ABANDONED')
    """

    ANSWERED = 0
    ABANDONED = 1
    BLOCKED = 2
    CLOSED = 3
    IVR = 4
    CALLBACK = 5
    CALLBACK_FAILED = 6
    BACKLOG = 7
    TRANSFERRED = 8


CALL_DTYPE = np.dtype(
    [
        # what a history and a simulation both know
        ("replication", np.int32),  # the simulation's replication; 0 in a history
        ("customer", np.int64),  # one id for every attempt of a caller; -1: not identified
        ("attempt", np.int32),  # 1 for a first call; 0: not known (a history does not number them)
        ("priority", np.int16),  # priority class; 0 without classes
        ("interval", np.int32),  # interval of arrival on the forecast's clock; -1 in a history
        ("arrival_s", np.float64),  # entered the system (the IVR, or the queue without IVR)
        ("ivr_s", np.float64),  # time in the IVR
        ("wait_s", np.float64),  # time in the agent queue (to the answer, the hang-up, the callback or the horizon)
        ("answer_s", np.float64),  # an agent answered
        ("service_s", np.float64),  # talk time
        ("end_s", np.float64),  # left the system (frees the phone line)
        ("outcome", np.int8),  # an `Outcome` code
        ("handled", np.bool_),  # an agent was busy with the call for service_s > 0 seconds
        # what a recorded history adds
        ("row", np.int64),  # line number in the source file (the header is line 1)
        ("call_id", np.int64),
        ("date", "datetime64[D]"),  # the date the call arrived on
        ("weekday", np.int8),  # Monday = 0 .. Sunday = 6
        ("ivr_exit_s", np.float64),
        ("queue_start_s", np.float64),
        ("queue_exit_s", np.float64),
        ("service_end_s", np.float64),
        ("server", np.int32),  # index into the history's agents; -1: no agent recorded
        ("type", "<U4"),  # the call type as the source writes it
        ("line", "<U8"),  # the phone line as the source writes it
    ]
)

#: A multi-skill simulation's call log: `CALL_DTYPE` and the call type and the group that
#: served (indices into the scenario's ``types`` and ``groups``; -1: no group answered);
#: ``server`` is the agent within that group; ``call_id`` the call's row in the pre-sampled
#: callers (`cxqueue.sim.multiskill.SkillCallers`), ``attempt`` its leg (1, then 2 after a
#: transfer, ...), ``customer`` the same for every leg.
SKILL_CALL_DTYPE = np.dtype([*CALL_DTYPE.descr, ("call_type", np.int16), ("group", np.int16)])

_UNKNOWN = {
    "customer": -1,
    "interval": -1,
    "row": -1,
    "call_id": -1,
    "server": -1,
    "weekday": -1,
    "date": np.datetime64("NaT"),
}


def empty_calls(n: int, dtype: np.dtype = CALL_DTYPE) -> np.ndarray:
    """``n`` call records with every field "unknown": -1 ids, NaN times, NaT dates, no outcome yet.

    ``outcome`` starts at ``ANSWERED`` (0) and ``attempt`` at 0; a writer sets what it knows.
    ``dtype`` is `CALL_DTYPE` or `SKILL_CALL_DTYPE` (whose type and group start at -1).

    >>> c = empty_calls(2)
    >>> c["customer"].tolist(), bool(np.isnan(c["answer_s"]).all()), c.dtype == CALL_DTYPE
    ([-1, -1], True, True)
    >>> empty_calls(1, SKILL_CALL_DTYPE)[["call_type", "group"]].tolist()
    [(-1, -1)]
    """
    out = np.zeros(n, dtype=dtype)
    for name in dtype.names:
        if dtype[name].kind == "f":
            out[name] = np.nan
    for name, value in _UNKNOWN.items():
        out[name] = value
    if dtype == SKILL_CALL_DTYPE:
        out["call_type"] = out["group"] = -1
    return out
