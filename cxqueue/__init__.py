"""cxqueue: contact-center telephony and queue-wait optimizer.

Exact analytic queueing models (Erlang B, C, A and X), a discrete-event simulation and
optimizers for staffing, shifts, phone lines and opening hours. Every duration is in
seconds (names end in ``_s``); probabilities are fractions.
"""

from importlib.metadata import PackageNotFoundError, version

from cxqueue.analytic import QueueMetrics, erlang_a, erlang_b, erlang_c, erlang_x
from cxqueue.exceptions import ConfigError, ConvergenceWarning, CxqueueError, InfeasibleError
from cxqueue.model import (
    IVR,
    Callbacks,
    Distribution,
    Forecast,
    OpeningHours,
    PriorityClasses,
    Redials,
    Scenario,
    ServiceTarget,
    ShiftTemplate,
)
from cxqueue.sim import SimulationResult, simulate
from cxqueue.sweep import run_sweep
from cxqueue.units import DAY, HOUR, MINUTE, WEEK, offered_load

try:
    __version__ = version("cxqueue")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "DAY",
    "HOUR",
    "IVR",
    "MINUTE",
    "WEEK",
    "Callbacks",
    "ConfigError",
    "ConvergenceWarning",
    "CxqueueError",
    "Distribution",
    "Forecast",
    "InfeasibleError",
    "OpeningHours",
    "PriorityClasses",
    "QueueMetrics",
    "Redials",
    "Scenario",
    "ServiceTarget",
    "ShiftTemplate",
    "SimulationResult",
    "__version__",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "erlang_x",
    "offered_load",
    "run_sweep",
    "simulate",
]
