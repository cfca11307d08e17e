"""Non-dominated label sets for the opening-hours search (`cxqueue.optimize.hours`).

Points are (cost, lost calls, calls answered within the threshold) and, when the search has a
demand-coverage floor, the covered demand (capped at the floor by the caller). Cost and lost
calls are minimised, the others maximised. Values are compared rounded to 6 decimals.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pareto"]


def _sweep(order: np.ndarray, rest: list[np.ndarray]) -> np.ndarray:
    """Keep the points of `order` (sorted by their first key, duplicates removed) that no earlier one
    beats or ties in every key of `rest` (all minimised)."""
    kept: list[int] = []
    ks = [np.empty(0) for _ in rest]
    for b in range(0, order.size, 256):
        blk = order[b : b + 256]
        vals = [r[blk] for r in rest]
        dom = np.ones((blk.size, ks[0].size), dtype=bool)
        inner = np.tri(blk.size, k=-1, dtype=bool)
        for k, x in zip(ks, vals, strict=True):
            dom &= k[None, :] <= x[:, None]
            inner &= x[None, :] <= x[:, None]
        keep = ~dom.any(axis=1) & ~inner.any(axis=1)
        kept.extend(blk[keep].tolist())
        ks = [np.concatenate((k, x[keep])) for k, x in zip(ks, vals, strict=True)]
    return np.array(kept, dtype=np.int64)


def pareto(cost, lost, within, res_c=0.0, res_n=0.0, full=True, cover=None) -> np.ndarray:
    """Indices of the non-dominated points (min cost, min lost, max within[, max cover]); one per tie.

    ``full=False``: `within` is no criterion, only the tie-break (of equal keys the larger within).
    ``res_c`` / ``res_n`` above 0 merge points whose keys fall in one cell of that size (cost;
    calls). ``cover``: a further key to maximise.

    Examples
    --------
    >>> pareto([1.0, 2.0, 2.0, 3.0], [5.0, 4.0, 6.0, 4.0], [0.0, 0.0, 0.0, 0.0]).tolist()
    [0, 1]
    >>> pareto([1.0, 2.0], [5.0, 5.0], [0.0, 0.0], cover=[1.0, 2.0]).tolist()
    [0, 1]
    """
    c, lo, wi = (np.round(np.asarray(x, dtype=np.float64), 6) for x in (cost, lost, within))
    cv = None if cover is None else np.round(np.asarray(cover, dtype=np.float64), 6)
    n = c.size
    if cv is not None:
        order = np.lexsort((-wi, -cv, lo, c) if not full else (-cv, -wi, lo, c))
    elif n < 2_000_000:  # one int64 key of the three ranks sorts ~3x faster than lexsort
        rc, rl, rw = (np.unique(x, return_inverse=True)[1].astype(np.int64).ravel() for x in (c, lo, -wi))
        order = np.argsort((rc * n + rl) * n + rw, kind="stable")
    else:
        order = np.lexsort((-wi, lo, c))
    cells = [np.floor(c / res_c) if res_c > 0 else c, np.floor(lo / res_n) if res_n > 0 else lo]
    if full:
        cells.append(np.floor(wi / res_n) if res_n > 0 else wi)
    if cv is not None:
        cells.append(np.floor(cv / res_n) if res_n > 0 else cv)
    if res_c > 0 or res_n > 0 or cv is not None:  # one point per cell (exact keys when no resolution)
        _, first = np.unique(np.stack(cells, axis=1)[order], axis=0, return_index=True)
        order = order[np.sort(first)]
    if cv is None and not full:
        ls = lo[order]
        best_before = np.concatenate(([np.inf], np.minimum.accumulate(ls)[:-1]))
        return order[ls < best_before]
    rest = [lo] + ([-wi] if full else []) + ([-cv] if cv is not None else [])
    return _sweep(order, rest)
