"""plan.xlsx (issue 12): the plan's summary and tables as a workbook whose numbers are numbers.

Acceptance 3: the workbook of a quick plan opens with openpyxl and its per-interval sheet
equals plan.csv, cell by cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math

import numpy as np
import openpyxl
import pytest

from cxqueue.config import load_scenario
from cxqueue.plan.run import run_plan
from cxqueue.plan.workbook import column_format, summary_rows, write_workbook
from tests.conftest import REPO


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    cfg = load_scenario(REPO / "configs" / "default.toml")
    _, out = run_plan(cfg, out=tmp_path_factory.mktemp("xlsx") / "plan", quick=True, figures=False)
    return out


@pytest.fixture(scope="module")
def book(folder):
    return openpyxl.load_workbook(folder / "plan.xlsx")


def _csv(path):
    with path.open(newline="") as fh:
        return list(csv.reader(fh))


def _same(cell, text: str) -> bool:
    """A workbook cell against a CSV field: empty equals empty, numbers compare as floats
    (openpyxl writes 16 significant digits, Excel shows 15; the CSV holds Python's repr)."""
    if text == "":
        return cell.value is None
    if cell.is_date:  # a dated plan's date column: an Excel date
        return cell.value.date().isoformat() == text
    try:
        want = float(text)
    except ValueError:
        return cell.value == text
    numeric = cell.data_type == "n" and not isinstance(cell.value, bool)
    return numeric and math.isclose(cell.value, want, rel_tol=1e-15, abs_tol=1e-300)


@pytest.mark.parametrize(("sheet", "name"), [("per interval", "plan.csv"), ("shifts", "shifts.csv")])
def test_sheet_equals_its_csv(folder, book, sheet, name):
    rows = _csv(folder / name)
    ws = book[sheet]
    assert ws.max_row == len(rows) and ws.max_column == len(rows[0])
    assert [c.value for c in ws[1]] == rows[0]
    cells = list(ws.iter_rows(min_row=2))
    pairs = (
        (i, j, c, t)
        for i, (r, row) in enumerate(zip(cells, rows[1:], strict=True))
        for j, (c, t) in enumerate(zip(r, row, strict=True))
    )
    differ = [(i, j, c.value, t) for i, j, c, t in pairs if not _same(c, t)]
    assert differ == []


def test_numbers_are_numeric_cells_with_formats_by_column(book):
    ws = book["per interval"]
    header = [c.value for c in ws[1]]
    col = {name: [row[j] for row in ws.iter_rows(min_row=2)] for j, name in enumerate(header)}
    # every numeric column holds numbers or empty cells, never text
    for name, cells in col.items():
        if name != "when":
            assert {c.data_type for c in cells if c.value is not None} == {"n"}, name
    # fractions in percent, seconds and loads with decimals, counts whole
    want = {
        "sim_sl_offered": "0.0%",
        "sim_sl_offered_low": "0.0%",
        "analytic_abandon": "0.0%",
        "analytic_blocking": "0.0%",
        "analytic_occupancy": "0.0%",
        "sim_abandon_fraction": "0.0%",
        "sim_asa_s": "0.0",
        "aht_s": "0.0",
        "offered_load": "0.00",
        "calls": "0.0",  # the profile's mean calls are not whole
        "required_agents": "0",
        "on_duty_agents": "0",
        "lines": "0",
    }
    for name, fmt in want.items():
        assert {c.number_format for c in col[name] if c.value is not None} == {fmt}, name
    # closed intervals have no simulated level: empty cells, as in plan.csv
    assert any(c.value is None for c in col["sim_sl_offered"])
    # the header is bold and frozen, the columns wide enough for their titles
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2"
    letter = openpyxl.utils.get_column_letter(header.index("added_by_simulation") + 1)
    assert ws.column_dimensions[letter].width >= len("added_by_simulation")


def test_summary_sheet_reads_in_words_with_units(folder, book):
    summary = json.loads((folder / "summary.json").read_text())
    ws = book["summary"]
    assert [c.value for c in ws[1]] == ["key", "value", "unit"] and ws.freeze_panes == "A2"
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert rows["cost"][1].value == summary["cost"]
    assert rows["shifts"][1].value == summary["shifts"] and rows["shifts"][1].number_format == "0"
    sl = rows["simulated service level"]
    assert sl[1].value == summary["simulated_service_level"] and sl[1].number_format == "0.0%" and sl[2].value == "%"
    asa = rows["simulated ASA"]
    assert asa[1].value == summary["simulated_asa_s"] and asa[2].value == "s"
    lo, hi = summary["simulated_service_level_ci"]
    assert rows["simulated service level 95 % interval"][1].value == f"{lo:.1%} – {hi:.1%}"
    assert rows["agent hours on duty"][2].value == "h"
    assert rows["converged"][1].value == ("yes" if summary["converged"] else "no")
    # nested settings: one row each, numbers as numbers
    assert rows["settings: model"][1].value == summary["settings"]["model"]
    assert rows["settings: replications"][1].value == summary["settings"]["replications"]
    assert rows["settings: line blocking"][1].number_format == "0.0%"


def test_write_workbook_dates_empty_cells_and_text(tmp_path):
    header = ["date", "calls", "sim_sl_offered", "note"]
    rows = [
        ["2026-12-07", np.float64(12.5), float("nan"), "=1+1"],
        ["2026-12-08", np.int64(3), math.inf, "ok"],
    ]
    warning = {"code": "closed", "message": "calls while closed"}
    path = write_workbook(tmp_path / "t.xlsx", {"warnings": [warning]}, {"per day": (header, rows)})
    ws = openpyxl.load_workbook(path)["per day"]
    a2, b2, c2, d2 = ws[2]
    assert a2.value == dt.datetime(2026, 12, 7) and a2.is_date and a2.number_format == "yyyy-mm-dd"
    assert b2.value == 12.5 and b2.data_type == "n" and b2.number_format == "0.0"
    assert c2.value is None and ws["C3"].value is None  # NaN and inf: empty
    assert d2.value == "=1+1" and d2.data_type == "s"  # text, not a formula
    summary = openpyxl.load_workbook(path)["summary"]
    assert summary["A2"].value == "warnings" and summary["B2"].value == "closed: calls while closed"


def test_column_formats_and_summary_rows():
    assert column_format("date") == "yyyy-mm-dd"
    assert column_format("sim_sl_offered_high") == "0.0%" and column_format("analytic_occupancy") == "0.0%"
    assert column_format("sim_asa_s_halfwidth") == "0.0" and column_format("end_s") == "0.0"
    assert column_format("count", [1, 2.0]) == "0" and column_format("calls", [1.5, float("nan")]) == "0.0"
    rows = summary_rows({"validation": {"asa_s": {"bias": -1.5}, "service_level": {"mae": 0.1}}, "notes": ["a", "b"]})
    assert rows == [
        ("validation: ASA: bias", -1.5, "s", "0.0"),
        ("validation: service level: MAE", 0.1, "%", "0.0%"),
        ("notes", "a\nb", "", None),
    ]


@pytest.mark.parametrize(
    ("sheets", "message"),
    [
        ({"a/b": (["x"], [])}, "sheets: a sheet name must be text of 1 to 31 characters"),
        ({"Summary": (["x"], [])}, "sheets: sheet names must differ from each other and from 'summary'; got 'Summary'"),
        ({"t": (["x", "y"], [[1]])}, "sheets['t']: every row must have one cell per header column (2); row 0 has 1"),
    ],
)
def test_write_workbook_errors_name_the_sheet(tmp_path, sheets, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        write_workbook(tmp_path / "t.xlsx", {}, sheets)
    assert not (tmp_path / "t.xlsx").exists()
