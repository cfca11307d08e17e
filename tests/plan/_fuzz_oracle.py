"""The oracle of the fuzz of issue 12 (acceptance 6): what a run of a `_fuzz.Case` must end in.

It reads the mutated input itself, without `cxqueue.config` or `cxqueue.data`: the calls,
their handle times and where they fall in the week, the opening hours, ``max_agents``.
A run must end in a plan (exit 0, 3 or 4 with ``summary.json``) or an error (exit 2, or
exit 3 for a shift schedule that cannot exist) whose message names a key or column and the
value or its position. A plan must plan the calls the input holds, where the input puts
them, and carry each warning of `cxqueue.plan.checks` the input owes it (calls in closed
hours, an implausible handle time, no calls, an open weekday without calls, a
``max_agents`` under what the target needs by the Erlang formulas of `cxqueue.analytic`).
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import re
import tomllib
from dataclasses import dataclass

import numpy as np

from tests.plan._fuzz import DAY, DURATION_UNITS, WEEK, WEEKDAYS, Case

# the input read without cxqueue.config ---------------------------------------------------------


class Invalid(Exception):
    """The input cannot be planned as written: cxqueue must refuse it."""


@dataclass
class Expected:
    """What the input says, in seconds: the demand, where it may fall in the week, the hours and the cap."""

    calls: np.ndarray
    aht_s: np.ndarray
    interval_s: float
    starts: tuple[float, ...]  # the week times at which the first interval may be placed
    hours: tuple  # per weekday: () or ((open_s, close_s),)
    weekly: bool = False  # [demand].days: one week from Monday 00:00
    free: bool = False  # placed by a time column, which the next reader may read in formats this one does not
    max_agents: int | None = None
    level: float = 0.8
    answer_within_s: float = 20.0
    patience_s: float | None = 300.0
    model: str = "erlang_a"
    labels: tuple = ()


def _num(x) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise Invalid(f"not a number: {x!r}")
    return float(x)


def _duration(t: dict, base: str, default: float | None) -> float | None:
    given = [(u, t[base + u]) for u in DURATION_UNITS if base + u in t]
    if len(given) > 1:
        raise Invalid(f"{base} given twice")
    if not given:
        return default
    u, x = given[0]
    return _num(x) * {"_s": 1.0, "_min": 60.0, "_h": 3600.0}[u]


def _time(x, allow_24: bool = False) -> float:
    import datetime as dt

    if isinstance(x, dt.time) and not isinstance(x, dt.datetime):
        return x.hour * 3600.0 + x.minute * 60.0 + x.second + x.microsecond / 1e6
    if isinstance(x, str):
        m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", x.strip())
        if m and int(m.group(2)) < 60 and int(m.group(3) or 0) < 60:
            s = int(m.group(1)) * 3600.0 + int(m.group(2)) * 60.0 + int(m.group(3) or 0)
            if s < DAY or (allow_24 and s == DAY):
                return s
    raise Invalid(f"not a time: {x!r}")


def _label_time(label: str) -> float | None:
    """The time of day a CSV label may mean (HH:MM, H:MM, HH:MM:SS, a date and time)."""
    m = re.search(r"(?:^|[ T])(\d{1,2}):(\d{2})(?::(\d{2}))?$", label.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return None
    return int(m.group(1)) * 3600.0 + int(m.group(2)) * 60.0 + int(m.group(3) or 0)


def read_csv_independently(data: bytes) -> tuple[list[float], list[float] | None, list[str]]:
    """calls, AHT (or None) and labels of an interval CSV, by the rules of ``[demand].csv``; Invalid if it has none."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise Invalid("bad UTF-16") from exc
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid("not UTF-8") from exc
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not any(x.strip() for x in lines):
        raise Invalid("empty")
    if "\x00" in text:
        raise Invalid("NUL")
    header = [h.strip() for h in next(csv.reader([lines[0]]))]
    if "calls" not in header:
        raise Invalid("no calls column")
    for name in ("calls", "aht_s", "aht", "interval", "start", "time"):
        if header.count(name) > 1:
            raise Invalid(f"{name} twice")
    jc = header.index("calls")
    ja = next((header.index(c) for c in ("aht_s", "aht") if c in header), None)
    jl = next((header.index(c) for c in ("interval", "start", "time") if c in header), None)
    calls, aht, labels = [], [], []
    for line in lines[1:]:
        if not line.strip():
            continue
        try:
            rec = next(csv.reader([line], strict=True))
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):  # a quote not closed on its line: no row
                raise Invalid("bad quote") from exc
            rec = next(csv.reader([line]))  # text after a closing quote is kept as written

        if len(rec) != len(header):
            raise Invalid("field count")
        used = [rec[j] for j in (jc, ja, jl) if j is not None]
        if any(len(x) > 1024 for x in used):
            raise Invalid("long value")
        try:
            calls.append(float(rec[jc].strip()))
            if ja is not None:
                aht.append(float(rec[ja].strip()))
        except ValueError as exc:
            raise Invalid("not a number") from exc
        labels.append(rec[jl].strip() if jl is not None else "")
    if not calls:
        raise Invalid("no rows")
    return calls, (aht if ja is not None else None), labels


def _hours(doc: dict) -> tuple:
    h = doc.get("hours")
    if h is None:
        return tuple(((0.0, DAY),) for _ in range(7))
    if not isinstance(h, dict):
        raise Invalid("hours")
    days = []
    for d in WEEKDAYS:
        t = h.get(d, h.get("default"))
        if not isinstance(t, dict):
            raise Invalid(f"no hours for {d}")
        if t.get("closed") is True:
            days.append(())
            continue
        o, c = _time(t.get("open")), _time(t.get("close"), allow_24=True)
        if c <= o:
            raise Invalid("close before open")
        days.append(((o, c),))
    return tuple(days)


def expected_from(doc: dict, csv_bytes: bytes | None) -> list[Expected]:
    """What a plan of the parsed config `doc` may plan (one candidate, or one per placement the readers may
    choose); Invalid when the demand cannot be planned."""
    d = doc.get("demand")
    if not isinstance(d, dict):
        raise Invalid("no [demand]")
    sources = [k for k in ("profile", "history", "csv", "calls", "forecast") if k in d]
    if len(sources) != 1 or sources[0] not in ("calls", "csv"):
        raise Invalid("demand source")
    interval = _duration(d, "interval", 900.0)
    if not (interval > 0 and math.isfinite(interval)):
        raise Invalid("interval")
    aht_key = _duration(d, "aht", None)
    labels: tuple = ()
    if "calls" in d:
        if not isinstance(d["calls"], list) or not d["calls"]:
            raise Invalid("calls")
        calls = np.array([_num(x) for x in d["calls"]])
        if aht_key is None:
            raise Invalid("no aht")
        aht = np.full(calls.size, aht_key)
    else:
        if csv_bytes is None:
            raise Invalid("no csv")
        c, a, lab = read_csv_independently(csv_bytes)
        calls, labels = np.array(c), tuple(lab)
        if aht_key is not None:
            aht = np.full(calls.size, aht_key)
        elif a is None:
            raise Invalid("no aht")
        else:
            aht = np.array(a)
    if not (np.all(np.isfinite(calls)) and np.all(calls >= 0) and np.all(calls <= 1e9)):
        raise Invalid("calls out of range")
    if not (np.all(np.isfinite(aht)) and np.all(aht > 0) and np.all(aht <= DAY)):
        raise Invalid("aht out of range")
    scale = _num(d.get("scale", 1.0))
    ivr = doc.get("ivr")
    if isinstance(ivr, dict) and isinstance(ivr.get("self_service"), int | float) and ivr["self_service"] < 1:
        scale /= 1.0 - float(ivr["self_service"])  # the calls offered to agents, as calls entering the IVR
    calls = calls * scale
    wd = d.get("weekday", "monday")
    if not isinstance(wd, str) or wd.lower() not in WEEKDAYS:
        raise Invalid("weekday")
    # where in its day the demand starts: the start key; without it 00:00 (today's reader) or the time
    # column's first time (the next reader, which may read other formats too: then any placement is its own)
    offsets = [_time(d["start"]) if "start" in d else 0.0]
    free = bool(labels) and "start" not in d and any(labels)
    if free and (t0 := _label_time(labels[0])) is not None:
        offsets.append(t0)
    st = doc.get("staffing", {})
    target = doc.get("target", {})
    patience = doc.get("patience")
    pat = None
    if isinstance(patience, dict) and patience.get("kind", "exponential") in ("exponential", "lognormal"):
        pat = _duration(patience, "mean", None)
    common = dict(
        interval_s=interval, hours=_hours(doc),
        max_agents=st.get("max_agents") if isinstance(st.get("max_agents"), int) else None,
        level=float(target.get("level", 0.8)) if isinstance(target.get("level", 0.8), int | float) else 0.8,
        answer_within_s=_duration(target, "answer_within", 20.0), patience_s=pat,
        model=st.get("model", "erlang_a"), labels=labels,
    )  # fmt: skip
    if "days" not in d:
        day0 = WEEKDAYS.index(wd.lower()) * DAY
        starts = tuple(sorted({day0 + o for o in offsets}))
        out = [Expected(calls=calls, aht_s=aht, starts=starts, free=free, **common)]
        times = [_label_time(x) for x in labels] if labels and any(labels) else []
        if len(times) > 1 and all(t is not None for t in times):
            # rows placed at their clock times: a time at or before the last one is on the next day
            # (the reader that honours a CSV's time column), the intervals between them empty
            day, slots = 0, []
            for k, t in enumerate(times):
                day += k > 0 and t <= times[k - 1]
                slots.append(round((day * DAY + t - times[0]) / interval))
            if all(b > a for a, b in itertools.pairwise(slots)):
                placed, placed_aht = np.zeros(slots[-1] + 1), np.full(slots[-1] + 1, np.nan)
                placed[slots], placed_aht[slots] = calls, np.broadcast_to(aht, calls.shape)
                out.append(Expected(calls=placed, aht_s=placed_aht, starts=(day0 + times[0],), free=True, **common))
        return out
    days = d["days"]
    if not isinstance(days, list) or "weekday" in d:
        raise Invalid("days")
    out = []
    for offset in dict.fromkeys(offsets):  # one week from Monday 00:00, the pattern on each day
        per_day, first = round(DAY / interval), round(offset / interval)
        week_calls, week_aht = np.zeros(7 * per_day), np.zeros(7 * per_day)
        for name in days:
            if not isinstance(name, str) or name.lower() not in WEEKDAYS:
                raise Invalid("days")
            i = WEEKDAYS.index(name.lower()) * per_day + first
            week_calls[i : i + calls.size] = calls
            week_aht[i : i + calls.size] = aht
        week_aht = np.where(week_calls > 0, week_aht, np.nan)
        out.append(Expected(calls=week_calls, aht_s=week_aht, starts=(0.0,), weekly=True, **common))
    return out


def _open(hours: tuple, t_s: np.ndarray) -> np.ndarray:
    t = np.asarray(t_s) % WEEK
    out = np.zeros(t.size, dtype=bool)
    for i, x in enumerate(t.tolist()):
        d, s = int(x // DAY), x % DAY
        out[i] = any(o <= s < c for o, c in hours[d])
    return out


def owed_warnings(e: Expected, start_s: float) -> dict[str, str]:
    """The warning codes a plan of `e` whose first interval starts at `start_s` must carry, with the reason."""
    from cxqueue.analytic import erlang_a, erlang_c

    owed = {}
    calls = e.calls
    total = float(calls.sum())
    starts = start_s + e.interval_s * np.arange(calls.size)
    is_open = _open(e.hours, starts + e.interval_s / 2)
    if total <= 0:
        return {"no_calls": "the demand holds no call"}
    closed = float(calls[~is_open].sum()) / total
    if closed > 0.01 + 1e-9:
        owed["closed_hours_calls"] = f"{closed:.1%} of the calls fall in closed hours"
    busy = calls > 0
    aht = float(np.average(e.aht_s[busy], weights=calls[busy]))
    if not 10.0 - 1e-9 <= aht <= 7200.0 + 1e-9:
        owed["implausible_aht"] = f"the calls-weighted mean AHT is {aht:g} s"
    weekday = np.floor((starts + 1e-6) / DAY).astype(np.int64) % 7
    silent = [d for d in range(7) if (on := (weekday == d) & is_open).any() and calls[on].sum() <= 0]
    if 0 < len(silent) < 7:
        owed["missing_weekdays"] = f"open on weekdays {silent} without calls"
    if e.max_agents is not None and 0 < e.level <= 1:
        serve = is_open & busy
        load = calls[serve] * e.aht_s[serve] / e.interval_s
        if load.size:
            a, t = float(e.max_agents), e.answer_within_s
            if e.model == "erlang_c" or e.patience_s is None:
                sl = erlang_c.service_level(load, a, aht_s=e.aht_s[serve], answer_within_s=t)
            else:
                sl = erlang_a.service_level(load, a, aht_s=e.aht_s[serve], mean_patience_s=e.patience_s,
                                            answer_within_s=t)  # fmt: skip
            if float(np.min(sl)) < e.level - 0.05:
                owed["capped_agents"] = (
                    f"at max_agents = {e.max_agents} the analytic service level falls to {float(np.min(sl)):.3f}"
                )
    return owed


# judging one run ----------------------------------------------------------------------------------

_KEY = re.compile(r"\[[A-Za-z_][\w.<>\[\]-]*\](\.\w+)?")
_VALUE = re.compile(r"\bgot\b|\]\.\w+ = \S|\b\d[\d.,e+]* (s|h|intervals?|calls|Erlangs)\b|\bline \d+|\bbyte \d+|"
                    r"\bcolumn \d+|\bindex \d+|\bat the end of the file\b")  # fmt: skip
_MISSING = re.compile(r"\bis required\b|\bis missing\b|\bneeds exactly one\b|\bmissing\b|\bholds no\b|\bnot found\b|"
                      r"\bempty\b|\bhas no\b|\bneeds a\b|\bno such\b|\bunknown (key|table)\b")  # fmt: skip
# an infeasible schedule names the intervals it cannot cover (and what they need) or the templates
_INFEASIBLE = re.compile(r"\binterval \d+ \(\w+ \d\d:\d\d\) \(required \d+|\btemplates? '")


def error_text(stderr: str, stdout: str) -> str:
    """The error as the user reads it: stderr, and the strings of a JSON error on stdout (``--json``)."""
    parts = [stderr]
    try:
        doc = json.loads(stdout) if stdout.strip() else None
    except ValueError:
        doc = None
        parts.append(stdout)

    def strings(x):
        if isinstance(x, str):
            yield x
        elif isinstance(x, dict):
            for v in x.values():
                yield from strings(v)
        elif isinstance(x, list):
            for v in x:
                yield from strings(v)

    parts.extend(strings(doc))
    return "\n".join(parts)


def judge_error(case: Case, text: str, infeasible: bool = False) -> list[str]:
    """What is wrong with an error message: it must name a key, table, column or line, and the value or where.

    An infeasible shift schedule (exit 3 without a plan) must name the intervals it cannot cover
    with what they need, or the templates that cannot be placed.
    """
    if infeasible:
        return [] if _INFEASIBLE.search(text) else ["the infeasible schedule names neither intervals nor templates"]
    problems = []
    low = text.lower()
    if not any(n.lower() in low for n in case.names if n):
        problems.append(f"the error names none of {sorted(set(case.names))}")
    if not (_KEY.search(text) or re.search(r"\bline \d+|column|'calls'|byte \d+|at the end of the file", text)):
        problems.append("the error names no [table].key, column or line")
    if not (_VALUE.search(text) or _MISSING.search(text)):
        problems.append("the error gives neither the value nor where it is")
    return problems


def judge_plan(case: Case, doc: dict, summary: dict, plan_rows: list[dict]) -> tuple[list[str], dict[str, str]]:
    """Problems of a plan of `case`: calls other than the input's, a placement it does not allow, a warning owed."""
    problems = []
    try:
        candidates = expected_from(doc, case.csv.to_bytes() if case.csv is not None else None)
    except Invalid as exc:
        return [f"planned an input that cannot be planned ({exc})"], {}
    got_calls = np.array([float(r["calls"]) for r in plan_rows])
    got_aht = np.array([float(r["aht_s"]) for r in plan_rows])
    got_start = float(plan_rows[0]["start_s"]) if plan_rows else math.nan

    def same(e: Expected) -> bool:
        if got_calls.size != e.calls.size or not np.allclose(got_calls, e.calls, rtol=1e-9, atol=1e-9):
            return False
        busy = e.calls > 0
        return bool(np.allclose(got_aht[busy], e.aht_s[busy], rtol=1e-9))

    e = next((e for e in candidates if same(e)), None)
    if e is None:
        sizes = sorted({c.calls.size for c in candidates})
        return [f"plan.csv holds other calls or handle times than the input ({got_calls.size} intervals, the input "
                f"{sizes})"], {}  # fmt: skip
    if not e.free and not any(abs(got_start - s) < 1e-6 for s in e.starts):
        problems.append(f"the demand is placed at {got_start:g} s of the week; the input allows {list(e.starts)}")
        return problems, {}
    owed = owed_warnings(e, got_start)
    codes = {w["code"] for w in summary["warnings"]}
    for code, why in owed.items():
        if code not in codes:
            problems.append(f"silent: {why}, but summary.json has no {code} warning (it has {sorted(codes)})")
    if not summary["converged"] and "not_converged" not in codes:
        problems.append("the plan did not converge and says nothing")
    return problems, owed


def parse_toml(data: bytes) -> dict | None:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return None
