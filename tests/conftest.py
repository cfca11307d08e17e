"""Shared fixtures: where the real data and the reference tables live.

Tests that need ../shared/data fail when it is missing under CI=true (CI always has it)
and skip with that reason elsewhere.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CXQUEUE_SHARED", REPO.parent / "shared"))
DATA = Path(os.environ.get("CXQUEUE_DATA", SHARED / "data"))
REFERENCE = SHARED / "reference"

# NUMBA_DISABLE_JIT=1 runs the kernels as plain Python (to check them line by line); the
# tests that call them millions of times (long simulations, big searches) would then take
# minutes each, so they are skipped there and run compiled.
NO_JIT = os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0")
needs_jit = pytest.mark.skipif(
    NO_JIT,
    reason="NUMBA_DISABLE_JIT=1: this test calls the kernels millions of times and would take minutes "
    "interpreted; it runs compiled in the normal test command and in CI",
)


def _need(path: Path, what: str) -> Path:
    if path.exists():
        return path
    msg = f"{what} not found at {path} (set CXQUEUE_DATA / CXQUEUE_SHARED)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """../shared/data (or $CXQUEUE_DATA)."""
    return _need(DATA, "the shared call-center data")


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """../shared/reference with the published and high-precision values."""
    return _need(REFERENCE, "the shared reference tables")


def read_reference(name: str) -> list[dict[str, str]]:
    """Rows of ../shared/reference/<name> as dicts (for parametrize at collection time)."""
    path = REFERENCE / name
    if not path.exists():
        if os.environ.get("CI", "").lower() == "true":
            raise FileNotFoundError(f"reference table {path} is missing in CI")
        return []
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def reference_row(table: str, case: str) -> dict:
    """The row ``case`` of a reference table, numbers as floats; skips when the table is
    missing outside CI, fails in CI (the tables are always there: the table changed)."""
    rows = [r for r in read_reference(table) if r["case"] == case]
    if not rows:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{case} not in {table}")
        pytest.skip(f"{case} not in {table} (../shared/reference missing)")
    out = {}
    for key, value in rows[0].items():
        try:
            out[key] = float(value)
        except (TypeError, ValueError):
            out[key] = value
    return out


@pytest.fixture(scope="session")
def bank_plan_folders(tmp_path_factory):
    """Two quick plan folders of the bank, today's 8 positions and the recommended plan (for what reads them)."""
    from tests.plan._plans import bank_plans

    return bank_plans(tmp_path_factory.mktemp("bank-plans"))


@pytest.fixture(scope="session")
def bank_summaries(bank_plan_folders):
    """Their summary.json, read."""
    import json

    return [json.loads((p / "summary.json").read_text()) for p in bank_plan_folders]
