"""How `cxqueue.config` reads a multi-skill center: ``[call_types.*]``, ``[groups.*]``, ``[routing]``.

A config with these tables becomes a `cxqueue.scenario.MultiSkillScenario`
(`PlanConfig.multiskill`); its ``forecast`` is then the types' calls pooled (the sum per
interval, AHT weighted by calls), for what looks at the demand as a whole. ``[demand]``
gives the interval grid (``interval_s``, ``start``, ``weekday``, ``days``) that the types'
inline ``calls`` and CSVs are read on, and, when it names a source, the calls that types
given by ``share`` divide. ``[handle]`` and ``[patience]`` are the defaults of every type,
``[target]`` the default of each type's own ``target``, ``[hours]`` the center's opening.

Errors name the file, the ``[table].key`` as written, the rule and the value; the rules
the scenario types check themselves (`CallType`, `AgentGroup`, `Routing`) come back with
their keys spelled as the config writes them (``[routing].type_groups.retail``).
"""

from __future__ import annotations

import difflib
import re

import numpy as np

from cxqueue.config import schema as S
from cxqueue.config.types import GroupPlanning
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import (
    AgentGroup,
    CallType,
    Distribution,
    Forecast,
    MultiSkillScenario,
    OpeningHours,
    Routing,
    ServiceTarget,
    Transfer,
)
from cxqueue.scenario.channels import DEFERRED, Chat, Dialer, Outbound

__all__ = ["MULTISKILL_TABLES", "SINGLE_QUEUE_TABLES", "MultiSkillReader"]

#: the tables that make a config a multi-skill center
MULTISKILL_TABLES = ("call_types", "groups", "routing")
#: tables of the single-queue model that have no multi-skill counterpart yet
SINGLE_QUEUE_TABLES = ("ivr", "lines", "redials", "callbacks", "reserve", "priority", "staffing", "hours_search",
                       "validation")  # fmt: skip
#: the tables of [channels]
CHANNEL_TABLES = ("chat", "email")
# the [demand] keys that place the types' calls on the grid
GRID = ("interval_s", "start", "weekday", "days")
SOURCES = ("profile", "history", "csv", "calls", "forecast")


class _TypeDemand(S.Table):
    """A type's ``calls`` or ``csv`` with the grid keys of ``[demand]``: each named where it was written."""

    def where(self, name: str) -> str:
        if name in GRID:
            return f"[demand].{self.written.get(name, name)}"
        return super().where(name)


def _config_keys(message: str) -> str:
    """The scenario types' key names (``routing.type_groups.x``) as a config writes them."""
    message = re.sub(r"(?<!\[)\b(call_types|groups)\.([^.\s,:()]+)\.([a-z_]+)", r"[\1.\2].\3", message)
    return re.sub(r"(?<![\[.\w])routing\.([a-z_]+)", r"[routing].\1", message)


class MultiSkillReader:
    """The multi-skill part of the config builder (mixed into `cxqueue.config.builder.Builder`)."""

    def multiskill(self, doc: dict, t: dict, hours: OpeningHours, handle_t, patience: Distribution,
                   target: ServiceTarget, fit, demand: Forecast | None):  # fmt: skip
        """The `MultiSkillScenario` of ``doc`` and its pooled `Forecast`.

        ``t`` holds the plain tables read through the schema, ``demand`` the forecast of a
        ``[demand]`` that names a source (None when it only sets the grid).
        """
        for name in ("call_types", "groups"):
            if name not in doc or not doc[name]:
                got = ", ".join(f"[{k}]" for k in MULTISKILL_TABLES if doc.get(k))
                self.fail(
                    f"[{name}] is missing: a multi-skill config gives its call types in [call_types.NAME] and its "
                    f"agent groups in [groups.NAME]; got {got or 'empty tables'} without [{name}.NAME]"
                )
        pairs = self.call_types(doc["call_types"], t.get("demand"), handle_t, patience, target, fit, demand,
                                channels=doc.get("channels"))  # fmt: skip
        types, targets = [p[0] for p in pairs], {p[0].name: p[1] for p in pairs}
        pooled = _pooled(types)
        is_open = hours.open_mask(pooled.interval_starts_s, pooled.interval_s)
        groups = self.groups(doc["groups"], types, is_open, t.get("demand") if demand is None else None)
        routing = self.routing(t.get("routing"), types, groups)
        cv = t["demand"].get("day_factor_cv", 0.0) if "demand" in t else 0.0
        chat, dialer = self.chat(doc, groups), self.dialer(doc)
        try:
            ms = MultiSkillScenario(types, groups, routing, hours=hours, target=targets,
                                    day_factor_cv=cv, chat=chat, dialer=dialer)  # fmt: skip
        except ConfigError as exc:
            self.fail(_config_keys(str(exc)))
        return ms, pooled

    # call types ------------------------------------------------------------------------
    def call_types(self, raw, demand_t, handle_t, patience, target, fit, demand, *, channels=None) -> list:
        """``(CallType, ServiceTarget)`` per ``[call_types.NAME]``, in the config's order (``channels``:
        the raw ``[channels]`` table, for the email types' default due time)."""
        out, shares = [], []
        for name, val in self._named("call_types", raw):
            tt = S.read_table(self.source, f"call_types.{name}", val, S.SCHEMA["call_types.<name>"])
            given = [k for k in ("calls", "csv", "share") if k in tt.values]
            if len(given) != 1:
                got = "none" if not given else ", ".join(tt.where(k) for k in given)
                self.fail(f"[call_types.{name}] needs exactly one of calls, csv or share; got {got}")
            if given[0] == "share":
                if demand is None:
                    self.fail(
                        f"{tt.where('share')} is a share of the calls of [demand], which names none: give [demand] "
                        f"a profile, history, csv, calls or forecast, or give the type its own calls or csv"
                    )
                shares.append((tt.where("share"), tt.values["share"]))
                aht = tt.values.get("aht_s", demand.aht_s)
                f = Forecast(demand.calls * tt.values["share"], aht, interval_s=demand.interval_s,
                             start_s=demand.start_s)  # fmt: skip
            else:
                f = self._type_forecast(tt, given[0], demand_t)
            kind, cv = self._handle(tt, handle_t, fit)
            mean = float(np.mean(f.aht_s))
            t_target = target
            if "target" in tt.values:
                own = S.read_table(self.source, f"call_types.{name}.target", tt.values["target"], S.SCHEMA["target"])
                t_target = ServiceTarget(**{**target.to_dict(), **own.values})
            if out and f.n_intervals != out[0][0].n_intervals:
                first = out[0][0]
                self.fail(
                    f"{tt.where(given[0])} must give one value per interval of the grid ({first.n_intervals}, as "
                    f"[call_types.{first.name}]); got {f.n_intervals}"
                )
            deferred = tt.get("channel", "voice") in DEFERRED  # never abandoned: [patience] is not theirs
            own_patience = self._patience(tt, Distribution.none() if deferred else patience)
            due, transfer, outbound = self._due(channels, tt), self._transfer(tt), self._outbound(tt)
            try:
                ct = CallType(name, f, handle=Distribution(kind, mean, cv), patience=own_patience,
                              priority=tt.get("priority", 0), transfer=transfer,
                              channel=tt.get("channel", "voice"), due_s=due, outbound=outbound)  # fmt: skip
            except ConfigError as exc:
                self.fail(_config_keys(str(exc)))
            out.append((ct, t_target))
        total = sum(s for _, s in shares)
        if total > 1 + 1e-9:
            got = ", ".join(f"{w} = {s:g}" for w, s in shares)
            self.fail(f"the shares of [demand] must add up to at most 1; got {got} (sum {total:g})")
        return out

    # channels and transfers (issue 13) ------------------------------------------------------
    def chat(self, doc: dict, groups: list) -> Chat:
        """`Chat` from ``[channels.chat]`` (the default concurrency, stretch) and each
        ``[groups.NAME].concurrency`` (already checked by the schema when the groups were read)."""
        raw = doc.get("channels") or {}
        for name, _ in self._named("channels", raw):
            if name not in CHANNEL_TABLES:
                self.fail(S.unknown("table", f"[channels.{name}]", name, CHANNEL_TABLES))
        ct = S.read_table(self.source, "channels.chat", raw.get("chat", {}), S.SCHEMA["channels.chat"])
        default = ct.get("concurrency", 1)
        own = {g: val["concurrency"] for g, val in doc["groups"].items() if "concurrency" in val}
        return Chat({g.name: int(own.get(g.name, default)) for g in groups}, stretch=ct.get("stretch", 0.0))

    def _due(self, raw_channels, tt: S.Table) -> float | None:
        """An email type's ``due_s``: its own, else ``[channels.email].due_s``, else None (a day)."""
        if "due_s" in tt.values or tt.get("channel", "voice") != "email":  # outbound: a day unless given
            return tt.values.get("due_s")
        et = S.read_table(self.source, "channels.email", (raw_channels or {}).get("email", {}),
                          S.SCHEMA["channels.email"])  # fmt: skip
        return et.values.get("due_s")

    def dialer(self, doc: dict) -> Dialer:
        """`Dialer` from ``[outbound]`` (reach, attempt_s)."""
        ot = S.read_table(self.source, "outbound", doc.get("outbound") or {}, S.SCHEMA["outbound"])
        return Dialer(reach=ot.get("reach", 1.0), attempt_s=ot.get("attempt_s", 30.0))

    def _outbound(self, tt: S.Table) -> Outbound | None:
        """``[call_types.NAME].outbound = { to = "type", share = 0.2, delay_h = 24 }`` as an `Outbound`."""
        if "outbound" not in tt.values:
            return None
        raw, where = tt.values["outbound"], tt.where("outbound")
        units = {"delay_s": 1.0, "delay_min": 60.0, "delay_h": 3600.0}
        extra = sorted(set(raw) - {"to", "share", *units})
        if extra:
            self.fail(f"{where} has unknown key {S.show(extra[0])}: give `to`, `share` and `delay_s` (or _min, _h)")
        for k in ("to", "share"):
            if k not in raw:
                self.fail(f'{where}.{k} is required: {where} = {{ to = "checkin", share = 0.2, delay_h = 24 }}')
        if not isinstance(raw["to"], str) or not raw["to"]:
            self.fail(f"{where}.to must be the name of a call type; got {S.show(raw['to'])}")
        share = raw["share"]
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            self.fail(f"{where}.share must be a fraction in [0, 1]; got {S.show(share)}")
        delay = 0.0
        for k, f in units.items():
            if k in raw:
                x = raw[k]
                if isinstance(x, bool) or not isinstance(x, int | float) or not 0 <= x < float("inf"):
                    self.fail(f"{where}.{k} must be a number >= 0; got {S.show(x)}")
                delay = float(x) * f
        return Outbound(raw["to"], float(share), delay_s=delay)

    def _transfer(self, tt: S.Table) -> Transfer | None:
        """``[call_types.NAME].transfer = { to = "type", share = 0.1 }`` (share: a number or a table
        of group to number) as a `Transfer`; the center checks the names and the circles."""
        if "transfer" not in tt.values:
            return None
        raw, where = tt.values["transfer"], tt.where("transfer")
        extra = sorted(set(raw) - {"to", "share"})
        if extra:
            self.fail(f"{where} has unknown key {S.show(extra[0])}: give `to` and `share`")
        for k in ("to", "share"):
            if k not in raw:
                self.fail(f'{where}.{k} is required: {where} = {{ to = "type", share = 0.1 }}')
        to, share = raw["to"], raw["share"]
        if not isinstance(to, str) or not to:
            self.fail(f"{where}.to must be the name of a call type; got {S.show(to)}")
        items = share.items() if isinstance(share, dict) else [(None, share)]
        for g, x in items:
            key = f"{where}.share" + ("" if g is None else f".{g}")
            if isinstance(x, bool) or not isinstance(x, int | float) or not 0 <= x <= 1:
                self.fail(f"{key} must be a fraction in [0, 1]; got {S.show(x)}")
        return Transfer(to, dict(share) if isinstance(share, dict) else float(share))

    def _type_forecast(self, tt: S.Table, kind: str, demand_t) -> Forecast:
        if kind == "calls" and "aht_s" not in tt.values:
            self.fail(f"[{tt.label}].aht_s is required with calls (give aht_s, aht_min or aht_h)")
        td = _TypeDemand(tt.label, {})
        for src, keys in ((demand_t, GRID), (tt, (kind, "aht_s"))):
            for k in keys:
                if src is not None and k in src.values:
                    td.values[k], td.written[k], td.raws[k] = src.values[k], src.written[k], src.raws[k]
                    td.kinds[k] = src.kinds[k]
        f, _, _ = self.demand(td)
        return f

    def _handle(self, tt: S.Table, handle_t, fit) -> tuple[str, float]:
        kind, cv = "exponential", 1.0
        if handle_t is not None:
            kind, cv = handle_t.get("kind", "exponential"), handle_t.get("cv", 1.0)
            if kind == S.FITTED:
                self.need_fit(handle_t, "kind", fit)
                kind, cv = fit.handle.kind, fit.handle.cv
        if "handle_kind" in tt.values:
            kind, cv = tt.values["handle_kind"], 1.0
        if "handle_cv" in tt.values:
            if kind != "lognormal":
                self.fail(f'{tt.where("handle_cv")} applies to lognormal handle times only; got kind "{kind}"')
            cv = tt.values["handle_cv"]
        return kind, cv

    def _patience(self, tt: S.Table, default: Distribution) -> Distribution:
        own = [k for k in ("patience_kind", "patience_s", "patience_cv") if k in tt.values]
        if not own:
            return default
        kind = tt.get("patience_kind", "exponential")
        if kind == "none":
            for k in own[1:] if own[0] == "patience_kind" else own:
                self.fail(f'{tt.where(k)} is not used with patience_kind = "none"; remove it')
            return Distribution.none()
        if "patience_s" not in tt.values:
            self.fail(f'[{tt.label}].patience_s is required with patience_kind = "{kind}" (give patience_s, '
                      "patience_min or patience_h)")  # fmt: skip
        if "patience_cv" in tt.values and kind != "lognormal":
            self.fail(f'{tt.where("patience_cv")} applies to patience_kind = "lognormal" only; got "{kind}"')
        return Distribution(kind, tt.values["patience_s"], tt.get("patience_cv", 1.0))

    # groups -------------------------------------------------------------------------------
    def groups(self, raw, types: list, is_open: np.ndarray, grid_t) -> list:
        """The `AgentGroup` of each ``[groups.NAME]``; an array of agents is placed on the grid of
        ``grid_t`` (the ``[demand]`` without a source: with ``days``, one day's pattern) as calls are."""
        names = [k.name for k in types]
        out = []
        for name, val in self._named("groups", raw):
            gt = S.read_table(self.source, f"groups.{name}", val, S.SCHEMA["groups.<name>"])
            if "skills" not in gt.values:
                self.fail(
                    f'[groups.{name}].skills is required: the call types its agents answer, e.g. skills = ["retail"]'
                )
            skills = gt.values["skills"]
            if not skills:
                self.fail(f"{gt.where('skills')} must name at least one call type; got [] (a group with no skills)")
            for s in skills:
                if s not in names:
                    self.fail(f"{gt.where('skills')} names {S.show(s)}, which is not a call type {_suggest(s, names)}")
            agents = gt.values.get("agents", 0.0)  # none given: cxqueue plan plans them, cxqueue simulate refuses
            if isinstance(agents, tuple) and grid_t is not None and agents:
                td = _TypeDemand(gt.label, {"calls": agents, "aht_s": 1.0}, {"calls": "agents"}, {"calls": agents})
                td.kinds["calls"] = "numbers"
                for k in GRID:
                    if k in grid_t.values:
                        td.values[k], td.written[k], td.raws[k] = grid_t.values[k], grid_t.written[k], grid_t.raws[k]
                        td.kinds[k] = grid_t.kinds[k]
                agents = tuple(self.demand(td)[0].calls)
            if isinstance(agents, tuple):
                if len(agents) != is_open.size:
                    self.fail(
                        f"{gt.where('agents')} must hold one value per interval ({is_open.size}) or be one number; "
                        f"got {len(agents)} values"
                    )
                agents = np.asarray(agents, dtype=np.float64)
            else:
                agents = np.where(is_open, agents, 0.0)
            factors = gt.get("handle_factor", {})
            for k, f in factors.items():
                if k not in skills:
                    self.fail(
                        f"{gt.where('handle_factor')} names {S.show(k)}, which is not among the group's skills "
                        f"({gt.where('skills')} = {S.show(list(skills))})"
                    )
                if isinstance(f, bool) or not isinstance(f, int | float) or not 0 < f < float("inf"):
                    self.fail(f"{gt.where('handle_factor')}.{k} must be a number > 0; got {S.show(f)}")
            try:
                out.append(AgentGroup(name, skills, agents, handle_factor=dict(factors)))
            except ConfigError as exc:
                self.fail(_config_keys(str(exc)))
        served = {s for g in out for s in g.skills}
        for k in names:
            if k not in served:
                skills = "; ".join(f"[groups.{g.name}].skills = {S.show(list(g.skills))}" for g in out)
                self.fail(
                    f"[call_types.{k}] is among no group's skills, so no group can serve it ({skills}): add "
                    f"{S.show(k)} to a group's skills or remove the type"
                )
        return out

    # shifts and cost per group (cxqueue plan) ---------------------------------------------------
    def group_planning(self, raw, templates: tuple) -> GroupPlanning:
        """Each ``[groups.NAME]``'s shift templates (``shifts``: names of ``[shifts.NAME]`` tables, default
        all of them) and ``cost`` factor (default 1), for `cxqueue.plan.multiskill_plan`."""
        known = [t.name for t in templates]
        by_name = {t.name: t for t in templates}
        own, cost, unstaffed = {}, {}, []
        for name, val in self._named("groups", raw):
            gt = S.read_table(self.source, f"groups.{name}", val, S.SCHEMA["groups.<name>"])
            names = gt.values.get("shifts", tuple(known))
            if "shifts" in gt.values and not names:
                self.fail(f"{gt.where('shifts')} must name at least one [shifts.NAME] template; got []")
            for k in names:
                if k not in by_name:
                    where = f"{gt.where('shifts')} names {S.show(k)}, which is not a [shifts.NAME] table"
                    self.fail(f"{where} {_suggest(k, known)}" if known else f"{where}: the config has no [shifts]")
            own[name] = tuple(by_name[k] for k in dict.fromkeys(names))
            cost[name] = float(gt.values.get("cost", 1.0))
            if "agents" not in gt.values:
                unstaffed.append(name)
        return GroupPlanning(own, cost, tuple(unstaffed))

    # routing ------------------------------------------------------------------------------
    def routing(self, rt, types: list, groups: list) -> Routing:
        if rt is None:
            return Routing()
        tnames, gnames = [k.name for k in types], [g.name for g in groups]
        tg, gt = rt.get("type_groups", {}), rt.get("group_types", {})
        delays = rt.get("delays_s", {})
        for key, table, first, second in (("type_groups", tg, tnames, gnames), ("group_types", gt, gnames, tnames),
                                          ("delays_s", delays, tnames, gnames)):  # fmt: skip
            where = rt.where(key)
            for k, items in table.items():
                if k not in first:
                    kind = "group" if first is gnames else "call type"
                    self.fail(S.unknown(kind, f"{where}.{k}", k, first))
                if key == "delays_s":
                    items = list(items)
                elif isinstance(items, str):
                    items = [items]
                elif not isinstance(items, list):
                    self.fail(f"{where}.{k} must be an array of names; got {S.show(items)}")
                flat = [x for i in items for x in (i if isinstance(i, list) and key == "group_types" else [i])]
                for x in flat:
                    kind = "group" if second is gnames else "call type"
                    if not isinstance(x, str):
                        self.fail(f"{where}.{k} must hold {kind} names; got {S.show(x)}")
                    if x not in second:
                        self.fail(S.unknown(kind, f"{where}.{k} = {S.show(x)}", x, second))
        gt = {g: [tuple(x) if isinstance(x, list) else x for x in lv] if isinstance(lv, list) else lv
              for g, lv in gt.items()}  # fmt: skip
        try:
            return Routing(tg, gt, rt.get("agent_choice", "longest_idle"), rt.get("call_choice", "priority"), delays)
        except ConfigError as exc:
            self.fail(_config_keys(str(exc)))

    def _named(self, table: str, raw):
        """The ``[table.NAME]`` sub-tables of ``raw``, checked to be tables."""
        for name, val in raw.items():
            if not isinstance(val, dict):
                self.fail(f"[{table}].{name} must be a table such as [{table}.{name}]; got {S.show(val)}")
            yield name, val


def _suggest(name: str, known) -> str:
    """``(did you mean x?)``, or the known names when none is close."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"(did you mean {S.show(close[0])}?)" if close else f"(known: {', '.join(map(S.show, known))})"


def _pooled(types: list) -> Forecast:
    """The types' calls summed per interval, AHT weighted by calls (the plain mean where none call)."""
    calls = np.sum([k.calls for k in types], axis=0)
    aht = np.stack([k.aht_s for k in types])
    w = np.stack([k.calls for k in types])
    mean = np.where(calls > 0, (aht * w).sum(axis=0) / np.where(calls > 0, calls, 1.0), aht.mean(axis=0))
    interval_s, start_s = types[0].grid if types[0].grid is not None else (900.0, 0.0)
    return Forecast(calls, mean, interval_s=interval_s, start_s=start_s)
