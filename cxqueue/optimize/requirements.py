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
from cxqueue.exceptions import ConfigError
from cxqueue.optimize import isa as _isa
from cxqueue.optimize._stationary import BEST_LEVEL, CONSTRAINTS, Model, blocking_minimum, kpis, stationary, with_level
from cxqueue.scenario import Distribution, Forecast, ServiceTarget

__all__ = ["CONSTRAINTS", "METHODS", "MODELS", "StaffingRequirements", "staffing_requirements"]

MODELS = ("erlang_c", "erlang_a", "erlang_x")
METHODS = ("sipp", "lag_sipp", "isa")


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
        return kpis(*self._kpi_inputs, self.load, self.agents)

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
    m = Model(model, patience, lines_arr)
    load = forecast.offered_load if method == "sipp" else _isa.infinite_server_load(forecast, handle=handle)
    agents, binding, feasible, messages = stationary(forecast, target, m, load, lines_arr)
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


def _run_isa(
    forecast, target, m, load, agents, binding, feasible, messages, handle, seed, replications, max_iter, rounding
):
    """ISA from a generous start; the occupancy and busy-signal caps come from the stationary answer."""
    patience = Distribution.none() if not math.isfinite(m.patience) else Distribution.exponential(m.patience)
    lines = None if not np.isfinite(m.lines).any() else int(m.lines[0])
    start = np.ceil(load + 5.0 * np.sqrt(load) + 5.0 * (load > 0)).astype(np.int64)
    if lines is not None:
        start = np.minimum(start, lines)
    isa_target = with_level(target, min(target.level, BEST_LEVEL))
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
        bl = blocking_minimum(m, load, forecast.aht_s, lines_arr, target.max_blocking)
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
