"""`backtest`: rolling-origin evaluation of a forecast method on its own history.

For each target day of the history (by default the last 40), the method is fitted on the
days before it (``horizon`` operating days before it: ``horizon=1`` is one day ahead) and
forecasts it; the forecast is compared with what came. With ``update_at_s`` the target
day's counts before that time of day are given to the forecast (intraday updating) and
the errors are those of the rest of the day. Measures (Hyndman & Athanasopoulos, FPP3,
section 5.8): RMSE, MAE and MAPE of the intervals and of the daily totals (MAPE as a
fraction, over intervals with calls), the coverage of the central 50 % and 90 % intervals
(a count on a bound counts as covered), and two references in the same run:
``known_total_rmse`` (the forecast rescaled to each day's true total: what a perfect day
level would give) and ``poisson_rmse`` (sqrt of the mean count: the error of a forecast
that knew each interval's Poisson rate exactly).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.forecast.model import _as_history, _special, fit
from cxqueue.scenario._plain import plain_dict

__all__ = ["Backtest", "backtest"]


def _rmse2(actual: np.ndarray, mean: np.ndarray) -> float:
    return _rmse(actual - mean)


def _metric(fn, actual: str, mean: str, doc: str) -> property:
    """A read-only attribute: ``fn`` of two of the result's arrays."""
    return property(lambda self: fn(getattr(self, actual), getattr(self, mean)), doc=doc)


def _coverage(prefix: str, level: int) -> property:
    """The share of actual values (intervals, or ``daily_`` totals) inside the central `level` % band."""

    def share(self) -> float:
        x = getattr(self, f"{prefix}actual")
        lo, hi = getattr(self, f"{prefix}lo{level}"), getattr(self, f"{prefix}hi{level}")
        return float(np.mean((x >= lo) & (x <= hi)))

    return property(share, doc=f"Share of the {prefix or 'interval '}actuals inside the {level} % band.")


def _mae(actual: np.ndarray, mean: np.ndarray) -> float:
    return float(np.mean(np.abs(actual - mean)))


def _mape(actual: np.ndarray, mean: np.ndarray) -> float:
    """Mean absolute percentage error as a fraction, over the entries with calls (NaN if none)."""
    ok = actual > 0
    return float(np.mean(np.abs(actual[ok] - mean[ok]) / actual[ok])) if ok.any() else float("nan")


def _rmse(e) -> float:
    return float(np.sqrt(np.mean(np.square(e))))


@dataclass(frozen=True, eq=False)
class Backtest:
    """Forecasts of past days beside what came (arrays of shape (origins, intervals) or (origins,)).

    Attributes
    ----------
    method : str
        The method asked for; ``chosen`` says what ``auto`` picked at each origin.
    dates : ndarray of datetime64[D]
        The target days.
    starts : ndarray of datetime64[s]
        Interval starts of each target day (from ``update_at_s`` when updating).
    actual, mean, lo50, hi50, lo90, hi90 : ndarray
        Calls, forecast mean and the central 50 % and 90 % intervals per interval.
    daily_actual, daily_mean, daily_lo50, daily_hi50, daily_lo90, daily_hi90 : ndarray
        The same for the days' totals (of the intervals compared).
    horizon : int
        Operating days from the last day of history to the target day.
    update_at_s : float or None
        Time of day of the intraday update, seconds since midnight.
    elapsed_s : float
        Wall time of the whole backtest.
    """

    method: str
    chosen: tuple[str, ...]
    update: tuple[str, ...]
    dates: np.ndarray
    starts: np.ndarray
    actual: np.ndarray
    mean: np.ndarray
    lo50: np.ndarray
    hi50: np.ndarray
    lo90: np.ndarray
    hi90: np.ndarray
    daily_actual: np.ndarray
    daily_mean: np.ndarray
    daily_lo50: np.ndarray
    daily_hi50: np.ndarray
    daily_lo90: np.ndarray
    daily_hi90: np.ndarray
    horizon: int
    update_at_s: float | None
    elapsed_s: float

    rmse = _metric(_rmse2, "actual", "mean", "Root mean squared error of the intervals' calls.")
    mae = _metric(_mae, "actual", "mean", "Mean absolute error of the intervals' calls.")
    mape = _metric(_mape, "actual", "mean", "Mean absolute percentage error (a fraction), intervals with calls.")
    daily_rmse = _metric(_rmse2, "daily_actual", "daily_mean", "Root mean squared error of the daily totals.")
    daily_mae = _metric(_mae, "daily_actual", "daily_mean", "Mean absolute error of the daily totals.")
    daily_mape = _metric(_mape, "daily_actual", "daily_mean", "Mean absolute percentage error of the daily totals.")

    coverage_50 = _coverage("", 50)
    coverage_90 = _coverage("", 90)
    daily_coverage_50 = _coverage("daily_", 50)
    daily_coverage_90 = _coverage("daily_", 90)

    @property
    def known_total_rmse(self) -> float:
        """RMSE of the forecast's shape rescaled to each day's true total (a perfect day level)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.where(self.daily_mean > 0, self.daily_actual / self.daily_mean, 1.0)
        return _rmse(self.actual - self.mean * scale[:, None])

    @property
    def poisson_rmse(self) -> float:
        """sqrt of the mean count: the RMSE of a forecast that knew each interval's Poisson rate."""
        return float(np.sqrt(np.mean(self.actual)))

    METRICS = (
        "rmse",
        "mae",
        "mape",
        "coverage_50",
        "coverage_90",
        "daily_rmse",
        "daily_mae",
        "daily_mape",
        "daily_coverage_50",
        "daily_coverage_90",
        "known_total_rmse",
        "poisson_rmse",
    )

    def table(self) -> str:
        """The measures as aligned text, one per line."""
        head = f"backtest of {self.method} over {self.dates.size} days, {self.horizon} day(s) ahead"
        if self.update_at_s is not None:
            head += f", updated at {self.update_at_s / 3600:g} h (rest of the day)"
        return "\n".join([head] + [f"  {m:18s} {getattr(self, m):10.4g}" for m in self.METRICS])

    def to_dict(self) -> dict:
        d = plain_dict(self, ("method", "chosen", "update", "horizon", "update_at_s", "elapsed_s", *self.METRICS))
        d["dates"] = [str(x) for x in self.dates]
        return d

    def plot(self, ax=None, *, days=None):
        """Forecast against actual, day after day, with the 50 % and 90 % bands.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw; a new figure's axes when None.
        days : int, optional
            Only the last `days` target days (all by default).

        Returns
        -------
        matplotlib Axes
        """
        from cxqueue.plots import _new_ax

        n = self.dates.size if days is None else v.integer_scalar("days", days, minimum=1)
        sl = slice(max(self.dates.size - n, 0), None)
        ax = _new_ax() if ax is None else ax
        m = self.actual.shape[1]
        x = np.arange(self.actual[sl].size, dtype=np.float64)
        ax.fill_between(x, self.lo90[sl].ravel(), self.hi90[sl].ravel(), alpha=0.2, linewidth=0, label="90 %")
        ax.fill_between(x, self.lo50[sl].ravel(), self.hi50[sl].ravel(), alpha=0.35, linewidth=0, label="50 %")
        ax.plot(x, self.mean[sl].ravel(), linewidth=1.0, label="forecast")
        ax.plot(x, self.actual[sl].ravel(), ".", markersize=2.0, color="black", label="actual")
        ticks = np.arange(0, x.size, m)
        ax.set_xticks(ticks, [str(d)[5:] for d in self.dates[sl]], rotation=90, fontsize="x-small")
        ax.set_xlabel("target day")
        ax.set_ylabel(f"calls per {self.interval_label}")
        ax.legend(loc="upper right", fontsize="small")
        return ax

    @property
    def interval_label(self) -> str:
        if self.starts.shape[1] < 2:
            return "interval"
        step = int((self.starts[0, 1] - self.starts[0, 0]).astype(np.int64))
        return f"{step // 60} min" if step % 60 == 0 else f"{step} s"


def backtest(
    history,
    method: str = "auto",
    *,
    origins=40,
    horizon: int = 1,
    update_at_s: float | None = None,
    update: str = "auto",
    special_days=None,
    interval_s: float | None = None,
) -> Backtest:
    """Rolling-origin backtest of `method` on `history` (see the module docstring).

    Parameters
    ----------
    history : IntervalHistory
    method : str
        ``auto``, ``weekday_mean`` or ``day_factor``.
    origins : int or array_like of dates
        The last `origins` days of the history as target days, or the target dates themselves.
    horizon : int
        Operating days ahead (1: each day forecast from the days before it).
    update_at_s : float, optional
        Give each target day's counts before this time of day (seconds since midnight) to
        the forecast; the errors are then those of the rest of the day.
    update : str
        The intraday rule (``auto``, ``gamma``, ``svd``, ``none``).
    special_days, interval_s
        As for `cxqueue.forecast.fit`.

    Returns
    -------
    Backtest
    """
    t0 = time.perf_counter()
    h = _as_history(history)
    if interval_s is not None and float(v.positive_array("interval_s", interval_s)) != h.interval_s:
        h = h.aggregate(interval_s, partial="drop")
    hz = v.integer_scalar("horizon", horizon, minimum=1)
    special = _special(special_days)
    if isinstance(origins, int | np.integer) and not isinstance(origins, bool):
        n_o = v.integer_scalar("origins", origins, minimum=1)
        if n_o > h.n_days - 1 - hz:
            raise ConfigError(
                f"origins must leave at least 2 days of history before the first target day ({hz} day(s) ahead); "
                f"got {n_o} origins of a {h.n_days}-day history (at most {max(h.n_days - 1 - hz, 0)})"
            )
        idx = np.arange(h.n_days - n_o, h.n_days)
    else:
        try:
            want = np.array(origins, dtype="datetime64[D]").ravel()
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"origins must be an int or dates (YYYY-MM-DD); got {origins!r}") from exc
        idx = np.searchsorted(h.dates, want)
        bad = (idx >= h.n_days) | (h.dates[np.minimum(idx, h.n_days - 1)] != want)
        if bad.any():
            raise ConfigError(f"origins must be dates of the history; {want[bad][0]} is not one")
        if want.size == 0 or idx.min() - hz + 1 < 2:
            raise ConfigError(f"origins must leave at least 2 days of history before each target; got {want[:3]}")
    idx = np.array([t for t in idx if special.get(h.dates[t]) != "closed"], dtype=np.int64)
    m0 = 0
    if update_at_s is not None:
        u = float(v.as_float_array("update_at_s", update_at_s))
        end = h.first_start_s + h.n_intervals * h.interval_s
        if not h.first_start_s < u < end:
            raise ConfigError(
                f"update_at_s must lie inside the day's intervals ({h.first_start_s:g} to {end:g} s after midnight); "
                f"got {u:g}"
            )
        m0 = int(np.ceil((u - h.first_start_s) / h.interval_s - 1e-9))
    rows = {k: [] for k in ("mean", "lo50", "hi50", "lo90", "hi90", "dl50", "dh50", "dl90", "dh90", "dmean")}
    chosen, rules = [], []
    pos = np.arange(h.n_days)
    for t in idx:
        model = fit(h.select(pos <= t - hz), method=method, special_days=special_days)
        obs = h.counts[t, :m0] if m0 else None
        f = model.forecast(h.dates[t], 1, observed=obs, update=update)
        chosen.append(model.method)
        rules.append(f.update)
        lo50, hi50 = f.interval(0.5)
        lo90, hi90 = f.interval(0.9)
        dl50, dh50 = f.daily_interval(0.5)
        dl90, dh90 = f.daily_interval(0.9)
        for k, a in zip(rows, (f.mean, lo50, hi50, lo90, hi90, dl50, dh50, dl90, dh90, f.daily_mean), strict=True):
            rows[k].append(a)
    actual = h.counts[idx, m0:]
    r = {k: np.array(a) for k, a in rows.items()}
    return Backtest(
        method=method,
        chosen=tuple(chosen),
        update=tuple(rules),
        dates=h.dates[idx],
        starts=h.starts[idx, m0:],
        actual=actual,
        mean=r["mean"],
        lo50=r["lo50"],
        hi50=r["hi50"],
        lo90=r["lo90"],
        hi90=r["hi90"],
        daily_actual=actual.sum(axis=1),
        daily_mean=r["dmean"][:, 0],
        daily_lo50=r["dl50"][:, 0],
        daily_hi50=r["dh50"][:, 0],
        daily_lo90=r["dl90"][:, 0],
        daily_hi90=r["dh90"][:, 0],
        horizon=hz,
        update_at_s=None if update_at_s is None else float(update_at_s),
        elapsed_s=time.perf_counter() - t0,
    )
