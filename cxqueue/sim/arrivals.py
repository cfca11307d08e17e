"""The callers of one replication, drawn before the simulation runs (common random numbers).

Everything random about a caller is sampled here from streams split by purpose
(`cxqueue._rng.purpose_streams`), independently of what happens in the center: the first
arrival times (a non-homogeneous Poisson process, exact for a piecewise-constant rate,
times a gamma day factor; or, trace-driven, the given ``arrival_s`` of a real history,
the same in every replication), the priority class, and for each attempt the handle time (unit
mean; the engine scales it by the AHT of the attempt's interval), the patience, the IVR
time and self-service draw, the redial draws and delays, and the callback draws. Two
scenarios that differ only in agents or lines therefore see exactly the same callers, and
both engines consume the same `Callers`.

Attribute tables have one row per customer and one column per attempt; a table a
scenario does not need is a 1 x 1 dummy and its flag in `Callers.uses` is False. Without
redials a table has one column. With redials the columns come in blocks of
`_BLOCK_COLUMNS` (issue 11: memory follows the redials made, not ``max_attempts``): block
0, the first ``min(max_attempts, 16)`` columns, is drawn before the run from the purpose
streams (as before blocks existed, so that a run with ``max_attempts <= 16`` draws what it
drew then); block ``k`` holds the next columns up to ``max_attempts`` and is drawn from its
own streams (`cxqueue._rng.block_streams`) only when a caller's redial needs one of its
columns: the engines ask `Callers.widened` for it and go on with the wider tables. A block
depends only on the seed, the purpose and its number, so a run that draws it late sees
the numbers it would have seen with every column drawn up front, and scenarios still
share their callers.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace

import numpy as np

from cxqueue import _rng
from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import Distribution, OpeningHours, Scenario
from cxqueue.units import DAY, WEEK

__all__ = [
    "Callers",
    "arrival_iv",
    "day_factors",
    "hours_windows",
    "open_windows",
    "poisson_arrivals",
    "sample_callers",
]

_BLOCK = 1 << 20  # rows sampled at a time, to bound temporary memory
#: one replication may take at most this share of the machine's free memory
_MEMORY_SHARE = 0.5
#: the engines' own memory per caller besides the tables (state, log rows, counters), bytes
_BYTES_PER_CALLER = 256
#: attempt columns per block. Changing it changes which stream a column >= 16 comes from
#: (and, for ``max_attempts`` above it, block 0), so results; tests lower it to cross blocks.
_BLOCK_COLUMNS = 16
#: blocks drawn before the run; the rest only when a caller needs them. Results do not depend
#: on it (tests raise it to draw every column up front and compare); memory does.
_UPFRONT_BLOCKS = 1

_TABLES = (
    "handle_unit",
    "patience_s",
    "ivr_s",
    "ivr_u",
    "redial_u",
    "delay_blocked_s",
    "delay_abandoned_s",
    "delay_closed_s",
    "callback_accept_u",
    "callback_reach_u",
)


@dataclass(frozen=True, eq=False)
class Callers:
    """Pre-sampled callers of one replication; times in seconds since the horizon start.

    ``arrival_s`` (sorted) and ``cls`` have one entry per customer (``cls`` is a 1-entry
    dummy with a single class); each table in ``_TABLES`` has shape (customers,
    `columns`) or (1, 1) when unused (``uses[name]`` False). ``attempts`` is the most
    attempts a customer makes (``redials.max_attempts``, or 1 without redials);
    ``columns <= attempts`` are drawn so far, and `widened` draws more. ``origin`` is the
    scenario and the ``SeedSequence`` they were drawn from.
    """

    arrival_s: np.ndarray
    cls: np.ndarray
    handle_unit: np.ndarray
    patience_s: np.ndarray
    ivr_s: np.ndarray
    ivr_u: np.ndarray
    redial_u: np.ndarray
    delay_blocked_s: np.ndarray
    delay_abandoned_s: np.ndarray
    delay_closed_s: np.ndarray
    callback_accept_u: np.ndarray
    callback_reach_u: np.ndarray
    uses: dict
    attempts: int
    origin: tuple = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return int(self.arrival_s.size)

    @property
    def columns(self) -> int:
        """Attempt columns drawn so far (of ``attempts``)."""
        return int(self.handle_unit.shape[1])

    def widened(self, columns: int) -> Callers:
        """These callers with at least ``columns`` attempt columns (whole blocks, at most
        ``attempts``): the columns drawn so far as they are, the next blocks from their own
        streams. Returns ``self`` when it has them already.

        Raises
        ------
        ConfigError
            When the wider tables would not fit in memory, with the figure they need.

        Examples
        --------
        >>> from cxqueue.scenario import Forecast, Redials, Scenario
        >>> s = Scenario(Forecast(calls=[50.0], aht_s=180.0, interval_s=900.0), agents=3,
        ...              redials=Redials(blocked=0.5, max_attempts=1_000_000))
        >>> c = sample_callers(s, 1)
        >>> c.columns, c.widened(17).columns, c.widened(40).columns
        (16, 32, 48)
        >>> bool((c.widened(40).handle_unit[:, :16] == c.handle_unit).all())
        True
        """
        have = self.columns
        want = min(self.attempts, -(-int(columns) // _BLOCK_COLUMNS) * _BLOCK_COLUMNS)
        if want <= have:
            return self
        scenario, ss = self.origin
        _check_size(scenario, self.n, want, reached=int(columns))
        parts = {name: [getattr(self, name)] for name in _TABLES if self.uses[name]}
        for k in range(have // _BLOCK_COLUMNS, -(-want // _BLOCK_COLUMNS)):
            width = min(want, (k + 1) * _BLOCK_COLUMNS) - k * _BLOCK_COLUMNS
            for name, block in _draw(scenario, _rng.block_streams(ss, k), self.n, width).items():
                parts[name].append(block)
        return replace(self, **{name: np.concatenate(p, axis=1) for name, p in parts.items()})

    def tables(self) -> tuple[np.ndarray, ...]:
        return tuple(getattr(self, name) for name in _TABLES)


def day_factors(interval_starts_s: np.ndarray, cv: float, rng: np.random.Generator) -> np.ndarray:
    """Gamma(mean 1, ``cv``) busyness factor of the calendar day of each interval (all ones for cv 0).

    >>> day_factors(np.arange(3) * 43200.0, 0.0, np.random.default_rng(0)).tolist()
    [1.0, 1.0, 1.0]
    """
    day = np.floor(interval_starts_s / DAY).astype(np.int64)
    day -= day[0] if day.size else 0
    if cv == 0 or day.size == 0:
        return np.ones(day.size)
    k = 1.0 / cv**2
    factors = rng.gamma(k, 1.0 / k, size=int(day[-1]) + 1)
    return factors[day]


def _day_factors(scenario: Scenario, rng: np.random.Generator) -> np.ndarray:
    """Gamma(mean 1, cv) busyness factor of the calendar day of each interval."""
    return day_factors(scenario.forecast.interval_starts_s, scenario.day_factor_cv, rng)


def poisson_arrivals(mean_calls: np.ndarray, interval_s: float, rng: np.random.Generator) -> np.ndarray:
    """Exact NHPP with a constant rate per interval: Poisson counts of mean ``mean_calls``, then
    sorted uniform times inside each interval from exponential spacings (no sort needed);
    seconds since the start of interval 0.

    >>> t = poisson_arrivals(np.array([5.0, 0.0, 5.0]), 60.0, np.random.default_rng(3))
    >>> bool(np.all(np.diff(t) >= 0)), bool(np.all((t < 60) | (t >= 120)))
    (True, True)
    """
    n_int = mean_calls.size
    counts = rng.poisson(mean_calls)
    starts = interval_s * np.arange(n_int, dtype=np.float64)
    out = np.empty(int(counts.sum()), dtype=np.float64)
    pos = 0
    i = 0
    # blocks of whole intervals holding about _BLOCK calls each
    while i < n_int:
        j, m = i, 0
        while j < n_int and (m == 0 or m + counts[j] <= _BLOCK):
            m += int(counts[j])
            j += 1
        c = counts[i:j]
        e = rng.standard_exponential(m + c.size)
        cs = np.cumsum(e)
        ends = np.cumsum(c + 1) - 1  # index of the closing spacing of each interval
        base = np.concatenate(([0.0], cs[ends[:-1]]))
        total = cs[ends] - base
        keep = np.ones(cs.size, dtype=bool)
        keep[ends] = False
        seg = np.repeat(np.arange(c.size), c)
        u = (cs[keep] - base[seg]) / total[seg]
        out[pos : pos + m] = starts[i:j][seg] + u * interval_s
        pos += m
        i = j
    return out


def _arrival_times(scenario: Scenario, streams) -> np.ndarray:
    """The first arrivals of a single-queue scenario: `poisson_arrivals` around its forecast
    times the day factor."""
    f = scenario.forecast
    mean_calls = f.calls * _day_factors(scenario, streams["day_factor"])
    return poisson_arrivals(mean_calls, f.interval_s, streams["arrivals"])


def _table(dist: Distribution, rng: np.random.Generator, n: int, attempts: int, *, unit: bool) -> np.ndarray:
    out = np.empty((n, attempts), dtype=np.float64)
    for a in range(0, n, _BLOCK):
        b = min(n, a + _BLOCK)
        out[a:b] = dist.sample(rng, (b - a, attempts), mean_s=1.0 if unit else None)
    return out


def _uniform(rng: np.random.Generator, n: int, attempts: int) -> np.ndarray:
    return rng.random((n, attempts))


_DUMMY = np.zeros((1, 1))


def arrival_iv(arrival_s, scenario: Scenario) -> np.ndarray:
    """Check a trace of first-arrival times against the horizon of ``scenario``.

    Parameters
    ----------
    arrival_s : array_like of float
        Arrival times in seconds since the horizon start (not the forecast's clock).
    scenario : cxqueue.scenario.Scenario

    Returns
    -------
    ndarray of float64, 1-D
        A copy of the times: finite, sorted (non-decreasing), within ``[0, horizon)``.

    Raises
    ------
    ConfigError
        Naming ``arrival_s``, the rule and the first bad value.

    Examples
    --------
    >>> from cxqueue.scenario import Forecast, Scenario
    >>> s = Scenario(Forecast(calls=[1.0, 1.0], aht_s=60.0, interval_s=900.0), agents=1)
    >>> arrival_iv([0.0, 10.5, 1799.0], s).tolist()
    [0.0, 10.5, 1799.0]
    """
    arr = v.as_float_array("arrival_s", arrival_s)
    if arr.ndim != 1:
        raise ConfigError(f"arrival_s must be a 1-D array of times in seconds; got shape {arr.shape}")
    f = scenario.forecast
    horizon_s = f.n_intervals * f.interval_s
    v.check("arrival_s", arr, (arr >= 0) & (arr < horizon_s),
            f"within the horizon, [0, {horizon_s:g}) seconds since its start")  # fmt: skip
    v.check("arrival_s", arr, np.concatenate(([True], arr[1:] >= arr[:-1])), "sorted (non-decreasing)")
    return np.array(arr, dtype=np.float64)  # a private copy: every replication reads it


def sample_callers(scenario: Scenario, seed, *, arrival_s=None) -> Callers:
    """Draw every caller of one replication of ``scenario``.

    Parameters
    ----------
    scenario : cxqueue.scenario.Scenario
    seed : int, SeedSequence, Generator or None
        The replication's seed; it is split into purpose streams.
    arrival_s : array_like of float, optional
        Trace-driven arrivals: the first-arrival time of every customer, in seconds since
        the horizon start (1-D, finite, sorted, within ``[0, horizon)``; see
        `arrival_iv`). They replace the Poisson arrivals (and the day factor); everything
        else (priority class, handle, patience, IVR, redials, callbacks) is drawn from
        ``seed`` as without them.

    Returns
    -------
    Callers
        Times in seconds since the start of the horizon.

    Raises
    ------
    ConfigError
        For a bad ``arrival_s`` (see `arrival_iv`).

    Examples
    --------
    >>> from cxqueue.scenario import Forecast, Scenario
    >>> s = Scenario(Forecast(calls=[100.0] * 4, aht_s=180.0, interval_s=900.0), agents=12)
    >>> c = sample_callers(s, 1)
    >>> c.n > 300, bool(np.all(np.diff(c.arrival_s) >= 0)), c.handle_unit.shape[1]
    (True, True, 1)
    >>> sample_callers(s, 1, arrival_s=[5.0, 60.0, 2000.0]).arrival_s.tolist()
    [5.0, 60.0, 2000.0]
    """
    trace = None if arrival_s is None else arrival_iv(arrival_s, scenario)
    return _sample(scenario, seed, trace)


def _free_bytes() -> float:
    """Memory the system can still give (MemAvailable); inf where it cannot tell."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024.0
    except OSError:  # pragma: no cover - not Linux
        pass
    try:  # pragma: no cover - other POSIX systems
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return math.inf


def _check_size(scenario: Scenario, n: float, attempts: int, *, reached: int | None = None) -> None:
    """Stop before a replication that would not fit in memory, with the figure it would need:
    ``n`` callers with ``attempts`` attempt columns each (``reached``: the attempt a caller's
    redial reached, when the tables are widened during a run)."""
    red, cb = scenario.redials, scenario.callbacks
    tables = 1 + (not scenario.patience.is_none) + 2 * scenario.ivr.enabled + 2 * (cb is not None)
    if red.enabled:
        tables += 1 + sum(p > 0 for p in (red.blocked, red.abandoned, red.closed))
    need = n * (attempts * tables * 8.0 + _BYTES_PER_CALLER)
    free = _free_bytes()
    if need > _MEMORY_SHARE * free:
        hint = (
            "lower redials.max_attempts ([redials].max_attempts; few customers try more than 20 times)"
            if attempts > 20
            else "simulate a shorter horizon or fewer calls per run"
        )
        if reached is not None:
            hint = (
                f"a caller's redial reached attempt {reached:,} (redials.max_attempts = {red.max_attempts:,}): "
                "lower redials.max_attempts ([redials].max_attempts) or the redial probabilities"
            )
        raise ConfigError(
            f"simulating {n:,.0f} callers with {attempts:,} attempt column(s) each needs about "
            f"{need / 2**30:.1f} GiB, more than half of the {free / 2**30:.1f} GiB free: {hint}"
        )


def _draw(scenario: Scenario, streams: dict, n: int, width: int) -> dict[str, np.ndarray]:
    """The tables ``scenario`` uses, ``n`` rows by ``width`` attempt columns, each from its
    purpose's stream in ``streams`` (tables of one purpose in a fixed order)."""
    red = scenario.redials
    tab = {"handle_unit": _table(scenario.handle, streams["handle"], n, width, unit=True)}
    if not scenario.patience.is_none:
        tab["patience_s"] = _table(scenario.patience, streams["patience"], n, width, unit=False)
    if scenario.ivr.enabled:
        tab["ivr_s"] = _table(scenario.ivr.time, streams["ivr"], n, width, unit=False)
        tab["ivr_u"] = _uniform(streams["ivr"], n, width)
    if red.enabled:
        rng = streams["redial"]
        tab["redial_u"] = _uniform(rng, n, width)
        for name, p, dist in (
            ("delay_blocked_s", red.blocked, red.blocked_delay),
            ("delay_abandoned_s", red.abandoned, red.abandoned_delay),
            ("delay_closed_s", red.closed, red.closed_delay),
        ):
            if p > 0:
                tab[name] = _table(dist, rng, n, width, unit=False)
    if scenario.callbacks is not None:
        rng = streams["callback"]
        tab["callback_accept_u"] = _uniform(rng, n, width)
        tab["callback_reach_u"] = _uniform(rng, n, width)
    return tab


def _sample(scenario: Scenario, seed, trace: np.ndarray | None) -> Callers:
    """`sample_callers` on a checked trace (None: Poisson arrivals)."""
    red = scenario.redials
    attempts = int(red.max_attempts) if red.enabled else 1
    upfront = min(attempts, _UPFRONT_BLOCKS * _BLOCK_COLUMNS)
    f = scenario.forecast
    expected = float(f.calls.sum()) * (1.0 + 4.0 * scenario.day_factor_cv) if trace is None else trace.size
    _check_size(scenario, expected, upfront)  # before anything is drawn
    ss = _rng.as_seed_sequence(seed)  # once: a Generator seed gives another sequence each time
    streams = _rng.purpose_streams(ss)
    arrival = _arrival_times(scenario, streams) if trace is None else trace
    n = arrival.size
    _check_size(scenario, n, upfront)
    prio = scenario.priority
    if len(prio.shares) > 1:
        cls = streams["priority"].choice(len(prio.shares), size=n, p=np.asarray(prio.shares)).astype(np.int64)
    else:
        cls = np.zeros(1, dtype=np.int64)
    drawn = _draw(scenario, streams, n, min(attempts, _BLOCK_COLUMNS))  # block 0
    uses = {name: name in drawn for name in _TABLES}
    tab = {name: drawn.get(name, _DUMMY) for name in _TABLES}
    callers = Callers(arrival_s=arrival, cls=cls, uses=uses, attempts=attempts, origin=(scenario, ss), **tab)
    return callers.widened(upfront)


def open_windows(scenario: Scenario) -> np.ndarray:
    """Opening windows as (open, close) pairs in seconds since the horizon start, sorted,
    merged, covering one week before to one week after the horizon; shape (k, 2).

    Always open gives a single window (-inf, inf); never open gives shape (0, 2).

    >>> from cxqueue.scenario import Forecast, OpeningHours, Scenario
    >>> f = Forecast(calls=[1.0] * 4, aht_s=60.0, interval_s=3600.0, start_s=7 * 3600.0)
    >>> s = Scenario(f, agents=1, hours=OpeningHours.daily(8 * 3600, 20 * 3600))
    >>> w = open_windows(s)
    >>> (w[w[:, 1] > 0][0] / 3600).tolist()
    [1.0, 13.0]
    """
    f = scenario.forecast
    return hours_windows(scenario.hours, f.start_s, f.end_s)


def hours_windows(hours: OpeningHours, start_s: float, end_s: float) -> np.ndarray:
    """`open_windows` of ``hours`` for a horizon from ``start_s`` to ``end_s`` on the week's clock."""
    if hours.is_always_open:
        return np.array([[-math.inf, math.inf]])
    edges = hours.week_edges_s()
    if edges.size == 0:
        return np.zeros((0, 2))
    w0 = math.floor(start_s / WEEK) - 1
    w1 = math.floor(end_s / WEEK) + 1
    spans = [(w * WEEK + o, w * WEEK + c) for w in range(w0, w1 + 1) for o, c in edges]
    spans.sort()
    merged: list[list[float]] = []
    for o, c in spans:
        if merged and o <= merged[-1][1] + 1e-9:
            merged[-1][1] = max(merged[-1][1], c)
        else:
            merged.append([o, c])
    return np.asarray(merged, dtype=np.float64) - start_s
