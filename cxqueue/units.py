"""Time units and the offered load.

Every duration in cxqueue is in seconds and its name ends in ``_s``. These constants
convert other units into seconds: ``30 * MINUTE`` is 1800.0.
"""

from __future__ import annotations

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError

__all__ = ["DAY", "HOUR", "MINUTE", "SECOND", "WEEK", "offered_load"]

SECOND = 1.0
MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0
WEEK = 7 * DAY


def offered_load(calls, *, interval_s, aht_s):
    """Offered traffic in Erlangs: ``calls * aht_s / interval_s``.

    Parameters
    ----------
    calls : array_like of float
        Calls arriving in each interval (>= 0).
    interval_s : array_like of float
        Length of the interval in seconds (> 0).
    aht_s : array_like of float
        Mean handle time in seconds (> 0).

    Returns
    -------
    ndarray of float64
        Offered load in Erlangs, broadcast over the inputs (0-d for scalars).

    Examples
    --------
    >>> float(offered_load(100, interval_s=1800, aht_s=180))
    10.0
    >>> offered_load([50, 100], interval_s=900, aht_s=180).tolist()
    [10.0, 20.0]
    """
    calls = v.nonneg_array("calls", calls)
    interval_s = v.positive_array("interval_s", interval_s)
    aht_s = v.positive_array("aht_s", aht_s)
    try:
        np.broadcast_shapes(calls.shape, interval_s.shape, aht_s.shape)
    except ValueError as exc:
        raise ConfigError(
            f"inputs must broadcast together; got shapes calls{calls.shape}, interval_s{interval_s.shape}, "
            f"aht_s{aht_s.shape}"
        ) from exc
    with np.errstate(over="ignore"):  # beyond float64: inf Erlangs, which every model rejects by name
        return np.asarray(calls * aht_s / interval_s, dtype=np.float64)
