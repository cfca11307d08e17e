"""A staffing's service levels on one fixed sample of callers (sample-average approximation).

`Sample` draws the callers of ``replications`` replications once (each from its own child of
the seed, as `cxqueue.sim.multiskill.simulate_multiskill` draws them) and simulates any
staffing on them: two staffings see the same callers (common random numbers), so their
difference is the staffing's and not the noise's, and the service level of the sample is a
deterministic function of the staffing that an optimizer can search.

On the sample, per type ``k`` and interval ``t``:

* the service level is a ratio of sums over the replications: calls answered within the
  type's threshold over calls reached (offered minus closed; over calls answered on the
  ``"answered"`` basis);
* a cell is *constrained* where the calls reached average at least ``min_calls`` per
  replication, except for deferrable work (emails and check-ins: their target is the share
  done by the due time over the horizon, whichever interval the work is done in); it is
  *short* where its service level is below the type's level;
* over the horizon, each replication gives one service level per type (answered within the
  threshold over reached, every interval pooled); the type is short where the mean of those
  is below the level plus the half-width of the Student-t 95 % interval that an independent
  check of ``check_replications`` replications would have (from the sample's standard
  deviation), plus `MARGIN` (3.5) standard errors of that check's mean: 2 for the check's
  noise and 1.5 for the sample's own, so that the lower end of the check's interval clears
  the level too, in all but a few % of checks per type.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxqueue import _rng
from cxqueue.scenario import MultiSkillScenario
from cxqueue.scenario.channels import DEFERRED
from cxqueue.sim.kpis import _estimate, _t975
from cxqueue.sim.multiskill import records as r
from cxqueue.sim.multiskill.callers import sample_skill_callers
from cxqueue.sim.multiskill.engine import run_multiskill_simpy

__all__ = ["MARGIN", "Evaluation", "Sample", "with_agents"]

#: standard errors of a check's mean (beyond its 95 % half-width) by which the sample's mean clears the level:
#: 2 for the check's own noise, 1.5 for the error of the sample's mean (the same size at ``check_replications``)
MARGIN = 3.5


def with_agents(sc: MultiSkillScenario, agents: np.ndarray) -> MultiSkillScenario:
    """``sc`` with ``agents`` (groups x intervals) on duty."""
    groups = tuple(
        type(g)(g.name, g.skills, np.asarray(a, dtype=np.float64), handle_factor=g.handle_factor)
        for g, a in zip(sc.groups, agents, strict=True)
    )
    return sc.replace(groups=groups)


@dataclass(frozen=True, eq=False)
class Evaluation:
    """A staffing's service levels on the sample (see the module docstring)."""

    sl: np.ndarray  # (types, intervals): ratio of sums over replications; NaN where no call
    total_mean: np.ndarray  # (types,): mean over replications of the horizon's service level
    total_half: np.ndarray  # (types,): its 95 % half-width
    total_margin: np.ndarray  # (types,): what the mean must clear the level by (see the module docstring)
    short: np.ndarray  # (types, intervals) bool: constrained and below the level
    total_short: np.ndarray  # (types,) bool: the mean less MARGIN half-widths below the level
    level: np.ndarray  # (types,)

    @property
    def feasible(self) -> bool:
        return not (self.short.any() or self.total_short.any())

    @property
    def total_low(self) -> np.ndarray:
        """What the horizon's target is held to: the mean less its margin (see the module docstring)."""
        return self.total_mean - self.total_margin


class Sample:
    """The callers of ``replications`` replications of ``sc``, and staffings simulated on them.

    ``engine`` is ``"fast"`` (numba) or ``"simpy"``; both give the same numbers. ``cells``
    marks the constrained cells (types x intervals), ``runs`` counts replications simulated.
    """

    def __init__(self, sc: MultiSkillScenario, *, replications: int, seed, engine: str, min_calls: float,
                 interval_targets: bool, check_replications: int):  # fmt: skip
        self.sc = sc
        self.callers = [sample_skill_callers(sc, child) for child in _rng.spawn(seed, replications)]
        if engine == "fast":
            from cxqueue.sim.multiskill.fast import run_multiskill_fast

            self._run = run_multiskill_fast
        else:
            self._run = run_multiskill_simpy
        self.level = np.array([t.level for t in sc.target])
        self.answered = np.array([t.basis == "answered" for t in sc.target])
        self.runs = 0
        self.cells = np.zeros((sc.n_types, sc.n_intervals), dtype=bool)  # set by the first evaluation
        self.reached: np.ndarray | None = None  # calls reached per replication, (types, intervals)
        self._interval_targets = interval_targets
        self._min_calls = min_calls
        self._check = (_t975(check_replications - 1) + MARGIN) / np.sqrt(check_replications)

    def absorb(self, other: Sample) -> None:
        """Add ``other``'s replications to this sample (the constrained cells are fixed again)."""
        self.callers = self.callers + other.callers
        self.reached = None

    def counts(self, agents: np.ndarray) -> np.ndarray:
        """Counters of every replication, shape (replications, types, intervals, `records.N_COUNTS`)."""
        sc = with_agents(self.sc, agents)
        self.runs += len(self.callers)
        return np.stack([self._run(sc, c).counts for c in self.callers])

    def evaluate(self, agents: np.ndarray) -> Evaluation:
        c = self.counts(agents)
        hits = c[..., r.C_HITS]
        den = np.where(self.answered[None, :, None], c[..., r.C_ANSWERED], c[..., r.C_OFFERED] - c[..., r.C_CLOSED])
        reached = (c[..., r.C_OFFERED] - c[..., r.C_CLOSED]).mean(axis=0)
        if self.reached is None:  # calls reached do not depend on the staffing: the first evaluation fixes them
            self.reached = reached
            # deferrable work (emails, check-ins) is judged over the horizon only: its share done by
            # the due time, whichever interval the work is done in
            per_interval = np.array([self._interval_targets and t.channel not in DEFERRED for t in self.sc.types])
            self.cells = (reached >= self._min_calls) & (reached > 0) & per_interval[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            sl = np.where(den.sum(axis=0) > 0, hits.sum(axis=0) / den.sum(axis=0), np.nan)
            per_rep = np.where(den.sum(axis=2) > 0, hits.sum(axis=2) / den.sum(axis=2), np.nan)
        mean, half = _estimate(per_rep)
        half = np.nan_to_num(half, nan=0.0)
        margin = self._check * half * np.sqrt(per_rep.shape[0]) / _t975(per_rep.shape[0] - 1)  # sd from the half-width
        level = self.level[:, None]
        short = self.cells & ~(np.nan_to_num(sl, nan=1.0) >= level - 1e-12)
        has_calls = reached.sum(axis=1) > 0
        total_short = has_calls & ~(np.nan_to_num(mean - margin, nan=1.0) >= self.level - 1e-12)
        return Evaluation(sl, mean, half, margin, short, total_short, self.level)
