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
from cxqueue.config import load_scenario  # noqa: E402
from cxqueue.data import concat_histories, estimate_forecast, fit_history, observed_kpis, read_bank_log  # noqa: E402
from cxqueue.replay.calibrate import fit_agent_factor, fit_reserve  # noqa: E402

# private helpers of the replay: the waits below come from exactly the replay's simulated calls
from cxqueue.replay.prepare import _agents, _prepare, _replication_seed  # noqa: E402
from cxqueue.replay.replay import replay_history  # noqa: E402
from cxqueue.sim.records import Outcome  # noqa: E402
from cxqueue.sim.runner import run_replication  # noqa: E402

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


def mixed(fn, agents):
    """``fn`` at fractional ``agents`` as the replay's random rounding sees them: the mix of
    ``fn(floor)`` and ``fn(floor + 1)`` weighted by the fraction (its mean over replications)."""
    agents = np.asarray(agents, dtype=float)
    lo = np.floor(agents + 1e-9)
    frac = agents - lo
    a = np.asarray(fn(lo), dtype=float)
    if not np.any(frac > 1e-9):
        return a
    b = np.asarray(fn(lo + 1), dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(frac > 1e-9, (1 - frac) * a + frac * b, a)


def replay_dict(r) -> dict:
    """Totals (with their 95 % prediction half-width and agreement) and per-interval errors of a replay."""
    return {
        "agent_factor": r.agent_factor,
        "reserve_agents": float(np.max(r.reserve_agents)) if r.reserve_threshold else 0.0,
        "reserve_threshold": r.reserve_threshold,
        **{kk: {"total_observed": c.total_observed, "total_simulated": c.total_simulated,
                "total_half_width": c.total_half_width, "total_prediction_half_width": c.total_prediction_half_width,
                "total_agrees": c.total_agrees,
                **{f"interval_{n}": getattr(c.overall, n) for n in ("mae", "bias", "rmse", "coverage", "noise_mae")}}
           for kk, c in zip(("service_level", "asa_s", "abandon_share"), r.kpis, strict=True)},
    }  # fmt: skip


def simulated_waits(history, fit, factor, reserve, reps, seed, days, interval_s, threshold_s, head) -> np.ndarray:
    """Waits (s) of the answered calls of a replay, compared intervals, all replications.

    The same simulated calls as ``replay_history(history, fit=fit, staffing="staffed",
    agent_factor=factor, reserve=reserve, seed=seed, ...)`` (same scenario, agents and seeds),
    with the call log recorded.
    """
    prep = _prepare(history, fit, "staffed", interval_s, threshold_s, days, head, "trace", reserve)
    out = []
    for i in range(reps):
        sc = prep.scenario.replace(agents=_agents(prep.base_agents, factor, "random", seed, i))
        c = run_replication(sc, seed=_replication_seed(seed, i), engine="fast", arrival_s=prep.trace,
                            record_calls=True).calls  # fmt: skip
        ok = (c["outcome"] == int(Outcome.ANSWERED)) & prep.compared[c["interval"]]
        out.append(c["wait_s"][ok])
    return np.concatenate(out)


def observed_waits(history, days, interval_s) -> np.ndarray:
    """Waits (s) of the calls the log shows answered, on the compared days (all days if None)."""
    c = history.calls
    ok = (c["outcome"] == 0) & np.isfinite(c["wait_s"])
    if days is not None:
        ok &= np.isin(c["date"], np.asarray(days, dtype="datetime64[D]"))
    return c["wait_s"][ok]


def busy_by_queue(history, interval_s: float = 900.0, min_s: float = 30.0) -> dict:
    """Do more agents answer when the queue is longer? From the log's talk and queue times:
    the time-average number of calls in talk while q callers wait, per interval, compared
    with the same interval's average at q = 1 (intervals with >= ``min_s`` seconds at both),
    so that the hour of day and the day's staffing are held fixed. With a fixed number of
    agents taking calls it would stay flat: when anyone waits, all of them are busy."""
    c = history.calls
    talk = c[c["handled"] & np.isfinite(c["answer_s"]) & np.isfinite(c["service_end_s"])]
    q = c[np.isfinite(c["queue_start_s"]) & np.isfinite(c["queue_exit_s"]) & (c["queue_exit_s"] > c["queue_start_s"])]
    t = np.concatenate([talk["answer_s"], talk["service_end_s"], q["queue_start_s"], q["queue_exit_s"]])
    d_busy = np.concatenate([np.ones(talk.size), -np.ones(talk.size), np.zeros(2 * q.size)])
    d_wait = np.concatenate([np.zeros(2 * talk.size), np.ones(q.size), -np.ones(q.size)])
    order = np.argsort(t, kind="stable")
    t, busy, wait = t[order], np.cumsum(d_busy[order])[:-1], np.cumsum(d_wait[order])[:-1]
    length, ivl = np.diff(t), (t[:-1] // interval_s).astype(np.int64)
    n = int(ivl.max()) + 1

    def per_interval(m):
        w = np.bincount(ivl[m], weights=length[m], minlength=n)
        return w, np.bincount(ivl[m], weights=(length * busy)[m], minlength=n)

    w1, b1 = per_interval(wait == 1)
    out = {}
    for lo, hi, name in ((2, 2, "2"), (3, 4, "3-4"), (5, 10**9, "5+")):
        w, b = per_interval((wait >= lo) & (wait <= hi))
        both = (w1 >= min_s) & (w >= min_s)
        out[name] = {"intervals": int(both.sum()), "busy_at_1": float(np.mean(b1[both] / w1[both])),
                     "busy": float(np.mean(b[both] / w[both])),
                     "rise": float(np.mean(b[both] / w[both] - b1[both] / w1[both]))}  # fmt: skip
    return out


def wait_stats(w: np.ndarray, qs) -> dict:
    return {
        "answered_calls": int(w.size), "mean_s": float(w.mean()), "share_waiting": float(np.mean(w > 0)),
        "share_over_20s": float(np.mean(w > 20)),
        "quantiles_s": {f"p{round(100 * q)}": float(np.quantile(w, q)) for q in qs},
    }  # fmt: skip


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

    # ---- 1. on January-February: the factor alone, and the factor with reserve agents ----------
    fc = cfg["factor"]
    fkw = dict(low=fc["low"], high=fc["high"], tol=q["factor_tol"] if q else fc["tol"],
               replications=q["replications"] if q else fc["replications"], seed=fc["seed"], **common)  # fmt: skip
    t1 = time.perf_counter()
    factor_fit = fit_agent_factor(train, fit=fit, staffing="staffed", days=fit_days, reserve=None, **fkw)
    factor = factor_fit.factor
    grid_r = q["reserve_agents"] if q else cfg["reserve"]["agents"]
    grid_k = q["thresholds"] if q else cfg["reserve"]["thresholds"]
    reserve_fit = fit_reserve(train, fit=fit, staffing="staffed", reserve_agents=grid_r, thresholds=grid_k,
                              days=fit_days, **fkw)  # fmt: skip
    reserve, factor_r = reserve_fit.reserve, reserve_fit.agent_factor
    seconds_fit = time.perf_counter() - t1
    factor_oct = None
    if not q:  # a check: the factors that October itself asks for (without, and with the fitted reserve)
        factor_oct = {
            "no_reserve": fit_agent_factor(judge, staffing="staffed", reserve=None, **fkw).factor,
            "with_fitted_reserve": fit_agent_factor(judge, staffing="staffed", reserve=reserve, **fkw).factor,
        }

    # ---- 2. replay October with each staffing measure, for both models ----------------------
    # the Jan-Feb fit (HistoryFit) and the plan's model (configs/bank.toml, fitted on October)
    os.environ.setdefault("CXQUEUE_DATA", str(root.parent))
    bank_cfg = load_scenario((HERE / dcfg["bank_config"]).resolve())
    seed = cfg["replay"]["seed"]
    rkw = dict(replications=reps, seed=seed, days=judge_days, **common)
    models = {"janfeb": fit, "bank_toml": bank_cfg}
    all_runs = {}
    for name, model in models.items():
        all_runs[name] = {
            "staffed": replay_history(judge, fit=model, staffing="staffed", reserve=None, **rkw),
            "busy": replay_history(judge, fit=model, staffing="busy", reserve=None, **rkw),
            "effective": replay_history(judge, fit=model, staffing="staffed", agent_factor=factor, reserve=None,
                                        **rkw),
            "reserve": replay_history(judge, fit=model, staffing="staffed", agent_factor=factor_r, reserve=reserve,
                                      **rkw),
        }  # fmt: skip
    runs = all_runs["janfeb"]
    eff = runs["effective"]
    sl = eff.service_level
    hour = eff.hour
    w = sl.weight
    w_asa = eff.asa_s.weight

    # ---- 2b. waits of answered calls: observed vs the replays' simulated calls --------------
    qs = cfg["waits"]["quantiles"]
    waits = {"observed": observed_waits(judge, judge_days, interval_s)}
    for name, model in models.items():
        for label, fac, res in (("effective", factor, None), ("reserve", factor_r, reserve)):
            waits[f"{name}_{label}"] = simulated_waits(judge, model, fac, res, reps, seed, judge_days, interval_s,
                                                       within, head)  # fmt: skip
    wait_table = {k: wait_stats(val, qs) for k, val in waits.items()}

    # ---- 3. the models' predictions at the bank's observed staffing ------------------------
    # the replay's agents are fractional (factor x on duty, rounded at random per interval and
    # replication); the analytic models get the same mix of floor and floor + 1
    fq = estimate_forecast(judge, interval_s=interval_s, by="date")
    idx = np.rint(eff.interval_starts_s / interval_s).astype(np.int64)
    calls, aht = fq.calls[idx], fq.aht_s[idx]
    load = calls * aht / interval_s
    patience_s = fit.patience.mean_s
    obs = {"service_level": sl.observed, "asa_s": eff.asa_s.observed, "abandon_share": eff.abandon_share.observed}

    def ec_sl(ag, load_=load, aht_=aht):
        return erlang_c.service_level(load_, ag, aht_s=aht_, answer_within_s=within)

    def ea_sl(ag, load_=load, aht_=aht):
        return erlang_a.service_level(load_, ag, aht_s=aht_, mean_patience_s=patience_s, answer_within_s=within)

    predictions = {}
    for label, agents in (("effective", eff.agents), ("staffed", runs["staffed"].agents)):
        r = runs[label]
        predictions[label] = {
            "erlang_c": {"service_level": mixed(ec_sl, agents),
                         "asa_s": mixed(lambda ag: erlang_c.average_speed_of_answer(load, ag, aht_s=aht), agents),
                         "abandon_share": np.zeros(agents.shape)},
            "erlang_a": {"service_level": mixed(ea_sl, agents),
                         "asa_s": mixed(lambda ag: erlang_a.average_speed_of_answer(
                             load, ag, aht_s=aht, mean_patience_s=patience_s), agents),
                         "abandon_share": mixed(lambda ag: erlang_a.abandon_probability(
                             load, ag, aht_s=aht, mean_patience_s=patience_s), agents)},
            "simulation": {"service_level": r.service_level.simulated, "asa_s": r.asa_s.simulated,
                           "abandon_share": r.abandon_share.simulated},
        }  # fmt: skip
    model_errors = {
        label: {m: {k: errors(p[k], obs[k], w_asa if k == "asa_s" else w) for k in obs} for m, p in preds.items()}
        for label, preds in predictions.items()
    }

    # ---- 3b. fairness: each analytic model gets its own factor, fitted on January-February ----
    def analytic_sl(model, load_, aht_, agents_):
        fn = ec_sl if model == "erlang_c" else ea_sl
        return mixed(lambda ag: fn(ag, load_, aht_), agents_)

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
            got = weighted(analytic_sl(m, t_load, ft.aht_s, mid * ot.staffed_agents)[tmask],
                           ot.offered[tmask])  # fmt: skip
            lo, hi = (mid, hi) if got < t_target else (lo, mid)
        own_factor[m] = 0.5 * (lo + hi)
        agents_m = own_factor[m] * runs["staffed"].agents
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
                           seed=rq["seed"], days=judge_days, reserve=None, **common)  # fmt: skip
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
                           seed=rq["seed"] + 1, days=judge_days, reserve=None, **common)  # fmt: skip
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
    agent_hours["reserve_run_on_duty_taking_calls"] = float(np.sum(runs["reserve"].agents[cmp_]) * interval_s / 3600)
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
    table = sorted(reserve_fit.table, key=lambda row: row["error"])
    results = {
        "quick": bool(args.quick),
        "fit": {
            "months": dcfg["fit_months"], "days": fit_days, "handle": fit.handle.to_dict(),
            "patience": fit.patience.to_dict(), "ivr": fit.ivr.to_dict(), "ivr_only_share": fit.ivr_only_share,
            "priority_shares": list(fit.priority_shares),
        },
        "agent_factor": factor_fit.to_dict(),
        "reserve_fit": {**reserve_fit.to_dict(), "grid": {"agents": list(grid_r), "thresholds": list(grid_k)},
                        "table_by_error": table},
        "bank_toml": {
            "path": str((HERE / dcfg["bank_config"]).resolve()), "handle": bank_cfg.handle.to_dict(),
            "patience": bank_cfg.patience.to_dict(), "priority_shares": list(bank_cfg.priority.shares),
            "reserve": None if bank_cfg.reserve is None else {"agents": float(bank_cfg.reserve.agents),
                                                              "queue_threshold": bank_cfg.reserve.queue_threshold},
            "validation_agent_factor": bank_cfg.validation.agent_factor,
        },
        "replays": {k: replay_dict(r) for k, r in runs.items()},
        "replays_bank_toml": {k: replay_dict(r) for k, r in all_runs["bank_toml"].items()},
        "waits_answered": wait_table,
        "busy_by_queue": {"october": busy_by_queue(judge), "jan_feb": busy_by_queue(train)},
        "n_intervals": int(cmp_.sum()), "calls": float(eff.offered[cmp_].sum()),
        "model_errors": model_errors,
        "own_factor": own_factor,
        "model_errors_own_factor": own_errors,
        "agent_hours": agent_hours,
        "requirements_vs_simulation": diff,
        "simulation_requirement_out_of_range_share": unmet,
        "delivered_in_simulation": delivered,
        "agent_factor_october_self_fit": factor_oct,
        "seconds_fit_jan_feb": seconds_fit,
        "seconds": time.perf_counter() - t0,
    }  # fmt: skip
    (out / "results.json").write_text(json.dumps(results, indent=2, allow_nan=True))
    ok_ = cmp_
    hourly = {
        "hour": np.arange(24),
        "calls_per_interval": np.array([np.mean(eff.offered[ok_ & (hour == h)]) if np.any(ok_ & (hour == h))
                                        else np.nan for h in range(24)]),
        "sl_observed": by_hour(sl.observed, w, hour),
        "asa_observed": by_hour(eff.asa_s.observed, w_asa, hour),
        "abandon_observed": by_hour(eff.abandon_share.observed, w, hour),
        **{f"sl_replay_{k}": by_hour(r.service_level.simulated, w, hour) for k, r in runs.items()},
        **{f"sl_replay_bank_toml_{k}": by_hour(r.service_level.simulated, w, hour)
           for k, r in all_runs["bank_toml"].items() if k in ("effective", "reserve")},
        **{f"asa_replay_{k}": by_hour(runs[k].asa_s.simulated, w_asa, hour) for k in ("effective", "reserve")},
        **{f"abandon_replay_{k}": by_hour(runs[k].abandon_share.simulated, w, hour) for k in ("effective", "reserve")},
        **{f"sl_{m}_effective": by_hour(p["service_level"], w, hour) for m, p in predictions["effective"].items()},
        **{f"sl_{m}_own_factor": by_hour(predictions["effective"][m]["service_level_own_factor"], w, hour)
           for m in own_factor},
        **{f"agents_{k}": np.array([np.mean(val[ok_ & (hour == h)]) if np.any(ok_ & (hour == h)) else np.nan
                                    for h in range(24)]) for k, val in needs.items()},
    }  # fmt: skip
    with (out / "hourly.csv").open("w", newline="") as fh:
        wr = csv.writer(fh)
        wr.writerow(hourly)
        for i in range(24):
            wr.writerow([f"{hourly[k][i]:.4f}" if k != "hour" else i for k in hourly])
    summary = [f"agent factor (Jan-Feb, no reserve): {factor:.3f}; fit_reserve: {reserve} with factor {factor_r:.3f} "
               f"(error {reserve_fit.error:.3f}); Jan-Feb fits took {seconds_fit:.1f} s",
               "fit_reserve grid on Jan-Feb, best first:"]  # fmt: skip
    for row in table:
        summary.append(f"  reserve {row['reserve_agents']} at {row['queue_threshold']}: "
                       f"factor {row['agent_factor']:.3f}"
                       f"  SL {row['service_level']:.3f} ({row['service_level_observed']:.3f})  ASA {row['asa_s']:.1f}"
                       f" ({row['asa_s_observed']:.1f})  ab {row['abandon']:.3f} ({row['abandon_observed']:.3f})"
                       f"  error {row['error']:.3f}")  # fmt: skip
    for name, rr in all_runs.items():
        summary.append(f"=== October replays, model: {name}")
        for r in rr.values():
            summary.append(r.summary())
            summary.append("total agrees (SL, ASA, ab): " + str([c.total_agrees for c in r.kpis]))
    for label, bq in results["busy_by_queue"].items():
        summary.append(f"calls in talk by callers waiting, same interval ({label}): "
                       + "; ".join(f"{k} waiting {x['busy']:.2f} vs {x['busy_at_1']:.2f} at 1 ({x['intervals']} "
                                   f"intervals)" for k, x in bq.items()))  # fmt: skip
    summary.append("answered waits: " + " ".join(f"p{round(100 * x)}" for x in qs) + ", P(w>0), P(w>20), mean")
    for k, st in wait_table.items():
        summary.append(f"  {k:20s} " + " ".join(f"{val:6.1f}" for val in st["quantiles_s"].values())
                       + f"  {st['share_waiting']:.3f} {st['share_over_20s']:.3f} {st['mean_s']:.1f}")  # fmt: skip
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
    figure(out / "figure.png", eff, runs, needs, hourly, waits, factor, factor_r, reserve, own_factor, args.quick)
    return results


def figure(path, eff, runs, needs, hourly, waits, factor, factor_r, reserve, own_factor, quick):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cxqueue.plots import line_with_band

    fig, axs = plt.subplots(2, 3, figsize=(19, 10), layout="constrained")
    hours = np.arange(24) + 0.5
    open_ = np.isfinite(hourly["sl_observed"]) & (hourly["hour"] >= 7)
    x = hours[open_]
    res_lab = "no reserve" if reserve is None else \
        f"{float(reserve.agents):g} reserve at {reserve.queue_threshold} waiting"  # fmt: skip

    ax = axs[0, 0]
    ax.plot(x, hourly["sl_observed"][open_], "k-o", lw=2.5, ms=4, label="observed (log)")
    for k, lab in (("staffed", "agents on duty, all take calls"), ("busy", "ceil(busy agents)"),
                   ("effective", f"{factor:.3f} x agents on duty (factor alone, Jan-Feb)"),
                   ("reserve", f"{factor_r:.3f} x on duty + {res_lab} (Jan-Feb)")):  # fmt: skip
        ax.plot(x, hourly[f"sl_replay_{k}"][open_], "-o", ms=3, label=f"simulated: {lab}")
    ax.plot(x, hourly["sl_replay_bank_toml_reserve"][open_], ":", color="C3", lw=1.5,
            label="same, configs/bank.toml model (fitted on October)")  # fmt: skip
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
    ax.set(title=f"(b) Predicted SL at the bank's effective staffing ({factor:.3f} x on duty, no reserve)",
           xlabel="hour of day", ylabel="service level", ylim=(0, 1.02))  # fmt: skip
    ax.legend(fontsize=8, loc="lower left")

    ax = axs[0, 2]
    grid = np.arange(0.0, 401.0, 2.0)
    for k, lab, style in (("observed", "observed (log)", "k-"),
                          ("janfeb_effective", f"simulated, {factor:.3f} x on duty, no reserve", "C2-"),
                          ("janfeb_reserve", f"simulated, {factor_r:.3f} x on duty + {res_lab}", "C3-"),
                          ("bank_toml_effective", "configs/bank.toml model, no reserve", "C2:"),
                          ("bank_toml_reserve", "configs/bank.toml model, with the reserve", "C3:")):  # fmt: skip
        wv = np.sort(waits[k])
        surv = 1.0 - np.searchsorted(wv, grid, side="right") / wv.size
        ax.semilogy(grid, surv, style, lw=2.5 if k == "observed" else 1.6, label=lab)
    ax.axvline(20, color="gray", lw=0.8, ls="--")
    ax.set(title="(c) Waits of answered calls, October: share waiting longer than t", xlabel="t (s)",
           ylabel="P(wait > t | answered)", ylim=(2e-3, 1))  # fmt: skip
    ax.legend(fontsize=8, loc="upper right")

    ax = axs[1, 0]
    for k, lab, style in (("erlang_c", "Erlang C", "-o"), ("erlang_a", "Erlang A", "-s"),
                          ("simulation", "simulation", "-^"),
                          ("effective_observed", "bank: effective agents observed", "k--"),
                          ("staffed_observed", "bank: agents on duty observed", "k:")):  # fmt: skip
        ax.plot(x, hourly[f"agents_{k}"][open_], style, ms=4, label=lab)
    ax.set(title="(d) Agents needed for 80 % in 20 s (mean per October interval)", xlabel="hour of day",
           ylabel="agents taking calls")  # fmt: skip
    ax.legend(fontsize=8, loc="upper right")

    ax = axs[1, 1]
    day_index = np.floor(eff.interval_starts_s / 86400).astype(int)
    days = np.unique(day_index[eff.compared])
    want = (np.datetime64("1999-10-05") - eff.origin).astype(int)
    d = want if want in days else days[np.argmax([eff.offered[day_index == k].sum() for k in days])]
    m = (day_index == d) & eff.compared
    t = (eff.interval_starts_s[m] % 86400) / 3600 + eff.interval_s / 7200
    sl = runs["reserve"].service_level
    line_with_band(t, sl.simulated[m], lower=np.clip(sl.simulated[m] - sl.prediction_half_width[m], 0, 1),
                   upper=np.clip(sl.simulated[m] + sl.prediction_half_width[m], 0, 1), ax=ax,
                   label="simulated mean (with reserve), 95 % band of one day", marker="")  # fmt: skip
    ax.plot(t, sl.observed[m], "ko", ms=4, label="observed per quarter hour")
    date = str(eff.origin + np.timedelta64(int(d), "D"))
    ax.set(title=f"(e) One day, {date}: observed SL per interval vs the replay", xlabel="hour of day",
           ylabel="service level", ylim=(-0.02, 1.02))  # fmt: skip
    ax.legend(fontsize=8, loc="lower left")

    ax = axs[1, 2]
    ax.plot(x, hourly["asa_observed"][open_], "k-o", lw=2.5, ms=4, label="ASA observed")
    ax.plot(x, hourly["asa_replay_effective"][open_], "C2-o", ms=3, label="ASA simulated, no reserve")
    ax.plot(x, hourly["asa_replay_reserve"][open_], "C3-o", ms=3, label=f"ASA simulated, {res_lab}")
    ax.set(title="(f) ASA and abandonment by hour, October (Jan-Feb model)", xlabel="hour of day",
           ylabel="ASA (s)")  # fmt: skip
    ax2 = ax.twinx()
    ax2.plot(x, 100 * hourly["abandon_observed"][open_], "k--", lw=1.5, label="abandoned observed")
    ax2.plot(x, 100 * hourly["abandon_replay_effective"][open_], "C2--", lw=1.2, label="abandoned, no reserve")
    ax2.plot(x, 100 * hourly["abandon_replay_reserve"][open_], "C3--", lw=1.2, label=f"abandoned, {res_lab}")
    ax2.set_ylabel("abandoned (% of offered), dashed")
    ax2.set_ylim(0, None)
    ax.set_ylim(0, None)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=8, loc="upper left")
    for a in axs.flat:
        a.grid(alpha=0.3)
        if a is not axs[0, 2]:
            a.set_xlim(6.5, 24.5)
    fig.suptitle("Anonymous Bank 1999: models fitted on January-February, judged on October"
                 + (" (QUICK: first 7 days)" if quick else ""))  # fmt: skip
    fig.savefig(path, dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    main()
