"""Seed handling: no global random state anywhere in cxqueue.

Every stochastic function takes ``seed`` (an int, a ``SeedSequence``, a ``Generator``
or None) and turns it into independent child streams with ``SeedSequence.spawn``.
Streams are split by purpose so that two scenarios that differ only in staffing see
the same callers (common random numbers).
"""

from __future__ import annotations

import numpy as np

from cxqueue.exceptions import ConfigError

__all__ = [
    "PURPOSES",
    "SKILL_PURPOSES",
    "as_seed_sequence",
    "block_streams",
    "purpose_streams",
    "skill_streams",
    "spawn",
]

#: Stream purposes, in a fixed order: adding a purpose at the end keeps the others.
PURPOSES = (
    "arrivals",
    "handle",
    "patience",
    "redial",
    "ivr",
    "callback",
    "day_factor",
    "priority",
)
#: Purposes only a multi-skill center draws from (`skill_streams`), numbered after `PURPOSES`
#: so that the single-queue streams (and their cost) stay as they are.
SKILL_PURPOSES = (
    "route",  # a caller's draw among the groups it may reach at once (agent_choice "random_free")
    "transfer",  # transfers and check-in calls: whether a call gets a next leg, and the leg's draws
)


def as_seed_sequence(seed) -> np.random.SeedSequence:
    """Turn ``seed`` into a ``SeedSequence``.

    >>> as_seed_sequence(42).entropy
    42
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(seed.integers(0, 2**63 - 1, size=4).tolist())
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ConfigError(f"seed must be an int, a numpy SeedSequence or Generator, or None; got {seed!r}")
    if seed < 0:
        raise ConfigError(f"seed must be >= 0; got {seed}")
    return np.random.SeedSequence(int(seed))


def spawn(seed, n: int) -> list[np.random.SeedSequence]:
    """``n`` independent children of ``seed`` (one per replication or sweep point)."""
    return as_seed_sequence(seed).spawn(int(n))


def _purpose_sequence(ss: np.random.SeedSequence, i: int, *block: int, substream: int = 0) -> np.random.SeedSequence:
    """The sequence of purpose ``i`` of ``ss`` (``substream``: a call type's own; ``block``: its
    child of that number)."""
    extra = () if substream == 0 else (int(substream),)
    return np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, 1_000_000 + i, *extra, *block))


def purpose_streams(seed, *, substream: int = 0) -> dict[str, np.random.Generator]:
    """One generator per purpose in ``PURPOSES``, derived from ``seed`` deterministically.

    The stream of a purpose depends only on the seed, its position in ``PURPOSES`` and
    ``substream``. Substream 0 is the one stream set of a single-queue center; a multi-skill
    center gives call type ``k`` substream ``k`` (so type 0 of a one-type center draws exactly
    what the single-queue engine draws, and every type's callers are independent of the others).

    >>> a = purpose_streams(7)["arrivals"].random()
    >>> b = purpose_streams(7)["arrivals"].random()
    >>> c = purpose_streams(7, substream=1)["arrivals"].random()
    >>> a == b, a == c
    (True, False)
    """
    ss = as_seed_sequence(seed)
    if isinstance(substream, bool) or not isinstance(substream, int | np.integer) or substream < 0:
        raise ConfigError(f"substream must be an integer >= 0; got {substream!r}")
    return {
        p: np.random.Generator(np.random.PCG64(_purpose_sequence(ss, i, substream=substream)))
        for i, p in enumerate(PURPOSES)
    }


def block_streams(seed: np.random.SeedSequence, block: int) -> dict[str, np.random.Generator]:
    """One generator per purpose for block ``block`` (>= 1) of the callers' attempt columns.

    Block 0 is drawn from `purpose_streams`; block ``k`` from child ``k`` of each purpose's
    sequence (what its ``spawn`` would give), so that a block depends only on the seed, the
    purpose and ``k``, not on how many blocks were drawn before it. Pass the
    ``SeedSequence`` that `purpose_streams` used (`as_seed_sequence` of a ``Generator``
    draws from it, so a second call would give another sequence).

    >>> ss = as_seed_sequence(7)
    >>> a = block_streams(ss, 2)["handle"].random()
    >>> b = block_streams(ss, 2)["handle"].random()
    >>> a == b, a == block_streams(ss, 1)["handle"].random(), a == purpose_streams(ss)["handle"].random()
    (True, False, False)
    """
    return {p: np.random.Generator(np.random.PCG64(_purpose_sequence(seed, i, block))) for i, p in enumerate(PURPOSES)}


def skill_streams(seed, *, substream: int = 0) -> dict[str, np.random.Generator]:
    """One generator per purpose in ``SKILL_PURPOSES``, numbered after ``PURPOSES`` (as if they
    were its last entries), for call type ``substream`` of a multi-skill center.

    >>> a = skill_streams(7, substream=1)["route"].random()
    >>> a == skill_streams(7, substream=1)["route"].random(), a == skill_streams(7)["route"].random()
    (True, False)
    """
    ss = as_seed_sequence(seed)
    first = len(PURPOSES)
    return {
        p: np.random.Generator(np.random.PCG64(_purpose_sequence(ss, first + i, substream=int(substream))))
        for i, p in enumerate(SKILL_PURPOSES)
    }
