"""Charts of plain arrays: a line with its confidence band, a heatmap, a Pareto front.

Each function takes arrays and an optional matplotlib ``ax`` (without one it draws on a
new figure) and returns the axes; `aggregate` and `pareto_front` compute what the charts
draw. Import them from `cxqueue.plots`, which chooses the backend first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError

__all__ = ["aggregate", "heatmap", "line_with_band", "pareto_front", "pareto_plot"]


def _new_ax():
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
    return ax


def _label(value) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def aggregate(x, y, *, ci: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mean of ``y`` at each distinct ``x`` with a Student-t confidence interval.

    Parameters
    ----------
    x, y : array_like of float
        Equal lengths; NaN values of ``y`` are left out.
    ci : float
        Confidence level, a fraction in (0, 1).

    Returns
    -------
    xs, mean, lower, upper : ndarray
        Sorted distinct ``x``; the band is NaN where a group holds one value.

    Examples
    --------
    >>> xs, m, lo, hi = aggregate([1, 1, 2], [1.0, 3.0, 5.0])
    >>> xs.tolist(), m.tolist(), round(float(hi[0] - m[0]), 3), bool(np.isnan(lo[1]))
    ([1.0, 2.0], [2.0, 5.0], 12.706, True)
    """
    from scipy import stats

    x = v.as_float_array("x", x, allow_inf=True)
    try:
        y = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"y must be an array of numbers; got {y!r}") from exc
    if x.shape != y.shape or x.ndim != 1:
        raise ConfigError(f"x and y must be 1-d arrays of one length; got shapes {x.shape} and {y.shape}")
    v.fraction_array("ci", ci, open_low=True, open_high=True)
    xs = np.unique(x)
    mean = np.full(xs.size, np.nan)
    lower = np.full(xs.size, np.nan)
    upper = np.full(xs.size, np.nan)
    for i, xv in enumerate(xs):
        g = y[(x == xv) & ~np.isnan(y)]
        if g.size == 0:
            continue
        mean[i] = g.mean()
        if g.size > 1:
            half = stats.t.ppf(0.5 + ci / 2, g.size - 1) * g.std(ddof=1) / math.sqrt(g.size)
            lower[i], upper[i] = mean[i] - half, mean[i] + half
    return xs, mean, lower, upper


def line_with_band(x, y, *, lower=None, upper=None, ax=None, label=None, color=None, marker="o", band_alpha=0.25):
    """One line, with a shaded band between ``lower`` and ``upper`` when given.

    Parameters
    ----------
    x, y : array_like of float
        The line.
    lower, upper : array_like of float, optional
        The band (e.g. a confidence interval); NaN leaves a gap.
    ax : matplotlib Axes, optional
        Where to draw; a new figure's axes when None.
    label, color, marker : optional
        Passed to ``ax.plot``.
    band_alpha : float
        Opacity of the band.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = line_with_band([1, 2, 3], [0.5, 0.7, 0.9], lower=[0.4, 0.6, 0.8], upper=[0.6, 0.8, 1.0])
    >>> len(ax.lines), len(ax.collections)
    (1, 1)
    """
    ax = _new_ax() if ax is None else ax
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ConfigError(f"x and y must have one shape; got {x.shape} and {y.shape}")
    (line,) = ax.plot(x, y, marker=marker, label=label, color=color, markersize=3.5)
    if (lower is None) != (upper is None):
        raise ConfigError("lower and upper must be given together; got only one of them")
    if lower is not None:
        lo = np.asarray(lower, dtype=np.float64)
        hi = np.asarray(upper, dtype=np.float64)
        if lo.shape != x.shape or hi.shape != x.shape:
            raise ConfigError(f"lower and upper must have the shape of x {x.shape}; got {lo.shape} and {hi.shape}")
        ok = ~(np.isnan(lo) | np.isnan(hi))
        if ok.any():
            ax.fill_between(x, lo, hi, where=ok, color=line.get_color(), alpha=band_alpha, linewidth=0)
    return ax


def heatmap(
    values,
    *,
    x=None,
    y=None,
    ax=None,
    cmap: str = "viridis",
    label: str | None = None,
    annotate=None,
    vmin=None,
    vmax=None,
    center=None,
):
    """A 2-D array as coloured cells, rows along ``y`` and columns along ``x``.

    Parameters
    ----------
    values : array_like of float, shape (len(y), len(x))
        The cell values; NaN cells stay blank.
    x, y : array_like, optional
        Tick labels of the columns and rows.
    ax : matplotlib Axes, optional
    cmap : str
        A matplotlib colormap name.
    label : str, optional
        The colorbar's label.
    annotate : str, optional
        A format such as ``".2f"`` to print each value in its cell.
    vmin, vmax, center : float, optional
        A fixed colour scale (values beyond it take the end colours, and the colorbar
        says so); ``center`` puts the colormap's middle there (a target, say).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = heatmap([[0.1, 0.5], [0.7, 0.9]], x=[10, 12], y=["a", "b"], annotate=".1f")
    >>> [t.get_text() for t in ax.texts]
    ['0.1', '0.5', '0.7', '0.9']
    """
    z = np.asarray(values, dtype=np.float64)
    if z.ndim != 2:
        raise ConfigError(f"values must be a 2-d array; got shape {z.shape}")
    ax = _new_ax() if ax is None else ax
    norm = None
    if center is not None:
        from matplotlib.colors import TwoSlopeNorm

        lo = np.nanmin(z) if vmin is None else vmin
        hi = np.nanmax(z) if vmax is None else vmax
        norm = TwoSlopeNorm(vcenter=center, vmin=min(lo, center - 1e-9), vmax=max(hi, center + 1e-9))
    scale = {"norm": norm} if norm is not None else {"vmin": vmin, "vmax": vmax}
    mesh = ax.imshow(
        np.ma.masked_invalid(z), origin="lower", aspect="auto", cmap=cmap, interpolation="nearest", **scale
    )
    for name, ticks, n, setter in (("x", x, z.shape[1], ax.set_xticks), ("y", y, z.shape[0], ax.set_yticks)):
        if ticks is None:
            continue
        ticks = list(ticks)
        if len(ticks) != n:
            raise ConfigError(f"{name} must hold {n} labels for values of shape {z.shape}; got {len(ticks)}")
        setter(range(n), [_label(t) for t in ticks])
    finite = z[np.isfinite(z)]
    over = vmax is not None and finite.size and finite.max() > vmax
    under = vmin is not None and finite.size and finite.min() < vmin
    extend = "both" if over and under else "max" if over else "min" if under else "neither"
    ax.figure.colorbar(mesh, ax=ax, label=label, extend=extend)
    if annotate:
        lo, hi = np.nanmin(z), np.nanmax(z)
        mid = (lo + hi) / 2
        for (i, j), val in np.ndenumerate(z):
            if np.isfinite(val):
                color = "black" if val > mid else "white"
                ax.text(j, i, format(val, annotate), ha="center", va="center", fontsize="small", color=color)
    return ax


def pareto_front(x, y, *, minimize: Sequence[bool] = (True, True)) -> np.ndarray:
    """Which points no other point beats on both axes (the Pareto front), as a bool mask.

    Parameters
    ----------
    x, y : array_like of float
        Two objectives, equal lengths (e.g. cost and lost calls).
    minimize : pair of bool
        Whether smaller is better on each axis.

    Returns
    -------
    ndarray of bool

    Examples
    --------
    >>> pareto_front([1, 2, 3, 2.5], [5, 3, 1, 4]).tolist()
    [True, True, True, False]
    """
    a = v.as_float_array("x", x, allow_inf=True)
    b = v.as_float_array("y", y, allow_inf=True)
    if a.shape != b.shape or a.ndim != 1:
        raise ConfigError(f"x and y must be 1-d arrays of one length; got shapes {a.shape} and {b.shape}")
    if len(minimize) != 2:
        raise ConfigError(f"minimize must hold two booleans, one per axis; got {minimize!r}")
    a = a if minimize[0] else -a
    b = b if minimize[1] else -b
    order = np.lexsort((b, a))  # by a, then b
    mask = np.zeros(a.size, dtype=bool)
    best_b = np.inf
    prev = None
    for i in order:
        key = (a[i], b[i])
        if b[i] < best_b or key == prev:
            mask[i] = True
            best_b = min(best_b, b[i])
            prev = key
    return mask


def pareto_plot(x, y, *, ax=None, minimize: Sequence[bool] = (True, True), labels=None, xlabel=None, ylabel=None):
    """All points in grey and the Pareto front as a line, with optional labels on the front.

    Parameters
    ----------
    x, y : array_like of float
        The two objectives.
    ax : matplotlib Axes, optional
    minimize : pair of bool
        Whether smaller is better on each axis.
    labels : sequence of str, optional
        A label per point, written beside the front's points.
    xlabel, ylabel : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = pareto_plot([1, 2, 3, 2.5], [5, 3, 1, 4], xlabel="cost", ylabel="lost calls")
    >>> ax.lines[0].get_xdata().tolist()
    [1.0, 2.0, 3.0]
    """
    mask = pareto_front(x, y, minimize=minimize)
    a = np.asarray(x, dtype=np.float64)
    b = np.asarray(y, dtype=np.float64)
    ax = _new_ax() if ax is None else ax
    order = np.flatnonzero(mask)[np.argsort(a[mask], kind="stable")]
    ax.plot(a[order], b[order], marker="o", color="C3", label="Pareto front", zorder=3)
    ax.scatter(a[~mask], b[~mask], s=12, color="0.6", label="dominated", zorder=2)
    if labels is not None:
        labels = list(labels)
        if len(labels) != a.size:
            raise ConfigError(f"labels must hold one label per point ({a.size}); got {len(labels)}")
        for i in order:
            ax.annotate(str(labels[i]), (a[i], b[i]), textcoords="offset points", xytext=(4, 4), fontsize="x-small")
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(ylabel or "")
    ax.legend(fontsize="small")
    ax.grid(True, alpha=0.3)
    return ax
