"""The peer a simpy user would write for the Wallace & Whitt center: a minimal multi-skill model.

One ``simpy.PriorityResource`` per group (its agents are interchangeable, so the group's
count is all that matters); a call requests its primary group at once, its secondary group
``reroute_s`` later (unless it was answered meanwhile), with priority 0 at a group's
primary type and 1 at its secondary type (a free agent takes primary calls first, each
level first come first served, as cxqueue's level routing does); the first request granted
wins and the other is withdrawn (a request counts as granted once triggered; a timeout
only once processed, since simpy schedules it, and so triggers it, when it is made); the
caller hangs up when its patience runs out first. Talk lasts the unit handle time x the
AHT x the group's factor for that type.

This is the textbook idiom (requests raced with ``AnyOf`` against a timeout), with none of
cxqueue's bookkeeping (no call log, no per-interval counters, no staffing changes): what a
"minimal simpy model" costs per call. It differs from cxqueue's engine in one detail of
the order: at a group's secondary level the longest-waiting call is the one that became
eligible first (its request is the older), which for a common delay is the one that arrived
first, as in cxqueue. On the same callers the two count the same answered and abandoned
calls to within a few calls in ten thousand (the benchmark checks it).
"""

from __future__ import annotations

import numpy as np
import simpy

__all__ = ["run_minimal"]


def run_minimal(callers, *, n_groups: int, agents: int, aht_s: float, factor: float, reroute_s: float,
                answer_within_s: float) -> dict:  # fmt: skip
    """Simulate pre-sampled ``callers`` (``SkillCallers``) of the ring center; counts of outcomes.

    Type ``k`` is group ``k``'s primary skill and group ``k - 1``'s secondary one (handle
    times x ``factor`` there). Returns ``{"offered", "answered", "abandoned", "hits"}``
    (answered within ``answer_within_s``).
    """
    env = simpy.Environment()
    groups = [simpy.PriorityResource(env, capacity=agents) for _ in range(n_groups)]
    counts = {"offered": 0, "answered": 0, "abandoned": 0, "hits": 0}

    def call(k: int, unit: float, patience_s: float):
        arrived = env.now
        counts["offered"] += 1
        primary, secondary = groups[k], groups[(k - 1) % n_groups]
        reqs = {primary.request(priority=0): 1.0}
        give_up = env.timeout(patience_s) if np.isfinite(patience_s) else env.event()
        if not next(iter(reqs)).triggered:
            first = env.timeout(reroute_s)
            yield simpy.AnyOf(env, [*reqs, first, give_up])
            if first.processed and not any(r.triggered for r in reqs) and not give_up.processed:
                reqs[secondary.request(priority=1)] = factor
                yield simpy.AnyOf(env, [*reqs, give_up])
        won = next((r for r in reqs if r.triggered), None)
        for r in reqs:
            if r is not won:
                r.resource.release(r) if r.triggered else r.cancel()
        if won is None:
            counts["abandoned"] += 1
            return
        waited = env.now - arrived
        counts["answered"] += 1
        counts["hits"] += waited <= answer_within_s
        yield env.timeout(unit * aht_s * reqs[won])
        won.resource.release(won)

    def source():
        last = 0.0
        for t, k, unit, pat in zip(callers.arrival_s.tolist(), callers.call_type.tolist(),
                                   callers.handle_unit.tolist(), callers.patience_s.tolist(), strict=True):  # fmt: skip
            yield env.timeout(t - last)
            last = t
            env.process(call(k, unit, pat))

    env.process(source())
    env.run()
    return counts
