"""cxqueue: contact-center telephony and queue-wait optimizer.

Exact analytic queueing models (Erlang B, C, A and X), a discrete-event simulation and
optimizers for staffing, shifts, phone lines and opening hours. Every duration is in
seconds (names end in ``_s``); probabilities are fractions.
"""

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

try:
    __version__ = _version("cxqueue")
except _PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"


from cxqueue.analytic import QueueMetrics, erlang_a, erlang_b, erlang_c, erlang_x
from cxqueue.config import PlanConfig, load_scenario
from cxqueue.exceptions import ConfigError, ConvergenceWarning, CxqueueError, InfeasibleError
from cxqueue.model import (
    IVR,
    Callbacks,
    Distribution,
    Forecast,
    OpeningHours,
    PriorityClasses,
    Redials,
    Reserve,
    Scenario,
    ServiceTarget,
    ShiftTemplate,
)
from cxqueue.units import DAY, HOUR, MINUTE, WEEK, offered_load

# The simulation, optimizers and sweeps load on first use (PEP 562): `import cxqueue` in a
# scheduler that needs only the formulas does not pay for scipy's optimizers and the
# simulation's statistics.
_LAZY = {
    "PlanResult": "cxqueue.optimize.plan",
    "PlanSettings": "cxqueue.optimize.plan",
    "optimize_plan": "cxqueue.optimize.plan",
    "SimulationResult": "cxqueue.sim",
    "simulate": "cxqueue.sim",
    "run_sweep": "cxqueue.sweep",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cxqueue' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

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
    "PlanConfig",
    "PlanResult",
    "PlanSettings",
    "PriorityClasses",
    "QueueMetrics",
    "Redials",
    "Reserve",
    "Scenario",
    "ServiceTarget",
    "ShiftTemplate",
    "SimulationResult",
    "__version__",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "erlang_x",
    "load_scenario",
    "offered_load",
    "optimize_plan",
    "run_sweep",
    "simulate",
]
