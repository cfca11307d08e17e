"""The layers of ARCHITECTURE.md, checked: no import runs back up, no module over 600 lines.

Every import in cxqueue (at the top of a module or inside a function) is read from the source
and its target package compared with what the map allows for the importing package. The
foundation (``exceptions``, ``units``, ``_validation``, ``_rng``) is open to all.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cxqueue

ROOT = Path(cxqueue.__file__).parent
FOUNDATION = {"exceptions", "units", "_validation", "_rng", "__version__"}
# what each package may import besides itself and the foundation (ARCHITECTURE.md, "Layers")
ALLOWED = {
    "scenario": set(),
    "analytic": set(),
    "plots": set(),
    "data": {"scenario"},
    "sim": {"scenario"},
    "config": {"scenario", "data", "forecast"},
    "forecast": {"scenario", "data", "plots"},
    "optimize": {"scenario", "analytic", "sim", "forecast"},
    "replay": {"scenario", "data", "sim"},
    "plan": {"scenario", "analytic", "data", "forecast", "sim", "optimize", "config", "replay", "plots"},
    "sweep": {"scenario", "analytic", "data", "sim", "optimize", "config", "plots"},
    "cli": {
        *("scenario", "analytic", "data", "forecast", "sim", "optimize"),
        *("config", "replay", "plan", "plots", "sweep"),
    },
}
# entry points run as programs may start the command line; the old names of the plan in
# cxqueue.optimize are aliases resolved on use (deprecated)
ENTRY_POINTS = {("sweep", "__main__.py"): {"cli"}, ("optimize", "__init__.py"): {"plan"}}


def _targets(path: Path) -> set[str]:
    """The cxqueue subpackages (or top-level modules) that ``path`` imports."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] if node.module != "cxqueue" else [f"cxqueue.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "cxqueue" and len(parts) > 1:
                out.add(parts[1])
    return out


MODULES = sorted(p for p in ROOT.rglob("*.py") if p.parent != ROOT)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_follow_the_layers(path):
    package = path.relative_to(ROOT).parts[0]
    allowed = ALLOWED[package] | FOUNDATION | {package} | ENTRY_POINTS.get((package, path.name), set())
    assert _targets(path) - allowed == set()


def test_every_package_is_on_the_map():
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(ALLOWED)


def test_at_most_six_loose_modules():
    import pkgutil

    loose = {m.name for m in pkgutil.iter_modules([str(ROOT)]) if not m.ispkg}
    assert loose <= {"__init__", "__main__", "exceptions", "units", "_validation", "_rng"}, loose
    assert len(loose) <= 6


def test_no_module_over_600_lines():
    # a module past 600 lines holds two things; split it by what it holds (ARCHITECTURE.md)
    long = {str(p.relative_to(ROOT)): n for p in ROOT.rglob("*.py") if (n := len(p.read_text().splitlines())) > 600}
    assert long == {}
