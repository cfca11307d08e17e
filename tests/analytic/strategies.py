"""What the property tests of the analytic models draw, and how (hypothesis settings)."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from tests.conftest import NO_JIT

INF = math.inf
aht = st.floats(30.0, 900.0)  # mean handle time, s
threshold = st.floats(0.0, 120.0)  # answer within, s
patience_ratio = st.floats(0.1, 10.0)  # mean patience / AHT
maybe_patience = st.one_of(st.just(INF), patience_ratio)  # or callers who never hang up
# a queue on finite lines: lines = int(A * spare) + extra
finite_lines = dict(A=st.floats(0.05, 150.0), spare=st.floats(0.3, 2.0), extra=st.integers(0, 40))
levels = st.floats(0.05, 0.99)
caps = st.one_of(st.none(), st.floats(0.5, 1.0))  # occupancy caps
BASES = ("offered", "answered", "virtual")


def profile(n: int):
    """Hypothesis settings: `n` examples with the JIT on, a quarter of them without it.

    Derandomized and without a database (CI sees the same cases every run); no shrinking:
    a failure is reported as drawn (the derandomized run reproduces it), which keeps a red
    run as quick as a green one.
    """
    return settings(
        max_examples=max(n // 4, 5) if NO_JIT else n,
        deadline=None,
        database=None,
        derandomize=True,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=[HealthCheck.too_slow],
    )
