"""The plain data that flows between cxqueue's layers: frozen dataclasses, seconds everywhere.

Times of the week are seconds since Monday 00:00 (``weekday * DAY + seconds_of_day``);
weekdays are numbered Monday = 0 .. Sunday = 6. Arrays inside are float64 or int64 and
read-only. Every class validates itself on construction with messages that name the field.

* `Forecast` (``demand``): calls and mean handle time per interval;
* `Distribution` (``distribution``): durations (handle time, patience, IVR, delays);
* `OpeningHours`, `WEEKDAYS` (``hours``); `ServiceTarget` (``target``); `ShiftTemplate` (``shifts``);
* `IVR`, `Redials`, `Callbacks`, `PriorityClasses`, `Reserve` (``callers``);
* `PlanSettings` (``settings``): how a plan is made (model, objective, lines, simulation);
* `Scenario` (``center``): all of them, with the agents on duty per interval;
* `CallType`, `AgentGroup`, `MultiSkillScenario` (``skills``), `Routing` (``routing``) and
  `Chat`, `Transfer` (``channels``): a multi-skill center (several call types, agent groups
  with skills, routing, chats several at once, transfers between types);
* `CALL_DTYPE`, `Outcome` (``calls``): the call log that history readers and both simulation engines write;
  `SKILL_CALL_DTYPE` adds the call type and the serving group of a multi-skill simulation;
* `PlanWarning` (``advice``): what makes a plan doubtful, shown before the plan.
"""

from cxqueue.scenario.advice import WARNING_CODES, PlanWarning
from cxqueue.scenario.callers import IVR, Callbacks, PriorityClasses, Redials, Reserve
from cxqueue.scenario.calls import CALL_DTYPE, SKILL_CALL_DTYPE, Outcome, empty_calls
from cxqueue.scenario.center import Scenario
from cxqueue.scenario.channels import CHANNELS, Chat, Dialer, Outbound, Transfer
from cxqueue.scenario.demand import Forecast
from cxqueue.scenario.distribution import DISTRIBUTION_KINDS, Distribution
from cxqueue.scenario.hours import WEEKDAYS, OpeningHours
from cxqueue.scenario.routing import AGENT_CHOICES, CALL_CHOICES, Routing
from cxqueue.scenario.settings import PlanSettings
from cxqueue.scenario.shifts import ShiftTemplate
from cxqueue.scenario.skills import AgentGroup, CallType, MultiSkillScenario
from cxqueue.scenario.target import SL_BASES, ServiceTarget

__all__ = [
    "AGENT_CHOICES",
    "CALL_CHOICES",
    "CALL_DTYPE",
    "CHANNELS",
    "DISTRIBUTION_KINDS",
    "IVR",
    "SKILL_CALL_DTYPE",
    "SL_BASES",
    "WARNING_CODES",
    "WEEKDAYS",
    "AgentGroup",
    "CallType",
    "Callbacks",
    "Chat",
    "Dialer",
    "Distribution",
    "Forecast",
    "MultiSkillScenario",
    "OpeningHours",
    "Outbound",
    "Outcome",
    "PlanSettings",
    "PlanWarning",
    "PriorityClasses",
    "Redials",
    "Reserve",
    "Routing",
    "Scenario",
    "ServiceTarget",
    "ShiftTemplate",
    "Transfer",
    "empty_calls",
]
