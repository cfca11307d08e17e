"""`read_history`: pick the reader from the file's header."""

from __future__ import annotations

from cxqueue.data._text import first_line
from cxqueue.data.bank1999 import BANK_COLUMNS, read_bank_log
from cxqueue.data.calls_csv import read_call_csv
from cxqueue.data.history import CallHistory, IntervalCounts
from cxqueue.data.intervals_csv import CALL_NAMES, TIME_NAMES, read_interval_csv
from cxqueue.exceptions import ConfigError

__all__ = ["detect_format", "read_history"]

FORMATS = ("bank", "calls", "intervals")


def detect_format(path) -> str:
    """``"bank"``, ``"calls"`` or ``"intervals"`` from the header line of `path`.

    Raises
    ------
    ConfigError
        If the file is missing, empty, or its header matches no known format.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text("rownames,DateTime,Calls\\n1,2003-03-03T07:00:00Z,111\\n")
    >>> detect_format(p)
    'intervals'
    """
    p, first = first_line(path)
    first = first.strip()
    if not first:
        raise ConfigError(f"{p}: the file is empty; expected a header line on line 1")
    delim = max((",", ";", "\t", "|"), key=first.count)
    names = [x.strip().strip('"').lower() for x in first.split(delim)]
    if all(c in names for c in BANK_COLUMNS):
        return "bank"
    if any(n in names for n in ("arrival", "arrival_time", "arrived")):
        return "calls"
    if any(n in names for n in TIME_NAMES) and any(n in names for n in CALL_NAMES):
        return "intervals"
    raise ConfigError(
        f"{p}: cannot tell the format from the header {first[:200]!r} on line 1; expected the bank log's columns "
        f"({', '.join(BANK_COLUMNS)}), a call CSV with an 'arrival' column, or an interval CSV with "
        f"a time column ({', '.join(TIME_NAMES)}) and a calls column ({', '.join(CALL_NAMES)})"
    )


def read_history(path) -> CallHistory | IntervalCounts:
    """Read a history file in any supported format (detected from its header).

    Parameters
    ----------
    path : str or Path
        A bank call log, a call-level CSV or an interval-count CSV.

    Returns
    -------
    CallHistory or IntervalCounts

    Raises
    ------
    ConfigError
        If the file is missing, empty or of an unknown format.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text("arrival,answer,end\\n0,5,100\\n")
    >>> type(read_history(p)).__name__
    'CallHistory'
    """
    fmt = detect_format(path)
    if fmt == "bank":
        return read_bank_log(path)
    if fmt == "calls":
        return read_call_csv(path)
    return read_interval_csv(path)
