"""Call logs for the docstring examples: a few rows of call CSV, written to a new temporary folder.

The examples of the estimators, fits and replays start from a `CallHistory`; how a file
becomes one is the readers' example (`read_call_csv`), so theirs write the file and these
say it once::

    >>> h = example_history()  # TOY_CALLS
    >>> h.n_calls, h.outcome_counts()
    (3, {'served': 2, 'abandoned': 1, 'ivr_only': 0})
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from cxqueue.data.calls_csv import read_call_csv
from cxqueue.data.history import CallHistory

__all__ = ["TOY_CALLS", "example_csv", "example_history"]

#: Three calls in seconds since a Monday 00:00: answered by A after 10 s (talk 180 s), answered
#: by B after 40 s (talk 300 s), abandoned after 30 s.
TOY_CALLS = "arrival,answer,end,agent\n0,10,190,A\n60,100,400,B\n120,,150,\n"


def example_csv(text: str = TOY_CALLS, name: str = "c.csv") -> Path:
    """Write `text` to the file `name` in a new temporary folder and return its path."""
    path = Path(tempfile.mkdtemp()) / name
    path.write_text(text)
    return path


def example_history(text: str = TOY_CALLS) -> CallHistory:
    """``read_call_csv(example_csv(text))``: the call CSV `text` as a CallHistory."""
    return read_call_csv(example_csv(text))
