"""Sweep specs: grid order, zip groups, seeds, point ids, dotted overrides, and their errors."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from cxqueue.exceptions import ConfigError
from cxqueue.sweep import SweepSpec, load_spec, override

BASE = {"offered_load": 10.0, "agents": 12, "aht_s": 180.0, "handle": {"kind": "lognormal", "cv": 1.0}}


def make(grid, *, seed=7, base=BASE, compute="analytic"):
    return SweepSpec.from_dict({"sweep": {"compute": compute, "seed": seed}, "base": base, "grid": grid})


def test_cartesian_order_is_itertools_product_in_written_order():
    spec = make({"agents": [10, 11, 12], "handle": {"cv": [0.5, 1.0]}})
    assert spec.keys == ("agents", "handle.cv")
    got = [(p.params["agents"], p.params["handle.cv"]) for p in spec.points()]
    assert got == list(itertools.product([10, 11, 12], [0.5, 1.0]))
    assert spec.n_points == 6


def test_zip_groups_vary_together_and_cross_with_the_rest():
    spec = make({"agents": [10, 11], "zip": [{"offered_load": [8.0, 9.0, 10.0], "aht_s": [150.0, 170.0, 190.0]}]})
    pts = spec.points()
    assert spec.n_points == 6
    pairs = {(p.params["offered_load"], p.params["aht_s"]) for p in pts}
    assert pairs == {(8.0, 150.0), (9.0, 170.0), (10.0, 190.0)}
    assert [p.params["agents"] for p in pts] == [10, 10, 10, 11, 11, 11]


def test_config_is_base_with_dotted_overrides_and_base_is_untouched():
    spec = make({"handle": {"cv": [0.5]}})
    (p,) = spec.points()
    assert p.config["handle"] == {"kind": "lognormal", "cv": 0.5}
    assert spec.base["handle"]["cv"] == 1.0


def test_seeds_are_spawned_in_point_order_from_the_spec_seed():
    spec = make({"agents": list(range(5, 25))}, seed=99)
    pts = spec.points()
    expected = np.random.SeedSequence(99).spawn(len(pts))
    for p, e in zip(pts, expected, strict=True):
        assert p.seed.entropy == e.entropy and p.seed.spawn_key == e.spawn_key
        assert np.array_equal(p.seed.generate_state(4), e.generate_state(4))


def test_point_ids_are_stable_distinct_and_depend_on_seed_and_content():
    a = [p.point_id for p in make({"agents": [10, 11, 12]}).points()]
    b = [p.point_id for p in make({"agents": [10, 11, 12]}).points()]
    assert a == b and len(set(a)) == 3
    other_seed = [p.point_id for p in make({"agents": [10, 11, 12]}, seed=8).points()]
    assert not set(a) & set(other_seed)
    other_base = [p.point_id for p in make({"agents": [10, 11, 12]}, base={**BASE, "aht_s": 200.0}).points()]
    assert not set(a) & set(other_base)
    assert make({"agents": [10]}).spec_hash != make({"agents": [11]}).spec_hash


def test_no_grid_is_one_point():
    spec = make({})
    assert spec.n_points == 1 and spec.points()[0].config == BASE


def test_load_spec_reads_toml_with_dotted_keys_and_zip(tmp_path):
    path = tmp_path / "demo.toml"
    path.write_text(
        """
[sweep]
compute = "analytic"
seed = 3

[base]
agents = 10
aht_s = 180.0
handle = { cv = 1.0 }

[grid]
agents = [10, 11]
handle.cv = [0.5, 1.5]

[[grid.zip]]
aht_s = [150.0, 210.0]
"""
    )
    spec = load_spec(path)
    assert spec.name == "demo" and spec.seed == 3 and spec.source == str(path)
    assert spec.keys == ("agents", "handle.cv", "aht_s")
    assert spec.n_points == 8
    assert spec.points()[-1].config == {"agents": 11, "aht_s": 210.0, "handle": {"cv": 1.5}}


def test_override_example_and_errors():
    assert override({"a": {"b": 1}}, {"a.b": 2}) == {"a": {"b": 2}}
    msg = "grid key 'a.c' must name a key of [base]; 'a.c' is not there (it holds: b); "
    msg += "add it to [base] with a default value"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        override({"a": {"b": 1}}, {"a.c": 2})
    msg = "grid key 'a.b.c' reaches into 'a.b', which is not a table in [base]; got 1"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        override({"a": {"b": 1}}, {"a.b.c": 2})


@pytest.mark.parametrize(
    ("data", "msg"),
    [
        ({"sweep": {"compute": "analytic"}, "grids": {}}, "unknown table [grids]; a sweep spec has sweep, base, grid"),
        ({"sweep": {"compute": "analytic", "seeds": 1}}, "unknown key [sweep].seeds; known keys: name, compute"),
        ({"sweep": {}}, '[sweep].compute is required (e.g. "analytic" or "package.module:function")'),
        ({"sweep": {"compute": 3}}, "[sweep].compute must be a name or a function; got 3"),
        ({"sweep": {"compute": "analytic", "seed": -1}}, "[sweep].seed must be >= 0; got -1"),
        ({"sweep": {"compute": "analytic", "seed": 1.5}}, "[sweep].seed must be an integer; got 1.5"),
        ({"sweep": {"compute": "analytic"}, "base": 3}, "[base] must be a table; got 3"),
        ({"sweep": {"compute": "analytic"}, "grid": 3}, "[grid] must be a table; got 3"),
        (
            {"sweep": {"compute": "analytic"}, "base": {"agents": 1}, "grid": {"agents": 10}},
            "[grid].agents must be a list of values; got 10 (write [10] for one value)",
        ),
        (
            {"sweep": {"compute": "analytic"}, "base": {"agents": 1}, "grid": {"agents": []}},
            "[grid].agents must hold at least one value; got []",
        ),
        (
            {"sweep": {"compute": "analytic"}, "base": {"a": 1, "b": 2}, "grid": {"zip": [{"a": [1, 2], "b": [1]}]}},
            "[[grid.zip]] group 0 must have lists of one length; got a=2, b=1",
        ),
        (
            {"sweep": {"compute": "analytic"}, "base": {"a": 1}, "grid": {"zip": [{}]}},
            "[[grid.zip]] group 0 must be a non-empty table of lists; got {}",
        ),
        (
            {"sweep": {"compute": "analytic"}, "base": {"a": 1}, "grid": {"zip": 3}},
            "[[grid.zip]] must be tables of equal-length lists; got 3",
        ),
        (
            {"sweep": {"compute": "analytic"}, "base": {"a": 1}, "grid": {"a": [1], "zip": [{"a": [2]}]}},
            "grid key 'a' must appear once in [grid]; it appears twice",
        ),
        (
            {"sweep": {"compute": "analytic"}, "base": {"agents": 1}, "grid": {"agnets": [1]}},
            "grid key 'agnets' must name a key of [base]; 'agnets' is not there (it holds: agents)",
        ),
    ],
)
def test_spec_errors_name_the_table_key_and_value(data, msg):
    with pytest.raises(ConfigError, match=re.escape(msg)):
        SweepSpec.from_dict(data)


def test_spec_errors_name_the_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[sweep]\ncompute = "analytic"\n[base]\nagents = 1\n[grid]\nagents = 5\n')
    with pytest.raises(ConfigError, match=re.escape(f"{path}: [grid].agents must be a list of values; got 5")):
        load_spec(path)
    path.write_text("[sweep\n")
    with pytest.raises(ConfigError, match=re.escape(f"{path}: not valid TOML: ")):
        load_spec(path)
    with pytest.raises(ConfigError, match=re.escape(f"sweep spec {str(tmp_path / 'no.toml')!r} does not exist")):
        load_spec(tmp_path / "no.toml")
    with pytest.raises(ConfigError, match=re.escape("a sweep spec must be a table; got 3")):
        SweepSpec.from_dict(3)


def test_example_spec_in_configs_loads():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "configs" / "sweeps" / "example-analytic.toml"
    spec = load_spec(path)
    assert spec.compute == "analytic" and spec.n_points > 100


def test_package_exports_and_lazy_imports():
    import subprocess
    import sys

    import cxqueue.sweep as sweep

    assert sorted(sweep.__all__) == sorted(set(sweep.__all__))
    for name in sweep.__all__:
        assert hasattr(sweep, name), name
    code = (
        "import cxqueue.sweep, sys; print(sorted(m for m in ('dask', 'distributed', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"  # Dask and matplotlib load only when used
