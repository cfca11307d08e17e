"""``cxqueue hours``: opening hours searched within ``[hours_search]``, cost against lost calls."""

from __future__ import annotations

from cxqueue.cli._common import add_config_argument, emit, load_config
from cxqueue.config.types import AGENT_HOUR_COST, PENALTY_PER_LOST

__all__ = ["add_parser", "run"]

# the options study_hours takes under the same names as the command line's
OPTIONS = ("agent_hour_cost", "penalty_per_lost", "carry_over", "budget")


def add_parser(sub) -> None:
    p = sub.add_parser(
        "hours",
        help="search opening hours within [hours_search]: cost against lost calls (budget: the current hours' "
        "cost, or none when they cover less than min_calls_covered)",
    )
    add_config_argument(p)
    p.add_argument(
        "--agent-hour-cost",
        dest="agent_hour_cost",
        type=float,
        default=AGENT_HOUR_COST,
        help="cost of one paid agent-hour (default: %(default)g)",
    )
    p.add_argument(
        "--penalty-per-lost",
        dest="penalty_per_lost",
        type=float,
        default=PENALTY_PER_LOST,
        help="cost of one lost call: never answered (closed and not calling again, abandoned, blocked) "
        "(default: %(default)g)",
    )
    p.add_argument(
        "--carry-over",
        dest="carry_over",
        type=float,
        default=None,
        help="share of callers who find it closed and call at the next opening (default: the "
        "config's [redials].closed if above 0, else 0.5)",
    )
    p.add_argument(
        "--budget",
        type=float,
        default=None,
        help="most a plan may cost (default: the current hours' cost, or no cap when they cover less than "
        "[hours_search].min_calls_covered)",
    )
    p.set_defaults(func=run)


def run(args, out) -> int:
    from cxqueue.plan.tasks import study_hours

    cfg = load_config(args.config)
    study = study_hours(cfg, **{name: getattr(args, name) for name in OPTIONS})
    res, current, best, floor = study.search, study.current, study.best, study.settings.min_calls_covered
    text = [
        f"opening hours for {cfg.name!r} ({res.n_plans:.3g} plans searched, {len(res.pareto)} on the frontier)",
        f"  current: {current.describe()} (cost {current.cost:.6g}, covers {current.coverage:.1%} of the demand)",
    ]
    pr = study.prices
    prices = (
        f"  prices: {pr['agent_hour_cost']:g} per agent-hour (--agent-hour-cost), {pr['penalty_per_lost']:g} per "
        f"lost call (--penalty-per-lost), {pr['cost_per_open_hour']:g} per open hour "
        f"([hours_search].cost_per_open_hour); carry-over {pr['carry_over']:g} (--carry-over)"
    )
    if study.below_floor and args.budget is None:
        text.append(
            f"  the current hours cover less than min_calls_covered = {floor:g}: no budget "
            "(the best plan by net value; give --budget to cap the cost)"
        )
    if best is not None:
        within = "best" if study.budget is None else f"best within the budget {study.budget:.6g}"
        text.append(f"  {within}: {best.describe()} (cost {best.cost:.6g}, covers {best.coverage:.1%})")
    else:
        text.append(f"  {res.message}")
    return emit(args, out, study.to_dict(), "\n".join([*text, prices]))
