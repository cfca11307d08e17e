"""Estimators against independent oracles: plain-Python loops, brute force, and theory with CIs."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from cxqueue.data import (
    IntervalCounts,
    concat_histories,
    estimate_forecast,
    fit_handle_time,
    fit_history,
    fit_ivr,
    fit_patience,
    kaplan_meier,
    lines_in_use,
    observed_kpis,
    read_call_csv,
    redial_share,
)
from cxqueue.exceptions import ConfigError
from cxqueue.units import DAY


def synthetic_history(tmp_path, *, seed=1, days=14, n=3000, origin="2024-03-04", patience_s=300.0):
    """Random calls over `days` days: arrival, answer (or not), end, agent, customer id.

    Calls arrive uniformly between 08:00 and 20:00; the offered wait is exponential
    (mean 60 s), patience exponential; served calls talk a lognormal time.
    """
    rng = np.random.default_rng(seed)
    day = rng.integers(0, days, n)
    arrival = day * DAY + rng.uniform(8 * 3600, 20 * 3600, n)
    offered_wait = rng.exponential(60.0, n)
    patience = rng.exponential(patience_s, n)
    served = offered_wait <= patience
    wait = np.minimum(offered_wait, patience)
    talk = np.round(rng.lognormal(5.0, 0.8, n))
    agent = rng.integers(0, 6, n)
    cust = np.where(rng.random(n) < 0.5, rng.integers(1, 200, n), 0)
    lines = ["arrival,answer,end,agent,customer_id"]
    for i in range(n):
        a = round(arrival[i], 1)
        if served[i]:
            q = round(a + wait[i], 1)
            lines.append(f"{a},{q},{q + talk[i]},A{agent[i]},{cust[i]}")
        else:
            lines.append(f"{a},,{round(a + wait[i], 1)},,{cust[i]}")
    p = tmp_path / f"synthetic{seed}.csv"
    p.write_text("\n".join(lines) + "\n")
    return read_call_csv(p, origin=origin)


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    return synthetic_history(tmp_path_factory.mktemp("synth"))


# ---------------------------------------------------------------- forecast
def test_forecast_by_weekday_matches_loops(synth):
    f = estimate_forecast(synth, min_calls=15)
    c = synth.calls
    days_by_wd = {}
    for d in {int(a // DAY) for a in c["arrival_s"]}:
        days_by_wd.setdefault(d % 7, set()).add(d)  # origin is a Monday
    counts, talk = {}, {}
    for r in c:
        d = int(r["arrival_s"] // DAY)
        b = (d % 7) * 96 + int((r["arrival_s"] - d * DAY) // 900)
        counts[b] = counts.get(b, 0) + 1
        if r["handled"]:
            talk.setdefault(b, []).append(r["service_s"])
    all_talk = [x for v in talk.values() for x in v]
    for b in range(672):
        nd = len(days_by_wd.get(b // 96, ()))
        assert f.calls[b] == pytest.approx(counts.get(b, 0) / nd if nd else 0.0, rel=1e-12)
        if len(talk.get(b, [])) >= 15:
            assert f.aht_s[b] == pytest.approx(np.mean(talk[b]), rel=1e-12)
        else:  # fallback: same slot pooled over weekdays (enough calls) or the overall mean
            pooled = [x for bb, v in talk.items() if bb % 96 == b % 96 for x in v]
            want = np.mean(pooled) if len(pooled) >= 15 else np.mean(all_talk)
            assert f.aht_s[b] == pytest.approx(want, rel=1e-12)
    assert f.start_s == 0.0 and f.interval_s == 900.0
    assert float(f.calls[: 8 * 4].sum()) == 0.0  # nothing before 08:00 on Monday


def test_forecast_by_date_keeps_the_timeline(tmp_path):
    h = synthetic_history(tmp_path, days=3, n=400, origin="2024-03-06")  # a Wednesday
    f = estimate_forecast(h, by="date", interval_s=3600)
    assert f.start_s == 2 * DAY and f.n_intervals == 3 * 24
    k = np.floor(h.calls["arrival_s"] / 3600).astype(int)
    assert f.calls.tolist() == np.bincount(k, minlength=72).astype(float).tolist()


def test_forecast_from_interval_counts():
    start = np.array(["2024-03-04T09:00", "2024-03-04T09:05", "2024-03-04T09:10", "2024-03-04T09:15",
                      "2024-03-11T09:00", "2024-03-05T09:00"], dtype="datetime64[s]")  # fmt: skip
    ic = IntervalCounts(start, [1, 2, 3, 4, 5, 6], [100, 200, 300, 400, np.nan, 100], 300.0)
    f = estimate_forecast(ic, min_calls=1)
    # Monday 09:00-09:15 holds 1 + 2 + 3 on the 4th and 5 on the 11th: mean over 2 Mondays
    assert f.calls[36] == 5.5 and f.calls[37] == 2.0 and f.calls[96 + 36] == 6.0
    assert f.aht_s[36] == pytest.approx((100 + 400 + 900) / 6)  # call-weighted; NaN AHT left out
    assert f.calls.sum() == pytest.approx(5.5 + 2 + 6)
    g = estimate_forecast(IntervalCounts(start, [1] * 6, [np.nan] * 6, 300.0), aht_s=240)
    assert np.all(g.aht_s == 240)


def test_forecast_errors(synth):
    with pytest.raises(ConfigError, match=re.escape("history must be a CallHistory or IntervalCounts")):
        estimate_forecast([1, 2, 3])
    with pytest.raises(ConfigError, match=re.escape("interval_s must divide a day (86400 s) evenly; got 7000")):
        estimate_forecast(synth, interval_s=7000)
    with pytest.raises(ConfigError, match=re.escape("interval_s must be > 0; got -1.0")):
        estimate_forecast(synth, interval_s=-1)
    with pytest.raises(ConfigError, match=re.escape("by must be one of 'weekday', 'date'; got 'month'")):
        estimate_forecast(synth, by="month")
    with pytest.raises(ConfigError, match=re.escape("min_calls must be >= 1; got 0")):
        estimate_forecast(synth, min_calls=0)
    with pytest.raises(ConfigError, match=re.escape("history must hold at least one call; got none")):
        estimate_forecast(synth.select(np.zeros(synth.n_calls, bool)))
    ic = IntervalCounts(np.array(["2024-03-04T09:00"], dtype="datetime64[s]"), [1.0], [np.nan], 300.0)
    with pytest.raises(ConfigError, match=re.escape("history has no AHT column; pass aht_s=<mean handle time")):
        estimate_forecast(ic)
    with pytest.raises(ConfigError, match=re.escape("interval_s must be a multiple of the file's interval (300 s)")):
        estimate_forecast(ic, interval_s=450, aht_s=100)


# ---------------------------------------------------------------- observed KPIs
def test_observed_kpis_match_loops(synth):
    k = observed_kpis(synth, by="date", interval_s=3600, answer_within_s=30)
    c = synth.calls
    n = k.n_intervals
    off, within, wsum, wn, ab = (np.zeros(n) for _ in range(5))
    busy = np.zeros(n)
    agents = [set() for _ in range(n)]
    for r in c:
        b = int(r["arrival_s"] // 3600)
        off[b] += 1
        if r["outcome"] == 0:
            within[b] += r["wait_s"] <= 30
            wsum[b] += r["wait_s"]
            wn[b] += 1
        else:
            ab[b] += 1
        if r["handled"]:
            s0, s1 = r["answer_s"], r["service_end_s"]
            for j in range(int(s0 // 3600), int(s1 // 3600) + 1):
                if j < n:
                    overlap = min(s1, (j + 1) * 3600) - max(s0, j * 3600)
                    if overlap > 0:
                        busy[j] += overlap
                        agents[j].add(int(r["server"]))
    with np.errstate(invalid="ignore", divide="ignore"):
        np.testing.assert_allclose(k.service_level, within / off, rtol=1e-12)
        np.testing.assert_allclose(k.asa_s, wsum / wn, rtol=1e-12)
        np.testing.assert_allclose(k.abandon_share, ab / off, rtol=1e-12)
    np.testing.assert_allclose(k.busy_agents, busy / 3600, rtol=1e-9, atol=1e-12)
    assert k.agents.tolist() == [float(len(a)) for a in agents]
    assert k.offered.tolist() == off.tolist()
    # staffed: per agent, calls chained while the idle gap is at most 1800 s form one stretch
    # on duty; an agent counts in every hour a stretch touches
    staffed = [set() for _ in range(n)]
    by_agent = {}
    for r in c[c["handled"]]:
        by_agent.setdefault(int(r["server"]), []).append((r["answer_s"], r["service_end_s"]))
    for agent, spans in by_agent.items():
        spans.sort()
        lo, hi = spans[0]
        for a, b in [*spans[1:], (math.inf, math.inf)]:
            if a - hi > 1800:
                for j in range(int(lo // 3600), int((hi - 1e-9) // 3600) + 1):
                    if j < n:
                        staffed[j].add(agent)
                lo, hi = a, b
            else:
                hi = max(hi, b)
    assert k.staffed_agents.tolist() == [float(len(a)) for a in staffed]
    assert np.all(k.staffed_agents >= k.agents)


def test_observed_kpis_by_weekday_average_days(synth):
    d = observed_kpis(synth, by="date")
    w = observed_kpis(synth, by="weekday")
    # 14 days from a Monday: each weekday seen twice; weekday means = (week 1 + week 2) / 2
    both = d.offered.reshape(2, 672)
    np.testing.assert_allclose(w.offered, both.sum(0) / 2)
    np.testing.assert_allclose(w.agents, d.agents.reshape(2, 672).sum(0) / 2)
    assert np.all(w.days == 2)


def test_observed_kpis_errors(synth):
    ic = IntervalCounts(np.array(["2024-03-04T09:00"], dtype="datetime64[s]"), [1.0], [np.nan], 300.0)
    with pytest.raises(ConfigError, match=re.escape("history must be a CallHistory for observed KPIs")):
        observed_kpis(ic)
    with pytest.raises(ConfigError, match=re.escape("answer_within_s must be >= 0; got -1.0")):
        observed_kpis(synth, answer_within_s=-1)
    with pytest.raises(ConfigError, match=re.escape("max_idle_s must be > 0; got 0.0")):
        observed_kpis(synth, max_idle_s=0)


# ---------------------------------------------------------------- handle time
def _history_with_talk(tmp_path, talk):
    p = tmp_path / "talk.csv"
    p.write_text("arrival,answer,end\n" + "".join(f"{i},{i},{i + t}\n" for i, t in enumerate(talk)))
    return read_call_csv(p)


def test_handle_time_lognormal_recovered(tmp_path):
    rng = np.random.default_rng(7)
    talk = rng.lognormal(5.0, 0.9, 4000)
    f = fit_handle_time(_history_with_talk(tmp_path, np.round(talk, 3)))
    # MLE of mu and sigma: standard errors 0.9/sqrt(n) and 0.9/sqrt(2n); 5 SE bounds
    assert abs(f.mu - 5.0) < 5 * 0.9 / math.sqrt(4000)
    assert abs(f.sigma - 0.9) < 5 * 0.9 / math.sqrt(8000)
    assert f.preferred.startswith("lognormal") and f.aic_lognormal < f.aic_exponential
    assert f.ks_lognormal < f.ks_exponential
    assert f.distribution.kind == "lognormal"
    # log-likelihoods against scipy directly
    from scipy import stats

    x = np.round(talk, 3)
    assert f.loglik_lognormal == pytest.approx(np.sum(stats.lognorm.logpdf(x, f.sigma, 0, math.exp(f.mu))), rel=1e-9)
    assert f.loglik_exponential == pytest.approx(np.sum(stats.expon.logpdf(x, 0, x.mean())), rel=1e-9)


def test_handle_time_exponential_preferred_for_exponential_data(tmp_path):
    rng = np.random.default_rng(8)
    f = fit_handle_time(_history_with_talk(tmp_path, np.round(rng.exponential(180.0, 4000), 3)))
    assert f.preferred == "exponential" and f.aic_exponential < f.aic_lognormal
    assert f.distribution.kind == "exponential"
    assert abs(f.mean_s - 180.0) < 5 * 180.0 / math.sqrt(4000)


def test_handle_time_errors(tmp_path):
    with pytest.raises(ConfigError, match=re.escape("history must be a CallHistory (call-level data")):
        fit_handle_time("x.csv")
    with pytest.raises(
        ConfigError, match=re.escape("history must hold at least 2 handled calls with a talk time > 0; got 1")
    ):
        fit_handle_time(_history_with_talk(tmp_path, [100]))


# ---------------------------------------------------------------- patience
def test_patience_mle_recovers_exponential(tmp_path):
    h = synthetic_history(tmp_path, seed=3, n=6000, patience_s=300.0)
    p = fit_patience(h)
    # the MLE is consistent under censoring; its SE is mean / sqrt(abandonments)
    assert abs(p.mean_patience_s - 300.0) < 4 * p.stderr_s
    assert p.total_wait_s == pytest.approx(np.nansum(h.calls["wait_s"]))
    assert p.mean_patience_s == pytest.approx(p.total_wait_s / p.n_abandoned)
    # Kaplan-Meier at 150 s against the exponential survival exp(-150/300) (~3 SE band)
    s150 = float(p.survival_at(150.0))
    assert abs(s150 - math.exp(-0.5)) < 0.05
    assert float(p.survival_at(0.0)) <= 1.0 and float(p.survival_at(-1.0)) == 1.0


def test_kaplan_meier_against_brute_force():
    rng = np.random.default_rng(11)
    t = np.round(rng.exponential(50, 300))
    e = rng.random(300) < 0.4
    times, surv, at_risk, d = kaplan_meier(t, e)
    s = 1.0
    for i, u in enumerate(sorted({x for x, ev in zip(t, e, strict=True) if ev})):
        n_risk = sum(1 for x in t if x >= u)
        n_ev = sum(1 for x, ev in zip(t, e, strict=True) if ev and x == u)
        s *= 1 - n_ev / n_risk
        assert (times[i], at_risk[i], d[i]) == (u, n_risk, n_ev)
        assert surv[i] == pytest.approx(s, rel=1e-12)
    with pytest.raises(ConfigError, match=re.escape("times and events must have the same shape; got (2,) and (1,)")):
        kaplan_meier([1, 2], [True])


def test_patience_without_abandonment_and_errors(tmp_path):
    h = _history_with_talk(tmp_path, [10, 20])
    p = fit_patience(h)
    assert p.mean_patience_s == math.inf and p.distribution.kind == "none"
    ivr_only = tmp_path / "ivr.csv"
    ivr_only.write_text("arrival,end,outcome\n0,5,ivr\n")
    with pytest.raises(ConfigError, match=re.escape("history must hold at least one served or abandoned call")):
        fit_patience(read_call_csv(ivr_only))


# ---------------------------------------------------------------- redials and lines
def test_redial_share_against_brute_force(tmp_path):
    h = synthetic_history(tmp_path, seed=4, days=2, n=800)
    r = redial_share(h, window_s=1800)
    c = [x for x in h.calls if x["customer"] != -1]  # the call log marks an unidentified caller -1
    again, after_ab, n_ab = 0, 0, 0
    for x in c:
        nxt = [y["arrival_s"] for y in c if y["customer"] == x["customer"] and
               (y["arrival_s"], y["row"]) > (x["arrival_s"], x["row"])]  # fmt: skip
        hit = bool(nxt) and max(min(nxt) - x["end_s"], 0.0) <= 1800
        again += hit
        if x["outcome"] == 1:
            n_ab += 1
            after_ab += hit
    assert r.n_identified == len(c)
    assert r.share == pytest.approx(again / len(c), rel=1e-12)
    assert r.share_after_abandoned == pytest.approx(after_ab / n_ab, rel=1e-12)
    assert 0 < r.share < 1 and r.n_abandoned > 0
    with pytest.raises(ConfigError, match=re.escape("window_s must be > 0; got 0.0")):
        redial_share(h, window_s=0)


def test_lines_in_use_against_brute_force(tmp_path):
    h = synthetic_history(tmp_path, seed=5, days=1, n=300)
    u = lines_in_use(h, interval_s=1800)
    c = h.calls
    s, e = c["arrival_s"], c["end_s"]
    probe = np.sort(np.concatenate((s, e)))
    mids = (probe[:-1] + probe[1:]) / 2
    level = np.array([np.sum((s <= m) & (e > m)) for m in mids])
    assert u.max_lines == level.max()
    assert u.seconds_at.sum() == pytest.approx(probe[-1] - probe[0])
    # time average per interval = sum of each call's overlap with the interval / interval
    for j in range(u.interval_mean.size):
        lo, hi = j * 1800.0, (j + 1) * 1800.0
        overlap = np.clip(np.minimum(e, hi) - np.maximum(s, lo), 0, None).sum()
        assert u.interval_mean[j] == pytest.approx(overlap / 1800.0, abs=1e-9)
        inside = (mids >= lo) & (mids < hi)
        if inside.any():
            assert u.interval_max[j] >= level[inside].max()
    assert int(u.quantile(1.0)) == u.max_lines and int(u.quantile(0.0)) == 0
    assert u.share_of_time_above(u.max_lines) == 0.0
    with pytest.raises(ConfigError, match=re.escape("until must be one of 'end', 'ivr'; got 'queue'")):
        lines_in_use(h, until="queue")
    with pytest.raises(ConfigError, match=re.escape("q must be a fraction in [0, 1]; got 95.0 (pass 0.95 for 95%)")):
        u.quantile(95)


def test_ivr_fit_without_ivr(synth):
    f = fit_ivr(synth)
    assert f.n == 0 and f.distribution.kind == "none" and f.ivr_only_share == 0.0


# ---------------------------------------------------------------- the real bank
def test_bank_history_fit(bank_logs):
    h = concat_histories([bank_logs["january"], bank_logs["february"]])
    assert h.n_calls == bank_logs["january"].n_calls + bank_logs["february"].n_calls
    fit = fit_history(h)
    f, o = fit.forecast, fit.observed
    # mean calls x observed days per weekday add back up to every offered call
    assert float(np.sum(f.calls * o.days)) == pytest.approx(float(h.offered.sum()), rel=1e-12)
    assert fit.n_days == 57  # 29 January dates (two missing) + 28 February dates
    assert np.bincount(h.calls["weekday"][np.unique(h.calls["date"], return_index=True)[1]], minlength=7).sum() == 57
    # ../shared/reference/empirical_callcenter.csv AB_capacity: 8 agent positions, 1 supervisor
    # and 5 internet positions -> never more than 14 distinct agents serve in a quarter hour
    by_date = observed_kpis(h, by="date")
    assert 10 <= by_date.agents.max() <= by_date.staffed_agents.max() <= 14
    assert np.all(o.busy_agents <= o.agents + 1e-9)
    # the center is closed Friday afternoon and Saturday daytime (SOURCE.md)
    friday_pm = slice(4 * 96 + 15 * 4, 4 * 96 + 19 * 4)
    saturday_day = slice(5 * 96 + 8 * 4, 5 * 96 + 18 * 4)
    assert f.calls[friday_pm].sum() < 0.05 * f.calls[4 * 96 + 8 * 4 : 4 * 96 + 12 * 4].sum()
    assert f.calls[saturday_day].sum() < 1.0
    # priorities: shares of offered calls by the log's priority value, counted directly
    pri = h.calls["priority"][h.offered]
    assert fit.priority_levels == (0, 1, 2)
    assert fit.priority_shares == pytest.approx([np.mean(pri == k) for k in (0, 1, 2)], rel=1e-12)
    assert fit.ivr_only_share == pytest.approx(h.outcome_counts()["ivr_only"] / h.n_calls, rel=1e-12)
    assert 5 < fit.ivr.mean_s < 15  # SOURCE: IVR stays of 5-14 s for most calls
    assert fit.abandon_share == pytest.approx((3101 + 3963) / (27060 + 3101 + 27162 + 3963), rel=1e-9)
    assert fit.lines.max_lines >= 14
