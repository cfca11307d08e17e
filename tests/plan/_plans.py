"""Quick plans of the bank for the tests of what reads plan folders (plan.xlsx, ``cxqueue compare``).

The bank's config with its recommended staffing (as shipped: up to 13 agents at once) and
with today's positions (``[staffing].max_agents = 8``, the bank's 8 agent positions), each
planned in quick mode without figures. ``$CXQUEUE_DATA`` is unset while the config loads, so
the demand is the shipped October profile and the validation replay is skipped (fast).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cxqueue.config import load_scenario
from cxqueue.plan.run import run_plan
from tests.conftest import REPO

BANK = REPO / "configs" / "bank.toml"


def bank_config(folder: Path, name: str, **replace: str) -> Path:
    """A copy of configs/bank.toml named ``name``, with lines replaced (``{old line: new line}``)."""
    text = BANK.read_text().replace('name = "bank"', f'name = "{name}"')
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path = folder / f"{name}.toml"
    path.write_text(text)
    return path


def quick_plan(config: Path, out: Path) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("CXQUEUE_DATA", raising=False)
        cfg = load_scenario(config)
    _, folder = run_plan(cfg, out=out, quick=True, figures=False)
    return folder


def bank_plans(folder: Path) -> tuple[Path, Path]:
    """Two plan folders of the bank: today's 8 positions and the recommended plan."""
    today = bank_config(folder, "bank-today", **{"max_agents = 13 ": "max_agents = 8 "})
    recommended = bank_config(folder, "bank-recommended")
    return quick_plan(today, folder / "today"), quick_plan(recommended, folder / "recommended")
