"""e005 forecast to plan: does a plan made from a forecast hold on the days that came after it?

Before the fact, on the US bank's five-minute counts (../shared/data/us-bank-calls-2003):
for each of the last ``weeks`` weeks, the calls of that week are forecast from the days
before its Monday only (`cxqueue.forecast.fit(..., method="auto")`), agents per interval
are staffed for that forecast under each policy (`cxqueue.optimize.staffing_for_forecast`:
the mean, or the day factor's p-quantile for p = 0.5 ... 0.95), and the plan is then
simulated on that week's real counts (`cxqueue.sim.simulate`, fast engine, trace-driven:
each interval's real calls arrive at seeded uniform times within it; exponential handle
times of a stated AHT, since the data has none; callers wait, as in Erlang C). A day
meets the target when its simulated service level over the day (calls-weighted) is at
least the target level. Writes ``OUT/figure.png`` (cost against reliability) and
``OUT/summary.json``. Usage::

    python experiments/e005_forecast_to_plan/run.py            # full: every policy, ~1-2 minutes
    python experiments/e005_forecast_to_plan/run.py --quick    # the mean and p = 0.9 only
    python experiments/e005_forecast_to_plan/run.py --out /tmp/e005
"""

from __future__ import annotations

import os
import sys
import time
import tomllib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))  # experiments/_common.py
from _common import command_line, save_figure, write_summary  # noqa: E402

DAY = 86400.0


def data_file() -> Path:
    root = Path(os.environ.get("CXQUEUE_DATA", REPO.parent / "shared" / "data"))
    return root / "us-bank-calls-2003" / "bank_calls.csv"


def simulate_day(history, row, agents, aht_s, target, seed):
    """The day ``row`` of the history with ``agents`` per interval, its real calls as arrivals: day SL, interval SLs."""
    from cxqueue.scenario import Distribution, Forecast, Scenario
    from cxqueue.sim import simulate

    counts = history.counts[row]
    step = history.interval_s
    rng = np.random.default_rng(seed)
    arrivals = np.sort(np.concatenate([(i + rng.random(int(c))) * step for i, c in enumerate(counts)]))
    weekday = int((history.dates[row].astype(np.int64) + 3) % 7)
    f = Forecast(calls=counts, aht_s=aht_s, interval_s=step, start_s=weekday * DAY + history.first_start_s)
    sc = Scenario(f, agents=agents, handle=Distribution.exponential(1.0), target=target)
    res = simulate(sc, replications=1, seed=seed, engine="fast", arrival_s=arrivals)
    return float(res.totals.sl_offered.mean), np.asarray(res.intervals.sl_offered.mean, dtype=float)


def main(argv=None) -> int:
    args = command_line(__doc__, HERE, argv, quick_help="the mean and p = 0.9 only", jobs=(1, 1))
    cfg = tomllib.loads(args.config.read_text())
    from cxqueue.forecast import IntervalHistory, fit
    from cxqueue.optimize import staffing_for_forecast
    from cxqueue.scenario import ServiceTarget

    path = data_file()
    if not path.exists():
        print(f"e005: the US bank's counts are not at {path} (set CXQUEUE_DATA)", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    h = IntervalHistory.from_csv(path)
    target = ServiceTarget(level=cfg["target"]["level"], answer_within_s=cfg["target"]["answer_within_s"])
    aht = float(cfg["aht_s"])
    ps = cfg["quick"]["p"] if args.quick else cfg["p"]
    policies = [("mean", None)] + [("quantile", float(p)) for p in ps]
    mondays = np.unique(h.dates - ((h.dates.astype(np.int64) + 3) % 7).astype("timedelta64[D]"))
    weeks = mondays[-int(cfg["weeks"]) :]
    rows = {name: [] for name in [p_name(pol, p) for pol, p in policies]}
    seed = int(cfg["seed"])
    for w, monday in enumerate(weeks):
        fc = fit(h.before(monday), method="auto").forecast(start=monday, days=7)
        days = [d for d in range(fc.n_days) if fc.dates[d] in h.dates]
        for pol, p in policies:
            st = staffing_for_forecast(fc, target, policy=pol, p=0.9 if p is None else p, aht_s=aht)
            for d in days:
                row = int(np.flatnonzero(h.dates == fc.dates[d])[0])
                agents = st.agents[fc.day == d]
                sl_day, sl_int = simulate_day(h, row, agents, aht, target, seed + 1000 * w + d)
                rows[p_name(pol, p)].append(
                    dict(
                        date=str(fc.dates[d]),
                        agent_hours=float(agents.sum() * h.interval_s / 3600.0),
                        sl=sl_day,
                        intervals_meeting=float(np.mean(sl_int[h.counts[row] > 0] >= target.level)),
                        promised_share=float(st.share_of_days_meeting[fc.day == d].min()),
                    )
                )
        print(f"e005: week of {monday}: {len(days)} days planned and simulated", file=sys.stderr, flush=True)
    summary = {"weeks": [str(x) for x in weeks], "aht_s": aht, "target": target.to_dict(), "policies": {}}
    for name, r in rows.items():
        sl = np.array([x["sl"] for x in r])
        summary["policies"][name] = dict(
            days=len(r),
            share_of_days_meeting=float(np.mean(sl >= target.level)),
            mean_day_sl=float(sl.mean()),
            worst_day_sl=float(sl.min()),
            share_of_intervals_meeting=float(np.mean([x["intervals_meeting"] for x in r])),
            agent_hours_per_day=float(np.mean([x["agent_hours"] for x in r])),
            days_detail=r,
        )
        s = summary["policies"][name]
        print(
            f"  {name:10s} days {s['days']:3d}  meeting {s['share_of_days_meeting']:.3f}  "
            f"mean SL {s['mean_day_sl']:.3f}  worst {s['worst_day_sl']:.3f}  "
            f"intervals meeting {s['share_of_intervals_meeting']:.3f}  agent-hours/day {s['agent_hours_per_day']:.0f}"
        )
    figure(summary, args.out / "figure.png", target.level)
    write_summary(args.out, summary, quick=args.quick, timing_s={"total": time.perf_counter() - t0})
    return 0


def p_name(policy, p) -> str:
    return "mean" if policy == "mean" else f"p={p:g}"


def figure(summary, path, level) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pol = summary["policies"]
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    qs = [(float(k[2:]), v) for k, v in pol.items() if k != "mean"]
    xs = [v["agent_hours_per_day"] for _, v in qs]
    ys = [v["share_of_days_meeting"] for _, v in qs]
    a.plot(xs, ys, "o-", label="staff for the day factor's p-quantile")
    for (p, _v), x, y in zip(qs, xs, ys, strict=True):
        a.annotate(f"p={p:g}", (x, y), textcoords="offset points", xytext=(4, -10), fontsize=8)
    m = pol["mean"]
    a.plot([m["agent_hours_per_day"]], [m["share_of_days_meeting"]], "s", color="C3", label="staff for the mean")
    a.set_xlabel("agent-hours on duty per day")
    a.set_ylabel(f"share of real days with SL >= {level:g}")
    a.set_title("cost against reliability, before the fact")
    a.set_ylim(0, 1.02)
    a.legend(loc="lower right", fontsize=8)
    ps = [p for p, _ in qs]
    b.plot([0.45, 1.0], [0.45, 1.0], ":", color="grey", label="promise: every interval on p of days")
    b.plot(ps, ys, "o-", label="days meeting (day SL)")
    b.plot(ps, [v["share_of_intervals_meeting"] for _, v in qs], "^-", label="intervals meeting")
    b.set_xlabel("p (day-factor quantile staffed for)")
    b.set_ylabel("share achieved on the real weeks")
    b.set_title("promised against achieved")
    b.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    save_figure(fig, path, dpi=110)


if __name__ == "__main__":
    sys.exit(main())
