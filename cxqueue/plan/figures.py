"""Figures of a plan, drawn from plain arrays (per interval) with an optional ``ax``.

Kept apart from `cxqueue.plots` (the sweep figures) to keep modules small; matplotlib
is only imported through `cxqueue.plots`, which picks the backend.
"""

from __future__ import annotations

import numpy as np

from cxqueue import plots
from cxqueue.scenario import WEEKDAYS
from cxqueue.units import DAY, HOUR, WEEK

__all__ = ["busy_and_abandon", "demand_vs_staffing", "service_level_band", "wait_heatmap"]


def _hours_axis(starts_s) -> np.ndarray:
    """Hours since the first interval's week start (Monday 00:00)."""
    return np.asarray(starts_s, dtype=np.float64) / HOUR


def _weekday_ticks(ax, starts_s) -> None:
    h = _hours_axis(starts_s)
    if h.size and h.max() - h.min() > 30:
        days = np.arange(np.floor(h.min() / 24), np.ceil(h.max() / 24) + 1)
        ax.set_xticks(days * 24, [WEEKDAYS[int(d) % 7][:3] for d in days])
    ax.set_xlabel("time of week" if h.size and h.max() - h.min() > 30 else "hour of day")


def demand_vs_staffing(starts_s, calls, *, required, scheduled, on_duty=None, interval_s, ax=None):
    """Calls per interval (bars, left axis) against agents required and scheduled (right).

    Examples
    --------
    >>> ax = demand_vs_staffing([0, 900], [10, 20], required=[3, 4], scheduled=[4, 4], interval_s=900)
    >>> ax.get_ylabel()
    'calls per interval'
    """
    ax = plots._new_ax() if ax is None else ax
    h = _hours_axis(starts_s)
    w = interval_s / HOUR
    calls = np.asarray(calls, dtype=np.float64)
    if h.size and np.allclose(np.diff(h), w):
        # back-to-back intervals: one outline instead of a bar each (a week has 672; drawing
        # them one by one took a second)
        ax.stairs(calls, np.append(h, h[-1] + w), fill=True, color="0.8", label="calls")
    else:
        ax.bar(h, calls, width=w, align="edge", color="0.8", label="calls")
    ax.set_ylabel("calls per interval")
    ax2 = ax.twinx()
    ax2.step(h, required, where="post", color="C3", label="agents required")
    ax2.step(h, scheduled, where="post", color="C0", label="agents scheduled (paid)")
    if on_duty is not None:
        ax2.step(h, on_duty, where="post", color="C0", linestyle=":", label="agents on duty")
    ax2.set_ylabel("agents")
    ax2.set_ylim(bottom=0)
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(handles, [hd.get_label() for hd in handles], loc="upper left", fontsize="small")
    _weekday_ticks(ax, starts_s)
    ax.set_title("Demand against staffing")
    return ax


def service_level_band(starts_s, mean, low, high, *, target, analytic=None, ax=None, label="service level"):
    """Simulated service level per interval with its 95 % band, the analytic value and the target.

    Examples
    --------
    >>> ax = service_level_band([0, 900], [0.8, 0.9], [0.7, 0.85], [0.9, 0.95], target=0.8)
    >>> bool(ax.get_ylim()[1] <= 1.05)
    True
    """
    ax = plots._new_ax() if ax is None else ax
    h = _hours_axis(starts_s)
    mean = np.asarray(mean, dtype=np.float64)
    ax.fill_between(
        h, np.clip(low, 0, 1), np.clip(high, 0, 1), step="post", alpha=0.3, color="C0", label="95 % interval"
    )
    ax.step(h, mean, where="post", color="C0", label=f"simulated {label}")
    if analytic is not None:
        ax.step(h, analytic, where="post", color="C2", linestyle="--", label=f"analytic {label}")
    ax.axhline(target, color="C3", linestyle=":", label=f"target {target:g}")
    # zoom to the data and the target (a plan near its target would be a thin line at the top)
    shown = np.concatenate([np.ravel(low), np.ravel(mean), [target]] + ([np.ravel(analytic)] if analytic is not None
                                                                       else []))  # fmt: skip
    shown = shown[np.isfinite(shown)]
    ax.set_ylim(max(0.0, np.floor((shown.min() - 0.05) * 10) / 10) if shown.size else 0.0, 1.02)
    ax.set_ylabel(label)
    ax.legend(loc="lower left", fontsize="small")
    _weekday_ticks(ax, starts_s)
    ax.set_title("Service level by interval")
    return ax


def wait_heatmap(starts_s, values, *, interval_s, ax=None, label="mean wait of answered calls (s)"):
    """Values per interval arranged by weekday (rows) and hour of day (columns); hourly means.

    Examples
    --------
    >>> ax = wait_heatmap([0, 3600, DAY], [5.0, 7.0, 9.0], interval_s=3600)
    >>> len(ax.get_yticks())
    7
    """
    t = np.asarray(starts_s, dtype=np.float64) % WEEK
    vals = np.asarray(values, dtype=np.float64)
    day = (t // DAY).astype(int)
    hour = ((t % DAY) // HOUR).astype(int)
    grid = np.full((7, 24), np.nan)
    for d in range(7):
        for hr in range(24):
            sel = (day == d) & (hour == hr) & np.isfinite(vals)
            if sel.any():
                grid[d, hr] = vals[sel].mean()
    ax = plots.heatmap(grid, x=list(range(24)), y=[w[:3] for w in WEEKDAYS], ax=ax, cmap="magma_r", label=label)
    ax.set_xlabel("hour of day")
    ax.set_title("Waits by weekday and hour")
    return ax


def busy_and_abandon(starts_s, blocked, abandoned, *, blocked_band=None, abandoned_band=None, ax=None):
    """Fractions of calls that hear a busy signal and that hang up, per interval.

    Examples
    --------
    >>> ax = busy_and_abandon([0, 900], [0.0, 0.01], [0.05, 0.02])
    >>> ax.get_ylabel()
    'fraction of calls'
    """
    ax = plots._new_ax() if ax is None else ax
    h = _hours_axis(starts_s)
    ax.step(h, blocked, where="post", color="C1", label="busy signal")
    ax.step(h, abandoned, where="post", color="C4", label="abandoned")
    for band, color in ((blocked_band, "C1"), (abandoned_band, "C4")):
        if band is not None:
            ax.fill_between(h, np.clip(band[0], 0, 1), np.clip(band[1], 0, 1), step="post", alpha=0.25, color=color)
    ax.set_ylabel("fraction of calls")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize="small")
    _weekday_ticks(ax, starts_s)
    ax.set_title("Busy signals and abandonment")
    return ax
