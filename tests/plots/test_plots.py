"""cxqueue.plots: aggregation and Pareto fronts against brute force; figures drawn on the Agg backend."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from cxqueue import plots
from cxqueue.exceptions import ConfigError


def brute_front(a, b, minimize=(True, True)):
    a = np.asarray(a, float) * (1 if minimize[0] else -1)
    b = np.asarray(b, float) * (1 if minimize[1] else -1)
    out = []
    for i in range(a.size):
        dominated = np.any((a <= a[i]) & (b <= b[i]) & ((a < a[i]) | (b < b[i])))
        out.append(not dominated)
    return np.array(out)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("minimize", [(True, True), (True, False), (False, False)])
def test_pareto_front_matches_brute_force_with_ties(seed, minimize):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 8, size=40).astype(float)  # small integers: many ties and duplicates
    b = rng.integers(0, 8, size=40).astype(float)
    assert np.array_equal(plots.pareto_front(a, b, minimize=minimize), brute_front(a, b, minimize))


def test_aggregate_mean_and_student_t_band():
    x = [1, 1, 1, 2, 2, 3]
    y = [1.0, 2.0, 6.0, 4.0, 4.0, 7.0]
    xs, m, lo, hi = plots.aggregate(x, y, ci=0.9)
    assert xs.tolist() == [1.0, 2.0, 3.0] and m.tolist() == [3.0, 4.0, 7.0]
    half = stats.t.ppf(0.95, 2) * np.std([1, 2, 6], ddof=1) / math.sqrt(3)
    assert hi[0] - m[0] == pytest.approx(half, rel=1e-12) and m[0] - lo[0] == pytest.approx(half, rel=1e-12)
    assert lo[1] == hi[1] == 4.0  # no spread, zero width
    assert math.isnan(lo[2]) and math.isnan(hi[2])  # one value: no band
    xs, m, _, _ = plots.aggregate([1, 1, 2], [np.nan, 2.0, np.nan])
    assert m[0] == 2.0 and math.isnan(m[1])


def test_line_with_band_draws_line_and_band():
    ax = plots.line_with_band([0, 1, 2], [1.0, 2.0, 3.0], lower=[0.5, np.nan, 2.5], upper=[1.5, np.nan, 3.5])
    assert ax.lines[0].get_ydata().tolist() == [1.0, 2.0, 3.0]
    assert len(ax.collections) == 1
    ax = plots.line_with_band([0, 1], [1.0, 2.0])
    assert len(ax.collections) == 0


def test_grouped_lines_uses_band_columns_of_a_simulation():
    t = {
        "agents": np.array([10, 11, 12]),
        "sl": np.array([0.5, 0.7, 0.8]),
        "sl_ci_low": np.array([0.45, 0.66, 0.77]),
        "sl_ci_high": np.array([0.55, 0.74, 0.83]),
    }
    ax = plots.grouped_lines(t, x="agents", y="sl")
    (band,) = ax.collections
    ys = band.get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx(0.45) and ys.max() == pytest.approx(0.83)


def test_heatmap_and_pareto_plot():
    ax = plots.heatmap(np.arange(6.0).reshape(2, 3), x=[1, 2, 3], y=[0.5, 1.5], label="sl")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0.5", "1.5"]
    ax = plots.pareto_plot([1, 2, 3, 2.5], [5, 3, 1, 4], labels=["a", "b", "c", "d"], xlabel="cost")
    assert [t.get_text() for t in ax.texts] == ["a", "b", "c"] and ax.get_xlabel() == "cost"


def test_sweep_figure_facets_and_hues():
    t = {
        "agents": np.array([10, 11, 10, 11, 10, 11, 10, 11]),
        "load": np.array([8, 8, 9, 9, 8, 8, 9, 9]),
        "aht_s": np.array([150, 150, 150, 150, 180, 180, 180, 180]),
        "sl": np.linspace(0.1, 0.8, 8),
    }
    fig = plots.sweep_figure(t, x="agents", y="sl", hue="load", facet="aht_s")
    assert [ax.get_title() for ax in fig.axes] == ["aht_s=150", "aht_s=180"]
    assert [line.get_label() for line in fig.axes[0].lines] == ["load=8", "load=9"]
    assert fig.axes[1].lines[1].get_ydata().tolist() == pytest.approx([0.7, 0.8])


@pytest.mark.parametrize(
    ("call", "msg"),
    [
        (lambda: plots.aggregate([1, 2], [1.0]), "x and y must be 1-d arrays of one length; got shapes (2,) and (1,)"),
        (lambda: plots.aggregate([1], [1.0], ci=95), "ci must be a fraction in (0, 1); got 95.0 (pass 0.95 for 95%)"),
        (
            lambda: plots.aggregate([np.nan], [1.0]),
            "x must be a number, not NaN; 1 of 1 values break it (first at index 0: nan)",
        ),
        (lambda: plots.aggregate([1], ["a"]), "y must be an array of numbers; got ['a']"),
        (lambda: plots.line_with_band([1, 2], [1.0]), "x and y must have one shape; got (2,) and (1,)"),
        (lambda: plots.line_with_band([1], [1.0], lower=[0.0]), "lower and upper must be given together"),
        (
            lambda: plots.line_with_band([1], [1.0], lower=[0.0, 1.0], upper=[1.0, 2.0]),
            "lower and upper must have the shape of x (1,); got (2,) and (2,)",
        ),
        (lambda: plots.heatmap([1.0, 2.0]), "values must be a 2-d array; got shape (2,)"),
        (lambda: plots.heatmap([[1.0, 2.0]], x=[1]), "x must hold 2 labels for values of shape (1, 2); got 1"),
        (lambda: plots.pareto_front([1, 2], [1]), "x and y must be 1-d arrays of one length; got shapes (2,) and (1,)"),
        (lambda: plots.pareto_front([1], [1], minimize=(True,)), "minimize must hold two booleans, one per axis"),
        (lambda: plots.pareto_plot([1, 2], [2, 1], labels=["a"]), "labels must hold one label per point (2); got 1"),
        (lambda: plots.grouped_lines({"a": [1]}, x="b", y="a"), "column 'b' is not in the results; they hold: a"),
    ],
)
def test_plot_errors(call, msg):
    with pytest.raises(ConfigError, match=re.escape(msg)):
        call()


def test_agg_backend_without_a_display():
    env = {k: val for k, val in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    code = "import cxqueue.plots, matplotlib; print(matplotlib.get_backend())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip().lower() == "agg"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
