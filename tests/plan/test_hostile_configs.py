"""Issue 11: configs that gave a traceback or asked for hundreds of GiB now get a clear error."""

from __future__ import annotations

import io
import math

import pytest

from cxqueue.cli import EXIT_INFEASIBLE, EXIT_USAGE, main
from cxqueue.exceptions import ConfigError, InfeasibleError
from cxqueue.optimize import schedule_shifts
from cxqueue.scenario import OpeningHours, PlanSettings, ShiftTemplate
from tests.conftest import REPO

DEFAULT = (REPO / "configs" / "default.toml").read_text()
SHIFT = "[shifts.day]\nlength_h = 8\nearliest_start = 07:00:00\nlatest_start = 09:00:00\n"


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        # every day closed: a scipy ValueError traceback
        (
            '[demand]\nprofile = "bank-1999"\n[hours.default]\nclosed = true\n' + SHIFT,
            EXIT_USAGE,
            "hours: the center is closed in every interval of the forecast",
        ),
        # a 5,000-deep array: RecursionError
        (
            '[demand]\nprofile = "bank-1999"\n[center]\nname = "x"\n' + "x = " + "[" * 5000 + "]" * 5000 + "\n",
            EXIT_USAGE,
            "arrays or inline tables nested too deep to read",
        ),
        # start_step_min = 1e-9 tried to allocate 894 GiB
        (
            DEFAULT.replace("start_step_min = 30", "start_step_min = 1e-9", 1),
            EXIT_USAGE,
            "shift 'morning': start_step_s must be at least 60 (one minute)",
        ),
        # issue 12 fuzz: calls placed on a closed day were refused without saying where they fell
        (
            '[demand]\ncalls = [10, 20, 30, 20]\naht_s = 180\nstart = 08:00:00\nweekday = "tuesday"\n'
            "[hours.monday]\nopen = 08:00:00\nclose = 18:00:00\n[hours.default]\nclosed = true\n" + SHIFT,
            EXIT_USAGE,
            "or place the demand in its opening hours ([demand].start, [demand].weekday); got calls from Tue 08:00 to "
            "Tue 09:00 and the hours Mon 08:00-18:00; Tue-Sun closed",
        ),
        # issue 12 fuzz: 1e9 calls in a quarter hour (a unit slip) were refused in the models' words only
        (
            "[demand]\ncalls = [10, 1e9, 10]\naht_s = 180\nstart = 07:00:00\n[patience]\nmean_s = 300\n" + SHIFT,
            EXIT_USAGE,
            "; the demand holds 1e+09 calls in 3 intervals of 900 s, an offered load of up to 2e+08 Erlangs (1e+09 "
            "calls of 180 s at Mon 07:15): are [demand].calls, aht_s, interval_s and scale in their units?",
        ),
        # issue 12 fuzz: a NUL in [center].currency reached plan.xlsx: openpyxl's IllegalCharacterError traceback
        (
            DEFAULT.replace('currency = "base-rate hours"', 'currency = "\\u0000"', 1),
            EXIT_USAGE,
            "[center].currency must be a string without control characters; got \"\\u0000\" ('\\x00' at position 0)",
        ),
        # issue 12 fuzz: a cost of 1e300 reached HiGHS, whose status 15 came out as a CxqueueError traceback
        (
            DEFAULT.replace("cost_per_hour = 1.15", "cost = 1e300", 1),
            EXIT_USAGE,
            "[shifts.evening].cost must make a shift cost at most 1e+12; got 1e+300 (1e+300 a shift)",
        ),
    ],
    ids=[
        "all-closed",
        "deep-array",
        "tiny-start-step",
        "closed-demand-day",
        "huge-load",
        "nul-currency",
        "huge-shift-cost",
    ],
)
def test_hostile_config_gets_a_clear_error(tmp_path, capsys, text, code, message):
    path = tmp_path / "c.toml"
    path.write_text(text)
    _check(tmp_path, capsys, path, code, message)


def test_an_interval_csv_with_a_1e300_cell_is_refused_not_a_hang(tmp_path, capsys):
    # issue 11: the file was accepted ("0 dropped") and `cxqueue plan` hung in the requirements
    rows = ["calls,aht_s"] + [f"{1e300 if i == 40 else 20},180" for i in range(96)]
    (tmp_path / "big.csv").write_text("\n".join(rows) + "\n")
    path = tmp_path / "c.toml"
    path.write_text('[demand]\ncsv = "big.csv"\n' + SHIFT)
    _check(tmp_path, capsys, path, EXIT_USAGE, "calls must be <= 1e+09 per interval; 1 of 96 values break it")


def _check(tmp_path, capsys, path, code, message):
    assert main(["plan", str(path), "--out", str(tmp_path / "p"), "--quick", "--quiet"], out=io.StringIO()) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "p").exists()


def test_templates_that_never_fit_the_opening_hours_are_infeasible_not_a_scipy_error():
    night = ShiftTemplate("night", length_s=4 * 3600.0, earliest_start_s=1 * 3600.0, latest_start_s=2 * 3600.0)
    hours = OpeningHours.daily(9 * 3600.0, 17 * 3600.0)
    with pytest.raises(InfeasibleError, match="no shift of the templates 'night' can be placed"):
        schedule_shifts([1.0] * 96, [night], interval_s=900.0, hours=hours, wrap=False)


def test_a_start_step_under_a_minute_is_refused():
    with pytest.raises(ConfigError, match="start_step_s must be at least 60"):
        ShiftTemplate("x", length_s=3600.0, earliest_start_s=0.0, latest_start_s=3600.0, start_step_s=1e-9)


@pytest.mark.parametrize("cost", [1e300, math.inf, math.nan, -1.0])
def test_a_shift_cost_the_solver_cannot_weigh_is_refused(cost):
    with pytest.raises(ConfigError, match=r"shift 'x': cost must be >= 0 and <= 1e\+12 per shift; got "):
        ShiftTemplate("x", length_s=3600.0, cost=cost)


def test_agent_counts_the_milp_returns_as_garbage_are_refused():
    # issue 12 fuzz: min_agents or min_count = 2**63 - 1 came back from HiGHS as 9.2e18 agents (a cast warning),
    # then "no number of lines keeps busy signals at or below 0.01" for them: exit 3 with the wrong reason
    with pytest.raises(ConfigError, match="min_agents must be <= 1,000,000; got 9,223,372,036,854,775,807"):
        PlanSettings(min_agents=2**63 - 1)
    with pytest.raises(ConfigError, match="shift 'x': min_count must be <= 1,000,000; got 1,000,001"):
        ShiftTemplate("x", length_s=3600.0, min_count=10**6 + 1)


def test_a_plan_that_misses_its_target_exits_3_with_the_reason(tmp_path, capsys):
    # issue 11: `max_agents = 2` exited 0 with service level 0.007; exit 3 is documented
    path = tmp_path / "c.toml"
    path.write_text(DEFAULT.replace("min_agents = 1\n", "min_agents = 1\nmax_agents = 4\n", 1))
    out = tmp_path / "p"
    code = main(["plan", str(path), "--out", str(out), "--quick", "--quiet", "--no-figures"], out=io.StringIO())
    assert code == EXIT_INFEASIBLE
    assert "the plan misses its target: not converged" in capsys.readouterr().err
    assert (out / "summary.json").exists()  # written, to look at
