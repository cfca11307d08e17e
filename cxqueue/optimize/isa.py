"""Time-varying staffing: the infinite-server offered load and the iterative staffing algorithm.

Two tools for loads that change fast relative to handle times:

* `infinite_server_load`: the offered load of the M_t/G/inf system,
  ``m(t) = E[arrivals in (t - S, t)] = int lambda(u) P(S > t - u) du`` (Eick, Massey &
  Whitt 1993), averaged over each interval. It is the load that the system actually
  carries, lagged behind the arrival rate; Lag-SIPP (Green, Kolesar & Soares 2001)
  staffs each interval for it. With a rate constant inside each interval the integral
  is exact: a cohort arriving at rate ``lambda_k`` over ``[a_k, b_k)`` contributes
  ``lambda_k (G_k(t - a_k) - G_k(t - b_k))`` with ``G_k(x) = E[min(S_k, x)]``, and its
  interval averages follow in closed form from ``H_k(x) = int_0^x G_k``.
* `iterative_staffing`: the iterative staffing algorithm (ISA) of Feldman, Mandelbaum,
  Massey & Whitt (2008). Simulate with staffing ``s_i(t)``, estimate the distribution of
  the number in system ``N_i(t)`` (waiting plus in service; its time average over each
  interval, from the call log, over replications), and set ``s_{i+1}(t) = min{s :
  P(N_i(t) >= s) <= alpha}``; stop when the staffing stops changing. Every iteration
  uses the same replications (common random numbers), so the map from staffing to
  staffing is deterministic: it settles, enters a cycle (reported; each interval keeps
  the largest staffing of the cycle) or reaches ``max_iter`` (reported). With
  ``rounding="nearest"`` an interval takes one agent fewer where that brings the
  service level closer to the target (time-stable performance centred on alpha rather
  than just below it).

Targets other than the delay probability. A caller who arrives at time t and finds
``n >= s`` callers in the system waits behind ``j = n - s`` others; with exponential
service (rate mu per agent) and patience (rate theta), the queue ahead shrinks at rate
``s mu + i theta`` with ``i`` callers ahead, so the wait is ``V_j = sum_{i=0..j}
Exp(s mu + i theta)``: ``P(V_j > tau) = P(NB(a, e^{-theta tau}) <= j)`` with
``a = s mu / theta`` (the births of a Yule process), the caller is answered with
probability ``a / (a + j + 1)``, answered within ``tau`` with probability
``a / (a + j + 1) P(NB(a + 1, e^{-theta tau}) > j)`` and ``E[V_j; answered] =
a / (a + j + 1) (psi(a + j + 2) - psi(a + 1)) / theta`` (theta -> 0: Poisson and
Gamma limits). Averaging these over the simulated ``N_i(t)`` gives every per-interval
KPI as a function of ``s``; ISA picks the smallest ``s`` meeting all the targets. With
``answer_within_s = 0`` on the offered basis this is exactly ``P(N_i(t) >= s) <= alpha``
with ``alpha = 1 - level``. With non-exponential service or patience the conditional
formulas are an approximation (the simulation itself stays exact).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from cxqueue import _rng
from cxqueue.scenario import Distribution, Forecast, Scenario, ServiceTarget
from cxqueue.sim import Outcome, sample_callers
from cxqueue.sim.fast import run_fast

__all__ = ["IsaResult", "infinite_server_load", "iterative_staffing"]

_ADMITTED = (int(Outcome.ANSWERED), int(Outcome.ABANDONED), int(Outcome.BACKLOG))


# --------------------------------------------------------------------------------------
# the infinite-server offered load
# --------------------------------------------------------------------------------------
def _unit_twice_integrated_survival(handle: Distribution):
    """(H1, q): ``H1(y) = int_0^y E[min(S1, z)] dz`` for the unit-mean shape S1 of ``handle``
    (0 for y <= 0), and a y beyond which ``H1`` is linear to 1e-12."""
    kind = handle.kind
    if kind == "exponential":
        return (lambda y: np.where(y > 0, y + np.expm1(-np.maximum(y, 0.0)), 0.0)), 30.0
    if kind == "deterministic":
        return (lambda y: np.where(y <= 0, 0.0, np.where(y < 1.0, 0.5 * y * y, y - 0.5))), 1.0
    if kind == "lognormal":
        mu, sigma = handle.lognormal_params(1.0)

        def h_logn(y):
            yp = np.maximum(y, 1e-300)
            ly = np.log(yp)
            m1 = special.ndtr((ly - mu - sigma**2) / sigma)  # E[S; S < y]
            m2 = math.exp(2 * mu + 2 * sigma**2) * special.ndtr((ly - mu - 2 * sigma**2) / sigma)  # E[S^2; S < y]
            tail = special.ndtr(-(ly - mu) / sigma)  # P(S >= y)
            return np.where(y > 0, yp * m1 - 0.5 * m2 + 0.5 * yp * yp * tail, 0.0)

        return h_logn, float(math.exp(mu + 7.5 * sigma))
    s = np.sort(handle.samples_s / handle.mean_s) if handle.mean_s > 0 else np.zeros(1)
    c1 = np.concatenate(([0.0], np.cumsum(s)))
    c2 = np.concatenate(([0.0], np.cumsum(s * s)))

    def h_emp(y):
        yp = np.maximum(y, 0.0)
        k = np.searchsorted(s, yp, side="left")  # samples below y
        return (yp * c1[k] - 0.5 * c2[k] + 0.5 * yp * yp * (s.size - k)) / s.size

    return h_emp, float(s[-1]) if s.size else 0.0


def infinite_server_load(forecast: Forecast, *, handle: Distribution | None = None) -> np.ndarray:
    """Offered load of the M_t/G/inf system, averaged over each interval, in Erlangs.

    ``m(t) = int_{-inf}^t lambda(u) P(S > t - u) du`` with the arrival rate constant
    inside each interval (``calls / interval_s``, none before the first interval) and
    handle times of the interval of arrival with mean ``aht_s`` and the shape of
    ``handle``. The interval averages are exact: with ``H(x) = int_0^x E[min(S, y)] dy``
    a cohort ``k`` adds ``lambda_k (H(t_{j+1} - a_k) - H(t_j - a_k) - H(t_{j+1} - b_k) +
    H(t_j - b_k)) / interval_s`` to interval ``j``. A stationary interval far from any
    change gives back ``calls * aht_s / interval_s``.

    Parameters
    ----------
    forecast : cxqueue.scenario.Forecast
        Calls and AHT (seconds) per interval.
    handle : cxqueue.scenario.Distribution, optional
        Shape of the handle time: exponential (default), lognormal, deterministic or
        empirical; its mean is rescaled to each interval's ``aht_s``.

    Returns
    -------
    ndarray of float64, one value per interval.

    Examples
    --------
    >>> f = Forecast(calls=[0.0, 60.0, 60.0, 60.0, 0.0], aht_s=300.0, interval_s=300.0)
    >>> np.round(infinite_server_load(f), 3).tolist()  # builds up, then drains
    [0.0, 22.073, 46.047, 54.867, 36.039]
    """
    handle = Distribution.exponential(1.0) if handle is None else handle
    h1, q = _unit_twice_integrated_survival(handle)
    n = forecast.n_intervals
    dt = forecast.interval_s
    if n == 0:
        return np.zeros(0)
    lam = forecast.calls / dt
    h = forecast.aht_s
    window = int(min(n, math.ceil(float(h.max()) * q / dt) + 2))
    m = np.zeros(n)
    for lag in range(window):
        k = slice(0, n - lag)  # cohort k feeds interval k + lag
        hk = h[k]
        second_diff = h1((lag + 1) * dt / hk) - 2.0 * h1(lag * dt / hk) + h1((lag - 1) * dt / hk)
        m[lag:] += lam[k] * hk * hk * second_diff / dt
    # the second differences cancel to a few ulps after a busy stretch ends: no negative load
    return np.maximum(m, 0.0)


# --------------------------------------------------------------------------------------
# conditional KPIs of a caller who finds n in the system with s agents
# --------------------------------------------------------------------------------------
def _conditional(n, s, mu, theta, tau, lines):
    """Per-arrival probabilities for callers finding ``n`` in system with ``s`` agents.

    Arrays broadcast: n (.., M) integer values, s/mu (.., 1). Returns (admitted,
    answered, within, virtual_within, wait_answered_s) as expectations per arrival."""
    n = np.asarray(n, dtype=np.float64)
    s = np.asarray(s, dtype=np.float64)
    j = n - s
    wait = j >= 0
    admitted = n < lines
    jj = np.maximum(j, 0.0)
    smu = s * mu
    if theta > 0:
        a = smu / theta
        p_ans = np.where(wait, a / (a + jj + 1.0), 1.0)
        if tau > 0:
            q = -math.expm1(-theta * tau)  # 1 - p
            # P(NB(r, p) > j) = I_{1-p}(j + 1, r)
            v_in = special.betainc(jj + 1.0, np.maximum(a, 1e-300), q)
            a_in = p_ans * special.betainc(jj + 1.0, a + 1.0, q)
        else:
            v_in = np.zeros_like(jj)
            a_in = np.zeros_like(jj)
        w_ans = p_ans * (special.digamma(a + jj + 2.0) - special.digamma(a + 1.0)) / theta
    else:
        p_ans = np.ones_like(jj)
        # V_j ~ Gamma(j + 1, s mu): P(V_j <= tau) = P(Poisson(s mu tau) >= j + 1)
        v_in = special.pdtrc(jj, smu * tau) if tau > 0 else np.zeros_like(jj)
        a_in = v_in
        with np.errstate(divide="ignore", invalid="ignore"):
            w_ans = np.where(smu > 0, (jj + 1.0) / np.where(smu > 0, smu, 1.0), np.inf)
    one = ~wait
    p_ans = np.where(one, 1.0, p_ans)
    v_in = np.where(one, 1.0, v_in)
    a_in = np.where(one, 1.0, a_in)
    w_ans = np.where(one, 0.0, w_ans)
    adm = admitted.astype(np.float64)
    return adm, adm * p_ans, adm * a_in, adm * v_in, adm * w_ans


def _kpis_given_n(hist, s, mu, theta, target: ServiceTarget, lines):
    """(service level on the target's basis, ASA s, abandonment) per interval with staffing ``s``,
    averaging the conditional KPIs over the histograms of N."""
    values = np.arange(hist.shape[1], dtype=np.float64)[None, :]
    w = hist / np.maximum(hist.sum(axis=1, keepdims=True), 1)
    adm, ans, within, vin, wans = (
        (w * x).sum(axis=1) for x in _conditional(values, s[:, None], mu[:, None], theta, target.answer_within_s, lines)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        if target.basis == "offered":
            sl = within
        elif target.basis == "answered":
            sl = np.where(ans > 0, within / ans, 0.0)
        else:
            sl = np.where(adm > 0, vin / adm, 1.0)
        asa = np.where(ans > 0, wans / ans, np.inf)
        abandon = np.where(adm > 0, (adm - ans) / adm, 0.0)
    return sl, asa, abandon


def _meets(hist, s, mu, theta, target: ServiceTarget, lines):
    """Whether staffing ``s`` (per interval) meets every target given the histograms of N."""
    sl, asa, abandon = _kpis_given_n(hist, s, mu, theta, target, lines)
    ok = sl >= target.level - 1e-12
    if target.max_asa_s is not None:
        ok &= asa <= target.max_asa_s
    if target.max_abandon is not None and theta > 0:
        ok &= abandon <= target.max_abandon
    return ok


def _next_staffing(hist, mu, theta, target: ServiceTarget, lines, rounding="up") -> np.ndarray:
    """Smallest s per interval that meets the targets (bisection; monotone in s).

    ``rounding="nearest"``: for the service-level part, one agent fewer where that brings
    the service level closer to ``level`` (the caps still hold)."""
    if rounding == "nearest":
        sl_only = dataclasses.replace(target, max_asa_s=None, max_abandon=None)
        up = _next_staffing(hist, mu, theta, sl_only, lines)
        down = np.maximum(up - 1, 0)
        sl_up = _kpis_given_n(hist, up.astype(np.float64), mu, theta, sl_only, lines)[0]
        sl_down = _kpis_given_n(hist, down.astype(np.float64), mu, theta, sl_only, lines)[0]
        near = np.where((up > 0) & (target.level - sl_down < sl_up - target.level), down, up)
        if target.max_asa_s is None and (target.max_abandon is None or theta == 0):
            return near
        caps = dataclasses.replace(target, level=0.0)
        return np.maximum(near, _next_staffing(hist, mu, theta, caps, lines))
    top = hist.shape[1]  # with s >= max(N) + 1 nobody waits
    hi = np.full(hist.shape[0], top, dtype=np.int64)
    if math.isfinite(lines):
        hi = np.minimum(hi, int(lines))
    lo = np.zeros_like(hi)
    if (
        target.answer_within_s == 0
        and target.basis == "offered"
        and target.max_asa_s is None
        and (target.max_abandon is None or theta == 0)
        and not math.isfinite(lines)
    ):
        # Feldman et al.: s = min{s : P(N >= s) <= alpha}, read off the histogram
        tail = np.cumsum(hist[:, ::-1], axis=1)[:, ::-1] / np.maximum(hist.sum(axis=1, keepdims=True), 1)
        alpha = 1.0 - target.level
        ok = tail <= alpha + 1e-12
        ok = np.concatenate([ok, np.ones((hist.shape[0], 1), dtype=bool)], axis=1)
        return np.argmax(ok, axis=1).astype(np.int64)
    active = lo < hi
    while active.any():
        mid = (lo + hi) // 2
        idx = np.flatnonzero(active)
        good = _meets(hist[idx], mid[idx].astype(np.float64), mu[idx], theta, target, lines)
        hi[idx[good]] = mid[idx[good]]
        lo[idx[~good]] = mid[idx[~good]] + 1
        active = lo < hi
    return hi


def _binding(hist, mu, theta, target: ServiceTarget, lines, agents) -> np.ndarray:
    """Name of the target that sets each interval's staffing (the largest single-target minimum)."""
    parts = {"service_level": dataclasses.replace(target, max_asa_s=None, max_abandon=None)}
    if target.max_asa_s is not None:
        parts["asa"] = dataclasses.replace(target, level=0.0, max_abandon=None)
    if target.max_abandon is not None and theta > 0:
        parts["abandon"] = dataclasses.replace(target, level=0.0, max_asa_s=None)
    names = list(parts)
    need = np.stack([_next_staffing(hist, mu, theta, t, lines) for t in parts.values()])
    out = np.asarray(names, dtype=object)[np.argmax(need, axis=0)]
    out[agents == 0] = "none"
    return out.astype(str)


def _number_in_system(calls: np.ndarray, replications: int, times_s: np.ndarray) -> np.ndarray:
    """N(t) at ``times_s`` in each replication from the call log; shape (replications, times).

    A call is in the system from its arrival to its end if it got a line (answered,
    abandoned, or still waiting at the horizon)."""
    adm = calls[np.isin(calls["outcome"], _ADMITTED)]
    out = np.empty((replications, times_s.size), dtype=np.int64)
    rep = adm["replication"]
    order = np.argsort(rep, kind="stable")
    bounds = np.searchsorted(rep[order], np.arange(replications + 1))
    for r in range(replications):
        sel = adm[order[bounds[r] : bounds[r + 1]]]
        arr = np.sort(sel["arrival_s"])
        end = np.sort(np.where(np.isnan(sel["end_s"]), np.inf, sel["end_s"]))
        out[r] = np.searchsorted(arr, times_s, side="right") - np.searchsorted(end, times_s, side="right")
    return out


def _call_log(scenario: Scenario, callers: list) -> np.ndarray:
    """The call log of every replication (fast engine) for pre-sampled callers."""
    logs = []
    for i, c in enumerate(callers):
        out = run_fast(scenario, c, record=True)
        out.calls["replication"] = i
        logs.append(out.calls)
    return np.concatenate(logs)


def _time_histograms(calls: np.ndarray, replications: int, forecast: Forecast) -> np.ndarray:
    """Time spent at each N per interval, summed over replications; shape (intervals, max N + 2).

    Row ``k`` divided by its sum is the time-average distribution of N over interval ``k``,
    which arrivals (uniform inside an interval) see."""
    n, dt, t0 = forecast.n_intervals, forecast.interval_s, forecast.start_s
    horizon = n * dt
    span = horizon + 1.0  # replications laid end to end, one second apart
    adm = calls[np.isin(calls["outcome"], _ADMITTED)]
    rep = adm["replication"].astype(np.float64) * span
    arrive = np.clip(adm["arrival_s"] - t0, 0.0, horizon) + rep
    leave = np.clip(np.where(np.isnan(adm["end_s"]), np.inf, adm["end_s"]) - t0, 0.0, horizon) + rep
    edges = (np.arange(n + 1)[None, :] * dt + (np.arange(replications) * span)[:, None]).ravel()
    times = np.concatenate([leave, arrive, edges])
    step = np.concatenate([np.full(leave.size, -1), np.ones(arrive.size, np.int64), np.zeros(edges.size, np.int64)])
    order = np.argsort(times, kind="stable")  # at a tie a departure comes before an arrival
    times, level = times[order], np.cumsum(step[order])
    length = np.diff(times)
    r = np.floor(times[:-1] / span)
    ivl = np.floor((times[:-1] - r * span) / dt).astype(np.int64)
    keep = (length > 0) & (ivl < n)
    level, ivl, length = level[:-1][keep], ivl[keep], length[keep]
    top = int(level.max()) + 2 if level.size else 2
    return np.bincount(ivl * top + level, weights=length, minlength=n * top).reshape(n, top)


def _delay_and_sl(calls: np.ndarray, n_intervals: int, answer_within_s: float):
    """Simulated P(wait > 0) over admitted calls and the offered SL, per interval of arrival."""
    ivl = calls["interval"].astype(np.int64)
    adm = np.isin(calls["outcome"], _ADMITTED)
    waited = adm & ~((calls["outcome"] == int(Outcome.ANSWERED)) & (calls["wait_s"] <= 0.0))
    hit = (calls["outcome"] == int(Outcome.ANSWERED)) & (calls["wait_s"] <= answer_within_s)
    n_adm = np.bincount(ivl[adm], minlength=n_intervals).astype(np.float64)
    n_off = np.bincount(ivl, minlength=n_intervals).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        delay = np.bincount(ivl[waited], minlength=n_intervals) / n_adm
        sl = np.bincount(ivl[hit], minlength=n_intervals) / n_off
    return delay, sl


@dataclass(frozen=True, eq=False)
class IsaResult:
    """What `iterative_staffing` returns.

    ``agents`` is the final staffing; ``staffing_history`` holds ``s_0 .. s_k`` (one row
    per iteration, the last equal to ``agents``); ``converged`` is True when an iteration
    changed nothing; ``cycle`` > 0 is the length of a cycle the map entered instead (with
    common random numbers the map is deterministic, so it either settles, cycles or hits
    ``max_iter``): ``agents`` is then the largest staffing of the cycle in each interval;
    ``max_change`` and ``changed`` are the largest change and the number of intervals
    changed at each iteration; the simulated
    delay probability (over admitted calls) and service level (offered basis) per interval
    of arrival are those of a simulation at ``agents``; ``binding`` names the target that
    sets each interval (``"service_level"``, ``"asa"``, ``"abandon"`` or ``"none"``).
    """

    agents: np.ndarray
    iterations: int
    converged: bool
    cycle: int
    staffing_history: np.ndarray
    max_change: np.ndarray
    changed: np.ndarray
    delay_probability: np.ndarray
    service_level: np.ndarray
    binding: np.ndarray

    def to_dict(self) -> dict:
        return {
            "agents": self.agents.tolist(),
            "iterations": self.iterations,
            "converged": self.converged,
            "cycle": self.cycle,
            "staffing_history": self.staffing_history.tolist(),
            "max_change": self.max_change.tolist(),
            "changed": self.changed.tolist(),
            "delay_probability": self.delay_probability.tolist(),
            "service_level": self.service_level.tolist(),
            "binding": self.binding.tolist(),
        }


def iterative_staffing(
    forecast: Forecast,
    target: ServiceTarget,
    *,
    initial_agents: np.ndarray,
    handle: Distribution,
    patience: Distribution,
    lines: int | None,
    replications: int,
    seed,
    max_iter: int,
    rounding: str = "up",
) -> IsaResult:
    """Run ISA from ``initial_agents`` (trusted input; `staffing_requirements` validates).

    Each iteration simulates ``replications`` runs of the fast engine with the same
    ``seed``, takes the time-average distribution of N(t) over each interval (from the call
    log, pooling replications), and sets the next
    staffing per interval to the smallest that meets ``target`` given that distribution
    (see the module docstring). Stops when no interval changes, when the staffing repeats an
    earlier one (a cycle; the result takes each interval's largest staffing over the
    cycle), or after ``max_iter`` iterations.

    Examples
    --------
    >>> f = Forecast(calls=np.full(8, 20.0), aht_s=60.0, interval_s=60.0)  # 20 Erlangs
    >>> r = iterative_staffing(f, ServiceTarget(level=0.5, answer_within_s=0.0), initial_agents=np.full(8, 40),
    ...     handle=Distribution.exponential(1.0), patience=Distribution.exponential(60.0), lines=None,
    ...     replications=40, seed=1, max_iter=20)
    >>> bool(r.agents[0] < 12), bool(np.all(np.abs(r.agents[4:] - 21) <= 1))  # a ramp from empty, then
    (True, True)
    >>> r.converged  # ... stationary Erlang A's 21 agents for P(wait) <= 0.5
    True
    """
    n = forecast.n_intervals
    mu = 1.0 / forecast.aht_s
    idle = forecast.calls == 0
    theta = 0.0 if patience.is_none else 1.0 / patience.mean_s
    n_lines = math.inf if lines is None else float(lines)
    base = Scenario(
        forecast,
        agents=np.asarray(initial_agents, dtype=np.float64),
        lines=lines,
        handle=handle,
        patience=patience,
        target=ServiceTarget(answer_within_s=target.answer_within_s),
    )
    # callers do not depend on the staffing: draw them once (common random numbers; the
    # same draws as `cxqueue.sim.simulate` with this seed) and replay them every iteration
    callers = [sample_callers(base, child) for child in _rng.spawn(seed, replications)]

    s = np.asarray(initial_agents, dtype=np.int64)
    history = [s]
    max_change, changed = [], []
    converged = False
    cycle = 0
    log = None
    for _ in range(max_iter):
        log = _call_log(base.replace(agents=s.astype(np.float64)), callers)
        hist = _time_histograms(log, replications, forecast)
        s_new = _next_staffing(hist, mu, theta, target, n_lines, rounding)
        s_new[idle & (hist[:, 1:].sum(axis=1) == 0)] = 0  # no calls and nobody in the system
        last_hist = hist
        diff = np.abs(s_new - s)
        max_change.append(int(diff.max()) if n else 0)
        changed.append(int((diff > 0).sum()))
        history.append(s_new)
        if not diff.any():
            converged = True
            break
        log = None
        seen = [k for k in range(len(history) - 2) if np.array_equal(history[k], s_new)]
        if seen:  # the map cycles: keep the larger staffing of the cycle in every interval
            cycle = len(history) - 1 - seen[-1]
            history.append(np.max(np.stack(history[seen[-1] :]), axis=0))
            break
        s = s_new
    s = history[-1]
    if log is None:  # the last simulation was at another staffing
        log = _call_log(base.replace(agents=s.astype(np.float64)), callers)
    delay, sl = _delay_and_sl(log, n, target.answer_within_s)
    return IsaResult(
        agents=s,
        iterations=len(max_change),
        converged=converged,
        cycle=cycle,
        staffing_history=np.stack(history),
        max_change=np.asarray(max_change, dtype=np.int64),
        changed=np.asarray(changed, dtype=np.int64),
        delay_probability=delay,
        service_level=sl,
        binding=_binding(last_hist, mu, theta, target, n_lines, s),
    )
