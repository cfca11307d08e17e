"""Routing of a multi-skill center as plain data: who tries whom, who takes what, and when.

The rules the engines follow (`cxqueue.sim.multiskill.engine`):

* **A call arrives** (center open). It tries the groups of ``type_groups[type]`` in order
  that it may reach at once (re-routing delay 0): the first with an idle agent answers it,
  the agent chosen by ``agent_choice``. Otherwise the call waits in its type's queue.
* **Re-routing.** ``delays_s[type][group]`` seconds after it started waiting, a call
  becomes eligible for that group too (if an agent of the group is idle at that moment,
  it answers at once). A group not listed in ``type_groups[type]`` never serves the type.
* **An agent becomes free** (its call ends, or it comes on duty at an interval's start).
  Among the waiting calls of the types in ``group_types[group]`` that are eligible for its
  group, it takes, with ``call_choice``:

  - ``"priority"``: the first *level* of ``group_types[group]`` that holds an eligible call,
    then the longest-waiting call of that level (types in one level are equals);
  - ``"fifo"``: the longest-waiting eligible call of any of its types.

  If there is none it stays idle (or goes home, when its group has more agents present than
  on duty: agents leave at an interval's end only after finishing their call).
* **Idle agents** of a group are chosen by ``agent_choice``: ``"longest_idle"`` (the agent
  idle the longest) or ``"fixed_order"`` (the lowest-numbered agent). When a group's
  staffing falls, the idle agents that policy would choose last go home first.
* ``"random_free"``: a new call that finds idle agents in several of the groups it may reach
  at once picks one of those groups at random, with probability proportional to its idle
  agents (so every idle agent it may reach is equally likely to answer when each group's
  agents are chosen uniformly; within the group the longest-idle agent answers). With the
  caller's own uniform draw ``u`` (pre-sampled, `cxqueue.sim.multiskill.callers`, from the
  ``"route"`` stream of its type, `cxqueue._rng.skill_streams`) and ``I_1, ..., I_m`` the idle agents of the
  groups of ``type_groups[type]`` with delay 0, in that order, it takes the first group
  ``j`` with ``I_j > 0`` and ``u * (I_1 + ... + I_m) < I_1 + ... + I_j`` (the last group with
  an idle agent if rounding leaves none). Everything else (re-routing, a free agent taking
  calls, agents going home) is as under ``"longest_idle"``. For a chat
  (`cxqueue.scenario.Chat`) a group's free agents are its idle agents and those holding
  chats with room for one more, and ``I_j`` counts both.

Defaults, filled in by `Routing.resolve` (`MultiSkillScenario` stores the result):

* ``type_groups[type]``: the groups that have the type among their skills (and take it in
  ``group_types`` if that is given for them), in the order of the scenario's groups;
* ``group_types[group]``: the types whose ``type_groups`` list the group, in levels of equal
  `CallType.priority` (0 first).

Both lists must describe the same pairs: a group that takes a type must be among that
type's groups, and the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.scenario._plain import PlainDict

__all__ = ["AGENT_CHOICES", "CALL_CHOICES", "Routing", "check_name"]

AGENT_CHOICES = ("longest_idle", "fixed_order", "random_free")
CALL_CHOICES = ("priority", "fifo")


def check_name(what: str, name) -> str:
    """A name of a type or group: a non-empty string without surrounding spaces."""
    if not isinstance(name, str) or not name or name.strip() != name:
        raise ConfigError(f"{what} must be a non-empty string without surrounding spaces; got {name!r}")
    return name


def _names(key: str, value, what: str) -> tuple[str, ...]:
    """A sequence of names (a bare string is one), without repeats."""
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, Sequence):
        raise ConfigError(f"{key} must be a sequence of {what} names; got {value!r}")
    out = tuple(check_name(key, x) for x in value)
    for x in out:
        if out.count(x) > 1:
            raise ConfigError(f"{key} must not repeat a {what}; {x!r} appears {out.count(x)} times")
    return out


def _levels(key: str, value) -> tuple[tuple[str, ...], ...]:
    """Priority levels: a sequence whose items are a type name or a sequence of equal types."""
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, Sequence):
        raise ConfigError(f"{key} must be a sequence of call types (or of tuples of equal types); got {value!r}")
    levels = tuple((x,) if isinstance(x, str) else _names(key, x, "call type") for x in value)
    flat = [t for lv in levels for t in lv]
    for t in flat:
        check_name(key, t)
        if flat.count(t) > 1:
            raise ConfigError(f"{key} must not repeat a call type; {t!r} appears {flat.count(t)} times")
    if any(not lv for lv in levels):
        raise ConfigError(f"{key} must not hold an empty level; got {value!r}")
    return levels


def _mapping(key: str, value) -> Mapping:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key} must be a mapping (a dict); got {value!r}")
    for k in value:
        check_name(f"a key of {key}", k)
    return value


def _unknown(key: str, verb: str, name: str, kind: str, names) -> ConfigError:
    """``<key> <verb> 'x', which is not a <kind> (the <kind>s: 'a', 'b')``."""
    listed = ", ".join(repr(n) for n in names)
    return ConfigError(f"{key} {verb} {name!r}, which is not a {kind} (the {kind}s: {listed})")


@dataclass(frozen=True, eq=False)
class Routing(PlainDict):
    """Which groups a call tries, which calls a free agent takes, and the re-routing delays.

    See the module docstring for the rules and the defaults; everything may be left out.

    Parameters
    ----------
    type_groups : mapping of type name to a sequence of group names
        The groups that serve the type, in the order a new call tries them.
    group_types : mapping of group name to a sequence of levels
        The types a free agent of the group takes, by priority: each item is a type name or a
        tuple of types of equal priority (served longest-waiting first).
    agent_choice : {"longest_idle", "fixed_order", "random_free"}
        Which idle agent of a group answers (``"random_free"``: and which group, at random in
        proportion to its idle agents, for a new call that may reach several at once).
    call_choice : {"priority", "fifo"}
        Which waiting call a free agent takes (by ``group_types`` levels then the longest
        waiting, or the longest waiting of all its types).
    delays_s : mapping of type name to a mapping of group name to seconds
        Re-routing: a waiting call of the type becomes eligible for the group after that
        long (0, the default: at once). The group must be among the type's groups.

    Examples
    --------
    >>> r = Routing(type_groups={"B": ("G2", "G1")}, call_choice="fifo", delays_s={"B": {"G1": 30}})
    >>> r.type_groups, r.delay_s("B", "G1"), r.delay_s("B", "G2")
    ({'B': ('G2', 'G1')}, 30.0, 0.0)
    """

    type_groups: Mapping = field(default_factory=dict)
    group_types: Mapping = field(default_factory=dict)
    agent_choice: str = "longest_idle"
    call_choice: str = "priority"
    delays_s: Mapping = field(default_factory=dict)

    def __post_init__(self):
        tg = _mapping("routing.type_groups", self.type_groups)
        tg = {k: _names(f"routing.type_groups.{k}", gs, "group") for k, gs in tg.items()}
        gt = _mapping("routing.group_types", self.group_types)
        gt = {g: _levels(f"routing.group_types.{g}", lv) for g, lv in gt.items()}
        v.choice("routing.agent_choice", self.agent_choice, AGENT_CHOICES)
        v.choice("routing.call_choice", self.call_choice, CALL_CHOICES)
        delays = {}
        for k, per in _mapping("routing.delays_s", self.delays_s).items():
            per = _mapping(f"routing.delays_s.{k}", per)
            delays[k] = {g: float(v.nonneg_array(f"routing.delays_s.{k}.{g}", d)) for g, d in per.items()}
        object.__setattr__(self, "type_groups", tg)
        object.__setattr__(self, "group_types", gt)
        object.__setattr__(self, "delays_s", delays)

    def delay_s(self, type_name: str, group_name: str) -> float:
        """Seconds a waiting call of ``type_name`` waits before ``group_name`` may take it (0 by default)."""
        return self.delays_s.get(type_name, {}).get(group_name, 0.0)

    def resolve(self, types, groups) -> Routing:
        """This routing completed for ``types`` and ``groups`` (`CallType`, `AgentGroup` sequences).

        Every type gets its ``type_groups`` and every group its ``group_types`` (the module
        docstring gives the defaults); names and pairs are checked against the skills.
        Resolving a complete routing gives the same routing.
        """
        tnames = [t.name for t in types]
        gnames = [g.name for g in groups]
        skills = {g.name: g.skills for g in groups}
        prio = {t.name: t.priority for t in types}

        def check(key: str, owner: str, names, listed, kind_owner: str, kind_listed: str, pair) -> None:
            if owner not in names:
                raise _unknown(f"routing.{key}", "names", owner, kind_owner, names)
            for x in listed:
                if x not in (gnames if kind_listed == "group" else tnames):
                    raise _unknown(f"routing.{key}.{owner}", "lists", x, kind_listed, gnames if kind_listed == "group"
                                   else tnames)  # fmt: skip
                k, g = pair(x)
                if k not in skills[g]:
                    what = f"group {g!r}, which does not have {k!r} among its skills" if kind_listed == "group" else (
                        f"{k!r}, which is not among the group's skills")  # fmt: skip
                    raise ConfigError(f"routing.{key}.{owner} lists {what} (groups.{g}.skills = {skills[g]!r})")

        for k, gs in self.type_groups.items():
            check("type_groups", k, tnames, gs, "call type", "group", lambda g, k=k: (k, g))
        taken = {}
        for g, levels in self.group_types.items():
            taken[g] = [k for lv in levels for k in lv] if g in gnames else []
            check("group_types", g, gnames, taken[g], "group", "call type", lambda k, g=g: (k, g))
        tg = {}
        for k in tnames:
            if k in self.type_groups:
                tg[k] = self.type_groups[k]
            else:
                tg[k] = tuple(g for g in gnames if k in skills[g] and (g not in taken or k in taken[g]))
            if tg[k]:
                continue
            if not any(k in s for s in skills.values()):
                raise ConfigError(
                    f"call type {k!r} is among no group's skills, so no group can serve it: add it to a group's "
                    f"skills (groups.<name>.skills) or remove the type"
                )
            if k in self.type_groups:
                raise ConfigError(f"routing.type_groups.{k} must list at least one group; got none")
            refusing = ", ".join(f"routing.group_types.{g}" for g in taken if k in skills[g])
            raise ConfigError(
                f"no group can serve call type {k!r}: the groups with that skill leave it out ({refusing})"
            )
        gt = {}
        for g in gnames:
            mine = [k for k in tnames if g in tg[k]]
            if g not in self.group_types:
                gt[g] = tuple(tuple(k for k in mine if prio[k] == p) for p in sorted({prio[k] for k in mine}))
                continue
            for k in taken[g]:
                if g not in tg[k]:
                    raise ConfigError(
                        f"routing.group_types.{g} takes {k!r}, but routing.type_groups.{k} = {tg[k]!r} does not "
                        f"list {g!r}"
                    )
            for k in mine:
                if k not in taken[g]:
                    raise ConfigError(
                        f"routing.type_groups.{k} sends calls to {g!r}, but routing.group_types.{g} = "
                        f"{self.group_types[g]!r} does not take {k!r}"
                    )
            gt[g] = self.group_types[g]
        for k, per in self.delays_s.items():
            if k not in tnames:
                raise _unknown("routing.delays_s", "names", k, "call type", tnames)
            for g in per:
                if g not in tg[k]:
                    raise ConfigError(
                        f"routing.delays_s.{k}.{g}: group {g!r} does not serve call type {k!r} "
                        f"(routing.type_groups.{k} = {tg[k]!r})"
                    )
        delays = {k: dict(per) for k, per in self.delays_s.items() if per}
        return Routing(tg, gt, self.agent_choice, self.call_choice, delays)
