"""Continuous-time Markov chains solved with numpy/scipy: the oracles of the multi-skill tests.

A chain is given by a start state and a function ``moves(state) -> [(rate, next_state), ...]``
(``next_state`` None: absorption). `explore` enumerates the reachable states breadth-first
and builds the sparse generator; `stationary` solves ``pi Q = 0, sum(pi) = 1``;
`absorption_tail` gives ``P(T > t)`` for the absorption time from an initial distribution
(a tagged caller's wait: the caller is served when the chain is absorbed).

Queues are truncated: an arrival to a full buffer is dropped. Each model checks that the
truncated states hold negligible probability.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import expm_multiply, spsolve


def explore(starts, moves):
    """States reachable from ``starts``, their index, and the generator (CSR; rows sum to
    minus the absorption rate)."""
    index, states = {}, []
    todo = deque()
    for s in starts:
        if s not in index:
            index[s] = len(states)
            states.append(s)
            todo.append(s)
    rows, cols, vals = [], [], []
    out_rate = []
    while todo:
        s = todo.popleft()
        i = index[s]
        total = 0.0
        for rate, nxt in moves(s):
            if rate <= 0:
                continue
            total += rate
            if nxt is None or nxt == s:
                if nxt == s:
                    total -= rate  # a self-loop changes nothing
                continue
            if nxt not in index:
                index[nxt] = len(states)
                states.append(nxt)
                todo.append(nxt)
            rows.append(i)
            cols.append(index[nxt])
            vals.append(rate)
        out_rate.append((i, total))
    n = len(states)
    diag = np.zeros(n)
    for i, total in out_rate:
        diag[i] = -total
    q = sparse.coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsr() + sparse.diags(diag)
    return states, index, q.tocsr()


def stationary(q) -> np.ndarray:
    """The stationary distribution of an irreducible generator ``q`` (one equation replaced by sum = 1)."""
    a = q.T.tolil()
    a[0, :] = 1.0
    b = np.zeros(q.shape[0])
    b[0] = 1.0
    pi = spsolve(a.tocsr(), b)
    assert np.all(pi > -1e-12)
    return np.clip(pi, 0.0, None) / pi.sum()


def absorption_tail(q, p0: np.ndarray, t: float) -> float:
    """``P(T > t)`` for the absorption time of the transient chain ``q`` started from ``p0``."""
    return float(expm_multiply(q.T * t, p0).sum())
