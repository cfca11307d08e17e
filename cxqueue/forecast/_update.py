"""Intraday updating: the counts of the morning revise the forecast of the rest of the day.

Two rules, each with a parameter chosen by a backtest on the history at the same time of day:

``gamma``
    The day factor's posterior. With the prior G ~ Gamma(k, k) and the morning's N calls
    against M expected, counted as Poisson with overdispersion c (a day's shape wanders
    around its profile, so the morning says less about the afternoon than Poisson counts
    would), the posterior is Gamma(k + N / c, k + M / c) and the rest of the day is scaled by
    its mean (k c + N) / (k c + M). c comes from a grid.
``svd``
    Shen & Huang (2008), "Interday forecasting and intraday updating of call center
    arrivals", M&SOM 10(3): the leading K right singular vectors B of the history's
    days-by-intervals matrix of sqrt(calls + 1/4) span the shapes a day takes. The day's
    prior (the one-step forecast, as s = sqrt(mu + 1/4)) is moved inside that span by the
    penalized least-squares fit to the observed intervals e:

        delta = argmin |sqrt(x_e + 1/4) - s_e - B_e delta|^2 + lambda' |delta|^2,  lambda' = lambda m_e / m

    and the rest of the day becomes (s + B delta)^2 - 1/4 (written mu + d (2 s + d) with
    d = B delta, so that no observed interval leaves the prior unchanged to the bit). K and
    lambda come from a grid.

`choose_rule` scores every candidate (and no update) on the rest-of-day RMSE over past days,
each updated from its own one-step-ahead forecast, and returns the best with the spread
of its rest-of-day totals (the updated day factor's shape).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["RULES", "UpdateRule", "apply_rule", "choose_rule", "svd_basis"]

RULES = ("auto", "gamma", "svd", "none")
C_GRID = (1.0, 4.0, 16.0, 64.0, 256.0)
K_GRID = (1, 2, 3, 4)
LAM_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)


@dataclass(frozen=True)
class UpdateRule:
    """One intraday update: its kind and parameter, and its rest-of-day RMSE on the history's past days."""

    kind: str
    c: float = 1.0
    k: int = 0
    lam: float = 0.0
    rmse: float = float("nan")

    def describe(self) -> str:
        if self.kind == "gamma":
            return f"gamma (overdispersion c={self.c:g})"
        if self.kind == "svd":
            return f"svd (K={self.k}, lambda={self.lam:g})"
        return "none"


def svd_basis(counts: np.ndarray, k_max: int = max(K_GRID)) -> np.ndarray:
    """The leading right singular vectors of sqrt(counts + 1/4), shape (n_intervals, k).

    They are the leading eigenvectors of the intervals' Gram matrix S^T S (faster than a full SVD).
    """
    s = np.sqrt(counts + 0.25)
    _, vec = np.linalg.eigh(s.T @ s)
    k = min(k_max, s.shape[0], s.shape[1])
    return vec[:, ::-1][:, :k]


def apply_rule(rule: UpdateRule, prior: np.ndarray, observed: np.ndarray, k_prior, basis) -> np.ndarray:
    """Updated means of every interval (rows: days); the first ``observed.shape[1]`` columns are the morning.

    Parameters
    ----------
    prior : ndarray, shape (d, m)
    observed : ndarray, shape (d, m0)
    k_prior : float or ndarray (d,)
        The day factor's shape of each prior.
    basis : ndarray, shape (m, k_max)
    """
    m0 = observed.shape[1]
    if m0 == 0 or rule.kind == "none":
        return prior.copy()
    if rule.kind == "gamma":
        kc = np.asarray(k_prior, dtype=np.float64) * rule.c
        n = observed.sum(axis=1)
        mm = prior[:, :m0].sum(axis=1)
        with np.errstate(invalid="ignore"):
            fac = np.where(np.isinf(kc), 1.0, (kc + n) / (kc + mm))
        return prior * fac[:, None]
    b = basis[:, : rule.k]
    be = b[:m0]
    lam = rule.lam * m0 / prior.shape[1]
    s = np.sqrt(prior + 0.25)
    r = np.sqrt(observed + 0.25) - s[:, :m0]
    a = np.linalg.solve(be.T @ be + lam * np.eye(rule.k), be.T)  # (K, m0)
    d = (r @ a.T) @ b.T
    return np.maximum(prior + d * (2 * s + d), 0.0)


def _candidates(kind: str, k_max: int) -> list[UpdateRule]:
    out = [UpdateRule("none")]
    if kind in ("auto", "gamma"):
        out += [UpdateRule("gamma", c=c) for c in C_GRID]
    if kind in ("auto", "svd"):
        out += [UpdateRule("svd", k=k, lam=lam) for k in K_GRID if k <= k_max for lam in LAM_GRID]
    if kind != "auto":
        out = [r for r in out if r.kind == kind]
    return out


def choose_rule(kind: str, priors, actual, m0: int, k_prior, basis) -> tuple[UpdateRule, float]:
    """The best rule of `kind` on past days, and the shape of its rest-of-day factor.

    Parameters
    ----------
    priors, actual : ndarray, shape (d, m)
        One-step-ahead forecasts of past days and what came.
    m0 : int
        Intervals observed at the update.
    k_prior : ndarray, shape (d,)
        The day factor's shape of the priors.

    Returns
    -------
    rule : UpdateRule
    shape : float
        1 / (mean squared log ratio of the rest-of-day totals, less its Poisson part); inf when that is <= 0.
    """
    best, best_mu = None, None
    for rule in _candidates(kind, basis.shape[1]):
        mu = apply_rule(rule, priors, actual[:, :m0], k_prior, basis)
        err = float(np.sqrt(np.mean((actual[:, m0:] - mu[:, m0:]) ** 2)))
        if best is None or err < best.rmse - 1e-12:
            best = UpdateRule(rule.kind, rule.c, rule.k, rule.lam, err)
            best_mu = mu
    rest_mu = best_mu[:, m0:].sum(axis=1)
    rest_x = actual[:, m0:].sum(axis=1)
    ok = rest_mu > 0
    if not ok.any():
        return best, float("inf")
    lr = np.log((rest_x[ok] + 1.0) / (rest_mu[ok] + 1.0))
    var = float(np.mean(lr**2) - np.mean(1.0 / (rest_mu[ok] + 1.0)))
    return best, (1.0 / var if var > 0 else float("inf"))
