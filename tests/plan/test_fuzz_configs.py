"""Issue 12, acceptance 6: hostile configs and interval CSVs end in a plan, a plan that says what is doubtful,
or an error that names the key or column and the value; never a traceback or a silent wrong plan.

The cases come from a seeded generator (`tests/plan/_fuzz.py`: the base center and the
mutations of its config and of its ``[demand].csv``); each runs through
``cxqueue plan --quick --no-figures --force --json`` as a user runs it, and the oracle
(`tests/plan/_fuzz_oracle.py`) judges the outcome from the mutated input alone.
``pytest -s`` prints the tallies per outcome and per mutation kind, and the slowest cases.

A longer run looks for more: ``CXQUEUE_FUZZ_SEED=3 CXQUEUE_FUZZ_SCALE=10`` (ten times the
cases), with ``CXQUEUE_FUZZ_REPORT=/tmp/fuzz`` writing every failing case in full to
``/tmp/fuzz.config.txt`` and ``/tmp/fuzz.csv.txt``.
"""

from __future__ import annotations

import collections
import csv
import io
import json
import os
import shutil
import time
import warnings

import numpy as np
import pytest

from cxqueue.cli import main
from tests.plan import _fuzz as fz
from tests.plan import _fuzz_oracle as oracle

SEED = int(os.environ.get("CXQUEUE_FUZZ_SEED", "12"))
SCALE = int(os.environ.get("CXQUEUE_FUZZ_SCALE", "1"))
N_CONFIGS, N_CSVS = 500 * SCALE, 250 * SCALE
AT_LEAST = {"config": 200, "csv": 100}  # issue 12: the run cannot shrink below these
PLAN_CODES = (0, 3, 4)  # a plan folder is written: ok, missed target, --strict warnings


def run_case(tmp_path, capsys, case: fz.Case) -> tuple[str, list[str], dict]:
    """Run one case through the command line: (outcome, problems, warnings the input owes the plan)."""
    folder = tmp_path / "case"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    config, plan = folder / "c.toml", folder / "plan"
    data = case.toml()
    config.write_bytes(data)
    if case.csv is not None:
        (folder / fz.CSV_NAME).write_bytes(case.csv.to_bytes())
    out = io.StringIO()
    capsys.readouterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            code = main(["plan", str(config), "--out", str(plan), "--quick", "--no-figures", "--force", "--json"], out)
        except Exception as exc:  # a traceback: the user would see one
            return "traceback", [f"uncaught {type(exc).__name__}: {exc}"], {}
    err = capsys.readouterr().err
    if "Traceback" in err:
        return "traceback", ["a traceback on stderr"], {}
    # numpy's overflow or invalid cast: numbers that went wrong on the way, whatever the outcome
    numeric = [f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})" for w in caught
               if issubclass(w.category, RuntimeWarning)]  # fmt: skip
    if numeric:
        return "runtime_warning", numeric[:3], {}
    summary_path = plan / "summary.json"
    if code in PLAN_CODES and summary_path.is_file():
        raw = summary_path.read_text()
        if "NaN" in raw or "Infinity" in raw:
            return "plan", ["summary.json holds NaN or Infinity"], {}
        with (plan / "plan.csv").open(newline="") as fh:
            rows = list(csv.DictReader(fh))
        doc = oracle.parse_toml(data)
        if doc is None:
            return "plan", ["planned a config that is not TOML"], {}
        summary = json.loads(raw)
        problems, owed = oracle.judge_plan(case, doc, summary, rows)
        return ("plan_warned" if summary["warnings"] else "plan"), problems, owed
    if code == 2 or (code == 3 and not plan.exists()):  # an error, or a shift schedule that cannot exist
        if plan.exists():
            return "error", ["an error left a plan folder"], {}
        text = oracle.error_text(err, out.getvalue())
        problems = oracle.judge_error(case, text, infeasible=code == 3)
        return "error", [*problems, f"the error: {text.strip()[-600:]}"] if problems else [], {}
    return "other", [f"exit code {code} (plan folder: {plan.exists()})"], {}


def fuzz(tmp_path, capsys, make, n: int, label: str):
    """Run `n` cases of `make`; the tallies (outcomes and owed warnings) and the failures in full."""
    tally = collections.Counter()
    per_kind = collections.defaultdict(collections.Counter)
    failures, times = [], []
    t0 = time.perf_counter()
    for i in range(n):
        case = make(np.random.default_rng([SEED, 0 if label == "config" else 1, i]))
        t = time.perf_counter()
        outcome, problems, owed = run_case(tmp_path, capsys, case)
        times.append((time.perf_counter() - t, i, ", ".join(case.kinds)))
        tally[outcome] += 1
        for k in dict.fromkeys(case.kinds):
            per_kind[k][outcome] += 1
        for code in owed:
            tally[f"owed {code}"] += 1
        if problems:
            shown = f"--- csv ---\n{case.csv.to_bytes()[:600]!r}\n" if case.csv is not None else ""
            failures.append(f"{label} case {i} ({', '.join(case.kinds)}): {'; '.join(problems)}\n"
                            f"--- config ---\n{case.toml().decode('utf-8', 'replace')}{shown}")  # fmt: skip
    elapsed = time.perf_counter() - t0
    if os.environ.get("CXQUEUE_FUZZ_REPORT"):
        with open(os.environ["CXQUEUE_FUZZ_REPORT"] + f".{label}.txt", "w") as fh:
            fh.write("\n\n".join(failures))
    with capsys.disabled():
        print(f"\n{label}: {n} cases (seed {SEED}) in {elapsed:.1f} s: {dict(tally)}")
        for k in sorted(per_kind):
            print(f"  {k:20s} {dict(per_kind[k])}")
        print("  slowest: " + "; ".join(f"case {i} ({kinds}) {s:.2f} s" for s, i, kinds in sorted(times)[-3:]))
    return tally, failures


def test_the_base_center_plans_cleanly(tmp_path, capsys):
    # the oracle's premise: without a mutation the base center (and its CSV) is a plan with no problem
    for case in (fz.Case(fz.base_tables()), fz.Case(fz.base_tables(csv_demand=True), csv=fz.base_csv())):
        outcome, problems, owed = run_case(tmp_path, capsys, case)
        assert outcome.startswith("plan") and problems == [] and owed == {}


CASES = [(fz.make_config_case, N_CONFIGS, "config"), (fz.make_csv_case, N_CSVS, "csv")]


@pytest.mark.parametrize(("make", "n", "label"), CASES, ids=["configs", "csvs"])
def test_fuzzed_inputs_end_in_a_plan_a_warning_or_a_named_error(tmp_path, capsys, make, n, label):
    tally, failures = fuzz(tmp_path, capsys, make, n, label)
    outcomes = sum(v for k, v in tally.items() if not k.startswith("owed"))
    assert outcomes == n >= AT_LEAST[label]
    # every end is reached: plans, plans with warnings the input owes them, errors
    assert tally["plan"] > 0 and tally["plan_warned"] > 0 and tally["error"] > 0
    assert tally["owed implausible_aht"] > 0
    # a CSV's rows are placed by their time column, so only a config's start or weekday can put
    # calls where the center is closed
    assert label == "csv" or tally["owed closed_hours_calls"] > 0
    assert not failures, f"{len(failures)} of {n} cases failed:\n\n" + "\n\n".join(failures[:15])
