"""Vectorized parsing of text columns: clock times, integers, numbers, dates, timestamps.

Every parser takes a 1-d array of strings and returns ``(values, ok)``: the parsed
values (0 or NaN where a value cannot be read) and a boolean mask of the values that
were read. Nothing here raises on bad data; the readers decide what to do with the
rows that fail (drop them and say why in the ImportReport).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "date_from_yymmdd",
    "hms_from_codes",
    "int_from_codes",
    "parse_date_yymmdd",
    "parse_float",
    "parse_hms",
    "parse_int",
    "parse_timestamp",
    "split_lines",
]

_DIGIT0 = ord("0")
_COLON = ord(":")


def split_lines(text: str) -> list[str]:
    """Lines of `text` for CRLF, LF or CR files; a final newline adds no empty line.

    >>> split_lines("a\\r\\nb\\nc\\rd\\n")
    ['a', 'b', 'c', 'd']
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _strip(col) -> np.ndarray:
    return np.char.strip(np.asarray(col, dtype=str))


def _codes(s: np.ndarray, width: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(n, width) int64 character codes, left-aligned and zero-padded, and the lengths."""
    n = s.size
    w = max(int(s.dtype.itemsize // 4), 1) if width is None else width
    if n == 0:
        return np.zeros((0, w), dtype=np.int64), np.zeros(0, dtype=np.int64)
    codes = np.ascontiguousarray(s, dtype=f"<U{w}").view(np.uint32).reshape(n, w).astype(np.int64)
    return codes, np.char.str_len(s).astype(np.int64)


def hms_from_codes(codes: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Seconds since midnight from ``H:MM:SS``/``HH:MM:SS`` character codes (see `parse_hms`)."""
    n = length.size
    if codes.shape[1] < 8:
        codes = np.pad(codes, ((0, 0), (0, 8 - codes.shape[1])))
    ok = (length == 7) | (length == 8)
    L = np.where(ok, length, 8)[:, None]

    def at(offset):
        return np.take_along_axis(codes, L - offset, axis=1)[:, 0] if n else np.zeros(0, dtype=np.int64)

    digits = {k: at(k) - _DIGIT0 for k in (1, 2, 4, 5, 7, 8)}
    for k in (1, 2, 4, 5, 7):
        ok &= (digits[k] >= 0) & (digits[k] <= 9)
    ok &= (at(3) == _COLON) & (at(6) == _COLON)
    h_tens = np.where(L[:, 0] == 8, digits[8], 0)
    ok &= (h_tens >= 0) & (h_tens <= 9)
    hours = h_tens * 10 + digits[7]
    minutes = digits[5] * 10 + digits[4]
    seconds = digits[2] * 10 + digits[1]
    ok &= (hours < 24) & (minutes < 60) & (seconds < 60)
    value = np.where(ok, hours * 3600 + minutes * 60 + seconds, 0).astype(np.int64)
    return value, ok


def int_from_codes(codes: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Optionally signed integers from character codes (see `parse_int`)."""
    n, width = codes.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    neg = codes[:, 0] == ord("-")
    digits = codes - _DIGIT0
    pos = np.arange(width)
    body = (pos[None, :] >= neg[:, None]) & (pos[None, :] < length[:, None])
    ok = np.all((digits >= 0) & (digits <= 9) | ~body, axis=1) & (length - neg > 0) & (length - neg <= 18)
    ok &= length <= width
    value = np.zeros(n, dtype=np.int64)
    for j in range(width):
        take = body[:, j]
        if not take.any():
            break
        value = np.where(take, value * 10 + digits[:, j], value)
    value = np.where(ok, np.where(neg, -value, value), 0)
    return value, ok


def parse_hms(col) -> tuple[np.ndarray, np.ndarray]:
    """Clock times ``H:MM:SS`` or ``HH:MM:SS`` to seconds since midnight (int64).

    >>> v, ok = parse_hms(["7:02:47", "23:59:59", "0:00:00", "7:2:47", "25:00:00", ""])
    >>> v.tolist(), ok.tolist()
    ([25367, 86399, 0, 0, 0, 0], [True, True, True, False, False, False])
    """
    s = _strip(col)
    codes, length = _codes(s, 8)
    return hms_from_codes(codes, np.where(length > 8, 0, length))


def parse_int(col) -> tuple[np.ndarray, np.ndarray]:
    """Optionally signed decimal integers (int64, up to 18 digits); anything else is not ok.

    >>> v, ok = parse_int(["12", " -3", "x", "", "4.0", "-"])
    >>> v.tolist(), ok.tolist()
    ([12, -3, 0, 0, 0, 0], [True, True, False, False, False, False])
    """
    codes, length = _codes(_strip(col))
    return int_from_codes(codes, length)


def parse_float(col) -> tuple[np.ndarray, np.ndarray]:
    """Decimal numbers (float64); empty or unreadable values are NaN and not ok.

    >>> v, ok = parse_float(["1.5", "2", "", "abc", "nan"])
    >>> v.tolist()[:2], ok.tolist()
    ([1.5, 2.0], [True, True, False, False, False])
    """
    s = _strip(col)
    out = np.full(s.size, np.nan)
    try:
        out = s.astype(np.float64) if s.size else out
    except ValueError:
        for i, x in enumerate(s.tolist()):
            try:
                out[i] = float(x)
            except ValueError:
                out[i] = np.nan
    ok = np.isfinite(out)
    out = np.where(ok, out, np.nan)
    return out, ok


def date_from_yymmdd(num: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """datetime64[D] from integers YYMMDD where `ok` (years 70-99 are 19xx, 00-69 are 20xx)."""
    yy, mm, dd = num // 10000, (num // 100) % 100, num % 100
    year = np.where(yy >= 70, 1900 + yy, 2000 + yy)
    ok = ok & (mm >= 1) & (mm <= 12) & (dd >= 1) & (dd <= 31) & (num >= 0)
    month = np.where(ok, (year - 1970) * 12 + (mm - 1), 0).astype("datetime64[M]")
    date = month.astype("datetime64[D]") + np.where(ok, dd - 1, 0).astype("timedelta64[D]")
    ok &= date.astype("datetime64[M]") == month
    return np.where(ok, date, np.datetime64("1970-01-01")).astype("datetime64[D]"), ok


def parse_date_yymmdd(col) -> tuple[np.ndarray, np.ndarray]:
    """Dates written ``YYMMDD`` (years 70-99 are 19xx, 00-69 are 20xx) to datetime64[D].

    >>> v, ok = parse_date_yymmdd(["990101", "990230", "991026", "9901"])
    >>> [str(d) for d in v[ok]], ok.tolist()
    (['1999-01-01', '1999-10-26'], [True, False, True, False])
    """
    s = _strip(col)
    num, ok = parse_int(s)
    ok &= (np.char.str_len(s) == 6) if s.size else ok
    return date_from_yymmdd(num, ok)


def parse_timestamp(col) -> tuple[np.ndarray, np.ndarray]:
    """ISO 8601 date-times (``T`` or space, optional ``Z``) to datetime64[s].

    >>> v, ok = parse_timestamp(["2003-03-03T07:00:00Z", "2003-03-03 07:05", "bad", ""])
    >>> [str(x) for x in v[ok]], ok.tolist()
    (['2003-03-03T07:00:00', '2003-03-03T07:05:00'], [True, True, False, False])
    """
    s = _strip(col)
    s = np.char.replace(np.char.rstrip(s, "Zz"), " ", "T") if s.size else s
    out = np.full(s.size, np.datetime64("NaT"), dtype="datetime64[s]")
    try:
        out = s.astype("datetime64[s]") if s.size else out
    except ValueError:
        for i, x in enumerate(s.tolist()):
            try:
                out[i] = np.datetime64(x, "s") if x else np.datetime64("NaT")
            except ValueError:
                out[i] = np.datetime64("NaT")
    ok = ~np.isnat(out)
    return out, ok
