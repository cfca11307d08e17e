"""The machinery of config keys: what a key is (`Key`), and reading a TOML table through its keys.

`read_table` checks each value's type, unit and bounds against its `Key` and converts
durations written with ``_s``, ``_min`` or ``_h`` to seconds and times of day to seconds
since midnight; every message names the ``[table].key``, the rule and the value. The keys
themselves, table by table, are data in `cxqueue.config.schema`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from dataclasses import dataclass, field

from cxqueue.exceptions import ConfigError

__all__ = [
    "DURATION_UNITS",
    "FITTED",
    "UNLIMITED",
    "WEEKDAY_NAMES",
    "Key",
    "Table",
    "accepted_names",
    "read_table",
    "show",
    "type_word",
    "unknown",
]

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

DURATION_UNITS = {"_s": 1.0, "_min": 60.0, "_h": 3600.0}
FITTED = "fitted"
UNLIMITED = "unset"
_DURATION_KINDS = ("duration", "durations", "delays")
# documented defaults that are words, not values
_WORDS = (
    UNLIMITED,
    "required",
    "required by cxqueue simulate",
    "file stem",
    "from the demand",
    "all",
    "paid hours",
    "earliest_start",
    "[]",
    "[handle].kind",
    "[handle].cv",
    "[patience]",
    "[target]",
    "{}",
)


@dataclass(frozen=True)
class Key:
    """One config key.

    ``kind`` is one of ``str``, ``choice``, ``bool``, ``int``, ``float``, ``fraction``,
    ``duration``, ``time``, ``weekday``, ``weekdays``, ``paths``, ``numbers``,
    ``fractions``, ``durations``, ``choices`` (a subset of `choices`), ``tables``, ``table``
    (one inline table, read with its own schema), ``date`` (a TOML date such as 2026-12-07),
    ``dates`` (an array of them), ``names`` (an array of names, no repeats), ``amount`` (a
    number or an array of numbers, one per interval), ``delays`` (an inline table of inline
    tables of durations, such as ``{ retail = { universal = 30 } }``).
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
        return self.name[:-2] if self.kind in _DURATION_KINDS else self.name

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
            "table": "inline table",
            "date": "date (YYYY-MM-DD)",
            "dates": "array of dates",
            "names": "array of strings",
            "amount": "number or array of numbers",
            "delays": "inline table of inline tables of numbers",
            "choices": "array of strings from " + ", ".join(f'`"{c}"`' for c in self.choices),
        }[self.kind]
        if self.fitted:
            words += ' or `"fitted"`'
        return words

    @property
    def unit_doc(self) -> str:
        if self.kind in _DURATION_KINDS:
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
    if key.kind in _DURATION_KINDS:
        return tuple(key.base + u for u in DURATION_UNITS)
    return (key.name,)


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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(x: str) -> None:
    """A name, text or path holds no control character (a NUL is no folder name, no spreadsheet cell)."""
    m = _CONTROL.search(x)
    if m:
        raise _Bad("a string without control characters", f"{m.group()!r} at position {m.start()}")


def _array(x, key: Key, what: str) -> list:
    if not isinstance(x, list):
        raise _Bad(f"an array of {what}", type_word(x))
    return x


def _convert(key: Key, x, factor: float):
    k = key.kind
    if k == "str":
        if not isinstance(x, str):
            raise _Bad("a string", type_word(x))
        _printable(x)
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
        for p in items:
            _printable(p)
        return tuple(items)
    if k == "table":
        if not isinstance(x, dict):
            raise _Bad("an inline table such as { history = ..., start = 2026-12-07 }", type_word(x))
        return x
    if k == "date":
        if isinstance(x, dt.date) and not isinstance(x, dt.datetime):
            return x
        if isinstance(x, str):
            try:
                return dt.date.fromisoformat(x)
            except ValueError:
                pass
        raise _Bad("a date such as 2026-12-07", type_word(x))
    if k == "names":
        items = [x] if isinstance(x, str) else _array(x, key, "names")
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip() or item.strip() != item:
                raise _Bad(
                    "an array of names (non-empty strings without surrounding spaces)", got=f"{show(item)} at index {i}"
                )
            if items.count(item) > 1:
                raise _Bad("an array without repeats", got=f"{show(item)} {items.count(item)} times")
        return tuple(items)
    if k == "amount":
        if isinstance(x, list):
            return _convert(Key(key.name, "numbers", ""), x, 1.0)
        return _number(x, key, what="a number or an array of numbers")
    if k == "delays":
        rule = "an inline table of inline tables of durations, such as { retail = { universal = 30 } }"
        if not isinstance(x, dict):
            raise _Bad(rule, type_word(x))
        out = {}
        for a, per in x.items():
            if not isinstance(per, dict):
                raise _Bad(rule, got=f"{a} = {show(per)}")
            out[a] = {}
            for b, d in per.items():
                try:
                    out[a][b] = _number(d, Key(key.name, "duration", "", low=0.0), factor)
                except _Bad as exc:
                    exc.got = f"{a}.{b} = {show(d)}"
                    raise
        return out
    if k == "dates":
        out = []
        for i, item in enumerate(_array(x, key, "dates")):
            if isinstance(item, dt.date) and not isinstance(item, dt.datetime):
                out.append(item)
                continue
            try:
                out.append(dt.date.fromisoformat(item) if isinstance(item, str) else None)
            except ValueError:
                out.append(None)
            if out[-1] is None:
                raise _Bad("an array of dates such as [2026-12-24, 2026-12-31]", f"item {i} is {show(item)}")
        return tuple(out)
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
    >>> from cxqueue.config.schema import SCHEMA
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
            bare = [k for k in keys.values() if k.kind in _DURATION_KINDS and k.base == name]
            if bare:
                b = bare[0].base
                raise ConfigError(f"{source}: [{label}].{name} needs a unit: write {b}_s, {b}_min or {b}_h")
            raise ConfigError(f"{source}: " + unknown("key", f"[{label}].{name}", name, names))
        key, factor = names[name]
        if key.name in t.written:
            first = t.written[key.name]
            raise ConfigError(
                f"{source}: [{label}].{first} and [{label}].{name} set the same value; give one of them; "
                f"got {first} = {show(raw[first])}, {name} = {show(value)}"
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
