"""The fast engine: the same model as ``engine.py``, compiled with numba (``_kernels.run``).

It consumes the same pre-sampled `Callers` as the simpy engine, so for one seed both
engines see identical callers; every feature of the reference engine is here.
"""

from __future__ import annotations

import numpy as np

from cxqueue.scenario import Scenario
from cxqueue.sim import _kernels
from cxqueue.sim.arrivals import Callers, open_windows
from cxqueue.sim.records import WAIT_EDGES_S, RepOutput, call_log

__all__ = ["reserve_staffing", "run_fast", "staffing"]


def staffing(scenario: Scenario) -> np.ndarray:
    """Agents on duty per interval as integers (``scenario.agents`` rounded to nearest).

    >>> from cxqueue.scenario import Forecast, Scenario
    >>> staffing(Scenario(Forecast([1.0, 1.0], 60.0), agents=[2.4, 2.6])).tolist()
    [2, 3]
    """
    return np.rint(scenario.agents).astype(np.int64)


def reserve_staffing(scenario: Scenario) -> tuple[np.ndarray, int]:
    """Reserve agents per interval as integers (rounded to nearest; zeros without a reserve)
    and the number of waiting callers that calls them in.

    >>> from cxqueue.scenario import Forecast, Reserve, Scenario
    >>> s = Scenario(Forecast([1.0, 1.0], 60.0), agents=2, reserve=Reserve(agents=[0.6, 2.0], queue_threshold=3))
    >>> a, k = reserve_staffing(s)
    >>> a.tolist(), k
    ([1, 2], 3)
    """
    n = scenario.forecast.n_intervals
    r = scenario.reserve
    if r is None:
        return np.zeros(n, dtype=np.int64), 1
    a = np.broadcast_to(np.rint(r.agents), (n,)).astype(np.int64)
    return np.ascontiguousarray(a), int(r.queue_threshold)


def run_fast(scenario: Scenario, callers: Callers, *, record: bool = False) -> RepOutput:
    """One replication of ``scenario`` with ``callers`` in the numba event loop.

    Examples
    --------
    >>> from cxqueue.scenario import Forecast, Scenario
    >>> from cxqueue.sim.arrivals import sample_callers
    >>> s = Scenario(Forecast(calls=[100.0] * 4, aht_s=180.0, interval_s=900.0), agents=30)
    >>> out = run_fast(s, sample_callers(s, 3), record=True)
    >>> bool(out.counts[:, 5].sum() == out.calls.size)  # all answered: plenty of agents
    True
    """
    red = scenario.redials
    cb = scenario.callbacks
    prio = scenario.priority
    f = scenario.forecast
    counts, tsum, hist, backlog, LI, LF, ln = _kernels.run(
        callers.arrival_s,
        callers.cls,
        np.asarray(prio.head_start_s, dtype=np.float64),
        *callers.tables(),
        callers.uses["patience_s"],
        callers.uses["ivr_s"],
        cb is not None,
        red.blocked,
        red.abandoned,
        red.closed,
        callers.attempts,
        scenario.ivr.self_service,
        float(cb.threshold_s) if cb is not None else 0.0,
        float(cb.accept) if cb is not None else 0.0,
        float(cb.reach) if cb is not None else 0.0,
        np.ascontiguousarray(f.aht_s, dtype=np.float64),
        staffing(scenario),
        *reserve_staffing(scenario),
        f.interval_s,
        -1 if scenario.lines is None else int(scenario.lines),
        open_windows(scenario),
        float(scenario.target.answer_within_s),
        WAIT_EDGES_S,
        bool(record),
    )
    calls = None
    if record:
        LI, LF = LI[:ln], LF[:ln]
        calls = call_log(
            LI[:, 0],
            LI[:, 1] + 1,
            LI[:, 2],
            LF[:, 0],
            LF[:, 1],
            LF[:, 2],
            LI[:, 3],
            LF[:, 3],
            LI[:, 4],
            clock_offset_s=f.start_s,
        )
    return RepOutput(counts=counts, time_s=tsum, wait_hist=hist, backlog=backlog, calls=calls)
