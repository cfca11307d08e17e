"""What a plan says to a planner: the recommendation, the promise, per day, the weakest intervals.

`headline` turns a `PlanResult` into plain data (numbers with their units in the key
names, and two sentences in planner words) that the report, ``summary.json``,
``plan.xlsx``, ``cxqueue compare`` and the terminal all show as they are: the report
computes nothing the library does not return.

Per-day KPIs come from the simulation's per-day counters (`SimulationResult.days`: a
day's answered-within-target calls over its calls, with the 95 % interval over the
replications), not from averaging interval levels.
"""

from __future__ import annotations

import numpy as np

from cxqueue.plan.checks import when
from cxqueue.scenario import WEEKDAYS
from cxqueue.units import DAY, HOUR

__all__ = ["calendar_dates", "headline", "per_day", "shifts_by_template", "weakest_intervals"]

_BASIS_WORDS = {
    "offered": "of calls",
    "answered": "of answered calls",
    "virtual": "of queued callers (virtual wait)",
}


def _f(x) -> float | None:
    """A float, or None where the simulation had nothing to measure (JSON has no NaN)."""
    x = float(x)
    return x if np.isfinite(x) else None


def _estimate(e, i=None, *, fraction: bool = False) -> dict:
    mean = np.asarray(e.mean, dtype=np.float64)
    half = np.nan_to_num(np.asarray(e.half_width, dtype=np.float64), nan=0.0)
    if i is not None:
        mean, half = mean[i], half[i]
    lo, hi = float(mean - half), float(mean + half)
    if fraction:
        lo, hi = max(lo, 0.0), min(hi, 1.0)
    else:
        lo = max(lo, 0.0)
    return {"mean": _f(mean), "low": _f(lo), "high": _f(hi)}


def calendar_dates(start_date, f, t_s) -> list[str]:
    """The calendar date of each time ``t_s`` (seconds since Monday 00:00 of the forecast ``f``'s
    first week), for a plan whose first day is ``start_date``.

    >>> from cxqueue.scenario import Forecast
    >>> f = Forecast(calls=[1.0] * 3, aht_s=60.0, interval_s=43200.0, start_s=86400.0)
    >>> calendar_dates("2026-12-08", f, [86400.0, 86400.0 + 46800.0, 172800.0])
    ['2026-12-08', '2026-12-08', '2026-12-09']
    """
    first = np.datetime64(start_date, "D")
    offset = np.floor(np.asarray(t_s, dtype=np.float64) / DAY) - np.floor(f.start_s / DAY)
    return [str(first + np.timedelta64(int(k), "D")) for k in offset]


def shifts_by_template(result) -> dict[str, int]:
    """Shifts worked in the horizon, per template, in the templates' order."""
    names = [t.name for t in result.templates] or sorted({s.template for s in result.schedule.shifts})
    out = dict.fromkeys(names, 0)
    for s in result.schedule.shifts:
        out[s.template] = out.get(s.template, 0) + int(s.count)
    return out


def per_day(result, start_date: str | None = None) -> list[dict]:
    """One row per calendar day of the horizon: calls, agent-hours, simulated KPIs, the weakest interval."""
    sc = result.scenario
    f = sc.forecast
    sim = result.simulation
    basis = sc.target.basis
    days = sim.days
    day_of = np.floor((f.interval_starts_s + 1e-6) / DAY) - np.floor((f.interval_starts_s[0] + 1e-6) / DAY)
    sl_i = np.asarray(getattr(sim.intervals, f"sl_{basis}").mean, dtype=np.float64)
    offered_i = np.asarray(sim.intervals.offered.mean, dtype=np.float64)
    dates = calendar_dates(start_date, f, sim.day_starts_s) if start_date else [None] * len(sim.day_starts_s)
    rows = []
    for k, t0 in enumerate(sim.day_starts_s):
        on = day_of == k
        cand = np.flatnonzero(on & (offered_i > 0) & np.isfinite(sl_i))
        worst = int(cand[np.argmin(sl_i[cand])]) if cand.size else None
        rows.append(
            {
                "day": WEEKDAYS[int(t0 // DAY) % 7][:3].title(),
                "date": dates[k],
                "calls": float(f.calls[on].sum()),
                "agent_hours_on_duty": float(np.asarray(sc.agents)[on].sum() * f.interval_s / HOUR),
                "service_level": _estimate(getattr(days, f"sl_{basis}"), k, fraction=True),
                "asa_s": _estimate(days.asa_s, k),
                "abandon_fraction": _estimate(days.abandon_fraction, k, fraction=True),
                "blocking_fraction": _estimate(days.blocking_fraction, k, fraction=True),
                "worst_interval": None
                if worst is None
                else {"interval": worst, "when": when(f.interval_starts_s[worst]), "service_level": _f(sl_i[worst])},
            }
        )
    return rows


def weakest_intervals(result, n: int = 10, start_date: str | None = None) -> list[dict]:
    """The ``n`` open intervals with calls whose simulated service level is lowest."""
    sc = result.scenario
    f = sc.forecast
    sim = result.simulation.intervals
    sl = getattr(sim, f"sl_{sc.target.basis}")
    mean = np.asarray(sl.mean, dtype=np.float64)
    offered = np.asarray(sim.offered.mean, dtype=np.float64)
    cand = np.flatnonzero((offered > 0) & np.isfinite(mean))
    pick = cand[np.argsort(mean[cand], kind="stable")[:n]]
    dates = calendar_dates(start_date, f, f.interval_starts_s[pick]) if start_date else [None] * pick.size
    return [
        {
            "interval": int(i),
            "when": when(f.interval_starts_s[i]),
            "date": dates[j],
            "calls": float(f.calls[i]),
            "agents_on_duty": float(np.asarray(sc.agents)[i]),
            "service_level": _estimate(sl, i, fraction=True),
            "asa_s": _estimate(sim.asa_s, i),
            # below with 95 % confidence (the plan's own test), or only by chance
            "status": "below target"
            if float(np.asarray(sl.mean)[i] + np.nan_to_num(np.asarray(sl.half_width)[i])) < sc.target.level
            else "within noise of the target"
            if mean[i] < sc.target.level
            else "meets target",
        }
        for j, i in enumerate(pick)
    ]


def _pct(x, digits: int = 1) -> str:
    return "n/a" if x is None else f"{100 * x:.{digits}f} %"


def headline(result, *, cost_unit: str = "paid hours", start_date: str | None = None) -> dict:
    """The first screen of a plan as plain data: what to do, what it promises, per day, where it is weakest.

    Returns a dict with ``recommendation`` and ``promise`` (sentences), ``shifts_by_template``,
    ``shifts``, ``shift_hours``, ``agent_hours_on_duty``, ``lines``, ``opening_hours``, ``cost``,
    ``cost_unit``, ``kpis`` (service level, ASA, abandonment, busy signals: mean and 95 %
    interval over the horizon), ``target``, ``per_day`` and ``weakest_intervals``.
    """
    sc = result.scenario
    f = sc.forecast
    t = sc.target
    tot = result.simulation.totals
    by = shifts_by_template(result)
    shift_hours = float(sum((s.end_s - s.start_s) * s.count for s in result.schedule.shifts) / HOUR)
    on_duty_h = float(np.asarray(sc.agents).sum() * f.interval_s / HOUR)
    kpis = {
        "service_level": _estimate(getattr(tot, f"sl_{t.basis}"), fraction=True),
        "asa_s": _estimate(tot.asa_s),
        "abandon_fraction": _estimate(tot.abandon_fraction, fraction=True),
        "blocking_fraction": _estimate(tot.blocking_fraction, fraction=True),
    }
    used = ", ".join(f"{name} {k}" for name, k in by.items() if k)
    n = sum(by.values())
    rec = (
        f"{n} shifts ({used or 'none'}), {on_duty_h:,.0f} agent-hours on duty, {result.lines} phone lines; "
        f"open {sc.hours.describe()}; cost {result.cost:,.1f} {cost_unit}."
    )
    if float(f.calls.sum()) <= 0:
        promise = "The demand holds no call: there is nothing to promise."
    else:
        sl, asa = kpis["service_level"], kpis["asa_s"]
        lo, hi = sl["low"], sl["high"]
        promise = (
            f"{_pct(sl['mean'])} {_BASIS_WORDS.get(t.basis, 'of calls')} answered within {t.answer_within_s:g} s "
            f"(95 % interval {_pct(lo)} to {_pct(hi)}; target {_pct(t.level, 0)}), "
            f"mean wait {'n/a' if asa['mean'] is None else format(asa['mean'], '.1f') + ' s'}, "
            f"{_pct(kpis['abandon_fraction']['mean'])} hang up, "
            f"{_pct(kpis['blocking_fraction']['mean'], 2)} hear a busy signal."
        )
    return {
        "recommendation": rec,
        "promise": promise,
        "shifts": n,
        "shifts_by_template": by,
        "shift_hours": shift_hours,
        "agent_hours_on_duty": on_duty_h,
        "lines": int(result.lines),
        "opening_hours": sc.hours.describe(),
        "cost": float(result.cost),
        "cost_unit": cost_unit,
        "kpis": kpis,
        "target": {"level": t.level, "answer_within_s": t.answer_within_s, "basis": t.basis},
        "per_day": per_day(result, start_date),
        "weakest_intervals": weakest_intervals(result, start_date=start_date),
    }
