"""The callers of one replication of a multi-skill center, drawn before the simulation runs.

Call type ``k`` draws from its own purpose streams, ``_rng.purpose_streams(seed,
substream=k)``: its arrivals (an exact non-homogeneous Poisson process with a constant
rate per interval, `cxqueue.sim.arrivals.poisson_arrivals`), its unit handle times (the
engine scales them by the type's AHT of the arrival interval and the serving group's
factor), its patience and, from its ``"route"`` stream (`_rng.skill_streams`), one
uniform per caller for the agent choice ``"random_free"`` (drawn whatever the routing, so
that it changes no draw). The day factor is drawn once, from substream 0, and multiplies
every type. The legs of transfers and check-in calls come last, from the ``"transfer"``
skill stream of substream 0 (`_with_legs`). So:

* two centers that differ only in agents, groups or routing see exactly the same callers
  (common random numbers);
* a type's callers do not depend on the other types;
* a center of one type draws exactly what the single-queue engine draws for the equivalent
  `Scenario` (`cxqueue.sim.arrivals.sample_callers`): same streams, same order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxqueue import _rng
from cxqueue.scenario import MultiSkillScenario
from cxqueue.scenario.channels import outbound_arrays, transfer_arrays
from cxqueue.sim.arrivals import _table, day_factors, poisson_arrivals

__all__ = ["SkillCallers", "sample_skill_callers"]


@dataclass(frozen=True, eq=False)
class SkillCallers:
    """Pre-sampled callers, one row per call, the first calls of the customers sorted by arrival
    (types in order at a tie), then the legs transfers may create.

    ``arrival_s`` in seconds since the horizon start (NaN for a leg: it arrives when the
    call before it is transferred); ``call_type`` the index of the type; ``handle_unit`` the
    handle time at unit mean; ``patience_s`` (inf: never hangs up); ``route_u`` a uniform
    draw in [0, 1) by which the call picks among the groups it may reach at once under
    ``agent_choice = "random_free"``; ``transfer_u`` the uniform draw that decides whether
    the call, once answered by group ``g``, is transferred (when ``transfer_u < share[g,
    type]``; inf: never); ``next_leg`` the row of the leg it is transferred to (-1: none);
    ``customer`` the first call's row and ``attempt`` the leg's number (1 for a first call);
    ``next_out`` the row of the check-in task a served call creates (-1: none), ``fixed_s``
    the duration of an attempt that does not reach the customer (NaN: it follows
    ``handle_unit``). The last six default to "no transfers, no check-ins".
    """

    arrival_s: np.ndarray
    call_type: np.ndarray
    handle_unit: np.ndarray
    patience_s: np.ndarray
    route_u: np.ndarray
    transfer_u: np.ndarray | None = None
    next_leg: np.ndarray | None = None
    customer: np.ndarray | None = None
    attempt: np.ndarray | None = None
    next_out: np.ndarray | None = None
    fixed_s: np.ndarray | None = None

    def __post_init__(self):
        n = len(self.arrival_s)
        none = {"transfer_u": np.full(n, np.inf), "next_leg": np.full(n, -1, dtype=np.int64),
                "customer": np.arange(n, dtype=np.int64), "attempt": np.ones(n, dtype=np.int64),
                "next_out": np.full(n, -1, dtype=np.int64), "fixed_s": np.full(n, np.nan)}  # fmt: skip
        for name, value in none.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)

    @property
    def n_first(self) -> int:
        """The number of first calls (rows ``0 .. n_first - 1``; the legs follow)."""
        return int(np.count_nonzero(self.attempt == 1))


def _draws(t, handle_gen, patience_gen, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit handle times and patience of ``n`` calls of type ``t``."""
    handle = _table(t.handle, handle_gen, n, 1, unit=True)[:, 0]
    if t.patience.is_none:
        return handle, np.full(n, np.inf)
    return handle, _table(t.patience, patience_gen, n, 1, unit=False)[:, 0]


def sample_skill_callers(scenario: MultiSkillScenario, seed) -> SkillCallers:
    """Draw every caller of one replication of ``scenario``, and the legs of its transfers.

    Parameters
    ----------
    scenario : cxqueue.scenario.MultiSkillScenario
    seed : int, SeedSequence, Generator or None
        The replication's seed; type ``k`` uses its purpose streams of substream ``k``.

    Returns
    -------
    SkillCallers

    Examples
    --------
    >>> from cxqueue.scenario import AgentGroup, CallType, MultiSkillScenario
    >>> sc = MultiSkillScenario([CallType("A", [50.0], aht_s=60.0), CallType("B", [20.0], aht_s=60.0)],
    ...                         [AgentGroup("G", ("A", "B"), 3)])
    >>> c = sample_skill_callers(sc, 1)
    >>> bool(np.all(np.diff(c.arrival_s) >= 0)), sorted(set(c.call_type.tolist())), bool(np.isinf(c.patience_s).all())
    (True, [0, 1], True)
    """
    seed = _rng.as_seed_sequence(seed)
    base = _rng.purpose_streams(seed)
    factor = day_factors(scenario.interval_starts_s, scenario.day_factor_cv, base["day_factor"])
    arrival, ctype, handle, patience, route = [], [], [], [], []
    for k, t in enumerate(scenario.types):
        streams = base if k == 0 else _rng.purpose_streams(seed, substream=k)
        a = poisson_arrivals(t.calls * factor, scenario.interval_s, streams["arrivals"])
        n = a.size
        arrival.append(a)
        ctype.append(np.full(n, k, dtype=np.int64))
        h, p = _draws(t, streams["handle"], streams["patience"], n)
        handle.append(h)
        patience.append(p)
        route.append(_rng.skill_streams(seed, substream=k)["route"].random(n))
    arrival_s = np.concatenate(arrival)
    order = np.argsort(arrival_s, kind="stable")
    cols = [arrival_s[order]] + [np.concatenate(x)[order] for x in (ctype, handle, patience, route)]
    return _with_legs(scenario, _rng.skill_streams(seed)["transfer"], *cols)


def _with_legs(sc: MultiSkillScenario, gen, arrival, ctype, handle, patience, route) -> SkillCallers:
    """The first calls and every leg their transfers and check-in calls may need, drawn from
    ``gen`` (the ``"transfer"`` stream of substream 0) round by round. In each round, for the
    rows added by the last: each row of a type that transfers draws its ``transfer_u``, and
    those below the largest share of the type's groups get a leg; then each row of a type
    with an `Outbound` draws whether it gets a check-in task (below its share), and each task
    whether it reaches the customer (below `Dialer.reach`; else it lasts ``attempt_s``,
    ``fixed_s``). A new row draws its handle time and patience (type by type in order) and
    its route draw. Without transfers and check-ins nothing is drawn."""
    to, share = transfer_arrays(sc)
    most = share.max(axis=0, initial=0.0)
    oto, oshare, _ = outbound_arrays(sc)
    n = arrival.size
    cols = {"arrival_s": arrival, "call_type": ctype, "handle_unit": handle, "patience_s": patience, "route_u": route,
            "transfer_u": np.full(n, np.inf), "next_leg": np.full(n, -1, dtype=np.int64),
            "customer": np.arange(n, dtype=np.int64), "attempt": np.ones(n, dtype=np.int64),
            "next_out": np.full(n, -1, dtype=np.int64), "fixed_s": np.full(n, np.nan)}  # fmt: skip
    new = np.arange(n)
    while new.size:
        added = []
        rows = new[most[cols["call_type"][new]] > 0]
        if rows.size:
            u = gen.random(rows.size)
            cols["transfer_u"][rows] = u
            go = rows[u < most[cols["call_type"][rows]]]
            if go.size:
                cols["next_leg"][go] = idx = _append(sc, cols, go, to[cols["call_type"][go]], gen)
                added.append(idx)
        rows = new[oshare[cols["call_type"][new]] > 0]
        if rows.size:
            go = rows[gen.random(rows.size) < oshare[cols["call_type"][rows]]]
            if go.size:
                cols["next_out"][go] = idx = _append(sc, cols, go, oto[cols["call_type"][go]], gen)
                missed = gen.random(go.size) >= sc.dialer.reach
                cols["fixed_s"][idx[missed]] = sc.dialer.attempt_s
                added.append(idx)
        new = np.concatenate(added) if added else np.empty(0, dtype=np.int64)
    return SkillCallers(**cols)


def _append(sc: MultiSkillScenario, cols: dict, parents: np.ndarray, j: np.ndarray, gen) -> np.ndarray:
    """Rows for calls of types ``j`` that follow ``parents`` (the same customer, the next
    attempt), their draws from ``gen``, added to ``cols`` in place; their row numbers."""
    m, start = parents.size, cols["arrival_s"].size
    h, p = np.empty(m), np.empty(m)
    for k in np.unique(j):
        sel = j == k
        h[sel], p[sel] = _draws(sc.types[k], gen, gen, int(sel.sum()))
    add = {"arrival_s": np.full(m, np.nan), "call_type": j, "handle_unit": h, "patience_s": p,
           "route_u": gen.random(m), "transfer_u": np.full(m, np.inf), "next_leg": np.full(m, -1, dtype=np.int64),
           "customer": cols["customer"][parents], "attempt": cols["attempt"][parents] + 1,
           "next_out": np.full(m, -1, dtype=np.int64), "fixed_s": np.full(m, np.nan)}  # fmt: skip
    for name in cols:
        cols[name] = np.concatenate([cols[name], add[name]])
    return start + np.arange(m)
