"""``cxqueue import``: call history in, a profile (forecast and fitted parameters) out.

Call logs (the bank format or a call CSV) are fitted with `fit_history` and written as a
profile (`write_profile`: ``<name>.csv`` and ``<name>-params.csv``) that a config's
``[demand].profile``-style use or `load_profile` reads back. One interval-count file gives
a forecast CSV (``interval,start_s,calls,aht_s``) instead. Nothing is written, and no
folder created, until every file has been read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cxqueue import _validation as v
from cxqueue.data.bundle import HistoryFit, fit_history
from cxqueue.data.detect import read_history
from cxqueue.data.estimate import _interval_iv, estimate_forecast
from cxqueue.data.history import CallHistory, ImportReport, concat_histories
from cxqueue.data.profiles import write_profile
from cxqueue.exceptions import ConfigError
from cxqueue.scenario import Forecast

__all__ = ["ImportResult", "import_history"]


@dataclass(frozen=True, eq=False)
class ImportResult:
    """What `import_history` wrote: the files, the forecast, the fit (call logs only) and each file's report."""

    name: str
    files: dict[str, Path]
    forecast: Forecast
    fit: HistoryFit | None
    reports: tuple[ImportReport, ...]
    interval_s: float

    def describe(self) -> str:
        """Two lines for a person: what was written, and the headline figures."""
        f = self.forecast
        if self.fit is None:
            return f"wrote {self.files['forecast_csv']} ({f.n_intervals} intervals)"
        fit = self.fit
        return (
            f"wrote {self.files['forecast_csv']} (calls and AHT per weekday and {self.interval_s:g} s) and "
            f"{self.files['parameters_csv']}\n"
            f"  {f.calls.sum():.0f} calls per mean week; handle {fit.handle.kind} mean {fit.handle.mean_s:.1f} s "
            f"cv {fit.handle.cv:.2f}; patience {fit.patience.kind} mean {fit.patience.mean_s:.0f} s; "
            f"redial share {fit.redial_share:.3f}"
        )

    def to_dict(self) -> dict:
        return {**{key: str(path) for key, path in self.files.items()}, "name": self.name}


def _write_forecast_csv(f: Forecast, path: Path) -> None:
    rows = ["interval,start_s,calls,aht_s"] + [
        f"{i},{s:.0f},{c:.6g},{a:.6g}"
        for i, (s, c, a) in enumerate(zip(f.interval_starts_s, f.calls, f.aht_s, strict=True))
    ]
    path.write_text("\n".join(rows) + "\n")


def import_history(
    paths, out, *, name: str = "profile", interval_s: float = 900.0, aht_s: float | None = None
) -> ImportResult:
    """Read call logs (or one interval-count file) and write a profile (or a forecast CSV) to ``out``.

    Parameters
    ----------
    paths : sequence of path
        Call logs in the bank format or as call CSVs (fitted together), or one interval-count CSV.
    out : path
        Folder to write to (created once every file has been read).
    name : str
        File name stem.
    interval_s : float
        Interval of the forecast, seconds.
    aht_s : float, optional
        Mean handle time for interval counts that carry none.

    Returns
    -------
    ImportResult

    Raises
    ------
    ConfigError
        A file that cannot be read, or interval counts mixed with other files.

    Examples
    --------
    >>> from cxqueue.data._examples import example_csv
    >>> p = example_csv()
    >>> r = import_history([p], p.parent / "out", name="toy")
    >>> sorted(f.name for f in (p.parent / "out").iterdir()), r.fit.patience.mean_s
    (['toy-params.csv', 'toy.csv'], 80.0)
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise ConfigError("paths must name at least one call log or interval-count file; got none")
    # everything is checked before anything is created
    if not isinstance(name, str) or name in ("", ".", "..") or Path(name).name != name or "\\" in name:
        raise ConfigError(f"name must be a plain file name stem (no folder, not empty); got {name!r}")
    if aht_s is not None:
        v.positive_array("aht_s", aht_s)
    _interval_iv(interval_s)
    if Path(out).exists() and not Path(out).is_dir():
        raise ConfigError(f"out {out} exists and is not a folder")
    histories = [read_history(p) for p in paths]
    reports = tuple(h.report for h in histories)
    outdir = Path(out)
    if all(isinstance(h, CallHistory) for h in histories):
        fit = fit_history(concat_histories(histories) if len(histories) > 1 else histories[0], interval_s=interval_s)
        table, params = write_profile(fit, outdir, name)
        files = {"forecast_csv": table, "parameters_csv": params}
        return ImportResult(name, files, fit.forecast, fit, reports, float(interval_s))
    if len(histories) > 1:
        counts = [str(p) for p, h in zip(paths, histories, strict=True) if not isinstance(h, CallHistory)]
        raise ConfigError(
            f"{', '.join(counts)}: interval counts are imported alone; import takes several call logs, "
            f"or one interval-count file (got {len(paths)} files)"
        )
    forecast = estimate_forecast(histories[0], interval_s=interval_s, aht_s=aht_s)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / f"{name}.csv"
    _write_forecast_csv(forecast, path)
    return ImportResult(name, {"forecast_csv": path}, forecast, None, reports, float(interval_s))
