"""The top-level namespace: explicit re-exports only (as SimPy checks its own)."""

import types

import cxqueue


def test_all_names_exist_and_are_unique():
    assert len(set(cxqueue.__all__)) == len(cxqueue.__all__)
    for name in cxqueue.__all__:
        assert hasattr(cxqueue, name), name


def test_public_names_are_in_all():
    # submodules appear as attributes once imported; every other public name is exported
    public = {n for n, obj in vars(cxqueue).items() if not n.startswith("_") and not isinstance(obj, types.ModuleType)}
    assert public - set(cxqueue.__all__) == set()


def test_version_is_a_string():
    assert isinstance(cxqueue.__version__, str) and cxqueue.__version__


def test_import_loads_only_the_formulas():
    """`import cxqueue` leaves the simulation, optimizers and sweeps (and scipy.optimize,
    scipy.stats) to their first use; each lazy name then resolves to its module's object."""
    import subprocess
    import sys

    code = (
        "import sys, cxqueue\n"
        "heavy = [m for m in ('cxqueue.sim', 'cxqueue.optimize', 'cxqueue.sweep', 'scipy.optimize', 'scipy.stats')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))\n"
        "from cxqueue.sim import simulate\n"
        "assert cxqueue.simulate is simulate and 'simulate' in dir(cxqueue)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
