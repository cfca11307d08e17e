"""Opening hours per weekday; times of the week are seconds since Monday 00:00."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from cxqueue.exceptions import ConfigError
from cxqueue.units import DAY, WEEK

__all__ = ["WEEKDAYS", "OpeningHours"]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class OpeningHours:
    """Opening windows per weekday, in seconds since midnight; ``close_s`` may be 86400.

    ``windows[d]`` is a tuple of ``(open_s, close_s)`` pairs for weekday ``d``
    (Monday = 0), sorted and disjoint; an empty tuple means closed all day.

    Examples
    --------
    >>> h = OpeningHours.daily(8 * 3600, 20 * 3600)
    >>> h.is_open(8 * 3600), h.is_open(21 * 3600), h.is_open(86400 + 9 * 3600)
    (True, False, True)
    >>> h.next_opening_s(21 * 3600) / 3600
    32.0
    """

    windows: tuple[tuple[tuple[float, float], ...], ...] = field(
        default_factory=lambda: tuple(((0.0, DAY),) for _ in range(7))
    )

    def __post_init__(self):
        if len(self.windows) != 7:
            raise ConfigError(f"windows must have 7 weekdays; got {len(self.windows)}")
        clean = []
        for d, day in enumerate(self.windows):
            spans = []
            for w in day:
                o, c = float(w[0]), float(w[1])
                if not (0 <= o < c <= DAY):
                    raise ConfigError(f"hours.{WEEKDAYS[d]}: need 0 <= open_s < close_s <= 86400; got ({o}, {c})")
                spans.append((o, c))
            spans.sort()
            for (o1, c1), (o2, _) in itertools.pairwise(spans):
                if o2 < c1:
                    raise ConfigError(f"hours.{WEEKDAYS[d]}: windows overlap; ({o1}, {c1}) and one opening at {o2}")
            clean.append(tuple(spans))
        object.__setattr__(self, "windows", tuple(clean))

    @classmethod
    def always(cls) -> OpeningHours:
        return cls()

    @classmethod
    def daily(cls, open_s: float, close_s: float, *, days=range(7)) -> OpeningHours:
        days = set(days)
        return cls(tuple(((open_s, close_s),) if d in days else () for d in range(7)))

    @property
    def is_always_open(self) -> bool:
        return all(day == ((0.0, DAY),) for day in self.windows)

    def open_seconds_per_week(self) -> float:
        return float(sum(c - o for day in self.windows for o, c in day))

    def week_edges_s(self) -> np.ndarray:
        """Sorted (open, close) pairs over one week, seconds since Monday 00:00; shape (k, 2)."""
        spans = [(d * DAY + o, d * DAY + c) for d, day in enumerate(self.windows) for o, c in day]
        merged: list[list[float]] = []
        for o, c in spans:
            if merged and abs(merged[-1][1] - o) < 1e-9:
                merged[-1][1] = c
            else:
                merged.append([o, c])
        if len(merged) > 1 and merged[0][0] == 0.0 and merged[-1][1] == WEEK:
            merged[0][0] = merged[-1][0] - WEEK
            merged.pop()
        return np.asarray(merged, dtype=np.float64).reshape(-1, 2)

    def is_open(self, t_s: float) -> bool:
        t = float(t_s) % WEEK
        d, s = int(t // DAY), t % DAY
        return any(o <= s < c for o, c in self.windows[d])

    def open_mask(self, starts_s, interval_s: float) -> np.ndarray:
        """True for each interval whose midpoint falls in an opening window."""
        mids = np.asarray(starts_s, dtype=np.float64) + interval_s / 2
        return np.array([self.is_open(t) for t in mids], dtype=bool)

    def next_opening_s(self, t_s: float) -> float:
        """Earliest time >= t_s at which the center is open (t_s itself if open); inf if never."""
        if self.is_open(t_s):
            return float(t_s)
        edges = self.week_edges_s()
        if edges.size == 0:
            return math.inf
        week0 = math.floor(t_s / WEEK) * WEEK
        for k in (0, 1):
            for o, _ in edges:
                cand = week0 + k * WEEK + o
                if cand >= t_s:
                    return float(cand)
        return math.inf

    def describe(self) -> str:
        """The hours in words, weekdays with the same windows together.

        >>> OpeningHours.daily(7 * 3600, DAY, days=(0, 1, 2, 3, 6)).describe()
        'Mon-Thu, Sun 07:00-24:00; Fri, Sat closed'
        >>> OpeningHours.always().describe()
        'always open'
        """
        if self.is_always_open:
            return "always open"

        def hhmm(t: float) -> str:
            t = round(t)
            return f"{t // 3600:02d}:{t % 3600 // 60:02d}"

        def days(ds: list[int]) -> str:
            runs, out = [], []
            for d in ds:
                if runs and d == runs[-1][-1] + 1:
                    runs[-1].append(d)
                else:
                    runs.append([d])
            for r in runs:
                name = WEEKDAYS[r[0]][:3].title()
                last = WEEKDAYS[r[-1]][:3].title()
                out.append(name if len(r) == 1 else f"{name}, {last}" if len(r) == 2 else f"{name}-{last}")
            return ", ".join(out)

        groups: dict = {}
        for d, day in enumerate(self.windows):
            groups.setdefault(day, []).append(d)
        parts = []
        for day, ds in groups.items():
            spans = " and ".join(f"{hhmm(o)}-{hhmm(c)}" for o, c in day) if day else "closed"
            parts.append((day == (), ds[0], f"{days(ds)} {spans}"))
        return "; ".join(p for *_, p in sorted(parts))

    def to_dict(self) -> dict:
        return {WEEKDAYS[d]: [list(w) for w in day] for d, day in enumerate(self.windows)}
