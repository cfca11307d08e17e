"""Forecasts of calls per dated future interval, with their uncertainty (issue 14).

The layer between the history readers (`cxqueue.data`) and the optimizers: interval
counts in, a forecast out that says how sure it is.

- `IntervalHistory`: days by intervals of calls (and AHT), from an interval CSV
  (`IntervalHistory.from_csv`) or a call log (`IntervalHistory.from_call_log`); missing
  days are reported, never read as zero; `aggregate` to longer intervals.
- `fit(history, method=...)` → `ForecastModel`; `ForecastModel.forecast(start, days, observed=...)`
  and the shortcut `forecast(history, start=..., days=..., ...)` → `IntervalForecast`.
  Methods: ``weekday_mean`` (the planners' baseline), ``day_factor`` (a day-volume model
  times intraday profiles, with a Gamma day factor), ``auto`` (chosen by backtest);
  intraday updating from the counts observed so far (``gamma``: the day factor's
  posterior; ``svd``: Shen & Huang 2008).
- `IntervalForecast`: mean, `quantile`, `interval`, `daily_interval`, `sample` (whole
  days keeping the correlation within a day), `day_factor_quantile` and
  `mean_at_day_factor` (what to staff for a day as busy as all but 1 - q of days),
  `day_forecast` (a `cxqueue.scenario.Forecast`), `to_dict`.
- `backtest(history, method, origins=..., horizon=...)` → `Backtest`: RMSE, MAE, MAPE of
  intervals and daily totals, coverage of the 50 % and 90 % intervals, `plot`.
"""

from cxqueue.forecast.backtest import Backtest, backtest
from cxqueue.forecast.history import IntervalHistory
from cxqueue.forecast.model import METHODS, ForecastModel, fit, forecast
from cxqueue.forecast.result import IntervalForecast

__all__ = [
    "METHODS",
    "Backtest",
    "ForecastModel",
    "IntervalForecast",
    "IntervalHistory",
    "backtest",
    "fit",
    "forecast",
]
