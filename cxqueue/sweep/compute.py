"""What to compute at each sweep point: a registry of named point functions.

A point function takes the point's resolved config (a nested dict: the spec's ``[base]``
with the grid's dotted keys applied) and keyword ``seed`` (a ``numpy.random.SeedSequence``
that depends only on the spec seed and the point's index) and returns its metrics: a
mapping of names to numbers (or lists), or an object with ``to_dict()``. Nested
mappings are flattened to dotted names by the runner.

Built in:

``analytic``
    Erlang C, A or X KPIs from ``offered_load`` (or ``calls`` and ``interval_s``),
    ``agents``, ``aht_s``, ``answer_within_s``, and optionally ``mean_patience_s``
    (Erlang A) and ``lines`` (Erlang X). Its ``batch`` form computes a whole chunk in
    one vectorized call per model.
``simulate``
    ``cxqueue.sim.simulate`` on a stationary center described by flat keys, or on the
    scenario that ``cxqueue.config`` builds from a full config.
``optimize``
    ``cxqueue.optimize.staffing_requirements`` on the scenario's forecast and target
    (not tested yet: it waits for ``cxqueue.optimize`` and ``cxqueue.config``).

A point function may carry a ``batch(configs, *, seeds)`` attribute returning one
result per config; the runner then hands it whole chunks.

A spec may also name any importable function as ``"package.module:function"``.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError

__all__ = [
    "POINT_FUNCTIONS",
    "analytic_batch",
    "analytic_point",
    "optimize_point",
    "register",
    "resolve",
    "simulate_point",
]

#: The named point functions; :func:`register` adds to it.
POINT_FUNCTIONS: dict[str, Callable] = {}

_ANALYTIC_KEYS = (
    "offered_load",
    "calls",
    "interval_s",
    "agents",
    "aht_s",
    "answer_within_s",
    "mean_patience_s",
    "lines",
    "basis",
    "redial_blocked",
    "redial_abandoned",
)


def register(name: str, fn: Callable | None = None):
    """Register ``fn`` as the point function called ``name`` (usable as a decorator).

    A function registered at run time exists only in this process: worker processes
    get the function itself (pickled), so it must be importable at module level.

    Examples
    --------
    >>> @register("double_agents")
    ... def _double(config, *, seed):
    ...     return {"agents2": 2 * config["agents"]}
    >>> resolve("double_agents")({"agents": 3}, seed=None)
    {'agents2': 6}
    >>> del POINT_FUNCTIONS["double_agents"]
    """
    if not isinstance(name, str) or not name or ":" in name:
        raise ConfigError(f"name must be a non-empty string without ':'; got {name!r}")

    def deco(f):
        if not callable(f):
            raise ConfigError(f"fn must be callable; got {f!r}")
        POINT_FUNCTIONS[name] = f
        return f

    return deco if fn is None else deco(fn)


def resolve(compute) -> Callable:
    """The point function for ``compute``: a callable, a registered name or ``"module:function"``.

    Examples
    --------
    >>> resolve("analytic") is analytic_point
    True
    >>> resolve("math:hypot")(3, 4)
    5.0
    """
    if callable(compute):
        return compute
    if not isinstance(compute, str):
        raise ConfigError(f"compute must be a point-function name or a function; got {compute!r}")
    if compute in POINT_FUNCTIONS:
        return POINT_FUNCTIONS[compute]
    if ":" in compute:
        module_name, _, attr = compute.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ConfigError(f"compute {compute!r}: cannot import module {module_name!r} ({exc})") from None
        fn = module
        for part in attr.split("."):
            fn = getattr(fn, part, None)
        if not callable(fn):
            raise ConfigError(f"compute {compute!r}: {module_name!r} has no function {attr!r}")
        return fn
    known = ", ".join(repr(k) for k in sorted(POINT_FUNCTIONS))
    raise ConfigError(f"compute must be one of {known} or 'package.module:function'; got {compute!r}")


def _number(config: Mapping, key: str, default=None) -> float:
    value = config.get(key, default)
    if value is None:
        raise ConfigError(f"point config: key {key!r} is required")
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ConfigError(f"point config: {key} must be a number; got {value!r}")
    return float(value)


def analytic_point(config: Mapping, *, seed=None) -> dict:
    """Erlang C, A or X KPIs for one point (the model follows from the keys present).

    Erlang C (M/M/c) without ``mean_patience_s`` (or with ``inf``) and without ``lines``;
    Erlang A (M/M/c+M) with a finite ``mean_patience_s``; Erlang X (M/M/c/N+M) when
    ``lines`` is given. Every model returns the same keys, so one grid may mix them.

    Parameters
    ----------
    config : mapping
        ``offered_load`` in Erlangs (or ``calls`` per ``interval_s`` seconds), ``agents``,
        ``aht_s``, ``answer_within_s`` (seconds, default 20); optional
        ``mean_patience_s`` (seconds, ``inf`` for none), ``lines``, ``basis`` (the
        service-level basis: ``"offered"`` (default), ``"answered"``, ``"admitted"`` or
        ``"virtual"``), and for Erlang X ``redial_blocked`` and ``redial_abandoned``
        (fractions of blocked and abandoned callers who call again).
    seed : ignored
        Analytic points are deterministic.

    Returns
    -------
    dict
        ``model``, ``service_level`` (on ``basis``), ``wait_probability``,
        ``abandon_probability``, ``blocking_probability``, ``asa_s`` (mean wait of
        answered calls, seconds; inf when overloaded without abandonment), ``occupancy``;
        Erlang X adds ``total_load`` (Erlangs, with redials) and ``converged``.

    Examples
    --------
    >>> kpi = analytic_point({"offered_load": 10.0, "agents": 14, "aht_s": 180.0, "answer_within_s": 20.0})
    >>> kpi["model"], round(kpi["service_level"], 4), kpi["abandon_probability"]
    ('erlang_c', 0.8884, 0.0)
    >>> kpi = analytic_point({"offered_load": 10.0, "agents": 14, "aht_s": 180.0, "mean_patience_s": 300.0})
    >>> kpi["model"], round(kpi["service_level"], 6), round(kpi["abandon_probability"], 6)
    ('erlang_a', 0.916792, 0.013984)
    """
    return analytic_batch([config])[0]


def _analytic_parse(config: Mapping) -> tuple[tuple, tuple]:
    """Check one analytic config; its group (model, basis, redial keys) and its numbers."""
    unknown = sorted(set(config) - set(_ANALYTIC_KEYS))
    if unknown:
        raise ConfigError(f"analytic point: unknown config keys {unknown}; known keys: {', '.join(_ANALYTIC_KEYS)}")
    aht_s = _number(config, "aht_s")
    if "offered_load" in config:
        load = _number(config, "offered_load")
    else:
        from cxqueue.units import offered_load

        load = float(offered_load(_number(config, "calls"), interval_s=_number(config, "interval_s"), aht_s=aht_s))
    agents = _number(config, "agents")
    t_s = _number(config, "answer_within_s", 20.0)
    patience_s = _number(config, "mean_patience_s", math.inf)
    basis = v.choice("basis", config.get("basis", "offered"), ("offered", "answered", "admitted", "virtual"))
    lines = config.get("lines")
    redials = tuple(k for k in ("redial_blocked", "redial_abandoned") if k in config)
    if redials and lines is None:
        raise ConfigError(f"analytic point: {', '.join(redials)} need lines (the Erlang X model); add lines to [base]")
    if lines is None:
        model = "erlang_c" if not math.isfinite(patience_s) else "erlang_a"
        n_lines = math.inf
    else:
        model, n_lines = "erlang_x", _number(config, "lines")
    numbers = (load, agents, aht_s, t_s, patience_s, n_lines, *(_number(config, k) for k in redials))
    return (model, basis, redials), numbers


def analytic_batch(configs, *, seeds=None) -> list[dict]:
    """:func:`analytic_point` for many configs at once, one vectorized call per model.

    The kernels work element by element, so each point's numbers do not depend on the
    other points of the batch: a chunk of one and a chunk of thousands agree to the bit.

    Parameters
    ----------
    configs : sequence of mapping
        Point configs, as :func:`analytic_point` takes them.
    seeds : ignored

    Returns
    -------
    list of dict
        One KPI dict per config, in order.

    Examples
    --------
    >>> base = {"offered_load": 10.0, "aht_s": 180.0, "answer_within_s": 20.0}
    >>> [round(k["service_level"], 4) for k in analytic_batch([{**base, "agents": n} for n in (11, 14)])]
    [0.3896, 0.8884]
    """
    parsed = [_analytic_parse(c) for c in configs]
    groups: dict[tuple, list[int]] = {}
    for i, (key, _) in enumerate(parsed):
        groups.setdefault(key, []).append(i)
    out: list[dict] = [{} for _ in parsed]
    for (model, basis, redial_keys), idx in groups.items():
        cols = np.array([parsed[i][1] for i in idx], dtype=np.float64).T
        load, agents, aht_s, t_s, patience_s, n_lines = cols[:6]
        if model == "erlang_c":
            from cxqueue.analytic import erlang_c

            kpis = {
                "service_level": erlang_c.service_level(load, agents, aht_s=aht_s, answer_within_s=t_s),
                "wait_probability": erlang_c.wait_probability(load, agents),
                "abandon_probability": np.zeros(len(idx)),
                "blocking_probability": np.zeros(len(idx)),
                "asa_s": erlang_c.average_speed_of_answer(load, agents, aht_s=aht_s),
                "occupancy": erlang_c.occupancy(load, agents),
            }
        else:
            from cxqueue.analytic import erlang_x

            redials = dict(zip(redial_keys, cols[6:], strict=True))
            m = erlang_x.metrics(
                load, agents, n_lines, aht_s=aht_s, mean_patience_s=patience_s, answer_within_s=t_s, **redials
            )
            kpis = {
                "service_level": m.service_level(basis),
                "wait_probability": m.wait_probability,
                "abandon_probability": m.abandon_probability,
                "blocking_probability": m.blocking,
                "asa_s": m.average_speed_of_answer_s,
                "occupancy": m.occupancy,
            }
            if model == "erlang_x":
                kpis["total_load"] = m.total_load
                kpis["converged"] = m.converged
        columns = {k: np.asarray(x).reshape(-1).tolist() for k, x in kpis.items()}
        for j, i in enumerate(idx):
            out[i] = {"model": model, **{k: col[j] for k, col in columns.items()}}
    return out


analytic_point.batch = analytic_batch


_STATIONARY_KEYS = (
    "offered_load",
    "calls",
    "interval_s",
    "n_intervals",
    "agents",
    "aht_s",
    "answer_within_s",
    "mean_patience_s",
    "lines",
    "handle_cv",
)


def _stationary_scenario(config: Mapping):
    """A Scenario of ``n_intervals`` equal intervals from the flat keys of ``_STATIONARY_KEYS``."""
    from cxqueue.scenario import Distribution, Forecast, Scenario, ServiceTarget

    aht_s = _number(config, "aht_s")
    interval_s = _number(config, "interval_s", 900.0)
    n = v.integer_scalar("n_intervals", config.get("n_intervals", 4), minimum=1)
    if "calls" in config:
        calls = _number(config, "calls")
    else:
        calls = _number(config, "offered_load") * interval_s / aht_s
    patience_s = _number(config, "mean_patience_s", math.inf)
    cv = _number(config, "handle_cv", 1.0)
    handle = Distribution.exponential(1.0) if cv == 1.0 else Distribution.lognormal(1.0, cv=cv)
    lines = config.get("lines")
    return Scenario(
        forecast=Forecast(calls=np.full(n, calls), aht_s=np.full(n, aht_s), interval_s=interval_s),
        agents=np.full(n, _number(config, "agents")),
        lines=None if lines is None else v.integer_scalar("lines", lines, minimum=1),
        handle=handle,
        patience=Distribution.none() if not math.isfinite(patience_s) else Distribution.exponential(patience_s),
        target=ServiceTarget(answer_within_s=_number(config, "answer_within_s", 20.0)),
    )


def _scenario(config: Mapping):
    """The Scenario a point describes: flat stationary keys, or whatever cxqueue.config reads."""
    if set(config) <= set(_STATIONARY_KEYS):
        return _stationary_scenario(config)
    try:
        from cxqueue import config as cfg
    except ImportError:
        cfg = None
    for name in ("scenario_from_dict", "scenario_from_mapping", "parse_scenario"):
        fn = getattr(cfg, name, None)
        if fn is not None:
            return fn(dict(config))
    unknown = sorted(set(config) - set(_STATIONARY_KEYS))
    raise ConfigError(
        f"simulate point: unknown config keys {unknown}; a stationary point takes {', '.join(_STATIONARY_KEYS)} "
        "(a full scenario needs cxqueue.config)"
    )


def _estimates(kpis) -> dict:
    """``{name: mean, name_ci_low: ..., name_ci_high: ...}`` for each Estimate of a KPIs result.

    The bounds are the Estimate's: within [0, 1] for a fraction, >= 0 for a count or a time.
    """
    out = {}
    for name, est in vars(kpis).items():
        if hasattr(est, "low") and hasattr(est, "high"):
            mean = np.asarray(est.mean, dtype=np.float64)
            out[name] = float(mean) if mean.ndim == 0 else mean.tolist()
            out[f"{name}_ci_low"], out[f"{name}_ci_high"] = est.low, est.high
    return out


def _summary(result) -> dict:
    if hasattr(result, "totals"):
        return _estimates(result.totals)
    if hasattr(result, "to_dict"):
        return result.to_dict()
    return dict(result)


def simulate_point(config: Mapping, *, seed=None) -> dict:
    """Simulate one point with ``cxqueue.sim.simulate``; KPIs over the horizon with 95 % intervals.

    A flat config describes a stationary center: ``offered_load`` (Erlangs) or ``calls``
    per interval, ``interval_s`` (default 900), ``n_intervals`` (default 4), ``agents``,
    ``aht_s``, ``answer_within_s`` (default 20), optional ``mean_patience_s``
    (exponential), ``lines`` and ``handle_cv`` (lognormal handle times; 1 is
    exponential). Other tables are read by ``cxqueue.config`` as a full scenario. A
    ``simulation`` table sets ``replications`` (default 10), ``engine`` (default
    ``"fast"``) and ``warmup_s`` (default 0).

    Parameters
    ----------
    config : mapping
        The point's scenario and ``simulation`` table.
    seed : numpy.random.SeedSequence
        The point's seed; replications use its children.

    Returns
    -------
    dict
        For each KPI of ``SimulationResult.totals`` (``sl_offered``, ``asa_s``,
        ``abandon_fraction``, ``blocking_fraction``, ``occupancy``, ...): its mean, and
        ``<kpi>_ci_low`` / ``<kpi>_ci_high``.

    Examples
    --------
    >>> simulate_point({"simulation": {"replications": 0}})
    Traceback (most recent call last):
    ...
    cxqueue.exceptions.ConfigError: simulation.replications must be >= 1; got 0
    """
    config = dict(config)
    sim = dict(config.pop("simulation", {}))
    unknown = sorted(set(sim) - {"replications", "engine", "warmup_s"})
    if unknown:
        raise ConfigError(f"simulation: unknown keys {unknown}; known keys: replications, engine, warmup_s")
    replications = v.integer_scalar("simulation.replications", sim.get("replications", 10), minimum=1)
    engine = sim.get("engine", "fast")
    from cxqueue.sim import simulate

    scenario = _scenario(config)
    result = simulate(
        scenario, replications=replications, seed=seed, engine=engine, warmup_s=float(sim.get("warmup_s", 0.0))
    )
    return _summary(result)


def optimize_point(config: Mapping, *, seed=None) -> dict:
    """Staffing requirements for one point with ``cxqueue.optimize.staffing_requirements``.

    The config holds a scenario and an ``[optimize]`` table whose entries are passed as
    keyword arguments (``model``, ``method``, ...).

    Parameters
    ----------
    config : mapping
        Scenario tables plus ``optimize = {model, method, ...}``.
    seed : numpy.random.SeedSequence
        The point's seed (used by simulation-based methods such as ISA).

    Returns
    -------
    dict
        The requirement result as a dict.

    Examples
    --------
    >>> optimize_point({"optimize": "sipp"})
    Traceback (most recent call last):
    ...
    cxqueue.exceptions.ConfigError: optimize must be a table of keyword arguments; got 'sipp'
    """
    config = dict(config)
    options = config.pop("optimize", {})
    if not isinstance(options, Mapping):
        raise ConfigError(f"optimize must be a table of keyword arguments; got {options!r}")
    from cxqueue.optimize import staffing_requirements

    scenario = _scenario(config)
    result = staffing_requirements(scenario.forecast, scenario.target, seed=seed, **dict(options))
    return _summary(result)


register("analytic", analytic_point)
register("simulate", simulate_point)
register("optimize", optimize_point)
