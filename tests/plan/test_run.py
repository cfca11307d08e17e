"""`cxqueue plan` end to end: every example config in quick mode, and its errors."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from cxqueue.cli import EXIT_OK, EXIT_USAGE, main
from cxqueue.config import load_scenario
from cxqueue.plan.run import run_plan
from tests.conftest import REPO

CONFIGS = sorted(p for p in (REPO / "configs").glob("*.toml") if not p.name.startswith("multiskill"))
# the multi-skill example is planned by its own tests (tests/plan/test_multiskill_plan.py)


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


def test_cli_plan_force_refuses_a_folder_it_did_not_write(tmp_path, capsys):
    # issue 11, acceptance 4: --force against a folder holding a foreign file
    (tmp_path / "p" / "sub").mkdir(parents=True)
    (tmp_path / "p" / "sub" / "thesis.tex").write_text("three years")
    code = main(["plan", "--out", str(tmp_path / "p"), "--force", "--quick", "--quiet"], out=io.StringIO())
    assert code == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"output folder {tmp_path / 'p'} exists and was not written by cxqueue" in err
    assert (tmp_path / "p" / "sub" / "thesis.tex").read_text() == "three years"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p"]


@pytest.mark.parametrize("where", [".", ".."])
def test_cli_plan_out_dot_force_is_refused_without_a_traceback(tmp_path, monkeypatch, capsys, where):
    # issue 11: `--out . --force` raised a traceback
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("x")
    code = main(["plan", "--out", where, "--force", "--quick", "--quiet"], out=io.StringIO())
    assert code == EXIT_USAGE
    assert "output folder" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "x"


def test_cli_plan_bad_config(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[demand]\nprofile = "bank-1999"\n[target]\nlevel = 80\n')
    code = main(["plan", str(bad), "--out", str(tmp_path / "p"), "--quiet"], out=io.StringIO())
    assert code == EXIT_USAGE
    assert "[target].level must be a fraction in [0, 1]; got 80" in capsys.readouterr().err


def test_bank_plan_replays_october_with_the_banks_agents(data_dir, tmp_path, monkeypatch):
    # issue 5, acceptance 2: before the plan is trusted, October is replayed (its own arrival
    # times) with the bank's own agents on duty x 0.655 plus 3 reserve agents called in at 5
    # waiting callers (both fitted on January and February in experiments/e002_bank_models)
    # and the per-interval errors reported. Observed totals are exact counts from the log;
    # the simulated ones carry noise.
    monkeypatch.setenv("CXQUEUE_DATA", str(data_dir))
    cfg = load_scenario(REPO / "configs" / "bank.toml")
    _, folder = run_plan(cfg, out=tmp_path / "bank", quick=True, figures=False)
    v = json.loads((folder / "summary.json").read_text())["validation"]
    assert v["intervals"] == 1692 and v["agent_factor"] == 0.655 and v["arrivals"] == "trace"
    assert v["reserve_agents"] == 3 and v["reserve_threshold"] == 5
    sl, asa, ab = v["service_level"], v["asa_s"], v["abandon_share"]
    assert sl["observed"] == pytest.approx(0.7142, abs=1e-4)
    assert asa["observed"] == pytest.approx(23.19, abs=0.01)
    assert ab["observed"] == pytest.approx(0.0639, abs=1e-4)
    # the month's totals within 2.5 points, 1.5 s and 0.8 points (measured in quick mode, 4
    # replications: 0.697, 22.7 s, 5.9 %); per-interval errors at the level of the sampling
    # noise of ~20 calls per quarter hour (with 4 replications the simulated mean adds
    # noise of its own, about half of that again)
    assert abs(sl["simulated"] - sl["observed"]) < 0.025
    assert abs(asa["simulated"] - asa["observed"]) < 1.5
    assert abs(ab["simulated"] - ab["observed"]) < 0.008
    for k in (sl, asa, ab):
        assert k["mae"] < 1.5 * k["noise_mae"] and k["coverage"] > 0.85
    rows = (folder / "validation.csv").read_text().splitlines()
    assert rows[0].startswith("interval_start_s,hour,agents,offered,service_level_observed")
    # the model reproduces October within its noise: no validation warning (issue 12)
    codes = [w["code"] for w in json.loads((folder / "summary.json").read_text())["warnings"]]
    assert "validation_mismatch" not in codes and "data_fallback" not in codes


def test_a_replay_that_misses_is_a_warning(data_dir, tmp_path, monkeypatch):
    # the same October with half the bank's agents on duty: the replay's waits are far longer
    # than the log's, and the report says the model does not reproduce the center (issue 12)
    monkeypatch.setenv("CXQUEUE_DATA", str(data_dir))
    cfg = load_scenario(REPO / "configs" / "bank.toml", overrides=["validation.agent_factor=0.33"])
    _, folder = run_plan(cfg, out=tmp_path / "bank", quick=True, figures=False)
    s = json.loads((folder / "summary.json").read_text())
    w = [w for w in s["warnings"] if w["code"] == "validation_mismatch"]
    v = s["validation"]
    slack = 1.5 * (1 + 1 / v["replications"]) ** 0.5
    missed = [k for k in ("service_level", "asa_s", "abandon_share") if v[k]["mae"] > slack * v[k]["noise_mae"]]
    assert missed and len(w) == len(missed)
    assert w[0]["key"] == "[validation]" and "times the" in w[0]["message"]


def test_bank_plan_without_data_skips_validation(tmp_path, monkeypatch):
    monkeypatch.delenv("CXQUEUE_DATA", raising=False)
    cfg = load_scenario(REPO / "configs" / "bank.toml")
    assert cfg.validation.missing.startswith("configs/bank.toml: [validation].history uses $CXQUEUE_DATA") or (
        "[validation].history uses $CXQUEUE_DATA" in cfg.validation.missing
    )
    _, folder = run_plan(cfg, out=tmp_path / "bank", quick=True, figures=False)
    v = json.loads((folder / "summary.json").read_text())["validation"]
    assert "skipped" in v and "CXQUEUE_DATA" in v["skipped"]


def test_isa_settings_reach_the_requirements():
    """[staffing].method = "isa" with isa_rounding: the plan's requirements are ISA's with the
    config's handle-time shape and rounding (the same seed gives the same agents); lines
    enter the requirement only with model = "erlang_x"."""
    from cxqueue.config import loads_scenario
    from cxqueue.optimize.requirements import staffing_requirements
    from cxqueue.plan.optimize import _requirements
    from cxqueue.plan.run import plan_settings

    cfg = loads_scenario(
        "[demand]\ncalls = [40, 80, 120, 80, 40, 20]\naht_s = 180\ninterval_min = 15\n"
        '[handle]\nkind = "lognormal"\ncv = 1.3\n[patience]\nmean_s = 240\n[lines]\ncount = 40\n'
        '[staffing]\nmethod = "isa"\nisa_rounding = "nearest"\n[simulation]\nseed = 5\n'
    )
    settings = plan_settings(cfg)
    assert settings.method == "isa" and settings.isa_rounding == "nearest"
    sc = cfg.scenario(np.zeros(6))
    got, _ = _requirements(sc, settings, np.ones(6, dtype=bool))
    want = staffing_requirements(cfg.forecast, cfg.target, model="erlang_a", method="isa", mean_patience_s=240.0,
                                 handle=cfg.handle, seed=5, isa_rounding="nearest")  # fmt: skip
    np.testing.assert_array_equal(got, want.agents)
    up = staffing_requirements(cfg.forecast, cfg.target, model="erlang_a", method="isa", mean_patience_s=240.0,
                               handle=cfg.handle, seed=5, isa_rounding="up")  # fmt: skip
    assert np.all(up.agents >= want.agents)  # "up" is the floor: never fewer agents than "nearest"


def test_service_level_figure_draws_a_panel_per_day_on_one_scale(tmp_path):
    """The service level per day (issue 12): one panel per day on the fixed 0-1 scale (a weak
    interval is as low in every report), unserved intervals (NaN) left as gaps, and every
    line and band labelled in the legend."""
    from matplotlib.figure import Figure

    from cxqueue.plan import figures as pp

    starts = np.arange(6) * 900.0 + np.array([0, 0, 0, 86400, 86400, 86400])
    mean = np.array([np.nan, 0.85, 0.9, 0.95, np.nan, 0.6])
    fig = Figure()
    axes = pp.service_level_by_day(fig, starts, mean, mean - 0.05, np.minimum(mean + 0.05, 1), target=0.8,
                                   day_of=np.array([0, 0, 0, 1, 1, 1]), labels=["Mon", "Tue"])  # fmt: skip
    assert [ax.get_title() for ax in axes] == ["Mon", "Tue"]
    assert all([float(y) for y in ax.get_ylim()] == [0.0, 1.02] for ax in axes)
    drawn = np.asarray(axes[1].get_lines()[0].get_ydata(), dtype=float)
    assert np.isnan(drawn[1]) and drawn[2] == 0.6
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["95 % interval (simulation)", "simulated service level", "target 0.8"]
