"""`IntervalForecast`: calls per future dated interval, with the uncertainty of the day and of the interval.

The calls of interval i on day d are Poisson given their rate, and the rate is the forecast
mean times two Gamma factors of mean 1:

    N_i | G_d, H_i ~ Poisson(mu_i G_d H_i),   G_d ~ Gamma(k_d, 1 / k_d),   H_i ~ Gamma(h, 1 / h)

G_d is the day factor (one draw per day, shared by all its intervals: a busy day is busy all
day long), H_i the interval's own deviation from the profile. k_d and h are fitted to the
residuals of one-step-ahead forecasts on the history (`cxqueue.forecast.fit`). A planner
who staffs for the q-quantile of the day factor (`day_factor_quantile`, `mean_at_day_factor`)
meets the rate of all but a fraction 1 - q of days; `sample` draws whole days that keep the
correlation within a day, to drive a simulation.

The quantiles of one interval use the negative binomial with the same mean and variance
(shape r with 1/r = 1/k + 1/h + 1/(k h)); the daily totals use the negative binomial with
the total's mean and variance (their Gamma-Poisson form is exact for the day factor alone).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxqueue import _rng
from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import Forecast
from cxqueue.scenario._plain import plain, plain_dict
from cxqueue.units import DAY

__all__ = ["IntervalForecast", "nb_quantile"]


def nb_quantile(q, mean, inv_shape) -> np.ndarray:
    """Quantile q of the negative binomial with this mean and 1 / shape (0: Poisson), elementwise."""
    from scipy import stats

    mean = np.asarray(mean, dtype=np.float64)
    inv = np.broadcast_to(np.asarray(inv_shape, dtype=np.float64), mean.shape)
    out = np.zeros(np.broadcast_shapes(np.shape(q), mean.shape))
    q = np.broadcast_to(q, out.shape)
    mean = np.broadcast_to(mean, out.shape)
    inv = np.broadcast_to(inv, out.shape)
    pois = (inv <= 0) & (mean > 0)
    nb = (inv > 0) & (mean > 0)
    out[pois] = stats.poisson.ppf(q[pois], mean[pois])
    r = 1.0 / inv[nb]
    out[nb] = stats.nbinom.ppf(q[nb], r, r / (r + mean[nb]))
    return out


def _inv(shape) -> np.ndarray:
    s = np.asarray(shape, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return np.where(np.isinf(s), 0.0, 1.0 / s)


@dataclass(frozen=True, eq=False)
class IntervalForecast:
    """Calls per future interval: the mean, the day factor and the interval spread (see the module docstring).

    Attributes
    ----------
    dates : ndarray of datetime64[D], shape (n_days,)
        The forecast days (operating days only).
    start : ndarray of datetime64[s], shape (n,)
        Start of each interval, local clock time; a day updated intraday starts at its first unobserved interval.
    day : ndarray of int, shape (n,)
        Index into `dates` of each interval.
    mean : ndarray, shape (n,)
        Expected calls per interval.
    day_factor_shape : ndarray, shape (n_days,)
        Shape k_d of each day's Gamma factor (mean 1, variance 1 / k_d); inf: no day-level spread.
    interval_shape : float
        Shape h of the intervals' own Gamma factors; inf: Poisson given the day.
    interval_s : float
        Interval length in seconds.
    method : str
        The method that made the forecast (``weekday_mean`` or ``day_factor``).
    update : str
        ``none``, or the intraday update applied to day 0 (``gamma`` or ``svd``).
    aht_s : ndarray, shape (n,), optional
        Expected mean handle time per interval (seconds), when the history has handle times.
    warnings : tuple of str
        Why the forecast is weak or what the history lacks (short history, missing days, special days unseen).
    """

    dates: np.ndarray
    start: np.ndarray
    day: np.ndarray
    mean: np.ndarray
    day_factor_shape: np.ndarray
    interval_shape: float
    interval_s: float
    method: str
    update: str = "none"
    aht_s: np.ndarray | None = None
    warnings: tuple[str, ...] = ()

    def __post_init__(self):
        mean = np.array(self.mean, dtype=np.float64)
        v.check("mean", mean, np.isfinite(mean) & (mean >= 0), "finite and >= 0")
        k = np.array(self.day_factor_shape, dtype=np.float64)
        v.check("day_factor_shape", k, k > 0, "> 0 (inf for no day-level spread)")
        h = float(self.interval_shape)
        if not h > 0:
            raise ConfigError(f"interval_shape must be > 0 (inf for Poisson given the day); got {h!r}")
        day = np.array(self.day, dtype=np.int64)
        dates = np.array(self.dates, dtype="datetime64[D]")
        start = np.array(self.start, dtype="datetime64[s]")
        if not (mean.shape == day.shape == start.shape) or k.shape != dates.shape:
            raise ConfigError(
                f"start, day and mean must be 1-d of one length and day_factor_shape one per date; got "
                f"{start.shape}, {day.shape}, {mean.shape}, {k.shape} for {dates.size} dates"
            )
        arrays = {"mean": mean, "day_factor_shape": k, "day": day, "dates": dates, "start": start}
        if self.aht_s is not None:
            arrays["aht_s"] = np.array(self.aht_s, dtype=np.float64)
        for name, a in arrays.items():
            a.setflags(write=False)
            object.__setattr__(self, name, a)
        object.__setattr__(self, "interval_shape", h)
        object.__setattr__(self, "interval_s", float(self.interval_s))
        object.__setattr__(self, "warnings", tuple(self.warnings))

    # ------------------------------------------------------------------ sizes
    @property
    def n_intervals(self) -> int:
        return int(self.mean.size)

    @property
    def n_days(self) -> int:
        return int(self.dates.size)

    @property
    def weak(self) -> bool:
        """True when `warnings` says the history is short or lacks days."""
        return bool(self.warnings)

    # ------------------------------------------------------------------ distributions
    @property
    def _inv_interval(self) -> np.ndarray:
        """1 / r of each interval's negative binomial."""
        ik, ih = _inv(self.day_factor_shape)[self.day], float(_inv(self.interval_shape))
        return ik + ih + ik * ih

    def quantile(self, q) -> np.ndarray:
        """Quantile(s) of the calls in each interval.

        Parameters
        ----------
        q : float or array_like of float
            Fractions in (0, 1).

        Returns
        -------
        ndarray, shape (n,) for a scalar `q`, else ``np.shape(q) + (n,)``.
        """
        qa = v.fraction_array("q", q, open_low=True, open_high=True)
        return nb_quantile(qa[..., None], self.mean, self._inv_interval)

    def interval(self, level: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
        """The central prediction interval of each interval's calls: (lo, hi) at quantiles (1 -+ level) / 2."""
        lv = float(v.fraction_array("level", level, open_low=True, open_high=True))
        lo, hi = self.quantile([(1 - lv) / 2, (1 + lv) / 2])
        return lo, hi

    @property
    def daily_mean(self) -> np.ndarray:
        """Expected calls per day (of the intervals forecast)."""
        return np.bincount(self.day, weights=self.mean, minlength=self.n_days)

    def _daily_inv_shape(self) -> np.ndarray:
        m = self.daily_mean
        s2 = np.bincount(self.day, weights=self.mean**2, minlength=self.n_days)
        ik, ih = _inv(self.day_factor_shape), float(_inv(self.interval_shape))
        extra = m**2 * ik + (1 + ik) * s2 * ih  # variance beyond Poisson
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(m > 0, extra / np.where(m > 0, m, 1.0) ** 2, 0.0)

    def daily_quantile(self, q) -> np.ndarray:
        """Quantile(s) of each day's total calls, shape (n_days,) for a scalar `q`."""
        qa = v.fraction_array("q", q, open_low=True, open_high=True)
        return nb_quantile(qa[..., None], self.daily_mean, self._daily_inv_shape())

    def daily_interval(self, level: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
        """The central prediction interval of each day's total calls."""
        lv = float(v.fraction_array("level", level, open_low=True, open_high=True))
        lo, hi = self.daily_quantile([(1 - lv) / 2, (1 + lv) / 2])
        return lo, hi

    def day_factor_quantile(self, q) -> np.ndarray:
        """The q-quantile of each day's factor G_d ~ Gamma(k_d, 1 / k_d) (1.0 where k_d is inf), shape (n_days,).

        Examples
        --------
        >>> f = IntervalForecast(["2024-03-04"], ["2024-03-04T09:00"], [0], [100.0], [100.0], np.inf, 900, "day_factor")
        >>> round(float(f.day_factor_quantile(0.9)[0]), 4)
        1.1301
        """
        from scipy import stats

        qa = float(v.fraction_array("q", q, open_low=True, open_high=True))
        k = self.day_factor_shape
        fin = np.isfinite(k)
        out = np.ones(k.shape)
        out[fin] = stats.gamma.ppf(qa, k[fin], scale=1.0 / k[fin])
        return out

    @property
    def day_factor_cv(self) -> float:
        """A typical coefficient of variation of the day factor (the mean of 1 / sqrt(k_d) over
        the days with spread; 0 when no day has any): what a simulation draws per day."""
        k = self.day_factor_shape[np.isfinite(self.day_factor_shape)]
        return float(np.mean(1.0 / np.sqrt(k))) if k.size else 0.0

    def mean_at_day_factor(self, q) -> np.ndarray:
        """Calls per interval when the day factor is at its q-quantile: what to staff for a day as busy as
        all but a fraction 1 - q of days (the input of `cxqueue.optimize.staffing_requirements`)."""
        return self.mean * self.day_factor_quantile(q)[self.day]

    def sample(self, n: int, *, seed=None) -> np.ndarray:
        """Draw `n` scenarios of whole forecast periods: one day factor per day, then Poisson per interval.

        Parameters
        ----------
        n : int
            Scenarios (>= 1).
        seed : int, SeedSequence, Generator or None
            The day and interval factors come from the ``day_factor`` stream, the counts from
            the ``arrivals`` stream (`cxqueue._rng.purpose_streams`).

        Returns
        -------
        ndarray of int64, shape (n, n_intervals)
        """
        n = v.integer_scalar("n", n, minimum=1)
        streams = _rng.purpose_streams(seed)
        gen, arr = streams["day_factor"], streams["arrivals"]
        k = self.day_factor_shape
        g = np.ones((n, self.n_days))
        fin = np.isfinite(k)
        if fin.any():
            g[:, fin] = gen.gamma(k[fin], 1.0 / k[fin], size=(n, int(fin.sum())))
        rate = self.mean[None, :] * g[:, self.day]
        if np.isfinite(self.interval_shape):
            h = self.interval_shape
            rate = rate * gen.gamma(h, 1.0 / h, size=rate.shape)
        return arr.poisson(rate).astype(np.int64)

    # ------------------------------------------------------------------ hand-over
    def day_forecast(self, day: int = 0, *, aht_s=None, day_factor_q: float | None = None) -> Forecast:
        """One day as a `cxqueue.scenario.Forecast` (consecutive intervals, start as the time of the week).

        Parameters
        ----------
        day : int
            Index into `dates`.
        aht_s : float or array_like, optional
            Handle time in seconds; by default the forecast's own (an error when it has none).
        day_factor_q : float, optional
            Staff for this quantile of the day factor (`mean_at_day_factor`) instead of the mean.
        """
        d = v.integer_scalar("day", day, minimum=0)
        if d >= self.n_days:
            raise ConfigError(f"day must be < {self.n_days} (the forecast's days); got {d}")
        sel = self.day == d
        calls = self.mean[sel] if day_factor_q is None else self.mean_at_day_factor(day_factor_q)[sel]
        if aht_s is None:
            if self.aht_s is None:
                raise ConfigError("aht_s must be given: the forecast has no handle times (its history had none)")
            aht_s = self.aht_s[sel]
        first = self.start[sel][0]
        tod = float((first - first.astype("datetime64[D]")).astype(np.int64))
        wd = int((self.dates[d].astype(np.int64) + 3) % 7)
        return Forecast(calls=calls, aht_s=aht_s, interval_s=self.interval_s, start_s=wd * DAY + tod)

    def to_forecast(
        self, *, start=None, days: int | None = None, aht_s=None, day_factor_q: float | None = None
    ) -> Forecast:
        """Whole calendar days as one `cxqueue.scenario.Forecast` on the forecast's interval grid.

        The horizon runs from ``start`` (a date; default the first forecast date) for ``days``
        days (default: through the last forecast date); intervals the forecast does not
        cover (a closed day, the night) hold no calls. ``start_s`` is the first day's
        weekday times 86400 (the time of the week), so shifts and opening hours apply.

        Parameters
        ----------
        start : date-like, optional
        days : int, optional
        aht_s : float or array_like, optional
            Handle time in seconds (scalar or one per grid interval); by default the
            forecast's own, with its calls-weighted mean where it has none (an error when
            it has no handle times at all).
        day_factor_q : float, optional
            Calls for this quantile of each day's factor (`mean_at_day_factor`) instead of the mean.
        """
        first = np.datetime64(self.dates[0] if start is None else start, "D")
        n_days = int((self.dates[-1] - first).astype(np.int64)) + 1 if days is None else int(days)
        if n_days < 1:
            raise ConfigError(f"days must be >= 1 (from start {first}); got {n_days}")
        per_day = DAY / self.interval_s
        if abs(per_day - round(per_day)) > 1e-9:
            raise ConfigError(f"the forecast's interval ({self.interval_s:g} s) must divide a day to make a Forecast")
        per = n_days * round(per_day)
        slot = ((self.start - first.astype("datetime64[s]")).astype(np.int64) / self.interval_s).round()
        inside = (slot >= 0) & (slot < per)
        slot = slot[inside].astype(np.int64)
        mean = self.mean if day_factor_q is None else self.mean_at_day_factor(day_factor_q)
        calls = np.zeros(per)
        calls[slot] = mean[inside]
        if aht_s is None:
            if self.aht_s is None:
                raise ConfigError("aht_s must be given: the forecast has no handle times (its history had none)")
            known = inside & np.isfinite(self.aht_s)
            typical = float(np.average(self.aht_s[known], weights=np.maximum(self.mean[known], 1e-12)))
            aht_s = np.full(per, typical)
            aht_s[((self.start[known] - first.astype("datetime64[s]")).astype(np.int64) / self.interval_s)
                  .round().astype(np.int64)] = self.aht_s[known]  # fmt: skip
        weekday = int((first.astype(np.int64) + 3) % 7)
        return Forecast(calls=calls, aht_s=aht_s, interval_s=self.interval_s, start_s=weekday * DAY)

    def to_dict(self) -> dict:
        d = plain_dict(self, ("method", "update", "interval_s", "interval_shape", "warnings"))
        d["dates"] = [str(x) for x in self.dates]
        d["start"] = [str(x) for x in self.start]
        d["day"] = self.day.tolist()
        d["mean"] = self.mean.tolist()
        d["day_factor_shape"] = [None if np.isinf(x) else float(x) for x in self.day_factor_shape]
        if np.isinf(self.interval_shape):
            d["interval_shape"] = None
        d["aht_s"] = None if self.aht_s is None else plain(self.aht_s, nan_to_none=True)
        return d
