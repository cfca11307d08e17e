"""`simulate_multiskill`: replications of a multi-skill center with common random numbers, as KPIs."""

from __future__ import annotations

import numpy as np

from cxqueue import _rng
from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import MultiSkillScenario
from cxqueue.sim.multiskill.callers import sample_skill_callers
from cxqueue.sim.multiskill.engine import run_multiskill_simpy
from cxqueue.sim.multiskill.kpis import MultiSkillResult, rep_summary, summarize
from cxqueue.sim.multiskill.records import SkillRepOutput
from cxqueue.sim.runner import ENGINES

__all__ = ["run_multiskill_replication", "simulate_multiskill"]


def _iv(scenario, record_calls, engine) -> bool:
    if not isinstance(scenario, MultiSkillScenario):
        raise ConfigError(f"scenario must be a cxqueue.scenario.MultiSkillScenario; got {type(scenario).__name__}")
    v.choice("engine", engine, ENGINES)
    if not isinstance(record_calls, bool | np.bool_):
        raise ConfigError(f"record_calls must be True or False; got {record_calls!r}")
    return bool(record_calls)


def _engine(engine: str):
    """The function that runs one replication on ``engine`` (the fast one imports numba on first use)."""
    if engine == "fast":
        from cxqueue.sim.multiskill.fast import run_multiskill_fast

        return run_multiskill_fast
    return run_multiskill_simpy


def run_multiskill_replication(
    scenario: MultiSkillScenario, *, seed, engine: str = "simpy", record_calls: bool = False
) -> SkillRepOutput:
    """One replication of ``scenario``, raw: counters per type and interval, time integrals, call log.

    The same run as one replication of `simulate_multiskill`: ``simulate_multiskill(...,
    replications=R, seed=s)`` runs this with each child of ``_rng.spawn(s, R)``.

    Examples
    --------
    >>> from cxqueue.scenario import AgentGroup, CallType, MultiSkillScenario
    >>> sc = MultiSkillScenario([CallType("A", [40.0], aht_s=60.0)], [AgentGroup("G", "A", 5)])
    >>> out = run_multiskill_replication(sc, seed=1, record_calls=True)
    >>> out.counts.shape, out.calls.size == int(out.counts[0, 0, 0])
    ((1, 1, 11), True)
    """
    record_calls = _iv(scenario, record_calls, engine)
    return _engine(engine)(scenario, sample_skill_callers(scenario, seed), record=record_calls)


def simulate_multiskill(
    scenario: MultiSkillScenario,
    *,
    replications: int = 10,
    seed,
    engine: str = "simpy",
    warmup_s: float = 0.0,
    record_calls: bool = False,
) -> MultiSkillResult:
    """Simulate a multi-skill center ``replications`` times; KPIs per type and group with 95 % intervals.

    Each replication draws its callers from its own ``SeedSequence.spawn`` child of ``seed``,
    split by call type and purpose (`callers.sample_skill_callers`): centers that differ
    only in staffing, groups or routing see the same callers. The model is described in
    `cxqueue.sim.multiskill.engine`, the KPIs in `cxqueue.sim.multiskill.kpis`.

    Parameters
    ----------
    scenario : cxqueue.scenario.MultiSkillScenario
    replications : int, default 10
        Independent runs of the whole horizon (>= 1; intervals need >= 2).
    seed : int, SeedSequence, Generator or None
        Root seed; replication ``i`` uses child ``i``.
    engine : {"simpy", "fast"}
        The simpy reference engine (``engine.py``) or the numba one (``fast.py``); both give
        the same call log and the same KPIs for the same seed.
    warmup_s : float, default 0
        Intervals that start before ``warmup_s`` seconds into the horizon are left out of the
        totals (still reported per interval).
    record_calls : bool, default False
        Return the call log (one row per call, every replication) in ``calls``.

    Returns
    -------
    MultiSkillResult

    Raises
    ------
    ConfigError
        For a bad scenario, count, engine, ``warmup_s``, ``record_calls`` or seed.

    Examples
    --------
    >>> from cxqueue.scenario import AgentGroup, CallType, MultiSkillScenario, Routing
    >>> sc = MultiSkillScenario(
    ...     [CallType("A", [300.0] * 4, aht_s=180.0), CallType("B", [100.0] * 4, aht_s=240.0, priority=1)],
    ...     [AgentGroup("G1", "A", 12), AgentGroup("G2", ("A", "B"), 10)], interval_s=1800.0)
    >>> res = simulate_multiskill(sc, replications=4, seed=1)
    >>> a, b = res.for_type("A").totals, res.for_type("B").totals
    >>> bool(a.sl_offered.mean > b.sl_offered.mean), res.types.sl_offered.mean.shape
    (True, (2, 4))
    >>> res.group_totals.served.mean.shape, float(res.for_group("G1").totals.served.mean[1])  # G1 serves no B
    ((2, 2), 0.0)
    """
    record_calls = _iv(scenario, record_calls, engine)
    run = _engine(engine)
    replications = v.integer_scalar("replications", replications, minimum=1)
    warmup_s = float(v.nonneg_array("warmup_s", warmup_s))
    if warmup_s >= scenario.horizon_s:
        raise ConfigError(f"warmup_s must be shorter than the horizon ({scenario.horizon_s:g} s); got {warmup_s:g}")
    keep = scenario.interval_s * np.arange(scenario.n_intervals) >= warmup_s - 1e-9
    reps, logs = [], []
    for i, child in enumerate(_rng.spawn(seed, replications)):
        out = run(scenario, sample_skill_callers(scenario, child), record=record_calls)
        reps.append(rep_summary(out, interval_s=scenario.interval_s, keep=keep))
        if record_calls:
            out.calls["replication"] = i
            logs.append(out.calls)
    names = {"type_names": scenario.type_names, "group_names": scenario.group_names}
    grid = {"interval_starts_s": scenario.interval_starts_s, "interval_s": scenario.interval_s}
    log = np.concatenate(logs) if record_calls else None
    return MultiSkillResult(**names, **grid, replications=replications, warmup_s=warmup_s, calls=log, **summarize(reps))
