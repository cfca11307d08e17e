"""The CLI holds no logic: it parses, calls the library and writes (issue 10's rule, checked here).

Every module of ``cxqueue.cli`` is read as source: none imports numba, numpy or scipy (so none
can compute with arrays), none defines a function that does arithmetic on anything but the
text it prints, and each stays under 150 lines, one subcommand per module.
"""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import pytest

import cxqueue.cli

CLI = Path(cxqueue.cli.__file__).parent
MODULES = sorted(CLI.glob("*.py"))
NUMERIC = {"numba", "numpy", "scipy"}


def _imports(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_every_subcommand_has_its_module():
    names = {m.name for m in pkgutil.iter_modules([str(CLI)])}
    assert {"plan", "compare", "staff", "import_", "simulate", "lines", "hours", "sweep"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_imports_no_numerical_library(path):
    assert _imports(ast.parse(path.read_text())) & NUMERIC == set()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_is_short(path):
    assert len(path.read_text().splitlines()) < 150


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_defines_no_numerical_function(path):
    """No arithmetic outside formatting: a binary operator is allowed only where it builds text
    (string concatenation, %-formatting, list concatenation of printed lines) or on the
    lengths of what is printed."""
    tree = ast.parse(path.read_text())
    arithmetic = []
    for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        for node in ast.walk(fn):
            if isinstance(node, ast.BinOp) and not isinstance(node.op, ast.Add | ast.Mod | ast.BitOr):
                arithmetic.append(f"{fn.name} line {node.lineno}: {ast.unparse(node)}")
            if isinstance(node, ast.Call) and ast.unparse(node.func).startswith("math."):
                arithmetic.append(f"{fn.name} line {node.lineno}: {ast.unparse(node)}")
    assert arithmetic == []


def test_the_library_does_the_work_a_subcommand_prints():
    # what the CLI used to compute is importable from the library
    from cxqueue.data import import_history, read_interval_table
    from cxqueue.optimize import staff_table
    from cxqueue.plan.compare import compare_plans
    from cxqueue.plan.tasks import agents_on_duty, config_lines, simulate_config, study_hours

    assert all(callable(f) for f in (import_history, read_interval_table, staff_table, agents_on_duty, config_lines,
                                     simulate_config, study_hours, compare_plans))  # fmt: skip
