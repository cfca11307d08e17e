"""The output folder of a plan: plan.csv, shifts.csv, summary.json, figures, report.html.

The folder is written atomically through `cxqueue.data.folders.OutputFolder`: everything
goes into a temporary sibling folder that is renamed into place at the end, so a failed
run never leaves half a report, and an existing folder is replaced only with
``force=True`` and only when cxqueue wrote it (the old one is removed only once the new
one is in place).
"""

from __future__ import annotations

import base64
import csv
import html
import json
from pathlib import Path

import numpy as np

from cxqueue import __version__
from cxqueue.data.folders import OutputFolder
from cxqueue.plan.workbook import write_workbook
from cxqueue.scenario import WEEKDAYS
from cxqueue.units import DAY, WEEK

__all__ = ["FIGURES", "write_plan_report"]

#: figure file name -> what it shows
FIGURES = {
    "demand_vs_staffing.png": "Calls per interval against agents required, scheduled and on duty.",
    "service_level.png": "Simulated service level per interval with its 95 % band, the analytic value and the target.",
    "waits_heatmap.png": "Mean wait of answered calls (simulated) by weekday and hour of day.",
    "busy_and_abandon.png": "Fractions of calls that hear a busy signal and that hang up, per interval (simulated).",
}


def _when(t_s: float) -> str:
    t = t_s % WEEK
    d, s = int(t // DAY), int(t % DAY)
    return f"{WEEKDAYS[d][:3]} {s // 3600:02d}:{s % 3600 // 60:02d}"


def _dates(start_date, f, t_s) -> list[str]:
    """The calendar date of each time ``t_s`` (seconds since Monday 00:00 of the forecast's first week)."""
    first = np.datetime64(start_date, "D")
    offset = np.floor(np.asarray(t_s, dtype=np.float64) / DAY) - np.floor(f.start_s / DAY)
    return [str(first + np.timedelta64(int(k), "D")) for k in offset]


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
    dates = _dates(start_date, f, f.interval_starts_s) if start_date is not None else None
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


def _figures(result, folder: Path) -> list[str]:
    from matplotlib.figure import Figure

    from cxqueue.plan import figures as pp

    sc = result.scenario
    f = sc.forecast
    sim = result.simulation.intervals
    basis = sc.target.basis
    sl = getattr(sim, f"sl_{basis}")
    starts = f.interval_starts_s
    keep = 1.0 - sc.target.shrinkage
    made = []

    def save(name, draw):
        # a Figure of its own, not pyplot's: nothing stays registered after the run
        fig = Figure(figsize=(11, 4.2), layout="constrained")
        draw(fig.add_subplot())
        fig.savefig(folder / name, dpi=110)
        made.append(name)

    save(
        "demand_vs_staffing.png",
        lambda ax: pp.demand_vs_staffing(
            starts,
            f.calls,
            required=np.ceil(result.required / keep - 1e-9),
            scheduled=result.schedule.agents,
            on_duty=sc.agents,
            interval_s=f.interval_s,
            ax=ax,
        ),
    )
    # nothing served: no calls, or calls only while closed (the simulated level is undefined
    # there); the analytic level of 0 agents would draw spikes to 0 at every opening and closing
    quiet = (f.calls <= 0) | ~np.isfinite(np.asarray(sl.mean, dtype=np.float64))
    analytic = np.where(quiet, np.nan, result.analytic.service_level(basis))
    save(
        "service_level.png",
        lambda ax: pp.service_level_band(
            starts,
            sl.mean,
            sl.low,
            sl.high,
            target=sc.target.level,
            analytic=analytic,
            ax=ax,
            label=f"service level ({basis})",
        ),
    )
    save("waits_heatmap.png", lambda ax: pp.wait_heatmap(starts, sim.asa_s.mean, interval_s=f.interval_s, ax=ax))
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


def _html(summary: dict, figures: list[str], folder: Path, title: str) -> str:
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(json.dumps(v, default=_json_default))}</td></tr>"
        for k, v in summary.items()
    )
    imgs = []
    for name in figures:
        data = base64.b64encode((folder / name).read_bytes()).decode("ascii")
        imgs.append(
            f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(FIGURES.get(name, name))}</figcaption></figure>"
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;color:#222}}
table{{border-collapse:collapse}}th,td{{border:1px solid #ccc;padding:.3em .6em;text-align:left}}
th{{background:#f4f4f4}}img{{max-width:100%}}figcaption{{color:#555;font-size:.9em}}</style></head>
<body><h1>{html.escape(title)}</h1><p>{html.escape(summary.get("message", ""))}</p>
<h2>Summary</h2><table>{rows}</table><h2>Figures</h2>{"".join(imgs)}
<p><small>cxqueue {html.escape(__version__)}; plan.csv, shifts.csv and summary.json hold the numbers.</small></p>
</body></html>
"""


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
    """
    out = folder if isinstance(folder, OutputFolder) else OutputFolder(folder, force=force, kind="plan")
    with out, out.writing() as tmp:
        header, rows = _plan_rows(result, start_date)
        _write_csv(tmp / "plan.csv", header, rows)
        shifts = result.schedule.shifts
        when = _dates(start_date, result.scenario.forecast, [s.start_s for s in shifts]) if start_date else None
        shift_rows = [
            [
                s.template,
                s.weekday,
                *([when[i]] if when else []),
                s.day,
                s.start_s,
                s.end_s,
                _when(s.start_s),
                " ".join(_when(b) for b in s.breaks_s),
                s.count,
            ]
            for i, s in enumerate(shifts)
        ]
        head = ["template", "weekday", *(["date"] if when else []), "day", "start_s", "end_s", "start", "breaks"]
        _write_csv(tmp / "shifts.csv", [*head, "count"], shift_rows)
        sheets = {"per interval": (header, rows), "shifts": ([*head, "count"], shift_rows)}  # plan.xlsx
        for name, (head, body) in (tables or {}).items():
            _write_csv(tmp / name, head, body)
        summary = result.summary()
        summary["cxqueue_version"] = __version__
        if extra:
            summary.update(extra)
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, default=_json_default) + "\n")
        made = _figures(result, tmp) if figures else []
        (tmp / "report.html").write_text(_html(summary, made, tmp, title or "cxqueue plan"))
        write_workbook(tmp / "plan.xlsx", summary, sheets)  # the summary, plan.csv and shifts.csv (issue 12)
    return out.folder
