"""The config builder: a parsed TOML document in, a `PlanConfig` out, table by table.

Every key is read through the schema (`cxqueue.config.schema`), which checks its type, unit
and bounds; the rules that join several keys are checked here, with messages that name the
file and the ``[table].key``. The ``[demand]`` table is read by `DemandReader`; a multi-skill center
(``[call_types]``, ``[groups]``, ``[routing]``) by `MultiSkillReader` (`build_multiskill`).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np

from cxqueue.config import schema as S
from cxqueue.config.demand import DemandReader, _hhmm, _Missing
from cxqueue.config.multiskill import GRID, MULTISKILL_TABLES, SINGLE_QUEUE_TABLES, SOURCES, MultiSkillReader
from cxqueue.config.types import HoursSearchSettings, OutputSettings, PlanConfig, ValidationSettings
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import (
    IVR,
    WEEKDAYS,
    Callbacks,
    Distribution,
    Forecast,
    OpeningHours,
    PlanSettings,
    PlanWarning,
    PriorityClasses,
    Redials,
    Reserve,
    ServiceTarget,
    ShiftTemplate,
)
from cxqueue.scenario.settings import MAX_AGENTS
from cxqueue.scenario.shifts import MAX_COST
from cxqueue.units import DAY

__all__ = ["Builder"]


class Builder(DemandReader, MultiSkillReader):
    """Turns the parsed TOML document into a PlanConfig, table by table."""

    PLAIN = ("center", "demand", "handle", "patience", "ivr", "lines", "hours_search", "target", "staffing",
             "redials", "callbacks", "reserve", "priority", "simulation", "output", "validation",
             "routing")  # fmt: skip

    def build(self, doc: dict) -> PlanConfig:
        for key, val in doc.items():
            if key not in S.SCHEMA or "." in key:
                self.fail(S.unknown("table", f"[{key}]", key, [t for t in S.SCHEMA if "." not in t]))
            if not isinstance(val, dict):
                self.fail(f"{key} must be a table such as [{key}]; got {S.show(val)} ({S.type_word(val)})")
        if any(k in doc for k in MULTISKILL_TABLES):
            return self.build_multiskill(doc)
        for key in ("channels", "outbound"):
            if key in doc:
                self.fail(f"[{key}] applies to a multi-skill center: give [call_types.NAME] and [groups.NAME] too")
        if "demand" not in doc:
            self.fail("the [demand] table is missing; give [demand] with profile, history, csv or calls")
        # every key is checked before the (slower) demand is read
        t = {n: S.read_table(self.source, n, doc[n], S.SCHEMA[n]) for n in self.PLAIN if n in doc}
        hours, shifts = self.hours(doc.get("hours")), self.shifts(doc.get("shifts"))
        target = self.target(t.get("target"), t.get("lines"))
        lines = t["lines"].get("count") if "lines" in t else None
        settings = self.settings(t.get("staffing"), t.get("simulation"), target, lines)
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
            lines=lines,
            hours=hours,
            redials=self.redials(t.get("redials"), fit),
            callbacks=self.callbacks(t.get("callbacks")),
            reserve=self.reserve(t.get("reserve")),
            priority=self.priority(t.get("priority")),
            target=target,
            day_factor_cv=t["demand"].get("day_factor_cv", self.forecast_day_cv),
            shifts=shifts,
            settings=settings,
            hours_search=hours_search,
            output=OutputSettings(
                folder=Path(out.get("folder", f"plans/{_slug(name)}")),
                formats=tuple(out.get("formats", ("csv", "html", "xlsx"))),
                figures=out.get("figures", True),
            ),
            validation=self.validation(t.get("validation")),
            history_fit=fit,
            notes=tuple(self.notes),
            warnings=tuple(self.warnings),
            cost_unit=center.get("currency", "cost units" if self.costed else "paid hours"),
            start_date=self.forecast_start,
            dated=self.dated_forecast,
        )

    def build_multiskill(self, doc: dict) -> PlanConfig:
        """A multi-skill center: ``PlanConfig.multiskill`` set, ``forecast`` the types' calls pooled."""
        for key in SINGLE_QUEUE_TABLES:
            if key in doc:
                self.fail(
                    f"[{key}] has no multi-skill counterpart yet; remove it, or [call_types], [groups] and [routing] "
                    "to plan a single queue"
                )
        t = {n: S.read_table(self.source, n, doc[n], S.SCHEMA[n]) for n in self.PLAIN if n in doc}
        hours, shifts = self.hours(doc.get("hours")), self.shifts(doc.get("shifts"))
        target = self.target(t.get("target"), None)
        settings = self.settings(None, t.get("simulation"), target, None)
        center, out = t.get("center", S.Table("center", {})), t.get("output", S.Table("output", {}))
        name = center.get("name", Path(self.source).stem if self.source != "<string>" else "scenario")
        demand, fit, what = None, None, ""
        if "demand" in t and any(k in t["demand"].values for k in SOURCES):
            demand, fit, what = self.demand(t["demand"])
            demand = self.scale(demand, t["demand"], IVR.off())
        elif "demand" in t:
            for k in t["demand"].values:
                if k not in (*GRID, "day_factor_cv"):
                    self.fail(
                        f"{t['demand'].where(k)} needs a source in [demand] (profile, history, csv, calls or "
                        "forecast); without one, a multi-skill config takes only interval_s, start, weekday, days "
                        "and day_factor_cv from [demand]"
                    )
        patience = self.distribution(t.get("patience"), fit, "patience")
        ms, pooled = self.multiskill(doc, t, hours, t.get("handle"), patience, target, fit, demand)
        types = ", ".join(ms.type_names)
        return PlanConfig(
            source=self.source,
            name=name,
            description=center.get("description", ""),
            forecast=pooled,
            demand_source=f"{ms.n_types} call types ({types})" + (f" from {what}" if what else ""),
            handle=self.handle(t.get("handle"), pooled, fit),
            patience=patience,
            ivr=IVR.off(),
            lines=None,
            hours=hours,
            redials=Redials(),
            callbacks=None,
            priority=PriorityClasses(),
            target=target,
            day_factor_cv=ms.day_factor_cv,
            settings=settings,
            output=OutputSettings(
                folder=Path(out.get("folder", f"plans/{_slug(name)}")),
                formats=tuple(out.get("formats", ("csv", "json", "html"))),
                figures=out.get("figures", True),
            ),
            history_fit=fit,
            notes=tuple(self.notes),
            warnings=tuple(self.warnings),
            start_date=self.forecast_start,
            dated=self.dated_forecast,
            multiskill=ms,
            shifts=shifts,
            group_planning=self.group_planning(doc["groups"], shifts),
            cost_unit=center.get("currency", "cost units" if self.costed else "paid hours"),
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
        if missing:
            self.warnings.append(
                PlanWarning(
                    "data_fallback",
                    f"validation skipped: {missing}; the plan is not checked against your history",
                    t.where("history"),
                )
            )
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
                    self.fail(f'{t.where(k)} is not used with kind = "{kind}"; remove it; got {t.raw(k)}')
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
            self.fail(
                f"[{t.label}] gives both cost and cost_per_hour; give one of them; got cost = {t.raw('cost')}, "
                f"cost_per_hour = {t.raw('cost_per_hour')}"
            )
        cost = t.values.get("cost", t.get("cost_per_hour", 1.0) * length / 3600.0)
        if cost > MAX_COST:
            k = "cost" if "cost" in t.values else "cost_per_hour"
            self.fail(f"{t.where(k)} must make a shift cost at most {MAX_COST:g}; got {t.raw(k)} ({cost:g} a shift)")
        self.costed = self.costed or "cost" in t.values or "cost_per_hour" in t.values
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
        try:
            return ShiftTemplate(
                name=name, length_s=length, earliest_start_s=early, latest_start_s=late,
                start_step_s=t.get("start_step_s", 900.0), cost=cost, breaks=tuple(breaks), days=tuple(days),
                min_count=lo, max_count=hi,
            )  # fmt: skip
        except ConfigError as exc:  # the template's own rule, said under the table that wrote it
            self.fail(f"[{t.label}]: {exc}")

    def settings(self, staffing: S.Table | None, simulation: S.Table | None, target, lines) -> PlanSettings:
        """`PlanSettings` from ``[staffing]`` and ``[simulation]`` (keys left out keep its defaults)."""
        vals = {**(staffing.values if staffing else {}), **(simulation.values if simulation else {})}
        lo, hi = vals.get("min_agents", 0), vals.get("max_agents")
        if lo > MAX_AGENTS:
            self.fail(f"{staffing.where('min_agents')} must be <= {MAX_AGENTS:,}; got {staffing.raw('min_agents')}")
        if hi is not None and hi < max(lo, 1):
            self.fail(f"[staffing].max_agents must be >= max(min_agents, 1); got min_agents={lo}, max_agents={hi}")
        return PlanSettings(**vals, line_blocking=target.max_blocking, lines=lines)

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

    def hours_search(self, t: S.Table | None) -> HoursSearchSettings | None:
        if t is None:
            return None
        vals = dict(t.values)
        times = {f"{k}_s": vals.pop(k) for k in ("earliest_open", "latest_open", "earliest_close", "latest_close")
                 if k in vals}  # fmt: skip
        h = HoursSearchSettings(**vals, **times)
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
