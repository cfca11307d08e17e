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
