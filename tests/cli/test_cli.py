"""The command line: staff and plan, exit codes and messages."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest

from cxqueue import erlang_a, erlang_c
from cxqueue.cli import EXIT_INFEASIBLE, EXIT_OK, EXIT_USAGE, main
from cxqueue.data import read_interval_table  # the one reader of interval CSVs (it was the CLI's own)
from tests.conftest import REPO, needs_jit


def run(argv):
    out = io.StringIO()
    code = main(argv, out=out)
    return code, out.getvalue()


def test_staff_numbers_match_the_library():
    code, text = run(["staff", "--calls", "100", "250", "--aht-s", "180", "--interval-s", "1800", "--json"])
    assert code == EXIT_OK
    rows = json.loads(text)["intervals"]
    want = erlang_c.agents_for_service_level([10.0, 25.0], aht_s=180, answer_within_s=20, level=0.8)
    assert [r["agents"] for r in rows] == want.tolist()
    assert all(r["service_level"] >= 0.8 for r in rows)


def test_staff_erlang_a_below_the_load():
    # the example: 300 Erlangs, patience 5 min, AHT 3 min, 80/20 -> 294 agents
    code, text = run(
        [
            "staff",
            "--calls",
            "6000",
            "--aht-s",
            "180",
            "--interval-s",
            "3600",
            "--model",
            "erlang_a",
            "--mean-patience-s",
            "300",
            "--json",
        ]
    )
    assert code == EXIT_OK
    assert json.loads(text)["intervals"][0]["agents"] == 294
    assert (
        int(erlang_a.agents_for_service_level(300.0, aht_s=180, mean_patience_s=300, answer_within_s=20, level=0.8))
        == 294
    )


def test_staff_csv_table(tmp_path):
    p = tmp_path / "day.csv"
    p.write_text("interval,calls,aht_s\n08:00,50,200\n08:15,80,220\n")
    code, text = run(["staff", str(p)])
    assert code == EXIT_OK
    assert "08:15" in text and "agent-intervals" in text
    t = read_interval_table(p)
    assert t.labels == ("08:00", "08:15") and t.calls.tolist() == [50.0, 80.0] and t.aht_s.tolist() == [200.0, 220.0]


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["staff", "--calls", "100", "--aht-s", "180", "--level", "80"], EXIT_USAGE, "pass 0.8 for 80%"),
        (["staff"], EXIT_USAGE, "staff needs a CSV of intervals, or --calls and --aht-s"),
        (["staff", "--calls", "-5", "--aht-s", "180"], EXIT_USAGE, "calls must be >= 0"),
        (
            [
                "staff",
                "--calls",
                "100",
                "--aht-s",
                "180",
                "--model",
                "erlang_x",
                "--lines",
                "12",
                "--level",
                "0.99",
                "--interval-s",
                "1800",
            ],
            EXIT_INFEASIBLE,
            "no number of agents meets the target",
        ),
        (["staff", "/nonexistent/file.csv"], EXIT_USAGE, "cannot read the interval CSV"),
        # issue 12: erlang_a without a patience silently computed Erlang C
        (
            ["staff", "--calls", "100", "--aht-s", "180", "--model", "erlang_a"],
            EXIT_USAGE,
            "--model erlang_a needs --mean-patience-s (the mean time callers wait before they hang up, in seconds): "
            "Erlang A without patience is Erlang C",
        ),
        (["nosuchcommand"], EXIT_USAGE, "invalid choice"),
    ],
)
def test_staff_errors(argv, code, message, capsys):
    got, _ = run(argv)
    assert got == code
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "code", "kind", "message"),
    [
        ("staff --calls 100 --aht-s 180 --level 80", EXIT_USAGE, "error", "pass 0.8 for 80%"),
        (
            "staff --calls 100 --aht-s 180 --model erlang_x --lines 12 --level 0.99 --interval-s 1800",
            EXIT_INFEASIBLE,
            "infeasible",
            "no number of agents meets the target",
        ),
        ("hours /nonexistent/c.toml", EXIT_USAGE, "error", "/nonexistent/c.toml: no such config file"),
        ("plan /nonexistent/c.toml --quiet", EXIT_USAGE, "error", "/nonexistent/c.toml: no such config file"),
        ("simulate /nonexistent/c.toml", EXIT_USAGE, "error", "no such config file"),
        ("lines /nonexistent/c.toml", EXIT_USAGE, "error", "no such config file"),
        ("import /nonexistent/log.csv --out /nonexistent/out", EXIT_USAGE, "error", "/nonexistent/log.csv"),
        ("staff --calls 100 --aht-s 180 --level high", EXIT_USAGE, "usage", "argument --level: invalid float value"),
    ],
)
def test_json_errors_are_json_on_stdout(argv, code, kind, message, capsys):
    # issue 12: under --json an error was a plain line on stderr; the JSON goes where --json's output goes
    got, text = run([*argv.split(), "--json"])
    assert got == code
    err = json.loads(text)
    assert set(err) == {"error", "kind", "exit_code"} and (err["kind"], err["exit_code"]) == (kind, code)
    assert message in err["error"]
    assert capsys.readouterr().err.count(message) == 0  # not said twice
    # without --json the same error is a line on stderr and stdout stays empty
    got, text = run(argv.split())
    assert (got, text) == (code, "") and message in capsys.readouterr().err


def _evening(tmp_path, name, **swap):
    """configs/evening-callers.toml with some of its [hours_search] lines replaced."""
    text = (CONFIGS / "evening-callers.toml").read_text()
    for key, line in swap.items():
        old = next(x for x in text.splitlines() if x.startswith(f"{key} ="))
        text = text.replace(old, line)
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


@needs_jit
def test_hours_says_the_prices_it_used(capsys):
    # issue 12: `cxqueue hours` priced with 25 per agent-hour and 8 per lost call that neither --help nor its
    # output showed (15,858 for hours whose plan costs 879)
    import inspect

    from cxqueue.plan.tasks import study_hours

    assert main(["hours", "--help"]) == EXIT_OK
    helptext = " ".join(capsys.readouterr().out.split())
    assert "cost of one paid agent-hour (default: 25)" in helptext and "(default: 8)" in helptext
    defaults = {k: p.default for k, p in inspect.signature(study_hours).parameters.items()}
    assert (defaults["agent_hour_cost"], defaults["penalty_per_lost"]) == (25.0, 8.0)
    code, text = run(["hours", str(CONFIGS / "evening-callers.toml")])
    assert code == EXIT_OK
    assert (
        "prices: 25 per agent-hour (--agent-hour-cost), 8 per lost call (--penalty-per-lost), 2 per open hour "
        "([hours_search].cost_per_open_hour); carry-over 0.6 (--carry-over)"
    ) in text
    code, text = run(["hours", str(CONFIGS / "evening-callers.toml"), "--agent-hour-cost", "30", "--json"])
    res = json.loads(text)
    assert res["prices"] == {"agent_hour_cost": 30.0, "penalty_per_lost": 8.0, "cost_per_open_hour": 2.0,
                             "carry_over": 0.6}  # fmt: skip
    cur = res["current"]  # the prices shown are the prices used
    assert cur["cost"] == pytest.approx(30.0 * cur["agent_hours"] + 2.0 * cur["open_hours"])
    assert cur["net_value"] == pytest.approx(-cur["cost"] - 8.0 * cur["lost_calls"])


@needs_jit
def test_hours_weekdays_and_half_hour_steps(tmp_path):
    # days outside weekdays keep their [hours]: saturday stays 09-17 in every plan
    days = 'weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday"]'
    path = _evening(tmp_path, "weekdays", weekdays=days, min_calls_covered="min_calls_covered = 0.85")
    code, text = run(["hours", str(path), "--json"])
    assert code == EXIT_OK
    res = json.loads(text)
    assert res["pareto"] and all(p["windows_s"][5] == [9 * 3600.0, 17 * 3600.0] for p in res["pareto"])
    assert all(p["coverage"] >= 0.85 for p in res["pareto"])
    # a 30-minute step on the config's 30-minute demand: the search runs on half-hour slots
    path = _evening(tmp_path, "half", step_min="step_min = 30", latest_open="latest_open = 11:00:00")
    code, text = run(["hours", str(path), "--json"])
    assert code == EXIT_OK
    res = json.loads(text)
    assert res["best"]["interval_s"] == 1800.0 and len(res["best"]["arrivals"]) == 336
    times = [t for p in res["pareto"] for w in p["windows_s"] if w is not None for t in w]
    assert any(t % 3600 for t in times) and all(t % 1800 == 0 for t in times)


@pytest.mark.parametrize(("swap", "message"), [
    (dict(step_min="step_min = 45"), "[hours_search].step_s must be a multiple of the demand's interval (1800 s), so "
     "that every time tried starts an interval; got 2700 s"),
    (dict(latest_close="latest_close = 19:00:00"), "[hours_search]: min_calls_covered must be reachable: the widest "
     "windows allowed cover 0.5827 of the demand; got 0.95; widen the limits or lower it"),
    (dict(step_min="step_h = 7"), "[hours_search]: monday is searched but no window fits earliest_open=08:00, "
     "latest_open=14:00, earliest_close=18:00, latest_close=23:00, min_open_s=28800, max_open_s=86400, "
     "step_s=25200; widen the limits, or put it in must_close"),
])  # fmt: skip
# (the limits read as times of day, as the config writes them; they read as seconds before)
def test_hours_errors_name_the_key(tmp_path, capsys, swap, message):
    path = _evening(tmp_path, "bad", **swap)
    assert run(["hours", str(path)])[0] == EXIT_USAGE
    assert f"{path}: {message}" in capsys.readouterr().err


def test_staff_csv_without_calls_column(tmp_path, capsys):
    p = tmp_path / "bad.csv"
    p.write_text("when,volume\n1,2\n")
    assert run(["staff", str(p)])[0] == EXIT_USAGE
    assert f"{p}: needs a 'calls' column; found columns ['when', 'volume']" in capsys.readouterr().err


def test_staff_lines_metrics_consistent():
    code, text = run(
        [
            "staff",
            "--calls",
            "100",
            "--aht-s",
            "180",
            "--interval-s",
            "1800",
            "--model",
            "erlang_x",
            "--lines",
            "20",
            "--mean-patience-s",
            "300",
            "--json",
        ]
    )
    assert code == EXIT_OK
    row = json.loads(text)["intervals"][0]
    assert row["agents"] <= 20 and row["service_level"] >= 0.8
    assert math.isfinite(row["asa_s"]) and 0 <= row["abandon_probability"] < 0.2
    assert np.isclose(row["offered_load"], 10.0)


CONFIGS = REPO / "configs"


def test_import_writes_a_profile_that_loads(tmp_path):
    from cxqueue.data import load_profile

    log = tmp_path / "calls.csv"
    # three calls: two answered (waits 10 s and 40 s), one abandoned after 30 s
    log.write_text("arrival,answer,end,agent\n0,10,190,A\n60,100,400,B\n120,,150,\n")
    code, text = run(["import", str(log), "--out", str(tmp_path / "p"), "--name", "toy", "--json"])
    assert code == EXIT_OK
    fit = load_profile("toy", directory=tmp_path / "p")
    # patience MLE from censored waits: 30 s observed abandonment + 10 + 40 s censored
    # over 1 abandonment = 80 s (the exponential MLE: total wait / abandonments)
    assert fit.patience.mean_s == pytest.approx(80.0)
    assert json.loads(text)["name"] == "toy"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--name", "a/b"], "name must be a plain file name stem (no folder, not empty); got 'a/b'"),
        (["--name", ""], "name must be a plain file name stem (no folder, not empty); got ''"),
        (["--aht-s", "-1"], "aht_s must be > 0; got -1.0"),
        (["--interval-s", "1e-9"], "interval_s must be at least 60 s (one minute); got 1e-09"),
        (["--interval-s", "7"], "interval_s must be at least 60 s (one minute); got 7.0"),
    ],
)
def test_import_checks_everything_before_it_creates_its_folder(tmp_path, capsys, extra, message):
    # issue 11: 33 of 74 failed imports left an empty output folder (and 1e-9 s asked for 4 PiB)
    log = tmp_path / "calls.csv"
    log.write_text("arrival,answer,end,agent\n0,10,190,A\n")
    code, _ = run(["import", str(log), "--out", str(tmp_path / "p"), *extra])
    assert code == EXIT_USAGE
    assert message in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_simulate_lines_hours_commands():
    code, text = run(["simulate", str(CONFIGS / "default.toml"), "--replications", "2", "--json"])
    assert code == EXIT_OK
    totals = json.loads(text)["totals"]
    assert 0.0 < totals["sl_offered"]["mean"] <= 1.0
    assert totals["answered"]["mean"] <= totals["offered"]["mean"]

    code, text = run(["lines", str(CONFIGS / "default.toml"), "--per", "day", "--json"])
    assert code == EXIT_OK
    lines = json.loads(text)
    assert len(lines["period_labels"]) == 7 and min(lines["period_lines"]) >= 1

    # every [hours_search] key acts (evening-callers sets them all): the current hours cover 68 % of the
    # calls, below min_calls_covered = 0.95, so there is no budget and the best plan is by net value
    code, text = run(["hours", str(CONFIGS / "evening-callers.toml"), "--json"])
    assert code == EXIT_OK
    res = json.loads(text)
    assert res["budget"] is None and res["current"]["coverage"] == pytest.approx(0.682, abs=5e-4)
    assert res["carry_over"] == 0.6  # the config's [redials].closed
    best, pareto = res["best"], res["pareto"]
    assert best is not None and best["net_value"] == max(p["net_value"] for p in pareto)
    h = 3600.0
    for p in pareto:
        assert p["coverage"] >= 0.95 and p["covered"] >= 0.95 * p["latent"]  # min_calls_covered
        # agent-hours at --agent-hour-cost 25 plus cost_per_open_hour 2.0
        assert p["open_hours"] == sum((w[1] - w[0]) / h for w in p["windows_s"] if w is not None)
        assert p["cost"] == pytest.approx(25.0 * p["agent_hours"] + 2.0 * p["open_hours"], rel=1e-12)
        assert p["windows_s"][6] is None  # sunday is not in weekdays: it keeps [hours.sunday] closed = true
        for o, c in (w for w in p["windows_s"] if w is not None):
            assert 8 * h <= o <= 14 * h and 18 * h <= c <= 23 * h  # earliest/latest_open, earliest/latest_close
            assert o % h == 0 and c % h == 0 and c - o >= 8 * h  # step_min = 60, min_open_h = 8
    assert res["current"]["cost"] == pytest.approx(25.0 * res["current"]["agent_hours"] + 2.0 * 68)  # 5 x 12 h + 8 h
    # a budget caps the cost; the current hours' (below every plan that covers 95 %) leaves no best plan
    code, text = run(["hours", str(CONFIGS / "evening-callers.toml"), "--budget", str(res["current"]["cost"])])
    assert code == EXIT_OK and "is below every plan" in text and "covers 68.2% of the demand" in text


def test_hours_carry_over_flag_overrides_the_config():
    code, text = run(["hours", str(CONFIGS / "evening-callers.toml"), "--carry-over", "0.2", "--budget", "20000",
                      "--json"])  # fmt: skip
    assert code == EXIT_OK
    res = json.loads(text)
    assert res["carry_over"] == 0.2 and res["budget"] == 20000
