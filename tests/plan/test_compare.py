"""Plans side by side (issue 12, acceptance 4): `compare_plans` on two quick plans of the bank,
today's 8 positions and the recommended staffing; every value is its plan's summary.json."""

from __future__ import annotations

import json
import shutil

import pytest

from cxqueue.exceptions import ConfigError
from cxqueue.plan.compare import ROWS, compare_plans

KEYS = [
    "cost",
    "shifts",
    "agent_hours_on_duty",
    "lines",
    "calls",
    "target_level",
    "simulated_service_level",
    "simulated_asa_s",
    "simulated_abandon_fraction",
    "simulated_blocking_fraction",
    "converged",
]


def test_rows_hold_each_plans_summary_and_the_differences(bank_plan_folders, bank_summaries):
    c = compare_plans(bank_plan_folders)
    today, recommended = bank_summaries
    assert c.names == ("bank-today", "bank-recommended") and c.folders == tuple(str(p) for p in bank_plan_folders)
    rows = {r.key: r for r in c.rows}
    assert [r.key for r in c.rows] == [*KEYS, "warnings"] == [s.key for s in ROWS]
    for key in KEYS:
        assert rows[key].values == (today[key], recommended[key]), key
    for key in KEYS[:-1]:
        assert rows[key].differences == (None, recommended[key] - today[key]), key
    assert rows["converged"].differences == (None, None)
    sl = rows["simulated_service_level"]
    assert sl.intervals == tuple(tuple(s["simulated_service_level_ci"]) for s in bank_summaries)
    # the warnings each plan carries, counted (today's 8 positions cannot meet the target)
    n = tuple(len(x["warnings"]) for x in bank_summaries)
    assert rows["warnings"].values == n and n[0] > n[1]
    assert "capped_agents" in [w["code"] for w in today["warnings"]]
    # the two bank_plan_folders differ where they should: 8 positions cost less and serve worse
    assert today["settings"]["max_agents"] == 8 and recommended["settings"]["max_agents"] == 13
    assert rows["cost"].differences[1] > 0 and sl.differences[1] > 0


def test_text_shows_each_value_as_formatted_from_summary_json(bank_plan_folders, bank_summaries):
    text = compare_plans(bank_plan_folders).text()
    lines = {line.split("  ")[0]: line for line in text.splitlines()}
    today, rec = bank_summaries

    def cells(label):
        return lines[label].split()

    assert cells("cost")[-3:] == [
        f"{today['cost']:,.1f}",
        f"{rec['cost']:,.1f}",
        f"{rec['cost'] - today['cost']:+,.1f}",
    ]
    assert cells("shifts")[-3:-1] == [f"{today['shifts']:,}", f"{rec['shifts']:,}"]
    assert cells("agent-hours on duty")[-3:-1] == [f"{s['agent_hours_on_duty']:,.1f}" for s in bank_summaries]
    assert cells("lines")[-3:-1] == [str(s["lines"]) for s in bank_summaries]
    assert cells("calls")[-3:-1] == [f"{s['calls']:,.0f}" for s in bank_summaries]
    for s in bank_summaries:
        lo, hi = s["simulated_service_level_ci"]
        sl = f"{100 * s['simulated_service_level']:.1f} ({100 * lo:.1f}–{100 * hi:.1f})"
        assert sl in lines["service level (simulated, 95 % interval)"]
        assert f"{s['simulated_asa_s']:.1f}" in cells("ASA (simulated)")
        assert f"{100 * s['simulated_abandon_fraction']:.2f}" in cells("abandonment (simulated)")
        assert f"{100 * s['simulated_blocking_fraction']:.2f}" in cells("busy signals (simulated)")
    assert cells("converged")[-2:] == ["no" if not today["converged"] else "yes", "yes"]
    d = 100 * (rec["simulated_service_level"] - today["simulated_service_level"])
    assert lines["service level (simulated, 95 % interval)"].endswith(f"{d:+.1f} pp")
    # aligned: every row of the table is as wide as its header and rule
    table = text.splitlines()[text.splitlines().index("") + 1 :]
    rule = table[1]
    assert set(rule) == {"-", " "} and all(len(line) <= len(rule) for line in table)
    assert all(len(line) == len(rule) for line in table if not line.startswith("converged"))


def test_to_dict_is_the_summaries(bank_plan_folders, bank_summaries):
    d = compare_plans(bank_plan_folders).to_dict()
    assert d["names"] == ["bank-today", "bank-recommended"] and d["baseline"] == "bank-today"
    for row in d["rows"]:
        if row["key"] != "warnings":
            assert row["values"] == [s[row["key"]] for s in bank_summaries]
    sl = next(r for r in d["rows"] if r["key"] == "simulated_service_level")
    assert sl["intervals"] == [s["simulated_service_level_ci"] for s in bank_summaries]
    json.dumps(d, allow_nan=False)


def _copy(plan, folder, **change):
    shutil.copytree(plan, folder)
    summary = json.loads((folder / "summary.json").read_text())
    summary.update(change)
    for key in [k for k, v in change.items() if v is None]:
        del summary[key]
    (folder / "summary.json").write_text(json.dumps(summary))
    return folder


def test_warnings_are_counted_and_names_fall_back_to_the_folder(bank_plan_folders, tmp_path):
    warnings = [{"code": "occupancy", "message": "occupancy above 95 %"}, {"code": "closed", "message": "calls"}]
    other = _copy(bank_plan_folders[1], tmp_path / "what-if", warnings=warnings, name=None)
    same = _copy(bank_plan_folders[1], tmp_path / "again")
    old = _copy(bank_plan_folders[1], tmp_path / "old", warnings=None)  # a folder written before warnings existed: none
    c = compare_plans([bank_plan_folders[1], other, same, old])
    rows = {r.key: r for r in c.rows}
    n = len(json.loads((bank_plan_folders[1] / "summary.json").read_text())["warnings"])
    assert rows["warnings"].values == (n, 2, n, 0) and rows["warnings"].differences == (None, 2 - n, 0, -n)
    # no name in summary.json: the folder's; a repeated name: with its folder
    assert c.names == ("bank-recommended (recommended)", "what-if", "bank-recommended (again)",
                       "bank-recommended (old)")  # fmt: skip


def test_html_is_self_contained_and_escapes_every_value(bank_plan_folders, tmp_path):
    odd = _copy(bank_plan_folders[0], tmp_path / "odd", name="<script>alert(1)</script> & co")
    page = compare_plans([bank_plan_folders[1], odd]).html()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "http" not in page and "<link" not in page and "src=" not in page
    table = compare_plans([bank_plan_folders[1], odd]).table()
    for row in table[1:]:
        for cell in row[1:]:
            assert f"<td>{cell}</td>" in page or f"<td>{cell.replace('&', '&amp;')}</td>" in page


def test_a_folder_without_summary_json_is_an_error_naming_it(bank_plan_folders, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match=f"plan folder {tmp_path / 'empty'} holds no summary.json"):
        compare_plans([bank_plan_folders[0], tmp_path / "empty"])
    with pytest.raises(ConfigError, match=f"plan folder {tmp_path / 'gone'} does not exist"):
        compare_plans([bank_plan_folders[0], tmp_path / "gone"])
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "summary.json").write_text("{not json")
    with pytest.raises(ConfigError, match=r"bad/summary.json must be the JSON a plan writes; it does not parse"):
        compare_plans([tmp_path / "bad"])
    with pytest.raises(ConfigError, match="folders: compare needs at least one plan folder; got none"):
        compare_plans([])


def test_multiskill_plans_get_a_row_per_type_and_group_with_their_numbers(tmp_path):
    def folder(name, retail_sl, groups):
        f = tmp_path / name
        f.mkdir()
        types = [{"name": "retail", "service_level": {"mean": retail_sl, "low": retail_sl - 0.02, "high": 0.99},
                  "asa_s": {"mean": 3.0, "low": 2.0, "high": 4.0}, "abandon_fraction": {"mean": 0.01}}]  # fmt: skip
        if name == "b":
            types.append({"name": "mail", "service_level": {"mean": 1.0, "low": 1.0, "high": 1.0}})
        summary = {"kind": "multiskill", "name": name, "cost": 10.0, "types": types,
                   "groups": [{"name": g, "shifts": n, "occupancy": {"mean": 0.7, "low": 0.6, "high": 0.8}}
                              for g, n in groups.items()]}  # fmt: skip
        (f / "summary.json").write_text(json.dumps(summary))
        return f

    c = compare_plans([folder("a", 0.9, {"retail": 5}), folder("b", 0.85, {"retail": 4, "loans": 2})])
    rows = {r.key: r for r in c.rows}
    sl = rows["types.retail.service_level"]
    assert sl.values == (0.9, 0.85) and sl.differences[1] == pytest.approx(-0.05)
    assert sl.intervals == ((0.88, 0.99), (0.83, 0.99))
    assert rows["types.mail.service_level"].values == (None, 1.0)  # a type only the second plan has
    assert rows["types.mail.service_level"].differences == (None, None)
    assert rows["groups.retail.shifts"].values == (5, 4) and rows["groups.retail.shifts"].differences == (None, -1)
    assert rows["groups.loans.shifts"].values == (None, 2)
    assert rows["types.retail.abandon_fraction"].intervals == ((None, None), (None, None))
    text = c.text()
    assert "service level (simulated, 95 % interval): type retail" in text and "90.0 (88.0–99.0)" in text
    assert "shifts: group loans" in text
