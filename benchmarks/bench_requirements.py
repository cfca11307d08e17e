"""Speed of staffing_requirements at the scale of a year (issue 4, acceptance 5, first half).

Workload: 52 weeks of 15-minute intervals (34,944 intervals) of synthetic but realistic
demand (seed 20261122): a weekly profile (weekdays open 07:00-22:00 with a morning and an
afternoon peak, Saturday 08:00-18:00 at 60 %, Sunday closed: zero calls), a yearly
seasonality (+-15 %) and trend, and multiplicative gamma noise (cv 10 %) per interval; AHT
from 240 s at night to 330 s at the peaks, with noise. Peak about 260 calls per interval
(about 90 Erlangs).

Timed after one warm-up call, each row paired with the bare inverse (row 4) in ``--repeat``
interleaved pairs (`_paired.paired`: the median and min-max of the pair ratios, so that
the shared machine's load moves both sides alike; the load average is printed):

1. ``staffing_requirements(model="erlang_a", method="sipp")`` for 80 % within 20 s
   (offered basis), mean patience 180 s, shrinkage 30 %; the goal is < 0.1 s;
2. the same, then every KPI read (``to_dict()``; the KPIs are computed on first access);
3. the same with every cap (ASA 30 s, abandonment 5 %, occupancy 90 %);
4. the bare analytic inverse ``erlang_a.agents_for_service_level`` on the same loads (the
   baseline the wrapper adds to: validation, zero-load skipping, KPIs);
5. the same demand rounded to whole calls (what a history replay gives), where identical
   (load, AHT) pairs are solved once.

Each answer is checked on 300 random intervals by brute force: the service level at the
returned agents meets the target and one agent fewer does not. Run:
``python benchmarks/bench_requirements.py [--repeat 9]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _paired import load_average, paired

from cxqueue.analytic import erlang_a
from cxqueue.optimize.requirements import staffing_requirements
from cxqueue.scenario import Forecast, ServiceTarget

SEED = 20261122
WEEKS = 52
PER_DAY = 96
PATIENCE_S = 180.0
GOAL_S = 0.1


def weekly_profile() -> np.ndarray:
    """Calls per 15-minute interval over one week (Monday 00:00 first), before scaling."""
    h = (np.arange(PER_DAY) + 0.5) / 4.0
    day = np.exp(-0.5 * ((h - 10.5) / 1.8) ** 2) + 0.8 * np.exp(-0.5 * ((h - 15.0) / 2.2) ** 2) + 0.15
    weekday = np.where((h >= 7) & (h < 22), day, 0.0)
    saturday = np.where((h >= 8) & (h < 18), 0.6 * day, 0.0)
    sunday = np.zeros(PER_DAY)
    return np.concatenate([weekday] * 5 + [saturday, sunday])


def year_forecast(rng: np.random.Generator, *, whole_calls: bool = False) -> Forecast:
    prof = weekly_profile()
    weeks = np.arange(WEEKS)
    level = 230.0 * (1 + 0.15 * np.sin(2 * np.pi * weeks / 52.0)) * (1 + 0.002 * weeks)
    calls = (level[:, None] * prof[None, :]).ravel()
    calls = calls * rng.gamma(100.0, 1 / 100.0, calls.size)  # cv 10 %
    if whole_calls:
        calls = np.round(calls)
    busy = np.tile(prof / prof.max(), WEEKS)
    aht = 240.0 + 90.0 * busy + rng.normal(0.0, 10.0, calls.size)
    if whole_calls:
        aht = np.round(aht / 10.0) * 10.0  # AHT reported to 10 s
    return Forecast(calls=calls, aht_s=aht, interval_s=900.0)


def check(f: Forecast, r, target: ServiceTarget, rng) -> int:
    """Brute-force check on random intervals; returns how many were checked."""
    idx = rng.choice(f.n_intervals, 300, replace=False)
    load = f.offered_load
    for i in idx:
        a = int(r.agents[i])
        if load[i] == 0:
            assert a == 0, (i, a)
            continue
        kw = {"aht_s": f.aht_s[i], "mean_patience_s": PATIENCE_S, "answer_within_s": target.answer_within_s}
        sl = float(erlang_a.service_level(load[i], a, **kw))
        assert sl >= target.level - 1e-12, (i, a, sl)
        if target.max_asa_s is None and a > 0:
            assert float(erlang_a.service_level(load[i], a - 1, **kw)) < target.level, (i, a)
    return idx.size


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=9, help="pairs per row")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(SEED)
    f = year_forecast(rng)
    fr = year_forecast(np.random.default_rng(SEED), whole_calls=True)
    closed = float((f.calls == 0).mean())
    print(f"{f.n_intervals} intervals (15 min, {WEEKS} weeks), {closed:.0%} closed; peak {f.calls.max():.0f} calls, "
          f"{f.offered_load.max():.1f} Erlangs; Erlang A, patience {PATIENCE_S:g} s")  # fmt: skip
    sl_only = ServiceTarget(level=0.8, answer_within_s=20.0, shrinkage=0.3)
    all_caps = ServiceTarget(level=0.8, answer_within_s=20.0, shrinkage=0.3, max_asa_s=30.0, max_abandon=0.05,
                             max_occupancy=0.9)  # fmt: skip

    def req(forecast, target):
        return staffing_requirements(forecast, target, model="erlang_a", method="sipp", mean_patience_s=PATIENCE_S)

    load = f.offered_load
    rows = [
        ("staffing_requirements, 80/20", lambda: req(f, sl_only)),
        ("  the same, then reading every KPI", lambda: req(f, sl_only).to_dict()),
        ("staffing_requirements, every cap", lambda: req(f, all_caps)),
        (
            "bare erlang_a.agents_for_service_level",
            lambda: erlang_a.agents_for_service_level(
                load, aht_s=f.aht_s, mean_patience_s=PATIENCE_S, answer_within_s=20.0, level=0.8
            ),
        ),
        ("staffing_requirements, 80/20, whole calls", lambda: req(fr, sl_only)),
    ]
    bare = rows[3][1]
    print(f"{load_average()} (before)")
    print(f"{'what':45s} {'median s':>9s} {'vs 0.1 s':>9s} {'vs bare (min-max)':>22s}")
    times = {}
    for name, fn in rows:
        r = paired(fn, bare, pairs=args.repeat)
        times[name] = r.a_median_s
        print(f"{name:45s} {r.a_median_s:9.4f} {r.a_median_s / GOAL_S:9.2f} {r.median:9.2f} ({r.low:.2f}-{r.high:.2f})")
    print(f"{load_average()} (after)")
    n = check(f, req(f, sl_only), sl_only, rng) + check(fr, req(fr, sl_only), sl_only, rng)
    check(f, req(f, all_caps), all_caps, rng)
    r = req(f, sl_only)
    names, counts = np.unique(r.binding, return_counts=True)
    print(
        f"checked {n} intervals by brute force: OK; agents on duty {r.agents.sum() / 4:.0f} agent-hours, "
        f"paid {r.paid_agents.sum() / 4:.0f}; binding: {dict(zip(names.tolist(), counts.tolist(), strict=True))}"
    )
    ok = times["staffing_requirements, 80/20"] < GOAL_S
    print("goal met: 80/20 under Erlang A in < 0.1 s" if ok else "goal NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
