"""e002: Erlang C, Erlang A and simulation on the bank's real data (fit Jan-Feb 1999, judge October).

    python experiments/e002_bank_models/run.py [--quick] [--out DIR] [--data DIR]

Writes results.json, hourly.csv, summary.txt and figure.png into the out folder
(default experiments/e002_bank_models/out). See README.md for the question and the finding.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
import tomllib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from cxqueue.analytic import erlang_a, erlang_c  # noqa: E402
from cxqueue.data import concat_histories, estimate_forecast, fit_history, observed_kpis, read_bank_log  # noqa: E402
from cxqueue.calibrate import fit_agent_factor  # noqa: E402
from cxqueue.validate import replay_history  # noqa: E402

BANK = "anonymous-bank-1999"


def data_root(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    if os.environ.get("CXQUEUE_DATA"):
        return Path(os.environ["CXQUEUE_DATA"])
    return REPO.parent / "shared" / "data"


def weighted(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    ok = np.isfinite(x) & (w > 0)
    return float(np.sum(x[ok] * w[ok]) / np.sum(w[ok])) if ok.any() else float("nan")


def by_hour(x, w, hour):
    return np.array([weighted(x[hour == h], w[hour == h]) for h in range(24)])


def errors(pred, obs, w) -> dict:
    """Calls-weighted per-interval errors of `pred` against `obs` and the totals."""
    ok = np.isfinite(pred) & np.isfinite(obs) & (w > 0)
    e, ww = (pred - obs)[ok], w[ok]
    return {
        "mae": float(np.sum(ww * np.abs(e)) / ww.sum()),
        "bias": float(np.sum(ww * e) / ww.sum()),
        "rmse": float(np.sqrt(np.sum(ww * e * e) / ww.sum())),
        "total_predicted": weighted(pred, w),
        "total_observed": weighted(obs, w),
    }


def first_days(history, n: int):
    return [str(d) for d in history.dates[:n]]


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="first days only, few replications (< 60 s)")
    ap.add_argument("--out", default=str(HERE / "out"), help="output folder (default: %(default)s)")
    ap.add_argument("--data", default=None, help="folder holding anonymous-bank-1999 (default: $CXQUEUE_DATA "
                                                 "or ../shared/data)")  # fmt: skip
    ap.add_argument("--config", default=str(HERE / "config.toml"))
    args = ap.parse_args(argv)
    cfg = tomllib.loads(Path(args.config).read_text())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    q = cfg["quick"] if args.quick else None
    root = data_root(args.data) / BANK
    if not root.exists():
        sys.exit(f"e002: the bank's data is not at {root} (pass --data or set CXQUEUE_DATA)")

    # ---- data and fits ---------------------------------------------------------------------
    dcfg, tcfg = cfg["data"], cfg["target"]
    interval_s = float(dcfg["interval_s"])
    level, within = float(tcfg["level"]), float(tcfg["answer_within_s"])
    head = float(tcfg["priority_head_start_s"])
    train = concat_histories([read_bank_log(root / m) for m in dcfg["fit_months"]])
    judge = read_bank_log(root / dcfg["judge_month"])
    fit = fit_history(train, interval_s=interval_s, answer_within_s=within)
    fit_days = first_days(train, q["fit_days"]) if q else None
    judge_days = first_days(judge, q["judge_days"]) if q else None
    reps = q["replications"] if q else cfg["replay"]["replications"]
    common = dict(interval_s=interval_s, threshold_s=within, priority_head_start_s=head)

    # ---- 1. effective-agents factor on January-February -------------------------------------
    fc = cfg["factor"]
    factor_fit = fit_agent_factor(
        train, fit=fit, staffing="staffed", low=fc["low"], high=fc["high"],
        tol=q["factor_tol"] if q else fc["tol"], replications=q["replications"] if q else fc["replications"],
        seed=fc["seed"], days=fit_days, **common,
    )  # fmt: skip
    factor = factor_fit.factor
    factor_oct = None
    if not q:  # a check: the factor that October itself asks for
        factor_oct = fit_agent_factor(
            judge, staffing="staffed", low=fc["low"], high=fc["high"], tol=fc["tol"],
            replications=fc["replications"], seed=fc["seed"], **common,
        ).factor  # fmt: skip

    # ---- 2. replay October with each staffing measure ---------------------------------------
    seed = cfg["replay"]["seed"]
    runs = {
        "staffed": replay_history(judge, fit=fit, staffing="staffed", replications=reps, seed=seed,
                                  days=judge_days, **common),
        "busy": replay_history(judge, fit=fit, staffing="busy", replications=reps, seed=seed,
                               days=judge_days, **common),
        "effective": replay_history(judge, fit=fit, staffing="staffed", agent_factor=factor, replications=reps,
                                    seed=seed, days=judge_days, **common),
    }  # fmt: skip
    eff = runs["effective"]
    sl = eff.service_level
    hour = eff.hour
    w = sl.weight
    w_asa = eff.asa_s.weight

    # ---- 3. the models' predictions at the bank's observed staffing ------------------------
    fq = estimate_forecast(judge, interval_s=interval_s, by="date")
    idx = np.rint(eff.interval_starts_s / interval_s).astype(np.int64)
    calls, aht = fq.calls[idx], fq.aht_s[idx]
    load = calls * aht / interval_s
    patience_s = fit.patience.mean_s
    obs = {"service_level": sl.observed, "asa_s": eff.asa_s.observed, "abandon_share": eff.abandon_share.observed}
    predictions = {}
    for label, agents in (("effective", eff.agents), ("staffed", runs["staffed"].agents)):
        ec_sl = erlang_c.service_level(load, agents, aht_s=aht, answer_within_s=within)
        ea_sl = erlang_a.service_level(load, agents, aht_s=aht, mean_patience_s=patience_s, answer_within_s=within)
        ec_asa = erlang_c.average_speed_of_answer(load, agents, aht_s=aht)
        ea_asa = erlang_a.average_speed_of_answer(load, agents, aht_s=aht, mean_patience_s=patience_s)
        ea_ab = erlang_a.abandon_probability(load, agents, aht_s=aht, mean_patience_s=patience_s)
        r = runs[label]
        predictions[label] = {
            "erlang_c": {"service_level": ec_sl, "asa_s": ec_asa, "abandon_share": np.zeros_like(ec_sl)},
            "erlang_a": {"service_level": ea_sl, "asa_s": ea_asa, "abandon_share": ea_ab},
            "simulation": {"service_level": r.service_level.simulated, "asa_s": r.asa_s.simulated,
                           "abandon_share": r.abandon_share.simulated},
        }  # fmt: skip
    model_errors = {
        label: {m: {k: errors(p[k], obs[k], w_asa if k == "asa_s" else w) for k in obs} for m, p in preds.items()}
        for label, preds in predictions.items()
    }

    # ---- 3b. fairness: each analytic model gets its own factor, fitted on January-February ----
    def analytic_sl(model, load_, aht_, agents_):
        if model == "erlang_c":
            return erlang_c.service_level(load_, agents_, aht_s=aht_, answer_within_s=within)
        return erlang_a.service_level(load_, agents_, aht_s=aht_, mean_patience_s=patience_s, answer_within_s=within)

    ft = estimate_forecast(train, interval_s=interval_s, by="date")
    ot = observed_kpis(train, interval_s=interval_s, by="date", answer_within_s=within)
    tmask = ot.offered > 0
    if fit_days:
        day_t = np.floor(ft.interval_starts_s / 86400 - ft.start_s / 86400).astype(int)
        keep_days = (np.asarray(fit_days, dtype="datetime64[D]") - train.origin).astype(int)
        tmask &= np.isin(day_t, keep_days)
    t_load = ft.calls * ft.aht_s / interval_s
    t_target = weighted(ot.service_level[tmask], ot.offered[tmask])
    own_factor, own_errors = {}, {}
    for m in ("erlang_c", "erlang_a"):
        lo, hi = 0.3, 2.0
        for _ in range(30):
            mid = 0.5 * (lo + hi)
            got = weighted(analytic_sl(m, t_load, ft.aht_s, np.rint(mid * ot.staffed_agents))[tmask],
                           ot.offered[tmask])  # fmt: skip
            lo, hi = (mid, hi) if got < t_target else (lo, mid)
        own_factor[m] = 0.5 * (lo + hi)
        agents_m = np.rint(own_factor[m] * runs["staffed"].agents)
        own_sl = analytic_sl(m, load, aht, agents_m)
        own_errors[m] = errors(own_sl, sl.observed, w)
        predictions["effective"][m]["service_level_own_factor"] = own_sl

    # ---- 4. agents needed for the target, per October interval -----------------------------
    need_ec = erlang_c.agents_for_service_level(load, aht_s=aht, answer_within_s=within, level=level)
    need_ea = erlang_a.agents_for_service_level(load, aht_s=aht, mean_patience_s=patience_s,
                                                answer_within_s=within, level=level)  # fmt: skip
    need_ec, need_ea = need_ec.astype(float), need_ea.astype(float)
    rq = cfg["requirements"]
    offsets = q["offsets"] if q else rq["offsets"]
    full = np.zeros(fq.n_intervals)
    sim_sl = []
    for d in offsets:
        agents = np.where(need_ea > 0, np.maximum(need_ea + d, 1), 0)
        full[:] = 0
        full[idx] = agents
        r = replay_history(judge, fit=fit, staffing=full, replications=q["replications"] if q else rq["replications"],
                           seed=rq["seed"], days=judge_days, **common)  # fmt: skip
        sim_sl.append(r.service_level.simulated)
    sim_sl = np.vstack(sim_sl)  # (offsets, intervals)
    meets = sim_sl >= level
    first_ok = np.argmax(meets, axis=0)
    any_ok = meets.any(axis=0)
    need_sim = np.where(need_ea > 0, np.maximum(need_ea + np.asarray(offsets)[first_ok], 1), 0).astype(float)
    need_sim = np.where(any_ok | (need_ea == 0), need_sim, need_ea + offsets[-1])
    cmp_ = eff.compared
    # what each method's staffing delivers in the simulation (the judge), October's real arrivals
    delivered = {}
    for m, agents in (("erlang_c", need_ec), ("erlang_a", need_ea), ("simulation", need_sim)):
        full[:] = 0
        full[idx] = agents
        r = replay_history(judge, fit=fit, staffing=full, replications=q["replications"] if q else rq["replications"],
                           seed=rq["seed"] + 1, days=judge_days, **common)  # fmt: skip
        s = r.service_level.simulated
        delivered[m] = {
            "service_level": r.service_level.total_simulated,
            "service_level_half_width": r.service_level.total_half_width,
            "asa_s": r.asa_s.total_simulated,
            "abandon_share": r.abandon_share.total_simulated,
            "calls_share_of_intervals_meeting_target": weighted((s >= level).astype(float), w),
        }
    observed_staffed = runs["staffed"].agents
    needs = {
        "erlang_c": need_ec, "erlang_a": need_ea, "simulation": need_sim,
        "effective_observed": eff.agents, "staffed_observed": observed_staffed,
    }  # fmt: skip
    agent_hours = {k: float(np.sum(val[cmp_]) * interval_s / 3600) for k, val in needs.items()}
    diff = {
        m: {
            "mean_minus_sim": float(np.mean((needs[m] - need_sim)[cmp_])),
            "share_equal": float(np.mean((needs[m] == need_sim)[cmp_])),
            "share_below": float(np.mean((needs[m] < need_sim)[cmp_])),
            "share_above": float(np.mean((needs[m] > need_sim)[cmp_])),
        }
        for m in ("erlang_c", "erlang_a")
    }
    unmet = float(np.mean(~any_ok[cmp_]))

    # ---- results -----------------------------------------------------------------------------
    results = {
        "quick": bool(args.quick),
        "fit": {
            "months": dcfg["fit_months"], "days": fit_days, "handle": fit.handle.to_dict(),
            "patience": fit.patience.to_dict(), "ivr": fit.ivr.to_dict(), "ivr_only_share": fit.ivr_only_share,
            "priority_shares": list(fit.priority_shares),
        },
        "agent_factor": factor_fit.to_dict(),
        "replays": {k: {kk: {"total_observed": c.total_observed, "total_simulated": c.total_simulated,
                             "total_half_width": c.total_half_width, "total_agrees": c.total_agrees,
                             **{f"interval_{n}": getattr(c.overall, n)
                                for n in ("mae", "bias", "rmse", "coverage", "noise_mae")}}
                        for kk, c in zip(("service_level", "asa_s", "abandon_share"), r.kpis, strict=True)}
                    for k, r in runs.items()},
        "n_intervals": int(cmp_.sum()), "calls": float(eff.offered[cmp_].sum()),
        "model_errors": model_errors,
    "own_factor": own_factor,
    "model_errors_own_factor": own_errors,
        "agent_hours": agent_hours,
        "requirements_vs_simulation": diff,
        "simulation_requirement_out_of_range_share": unmet,
    "delivered_in_simulation": delivered,
    "agent_factor_october_self_fit": factor_oct,
        "seconds": time.perf_counter() - t0,
    }  # fmt: skip
    (out / "results.json").write_text(json.dumps(results, indent=2, allow_nan=True))
    hourly = {
        "hour": np.arange(24),
        "calls_per_interval": np.array([np.mean(eff.offered[cmp_ & (hour == h)]) if np.any(cmp_ & (hour == h))
                                        else np.nan for h in range(24)]),
        "sl_observed": by_hour(sl.observed, w, hour),
        **{f"sl_replay_{k}": by_hour(r.service_level.simulated, w, hour) for k, r in runs.items()},
        **{f"sl_{m}_effective": by_hour(p["service_level"], w, hour) for m, p in predictions["effective"].items()},
        **{f"sl_{m}_own_factor": by_hour(predictions["effective"][m]["service_level_own_factor"], w, hour)
           for m in own_factor},
        **{f"agents_{k}": np.array([np.mean(val[cmp_ & (hour == h)]) if np.any(cmp_ & (hour == h)) else np.nan
                                    for h in range(24)]) for k, val in needs.items()},
    }  # fmt: skip
    with (out / "hourly.csv").open("w", newline="") as fh:
        wr = csv.writer(fh)
        wr.writerow(hourly)
        for i in range(24):
            wr.writerow([f"{hourly[k][i]:.4f}" if k != "hour" else i for k in hourly])
    summary = [f"agent factor (Jan-Feb): {factor:.3f}"] + [r.summary() for r in runs.values()]
    for label, me in model_errors.items():
        for m, e in me.items():
            s = e["service_level"]
            summary.append(f"{label:9s} {m:10s} SL total {s['total_predicted']:.3f} vs {s['total_observed']:.3f}  "
                           f"MAE {s['mae']:.3f} bias {s['bias']:+.3f}")  # fmt: skip
    for m, e in own_errors.items():
        summary.append(f"own factor {own_factor[m]:.3f} {m:10s} SL total {e['total_predicted']:.3f} vs "
                       f"{e['total_observed']:.3f}  MAE {e['mae']:.3f} bias {e['bias']:+.3f}")  # fmt: skip
    summary.append("agent-hours " + ", ".join(f"{k} {v:.0f}" for k, v in agent_hours.items()))
    summary.append(f"EC/EA vs sim requirement: {json.dumps(diff)}; sim out of range: {unmet:.3f}")
    summary.append("delivered in simulation: " + json.dumps(delivered))
    summary.append(f"factor fitted on October itself: {factor_oct}")
    summary.append(f"{results['seconds']:.1f} s")
    (out / "summary.txt").write_text("\n".join(summary) + "\n")
    print("\n".join(summary))
    figure(out / "figure.png", eff, runs, needs, hourly, factor, own_factor, args.quick)
    return results


def figure(path, eff, runs, needs, hourly, factor, own_factor, quick):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cxqueue.plots import line_with_band

    fig, axs = plt.subplots(2, 2, figsize=(13, 9), layout="constrained")
    hours = np.arange(24) + 0.5
    open_ = np.isfinite(hourly["sl_observed"]) & (hourly["hour"] >= 7)
    x = hours[open_]

    ax = axs[0, 0]
    ax.plot(x, hourly["sl_observed"][open_], "k-o", lw=2.5, ms=4, label="observed (log)")
    for k, lab in (("staffed", "agents on duty, all take calls"), ("busy", "ceil(busy agents)"),
                   ("effective", f"{factor:.2f} x agents on duty (factor fitted Jan-Feb)")):  # fmt: skip
        ax.plot(x, hourly[f"sl_replay_{k}"][open_], "-o", ms=3, label=f"simulated: {lab}")
    ax.set(title="(a) Replaying October: which staffing reproduces the log?", xlabel="hour of day",
           ylabel="service level (answered in 20 s / offered)", ylim=(0, 1.02))  # fmt: skip
    ax.legend(fontsize=8, loc="lower left")

    ax = axs[0, 1]
    ax.plot(x, hourly["sl_observed"][open_], "k-o", lw=2.5, ms=4, label="observed (log)")
    for m, lab in (("erlang_c", "Erlang C"), ("erlang_a", "Erlang A (fitted patience)"),
                   ("simulation", "simulation (lognormal service, patience, priorities)")):  # fmt: skip
        ax.plot(x, hourly[f"sl_{m}_effective"][open_], "-o", ms=3, label=lab)
    for m, lab, color in (("erlang_c", "Erlang C", "C0"), ("erlang_a", "Erlang A", "C1")):
        ax.plot(x, hourly[f"sl_{m}_own_factor"][open_], "--", color=color, lw=1.2,
                label=f"{lab} with its own factor ({own_factor[m]:.2f}, fitted Jan-Feb)")  # fmt: skip
    ax.set(title=f"(b) Predicted SL at the bank's effective staffing ({factor:.2f} x on duty)",
           xlabel="hour of day", ylabel="service level", ylim=(0, 1.02))  # fmt: skip
    ax.legend(fontsize=8, loc="lower left")

    ax = axs[1, 0]
    for k, lab, style in (("erlang_c", "Erlang C", "-o"), ("erlang_a", "Erlang A", "-s"),
                          ("simulation", "simulation", "-^"),
                          ("effective_observed", "bank: effective agents observed", "k--"),
                          ("staffed_observed", "bank: agents on duty observed", "k:")):  # fmt: skip
        ax.plot(x, hourly[f"agents_{k}"][open_], style, ms=4, label=lab)
    ax.set(title="(c) Agents needed for 80 % in 20 s (mean per October interval)", xlabel="hour of day",
           ylabel="agents taking calls")  # fmt: skip
    ax.legend(fontsize=8, loc="upper right")

    ax = axs[1, 1]
    day_index = np.floor(eff.interval_starts_s / 86400).astype(int)
    days = np.unique(day_index[eff.compared])
    want = (np.datetime64("1999-10-05") - eff.origin).astype(int)
    d = want if want in days else days[np.argmax([eff.offered[day_index == k].sum() for k in days])]
    m = (day_index == d) & eff.compared
    t = (eff.interval_starts_s[m] % 86400) / 3600 + eff.interval_s / 7200
    sl = eff.service_level
    line_with_band(t, sl.simulated[m], lower=np.clip(sl.simulated[m] - sl.prediction_half_width[m], 0, 1),
                   upper=np.clip(sl.simulated[m] + sl.prediction_half_width[m], 0, 1), ax=ax,
                   label="simulated mean, 95 % band of one day", marker="")  # fmt: skip
    ax.plot(t, sl.observed[m], "ko", ms=4, label="observed per quarter hour")
    date = str(eff.origin + np.timedelta64(int(d), "D"))
    ax.set(title=f"(d) One day, {date}: observed SL per interval vs the replay", xlabel="hour of day",
           ylabel="service level", ylim=(-0.02, 1.02))  # fmt: skip
    ax.legend(fontsize=8, loc="lower left")
    for a in axs.flat:
        a.grid(alpha=0.3)
        a.set_xlim(6.5, 24.5)
    fig.suptitle("Anonymous Bank 1999: models fitted on January-February, judged on October"
                 + (" (QUICK: first 7 days)" if quick else ""))  # fmt: skip
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
