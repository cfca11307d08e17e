"""Discrete-event simulation of a multi-skill center: call types, agent groups, routing.

The model is plain data (`cxqueue.scenario.MultiSkillScenario`); the reference engine
(``engine.py``, simpy) and the fast engine (``fast.py``, its numba kernel in ``_kernels.py``)
interpret it on callers drawn beforehand (``callers.py``, common random numbers) and give
the same call log bit for bit; ``kpis.py`` turns replications into per-type and per-group KPIs with 95 %
intervals; ``records.py`` holds the counters and the call log
(`cxqueue.scenario.SKILL_CALL_DTYPE`). A center of one type and one group gives the same
call log as the single-queue engine on the equivalent `Scenario`.
"""

from cxqueue.sim.multiskill.callers import SkillCallers, sample_skill_callers
from cxqueue.sim.multiskill.kpis import GroupKPIs, GroupResult, MultiSkillResult, TypeKPIs, TypeResult
from cxqueue.sim.multiskill.records import SkillRepOutput
from cxqueue.sim.multiskill.runner import run_multiskill_replication, simulate_multiskill

__all__ = [
    "GroupKPIs",
    "GroupResult",
    "MultiSkillResult",
    "SkillCallers",
    "SkillRepOutput",
    "TypeKPIs",
    "TypeResult",
    "run_multiskill_replication",
    "sample_skill_callers",
    "simulate_multiskill",
]
