"""Figures of a results table (a dict of equal-length columns, as `cxqueue.sweep.load_table` returns).

`grouped_lines` draws one column against another, one line per value of a third, with
confidence bands; `sweep_figure` makes one such panel per value of a fourth.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from cxqueue.exceptions import ConfigError
from cxqueue.plots.charts import _label, _new_ax, aggregate, line_with_band

__all__ = ["grouped_lines", "sweep_figure"]


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


def grouped_lines(table: Mapping, *, x: str, y: str, hue: str | None = None, ax=None, ci: float = 0.95):
    """``y`` against ``x``, one line per value of ``hue``, with confidence bands.

    Points that share ``x`` (and ``hue``) are averaged with a Student-t band. When
    every group holds one point and the table has ``{y}_ci_low``/``{y}_ci_high``
    columns (a simulation's own interval), those give the band.

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
    for h, mask in groups:
        xs, mean, lo, hi = aggregate(xcol[mask], ycol[mask], ci=ci)
        if band is not None and xs.size == mask.sum():
            order = np.argsort(xcol[mask], kind="stable")
            lo = np.asarray(table[band[0]], dtype=np.float64)[mask][order]
            hi = np.asarray(table[band[1]], dtype=np.float64)[mask][order]
        label = None if h is None else f"{hue}={_label(h)}"
        line_with_band(xs, mean, lower=lo, upper=hi, ax=ax, label=label)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    if hue is not None:
        ax.legend(fontsize="small")
    ax.grid(True, alpha=0.3)
    return ax


def sweep_figure(table: Mapping, *, x: str, y: str, hue: str | None = None, facet: str | None = None) -> Figure:
    """A figure of ``y`` against ``x``: one panel per value of ``facet``, lines by ``hue``.

    Built without pyplot, so it needs no display; save with ``fig.savefig(path)``.

    Parameters
    ----------
    table : mapping of str to array_like
        Columns, e.g. from :func:`cxqueue.sweep.load_table`.
    x, y, hue, facet : str
        Column names; ``hue`` and ``facet`` optional.

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
        grouped_lines(sub, x=x, y=y, hue=hue, ax=ax)
    for ax in axes.flat[n:]:
        fig.delaxes(ax)
    return fig
