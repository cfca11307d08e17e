"""Fixtures for tests/data: each bank month is parsed once per session."""

from __future__ import annotations

import pytest

from cxqueue.data import read_bank_log

MONTHS = ("january", "february", "october")


@pytest.fixture(scope="session")
def bank_dir(data_dir):
    return data_dir / "anonymous-bank-1999"


@pytest.fixture(scope="session")
def bank_logs(bank_dir):
    """{month: CallHistory} for the three months, read once."""
    return {m: read_bank_log(bank_dir / f"{m}.txt") for m in MONTHS}
