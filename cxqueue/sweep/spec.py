"""Sweep specs: a base scenario, a grid of dotted keys, and what to compute per point.

A spec in TOML::

    [sweep]
    name = "example"          # optional; defaults to the file's stem
    compute = "analytic"      # a name in cxqueue.sweep.compute, or "package.module:function"
    seed = 2024               # the root of every point's seed (default 0)

    [base]                    # the scenario every point starts from
    offered_load = 10.0
    agents = 12
    aht_s = 180.0
    answer_within_s = 20.0

    [grid]                    # cartesian product of these keys (dotted keys reach into [base])
    agents = [10, 11, 12, 13]

    [[grid.zip]]              # keys in one zip group vary together (equal lengths)
    offered_load = [8.0, 10.0]
    aht_s = [160.0, 200.0]

Points come in a fixed order (the cartesian keys in the order written, then each zip
group; the last axis varies fastest). Point ``i`` gets ``SeedSequence(seed).spawn(n)[i]``,
which depends only on ``seed`` and ``i``: the executor plays no part in it. A point's id
hashes what it computes, its resolved config and its seed, so a rerun of the same spec
finds the points it has already done.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError

__all__ = ["Axis", "Point", "SweepSpec", "canonical_json", "load_spec", "override"]

_TOP_KEYS = ("sweep", "base", "grid")
_SWEEP_KEYS = ("name", "compute", "seed", "description")


def canonical_json(obj) -> str:
    """JSON with sorted keys and no spaces: the same data always gives the same text.

    >>> canonical_json({"b": 1, "a": [1.5, None]})
    '{"a":[1.5,null],"b":1}'
    """
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=True, default=_json_default)


def _json_default(obj):
    """What json cannot write by itself: numpy scalars and arrays, other mappings, dates."""
    if isinstance(obj, Mapping | np.ndarray | np.generic) or hasattr(obj, "isoformat"):
        return _plain(obj)
    raise TypeError(f"cannot write {type(obj).__name__} {obj!r} as JSON")


_IMMUTABLE = (str, int, float, bool, type(None))


def _copy_plain(obj):
    """A deep copy of nested dicts and lists (the leaves of parsed TOML are immutable)."""
    if type(obj) is dict:
        return {k: x if type(x) in _IMMUTABLE else _copy_plain(x) for k, x in obj.items()}
    if isinstance(obj, list):
        return [_copy_plain(x) for x in obj]
    if isinstance(obj, str | int | float | bool | tuple) or obj is None:
        return obj
    return copy.deepcopy(obj)


def _plain(obj):
    """numpy scalars and arrays, tuples and nested mappings as plain JSON-able Python."""
    if isinstance(obj, Mapping):
        return {str(k): _plain(x) for k, x in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(x) for x in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if hasattr(obj, "isoformat"):  # TOML dates and times
        return obj.isoformat()
    return obj


def override(base: Mapping, changes: Mapping[str, object]) -> dict:
    """A deep copy of ``base`` with each dotted key of ``changes`` set to its value.

    Every dotted key must already exist in ``base`` (a typo would otherwise sweep
    nothing); the error names the key and what is there.

    Parameters
    ----------
    base : mapping
        The base config (nested dicts).
    changes : mapping of str to object
        ``{"handle.mean_s": 200.0, "agents": 12}``.

    Returns
    -------
    dict
        A new nested dict; ``base`` is unchanged.

    Examples
    --------
    >>> override({"agents": 10, "handle": {"mean_s": 180.0}}, {"handle.mean_s": 200.0})
    {'agents': 10, 'handle': {'mean_s': 200.0}}
    """
    out = _copy_plain(dict(base))
    for key, value in changes.items():
        parts = str(key).split(".")
        node = out
        for depth, part in enumerate(parts):
            where = ".".join(parts[: depth + 1])
            if not isinstance(node, dict):
                raise ConfigError(
                    f"grid key {key!r} reaches into {'.'.join(parts[:depth])!r}, which is not a table "
                    f"in [base]; got {node!r}"
                )
            if part not in node:
                have = ", ".join(sorted(map(str, node))) or "nothing"
                raise ConfigError(
                    f"grid key {key!r} must name a key of [base]; {where!r} is not there "
                    f"(it holds: {have}); add it to [base] with a default value"
                )
            if depth == len(parts) - 1:
                node[part] = _copy_plain(value)
            else:
                node = node[part]
    return out


@dataclass(frozen=True)
class Axis:
    """One axis of the grid: one key (cartesian) or several keys that vary together (zip)."""

    keys: tuple[str, ...]
    values: tuple[tuple, ...]  # values[j] holds one value per key, for the j-th step

    def __len__(self) -> int:
        return len(self.values)

    def to_dict(self) -> dict:
        return {k: [row[i] for row in self.values] for i, k in enumerate(self.keys)}


@dataclass(frozen=True)
class Point:
    """One point of a sweep: its place in the order, id, grid values and seed.

    ``config`` (the base with this point's grid values) is built when asked for.
    """

    index: int
    point_id: str
    params: dict
    root_seed: int = field(repr=False)
    base: dict = field(repr=False)
    params_json: str = field(repr=False, default="")
    seed_json: str = field(repr=False, default="")

    @property
    def seed(self) -> np.random.SeedSequence:
        """``SeedSequence(root_seed).spawn(n)[index]``, built when asked for."""
        return np.random.SeedSequence(self.root_seed, spawn_key=(self.index,))

    @property
    def config(self) -> dict:
        """The resolved config: ``override(base, params)``."""
        return override(self.base, self.params)

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "point_id": self.point_id,
            "params": self.params,
            "seed": seed_to_dict(self.seed),
            "config": self.config,
        }


def seed_to_dict(seed: np.random.SeedSequence) -> dict:
    """``{"entropy": ..., "spawn_key": [...]}``: enough to rebuild the SeedSequence."""
    return {"entropy": seed.entropy, "spawn_key": list(seed.spawn_key)}


def compute_name(compute) -> str:
    """The text that names ``compute`` in ids and in the store."""
    if isinstance(compute, str):
        return compute
    return f"{compute.__module__}:{compute.__qualname__}"


@dataclass(frozen=True)
class SweepSpec:
    """A sweep: base config, grid axes, what to compute and the root seed.

    Build one with :func:`load_spec` (TOML) or :meth:`SweepSpec.from_dict`.

    Examples
    --------
    >>> spec = SweepSpec.from_dict({
    ...     "sweep": {"compute": "analytic", "seed": 1},
    ...     "base": {"agents": 10, "aht_s": 180.0},
    ...     "grid": {"agents": [10, 11], "zip": [{"aht_s": [150.0, 180.0, 210.0]}]},
    ... })
    >>> spec.n_points
    6
    >>> [p.params for p in spec.points()][:2]
    [{'agents': 10, 'aht_s': 150.0}, {'agents': 10, 'aht_s': 180.0}]
    """

    name: str
    compute: str | Callable
    base: dict
    axes: tuple[Axis, ...]
    seed: int = 0
    description: str = ""
    source: str | None = None

    def __post_init__(self):
        v.integer_scalar("[sweep].seed", self.seed, minimum=0)
        if not (isinstance(self.compute, str) or callable(self.compute)):
            raise ConfigError(f"[sweep].compute must be a name or a function; got {self.compute!r}")
        seen: set[str] = set()
        for axis in self.axes:
            for key in axis.keys:
                if key in seen:
                    raise ConfigError(f"grid key {key!r} must appear once in [grid]; it appears twice")
                seen.add(key)
        # fail early on keys that do not reach into base
        if self.axes and all(len(a) for a in self.axes):
            override(self.base, {k: a.values[0][i] for a in self.axes for i, k in enumerate(a.keys)})

    @classmethod
    def from_dict(cls, data: Mapping, *, source: str | None = None, name: str | None = None) -> SweepSpec:
        """Build a spec from the parsed TOML tables (``sweep``, ``base``, ``grid``)."""
        where = f"{source}: " if source else ""
        if not isinstance(data, Mapping):
            raise ConfigError(f"{where}a sweep spec must be a table; got {data!r}")
        for key in data:
            if key not in _TOP_KEYS:
                raise ConfigError(f"{where}unknown table [{key}]; a sweep spec has {', '.join(_TOP_KEYS)}")
        sweep = data.get("sweep", {})
        for key in sweep:
            if key not in _SWEEP_KEYS:
                raise ConfigError(f"{where}unknown key [sweep].{key}; known keys: {', '.join(_SWEEP_KEYS)}")
        if "compute" not in sweep:
            raise ConfigError(f'{where}[sweep].compute is required (e.g. "analytic" or "package.module:function")')
        base = data.get("base", {})
        if not isinstance(base, Mapping):
            raise ConfigError(f"{where}[base] must be a table; got {base!r}")
        try:
            axes = _parse_grid(data.get("grid", {}))
            return cls(
                name=str(sweep.get("name", name or "sweep")),
                compute=sweep["compute"],
                base=_plain(base),
                axes=axes,
                seed=sweep.get("seed", 0),
                description=str(sweep.get("description", "")),
                source=source,
            )
        except ConfigError as exc:
            raise ConfigError(f"{where}{exc}") from None

    @property
    def n_points(self) -> int:
        return math.prod(len(a) for a in self.axes)

    @property
    def keys(self) -> tuple[str, ...]:
        """The grid keys, in point order."""
        return tuple(k for a in self.axes for k in a.keys)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "compute": compute_name(self.compute),
            "seed": self.seed,
            "description": self.description,
            "base": self.base,
            "axes": [a.to_dict() for a in self.axes],
        }

    @cached_property
    def spec_hash(self) -> str:
        """16 hex digits identifying the spec's content (not its file name)."""
        return hashlib.sha256(canonical_json(self.to_dict()).encode()).hexdigest()[:16]

    def point_params(self):
        """Yield each point's grid values ``{dotted key: value}``, in point order."""
        for combo in itertools.product(*(a.values for a in self.axes)):
            params = {}
            for axis, row in zip(self.axes, combo, strict=True):
                params.update(zip(axis.keys, row, strict=True))
            yield params

    def points(self) -> list[Point]:
        """Every point, in order, with its id, seed and resolved config."""
        name = compute_name(self.compute)
        base_text = canonical_json(self.base)
        out = []
        head = f'{{"compute":{json.dumps(name)},"base":{base_text},"params":'
        root = int(self.seed)
        for i, params in enumerate(self.point_params()):
            # the i-th child of SeedSequence(root).spawn(n) is SeedSequence(root, spawn_key=(i,))
            params_json = canonical_json(params)
            seed_json = f'{{"entropy":{root},"spawn_key":[{i}]}}'
            ident = f'{head}{params_json},"seed":{seed_json}}}'
            point_id = hashlib.sha256(ident.encode()).hexdigest()[:20]
            out.append(Point(i, point_id, params, root, self.base, params_json, seed_json))
        return out


def _flatten(table: Mapping, prefix: str = "") -> dict[str, object]:
    out = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, dotted + "."))
        else:
            out[dotted] = value
    return out


def _values(key: str, values) -> list:
    if not isinstance(values, list | tuple | np.ndarray):
        raise ConfigError(f"[grid].{key} must be a list of values; got {values!r} (write [{values!r}] for one value)")
    if len(values) == 0:
        raise ConfigError(f"[grid].{key} must hold at least one value; got []")
    return [_plain(x) for x in values]


def _parse_grid(grid) -> tuple[Axis, ...]:
    if not isinstance(grid, Mapping):
        raise ConfigError(f"[grid] must be a table; got {grid!r}")
    grid = dict(grid)
    zips = grid.pop("zip", [])
    if isinstance(zips, Mapping):
        zips = [zips]
    axes = [Axis((k,), tuple((x,) for x in _values(k, vals))) for k, vals in _flatten(grid).items()]
    if not isinstance(zips, list):
        raise ConfigError(f"[[grid.zip]] must be tables of equal-length lists; got {zips!r}")
    for group_no, group in enumerate(zips):
        if not isinstance(group, Mapping) or not group:
            raise ConfigError(f"[[grid.zip]] group {group_no} must be a non-empty table of lists; got {group!r}")
        flat = {k: _values(k, vals) for k, vals in _flatten(group).items()}
        lengths = {k: len(vals) for k, vals in flat.items()}
        if len(set(lengths.values())) != 1:
            listed = ", ".join(f"{k}={n}" for k, n in lengths.items())
            raise ConfigError(f"[[grid.zip]] group {group_no} must have lists of one length; got {listed}")
        keys = tuple(flat)
        axes.append(Axis(keys, tuple(zip(*(flat[k] for k in keys), strict=True))))
    return tuple(axes)


def load_spec(path, *, allow_code: bool = False) -> SweepSpec:
    """Read a sweep spec from a TOML file; errors name the file and the table.

    A spec file is data, not code: its ``compute`` must name a registered computation
    (``analytic``, ``simulate``, ``optimize`` or one added with `register`). A
    ``"module:function"`` imports and runs that function, so it is refused unless
    ``allow_code`` (``cxqueue sweep --allow-code``) says that the file is trusted as code.

    Parameters
    ----------
    path : str or Path
        The TOML file.
    allow_code : bool
        Accept a ``compute = "module:function"`` (the file is then code: run it only
        when you trust its author).

    Returns
    -------
    SweepSpec

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> text = '[sweep]\\ncompute = "analytic"\\n[base]\\nagents = 10\\n[grid]\\nagents = [10, 12]\\n'
    >>> _ = (d / "s.toml").write_text(text)
    >>> spec = load_spec(d / "s.toml")
    >>> spec.name, spec.n_points
    ('s', 2)
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"sweep spec {str(path)!r} does not exist") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: arrays or inline tables nested too deep to read") from None
    compute = data.get("sweep", {}).get("compute") if isinstance(data.get("sweep"), dict) else None
    if isinstance(compute, str) and ":" in compute and not allow_code:
        raise ConfigError(
            f"{path}: [sweep].compute = {compute!r} names code to import and run; a spec file may name only a "
            "registered computation (analytic, simulate, optimize) unless you trust it as code and pass "
            "--allow-code (load_spec(..., allow_code=True))"
        )
    return SweepSpec.from_dict(data, source=str(path), name=path.stem)
