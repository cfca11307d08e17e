"""Small derived profiles shipped with cxqueue, and the code that writes and reads them.

A profile is two CSV files in ``cxqueue/data/profiles/``: ``<name>.csv`` with one row per
weekday and interval (calls, AHT and the KPIs the center delivered) and
``<name>-params.csv`` with the fitted parameters (``key,value,unit,note``). The shipped
``bank-1999`` profile is derived from January and February 1999 of the Technion SEE
"Anonymous Bank" data (Brown et al. 2005), ``bank-1999-october`` from October 1999.
Rebuild them with ``python -m cxqueue.data.profiles ../shared/data/anonymous-bank-1999``.
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

import numpy as np

from cxqueue.data.bundle import HistoryFit, fit_history
from cxqueue.data.estimate import ObservedKPIs
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import WEEKDAYS, Distribution, Forecast
from cxqueue.units import DAY

__all__ = ["PROFILE_DIR", "available_profiles", "load_profile", "write_profile"]

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
INTERVAL_COLUMNS = (
    "weekday", "time", "start_s", "calls", "aht_s", "served", "abandoned", "service_level", "asa_s",
    "abandon_share", "agents", "staffed_agents", "busy_agents", "days",
)  # fmt: skip
OBSERVED_COLUMNS = INTERVAL_COLUMNS[5:]  # the ObservedKPIs arrays written per interval (offered = served + abandoned)
SOURCES = {
    "bank-1999": ("january.txt", "february.txt"),
    "bank-1999-october": ("october.txt",),
}


def _fmt(x) -> str:
    x = float(x)
    if math.isnan(x):
        return ""
    if math.isinf(x):
        return "inf"
    return f"{x:.6g}"


def _dist_rows(prefix: str, d: Distribution, note: str) -> list[tuple]:
    return [
        (f"{prefix}_kind", d.kind, "", note),
        (f"{prefix}_mean_s", _fmt(d.mean_s), "s", ""),
        (f"{prefix}_cv", _fmt(d.cv), "", "coefficient of variation"),
    ]


def write_profile(fit: HistoryFit, directory, name: str) -> tuple[Path, Path]:
    """Write `fit` as ``<name>.csv`` and ``<name>-params.csv`` in `directory`.

    Only ``by="weekday"`` fits can be written (one week of intervals).

    Returns
    -------
    (Path, Path)
        The interval table and the parameters file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cxqueue.data._examples import example_history
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> paths = write_profile(fit_history(example_history(), min_calls=1), d, "toy")
    >>> load_profile("toy", directory=d).patience.mean_s
    80.0
    """
    if not isinstance(fit, HistoryFit):
        raise ConfigError(f"fit must be a HistoryFit (from fit_history); got {type(fit).__name__}")
    if fit.observed.by != "weekday":
        raise ConfigError(
            f"fit must be estimated with by='weekday' to be written as a profile; got by={fit.observed.by!r}"
        )
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    f, o = fit.forecast, fit.observed
    per_day = round(DAY / f.interval_s)
    table = directory / f"{name}.csv"
    with table.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(INTERVAL_COLUMNS)
        for i in range(f.n_intervals):
            wd, slot = divmod(i, per_day)
            sec = slot * f.interval_s
            w.writerow([
                WEEKDAYS[wd], f"{int(sec // 3600):02d}:{int(sec % 3600 // 60):02d}", _fmt(f.start_s + i * f.interval_s),
                _fmt(f.calls[i]), _fmt(f.aht_s[i]), *(_fmt(getattr(o, k)[i]) for k in OBSERVED_COLUMNS),
            ])  # fmt: skip
    rows = [
        (
            "source",
            Path(fit.source).name
            if " + " not in fit.source
            else " + ".join(Path(s).name for s in fit.source.split(" + ")),
            "",
            "files the profile was fitted from",
        ),
        ("n_days", str(fit.n_days), "days", "observed dates"),
        ("interval_s", _fmt(f.interval_s), "s", ""),
        ("answer_within_s", _fmt(o.answer_within_s), "s", "threshold of the observed service level"),
        ("abandon_share", _fmt(fit.abandon_share), "", "abandoned / offered over the history"),
        *_dist_rows("handle", fit.handle, "talk time of handled calls"),
        *_dist_rows("patience", fit.patience, "exponential MLE: total wait / abandonments"),
        *_dist_rows("ivr", fit.ivr, "IVR time before the queue"),
        ("ivr_only_share", _fmt(fit.ivr_only_share), "", "calls that end in the IVR / all calls"),
        ("redial_window_s", _fmt(fit.redial_window_s), "s", ""),
        ("redial_share", _fmt(fit.redial_share), "", "identified calls followed by another within the window"),
        ("redial_after_abandoned", _fmt(fit.redial_after_abandoned), "", "the same after an abandonment"),
        ("priority_levels", ";".join(str(x) for x in fit.priority_levels), "", "priority values in the log"),
        ("priority_shares", ";".join(_fmt(x) for x in fit.priority_shares), "", "share of offered calls per level"),
    ]
    if fit.handle_fit is not None:
        hf = fit.handle_fit
        rows += [
            ("handle_n", str(hf.n), "calls", "handled calls in the fit"),
            ("handle_lognormal_mu", _fmt(hf.mu), "log s", "MLE"),
            ("handle_lognormal_sigma", _fmt(hf.sigma), "", "MLE"),
            ("handle_preferred", hf.preferred, "", "candidate with the smallest Kolmogorov-Smirnov distance"),
            ("handle_short_share", _fmt(hf.short_share), "", "talk times under 10 s"),
            ("handle_ks_lognormal_moments", _fmt(hf.ks_lognormal_moments), "", "Kolmogorov-Smirnov distance"),
            ("handle_ks_lognormal", _fmt(hf.ks_lognormal), "", "Kolmogorov-Smirnov distance"),
            ("handle_ks_exponential", _fmt(hf.ks_exponential), "", "Kolmogorov-Smirnov distance"),
            ("handle_loglik_lognormal", _fmt(hf.loglik_lognormal), "", ""),
            ("handle_loglik_exponential", _fmt(hf.loglik_exponential), "", ""),
        ]
    if fit.patience_fit is not None:
        pf = fit.patience_fit
        rows += [
            ("patience_n_abandoned", str(pf.n_abandoned), "calls", ""),
            ("patience_n_offered", str(pf.n_offered), "calls", ""),
            ("patience_stderr_s", _fmt(pf.stderr_s), "s", "standard error of the mean patience"),
            ("patience_km_median_s", _fmt(pf.median_patience_s), "s", "Kaplan-Meier median (inf: not reached)"),
        ]
    if fit.lines is not None:
        rows += [
            ("lines_max", str(fit.lines.max_lines), "calls", "most calls in the system at once"),
            ("lines_p99", str(int(fit.lines.quantile(0.99))), "calls", "time-weighted 99th percentile"),
        ]
    params = directory / f"{name}-params.csv"
    with params.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("key", "value", "unit", "note"))
        w.writerows(rows)
    return table, params


def available_profiles(directory=None) -> tuple[str, ...]:
    """Names of the profiles in `directory` (default: the shipped ones).

    >>> "bank-1999" in available_profiles()
    True
    """
    d = PROFILE_DIR if directory is None else Path(directory)
    return tuple(sorted(p.stem[: -len("-params")] for p in d.glob("*-params.csv")))


def _num(s: str) -> float:
    return math.nan if s == "" else float(s)


def _dist(p: dict, prefix: str) -> Distribution:
    kind, mean, cv = p[f"{prefix}_kind"], _num(p[f"{prefix}_mean_s"]), _num(p[f"{prefix}_cv"])
    if kind == "none":
        return Distribution.none()
    if kind == "lognormal":
        return Distribution.lognormal(mean, cv=cv)
    if kind == "deterministic":
        return Distribution.deterministic(mean)
    return Distribution.exponential(mean)


def load_profile(name: str = "bank-1999", *, directory=None) -> HistoryFit:
    """Read a profile written by `write_profile` (by default one shipped with cxqueue).

    Parameters
    ----------
    name : str
        ``"bank-1999"`` (January and February 1999) or ``"bank-1999-october"``, or a
        name in `directory`.
    directory : str or Path, optional
        Where to look instead of the shipped profiles.

    Returns
    -------
    HistoryFit
        With the forecast, distributions, shares and observed KPIs; the detail fits
        (``handle_fit``, ``patience_fit``, ...) are None.

    Raises
    ------
    ConfigError
        If there is no profile of that name.

    Examples
    --------
    >>> p = load_profile("bank-1999")
    >>> p.forecast.n_intervals, p.forecast.interval_s, p.handle.kind
    (672, 900.0, 'lognormal')
    """
    d = PROFILE_DIR if directory is None else Path(directory)
    table, params = d / f"{name}.csv", d / f"{name}-params.csv"
    if not (table.is_file() and params.is_file()):
        names = ", ".join(repr(n) for n in available_profiles(d)) or "none"
        raise ConfigError(f"name must be a profile in {d}; got {name!r} (available: {names})")
    with params.open(newline="") as fh:
        p = {r["key"]: r["value"] for r in csv.DictReader(fh)}
    with table.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    col = {c: np.array([_num(r[c]) for r in rows]) for c in INTERVAL_COLUMNS[2:]}
    interval_s = float(p["interval_s"])
    start_s = float(col["start_s"][0]) if rows else 0.0
    forecast = Forecast(calls=col["calls"], aht_s=col["aht_s"], interval_s=interval_s, start_s=start_s)
    arrays = {k: col[k] for k in OBSERVED_COLUMNS}
    arrays["offered"] = col["served"] + col["abandoned"]
    for a in arrays.values():
        a.setflags(write=False)
    observed = ObservedKPIs(
        interval_s=interval_s, start_s=start_s, by="weekday", answer_within_s=float(p["answer_within_s"]), **arrays
    )
    levels = tuple(int(x) for x in p["priority_levels"].split(";") if x)
    shares = tuple(float(x) for x in p["priority_shares"].split(";") if x)
    return HistoryFit(
        forecast=forecast,
        handle=_dist(p, "handle"),
        patience=_dist(p, "patience"),
        ivr=_dist(p, "ivr"),
        ivr_only_share=float(p["ivr_only_share"]),
        redial_share=_num(p["redial_share"]),
        redial_after_abandoned=_num(p["redial_after_abandoned"]),
        redial_window_s=float(p["redial_window_s"]),
        priority_levels=levels,
        priority_shares=shares,
        observed=observed,
        source=f"profile {name} ({p['source']})",
        n_days=int(p["n_days"]),
    )


def build_bank_profiles(data_dir, out_dir=PROFILE_DIR) -> list[Path]:
    """Fit and write the shipped bank profiles from ../shared/data/anonymous-bank-1999."""
    from cxqueue.data.bank1999 import read_bank_log
    from cxqueue.data.history import concat_histories

    data_dir = Path(data_dir)
    written = []
    for name, files in SOURCES.items():
        h = concat_histories([read_bank_log(data_dir / f) for f in files])
        written.extend(write_profile(fit_history(h), out_dir, name))
    return written


def main(argv=None) -> int:  # pragma: no cover - a maintenance script
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m cxqueue.data.profiles <anonymous-bank-1999 folder>", file=sys.stderr)
        return 2
    for path in build_bank_profiles(argv[0]):
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
