"""``plan.xlsx``: a plan's summary and tables as an Excel workbook (openpyxl).

Planners live in spreadsheets. `write_workbook` writes one ``summary`` sheet (one row per
number of ``summary.json``, in words, with its unit) and one sheet per table (the rows of
``plan.csv``, ``shifts.csv``, ...), with the numbers stored as numbers and formatted by
what their column holds:

- fractions (a name with ``sl``, ``level``, ``abandon``, ``blocking``, ``occupancy``,
  ``fraction``, ``share`` or ``coverage``): ``0.0%``;
- seconds (a name with ``_s``): ``0.0``; offered load: ``0.00``;
- a column named ``date`` holding ISO dates: Excel dates (``yyyy-mm-dd``);
- other numbers (counts): ``0`` when every value is whole, else ``0.0``.

Numbers keep 16 significant digits (openpyxl's; Excel shows 15). NaN and infinite numbers
are written as empty cells (as in the CSV files); text that
starts with ``=`` stays text (no cell of a plan is a formula).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from pathlib import Path

__all__ = ["column_format", "summary_rows", "write_workbook"]

FRACTION_WORDS = frozenset({"sl", "level", "abandon", "blocking", "occupancy", "fraction", "share", "coverage"})
WORDS = {
    "sl": "service level",
    "asa": "ASA",
    "aht": "AHT",
    "ci": "95 % interval",
    "mae": "MAE",
    "rmse": "RMSE",
    "halfwidth": "half width",
    "sim": "simulated",
}
PERCENT, SECONDS, LOAD, WHOLE, DECIMAL, SMALL, DATE = "0.0%", "0.0", "0.00", "0", "0.0", "0.000", "yyyy-mm-dd"
MAX_WIDTH = 60
# Excel's own limits on a sheet's name and on the text of one cell
_SHEET_NAME_CHARS = frozenset("[]:*?/\\")
_CELL_CHARS = 32767


def _tokens(name: str) -> list[str]:
    return str(name).lower().replace("-", "_").replace(" ", "_").split("_")


def _kind(name: str) -> str | None:
    """``"fraction"``, ``"seconds"``, ``"hours"``, ``"load"`` or None, from a column or key name."""
    tokens = _tokens(name)
    if "s" in tokens:
        return "seconds"
    if FRACTION_WORDS.intersection(tokens):
        return "fraction"
    if "h" in tokens or "hours" in tokens:
        return "hours"
    if "load" in tokens:
        return "load"
    return None


def column_format(name: str, values=()) -> str:
    """The number format of a column called ``name`` holding ``values``.

    Examples
    --------
    >>> [column_format(n) for n in ("sim_sl_offered_low", "analytic_abandon", "aht_s", "offered_load", "date")]
    ['0.0%', '0.0%', '0.0', '0.00', 'yyyy-mm-dd']
    >>> column_format("required_agents", [3, 4]), column_format("calls", [2.5, 3.0])
    ('0', '0.0')
    """
    if str(name).lower() == "date":
        return DATE
    kind = _kind(name)
    if kind == "fraction":
        return PERCENT
    if kind in ("seconds", "hours"):
        return SECONDS
    if kind == "load":
        return LOAD
    nums = [v for v in values if _is_number(v) and math.isfinite(v)]
    return WHOLE if all(float(v).is_integer() for v in nums) else DECIMAL


def _is_number(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _cell_value(v, fmt: str | None = None):
    """What a cell holds: Python numbers (NaN and inf as empty), dates, text."""
    if hasattr(v, "item") and not isinstance(v, str | bytes):  # numpy scalars
        v = v.item()
    if isinstance(v, bool) or v is None:
        return v
    if _is_number(v):
        return v if math.isfinite(v) else None
    if fmt == DATE and isinstance(v, str):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return v
    if isinstance(v, dt.date):
        return v
    return str(v)[:_CELL_CHARS]


# -- the summary sheet ------------------------------------------------------------------


def _words(key: str) -> str:
    tokens = [t for t in _tokens(key) if t not in ("s", "h")]
    return " ".join(WORDS.get(t, t) for t in tokens) or str(key)


def _unit(path: tuple[str, ...]) -> str:
    """The unit of a summary entry: its own name decides, else its parents' (innermost first)."""
    for key in reversed(path):
        kind = _kind(key)
        if kind is not None:
            return {"fraction": "%", "seconds": "s", "hours": "h", "load": "Erlangs"}[kind]
    return ""


def _as_text(value, unit: str) -> str:
    """A list (or anything else that is not one number) as one line of text."""
    if isinstance(value, list | tuple):
        if not value:
            return "none"
        if all(_is_number(v) for v in value) and len(value) == 2 and unit:
            lo, hi = (_as_text(v, unit) for v in value)
            return f"{lo} – {hi}"
        return ("\n" if any(isinstance(v, str | dict) for v in value) else ", ").join(_as_text(v, unit) for v in value)
    if isinstance(value, dict):
        if "message" in value:
            return f"{value.get('code', 'note')}: {value['message']}"
        return ", ".join(f"{_words(k)} {_as_text(v, unit)}" for k, v in value.items())
    if _is_number(value):
        if not math.isfinite(value):
            return str(value)
        if unit == "%":
            return f"{value:.1%}"
        return f"{value:g}" if isinstance(value, float) else str(value)
    return str(value)


def summary_rows(summary: dict, _path: tuple[str, ...] = ()) -> list[tuple[str, object, str, str | None]]:
    """``(key in words, value, unit, number format)`` per entry of ``summary``; nested dicts
    give one row per leaf (``"validation: service level: observed"``), lists one row of text.

    Examples
    --------
    >>> summary_rows({"simulated_asa_s": 3.07, "settings": {"replications": 4}, "failing_intervals": []})
    [('simulated ASA', 3.07, 's', '0.0'), ('settings: replications', 4, '', '0'),
     ('failing intervals', 'none', '', None)]
    """
    out = []
    for key, value in summary.items():
        path = (*_path, str(key))
        label = ": ".join(_words(k) for k in path)
        unit = _unit(path)
        if isinstance(value, dict) and value and not ("message" in value and "code" in value):
            out += summary_rows(value, path)
            continue
        if isinstance(value, bool):
            out.append((label, "yes" if value else "no", "", None))
        elif _is_number(value) or hasattr(value, "item"):
            v = _cell_value(value)
            if unit == "%":
                fmt = PERCENT
            elif unit in ("s", "h"):
                fmt = SECONDS
            elif isinstance(v, int):
                fmt = WHOLE
            else:
                fmt = DECIMAL if v is None or abs(v) >= 1 or v == 0 else SMALL
            out.append((label, v, unit, fmt))
        elif value is None:
            out.append((label, None, unit, None))
        else:
            # a text (opening hours, a list of notes) carries its units in its words
            out.append((label, _as_text(value, unit), "", None))
    return out


# -- the workbook -----------------------------------------------------------------------


def _check_sheets(sheets: dict) -> None:
    seen = {"summary"}
    for name, table in sheets.items():
        where = f"sheets[{name!r}]"
        if not isinstance(name, str) or not 1 <= len(name) <= 31 or _SHEET_NAME_CHARS.intersection(name):
            raise ValueError(
                f"sheets: a sheet name must be text of 1 to 31 characters without any of [ ] : * ? / \\; got {name!r}"
            )
        if name.lower() in seen:
            raise ValueError(f"sheets: sheet names must differ from each other and from 'summary'; got {name!r}")
        seen.add(name.lower())
        if not (isinstance(table, tuple | list) and len(table) == 2):
            raise ValueError(f"{where} must be a (header, rows) pair; got {type(table).__name__}")
        header, rows = table
        for i, row in enumerate(rows):
            if len(row) != len(header):
                raise ValueError(
                    f"{where}: every row must have one cell per header column ({len(header)}); "
                    f"row {i} has {len(row)}: {list(row)!r}"
                )


def _cell(ws, value, fmt: str | None, bold: bool = False):
    """One cell of a write-only sheet: its number format, bold, wrapped when it holds lines."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    if fmt is not None and not isinstance(value, str):
        cell.number_format = fmt
    if bold:
        cell.font = Font(bold=True)
    if isinstance(value, str) and "\n" in value:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _shown_width(value, fmt: str | None) -> int:
    """About how many characters a cell shows (for the column width)."""
    if value is None:
        return 0
    if isinstance(value, str):
        return max(len(line) for line in value.split("\n")) if value else 0
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, bool):
        return 5
    if fmt == PERCENT:
        return len(f"{value:.1%}")
    if fmt in (SECONDS, DECIMAL):
        return len(f"{value:.1f}")
    if fmt in (LOAD, SMALL):
        return len(f"{value:.3f}")
    return len(f"{value:.0f}")


def _sheet(ws, header, rows: list[list[tuple]]) -> None:
    """Write a sheet at once (openpyxl's write-only mode: row by row, each row written as it
    comes, so the column widths and the frozen header go first): a bold header, then the
    rows of (value, number format)."""
    from openpyxl.utils import get_column_letter

    widths = [len(str(name)) for name in header]
    for row in rows:
        for j, (v, fmt) in enumerate(row):
            widths[j] = max(widths[j], _shown_width(v, fmt))
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(w, 4) + 2, MAX_WIDTH)
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, str(name), None, bold=True) for name in header])
    for row in rows:
        ws.append([_cell(ws, v, fmt) for v, fmt in row])


def _summary_sheet(ws, summary: dict) -> None:
    rows = [[(label, None), (value, fmt), (unit, None)] for label, value, unit, fmt in summary_rows(summary)]
    _sheet(ws, ("key", "value", "unit"), rows)


def _table_sheet(ws, header: list, rows: list) -> None:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    formats = [column_format(name, col) for name, col in zip(header, columns, strict=True)]
    _sheet(ws, header, [[(_cell_value(v, f), f) for v, f in zip(row, formats, strict=True)] for row in rows])


def write_workbook(path, summary: dict, sheets: dict[str, tuple[list[str], list[list]]]) -> Path:
    """Write ``path`` (an .xlsx file): a ``summary`` sheet, then one sheet per entry of ``sheets``.

    Parameters
    ----------
    path : path
        The workbook to write (replaced if it exists).
    summary : dict
        The plan's summary (``summary.json``): one row per entry, nested dicts one row per
        leaf, lists as one line of text.
    sheets : dict
        ``{sheet name: (header, rows)}``, in order: the header names the columns (and
        chooses their number formats, see the module docstring), each row holds one
        value per column.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_workbook(Path(d) / "plan.xlsx", {"cost": 890.2, "simulated_asa_s": 3.1},
    ...                        {"shifts": (["template", "count"], [["day", 12], ["evening", 7]])})
    ...     wb = openpyxl.load_workbook(p)
    ...     wb.sheetnames, [c.value for c in wb["shifts"]["B"]], wb["summary"]["A3"].value
    (['summary', 'shifts'], ['count', 12, 7], 'simulated ASA')
    """
    from openpyxl import Workbook

    if not isinstance(summary, dict):
        raise ValueError(f"summary must be a dict (a plan's summary.json); got {type(summary).__name__}")
    _check_sheets(sheets)
    wb = Workbook(write_only=True)
    _summary_sheet(wb.create_sheet("summary"), summary)
    for name, (header, rows) in sheets.items():
        _table_sheet(wb.create_sheet(name), list(header), list(rows))
    wb.properties.creator = "cxqueue"
    path = Path(path)
    wb.save(path)
    return path
