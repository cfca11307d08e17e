"""What one replication of the simulation leaves behind: outcome codes, counters, call log.

Both engines (``engine.py``, simpy; ``fast.py``, numba) fill the same `RepOutput`:
per-interval counters (attributed to the interval of each attempt's arrival),
per-interval time integrals (busy agents, lines in use, agents present), a histogram of
the waits of answered calls, the backlog at the horizon, and optionally the call log as
a numpy structured array with one row per attempt (`CALL_DTYPE`).

Outcome codes (`Outcome`): every attempt ends in exactly one of them.

========================  ====================================================================
``ANSWERED`` (0)          answered by an agent (also when the talk runs past the horizon)
``ABANDONED`` (1)         hung up in the queue when the wait reached the patience
``BLOCKED`` (2)           found every line taken: busy signal
``CLOSED`` (3)            arrived while the center was closed: closed message
``IVR`` (4)               served by the IVR alone
``CALLBACK`` (5)          accepted a callback and was reached and served by an agent
``CALLBACK_FAILED`` (6)   accepted a callback; the customer was not reached (or no line was free)
``BACKLOG`` (7)           still in the IVR, the queue or waiting for a callback at the horizon
========================  ====================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxqueue.scenario.calls import CALL_DTYPE, Outcome, empty_calls
from cxqueue.units import DAY

__all__ = ["CALL_DTYPE", "WAIT_EDGES_S", "Outcome", "RepOutput", "call_log"]


# Plain ints for the numba kernels (module globals are compile-time constants there).
O_ANSWERED, O_ABANDONED, O_BLOCKED, O_CLOSED, O_IVR, O_CALLBACK, O_CALLBACK_FAILED, O_BACKLOG = range(8)

# Columns of RepOutput.counts (one row per interval of arrival).
(
    C_OFFERED,  # attempts that arrived
    C_BLOCKED,
    C_CLOSED,
    C_IVR,  # served by the IVR alone
    C_ABANDONED,
    C_ANSWERED,
    C_CALLBACKS,  # callbacks accepted
    C_CB_REACHED,
    C_CB_FAILED,
    C_HITS,  # answered with wait <= answer_within_s
    C_WAIT_SUM,  # sum of the waits of answered calls, seconds
    C_VHITS,  # virtual wait <= answer_within_s
    C_VOBS,  # callers whose virtual wait is known (or known to exceed the threshold)
    C_BACKLOG,  # attempts of this interval still unresolved at the horizon
) = range(14)
N_COUNTS = 14

# Columns of RepOutput.time_s (one row per interval of time).
T_BUSY, T_LINES, T_PRESENT = range(3)

# Columns of RepOutput.backlog.
B_IVR, B_QUEUE, B_CALLBACK, B_SERVICE, B_REDIAL = range(5)
BACKLOG_NAMES = ("in_ivr", "in_queue", "callbacks_pending", "in_service", "redials_pending")

#: Bin edges of the wait histogram, seconds: bin 0 holds waits of exactly 0; bin k holds
#: ``(edges[k-1], edges[k]]``; 1 s wide up to 2 min, 5 s to 10 min, 30 s to 1 h, 5 min to
#: 1 day, then one open bin.
WAIT_EDGES_S = np.concatenate(
    [
        [0.0],
        np.arange(1.0, 121.0, 1.0),
        np.arange(125.0, 601.0, 5.0),
        np.arange(630.0, 3601.0, 30.0),
        np.arange(3900.0, 86401.0, 300.0),
        [np.inf],
    ]
)
WAIT_EDGES_S.setflags(write=False)


@dataclass(frozen=True, eq=False)
class RepOutput:
    """Raw output of one replication (internal; `kpis.summarize` turns it into KPIs)."""

    counts: np.ndarray  # (n_intervals, N_COUNTS) float64
    time_s: np.ndarray  # (n_intervals, 3) float64: busy, lines and present agent-seconds
    wait_hist: np.ndarray  # (n_intervals, WAIT_EDGES_S.size) int64, answered calls
    backlog: np.ndarray  # (5,) int64, see BACKLOG_NAMES
    calls: np.ndarray | None  # structured CALL_DTYPE or None
    attempt_columns: int = 1  # attempt columns of the callers' tables at the end (`arrivals.Callers.widened`)


def call_log(
    customer, attempt, cls, arrival_s, answer_s, end_s, outcome, wait_s, interval, *, clock_offset_s: float
) -> np.ndarray:
    """Assemble the call log (`CALL_DTYPE`), sorted by customer then attempt, on the forecast's clock.

    ``cls`` is the priority class; the talk time, ``handled`` and the weekday follow from
    the times; what only a recorded history knows stays unknown.

    >>> log = call_log([1, 0], [1, 1], [0, 0], [5.0, 2.0], [np.nan, 2.0], [5.0, 9.0],
    ...                [2, 0], [np.nan, 0.0], [0, 0], clock_offset_s=100.0)
    >>> log["customer"].tolist(), log["arrival_s"].tolist(), log["outcome"].tolist(), log["service_s"].tolist()
    ([0, 1], [102.0, 105.0], [0, 2], [7.0, nan])
    """
    customer = np.asarray(customer, dtype=np.int64)
    attempt = np.asarray(attempt, dtype=np.int64)
    order = np.lexsort((attempt, customer))
    out = empty_calls(customer.size)
    out["replication"] = 0
    out["customer"] = customer[order]
    out["attempt"] = attempt[order]
    out["priority"] = np.asarray(cls)[order]
    out["arrival_s"] = np.asarray(arrival_s, dtype=np.float64)[order] + clock_offset_s
    out["answer_s"] = np.asarray(answer_s, dtype=np.float64)[order] + clock_offset_s
    out["end_s"] = np.asarray(end_s, dtype=np.float64)[order] + clock_offset_s
    out["outcome"] = np.asarray(outcome)[order]
    out["wait_s"] = np.asarray(wait_s, dtype=np.float64)[order]
    out["interval"] = np.asarray(interval)[order]
    out["service_s"] = out["end_s"] - out["answer_s"]  # NaN where no agent answered
    out["handled"] = out["service_s"] > 0
    out["weekday"] = (out["arrival_s"] // DAY) % 7
    return out
