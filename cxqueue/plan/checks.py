"""The checks that make a doubtful plan say so: of the demand before planning, of the plan after.

Each returns a list of `cxqueue.scenario.PlanWarning`; `optimize_plan` runs both and the
result carries them (``PlanResult.warnings``), so a script that calls the library sees
the same warnings as the report and the command line. The thresholds are those of
issue 12: calls in closed hours above 1 %, a mean handle time under 10 s or over 2 h,
an open weekday without calls, occupancy above 95 %, a target that `max_agents` or the
iteration cap keeps out of reach.
"""

from __future__ import annotations

import numpy as np

from cxqueue.scenario import WEEKDAYS, PlanWarning, Scenario
from cxqueue.units import DAY, WEEK

__all__ = ["MAX_OCCUPANCY", "VALIDATION_SLACK", "check_demand", "check_plan", "check_validation", "when"]

CLOSED_CALLS = 0.01  # fraction of calls in closed hours above which a plan is doubtful
AHT_RANGE_S = (10.0, 7200.0)  # a mean handle time outside this is a unit slip, not a call
MAX_OCCUPANCY = 0.95  # agents busier than this have no slack between calls
VALIDATION_SLACK = 1.5  # a replay's per-interval error this far above its noise floor: the model misses


def when(t_s: float) -> str:
    """A time of the week in words: ``"Mon 08:15"``.

    >>> when(86400.0 + 8.25 * 3600)
    'Tue 08:15'
    """
    t = float(t_s) % WEEK
    d, s = int(t // DAY), round(t % DAY)
    return f"{WEEKDAYS[d][:3].title()} {s // 3600:02d}:{s % 3600 // 60:02d}"


def _listed(starts_s, limit: int = 6) -> str:
    shown = ", ".join(when(t) for t in starts_s[:limit])
    return shown + (f" and {len(starts_s) - limit} more" if len(starts_s) > limit else "")


def check_demand(scenario: Scenario, hours=None) -> list[PlanWarning]:
    """Warnings about the demand and the opening hours, before anything is planned.

    >>> from cxqueue.scenario import Forecast, OpeningHours
    >>> f = Forecast(calls=[50.0] * 4, aht_s=3.0, interval_s=21600.0)
    >>> [w.code for w in check_demand(Scenario(f, 0, hours=OpeningHours.always()))]
    ['implausible_aht']
    """
    f = scenario.forecast
    hours = hours or scenario.hours
    total = float(f.calls.sum())
    if total <= 0:
        return [PlanWarning("no_calls", "the demand holds no call: nothing to plan, every figure is empty", "[demand]")]
    out = []
    is_open = hours.open_mask(f.interval_starts_s, f.interval_s)
    closed = float(f.calls[~is_open].sum())
    if closed > CLOSED_CALLS * total:
        idx = np.flatnonzero(~is_open & (f.calls > 0))
        top = idx[np.argsort(-f.calls[idx], kind="stable")[:4]]
        out.append(
            PlanWarning(
                "closed_hours_calls",
                f"{closed / total:.1%} of the calls ({closed:,.0f} of {total:,.0f}) arrive while the center is closed "
                f"(most at {_listed(f.interval_starts_s[np.sort(top)])}): they hear the closed message and no agent "
                "is planned for them. Are the opening hours right, and does the demand start at the right time "
                "(a [demand].csv without a time column or start key is placed at Monday 00:00)?",
                "[hours], [demand]",
            )
        )
    aht = float(np.average(f.aht_s, weights=f.calls))
    lo, hi = AHT_RANGE_S
    if not lo <= aht <= hi:
        side = f"under {lo:g} s" if aht < lo else f"over {hi / 3600:g} h"
        out.append(
            PlanWarning(
                "implausible_aht",
                f"the mean handle time is {aht:,.4g} s ({aht / 60:,.3g} min), {side}: is the handle time given in "
                "minutes or milliseconds where seconds are expected (an aht_s column, [demand].aht_s)?",
                "[demand].aht_s",
            )
        )
    day = np.floor((f.interval_starts_s + 1e-6) / DAY).astype(np.int64)
    weekday = day % 7
    silent = []
    for d in range(7):
        on = (weekday == d) & is_open
        if on.any() and f.calls[on].sum() <= 0:
            silent.append(WEEKDAYS[d].title())
    if silent and len(silent) < 7:
        out.append(
            PlanWarning(
                "missing_weekdays",
                f"the center is open on {', '.join(silent)} but the demand has no call then: a history with "
                "missing weekdays? No agent is planned for those days; if the center is closed then, say so in "
                "[hours].",
                "[demand], [hours]",
            )
        )
    return out


def check_plan(result, *, needed=None) -> list[PlanWarning]:
    """Warnings about a plan: not converged, occupancy above 95 %, a cap below the need.

    ``needed`` is the analytic requirement before ``max_agents`` capped it.
    """
    sc, settings = result.scenario, result.settings
    f = sc.forecast
    starts = f.interval_starts_s
    out = []
    capped = np.zeros(f.n_intervals, dtype=bool)
    if needed is not None and settings.max_agents is not None:
        capped = np.asarray(needed) > settings.max_agents
        if capped.any():
            out.append(
                PlanWarning(
                    "capped_agents",
                    f"max_agents = {settings.max_agents} is below what the target needs in {int(capped.sum())} "
                    f"interval(s) (up to {int(np.max(needed))} agents on duty, at {_listed(starts[capped])}): the "
                    "target cannot be met there. Raise max_agents, or lower the target.",
                    "[staffing].max_agents",
                )
            )
    if not result.converged:
        fix = (
            "raise [staffing].max_agents"
            if capped.any()
            else "give shift templates that can cover those hours ([shifts]: start windows, lengths), plan without "
            "--quick (more iterations), or lower the target"
        )
        out.append(
            PlanWarning(
                "not_converged",
                f"the plan misses its target: {result.message}. To fix it: {fix}.",
                "[target]",
            )
        )
    occ = np.asarray(result.simulation.intervals.occupancy.mean, dtype=np.float64)
    busy = (f.calls > 0) & (np.asarray(sc.agents) > 0) & np.isfinite(occ) & (occ > MAX_OCCUPANCY)
    if busy.any():
        worst = int(np.flatnonzero(busy)[np.argmax(occ[busy])])
        out.append(
            PlanWarning(
                "high_occupancy",
                f"agents are busy over {MAX_OCCUPANCY:.0%} of their time in {int(busy.sum())} interval(s) (up to "
                f"{occ[worst]:.1%} at {when(starts[worst])}): no slack for after-call work or a burst of calls; "
                "such a plan holds on paper and burns out its agents. Add agents there or check the handle time.",
                "[target]",
            )
        )
    return out


def check_validation(replay) -> list[PlanWarning]:
    """A warning when the replay of the user's history misses: a KPI's per-interval error is
    more than `VALIDATION_SLACK` times its noise floor (the error a perfect model would show
    from so few calls per interval), widened by sqrt(1 + 1/R) for the noise of a mean over R
    replications (quick runs use few)."""
    out = []
    slack = VALIDATION_SLACK * float(np.sqrt(1.0 + 1.0 / max(int(replay.replications), 1)))
    for k in replay.kpis:
        o = k.overall
        if np.isfinite(o.mae) and np.isfinite(o.noise_mae) and o.mae > slack * o.noise_mae:
            unit = " s" if k.name.endswith("_s") else ""
            out.append(
                PlanWarning(
                    "validation_mismatch",
                    f"replaying your history, the model's {k.name.replace('_', ' ')} is off by {o.mae:.3g}{unit} per "
                    f"interval on average, {o.mae / o.noise_mae:.2f} times the {o.noise_mae:.3g}{unit} that chance "
                    f"alone explains (bias {o.bias:+.3g}{unit}): the plan's promises rest on a model that does not "
                    "reproduce your center. Check [validation].agent_factor, [reserve] and the fitted distributions.",
                    "[validation]",
                )
            )
    return out
