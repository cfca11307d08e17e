"""``cxqueue plot`` never averages over a grid key it does not show, keeps fractions' bands in [0, 1], and
writes beside its results (issue 12).

The sweep is configs/sweeps/example-analytic.toml, plotted as the README writes it:
``cxqueue plot RESULTS --x agents --y service_level --hue KEY``. Its grid crosses agents, the
patience and a zip of load and handle time, so with ``--hue mean_patience_s`` three points (one per
load) share each agents value; the figure averaged them, and their Student-t band (t = 4.30 with
two degrees of freedom) ran from -0.5 to 1.17.
"""

from __future__ import annotations

import numpy as np
import pytest

from cxqueue.cli import EXIT_OK, EXIT_USAGE, main
from cxqueue.exceptions import ConfigError
from cxqueue.plots import grouped_lines
from cxqueue.sweep import load_spec, run_sweep
from cxqueue.sweep.plot import filter_table, plot_results
from tests.conftest import REPO


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("results") / "example-analytic.sqlite"
    spec = load_spec(REPO / "configs" / "sweeps" / "example-analytic.toml")
    res = run_sweep(spec, store=path, jobs=1, progress=False)
    assert res.n_ok == 21 * 3 * 3
    return path


def test_the_readme_plot_refuses_to_average_over_an_unplotted_grid_key(store, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    argv = ["plot", str(store), "--x", "agents", "--y", "service_level", "--hue", "mean_patience_s"]
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert (
        "up to 3 points share each value of --x agents, --hue mean_patience_s: the figure would average them over "
        "aht_s and offered_load, which it does not show (aht_s takes 162, 180, 198; offered_load takes 9, 10, 11); "
        "draw them apart with --hue aht_s or --facet aht_s, or keep one value with --where aht_s=162"
    ) in err
    assert list(tmp_path.iterdir()) == []  # no figure written in the working directory
    # its CSV export does not say which columns are grid keys: they come first, and the first that splits is named
    from cxqueue.sweep import ResultStore

    with ResultStore(store) as db:
        csv = db.export_csv(tmp_path / "r.csv")
    assert main([*argv[:1], str(csv), *argv[2:]]) == EXIT_USAGE
    assert "the figure would average them over aht_s, which it does not show" in capsys.readouterr().err


def test_facet_or_where_draws_it_beside_the_results_not_in_the_working_directory(store, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    argv = ["plot", str(store), "--x", "agents", "--y", "service_level", "--hue", "mean_patience_s"]
    assert main([*argv, "--facet", "offered_load"]) == EXIT_OK
    beside = store.with_name("example-analytic-service_level-vs-agents.png")
    assert f"wrote {beside}" in capsys.readouterr().out
    assert beside.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and list(tmp_path.iterdir()) == []
    res = plot_results(store, x="agents", y="service_level", hue="mean_patience_s", where=["offered_load=10"],
                       output=tmp_path / "w.png")  # fmt: skip
    assert res.n_points == 21 * 3 and res.path == tmp_path / "w.png" and res.path.stat().st_size > 1000


def test_where_names_what_it_cannot_keep(store):
    with pytest.raises(ConfigError, match="--where offered_load=12 leaves no point to plot; offered_load takes 9, 10"):
        plot_results(store, x="agents", y="service_level", where=["offered_load=12"])
    with pytest.raises(ConfigError, match=r"--where must be KEY=VALUE \(e.g. offered_load=10\); got 'offered_load'"):
        filter_table({"offered_load": np.array([9.0])}, ["offered_load"])


def _band_y(ax) -> np.ndarray:
    return np.concatenate([p.vertices[:, 1] for c in ax.collections for p in c.get_paths()])


def test_bands_of_fractions_stay_within_0_1():
    # repeated runs at each x (a legitimate average): the t-band of [0.90, 1.00, 0.97] reaches 1.09
    t = {"agents": [10, 10, 10, 11, 11, 11], "service_level": [0.90, 1.00, 0.97, 0.02, 0.10, 0.0]}
    band = _band_y(grouped_lines(t, x="agents", y="service_level"))
    assert band.min() == 0.0 and band.max() == 1.0
    # a simulation's own interval from an older store, unclipped
    t = {"agents": [10, 11], "sl_offered": [0.99, 0.5], "sl_offered_ci_low": [0.95, 0.45],
         "sl_offered_ci_high": [1.03, 0.55]}  # fmt: skip
    assert _band_y(grouped_lines(t, x="agents", y="sl_offered")).max() == 1.0
    # not a fraction: left as it is
    t = {"agents": [10, 10, 11, 11], "asa_s": [1.0, 30.0, 2.0, 3.0]}
    assert _band_y(grouped_lines(t, x="agents", y="asa_s")).min() < 0.0
