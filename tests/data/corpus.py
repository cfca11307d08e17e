"""A corpus of malformed history files, written by code (no committed binaries).

Each `Case` is the bytes of one file in one of the three formats (``calls``, ``bank``,
``intervals``) and what every reader must make of it: either a clean read whose report
drops exactly ``dropped`` (reason -> count) and repairs at least ``repaired``, or an error
whose message holds ``error`` (the rule). ``import_error`` is the rule that stops
``cxqueue import`` on a file the readers take (too few calls to fit, no AHT column).

The files start from a clean base (`calls_base`, `bank_base`, `intervals_base`: 40 data
lines that import cleanly) and break it one way: truncation, quotes, byte-order marks,
line ends, NUL bytes, Latin-1, huge fields, duplicate headers, times out of order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

N = 40  # data lines of a base file
BIG = 140 * 1024  # over the csv module's default field limit (128 KiB)


@dataclass(frozen=True)
class Case:
    name: str
    fmt: str  # "calls", "bank" or "intervals"
    data: bytes
    dropped: dict = field(default_factory=dict)
    repaired: dict = field(default_factory=dict)
    error: str | tuple[str, ...] | None = None  # the rule, or rules of which the message holds one
    import_error: str | None = None

    @property
    def filename(self) -> str:
        return f"{self.name}.{'txt' if self.fmt == 'bank' else 'csv'}"


def data_lines(raw: bytes) -> int:
    """Lines after the header, counted from the bytes: LF, CRLF or CR end a line; a final end adds none."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raw = raw.decode("utf-16").encode("utf-8")
    if not raw:
        return 0
    text = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return text.count(b"\n") + (0 if text.endswith(b"\n") else 1) - 1


# ------------------------------------------------------------------ clean bases
def calls_lines(n: int = N) -> list[str]:
    """Header and `n` calls, one every 97 s from Monday 2024-03-04 09:00; every fourth abandons."""
    out = ["arrival,answer,end,outcome,agent,notes"]
    t0 = np.datetime64("2024-03-04T09:00:00")
    for i in range(n):
        a = t0 + np.timedelta64(97 * i, "s")
        if i % 4 == 3:
            e = a + np.timedelta64(30 + i % 50, "s")
            out.append(f"{a},,{e},abandoned,,left")
        else:
            q = a + np.timedelta64(i * 7 % 40, "s")
            e = q + np.timedelta64(120 + i * 13 % 200, "s")
            out.append(f"{a},{q},{e},served,{'abc'[i % 3]}gent,ok")
    return out


BANK_HEADER = (
    "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\t"
    "q_time\toutcome\tser_start\tser_exit\tser_time\tserver"
)


def _hms(s: int) -> str:
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def bank_row(i: int, server: str | None = None) -> str:
    """Call `i`: enters at 09:00 + 97 i s, 10 s IVR, waits 5-44 s; every fourth hangs up."""
    e = 9 * 3600 + 97 * i
    w = 5 + i * 7 % 40
    x, q = e + 10, e + 10 + w
    if i % 4 == 3:
        f = [f"AA{i:04d}", str(i + 1), str(100 + i), "2", "PS", "990201", _hms(e), _hms(x), "10"]
        return "\t".join([*f, _hms(x), _hms(q), str(w), "HANG", "0:00:00", "0:00:00", "0", "NO_SERVER"])
    talk = 120 + i * 13 % 200
    f = [f"AA{i:04d}", str(i + 1), str(100 + i), "2", "PS", "990201", _hms(e), _hms(x), "10", _hms(x), _hms(q)]
    return "\t".join([*f, str(w), "AGENT", _hms(q), _hms(q + talk), str(talk), server or f"AG{i % 3}"])


def bank_lines(n: int = N) -> list[str]:
    return [BANK_HEADER] + [bank_row(i) for i in range(n)]


def intervals_lines(n: int = N) -> list[str]:
    """Header and `n` five-minute intervals from 2024-03-04 07:00 with calls and AHT."""
    t0 = np.datetime64("2024-03-04T07:00:00")
    rows = [f"{t0 + np.timedelta64(300 * i, 's')},{10 + i % 7},{180 + i % 11}" for i in range(n)]
    return ["start,calls,aht_s", *rows]


def join(lines, eol: str = "\n", *, end: bool = True, encoding: str = "utf-8") -> bytes:
    return (eol.join(lines) + (eol if end else "")).encode(encoding)


def _set(lines: list[str], i: int, text: str) -> list[str]:
    out = list(lines)
    out[i] = text
    return out


def _field(line: str, j: int, value: str, sep: str = ",") -> str:
    f = line.split(sep)
    f[j] = value
    return sep.join(f)


FEW_CALLS = "history must hold at least"  # the import's rule when the readers keep (almost) nothing


# ------------------------------------------------------------------ the corpus
def corpus() -> list[Case]:
    c, b, v = calls_lines(), bank_lines(), intervals_lines()
    cases = [
        # ---------------- call CSV
        Case("calls_clean", "calls", join(c)),
        Case("calls_crlf", "calls", join(c, "\r\n")),
        Case("calls_cr_only", "calls", join(c, "\r")),
        Case("calls_bom", "calls", b"\xef\xbb\xbf" + join(c)),
        Case("calls_bom_crlf_no_final_eol", "calls", b"\xef\xbb\xbf" + join(c, "\r\n", end=False)),
        Case("calls_utf16", "calls", "\ufeff".encode("utf-16-le") + join(c, "\r\n", encoding="utf-16-le")),
        Case(
            "calls_latin1_agent",
            "calls",
            join(_set(c, 3, _field(c[3], 4, "Jos\xe9")), encoding="latin-1"),
            repaired={"not_utf8": 1},
        ),
        Case("calls_nul_in_row", "calls", join(_set(c, 5, c[5][:10] + "\x00" + c[5][10:])), dropped={"nul_bytes": 1}),
        Case("calls_nul_padded_tail", "calls", join(c) + b"\x00" * 512, dropped={"nul_bytes": 1}),
        Case(
            "calls_unbalanced_quote",
            "calls",
            join(_set(c, 2, _field(c[2], 1, '"' + c[2].split(",")[1]))),
            dropped={"unbalanced_quote": 1},
        ),
        Case(
            "calls_two_unbalanced_quotes",
            "calls",
            join(_set(_set(c, 2, _field(c[2], 1, '"x')), 30, _field(c[30], 5, '"x'))),
            dropped={"unbalanced_quote": 2},
        ),
        Case(
            "calls_truncated_in_quote",
            "calls",
            join(c)[:-1] + b',"unfinished note',
            dropped={"unbalanced_quote": 1},
        ),
        Case("calls_truncated_mid_row", "calls", join(c)[:-25], dropped={"wrong_field_count": 1}),
        Case(
            "calls_truncated_mid_utf8",
            "calls",
            join(c[:-1]) + (c[-1][:-3] + "caf\xe9").encode()[:-1],
            repaired={"not_utf8": 1},
        ),
        Case("calls_header_only", "calls", join(c[:1]), import_error=FEW_CALLS),
        Case("calls_empty", "calls", b"", error="the file is empty"),
        Case("calls_header_unbalanced_quote", "calls", join(['arrival,"answer,end', *c[1:]]), error="unbalanced quote"),
        Case("calls_big_note", "calls", join(_set(c, 4, _field(c[4], 5, "n" * BIG)))),
        Case(
            "calls_big_outcome",
            "calls",
            join(_set(c, 4, _field(c[4], 3, "s" * BIG))),
            dropped={"value_too_long": 1},
        ),
        Case(
            "calls_big_quoted_note",
            "calls",
            join(_set(c, 6, _field(c[6], 5, '"' + "a,b" * (BIG // 3) + '"'))),
        ),
        Case(
            "calls_field_over_16mib",
            "calls",
            join(_set(c, 7, _field(c[7], 5, "z" * (16 * 2**20 + 1)))),
            dropped={"field_too_large": 1},
        ),
        Case(
            "calls_duplicate_used_header",
            "calls",
            join(["arrival,answer,end,outcome,arrival,notes", *c[1:]]),
            error="names column 'arrival' 2 times",
        ),
        Case("calls_duplicate_unused_header", "calls", join(["arrival,answer,end,outcome,notes,notes", *c[1:]])),
        Case("calls_out_of_order", "calls", join([c[0], *reversed(c[1:])])),
        Case("calls_blank_lines", "calls", join([*c[:10], "", "   ", *c[10:], ""]), dropped={"blank_line": 3}),
        Case(
            "calls_wrong_field_count",
            "calls",
            join(_set(_set(c, 8, c[8] + ",extra"), 9, "2024-03-04T10:00:00")),
            dropped={"wrong_field_count": 2},
        ),
        Case("calls_all_quoted", "calls", join(['"' + x.replace(",", '","') + '"' for x in c])),
        Case("calls_semicolon", "calls", join(x.replace(",", ";") for x in c)),
        Case("calls_text_after_quote", "calls", join(_set(c, 11, _field(c[11], 5, '"ok"ay')))),
        Case("calls_quote_inside_field", "calls", join(_set(c, 12, _field(c[12], 5, '5" floppy')))),
        Case(
            "calls_all_rows_bad",
            "calls",
            join([c[0]] + [_field(x, 0, "not a time") for x in c[1:]]),
            dropped={"bad_arrival": N},
            import_error=FEW_CALLS,
        ),
        Case(
            "calls_binary_garbage",
            "calls",
            bytes(np.random.default_rng(3).integers(0, 256, 4096, dtype=np.uint8)),
            error=("cannot tell the format", "no column 'arrival'"),
        ),
        # ---------------- bank log
        Case("bank_clean", "bank", join(b, "\r\n")),
        Case("bank_lf", "bank", join(b)),
        Case("bank_bom", "bank", b"\xef\xbb\xbf" + join(b, "\r\n")),
        Case("bank_nul_row", "bank", join(_set(b, 3, b[3][:5] + "\x00" + b[3][5:]), "\r\n"), dropped={"nul_bytes": 1}),
        Case(
            "bank_latin1_server",
            "bank",
            join(_set(b, 2, bank_row(1, "Jos\xe9")), "\r\n", encoding="latin-1"),
            repaired={"not_utf8": 1},
        ),
        Case("bank_truncated", "bank", join(b, "\r\n")[:-40], dropped={"wrong_field_count": 1}),
        Case("bank_big_server", "bank", join(_set(b, 2, bank_row(1, "S" * BIG))), dropped={"value_too_long": 1}),
        Case(
            "bank_duplicate_header",
            "bank",
            join([BANK_HEADER + "\tserver", *(x + "\tX" for x in b[1:])]),
            error="names column 'server' 2 times",
        ),
        Case("bank_out_of_order", "bank", join([b[0], *reversed(b[1:])], "\r\n")),
        Case("bank_blank_lines", "bank", join([*b[:5], "", *b[5:]], "\r\n"), dropped={"blank_line": 1}),
        Case("bank_header_only", "bank", join(b[:1], "\r\n"), import_error=FEW_CALLS),
        Case(
            "bank_unbalanced_quote",
            "bank",
            join(_set(b, 5, b[5].replace("AGENT", '"AGENT')), "\r\n"),
            dropped={"unknown_outcome": 1},
        ),
        # ---------------- interval counts
        Case("intervals_clean", "intervals", join(v)),
        Case("intervals_bom_crlf", "intervals", b"\xef\xbb\xbf" + join(v, "\r\n")),
        Case("intervals_out_of_order", "intervals", join([v[0], *reversed(v[1:])]), repaired={"out_of_order": N - 1}),
        Case("intervals_duplicate_start", "intervals", join([*v, v[5]]), dropped={"duplicate_interval": 1}),
        Case(
            "intervals_unbalanced_quote",
            "intervals",
            join(_set(v, 3, _field(v[3], 1, '"12'))),
            dropped={"unbalanced_quote": 1},
        ),
        Case("intervals_nul", "intervals", join(_set(v, 9, "\x00" * 20)), dropped={"nul_bytes": 1}),
        Case(
            "intervals_big_calls",
            "intervals",
            join(_set(v, 2, _field(v[2], 1, "9" * BIG))),
            dropped={"value_too_long": 1},
        ),
        Case(
            "intervals_duplicate_header",
            "intervals",
            join(["start,calls,calls", *(x + ",1" for x in v[1:])]),
            error="names column 'calls' 2 times",
        ),
        Case(
            "intervals_no_aht",
            "intervals",
            join([",".join(x.split(",")[:2]) for x in v]),
            import_error="no AHT column",
        ),
        Case("intervals_truncated", "intervals", join(v)[:-6], dropped={"wrong_field_count": 1}),
        Case(
            "intervals_latin1_label",
            "intervals",
            join([v[0] + ",site", *(x + ",M\xfcnchen" for x in v[1:])], encoding="latin-1"),
            repaired={"not_utf8": N},
        ),
    ]
    return cases
