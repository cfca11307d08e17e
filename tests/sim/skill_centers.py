"""Small multi-skill centers shared by the multi-skill simulation tests (times in seconds)."""

from __future__ import annotations

import numpy as np

from cxqueue import scenario as model

H = 3600.0


def mixed(**routing) -> model.MultiSkillScenario:
    """A morning from 07:30 in 30-minute intervals that uses every rule of phase 1.

    Three types (cards first by priority; loans with lognormal patience, which try two
    groups at once; english callers who never hang up, so some are still waiting at the
    horizon), three groups (a cards group, a flexible group slower at cards, a language
    group), re-routing delays, lognormal and exponential handle times, a day factor, hours
    08:00-13:00 (the first and the last interval closed: arrivals get the closed message,
    waiting callers are served), staffing that falls while agents are busy, a language group
    that leaves at 11:30 and a flexible group that leaves at 13:00 (the English callers still
    waiting then stay). ``routing`` sets the policies (``call_choice``, ``agent_choice``).
    """
    n = 12
    x = np.arange(n)
    bump = np.exp(-0.5 * ((x - 5) / 2.5) ** 2)
    types = [
        model.CallType("cards", 40 + 60 * bump, aht_s=200.0, handle=model.Distribution.lognormal(1.0, cv=0.8),
                       patience=model.Distribution.exponential(200.0)),
        model.CallType("loans", 20 + 20 * bump, aht_s=np.linspace(280.0, 320.0, n), priority=1,
                       patience=model.Distribution.lognormal(300.0, cv=1.0)),
        model.CallType("english", np.full(n, 15.0), aht_s=240.0, priority=1),
    ]  # fmt: skip
    groups = [
        model.AgentGroup("cards", ("cards",), np.where(x < 6, 4, 2)),
        model.AgentGroup("flex", ("cards", "loans", "english"), np.where((x >= 3) & (x < 9), 5, np.where(x < 11, 3, 0)),
                         handle_factor={"cards": 1.2}),
        model.AgentGroup("lang", ("english", "loans"), np.where(x < 8, 2, 0)),
    ]  # fmt: skip
    rt = model.Routing(
        type_groups={"english": ("lang", "flex")},
        delays_s={"cards": {"flex": 30.0}, "english": {"flex": 20.0}},  # loans try flex, then lang, at once
        **routing,
    )
    return model.MultiSkillScenario(
        types, groups, rt, interval_s=1800.0, start_s=7.5 * H,
        hours=model.OpeningHours.daily(8 * H, 13 * H),
        target={"cards": model.ServiceTarget(0.8, 20.0), "loans": model.ServiceTarget(0.8, 60.0),
                "english": model.ServiceTarget(0.7, 30.0)},
        day_factor_cv=0.1,
    )  # fmt: skip


def stationary(types, groups, *, hours: int, routing=None, answer_within_s: float = 20.0):
    """A center with constant calls per hour (``types``: (name, calls per hour, aht_s,
    priority, patience)) over ``hours`` one-hour intervals, for steady-state comparisons."""
    made = [model.CallType(name, [per_h] * hours, aht_s=aht_s, priority=prio, patience=pat)
            for name, per_h, aht_s, prio, pat in types]  # fmt: skip
    return model.MultiSkillScenario(made, groups, routing or model.Routing(), interval_s=H,
                                    target=model.ServiceTarget(answer_within_s=answer_within_s))  # fmt: skip


def wallace_whitt(hours: int, *, per_group: int = 15, load: float = 0.93) -> model.MultiSkillScenario:
    """Six types, six groups of ``per_group`` agents, each with two skills (Wallace & Whitt 2005):
    group i takes type i first and type i + 1 below it; type i tries group i at once and group
    i - 1 after 10 s; exponential handle times (5 min, 10 % slower on the second skill) and
    patience (3 min); 15-minute intervals; ``load`` offered Erlangs per agent."""
    k, n = 6, hours * 4
    per_type = load * per_group * 900.0 / 300.0
    exp = model.Distribution.exponential
    types = [model.CallType(f"t{i}", np.full(n, per_type), aht_s=300.0, patience=exp(180.0)) for i in range(k)]
    groups = [model.AgentGroup(f"g{i}", (f"t{i}", f"t{(i + 1) % k}"), per_group,
                               handle_factor={f"t{(i + 1) % k}": 1.1}) for i in range(k)]  # fmt: skip
    routing = model.Routing(
        type_groups={f"t{i}": (f"g{i}", f"g{(i - 1) % k}") for i in range(k)},
        group_types={f"g{i}": (f"t{i}", f"t{(i + 1) % k}") for i in range(k)},
        delays_s={f"t{i}": {f"g{(i - 1) % k}": 10.0} for i in range(k)},
    )
    return model.MultiSkillScenario(types, groups, routing, interval_s=900.0)
