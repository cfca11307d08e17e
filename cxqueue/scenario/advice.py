"""`PlanWarning`: something in the input or the plan that makes the answer doubtful.

A warning is not an error: the plan is written, but the warning is shown first (at the
top of report.html, on stderr, in ``summary.json``), and ``cxqueue plan --strict`` turns
any warning into exit code 4. The checks live where their facts are: the config loader
(a fallback to a shipped profile, a forecast from a short history) and `cxqueue.plan.checks`
(the demand, the hours, the plan).
"""

from __future__ import annotations

from dataclasses import dataclass

from cxqueue.scenario._plain import PlainDict

__all__ = ["WARNING_CODES", "PlanWarning"]

#: code -> what it flags
WARNING_CODES = {
    "closed_hours_calls": "over 1 % of the calls arrive while the center is closed",
    "implausible_aht": "a mean handle time under 10 s or over 2 h (minutes or milliseconds in an _s column?)",
    "missing_weekdays": "an open weekday without any call in the demand (a history with missing weekdays?)",
    "no_calls": "the demand holds no call at all",
    "not_converged": "the simulation of the plan misses the target",
    "unreachable_target": "a call type's target that no staffing can meet (its routing waits past its threshold)",
    "high_occupancy": "agents busy over 95 % of their time in some intervals",
    "capped_agents": "[staffing].max_agents is below what the target needs",
    "forecast_history": "a forecast from a short or gappy history",
    "data_fallback": "a file was missing and a shipped profile or nothing was used instead",
    "validation_mismatch": "the replay of your history misses by more than chance explains",
}


@dataclass(frozen=True)
class PlanWarning(PlainDict):
    """One warning: a stable ``code`` (`WARNING_CODES`), the ``message`` in planner words
    (what is wrong, how much, what to change), and the config ``key`` it concerns, if any.

    >>> PlanWarning("no_calls", "the demand holds no call", "[demand]").to_dict()
    {'code': 'no_calls', 'message': 'the demand holds no call', 'key': '[demand]'}
    """

    code: str
    message: str
    key: str = ""

    def __post_init__(self):
        if self.code not in WARNING_CODES:
            codes = ", ".join(WARNING_CODES)
            raise ValueError(f"code must be one of {codes}; got {self.code!r}")

    def __str__(self) -> str:
        return f"{self.message} ({self.key})" if self.key else self.message
