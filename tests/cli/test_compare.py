"""`cxqueue compare` (issue 12, acceptance 4): two plans of the bank, today's 8 positions and the
recommended staffing, side by side in the terminal, as JSON and as an HTML page."""

from __future__ import annotations

import io
import json

from cxqueue.cli import EXIT_OK, EXIT_USAGE, main


def run(argv):
    out = io.StringIO()
    code = main(argv, out=out)
    return code, out.getvalue()


def _row(text: str, label: str) -> list[str]:
    """The cells of the table row ``label`` (columns are two or more spaces apart)."""
    line = next(line for line in text.splitlines() if line.startswith(label + "  "))
    return [c.strip() for c in line[len(label) :].split("  ") if c.strip()]


def test_prints_the_side_by_side_table_with_each_plans_numbers(bank_plan_folders, bank_summaries):
    code, text = run(["compare", *map(str, bank_plan_folders)])
    assert code == EXIT_OK
    today, rec = bank_summaries
    assert "bank-today" in text.splitlines()[4] and "Δ bank-recommended" in text.splitlines()[4]
    assert _row(text, "cost") == [
        f"{today['cost']:,.1f}",
        f"{rec['cost']:,.1f}",
        f"{rec['cost'] - today['cost']:+,.1f}",
    ]
    assert _row(text, "shifts") == [str(today["shifts"]), str(rec["shifts"]), f"{rec['shifts'] - today['shifts']:+d}"]
    hours = [s["agent_hours_on_duty"] for s in bank_summaries]
    assert _row(text, "agent-hours on duty") == [
        "h",
        f"{hours[0]:,.1f}",
        f"{hours[1]:,.1f}",
        f"{hours[1] - hours[0]:+,.1f}",
    ]
    assert _row(text, "lines")[:2] == [str(s["lines"]) for s in bank_summaries]
    assert _row(text, "calls") == [*(f"{s['calls']:,.0f}" for s in bank_summaries), "0"]
    sl = _row(text, "service level (simulated, 95 % interval)")
    assert sl[0] == "%"
    for cell, s in zip(sl[1:3], bank_summaries, strict=True):
        lo, hi = s["simulated_service_level_ci"]
        assert cell == f"{100 * s['simulated_service_level']:.1f} ({100 * lo:.1f}–{100 * hi:.1f})"
    assert _row(text, "ASA (simulated)")[:3] == ["s", *(f"{s['simulated_asa_s']:.1f}" for s in bank_summaries)]
    ab = _row(text, "abandonment (simulated)")
    assert ab[:3] == ["%", *(f"{100 * s['simulated_abandon_fraction']:.2f}" for s in bank_summaries)]
    assert ab[3].endswith(" pp")
    busy = _row(text, "busy signals (simulated)")
    assert busy[1:3] == [f"{100 * s['simulated_blocking_fraction']:.2f}" for s in bank_summaries]
    assert _row(text, "converged") == ["yes" if s["converged"] else "no" for s in bank_summaries]
    n = [len(s["warnings"]) for s in bank_summaries]
    assert _row(text, "warnings") == [str(n[0]), str(n[1]), f"{n[1] - n[0]:+d}"]


def test_json_is_the_table_of_the_summaries(bank_plan_folders, bank_summaries):
    code, text = run(["compare", *map(str, bank_plan_folders), "--json"])
    assert code == EXIT_OK
    data = json.loads(text)
    assert data["names"] == ["bank-today", "bank-recommended"] and data["folders"] == [
        str(p) for p in bank_plan_folders
    ]
    rows = {r["key"]: r for r in data["rows"]}
    for key, row in rows.items():
        if key != "warnings":
            assert row["values"] == [s[key] for s in bank_summaries], key
    assert rows["cost"]["differences"] == [None, bank_summaries[1]["cost"] - bank_summaries[0]["cost"]]
    assert rows["simulated_service_level"]["intervals"] == [s["simulated_service_level_ci"] for s in bank_summaries]
    assert rows["warnings"]["values"] == [len(s["warnings"]) for s in bank_summaries]


def test_html_writes_the_same_table(bank_plan_folders, tmp_path):
    page = tmp_path / "compare.html"
    code, text = run(["compare", *map(str, bank_plan_folders), "--html", str(page)])
    assert code == EXIT_OK and text.rstrip().endswith(f"written to {page}")
    html = page.read_text()
    assert html.startswith("<!doctype html>") and "<th>Δ bank-recommended</th>" in html
    assert f"<td>{_row(text, 'cost')[0]}</td>" in html
    code, text = run(["compare", *map(str, bank_plan_folders), "--html", str(page), "--json"])
    assert code == EXIT_OK and json.loads(text)["names"] == ["bank-today", "bank-recommended"]


def test_a_folder_without_summary_json_exits_2_naming_it(bank_plan_folders, tmp_path, capsys):
    code, text = run(["compare", str(bank_plan_folders[0]), str(tmp_path)])
    assert code == EXIT_USAGE and text == ""
    assert f"cxqueue: error: plan folder {tmp_path} holds no summary.json" in capsys.readouterr().err
