"""Expand shift templates into candidate shifts and their coverage of the interval grid.

One candidate (a column of the covering MILP) is a template on one day, one start time
and one placement of every break. Breaks are placed explicitly: each break may start at
``window_start_s + k * break_step_s`` as long as it ends by ``window_end_s``, and a
candidate is made for every combination of placements in which no two breaks overlap
(so a template with a meal break of 7 possible positions and 41 start times gives 287
candidates per day). This is exact and keeps every column a whole shift, at the price
of more columns than the implicit (Bechtold-Jacobs / Aykin) formulation when a template
has several breaks with wide windows; `max_candidates` guards the size.

Coverage is the fraction of an interval that the agent works (1.0 when shifts and
breaks are aligned with the interval grid), so a shift that starts at 06:10 on a
15-minute grid covers 1/3 of the 06:00 interval.

Time is seconds since Monday 00:00 of the first week: interval ``i`` starts at
``start_s + i * interval_s``; day ``d`` (0 = the Monday of the first week) has weekday
``d % 7``. A candidate starts inside the horizon. With ``wrap=False`` the part of a shift
that runs past the end of the horizon covers nothing (it lies outside the plan); with
``wrap=True`` the horizon is cyclic (a week that repeats) and that part covers the first
intervals. With opening hours, a shift must lie wholly inside open time: a candidate
that would touch an interval whose midpoint is closed is not generated, and closed
intervals need no cover.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from cxqueue.exceptions import ConfigError
from cxqueue.scenario import WEEKDAYS, OpeningHours, ShiftTemplate
from cxqueue.units import DAY

__all__ = ["Candidates", "expand_templates", "format_time_of_week"]

_EPS = 1e-9


def format_time_of_week(t_s: float) -> str:
    """``"tuesday 06:15"`` for a time in seconds since Monday 00:00 (week 2+ adds ``(week k)``)."""
    day = math.floor(t_s / DAY + _EPS)
    sec = round(t_s - day * DAY)
    text = f"{WEEKDAYS[day % 7]} {sec // 3600:02d}:{(sec % 3600) // 60:02d}"
    return text if day < 7 else f"{text} (week {day // 7 + 1})"


@dataclass(frozen=True, eq=False)
class Candidates:
    """Candidate shifts: one column each of the ``coverage`` matrix (intervals x candidates)."""

    coverage: sp.csc_array
    cost: np.ndarray
    template: np.ndarray  # index into the template tuple
    day: np.ndarray  # day number since Monday of the first week
    start_s: np.ndarray  # seconds since Monday 00:00 of the first week
    breaks_s: np.ndarray  # (m, max breaks) absolute break starts, NaN-padded
    group: np.ndarray  # index into group_keys: one group per (template, day)
    group_keys: tuple[tuple[int, int], ...]
    empty_groups: tuple[tuple[int, int], ...]  # (template, day) with starts in the horizon but no candidate

    @property
    def n(self) -> int:
        return int(self.cost.size)


def _break_combos(tpl: ShiftTemplate, step_s: float) -> list[tuple[float, ...]]:
    """Every placement of the template's breaks (offsets from the shift start), none overlapping."""
    options = []
    for ws, we, dur in tpl.breaks:
        k = math.floor((we - dur - ws) / step_s + _EPS)
        options.append([ws + step_s * j for j in range(k + 1)])
    combos = []
    for combo in itertools.product(*options):
        spans = sorted(zip(combo, (b[2] for b in tpl.breaks), strict=True))
        if all(s1 + d1 <= s2 + _EPS for (s1, d1), (s2, _) in itertools.pairwise(spans)):
            combos.append(tuple(combo))
    return combos


def _profile(length_s: float, breaks, combo, phase_s: float, interval_s: float) -> np.ndarray:
    """Fraction of each interval worked, for a shift starting ``phase_s`` into interval 0."""
    n = math.ceil((phase_s + length_s) / interval_s - _EPS)
    lo = np.arange(n) * interval_s - phase_s
    hi = lo + interval_s
    work = np.clip(np.minimum(hi, length_s) - np.maximum(lo, 0.0), 0.0, None)
    for (_, _, dur), b in zip(breaks, combo, strict=True):
        work -= np.clip(np.minimum(hi, b + dur) - np.maximum(lo, b), 0.0, None)
    w = work / interval_s
    w[w < 1e-12] = 0.0
    return w


def expand_templates(
    templates: tuple[ShiftTemplate, ...],
    n_intervals: int,
    *,
    interval_s: float,
    start_s: float,
    hours: OpeningHours | None,
    wrap: bool,
    break_step_s: float,
    max_candidates: int,
) -> Candidates:
    """All candidate shifts of `templates` over the horizon; see the module docstring."""
    end_s = start_s + n_intervals * interval_s
    max_len = max(t.length_s for t in templates)
    n_ext = n_intervals + math.ceil(max_len / interval_s) + 2
    if hours is None or hours.is_always_open:
        open_ext = np.ones(n_ext, dtype=bool)
    else:
        idx = np.arange(n_ext)
        if wrap:
            idx = idx % n_intervals
        open_ext = hours.open_mask(start_s + idx * interval_s, interval_s)

    rows, cols, vals = [], [], []
    cost, tmpl, days, starts, brk, group = [], [], [], [], [], []
    group_keys: list[tuple[int, int]] = []
    empty: list[tuple[int, int]] = []
    max_breaks = max((len(t.breaks) for t in templates), default=0)
    first_day = math.floor(start_s / DAY + _EPS)
    last_day = math.floor((end_s - _EPS) / DAY)
    m = 0
    for ti, tpl in enumerate(templates):
        combos = _break_combos(tpl, break_step_s)
        profiles: dict[float, list[np.ndarray]] = {}
        for day in range(first_day, last_day + 1):
            if day % 7 not in tpl.days:
                continue
            t_abs = day * DAY + tpl.start_times_s()
            t_abs = t_abs[(t_abs >= start_s - _EPS) & (t_abs < end_s - _EPS)]
            if t_abs.size == 0:
                continue
            key = (ti, day)
            g = len(group_keys)
            n_before = m
            for t in t_abs:
                q = (t - start_s) / interval_s
                base = math.floor(q + _EPS)
                phase = round((q - base) * interval_s, 9)
                if phase not in profiles:
                    profiles[phase] = [_profile(tpl.length_s, tpl.breaks, c, phase, interval_s) for c in combos]
                span = profiles[phase][0].size
                if not open_ext[base : base + span].all():
                    continue
                for combo, prof in zip(combos, profiles[phase], strict=True):
                    r = base + np.flatnonzero(prof)
                    w = prof[prof > 0]
                    if wrap:
                        r = r % n_intervals
                    else:
                        keep = r < n_intervals
                        r, w = r[keep], w[keep]
                    rows.append(r)
                    cols.append(np.full(r.size, m, dtype=np.int64))
                    vals.append(w)
                    cost.append(tpl.cost)
                    tmpl.append(ti)
                    days.append(day)
                    starts.append(t)
                    brk.append([t + b for b in combo] + [np.nan] * (max_breaks - len(combo)))
                    group.append(g)
                    m += 1
                    if m > max_candidates:
                        raise ConfigError(
                            f"templates give more than max_candidates={max_candidates} candidate shifts "
                            f"(template {tpl.name!r} on {WEEKDAYS[day % 7]} reached it); widen start_step_s "
                            "or break_step_s, narrow the break windows, or raise max_candidates"
                        )
            if m == n_before:
                empty.append(key)
            else:
                group_keys.append(key)
    if rows:
        r = np.concatenate(rows)
        c = np.concatenate(cols)
        x = np.concatenate(vals)
    else:
        r = c = np.zeros(0, dtype=np.int64)
        x = np.zeros(0)
    coverage = sp.csc_array((x, (r, c)), shape=(n_intervals, m))
    coverage.sum_duplicates()
    return Candidates(
        coverage=coverage,
        cost=np.asarray(cost, dtype=np.float64),
        template=np.asarray(tmpl, dtype=np.int64),
        day=np.asarray(days, dtype=np.int64),
        start_s=np.asarray(starts, dtype=np.float64),
        breaks_s=np.asarray(brk, dtype=np.float64).reshape(m, max_breaks),
        group=np.asarray(group, dtype=np.int64),
        group_keys=tuple(group_keys),
        empty_groups=tuple(empty),
    )
