"""Exceptions raised by cxqueue.

Every error names the parameter (or config key), the rule it broke and the bad value.
"""

__all__ = ["ConfigError", "ConvergenceWarning", "CxqueueError", "InfeasibleError"]


class CxqueueError(Exception):
    """Base class of every error cxqueue raises on purpose."""


class ConfigError(CxqueueError, ValueError):
    """A bad argument or configuration value; also a ``ValueError``."""


class InfeasibleError(CxqueueError):
    """No plan, schedule or staffing can meet the request; the message says where."""


class ConvergenceWarning(UserWarning):
    """An iterative method stopped at its cap before it converged."""
