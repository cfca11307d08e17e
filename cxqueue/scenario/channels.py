"""Channels and transfers of a multi-skill center, as plain data.

* `CHANNELS`: a call type's ``channel``: ``"voice"`` (a call: one per agent), ``"chat"``
  (an agent holds up to its group's concurrency at once) or ``"email"`` (emails and tickets:
  deferrable work with a due time, `CallType.due_s`; never abandoned, open even while the
  center is closed, taken by an agent only when no call of another channel it could take
  waits: after every other level of its group; what is open at the horizon is backlog) or
  ``"outbound"`` (check-in calls agents dial, `Outbound`: like emails, but taken before
  them and after every inbound call);
* `Outbound`: a share of a type's served calls creates a check-in task of an outbound type,
  dialable ``delay_s`` after the call ends; `Dialer`: how often a dial reaches the customer
  and how long an attempt that does not takes;
* `Chat`: the chat channel's settings: concurrency per group and how a chat's handle time
  stretches with the agent's load (`Chat` gives the rule);
* `Transfer`: a share of the calls of a type that an agent answers is passed on, at the end
  of the talk, to another type (the same customer, a new call of that type arriving then,
  with its own handle time and patience; `cxqueue.sim.multiskill.engine` gives the rules).

`check_transfers` is what `MultiSkillScenario` checks of them against the center: every
target a type, every group named among the type's groups, and no circle of transfers that
work cannot leave (a cycle of types whose shares are all 1 would pass one customer round
for ever). Errors name the key as a config writes it (``call_types.<name>.transfer``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.scenario._plain import PlainDict
from cxqueue.scenario.routing import check_name

__all__ = [
    "CHANNELS",
    "DEFAULT_DUE_S",
    "DEFERRED",
    "Chat",
    "Dialer",
    "Outbound",
    "Transfer",
    "check_outbound",
    "check_transfers",
    "outbound_arrays",
    "thresholds",
    "transfer_arrays",
]

CHANNELS = ("voice", "chat", "email", "outbound")
#: channels of deferrable work: never abandoned, never closed out, after inbound calls
DEFERRED = ("email", "outbound")
#: the due time of an email type that gives none: a day
DEFAULT_DUE_S = 86400.0


@dataclass(frozen=True, eq=False)
class Chat(PlainDict):
    """How agents handle chats (call types with ``channel="chat"``).

    An agent takes chats up to its group's ``concurrency`` at once; an agent busy with a
    chat takes no voice call, and one on a voice call no chat. A chat that starts when its
    agent then holds ``m`` chats (itself included) lasts its unit handle time x its type's
    AHT x the group's handle factor x ``1 + stretch * (m - 1)``: fixed at its start, so the
    chats that join later do not slow it (exact and simple to simulate). A new chat goes to
    the group's agent with the most chats that still has room (the lowest-numbered at a
    tie), else to an idle agent (by ``agent_choice``); an agent whose chat ends takes
    waiting chats while it has room. With concurrency 1 a chat is exactly a call.

    Parameters
    ----------
    concurrency : int, or a mapping of group name to int
        Chats an agent holds at once (>= 1): one number for every group, or per group
        (groups not named: 1).
    stretch : float
        How much each other chat in progress at a chat's start lengthens it (>= 0).

    Examples
    --------
    >>> c = Chat({"web": 3}, stretch=0.2)
    >>> c.of("web"), c.of("phones")
    (3, 1)
    """

    concurrency: int | Mapping = 1
    stretch: float = 0.0

    def __post_init__(self):
        key = "channels.chat.concurrency"
        if isinstance(self.concurrency, Mapping):
            conc = {check_name(f"a group of {key}", g): v.integer_scalar(f"{key}.{g}", n, minimum=1)
                    for g, n in self.concurrency.items()}  # fmt: skip
        else:
            conc = v.integer_scalar(key, self.concurrency, minimum=1)
        object.__setattr__(self, "concurrency", conc)
        object.__setattr__(self, "stretch", float(v.nonneg_array("channels.chat.stretch", self.stretch)))

    def of(self, group: str) -> int:
        """The chats an agent of ``group`` holds at once."""
        if isinstance(self.concurrency, Mapping):
            return self.concurrency.get(group, 1)
        return self.concurrency

    def check(self, group_names) -> None:
        """Every group named is a group of the center."""
        if isinstance(self.concurrency, Mapping):
            for g in self.concurrency:
                if g not in group_names:
                    listed = ", ".join(map(repr, group_names))
                    raise ConfigError(
                        f"channels.chat.concurrency names {g!r}, which is not a group (the groups: {listed})"
                    )


@dataclass(frozen=True, eq=False)
class Transfer(PlainDict):
    """A share of a call type's answered calls passed on to another type at the end of the talk.

    Parameters
    ----------
    to : str
        The call type the customer is passed to (it may be the type itself: a second round).
    share : float, or a mapping of group name to float
        The fraction of the type's answered calls that are transferred, whichever group
        answered them; or, per group, the fraction of the calls that group answered
        (groups not named transfer none).

    Examples
    --------
    >>> Transfer("loans", 0.1).share, Transfer("loans", {"flex": 0.25}).share
    (0.1, {'flex': 0.25})
    """

    to: str
    share: float | Mapping = 0.0

    def __post_init__(self):
        check_name("transfer.to", self.to)
        if isinstance(self.share, Mapping):
            share = {check_name("a group of transfer.share", g): float(v.fraction_array(f"transfer.share.{g}", s))
                     for g, s in self.share.items()}  # fmt: skip
        else:
            share = float(v.fraction_array("transfer.share", self.share))
        object.__setattr__(self, "share", share)

    def share_of(self, group: str) -> float:
        """The share of the calls ``group`` answers that are transferred."""
        if isinstance(self.share, Mapping):
            return self.share.get(group, 0.0)
        return self.share


def _shown(t: Transfer) -> str:
    return f"{{to = {t.to!r}, share = {t.share!r}}}"


def check_transfers(types, routing) -> None:
    """Check the types' transfers against the center (``types``: `CallType` with ``transfer``;
    ``routing`` resolved): targets are types, named groups serve the type, and every cycle of
    transfers has an exit (some type on it with a share below 1 for some group that serves it,
    measured by the largest share of its groups)."""
    names = [t.name for t in types]
    for t in types:
        tr = t.transfer
        if tr is None:
            continue
        key = f"call_types.{t.name}.transfer"
        if tr.to not in names:
            raise ConfigError(
                f"{key}.to names {tr.to!r}, which is not a call type (the types: {', '.join(map(repr, names))})"
            )
        if isinstance(tr.share, Mapping):
            for g in tr.share:
                if g not in routing.type_groups[t.name]:
                    raise ConfigError(
                        f"{key}.share names group {g!r}, which does not serve {t.name!r} (routing.type_groups."
                        f"{t.name} = {routing.type_groups[t.name]!r})"
                    )
    most = {t.name: _most(t, routing) for t in types}
    nxt = {t.name: t.transfer.to for t in types if t.transfer is not None and most[t.name] > 0}
    for start in names:
        path, k = [], start
        while k in nxt and k not in path:
            path.append(k)
            k = nxt[k]
        if k == start and path and all(most[x] >= 1.0 for x in path):
            t = types[names.index(start)]
            cycle = " -> ".join([*path, start])
            raise ConfigError(
                f"call_types.{start}.transfer makes a circle of transfers with no exit ({cycle}, every share 1, so "
                f"the work never ends); got transfer = {_shown(t.transfer)}: give one of them a share below 1"
            )


def _most(t, routing) -> float:
    """The largest share of a type's answered calls any of its groups transfers (0 without a transfer)."""
    if t.transfer is None:
        return 0.0
    return max(t.transfer.share_of(g) for g in routing.type_groups[t.name])


def transfer_arrays(sc) -> tuple[np.ndarray, np.ndarray]:
    """(target type per type, -1 for none; shape (types,)), (share per group and type, shape
    (groups, types)) of a `MultiSkillScenario`: what the engines read."""
    names = sc.type_names
    to = np.full(sc.n_types, -1, dtype=np.int64)
    share = np.zeros((sc.n_groups, sc.n_types))
    r = sc.resolved_routing
    for k, t in enumerate(sc.types):
        if t.transfer is None:
            continue
        to[k] = names.index(t.transfer.to)
        for g in r.type_groups[t.name]:
            share[sc.group_index(g), k] = t.transfer.share_of(g)
    return to, share


def thresholds(sc) -> list[float]:
    """Each type's threshold of "answered in time": its target's ``answer_within_s``, or for an
    email type its ``due_s`` (the engines count hits and open work against it)."""
    return [float(t.due_s) if t.channel in DEFERRED else float(tg.answer_within_s)
            for t, tg in zip(sc.types, sc.target, strict=True)]  # fmt: skip


@dataclass(frozen=True, eq=False)
class Outbound(PlainDict):
    """Check-in calls after served calls: a share of a type's calls that end served (answered and
    not transferred) creates a task of the outbound type ``to``, dialable ``delay_s`` after the
    call ends (it is then offered to that type; one scheduled past the horizon never is).

    Parameters
    ----------
    to : str
        A call type with ``channel="outbound"``.
    share : float
        The fraction of the served calls that get a check-in.
    delay_s : float
        Seconds from the end of the call to the moment the task may be dialed (>= 0).

    Examples
    --------
    >>> Outbound("checkin", 0.2, delay_s=3600).delay_s
    3600.0
    """

    to: str
    share: float = 0.0
    delay_s: float = 0.0

    def __post_init__(self):
        check_name("outbound.to", self.to)
        object.__setattr__(self, "share", float(v.fraction_array("outbound.share", self.share)))
        object.__setattr__(self, "delay_s", float(v.nonneg_array("outbound.delay_s", self.delay_s)))


@dataclass(frozen=True, eq=False)
class Dialer(PlainDict):
    """How the agents' check-in calls go: a dial reaches the customer with probability ``reach``
    and then lasts the outbound type's handle time; one that does not lasts ``attempt_s``.

    >>> Dialer(reach=0.6, attempt_s=25).attempt_s
    25.0
    """

    reach: float = 1.0
    attempt_s: float = 30.0

    def __post_init__(self):
        object.__setattr__(self, "reach", float(v.fraction_array("outbound.reach", self.reach)))
        object.__setattr__(self, "attempt_s", float(v.positive_array("outbound.attempt_s", self.attempt_s)))


def check_outbound(types) -> None:
    """Each type's `Outbound` names an outbound type, and no outbound type has one of its own."""
    names = {t.name: t for t in types}
    for t in types:
        ob = t.outbound
        if ob is None:
            continue
        key = f"call_types.{t.name}.outbound"
        if ob.to not in names or names[ob.to].channel != "outbound":
            outs = ", ".join(repr(n) for n, x in names.items() if x.channel == "outbound") or "none"
            raise ConfigError(f'{key}.to must name a call type with channel "outbound" (those: {outs}); got {ob.to!r}')
        if t.channel == "outbound":
            raise ConfigError(f"{key}: a check-in call makes no check-in of its own; got outbound = {ob!r}")


def outbound_arrays(sc) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per type of a `MultiSkillScenario`: the outbound type its served calls create (-1: none),
    the share that do and the delay in seconds."""
    names = sc.type_names
    to = np.full(sc.n_types, -1, dtype=np.int64)
    share, delay = np.zeros(sc.n_types), np.zeros(sc.n_types)
    for k, t in enumerate(sc.types):
        if t.outbound is not None:
            to[k], share[k], delay[k] = names.index(t.outbound.to), t.outbound.share, t.outbound.delay_s
    return to, share, delay
