"""Plans side by side: what changes in cost and KPIs between plan folders (``cxqueue compare``).

`compare_plans` reads the ``summary.json`` of each folder written by `run_plan` (today's
staffing, the recommended plan, a what-if, ...) and returns a `PlanComparison`: one row per
headline number (cost, shifts, agent-hours, lines, calls, the simulated service level with
its 95 % interval, ASA, abandonment, busy signals, whether the plan converged, its
warnings), one column per plan and the difference of each plan against the first. It
prints itself as aligned text (`PlanComparison.text`), as a self-contained HTML page
(`PlanComparison.html`) and as plain data (`PlanComparison.to_dict`). It computes nothing
but those differences: every value is the one in ``summary.json``.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
from pathlib import Path

from cxqueue import __version__
from cxqueue.exceptions import ConfigError
from cxqueue.scenario._plain import PlainDict, plain_dict

__all__ = ["NESTED", "ROWS", "ComparisonRow", "PlanComparison", "compare_plans", "read_plan_summary"]

MISSING = "—"


@dataclasses.dataclass(frozen=True)
class _Spec:
    key: str  # the summary.json key
    label: str
    unit: str
    kind: str  # "number", "fraction" (shown in %), "flag" (yes/no), "count of" (a list's length)
    digits: int = 0
    interval: str | None = None  # the key of its 95 % interval


#: the rows of a comparison, in order
ROWS = (
    _Spec("cost", "cost", "", "number", 1),
    _Spec("shifts", "shifts", "", "number"),
    _Spec("agent_hours_on_duty", "agent-hours on duty", "h", "number", 1),
    _Spec("lines", "lines", "", "number"),
    _Spec("calls", "calls", "", "number"),
    _Spec("target_level", "service level target", "%", "fraction", 1),
    _Spec(
        "simulated_service_level",
        "service level (simulated, 95 % interval)",
        "%",
        "fraction",
        1,
        "simulated_service_level_ci",
    ),
    _Spec("simulated_asa_s", "ASA (simulated)", "s", "number", 1),
    _Spec("simulated_abandon_fraction", "abandonment (simulated)", "%", "fraction", 2),
    _Spec("simulated_blocking_fraction", "busy signals (simulated)", "%", "fraction", 2),
    _Spec("converged", "converged", "", "flag"),
    _Spec("warnings", "warnings", "", "count of"),
)


@dataclasses.dataclass(frozen=True)
class ComparisonRow(PlainDict):
    """One headline number of every plan: ``values`` (None where a summary lacks it),
    ``differences`` against the first plan (None for the first, and where either value
    is not a number), ``intervals`` (low, high) per plan for the simulated service level."""

    key: str
    label: str
    unit: str
    kind: str
    digits: int
    values: tuple
    differences: tuple
    intervals: tuple | None = None

    def cells(self) -> list[str]:
        """The row as text: label, unit, each plan's value, each difference."""
        shown = [self._value(i) for i in range(len(self.values))]
        return [self.label, self.unit, *shown, *(self._difference(d) for d in self.differences[1:])]

    def _number(self, v) -> str:
        if self.kind == "fraction":
            return f"{100.0 * v:,.{self.digits}f}"
        return f"{v:,.{self.digits}f}"

    def _value(self, i: int) -> str:
        v = self.values[i]
        if v is None:
            return MISSING
        if self.kind == "flag":
            return "yes" if v else "no"
        text = self._number(v)
        ci = self.intervals[i] if self.intervals else None
        if ci is not None and None not in ci:
            text += f" ({self._number(ci[0])}–{self._number(ci[1])})"
        return text

    def _difference(self, d) -> str:
        if d is None:
            return MISSING if self.kind != "flag" else ""
        shown = self._number(abs(d))
        sign = "+" if d > 0 else "-"
        if not shown.strip("0.,"):  # rounds to zero: no sign
            sign = ""
        return sign + shown + (" pp" if self.kind == "fraction" else "")


@dataclasses.dataclass(frozen=True)
class PlanComparison(PlainDict):
    """Plans side by side (`compare_plans`): ``names`` and ``folders`` per plan, the ``rows``."""

    names: tuple[str, ...]
    folders: tuple[str, ...]
    rows: tuple[ComparisonRow, ...]

    def to_dict(self) -> dict:
        return {
            **plain_dict(self, ("names", "folders")),
            "baseline": self.names[0],
            "rows": [r.to_dict() for r in self.rows],
        }

    def header(self) -> list[str]:
        """The column titles: the row label, its unit, each plan, each difference."""
        return ["", "unit", *self.names, *(f"Δ {n}" for n in self.names[1:])]

    def table(self) -> list[list[str]]:
        """The table as text cells, header first."""
        return [self.header(), *(r.cells() for r in self.rows)]

    def text(self) -> str:
        """The table in aligned columns (labels left, numbers right) for a terminal."""
        table = self.table()
        widths = [max(len(row[j]) for row in table) for j in range(len(table[0]))]
        lines = []
        for k, row in enumerate(table):
            cells = [c.ljust(w) if j < 2 else c.rjust(w) for j, (c, w) in enumerate(zip(row, widths, strict=True))]
            lines.append("  ".join(cells).rstrip())
            if k == 0:
                lines.append("  ".join("-" * w for w in widths))
        intro = [f"{len(self.names)} plans; Δ: the difference against {self.names[0]!r} (pp: percentage points)"]
        folders = [f"  {n}: {f}" for n, f in zip(self.names, self.folders, strict=True)]
        return "\n".join([*intro, *folders, "", *lines])

    def html(self, title: str = "cxqueue: plans compared") -> str:
        """A self-contained HTML page of the table (no scripts, no requests)."""
        e = html.escape
        head = "".join(f"<th>{e(c)}</th>" for c in self.header())
        body = "".join(
            "<tr>" + "".join(f"<th>{e(c)}</th>" if j == 0 else f"<td>{e(c)}</td>" for j, c in enumerate(row)) + "</tr>"
            for row in self.table()[1:]
        )
        folders = "".join(f"<li><b>{e(n)}</b>: {e(f)}</li>" for n, f in zip(self.names, self.folders, strict=True))
        return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}}
table{{border-collapse:collapse}}th,td{{border:1px solid #ccc;padding:.3em .7em}}
td{{text-align:right;font-variant-numeric:tabular-nums}}thead th{{background:#f4f4f4}}
tbody th{{text-align:left;font-weight:normal}}@media print{{body{{margin:0;max-width:none}}}}</style></head>
<body><h1>{e(title)}</h1><ul>{folders}</ul>
<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>
<p><small>{e(f"Δ: the difference against {self.names[0]}; pp: percentage points.")}
{e(f"Every value is the plan's summary.json (cxqueue {__version__}).")}</small></p>
</body></html>
"""


def read_plan_summary(folder) -> dict:
    """The ``summary.json`` of a plan folder; a folder without one is an error naming it."""
    folder = Path(folder)
    path = folder / "summary.json"
    if not folder.is_dir():
        raise ConfigError(f"plan folder {folder} does not exist; give folders written by `cxqueue plan`")
    if not path.is_file():
        raise ConfigError(f"plan folder {folder} holds no summary.json; a plan folder is one written by `cxqueue plan`")
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} must be the JSON a plan writes; it does not parse: {exc}") from None
    if not isinstance(summary, dict):
        raise ConfigError(f"{path} must hold a JSON object (a plan's summary); got {type(summary).__name__}")
    return summary


def _number(v):
    """A finite number as it is, anything else (missing, NaN, inf, text) as None."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return v if math.isfinite(v) else None


def _value(spec: _Spec, summary: dict):
    v = summary.get(spec.key)
    if spec.kind == "count of":  # older folders have no warnings: none
        return len(v) if isinstance(v, list) else 0
    if spec.kind == "flag":
        return v if isinstance(v, bool) else None
    return _number(v)


def _interval(spec: _Spec, summary: dict):
    ci = summary.get(spec.interval)
    if not (isinstance(ci, list) and len(ci) == 2):
        return None
    return (_number(ci[0]), _number(ci[1]))


def _names(summaries: list[dict], folders: list[Path]) -> tuple[str, ...]:
    """Each plan's ``name`` from its summary, or its folder's name; the folder is added where names repeat."""
    names = [str(s.get("name") or f.name) for s, f in zip(summaries, folders, strict=True)]
    for again in (lambda n, f: f"{n} ({f.name})" if n != f.name else str(f), lambda n, f: str(f)):
        names = [again(n, f) if names.count(n) > 1 else n for n, f in zip(names, folders, strict=True)]
    return tuple(names)


#: rows per call type and per agent group of multi-skill plans (``summary.json`` ``types`` and
#: ``groups``): (list key, item key, label, unit, kind, digits); a number given as
#: ``{"mean", "low", "high"}`` brings its 95 % interval
NESTED = (
    ("types", "service_level", "service level (simulated, 95 % interval)", "%", "fraction", 1),
    ("types", "asa_s", "ASA (simulated)", "s", "number", 1),
    ("types", "abandon_fraction", "abandonment (simulated)", "%", "fraction", 2),
    ("groups", "shifts", "shifts", "", "number", 0),
    ("groups", "occupancy", "occupancy (simulated, 95 % interval)", "%", "fraction", 1),
)


def _item(summary: dict, part: str, name: str, key: str):
    """(value, interval or None) of ``summary[part][<item named name>][key]``; (None, None) if absent."""
    items = summary.get(part)
    found = [x for x in items if isinstance(x, dict) and x.get("name") == name] if isinstance(items, list) else []
    v = found[0].get(key) if found else None
    if isinstance(v, dict):
        return _number(v.get("mean")), (_number(v.get("low")), _number(v.get("high")))
    return _number(v), None


def _nested_rows(summaries: list[dict]) -> list[ComparisonRow]:
    """The per-type and per-group rows of multi-skill plans, for every name any plan has."""
    rows = []
    for part, key, label, unit, kind, digits in NESTED:
        names = []
        for s in summaries:
            items = s.get(part) if isinstance(s.get(part), list) else []
            names += [x["name"] for x in items if isinstance(x, dict) and x.get("name") not in names]
        for name in names:
            got = [_item(s, part, name, key) for s in summaries]
            values = tuple(v for v, _ in got)
            diffs = tuple(None if k == 0 or v is None or values[0] is None else v - values[0]
                          for k, v in enumerate(values))  # fmt: skip
            intervals = tuple(ci for _, ci in got) if any(ci for _, ci in got) else None
            what = "type" if part == "types" else "group"
            rows.append(ComparisonRow(f"{part}.{name}.{key}", f"{label}: {what} {name}", unit, kind, digits, values,
                                      diffs, intervals))  # fmt: skip
    return rows


def compare_plans(folders) -> PlanComparison:
    """Compare plan folders (written by `run_plan`) side by side, the first as the baseline.

    Parameters
    ----------
    folders : sequence of paths
        Plan folders, each holding the ``summary.json`` that ``cxqueue plan`` writes.

    Returns
    -------
    PlanComparison
        One row per entry of `ROWS`: each plan's value and its difference against the
        first plan (the simulated service level with its 95 % interval; a summary without
        ``warnings`` counts none); for multi-skill plans then one row per call type and
        per agent group of `NESTED` (a value a plan lacks is shown as missing).
    """
    folders = [Path(f) for f in folders]
    if not folders:
        raise ConfigError("folders: compare needs at least one plan folder; got none")
    summaries = [read_plan_summary(f) for f in folders]
    rows = []
    for spec in ROWS:
        values = tuple(_value(spec, s) for s in summaries)
        base = values[0]
        numeric = spec.kind != "flag"
        diffs = tuple(
            None if k == 0 or not numeric or v is None or base is None else v - base for k, v in enumerate(values)
        )
        intervals = tuple(_interval(spec, s) for s in summaries) if spec.interval else None
        rows.append(ComparisonRow(spec.key, spec.label, spec.unit, spec.kind, spec.digits, values, diffs, intervals))
    rows += _nested_rows(summaries)
    return PlanComparison(_names(summaries, folders), tuple(str(f) for f in folders), tuple(rows))
