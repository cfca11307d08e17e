"""Everything a plan needs from one history, estimated in one call: `fit_history`."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cxqueue.data.estimate import ObservedKPIs, estimate_forecast, observed_kpis
from cxqueue.data.fits import HandleTimeFit, IvrFit, PatienceFit, _need_history, fit_handle_time, fit_ivr, fit_patience
from cxqueue.data.traffic import LinesInUse, RedialStats, lines_in_use, redial_share
from cxqueue.scenario import Distribution, Forecast
from cxqueue.scenario._plain import PlainDict

__all__ = ["HistoryFit", "fit_history"]


@dataclass(frozen=True, eq=False)
class HistoryFit(PlainDict):
    """The parameters of a center estimated from its history (or read from a shipped profile).

    ``forecast`` holds the calls offered to agents and the AHT per interval; ``handle``,
    ``patience`` and ``ivr`` are duration distributions in seconds; ``ivr_only_share``
    is the fraction of all calls that end in the IVR (scale the forecast's calls by
    ``1 / (1 - ivr_only_share)`` to get every call that enters the IVR);
    ``redial_share`` is the share of identified calls followed by a call of the same
    customer within ``redial_window_s``, ``redial_after_abandoned`` the same after an
    abandonment; ``priority_levels``/``priority_shares`` split the offered calls by the
    log's priority value; ``observed`` is what the center delivered per interval. The
    detail fits are None when the object comes from `load_profile`.
    """

    forecast: Forecast
    handle: Distribution
    patience: Distribution
    ivr: Distribution
    ivr_only_share: float
    redial_share: float
    redial_after_abandoned: float
    redial_window_s: float
    priority_levels: tuple[int, ...]
    priority_shares: tuple[float, ...]
    observed: ObservedKPIs
    source: str = ""
    n_days: int = 0
    handle_fit: HandleTimeFit | None = None
    patience_fit: PatienceFit | None = None
    ivr_fit: IvrFit | None = None
    redials: RedialStats | None = None
    lines: LinesInUse | None = None

    @property
    def abandon_share(self) -> float:
        """Abandoned fraction of all offered calls over the history."""
        offered = float(np.sum(self.observed.offered * self.observed.days))
        return float(np.sum(self.observed.abandoned * self.observed.days)) / offered if offered else math.nan


def fit_history(
    history,
    *,
    interval_s: float = 900.0,
    by: str = "weekday",
    answer_within_s: float = 20.0,
    redial_window_s: float = 3600.0,
    min_calls: int = 20,
) -> HistoryFit:
    """Estimate forecast, handle time, patience, IVR, redials, priorities and observed KPIs.

    Parameters
    ----------
    history : CallHistory
        Call-level history (interval counts lack waits and handle times: use
        `estimate_forecast` on them).
    interval_s, by, min_calls
        As in `estimate_forecast` (and the grid of `observed_kpis`).
    answer_within_s : float
        Service-level threshold in seconds for the observed KPIs.
    redial_window_s : float
        Window in seconds for `redial_share`.

    Returns
    -------
    HistoryFit

    Raises
    ------
    ConfigError
        If `history` is not a CallHistory, or as the functions it calls.

    Examples
    --------
    >>> from cxqueue.data._examples import example_history
    >>> f = fit_history(example_history(), min_calls=1)
    >>> f.handle.kind, f.patience.mean_s, f.priority_shares
    ('lognormal', 80.0, (1.0,))
    """
    h = _need_history(history)
    forecast = estimate_forecast(h, interval_s=interval_s, by=by, min_calls=min_calls)
    observed = observed_kpis(h, interval_s=interval_s, by=by, answer_within_s=answer_within_s)
    handle = fit_handle_time(h)
    patience = fit_patience(h)
    ivr = fit_ivr(h)
    redials = redial_share(h, window_s=redial_window_s)
    lines = lines_in_use(h, interval_s=interval_s)
    pri = h.calls["priority"][h.offered].astype(np.int64)
    levels, counts = np.unique(pri, return_counts=True)
    return HistoryFit(
        forecast=forecast,
        handle=handle.distribution,
        patience=patience.distribution,
        ivr=ivr.distribution,
        ivr_only_share=ivr.ivr_only_share,
        redial_share=redials.share,
        redial_after_abandoned=redials.share_after_abandoned,
        redial_window_s=redials.window_s,
        priority_levels=tuple(int(x) for x in levels),
        priority_shares=tuple(float(x) for x in counts / max(counts.sum(), 1)),
        observed=observed,
        source=h.source,
        n_days=int(h.dates.size),
        handle_fit=handle,
        patience_fit=patience,
        ivr_fit=ivr,
        redials=redials,
        lines=lines,
    )
