"""Figures of a plan, drawn from plain arrays (per interval) on a matplotlib Figure or Axes.

A planner reads a day at a time: the demand and the service level get one panel per
calendar day (hour of day along x, the same y scale in every panel), the waits a heatmap
on a fixed colour scale anchored to the target (closed hours grey), the shifts a roster
(one bar per start time, breaks cut out). Every line and band has a label in the legend.

Kept apart from `cxqueue.plots` (the sweep figures) to keep modules small; matplotlib
is only imported through `cxqueue.plots`, which picks the backend.
"""

from __future__ import annotations

import numpy as np

from cxqueue import plots
from cxqueue.scenario import WEEKDAYS
from cxqueue.units import DAY, HOUR, WEEK

__all__ = [
    "agents_by_group",
    "busy_and_abandon",
    "day_panels",
    "demand_by_day",
    "roster",
    "service_level_by_day",
    "wait_heatmap",
]


def _hours_axis(starts_s) -> np.ndarray:
    """Hours since the first interval's week start (Monday 00:00)."""
    return np.asarray(starts_s, dtype=np.float64) / HOUR


def _weekday_ticks(ax, starts_s) -> None:
    h = _hours_axis(starts_s)
    if h.size and h.max() - h.min() > 30:
        days = np.arange(np.floor(h.min() / 24), np.ceil(h.max() / 24) + 1)
        ax.set_xticks(days * 24, [WEEKDAYS[int(d) % 7][:3].title() for d in days])
    ax.set_xlabel("time of week" if h.size and h.max() - h.min() > 30 else "hour of day")


def day_panels(fig, n_days: int, *, cols: int = 7):
    """A grid of ``n_days`` axes sharing both scales (one per calendar day), row by row.

    >>> from matplotlib.figure import Figure
    >>> len(day_panels(Figure(), 9))
    9
    """
    cols = max(1, min(cols, n_days))
    rows = -(-n_days // cols)
    grid = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
    axes = list(grid.ravel())
    for ax in axes[n_days:]:
        ax.set_visible(False)
    for ax in axes[:n_days]:
        ax.set_xlim(0, 24)
        ax.set_xticks([0, 6, 12, 18, 24])
    return axes[:n_days]


def _by_day(starts_s, day_of):
    """Per day: the interval indices and their hour of day."""
    starts = np.asarray(starts_s, dtype=np.float64)
    hour = (starts % DAY) / HOUR
    return [(np.flatnonzero(day_of == k), hour) for k in range(int(day_of.max(initial=-1)) + 1)]


def _bars(ax, left, heights, width, **style):
    """Bars of one ``width`` from ``left``: one filled step outline where they touch (one artist
    instead of one rectangle per interval, drawn several times faster and looking the same),
    else `Axes.bar`."""
    if left.size > 1 and np.allclose(np.diff(left), width):
        return ax.stairs(heights, np.append(left, left[-1] + width), fill=True, baseline=0.0, **style)
    return ax.bar(left, heights, width=width, align="edge", **style)


def demand_by_day(fig, starts_s, calls, *, required, scheduled, on_duty, interval_s, day_of, labels):
    """One panel per day: calls per interval (grey, left axis) and agents (lines, right axis).

    ``day_of`` gives each interval's day (0, 1, ...); ``labels`` each day's title.

    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> axes = demand_by_day(fig, [0, 900], [10, 20], required=[3, 4], scheduled=[4, 4], on_duty=[4, 4],
    ...                      interval_s=900, day_of=np.array([0, 0]), labels=["Mon"])
    >>> axes[0].get_title()
    'Mon'
    """
    calls = np.asarray(calls, dtype=np.float64)
    series = [np.asarray(a, dtype=np.float64) for a in (required, scheduled, on_duty)]
    axes = day_panels(fig, len(labels))
    w = interval_s / HOUR
    top = max(float(np.max([s.max(initial=0) for s in series])), 1.0) * 1.08
    twins = []
    for ax, (idx, hour), label in zip(axes, _by_day(starts_s, np.asarray(day_of)), labels, strict=True):
        _bars(ax, hour[idx], calls[idx], w, color="0.82", label="calls per interval")
        ax.set_title(label, fontsize="medium")
        ax2 = ax.twinx()
        twins.append(ax2)
        for s, color, style, name in zip(
            series,
            ("C3", "C0", "C0"),
            ("-", "-", ":"),
            ("agents required (paid)", "agents scheduled (paid)", "agents on duty"),
            strict=True,
        ):
            ax2.step(hour[idx], s[idx], where="post", color=color, linestyle=style, label=name, linewidth=1.2)
        ax2.set_ylim(0, top)
        if ax is not axes[-1] and (axes.index(ax) + 1) % min(7, len(axes)):
            ax2.tick_params(labelright=False)
    axes[0].set_ylabel("calls")
    twins[-1].set_ylabel("agents")
    handles = axes[0].get_legend_handles_labels()[0] + twins[0].get_legend_handles_labels()[0]
    fig.legend(handles, [h.get_label() for h in handles], loc="outside lower center", ncols=4, fontsize="small")
    fig.supxlabel("hour of day", fontsize="small")
    return axes


def service_level_by_day(fig, starts_s, mean, low, high, *, target, day_of, labels, label="service level"):
    """One panel per day: the simulated level per interval with its 95 % band, and the target.

    >>> from matplotlib.figure import Figure
    >>> axes = service_level_by_day(Figure(), [0, 900], [0.8, 0.9], [0.7, 0.85], [0.9, 0.95], target=0.8,
    ...                             day_of=np.array([0, 0]), labels=["Mon"])
    >>> [float(y) for y in axes[0].get_ylim()]
    [0.0, 1.02]
    """
    mean, low, high = (np.asarray(a, dtype=np.float64) for a in (mean, low, high))
    axes = day_panels(fig, len(labels))
    for ax, (idx, hour), name in zip(axes, _by_day(starts_s, np.asarray(day_of)), labels, strict=True):
        ax.fill_between(
            hour[idx], np.clip(low[idx], 0, 1), np.clip(high[idx], 0, 1), step="post", alpha=0.3, color="C0",
            label="95 % interval (simulation)",
        )  # fmt: skip
        ax.step(hour[idx], mean[idx], where="post", color="C0", label=f"simulated {label}")
        ax.axhline(target, color="C3", linestyle=":", label=f"target {target:g}")
        ax.set_title(name, fontsize="medium")
    axes[0].set_ylim(0.0, 1.02)
    axes[0].set_ylabel(label)
    handles = axes[0].get_legend_handles_labels()[0]
    fig.legend(handles, [h.get_label() for h in handles], loc="outside lower center", ncols=3, fontsize="small")
    fig.supxlabel("hour of day", fontsize="small")
    return axes


def agents_by_group(fig, starts_s, on_duty, required, *, names, day_of, labels):
    """One panel per day: each group's agents on duty per interval (solid) and its requirement (dotted).

    >>> from matplotlib.figure import Figure
    >>> axes = agents_by_group(Figure(), [0, 900], [[3, 4], [1, 1]], [[3, 3], [1, 1]], names=["a", "b"],
    ...                        day_of=np.array([0, 0]), labels=["Mon"])
    >>> [line.get_label() for line in axes[0].get_lines()]
    ['a on duty', 'a required', 'b on duty', 'b required']
    """
    on_duty, required = (np.asarray(a, dtype=np.float64) for a in (on_duty, required))
    axes = day_panels(fig, len(labels))
    for ax, (idx, hour), title in zip(axes, _by_day(starts_s, np.asarray(day_of)), labels, strict=True):
        for g, name in enumerate(names):
            ax.step(hour[idx], on_duty[g, idx], where="post", color=f"C{g}", label=f"{name} on duty")
            ax.step(hour[idx], required[g, idx], where="post", color=f"C{g}", linestyle=":", label=f"{name} required")
        ax.set_title(title, fontsize="medium")
    axes[0].set_ylim(bottom=0.0)
    axes[0].set_ylabel("agents")
    handles = axes[0].get_legend_handles_labels()[0]
    fig.legend(handles, [h.get_label() for h in handles], loc="outside lower center", ncols=min(2 * len(names), 6),
               fontsize="small")  # fmt: skip
    fig.supxlabel("hour of day", fontsize="small")
    return axes


def wait_heatmap(starts_s, values, *, interval_s, target_s, is_open=None, ax=None):
    """Mean wait by weekday (rows) and hour of day (columns), on a fixed scale around the target.

    Green is well inside ``target_s``, the middle colour is the target itself and red is
    twice it or more, whatever the plan: a 10 s wait looks the same in every report.
    Hours when the center is closed (every interval of the hour, per ``is_open``) are grey.

    >>> ax = wait_heatmap([0, 3600, DAY], [5.0, 7.0, 9.0], interval_s=3600, target_s=20.0)
    >>> len(ax.get_yticks()), ax.images[0].norm.vmax
    (7, 40.0)
    """
    t = np.asarray(starts_s, dtype=np.float64) % WEEK
    vals = np.asarray(values, dtype=np.float64)
    is_open = np.ones(t.shape, dtype=bool) if is_open is None else np.asarray(is_open, dtype=bool)
    day = (t // DAY).astype(int)
    hour = ((t % DAY) // HOUR).astype(int)
    grid = np.full((7, 24), np.nan)
    closed = np.zeros((7, 24), dtype=bool)
    for d in range(7):
        for hr in range(24):
            at = (day == d) & (hour == hr)
            sel = at & np.isfinite(vals) & is_open
            if sel.any():
                grid[d, hr] = vals[sel].mean()
            closed[d, hr] = at.any() and not is_open[at].any()
    ax = plots.heatmap(
        grid,
        x=list(range(24)),
        y=[w[:3].title() for w in WEEKDAYS],
        ax=ax,
        cmap="RdYlGn_r",
        label=f"mean wait of answered calls (s); target {target_s:g} s",
        vmin=0.0,
        vmax=2.0 * target_s,
        center=target_s,
    )
    if closed.any():
        ax.imshow(
            np.ma.masked_where(~closed, np.ones_like(grid)), origin="lower", aspect="auto", cmap="Greys",
            vmin=0, vmax=2.5, interpolation="nearest",
        )  # fmt: skip
    ax.invert_yaxis()  # Monday on top, as a planner reads a week
    ax.set_xlabel("hour of day (grey: closed; blank: no calls)")
    ax.set_title("Waits by weekday and hour")
    return ax


def busy_and_abandon(starts_s, blocked, abandoned, *, blocked_band=None, abandoned_band=None, ax=None):
    """Fractions of calls that hear a busy signal and that hang up, per interval, with 95 % bands.

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
    for band, color, name in ((blocked_band, "C1", "busy signal"), (abandoned_band, "C4", "abandoned")):
        if band is not None:
            ax.fill_between(
                h, np.clip(band[0], 0, 1), np.clip(band[1], 0, 1), step="post", alpha=0.25, color=color,
                label=f"{name}: 95 % interval",
            )  # fmt: skip
    ax.set_ylabel("fraction of calls")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize="small", ncols=2)
    _weekday_ticks(ax, starts_s)
    ax.set_title("Busy signals and abandonment")
    return ax


def roster(ax, shifts, *, break_lengths_s=None):
    """The shift roster as a Gantt chart: one bar per (template, start), breaks cut out, counts on the bars.

    ``shifts`` are `cxqueue.optimize.shifts.ChosenShift`; ``break_lengths_s`` maps a
    template name to its breaks' lengths (in order).

    >>> from cxqueue.optimize.shifts.schedule import ChosenShift
    >>> ax = plots._new_ax()
    >>> shift = ChosenShift("day", 0, "monday", 28800.0, 57600.0, (43200.0,), 3)
    >>> [t.get_text() for t in roster(ax, [shift], break_lengths_s={"day": [1800.0]}).texts]
    ['3']
    """
    from matplotlib.patches import Patch

    shifts = sorted(shifts, key=lambda s: (s.start_s, s.template))
    names = list(dict.fromkeys(s.template for s in sorted(shifts, key=lambda s: s.template)))
    colors = {n: f"C{i % 10}" for i, n in enumerate(names)}
    lengths = break_lengths_s or {}
    # each day's shifts take rows from the top again: the days sit side by side along x
    rank: dict = {}
    rows = []
    for s in shifts:
        day = int((s.start_s + 1e-6) // DAY)
        rows.append(rank.get(day, 0))
        rank[day] = rows[-1] + 1
    for row, s in zip(rows, shifts, strict=True):
        start_h, end_h = s.start_s / HOUR, s.end_s / HOUR
        cuts = sorted(zip(s.breaks_s, lengths.get(s.template, [0.0] * len(s.breaks_s)), strict=False))
        pieces, at = [], start_h
        for b, dur in cuts:
            pieces.append((at, b / HOUR - at))
            at = (b + dur) / HOUR
        pieces.append((at, end_h - at))
        ax.broken_barh(pieces, (row - 0.4, 0.8), color=colors[s.template])
        ax.text(end_h + 0.3, row, str(s.count), va="center", fontsize="x-small")
    n_rows = max(rows, default=0) + 1
    ax.set_ylim(n_rows - 0.5, -0.5)
    ax.set_yticks([])
    ax.set_ylabel("shifts of each day, by start\n(agents at the right; gaps: breaks)")
    if shifts:
        _weekday_ticks(ax, [s.start_s for s in shifts] + [shifts[-1].end_s])
    ax.grid(axis="x", color="0.9")
    handles = [Patch(color=colors[n], label=n) for n in names]
    ax.legend(
        handles=handles, loc="lower right", fontsize="small", title="template (agents at the right; gaps: breaks)"
    )
    ax.set_title("Shift roster")
    return ax
