"""Analytic queueing models, one module per model with the same verbs.

* `erlang_b`: M/M/c/c, lines and busy signals (with redials: extended Erlang B);
* `erlang_c`: M/M/c, waits and service level;
* `erlang_a`: M/M/n+M, with callers who hang up;
* `erlang_x`: M/M/c/N+M, finite lines with patience and redials.
"""

from cxqueue.analytic import erlang_a, erlang_b, erlang_c, erlang_x
from cxqueue.analytic._common import QueueMetrics

__all__ = ["QueueMetrics", "erlang_a", "erlang_b", "erlang_c", "erlang_x"]
