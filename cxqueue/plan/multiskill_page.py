"""report.html of a multi-skill plan: a view of its ``summary.json`` (`cxqueue.plan.multiskill_report`).

The first screen holds the warnings, the recommendation and the promise; then a section per
call type (its service level, ASA and abandonment over the horizon against its target, and
its figure by day) and per group (skills, shifts, cost, occupancy, the agents figure and its
roster). The page computes nothing; the look is the single-queue page's (`cxqueue.plan.page`).
"""

from __future__ import annotations

from pathlib import Path

from cxqueue import __version__
from cxqueue.plan.page import _CSS, _e, _figure, _interval, _num, _pct, _sec, _settings, _table, _warnings

__all__ = ["render_multiskill_page"]


def _types(s: dict, figures, folder: Path, captions: dict) -> str:
    rows = [
        [
            _e(t["name"]),
            _num(t["calls"]),
            _e(f"{_pct(t['target_level'], 0)} {t['within']}"),
            _interval(t["service_level"], _pct),
            _interval(t["asa_s"], _sec),
            _interval(t["abandon_fraction"], _pct),
            '<span class="ok">yes</span>'
            if t["met"]
            else f'<span class="bad">no ({t["failing_intervals"]} interval(s) below)</span>',
        ]
        for t in s["types"]
    ]
    head = ["call type", "calls", "target", "service level (95 % interval)", "mean wait", "abandoned", "target met"]
    figs = "".join(_figure(n, folder, captions[n]) for n in figures if n.startswith("sl_type_"))
    return "<h2>Per call type</h2>" + _table(head, rows, id_="types", numeric=(1,)) + figs


def _groups(s: dict, figures, folder: Path, captions: dict) -> str:
    unit = s.get("cost_unit", "")
    rows = [
        [
            _e(g["name"]),
            _e(", ".join(g["skills"])),
            _num(g["cost_factor"], 2),
            _num(g["shifts"]),
            _e(f"{g['cost']:,.1f} {unit}"),
            _num(g["agent_hours_on_duty"], 1),
            _interval(g["occupancy"], _pct),
            _num(g["answered"]),
            _num(g["added_by_simulation"]),
        ]
        for g in s["groups"]
    ]
    head = ["group", "skills", "cost factor", "shifts", "cost", "agent-hours on duty", "occupancy (95 % interval)",
            "calls answered", "agent-intervals added by the simulation"]  # fmt: skip
    figs = "".join(_figure(n, folder, captions[n]) for n in figures if not n.startswith("sl_type_"))
    return "<h2>Per group</h2>" + _table(head, rows, id_="groups", numeric=(2, 3, 5, 7, 8)) + figs


def render_multiskill_page(summary: dict, figures: list[str], folder: Path, title: str, captions: dict) -> str:
    """The report page of a multi-skill plan folder from its summary and the figure files in ``folder``."""
    s = summary
    sub = " · ".join(_e(x) for x in (s.get("description"), s.get("demand"), s.get("config")) if x)
    quick = " · <strong>quick run</strong> (fewer replications: a first look, not a plan)" if s.get("quick") else ""
    status = "ok" if s["converged"] else "bad"
    notes = "".join(f"<li>{_e(n)}</li>" for n in s.get("notes") or [])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{_e(title)}</title><style>{_CSS}</style></head>
<body><h1>{_e(title)}</h1><p class="sub">{sub}{quick}</p>
{_warnings(s)}
<section id="recommendation"><h2>Recommendation</h2><p class="lead">{_e(s["recommendation"])}</p>
<p class="{status}">{_e(s["promise"])}</p><p>{_e(s["message"])}</p></section>
{_types(s, figures, folder, captions)}
{_groups(s, figures, folder, captions)}
<h2>Details</h2>
<details><summary>Settings and notes</summary>
{_settings(s)}
{"<h3>Notes</h3><ul>" + notes + "</ul>" if notes else ""}
<p>Files in this folder: types.csv (per call type and interval), groups.csv (per group and interval), shifts.csv,
summary.json (everything on this page, for machines).</p></details>
<p class="sub">cxqueue {_e(__version__)} · {_e(s.get("replications", ""))} replications ·
{_e(s.get("iterations", ""))} iteration(s) · requirements from {_e(s.get("requirements_from", ""))}</p>
</body></html>
"""
