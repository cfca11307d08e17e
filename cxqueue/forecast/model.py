"""`fit` and `forecast`: an interval history in, an `IntervalForecast` of dated future days out.

Methods (``method=``):

``weekday_mean``
    The planners' baseline: the mean of each interval over all past days of the same
    weekday. Its spread (day factor and interval shape) is fitted to its own one-step
    errors on the history.
``day_factor``
    The day-volume model of `cxqueue.forecast._daymodel` (weekday effects, special days,
    an exponentially weighted level and yesterday's deviation carried over) times the
    weekday's intraday profile (`cxqueue.forecast._profiles`), with a Gamma day factor
    fitted to the one-step errors of the daily totals at each horizon, and a Gamma
    interval factor fitted to the intervals' errors given the day's total.
``auto``
    The one of the two with the lower interval RMSE in a rolling-origin backtest on the
    last ``N_SELECT`` days of the history (one day ahead; each day forecast from the days
    before it; the day model's effects and its two parameters are those of the whole fit).

Special days (``special_days``): a mapping of dates to labels, or a list of dates (label
``"special"``). A label's effect on the day's volume is learned from its past days (shrunk
towards none when it has few); ``"closed"`` days get no calls and are left out of the fit.
A day whose previous operating day has no data (a holiday, a closure) is labelled
``"reopening"`` automatically: the calls of the closed day come back the day after.

Intraday updating (``observed=``): the counts of the first intervals of the first forecast
day revise the rest of that day (`cxqueue.forecast._update`, ``update=``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.data import CallHistory, IntervalCounts
from cxqueue.exceptions import ConfigError
from cxqueue.forecast import _update
from cxqueue.forecast._daymodel import MAX_GAP_DAYS, MAX_STEPS, DayModel, fit_day_model, op_steps, weekmask
from cxqueue.forecast._profiles import expanding_profiles, weekday_profiles
from cxqueue.forecast.history import IntervalHistory
from cxqueue.forecast.result import IntervalForecast

__all__ = ["METHODS", "ForecastModel", "fit", "forecast"]

METHODS = ("auto", "weekday_mean", "day_factor")
CLOSED, REOPENING, SPECIAL = "closed", "reopening", "special"
N_EVAL = 60  # past days whose one-step forecasts calibrate the spread and the updates
N_SELECT = 30  # past days that choose the method
MIN_EVAL = 5  # fewer one-step errors than this: a default spread, and a warning
DEFAULT_INV_DAY = 0.01  # the day factor's variance without data (a coefficient of variation of 0.1)
MAX_DAYS = 42


def _as_history(history) -> IntervalHistory:
    if isinstance(history, IntervalHistory):
        return history
    if isinstance(history, IntervalCounts):
        return IntervalHistory.from_interval_counts(history)
    if isinstance(history, CallHistory):
        return IntervalHistory.from_call_log(history)
    raise ConfigError(
        f"history must be an IntervalHistory (or the IntervalCounts or CallHistory of a cxqueue.data reader); "
        f"got {type(history).__name__}"
    )


def _special(special_days) -> dict[np.datetime64, str]:
    if special_days is None:
        return {}
    items = special_days.items() if isinstance(special_days, Mapping) else ((d, SPECIAL) for d in special_days)
    out = {}
    for d, label in items:
        try:
            day = np.datetime64(d, "D")
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"special_days must hold dates (YYYY-MM-DD); got {d!r}") from exc
        if not isinstance(label, str) or not label.strip():
            raise ConfigError(f"special_days labels must be non-empty strings; got {label!r} for {day}")
        out[day] = label.strip()
    return out


def _prev_open(dates, open_weekdays) -> np.ndarray:
    d = np.asarray(dates, dtype="datetime64[D]")
    return np.busday_offset(d, -1, roll="backward", weekmask=weekmask(open_weekdays))


@dataclass(frozen=True, eq=False)
class ForecastModel:
    """A fitted forecast model; `forecast` makes an `IntervalForecast` of dated days after the history.

    Attributes
    ----------
    method : str
        ``weekday_mean`` or ``day_factor`` (the choice when ``auto`` was asked for).
    scores : tuple of (str, float)
        Interval RMSE of each method in the selection backtest (empty when one method was asked for).
    history : IntervalHistory
    day_model : DayModel or None
        The fitted day-volume model (``day_factor``).
    inv_day : ndarray, shape (MAX_STEPS,)
        1 / shape of the day factor 1, 2, ... operating days ahead.
    interval_shape : float
        Shape of the intervals' Gamma factor (inf: Poisson given the day).
    warnings : tuple of str
    """

    method: str
    scores: tuple
    history: IntervalHistory
    special: dict
    labels: tuple[str, ...]
    profiles: np.ndarray  # (7, m): day_factor shares, or weekday_mean means
    day_model: DayModel | None
    inv_day: np.ndarray
    interval_shape: float
    aht_profile: np.ndarray | None
    eval_priors: np.ndarray  # (d, m) one-step forecasts of the last past days
    eval_actual: np.ndarray  # (d, m)
    warnings: tuple[str, ...]

    # ------------------------------------------------------------------ future days
    def _days(self, start, days):
        h = self.history
        last = h.dates[-1]
        if start is None:
            start = np.busday_offset(last, 1, roll="forward", weekmask=weekmask(h.open_weekdays))
        try:
            start = np.datetime64(start, "D")
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"start must be a date (YYYY-MM-DD); got {start!r}") from exc
        if start <= last:
            raise ConfigError(f"start must be after the history's last day ({last}); got {start}")
        gap = int((start - last).astype(np.int64))
        if gap > MAX_GAP_DAYS:
            raise ConfigError(
                f"start must be at most {MAX_GAP_DAYS} days after the history's last day ({last}); got {start} "
                f"({gap} days after): refit on a history that reaches closer to the forecast"
            )
        n = v.integer_scalar("days", days, minimum=1)
        if n > MAX_DAYS:
            raise ConfigError(f"days must be <= {MAX_DAYS} (six weeks); got {n}")
        cal = start + np.arange(n)
        wd = ((cal.astype(np.int64) + 3) % 7).astype(np.int64)
        return cal[np.isin(wd, h.open_weekdays)]

    def _labels(self, dates) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """Label index per future date, a closed mask, and warnings for labels without past days."""
        h = self.history
        notes = []
        lab = np.full(dates.size, -1, dtype=np.int64)
        closed = np.zeros(dates.size, dtype=bool)
        prev = _prev_open(dates, h.open_weekdays)
        open_future = {d for d in dates if self.special.get(d) != CLOSED}
        for i, d in enumerate(dates):
            label = self.special.get(d)
            if label == CLOSED:
                closed[i] = True
                continue
            p = prev[i]
            if label is None and p >= h.dates[0] and p not in open_future and p not in set(h.dates):
                label = REOPENING
            if label is None:
                continue
            if label in self.labels:
                j = self.labels.index(label)
                lab[i] = j
                if self.day_model is not None and self.day_model.special_count[j] == 0:
                    notes.append(f"special day {d} ({label}) has no past day with its label; forecast as ordinary")
            else:
                notes.append(f"special day {d} ({label}) has no past day with its label; forecast as ordinary")
        return lab, closed, notes

    def forecast(self, start=None, days: int = 1, *, observed=None, update: str = "auto") -> IntervalForecast:
        """Forecast `days` calendar days from `start` (operating weekdays only).

        Parameters
        ----------
        start : date-like, optional
            The first forecast day, after the history's last day and at most 14 days after
            it; by default the next operating day.
        days : int
            Calendar days to cover (1 to 42); days that are not operating weekdays are skipped.
        observed : array_like, optional
            Calls in the first intervals of `start` (fewer than a day's intervals): the rest
            of that day is updated from them and the forecast starts at the first unobserved interval.
        update : str
            ``auto`` (chosen by backtest at the same time of day), ``gamma``, ``svd`` or ``none``.

        Returns
        -------
        IntervalForecast
        """
        v.choice("update", update, _update.RULES)
        h = self.history
        dates = self._days(start, days)
        if dates.size == 0:
            raise ConfigError(f"days={days} from {start} holds no operating weekday of the history")
        lab, closed, notes = self._labels(dates)
        w = ((dates.astype(np.int64) + 3) % 7).astype(np.int64)
        steps = op_steps(np.full(dates.shape, h.dates[-1]), dates, h.open_weekdays)
        if self.day_model is None:
            mean = self.profiles[w].copy()
        else:
            logt, _ = self.day_model.predict_log(dates, lab)
            mean = np.maximum(np.exp(logt) - 1.0, 0.0)[:, None] * self.profiles[w]
        inv = self.inv_day[np.clip(steps, 1, MAX_STEPS) - 1]
        mean[closed] = 0.0
        with np.errstate(divide="ignore"):
            k = np.where(inv > 0, 1.0 / np.where(inv > 0, inv, 1.0), np.inf)
        k[closed] = np.inf
        aht = None if self.aht_profile is None else self.aht_profile[w]
        m = h.n_intervals
        keep = np.ones(mean.shape, dtype=bool)
        rule = "none"
        if observed is not None:
            obs = v.as_float_array("observed", observed)
            if obs.ndim != 1 or obs.size >= m:
                raise ConfigError(
                    f"observed must be a 1-d array of the first intervals' calls, fewer than the day's {m}; "
                    f"got shape {obs.shape}"
                )
            v.check("observed", obs, obs >= 0, ">= 0")
            if obs.size and not closed[0]:
                k_eval = np.full(self.eval_priors.shape[0], 1.0 / max(self.inv_day[0], 1e-12))
                basis = _update.svd_basis(h.counts)
                chosen, k_rest = _update.choose_rule(
                    update, self.eval_priors, self.eval_actual, obs.size, k_eval, basis
                )
                mean[0] = _update.apply_rule(chosen, mean[:1], obs[None, :], k[:1], basis)[0]
                k[0] = k_rest
                rule = chosen.kind
                notes.append(f"day {dates[0]} updated from {obs.size} observed intervals by {chosen.describe()}")
            keep[0, : obs.size] = False
        offs = np.round(h.interval_starts_s).astype("timedelta64[s]")
        starts = dates.astype("datetime64[s]")[:, None] + offs[None, :]
        day = np.broadcast_to(np.arange(dates.size)[:, None], mean.shape)
        return IntervalForecast(
            dates=dates,
            start=starts[keep],
            day=day[keep],
            mean=mean[keep],
            day_factor_shape=k,
            interval_shape=self.interval_shape,
            interval_s=h.interval_s,
            method=self.method,
            update=rule,
            aht_s=None if aht is None else aht[keep],
            warnings=self.warnings + tuple(notes),
        )

    def to_dict(self) -> dict:
        d = {"method": self.method, "scores": [[m, s] for m, s in self.scores]}
        d["interval_shape"] = None if np.isinf(self.interval_shape) else self.interval_shape
        d["inv_day"] = self.inv_day.tolist()
        d["warnings"] = list(self.warnings)
        if self.day_model is not None:
            dm = self.day_model
            d["day_model"] = {
                "alpha": dm.alpha,
                "phi": dm.phi,
                "weekday_effect": dm.weekday_effect.tolist(),
                "special_effect": dict(zip(dm.labels, dm.special_effect.tolist(), strict=True)),
            }
        return d


# ---------------------------------------------------------------------- fitting
def _spread(priors, actual) -> tuple[float, float]:
    """(1 / day shape, interval shape) from one-step forecasts: log total errors and errors given the total."""
    tp, ta = priors.sum(axis=1), actual.sum(axis=1)
    lr = np.log((ta + 1.0) / (tp + 1.0))
    inv_day = max(float(np.mean(lr**2) - np.mean(1.0 / (tp + 1.0))), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = np.where(tp[:, None] > 0, priors * (ta / np.where(tp > 0, tp, 1.0))[:, None], 0.0)
    s2 = float(np.sum(mu**2))
    inv_h = max(float(np.sum((actual - mu) ** 2 - mu)) / s2, 0.0) if s2 > 0 else 0.0
    return inv_day, (1.0 / inv_h if inv_h > 0 else float("inf"))


def _weekday_means_expanding(counts, wd, rows) -> np.ndarray:
    out = np.empty((rows.size, counts.shape[1]))
    for k in np.unique(wd[rows]):
        mk = (wd == k).astype(np.float64)
        cum = np.vstack([np.zeros(counts.shape[1]), np.cumsum(counts * mk[:, None], axis=0)])
        cnt = np.concatenate([[0.0], np.cumsum(mk)])
        sel = np.flatnonzero(wd[rows] == k)
        out[sel] = cum[rows[sel]] / cnt[rows[sel]][:, None]
    return out


def _aht_profile(h: IntervalHistory) -> np.ndarray | None:
    if h.aht_s is None:
        return None
    known = np.isfinite(h.aht_s)
    w = np.where(known, h.counts, 0.0)
    load = np.where(known, h.aht_s * h.counts, 0.0)
    pooled = np.divide(load.sum(0), w.sum(0), out=np.full(h.n_intervals, np.nan), where=w.sum(0) > 0)
    overall = float(load.sum() / w.sum()) if w.sum() > 0 else float(np.nanmean(h.aht_s))
    pooled = np.where(np.isnan(pooled), overall, pooled)
    out = np.tile(pooled, (7, 1))
    for k in h.open_weekdays:
        m = h.weekdays == k
        num, den = load[m].sum(0), w[m].sum(0)
        out[k] = np.where(den > 0, num / np.where(den > 0, den, 1.0), pooled)
    return out


def fit(history, *, method: str = "auto", special_days=None, interval_s: float | None = None) -> ForecastModel:
    """Fit a forecast model to an interval history.

    Parameters
    ----------
    history : IntervalHistory
        At least two days (an `IntervalCounts` or `CallHistory` is converted with the defaults).
    method : str
        ``auto``, ``weekday_mean`` or ``day_factor`` (see the module docstring).
    special_days : mapping of date to str, or sequence of dates, optional
        Holidays and other days with their own volume; ``"closed"`` for no calls.
    interval_s : float, optional
        Forecast on this interval length: a whole multiple of the history's (aggregated,
        dropping a partial interval at the ends of the day); shorter is an error.

    Returns
    -------
    ForecastModel

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> dates = np.busday_offset("2024-01-01", np.arange(30))
    >>> h = IntervalHistory(rng.poisson([40, 80, 60], size=(30, 3)), dates, interval_s=3600, first_start_s=9 * 3600)
    >>> m = fit(h, method="weekday_mean")
    >>> f = m.forecast("2024-02-12", days=1)
    >>> str(f.dates[0]), f.mean.round().tolist()
    ('2024-02-12', [41.0, 77.0, 64.0])
    """
    v.choice("method", method, METHODS)
    h = _as_history(history)
    if interval_s is not None and float(v.positive_array("interval_s", interval_s)) != h.interval_s:
        h = h.aggregate(interval_s, partial="drop")
    if h.n_days < 2:
        got = f"1 ({h.dates[0]})" if h.n_days == 1 else str(h.n_days)
        raise ConfigError(f"history must hold at least 2 days; got {got}")
    special = _special(special_days)
    notes = list(h.warnings)
    closed = np.array([special.get(d) == CLOSED for d in h.dates])
    hh = h.select(~closed) if closed.any() else h
    if hh.n_days < 2:
        raise ConfigError(f"history must hold at least 2 days that are not closed; got {hh.n_days}")
    counts, wd, dates = hh.counts, hh.weekdays, hh.dates
    n = hh.n_days
    prev = _prev_open(dates, hh.open_weekdays)
    have = set(h.dates)
    day_label = [special.get(d) for d in dates]
    for i in range(1, n):
        if day_label[i] is None and prev[i] not in have:
            day_label[i] = REOPENING
    labels = tuple(sorted({lab for lab in day_label if lab} | {x for x in special.values() if x != CLOSED}))
    lab_idx = np.array([labels.index(x) if x else -1 for x in day_label], dtype=np.int64)

    first_seen = np.array([np.any(wd[:i] == wd[i]) for i in range(n)])
    after_gap = np.concatenate([[False], np.diff(dates.astype(np.int64)) > MAX_GAP_DAYS])
    rows = np.flatnonzero(first_seen & ~after_gap & (np.arange(n) >= min(max(n // 4, 2), 10)))[-N_EVAL:]
    actual = counts[rows]
    cands = ("weekday_mean", "day_factor") if method == "auto" else (method,)
    priors, models = {}, {}
    if "weekday_mean" in cands:
        priors["weekday_mean"] = _weekday_means_expanding(counts, wd, rows)
    if "day_factor" in cands:
        dm = fit_day_model(counts.sum(axis=1), dates, lab_idx, labels, hh.open_weekdays)
        prof = expanding_profiles(counts, wd, rows)
        tot = np.maximum(np.exp(dm.onestep[rows]) - 1.0, 0.0)
        priors["day_factor"] = tot[:, None] * prof
        models["day_factor"] = dm
    scores = ()
    chosen = cands[0]
    if method == "auto":
        sel = slice(-N_SELECT, None)
        scores = tuple(
            (c, float(np.sqrt(np.mean((actual[sel] - priors[c][sel]) ** 2)))) if rows.size else (c, float("nan"))
            for c in cands
        )
        chosen = min(scores, key=lambda s: (np.nan_to_num(s[1], nan=np.inf), s[0] != "day_factor"))[0]
    pri = priors[chosen]
    if rows.size >= MIN_EVAL:
        inv_day, shape_h = _spread(pri, actual)
    else:
        inv_day, shape_h = DEFAULT_INV_DAY, float("inf")
        notes.append(
            f"only {rows.size} past days to measure the forecast's errors (under {MIN_EVAL}): the day factor's "
            f"spread is a default coefficient of variation of {DEFAULT_INV_DAY**0.5:g}"
        )
    dm = models.get(chosen)
    if dm is not None:
        pois = float(np.mean(1.0 / (pri.sum(axis=1) + 1.0))) if rows.size else 0.0
        # step 1 as measured on the last days; longer horizons add what the model's j-step errors add
        extra = np.maximum(dm.log_var - pois, 0.0)
        inv_steps = inv_day + np.maximum(extra - extra[0], 0.0)
        profiles = weekday_profiles(counts, wd)
    else:
        inv_steps = np.full(MAX_STEPS, inv_day)
        profiles = np.zeros((7, hh.n_intervals))
        for k in hh.open_weekdays:
            profiles[k] = counts[wd == k].mean(axis=0)
    return ForecastModel(
        method=chosen,
        scores=scores,
        history=hh,
        special=special,
        labels=labels,
        profiles=profiles,
        day_model=dm,
        inv_day=inv_steps,
        interval_shape=shape_h,
        aht_profile=_aht_profile(hh),
        eval_priors=pri,
        eval_actual=actual,
        warnings=tuple(notes),
    )


def forecast(
    history,
    *,
    start=None,
    days: int = 1,
    method: str = "auto",
    observed=None,
    update: str = "auto",
    special_days=None,
    interval_s: float | None = None,
) -> IntervalForecast:
    """Fit on `history` and forecast `days` calendar days from `start`: ``fit(...).forecast(...)``.

    See `fit` for `method`, `special_days` and `interval_s`, and `ForecastModel.forecast`
    for `start`, `days`, `observed` and `update`.
    """
    model = fit(history, method=method, special_days=special_days, interval_s=interval_s)
    return model.forecast(start, days, observed=observed, update=update)
