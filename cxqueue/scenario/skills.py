"""A multi-skill center as plain data: call types, agent groups with skills, routing.

The engines interpret these (`cxqueue.sim.multiskill`); nothing here runs a queue. The
single-queue `Scenario` is the case of one type and one group
(`MultiSkillScenario.to_scenario`, `MultiSkillScenario.from_scenario`).

* `CallType`: the calls of one menu option per interval, their mean handle time, the
  shape of the handle-time distribution, the callers' patience and the type's priority
  (0 is served first);
* `AgentGroup`: agents with the same skills, on duty per interval, with a handle-time
  factor per skill (a group slower or faster at a type than its mean);
* `Routing` (``routing.py``): which groups a call tries and which calls a free agent takes;
* `MultiSkillScenario`: all of them on one interval grid, with opening hours, a service
  target per type and a day factor.

Error messages name the key as a config would write it (``call_types.<name>.aht_s``,
``groups.<name>.skills``, ``routing.type_groups.<type>``), the rule and the value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.scenario._plain import PlainDict
from cxqueue.scenario.center import Scenario
from cxqueue.scenario.channels import (
    CHANNELS,
    DEFAULT_DUE_S,
    DEFERRED,
    Chat,
    Dialer,
    Outbound,
    Transfer,
    check_outbound,
    check_transfers,
)
from cxqueue.scenario.demand import MAX_AHT_S, MAX_CALLS, Forecast
from cxqueue.scenario.distribution import Distribution
from cxqueue.scenario.hours import OpeningHours
from cxqueue.scenario.routing import Routing, check_name
from cxqueue.scenario.target import ServiceTarget

__all__ = ["AgentGroup", "CallType", "MultiSkillScenario"]


def _forecast_like(x) -> bool:
    return all(hasattr(x, a) for a in ("calls", "aht_s", "interval_s", "start_s")) and not isinstance(x, np.ndarray)


@dataclass(frozen=True, eq=False)
class CallType(PlainDict):
    """The calls of one type (a menu option, a language): volume, handle time, patience, priority.

    Parameters
    ----------
    name : str
        The type's name; routing and groups' skills refer to it.
    calls : array_like of float, or a Forecast
        Expected arrivals per interval (one value per interval of the scenario's grid). A
        `Forecast` (or an object with its ``calls``, ``aht_s``, ``interval_s`` and
        ``start_s``) gives the calls, the mean handle time and the grid at once.
    aht_s : float or array_like of float
        Mean handle time in seconds, one number or one per interval (by the interval of the
        call's arrival); required unless ``calls`` is a Forecast.
    handle : Distribution
        The shape of the handle time (its mean is rescaled to ``aht_s`` times the serving
        group's `AgentGroup.handle_factor`); exponential by default.
    patience : Distribution or None
        Time a caller waits before hanging up; ``Distribution.none()`` (never, also for None) by default.
    priority : int
        0 is served first; by default a free agent takes the waiting calls of its types by
        priority, then the longest waiting (`Routing`).
    transfer : Transfer or None
        A share of the answered calls passed on to another type at the end of the talk
        (`cxqueue.scenario.channels.Transfer`); None (the default): none.
    channel : {"voice", "chat", "email"}
        ``"chat"``: an agent holds several at once (`cxqueue.scenario.channels.Chat`);
        ``"email"``: deferrable work (emails, tickets) with a due time, never abandoned (its
        patience must be none), taken only when no other call its agent could take waits.
        ``"outbound"``: check-in calls agents dial (created by other types' ``outbound``),
        after every inbound call and before emails.
    due_s : float or None
        An email or outbound type's due time in seconds (>= 0): its service level counts what
        is answered (dialed) within it; 86400 (a day) when None.
    outbound : Outbound or None
        Check-in calls after this type's served calls (`cxqueue.scenario.channels.Outbound`).

    Examples
    --------
    >>> t = CallType("cards", [100.0, 120.0], aht_s=240.0, patience=Distribution.exponential(180.0))
    >>> t.aht_s.tolist(), t.offered_load(900.0).tolist()
    ([240.0, 240.0], [26.666666666666668, 32.0])
    """

    name: str
    calls: np.ndarray
    _: KW_ONLY
    aht_s: np.ndarray | float | None = None
    handle: Distribution = field(default_factory=lambda: Distribution.exponential(1.0))
    patience: Distribution | None = field(default_factory=Distribution.none)
    priority: int = 0
    transfer: Transfer | None = None
    channel: str = "voice"
    due_s: float | None = None
    outbound: Outbound | None = None
    #: (interval_s, start_s) of the Forecast the calls came from; None for an array
    grid: tuple[float, float] | None = field(default=None, init=False, repr=False)

    def __post_init__(self):
        name = check_name("call type name", self.name)
        key = f"call_types.{name}"
        calls, aht = self.calls, self.aht_s
        if _forecast_like(calls):
            if aht is not None:
                raise ConfigError(
                    f"{key}.aht_s comes from the Forecast given as calls; got aht_s={aht!r} as well "
                    "(pass calls as an array to give aht_s)"
                )
            object.__setattr__(self, "grid", (float(calls.interval_s), float(calls.start_s)))
            calls, aht = calls.calls, calls.aht_s
        elif aht is None:
            raise ConfigError(f"{key}.aht_s is required (the mean handle time in seconds) unless calls is a Forecast")
        calls = v.frozen_array(f"{key}.calls", calls)
        v.check(f"{key}.calls", calls, calls >= 0, ">= 0")
        v.check(f"{key}.calls", calls, calls <= MAX_CALLS, f"<= {MAX_CALLS:.0e} per interval")
        aht = v.as_float_array(f"{key}.aht_s", aht)
        aht = np.broadcast_to(aht, calls.shape) if aht.ndim == 0 else aht
        if aht.shape != calls.shape:
            raise ConfigError(
                f"{key}.aht_s must be one number or one value per interval ({calls.size}); got shape {aht.shape}"
            )
        aht = v.frozen_array(f"{key}.aht_s", aht)
        v.check(f"{key}.aht_s", aht, (aht > 0) & (aht <= MAX_AHT_S), f"> 0 and <= {MAX_AHT_S:g} (a day)")
        if not isinstance(self.handle, Distribution) or self.handle.is_none:
            raise ConfigError(
                f"{key}.handle must be a Distribution other than 'none' (an answered call takes time); "
                f"got {self.handle!r}"
            )
        patience = Distribution.none() if self.patience is None else self.patience
        if not isinstance(patience, Distribution):
            raise ConfigError(f"{key}.patience must be a Distribution or None (never hangs up); got {patience!r}")
        prio = v.integer_scalar(f"{key}.priority", self.priority, minimum=0)
        v.choice(f"{key}.channel", self.channel, CHANNELS)
        due = self.due_s
        if self.channel in DEFERRED:
            due = DEFAULT_DUE_S if due is None else float(v.nonneg_array(f"{key}.due_s", due))
            if not patience.is_none:
                raise ConfigError(
                    f"{key}.patience must be none for an {self.channel} type (deferrable work is never abandoned); got "
                    f"{patience!r}"
                )
        elif due is not None:
            raise ConfigError(f'{key}.due_s applies to channel "email" or "outbound" only; got due_s={due!r} with '
                              f"channel {self.channel!r}")  # fmt: skip
        if self.outbound is not None and not isinstance(self.outbound, Outbound):
            raise ConfigError(f"{key}.outbound must be an Outbound or None; got {self.outbound!r}")
        object.__setattr__(self, "due_s", due)
        if self.transfer is not None and not isinstance(self.transfer, Transfer):
            raise ConfigError(f"{key}.transfer must be a Transfer or None; got {self.transfer!r}")
        for attr, value in (("name", name), ("calls", calls), ("aht_s", aht), ("patience", patience),
                            ("priority", prio)):  # fmt: skip
            object.__setattr__(self, attr, value)

    @property
    def n_intervals(self) -> int:
        return int(self.calls.size)

    def offered_load(self, interval_s: float) -> np.ndarray:
        """Erlangs per interval: ``calls * aht_s / interval_s`` (before any group's handle factor)."""
        return self.calls * self.aht_s / interval_s


@dataclass(frozen=True, eq=False)
class AgentGroup(PlainDict):
    """Agents with the same skills, on duty per interval.

    Parameters
    ----------
    name : str
    skills : sequence of str
        The call types the group's agents can answer (at least one; a bare string is one type).
    agents : float or array_like of float
        Agents on duty, one number or one value per interval (rounded to whole agents by the
        engines). When the number falls at an interval's end, busy agents finish their call first.
    handle_factor : mapping of str to float
        Per skill, the group's handle time relative to the type's ``aht_s`` (1 when not
        given): 1.2 means this group takes 20 % longer with that type.

    Examples
    --------
    >>> g = AgentGroup("generalists", ("cards", "loans"), 12, handle_factor={"loans": 1.25})
    >>> g.skills, g.factor("cards"), g.factor("loans")
    (('cards', 'loans'), 1.0, 1.25)
    """

    name: str
    skills: tuple[str, ...]
    agents: np.ndarray | float
    _: KW_ONLY
    handle_factor: dict = field(default_factory=dict)

    def __post_init__(self):
        name = check_name("group name", self.name)
        key = f"groups.{name}"
        skills = (self.skills,) if isinstance(self.skills, str) else self.skills
        if not isinstance(skills, Sequence | set | frozenset):
            raise ConfigError(f"{key}.skills must be a sequence of call type names; got {self.skills!r}")
        skills = tuple(skills)
        if not skills:
            raise ConfigError(f"{key}.skills must name at least one call type; got none (a group with no skills)")
        for s in skills:
            check_name(f"{key}.skills", s)
            if skills.count(s) > 1:
                raise ConfigError(f"{key}.skills must not repeat a call type; {s!r} appears {skills.count(s)} times")
        agents = np.array(v.nonneg_array(f"{key}.agents", self.agents), dtype=np.float64)
        if agents.ndim > 1:
            raise ConfigError(f"{key}.agents must be one number or a 1-d array per interval; got shape {agents.shape}")
        agents.setflags(write=False)
        hf = self.handle_factor
        if not isinstance(hf, Mapping):
            raise ConfigError(f"{key}.handle_factor must be a mapping of call type to factor; got {hf!r}")
        factors = {}
        for t, f in hf.items():
            if t not in skills:
                raise ConfigError(f"{key}.handle_factor names {t!r}, which is not among the group's skills {skills!r}")
            factors[t] = float(v.positive_array(f"{key}.handle_factor.{t}", f))
        for attr, value in (("name", name), ("skills", skills), ("agents", agents), ("handle_factor", factors)):
            object.__setattr__(self, attr, value)

    def factor(self, type_name: str) -> float:
        """The handle-time factor of ``type_name`` in this group (1 when not given)."""
        return self.handle_factor.get(type_name, 1.0)


@dataclass(frozen=True, eq=False)
class MultiSkillScenario(PlainDict):
    """A multi-skill center over one horizon: call types, agent groups, routing, hours, targets.

    Parameters
    ----------
    types : sequence of CallType
        At least one, with distinct names and the same number of intervals.
    groups : sequence of AgentGroup
        At least one, with distinct names; every skill names a type, and every type is
        served by some group.
    routing : Routing
        As given (by default every rule left to its default); ``resolved_routing`` is the
        routing complete for these types and groups (the defaults of `Routing` filled in),
        which the engines follow. `replace` resolves the given routing again.
    interval_s, start_s : float, optional
        The interval grid: length in seconds and the start of interval 0 on the week's clock
        (seconds since Monday 00:00). By default those of a type given as a Forecast (all
        such types must agree), else 900 and 0.
    hours : OpeningHours
        Calls that arrive while closed get the closed message; waiting calls are still served.
    target : ServiceTarget, or a mapping of type name to ServiceTarget
        One target for every type, or one per type (every type named). Stored as a tuple in
        the order of ``types``; its ``answer_within_s`` is the type's service-level threshold.
    day_factor_cv : float
        A Gamma(mean 1) busyness factor per calendar day, shared by every type.
    chat : Chat
        Concurrency per group and the stretch of chats' handle times
        (`cxqueue.scenario.channels.Chat`); used by types with ``channel="chat"``.
    dialer : Dialer
        Reach and attempt time of check-in calls (`cxqueue.scenario.channels.Dialer`).

    Examples
    --------
    >>> a = CallType("A", [90.0, 90.0], aht_s=300.0)
    >>> b = CallType("B", [30.0, 30.0], aht_s=300.0, priority=1)
    >>> sc = MultiSkillScenario([a, b], [AgentGroup("G1", "A", 8), AgentGroup("G2", ("A", "B"), [4, 5])],
    ...                         interval_s=1800.0)
    >>> sc.resolved_routing.type_groups
    {'A': ('G1', 'G2'), 'B': ('G2',)}
    >>> sc.resolved_routing.group_types
    {'G1': (('A',),), 'G2': (('A',), ('B',))}
    >>> sc.agents.tolist(), sc.offered_load.tolist()
    ([[8.0, 8.0], [4.0, 5.0]], [[15.0, 15.0], [5.0, 5.0]])
    """

    types: tuple[CallType, ...]
    groups: tuple[AgentGroup, ...]
    routing: Routing = field(default_factory=Routing)
    _: KW_ONLY
    interval_s: float | None = None
    start_s: float | None = None
    hours: OpeningHours = field(default_factory=OpeningHours.always)
    target: tuple[ServiceTarget, ...] | ServiceTarget | Mapping = field(default_factory=ServiceTarget)
    day_factor_cv: float = 0.0
    chat: Chat = field(default_factory=Chat)
    dialer: Dialer = field(default_factory=Dialer)
    #: the routing complete for these types and groups (what the engines follow)
    resolved_routing: Routing = field(init=False, repr=False)
    #: agents on duty, shape (groups, intervals), float64
    agents: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        types = _members("types", self.types, CallType)
        groups = _members("groups", self.groups, AgentGroup)
        n = types[0].n_intervals
        if n == 0:
            raise ConfigError(f"call_types.{types[0].name}.calls must have at least one interval; got none")
        for t in types[1:]:
            if t.n_intervals != n:
                raise ConfigError(
                    f"call_types.{t.name}.calls must have one value per interval ({n}, as call_types."
                    f"{types[0].name}.calls); got {t.n_intervals}"
                )
        interval_s, start_s = self._grid(types)
        agents = np.empty((len(groups), n))
        for i, g in enumerate(groups):
            if g.agents.ndim and g.agents.shape != (n,):
                raise ConfigError(
                    f"groups.{g.name}.agents must be one number or one value per interval ({n}); "
                    f"got shape {g.agents.shape}"
                )
            agents[i] = g.agents
        agents.setflags(write=False)
        names = {t.name for t in types}
        for g in groups:
            for s in g.skills:
                if s not in names:
                    raise ConfigError(
                        f"groups.{g.name}.skills names {s!r}, which is not a call type (the types: "
                        f"{', '.join(repr(t.name) for t in types)})"
                    )
        if not isinstance(self.routing, Routing):
            raise ConfigError(f"routing must be a cxqueue.scenario.Routing; got {type(self.routing).__name__}")
        resolved = self.routing.resolve(types, groups)
        check_transfers(types, resolved)
        if not isinstance(self.chat, Chat):
            raise ConfigError(f"chat must be a cxqueue.scenario.channels.Chat; got {type(self.chat).__name__}")
        self.chat.check([g.name for g in groups])
        check_outbound(types)
        if not isinstance(self.dialer, Dialer):
            raise ConfigError(f"dialer must be a cxqueue.scenario.channels.Dialer; got {type(self.dialer).__name__}")
        if not isinstance(self.hours, OpeningHours):
            raise ConfigError(f"hours must be an OpeningHours; got {type(self.hours).__name__}")
        target = _targets(self.target, types)
        cv = float(v.nonneg_array("day_factor_cv", self.day_factor_cv))
        for attr, value in (("types", types), ("groups", groups), ("resolved_routing", resolved), ("target", target),
                            ("interval_s", interval_s), ("start_s", start_s), ("day_factor_cv", cv),
                            ("agents", agents)):  # fmt: skip
            object.__setattr__(self, attr, value)

    def _grid(self, types) -> tuple[float, float]:
        grids = [(t.name, t.grid) for t in types if t.grid is not None]
        out = []
        for pos, (attr, default) in enumerate((("interval_s", 900.0), ("start_s", 0.0))):
            given = getattr(self, attr)
            if given is None:
                value = grids[0][1][pos] if grids else default
            else:
                check = v.positive_array if attr == "interval_s" else v.nonneg_array
                value = float(check(attr, given))
            for name, grid in grids:
                if grid[pos] != value:
                    raise ConfigError(
                        f"call_types.{name}.calls is a Forecast with {attr}={grid[pos]:g}, but the scenario's "
                        f"{attr} is {value:g}; every type must use the scenario's interval grid"
                    )
            out.append(value)
        return out[0], out[1]

    # ---- sizes and names -------------------------------------------------------------------
    @property
    def n_types(self) -> int:
        return len(self.types)

    @property
    def n_groups(self) -> int:
        return len(self.groups)

    @property
    def n_intervals(self) -> int:
        return self.types[0].n_intervals

    @property
    def type_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.types)

    @property
    def group_names(self) -> tuple[str, ...]:
        return tuple(g.name for g in self.groups)

    def type_index(self, name: str) -> int:
        """Position of the call type ``name`` in ``types``."""
        return _index("call type", name, self.type_names)

    def group_index(self, name: str) -> int:
        """Position of the group ``name`` in ``groups``."""
        return _index("group", name, self.group_names)

    # ---- the grid and the demand --------------------------------------------------------------
    @property
    def end_s(self) -> float:
        return self.start_s + self.n_intervals * self.interval_s

    @property
    def horizon_s(self) -> float:
        """Length of the horizon in seconds."""
        return self.n_intervals * self.interval_s

    @property
    def interval_starts_s(self) -> np.ndarray:
        """Start of each interval, seconds since Monday 00:00 of the first week."""
        return self.start_s + self.interval_s * np.arange(self.n_intervals)

    @property
    def calls(self) -> np.ndarray:
        """Expected calls, shape (types, intervals)."""
        return np.stack([t.calls for t in self.types])

    @property
    def aht_s(self) -> np.ndarray:
        """Mean handle time of each type before the groups' factors, shape (types, intervals)."""
        return np.stack([t.aht_s for t in self.types])

    @property
    def offered_load(self) -> np.ndarray:
        """Erlangs per type and interval at the types' own ``aht_s``, shape (types, intervals)."""
        return self.calls * self.aht_s / self.interval_s

    @property
    def handle_factors(self) -> np.ndarray:
        """Handle-time factor of each group for each type, shape (groups, types); 1 where not given."""
        return np.array([[g.factor(t) for t in self.type_names] for g in self.groups], dtype=np.float64)

    # ---- the single-queue case ------------------------------------------------------------------
    def replace(self, **changes) -> MultiSkillScenario:
        """A copy with ``changes`` (the routing is resolved again against the new types and groups)."""
        return dataclasses.replace(self, **changes)

    def to_scenario(self) -> Scenario:
        """The equivalent single-queue `Scenario` of a center with one type and one group.

        The group's handle factor multiplies the type's ``aht_s``; the group's agents, the
        hours, the target and the day factor carry over.

        >>> sc = MultiSkillScenario([CallType("A", [10.0], aht_s=60.0)], [AgentGroup("G", "A", 2)])
        >>> s = sc.to_scenario()
        >>> s.forecast.calls.tolist(), s.agents.tolist(), s.forecast.interval_s
        ([10.0], [2.0], 900.0)
        """
        if self.n_types != 1 or self.n_groups != 1:
            raise ConfigError(
                f"to_scenario needs one call type and one group; got {self.n_types} type(s) and "
                f"{self.n_groups} group(s)"
            )
        t, g = self.types[0], self.groups[0]
        delay = self.resolved_routing.delay_s(t.name, g.name)
        if delay > 0:
            raise ConfigError(
                f"routing.delays_s.{t.name}.{g.name} must be 0 for a single queue (its only group); got {delay:g}"
            )
        forecast = Forecast(t.calls, t.aht_s * g.factor(t.name), interval_s=self.interval_s, start_s=self.start_s)
        return Scenario(forecast, agents=self.agents[0], handle=t.handle, patience=t.patience, hours=self.hours,
                        target=self.target[0], day_factor_cv=self.day_factor_cv)  # fmt: skip

    @classmethod
    def from_scenario(cls, scenario: Scenario, *, type_name: str = "calls", group_name: str = "agents"):
        """A single-queue `Scenario` as a center of one type and one group.

        Lines, IVR, redials, callbacks, priority classes and reserve agents have no
        multi-skill counterpart yet: a scenario that uses them is an error.

        >>> from cxqueue.scenario import Forecast, Scenario
        >>> ms = MultiSkillScenario.from_scenario(Scenario(Forecast([10.0, 20.0], 60.0), agents=3))
        >>> ms.type_names, ms.group_names, ms.agents.tolist()
        (('calls',), ('agents',), [[3.0, 3.0]])
        """
        if not isinstance(scenario, Scenario):
            raise ConfigError(f"scenario must be a cxqueue.scenario.Scenario; got {type(scenario).__name__}")
        used = [name for name, on in (("lines", scenario.lines is not None), ("ivr", scenario.ivr.enabled),
                                      ("redials", scenario.redials.enabled), ("callbacks", scenario.callbacks),
                                      ("priority", len(scenario.priority.shares) > 1),
                                      ("reserve", scenario.reserve is not None)) if on]  # fmt: skip
        if used:
            raise ConfigError(
                f"a multi-skill center has no {', '.join(used)} yet; got a scenario that uses {', '.join(used)}"
            )
        f = scenario.forecast
        t = CallType(type_name, f.calls, aht_s=f.aht_s, handle=scenario.handle, patience=scenario.patience)
        g = AgentGroup(group_name, (type_name,), scenario.agents)
        return cls((t,), (g,), interval_s=f.interval_s, start_s=f.start_s, hours=scenario.hours,
                   target=scenario.target, day_factor_cv=scenario.day_factor_cv)  # fmt: skip


def _members(name: str, items, kind) -> tuple:
    """``items`` as a non-empty tuple of ``kind`` with distinct names."""
    if isinstance(items, kind):
        items = (items,)
    if not isinstance(items, Sequence) or isinstance(items, str):
        raise ConfigError(f"{name} must be a sequence of {kind.__name__}; got {type(items).__name__}")
    items = tuple(items)
    if not items:
        raise ConfigError(f"{name} must hold at least one {kind.__name__}; got none")
    seen = set()
    for i, item in enumerate(items):
        if not isinstance(item, kind):
            raise ConfigError(f"{name}[{i}] must be a {kind.__name__}; got {type(item).__name__}")
        if item.name in seen:
            raise ConfigError(f"{name} must have distinct names; {item.name!r} appears more than once")
        seen.add(item.name)
    return items


def _targets(target, types) -> tuple[ServiceTarget, ...]:
    if isinstance(target, ServiceTarget):
        return (target,) * len(types)
    names = [t.name for t in types]
    if isinstance(target, Mapping):
        for k in target:
            if k not in names:
                raise ConfigError(f"target names {k!r}, which is not a call type (the types: {names})")
        missing = [k for k in names if k not in target]
        if missing:
            raise ConfigError(f"target must give a ServiceTarget for every call type; missing {missing}")
        target = tuple(target[k] for k in names)
    elif isinstance(target, Sequence) and not isinstance(target, str):
        target = tuple(target)
        if len(target) != len(names):
            raise ConfigError(f"target must hold one ServiceTarget per call type ({len(names)}); got {len(target)}")
    else:
        raise ConfigError(f"target must be a ServiceTarget or a mapping of call type to one; got {target!r}")
    for k, t in zip(names, target, strict=True):
        if not isinstance(t, ServiceTarget):
            raise ConfigError(f"target.{k} must be a ServiceTarget; got {type(t).__name__}")
    return target


def _index(kind: str, name: str, names: tuple[str, ...]) -> int:
    if name not in names:
        raise ConfigError(f"{name!r} is not a {kind} of this center (the {kind}s: {', '.join(map(repr, names))})")
    return names.index(name)
