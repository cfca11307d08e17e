"""Point functions for the sweep tests, independent of cxqueue.analytic.

Importable by worker processes: tests/sweep/conftest.py puts this folder on sys.path,
which the process pool inherits by fork and Dask's spawned workers receive with their
preparation data; the subprocess tests pass it in PYTHONPATH.
"""

from __future__ import annotations

import math
import os
import time

import numpy as np


def erlang_c_wait(load: float, agents: float) -> float:
    """P(wait) of M/M/c by the textbook sum (an oracle independent of cxqueue.analytic)."""
    if agents <= load:
        return 1.0
    c = int(agents)
    terms = [load**k / math.factorial(k) for k in range(c)]
    top = load**c / math.factorial(c) * c / (c - load)
    return top / (sum(terms) + top)


def erlang_c_point(config, *, seed):
    """Erlang C KPIs plus a Monte Carlo number that depends on the point's seed."""
    load = float(config["offered_load"])
    agents = float(config["agents"])
    aht_s = float(config["aht_s"])
    t_s = float(config["answer_within_s"])
    if config.get("fail"):
        raise ValueError(f"asked to fail at agents={agents}")
    pw = erlang_c_wait(load, agents)
    sl = 0.0 if agents <= load else 1.0 - pw * math.exp(-(agents - load) * t_s / aht_s)
    draws = np.random.default_rng(seed).exponential(aht_s, size=64)
    delay = float(config.get("delay_s", 0.0))
    if delay:
        time.sleep(delay)  # stands in for a point that takes time to compute
    return {"wait_probability": pw, "service_level": sl, "mc_mean_handle_s": float(draws.mean())}


def logged_point(config, *, seed):
    """`erlang_c_point`, and one line ``agents pid`` appended to ``config["log"]`` per computation."""
    out = erlang_c_point(config, seed=seed)
    with open(config["log"], "a") as f:  # O_APPEND: whole lines from concurrent writers
        f.write(f"{config['agents']} {os.getpid()}\n")
    return out
