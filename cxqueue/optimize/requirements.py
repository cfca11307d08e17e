"""Agents per interval for a service target: stationary (SIPP), lagged (Lag-SIPP) or iterated (ISA).

`staffing_requirements` turns a `Forecast` and a `ServiceTarget` into the fewest agents on
duty per interval that meet every part of the target (service level on its basis, ASA
cap, abandonment cap, occupancy cap, busy-signal cap with finite lines), then the paid
agents after shrinkage. Three methods:

* ``"sipp"``: each interval alone as a stationary queue with the interval's offered load
  (the analytic inverses of `cxqueue.analytic`; the answer is the largest of the
  per-constraint minima).
* ``"lag_sipp"``: the same inverses with the load that the system actually carries, the
  offered load of the infinite-server system ``m(t)`` (`cxqueue.optimize.isa.
  infinite_server_load`; Green, Kolesar & Soares 2001), which lags the arrival rate by
  about one handle time and is smoothed by it.
* ``"isa"``: the iterative staffing algorithm of Feldman, Mandelbaum, Massey & Whitt (2008),
  which simulates the center (fast engine) and sets each interval's staffing from the
  simulated number in system until the staffing stops changing (`cxqueue.optimize.isa`).
  A delay-probability target P(wait > 0) <= alpha (``level = 1 - alpha``,
  ``answer_within_s = 0``) is their rule ``min{s : P(N(t) >= s) <= alpha}``; a service
  level within ``answer_within_s > 0`` (any basis), the ASA and the abandonment caps use
  the same simulated N(t) with the exact conditional wait of a caller who finds N in the
  system (exponential service and patience). The occupancy and busy-signal caps come
  from the stationary answer on ``m(t)``; the KPIs reported are analytic on ``m(t)``,
  next to the simulated delay probability and service level.

A target that no staffing meets in some intervals (a service level of 1, too few lines
for the level or the busy-signal cap, an occupancy cap above the line count) is not an
error: those intervals are flagged in ``feasible`` and named in ``messages``, and get the
best effort (the line count where lines bind, else what the other constraints need).
Only invalid input raises `ConfigError`.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass, field, fields

import numpy as np

from cxqueue import _validation as v
from cxqueue.analytic import erlang_a as ea
from cxqueue.analytic import erlang_c as ec
from cxqueue.analytic import erlang_x as ex
from cxqueue.exceptions import ConfigError, InfeasibleError
from cxqueue.optimize import isa as _isa
from cxqueue.scenario import Distribution, Forecast, ServiceTarget

__all__ = ["CONSTRAINTS", "METHODS", "MODELS", "StaffingRequirements", "staffing_requirements"]

MODELS = ("erlang_c", "erlang_a", "erlang_x")
METHODS = ("sipp", "lag_sipp", "isa")
#: Names used in ``StaffingRequirements.binding``, in order of precedence on ties.
CONSTRAINTS = ("service_level", "asa", "abandon", "occupancy", "blocking")
_NONE = "none"  # binding of an interval without calls


@dataclass(frozen=True, eq=False)
class StaffingRequirements:
    """Agents per interval and the KPIs they give; what `staffing_requirements` returns.

    Attributes
    ----------
    agents : ndarray of int64
        Agents on duty (taking calls) per interval.
    paid_agents : ndarray of int64
        ``ceil(agents / (1 - shrinkage))``: agents to pay so that ``agents`` are on duty.
    binding : ndarray of str
        The constraint that sets each interval's agents (one of `CONSTRAINTS`, or
        ``"none"`` without calls); in an infeasible interval the one that fails.
    feasible : ndarray of bool
        False where no staffing meets the whole target (see ``messages``).
    load : ndarray of float64
        Erlangs the staffing was computed for: the offered load (``"sipp"``) or the
        infinite-server load ``m(t)`` (``"lag_sipp"``, ``"isa"``).
    service_level, asa_s, abandon, occupancy, wait_probability, blocking : ndarray
        Analytic KPIs of the model at ``agents`` and ``load``: service level on the
        target's basis, mean wait of answered calls (s), abandonment and busy-signal
        probability, occupancy (0 without agents) and P(wait > 0). Computed on first
        access (they cost more than the staffing itself).
    messages : tuple of str
        One line per problem: what cannot be met, in how many intervals, the first of
        them (index and time of the week) and why; also notes on ignored caps.
    model, method, basis : str
    interval_s, start_s, shrinkage : float
    iterations : int
        ISA iterations (0 for the analytic methods).
    converged : bool
        ISA stopped because the staffing stopped changing (True for analytic methods).
    cycle : int
        ISA: > 0 when the iteration entered a cycle of that many staffings instead (each
        interval then gets its largest staffing of the cycle; see ``messages``).
    max_change, changed : ndarray of int64
        Per ISA iteration: the largest change of an interval's staffing and the number of
        intervals that changed (empty for analytic methods).
    staffing_history : ndarray of int64 or None
        ISA staffing ``s_0 .. s_k``, one row per iteration.
    simulated_delay_probability, simulated_service_level : ndarray or None
        ISA only: P(wait > 0) of admitted calls and the offered-basis service level per
        interval of arrival, simulated at ``agents``.
    """

    agents: np.ndarray
    paid_agents: np.ndarray
    binding: np.ndarray
    feasible: np.ndarray
    load: np.ndarray
    messages: tuple[str, ...]
    model: str
    method: str
    basis: str
    interval_s: float
    start_s: float
    shrinkage: float
    iterations: int = 0
    converged: bool = True
    cycle: int = 0
    max_change: np.ndarray | None = None
    changed: np.ndarray | None = None
    staffing_history: np.ndarray | None = None
    simulated_delay_probability: np.ndarray | None = None
    simulated_service_level: np.ndarray | None = None
    _kpi_inputs: tuple | None = field(default=None, repr=False)

    @functools.cached_property
    def _kpis(self) -> dict[str, np.ndarray]:
        """The analytic KPIs, computed on first access (they cost more than the inverse)."""
        return _kpis(*self._kpi_inputs, self.load, self.agents)

    @property
    def service_level(self) -> np.ndarray:
        return self._kpis["service_level"]

    @property
    def asa_s(self) -> np.ndarray:
        return self._kpis["asa_s"]

    @property
    def abandon(self) -> np.ndarray:
        return self._kpis["abandon"]

    @property
    def occupancy(self) -> np.ndarray:
        return self._kpis["occupancy"]

    @property
    def wait_probability(self) -> np.ndarray:
        return self._kpis["wait_probability"]

    @property
    def blocking(self) -> np.ndarray:
        return self._kpis["blocking"]

    @property
    def all_feasible(self) -> bool:
        return bool(self.feasible.all())

    @property
    def unmet_intervals(self) -> np.ndarray:
        """Indices of the intervals where the target cannot be met."""
        return np.flatnonzero(~self.feasible)

    def to_dict(self) -> dict:
        out = {}
        items = {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}
        for name, value in {**items, **self._kpis}.items():
            if isinstance(value, np.ndarray):
                out[name] = value.tolist()
            elif isinstance(value, tuple):
                out[name] = list(value)
            else:
                out[name] = value
        return out


# --------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------
def _requirements_iv(forecast, target, model, method, mean_patience_s, lines, handle, replications, max_iter):
    if not isinstance(forecast, Forecast):
        raise ConfigError(f"forecast must be a cxqueue.scenario.Forecast; got {type(forecast).__name__}")
    if not isinstance(target, ServiceTarget):
        raise ConfigError(f"target must be a cxqueue.scenario.ServiceTarget; got {type(target).__name__}")
    v.choice("model", model, MODELS)
    v.choice("method", method, METHODS)
    patience = float(v.positive_array("mean_patience_s", mean_patience_s, allow_inf=True))
    if model == "erlang_c" and math.isfinite(patience):
        raise ConfigError(
            f"model='erlang_c' has no abandonment; got mean_patience_s={patience:g} "
            "(use model='erlang_a' for callers who hang up)"
        )
    n = forecast.n_intervals
    if lines is not None:
        if model != "erlang_x":
            raise ConfigError(f"lines needs model='erlang_x' (finite phone lines); got model={model!r}")
        arr = v.positive_array("lines", lines, allow_inf=True)
        if arr.ndim > 1 or (arr.ndim == 1 and arr.size != n):
            raise ConfigError(f"lines must be one number or one per interval ({n}); got shape {arr.shape}")
        v.check("lines", arr, ~np.isfinite(arr) | (arr == np.floor(arr)), "whole numbers")
        lines_arr = np.broadcast_to(arr, (n,)).astype(np.float64)
        if method == "isa" and np.unique(lines_arr).size > 1:
            raise ConfigError("method='isa' needs one line count for the whole horizon; got one per interval")
    else:
        lines_arr = np.full(n, np.inf)
    if not isinstance(handle, Distribution) or handle.is_none:
        raise ConfigError(f"handle must be a cxqueue.scenario.Distribution of handle times; got {handle!r}")
    replications = v.integer_scalar("replications", replications, minimum=2)
    max_iter = v.integer_scalar("max_iter", max_iter, minimum=1)
    return patience, lines_arr, replications, max_iter


# --------------------------------------------------------------------------------------
# the stationary inverses, with infeasible intervals reported instead of raised
# --------------------------------------------------------------------------------------
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


class _Model:
    """The analytic model of one call, closed over patience and lines (arrays per interval)."""

    def __init__(self, name, patience, lines):
        self.name, self.patience, self.lines = name, patience, lines

    def sl_inverse(self, load, aht, lines, target):
        if self.name == "erlang_c":
            return ec.agents_for_service_level(
                load, aht_s=aht, answer_within_s=target.answer_within_s, level=target.level
            )
        if self.name == "erlang_a":
            return ea.agents_for_service_level(
                load,
                aht_s=aht,
                answer_within_s=target.answer_within_s,
                level=target.level,
                basis=target.basis,
                mean_patience_s=self.patience,
            )
        return ex.agents_for_service_level(
            load,
            lines,
            aht_s=aht,
            answer_within_s=target.answer_within_s,
            level=target.level,
            basis=target.basis,
            mean_patience_s=self.patience,
        )

    def asa_inverse(self, load, aht, lines, target):
        if self.name == "erlang_c":
            return ec.agents_for_asa(load, aht_s=aht, max_asa_s=target.max_asa_s)
        if self.name == "erlang_a":
            return ea.agents_for_asa(load, aht_s=aht, max_asa_s=target.max_asa_s, mean_patience_s=self.patience)
        return ex.agents_for_asa(load, lines, aht_s=aht, max_asa_s=target.max_asa_s, mean_patience_s=self.patience)

    def abandon_inverse(self, load, aht, lines, target):
        if self.name == "erlang_a":
            return ea.agents_for_abandon_rate(
                load, aht_s=aht, max_abandon=target.max_abandon, mean_patience_s=self.patience
            )
        return ex.agents_for_abandon_rate(
            load, lines, aht_s=aht, max_abandon=target.max_abandon, mean_patience_s=self.patience
        )

    def kpis(self, load, agents, aht, lines, target):
        """(service level, ASA, abandonment, occupancy, P(wait), blocking) at ``agents``."""
        t = target.answer_within_s
        if self.name == "erlang_c":
            z = np.zeros_like(load)
            return (ec.service_level(load, agents, aht_s=aht, answer_within_s=t),
                    ec.average_speed_of_answer(load, agents, aht_s=aht), z,
                    ec.occupancy(load, agents), ec.wait_probability(load, agents), z)  # fmt: skip
        n = np.maximum(lines, agents)
        kw = {"aht_s": aht, "mean_patience_s": self.patience}
        return (ex.service_level(load, agents, n, answer_within_s=t, basis=target.basis, **kw),
                ex.average_speed_of_answer(load, agents, n, **kw),
                ex.abandon_probability(load, agents, n, **kw),
                ex.occupancy(load, agents, n, **kw),
                ex.wait_probability(load, agents, n, **kw),
                ex.blocking_probability(load, agents, n, **kw))  # fmt: skip

    def at_most_lines(self, which, load, aht, lines, target):
        """True where the goal ``which`` is met with every line staffed (the best case)."""
        kw = {"aht_s": aht, "mean_patience_s": self.patience}
        if which == "service_level":
            sl = ex.service_level(load, lines, lines, answer_within_s=target.answer_within_s, basis=target.basis, **kw)
            return sl >= target.level
        if which == "asa":
            return ex.average_speed_of_answer(load, lines, lines, **kw) <= target.max_asa_s
        return ex.abandon_probability(load, lines, lines, **kw) <= target.max_abandon


def _inverse(model, which, load, aht, lines, target, dedup=True):
    """Per-interval minimum for one goal; -1 where no number of agents meets it."""
    fn = {"service_level": model.sl_inverse, "asa": model.asa_inverse, "abandon": model.abandon_inverse}[which]
    if load.size == 0:
        return np.zeros(0, dtype=np.int64)
    dd = _dedup(load, aht, lines) if dedup else None
    if dd is not None:
        (ul, ua, un), inv = dd[0].T, dd[1]
        return _inverse(model, which, ul, ua, un, target, dedup=False)[inv]
    try:
        return np.asarray(fn(load, aht, lines, target), dtype=np.int64)
    except InfeasibleError:
        if model.name != "erlang_x":
            raise
    ok = np.ones(load.shape, dtype=bool)
    fin = np.isfinite(lines)
    ok[fin] = model.at_most_lines(which, load[fin], aht[fin], lines[fin], target)
    out = np.full(load.shape, -1, dtype=np.int64)
    if ok.any():
        out[ok] = fn(load[ok], aht[ok], lines[ok], target)
    return out


def _blocking_minimum(model, load, aht, lines, goal):
    """Fewest agents (<= lines) with P(busy signal) <= goal, by bisection; -1 if none."""
    out = np.zeros(load.shape, dtype=np.int64)
    fin = np.isfinite(lines)
    if not fin.any():
        return out
    L, A, H = lines[fin], load[fin], aht[fin]
    best = ex.blocking_probability(A, L, L, aht_s=H, mean_patience_s=model.patience) <= goal
    lo, hi = np.zeros(L.shape, dtype=np.int64), L.astype(np.int64)
    active = best & (lo < hi)
    while active.any():
        idx = np.flatnonzero(active)
        mid = (lo[idx] + hi[idx]) // 2
        good = ex.blocking_probability(A[idx], mid, L[idx], aht_s=H[idx], mean_patience_s=model.patience) <= goal
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


_BEST_LEVEL = 0.999  # the best effort for a service level of 1


def _stationary(forecast, target, model, load, lines):
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
        best = _inverse(model, "service_level", L, H, N, _with_level(target, _BEST_LEVEL))
        put(
            "service_level",
            best,
            "level=1 cannot be reached: no finite staffing answers every call in time "
            f"(pass a level < 1; these intervals get the staffing for {_BEST_LEVEL:g})",
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
                _blocking_minimum(model, L, H, N, target.max_blocking),
                f"too few lines: busy signals stay above {target.max_blocking:g} even with every line staffed",
            )
        else:
            notes.append(f"max_blocking={target.max_blocking:g} has no effect: lines are unlimited (pass lines)")
    return _combine(forecast, need, unmet, why, notes)


def _with_level(target: ServiceTarget, level: float) -> ServiceTarget:
    return dataclasses.replace(target, level=level)


def _combine(forecast, need, unmet, why, notes):
    """The largest per-constraint minimum; binding = the constraint that sets it (the first
    failing one in an unmet interval); one message per unmet constraint."""
    n = forecast.n_intervals
    agents = np.zeros(n, dtype=np.int64)
    binding = np.full(n, _NONE, dtype=f"<U{max(len(c) for c in CONSTRAINTS)}")
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


# --------------------------------------------------------------------------------------
# the public function
# --------------------------------------------------------------------------------------
def staffing_requirements(
    forecast: Forecast,
    target: ServiceTarget,
    *,
    model: str = "erlang_c",
    method: str = "sipp",
    mean_patience_s: float = math.inf,
    lines=None,
    handle: Distribution | None = None,
    seed=None,
    replications: int = 200,
    max_iter: int = 20,
    isa_rounding: str = "up",
) -> StaffingRequirements:
    """Fewest agents per interval that meet ``target``, and the paid agents after shrinkage.

    Parameters
    ----------
    forecast : cxqueue.scenario.Forecast
        Calls and mean handle time (seconds) per interval of ``interval_s`` seconds.
    target : cxqueue.scenario.ServiceTarget
        Service level ``level`` within ``answer_within_s`` seconds on ``basis``, and the
        optional caps ``max_asa_s`` (seconds), ``max_abandon``, ``max_occupancy``,
        ``max_blocking`` (needs ``lines``) and ``shrinkage``. A delay-probability target
        P(wait > 0) <= alpha is ``level = 1 - alpha`` with ``answer_within_s = 0``.
    model : {"erlang_c", "erlang_a", "erlang_x"}
        M/M/c; M/M/c+M (callers hang up after exponential patience); M/M/c/N+M (also
        ``lines`` phone lines).
    method : {"sipp", "lag_sipp", "isa"}
        Stationary per interval; stationary with the infinite-server load ``m(t)``; or the
        iterative staffing algorithm by simulation (see the module docstring).
    mean_patience_s : float, default inf
        Mean exponential patience, seconds (erlang_a / erlang_x).
    lines : int or array_like, optional
        Phone lines (erlang_x), one value or one per interval (one value for ISA).
    handle : cxqueue.scenario.Distribution, optional
        Shape of the handle time for ``m(t)`` and the ISA simulation (exponential by
        default; its mean follows each interval's ``aht_s``).
    seed : int, SeedSequence, Generator or None
        ISA: root seed of the simulation; every iteration reuses it (common random numbers).
    replications : int, default 200
        ISA: replications per iteration (>= 2).
    max_iter : int, default 20
        ISA: cap on the iterations; ``converged`` says whether it stopped before.
    isa_rounding : {"up", "nearest"}
        ISA: ``"up"`` takes the fewest agents whose (estimated) service level meets the
        target, as Feldman et al. do (the delay probability then sits up to one agent's
        worth below alpha, about 0.04 at 100 Erlangs); ``"nearest"`` takes one agent fewer
        where that brings the service level closer to the target, which centres the
        delay probability on alpha (time-stable performance) but may miss it by half an
        agent's worth. Caps (ASA, abandonment) are always met.

    Returns
    -------
    StaffingRequirements
        Agents on duty and paid per interval, the binding constraint, the analytic KPIs
        at that staffing, feasibility with messages, and for ISA its iterations.

    Raises
    ------
    ConfigError
        Invalid input (the message names the parameter, the rule and the value). A target
        that no staffing meets is reported in the result, not raised.

    Examples
    --------
    >>> f = Forecast(calls=[0.0, 100.0, 200.0], aht_s=180.0, interval_s=1800.0)
    >>> r = staffing_requirements(f, ServiceTarget(level=0.8, answer_within_s=20, shrinkage=0.3))
    >>> r.agents.tolist(), r.paid_agents.tolist(), r.binding.tolist()
    ([0, 14, 24], [0, 20, 35], ['none', 'service_level', 'service_level'])
    >>> r = staffing_requirements(f, ServiceTarget(level=1.0, answer_within_s=20))
    >>> r.feasible.tolist(), r.messages[0].split(":")[0]
    ([True, False, False], 'service_level cannot be met in 2 of 3 intervals (first at index 1, Mon 00')
    """
    handle = Distribution.exponential(1.0) if handle is None else handle
    patience, lines_arr, replications, max_iter = _requirements_iv(
        forecast, target, model, method, mean_patience_s, lines, handle, replications, max_iter
    )
    v.choice("isa_rounding", isa_rounding, ("up", "nearest"))
    m = _Model(model, patience, lines_arr)
    load = forecast.offered_load if method == "sipp" else _isa.infinite_server_load(forecast, handle=handle)
    agents, binding, feasible, messages = _stationary(forecast, target, m, load, lines_arr)
    extra = {}
    if method == "isa":
        agents, binding, feasible, messages, extra = _run_isa(
            forecast,
            target,
            m,
            load,
            agents,
            binding,
            feasible,
            messages,
            handle,
            seed,
            replications,
            max_iter,
            isa_rounding,
        )
    paid = np.ceil(agents / (1.0 - target.shrinkage) - 1e-9).astype(np.int64)
    return StaffingRequirements(
        agents=agents, paid_agents=paid, binding=binding, feasible=feasible, load=np.asarray(load, dtype=np.float64),
        messages=messages, model=model, method=method, basis=target.basis, interval_s=forecast.interval_s,
        start_s=forecast.start_s, shrinkage=target.shrinkage, _kpi_inputs=(m, forecast.aht_s, lines_arr, target),
        **extra,
    )  # fmt: skip


def _kpis(m, aht, lines, target, load, agents):
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


def _run_isa(
    forecast, target, m, load, agents, binding, feasible, messages, handle, seed, replications, max_iter, rounding
):
    """ISA from a generous start; the occupancy and busy-signal caps come from the stationary answer."""
    patience = Distribution.none() if not math.isfinite(m.patience) else Distribution.exponential(m.patience)
    lines = None if not np.isfinite(m.lines).any() else int(m.lines[0])
    start = np.ceil(load + 5.0 * np.sqrt(load) + 5.0 * (load > 0)).astype(np.int64)
    if lines is not None:
        start = np.minimum(start, lines)
    isa_target = _with_level(target, min(target.level, _BEST_LEVEL))
    if isa_target.max_abandon is not None and not math.isfinite(m.patience):
        isa_target = dataclasses.replace(isa_target, max_abandon=None)
    res = _isa.iterative_staffing(
        forecast, isa_target, initial_agents=start, handle=handle, patience=patience, lines=lines,
        replications=replications, seed=seed, max_iter=max_iter, rounding=rounding,
    )  # fmt: skip
    new = res.agents.copy()
    new_binding = res.binding.astype(binding.dtype)
    lines_arr = m.lines
    caps = {}
    if target.max_occupancy is not None:
        caps["occupancy"] = np.minimum(np.ceil(load / target.max_occupancy - 1e-9), lines_arr)
    if target.max_blocking is not None and lines is not None:
        bl = _blocking_minimum(m, load, forecast.aht_s, lines_arr, target.max_blocking)
        caps["blocking"] = np.where(bl < 0, lines_arr, bl)
    for name, need in caps.items():  # caps that ISA does not simulate: their stationary minimum on m(t)
        need = need.astype(np.int64)
        raise_it = need > new
        new[raise_it] = need[raise_it]
        new_binding[raise_it] = name
    new_binding[~feasible] = binding[~feasible]
    msgs = list(messages)
    if res.cycle:
        msgs.append(
            f"isa entered a cycle of {res.cycle} staffings after {res.iterations} iterations instead of settling "
            f"({int(res.changed[-1])} intervals alternate); kept each interval's largest staffing of the cycle"
        )
    elif not res.converged:
        msgs.append(
            f"isa stopped after max_iter={max_iter} iterations without converging: "
            f"{int(res.changed[-1])} intervals still changed by up to {int(res.max_change[-1])} agents "
            "(raise max_iter or replications)"
        )
    extra = {
        "iterations": res.iterations,
        "converged": res.converged,
        "cycle": res.cycle,
        "max_change": res.max_change,
        "changed": res.changed,
        "staffing_history": res.staffing_history,
        "simulated_delay_probability": res.delay_probability,
        "simulated_service_level": res.service_level,
    }
    return new, new_binding, feasible, tuple(msgs), extra
