"""How `cxqueue.config` turns the ``[demand]`` table into a Forecast.

A shipped profile (`cxqueue.data.load_profile`), history files (`cxqueue.data.read_history`
then `fit_history` or `estimate_forecast`; ``$CXQUEUE_DATA`` expanded; a fallback profile
when the files are missing), a CSV with a ``calls`` column (its rows placed by their time
column when it has one, `cxqueue.data.IntervalTable.times`), or inline ``calls``; with
``days``, a one-day pattern repeated over the week. Counts are calls offered to agents;
`DemandReader.scale` turns them into calls entering the IVR.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from cxqueue.config import schema as S
from cxqueue.config.types import DatedForecast
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import IVR, WEEKDAYS, Forecast, PlanWarning
from cxqueue.scenario.demand import MAX_AHT_S, MAX_CALLS
from cxqueue.units import DAY

__all__ = ["MIN_INTERVAL_S", "DemandReader"]

MIN_INTERVAL_S = 60.0  # the shortest planning interval (shift starts step by a minute at least)


class _Missing(Exception):
    """A history file that is not there (a fallback profile may stand in)."""


def _hhmm(s: float) -> str:
    return f"{int(s // 3600):02d}:{int(s % 3600 // 60):02d}"


class DemandReader:
    """The ``[demand]`` part of the config builder; `fail` names the config file.

    >>> f, fit, what = DemandReader("x.toml", Path(".")).demand(
    ...     S.read_table("x.toml", "demand", {"calls": [1, 2], "aht_min": 3}, S.SCHEMA["demand"]))
    >>> f.aht_s.tolist(), fit, what
    ([180.0, 180.0], None, '2 intervals inline')
    """

    def __init__(self, source: str, base: Path):
        self.source, self.base = source, base
        self.notes: list[str] = []
        self.warnings: list[PlanWarning] = []  # what makes the plan doubtful (shown before it)
        self.costed = False  # a [shifts] table sets cost or cost_per_hour
        self.forecast_day_cv = 0.0  # the day factor's variation a [demand].forecast brings to the simulation
        self.forecast_start: str | None = None  # the first day of a dated plan (ISO)
        self.dated_forecast = None  # a DatedForecast: what a dated plan's promise is checked against

    def fail(self, msg: str):
        raise ConfigError(f"{self.source}: {msg}")

    def demand(self, t: S.Table):
        given = [k for k in ("profile", "history", "csv", "calls", "forecast") if k in t.values]
        if len(given) != 1:
            got = "none" if not given else ", ".join(t.where(k) for k in given)
            self.fail(f"[demand] needs exactly one of profile, history, csv, calls or forecast; got {got}")
        if not MIN_INTERVAL_S <= t.get("interval_s", 900.0) <= DAY:
            # a unit slip (interval_s = 1e-9 repeated over [demand].days asked for 4 PiB), not a planning interval
            rule = "must be from a minute to a day (60 to 86400 s)"
            self.fail(f"{t.where('interval_s')} {rule}; got {t.raw('interval_s')}")
        if t.get("aht_s", 0.0) > MAX_AHT_S:  # said here with the key as written, not as seconds of a Forecast
            self.fail(
                f"{t.where('aht_s')} must be at most a day (86400 s); got {t.raw('aht_s')} "
                f"({t.values['aht_s']:g} s): milliseconds, or seconds in aht_min or aht_h?"
            )
        kind = given[0]
        if "fallback_profile" in t.values and kind != "history":
            self.fail(f"{t.where('fallback_profile')} is only used with [demand].history; got {t.where(kind)}")
        for k in ("start", "weekday", "days"):
            if k in t.values and kind not in ("calls", "csv"):
                self.fail(f"{t.where(k)} applies to [demand].calls or [demand].csv only; got {t.where(kind)}")
        if kind == "profile":
            return self.profile(t, t.values["profile"], "profile")
        if kind == "history":
            return self.history(t)
        if kind == "forecast":
            return self.dated(t)
        interval_s, start = t.get("interval_s", 900.0), t.get("start", 0.0)
        weekday = WEEKDAYS.index(t.get("weekday", "monday"))
        if kind == "calls":
            calls = np.asarray(t.values["calls"], dtype=np.float64)
            if calls.size == 0:
                self.fail(f"{t.where('calls')} must hold at least one interval; got []")
            if calls.max() > MAX_CALLS:  # said with the key, not as a Forecast's "calls"
                i = int(np.argmax(calls > MAX_CALLS))
                self.fail(
                    f"{t.where('calls')} must be at most {MAX_CALLS:.0e} per interval; got "
                    f"{S.show(t.raws['calls'][i])} at index {i}"
                )
            if "aht_s" not in t.values:
                self.fail("[demand].aht_s is required with [demand].calls (give aht_s, aht_min or aht_h)")
            aht, what = t.values["aht_s"], f"{calls.size} intervals inline"
        else:
            calls, aht, what, placed = self.csv(t)
            if placed is not None:  # the rows' own times
                interval_s, start, weekday = placed[0], placed[1], placed[2] if placed[2] is not None else weekday
        if "days" in t.values:
            return self.week(t, np.asarray(calls, dtype=np.float64), aht, interval_s, start), None, what
        forecast = Forecast(calls=calls, aht_s=aht, interval_s=interval_s, start_s=weekday * DAY + start)
        return forecast, None, what

    def dated(self, t: S.Table):
        """``[demand].forecast``: dated days from `start`, forecast from a history, staffed by the policy."""
        from cxqueue.forecast import fit
        from cxqueue.forecast.run import read_interval_history

        ft = S.read_table(self.source, "demand.forecast", t.values["forecast"], S.SCHEMA["demand.forecast"])
        for k in ("history", "start"):
            if k not in ft.values:
                self.fail(f"{ft.where(k)} is required")
        try:
            paths = [self.resolve(ft, "history", x) for x in ft.values["history"]]
        except _Missing as exc:
            self.fail(str(exc))
        for x, path in zip(ft.values["history"], paths, strict=True):
            if not path.is_file():
                self.fail(f"{ft.where('history')} file not found: {path} (from {S.show(x)})")
        interval_s = t.get("interval_s", 900.0)
        h = read_interval_history(paths)
        if interval_s != h.interval_s:
            if interval_s < h.interval_s or abs(interval_s / h.interval_s - round(interval_s / h.interval_s)) > 1e-9:
                self.fail(
                    f"{t.where('interval_s')} must be a multiple of the history's interval ({h.interval_s:g} s) to "
                    f"sum it; got {t.raw('interval_s')}"
                )
            h = h.aggregate(interval_s, partial="drop")
        start = np.datetime64(ft.values["start"], "D")
        weeks = int(ft.get("weeks", 1))
        self.forecast_start = str(start)
        special = {str(d): "special" for d in ft.get("special_days", ())}
        special.update({str(d): "closed" for d in ft.get("closed_days", ())})
        fc = fit(h, method=ft.get("method", "auto"), special_days=special).forecast(start=start, days=7 * weeks)
        policy, p = ft.get("policy", "mean"), float(ft.get("p", 0.9))
        cv = fc.day_factor_cv
        if policy == "expected":  # the simulation draws the forecast's day factor: the plan meets the mean SL
            self.forecast_day_cv = cv
        if fc.aht_s is None and "aht_s" not in t.values:
            self.fail("[demand].aht_s is required with [demand].forecast: the history has no handle times")
        grid = {"start": start, "days": 7 * weeks, "aht_s": t.values.get("aht_s")}
        f = fc.to_forecast(**grid, day_factor_q=p if policy == "quantile" else None)
        weekday = int((start.astype(np.int64) + 3) % 7)
        last = start + np.timedelta64(7 * weeks - 1, "D")
        promise = {
            "quantile": f"staffed for the day factor's {p:g}-quantile: the target holds in each interval on about "
            f"{p:.0%} of days; the calls below, and the simulation's check, are those of a day that busy",
            "expected": "staffed so that the service level averaged over busy and quiet days meets the target: the "
            f"simulation draws a day factor per day (cv {self.forecast_day_cv:.3f}, from the forecast)",
            "mean": "staffed for the mean forecast: the target holds on an average day, not on busy ones",
        }[policy]
        self.notes.append(
            f"dated plan {start} ({WEEKDAYS[weekday]}) .. {last}: {fc.method} forecast from {h.n_days} days of "
            f"{h.source}; {promise}"
        )
        self.notes.extend(n for n in h.notes[-1:] if n.startswith("summed to"))  # calls the grid left out
        where = "[demand].forecast.history"
        self.warnings.extend(PlanWarning("forecast_history", f"the forecast: {w}", where) for w in fc.warnings)
        self.dated_forecast = DatedForecast(
            policy=policy, p=p if policy == "quantile" else None, day_factor_cv=cv,
            mean_calls=fc.to_forecast(**grid).calls, history_days=int(h.n_days),
        )  # fmt: skip
        return f, None, f"forecast {start} .. {last} ({fc.method}, {policy})"

    def week(self, t: S.Table, calls: np.ndarray, aht, interval_s: float, start: float) -> Forecast:
        """One week from Monday 00:00 with the one-day pattern, from `start` (seconds of the day), on ``days``."""
        if "weekday" in t.values:
            self.fail(
                f"give {t.where('weekday')} or {t.where('days')}, not both; got weekday = {t.raw('weekday')}, "
                f"days = {t.raw('days')}"
            )
        per_day = DAY / interval_s
        if abs(per_day - round(per_day)) > 1e-9:
            self.fail(
                f"{t.where('interval_s')} must divide a day (86400 s) to use [demand].days; got {t.raw('interval_s')}"
            )
        if abs(start / interval_s - round(start / interval_s)) > 1e-9:
            where = t.where("start") if "start" in t.values else "the first interval's start"
            self.fail(f"{where} must fall on the interval grid to use [demand].days; got {_hhmm(start)}")
        per_day, first = round(per_day), round(start / interval_s)
        if first + calls.size > per_day:
            self.fail(
                f"[demand] with days: the pattern must fit in one day; {calls.size} intervals of {interval_s:g} s "
                f"from {_hhmm(start)} run past midnight"
            )
        aht = np.broadcast_to(np.asarray(aht, dtype=np.float64), calls.shape)
        mean = float(np.average(aht, weights=calls)) if calls.sum() > 0 else float(aht.mean())
        week_calls, week_aht = np.zeros(7 * per_day), np.full(7 * per_day, mean)
        for d in t.values["days"]:
            i = d * per_day + first
            week_calls[i : i + calls.size] = calls
            week_aht[i : i + calls.size] = aht
        return Forecast(calls=week_calls, aht_s=week_aht, interval_s=interval_s, start_s=0.0)

    def profile(self, t: S.Table, name: str, key: str):
        from cxqueue.data import available_profiles, load_profile

        if name not in available_profiles():
            names = ", ".join(f'"{n}"' for n in available_profiles())
            self.fail(f"{t.where(key)} must be a profile shipped with cxqueue ({names}); got {S.show(name)}")
        fit = load_profile(name)
        if "interval_s" in t.values and t.values["interval_s"] != fit.forecast.interval_s:
            self.fail(
                f"{t.where('interval_s')} must be {fit.forecast.interval_s:g} s (the interval of profile "
                f'"{name}") or unset; got {t.raw("interval_s")}'
            )
        return self.with_aht(t, fit.forecast), fit, fit.source

    def with_aht(self, t: S.Table, f: Forecast) -> Forecast:
        if "aht_s" not in t.values:
            return f
        return Forecast(calls=f.calls, aht_s=t.values["aht_s"], interval_s=f.interval_s, start_s=f.start_s)

    def resolve(self, t: S.Table, key: str, text: str) -> Path:
        """The path `text` of `key`: ``$CXQUEUE_DATA`` expanded (a relative value from the working
        directory), then a relative path from the config's folder."""
        if "$CXQUEUE_DATA" in text or "${CXQUEUE_DATA}" in text:
            root = os.environ.get("CXQUEUE_DATA")
            if not root:
                raise _Missing(
                    f"{t.where(key)} uses $CXQUEUE_DATA but that environment variable is not set; set it to the "
                    f"folder holding the data (e.g. ../shared/data); got {S.show(text)}"
                )
            # a relative $CXQUEUE_DATA is the shell's (CXQUEUE_DATA=../shared/data cxqueue plan ...): from the
            # working directory, not from the config's folder
            root = os.path.abspath(os.path.expanduser(root))
            text = text.replace("${CXQUEUE_DATA}", root).replace("$CXQUEUE_DATA", root)
        p = Path(text).expanduser()
        return p if p.is_absolute() else self.base / p

    def history(self, t: S.Table):
        from cxqueue.data import concat_histories, estimate_forecast, fit_history, read_history
        from cxqueue.data.history import CallHistory

        try:
            paths = [self.resolve(t, "history", s) for s in t.values["history"]]
            for s, p in zip(t.values["history"], paths, strict=True):
                if not p.is_file():
                    raise _Missing(f"{t.where('history')} file not found: {p} (from {S.show(s)})")
        except _Missing as exc:
            if "fallback_profile" not in t.values:
                self.fail(str(exc) + "; or add [demand].fallback_profile")
            self.warnings.append(
                PlanWarning(
                    "data_fallback",
                    f"{exc}; the plan uses the shipped profile {t.values['fallback_profile']!r} instead, not your "
                    "history",
                    t.where("history"),
                )
            )
            return self.profile(t, t.values["fallback_profile"], "fallback_profile")
        interval_s = t.get("interval_s", 900.0)
        try:
            hs = [read_history(p) for p in paths]
            if all(isinstance(h, CallHistory) for h in hs):
                fit = fit_history(concat_histories(hs) if len(hs) > 1 else hs[0], interval_s=interval_s)
                return self.with_aht(t, fit.forecast), fit, f"history {' + '.join(p.name for p in paths)}"
            if len(hs) > 1:
                self.fail(f"{t.where('history')} may list several call logs, but only one interval-count file")
            if not hs[0].has_aht and "aht_s" not in t.values:
                self.fail(
                    f"[demand].aht_s is required: {paths[0].name} counts calls without handle times "
                    "(give aht_s, aht_min or aht_h)"
                )
            f = estimate_forecast(hs[0], interval_s=interval_s, aht_s=t.values.get("aht_s"))
        except ConfigError as exc:
            if str(exc).startswith(self.source):
                raise
            self.fail(f"{t.where('history')}: {exc}")
        return self.with_aht(t, f), None, f"interval counts {paths[0].name}"

    def csv(self, t: S.Table):
        from cxqueue.data import read_interval_table

        if len(t.values["csv"]) != 1:
            self.fail(f"{t.where('csv')} must name one file; got {S.show(t.raw('csv'))}")
        text = t.values["csv"][0]
        p = self.resolve(t, "csv", text)
        if not p.is_file():
            self.fail(f"{t.where('csv')} file not found: {p} (from {S.show(text)})")
        try:
            table = read_interval_table(p)
        except ConfigError as exc:
            self.fail(f"{t.where('csv')}: {exc}")
        if "aht_s" in t.values:
            aht = t.values["aht_s"]
        elif table.aht_s is None:
            self.fail(f"{t.where('csv')}: {p.name} has no aht_s column; add one or give [demand].aht_s")
        else:
            aht = table.aht_s
        try:
            Forecast(calls=table.calls, aht_s=aht)
        except ConfigError as exc:
            self.fail(f"{t.where('csv')}: {p.name}: {exc}")
        what = f"{p.name} ({table.n_intervals} intervals)"
        try:
            times = table.times()
        except ConfigError as exc:
            self.fail(f"{t.where('csv')}: {exc}")
        if times is None:  # numbered rows: placed by [demand].start and weekday
            return table.calls, aht, what, None
        placed = self.placement(t, p.name, times)
        calls, aht = self.place(t, p.name, table, times, aht, placed[0])
        return calls, aht, what, placed

    def placement(self, t: S.Table, name: str, times) -> tuple[float, float, int | None]:
        """(interval_s, start of the first row in seconds of its day, its weekday or None) from the time column;
        a key of the config that says otherwise is an error."""
        col, first = f"the time column {times.column!r} of {name}", f"line {times.first_line}: {times.first!r}"
        step = times.step_s
        if "interval_s" in t.values and step is not None and abs(step - t.values["interval_s"]) > 1e-9:
            self.fail(
                f"{t.where('interval_s')} = {t.raw('interval_s')} disagrees with {col}: its rows are mostly "
                f"{step:g} s apart (from {first}); rows are placed by their time column, so leave the key out or make "
                f"it {step:g} s"
            )
        start = times.time_of_day_s
        if "start" in t.values and abs(t.values["start"] - start) > 1e-9:
            self.fail(
                f"{t.where('start')} = {t.raw('start')} disagrees with {col}: its first row starts at {_hhmm(start)} "
                f"({first}); rows are placed by their time column, so leave the key out or make it {_hhmm(start)}"
            )
        wd = times.weekday
        if wd is not None and "weekday" in t.values and WEEKDAYS.index(t.values["weekday"]) != wd:
            self.fail(
                f"{t.where('weekday')} = {t.raw('weekday')} disagrees with {col}: its first row is on a "
                f"{WEEKDAYS[wd]} ({first}); rows are placed by their time column, so leave the key out or make it "
                f'"{WEEKDAYS[wd]}"'
            )
        if wd is not None and "days" in t.values:
            self.notes.append(
                f"{name}: [demand].days repeats its rows as a one-day pattern from {_hhmm(start)}; the weekdays or "
                f"dates of {col} are not used"
            )
        return (t.values["interval_s"] if "interval_s" in t.values else step or 900.0), start, wd

    def place(self, t: S.Table, name: str, table, times, aht, interval_s: float):
        """Calls and AHT on the grid from the first row's start: a row at each row's time, none between."""
        slot = (times.start_s - times.start_s[0]) / interval_s
        off = np.flatnonzero(np.abs(slot - np.round(slot)) > 1e-6)
        if off.size:
            i = int(off[0])
            self.fail(
                f"{t.where('csv')}: {name}, line {table.lines[i]}: the time column {times.column!r} holds "
                f"{table.labels[i]!r}, off the grid of {interval_s:g} s intervals from the first row "
                f"({times.first!r}); every row must start an interval"
            )
        slot = np.round(slot).astype(np.int64)
        n = int(slot[-1]) + 1
        if n > 366 * DAY / interval_s:
            self.fail(
                f"{t.where('csv')}: {name} spans {n} intervals of {interval_s:g} s (from {times.first!r} to "
                f"{table.labels[-1]!r}); it must span at most a year"
            )
        if n == table.n_intervals:
            return table.calls, aht
        calls = np.zeros(n)
        calls[slot] = table.calls
        if np.ndim(aht):
            aht = np.asarray(aht, dtype=np.float64)
            full = np.full(n, float(np.average(aht, weights=table.calls) if table.calls.sum() > 0 else aht.mean()))
            full[slot] = aht
            aht = full
        self.notes.append(
            f"{name}: {n - table.n_intervals} of the {n} intervals from {times.first!r} to {table.labels[-1]!r} "
            f"have no row; they count as zero calls"
        )
        return calls, aht

    def scale(self, f: Forecast, t: S.Table, ivr: IVR) -> Forecast:
        factor = t.get("scale", 1.0)
        if ivr.self_service > 0:
            factor /= 1.0 - ivr.self_service
            self.notes.append(
                f"calls divided by 1 - [ivr].self_service = {1 - ivr.self_service:.4g}: the demand counts calls "
                "offered to agents, the simulation needs the calls entering the IVR"
            )
        if factor == 1.0:
            return f
        if f.calls.max(initial=0.0) * factor > MAX_CALLS:
            self.fail(
                f"{t.where('scale')} makes up to {f.calls.max() * factor:.4g} calls per interval, more than "
                f"{MAX_CALLS:.0e}; got {t.raw('scale')}"
            )
        return Forecast(calls=f.calls * factor, aht_s=f.aht_s, interval_s=f.interval_s, start_s=f.start_s)
