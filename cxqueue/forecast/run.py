"""What ``cxqueue forecast`` does: a history file in, a forecast table (or a backtest) out.

- `read_interval_history`: any history file `cxqueue.data.read_history` reads (an
  interval-count CSV, a call CSV with dates, the bank's call logs) as an `IntervalHistory`;
  several call logs are joined day by day.
- `forecast_from`: the forecast from an origin. A date starts the forecast that day (after
  the history's last day); a date and time (``2003-10-24T10:00``) forecasts the rest of
  that day from the history before it and that day's counts up to that moment (intraday
  updating), then the days after it.
- `forecast_table` / `write_forecast_csv`: one row per interval, ``start`` (local ISO
  date-time), ``calls``, ``calls_lo``, ``calls_hi`` (the central `level` interval) and
  ``aht_s`` when the history has handle times.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import numpy as np

from cxqueue.data import CallHistory, read_history
from cxqueue.exceptions import ConfigError
from cxqueue.forecast.history import IntervalHistory
from cxqueue.forecast.model import fit
from cxqueue.forecast.result import IntervalForecast

__all__ = ["forecast_from", "forecast_table", "parse_origin", "read_interval_history", "write_forecast_csv"]


def read_interval_history(paths, *, interval_s: float | None = None) -> IntervalHistory:
    """The days by intervals of one interval-count file, or of call logs (joined by date).

    Parameters
    ----------
    paths : path or sequence of paths
    interval_s : float, optional
        Interval length in seconds: call logs are binned at it (default 900); interval
        counts are aggregated to it (a multiple of the file's interval).
    """
    paths = [paths] if isinstance(paths, str | Path) else list(paths)
    if not paths:
        raise ConfigError("history must name at least one file; got none")
    read = [read_history(p) for p in paths]
    if all(isinstance(h, CallHistory) for h in read):
        parts = [IntervalHistory.from_call_log(h, interval_s=900.0 if interval_s is None else interval_s) for h in read]
        if len(parts) == 1:
            return parts[0]
        return _join(parts, paths)
    if len(read) > 1:
        raise ConfigError(f"history: give one interval-count file, or call logs only; got {', '.join(map(str, paths))}")
    h = IntervalHistory.from_interval_counts(read[0])
    return h if interval_s is None or interval_s == h.interval_s else h.aggregate(interval_s)


def _join(parts: list[IntervalHistory], paths) -> IntervalHistory:
    first = parts[0]
    for p, path in zip(parts[1:], paths[1:], strict=True):
        if (
            p.interval_s != first.interval_s
            or p.first_start_s != first.first_start_s
            or p.n_intervals != first.n_intervals
        ):
            raise ConfigError(f"history: {path} has another interval grid than {paths[0]}; read them one by one")
    dates = np.concatenate([p.dates for p in parts])
    if np.unique(dates).size != dates.size:
        raise ConfigError(f"history: the files {', '.join(map(str, paths))} share dates; give each day once")
    order = np.argsort(dates)
    counts = np.concatenate([p.counts for p in parts])[order]
    aht = None
    if all(p.aht_s is not None for p in parts):
        aht = np.concatenate([p.aht_s for p in parts])[order]
    notes = tuple(n for p in parts for n in p.notes)
    return IntervalHistory(
        counts, dates[order], first.interval_s, first.first_start_s, aht, " + ".join(map(str, paths)), notes
    )


def parse_origin(text: str) -> tuple[np.datetime64, float | None]:
    """``YYYY-MM-DD`` -> (date, None); ``YYYY-MM-DDTHH:MM`` -> (date, seconds since midnight)."""
    try:
        when = dt.datetime.fromisoformat(str(text))
    except ValueError:
        raise ConfigError(f"origin must be YYYY-MM-DD or YYYY-MM-DDTHH:MM; got {text!r}") from None
    date = np.datetime64(when.date(), "D")
    if "T" not in str(text) and " " not in str(text).strip():
        return date, None
    return date, float(when.hour * 3600 + when.minute * 60 + when.second)


def forecast_from(
    history: IntervalHistory,
    *,
    origin: str | None = None,
    days: int = 7,
    method: str = "auto",
    special_days=None,
) -> IntervalForecast:
    """Forecast `days` days from `origin` (see the module docstring); the next operating day without one.

    Raises
    ------
    ConfigError
        An origin date inside the history without a time, an origin with a time on a day
        the history does not hold, or a time before the day's first interval ends.
    """
    if not isinstance(history, IntervalHistory):
        raise ConfigError(f"history must be an IntervalHistory; got {type(history).__name__}")
    if origin is None:
        return fit(history, method=method, special_days=special_days).forecast(days=days)
    date, t_s = parse_origin(origin)
    last = history.dates[-1]
    if t_s is None:
        if date <= last:
            raise ConfigError(
                f"origin {origin} lies inside the history, which ends {last}: forecast from a later day, "
                f"or give a time (for example {last}T10:00) to update that day with its counts so far"
            )
        return fit(history, method=method, special_days=special_days).forecast(start=date, days=days)
    row = np.flatnonzero(history.dates == date)
    if row.size == 0:
        raise ConfigError(
            f"origin {origin}: the history holds no counts of {date} (it runs {history.dates[0]} .. {last}); "
            "an origin with a time updates a day the history holds up to that moment"
        )
    done = math.floor((t_s - history.first_start_s) / history.interval_s + 1e-9)
    if done >= history.n_intervals:
        raise ConfigError(f"origin {origin} is after the last interval of the day; forecast from the next day instead")
    model = fit(history.before(date), method=method, special_days=special_days)
    observed = history.counts[row[0], : max(done, 0)] if done > 0 else None
    return model.forecast(start=date, days=days, observed=observed)


def forecast_table(fc: IntervalForecast, *, level: float = 0.9) -> tuple[list[str], list[list]]:
    """Header and rows: start, calls, calls_lo, calls_hi (the central `level` interval), aht_s if known."""
    lo, hi = fc.interval(level)
    header = ["start", "calls", "calls_lo", "calls_hi"] + (["aht_s"] if fc.aht_s is not None else [])
    starts = [str(s)[:16] if str(s).endswith(":00") else str(s) for s in fc.start]
    rows = []
    for i, s in enumerate(starts):
        row = [s, round(float(fc.mean[i]), 3), round(float(lo[i]), 3), round(float(hi[i]), 3)]
        if fc.aht_s is not None:
            a = float(fc.aht_s[i])
            row.append(round(a, 1) if math.isfinite(a) else "")
        rows.append(row)
    return header, rows


def write_forecast_csv(fc: IntervalForecast, path, *, level: float = 0.9) -> Path:
    """Write `forecast_table` to `path` (its folder is created); returns the path."""
    header, rows = forecast_table(fc, level=level)
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"out {path} is a folder; give a file name such as {path / 'forecast.csv'}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path
