"""The output folder of a plan: plan.csv, shifts.csv, summary.json, figures, report.html.

The folder is written atomically through `cxqueue.data.folders.OutputFolder`: everything
goes into a temporary sibling folder that is renamed into place at the end, so a failed
run never leaves half a report, and an existing folder is replaced only with
``force=True`` and only when cxqueue wrote it (the old one is removed only once the new
one is in place).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from cxqueue import __version__
from cxqueue.data.folders import OutputFolder
from cxqueue.plan.headline import calendar_dates
from cxqueue.plan.page import render_page
from cxqueue.plan.workbook import write_workbook
from cxqueue.scenario import WEEKDAYS
from cxqueue.units import DAY, WEEK

__all__ = ["FIGURES", "shift_table", "write_plan_report", "write_summary"]

#: figure file name -> what it shows (the report's captions)
FIGURES = {
    "roster.png": "The shifts: one bar per start time and template, breaks cut out, the number of agents at the right.",
    "demand_by_day.png": "Per day: calls per interval (grey) against agents required, scheduled (paid) and on duty.",
    "service_level_by_day.png": "Per day: the simulated service level per interval with its 95 % interval, and "
    "the target.",
    "waits_heatmap.png": "Mean wait of answered calls by weekday and hour, on a fixed scale: green well inside the "
    "target, yellow at it, red at twice it or more; grey hours are closed.",
    "busy_and_abandon.png": "Fractions of calls that hear a busy signal and that hang up, per interval, with "
    "95 % intervals.",
}


def _when(t_s: float) -> str:
    t = t_s % WEEK
    d, s = int(t // DAY), int(t % DAY)
    return f"{WEEKDAYS[d][:3]} {s // 3600:02d}:{s % 3600 // 60:02d}"


def _plan_rows(result, start_date=None) -> tuple[list[str], list[list]]:
    sc = result.scenario
    f = sc.forecast
    sim = result.simulation.intervals
    m = result.analytic
    basis = sc.target.basis
    sl = getattr(sim, f"sl_{basis}")
    header = [
        "interval",
        "start_s",
        "when",
        "calls",
        "aht_s",
        "offered_load",
        "required_agents",
        "added_by_simulation",
        "scheduled_agents",
        "on_duty_agents",
        "lines",
        f"analytic_sl_{basis}",
        "analytic_asa_s",
        "analytic_abandon",
        "analytic_blocking",
        "analytic_occupancy",
        f"sim_sl_{basis}",
        f"sim_sl_{basis}_low",
        f"sim_sl_{basis}_high",
        "sim_asa_s",
        "sim_asa_s_halfwidth",
        "sim_abandon_fraction",
        "sim_abandon_halfwidth",
        "sim_blocking_fraction",
        "sim_offered",
        "sim_answered",
    ]
    analytic_sl = m.service_level(basis if basis != "virtual" else "virtual")
    if start_date is not None:  # a dated plan: its calendar date beside the time of the week
        header.insert(3, "date")
    dates = calendar_dates(start_date, f, f.interval_starts_s) if start_date is not None else None
    rows = []
    starts = f.interval_starts_s
    for i in range(f.n_intervals):
        rows.append(
            [
                i,
                float(starts[i]),
                _when(starts[i]),
                *([dates[i]] if dates else []),
                float(f.calls[i]),
                float(f.aht_s[i]),
                float(f.offered_load[i]),
                int(result.required[i]),
                int(result.added[i]),
                float(result.schedule.agents[i]),
                float(sc.agents[i]),
                int(result.lines),
                float(analytic_sl[i]),
                float(m.average_speed_of_answer_s[i]),
                float(m.abandon_probability[i]),
                float(m.blocking[i]),
                float(m.occupancy[i]),
                float(np.asarray(sl.mean)[i]),
                float(np.asarray(sl.low)[i]),
                float(np.asarray(sl.high)[i]),
                float(np.asarray(sim.asa_s.mean)[i]),
                float(np.asarray(sim.asa_s.half_width)[i]),
                float(np.asarray(sim.abandon_fraction.mean)[i]),
                float(np.asarray(sim.abandon_fraction.half_width)[i]),
                float(np.asarray(sim.blocking_fraction.mean)[i]),
                float(np.asarray(sim.offered.mean)[i]),
                float(np.asarray(sim.answered.mean)[i]),
            ]
        )
    return header, rows


def _write_csv(path: Path, header, rows) -> None:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r in rows:
            w.writerow(["" if isinstance(x, float) and not np.isfinite(x) else x for x in r])


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"not JSON serializable: {type(o).__name__}")


def _day_labels(result, start_date=None) -> tuple[np.ndarray, list[str]]:
    """Each interval's day (0, 1, ...) and each day's panel title (weekday, and date if dated)."""
    from cxqueue.sim.kpis import day_index

    f = result.scenario.forecast
    day_of, day_starts = day_index(f.interval_starts_s, f.interval_s)
    names = [WEEKDAYS[int(t // DAY) % 7][:3].title() for t in day_starts]
    if start_date is not None:
        names = [f"{n} {d[5:]}" for n, d in zip(names, calendar_dates(start_date, f, day_starts), strict=True)]
    return day_of, names


def _figures(result, folder: Path, start_date=None) -> list[str]:
    from matplotlib.figure import Figure

    from cxqueue.plan import figures as pp

    sc = result.scenario
    f = sc.forecast
    sim = result.simulation.intervals
    basis = sc.target.basis
    sl = getattr(sim, f"sl_{basis}")
    starts = f.interval_starts_s
    keep = 1.0 - sc.target.shrinkage
    day_of, labels = _day_labels(result, start_date)
    rows = -(-len(labels) // 7)
    made = []

    def save(name, draw, height=4.2, one_ax=True):
        # a Figure of its own, not pyplot's: nothing stays registered after the run
        fig = Figure(figsize=(12, height), layout="constrained")
        draw(fig.add_subplot() if one_ax else fig)
        fig.savefig(folder / name, dpi=100)
        made.append(name)

    per_day = np.bincount([int((s.start_s + 1e-6) // DAY) % 7 for s in result.schedule.shifts], minlength=1)
    n_rows = int(per_day.max())
    lengths = {t.name: [b[2] for b in t.breaks] for t in result.templates}
    save("roster.png", lambda ax: pp.roster(ax, result.schedule.shifts, break_lengths_s=lengths),
         height=min(2.0 + 0.16 * n_rows, 14.0))  # fmt: skip
    save(
        "demand_by_day.png",
        lambda fig: pp.demand_by_day(
            fig,
            starts,
            f.calls,
            required=np.ceil(result.required / keep - 1e-9),
            scheduled=result.schedule.agents,
            on_duty=sc.agents,
            interval_s=f.interval_s,
            day_of=day_of,
            labels=labels,
        ),
        height=1.0 + 2.2 * rows,
        one_ax=False,
    )
    save(
        "service_level_by_day.png",
        lambda fig: pp.service_level_by_day(
            fig,
            starts,
            sl.mean,
            sl.low,
            sl.high,
            target=sc.target.level,
            day_of=day_of,
            labels=labels,
            label=f"service level ({basis})",
        ),
        height=1.0 + 2.0 * rows,
        one_ax=False,
    )
    is_open = sc.hours.open_mask(starts, f.interval_s)
    save(
        "waits_heatmap.png",
        lambda ax: pp.wait_heatmap(
            starts, sim.asa_s.mean, interval_s=f.interval_s, target_s=sc.target.answer_within_s, is_open=is_open, ax=ax
        ),
    )
    save(
        "busy_and_abandon.png",
        lambda ax: pp.busy_and_abandon(
            starts,
            sim.blocking_fraction.mean,
            sim.abandon_fraction.mean,
            blocked_band=(sim.blocking_fraction.low, sim.blocking_fraction.high),
            abandoned_band=(sim.abandon_fraction.low, sim.abandon_fraction.high),
            ax=ax,
        ),
    )
    return made


def _hhmm_day(t_s: float, day_start_s: float) -> str:
    """Clock time of ``t_s``, with "+1d" when it falls on a day after ``day_start_s``'s day.

    >>> _hhmm_day(86400.0 + 3600.0, 57600.0), _hhmm_day(86400.0, 57600.0)
    ('01:00 +1d', '24:00')
    """
    over = int((t_s + 1e-6) // DAY - (day_start_s + 1e-6) // DAY)
    s = round(t_s % DAY)
    if s == 0 and over > 0:  # midnight at the end of the day reads 24:00
        s, over = int(DAY), over - 1
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}" + (f" +{over}d" if over else "")


def _shift_rows(result, start_date=None) -> tuple[list[str], list[list]]:
    return shift_table(result.schedule.shifts, result.templates, result.scenario.forecast, start_date)


def shift_table(shifts, templates, forecast=None, start_date=None) -> tuple[list[str], list[list]]:
    """shifts.csv: readable start, end and breaks (clock times and minutes) beside the seconds; a dated
    plan (``start_date`` with its ``forecast``) adds each shift's date."""
    lengths = {t.name: [b[2] for b in t.breaks] for t in templates}
    when = calendar_dates(start_date, forecast, [s.start_s for s in shifts]) if start_date else None
    rows = []
    for i, s in enumerate(shifts):
        lens = lengths.get(s.template, [])
        breaks = "; ".join(
            _hhmm_day(b, s.start_s) + (f" ({lens[j] / 60:g} min)" if j < len(lens) else "")
            for j, b in enumerate(s.breaks_s)
        )
        rows.append(
            [
                s.template,
                s.weekday,
                *([when[i]] if when else []),
                s.day,
                _hhmm_day(s.start_s, s.start_s),
                _hhmm_day(s.end_s, s.start_s),
                (s.end_s - s.start_s) / 3600.0,
                breaks,
                sum(lens) / 60.0,
                s.count,
                s.start_s,
                s.end_s,
            ]
        )
    head = ["template", "weekday", *(["date"] if when else []), "day", "start", "end", "length_h", "breaks",
            "break_min", "count", "start_s", "end_s"]  # fmt: skip
    return head, rows


def _per_day_rows(summary: dict) -> tuple[list[str], list[list]]:
    """The summary's per-day table as rows (for plan.xlsx)."""
    head = ["day", "date", "calls", "agent_hours_on_duty", "sl", "sl_low", "sl_high", "asa_s", "abandon_fraction",
            "blocking_fraction", "worst_interval", "worst_interval_sl"]  # fmt: skip
    rows = []
    for d in summary["per_day"]:
        w = d["worst_interval"] or {}
        rows.append(
            [d["day"], d["date"] or "", d["calls"], d["agent_hours_on_duty"], d["service_level"]["mean"],
             d["service_level"]["low"], d["service_level"]["high"], d["asa_s"]["mean"], d["abandon_fraction"]["mean"],
             d["blocking_fraction"]["mean"], w.get("when", ""), w.get("service_level")]
        )  # fmt: skip
    return head, rows


def _weakest_rows(summary: dict) -> tuple[list[str], list[list]]:
    """The summary's weakest intervals as rows (for plan.xlsx)."""
    head = ["interval", "when", "date", "calls", "agents_on_duty", "sl", "sl_low", "sl_high", "asa_s", "status"]
    rows = [
        [w["interval"], w["when"], w["date"] or "", w["calls"], w["agents_on_duty"], w["service_level"]["mean"],
         w["service_level"]["low"], w["service_level"]["high"], w["asa_s"]["mean"], w["status"]]
        for w in summary["weakest_intervals"]
    ]  # fmt: skip
    return head, rows


def write_summary(tmp: Path, summary: dict, extra: dict | None) -> dict:
    """summary.json in ``tmp``: the plan's ``summary`` with the version and ``extra`` (whose
    ``warnings``, the config's, come before the plan's); returns what was written."""
    summary["cxqueue_version"] = __version__
    if extra:
        summary.update({k: v for k, v in extra.items() if k != "warnings"})
        # the config's warnings (a fallback, a short history) come first, before the plan's
        summary["warnings"] = [*extra.get("warnings", []), *summary["warnings"]]
    (tmp / "summary.json").write_text(json.dumps(summary, indent=2, default=_json_default) + "\n")
    return summary


def write_plan_report(
    result,
    folder,
    *,
    force: bool = False,
    figures: bool = True,
    title: str | None = None,
    extra: dict | None = None,
    tables: dict | None = None,
    start_date: str | None = None,
    cost_unit: str = "paid hours",
    formats=("csv", "html", "xlsx"),
) -> Path:
    """Write a plan's output folder atomically and return its path.

    Parameters
    ----------
    result : cxqueue.plan.optimize.PlanResult
    folder : path or cxqueue.data.folders.OutputFolder
        The folder to create (or one already claimed by the caller). An existing folder is
        an error unless ``force``.
    force : bool
        Replace an existing folder that cxqueue wrote (only after the new one is complete).
    figures : bool
        Draw the PNG figures and embed them in report.html.
    title : str, optional
        Title of report.html.
    extra : dict, optional
        More entries for summary.json (e.g. the config file and settings).
    tables : dict, optional
        More CSV files: ``{file name: (header, rows)}`` (e.g. validation.csv).
    start_date : str, optional
        The first day of a dated plan (ISO): plan.csv and shifts.csv get a ``date`` column.
    cost_unit : str
        The unit of the costs, shown with each (``PlanConfig.cost_unit``).
    formats : sequence of str
        Files besides summary.json (always written): ``csv`` (plan.csv, shifts.csv and
        ``tables``), ``html`` (report.html and its figures), ``xlsx`` (plan.xlsx).
    """
    out = folder if isinstance(folder, OutputFolder) else OutputFolder(folder, force=force, kind="plan")
    with out, out.writing() as tmp:
        header, rows = _plan_rows(result, start_date)
        shift_table = _shift_rows(result, start_date)
        if "csv" in formats:
            _write_csv(tmp / "plan.csv", header, rows)
            _write_csv(tmp / "shifts.csv", *shift_table)
            for name, (head, body) in (tables or {}).items():
                _write_csv(tmp / name, head, body)
        summary = write_summary(tmp, result.summary(cost_unit=cost_unit, start_date=start_date), extra)
        if "html" in formats:
            made = _figures(result, tmp, start_date) if figures else []
            (tmp / "report.html").write_text(render_page(summary, made, tmp, title or "cxqueue plan", FIGURES))
        if "xlsx" in formats:
            sheets = {
                "per day": _per_day_rows(summary),
                "weakest intervals": _weakest_rows(summary),
                "per interval": (header, rows),
                "shifts": shift_table,
            }
            tabled = ("per_day", "weakest_intervals")  # their own sheets, not lines of text in the summary
            book = {k: v for k, v in summary.items() if k not in tabled}
            write_workbook(tmp / "plan.xlsx", book, sheets)  # the same numbers for a spreadsheet (issue 12)
    return out.folder
