"""Distributions estimated from call-level history: handle time, patience, IVR time.

- Handle time: maximum-likelihood lognormal and exponential fits to the talk times of
  handled calls, compared by log-likelihood, AIC and the Kolmogorov-Smirnov distance
  (Brown et al. 2005 find lognormal service times in this bank's data).
- Patience: abandoned callers reveal their patience (it equals their wait); served
  callers' patience is censored at their wait. The exponential MLE is the total wait of
  all callers over the number of abandonments (Koole, *Call center mathematics*; the
  identity P(Ab) = theta E[W] of Erlang A), and the Kaplan-Meier curve needs no model.
- IVR time: moments and a moment-matched lognormal of the time spent in the IVR by the
  callers who went on to ask for an agent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cxqueue.data.history import ABANDONED, IVR_ONLY, CallHistory, named, why
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import Distribution
from cxqueue.scenario._plain import plain_dict

__all__ = ["HandleTimeFit", "IvrFit", "PatienceFit", "fit_handle_time", "fit_ivr", "fit_patience", "kaplan_meier"]


def _need_history(history, name="history") -> CallHistory:
    if not isinstance(history, CallHistory):
        raise ConfigError(
            f"{name} must be a CallHistory (call-level data: read_bank_log or read_call_csv); "
            f"got {type(history).__name__}"
        )
    return history


HANDLE_MODELS = ("lognormal-moments", "lognormal-mle", "exponential")


class _SampleMoments:
    """The sample's coefficient of variation, for a fit with ``mean_s`` and ``std_s`` (seconds)."""

    mean_s: float
    std_s: float

    @property
    def cv(self) -> float:
        """Coefficient of variation of the sample (0 for a zero mean)."""
        return self.std_s / self.mean_s if self.mean_s > 0 else 0.0

    def to_dict(self) -> dict:
        return {**plain_dict(self), "cv": self.cv}


@dataclass(frozen=True)
class HandleTimeFit(_SampleMoments):
    """Lognormal and exponential fits to handle (talk) times, in seconds.

    Three candidates: the lognormal with the sample's mean and cv (``lognormal-moments``),
    the maximum-likelihood lognormal (``mu``/``sigma`` of log talk time,
    ``lognormal-mle``) and the maximum-likelihood exponential. ``loglik_*`` and
    ``aic_*`` compare the two MLE fits; ``ks_*`` are the Kolmogorov-Smirnov distances of
    each candidate to the sample, and ``preferred`` is the candidate with the smallest.
    A spike of very short talk times (``short_share``: under 10 s) widens the MLE
    lognormal (sigma) although the bulk is lognormal (Brown et al. 2005); the
    moment-matched lognormal keeps the mean and variance that queue waits depend on.
    """

    n: int
    mean_s: float
    std_s: float
    median_s: float
    mu: float
    sigma: float
    loglik_lognormal: float
    loglik_exponential: float
    ks_lognormal: float
    ks_exponential: float
    aic_lognormal: float
    aic_exponential: float
    ks_lognormal_moments: float
    short_share: float
    preferred: str

    @property
    def lognormal_cv(self) -> float:
        """Coefficient of variation implied by the fitted lognormal: sqrt(exp(sigma^2) - 1)."""
        return math.sqrt(math.expm1(self.sigma**2))

    @property
    def distribution(self) -> Distribution:
        """The preferred candidate, with the sample mean (deterministic when every talk time is the same)."""
        if self.std_s == 0.0:  # a lognormal needs cv > 0
            return Distribution.deterministic(self.mean_s)
        if self.preferred == "lognormal-moments":
            return Distribution.lognormal(self.mean_s, cv=self.cv)
        if self.preferred == "lognormal-mle":
            return Distribution.lognormal(self.mean_s, cv=self.lognormal_cv)
        return Distribution.exponential(self.mean_s)

    def to_dict(self) -> dict:
        return {**super().to_dict(), "lognormal_cv": self.lognormal_cv}


def fit_handle_time(history) -> HandleTimeFit:
    """Fit lognormal and exponential distributions to the talk times of handled calls.

    Parameters
    ----------
    history : CallHistory
        Uses ``service_s`` of the calls with ``handled`` True (a named agent and a talk
        time above zero; the bank's NO_SERVER and zero-time rows are left out).

    Returns
    -------
    HandleTimeFit
        Its ``distribution`` is the candidate closest to the sample (KS distance).

    Raises
    ------
    ConfigError
        If `history` is not a CallHistory or has fewer than 2 handled calls.

    Examples
    --------
    >>> from cxqueue.data._examples import example_history
    >>> f = fit_handle_time(example_history("arrival,answer,end\\n0,0,100\\n0,0,300\\n0,0,200\\n"))
    >>> f.n, f.mean_s, round(f.sigma, 4), round(f.cv, 4)
    (3, 200.0, 0.4536, 0.5)
    """
    from scipy import stats  # imported here: scipy.stats takes a second to import

    h = _need_history(history)
    x = h.calls["service_s"][h.calls["handled"]]
    x = x[np.isfinite(x) & (x > 0)]
    if x.size < 2:
        raise ConfigError(
            f"{named(h)}history must hold at least 2 handled calls with a talk time > 0; got {x.size}{why(h)}"
        )
    logx = np.log(x)
    mu, sigma = float(logx.mean()), float(logx.std())
    sigma = max(sigma, 1e-12)
    mean = float(x.mean())
    n = x.size
    ll_ln = float(np.sum(stats.norm.logpdf(logx, mu, sigma) - logx))
    ll_ex = float(-n * math.log(mean) - n)
    ks_ln = float(stats.kstest(x, "lognorm", args=(sigma, 0.0, math.exp(mu))).statistic)
    ks_ex = float(stats.kstest(x, "expon", args=(0.0, mean)).statistic)
    aic_ln, aic_ex = 4.0 - 2.0 * ll_ln, 2.0 - 2.0 * ll_ex
    std = float(x.std(ddof=1))
    s2 = math.log1p((std / mean) ** 2)
    ks_mm = float(stats.kstest(x, "lognorm", args=(math.sqrt(s2), 0.0, mean * math.exp(-0.5 * s2))).statistic)
    ks = {"lognormal-moments": ks_mm, "lognormal-mle": ks_ln, "exponential": ks_ex}
    return HandleTimeFit(
        n=int(n),
        mean_s=mean,
        std_s=std,
        median_s=float(np.median(x)),
        mu=mu,
        sigma=sigma,
        loglik_lognormal=ll_ln,
        loglik_exponential=ll_ex,
        ks_lognormal=ks_ln,
        ks_exponential=ks_ex,
        aic_lognormal=aic_ln,
        aic_exponential=aic_ex,
        ks_lognormal_moments=ks_mm,
        short_share=float(np.mean(x < 10.0)),
        preferred=min(HANDLE_MODELS, key=ks.__getitem__),
    )


def kaplan_meier(times, events) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kaplan-Meier survival curve with right censoring.

    Parameters
    ----------
    times : array_like of float
        Observed times in seconds (event or censoring).
    events : array_like of bool
        True where the time is an event (abandonment), False where it is censored.

    Returns
    -------
    (time_s, survival, at_risk, n_events)
        At each distinct event time: S(t) just after it, the number at risk just before
        it, the events at it. Censorings at an event time count as at risk (events first).

    Examples
    --------
    >>> t, s, r, d = kaplan_meier([1, 2, 2, 3, 4], [True, True, False, True, False])
    >>> t.tolist(), [round(float(x), 4) for x in s], r.tolist(), d.tolist()
    ([1.0, 2.0, 3.0], [0.8, 0.6, 0.3], [5, 4, 2], [1, 1, 1])
    """
    t = np.asarray(times, dtype=np.float64)
    ev = np.asarray(events, dtype=bool)
    if t.shape != ev.shape:
        raise ConfigError(f"times and events must have the same shape; got {t.shape} and {ev.shape}")
    ok = np.isfinite(t)
    t, ev = t[ok], ev[ok]
    uniq, inv = np.unique(t, return_inverse=True)
    d = np.bincount(inv, weights=ev, minlength=uniq.size)
    total = np.bincount(inv, minlength=uniq.size)
    at_risk = t.size - np.concatenate(([0], np.cumsum(total)[:-1]))
    has = d > 0
    surv = np.cumprod(1.0 - d[has] / at_risk[has])
    return uniq[has], surv, at_risk[has].astype(np.int64), d[has].astype(np.int64)


@dataclass(frozen=True, eq=False)
class PatienceFit:
    """Patience estimated from the waits of served (censored) and abandoned callers.

    ``mean_patience_s`` = ``total_wait_s / n_abandoned`` is the exponential MLE (inf
    when nobody abandoned), with standard error ``mean / sqrt(n_abandoned)``. The
    ``km_*`` arrays are the Kaplan-Meier curve of patience (see `kaplan_meier`).
    """

    n_offered: int
    n_abandoned: int
    total_wait_s: float
    mean_wait_s: float
    mean_patience_s: float
    stderr_s: float
    median_patience_s: float
    km_time_s: np.ndarray
    km_survival: np.ndarray
    km_at_risk: np.ndarray
    km_events: np.ndarray

    @property
    def abandon_share(self) -> float:
        return self.n_abandoned / self.n_offered if self.n_offered else 0.0

    @property
    def distribution(self) -> Distribution:
        if not math.isfinite(self.mean_patience_s):
            return Distribution.none()
        return Distribution.exponential(self.mean_patience_s)

    def survival_at(self, t_s) -> np.ndarray:
        """Kaplan-Meier P(patience > t) at the given times in seconds."""
        t = np.asarray(t_s, dtype=np.float64)
        i = np.searchsorted(self.km_time_s, t, side="right")
        return np.where(i == 0, 1.0, self.km_survival[np.maximum(i - 1, 0)]) if self.km_time_s.size else np.ones_like(t)

    def to_dict(self) -> dict:
        return {**plain_dict(self), "abandon_share": self.abandon_share}


def fit_patience(history) -> PatienceFit:
    """Estimate caller patience from the waits in the agent queue.

    Parameters
    ----------
    history : CallHistory
        Uses the offered calls (served or abandoned) with a known ``wait_s``; abandoned
        calls are events at their wait, served calls are censored at theirs.

    Returns
    -------
    PatienceFit

    Raises
    ------
    ConfigError
        If `history` is not a CallHistory or holds no offered call with a known wait.

    Examples
    --------
    >>> from cxqueue.data._examples import example_history
    >>> f = fit_patience(example_history("arrival,answer,end\\n0,30,100\\n0,,60\\n0,0,50\\n0,,90\\n"))
    >>> f.n_abandoned, f.total_wait_s, f.mean_patience_s
    (2, 180.0, 90.0)
    """
    h = _need_history(history)
    c = h.calls
    use = (c["outcome"] != IVR_ONLY) & np.isfinite(c["wait_s"])
    w = c["wait_s"][use]
    ab = c["outcome"][use] == ABANDONED
    if w.size == 0:
        raise ConfigError(
            f"{named(h)}history must hold at least one served or abandoned call with a known wait; got none{why(h)}"
        )
    n_ab = int(ab.sum())
    total = float(w.sum())
    mean_p = total / n_ab if n_ab else math.inf
    t, s, r, d = kaplan_meier(w, ab)
    below = np.flatnonzero(s <= 0.5)
    median = float(t[below[0]]) if below.size else math.inf
    for a in (t, s, r, d):
        a.setflags(write=False)
    return PatienceFit(
        n_offered=int(w.size),
        n_abandoned=n_ab,
        total_wait_s=total,
        mean_wait_s=float(w.mean()),
        mean_patience_s=mean_p,
        stderr_s=mean_p / math.sqrt(n_ab) if n_ab else math.inf,
        median_patience_s=median,
        km_time_s=t,
        km_survival=s,
        km_at_risk=r,
        km_events=d,
    )


@dataclass(frozen=True)
class IvrFit(_SampleMoments):
    """Time in the IVR (seconds) of callers who went on to the agent queue, and the IVR-only share."""

    n: int
    mean_s: float
    median_s: float
    std_s: float
    ivr_only_share: float
    mean_ivr_only_s: float

    @property
    def distribution(self) -> Distribution:
        """A lognormal with the sample mean and cv; ``none`` when there is no IVR time."""
        if not self.n or self.mean_s <= 0:
            return Distribution.none()
        if self.cv <= 0:
            return Distribution.deterministic(self.mean_s)
        return Distribution.lognormal(self.mean_s, cv=self.cv)


def fit_ivr(history) -> IvrFit:
    """Summarize the IVR stay: time before the queue, and the share who never leave the IVR.

    Parameters
    ----------
    history : CallHistory
        ``ivr_s`` of offered calls (NaN values, e.g. negative bank IVR times, are left out);
        ``ivr_only_share`` is over all kept calls.

    Returns
    -------
    IvrFit
        ``n == 0`` and a ``none`` distribution when the history has no IVR times (call CSVs).

    Examples
    --------
    >>> from cxqueue.data._examples import example_history
    >>> fit_ivr(example_history("arrival,answer,end\\n0,30,100\\n")).distribution.kind
    'none'
    """
    h = _need_history(history)
    c = h.calls
    offered = c["outcome"] != IVR_ONLY
    x = c["ivr_s"][offered]
    x = x[np.isfinite(x)]
    only = c["outcome"] == IVR_ONLY
    y = c["ivr_s"][only]
    y = y[np.isfinite(y)]
    return IvrFit(
        n=int(x.size),
        mean_s=float(x.mean()) if x.size else 0.0,
        median_s=float(np.median(x)) if x.size else 0.0,
        std_s=float(x.std(ddof=1)) if x.size > 1 else 0.0,
        ivr_only_share=float(only.mean()) if c.size else 0.0,
        mean_ivr_only_s=float(y.mean()) if y.size else math.nan,
    )
