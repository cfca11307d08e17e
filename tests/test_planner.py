"""`cxqueue plan` end to end: every example config in quick mode, and its errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from cxqueue.cli import EXIT_OK, EXIT_USAGE, main
from cxqueue.config import load_scenario
from cxqueue.planner import run_plan

CONFIGS = sorted((Path(__file__).resolve().parents[1] / "configs").glob("*.toml"))


def test_there_are_example_configs():
    names = {p.name for p in CONFIGS}
    assert {"default.toml", "bank.toml", "evening-callers.toml", "utility-24x7.toml"} <= names


@pytest.mark.parametrize("path", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_example_config_plans_end_to_end(path, tmp_path):
    cfg = load_scenario(path)
    result, folder = run_plan(cfg, out=tmp_path / "out", quick=True, figures=False)
    s = result.summary()
    # a plan exists, was simulated and reported; its numbers are consistent
    assert s["shifts"] > 0 and s["lines"] >= 1 and s["cost"] > 0
    assert 0.0 <= s["simulated_service_level"] <= 1.0
    assert result.scenario.agents.max() <= result.lines
    assert (folder / "plan.csv").exists() and (folder / "summary.json").exists()
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["name"] == cfg.name and summary["quick"] is True
    # where the plan converged, the simulation's lower bound meets the target
    if result.converged:
        assert s["simulated_service_level_ci"][0] >= cfg.target.level


def test_cli_plan_default_json(tmp_path):
    out = io.StringIO()
    code = main(["plan", "--out", str(tmp_path / "p"), "--quick", "--no-figures", "--json", "--quiet"], out=out)
    assert code == EXIT_OK
    summary = json.loads(out.getvalue())
    assert summary["folder"] == str(tmp_path / "p")
    assert summary["config"].endswith("default.toml")


def test_cli_plan_refuses_existing_folder(tmp_path, capsys):
    (tmp_path / "p").mkdir()
    code = main(["plan", "--out", str(tmp_path / "p"), "--quick", "--quiet"], out=io.StringIO())
    assert code == EXIT_USAGE
    assert f"output folder {tmp_path / 'p'} exists; pass --force to replace it" in capsys.readouterr().err


def test_cli_plan_bad_config(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[demand]\nprofile = "bank-1999"\n[target]\nlevel = 80\n')
    code = main(["plan", str(bad), "--out", str(tmp_path / "p"), "--quiet"], out=io.StringIO())
    assert code == EXIT_USAGE
    assert "[target].level must be a fraction in [0, 1]; got 80" in capsys.readouterr().err
