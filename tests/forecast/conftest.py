"""Fixtures for tests/forecast: the two real histories, each read once per session."""

from __future__ import annotations

import pytest

from cxqueue.forecast import IntervalHistory


@pytest.fixture(scope="session")
def us_bank(data_dir) -> IntervalHistory:
    """us-bank-calls-2003: 164 weekdays of 169 five-minute counts (07:00-21:00)."""
    return IntervalHistory.from_csv(data_dir / "us-bank-calls-2003" / "bank_calls.csv")


@pytest.fixture(scope="session")
def bank1999_log(data_dir):
    """January, February and October 1999 of the Anonymous Bank, as one call log."""
    from cxqueue.data import concat_histories, read_bank_log

    folder = data_dir / "anonymous-bank-1999"
    return concat_histories([read_bank_log(folder / f"{m}.txt") for m in ("january", "february", "october")])
