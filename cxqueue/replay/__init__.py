"""Does the model reproduce the history? Replay a call log, and calibrate what the log does not show.

* `replay_history` (``replay``): simulate the log's own days with the agents it shows and compare
  service level, ASA and abandonment per interval with what callers experienced (`ReplayResult`);
* `fit_agent_factor`, `fit_reserve` (``calibrate``): the share of the agents on duty who take calls,
  and the reserve agents called in when the queue grows, fitted on other months.
"""

from cxqueue.replay.calibrate import AgentFactorFit, ReserveFit, fit_agent_factor, fit_reserve
from cxqueue.replay.replay import ErrorStats, KpiComparison, ReplayResult, replay_history

__all__ = [
    "AgentFactorFit",
    "ErrorStats",
    "KpiComparison",
    "ReplayResult",
    "ReserveFit",
    "fit_agent_factor",
    "fit_reserve",
    "replay_history",
]
