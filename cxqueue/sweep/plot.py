"""What ``cxqueue plot`` does: a results store (or its CSV) in, a figure beside it out.

Within one sweep every point has its own grid values, so two points that share the plotted
values (``x``, ``hue``, ``facet``) differ in a grid key the figure does not show. Their mean
would be a line no single scenario has, and its band the spread between scenarios rather
than a confidence interval: `plot_results` refuses, naming the keys, and the researcher
chooses (``--hue``, ``--facet``, or one value with ``--where KEY=VALUE``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cxqueue.exceptions import ConfigError
from cxqueue.sweep.store import load_table

__all__ = ["PlotResult", "filter_table", "plot_results", "unplotted_keys"]

# columns of a results table that are no grid key and no metric
_BOOKKEEPING = ("index", "point_id", "status", "elapsed_s", "seed", "finished_at", "code_version", "error")


@dataclass(frozen=True)
class PlotResult:
    """The figure written: its path, the points drawn and the filters that chose them."""

    path: Path
    n_points: int
    where: tuple[str, ...]


def _show(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def filter_table(table: dict, where: Sequence[str]) -> dict:
    """The rows of ``table`` whose columns hold the values of ``where`` (``"KEY=VALUE"`` each).

    >>> t = {"agents": np.array([10.0, 11.0, 10.0]), "model": np.array(["a", "a", "b"], dtype=object)}
    >>> filter_table(t, ["agents=10", "model=b"])["agents"].tolist()
    [10.0]
    """
    keep = np.ones(len(next(iter(table.values()))), dtype=bool)
    for cond in where:
        key, sep, text = cond.partition("=")
        key, text = key.strip(), text.strip()
        if not sep or not key:
            raise ConfigError(f"--where must be KEY=VALUE (e.g. offered_load=10); got {cond!r}")
        if key not in table:
            raise ConfigError(f"--where {cond}: column {key!r} is not in the results; they hold: {', '.join(table)}")
        col = np.asarray(table[key])
        if col.dtype.kind == "f":
            try:
                value = float(text)
            except ValueError:
                raise ConfigError(f"--where {cond}: {key} holds numbers; got {text!r}") from None
            match = np.isclose(col, value, rtol=1e-12, atol=0.0) | (col == value)
        else:
            match = np.array([str(x) == text for x in col], dtype=bool)
        if not (keep & match).any():
            have = ", ".join(_show(v) for v in dict.fromkeys(col[keep].tolist()))
            raise ConfigError(f"--where {cond} leaves no point to plot; {key} takes {have}")
        keep &= match
    return {k: np.asarray(v)[keep] for k, v in table.items()}


def unplotted_keys(table: dict, plotted: Sequence[str], grid=None) -> tuple[list[str], int]:
    """The grid keys that tell apart points sharing the ``plotted`` columns' values, and the most such points.

    With ``grid`` (the grid keys, as a store knows them): those that vary among such
    points. Without (a CSV): the columns are tried in the table's order (grid keys before
    metrics, as `load_table` and the CSV export write them), each kept when it splits a
    group still holding several points. ([], 1) when every point has its own plotted values.

    >>> t = {"agents": np.array([1.0, 1, 2, 2]), "load": np.array([9.0, 10, 9, 10]), "sl": np.array([.5, .4, .7, .6])}
    >>> unplotted_keys(t, ["agents"]), unplotted_keys(t, ["agents", "load"])
    ((['load'], 2), ([], 1))
    """

    def counts(cols) -> np.ndarray:
        """Points per distinct combination of `cols` (values compared as text: NaN equals NaN)."""
        ids: dict = {}
        rows = zip(*(map(str, np.asarray(table[c]).tolist()) for c in cols), strict=True)
        return np.bincount(np.array([ids.setdefault(r, len(ids)) for r in rows], dtype=np.int64))

    n = counts(list(plotted))
    most = int(n.max(initial=1))
    if most <= 1:
        return [], 1
    if grid is not None:
        return [k for k in grid if k in table and k not in plotted and counts([*plotted, k]).size > n.size], most
    found: list[str] = []
    for col in (c for c in table if c not in _BOOKKEEPING and c not in plotted):
        more = counts([*plotted, *found, col])
        if more.size > n.size:
            found.append(col)
            n = more
        if n.max() <= 1:
            break
    return found, most


def _grid_keys(results: Path, sweep: str | None) -> list[str] | None:
    """The grid keys of a store's points (its sweep's, with ``sweep``); None for a CSV export, which does not say."""
    if results.suffix.lower() == ".csv":
        return None
    from cxqueue.sweep.store import ResultStore

    with ResultStore(results) as store:
        hashes = {s["spec_hash"] for s in store.sweeps() if sweep is None or sweep in (s["name"], s["spec_hash"])}
        records = [r for h in sorted(hashes) for r in store.records(h)]
    return list(dict.fromkeys(k for r in records for k in r.params))


def plot_results(
    results,
    *,
    x: str,
    y: str,
    hue: str | None = None,
    facet: str | None = None,
    where: Sequence[str] = (),
    sweep: str | None = None,
    output=None,
) -> PlotResult:
    """Draw ``y`` against ``x`` (lines by ``hue``, panels by ``facet``) and write the PNG.

    Parameters
    ----------
    results : path
        A sweep store (``.sqlite``) or its CSV export.
    x, y, hue, facet : str
        Columns of the results.
    where : sequence of str
        ``KEY=VALUE`` filters: only the points whose KEY is VALUE are drawn.
    sweep : str, optional
        The sweep of a store that holds several.
    output : path, optional
        The PNG; default ``<results stem>-<y>-vs-<x>.png`` beside the results file (not
        in the working directory).

    Raises
    ------
    ConfigError
        If a column is missing, no point is left, or points that share the plotted values
        differ in a grid key that is not plotted (the message names the keys and how to
        show them: ``--hue``, ``--facet`` or ``--where KEY=VALUE``). A fraction's band stays
        in [0, 1] (`cxqueue.plots.fraction_limits`).
    """
    from cxqueue.plots import sweep_figure

    results = Path(results)
    table = load_table(results, sweep=sweep)
    if not table or len(next(iter(table.values()))) == 0:
        raise ConfigError(f"{results}: no finished points to plot")
    for col in (c for c in (x, y, hue, facet) if c is not None):
        if col not in table:
            raise ConfigError(f"column {col!r} is not in the results; they hold: {', '.join(sorted(table))}")
    table = filter_table(table, where)
    plotted = [c for c in (facet, hue, x) if c is not None]
    keys, most = unplotted_keys(table, plotted, _grid_keys(results, sweep))
    if most > 1:
        shown = ", ".join(f"--{o} {c}" for o, c in (("x", x), ("hue", hue), ("facet", facet)) if c is not None)
        values = "; ".join(
            f"{k} takes {', '.join(_show(v) for v in dict.fromkeys(np.asarray(table[k]).tolist()))}" for k in keys
        )
        first = keys[0] if keys else "KEY"
        one = _show(np.asarray(table[first])[0]) if keys else "VALUE"
        several = " (the store may hold several sweeps: pick one with --sweep NAME)" if not keys else ""
        raise ConfigError(
            f"{results}: up to {most} points share each value of {shown}: the figure would average them over "
            f"{' and '.join(keys) or 'no grid key'}, which it does not show ({values}){several}; draw them apart "
            f"with --hue {first} or --facet {first}, or keep one value with --where {first}={one}"
        )
    fig = sweep_figure(table, x=x, y=y, hue=hue, facet=facet)
    path = Path(output) if output is not None else results.with_name(f"{results.stem}-{y}-vs-{x}.png")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    return PlotResult(path, len(next(iter(table.values()))), tuple(where))
