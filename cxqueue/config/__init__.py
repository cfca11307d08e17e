"""Scenario configs in TOML: `load_scenario` reads a file into a `PlanConfig`.

A config describes one center: its demand (a shipped profile, a history file, a CSV or
inline calls), handle time, patience, IVR, lines, opening hours per weekday, shift
templates and costs, targets, and the staffing, simulation and output settings. Every
key is listed, with its type, unit, default and meaning, in ``configs/README.md`` (the
schema itself is data in `cxqueue.config.schema`). Durations may be written with the
suffix ``_s``, ``_min`` or ``_h`` (``aht_min = 3`` is ``aht_s = 180``); times of day are
TOML local times (``open = 07:00:00``) or strings (``"07:00"``, ``"24:00"``).

Unknown keys, wrong types and impossible values raise `ConfigError` with the file, the
``[table].key``, the rule and the value, e.g.
``x.toml: [target].level must be a fraction in [0, 1]; got 80 (pass 0.8 for 80%)``.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cxqueue.config import schema as S
from cxqueue.config.demand import DemandReader, _hhmm, _Missing
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import (
    IVR,
    WEEKDAYS,
    Callbacks,
    Distribution,
    Forecast,
    OpeningHours,
    PriorityClasses,
    Redials,
    Reserve,
    Scenario,
    ServiceTarget,
    ShiftTemplate,
)
from cxqueue.units import DAY

__all__ = [
    "HoursSearch",
    "OutputSettings",
    "PlanConfig",
    "SimulationSettings",
    "StaffingSettings",
    "default_config_path",
    "load_scenario",
    "loads_scenario",
]

REPO_CONFIGS = Path(__file__).resolve().parents[2] / "configs"
PACKAGE_CONFIGS = Path(__file__).resolve().parents[1] / "configs"


@dataclass(frozen=True)
class StaffingSettings:
    """How required agents are computed: queueing ``model`` and time-variation ``method``."""

    model: str = "erlang_a"
    method: str = "sipp"
    isa_rounding: str = "up"
    min_agents: int = 0
    max_agents: int | None = None
    objective: str = "cover"

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class HoursSearch:
    """The opening-hours search (`cxqueue hours`); times in seconds since midnight.

    ``weekdays`` are searched (0 = Monday; the other days keep their ``[hours]``), opening
    between ``earliest_open_s`` and ``latest_open_s`` and closing between ``earliest_close_s``
    and ``latest_close_s`` on multiples of ``step_s`` from midnight, each day that opens for at
    least ``min_open_s``; plans covering less than ``min_calls_covered`` of the demand are
    infeasible; each open hour costs ``cost_per_open_hour`` on top of the staff.
    """

    weekdays: tuple[int, ...] = tuple(range(7))
    earliest_open_s: float = 0.0
    latest_open_s: float = 23 * 3600.0
    earliest_close_s: float = 3600.0
    latest_close_s: float = DAY
    step_s: float = 3600.0
    min_open_s: float = 0.0
    min_calls_covered: float = 0.95
    cost_per_open_hour: float = 0.0

    def to_dict(self) -> dict:
        return {k: list(val) if isinstance(val, tuple) else val for k, val in self.__dict__.items()}


@dataclass(frozen=True)
class SimulationSettings:
    """Replications, seed, engine, warm-up and horizon (None: the whole forecast) in seconds."""

    replications: int = 20
    seed: int = 1
    engine: str = "fast"
    warmup_s: float = 0.0
    horizon_s: float | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ValidationSettings:
    """A call history to replay with its observed staffing (paths resolved; may be missing)."""

    history: tuple[Path, ...] = ()
    staffing: str = "staffed"
    agent_factor: float = 1.0
    replications: int = 20
    missing: str = ""

    def to_dict(self) -> dict:
        return {**self.__dict__, "history": [str(p) for p in self.history]}


@dataclass(frozen=True)
class OutputSettings:
    """Output folder (relative to the current directory), file formats and figures."""

    folder: Path = Path("plans/scenario")
    formats: tuple[str, ...] = ("csv", "json", "html")
    figures: bool = True

    def to_dict(self) -> dict:
        return {"folder": str(self.folder), "formats": list(self.formats), "figures": self.figures}


@dataclass(frozen=True, eq=False)
class PlanConfig:
    """Everything a plan needs, read from one config; seconds everywhere.

    The `Scenario` parts (``forecast``, ``handle``, ``patience``, ``ivr``, ``lines``,
    ``hours``, ``redials``, ``callbacks``, ``priority``, ``day_factor_cv``, ``target``,
    ``reserve``) become a `Scenario` with `scenario` once the agents are known. ``max_blocking`` (the
    line-sizing target) is ``target.max_blocking``. ``history_fit`` is the
    `cxqueue.data.HistoryFit` behind the demand (None for a CSV or inline calls);
    ``notes`` say what the loader decided for the user (a fallback profile, scaled calls).
    """

    source: str
    name: str
    description: str
    forecast: Forecast
    demand_source: str
    handle: Distribution
    patience: Distribution
    ivr: IVR
    lines: int | None
    hours: OpeningHours
    redials: Redials
    callbacks: Callbacks | None
    priority: PriorityClasses
    target: ServiceTarget
    day_factor_cv: float = 0.0
    shifts: tuple[ShiftTemplate, ...] = ()
    staffing: StaffingSettings = field(default_factory=StaffingSettings)
    hours_search: HoursSearch | None = None
    simulation: SimulationSettings = field(default_factory=SimulationSettings)
    output: OutputSettings = field(default_factory=OutputSettings)
    validation: ValidationSettings | None = None
    history_fit: object | None = None
    notes: tuple[str, ...] = ()
    reserve: Reserve | None = None

    @property
    def max_blocking(self) -> float | None:
        """Line-sizing target: the largest fraction of calls that may get a busy signal."""
        return self.target.max_blocking

    def scenario(self, agents, *, lines: int | None = None) -> Scenario:
        """The `Scenario` with these `agents` per interval (and `lines`, default the config's).

        >>> cfg = loads_scenario('[demand]\\ncalls = [10, 20]\\naht_s = 180\\n')
        >>> cfg.scenario([2, 3]).agents.tolist()
        [2.0, 3.0]
        """
        return Scenario(
            forecast=self.forecast,
            agents=agents,
            lines=self.lines if lines is None else lines,
            handle=self.handle,
            patience=self.patience,
            ivr=self.ivr,
            hours=self.hours,
            redials=self.redials,
            callbacks=self.callbacks,
            priority=self.priority,
            day_factor_cv=self.day_factor_cv,
            target=self.target,
            reserve=self.reserve_for(agents),
        )

    def reserve_for(self, agents) -> Reserve | None:
        """The config's reserve in the intervals where ``agents`` > 0 (None without a reserve).

        >>> cfg = loads_scenario('[demand]\\ncalls = [10, 20]\\naht_s = 180\\n[reserve]\\nagents = 2\\n')
        >>> cfg.reserve_for([0, 3]).agents.tolist(), cfg.reserve.queue_threshold
        ([0.0, 2.0], 3)
        """
        r = self.reserve
        if r is None:
            return None
        on = np.broadcast_to(np.asarray(agents, dtype=np.float64), self.forecast.calls.shape) > 0
        return Reserve(np.where(on, np.broadcast_to(r.agents, on.shape), 0.0), r.queue_threshold)

    def to_dict(self) -> dict:
        def conv(x):
            if hasattr(x, "to_dict"):
                return x.to_dict()
            if isinstance(x, tuple | list):
                return [conv(y) for y in x]
            if hasattr(x, "__dataclass_fields__"):
                return {k: conv(val) for k, val in x.__dict__.items()}
            return x

        out = {k: conv(val) for k, val in self.__dict__.items() if k not in ("history_fit", "forecast")}
        out["forecast"] = self.forecast.to_dict()
        return out


def default_config_path() -> Path:
    """The config `cxqueue plan` runs without an argument (``configs/default.toml``).

    >>> default_config_path().name
    'default.toml'
    """
    for d in (REPO_CONFIGS, PACKAGE_CONFIGS):
        if (d / "default.toml").is_file():
            return d / "default.toml"
    return REPO_CONFIGS / "default.toml"


def load_scenario(path) -> PlanConfig:
    """Read the TOML scenario config at `path` (see ``configs/README.md``).

    Parameters
    ----------
    path : str or Path
        The config file; relative paths inside it are relative to its folder.

    Returns
    -------
    PlanConfig

    Raises
    ------
    ConfigError
        If the file is missing or not TOML (naming the line), or a key is unknown, of
        the wrong type or impossible; messages name the file and the ``[table].key``.

    Examples
    --------
    >>> cfg = load_scenario(default_config_path())
    >>> cfg.forecast.interval_s, cfg.handle.kind
    (900.0, 'lognormal')
    """
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{p}: no such config file")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from exc
    return loads_scenario(text, source=str(p), base_dir=p.parent)


def loads_scenario(text: str, *, source: str = "<string>", base_dir=None) -> PlanConfig:
    """Read a scenario config from TOML `text`; `source` names it in messages.

    Parameters
    ----------
    text : str
        The TOML document.
    source : str
        What messages call it (a file name).
    base_dir : str or Path, optional
        Folder that relative paths are relative to (default: the current directory).

    Returns
    -------
    PlanConfig

    Raises
    ------
    ConfigError
        As `load_scenario`.

    Examples
    --------
    >>> cfg = loads_scenario('''
    ... [demand]
    ... calls = [30, 40]
    ... aht_min = 3
    ... start = 08:00:00
    ... [target]
    ... answer_within_s = 20
    ... ''')
    >>> cfg.forecast.aht_s.tolist(), cfg.forecast.start_s
    ([180.0, 180.0], 28800.0)
    >>> loads_scenario('[demand]\\nprofile = "bank-1999"\\n[target]\\nlevel = 80\\n', source="x.toml")
    Traceback (most recent call last):
    ...
    cxqueue.exceptions.ConfigError: x.toml: [target].level must be a fraction in [0, 1]; got 80 (pass 0.8 for 80%)
    """
    if not isinstance(text, str):
        raise ConfigError(f"text must be a str holding TOML; got {type(text).__name__}")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_syntax_message(source, text, exc)) from None
    base = Path.cwd() if base_dir is None else Path(base_dir)
    try:
        return _Builder(source, base).build(doc)
    except ConfigError as exc:
        if str(exc).startswith(f"{source}: "):
            raise
        raise ConfigError(f"{source}: {exc}") from exc


def _syntax_message(source: str, text: str, exc: tomllib.TOMLDecodeError) -> str:
    msg = str(exc)
    m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", msg)
    if not m:
        return f"{source}: not valid TOML: {re.sub(r' [(]at end of document[)]$', '', msg)} (at the end of the file)"
    line = int(m.group(1))
    what = msg[: m.start()]
    lines = text.splitlines()
    hint = ""
    if line <= len(lines) and re.search(r"=\s*\d{1,2}:\d{2}\s*(#.*)?$", lines[line - 1]):
        hint = '; write a time of day as 07:00:00 or "07:00"'
    return f"{source}, line {line}: not valid TOML: {what} (column {m.group(2)}){hint}"


class _Builder(DemandReader):
    """Turns the parsed TOML document into a PlanConfig, table by table."""

    PLAIN = ("center", "demand", "handle", "patience", "ivr", "lines", "hours_search", "target", "staffing",
             "redials", "callbacks", "reserve", "priority", "simulation", "output", "validation")  # fmt: skip

    def build(self, doc: dict) -> PlanConfig:
        for key, val in doc.items():
            if key not in S.SCHEMA or "." in key:
                self.fail(S.unknown("table", f"[{key}]", key, [t for t in S.SCHEMA if "." not in t]))
            if not isinstance(val, dict):
                self.fail(f"{key} must be a table such as [{key}]; got {S.show(val)} ({S.type_word(val)})")
        if "demand" not in doc:
            self.fail("the [demand] table is missing; give [demand] with profile, history, csv or calls")
        # every key is checked before the (slower) demand is read
        t = {n: S.read_table(self.source, n, doc[n], S.SCHEMA[n]) for n in self.PLAIN if n in doc}
        hours, shifts = self.hours(doc.get("hours")), self.shifts(doc.get("shifts"))
        target, staffing = self.target(t.get("target"), t.get("lines")), self.staffing(t.get("staffing"))
        hours_search = self.hours_search(t.get("hours_search"))
        center, out = t.get("center", S.Table("center", {})), t.get("output", S.Table("output", {}))
        name = center.get("name", Path(self.source).stem if self.source != "<string>" else "scenario")
        forecast_raw, fit, demand_source = self.demand(t["demand"])
        ivr = self.ivr(t.get("ivr"), fit)
        return PlanConfig(
            source=self.source,
            name=name,
            description=center.get("description", ""),
            forecast=self.scale(forecast_raw, t["demand"], ivr),
            demand_source=demand_source,
            handle=self.handle(t.get("handle"), forecast_raw, fit),
            patience=self.distribution(t.get("patience"), fit, "patience"),
            ivr=ivr,
            lines=t["lines"].get("count") if "lines" in t else None,
            hours=hours,
            redials=self.redials(t.get("redials"), fit),
            callbacks=self.callbacks(t.get("callbacks")),
            reserve=self.reserve(t.get("reserve")),
            priority=self.priority(t.get("priority")),
            target=target,
            day_factor_cv=t["demand"].get("day_factor_cv", 0.0),
            shifts=shifts,
            staffing=staffing,
            hours_search=hours_search,
            simulation=SimulationSettings(**t.get("simulation", S.Table("simulation", {})).values),
            output=OutputSettings(
                folder=Path(out.get("folder", f"plans/{_slug(name)}")),
                formats=tuple(out.get("formats", ("csv", "json", "html"))),
                figures=out.get("figures", True),
            ),
            validation=self.validation(t.get("validation")),
            history_fit=fit,
            notes=tuple(self.notes),
        )

    def validation(self, t: S.Table | None) -> ValidationSettings | None:
        if t is None:
            return None
        if "history" not in t.values:
            self.fail("[validation].history is required: the call log(s) to replay")
        paths, missing = [], ""
        for text in t.values["history"]:
            try:
                p = self.resolve(t, "history", text)
                if not p.is_file():
                    missing = f"{t.where('history')} file not found: {p}"
            except _Missing as exc:
                missing, p = str(exc), Path(text)
            paths.append(p)
        return ValidationSettings(
            history=tuple(paths),
            staffing=t.get("staffing", "staffed"),
            agent_factor=t.get("agent_factor", 1.0),
            replications=t.get("replications", 20),
            missing=missing,
        )

    # distributions ------------------------------------------------------------------
    def need_fit(self, t: S.Table, key: str, fit) -> None:
        if fit is None:
            self.fail(
                f'{t.where(key)} = "fitted" needs [demand].profile or a call log in [demand].history to fit it from'
            )

    def handle(self, t: S.Table | None, f: Forecast, fit) -> Distribution:
        weights = f.calls if f.calls.sum() > 0 else np.ones_like(f.calls)
        mean = float(np.average(f.aht_s, weights=weights))
        if t is None:
            return Distribution.exponential(mean)
        kind = t.get("kind", "exponential")
        if "cv" in t.values and kind != "lognormal":
            self.fail(f'{t.where("cv")} applies to kind = "lognormal" only; got kind = "{kind}"')
        if kind == S.FITTED:
            self.need_fit(t, "kind", fit)
            return Distribution(fit.handle.kind, mean, fit.handle.cv)
        return Distribution(kind, mean, t.get("cv", 1.0))

    def distribution(self, t: S.Table | None, fit, what: str) -> Distribution:
        if t is None:
            return Distribution.none()
        kind = t.get("kind", "deterministic" if what == "ivr" else "exponential")
        if kind in ("none", S.FITTED):
            for k in ("mean_s", "cv"):
                if k in t.values:
                    self.fail(f'{t.where(k)} is not used with kind = "{kind}"; remove it')
            if kind == "none":
                return Distribution.none()
            self.need_fit(t, "kind", fit)
            return getattr(fit, what)
        if "mean_s" not in t.values:
            self.fail(f'[{t.label}].mean_s is required with kind = "{kind}" (give mean_s, mean_min or mean_h)')
        if "cv" in t.values and kind != "lognormal":
            self.fail(f'{t.where("cv")} applies to kind = "lognormal" only; got kind = "{kind}"')
        return Distribution(kind, t.values["mean_s"], t.get("cv", 1.0))

    def ivr(self, t: S.Table | None, fit) -> IVR:
        if t is None:
            return IVR.off()
        time = self.distribution(t, fit, "ivr")
        share = t.get("self_service", 0.0)
        if share == S.FITTED:
            self.need_fit(t, "self_service", fit)
            share = fit.ivr_only_share
        if time.is_none and share > 0:
            self.fail(f'{t.where("self_service")} needs an IVR; got kind = "none" and self_service = {share:g}')
        if share >= 1:
            self.fail(f"{t.where('self_service')} must be < 1 (someone must reach the agents); got {share:g}")
        return IVR(time, share)

    # the rest -----------------------------------------------------------------------
    def target(self, t: S.Table | None, lines: S.Table | None) -> ServiceTarget:
        vals = dict(t.values) if t is not None else {}
        if lines is not None and "max_blocking" in lines.values:
            vals["max_blocking"] = lines.values["max_blocking"]
        return ServiceTarget(**vals)

    def hours(self, raw) -> OpeningHours:
        if raw is None:
            return OpeningHours.always()
        names = (*WEEKDAYS, "default")
        days: dict[str, S.Table] = {}
        for key, val in raw.items():
            if key not in names:
                self.fail(S.unknown("key", f"[hours].{key}", key, names))
            if not isinstance(val, dict):
                self.fail(f"[hours].{key} must be a table such as [hours.{key}]; got {S.show(val)}")
            days[key] = S.read_table(self.source, f"hours.{key}", val, S.SCHEMA["hours.<weekday>"])
        missing = [d for d in WEEKDAYS if d not in days]
        if missing and "default" not in days:
            self.fail(
                f"[hours] must give every weekday or [hours.default]; missing {', '.join(missing)} "
                "(write closed = true for a closed day)"
            )
        windows = []
        for d in WEEKDAYS:
            t = days.get(d, days.get("default"))
            if t.get("closed", False):
                for k in ("open", "close"):
                    if k in t.values:
                        self.fail(f"{t.where(k)} is not allowed with closed = true; got {t.raw(k)}")
                windows.append(())
                continue
            for k in ("open", "close"):
                if k not in t.values:
                    self.fail(f"[{t.label}].{k} is required (or closed = true)")
            o, c = t.values["open"], t.values["close"]
            if c <= o:
                self.fail(f"[{t.label}].close must be after open; got open={t.raw('open')}, close={t.raw('close')}")
            windows.append(((o, c),))
        return OpeningHours(tuple(windows))

    def shifts(self, raw) -> tuple[ShiftTemplate, ...]:
        if raw is None:
            return ()
        out = []
        for name, val in raw.items():
            if not isinstance(val, dict):
                self.fail(f"[shifts].{name} must be a table such as [shifts.{name}]; got {S.show(val)}")
            t = S.read_table(self.source, f"shifts.{name}", val, S.SCHEMA["shifts.<name>"])
            out.append(self.shift(name, t))
        return tuple(out)

    def shift(self, name: str, t: S.Table) -> ShiftTemplate:
        if "length_s" not in t.values:
            self.fail(f"[{t.label}].length_s is required (give length_s, length_min or length_h)")
        length = t.values["length_s"]
        if length > DAY:
            self.fail(f"{t.where('length_s')} must be at most 24 h; got {t.raw('length_s')}")
        early = t.get("earliest_start", 0.0)
        late = t.get("latest_start", early)
        if late < early:
            self.fail(
                f"[{t.label}].latest_start must be at or after earliest_start; got earliest_start="
                f"{_hhmm(early)}, latest_start={_hhmm(late)}"
            )
        if "cost" in t.values and "cost_per_hour" in t.values:
            self.fail(f"[{t.label}] gives both cost and cost_per_hour; give one of them")
        cost = t.values.get("cost", t.get("cost_per_hour", 1.0) * length / 3600.0)
        lo, hi = t.get("min_count", 0), t.get("max_count")
        if hi is not None and hi < lo:
            self.fail(f"[{t.label}].max_count must be >= min_count; got min_count={lo}, max_count={hi}")
        breaks = []
        for i, b in enumerate(t.get("breaks", [])):
            bt = S.read_table(self.source, f"{t.label}.breaks[{i}]", b, S.SCHEMA["shifts.<name>.breaks"])
            for k in ("earliest_s", "latest_s", "length_s"):
                if k not in bt.values:
                    self.fail(f"[{bt.label}].{k} is required (give {k}, {k[:-2]}_min or {k[:-2]}_h)")
            ws, we, dur = bt.values["earliest_s"], bt.values["latest_s"], bt.values["length_s"]
            got = ", ".join(f"{bt.written[k]}={bt.raw(k)}" for k in ("earliest_s", "latest_s", "length_s"))
            if ws + dur > we:
                self.fail(f"{bt.where('latest_s')} must be at least earliest + length; got {got}")
            if we > length:
                self.fail(
                    f"{bt.where('latest_s')} must be within the shift "
                    f"({t.where('length_s')} = {t.raw('length_s')}); got {got}"
                )
            breaks.append((ws, we, dur))
        days = t.get("days", tuple(range(7)))
        return ShiftTemplate(
            name=name, length_s=length, earliest_start_s=early, latest_start_s=late,
            start_step_s=t.get("start_step_s", 900.0), cost=cost, breaks=tuple(breaks), days=tuple(days),
            min_count=lo, max_count=hi,
        )  # fmt: skip

    def staffing(self, t: S.Table | None) -> StaffingSettings:
        if t is None:
            return StaffingSettings()
        lo, hi = t.get("min_agents", 0), t.get("max_agents")
        if hi is not None and hi < max(lo, 1):
            self.fail(f"[staffing].max_agents must be >= max(min_agents, 1); got min_agents={lo}, max_agents={hi}")
        return StaffingSettings(**t.values)

    def redials(self, t: S.Table | None, fit) -> Redials:
        if t is None:
            return Redials()
        ab = t.get("abandoned", 0.0)
        if ab == S.FITTED:
            self.need_fit(t, "abandoned", fit)
            ab = fit.redial_after_abandoned if math.isfinite(fit.redial_after_abandoned) else 0.0
        return Redials(
            blocked=t.get("blocked", 0.0),
            blocked_delay=Distribution.exponential(t.get("blocked_delay_s", 300.0)),
            abandoned=ab,
            abandoned_delay=Distribution.exponential(t.get("abandoned_delay_s", 600.0)),
            closed=t.get("closed", 0.0),
            closed_delay=Distribution.exponential(t.get("closed_delay_s", 1800.0)),
            max_attempts=t.get("max_attempts", 10),
        )

    def callbacks(self, t: S.Table | None) -> Callbacks | None:
        if t is None or not t.get("enabled", True):
            return None
        return Callbacks(t.get("threshold_s", 120.0), t.get("accept", 0.5), t.get("reach", 0.9))

    def reserve(self, t: S.Table | None) -> Reserve | None:
        if t is None:
            return None
        return Reserve(t.get("agents", 1.0), t.get("queue_threshold", 3))

    def priority(self, t: S.Table | None) -> PriorityClasses:
        if t is None:
            return PriorityClasses()
        shares = tuple(t.get("shares", (1.0,)))
        heads = tuple(t.get("head_start_s", (0.0,) * len(shares)))
        if len(shares) != len(heads):
            self.fail(
                f"[priority].shares and {t.where('head_start_s')} must have the same length; "
                f"got {len(shares)} and {len(heads)}"
            )
        if not shares:
            self.fail(f"{t.where('shares')} must hold at least one class; got []")
        if abs(sum(shares) - 1.0) > 1e-9:
            self.fail(f"{t.where('shares')} must add up to 1; got {t.raw('shares')} (sum {sum(shares):g})")
        return PriorityClasses(shares, heads)

    def hours_search(self, t: S.Table | None) -> HoursSearch | None:
        if t is None:
            return None
        vals = dict(t.values)
        times = {f"{k}_s": vals.pop(k) for k in ("earliest_open", "latest_open", "earliest_close", "latest_close")
                 if k in vals}  # fmt: skip
        h = HoursSearch(**vals, **times)
        for a, b, strict in (("earliest_open", "latest_open", False), ("earliest_close", "latest_close", False),
                             ("earliest_open", "latest_close", True)):  # fmt: skip
            lo, hi = getattr(h, f"{a}_s"), getattr(h, f"{b}_s")
            if hi < lo or (strict and hi == lo):
                self.fail(
                    f"[hours_search].{b} must be {'after' if strict else 'at or after'} {a}; "
                    f"got {a}={_hhmm(lo)}, {b}={_hhmm(hi)}"
                )
        if not h.weekdays:
            self.fail(f"{t.where('weekdays')} must name at least one day to search; got []")
        if abs(h.step_s - round(h.step_s)) > 1e-9:
            self.fail(f"{t.where('step_s')} must be a whole number of seconds; got {t.raw('step_s')}")
        span = h.latest_close_s - h.earliest_open_s
        if h.min_open_s > span:
            self.fail(
                f"{t.where('min_open_s')} must be at most latest_close - earliest_open ({span / 3600:g} h); "
                f"got {t.raw('min_open_s')}"
            )
        return h


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "scenario"
