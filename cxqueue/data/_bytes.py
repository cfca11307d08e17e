"""Fast reading of a tab-separated file straight from its bytes, without a Python string per field.

`read_tab_table` finds every line and every tab with numpy, keeps the lines with the
expected number of fields as (start, end) byte offsets, and hands the few other lines
back to the caller. `ByteTable` then parses a column as integers, clock times or text
by gathering its bytes into a fixed-width matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxqueue.data._parse import date_from_yymmdd
from cxqueue.data._text import decode_value

__all__ = ["ByteTable", "read_tab_table"]

_NL, _TAB, _SPACE, _ZERO, _COLON = 10, 9, 32, 48, 58


@dataclass
class ByteTable:
    """Fields of the kept lines: ``starts``/``ends`` are byte offsets of shape (rows, columns)."""

    buf: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    rows: np.ndarray

    @property
    def n(self) -> int:
        return int(self.rows.size)

    def _span(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """Offsets of column `j` with surrounding spaces trimmed."""
        s, e = self.starts[:, j].copy(), self.ends[:, j].copy()
        last = self.buf.size - 1
        while True:
            lead = (s < e) & (self.buf[np.minimum(s, last)] == _SPACE)
            if not lead.any():
                break
            s += lead
        while True:
            trail = (e > s) & (self.buf[np.maximum(e - 1, 0)] == _SPACE)
            if not trail.any():
                break
            e -= trail
        return s, e

    def _gather(self, s: np.ndarray, e: np.ndarray, width: int) -> np.ndarray:
        pos = np.arange(width)
        idx = np.minimum(s[:, None] + pos, self.buf.size - 1)
        return np.where(pos < (e - s)[:, None], self.buf[idx], 0)

    def _right(self, e: np.ndarray, width: int) -> np.ndarray:
        """The last `width` bytes before each end offset, right-aligned, shape (n, width)."""
        idx = np.clip(e[:, None] - width + np.arange(width), 0, self.buf.size - 1)
        return self.buf[idx]

    def ints(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """Column `j` as int64 (optional leading minus, up to 18 digits); not ok otherwise."""
        s, e = self._span(j)
        length = (e - s).astype(np.int64)
        if self.n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
        width = int(min(max(length.max(), 1), 19))
        pos = np.arange(width)
        first = (width - length)[:, None]
        inside = pos >= first
        neg = (length > 0) & (self.buf[np.minimum(s, self.buf.size - 1)] == ord("-"))
        sign = neg[:, None] & (pos == first)
        digits = self._right(e, width).astype(np.int64) - _ZERO
        is_digit = (digits >= 0) & (digits <= 9)
        ok = np.all(is_digit | ~inside | sign, axis=1) & (length - neg > 0) & (length - neg <= 18)
        digits = np.where(inside & ~sign & is_digit, digits, 0)
        value = digits @ (10 ** np.arange(width - 1, -1, -1, dtype=np.int64))
        return np.where(ok, np.where(neg, -value, value), 0), ok

    def hms(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """Column `j` (``H:MM:SS`` or ``HH:MM:SS``) as seconds since midnight."""
        s, e = self._span(j)
        length = e - s
        c = self._right(e, 8).astype(np.int64) - _ZERO
        ok = (length == 7) | (length == 8)
        tens = np.where(length == 8, c[:, 0], 0)
        ok &= (tens >= 0) & (tens <= 9)
        for k in (1, 3, 4, 6, 7):
            ok &= (c[:, k] >= 0) & (c[:, k] <= 9)
        ok &= (c[:, 2] == _COLON - _ZERO) & (c[:, 5] == _COLON - _ZERO)
        hours, minutes, seconds = tens * 10 + c[:, 1], c[:, 3] * 10 + c[:, 4], c[:, 6] * 10 + c[:, 7]
        ok &= (hours < 24) & (minutes < 60) & (seconds < 60)
        return np.where(ok, hours * 3600 + minutes * 60 + seconds, 0), ok

    def date_yymmdd(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """Column `j` as datetime64[D] from ``YYMMDD``."""
        s, e = self._span(j)
        num, ok = self.ints(j)
        return date_from_yymmdd(num, ok & (e - s == 6))

    def lengths(self, j: int) -> np.ndarray:
        """Bytes in column `j` of each row, surrounding spaces included."""
        return self.ends[:, j] - self.starts[:, j]

    def select(self, mask: np.ndarray) -> ByteTable:
        """The rows where `mask` is True."""
        return ByteTable(self.buf, self.starts[mask], self.ends[mask], self.rows[mask])

    def text(self, j: int, *, upper: bool = False) -> np.ndarray:
        """Column `j` as str (UTF-8, or Latin-1 for a value that is not UTF-8), via its distinct values."""
        s, e = self._span(j)
        width = max(int((e - s).max()) if self.n else 1, 1)
        raw = np.ascontiguousarray(self._gather(s, e, width).astype(np.uint8)).view(f"S{width}").ravel()
        uniq, inv = np.unique(raw, return_inverse=True)
        words = [decode_value(u) for u in uniq.tolist()]
        if upper:
            words = [w.upper() for w in words]
        return np.array(words, dtype=str)[inv.ravel()] if words else np.zeros(0, dtype=str)


def read_tab_table(raw: bytes, ncol: int):
    """Split `raw` into a header and the data lines with `ncol` tab-separated fields.

    Returns
    -------
    (header, table, others, n_data_lines)
        ``header`` is the decoded first line; ``table`` a ByteTable of the data lines with
        exactly ``ncol`` fields and no NUL byte; ``others`` a list of ``(line number,
        decoded line)`` for the rest, to be repaired or dropped by the caller;
        ``n_data_lines`` the number of lines after the header. Line numbers are 1-based
        (the header is line 1).
    """
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if not raw.endswith(b"\n"):
        raw += b"\n"
    buf = np.frombuffer(raw, dtype=np.uint8)
    sep = np.flatnonzero((buf == _TAB) | (buf == _NL))
    is_nl = buf[sep] == _NL
    line_of_sep = np.cumsum(is_nl) - is_nl
    nl = sep[is_nl]
    header = raw[: nl[0]].decode("utf-8", errors="replace")
    line_start = np.concatenate(([0], nl[:-1] + 1))
    per_line = np.bincount(line_of_sep[~is_nl], minlength=nl.size)
    good = per_line == ncol - 1
    good[0] = False  # the header
    nul = np.flatnonzero(buf == 0)
    if nul.size:
        good[np.searchsorted(nl, nul)] = False  # a line with a NUL byte is damaged, whatever its fields
    others = [(int(i) + 1, decode_value(bytes(raw[line_start[i] : nl[i]]))) for i in np.flatnonzero(~good[1:]) + 1]
    keep = np.flatnonzero(good)
    n = keep.size
    if n == 0:
        empty = np.zeros((0, ncol), dtype=np.int64)
        return header, ByteTable(buf, empty, empty, np.zeros(0, dtype=np.int64)), others, nl.size - 1
    # separators of the kept lines: each kept line owns ncol - 1 tabs and its newline
    ends = sep[good[line_of_sep]].reshape(n, ncol)
    starts = np.empty_like(ends)
    starts[:, 0] = line_start[keep]
    starts[:, 1:] = ends[:, :-1] + 1
    return header, ByteTable(buf, starts, ends, keep.astype(np.int64) + 1), others, nl.size - 1
