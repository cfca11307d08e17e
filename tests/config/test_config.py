"""Scenario configs: the examples load, units convert, bad configs give the exact message.

Expected values come from the configs themselves (hand-converted: 3 min = 180 s), from the
shipped profile files (cxqueue/data/profiles/*-params.csv) and from the bank's opening
hours in ../shared/reference/empirical_callcenter.csv (Sun-Thu 07:00-24:00, Fri to
14:00, Sat from 20:00).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest

from cxqueue import Scenario
from cxqueue.config import PlanConfig, default_config_path, load_scenario, loads_scenario
from cxqueue.config.schema import SCHEMA, markdown_tables
from cxqueue.data import load_profile
from cxqueue.data.profiles import PROFILE_DIR
from cxqueue.exceptions import ConfigError
from tests.conftest import REPO

CONFIGS = REPO / "configs"
EXAMPLES = sorted(p.name for p in CONFIGS.glob("*.toml"))
# the single-queue examples (multiskill-*.toml: tests/config/test_multiskill.py)
SINGLE = [n for n in EXAMPLES if not n.startswith("multiskill")]
D = '[demand]\nprofile = "bank-1999"\n'
C = "[demand]\ncalls = [10, 20]\naht_s = 180\n"
H = 3600.0


def params(name: str) -> dict[str, str]:
    with (PROFILE_DIR / f"{name}-params.csv").open(newline="") as fh:
        return {r["key"]: r["value"] for r in csv.DictReader(fh)}


@pytest.fixture
def no_data(monkeypatch, tmp_path):
    """A clone without ../shared/data: $CXQUEUE_DATA points at an empty folder."""
    monkeypatch.setenv("CXQUEUE_DATA", str(tmp_path / "no-data"))


# the examples ---------------------------------------------------------------------------


def test_the_examples_are_the_four_of_the_issue_and_the_multiskill_center():
    assert SINGLE == ["bank.toml", "default.toml", "evening-callers.toml", "utility-24x7.toml"]
    assert EXAMPLES == sorted([*SINGLE, "multiskill-bank.toml", "multiskill-channels.toml"])
    assert default_config_path() == CONFIGS / "default.toml"


@pytest.mark.parametrize("name", SINGLE)
def test_every_example_loads_without_the_shared_data(name, no_data):
    cfg = load_scenario(CONFIGS / name)
    assert isinstance(cfg, PlanConfig)
    assert cfg.source == str(CONFIGS / name)
    f = cfg.forecast
    assert f.n_intervals * f.interval_s in (7 * 86400.0,)  # every example plans one week
    assert f.calls.sum() > 0 and np.all(f.aht_s > 0)
    assert cfg.shifts and all(s.cost > 0 for s in cfg.shifts)
    assert cfg.output.folder == Path("plans") / cfg.name
    sc = cfg.scenario(np.full(f.n_intervals, 5.0))
    assert isinstance(sc, Scenario) and sc.target is cfg.target
    json.dumps(cfg.to_dict())  # plain data all the way down


def test_default_uses_the_shipped_profile_as_fitted(no_data):
    cfg = load_scenario(default_config_path())
    p = params("bank-1999")
    prof = load_profile("bank-1999")
    assert cfg.notes[0].startswith("calls divided by 1 - [ivr].self_service")
    share = float(p["ivr_only_share"])
    np.testing.assert_allclose(cfg.forecast.calls, prof.forecast.calls / (1 - share), rtol=1e-12)
    np.testing.assert_array_equal(cfg.forecast.aht_s, prof.forecast.aht_s)
    assert (cfg.handle.kind, cfg.handle.cv) == ("lognormal", float(p["handle_cv"]))
    # the handle mean is the call-weighted AHT of the forecast
    w = prof.forecast.calls
    assert cfg.handle.mean_s == pytest.approx(float(np.sum(w * prof.forecast.aht_s) / w.sum()), rel=1e-12)
    assert (cfg.patience.kind, cfg.patience.mean_s) == ("exponential", float(p["patience_mean_s"]))
    assert cfg.ivr.time.mean_s == float(p["ivr_mean_s"]) and cfg.ivr.self_service == share
    assert cfg.redials.abandoned == float(p["redial_after_abandoned"])
    assert cfg.redials.abandoned_delay.mean_s == 600.0  # abandoned_delay_min = 10
    assert cfg.max_blocking == 0.01 and cfg.lines is None
    assert cfg.priority.head_start_s == (0.0, 90.0)
    assert (cfg.settings.model, cfg.settings.method, cfg.settings.min_agents) == ("erlang_a", "sipp", 1)
    assert (cfg.settings.replications, cfg.settings.seed, cfg.settings.engine) == (10, 1999, "fast")


@pytest.mark.parametrize("name", ["default.toml", "bank.toml"])
def test_bank_hours_are_the_banks(name, no_data):
    w = load_scenario(CONFIGS / name).hours.windows
    sun_thu = ((7 * H, 24 * H),)
    assert w == (sun_thu, sun_thu, sun_thu, sun_thu, ((7 * H, 14 * H),), ((20 * H, 24 * H),), sun_thu)


def test_bank_falls_back_to_the_shipped_october_profile(no_data):
    cfg = load_scenario(CONFIGS / "bank.toml")
    # a plan from a shipped profile instead of the user's history is doubtful: a warning, not a note
    w = cfg.warnings[0]
    assert w.code == "data_fallback" and w.key == "[demand].history"
    assert "file not found" in w.message and "uses the shipped profile 'bank-1999-october'" in w.message
    assert cfg.demand_source == "profile bank-1999-october (october.txt)"
    p = params("bank-1999-october")
    assert cfg.patience.mean_s == pytest.approx(float(p["patience_mean_s"]), abs=0.5)
    assert cfg.handle.cv == pytest.approx(float(p["handle_cv"]), abs=0.005)
    assert cfg.ivr.self_service == pytest.approx(float(p["ivr_only_share"]), abs=0.0005)
    assert cfg.redials.abandoned == pytest.approx(float(p["redial_after_abandoned"]), abs=0.005)
    regular = sum(float(x) for x in p["priority_shares"].split(";")[:2])
    assert cfg.priority.shares[0] == pytest.approx(regular, abs=0.005)
    assert cfg.settings.max_agents == 13  # 8 agent + 5 internet-service positions
    assert [s.name for s in cfg.shifts] == ["day", "evening", "peak", "friday", "saturday_night"]
    day = cfg.shifts[0]
    assert (day.length_s, day.earliest_start_s, day.latest_start_s, day.start_step_s) == (8.5 * H, 7 * H, 10 * H, 1800)
    assert day.breaks == ((3 * H, 5.5 * H, 1800.0),) and day.days == (0, 1, 2, 3, 6)
    assert day.cost == 8.5 and cfg.shifts[1].cost == pytest.approx(8.5 * 1.15)


def test_bank_reads_the_october_log(data_dir, monkeypatch):
    monkeypatch.setenv("CXQUEUE_DATA", str(data_dir))
    cfg = load_scenario(CONFIGS / "bank.toml")
    assert cfg.demand_source == "history october.txt"
    assert not any("fallback" in n or "shipped profile" in n for n in cfg.notes)
    assert not [w for w in cfg.warnings if w.code == "data_fallback" and w.key == "[demand].history"]
    # the shipped October profile is fitted from the same file (a rebuild is byte-identical)
    prof = load_profile("bank-1999-october")
    np.testing.assert_allclose(cfg.forecast.calls * (1 - 0.044), prof.forecast.calls, rtol=1e-5, atol=1e-5)
    assert cfg.history_fit.n_days == 31


def test_evening_callers_pattern_repeats_monday_to_saturday(no_data):
    cfg = load_scenario(CONFIGS / "evening-callers.toml")
    f = cfg.forecast
    assert (f.interval_s, f.start_s, f.n_intervals) == (1800.0, 0.0, 7 * 48)
    day = f.calls.reshape(7, 48)
    pattern = day[0, 16:46]  # 08:00 .. 23:00
    assert pattern[0] == 4 and pattern[-1] == 8 and pattern.max() == 64 and day[0, 38] == 64  # peak 19:00
    np.testing.assert_array_equal(day[:6], np.tile(day[0], (6, 1)))
    assert day[6].sum() == 0 and day[0, :16].sum() == 0 and day[0, 46:].sum() == 0
    assert np.all(f.aht_s == 390.0)  # aht_min = 6.5
    assert cfg.hours.windows[0] == ((8 * H, 20 * H),) and cfg.hours.windows[6] == ()
    hs = cfg.hours_search
    assert (hs.earliest_open_s, hs.latest_open_s) == (8 * H, 14 * H)
    assert (hs.earliest_close_s, hs.latest_close_s) == (18 * H, 23 * H)
    assert (hs.step_s, hs.min_open_s, hs.weekdays) == (3600.0, 8 * H, (0, 1, 2, 3, 4, 5))
    assert cfg.redials.closed == 0.6 and cfg.redials.closed_delay.mean_s == H
    assert cfg.patience.mean_s == 180.0 and cfg.lines == 24 and cfg.target.shrinkage == 0.1


def test_utility_runs_around_the_clock_with_night_shifts(no_data):
    cfg = load_scenario(CONFIGS / "utility-24x7.toml")
    assert cfg.hours.is_always_open
    assert cfg.forecast.interval_s == H and cfg.forecast.n_intervals == 168
    assert cfg.forecast.calls[:24].sum() == pytest.approx(848 / 0.85)  # offered 848 a day, 15% end in the IVR
    night = cfg.shifts[2]
    assert night.earliest_start_s == 22 * H and night.earliest_start_s + night.length_s > 86400 and night.min_count == 1
    assert cfg.callbacks.threshold_s == 180.0 and cfg.settings.warmup_s == 2 * H
    assert (cfg.settings.model, cfg.settings.method, cfg.lines, cfg.max_blocking) == ("erlang_x", "lag_sipp", 40, 0.01)
    assert cfg.redials.blocked_delay.mean_s == 300.0 and cfg.day_factor_cv == 0.2


# units, times and demand sources -----------------------------------------------------------


@pytest.mark.parametrize(("text", "aht_s"), [("aht_s = 180", 180.0), ("aht_min = 3", 180.0), ("aht_h = 0.05", 180.0),
                                             ("aht_min = 2.5", 150.0), ("aht_s = 90", 90.0)])  # fmt: skip
def test_duration_suffixes_convert_to_seconds(text, aht_s):
    cfg = loads_scenario(f"[demand]\ncalls = [1, 2]\n{text}\n")
    np.testing.assert_array_equal(cfg.forecast.aht_s, [aht_s, aht_s])


@pytest.mark.parametrize("open_", ["07:30:00", '"07:30"', '"7:30"', '"07:30:00"'])
def test_times_of_day_as_toml_times_or_strings(open_):
    cfg = loads_scenario(D + f'[hours.default]\nopen = {open_}\nclose = "24:00"\n')
    assert cfg.hours.windows[3] == ((7.5 * H, 86400.0),)


def test_every_duration_key_converts():
    cfg = loads_scenario(
        C + '[patience]\nmean_min = 4\n[ivr]\nmean_s = 10\n[target]\nanswer_within_min = 0.5\nmax_asa_min = 1\n'
        "[redials]\nblocked_delay_h = 0.25\nclosed_delay_min = 45\n[callbacks]\nthreshold_h = 0.1\n"
        "[priority]\nshares = [0.5, 0.5]\nhead_start_min = [0, 1.5]\n[simulation]\nwarmup_min = 30\n"
        "[shifts.a]\nlength_min = 90\nstart_step_h = 0.5\n"
        "breaks = [{ earliest_min = 10, latest_s = 3600, length_s = 300 }]\n"
        '[hours_search]\nstep_h = 1\nmin_open_h = 6\n'
    )  # fmt: skip
    assert cfg.patience.mean_s == 240.0 and cfg.ivr.time.mean_s == 10.0 and cfg.ivr.time.kind == "deterministic"
    assert (cfg.target.answer_within_s, cfg.target.max_asa_s) == (30.0, 60.0)
    assert (cfg.redials.blocked_delay.mean_s, cfg.redials.closed_delay.mean_s) == (900.0, 2700.0)
    assert cfg.callbacks.threshold_s == 360.0 and cfg.priority.head_start_s == (0.0, 90.0)
    # [simulation].horizon_s was read and never acted; it is gone (one settings type, every key acts)
    assert cfg.settings.warmup_s == 1800.0
    s = cfg.shifts[0]
    assert (s.length_s, s.start_step_s, s.breaks, s.cost) == (5400.0, 1800.0, ((600.0, 3600.0, 300.0),), 1.5)
    assert (cfg.hours_search.step_s, cfg.hours_search.min_open_s) == (3600.0, 6 * H)


def test_inline_calls_start_on_a_weekday_and_time():
    text = '[demand]\ncalls = [5, 6, 7]\naht_s = 200\ninterval_min = 30\nstart = "09:00"\nweekday = "wednesday"\n'
    cfg = loads_scenario(text + "scale = 2\n")
    f = cfg.forecast
    assert (f.start_s, f.interval_s, f.calls.tolist()) == (2 * 86400 + 9 * H, 1800.0, [10.0, 12.0, 14.0])
    assert cfg.name == "scenario" and cfg.output.folder == Path("plans/scenario") and cfg.history_fit is None
    # defaults of the tables left out
    assert cfg.patience.is_none and not cfg.ivr.enabled and cfg.lines is None and cfg.hours.is_always_open
    assert cfg.callbacks is None and cfg.shifts == () and cfg.hours_search is None
    assert (cfg.target.level, cfg.target.answer_within_s) == (0.8, 20.0)
    assert (cfg.handle.kind, cfg.handle.mean_s) == ("exponential", 200.0)


def test_csv_demand_is_relative_to_the_config_file(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "day.csv").write_text("interval,calls,aht_s\n08:00,10,200\n08:15,30,240\n")
    path = tmp_path / "sub" / "c.toml"
    path.write_text('[demand]\ncsv = "day.csv"\nstart = 08:00:00\n')
    cfg = load_scenario(path)
    assert cfg.forecast.calls.tolist() == [10.0, 30.0] and cfg.forecast.aht_s.tolist() == [200.0, 240.0]
    assert cfg.forecast.start_s == 8 * H and cfg.handle.mean_s == pytest.approx((10 * 200 + 30 * 240) / 40)
    assert cfg.demand_source == "day.csv (2 intervals)"


DAY_CSV = "08:00,10,200\n08:15,30,240\n08:30,20,220\n"


@pytest.mark.parametrize(
    ("header", "rows", "start_s"),
    [
        ("interval", DAY_CSV, 8 * H),
        ("start", DAY_CSV, 8 * H),
        ("time", DAY_CSV.replace("08:", "8:").replace(",10,", " AM,10,").replace(",30,", " AM,30,").replace(
            ",20,", " AM,20,"), 8 * H),
        ("interval_start", DAY_CSV.replace("08:", "tue 08:"), 86400 + 8 * H),
        ("datetime", DAY_CSV.replace("08:", "2024-03-06 08:"), 2 * 86400 + 8 * H),  # a Wednesday
    ],
)  # fmt: skip
def test_csv_rows_are_placed_by_their_time_column(tmp_path, header, rows, start_s):
    # issue 12: rows from 08:00 in a config without `start` were placed at 00:00, so the calls fell in closed hours
    (tmp_path / "day.csv").write_text(f"{header},calls,aht_s\n{rows}")
    hours = "[hours.default]\nopen = 08:00:00\nclose = 17:00:00\n"
    cfg = loads_scenario('[demand]\ncsv = "day.csv"\n' + hours, base_dir=tmp_path)
    f = cfg.forecast
    assert (f.start_s, f.interval_s, f.calls.tolist(), f.aht_s.tolist()) == (
        start_s,
        900.0,
        [10.0, 30.0, 20.0],
        [200.0, 240.0, 220.0],
    )
    assert cfg.hours.open_mask(f.interval_starts_s, f.interval_s).all()
    # the same rows with a `start` that says the same are fine
    same = loads_scenario(f'[demand]\ncsv = "day.csv"\nstart = 08:00:00\n{hours}', base_dir=tmp_path)
    assert same.forecast.start_s == start_s


def test_csv_rows_take_their_interval_from_the_time_column_and_gaps_hold_no_calls(tmp_path):
    (tmp_path / "day.csv").write_text("start,calls,aht_s\n09:00,10,200\n09:30,30,240\n10:30,20,220\n")
    cfg = loads_scenario('[demand]\ncsv = "day.csv"\nweekday = "friday"\n', base_dir=tmp_path)
    f = cfg.forecast
    assert (f.start_s, f.interval_s, f.calls.tolist()) == (4 * 86400 + 9 * H, 1800.0, [10.0, 30.0, 0.0, 20.0])
    assert f.aht_s[2] == pytest.approx((10 * 200 + 30 * 240 + 20 * 220) / 60)  # the calls-weighted AHT
    assert cfg.notes == ("day.csv: 1 of the 4 intervals from '09:00' to '10:30' have no row; they count as zero calls",)
    # with days, the one-day pattern starts at the first row's time
    week = loads_scenario('[demand]\ncsv = "day.csv"\ndays = ["monday", "friday"]\n', base_dir=tmp_path).forecast
    assert week.start_s == 0.0 and week.calls[18:22].tolist() == [10.0, 30.0, 0.0, 20.0]
    assert week.calls[4 * 48 + 18 : 4 * 48 + 22].tolist() == [10.0, 30.0, 0.0, 20.0] and week.calls.sum() == 120.0


def test_numbered_csv_rows_are_still_placed_by_start(tmp_path):
    (tmp_path / "day.csv").write_text("interval,calls,aht_s\n0,10,200\n1,30,240\n")
    cfg = loads_scenario('[demand]\ncsv = "day.csv"\nstart = 08:00:00\n', base_dir=tmp_path)
    assert (cfg.forecast.start_s, cfg.forecast.calls.tolist()) == (8 * H, [10.0, 30.0])


@pytest.mark.parametrize(
    ("header", "rows", "keys", "message"),
    [
        ("interval", DAY_CSV, "start = 00:00:00",
         "x.toml: [demand].start = 00:00 disagrees with the time column 'interval' of day.csv: its first row starts at "
         "08:00 (line 2: '08:00'); rows are placed by their time column, so leave the key out or make it 08:00"),
        ("interval", DAY_CSV, "interval_min = 30",
         "x.toml: [demand].interval_min = 30 disagrees with the time column 'interval' of day.csv: its rows are mostly "
         "900 s apart (from line 2: '08:00'); rows are placed by their time column, so leave the key out or make it "
         "900 s"),
        ("datetime", DAY_CSV.replace("08:", "2024-03-06 08:"), 'weekday = "monday"',
         "x.toml: [demand].weekday = \"monday\" disagrees with the time column 'datetime' of day.csv: its first row is "
         "on a wednesday (line 2: '2024-03-06 08:00'); rows are placed by their time column, so leave the key out or "
         "make it \"wednesday\""),
        ("time", "08:00,10,200\n08:15,30,240\n08:20,20,220\n08:30,5,200\n08:45,5,200\n", "",
         "x.toml: [demand].csv: day.csv, line 4: the time column 'time' holds '08:20', off the grid of 900 s intervals "
         "from the first row ('08:00'); every row must start an interval"),
        ("time", "08:00,10,200\nlater,30,240\n", "",
         "x.toml: [demand].csv: " + "{tmp}" + ", line 3: column 'time' holds 'later', not a clock time (08:00) like "
         "line 2 ('08:00')"),
    ],
    ids=["start", "interval", "weekday", "off-grid", "not-a-time"],
)  # fmt: skip
def test_a_key_or_row_that_disagrees_with_the_time_column_is_an_error(tmp_path, header, rows, keys, message):
    (tmp_path / "day.csv").write_text(f"{header},calls,aht_s\n{rows}")
    with pytest.raises(ConfigError) as err:
        loads_scenario(f'[demand]\ncsv = "day.csv"\n{keys}\n', source="x.toml", base_dir=tmp_path)
    assert str(err.value).startswith("x.toml: [demand].") and message.format(tmp=tmp_path / "day.csv") in str(err.value)


def test_history_from_cxqueue_data_with_fitted_parameters(tmp_path, monkeypatch):
    # a tiny call log: 2024-03-04 is a Monday; one abandonment after 60 s, two served
    (tmp_path / "log.csv").write_text(
        "arrival,answer,end,agent\n2024-03-04 09:00:00,2024-03-04 09:00:10,2024-03-04 09:03:10,A\n"
        "2024-03-04 09:01:00,2024-03-04 09:01:40,2024-03-04 09:06:40,B\n2024-03-04 09:02:00,,2024-03-04 09:03:00,\n"
    )
    monkeypatch.setenv("CXQUEUE_DATA", str(tmp_path))
    text = '[demand]\nhistory = "$CXQUEUE_DATA/log.csv"\n[patience]\nkind = "fitted"\n[handle]\nkind = "fitted"\n'
    cfg = loads_scenario(text)
    # exponential MLE of patience: total wait of all offered calls / abandonments = (10 + 40 + 60) / 1
    assert (cfg.patience.kind, cfg.patience.mean_s) == ("exponential", 110.0)
    assert cfg.forecast.calls[36] == 3.0 and cfg.forecast.calls.sum() == 3.0  # Monday 09:00
    assert cfg.handle.mean_s == 240.0 and cfg.demand_source == "history log.csv"


def test_a_relative_cxqueue_data_is_from_the_working_directory(tmp_path, monkeypatch):
    # issue 12: CXQUEUE_DATA=../shared/data, as configs/bank.toml advises, was read from the config's folder: the
    # file was "missing", the plan used the fallback profile and skipped its validation, with exit 0
    (tmp_path / "shared" / "data").mkdir(parents=True)
    (tmp_path / "main" / "configs").mkdir(parents=True)
    (tmp_path / "shared" / "data" / "log.csv").write_text(
        "arrival,answer,end,agent\n2024-03-04 09:00:00,2024-03-04 09:00:10,2024-03-04 09:03:10,A\n"
        "2024-03-04 09:01:00,2024-03-04 09:01:40,2024-03-04 09:06:40,B\n2024-03-04 09:02:00,,2024-03-04 09:03:00,\n"
    )
    path = tmp_path / "main" / "configs" / "c.toml"
    path.write_text(
        '[demand]\nhistory = "$CXQUEUE_DATA/log.csv"\nfallback_profile = "bank-1999"\n'
        '[validation]\nhistory = "${CXQUEUE_DATA}/log.csv"\n'
    )
    monkeypatch.chdir(tmp_path / "main")
    monkeypatch.setenv("CXQUEUE_DATA", "../shared/data")
    cfg = load_scenario(path)
    assert cfg.demand_source == "history log.csv" and cfg.forecast.calls.sum() == 3.0 and cfg.notes == ()
    assert cfg.validation.missing == "" and cfg.validation.history == (tmp_path / "shared" / "data" / "log.csv",)


# the README documents every key --------------------------------------------------------------


def readme_keys() -> dict[str, dict[str, str]]:
    """``{table: {key: type column}}`` from configs/README.md's key tables."""
    out: dict[str, dict[str, str]] = {}
    table = None
    for line in (CONFIGS / "README.md").read_text().splitlines():
        m = re.fullmatch(r"### \[(.+)\]", line)
        if m:
            table = m.group(1)
            out[table] = {}
            continue
        m = re.match(r"\| `([a-z_]+)` \| ([^|]+(?:\\\|[^|]+)*) \|", line)
        if m and table is not None:
            out[table][m.group(1)] = m.group(2).strip()
    return out


def test_readme_documents_every_key_and_nothing_else():
    documented = readme_keys()
    assert set(documented) == set(SCHEMA)
    for table, keys in SCHEMA.items():
        assert set(documented[table]) == set(keys), table
        for name, key in keys.items():
            assert documented[table][name] == key.type_doc, (table, name)


def test_readme_key_tables_are_the_schemas():
    text = (CONFIGS / "README.md").read_text()
    assert text.endswith(markdown_tables()), "regenerate the key tables with cxqueue.config.schema.markdown_tables()"


def test_lines_docs_say_what_the_plan_does_without_a_count():
    # issue 12: configs/README.md said "Without this table lines are unlimited", yet the plan of a config
    # without [lines] sized 28 lines and simulated busy signals on them
    from cxqueue.plan.optimize import _size_lines
    from cxqueue.scenario import PlanSettings

    cfg = loads_scenario("[demand]\ncalls = [40, 80, 60]\naht_s = 240\n")
    assert cfg.lines is None and cfg.settings.lines is None
    sc = cfg.scenario(np.array([12.0, 24.0, 18.0]))
    sized = _size_lines(sc, cfg.settings, sc.agents)
    assert np.isfinite(sized) and sized == _size_lines(sc, PlanSettings(line_blocking=0.01), sc.agents)
    doc, keys = markdown_tables().split("### [lines]")[1].split("### [hours]")[0], SCHEMA["lines"]
    assert "lines are unlimited." not in doc and "`cxqueue plan` still sizes the lines" in doc
    assert keys["max_blocking"].default_doc == "0.01" and "unset: `cxqueue plan` sizes" in keys["count"].doc


# bad configs ------------------------------------------------------------------------------------

BAD = [
    ("level-percent", D + "[target]\nlevel = 80\n",
     "[target].level must be a fraction in [0, 1]; got 80 (pass 0.8 for 80%)"),
    ("typo-key", D + "[target]\nlevle = 0.8\n", "unknown key [target].levle (did you mean level?)"),
    ("close-before-open", D + '[hours.default]\nopen = 07:00:00\nclose = "24:00"\n[hours.friday]\nopen = "14:00"\n'
     'close = "09:00"\n', "[hours.friday].close must be after open; got open=14:00, close=09:00"),
    ("typo-before-history", '[demand]\nhistory = "nope.txt"\n[target]\nlevle = 0.8\n',
     "unknown key [target].levle (did you mean level?)"),
    ("typo-table", D + "[targets]\nlevel = 0.8\n", "unknown table [targets] (did you mean target?)"),
    ("no-demand", '[center]\nname = "x"\n',
     "the [demand] table is missing; give [demand] with profile, history, csv or calls"),
    ("string-int", D + '[simulation]\nreplications = "10"\n',
     '[simulation].replications must be an integer; got "10" (a string)'),
    # the plan needs two replications for its 95 % intervals: the config says so (it used to turn 1 into 2 silently)
    ("zero-reps", D + "[simulation]\nreplications = 0\n", "[simulation].replications must be >= 2; got 0"),
    ("engine-typo", D + '[simulation]\nengine = "fsat"\n',
     '[simulation].engine must be one of "fast", "simpy"; got "fsat" (did you mean "fast"?)'),
    # issue 12 fuzz: the message gave neither value
    ("two-units", C + "aht_min = 3\n",
     "[demand].aht_s and [demand].aht_min set the same value; give one of them; got aht_s = 180, aht_min = 3"),
    ("no-unit", "[demand]\ncalls = [10, 20]\naht = 180\n", "[demand].aht needs a unit: write aht_s, aht_min or aht_h"),
    ("negative-calls", "[demand]\ncalls = [10, -4, 3]\naht_s = 180\n",
     "[demand].calls must be >= 0; got -4 at index 1"),
    ("negative-aht", "[demand]\ncalls = [10, 20]\naht_min = -3\n", "[demand].aht_min must be > 0; got -3"),
    ("no-aht", "[demand]\ncalls = [10, 20]\n",
     "[demand].aht_s is required with [demand].calls (give aht_s, aht_min or aht_h)"),
    ("bad-profile", '[demand]\nprofile = "bank-2000"\n', '[demand].profile must be a profile shipped with cxqueue '
     '("bank-1999", "bank-1999-october"); got "bank-2000"'),
    ("two-sources", '[demand]\nprofile = "bank-1999"\ncalls = [1]\n',
     "[demand] needs exactly one of profile, history, csv, calls or forecast; got [demand].profile, [demand].calls"),
    ("no-mean", D + '[patience]\nkind = "exponential"\n',
     '[patience].mean_s is required with kind = "exponential" (give mean_s, mean_min or mean_h)'),
    ("fitted-inline", C + '[patience]\nkind = "fitted"\n',
     '[patience].kind = "fitted" needs [demand].profile or a call log in [demand].history to fit it from'),
    ("cv-exponential", D + '[handle]\nkind = "exponential"\ncv = 2\n',
     '[handle].cv applies to kind = "lognormal" only; got kind = "exponential"'),
    ("missing-days", D + "[hours.monday]\nopen = 07:00:00\nclose = 20:00:00\n",
     "[hours] must give every weekday or [hours.default]; missing tuesday, wednesday, thursday, friday, saturday, "
     "sunday (write closed = true for a closed day)"),
    ("hour-25", D + '[hours.default]\nopen = "25:00"\nclose = "24:00"\n',
     '[hours.default].open must be a time of day such as 07:00:00 or "07:00"; got "25:00"'),
    ("open-24", D + '[hours.default]\nopen = "24:00"\nclose = "24:00"\n',
     '[hours.default].open must be a time of day such as 07:00:00 or "07:00"; got "24:00" (24:00 is allowed for '
     "closing times only)"),
    ("date-not-time", D + '[hours.default]\nopen = 1999-10-01\nclose = "24:00"\n',
     '[hours.default].open must be a time of day such as 07:00:00 or "07:00"; got 1999-10-01 (a date)'),
    ("closed-and-open", D + "[hours.default]\nclosed = true\nopen = 08:00:00\n",
     "[hours.default].open is not allowed with closed = true; got 08:00"),
    ("weekday-typo", D + "[hours.mondy]\nclosed = true\n", "unknown key [hours].mondy (did you mean monday?)"),
    ("no-length", D + "[shifts.early]\nearliest_start = 07:00:00\n",
     "[shifts.early].length_s is required (give length_s, length_min or length_h)"),
    ("late-before-early", D + "[shifts.early]\nlength_h = 8\nearliest_start = 09:00:00\nlatest_start = 08:00:00\n",
     "[shifts.early].latest_start must be at or after earliest_start; got earliest_start=09:00, latest_start=08:00"),
    ("two-costs", D + "[shifts.early]\nlength_h = 8\ncost = 10\ncost_per_hour = 1\n",
     "[shifts.early] gives both cost and cost_per_hour; give one of them; got cost = 10, cost_per_hour = 1"),
    # issue 12 fuzz: said which key to remove but not what it held
    ("fitted-with-mean", D + '[patience]\nkind = "fitted"\nmean_min = 5\n',
     '[patience].mean_min is not used with kind = "fitted"; remove it; got 5'),
    ("break-too-short", D + "[shifts.early]\nlength_h = 8\n"
     "breaks = [{ earliest_h = 3, latest_h = 3.25, length_min = 30 }]\n",
     "[shifts.early.breaks[0]].latest_h must be at least earliest + length; got earliest_h=3, latest_h=3.25, "
     "length_min=30"),
    ("break-outside", D + "[shifts.early]\nlength_h = 4\n"
     "breaks = [{ earliest_h = 3, latest_h = 5, length_min = 30 }]\n",
     "[shifts.early.breaks[0]].latest_h must be within the shift ([shifts.early].length_h = 4); got earliest_h=3, "
     "latest_h=5, length_min=30"),
    ("break-typo", D + "[shifts.early]\nlength_h = 8\nbreaks = [{ earliest_h = 3, latest_h = 5, lenght_min = 30 }]\n",
     "unknown key [shifts.early.breaks[0]].lenght_min (did you mean length_min?)"),
    ("bad-day", D + '[shifts.early]\nlength_h = 8\ndays = ["monday", "funday"]\n',
     "[shifts.early].days must be a weekday name (monday, tuesday, wednesday, thursday, friday, saturday, sunday); "
     'got "funday" at index 1 (did you mean "sunday"?)'),
    # issue 12 fuzz: 1e300 reached the MILP solver and came back as a traceback
    ("shift-cost-per-hour", D + "[shifts.early]\nlength_h = 8\ncost_per_hour = 1e300\n",
     "[shifts.early].cost_per_hour must make a shift cost at most 1e+12; got 1e+300 (8e+300 a shift)"),
    ("shift-step", D + "[shifts.early]\nlength_h = 8\nstart_step_min = 0.5\n",
     "[shifts.early]: shift 'early': start_step_s must be at least 60 (one minute); got 30.0"),
    ("long-shift", D + "[shifts.long]\nlength_h = 25\n", "[shifts.long].length_h must be at most 24 h; got 25"),
    ("shares-sum", D + "[priority]\nshares = [0.7, 0.2]\nhead_start_s = [0, 90]\n",
     "[priority].shares must add up to 1; got [0.7, 0.2] (sum 0.9)"),
    ("shares-length", D + "[priority]\nshares = [0.7, 0.3]\nhead_start_s = [0]\n",
     "[priority].shares and [priority].head_start_s must have the same length; got 2 and 1"),
    ("ivr-none", D + '[ivr]\nkind = "none"\nself_service = 0.1\n',
     '[ivr].self_service needs an IVR; got kind = "none" and self_service = 0.1'),
    ("zero-lines", D + "[lines]\ncount = 0\n", "[lines].count must be >= 1; got 0"),
    ("float-lines", D + "[lines]\ncount = 12.5\n", "[lines].count must be an integer; got 12.5 (a float)"),
    ("shrinkage-1", D + "[target]\nshrinkage = 1\n", "[target].shrinkage must be a fraction in [0, 1); got 1"),
    ("basis-typo", D + '[target]\nbasis = "answerd"\n',
     '[target].basis must be one of "offered", "answered", "virtual"; got "answerd" (did you mean "answered"?)'),
    ("format", D + '[output]\nformats = ["csv", "pdf"]\n',
     '[output].formats must be one of "csv", "json", "html", "xlsx"; got "pdf" at index 1'),
    # issue 12 fuzz: 2**63 - 1 came back from the MILP as 9.2e18 agents, and no lines for them was "infeasible"
    ("min-agents-huge", D + "[staffing]\nmin_agents = 9223372036854775807\n",
     "[staffing].min_agents must be <= 1,000,000; got 9223372036854775807"),
    ("min-count-huge", D + "[shifts.early]\nlength_h = 8\nmin_count = 9223372036854775807\n",
     "[shifts.early]: shift 'early': min_count must be <= 1,000,000; got 9,223,372,036,854,775,807"),
    ("agents", D + "[staffing]\nmin_agents = 3\nmax_agents = 2\n",
     "[staffing].max_agents must be >= max(min_agents, 1); got min_agents=3, max_agents=2"),
    ("search-order", D + "[hours_search]\nearliest_open = 10:00:00\nlatest_open = 08:00:00\n",
     "[hours_search].latest_open must be at or after earliest_open; got earliest_open=10:00, latest_open=08:00"),
    ("profile-interval", '[demand]\nprofile = "bank-1999"\ninterval_min = 30\n',
     '[demand].interval_min must be 900 s (the interval of profile "bank-1999") or unset; got 30'),
    ("days-past-midnight", '[demand]\ncalls = [1, 2, 3]\naht_s = 180\ninterval_h = 8\nstart = 16:00:00\n'
     'days = ["monday"]\n', "[demand] with days: the pattern must fit in one day; 3 intervals of 28800 s from 16:00 "
     "run past midnight"),
    # issue 12 fuzz: interval_s = 1e-9 with days allocated 4.3 PiB (MemoryError); 1e300 planned nothing
    ("interval-tiny", '[demand]\ncalls = [1, 2]\naht_s = 180\ninterval_s = 1e-9\ndays = ["monday"]\n',
     "[demand].interval_s must be from a minute to a day (60 to 86400 s); got 1e-09"),
    ("interval-huge", '[demand]\ncalls = [1, 2]\naht_s = 180\ninterval_h = 1e300\n',
     "[demand].interval_h must be from a minute to a day (60 to 86400 s); got 1e+300"),
    # issue 12 fuzz: said as "aht_s must be > 0 and <= 86400 (a day) ... 648000.0", without the key as written
    ("aht-over-a-day", '[demand]\ncalls = [1, 2]\naht_h = 180\n',
     "[demand].aht_h must be at most a day (86400 s); got 180 (648000 s): milliseconds, or seconds in aht_min or "
     "aht_h?"),
    ("aht-in-ms", '[demand]\ncalls = [1, 2]\naht_s = 180000\n',
     "[demand].aht_s must be at most a day (86400 s); got 180000 (180000 s): milliseconds, or seconds in aht_min or "
     "aht_h?"),
    # issue 12 fuzz: said as a Forecast's "calls must be <= 1e+09 per interval", without the key
    ("calls-over-1e9", '[demand]\ncalls = [1, 9223372036854775807]\naht_s = 180\n',
     "[demand].calls must be at most 1e+09 per interval; got 9223372036854775807 at index 1"),
    ("scale-over-1e9", '[demand]\ncalls = [1, 20]\naht_s = 180\nscale = 1e300\n',
     "[demand].scale makes up to 2e+301 calls per interval, more than 1e+09; got 1e+300"),
    ("days-and-weekday", '[demand]\ncalls = [1]\naht_s = 180\nweekday = "monday"\ndays = ["monday"]\n',
     'give [demand].weekday or [demand].days, not both; got weekday = "monday", days = ["monday"]'),
    ("start-with-profile", D + "start = 08:00:00\n",
     "[demand].start applies to [demand].calls or [demand].csv only; got [demand].profile"),
    ("shift-not-table", D + "[shifts]\nearly = 8\n", "[shifts].early must be a table such as [shifts.early]; got 8"),
    ("no-close-match", D + "[center]\ncolour = 3\n",
     "unknown key [center].colour (known: name, description, currency)"),
    ("bool-duration", D + "[simulation]\nwarmup_s = true\n",
     "[simulation].warmup_s must be a number; got true (a boolean)"),
    ("abandon-share", D + "[redials]\nabandoned = 1.5\n",
     '[redials].abandoned must be a fraction in [0, 1] or "fitted"; got 1.5 (pass 0.015 for 1.5%)'),
    # issue 12 fuzz: a NUL in [center].name or currency broke plan.xlsx (IllegalCharacterError), in
    # [output].folder the folder (ValueError: embedded null byte): tracebacks both
    ("name-nul", D + '[center]\nname = "a\\u0000b"\n',
     "[center].name must be a string without control characters; got \"a\\u0000b\" ('\\x00' at position 1)"),
    ("folder-nul", D + '[output]\nfolder = "p\\u0007"\n',
     "[output].folder must be a string without control characters; got \"p\\u0007\" ('\\x07' at position 1)"),
    ("name-int", D + "[center]\nname = 3\n", "[center].name must be a string; got 3 (an integer)"),
    ("fallback-without-history", D + 'fallback_profile = "bank-1999"\n',
     "[demand].fallback_profile is only used with [demand].history; got [demand].profile"),
    ("search-no-weekdays", D + "[hours_search]\nweekdays = []\n",
     "[hours_search].weekdays must name at least one day to search; got []"),
    ("search-step-fraction", D + "[hours_search]\nstep_s = 0.5\n",
     "[hours_search].step_s must be a whole number of seconds; got 0.5"),
    ("search-min-open", D + "[hours_search]\nearliest_open = 08:00:00\nlatest_close = 20:00:00\nmin_open_h = 13\n",
     "[hours_search].min_open_h must be at most latest_close - earliest_open (12 h); got 13"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_configs_name_the_file_the_key_the_rule_and_the_value(tmp_path, text, message):
    path = tmp_path / "x.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=f"^{re.escape(f'{path}: {message}')}$"):
        load_scenario(path)


def test_the_design_documents_example_message():
    text = (CONFIGS / "default.toml").read_text()
    good, bad = "[hours.friday]\nopen = 07:00:00\nclose = 14:00:00", '[hours.friday]\nopen = 14:00:00\nclose = "09:00"'
    assert good in text
    text = text.replace(good, bad)
    msg = "configs/bank.toml: [hours.friday].close must be after open; got open=14:00, close=09:00"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        loads_scenario(text, source="configs/bank.toml", base_dir=CONFIGS)


def test_missing_history_files(tmp_path, monkeypatch):
    monkeypatch.delenv("CXQUEUE_DATA", raising=False)
    text = '[demand]\nhistory = "$CXQUEUE_DATA/anonymous-bank-1999/october.txt"\n'
    msg = ('x.toml: [demand].history uses $CXQUEUE_DATA but that environment variable is not set; set it to the '
           'folder holding the data (e.g. ../shared/data); got "$CXQUEUE_DATA/anonymous-bank-1999/october.txt"; '
           "or add [demand].fallback_profile")  # fmt: skip
    with pytest.raises(ConfigError, match=re.escape(msg)):
        loads_scenario(text, source="x.toml")
    msg = (f'x.toml: [demand].history file not found: {tmp_path / "log.txt"} (from "log.txt"); '
           "or add [demand].fallback_profile")  # fmt: skip
    with pytest.raises(ConfigError, match=re.escape(msg)):
        loads_scenario('[demand]\nhistory = "log.txt"\n', source="x.toml", base_dir=tmp_path)
    cfg = loads_scenario('[demand]\nhistory = "log.txt"\nfallback_profile = "bank-1999"\n', base_dir=tmp_path)
    assert cfg.demand_source.startswith("profile bank-1999") and "uses the shipped profile" in cfg.warnings[0].message


def test_a_bad_history_file_is_named(tmp_path):
    (tmp_path / "log.csv").write_text("who,what\n1,2\n")
    msg = "x.toml: [demand].history: " + f"{tmp_path / 'log.csv'}: cannot tell the format from the header"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        loads_scenario('[demand]\nhistory = "log.csv"\n', source="x.toml", base_dir=tmp_path)


@pytest.mark.parametrize(("text", "message"), [
    ("[demand]\nprofile = \n", "x.toml, line 2: not valid TOML: Invalid value (column 11)"),
    ('[demand]\nprofile = "bank-1999"\n[hours.default]\nopen = 07:00\n',
     'x.toml, line 4: not valid TOML: Expected newline or end of document after a statement (column 9); write a '
     'time of day as 07:00:00 or "07:00"'),
    ('[demand]\nprofile = "a"\nprofile = "b"\n',
     "x.toml, line 3: not valid TOML: Cannot overwrite a value (column 14)"),
    ("[demand\n", "x.toml, line 1: not valid TOML: Expected ']' at the end of a table declaration (column 8)"),
])  # fmt: skip
def test_toml_syntax_errors_name_the_file_and_line(text, message):
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        loads_scenario(text, source="x.toml")


def test_file_level_errors(tmp_path):
    with pytest.raises(ConfigError, match=re.escape(f"{tmp_path / 'nope.toml'}: no such config file")):
        load_scenario(tmp_path / "nope.toml")
    (tmp_path / "latin1.toml").write_bytes(b'[center]\nname = "Z\xfcrich"\n')
    with pytest.raises(ConfigError, match=re.escape(f"{tmp_path / 'latin1.toml'}: not a UTF-8 text file")):
        load_scenario(tmp_path / "latin1.toml")
    with pytest.raises(ConfigError, match=re.escape("text must be a str holding TOML; got bytes")):
        loads_scenario(b"[demand]")
    msg = "x.toml: target must be a table such as [target]; got 0.8 (a float)"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        loads_scenario("target = 0.8\n" + D, source="x.toml")


def test_history_of_interval_counts(tmp_path):
    # 2003-03-03 is a Monday; two five-minute counts fall in the 07:00 quarter hour, one in 07:15
    (tmp_path / "counts.csv").write_text(
        "DateTime,Calls\n2003-03-03T07:00:00Z,10\n2003-03-03T07:05:00Z,20\n2003-03-03T07:15:00Z,6\n"
    )
    msg = "x.toml: [demand].aht_s is required: counts.csv counts calls without handle times"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        loads_scenario('[demand]\nhistory = "counts.csv"\n', source="x.toml", base_dir=tmp_path)
    cfg = loads_scenario('[demand]\nhistory = "counts.csv"\naht_min = 4\n', base_dir=tmp_path)
    f = cfg.forecast
    assert (f.n_intervals, f.calls[28], f.calls[29], f.calls.sum()) == (672, 30.0, 6.0, 36.0)
    assert np.all(f.aht_s == 240.0) and cfg.history_fit is None and cfg.demand_source == "interval counts counts.csv"
    msg = 'x.toml: [patience].kind = "fitted" needs [demand].profile or a call log in [demand].history to fit it from'
    with pytest.raises(ConfigError, match=re.escape(msg)):
        loads_scenario('[demand]\nhistory = "counts.csv"\naht_min = 4\n[patience]\nkind = "fitted"\n', source="x.toml",
                       base_dir=tmp_path)  # fmt: skip


def test_the_readme_examples_load():
    blocks = re.findall(r"```toml\n(.*?)```", (CONFIGS / "README.md").read_text(), re.S)
    assert blocks
    for text in blocks:
        cfg = loads_scenario(text, source="README.md")
        assert cfg.forecast.calls.sum() > 0


def test_documented_defaults_are_the_loaders():
    # every table present but empty: each value must be the default configs/README.md states
    cfg = loads_scenario(
        C + "[handle]\n[lines]\n[hours_search]\n[target]\n[staffing]\n[redials]\n[callbacks]\n[priority]\n"
        "[simulation]\n[output]\n[shifts.a]\nlength_h = 2\n"
    )
    got = {
        ("demand", "interval_s"): cfg.forecast.interval_s,
        ("demand", "scale"): cfg.forecast.calls[0] / 10,
        ("demand", "day_factor_cv"): cfg.day_factor_cv,
        ("handle", "kind"): cfg.handle.kind,
        ("hours_search", "step_s"): cfg.hours_search.step_s,
        ("hours_search", "min_open_s"): cfg.hours_search.min_open_s,
        ("hours_search", "min_calls_covered"): cfg.hours_search.min_calls_covered,
        ("hours_search", "cost_per_open_hour"): cfg.hours_search.cost_per_open_hour,
        ("shifts.<name>", "start_step_s"): cfg.shifts[0].start_step_s,
        ("shifts.<name>", "min_count"): cfg.shifts[0].min_count,
        ("callbacks", "enabled"): cfg.callbacks is not None,
        ("priority", "shares"): cfg.priority.shares,
        ("priority", "head_start_s"): cfg.priority.head_start_s,
        ("output", "formats"): cfg.output.formats,
        ("output", "figures"): cfg.output.figures,
    }
    for name in ("level", "answer_within_s", "basis", "shrinkage"):
        got["target", name] = getattr(cfg.target, name)
    for name in ("model", "method", "min_agents"):
        got["staffing", name] = getattr(cfg.settings, name)
    for name in ("replications", "seed", "engine", "warmup_s"):
        got["simulation", name] = getattr(cfg.settings, name)
    for name in ("blocked", "abandoned", "closed", "max_attempts"):
        got["redials", name] = getattr(cfg.redials, name)
    for name in ("blocked", "abandoned", "closed"):
        got["redials", f"{name}_delay_s"] = getattr(cfg.redials, f"{name}_delay").mean_s
    for name in ("threshold_s", "accept", "reach"):
        got["callbacks", name] = getattr(cfg.callbacks, name)
    for (table, name), value in got.items():
        assert value == SCHEMA[table][name].default, (table, name)
    hs = cfg.hours_search
    assert (hs.earliest_open_s, hs.latest_open_s, hs.earliest_close_s, hs.latest_close_s) == (0, 23 * H, H, 24 * H)
    assert hs.weekdays == tuple(range(7)) and cfg.shifts[0].days == tuple(range(7))
    assert cfg.shifts[0].cost == 2.0 and cfg.shifts[0].earliest_start_s == cfg.shifts[0].latest_start_s == 0.0
    for unset in (cfg.lines, cfg.max_blocking, cfg.target.max_asa_s, cfg.target.max_abandon, cfg.target.max_occupancy,
                  cfg.settings.max_agents, cfg.shifts[0].max_count):  # fmt: skip
        assert unset is None
    assert cfg.output.folder == Path("plans/scenario")


def test_overrides_replace_values_for_a_what_if(tmp_path):
    # cxqueue plan --set (issue 12): today's staffing against the recommended one, from one config
    cfg = load_scenario(CONFIGS / "default.toml", overrides=["staffing.max_agents=9", "center.name=today"])
    assert cfg.settings.max_agents == 9 and cfg.name == "today"
    assert cfg.notes[:2] == (
        "set on the command line: [staffing].max_agents = 9",
        "set on the command line: [center].name = today",
    )
    base = load_scenario(CONFIGS / "default.toml")
    assert base.settings.max_agents is None and base.name == "default"
    # a new table and a quoted TOML string work too
    cfg = load_scenario(CONFIGS / "default.toml", overrides=["target.answer_within_s=30", 'center.name="a b"'])
    assert cfg.target.answer_within_s == 30.0 and cfg.name == "a b"


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("center=9", "--set takes TABLE.KEY=VALUE (e.g. staffing.max_agents=8 or center.name=today); got 'center=9'"),
        ("staffing.max_agents", "--set takes TABLE.KEY=VALUE"),
        ("staffing.max_agent=9", "unknown key [staffing].max_agent (did you mean max_agents?)"),
        ("staffing.max_agents=-1", "[staffing].max_agents must be"),
        ("center.name.x=1", "--set center.name.x: center.name is a value, not a table"),
    ],
)
def test_bad_overrides_name_the_key(item, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_scenario(CONFIGS / "default.toml", overrides=[item])
