"""The ``sweep`` and ``plot`` subcommands, run through ``cxqueue.cli.sweep.main``."""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

import pytest

from cxqueue.cli.sweep import add_parsers, main
from cxqueue.exceptions import ConfigError

SPEC = """
[sweep]
compute = "sweep_points:erlang_c_point"
seed = 1

[base]
offered_load = 10.0
agents = 12
aht_s = 180.0
answer_within_s = 20.0
fail = false

[grid]
agents = [11, 12, 13, 14]
fail = [false, true]

[[grid.zip]]
offered_load = [8.0, 10.0]
aht_s = [150.0, 180.0]
"""


@pytest.fixture
def spec_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "cli.toml"
    path.write_text(SPEC)
    return path


def test_sweep_writes_store_and_csv_and_reports_failures(spec_path, tmp_path, capsys):
    code = main(["sweep", str(spec_path), "--allow-code", "-j", "1", "--export", "csv", "out/cli.csv", "--no-progress"])
    out, err = capsys.readouterr()
    assert code == 1  # some points failed on purpose
    assert "cli: 16 points (16 computed, 0 already stored): 8 ok, 8 failed" in out
    assert f"-> {Path('cli.sqlite')}" in out and "wrote out/cli.csv" in out
    assert "ValueError: asked to fail at agents=11.0" in err and "rerun with --retry-errors" in err
    with open(tmp_path / "out" / "cli.csv") as fh:
        assert len(list(csv.DictReader(fh))) == 16
    # a rerun computes nothing
    main(["sweep", str(spec_path), "--allow-code", "-j", "1", "--no-progress"])
    assert "(0 computed, 16 already stored)" in capsys.readouterr().out


def test_sweep_progress_goes_to_stderr(spec_path, capsys):
    main(["sweep", str(spec_path), "--allow-code", "-j", "1", "--store", "p.sqlite"])
    err = capsys.readouterr().err
    assert "cli  16/16  100.0%" in err and "8 failed" in err


def test_plot_writes_a_png(spec_path, tmp_path, capsys):
    main(["sweep", str(spec_path), "--allow-code", "-j", "1", "--no-progress"])
    capsys.readouterr()
    code = main(
        ["plot", "cli.sqlite", "--x", "agents", "--y", "service_level", "--hue", "offered_load", "--facet", "aht_s"]
    )
    assert code == 0
    out = tmp_path / "cli-service_level-vs-agents.png"
    assert f"wrote {out.relative_to(tmp_path)}" in capsys.readouterr().out
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    main(["sweep", str(spec_path), "--allow-code", "-j", "1", "--no-progress", "--export", "csv", "r.csv"])
    argv = ["plot", "r.csv", "--x", "agents", "--y", "wait_probability", "-o", "figs/w.png", "--hue", "offered_load"]
    assert main(argv) == 0
    assert (tmp_path / "figs" / "w.png").stat().st_size > 1000


@pytest.mark.parametrize(
    ("argv", "msg"),
    [
        (["sweep", "missing.toml"], "error: sweep spec 'missing.toml' does not exist"),
        (
            ["sweep", "cli.toml", "--allow-code", "--export", "json", "x.json"],
            "error: --export FORMAT must be 'csv'; got 'json'",
        ),
        (["sweep", "cli.toml", "--allow-code", "-j", "0"], "error: jobs must be >= 1; got 0"),
        (["plot", "nothing.sqlite", "--x", "a", "--y", "b"], "error: results file 'nothing.sqlite' does not exist"),
    ],
)
def test_errors_print_one_line_and_exit_2(spec_path, argv, msg, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err.strip() == msg


def test_plot_names_a_missing_column(spec_path, capsys):
    main(["sweep", str(spec_path), "--allow-code", "-j", "1", "--no-progress"])
    assert main(["plot", "cli.sqlite", "--x", "agent", "--y", "service_level"]) == 2
    assert "error: column 'agent' is not in the results; they hold: " in capsys.readouterr().err


def test_plot_of_a_store_without_finished_points(spec_path, tmp_path):
    from cxqueue.sweep import ResultStore

    ResultStore(tmp_path / "empty.sqlite").close()
    with pytest.raises(ConfigError, match=re.escape("empty.sqlite: no finished points to plot")):
        parser = argparse.ArgumentParser()
        add_parsers(parser.add_subparsers())
        args = parser.parse_args(["plot", "empty.sqlite", "--x", "a", "--y", "b"])
        args.func(args)


def test_executor_options_are_exclusive(capsys):
    parser = argparse.ArgumentParser(prog="cxqueue")
    add_parsers(parser.add_subparsers())
    with pytest.raises(SystemExit):
        parser.parse_args(["sweep", "s.toml", "-j", "2", "--dask-local", "2"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_commands_write_to_the_stream_the_caller_passes(spec_path, tmp_path):
    """cxqueue.cli calls ``args.func(args, out)``; the results go to ``out``."""
    import io

    parser = argparse.ArgumentParser(prog="cxqueue")
    add_parsers(parser.add_subparsers(dest="command"))
    out = io.StringIO()
    args = parser.parse_args(
        ["sweep", str(spec_path), "--allow-code", "-j", "1", "--no-progress", "--store", "s.sqlite"]
    )
    assert args.func(args, out) == 1
    assert "cli: 16 points (16 computed, 0 already stored)" in out.getvalue()
    args = parser.parse_args(
        ["plot", "s.sqlite", "--x", "agents", "--y", "service_level", "-o", "f.png", "--where", "aht_s=150"]
    )
    assert args.func(args, out) == 0 and "wrote f.png" in out.getvalue()
