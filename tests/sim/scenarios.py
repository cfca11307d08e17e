"""Small scenarios shared by the simulation tests (times in seconds)."""

from __future__ import annotations

import numpy as np

from cxqueue import scenario as model

H = 3600.0


def busy_day(**changes) -> model.Scenario:
    """A Friday 07:00-23:00 with a morning and an afternoon peak, shifts, finite lines,
    opening hours 08:00-20:00 on weekdays, lognormal handle and patience, an IVR, and
    redials after busy signals, abandonment and closed messages."""
    n = 32  # 30-minute intervals from 07:00
    x = np.arange(n)
    calls = 40 + 60 * np.exp(-0.5 * ((x - 6) / 3) ** 2) + 45 * np.exp(-0.5 * ((x - 16) / 4) ** 2)
    f = model.Forecast(calls=calls, aht_s=np.linspace(200.0, 260.0, n), interval_s=1800.0, start_s=4 * 86400 + 7 * H)
    agents = np.clip(np.round(calls * 230 / 1800 * 1.05), 0, None)
    agents[-4:] = 0  # everybody gone after 21:00: the late queue is backlog
    sc = model.Scenario(
        f,
        agents=agents,
        lines=18,
        handle=model.Distribution.lognormal(1.0, cv=0.9),
        patience=model.Distribution.lognormal(150.0, cv=1.1),
        ivr=model.IVR(model.Distribution.lognormal(25.0, cv=0.4), self_service=0.08),
        hours=model.OpeningHours.daily(8 * H, 20 * H, days=range(5)),
        redials=model.Redials(blocked=0.6, abandoned=0.4, closed=0.5, max_attempts=4),
        target=model.ServiceTarget(level=0.8, answer_within_s=30.0),
    )
    return sc.replace(**changes) if changes else sc


def callback_center(**changes) -> model.Scenario:
    """Two days, priority classes with a 90 s head start, callbacks (virtual hold),
    a random day factor, exponential patience, no IVR, unlimited lines."""
    n = 48
    f = model.Forecast(calls=np.full(n, 130.0), aht_s=240.0, interval_s=3600.0, start_s=0.0)
    agents = np.where((np.arange(n) % 24 >= 8) & (np.arange(n) % 24 < 20), 11, 0)
    sc = model.Scenario(
        f,
        agents=agents,
        patience=model.Distribution.exponential(300.0),
        hours=model.OpeningHours.daily(8 * H, 20 * H),
        redials=model.Redials(abandoned=0.3, closed=0.4, max_attempts=3),
        callbacks=model.Callbacks(threshold_s=120.0, accept=0.6, reach=0.85),
        priority=model.PriorityClasses(shares=(0.7, 0.3), head_start_s=(0.0, 90.0)),
        day_factor_cv=0.15,
    )
    return sc.replace(**changes) if changes else sc


def shift_change(**changes) -> model.Scenario:
    """Ten agents until 10:00, then two: agents whose shift ends finish their call first."""
    f = model.Forecast(calls=[250.0, 250.0, 250.0], aht_s=300.0, interval_s=3600.0, start_s=8 * H)
    sc = model.Scenario(f, agents=[10, 10, 2], handle=model.Distribution.exponential(1.0), lines=40,
                  redials=model.Redials(blocked=0.5, max_attempts=3))  # fmt: skip
    return sc.replace(**changes) if changes else sc


def weekly(**changes) -> model.Scenario:
    """A week in 15-minute intervals with weekend hours and empirical handle times."""
    n = 7 * 96
    t = np.arange(n) * 900.0
    hod = (t % 86400) / 3600
    calls = np.where((hod >= 8) & (hod < 18), 20.0, 2.0)
    f = model.Forecast(calls=calls, aht_s=180.0, interval_s=900.0, start_s=0.0)
    windows = tuple(((8 * H, 18 * H),) if d < 5 else ((10 * H, 14 * H),) for d in range(7))
    rng = np.random.default_rng(0)
    sc = model.Scenario(
        f,
        agents=np.where((hod >= 8) & (hod < 18), 5, 1),
        lines=9,
        handle=model.Distribution.empirical(rng.gamma(2.0, 90.0, 500)),
        patience=model.Distribution.exponential(200.0),
        hours=model.OpeningHours(windows),
        redials=model.Redials(blocked=0.5, abandoned=0.5, closed=0.7, max_attempts=5),
    )
    return sc.replace(**changes) if changes else sc


def reserve_center(**changes) -> model.Scenario:
    """A day with reserve agents who answer while 3 or more callers wait (fewer at noon,
    none in the evening), priority classes, lognormal patience, finite lines, redials and
    a shift change in the afternoon."""
    n = 24
    x = np.arange(n)
    calls = 90 + 50 * np.exp(-0.5 * ((x - 9) / 3) ** 2)
    f = model.Forecast(calls=calls, aht_s=240.0, interval_s=1800.0, start_s=8 * H)
    agents = np.where(x < 14, 10, 6)
    sc = model.Scenario(
        f,
        agents=agents,
        lines=30,
        handle=model.Distribution.lognormal(1.0, cv=1.3),
        patience=model.Distribution.lognormal(180.0, cv=1.2),
        priority=model.PriorityClasses(shares=(0.8, 0.2), head_start_s=(0.0, 60.0)),
        reserve=model.Reserve(agents=np.where(x < 8, 2, np.where(x < 16, 1, 0)), queue_threshold=3),
        redials=model.Redials(blocked=0.5, abandoned=0.3, max_attempts=3),
    )
    return sc.replace(**changes) if changes else sc


def redial_storm(**changes) -> model.Scenario:
    """An hour of 500 callers for three agents and five lines, short patience, and callers
    who nearly always try again within seconds, up to 200 times: hundreds of them make more
    than 16 attempts (the first block of attempt columns), many reach the 200."""
    f = model.Forecast(calls=[250.0, 250.0], aht_s=180.0, interval_s=1800.0, start_s=9 * H)
    sc = model.Scenario(
        f,
        agents=[3, 3],
        lines=5,
        patience=model.Distribution.exponential(30.0),
        redials=model.Redials(blocked=0.98, abandoned=0.98, max_attempts=200,
                              blocked_delay=model.Distribution.exponential(15.0),
                              abandoned_delay=model.Distribution.exponential(15.0)),
    )  # fmt: skip
    return sc.replace(**changes) if changes else sc
