"""The output folder of a multi-skill plan: per-type and per-group tables, shifts, summary, figures, page.

`write_multiskill_report` writes, atomically (`cxqueue.data.folders.OutputFolder`):

* ``types.csv``: per call type and interval, the calls, the type's target and the simulated
  service level (with its 95 % interval), ASA and abandonment (with half-widths), and whether
  the level is below the target with 95 % confidence;
* ``groups.csv``: per group and interval, the agents required (on duty), rostered (paid, from
  the shifts) and on duty, the simulated occupancy and calls answered;
* ``shifts.csv``: every group's shifts (`cxqueue.plan.report.shift_table` with a ``group`` column);
* ``summary.json`` (`plan_summary`: the warnings, the recommendation and promise in words,
  per type and per group over the horizon) and ``report.html`` (`cxqueue.plan.multiskill_page`),
  with the figures: each type's service level by day against its target, agents per group
  by day, and each group's roster;
* ``plan.xlsx`` when ``formats`` holds ``xlsx``: the summary and the three tables as sheets.

Every number is the library's: the tables are views of the `MultiSkillPlan` and its simulation.
"""

from __future__ import annotations

import numpy as np

from cxqueue.data.folders import OutputFolder
from cxqueue.plan.checks import when
from cxqueue.plan.multiskill_plan import service_levels
from cxqueue.plan.report import _write_csv, shift_table, write_summary
from cxqueue.scenario import WEEKDAYS
from cxqueue.scenario._plain import plain
from cxqueue.scenario.channels import DEFERRED, thresholds
from cxqueue.units import DAY

__all__ = ["group_rows", "plan_summary", "type_rows", "write_multiskill_report"]


def _est(e, i=None) -> dict:
    pick = (lambda a: np.asarray(a, dtype=np.float64)) if i is None else (lambda a: np.asarray(a)[i])
    return {"mean": pick(e.mean), "low": pick(e.low), "high": pick(e.high)}


def within_text(channel: str, threshold_s: float) -> str:
    """How a type's threshold reads: ``within 20 s``, or for deferrable work ``by its due time (8 h)``.

    >>> within_text("voice", 20.0), within_text("email", 28800.0), within_text("outbound", 5400.0)
    ('within 20 s', 'by its due time (8 h)', 'by its due time (90 min)')
    """
    s = float(threshold_s)
    if s >= 3600.0 and s % 3600.0 == 0.0:
        text = f"{s / 3600.0:g} h"
    elif s >= 60.0 and s % 60.0 == 0.0 and s > 120.0:
        text = f"{s / 60.0:g} min"
    else:
        text = f"{s:g} s"
    return f"by its due time ({text})" if channel in DEFERRED else f"within {text}"


def type_rows(plan) -> tuple[list[str], list[list]]:
    """types.csv: one row per call type and interval (the simulation's numbers, unrounded).

    ``answer_within_s`` is the threshold of "answered in time": the target's, or for an email
    or check-in type its due time.
    """
    ms, k = plan.scenario, plan.simulation.types
    within = thresholds(ms)
    head = ["type", "channel", "interval", "start_s", "when", "calls", "target_level", "answer_within_s", "basis",
            "sim_offered",
            "sim_answered", "sim_sl", "sim_sl_low", "sim_sl_high", "sim_asa_s", "sim_asa_s_halfwidth",
            "sim_abandon_fraction", "sim_abandon_halfwidth", "below_target"]  # fmt: skip
    failing = {(int(a), int(b)) for a, b in plan.failing}
    sl = service_levels(ms, k)
    cols = [np.asarray(x, dtype=np.float64) for x in (k.offered.mean, k.answered.mean, sl.mean,
            sl.low, sl.high, k.asa_s.mean, k.asa_s.half_width, k.abandon_fraction.mean,
            k.abandon_fraction.half_width)]  # fmt: skip
    rows = []
    for t, name in enumerate(ms.type_names):
        tgt = ms.target[t]
        for i, start in enumerate(ms.interval_starts_s):
            values = [float(c[t, i]) for c in cols]
            rows.append([name, ms.types[t].channel, i, float(start), when(start), float(ms.types[t].calls[i]),
                         tgt.level, within[t], tgt.basis, *values, (t, i) in failing])  # fmt: skip
    return head, rows


def group_rows(plan) -> tuple[list[str], list[list]]:
    """groups.csv: one row per group and interval: required, rostered and on-duty agents, occupancy, answered."""
    ms, g = plan.scenario, plan.simulation.groups
    head = [
        "group",
        "interval",
        "start_s",
        "when",
        "required_on_duty",
        "added_by_simulation",
        "rostered_agents",
        "on_duty_agents",
        "sim_agents_present",
        "sim_occupancy",
        "sim_occupancy_halfwidth",
        "sim_answered",
    ]
    present, occ, half = (np.asarray(x, dtype=np.float64) for x in (g.agents.mean, g.occupancy.mean,
                                                                     g.occupancy.half_width))  # fmt: skip
    answered = np.asarray(g.served.mean, dtype=np.float64).sum(axis=1)
    rows = []
    for j, name in enumerate(ms.group_names):
        for i, start in enumerate(ms.interval_starts_s):
            rows.append([name, i, float(start), when(start), int(plan.required[j, i]), int(plan.added[j, i]),
                         float(plan.schedule.agents[j, i]), float(ms.agents[j, i]), float(present[j, i]),
                         float(occ[j, i]), float(half[j, i]), float(answered[j, i])])  # fmt: skip
    return head, rows


def group_shift_rows(plan) -> tuple[list[str], list[list]]:
    """shifts.csv: every group's shifts, a ``group`` column first."""
    head, rows = None, []
    for name, sched in zip(plan.schedule.group_names, plan.schedule.schedules, strict=True):
        h, body = shift_table(sched.shifts, plan.templates.get(name, ()))
        head = ["group", *h]
        rows += [[name, *r] for r in body]
    return head, rows


def plan_summary(plan, *, cost_unit: str = "paid hours") -> dict:
    """The plan in plain values: warnings, recommendation and promise first, then per type and per group."""
    ms, sim, sched = plan.scenario, plan.simulation, plan.schedule
    tot, gtot = sim.type_totals, sim.group_totals
    hours = ms.interval_s / 3600.0
    failing = np.zeros((ms.n_types, ms.n_intervals), dtype=bool)
    failing[tuple(plan.failing.T)] = True
    types, levels, within = [], service_levels(ms, tot), thresholds(ms)
    for k, name in enumerate(ms.type_names):
        tgt, channel = ms.target[k], ms.types[k].channel
        sl = _est(levels, k)
        types.append({"name": name, "channel": channel, "calls": float(ms.types[k].calls.sum()),
                      "target_level": tgt.level, "answer_within_s": within[k],
                      "within": within_text(channel, within[k]), "basis": tgt.basis, "service_level": sl,
                      "asa_s": _est(tot.asa_s, k), "abandon_fraction": _est(tot.abandon_fraction, k),
                      "failing_intervals": int(failing[k].sum()),
                      "met": bool(not failing[k].any() and not sl["high"] < tgt.level)})  # fmt: skip
    groups = []
    for j, (g, s) in enumerate(zip(ms.groups, sched.schedules, strict=True)):
        groups.append({"name": g.name, "skills": list(g.skills), "cost_factor": float(sched.cost_factors[j]),
                       "shifts": s.n_agents, "cost": float(s.cost),
                       "paid_hours": float(sched.agents[j].sum() * hours),
                       "agent_hours_on_duty": float(ms.agents[j].sum() * hours),
                       "occupancy": _est(gtot.occupancy, j),
                       "answered": float(np.asarray(gtot.served.mean)[j].sum()),
                       "added_by_simulation": int(plan.added[j].sum())})  # fmt: skip
    per = ", ".join(f"{g['name']} {g['shifts']}" for g in groups)
    recommendation = (f"Roster {sched.n_agents} shifts in {ms.n_groups} groups ({per}) at a cost of "
                      f"{sched.cost:,.1f} {cost_unit}.")  # fmt: skip
    levels = "; ".join(
        f"{t['name']} {100 * t['service_level']['mean']:.1f} % {t['within']} (target {100 * t['target_level']:g} %)"
        for t in types
    )
    promise = (
        (
            f"In simulation ({sim.replications} replications), every call type meets its target in every interval: "
            if plan.converged
            else "In simulation, not every call type meets its target (see the warnings): "
        )
        + levels
        + "."
    )
    out = {
        "kind": "multiskill",
        "warnings": [w.to_dict() for w in plan.warnings],
        "recommendation": recommendation,
        "promise": promise,
        "converged": plan.converged,
        "iterations": plan.iterations,
        "message": plan.message,
        "requirements_from": STARTS[plan.start],
        "staffing": None
        if plan.staffing is None
        else {k: getattr(plan.staffing, k) for k in ("method", "cost", "met", "converged", "message")},
        "cost": plan.cost,
        "cost_unit": cost_unit,
        "shifts": sched.n_agents,
        "shrinkage": plan.shrinkage,
        "calls": float(ms.calls.sum()),
        "agent_hours_on_duty": float(ms.agents.sum() * hours),
        "types": types,
        "groups": groups,
        "failing": [
            {"type": ms.type_names[k], "interval": int(i), "when": when(ms.interval_starts_s[i])}
            for k, i in plan.failing
        ],
        "history": [list(h) for h in plan.history],
        "replications": sim.replications,
        "engine": plan.settings.engine,
        "elapsed_s": plan.elapsed_s,
    }
    return plain(out, nan_to_none=True)


#: where a plan's requirements came from, in words
STARTS = {
    "staffing": "staff_multiskill (simulation-based staffing per group)",
    "dedicated": "each type's own Erlang requirement on the first group of its routing",
    "given": "the requirements given",
}

#: figure file name (or its prefix, per type or group) -> caption
CAPTIONS = {
    "agents_by_group.png": "Per day: each group's agents on duty per interval (solid) and what it needs (dotted).",
    "sl_type": "Per day: the simulated service level of call type {name} per interval with its 95 % interval, "
    "and its target.",
    "roster_group": "The shifts of group {name}: one bar per start time and template, breaks cut out.",
}


def _figures(plan, folder) -> tuple[list[str], dict]:
    from matplotlib.figure import Figure

    from cxqueue.plan import figures as pp
    from cxqueue.sim.kpis import day_index

    ms, sim = plan.scenario, plan.simulation
    starts = ms.interval_starts_s
    day_of, day_starts = day_index(starts, ms.interval_s)
    labels = [WEEKDAYS[int(t // DAY) % 7][:3].title() for t in day_starts]
    rows = -(-len(labels) // 7)
    made, captions = [], {}

    def save(name, caption, draw, height):
        fig = Figure(figsize=(12, height), layout="constrained")
        draw(fig)
        fig.savefig(folder / name, dpi=100)
        made.append(name)
        captions[name] = caption

    sl = service_levels(ms, sim.types)
    for k, name in enumerate(ms.type_names):
        lo, hi = np.asarray(sl.low)[k], np.asarray(sl.high)[k]
        save(f"sl_type_{k}.png", CAPTIONS["sl_type"].format(name=name),
             lambda fig, k=k, lo=lo, hi=hi: pp.service_level_by_day(
                 fig, starts, np.asarray(sl.mean)[k], lo, hi, target=ms.target[k].level, day_of=day_of,
                 labels=labels, label=f"{ms.type_names[k]} service level"),
             1.0 + 2.0 * rows)  # fmt: skip
    save("agents_by_group.png", CAPTIONS["agents_by_group.png"],
         lambda fig: pp.agents_by_group(fig, starts, ms.agents, plan.required, names=ms.group_names, day_of=day_of,
                                        labels=labels), 1.0 + 2.2 * rows)  # fmt: skip
    for j, (name, s) in enumerate(zip(ms.group_names, plan.schedule.schedules, strict=True)):
        lengths = {t.name: [b[2] for b in t.breaks] for t in plan.templates.get(name, ())}
        n_rows = max(1, len({(sh.start_s % DAY, sh.template) for sh in s.shifts}))
        save(f"roster_group_{j}.png", CAPTIONS["roster_group"].format(name=name),
             lambda fig, s=s, lengths=lengths: pp.roster(fig.add_subplot(), s.shifts, break_lengths_s=lengths),
             min(2.0 + 0.16 * n_rows, 14.0))  # fmt: skip
    return made, captions


def write_multiskill_report(plan, folder, *, title: str | None = None, extra: dict | None = None,
                            cost_unit: str = "paid hours", formats=("csv", "json", "html"), figures: bool = True,
                            force: bool = False):  # fmt: skip
    """Write a multi-skill plan's folder (module docstring) atomically and return its path.

    ``extra`` adds entries to summary.json (the config, its notes and settings; its
    ``warnings`` come before the plan's); ``formats`` as in `cxqueue.plan.report.write_plan_report`
    (``csv``: types.csv, groups.csv, shifts.csv; ``html``: report.html and its figures;
    ``xlsx``: plan.xlsx, the summary and the same three tables; summary.json is always written).
    """
    from cxqueue.plan.multiskill_page import render_multiskill_page

    out = folder if isinstance(folder, OutputFolder) else OutputFolder(folder, force=force, kind="plan")
    with out, out.writing() as tmp:
        tables = {"types": type_rows(plan), "groups": group_rows(plan), "shifts": group_shift_rows(plan)}
        if "csv" in formats:
            for name, table in tables.items():
                _write_csv(tmp / f"{name}.csv", *table)
        summary = write_summary(tmp, plan.summary(cost_unit=cost_unit), extra)
        if "xlsx" in formats:  # the same tables for a spreadsheet, after a sheet of the summary
            from cxqueue.plan.workbook import write_workbook

            book = {k: v for k, v in summary.items() if k not in ("types", "groups", "history", "failing")}
            write_workbook(tmp / "plan.xlsx", book, {f"per {k[:-1]}" if k != "shifts" else k: t
                                                     for k, t in tables.items()})  # fmt: skip
        if "html" in formats:
            made, captions = _figures(plan, tmp) if figures else ([], {})
            page = render_multiskill_page(summary, made, tmp, title or "cxqueue plan", captions)
            (tmp / "report.html").write_text(page)
    return out.folder
