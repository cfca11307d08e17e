"""Scenario configs in TOML: `load_scenario` reads a file into a `PlanConfig`.

A config describes one center: its demand (a shipped profile, a history file, a CSV or
inline calls), handle time, patience, IVR, lines, opening hours per weekday, shift
templates and costs, targets, and the staffing, simulation and output settings. Every
key is listed, with its type, unit, default and meaning, in ``configs/README.md`` (the
schema itself is data in `cxqueue.config.schema`). Durations may be written with the
suffix ``_s``, ``_min`` or ``_h`` (``aht_min = 3`` is ``aht_s = 180``); times of day are
TOML local times (``open = 07:00:00``) or strings (``"07:00"``, ``"24:00"``).

A config with ``[call_types.NAME]`` and ``[groups.NAME]`` tables (and ``[routing]``) is a
multi-skill center: `load_scenario` then sets ``PlanConfig.multiskill`` to its
`cxqueue.scenario.MultiSkillScenario` (``config/multiskill.py``); a config without them
loads as before, with ``multiskill`` None.

Unknown keys, wrong types and impossible values raise `ConfigError` with the file, the
``[table].key``, the rule and the value, e.g.
``x.toml: [target].level must be a fraction in [0, 1]; got 80 (pass 0.8 for 80%)``.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

from cxqueue.config.builder import Builder
from cxqueue.config.types import HoursSearchSettings, OutputSettings, PlanConfig, ValidationSettings
from cxqueue.exceptions import ConfigError

__all__ = [
    "HoursSearchSettings",
    "OutputSettings",
    "PlanConfig",
    "ValidationSettings",
    "default_config_path",
    "load_scenario",
    "loads_scenario",
]

REPO_CONFIGS = Path(__file__).resolve().parents[2] / "configs"
PACKAGE_CONFIGS = Path(__file__).resolve().parents[1] / "configs"


def default_config_path() -> Path:
    """The config `cxqueue plan` runs without an argument (``configs/default.toml``).

    >>> default_config_path().name
    'default.toml'
    """
    for d in (REPO_CONFIGS, PACKAGE_CONFIGS):
        if (d / "default.toml").is_file():
            return d / "default.toml"
    return REPO_CONFIGS / "default.toml"


def load_scenario(path, *, overrides=()) -> PlanConfig:
    """Read the TOML scenario config at `path` (see ``configs/README.md``).

    Parameters
    ----------
    path : str or Path
        The config file; relative paths inside it are relative to its folder.
    overrides : sequence of str
        ``"table.key=value"`` settings that replace the file's (a what-if: ``cxqueue plan
        --set staffing.max_agents=8``); the value is read as TOML, else as a string. The
        config's notes list them.

    Returns
    -------
    PlanConfig

    Raises
    ------
    ConfigError
        If the file is missing or not TOML (naming the line), or a key is unknown, of
        the wrong type or impossible; messages name the file and the ``[table].key``.

    Examples
    --------
    >>> cfg = load_scenario(default_config_path())
    >>> cfg.forecast.interval_s, cfg.handle.kind
    (900.0, 'lognormal')
    """
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{p}: no such config file")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from exc
    return loads_scenario(text, source=str(p), base_dir=p.parent, overrides=overrides)


def _override(doc: dict, item: str, source: str) -> str:
    """Apply one ``table.key=value`` to the parsed TOML ``doc``; return its note."""
    key, eq, raw = str(item).partition("=")
    key, raw = key.strip(), raw.strip()
    parts = key.split(".")
    if not eq or len(parts) < 2 or not all(parts):
        raise ConfigError(
            f"{source}: --set takes TABLE.KEY=VALUE (e.g. staffing.max_agents=8 or center.name=today); got {item!r}"
        )
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw  # a bare word: a string (the schema checks its type like any value)
    at = doc
    for i, name in enumerate(parts[:-1]):
        nxt = at.setdefault(name, {})
        if not isinstance(nxt, dict):
            where = ".".join(parts[: i + 1])
            raise ConfigError(f"{source}: --set {key}: {where} is a value, not a table; got {item!r}")
        at = nxt
    at[parts[-1]] = value
    return f"set on the command line: [{'.'.join(parts[:-1])}].{parts[-1]} = {raw}"


def loads_scenario(text: str, *, source: str = "<string>", base_dir=None, overrides=()) -> PlanConfig:
    """Read a scenario config from TOML `text`; `source` names it in messages.

    Parameters
    ----------
    text : str
        The TOML document.
    source : str
        What messages call it (a file name).
    base_dir : str or Path, optional
        Folder that relative paths are relative to (default: the current directory).
    overrides : sequence of str
        ``"table.key=value"`` settings, as `load_scenario` takes them.

    Returns the `PlanConfig`, or raises `ConfigError` as `load_scenario` does.

    Examples
    --------
    >>> cfg = loads_scenario('''
    ... [demand]
    ... calls = [30, 40]
    ... aht_min = 3
    ... start = 08:00:00
    ... [target]
    ... answer_within_s = 20
    ... ''')
    >>> cfg.forecast.aht_s.tolist(), cfg.forecast.start_s
    ([180.0, 180.0], 28800.0)
    >>> loads_scenario('[demand]\\nprofile = "bank-1999"\\n[target]\\nlevel = 80\\n', source="x.toml")
    Traceback (most recent call last):
    ...
    cxqueue.exceptions.ConfigError: x.toml: [target].level must be a fraction in [0, 1]; got 80 (pass 0.8 for 80%)
    """
    if not isinstance(text, str):
        raise ConfigError(f"text must be a str holding TOML; got {type(text).__name__}")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_syntax_message(source, text, exc)) from None
    except RecursionError:
        raise ConfigError(
            f"{source}: arrays or inline tables nested too deep to read; a config nests at most three levels"
        ) from None
    base = Path.cwd() if base_dir is None else Path(base_dir)
    notes = tuple(_override(doc, item, source) for item in overrides)
    try:
        cfg = Builder(source, base).build(doc)
        return dataclasses.replace(cfg, notes=(*notes, *cfg.notes)) if notes else cfg
    except ConfigError as exc:
        if str(exc).startswith(f"{source}: "):
            raise
        raise ConfigError(f"{source}: {exc}") from exc


def _syntax_message(source: str, text: str, exc: tomllib.TOMLDecodeError) -> str:
    msg = str(exc)
    m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", msg)
    if not m:
        return f"{source}: not valid TOML: {re.sub(r' [(]at end of document[)]$', '', msg)} (at the end of the file)"
    line = int(m.group(1))
    what = msg[: m.start()]
    lines = text.splitlines()
    hint = ""
    if line <= len(lines) and re.search(r"=\s*\d{1,2}:\d{2}\s*(#.*)?$", lines[line - 1]):
        hint = '; write a time of day as 07:00:00 or "07:00"'
    return f"{source}, line {line}: not valid TOML: {what} (column {m.group(2)}){hint}"
