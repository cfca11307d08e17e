"""The stationary part of `staffing_requirements`: per-constraint minima of agents per interval.

Each interval is a stationary queue (Erlang C, A or X) with its own load; each part of the
target (service level, ASA, abandonment, occupancy, busy signals) has a fewest number of
agents, found by the analytic inverses of the internal tier (`cxqueue.analytic._core`:
the forecast and the target were validated once, in `staffing_requirements`), and the
requirement is the largest of them. A part no staffing meets is reported, not raised.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from cxqueue.analytic import _core as core
from cxqueue.analytic import _iv
from cxqueue.analytic._kernels import GOAL_ASA, GOAL_SL
from cxqueue.scenario import Forecast, ServiceTarget

__all__ = ["BEST_LEVEL", "CONSTRAINTS", "Model", "blocking_minimum", "kpis", "stationary", "with_level"]

#: Names used in ``StaffingRequirements.binding``, in order of precedence on ties.
CONSTRAINTS = ("service_level", "asa", "abandon", "occupancy", "blocking")
NONE = "none"  # binding of an interval without calls
BEST_LEVEL = 0.999  # the best effort for a service level of 1


def _dedup(load, aht, lines):
    """Unique (load, aht, lines) triples and the inverse index, or None when most are distinct
    (the inverses cost per call, so replayed history with whole calls gains a lot)."""
    ul, il = np.unique(load, return_inverse=True)
    if ul.size > 0.7 * load.size:
        return None
    ua, ia = np.unique(aht, return_inverse=True)
    un, iz = np.unique(lines, return_inverse=True)
    key = (il.astype(np.int64) * ua.size + ia) * un.size + iz
    uk, first, inv = np.unique(key, return_index=True, return_inverse=True)
    if uk.size > 0.7 * load.size:
        return None
    return np.stack([load[first], aht[first], lines[first]], axis=1), inv.ravel()


class Model:
    """The analytic model of one center, closed over patience and lines (arrays per interval).

    Every method takes valid per-interval arrays and calls the internal tier; an inverse
    returns -1 where no number of agents up to the lines meets its goal.
    """

    def __init__(self, name, patience, lines):
        self.name, self.patience, self.lines = name, patience, lines

    def inverse(self, which, load, aht, lines, target):
        """The fewest agents for one part of the target: ``which`` is "service_level", "asa" or "abandon"."""
        t = target
        if self.name == "erlang_c":
            if which == "service_level":
                return core.erlang_c_agents(GOAL_SL, load, aht, t.answer_within_s, t.level)
            return core.erlang_c_agents(GOAL_ASA, load, aht, 0.0, t.max_asa_s)
        goal = {
            "service_level": (core.SL[t.basis], t.level),
            "asa": (core.ASA, t.max_asa_s),
            "abandon": (core.ABANDON, t.max_abandon),
        }[which]
        return core.queue_agents([goal], load, lines, aht, self.patience, t.answer_within_s)

    def kpis(self, load, agents, aht, lines, target):
        """(service level, ASA, abandonment, occupancy, P(wait), blocking) at ``agents``."""
        t = target.answer_within_s
        if self.name == "erlang_c":
            z = np.zeros_like(load)
            return (core.erlang_c(core.C_SL, load, agents, aht, t), core.erlang_c(core.C_ASA, load, agents, aht), z,
                    core.erlang_c(core.C_OCC, load, agents), core.erlang_c(core.C_WAIT, load, agents), z)  # fmt: skip
        n = np.maximum(lines, agents)
        sl = core.SL[target.basis]
        return tuple(
            core.queue_metric(what, load, agents, n, aht, self.patience, t if what == sl else 0.0)
            for what in (sl, core.ASA, core.ABANDON, core.OCC, core.WAIT, core.BLOCK)
        )


def _inverse(model, which, load, aht, lines, target, dedup=True):
    """Per-interval minimum for one goal; -1 where no number of agents meets it (lines bind)."""
    if load.size == 0:
        return np.zeros(0, dtype=np.int64)
    dd = _dedup(load, aht, lines) if dedup else None
    if dd is not None:
        (ul, ua, un), inv = dd[0].T, dd[1]
        return _inverse(model, which, ul, ua, un, target, dedup=False)[inv]
    out = model.inverse(which, load, aht, lines, target)
    if model.name != "erlang_x":  # without lines every goal is reached (as the public inverses raise otherwise)
        goal = {"service_level": target.level, "asa": target.max_asa_s, "abandon": target.max_abandon}[which]
        goal = np.divide(goal, aht) if which == "asa" else goal  # the public inverses name the ASA in AHT units
        _iv.raise_unreachable(out, "agents", offered_load=load, lines=lines, target=goal)
    return out


def blocking_minimum(model, load, aht, lines, goal):
    """Fewest agents (<= lines) with P(busy signal) <= goal, by bisection; -1 if none."""
    out = np.zeros(load.shape, dtype=np.int64)
    fin = np.isfinite(lines)
    if not fin.any():
        return out
    L, A, H = lines[fin], load[fin], aht[fin]
    best = core.queue_metric(core.BLOCK, A, L, L, H, model.patience) <= goal
    lo, hi = np.zeros(L.shape, dtype=np.int64), L.astype(np.int64)
    active = best & (lo < hi)
    while active.any():
        idx = np.flatnonzero(active)
        mid = (lo[idx] + hi[idx]) // 2
        good = core.queue_metric(core.BLOCK, A[idx], mid, L[idx], H[idx], model.patience) <= goal
        hi[idx[good]] = mid[good]
        lo[idx[~good]] = mid[~good] + 1
        active = lo < hi
    out[fin] = np.where(best, hi, -1)
    return out


def _describe(forecast: Forecast, idx: np.ndarray) -> str:
    first = int(idx[0])
    t = forecast.start_s + first * forecast.interval_s
    day, sec = int(t // 86400) % 7, t % 86400
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    when = f"{names[day]} {int(sec // 3600):02d}:{int(sec % 3600 // 60):02d}"
    where = f"first at index {first}, {when}, {forecast.calls[first]:g} calls"
    return f"{idx.size} of {forecast.n_intervals} intervals ({where})"


def stationary(forecast, target, model, load, lines):
    """Per-constraint minima (best effort where unmet), the max over them, binding and messages."""
    n = forecast.n_intervals
    idx = np.flatnonzero(load > 0)
    L, H, N = load[idx], forecast.aht_s[idx], lines[idx]
    need: dict[str, np.ndarray] = {}
    unmet: dict[str, np.ndarray] = {}
    why: dict[str, str] = {}
    notes: list[str] = []

    def put(name, values, reason, bad=None):
        values = np.asarray(values, dtype=np.int64)
        bad = values < 0 if bad is None else bad | (values < 0)
        best = np.where(values < 0, np.where(np.isfinite(N), N, 0), values)
        need[name] = np.zeros(n, dtype=np.int64)
        need[name][idx] = best
        unmet[name] = np.zeros(n, dtype=bool)
        unmet[name][idx] = bad
        why[name] = reason

    if target.level >= 1.0:
        best = _inverse(model, "service_level", L, H, N, with_level(target, BEST_LEVEL))
        put(
            "service_level",
            best,
            "level=1 cannot be reached: no finite staffing answers every call in time "
            f"(pass a level < 1; these intervals get the staffing for {BEST_LEVEL:g})",
            np.ones(idx.size, bool),
        )
    elif target.level > 0:
        put(
            "service_level",
            _inverse(model, "service_level", L, H, N, target),
            f"too few lines: even with every line staffed fewer than {target.level:g} of calls are answered "
            f"within {target.answer_within_s:g} s ({target.basis} basis)",
        )
    if target.max_asa_s is not None:
        put("asa", _inverse(model, "asa", L, H, N, target), f"no staffing brings the ASA under {target.max_asa_s:g} s")
    if target.max_abandon is not None:
        if not math.isfinite(model.patience):
            notes.append(
                f"max_abandon={target.max_abandon:g} has no effect: with infinite patience nobody hangs up "
                "(pass a finite mean_patience_s with model='erlang_a' or 'erlang_x')"
            )
        else:
            put(
                "abandon",
                _inverse(model, "abandon", L, H, N, target),
                f"too few lines: even with every line staffed more than {target.max_abandon:g} of callers hang up",
            )
    if target.max_occupancy is not None:
        occ = np.ceil(L / target.max_occupancy - 1e-9).astype(np.int64)
        put(
            "occupancy",
            np.where(occ <= N, occ, -1),
            f"too few lines: occupancy <= {target.max_occupancy:g} needs more agents than lines",
        )
    if target.max_blocking is not None:
        if np.isfinite(N).any():
            put(
                "blocking",
                blocking_minimum(model, L, H, N, target.max_blocking),
                f"too few lines: busy signals stay above {target.max_blocking:g} even with every line staffed",
            )
        else:
            notes.append(f"max_blocking={target.max_blocking:g} has no effect: lines are unlimited (pass lines)")
    return _combine(forecast, need, unmet, why, notes)


def with_level(target: ServiceTarget, level: float) -> ServiceTarget:
    return dataclasses.replace(target, level=level)


def _combine(forecast, need, unmet, why, notes):
    """The largest per-constraint minimum; binding = the constraint that sets it (the first
    failing one in an unmet interval); one message per unmet constraint."""
    n = forecast.n_intervals
    agents = np.zeros(n, dtype=np.int64)
    binding = np.full(n, NONE, dtype=f"<U{max(len(c) for c in CONSTRAINTS)}")
    feasible = np.ones(n, dtype=bool)
    messages = []
    for name in CONSTRAINTS:  # precedence on ties: the earlier constraint keeps the interval
        if name not in need:
            continue
        raise_it = need[name] > agents
        agents = np.maximum(agents, need[name])
        binding[raise_it & feasible] = name
        bad = unmet[name]
        binding[bad & feasible] = name
        feasible &= ~bad
        if bad.any():
            messages.append(f"{name} cannot be met in {_describe(forecast, np.flatnonzero(bad))}: {why[name]}")
    return agents, binding, feasible, tuple(messages + notes)


def kpis(m, aht, lines, target, load, agents):
    """The analytic KPIs at ``agents`` (service level 1 and the rest 0 without calls)."""
    n = load.size
    sl, asa, ab, occ, pw, bl = (np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n))
    sl[:] = 1.0
    busy = load > 0
    if busy.any():
        vals = m.kpis(load[busy], agents[busy].astype(np.float64), aht[busy], lines[busy], target)
        for arr, val in zip((sl, asa, ab, occ, pw, bl), vals, strict=True):
            arr[busy] = val
    return {"service_level": sl, "asa_s": asa, "abandon": ab, "occupancy": occ, "wait_probability": pw,
            "blocking": bl}  # fmt: skip
