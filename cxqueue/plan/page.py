"""report.html: a view of ``summary.json`` that a planner can hand to a manager.

The page computes nothing: every number is in the summary the library wrote
(`cxqueue.plan.headline`, `cxqueue.plan.checks`), formatted with its unit. The first screen
holds the warnings (if any), the recommendation in planner words and its promise with
95 % intervals; then the days, the roster, the figures (embedded as data: URLs, so the file
works offline and as an attachment) and, folded, the details. It prints on paper as shown.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from cxqueue import __version__

__all__ = ["render_page"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1180px;margin:1.2em auto;padding:0 1em;
color:#1d1d1f;line-height:1.4}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1.2em 0 .4em;border-bottom:1px solid #ddd}
.sub{color:#555;margin:.2em 0 .8em}
table{border-collapse:collapse;margin:.4em 0 1em}th,td{border:1px solid #d0d0d0;padding:.25em .55em;text-align:left}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
#warnings{border-radius:6px;padding:.5em .9em;margin:.6em 0}
#warnings.some{background:#fff4e5;border:2px solid #e8a33d}#warnings.none{background:#eef8ee;border:1px solid #8bc48b}
#warnings h2{border:0;margin:.2em 0}#warnings li{margin:.3em 0}.code{font-family:monospace;color:#8a4b00}
#recommendation .lead{font-size:1.2em;font-weight:600;margin:.3em 0}
.bad{color:#b00020;font-weight:600}.ok{color:#1b6e20}
img{max-width:100%}figure{margin:.6em 0 1.2em;break-inside:avoid}figcaption{color:#555;font-size:.9em}
details{margin:.6em 0}summary{cursor:pointer;font-weight:600}
@media print{body{max-width:none;margin:0}details{display:block}details>summary{display:none}
section,figure,table{break-inside:avoid}a{color:inherit;text-decoration:none}}
"""


def _e(x) -> str:
    return html.escape(str(x))


def _pct(x, digits: int = 1) -> str:
    return "n/a" if x is None else f"{100 * x:.{digits}f} %"


def _sec(x) -> str:
    return "n/a" if x is None else f"{x:,.1f} s"


def _num(x, digits: int = 0) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int | float):
        return f"{x:,.{digits}f}"
    return str(x)


def _interval(e: dict, fmt) -> str:
    if e["mean"] is None:
        return "n/a"
    return f"{fmt(e['mean'])} ({fmt(e['low'])} to {fmt(e['high'])})"


def _table(head: list[str], rows: list[list[str]], *, id_: str = "", numeric=()) -> str:
    hid = f' id="{_e(id_)}"' if id_ else ""
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{c}</td>' if j in numeric else f"<td>{c}</td>" for j, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table{hid}><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _warnings(s: dict) -> str:
    ws = s.get("warnings") or []
    if not ws:
        return (
            '<section id="warnings" class="none"><h2>No warnings</h2><p>The demand, the opening hours and the plan '
            "passed every check: calls in closed hours, handle times, weekdays without calls, convergence of the "
            "simulation, occupancy, staffing caps, and the history behind the demand.</p></section>"
        )
    items = "".join(
        f'<li><span class="code">{_e(w["code"])}</span>: {_e(w["message"])}'
        + (f" <em>({_e(w['key'])})</em>" if w.get("key") else "")
        + "</li>"
        for w in ws
    )
    return (
        f'<section id="warnings" class="some"><h2>{len(ws)} warning{"s" if len(ws) > 1 else ""}: '
        f"check before you use this plan</h2><ul>{items}</ul></section>"
    )


def _recommendation(s: dict) -> str:
    k, t = s["kpis"], s["target"]
    sl = k["service_level"]
    meets = sl["mean"] is not None and sl["mean"] >= t["level"]
    rows = [
        [
            f"service level ({_e(t['basis'])}, answered within {t['answer_within_s']:g} s)",
            _e(_interval(sl, _pct)),
            f"at least {_pct(t['level'], 0)}",
            '<span class="ok">meets</span>' if meets else '<span class="bad">misses</span>',
        ],
        ["mean wait of answered calls (ASA)", _e(_interval(k["asa_s"], _sec)), "", ""],
        ["callers who hang up (abandonment)", _e(_interval(k["abandon_fraction"], _pct)), "", ""],
        ["callers who hear a busy signal", _e(_interval(k["blocking_fraction"], lambda x: _pct(x, 2))), "", ""],
    ]
    by = ", ".join(f"{_e(n)}: {c}" for n, c in s["shifts_by_template"].items())
    facts = [
        ["shifts", f"{s['shifts']:,} ({by})"],
        ["agent-hours on duty", _num(s["agent_hours_on_duty"])],
        ["shift hours (paid, breaks included)", _num(s["shift_hours"])],
        ["phone lines", _num(s["lines"])],
        ["opening hours", _e(s["opening_hours"])],
        ["cost", f"{s['cost']:,.1f} {_e(s['cost_unit'])}"],
        ["calls in the horizon", _num(s["calls"])],
    ]
    return (
        '<section id="recommendation"><h2>Recommendation</h2>'
        f'<p class="lead">{_e(s["recommendation"])}</p><p>{_e(s["promise"])}</p>'
        + _forecast_promise(s)
        + _table(["promised (simulation, 95 % interval)", "plan", "target", ""], rows, id_="kpis")
        + _table(["what to staff", ""], facts, id_="facts", numeric=(1,))
        + f'<p class="sub">{_e(s.get("message", ""))}</p></section>'
    )


def _forecast_promise(s: dict) -> str:
    fp = s.get("forecast_promise")
    if not fp:
        return ""
    return f'<p id="forecast-promise"><strong>Under the forecast\'s uncertainty:</strong> {_e(fp["statement"])}.</p>'


def _per_day(s: dict) -> str:
    rows = []
    for d in s["per_day"]:
        w = d["worst_interval"]
        worst = "" if w is None else f"{_e(w['when'])} ({_pct(w['service_level'], 0)})"
        rows.append(
            [
                _e(d["day"] + (f" {d['date']}" if d.get("date") else "")),
                _num(d["calls"]),
                _num(d["agent_hours_on_duty"], 1),
                _e(_interval(d["service_level"], _pct)),
                _sec(d["asa_s"]["mean"]),
                _pct(d["abandon_fraction"]["mean"]),
                _pct(d["blocking_fraction"]["mean"], 2),
                worst,
            ]
        )
    head = ["day", "calls", "agent-hours on duty", "service level (95 % interval)", "mean wait", "abandoned",
            "busy signal", "weakest interval"]  # fmt: skip
    return "<h2>Per day</h2>" + _table(head, rows, id_="per-day", numeric=(1, 2, 4, 5, 6))


def _weakest(s: dict) -> str:
    rows = [
        [
            _e(w["when"] + (f" ({w['date']})" if w.get("date") else "")),
            _num(w["calls"], 1),
            _num(w["agents_on_duty"]),
            _e(_interval(w["service_level"], _pct)),
            _sec(w["asa_s"]["mean"]),
            f'<span class="bad">{_e(w["status"])}</span>' if w["status"] == "below target" else _e(w["status"]),
        ]
        for w in s["weakest_intervals"]
    ]
    head = ["interval", "calls", "agents on duty", "service level (95 % interval)", "mean wait", ""]
    return "<h3>The weakest intervals</h3>" + _table(head, rows, id_="weakest", numeric=(1, 2, 4))


def _figure(name: str, folder: Path, caption: str) -> str:
    data = base64.b64encode((folder / name).read_bytes()).decode("ascii")
    return (
        f'<figure><img alt="{_e(caption)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def _plain_value(v) -> str:
    if isinstance(v, float):
        return f"{v:,.6g}"
    if isinstance(v, list | tuple):
        return ", ".join(_plain_value(x) for x in v) or "none"
    if isinstance(v, dict):
        return "; ".join(f"{k}: {_plain_value(x)}" for k, x in v.items())
    return "unset" if v is None else str(v)


def _settings(s: dict) -> str:
    st = s.get("settings") or {}
    rows = [[_e(k.replace("_", " ")), _e(_plain_value(v))] for k, v in st.items()]
    return "<h3>Settings</h3>" + _table(["setting", "value"], rows, id_="settings") if rows else ""


def _validation(s: dict) -> str:
    v = s.get("validation")
    if not v:
        return ""
    if "skipped" in v:
        return f'<h3>Validation</h3><p class="bad">Skipped: {_e(v["skipped"])}</p>'
    rows = []
    for name, k in v.items():
        if not isinstance(k, dict):
            continue
        fmt = _sec if name.endswith("_s") else (lambda x: _pct(x, 2))
        rows.append(
            [
                _e(name.replace("_", " ")),
                _e(fmt(k["observed"])),
                _e(f"{fmt(k['simulated'])} ± {fmt(k['half_width'])}"),
                "yes" if k["agrees"] else '<span class="bad">no</span>',
                _e(fmt(k["mae"])),
                _e(fmt(k["noise_mae"])),
                _e(fmt(k["bias"])),
                _pct(k["coverage"], 0),
            ]
        )
    about = (
        f"The call log replayed with the {_e(v.get('staffing', ''))} agents × {_e(v.get('agent_factor', ''))}, "
        f"{_e(v.get('replications', ''))} replications, {_e(v.get('intervals', ''))} intervals compared. The noise "
        "floor is the error a perfect model would still show, from the randomness of so few calls per interval."
    )
    head = ["KPI", "observed", "simulated (95 %)", "agrees", "mean abs. error per interval", "noise floor", "bias",
            "intervals covered"]  # fmt: skip
    return f"<h3>Validation against your history</h3><p>{about}</p>" + _table(head, rows, id_="validation")


def render_page(summary: dict, figures: list[str], folder: Path, title: str, captions: dict) -> str:
    """The report page of a plan folder from its summary and the figure files in ``folder``."""
    s = summary
    sub = " · ".join(
        _e(x) for x in (s.get("description"), s.get("demand") and f"demand: {s['demand']}", s.get("config")) if x
    )
    dated = f" · from {_e(s['start_date'])}" if s.get("start_date") else ""
    quick = " · <strong>quick run</strong> (fewer replications: a first look, not a plan)" if s.get("quick") else ""
    figs = "".join(_figure(n, folder, captions.get(n, n)) for n in figures if n != "roster.png")
    roster = _figure("roster.png", folder, captions["roster.png"]) if "roster.png" in figures else ""
    notes = "".join(f"<li>{_e(n)}</li>" for n in s.get("notes") or [])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{_e(title)}</title><style>{_CSS}</style></head>
<body><h1>{_e(title)}</h1><p class="sub">{sub}{dated}{quick}</p>
{_warnings(s)}
{_recommendation(s)}
{_per_day(s)}
<h2>Shift roster</h2>{roster}
<h2>Where the plan is tight</h2>{_weakest(s)}{figs}
<h2>Details</h2>
<details><summary>Settings, validation and notes</summary>
{_settings(s)}{_validation(s)}
{"<h3>Notes</h3><ul>" + notes + "</ul>" if notes else ""}
<p>Files in this folder: plan.csv (per interval), shifts.csv, plan.xlsx, summary.json (everything on this page,
for machines).</p></details>
<p class="sub">cxqueue {_e(__version__)} · {_e(s.get("replications", ""))} replications ·
{_e(s.get("iterations", ""))} iteration(s)</p>
</body></html>
"""
