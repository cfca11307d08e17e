"""The schema of scenario configs, as data: every table, key, type, unit, default and meaning.

`cxqueue.config` reads configs with it, and ``tests/test_config.py`` checks that
``configs/README.md`` documents exactly these keys (`markdown_tables` writes the tables
that README holds). A key whose kind is ``"duration"`` is named here with ``_s``; a
config may write it with ``_s``, ``_min`` or ``_h`` (exactly one of them).

Table names with a placeholder (``hours.<weekday>``, ``shifts.<name>``) stand for every
table under that prefix; ``shifts.<name>.breaks`` is an array of inline tables.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from dataclasses import dataclass, field

from cxqueue.exceptions import ConfigError
from cxqueue.scenario.settings import ENGINES, METHODS, MODELS, OBJECTIVES, ROUNDINGS, PlanSettings

__all__ = [
    "DURATION_UNITS",
    "FITTED",
    "SCHEMA",
    "TABLE_DOCS",
    "WEEKDAY_NAMES",
    "Key",
    "Table",
    "accepted_names",
    "markdown_tables",
    "read_table",
    "show",
    "type_word",
    "unknown",
]

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

DURATION_UNITS = {"_s": 1.0, "_min": 60.0, "_h": 3600.0}
FITTED = "fitted"
DIST_KINDS = ("none", "exponential", "lognormal", "deterministic", FITTED)
UNLIMITED = "unset"
# documented defaults that are words, not values
_WORDS = (UNLIMITED, "required", "file stem", "from the demand", "all", "paid hours", "earliest_start", "[]")


def _plan(name: str):
    """The default of a ``[staffing]`` or ``[simulation]`` key: `PlanSettings`' own, stated once."""
    return PlanSettings.default(name)


@dataclass(frozen=True)
class Key:
    """One config key.

    ``kind`` is one of ``str``, ``choice``, ``bool``, ``int``, ``float``, ``fraction``,
    ``duration``, ``time``, ``weekday``, ``weekdays``, ``paths``, ``numbers``,
    ``fractions``, ``durations``, ``choices`` (a subset of `choices`), ``tables``.
    ``low``/``low_open`` bound numbers from below (``>= low`` or ``> low``); fractions
    may exclude 1 with ``high_open``. ``fitted`` allows the string ``"fitted"`` (the
    value fitted from the ``[demand]`` history or profile); ``allow_24`` allows the
    time ``"24:00"``. ``default`` is the documented default (a word such as
    ``"required"`` or ``"unset"`` when there is no value).
    """

    name: str
    kind: str
    doc: str
    default: object = UNLIMITED
    choices: tuple[str, ...] = ()
    low: float | None = None
    low_open: bool = False
    high_open: bool = False
    fitted: bool = False
    allow_24: bool = False

    @property
    def base(self) -> str:
        """The name without the ``_s`` suffix for durations (``aht`` for ``aht_s``)."""
        return self.name[:-2] if self.kind in ("duration", "durations") else self.name

    @property
    def type_doc(self) -> str:
        words = {
            "str": "string",
            "choice": "string: " + " \\| ".join(f'`"{c}"`' for c in self.choices),
            "bool": "boolean",
            "int": "integer",
            "float": "number",
            "fraction": f"fraction in {'(' if self.low_open else '['}0, 1{')' if self.high_open else ']'}",
            "duration": "number",
            "time": "time of day" + (" (to 24:00)" if self.allow_24 else ""),
            "weekday": "weekday name",
            "weekdays": "array of weekday names",
            "paths": "path or array of paths",
            "numbers": "array of numbers",
            "fractions": "array of fractions",
            "durations": "array of numbers",
            "tables": "array of inline tables",
            "choices": "array of strings from " + ", ".join(f'`"{c}"`' for c in self.choices),
        }[self.kind]
        if self.fitted:
            words += ' or `"fitted"`'
        return words

    @property
    def unit_doc(self) -> str:
        if self.kind in ("duration", "durations"):
            return "s (`_min`, `_h`)"
        if self.kind == "time":
            return "HH:MM"
        return ""

    @property
    def default_doc(self) -> str:
        d = self.default
        if isinstance(d, bool):
            return "true" if d else "false"
        if isinstance(d, str) and d in _WORDS:
            return d
        if isinstance(d, str) and self.kind in ("str", "choice", "weekday"):
            return f'`"{d}"`'
        if isinstance(d, tuple):
            return "[" + ", ".join(f'"{x}"' if isinstance(x, str) else f"{x:g}" for x in d) + "]"
        if isinstance(d, float | int):
            return f"{d:g}"
        return str(d)


def accepted_names(key: Key) -> tuple[str, ...]:
    """Spellings a config may use for `key` (``aht_s``, ``aht_min``, ``aht_h`` for a duration)."""
    if key.kind in ("duration", "durations"):
        return tuple(key.base + u for u in DURATION_UNITS)
    return (key.name,)


def _dist_keys(what: str, *, kinds=DIST_KINDS, default_kind="exponential", mean_doc="") -> tuple[Key, ...]:
    return (
        Key("kind", "choice", f"shape of the {what} distribution", default_kind, choices=kinds),
        Key("mean_s", "duration", mean_doc or f"mean {what}; required unless kind is none or fitted", "required",
            low=0.0, low_open=True),
        Key("cv", "float", "coefficient of variation (lognormal only)", 1.0, low=0.0, low_open=True),
    )  # fmt: skip


# fmt: off
_SCHEMA_LIST: tuple[tuple[str, tuple[Key, ...]], ...] = (
    ("center", (
        Key("name", "str", "name shown in reports", "file stem"),
        Key("description", "str", "one line shown in reports", ""),
    )),
    ("demand", (
        Key("profile", "str", 'a profile shipped with cxqueue (`cxqueue.data.available_profiles()`, e.g. "bank-1999")'),
        Key("history", "paths", "call log(s) or interval-count CSV(s) read with `cxqueue.data.read_history`; "
            "relative to this file; `$CXQUEUE_DATA/...` uses that environment variable"),
        Key("fallback_profile", "str", "shipped profile used when `history` files are missing "
            "(a clone without ../shared/data); the plan's notes say so"),
        Key("csv", "paths", "a CSV with a `calls` column, optional `aht_s` (or `aht`); one row per interval"),
        Key("calls", "numbers", "inline calls per interval, from `start` on `weekday`"),
        Key("aht_s", "duration", "mean handle time; required with `calls` and a CSV without `aht_s`; "
            "overrides the fitted AHT of a profile or history", "from the demand", low=0.0, low_open=True),
        Key("interval_s", "duration", "length of an interval; a profile keeps its own (900 s)", 900.0,
            low=0.0, low_open=True),
        Key("start", "time", "time of day of the first interval of `calls` or `csv`", "00:00"),
        Key("weekday", "weekday", "weekday of the first interval of `calls` or `csv`", "monday"),
        Key("days", "weekdays", "weekdays on which the one-day pattern of `calls` or `csv` repeats (the forecast "
            "is then one week from Monday 00:00); unset: once, on `weekday`", UNLIMITED),
        Key("scale", "float", "multiplies every call count (growth, a busier month)", 1.0, low=0.0, low_open=True),
        Key("day_factor_cv", "float", "day-to-day variation of the volume (coefficient of variation of a "
            "factor drawn per day in the simulation)", 0.0, low=0.0),
    )),
    ("handle", (
        Key("kind", "choice", "shape of the handle-time distribution; its mean is each interval's AHT",
            "exponential", choices=("exponential", "lognormal", "deterministic", FITTED)),
        Key("cv", "float", "coefficient of variation (lognormal only)", 1.0, low=0.0, low_open=True),
    )),
    ("patience", _dist_keys("patience", default_kind="exponential")),
    ("ivr", (
        *_dist_keys("IVR time", default_kind="deterministic"),
        Key("self_service", "fraction", "callers who finish in the IVR", 0.0, fitted=True),
    )),
    ("lines", (
        Key("count", "int", "phone lines (trunks) installed; unset: unlimited", UNLIMITED, low=1),
        Key("max_blocking", "fraction", "line-sizing target: at most this fraction of calls get a busy signal",
            UNLIMITED, low=0.0, low_open=True),
    )),
    ("hours", ()),
    ("hours.<weekday>", (
        Key("open", "time", "opening time (weekday is monday .. sunday, or default for days not named)",
            "required"),
        Key("close", "time", "closing time, after open; 24:00 is midnight", "required", allow_24=True),
        Key("closed", "bool", "closed all day (then no open or close)", False),
    )),
    ("hours_search", (
        Key("weekdays", "weekdays", "days whose hours the search may change (open, close or keep closed); "
            "the other days keep their `[hours]`", "all"),
        Key("earliest_open", "time", "earliest opening time tried", "00:00"),
        Key("latest_open", "time", "latest opening time tried", "23:00"),
        Key("earliest_close", "time", "earliest closing time tried", "01:00", allow_24=True),
        Key("latest_close", "time", "latest closing time tried", "24:00", allow_24=True),
        Key("step_s", "duration", "the times tried are the multiples of this from midnight; a whole number of "
            "seconds and a multiple of the demand's interval (below an hour needs finer demand)", 3600.0,
            low=0.0, low_open=True),
        Key("min_open_s", "duration", "shortest opening of a searched day that opens (it may also stay closed); "
            "0: no minimum beyond one step", 0.0, low=0.0),
        Key("min_calls_covered", "fraction", "plans whose open hours hold less than this share of the calls "
            "(by the time they call, over the week) are not considered", 0.95),
        Key("cost_per_open_hour", "float", "fixed cost of each hour open (supervisor, building), added to "
            "every plan's staff cost", 0.0, low=0.0),
    )),
    ("shifts", ()),
    ("shifts.<name>", (
        Key("length_s", "duration", "paid length of the shift (name is the table name)", "required",
            low=0.0, low_open=True),
        Key("earliest_start", "time", "earliest start", "00:00"),
        Key("latest_start", "time", "latest start", "earliest_start"),
        Key("start_step_s", "duration", "step between allowed starts", 900.0, low=0.0, low_open=True),
        Key("cost", "float", "cost of one shift (any currency)", "paid hours", low=0.0),
        Key("cost_per_hour", "float", "cost per paid hour instead of `cost`", UNLIMITED, low=0.0),
        Key("days", "weekdays", "weekdays the shift may be used", "all"),
        Key("min_count", "int", "fewest shifts of this kind per day", 0, low=0),
        Key("max_count", "int", "most shifts of this kind per day", UNLIMITED, low=0),
        Key("breaks", "tables", "breaks, each `{ earliest_s, latest_s, length_s }` (see below)", "[]"),
    )),
    ("shifts.<name>.breaks", (
        Key("earliest_s", "duration", "the break starts at least this long after the shift starts", "required",
            low=0.0),
        Key("latest_s", "duration", "the break ends at most this long after the shift starts", "required",
            low=0.0),
        Key("length_s", "duration", "length of the break", "required", low=0.0, low_open=True),
    )),
    ("target", (
        Key("level", "fraction", "service level: fraction of calls answered within `answer_within_s`", 0.8),
        Key("answer_within_s", "duration", "service-level threshold", 20.0, low=0.0),
        Key("basis", "choice", "which calls count in the service level (../shared/reference/README.md)",
            "offered", choices=("offered", "answered", "virtual")),
        Key("max_asa_s", "duration", "cap on the mean wait of answered calls", UNLIMITED, low=0.0, low_open=True),
        Key("max_abandon", "fraction", "cap on the abandoned fraction", UNLIMITED, low=0.0, low_open=True),
        Key("max_occupancy", "fraction", "cap on agent occupancy", UNLIMITED, low=0.0, low_open=True),
        Key("shrinkage", "fraction", "fraction of paid time not on the phones (breaks excluded)", 0.0,
            high_open=True),
    )),
    ("staffing", (
        Key("model", "choice", "queueing model for the requirements per interval", _plan("model"), choices=MODELS),
        Key("method", "choice", "how time variation is handled: stationary per interval, lagged, or "
            "iterative simulation-corrected", _plan("method"), choices=METHODS),
        Key("isa_rounding", "choice", "with `method = \"isa\"`: the fewest agents meeting the target in every "
            "interval (`up`, a floor) or the staffing whose service level is nearest the target (`nearest`, "
            "time-stable around it)", _plan("isa_rounding"), choices=ROUNDINGS),
        Key("min_agents", "int", "fewest agents on duty while open", _plan("min_agents"), low=0),
        Key("max_agents", "int", "most agents on duty at once (positions, seats); unset: no limit", UNLIMITED,
            low=1),
        Key("objective", "choice", "shift schedule: meet the target in every interval (`cover`) or over the "
            "whole horizon at least cost (`global_service_level`)", _plan("objective"), choices=OBJECTIVES),
    )),
    ("redials", (
        Key("blocked", "fraction", "share of busy-signal callers who call again", 0.0),
        Key("blocked_delay_s", "duration", "mean delay before that redial (exponential)", 300.0, low=0.0,
            low_open=True),
        Key("abandoned", "fraction", "share of abandoning callers who call again", 0.0, fitted=True),
        Key("abandoned_delay_s", "duration", "mean delay before that redial (exponential)", 600.0, low=0.0,
            low_open=True),
        Key("closed", "fraction", "share of callers finding the center closed who call again after it opens",
            0.0),
        Key("closed_delay_s", "duration", "mean delay after the next opening (exponential)", 1800.0, low=0.0,
            low_open=True),
        Key("max_attempts", "int", "most attempts per customer, the first included", 10, low=1),
    )),
    ("callbacks", (
        Key("enabled", "bool", "offer a callback (virtual hold) to callers facing a long wait", True),
        Key("threshold_s", "duration", "predicted wait above which the callback is offered", 120.0, low=0.0),
        Key("accept", "fraction", "share of callers offered a callback who take it", 0.5),
        Key("reach", "fraction", "share of callbacks that reach the customer", 0.9),
    )),
    ("reserve", (
        Key("agents", "float", "reserve agents (blended or back-office staff) who answer calls only while the "
            "queue is long", 1.0, low=0.0),
        Key("queue_threshold", "int", "callers waiting (the one to be answered included) that call the reserve "
            "in when every agent on duty is busy", 3, low=1),
    )),
    ("priority", (
        Key("shares", "fractions", "share of calls in each class; adds up to 1", (1.0,)),
        Key("head_start_s", "durations", "head start of each class in the queue", (0.0,), low=0.0),
    )),
    ("simulation", (
        Key("replications", "int", "independent replications of the horizon (two at least, for the 95 % intervals)",
            _plan("replications"), low=2),
        Key("seed", "int", "seed of every random stream (same seed, same plan)", _plan("seed"), low=0),
        Key("engine", "choice", "simulation engine", _plan("engine"), choices=ENGINES),
        Key("warmup_s", "duration", "time simulated before KPIs are counted", _plan("warmup_s"), low=0.0),
    )),
    ("validation", (
        Key("history", "paths", "call log(s) to replay with the center's own staffing before the plan is trusted; "
            "relative to this file; `$CXQUEUE_DATA/...` uses that environment variable; missing files skip the "
            "check with a note"),
        Key("staffing", "choice", "which agents the log shows per interval: on duty (`staffed`), answering "
            "calls (`serving`) or busy (`busy`)", "staffed", choices=("staffed", "serving", "busy")),
        Key("agent_factor", "float", "share of those agents who take calls (fit it on other months, with the "
            "`[reserve]`, by `cxqueue.replay.calibrate.fit_reserve`, or alone by `fit_agent_factor`)", 1.0, low=0.0,
            low_open=True),
        Key("replications", "int", "replications of the replay", 20, low=2),
    )),
    ("output", (
        Key("folder", "str", "output folder, relative to the current directory", "plans/<name>"),
        Key("formats", "choices", "files to write", ("csv", "json", "html"), choices=("csv", "json", "html")),
        Key("figures", "bool", "write PNG figures (and put them in report.html)", True),
    )),
)
# fmt: on

SCHEMA: dict[str, dict[str, Key]] = {t: {k.name: k for k in keys} for t, keys in _SCHEMA_LIST}

TABLE_DOCS: dict[str, str] = {
    "center": "Who the plan is for.",
    "demand": "The calls to plan for. Give exactly one of `profile`, `history`, `csv` or `calls`. Counts are "
    "calls offered to agents (after the IVR); with `[ivr].self_service` > 0 the loader divides them by "
    "(1 - self_service) to get the calls that enter the IVR.",
    "handle": "Handle-time distribution (talk plus wrap-up). Its mean follows each interval's AHT.",
    "patience": "How long callers wait before they hang up. Without this table nobody hangs up.",
    "ivr": "An announcement or menu before the queue. Without this table there is none.",
    "lines": "Phone lines. Without this table lines are unlimited.",
    "hours": "Opening hours per weekday: a table `[hours.<weekday>]` for each of monday .. sunday, or "
    "`[hours.default]` for the days not named. Without `[hours]` the center is always open.",
    "hours.<weekday>": "One day's opening: `open` and `close`, or `closed = true`.",
    "hours_search": "Settings of the opening-hours search (`cxqueue hours`). Optional.",
    "shifts": "Shift templates the scheduler may use, each a table `[shifts.<name>]`. Optional: without "
    "shifts a plan gives agents per interval only.",
    "shifts.<name>": "One shift template.",
    "shifts.<name>.breaks": "One break of a shift, an inline table in the `breaks` array.",
    "target": "What the staffing must achieve in each interval.",
    "staffing": "How agents per interval are computed.",
    "redials": "Callers who try again.",
    "callbacks": "Virtual hold. Without this table there are no callbacks.",
    "reserve": "Reserve agents who help while the queue is long (`cxqueue.scenario.Reserve`): in intervals with "
    "agents on duty, while all of them are busy and at least `queue_threshold` callers wait, up to `agents` "
    "reserve agents take the queue head; after a call a reserve agent takes the next only if that still "
    "holds. They are not scheduled or costed (another team's staff); the analytic models ignore them and the "
    "simulation includes them. Without this table there is no reserve.",
    "priority": "Caller classes and their head start in the queue.",
    "simulation": "The simulation that checks the plan.",
    "validation": "Replay a call history with its real arrivals and staffing and compare the simulated service "
    "level, ASA and abandonment per interval with the log (`cxqueue.replay.replay.replay_history`); the plan's "
    "summary reports the errors. Optional.",
    "output": "What `cxqueue plan` writes.",
}


def markdown_tables() -> str:
    """The key tables of ``configs/README.md``, one section per config table.

    >>> print(markdown_tables().splitlines()[0])
    ### [center]
    """
    out = []
    for table, keys in SCHEMA.items():
        out.append(f"### [{table}]")
        out.append("")
        out.append(TABLE_DOCS[table])
        out.append("")
        if keys:
            out.append("| key | type | unit | default | meaning |")
            out.append("|---|---|---|---|---|")
            for k in keys.values():
                out.append(f"| `{k.name}` | {k.type_doc} | {k.unit_doc} | {k.default_doc} | {k.doc} |")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# reading values ---------------------------------------------------------------------------


def type_word(value) -> str:
    """What TOML type `value` is, in words: ``a string``, ``an integer``, ``a time`` ..."""
    # order matters: bool is an int, datetime is a date
    for cls, word in ((bool, "a boolean"), (int, "an integer"), (float, "a float"), (str, "a string"),
                      (dt.datetime, "a date-time"), (dt.date, "a date"), (dt.time, "a time"),
                      (list, "an array"), (dict, "a table")):  # fmt: skip
        if isinstance(value, cls):
            return word
    return type(value).__name__


def show(value) -> str:
    """`value` as TOML would write it (strings in double quotes, times as HH:MM).

    >>> show("fast"), show(80), show(0.5), show(True), show(dt.time(7, 0)), show([1, "a"])
    ('"fast"', '80', '0.5', 'true', '07:00', '[1, "a"]')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return repr(value) if not math.isinf(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dt.time) and not isinstance(value, dt.datetime):
        return value.strftime("%H:%M" if value.second == 0 and value.microsecond == 0 else "%H:%M:%S")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(show(x) for x in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {show(x)}" for k, x in value.items()) + " }"
    return str(value)


def unknown(what: str, where: str, name: str, known) -> str:
    """``unknown key [target].levle (did you mean level?)``, or the known names when none is close."""
    known = list(known)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"unknown {what} {where} (did you mean {close[0]}?)"
    return f"unknown {what} {where} (known: {', '.join(known)})"


class _Bad(Exception):
    def __init__(self, rule: str, hint: str = "", got: str | None = None):
        super().__init__(rule)
        self.rule, self.hint, self.got = rule, hint, got


def _seconds_of_day(text: str, allow_24: bool) -> float | None:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", text.strip())
    if not m:
        return None
    h, mi, se = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if mi > 59 or se > 59:
        return None
    s = h * 3600.0 + mi * 60.0 + se
    if h < 24 or (allow_24 and s == 86400.0):
        return s
    return None


def _number(x, key: Key, factor: float = 1.0, what: str = "a number"):
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise _Bad(what, f"{type_word(x)}")
    if not math.isfinite(x):
        raise _Bad(f"{what} (finite)")
    if key.low is not None and (x <= key.low if key.low_open else x < key.low):
        raise _Bad(f"{'>' if key.low_open else '>='} {key.low:g}")
    return float(x) * factor


def _fraction(x, key: Key):
    if key.fitted and x == FITTED:
        return FITTED
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise _Bad("a fraction in [0, 1]" + (' or "fitted"' if key.fitted else ""), type_word(x))
    lo_ok = x > 0 if key.low_open else x >= 0
    hi_ok = x < 1 if key.high_open else x <= 1
    if not (math.isfinite(x) and lo_ok and hi_ok):
        rule = f"a fraction in {'(' if key.low_open else '['}0, 1{')' if key.high_open else ']'}"
        rule += ' or "fitted"' if key.fitted else ""
        hint = f"pass {x / 100:g} for {x:g}%" if 1 < x <= 100 else ""
        raise _Bad(rule, hint)
    return float(x)


def _time(x, key: Key):
    rule = 'a time of day such as 07:00:00 or "07:00"' + (' (or "24:00")' if key.allow_24 else "")
    if isinstance(x, dt.time) and not isinstance(x, dt.datetime):
        if x.tzinfo is not None:
            raise _Bad(rule, "no time zone")
        return x.hour * 3600.0 + x.minute * 60.0 + x.second + x.microsecond / 1e6
    if isinstance(x, str):
        s = _seconds_of_day(x, key.allow_24)
        if s is not None:
            return s
        hint = "24:00 is allowed for closing times only" if x.strip() == "24:00" else ""
        raise _Bad(rule, hint)
    raise _Bad(rule, type_word(x))


def _weekday(x, key: Key) -> str:
    rule = "a weekday name (" + ", ".join(WEEKDAY_NAMES) + ")"
    if not isinstance(x, str):
        raise _Bad(rule, type_word(x))
    if x.lower() not in WEEKDAY_NAMES:
        close = difflib.get_close_matches(x.lower(), WEEKDAY_NAMES, n=1, cutoff=0.5)
        raise _Bad(rule, f'did you mean "{close[0]}"?' if close else "")
    return x.lower()


def _array(x, key: Key, what: str) -> list:
    if not isinstance(x, list):
        raise _Bad(f"an array of {what}", type_word(x))
    return x


def _convert(key: Key, x, factor: float):
    k = key.kind
    if k == "str":
        if not isinstance(x, str):
            raise _Bad("a string", type_word(x))
        return x
    if k == "choice":
        rule = "one of " + ", ".join(f'"{c}"' for c in key.choices)
        if not isinstance(x, str):
            raise _Bad(rule, type_word(x))
        if x not in key.choices:
            close = difflib.get_close_matches(x, key.choices, n=1, cutoff=0.6)
            raise _Bad(rule, f'did you mean "{close[0]}"?' if close else "")
        return x
    if k == "bool":
        if not isinstance(x, bool):
            raise _Bad("true or false", type_word(x))
        return x
    if k == "int":
        if isinstance(x, float) and x.is_integer():
            x = int(x)
        if isinstance(x, bool) or not isinstance(x, int):
            raise _Bad("an integer", type_word(x))
        if key.low is not None and x < key.low:
            raise _Bad(f">= {key.low:g}")
        return x
    if k in ("float", "duration"):
        return _number(x, key, factor)
    if k == "fraction":
        return _fraction(x, key)
    if k == "time":
        return _time(x, key)
    if k == "weekday":
        return _weekday(x, key)
    if k == "paths":
        items = [x] if isinstance(x, str) else _array(x, key, "paths")
        if not items or not all(isinstance(p, str) and p.strip() for p in items):
            raise _Bad("a path or an array of paths (non-empty strings)")
        return tuple(items)
    if k == "tables":
        items = _array(x, key, "inline tables")
        for i, t in enumerate(items):
            if not isinstance(t, dict):
                raise _Bad("an array of inline tables", f"item {i} is {type_word(t)}")
        return items
    # arrays of values: each item checked, the message names the index
    items = _array(x, key, {"numbers": "numbers", "fractions": "fractions", "durations": "numbers",
                            "weekdays": "weekday names", "choices": "strings"}[k])  # fmt: skip
    out = []
    for i, item in enumerate(items):
        try:
            if k == "numbers":
                out.append(_number(item, Key(key.name, "float", "", low=0.0)))
            elif k == "fractions":
                out.append(_fraction(item, key))
            elif k == "durations":
                out.append(_number(item, key, factor))
            elif k == "weekdays":
                out.append(WEEKDAY_NAMES.index(_weekday(item, key)))
            else:
                out.append(_convert(Key(key.name, "choice", "", choices=key.choices), item, 1.0))
        except _Bad as exc:
            exc.got = f"{show(item)} at index {i}"
            raise
    if k in ("weekdays", "choices") and len(set(out)) != len(out):
        raise _Bad("an array without repeats")
    return tuple(sorted(out)) if k == "weekdays" else tuple(out)


@dataclass
class Table:
    """One config table read against the schema: values in seconds, and how they were written."""

    label: str
    values: dict
    written: dict = field(default_factory=dict)
    raws: dict = field(default_factory=dict)
    kinds: dict = field(default_factory=dict)

    def get(self, name: str, default=None):
        return self.values.get(name, default)

    def where(self, name: str) -> str:
        """``[label].key`` as the config wrote it."""
        return f"[{self.label}].{self.written.get(name, name)}"

    def raw(self, name: str) -> str:
        """The value as written (times as HH:MM)."""
        if self.kinds.get(name) == "time" and name in self.values:
            s = self.values[name]
            hm = f"{int(s // 3600):02d}:{int(s % 3600 // 60):02d}"
            return hm if s % 60 == 0 else f"{hm}:{int(s % 60):02d}"
        return show(self.raws.get(name))


def read_table(source: str, label: str, raw, keys: dict[str, Key]) -> Table:
    """Check every key of the TOML table `raw` against `keys`; convert units and times.

    Raises
    ------
    ConfigError
        ``{source}: [label].key must be RULE; got VALUE (hint)``, or an unknown key with
        a suggestion, or a duration given in two units.

    Examples
    --------
    >>> t = read_table("x.toml", "demand", {"aht_min": 3}, SCHEMA["demand"])
    >>> t.values, t.where("aht_s")
    ({'aht_s': 180.0}, '[demand].aht_min')
    >>> read_table("x.toml", "target", {"levle": 0.8}, SCHEMA["target"])
    Traceback (most recent call last):
    ...
    cxqueue.exceptions.ConfigError: x.toml: unknown key [target].levle (did you mean level?)
    """
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: [{label}] must be a table; got {show(raw)} ({type_word(raw)})")
    names: dict[str, tuple[Key, float]] = {}
    for key in keys.values():
        for n in accepted_names(key):
            names[n] = (key, DURATION_UNITS.get(n[len(key.base) :], 1.0))
    t = Table(label, {})
    for name, value in raw.items():
        if name not in names:
            bare = [k for k in keys.values() if k.kind in ("duration", "durations") and k.base == name]
            if bare:
                b = bare[0].base
                raise ConfigError(f"{source}: [{label}].{name} needs a unit: write {b}_s, {b}_min or {b}_h")
            raise ConfigError(f"{source}: " + unknown("key", f"[{label}].{name}", name, names))
        key, factor = names[name]
        if key.name in t.written:
            raise ConfigError(
                f"{source}: [{label}].{t.written[key.name]} and [{label}].{name} set the same value; give one of them"
            )
        try:
            t.values[key.name] = _convert(key, value, factor)
        except _Bad as exc:
            got = exc.got if exc.got is not None else show(value)
            hint = f" ({exc.hint})" if exc.hint else ""
            raise ConfigError(f"{source}: [{label}].{name} must be {exc.rule}; got {got}{hint}") from None
        t.written[key.name] = name
        t.raws[key.name] = value
        t.kinds[key.name] = key.kind
    return t
