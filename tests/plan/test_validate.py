"""``[validation].history`` reads what ``[demand].history`` reads (issue 12).

It read only the bank's tab format: a generic call CSV, which ``[demand].history`` accepts,
failed with a message that named neither the file nor the key. Expected numbers are counted
from the log written here.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from cxqueue.config import load_scenario
from cxqueue.exceptions import ConfigError
from cxqueue.plan.run import _validate

CONFIG = '[demand]\nhistory = "log.csv"\n[validation]\nhistory = "{v}"\nreplications = 2\n[shifts.day]\nlength_h = 4\n'


def _log() -> str:
    """One call a minute on Monday 2024-03-04 from 09:00 to 09:59: answered after 5 s and talked 120 s by A
    or B, except every tenth, abandoned after 30 s (6 of 60)."""
    rows = ["arrival,answer,end,agent"]
    for i in range(60):
        t = f"2024-03-04 09:{i:02d}"
        if i % 10 == 9:
            rows.append(f"{t}:00,,{t}:30,")
        else:
            rows.append(f"{t}:00,{t}:05,2024-03-04 {9 + (i + 2) // 60:02d}:{(i + 2) % 60:02d}:05,{'AB'[i % 2]}")
    return "\n".join(rows) + "\n"


def _config(tmp_path, validation: str):
    (tmp_path / "log.csv").write_text(_log())
    (tmp_path / "c.toml").write_text(CONFIG.format(v=validation))
    return load_scenario(tmp_path / "c.toml")


def test_validation_replays_a_generic_call_csv(tmp_path):
    cfg = _config(tmp_path, "log.csv")
    replay, note = _validate(cfg, quick=True, progress=None)
    assert note == ""
    assert replay.offered.sum() == 60 and replay.abandon_share.total_observed == pytest.approx(6 / 60)
    assert replay.service_level.total_observed == pytest.approx(54 / 60)  # answered within 20 s / offered
    assert np.isfinite(replay.service_level.total_simulated)


@pytest.mark.parametrize(
    ("name", "text", "rule"),
    [
        ("garbage.csv", "who,what\n1,2\n", "cannot tell the format from the header"),
        ("counts.csv", "datetime,calls\n2024-03-04 09:00,10\n2024-03-04 09:15,12\n", "holds interval counts"),
    ],
)
def test_an_unreadable_validation_history_names_the_file_and_the_key(tmp_path, name, text, rule):
    (tmp_path / name).write_text(text)
    cfg = _config(tmp_path, name)
    with pytest.raises(ConfigError) as err:
        _validate(cfg, quick=True, progress=None)
    msg = str(err.value)
    assert msg.startswith(f"{tmp_path / 'c.toml'}: [validation].history")
    assert str(tmp_path / name) in msg and rule in msg
    assert re.search(r"call logs|format", msg)
