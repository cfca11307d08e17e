"""From a file's bytes to lines: encodings, byte-order marks, line ends and the size limits.

Every reader of a history file starts here, so that they agree on what a line is and on
what they accept:

- a line ends at LF, CRLF or CR; a final line end adds no line; line 1 is the header;
- UTF-8, with or without a byte-order mark; UTF-16 with its mark (Excel's "Unicode text")
  is read as such; a line that is not UTF-8 is read as Latin-1, and the reader reports it
  (``not_utf8``, repaired) with its line and column;
- a field holds at most `MAX_FIELD_CHARS` characters, and a value that a reader parses (a
  time, a number, an outcome, an agent name) at most `MAX_VALUE_CHARS`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cxqueue.exceptions import ConfigError

__all__ = [
    "MAX_FIELD_CHARS",
    "MAX_VALUE_CHARS",
    "decode_lines",
    "first_line",
    "load_bytes",
    "non_utf8_lines",
    "report_not_utf8",
]

#: The largest field a reader takes (16 MiB; the csv module's default is 128 KiB). Real logs
#: hold a few dozen characters per field; a free-text column may hold a transcript.
MAX_FIELD_CHARS = 16 * 2**20
#: The largest value a reader parses: no time, number, outcome or agent name is longer.
#: It bounds the memory of a column (rows x the longest value) whatever the file holds.
MAX_VALUE_CHARS = 1024

_BOM_UTF8 = b"\xef\xbb\xbf"
_BOM_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def _existing(path) -> Path:
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"path must be an existing file; got {str(p)!r}")
    return p


def _read(p: Path, size: int = -1) -> bytes:
    try:
        with p.open("rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read the file ({exc.strerror})") from exc


def _from_utf16(raw: bytes, source: str) -> bytes:
    try:
        return raw.decode("utf-16").encode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].decode("utf-16", errors="replace").count("\n") + 1
        raise ConfigError(
            f"{source}, line {line}: the file starts with a UTF-16 byte-order mark but byte {exc.start} "
            f"is not UTF-16 ({exc.reason}); save it again as UTF-8 or UTF-16"
        ) from None


def _normalize(raw: bytes, source: str) -> bytes:
    """UTF-8 bytes without a byte-order mark, lines ending in LF."""
    if raw.startswith(_BOM_UTF16):
        raw = _from_utf16(raw, source)
    if raw.startswith(_BOM_UTF8):
        raw = raw[len(_BOM_UTF8) :]
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return raw


def load_bytes(path) -> tuple[str, bytes]:
    """(source, bytes) of an existing file: UTF-8 (a UTF-16 file is converted), no BOM, LF line ends."""
    p = _existing(path)
    source = str(p)
    return source, _normalize(_read(p), source)


def first_line(path) -> tuple[str, str]:
    """(source, the first line decoded) without reading the whole file."""
    p = _existing(path)
    source = str(p)
    head = _read(p, 2**20)
    if head.startswith(_BOM_UTF16):  # a UTF-16 file is converted whole (the first MiB may split a pair)
        head = _read(p)
    head = _normalize(head, source)
    line = head.split(b"\n", 1)[0]
    try:
        return source, line.decode("utf-8")
    except UnicodeDecodeError:
        return source, line.decode("latin-1")


def _first_bad(line: bytes) -> int:
    """1-based column (character) of the first byte of `line` that is not UTF-8."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return len(line[: exc.start].decode("utf-8", errors="replace")) + 1
    return 0


def non_utf8_lines(raw: bytes) -> list[tuple[int, int]]:
    """(line, column) of the first non-UTF-8 byte of each line that has one (lines 1-based)."""
    try:
        raw.decode("utf-8")
        return []
    except UnicodeDecodeError:
        pass
    out = []
    for i, line in enumerate(raw.split(b"\n")):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            out.append((i + 1, _first_bad(line)))
    return out


def decode_lines(raw: bytes) -> tuple[list[str], list[tuple[int, int]]]:
    """The lines of normalized `raw` as text, and (line, column) of those read as Latin-1.

    >>> decode_lines(b"a,b\\n1,caf\\xe9\\n2,caf\\xc3\\xa9\\n")
    (['a,b', '1,café', '2,café'], [(2, 6)])
    """
    try:
        lines = raw.decode("utf-8").split("\n")
        bad: list[tuple[int, int]] = []
    except UnicodeDecodeError:
        lines, bad = [], []
        for i, line in enumerate(raw.split(b"\n")):
            try:
                lines.append(line.decode("utf-8"))
            except UnicodeDecodeError:
                bad.append((i + 1, _first_bad(line)))
                lines.append(line.decode("latin-1"))
    if lines and lines[-1] == "":
        lines.pop()
    return lines, bad


def decode_value(b: bytes) -> str:
    """One value: UTF-8, or Latin-1 when it is not."""
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b.decode("latin-1")


def line_numbers_of(positions: np.ndarray, newlines: np.ndarray) -> np.ndarray:
    """1-based line of each byte offset in `positions`, given the offsets of the LF bytes."""
    return np.searchsorted(newlines, positions, side="left") + 1


def report_not_utf8(rep, positions: list[tuple[int, int]], how: str) -> None:
    """Add the data lines (after the header) that were not UTF-8 to the report ``rep``, and ``how`` they were read."""
    data = [(no, col) for no, col in positions if no > 1]
    if data:
        rep.add(
            "not_utf8",
            "repaired",
            [no for no, _ in data],
            f"the line is not UTF-8 (first at line {data[0][0]}, column {data[0][1]}); {how}",
        )
