"""Distributions of durations in seconds: handle time, patience, IVR time, redial delays."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError

__all__ = ["DISTRIBUTION_KINDS", "Distribution"]

DISTRIBUTION_KINDS = ("none", "exponential", "lognormal", "deterministic", "empirical")


@dataclass(frozen=True, eq=False)
class Distribution:
    """A distribution of a duration in seconds (handle time, patience, delays, IVR time).

    ``kind`` is one of ``"none"`` (never happens: infinite patience), ``"exponential"``,
    ``"lognormal"`` (mean and coefficient of variation ``cv``), ``"deterministic"`` or
    ``"empirical"`` (resampled from ``samples_s``). ``mean_s`` may be rescaled per call
    with ``sample(rng, size, mean_s=...)``: the shape is kept, the mean moves (handle
    times follow the forecast AHT of their interval).

    Examples
    --------
    >>> d = Distribution.lognormal(180.0, cv=1.0)
    >>> x = d.sample(np.random.default_rng(1), 200_000)
    >>> bool(abs(x.mean() / 180.0 - 1) < 0.01)
    True
    """

    kind: str = "exponential"
    mean_s: float = 1.0
    cv: float = 1.0
    samples_s: np.ndarray | None = None

    def __post_init__(self):
        v.choice("kind", self.kind, DISTRIBUTION_KINDS)
        if self.kind == "none":
            object.__setattr__(self, "mean_s", math.inf)
            return
        if self.kind == "empirical":
            if self.samples_s is None:
                raise ConfigError("samples_s is required for an empirical distribution")
            s = v.frozen_array("samples_s", self.samples_s)
            v.check("samples_s", s, s >= 0, ">= 0")
            if s.size == 0:
                raise ConfigError("samples_s must hold at least one value; got none")
            object.__setattr__(self, "samples_s", s)
            object.__setattr__(self, "mean_s", float(s.mean()))
            sd = float(s.std())
            object.__setattr__(self, "cv", sd / s.mean() if s.mean() > 0 else 0.0)
            return
        mean = float(v.positive_array("mean_s", self.mean_s))
        object.__setattr__(self, "mean_s", mean)
        if self.kind == "exponential":
            object.__setattr__(self, "cv", 1.0)
        elif self.kind == "deterministic":
            object.__setattr__(self, "cv", 0.0)
        else:
            object.__setattr__(self, "cv", float(v.positive_array("cv", self.cv)))

    # constructors ---------------------------------------------------------------
    @classmethod
    def none(cls) -> Distribution:
        return cls("none", math.inf)

    @classmethod
    def exponential(cls, mean_s: float) -> Distribution:
        return cls("exponential", mean_s)

    @classmethod
    def lognormal(cls, mean_s: float, *, cv: float) -> Distribution:
        return cls("lognormal", mean_s, cv)

    @classmethod
    def deterministic(cls, value_s: float) -> Distribution:
        return cls("deterministic", value_s, 0.0)

    @classmethod
    def empirical(cls, samples_s) -> Distribution:
        return cls("empirical", 1.0, 1.0, np.asarray(samples_s, dtype=np.float64))

    @property
    def is_none(self) -> bool:
        return self.kind == "none"

    def lognormal_params(self, mean_s: float | None = None) -> tuple[float, float]:
        """(mu, sigma) of the underlying normal for the lognormal with this mean and cv."""
        m = self.mean_s if mean_s is None else mean_s
        sigma2 = math.log1p(self.cv**2)
        return math.log(m) - 0.5 * sigma2, math.sqrt(sigma2)

    def sample(self, rng: np.random.Generator, size, mean_s=None) -> np.ndarray:
        """Draw durations in seconds; ``mean_s`` (scalar or array of ``size``) rescales."""
        m = self.mean_s if mean_s is None else np.asarray(mean_s, dtype=np.float64)
        if self.kind == "none":
            return np.full(size, np.inf)
        if self.kind == "exponential":
            return rng.exponential(1.0, size) * m
        if self.kind == "deterministic":
            return np.broadcast_to(np.asarray(m, dtype=np.float64), size).astype(np.float64)
        if self.kind == "lognormal":
            sigma2 = math.log1p(self.cv**2)
            z = rng.standard_normal(size) * math.sqrt(sigma2) - 0.5 * sigma2
            return np.exp(z) * m
        idx = rng.integers(0, self.samples_s.size, size)
        x = self.samples_s[idx]
        if mean_s is not None and self.mean_s > 0:
            x = x * (m / self.mean_s)
        return x

    def to_dict(self) -> dict:
        d = {"kind": self.kind, "mean_s": self.mean_s, "cv": self.cv}
        if self.samples_s is not None:
            d["samples_s"] = self.samples_s.tolist()
        return d
