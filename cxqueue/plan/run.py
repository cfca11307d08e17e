"""The planner's workflow: a config in, a plan and its report folder out.

`run_plan` turns a `cxqueue.config.PlanConfig` into `optimize_plan` settings, runs the
plan and its simulation check, and writes the output folder. The CLI's ``plan`` command
is this function and nothing more.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from cxqueue.data.folders import OutputFolder
from cxqueue.exceptions import ConfigError
from cxqueue.plan.optimize import PlanResult, PlanSettings, optimize_plan
from cxqueue.plan.report import write_plan_report

__all__ = ["plan_settings", "run_multiskill_plan", "run_plan"]


def plan_settings(cfg, *, quick: bool = False) -> PlanSettings:
    """The config's `PlanSettings`; ``quick`` trades precision for time (`PlanSettings.quick`)."""
    return cfg.settings.quick() if quick else cfg.settings


def run_plan(
    cfg, *, out=None, force: bool = False, quick: bool = False, figures: bool | None = None, progress=None
) -> tuple[PlanResult, Path]:
    """Plan the center described by ``cfg`` and write its report folder.

    Parameters
    ----------
    cfg : cxqueue.config.PlanConfig
        From `cxqueue.config.load_scenario`.
    out : path, optional
        Output folder (default: the config's ``[output].folder``).
    force : bool
        Replace an existing output folder that cxqueue wrote (never another folder).
    quick : bool
        Fewer replications and iterations (for tests and a first look).
    figures : bool, optional
        Draw the figures (default: the config's ``[output].figures``).
    progress : callable, optional
        Receives one line of text per step.

    Returns
    -------
    (PlanResult, Path)
    """
    if cfg.multiskill is not None:
        return run_multiskill_plan(cfg, out=out, force=force, quick=quick, figures=figures, progress=progress)
    if not cfg.shifts:
        raise ConfigError(f"{cfg.source}: [shifts] holds no shift template; add at least one [shifts.NAME] table")
    folder = OutputFolder(out if out is not None else cfg.output.folder, force=force, kind="plan")
    with folder:  # checked and locked before the work, not after it
        return _run(cfg, folder, quick=quick, figures=figures, progress=progress)


def _run(cfg, folder: OutputFolder, *, quick: bool, figures, progress) -> tuple[PlanResult, Path]:
    settings = plan_settings(cfg, quick=quick)
    result = optimize_plan(cfg.scenario(0.0), cfg.shifts, settings=settings, progress=progress)
    # the config's warnings (a fallback to a shipped profile, a short history) come before the plan's
    result = dataclasses.replace(result, warnings=(*cfg.warnings, *result.warnings))
    replay, replay_note = _validate(cfg, quick=quick, progress=progress)
    if replay is not None:
        from cxqueue.plan.checks import check_validation

        result = dataclasses.replace(result, warnings=(*result.warnings, *check_validation(replay)))
    extra = {
        "name": cfg.name,
        "description": cfg.description,
        "config": str(cfg.source),
        "demand": cfg.demand_source,
        "quick": quick,
        "notes": list(cfg.notes),
        "settings": settings.to_dict(),
        "start_date": cfg.start_date,
    }
    if cfg.dated is not None:
        from cxqueue.plan.promise import forecast_promise

        if progress:
            progress("the plan on the forecast's busy and quiet days (its promise)")
        extra["forecast_promise"] = forecast_promise(
            result, cfg.dated, replications=settings.replications, seed=settings.seed, engine=settings.engine
        )
        if progress:
            progress(f"promise: {extra['forecast_promise']['statement']}")
    if cfg.validation is not None:
        extra["validation"] = validation_summary(replay) if replay is not None else {"skipped": replay_note}
    path = write_plan_report(
        result,
        folder,
        figures=cfg.output.figures if figures is None else figures,
        title=f"cxqueue plan: {cfg.name}",
        extra=extra,
        tables={"validation.csv": validation_table(replay)} if replay is not None else None,
        start_date=cfg.start_date,
        cost_unit=cfg.cost_unit,
        formats=cfg.output.formats,
    )
    return result, path


def run_multiskill_plan(
    cfg, *, out=None, force: bool = False, quick: bool = False, figures: bool | None = None, progress=None
):
    """`run_plan` for a multi-skill config (``cfg.multiskill`` set): each group's agents and shifts from
    ``[shifts]`` (``[groups.NAME].shifts``, ``[groups.NAME].cost``), every type's target checked by
    simulation (`cxqueue.plan.multiskill_plan.optimize_multiskill_plan`), and the folder of
    `cxqueue.plan.multiskill_report.write_multiskill_report`. Returns ``(MultiSkillPlan, Path)``."""
    from cxqueue.plan.multiskill_plan import optimize_multiskill_plan
    from cxqueue.plan.multiskill_report import write_multiskill_report

    if not cfg.shifts:
        raise ConfigError(
            f"{cfg.source}: [shifts] holds no shift template; a multi-skill plan rosters each group from [shifts] "
            "(add at least one [shifts.NAME] table; [groups.NAME].shifts picks a group's)"
        )
    folder = OutputFolder(out if out is not None else cfg.output.folder, force=force, kind="plan")
    with folder:
        settings = plan_settings(cfg, quick=quick)
        gp = cfg.group_planning
        result = optimize_multiskill_plan(cfg.multiskill, gp.templates, cost=gp.cost, settings=settings,
                                          shrinkage=cfg.target.shrinkage, progress=progress)  # fmt: skip
        result = dataclasses.replace(result, warnings=(*cfg.warnings, *result.warnings))
        extra = {"name": cfg.name, "description": cfg.description, "config": str(cfg.source),
                 "demand": cfg.demand_source, "quick": quick, "notes": list(cfg.notes),
                 "settings": settings.to_dict(), "start_date": cfg.start_date}  # fmt: skip
        path = write_multiskill_report(result, folder, figures=cfg.output.figures if figures is None else figures,
                                       title=f"cxqueue plan: {cfg.name}", extra=extra, cost_unit=cfg.cost_unit,
                                       formats=cfg.output.formats)  # fmt: skip
    return result, path


def _validate(cfg, *, quick: bool, progress):
    """Replay the config's validation history, or say why it was skipped."""
    v = cfg.validation
    if v is None:
        return None, ""
    if v.missing:
        note = f"validation skipped: {v.missing}"
        if progress:
            progress(note)
        return None, note
    from cxqueue.data import CallHistory, concat_histories, read_history
    from cxqueue.replay.replay import replay_history

    if progress:
        names = ", ".join(p.name for p in v.history)
        progress(f"validation: replaying {names} with the {v.staffing} agents x {v.agent_factor:g}")
    hs = []
    for p in v.history:  # the formats [demand].history reads (the bank's tab format, call CSVs)
        try:
            h = read_history(p)
        except (ConfigError, OSError) as exc:
            msg = str(exc) if str(p) in str(exc) else f"{p}: {exc}"
            raise ConfigError(f"{cfg.source}: [validation].history: {msg}") from None
        if not isinstance(h, CallHistory):
            raise ConfigError(
                f"{cfg.source}: [validation].history must be call logs (one row per call: the bank's tab format or a "
                f"call CSV with arrival, answer and end times) to replay; {p} holds interval counts"
            )
        hs.append(h)
    history = concat_histories(hs) if len(hs) > 1 else hs[0]
    replay = replay_history(
        history,
        fit=cfg,
        staffing=v.staffing,
        agent_factor=v.agent_factor,
        replications=min(v.replications, 4) if quick else v.replications,
        seed=cfg.settings.seed,
        threshold_s=cfg.target.answer_within_s,
    )
    if progress:
        for line in replay.summary().splitlines():
            progress(f"validation: {line}")
    return replay, ""


def validation_summary(replay) -> dict:
    """Per KPI: observed and simulated totals and the per-interval errors (calls-weighted)."""
    out = {k: getattr(replay, k) for k in ("staffing", "agent_factor", "arrivals", "agent_rounding")}
    out["reserve_agents"] = float(replay.reserve_agents.max()) if replay.reserve_threshold else 0.0
    out |= {"reserve_threshold": replay.reserve_threshold, "replications": replay.replications,
            "intervals": int(replay.compared.sum())}  # fmt: skip
    for k in replay.kpis:
        o = k.overall
        out[k.name] = {
            "observed": k.total_observed,
            "simulated": k.total_simulated,
            "half_width": k.total_half_width,
            "agrees": k.total_agrees,
            "mae": o.mae,
            "bias": o.bias,
            "rmse": o.rmse,
            "coverage": o.coverage,
            "noise_mae": o.noise_mae,
        }
    return out


def validation_table(replay) -> tuple[list[str], list[list]]:
    """Per interval of the replayed history: agents, calls, observed and simulated KPIs."""
    header = ["interval_start_s", "hour", "agents", "offered"]
    for k in replay.kpis:
        header += [f"{k.name}_observed", f"{k.name}_simulated", f"{k.name}_half_width"]
    rows = []
    for i in range(replay.offered.size):
        row = [
            float(replay.interval_starts_s[i]),
            int(replay.hour[i]),
            float(replay.agents[i]),
            float(replay.offered[i]),
        ]
        for k in replay.kpis:
            row += [float(k.observed[i]), float(k.simulated[i]), float(k.simulated_half_width[i])]
        rows.append(row)
    return header, rows
