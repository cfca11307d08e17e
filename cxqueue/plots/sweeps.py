"""Figures of a results table (a dict of equal-length columns, as `cxqueue.sweep.load_table` returns).

`grouped_lines` draws one column against another, one line per value of a third, with
confidence bands; `sweep_figure` makes one such panel per value of a fourth.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from cxqueue.exceptions import ConfigError
from cxqueue.plots.charts import _label, _new_ax, aggregate, line_with_band

__all__ = ["fraction_limits", "grouped_lines", "sweep_figure"]

# metric names that are fractions (service levels, probabilities, shares, occupancy): bands stay in [0, 1]
_FRACTION = re.compile(r"(^|[._])(sl|service_level|occupancy)($|[._])|(_fraction|_probability|_share)$")


def fraction_limits(y: str, values) -> tuple[float, float] | None:
    """(0, 1) when the column ``y`` holds a fraction (by its name, and every finite value within [0, 1]), else None.

    >>> fraction_limits("service_level", [0.5, 1.0]), fraction_limits("asa_s", [3.0])
    ((0.0, 1.0), None)
    >>> fraction_limits("sl_offered", [2.0]) is None  # not a fraction after all
    True
    """
    if not _FRACTION.search(y):
        return None
    vals = np.asarray(values, dtype=np.float64)
    vals = vals[np.isfinite(vals)]
    return (0.0, 1.0) if np.all((vals >= 0.0) & (vals <= 1.0)) else None


def _column(table: Mapping, key: str) -> np.ndarray:
    if key not in table:
        have = ", ".join(sorted(table))
        raise ConfigError(f"column {key!r} is not in the results; they hold: {have}")
    return np.asarray(table[key])


def _band_columns(table: Mapping, y: str) -> tuple[str, str] | None:
    for lo, hi in ((f"{y}_ci_low", f"{y}_ci_high"), (f"{y}.ci_low", f"{y}.ci_high"), (f"{y}_lo", f"{y}_hi")):
        if lo in table and hi in table:
            return lo, hi
    return None


def _distinct(values: np.ndarray) -> list:
    seen: dict = {}
    for val in values.tolist():
        seen.setdefault(val, None)
    try:
        return sorted(seen)
    except TypeError:
        return list(seen)


def grouped_lines(table: Mapping, *, x: str, y: str, hue: str | None = None, ax=None, ci: float = 0.95, limits="auto"):
    """``y`` against ``x``, one line per value of ``hue``, with confidence bands.

    Points that share ``x`` (and ``hue``) are averaged with a Student-t band (repeated
    runs; `cxqueue.sweep.plot.plot_results` refuses points that differ in a grid key it
    does not plot). When every group holds one point and the table has
    ``{y}_ci_low``/``{y}_ci_high`` columns (a simulation's own interval), those give the
    band. Bands are clipped to ``limits``: by default [0, 1] for a fraction
    (`fraction_limits`), none otherwise.

    Parameters
    ----------
    table : mapping of str to array_like
        Columns of equal length.
    x, y : str
        Column names.
    hue : str, optional
        Column whose values split the lines.
    ax : matplotlib Axes, optional
    ci : float
        Confidence level of the band, a fraction.
    limits : (float, float), None or "auto"
        The band's floor and ceiling; "auto": `fraction_limits`.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> t = {"agents": [10, 11, 10, 11], "aht_s": [150, 150, 180, 180], "sl": [0.7, 0.8, 0.5, 0.6]}
    >>> ax = grouped_lines(t, x="agents", y="sl", hue="aht_s")
    >>> [line.get_label() for line in ax.lines]
    ['aht_s=150', 'aht_s=180']
    """
    ax = _new_ax() if ax is None else ax
    xcol = _column(table, x).astype(np.float64)
    ycol = _column(table, y).astype(np.float64)
    groups = [(None, np.ones(xcol.size, dtype=bool))]
    if hue is not None:
        hcol = _column(table, hue)
        groups = [(h, hcol == h) for h in _distinct(hcol)]
    band = _band_columns(table, y)
    limits = fraction_limits(y, ycol) if isinstance(limits, str) and limits == "auto" else limits
    for h, mask in groups:
        xs, mean, lo, hi = aggregate(xcol[mask], ycol[mask], ci=ci)
        if band is not None and xs.size == mask.sum():
            order = np.argsort(xcol[mask], kind="stable")
            lo = np.asarray(table[band[0]], dtype=np.float64)[mask][order]
            hi = np.asarray(table[band[1]], dtype=np.float64)[mask][order]
        if limits is not None:
            lo, hi = np.clip(lo, *limits), np.clip(hi, *limits)
        label = None if h is None else f"{hue}={_label(h)}"
        line_with_band(xs, mean, lower=lo, upper=hi, ax=ax, label=label)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    if hue is not None:
        ax.legend(fontsize="small")
    ax.grid(True, alpha=0.3)
    return ax


def sweep_figure(
    table: Mapping, *, x: str, y: str, hue: str | None = None, facet: str | None = None, limits="auto"
) -> Figure:
    """A figure of ``y`` against ``x``: one panel per value of ``facet``, lines by ``hue``.

    Built without pyplot, so it needs no display; save with ``fig.savefig(path)``.

    Parameters
    ----------
    table : mapping of str to array_like
        Columns, e.g. from :func:`cxqueue.sweep.load_table`.
    x, y, hue, facet : str
        Column names; ``hue`` and ``facet`` optional.
    limits : (float, float), None or "auto"
        Floor and ceiling of the bands (`grouped_lines`).

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> t = {"agents": [10, 11, 10, 11], "aht_s": [150, 150, 180, 180], "sl": [0.7, 0.8, 0.5, 0.6]}
    >>> fig = sweep_figure(t, x="agents", y="sl", facet="aht_s")
    >>> [ax.get_title() for ax in fig.axes]
    ['aht_s=150', 'aht_s=180']
    """
    panels: list = [None]
    if facet is not None:
        panels = _distinct(_column(table, facet))
    n = len(panels)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(4.6 * cols, 3.6 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
    for k, value in enumerate(panels):
        ax = axes.flat[k]
        sub = dict(table)
        if value is not None:
            mask = _column(table, facet) == value
            sub = {key: np.asarray(col)[mask] for key, col in table.items()}
            ax.set_title(f"{facet}={_label(value)}")
        grouped_lines(sub, x=x, y=y, hue=hue, ax=ax, limits=limits)
    for ax in axes.flat[n:]:
        fig.delaxes(ax)
    return fig
