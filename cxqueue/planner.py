"""The planner's workflow: a config in, a plan and its report folder out.

`run_plan` turns a `cxqueue.config.PlanConfig` into `optimize_plan` settings, runs the
plan and its simulation check, and writes the output folder. The CLI's ``plan`` command
is this function and nothing more.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from cxqueue.exceptions import ConfigError
from cxqueue.optimize.plan import PlanResult, PlanSettings, optimize_plan
from cxqueue.report import write_plan_report

__all__ = ["plan_settings", "run_plan"]


def plan_settings(cfg, *, quick: bool = False) -> PlanSettings:
    """`PlanSettings` from a config; ``quick`` trades precision for time (tests, demos)."""
    sim = cfg.simulation
    settings = PlanSettings(
        model=cfg.staffing.model,
        method=cfg.staffing.method,
        line_blocking=cfg.max_blocking,
        lines=cfg.lines,
        replications=max(2, sim.replications),
        seed=sim.seed,
        engine=sim.engine,
        warmup_s=sim.warmup_s,
        min_agents=cfg.staffing.min_agents,
        max_agents=cfg.staffing.max_agents,
    )
    if quick:
        settings = replace(settings, replications=min(settings.replications, 4), max_iter=2, shift_time_limit_s=20.0)
    return settings


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
        Replace an existing output folder.
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
    if not cfg.shifts:
        raise ConfigError(f"{cfg.source}: [shifts] holds no shift template; add at least one [shifts.NAME] table")
    folder = Path(out) if out is not None else Path(cfg.output.folder)
    if folder.exists() and not force:  # fail before the work, not after it
        raise ConfigError(f"output folder {folder} exists; pass --force to replace it")
    settings = plan_settings(cfg, quick=quick)
    result = optimize_plan(cfg.scenario(0.0), cfg.shifts, settings=settings, progress=progress)
    extra = {
        "name": cfg.name,
        "description": cfg.description,
        "config": str(cfg.source),
        "demand": cfg.demand_source,
        "quick": quick,
        "notes": list(cfg.notes),
        "settings": {k: v for k, v in settings.__dict__.items()},
    }
    folder = write_plan_report(
        result,
        folder,
        force=force,
        figures=cfg.output.figures if figures is None else figures,
        title=f"cxqueue plan: {cfg.name}",
        extra=extra,
    )
    return result, folder
