"""Paired, interleaved timing: every ratio in benchmarks/ is measured here.

This 2-core machine is shared and its load moves by a factor of several within a minute,
so two things timed in separate blocks can differ 2x for reasons of their own. Every
ratio is therefore measured A B A B ...: each pair runs back to back under the same load,
and the report is the median of the pair ratios with their min-max, plus the load average
before and after. Usage::

    from _paired import paired, per_call, load_average

    r = paired(lambda: ours(), lambda: peer(), pairs=15)
    print(r.line("cxqueue / pyworkforce"))   # median, min-max, seconds of each side

`per_call` times a callable many times in a row and returns seconds per call, so that a
function taking microseconds is timed without the loop's own cost dominating (the loop is
timed empty and subtracted).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Paired", "load_average", "paired", "per_call"]


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages as text (``n/a`` where the OS has none)."""
    try:
        return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:  # pragma: no cover - not on Linux
        return "load average n/a"


@dataclass(frozen=True)
class Paired:
    """Times of A and B in interleaved pairs, and the ratios time(A) / time(B)."""

    a_s: tuple[float, ...]
    b_s: tuple[float, ...]

    @property
    def ratios(self) -> tuple[float, ...]:
        return tuple(a / b for a, b in zip(self.a_s, self.b_s, strict=True))

    @property
    def median(self) -> float:
        return statistics.median(self.ratios)

    @property
    def low(self) -> float:
        return min(self.ratios)

    @property
    def high(self) -> float:
        return max(self.ratios)

    @property
    def a_median_s(self) -> float:
        return statistics.median(self.a_s)

    @property
    def b_median_s(self) -> float:
        return statistics.median(self.b_s)

    def line(self, label: str, *, invert: bool = False, unit: str = "s", scale: float = 1.0) -> str:
        """One line: the median ratio with its min-max over the pairs, and each side's median time.

        ``invert`` reports B / A (how many times faster A is); ``scale`` and ``unit`` show the
        times in another unit (``scale=1e6, unit="us"``).
        """
        if invert:
            med, lo, hi = 1.0 / self.median, 1.0 / self.high, 1.0 / self.low
        else:
            med, lo, hi = self.median, self.low, self.high
        return (
            f"{label}: {med:.3g}x (min-max {lo:.3g}-{hi:.3g} over {len(self.a_s)} pairs; "
            f"A {self.a_median_s * scale:.4g} {unit}, B {self.b_median_s * scale:.4g} {unit})"
        )

    def rate_ratio(self, n_a: float, n_b: float) -> dict:
        """Throughput of A over B (``n_a`` items per A run, ``n_b`` per B run), pair by pair:
        median, min, max, and each side's items per second at its median time (``a_per_s``, ``b_per_s``)."""
        r = sorted((n_a / a) / (n_b / b) for a, b in zip(self.a_s, self.b_s, strict=True))
        return {
            "median": statistics.median(r),
            "min": r[0],
            "max": r[-1],
            "pairs": len(r),
            "a_per_s": n_a / self.a_median_s,
            "b_per_s": n_b / self.b_median_s,
        }

    def to_dict(self) -> dict:
        return {
            "median": self.median,
            "min": self.low,
            "max": self.high,
            "pairs": len(self.a_s),
            "a_median_s": self.a_median_s,
            "b_median_s": self.b_median_s,
        }


def paired(a: Callable[[], object], b: Callable[[], object], *, pairs: int = 11, warmup: int = 1) -> Paired:
    """Run ``a`` and ``b`` alternately (A B A B ...) and time each call.

    ``warmup`` rounds run first, untimed (compilation, caches). The order inside a pair
    alternates too (A B, then B A), so that neither side always runs second.
    """
    for _ in range(warmup):
        a()
        b()
    ta, tb = [], []
    for i in range(pairs):
        first, second = (a, b) if i % 2 == 0 else (b, a)
        t0 = time.perf_counter()
        first()
        t1 = time.perf_counter()
        second()
        t2 = time.perf_counter()
        if i % 2 == 0:
            ta.append(t1 - t0)
            tb.append(t2 - t1)
        else:
            tb.append(t1 - t0)
            ta.append(t2 - t1)
    return Paired(tuple(ta), tuple(tb))


def per_call(fn: Callable[[], object], calls: int) -> Callable[[], float]:
    """A timer for ``paired``: calling it runs ``fn`` ``calls`` times; `Paired` times divide by ``calls``.

    Returns a zero-argument callable; wrap the result of `paired` times with ``/ calls``
    (or use ``Paired.line(scale=1e6 / calls)``) to read seconds per call.
    """

    def run() -> float:
        for _ in range(calls):
            fn()
        return 0.0

    return run
