"""cxqueue.replay.calibrate: the staffing behaviour behind a history, recovered from a history made
by the simulation itself with a known agent factor and a known reserve."""

from __future__ import annotations

import re

import numpy as np
import pytest

from cxqueue.exceptions import ConfigError
from cxqueue.replay.calibrate import fit_reserve
from cxqueue.scenario import Reserve
from cxqueue.sim import simulate
from tests.replay.test_replay import _history_from_sim, _synthetic_scenario


@pytest.fixture(scope="module")
def with_reserve():
    """Four days simulated with two reserve agents called in at 3 waiting callers."""
    sc = _synthetic_scenario(4)
    sc = sc.replace(reserve=Reserve(np.where(sc.agents > 0, 2, 0), 3))
    res = simulate(sc, replications=1, seed=2024, engine="fast", record_calls=True)
    return sc, _history_from_sim(res.calls)


def test_fit_reserve_recovers_the_reserve_and_the_factor(with_reserve):
    """Replayed from agents / 0.8 (the log shows more agents than take calls), the fit finds
    the factor 0.8 and the reserve (2 at 3 waiting); without a reserve, or with one called
    in too late, the factor that matches the service level overshoots ASA and abandonment
    (the history's queues are cut short by the reserve)."""
    sc, h = with_reserve
    lines = []
    r = fit_reserve(h, fit=sc.replace(reserve=None), staffing=sc.agents / 0.8, reserve_agents=(0, 2),
                    thresholds=(3, 8), replications=6, seed=3, tol=0.01, low=0.5, high=1.0,
                    progress=lines.append)  # fmt: skip
    assert r.reserve is not None and float(r.reserve.agents) == 2 and r.reserve.queue_threshold == 3
    assert r.agent_factor == pytest.approx(0.8, abs=0.03)
    rows = {(row["reserve_agents"], row["queue_threshold"]): row for row in r.table}
    assert set(rows) == {(0, None), (2, 3), (2, 8)}
    assert r.error == rows[(2, 3)]["error"] < 0.15
    for wrong in ((0, None), (2, 8)):
        assert rows[wrong]["error"] > 2 * r.error
        assert rows[wrong]["asa_s"] > rows[wrong]["asa_s_observed"]
        assert rows[wrong]["abandon"] > rows[wrong]["abandon_observed"]
        assert rows[wrong]["agent_factor"] > 0.85  # more agents needed to make up for no reserve
    assert len(lines) == 3 and "reserve 2 at 3 waiting" in lines[1]
    d = r.to_dict()
    assert d["reserve"] == {"agents": 2.0, "queue_threshold": 3} and len(d["table"]) == 3


def test_fit_reserve_errors(with_reserve):
    sc, h = with_reserve
    cases = [
        ({"reserve_agents": ()}, "reserve_agents must hold at least one value; got none"),
        ({"reserve_agents": (-1,)}, "reserve_agents must be >= 0; got -1"),
        ({"thresholds": (0,)}, "thresholds must be >= 1; got 0"),
        ({"thresholds": (2.5,)}, "thresholds must be an integer; got 2.5"),
        ({"replications": 1}, "replications must be >= 2; got 1"),
    ]
    for kw, msg in cases:
        with pytest.raises(ConfigError, match=re.escape(msg)):
            fit_reserve(h, fit=sc, staffing=sc.agents, seed=1, **kw)
