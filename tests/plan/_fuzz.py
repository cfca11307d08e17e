"""The fuzz cases of issue 12 (acceptance 6): hostile configs and interval CSVs (`_fuzz_oracle` judges a run).

A case is the small base center below (Monday 08:00-13:00 in quarter hours, two shift
templates) with one to three mutations a careless or hostile user makes: wrong units,
values at and beyond the bounds of `cxqueue.config.schema`, wrong types, misspelt and
missing keys, calls at the wrong time, broken bytes; or its ``[demand].csv`` with one to
three mutations of the file (delimiters, cells, encodings, line ends, time formats, AHT
units). Every mutation is a function ``(case, rng) -> names``: it changes the case and
returns the words an error about it would name (a key, a table, a column).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cxqueue.config.schema import SCHEMA

DAY, WEEK = 86400.0, 7 * 86400.0
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CALLS = [12, 16, 20, 26, 32, 38, 44, 50, 56, 60, 60, 56, 50, 44, 38, 32, 26, 20, 16, 12]  # 08:00 .. 12:45
AHT = [170, 172, 174, 176, 178, 180, 182, 184, 186, 188, 190, 188, 186, 184, 182, 180, 178, 176, 174, 172]
CSV_NAME = "day.csv"


def base_tables(csv_demand: bool = False) -> dict[str, dict[str, str]]:
    """The base center as {table: {key: TOML literal}}; with ``csv_demand`` its calls come from `CSV_NAME`."""
    demand = (
        {"csv": f'"{CSV_NAME}"', "start": "08:00:00", "weekday": '"monday"'}
        if csv_demand
        else {"calls": str(CALLS), "aht_s": "180", "interval_s": "900", "start": "08:00:00", "weekday": '"monday"'}
    )
    return {
        "center": {"name": '"fuzz"'},
        "demand": demand,
        "patience": {"kind": '"exponential"', "mean_s": "300"},
        "hours.monday": {"open": "08:00:00", "close": "13:00:00"},
        "hours.default": {"closed": "true"},
        "shifts.early": {"length_h": "4", "earliest_start": "08:00:00", "latest_start": "09:00:00"},
        "shifts.late": {"length_h": "3", "earliest_start": "10:00:00", "latest_start": "10:00:00"},
        "target": {"level": "0.8", "answer_within_s": "20"},
        "staffing": {"model": '"erlang_a"'},
        "simulation": {"replications": "4", "seed": "7"},
    }


def base_csv() -> CsvDoc:
    labels = [f"{8 + i // 4:02d}:{15 * (i % 4):02d}" for i in range(len(CALLS))]
    return CsvDoc(
        ["interval", "calls", "aht_s"], [[t, str(c), str(a)] for t, c, a in zip(labels, CALLS, AHT, strict=True)]
    )


@dataclass
class CsvDoc:
    """An interval CSV as its header and rows of text, and how it is written out."""

    header: list[str]
    rows: list[list[str]]
    delimiter: str = ","
    newline: str = "\n"
    encoding: str = "utf-8"
    bom: bool = False
    raw: bytes | None = None  # written as is when set
    edits: list = field(default_factory=list)  # bytes -> bytes, applied in order

    def col(self, name: str) -> int | None:
        return self.header.index(name) if name in self.header else None

    def to_bytes(self) -> bytes:
        if self.raw is not None:
            data = self.raw
        else:
            lines = [self.delimiter.join(self.header), *(self.delimiter.join(r) for r in self.rows)]
            text = self.newline.join(lines) + self.newline
            data = text.encode(self.encoding)
            if self.bom and self.encoding == "utf-8":
                data = b"\xef\xbb\xbf" + data
        for edit in self.edits:
            data = edit(data)
        return data


@dataclass
class Case:
    """One fuzz case: the config's tables (TOML literals), the CSV if the demand has one, and its mutations."""

    tables: dict[str, dict[str, str]]
    csv: CsvDoc | None = None
    kinds: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    extra_lines: list[str] = field(default_factory=list)  # raw TOML after the tables
    edits: list = field(default_factory=list)  # bytes -> bytes on the config file

    def toml(self) -> bytes:
        out = []
        for name, keys in self.tables.items():
            out.append(f"[{name}]")
            out.extend(f"{k} = {v}" for k, v in keys.items())
            out.append("")
        out.extend(self.extra_lines)
        data = ("\n".join(out) + "\n").encode("utf-8")
        for edit in self.edits:
            data = edit(data)
        return data


# config mutations -----------------------------------------------------------------------------

DURATION_UNITS = ("_s", "_min", "_h")


def _pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def _drop_spellings(keys: dict, base: str) -> None:
    for u in DURATION_UNITS:
        keys.pop(base + u, None)


def _set_duration(case: Case, table: str, base: str, unit: str, value: str) -> str:
    keys = case.tables.setdefault(table, {})
    _drop_spellings(keys, base)
    keys[base + unit] = value
    return f"[{table}].{base}{unit}"


def _demand_calls(case: Case) -> dict | None:
    d = case.tables.get("demand")
    return d if d is not None and "calls" in d else None


def m_aht_unit(case: Case, rng) -> list[str]:
    """AHT in the wrong unit: minutes or milliseconds in ``aht_s``, seconds in ``aht_min`` or ``aht_h``."""
    unit, value = _pick(rng, [("_s", "3"), ("_s", "180000"), ("_s", "0.18"), ("_min", "180"), ("_h", "180"),
                              ("_min", "3"), ("_s", "7199"), ("_s", "7201"), ("_s", "9.9"), ("_s", "10")])  # fmt: skip
    if "csv" in case.tables.get("demand", {}) and rng.random() < 0.5:
        unit, value = "_s", "3"
    return [_set_duration(case, "demand", "aht", unit, value), "aht"]


def m_interval_unit(case: Case, rng) -> list[str]:
    """The interval in the wrong unit: ``interval_min = 900``, ``interval_s = 15``, an hour."""
    unit, value = _pick(rng, [("_min", "900"), ("_s", "15"), ("_h", "15"), ("_min", "15"), ("_s", "3600"),
                              ("_s", "1e-9"), ("_s", "1e300"), ("_h", "0.25")])  # fmt: skip
    return [_set_duration(case, "demand", "interval", unit, value), "interval"]


def m_both_units(case: Case, rng) -> list[str]:
    """The same duration twice, in two units."""
    table, base, extra = _pick(rng, [("demand", "aht", "aht_min = 3"), ("patience", "mean", "mean_min = 5"),
                                     ("target", "answer_within", "answer_within_min = 1")])  # fmt: skip
    k, v = extra.split(" = ")
    case.tables.setdefault(table, {})[k] = v
    return [f"[{table}]", base]


def m_bare_duration(case: Case, rng) -> list[str]:
    """A duration without its unit suffix: ``aht = 180``."""
    table, base = _pick(rng, [("demand", "aht"), ("patience", "mean"), ("target", "answer_within"),
                              ("shifts.early", "length")])  # fmt: skip
    keys = case.tables.setdefault(table, {})
    value = next((keys[base + u] for u in DURATION_UNITS if base + u in keys), "180")
    _drop_spellings(keys, base)
    keys[base] = value
    return [f"[{table}].{base}"]


def m_misspelt_key(case: Case, rng) -> list[str]:
    table, key, value = _pick(rng, [("target", "levle", "0.8"), ("demand", "aht_sec", "180"),
                                    ("staffing", "max_agent", "3"), ("simulation", "replication", "4"),
                                    ("hours.monday", "opens", "08:00:00"), ("shifts.early", "lenght_h", "4"),
                                    ("demand", "Calls", "[1, 2]"), ("center", "nmae", '"x"'),
                                    ("target", "service_level", "0.8"),
                                    ("demand", "start_time", "08:00:00")])  # fmt: skip
    case.tables.setdefault(table, {})[key] = value
    return [f"[{table}].{key}", key]


def m_unknown_table(case: Case, rng) -> list[str]:
    name = _pick(rng, ["targett", "staff", "shift", "hour", "Demand", "simulation.extra", "hours.mon",
                       "hours.funday", "demand.csv"])  # fmt: skip
    case.tables[name] = {"x": "1"}
    return [f"[{name}]", name, name.split(".")[-1]]


def m_missing_key(case: Case, rng) -> list[str]:
    options = [("demand", "calls"), ("demand", "csv"), ("demand", "aht_s"), ("patience", "mean_s"),
               ("hours.monday", "close"), ("hours.monday", "open"), ("shifts.early", "length_h"),
               ("demand", None), ("hours.default", None), ("shifts.early", None), ("shifts.late", None),
               ("patience", "kind")]  # fmt: skip
    table, key = _pick(rng, options)
    if table not in case.tables:
        return [f"[{table}]"]
    if key is None:
        del case.tables[table]
        if table.startswith("shifts") and not any(t.startswith("shifts.") for t in case.tables):
            return [f"[{table}]", "[shifts]", "shift"]
        return [f"[{table}]", table.split(".")[-1]]
    case.tables[table].pop(key, None)
    return [f"[{table}].{key}", key.removesuffix("_s").removesuffix("_h"), f"[{table}]"]


def m_swap_hours(case: Case, rng) -> list[str]:
    """Open and close swapped, or a window that does not exist."""
    h = case.tables.setdefault("hours.monday", {})
    o, c = _pick(rng, [("13:00:00", "08:00:00"), ('"08:00"', '"08:00"'), ('"24:00"', '"08:00"'),
                       ("08:00:00", '"24:00"'), ("00:00:00", "00:00:00"), ('"8:00"', '"13:00"')])  # fmt: skip
    h.pop("closed", None)
    h["open"], h["close"] = o, c
    return ["[hours.monday]", "open", "close", "hours"]


def m_start_outside_day(case: Case, rng) -> list[str]:
    value = _pick(rng, ['"25:00"', '"24:00"', '"-01:00"', '"08:60"', "8", "8.0", '"8am"', "1979-05-27T08:00:00",
                        "1979-05-27", '"08:00:00+02:00"', "08:00:00.5", '""', "[8]"])  # fmt: skip
    case.tables.setdefault("demand", {})["start"] = value
    return ["[demand].start", "start"]


def m_calls_wrong_time(case: Case, rng) -> list[str]:
    """The demand placed where the center is closed: a wrong start or weekday, or no start at all."""
    d = case.tables.setdefault("demand", {})
    what = _pick(rng, ["start", "start", "weekday", "drop_start", "hours", "wrap"])
    if what == "start":
        d["start"] = _pick(rng, ["00:00:00", "04:00:00", "07:45:00", "10:00:00", "12:00:00", "20:00:00", "07:00:00"])
    elif what == "weekday":
        d["weekday"] = _pick(rng, ['"tuesday"', '"sunday"', '"Monday"', '"MONDAY"'])
    elif what == "drop_start":
        d.pop("start", None)
    elif what == "hours":  # the hours moved instead
        case.tables["hours.monday"] = {"open": "10:00:00", "close": "18:00:00"}
    else:  # Sunday night into Monday: the demand runs past the end of the week
        d["weekday"], d["start"] = '"sunday"', _pick(rng, ["22:00:00", "23:45:00", "20:00:00"])
        hours = _pick(rng, [{"open": "00:00:00", "close": '"24:00"'}, {"open": "20:00:00", "close": '"24:00"'}])
        case.tables["hours.default"] = case.tables["hours.monday"] = hours
        if rng.random() < 0.5:
            case.tables["shifts.night"] = {"length_h": "4", "earliest_start": "20:00:00", "latest_start": "23:00:00"}
    return ["[demand]", "start", "weekday", "[hours"]


def m_calls_values(case: Case, rng) -> list[str]:
    """Inline calls: all zero, one huge, negative, text, NaN, empty, nested, a table."""
    d = _demand_calls(case)
    if d is None:
        return m_calls_wrong_time(case, rng)
    calls = list(CALLS)
    what = _pick(rng, ["zero", "zero", "one", "neg", "text", "nan", "inf", "empty", "nested", "table", "huge",
                       "spike", "float", "long", "bool", "string"])  # fmt: skip
    i = int(rng.integers(len(calls)))
    lit = [str(c) for c in calls]
    if what == "zero":
        lit = ["0"] * len(calls)
    elif what == "one":
        lit = ["0"] * len(calls)
        lit[i] = "1"
    elif what == "neg":
        lit[i] = "-5"
    elif what == "text":
        lit[i] = '"12"'
    elif what == "nan":
        lit[i] = "nan"
    elif what == "inf":
        lit[i] = "inf"
    elif what == "huge":
        lit[i] = _pick(rng, ["1e300", "1e10", "9223372036854775807"])
    elif what == "spike":
        lit[i] = "3000"
    elif what == "float":
        lit = [f"{c / 7:.6f}" for c in calls]
    elif what == "long":
        lit = lit * 50  # 1000 quarter hours: ten days and a half
    elif what == "bool":
        lit[i] = "true"
    elif what == "string":
        d["calls"] = '"12, 16, 20"'
        return ["[demand].calls", "calls"]
    shapes = {"empty": "[]", "nested": "[[1, 2], [3, 4]]", "table": "{ a = 1 }"}
    d["calls"] = shapes.get(what, "[" + ", ".join(lit) + "]")
    return ["[demand].calls", "calls"]


def m_max_agents(case: Case, rng) -> list[str]:
    s = case.tables.setdefault("staffing", {})
    value = _pick(rng, ["1", "2", "3", "5", "8", "0", "-1", "1.5", '"3"', "1000000", "3.0"])
    s["max_agents"] = value
    if rng.random() < 0.3:
        s["min_agents"] = _pick(rng, ["2", "5", "10"])
    return ["[staffing].max_agents", "max_agents", "min_agents"]


def m_target_level(case: Case, rng) -> list[str]:
    value = _pick(rng, ["80", "100", "0", "1", "1.0", "0.99", "-0.2", "1.5", '"80%"', "0.8e2", "nan", "1e-9"])
    case.tables.setdefault("target", {})["level"] = value
    return ["[target].level", "level"]


def m_shift_window(case: Case, rng) -> list[str]:
    """Shift templates that do not fit the opening hours, or cannot be a shift."""
    name = _pick(rng, ["early", "late"])
    sh = case.tables.setdefault(f"shifts.{name}", {"length_h": "4"})
    what = _pick(rng, ["night", "reversed", "long", "tiny", "step", "days", "late_start", "max_count", "breaks"])
    if what == "night":
        sh["earliest_start"], sh["latest_start"] = "20:00:00", "22:00:00"
    elif what == "reversed":
        sh["earliest_start"], sh["latest_start"] = "10:00:00", "08:00:00"
    elif what == "long":
        _drop_spellings(sh, "length")
        sh[_pick(rng, ["length_h", "length_min", "length_s"])] = _pick(rng, ["25", "480", "100000", "0", "-4"])
    elif what == "tiny":
        _drop_spellings(sh, "length")
        sh["length_min"] = _pick(rng, ["4", "1", "0.01"])
    elif what == "step":
        sh[_pick(rng, ["start_step_s", "start_step_min", "start_step_h"])] = _pick(rng, ["1", "0.5", "1e-9", "13"])
    elif what == "days":
        sh["days"] = _pick(rng, ['["sunday"]', "[]", '["monday", "monday"]', '"monday"', '["Mon"]'])
    elif what == "late_start":
        sh["earliest_start"], sh["latest_start"] = "12:30:00", "12:45:00"
    elif what == "max_count":
        sh["max_count"], sh["min_count"] = _pick(rng, [("0", "0"), ("1", "0"), ("2", "5"), ("100", "50")])
    else:
        sh["breaks"] = _pick(rng, ["[{ earliest_h = 1, latest_h = 2, length_min = 30 }]",
                                   "[{ earliest_h = 3, latest_h = 2, length_min = 30 }]",
                                   "[{ earliest_h = 1, latest_h = 9, length_min = 30 }]",
                                   "[{ earliest_h = 1, latest_h = 2 }]", "[1, 2]", "{ earliest_h = 1 }",
                                   "[{ earliest_h = 0, latest_h = 4, length_h = 4 }]"])  # fmt: skip
    return [f"[shifts.{name}]", "shift", name, "[shifts"]


def m_duplicate_table(case: Case, rng) -> list[str]:
    table = _pick(rng, [t for t in case.tables])
    keys = case.tables[table]
    body = "\n".join(f"{k} = {v}" for k, v in keys.items())
    case.extra_lines.append(f"[{table}]\n{body}\n")
    return [table, "line"]


def m_duplicate_key(case: Case, rng) -> list[str]:
    table = _pick(rng, [t for t in case.tables if case.tables[t]])
    k, v = next(iter(case.tables[table].items()))
    line = f"{k} = {v}".encode()
    case.edits.append(lambda b: b.replace(line, line + b"\n" + line, 1))
    return [k, "line"]


def m_bytes(case: Case, rng) -> list[str]:
    """The file itself broken: empty, not UTF-8, cut short, a NUL, a stray bracket, UTF-16."""
    what = _pick(rng, ["empty", "latin1", "truncate", "nul", "bracket", "utf16", "bom", "crlf", "tabs", "spaces"])
    if what == "empty":
        case.edits.append(lambda b: b"")
        return ["[demand]", "empty"]
    if what == "latin1":
        case.edits.append(lambda b: b.replace(b'"fuzz"', b'"caf\xe9"', 1))
        return ["UTF-8", "byte"]
    if what == "truncate":
        frac = float(rng.uniform(0.05, 0.95))
        case.edits.append(lambda b: b[: int(len(b) * frac)])
        return ["line", "[demand]", "[shifts", "[hours", "[target", "required", "missing", "end of the file"]
    if what == "nul":
        case.edits.append(lambda b: b.replace(b"[target]", b"[tar\x00get]", 1))
        return ["line"]
    if what == "bracket":
        case.edits.append(lambda b: b.replace(b"[target]", b"[target", 1))
        return ["line"]
    if what == "utf16":
        case.edits.append(lambda b: b.decode("utf-8").encode("utf-16"))
        return ["UTF-8", "byte", "line"]
    if what == "bom":
        case.edits.append(lambda b: b"\xef\xbb\xbf" + b)
        return ["line", "UTF-8"]
    if what == "crlf":
        case.edits.append(lambda b: b.replace(b"\n", b"\r\n"))
        return ["line"]
    if what == "tabs":
        case.edits.append(lambda b: b.replace(b" = ", b"\t=\t"))
        return ["line"]
    case.edits.append(lambda b: b.replace(b"\n", b"\n   "))
    return ["line"]


def m_demand_source(case: Case, rng) -> list[str]:
    """Two demand sources, or one that is not there."""
    d = case.tables.setdefault("demand", {})
    what = _pick(rng, ['profile = "bank-1999"', 'profile = "bank-2099"', 'history = "nope.csv"', 'csv = "nope.csv"',
                       'history = ["a.csv", 1]', "csv = []", 'csv = ["a.csv", "b.csv"]'])  # fmt: skip
    k, v = what.split(" = ", 1)
    if rng.random() < 0.5:
        d.pop("calls", None)
        d.pop("csv", None)
    d[k] = v
    return ["[demand]", k]


def m_days(case: Case, rng) -> list[str]:
    """The one-day pattern repeated on weekdays (with the hours open or not on them)."""
    d = case.tables.setdefault("demand", {})
    d["days"] = _pick(rng, ['["monday"]', '["monday", "tuesday"]', '["tuesday"]', "[]",
                            '["monday", "wednesday", "friday"]', '["monday", "monday"]', '"monday"'])  # fmt: skip
    d.pop("weekday", None)
    if rng.random() < 0.5:
        case.tables["hours.default"] = {"open": "08:00:00", "close": "13:00:00"}
    if rng.random() < 0.2:
        d["weekday"] = '"monday"'
    return ["[demand].days", "days", "weekday", "[demand]"]


def m_hours_narrow(case: Case, rng) -> list[str]:
    """Opening hours that leave a few of the calls outside: some just above 1 %, some just under."""
    o, c = _pick(rng, [("08:15:00", "13:00:00"), ("08:00:00", "12:45:00"), ("09:00:00", "12:00:00"),
                       ("07:00:00", "13:00:00"), ("08:00:00", '"24:00"'), ("08:07:00", "13:00:00"),
                       ("08:00:00", "12:53:00"), ("10:30:00", "11:00:00")])  # fmt: skip
    case.tables["hours.monday"] = {"open": o, "close": c}
    if rng.random() < 0.3:
        case.tables["hours.default"] = {"open": o, "close": c}
    return ["[hours.monday]", "hours", "open", "close"]


def m_scale(case: Case, rng) -> list[str]:
    d = case.tables.setdefault("demand", {})
    d["scale"] = _pick(rng, ["0.5", "2", "10", "1e-6", "0.001", "30", "0", "-1", '"2"', "nan"])
    return ["[demand].scale", "scale"]


def m_patience(case: Case, rng) -> list[str]:
    p = case.tables.setdefault("patience", {})
    what = _pick(rng, ["none", "tiny", "huge", "minutes", "lognormal", "fitted", "deterministic"])
    if what == "none":
        case.tables["patience"] = {"kind": '"none"'}
    elif what == "tiny":
        _set_duration(case, "patience", "mean", "_s", "1")
    elif what == "huge":
        _set_duration(case, "patience", "mean", "_h", "100")
    elif what == "minutes":
        _set_duration(case, "patience", "mean", "_min", "300")
    elif what == "lognormal":
        p["kind"], p["cv"] = '"lognormal"', _pick(rng, ["0.5", "3", "0"])
    elif what == "fitted":
        p["kind"] = '"fitted"'
    else:
        p["kind"] = '"deterministic"'
    return ["[patience]", "patience", "mean", "kind", "cv"]


def m_model(case: Case, rng) -> list[str]:
    """Another model, method or objective: each must still plan or say why not."""
    st = case.tables.setdefault("staffing", {})
    key, value = _pick(rng, [("model", '"erlang_c"'), ("model", '"erlang_x"'), ("model", '"erlang_b"'),
                             ("method", '"isa"'), ("method", '"lag_sipp"'), ("objective", '"global_service_level"'),
                             ("min_agents", "3"), ("isa_rounding", '"nearest"')])  # fmt: skip
    st[key] = value
    if rng.random() < 0.3:
        case.tables["lines"] = {"count": _pick(rng, ["1", "5", "40"])}
    return [f"[staffing].{key}", key, "[lines]", "lines"]


def m_target_misc(case: Case, rng) -> list[str]:
    t = case.tables.setdefault("target", {})
    key, value = _pick(rng, [("answer_within_min", "20"), ("answer_within_s", "0"), ("basis", '"answered"'),
                             ("basis", '"virtual"'), ("max_abandon", "0.001"), ("max_asa_s", "1"),
                             ("max_occupancy", "0.5"), ("shrinkage", "0.3"), ("shrinkage", "0.99"),
                             ("max_asa_min", "0")])  # fmt: skip
    if key.startswith("answer_within"):
        _drop_spellings(t, "answer_within")
    t[key] = value
    return [f"[target].{key}", key.rsplit("_", 1)[0], "[target]"]


def m_ivr(case: Case, rng) -> list[str]:
    """An IVR whose self-service share divides the calls offered to agents."""
    case.tables["ivr"] = {"kind": '"deterministic"', "mean_s": _pick(rng, ["10", "0.5", "600"]),
                          "self_service": _pick(rng, ["0", "0.2", "0.5", "0.99", "1", '"fitted"'])}  # fmt: skip
    return ["[ivr]", "self_service", "mean"]


_NUMBERS = ["0", "-1", "-0.0", "1e-9", "1e300", "nan", "inf", "-inf", '"12"', "[12]", "{ a = 1 }", "true", "80",
            "100000", "2.5", "3"]  # fmt: skip
_HOSTILE = {
    "int": ["0", "-1", "1", "2", "2.5", "1e3", "9223372036854775807", "nan", '"3"', "[3]", "true", "3.0"],
    "float": _NUMBERS,
    "duration": [*_NUMBERS, "180000", "0.001"],
    "fraction": ["0", "1", "80", "-0.2", "1.5", "nan", "0.999999", '"0.8"', "[0.8]", "100", "0.5"],
    "time": [
        "00:00:00",
        "23:59:59",
        '"24:00"',
        '"25:00"',
        '"8:00"',
        '"08:60"',
        "8",
        '"noon"',
        "1979-05-27T07:32:00",
        '"-01:00"',
        '"07:00 "',
        "07:00:00.5",
        "12:00:00",
    ],
    "weekday": ['"sunday"', '"Monday"', '"mon"', '"funday"', "1", '["monday"]', '"tuesday"'],
    "weekdays": [
        "[]",
        '["monday", "monday"]',
        '["sunday"]',
        '"monday"',
        "[1, 2]",
        '["Mon"]',
        '["monday"]',
        '["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]',
    ],
    "str": ['""', '"' + "x" * 5000 + '"', "1", '"\\u0000"', '"é"', '"../../etc"', '"a/b"'],
    "choice": ['"nonsense"', '""', "1", "[]"],
    "bool": ["true", "false", '"yes"', "1"],
    "paths": ['"nope.csv"', "[]", '""', '["a.csv", "b.csv"]', "1", '"/"', '"."'],
    "numbers": ["[]", "[-1]", '["a"]', "[nan]", "[1e300]", "[0, 0]", "[[1]]", "1"],
    "fractions": ["[]", "[1.5]", "[0.5, 0.5]", "[80, 20]", "[1]", "0.5"],
    "durations": ["[]", "[-1]", "[0, 90]", "[0]", "0"],
    "choices": ["[]", '["csv"]', '["pdf"]', '["csv", "csv"]', '"csv"'],
    "tables": ["[]", "[1]", "[{ earliest_h = 3, latest_h = 5, length_min = 30 }]", "[{}]", "{}"],
    "table": ["{}", "1", '{ history = "x.csv" }', '{ history = "x.csv", start = 2026-01-05 }'],
    "date": ["2026-01-05", '"2026-13-01"', "1"],
    "dates": ["[]", "[2026-01-05]", '["x"]'],
    "names": ["[]", '[""]', "[1]", '"a"', '["a", "a"]'],
    "amount": ["-1", "nan", "[]", "[-1]", '"3"', "1e300"],
    "delays": ["{}", "1", "{ a = { b = -1 } }", '{ a = "x" }'],
}


def m_schema_value(case: Case, rng) -> list[str]:
    """Any key of `cxqueue.config.schema`, set to a value at or beyond its bounds or of the wrong type."""
    table, key = _schema_keys()[int(rng.integers(len(_schema_keys())))]
    k = SCHEMA[table][key]
    real = {"hours.<weekday>": _pick(rng, ["hours.monday", "hours.default"]),
            "shifts.<name>": _pick(rng, ["shifts.early", "shifts.late"])}.get(table, table)  # fmt: skip
    if k.choices and k.kind == "choice" and rng.random() < 0.5:
        value = f'"{_pick(rng, k.choices)}"'
    else:
        value = _pick(rng, _HOSTILE[k.kind])
    if k.kind in ("duration", "durations"):
        unit = _pick(rng, DURATION_UNITS)
        base = k.name[:-2]
        keys = case.tables.setdefault(real, {})
        if rng.random() < 0.85:
            _drop_spellings(keys, base)
        keys[base + unit] = value
        return [f"[{real}].{base}{unit}", base, f"[{real}]"]
    case.tables.setdefault(real, {})[k.name] = value
    return [f"[{real}].{k.name}", k.name, f"[{real}]"]


_KEYS: list = []


def _schema_keys() -> list[tuple[str, str]]:
    if not _KEYS:
        skip = {"demand.forecast", "shifts.<name>.breaks"}
        # the multi-skill tables turn the base center into another kind of center, planned by its own
        # path: tests/config/test_multiskill*.py walk their errors, tests/plan/test_multiskill_plan.py its plan
        multi = ("call_types", "groups", "routing", "channels", "outbound")
        _KEYS.extend((t, k) for t, keys in SCHEMA.items() if t not in skip and not t.startswith(multi) for k in keys)
    return _KEYS


CONFIG_MUTATIONS = [m_aht_unit, m_interval_unit, m_both_units, m_bare_duration, m_misspelt_key, m_unknown_table,
                    m_missing_key, m_swap_hours, m_start_outside_day, m_calls_wrong_time, m_calls_values,
                    m_calls_values, m_max_agents, m_target_level, m_shift_window, m_duplicate_table,
                    m_duplicate_key, m_bytes, m_demand_source, m_days, m_schema_value, m_schema_value,
                    m_schema_value, m_schema_value, m_hours_narrow, m_hours_narrow, m_scale, m_patience, m_model,
                    m_target_misc, m_ivr]  # fmt: skip


# CSV mutations --------------------------------------------------------------------------------


def _cell(doc: CsvDoc, name: str, rng) -> tuple[int, int] | None:
    j = doc.col(name)
    if j is None or not doc.rows:
        return None
    i = int(rng.integers(len(doc.rows)))
    return (i, j) if j < len(doc.rows[i]) else None


def c_delimiter(doc: CsvDoc, rng) -> list[str]:
    doc.delimiter = _pick(rng, [";", "\t", "|", " "])
    if doc.delimiter == ";" and rng.random() < 0.5:  # the European export: decimal commas too
        doc.rows = [[x.replace(".", ",") for x in r] for r in doc.rows]
    return ["calls", "column"]


def c_drop_column(doc: CsvDoc, rng) -> list[str]:
    name = _pick(rng, ["calls", "aht_s", "interval"])
    j = doc.col(name)
    if j is not None:
        del doc.header[j]
        for r in doc.rows:
            if j < len(r):
                del r[j]
    return [name, "aht"]


def c_extra_column(doc: CsvDoc, rng) -> list[str]:
    name, values = _pick(rng, [("agents", lambda i: str(i % 7)), ("note", lambda i: "ok"),
                               ("date", lambda i: "2024-01-01"), ("", lambda i: ""),
                               ("calls_forecast", lambda i: str(i * 3))])  # fmt: skip
    at = int(rng.integers(len(doc.header) + 1))
    doc.header.insert(at, name)
    for i, r in enumerate(doc.rows):
        r.insert(at, values(i))
    return [name or "column", "calls"]


def c_cell(doc: CsvDoc, rng) -> list[str]:
    """One cell empty, text, negative, huge, NaN or inf."""
    name = _pick(rng, ["calls", "calls", "aht_s"])
    at = _cell(doc, name, rng)
    if at is None:
        return [name]
    i, j = at
    doc.rows[i][j] = _pick(rng, ["", " ", "twelve", "12 calls", "n/a", "-", "?", "-5", "-0", "1e12", "1e300",
                                 "9" * 400, "nan", "NaN", "inf", "-inf", "Infinity", "0x10", "1_000", "+12",
                                 "1.2e1", " 12 ", "12.", ".5", "1e9", "1e-300"])  # fmt: skip
    return [name, "line"]


def c_encoding(doc: CsvDoc, rng) -> list[str]:
    what = _pick(rng, ["bom", "utf16", "latin1", "crlf", "cr", "nul", "quote", "no_final_newline"])
    if what == "bom":
        doc.bom = True
    elif what == "utf16":
        doc.encoding = "utf-16"
    elif what == "latin1":
        doc.edits.append(lambda b: b.replace(b"10:00", b"10:00\xe9", 1))
    elif what == "crlf":
        doc.newline = "\r\n"
    elif what == "cr":
        doc.newline = "\r"
    elif what == "nul":
        doc.edits.append(lambda b: b.replace(b"10:00", b"10:\x0000", 1))
    elif what == "quote":
        doc.edits.append(lambda b: b.replace(b"10:00", b'"10:00', 1))
    else:
        doc.edits.append(lambda b: b.rstrip(b"\r\n"))
    return ["line", "UTF", "byte", "column"]


def c_duplicate_header(doc: CsvDoc, rng) -> list[str]:
    what = _pick(rng, ["row", "row", "column"])
    if what == "row":
        doc.rows.insert(int(rng.integers(len(doc.rows) + 1)), list(doc.header))
        return ["line", "calls"]
    name = _pick(rng, ["calls", "aht_s", "interval"])
    j = doc.col(name)
    if j is not None:
        doc.header.append(name)
        for r in doc.rows:
            r.append(r[j] if j < len(r) else "")
    return [name, "column"]


def c_time_format(doc: CsvDoc, rng) -> list[str]:
    """The time column written another way, shifted, out of order, or renamed."""
    j = doc.col("interval")
    if j is None:
        return ["interval"]
    what = _pick(rng, ["h:mm", "hh:mm:ss", "h'h'mm", "datetime", "hhmm", "am", "shift0", "shift10", "shuffle",
                       "rename_time", "rename_start", "index"])  # fmt: skip
    for i, r in enumerate(doc.rows):
        if j >= len(r):
            continue  # a row another mutation cut short stays so
        h, m = 8 + i // 4, 15 * (i % 4)
        r[j] = {
            "h:mm": f"{h}:{m:02d}",
            "hh:mm:ss": f"{h:02d}:{m:02d}:00",
            "h'h'mm": f"{h}h{m:02d}",
            "datetime": f"2024-01-01 {h:02d}:{m:02d}",
            "hhmm": f"{h:02d}{m:02d}",
            "am": f"{(h - 1) % 12 + 1}:{m:02d} {'AM' if h < 12 else 'PM'}",
            "shift0": f"{i // 4:02d}:{m:02d}",
            "shift10": f"{10 + i // 4:02d}:{m:02d}",
            "index": str(i),
        }.get(what, r[j])
    if what == "shuffle":
        order = rng.permutation(len(doc.rows))
        doc.rows = [doc.rows[k] for k in order]
    if what == "rename_time":
        doc.header[j] = "time"
    if what == "rename_start":
        doc.header[j] = "start"
    return ["interval", "time", "start", "[demand]"]


def c_aht_unit(doc: CsvDoc, rng) -> list[str]:
    j = doc.col("aht_s")
    if j is None:
        return ["aht"]
    what = _pick(rng, ["ms", "min", "h", "rename_aht", "rename_min", "rename_ms"])
    factor = {"ms": 1000.0, "min": 1 / 60, "h": 1 / 3600, "rename_aht": 1 / 60, "rename_min": 1 / 60,
              "rename_ms": 1000.0}[what]  # fmt: skip
    for r in doc.rows:
        try:
            r[j] = f"{float(r[j]) * factor:g}"
        except (ValueError, IndexError):
            pass  # a cell another mutation broke stays broken
    doc.header[j] = {"rename_aht": "aht", "rename_min": "aht_min", "rename_ms": "aht_ms"}.get(what, "aht_s")
    return ["aht", "line"]


def c_rows(doc: CsvDoc, rng) -> list[str]:
    """No rows, one row, many rows, blank lines, all zero."""
    what = _pick(rng, ["zero_rows", "one_row", "many", "blank", "all_zero", "empty_file", "header_only_no_nl"])
    if what == "zero_rows":
        doc.rows = []
    elif what == "one_row":
        doc.rows = doc.rows[:1]
    elif what == "many":
        n = len(doc.rows)
        doc.rows = [list(doc.rows[i % n]) for i in range(400)] if n else []  # four days of quarter hours
    elif what == "blank":  # empty lines between the rows (and at the end)
        at = sorted(rng.integers(1, len(doc.rows) + 2, size=3).tolist())
        doc.edits.append(lambda b: b"\n".join(x + (b"\n" * at.count(k)) for k, x in enumerate(b.split(b"\n"))))
    elif what == "all_zero":
        j = doc.col("calls")
        for r in doc.rows:
            if j is not None and j < len(r):
                r[j] = "0"
    elif what == "empty_file":
        doc.raw = b""
    else:
        doc.raw = ",".join(doc.header).encode()
    return ["rows", "line", "calls", "empty", "header"]


def c_long_row(doc: CsvDoc, rng) -> list[str]:
    what = _pick(rng, ["long_cell", "many_columns", "long_label"])
    if what == "many_columns":
        doc.header.extend(f"x{k}" for k in range(3000))
        for r in doc.rows:
            r.extend("1" for _ in range(3000))
        return ["column", "calls"]
    if not doc.rows:
        return ["line"]
    i = int(rng.integers(len(doc.rows)))
    j = doc.col("calls") if what == "long_cell" else doc.col("interval")
    if j is not None and j < len(doc.rows[i]):
        doc.rows[i][j] = "1" * 5000 if what == "long_cell" else "x" * 5000
    return ["line", "calls", "interval", "characters"]


def c_shape(doc: CsvDoc, rng) -> list[str]:
    """Trailing delimiters, quoted numbers, thousands separators, header case and spaces, columns reordered."""
    what = _pick(rng, ["trailing_all", "trailing_rows", "quoted", "thousands", "decimal_comma", "upper", "spaces",
                       "reorder", "short_row", "long_row"])  # fmt: skip
    jc = doc.col("calls")
    if what == "trailing_all":
        doc.header.append("")
        for r in doc.rows:
            r.append("")
    elif what == "trailing_rows":
        doc.edits.append(lambda b: b.replace(b"\n", b",\n").replace(b"aht_s,\n", b"aht_s\n", 1))
    elif what == "quoted":
        doc.rows = [[f'"{x}"' for x in r] for r in doc.rows]
    elif what == "thousands" and jc is not None and doc.rows:
        doc.rows[0][jc] = '"1,200"'
    elif what == "decimal_comma" and jc is not None and doc.rows:
        doc.rows[0][jc] = '"12,5"'
    elif what == "upper":
        doc.header = [h.upper() if rng.random() < 0.7 else h.title() for h in doc.header]
    elif what == "spaces":
        doc.header = [f" {h} " for h in doc.header]
    elif what == "reorder":
        order = rng.permutation(len(doc.header))
        doc.header = [doc.header[k] for k in order]
        doc.rows = [[r[k] for k in order] if len(r) == len(order) else r for r in doc.rows]
    elif what == "short_row" and doc.rows:
        doc.rows[int(rng.integers(len(doc.rows)))].pop()
    elif what == "long_row" and doc.rows:
        doc.rows[int(rng.integers(len(doc.rows)))].append("7")
    return ["calls", "line", "column", "aht"]


CSV_MUTATIONS = [c_delimiter, c_drop_column, c_extra_column, c_cell, c_cell, c_encoding, c_duplicate_header,
                 c_time_format, c_time_format, c_aht_unit, c_rows, c_long_row, c_shape, c_shape]  # fmt: skip


def p_placement(case: Case, rng) -> list[str]:
    """The config around a CSV: no start (its time column or 00:00 places it), a wrong start, an AHT key."""
    d = case.tables["demand"]
    what = _pick(rng, ["drop_start", "drop_start", "start0", "start10", "weekday", "aht_key", "days"])
    edits = {"start0": ("start", "00:00:00"), "start10": ("start", "10:00:00"), "weekday": ("weekday", '"tuesday"'),
             "days": ("days", '["monday"]')}  # fmt: skip
    if what == "drop_start":
        d.pop("start", None)
    elif what == "aht_key":
        d["aht_min"] = _pick(rng, ["3", "180"])
    else:
        key, value = edits[what]
        d[key] = value
        if what == "days":
            d.pop("weekday", None)
    return ["[demand]", "start", "interval", "time", "aht", "days"]


def _count(rng) -> int:
    """One to three mutations, one most often (each alone is what a user does; together they hide each other)."""
    return int(rng.choice([1, 2, 3], p=[0.55, 0.3, 0.15]))


def make_config_case(rng) -> Case:
    case = Case(base_tables())
    for _ in range(_count(rng)):
        m = CONFIG_MUTATIONS[int(rng.integers(len(CONFIG_MUTATIONS)))]
        case.kinds.append(m.__name__[2:])
        case.names.extend(m(case, rng))
    return case


def make_csv_case(rng) -> Case:
    case = Case(base_tables(csv_demand=True), csv=base_csv(), names=["[demand].csv"])
    for _ in range(_count(rng)):
        m = CSV_MUTATIONS[int(rng.integers(len(CSV_MUTATIONS)))]
        case.kinds.append(m.__name__[2:])
        case.names.extend(m(case.csv, rng))
    if rng.random() < 0.35:
        case.kinds.append("placement")
        case.names.extend(p_placement(case, rng))
    return case
