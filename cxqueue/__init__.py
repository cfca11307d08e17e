"""cxqueue: contact-center telephony and queue-wait optimizer.

Exact analytic queueing models (Erlang B, C, A and X), a discrete-event simulation and
optimizers for staffing, shifts, phone lines and opening hours. Every duration is in
seconds (names end in ``_s``); probabilities are fractions.
"""

import importlib as _importlib
import sys as _sys
import warnings as _warnings
from importlib import abc as _abc
from importlib import util as _util
from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

try:
    __version__ = _version("cxqueue")
except _PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"


from cxqueue.analytic import QueueMetrics, erlang_a, erlang_b, erlang_c, erlang_x
from cxqueue.config import PlanConfig, load_scenario
from cxqueue.exceptions import ConfigError, ConvergenceWarning, CxqueueError, InfeasibleError
from cxqueue.scenario import (
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
    "PlanResult": "cxqueue.plan",
    "PlanSettings": "cxqueue.plan",
    "optimize_plan": "cxqueue.plan",
    "run_plan": "cxqueue.plan",
    "SimulationResult": "cxqueue.sim",
    "simulate": "cxqueue.sim",
    "run_sweep": "cxqueue.sweep",
}


# Modules that moved when the package was grouped by layer (README, "What moved"): the old
# import paths still work, with a DeprecationWarning, and give the module at its new place.
_MOVED = {
    "cxqueue.model": "cxqueue.scenario",
    "cxqueue.validate": "cxqueue.replay.replay",
    "cxqueue.calibrate": "cxqueue.replay.calibrate",
    "cxqueue.planner": "cxqueue.plan.run",
    "cxqueue.report": "cxqueue.plan.report",
    "cxqueue.plan_plots": "cxqueue.plan.figures",
    "cxqueue.optimize.plan": "cxqueue.plan.optimize",
    "cxqueue.optimize.trunks": "cxqueue.optimize.lines",
    "cxqueue.sweep.cli": "cxqueue.cli.sweep",
}


class _MovedModuleFinder(_abc.MetaPathFinder, _abc.Loader):
    """Resolves an old module path to the module at its new place (last on sys.meta_path)."""

    def find_spec(self, fullname, path=None, target=None):
        return _util.spec_from_loader(fullname, self) if fullname in _MOVED else None

    def create_module(self, spec):
        new = _MOVED[spec.name]
        _warnings.warn(f"{spec.name} moved to {new}; import it from there", DeprecationWarning, stacklevel=2)
        return _importlib.import_module(new)

    def exec_module(self, module):
        pass


if not any(isinstance(f, _MovedModuleFinder) for f in _sys.meta_path):
    _sys.meta_path.append(_MovedModuleFinder())


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(_importlib.import_module(_LAZY[name]), name)
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
    "run_plan",
    "run_sweep",
    "simulate",
]
