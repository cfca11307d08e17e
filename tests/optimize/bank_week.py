"""The bank's week for the global service-level comparison, shared by its test and its benchmark.

``tests/optimize/test_global_sl_bank.py`` builds it from the shipped profile ``bank-1999``;
``benchmarks/bench_global_sl.py`` from the raw January-February 1999 logs. Hours and shift
templates are those of ``configs/default.toml``; each interval's service-level curve is
Erlang A (M/M/c+M) with the fitted patience on the "offered" basis (abandoned calls miss),
which is what the simulation's ``sl_offered`` measures.
"""

from __future__ import annotations

import numpy as np

from cxqueue.analytic import erlang_a
from cxqueue.config import default_config_path, load_scenario
from cxqueue.optimize.shifts import schedule_shifts
from cxqueue.scenario import Scenario, ServiceTarget
from cxqueue.sim import simulate

TARGET = 0.8
WITHIN_S = 20.0
K = 30  # agents 0..K on the curve; the bank never needs more than 13
SEED = 1999


class BankWeek:
    """The bank's week: forecast, distributions, hours, templates, Erlang A curve and floors.

    ``gap`` and ``time_limit_s`` go to every schedule; ``replications`` is the default of
    `simulate`.
    """

    def __init__(self, forecast, handle, patience, *, gap: float, time_limit_s: float, replications: int):
        cfg = load_scenario(default_config_path())
        f = forecast
        self.forecast, self.handle, self.patience = f, handle, patience
        self.hours, self.templates = cfg.hours, cfg.shifts
        self.open = cfg.hours.open_mask(f.interval_starts_s, f.interval_s)
        self.calls = np.where(self.open, f.calls, 0.0)  # calls while closed are not served by any schedule
        self.curve = self.service_level(np.arange(K + 1.0)[None, :])
        # at least one agent whenever the bank is open and calls come, in every schedule
        self.floor = np.where(self.open & (f.calls > 0), 1.0, 0.0)
        self.gap, self.time_limit_s, self.replications = gap, time_limit_s, replications

    def service_level(self, agents) -> np.ndarray:
        f = self.forecast
        return erlang_a.service_level(
            f.offered_load[:, None],
            agents,
            aht_s=f.aht_s[:, None],
            mean_patience_s=self.patience.mean_s,
            answer_within_s=WITHIN_S,
        )

    def weekly_level(self, agents) -> float:
        """Call-weighted Erlang A service level over the open week at ``agents`` per interval."""
        sl = self.service_level(np.asarray(agents, dtype=float)[:, None])[:, 0]
        return float(self.calls @ sl / self.calls.sum())

    def requirement(self, level: float) -> np.ndarray:
        """Fewest agents per open interval with Erlang A service level >= ``level`` (and the floor)."""
        need = np.argmax(self.curve >= level - 1e-12, axis=1).astype(float)
        return np.where(self.open, np.maximum(need, self.floor), 0.0)

    def schedule(self, objective: str, level: float = TARGET):
        """The ``"cover"`` schedule at ``level`` in every interval, or the global one at ``level`` over the week."""
        kw = dict(
            interval_s=self.forecast.interval_s,
            start_s=self.forecast.start_s,
            hours=self.hours,
            wrap=True,
            sl_curve=self.curve,
            calls=self.calls,
            mip_rel_gap=self.gap,
            time_limit_s=self.time_limit_s,
        )
        if objective == "cover":
            return schedule_shifts(self.requirement(level), self.templates, **kw)
        return schedule_shifts(self.floor, self.templates, objective="global_service_level", target_level=level, **kw)

    def matched_cover(self, steps: int, first=None):
        """The fairest cover schedule: the lowest per-interval level whose week still reaches `TARGET`.

        Bisection on the per-interval level over [0.3, TARGET] in ``steps`` steps (the cover
        schedule's weekly level rises with it), starting from ``first`` (the cover schedule at
        `TARGET`; computed when not given). Returns the schedule and its per-interval level.
        """
        lo, hi = 0.3, TARGET
        best = self.schedule("cover", hi) if first is None else first
        for _ in range(steps):
            mid = 0.5 * (lo + hi)
            s = self.schedule("cover", mid)
            if s.global_service_level >= TARGET:
                hi, best = mid, s
            else:
                lo = mid
        return best, hi

    def simulate(self, agents, replications: int | None = None):
        """Weekly ``sl_offered`` simulated (fast engine, lognormal handle times, seed `SEED`: common random numbers)."""
        sc = Scenario(
            self.forecast,
            agents=agents,
            handle=self.handle,
            patience=self.patience,
            hours=self.hours,
            target=ServiceTarget(level=TARGET, answer_within_s=WITHIN_S),
        )
        reps = self.replications if replications is None else replications
        return simulate(sc, replications=reps, seed=SEED, engine="fast").totals.sl_offered
