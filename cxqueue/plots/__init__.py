"""Figures: lines with confidence bands, heatmaps, Pareto fronts, and faceted sweep plots.

matplotlib is imported here and nowhere else in cxqueue. Every function takes plain
data (arrays, or a table: a dict of equal-length columns as
:func:`cxqueue.sweep.load_table` returns) and an optional ``ax``; without one it draws
on a new figure. Without a display, the non-interactive Agg backend is used.

* `aggregate`, `line_with_band`, `heatmap`, `pareto_front`, `pareto_plot` (``charts``): arrays in;
* `grouped_lines`, `sweep_figure` (``sweeps``): a results table in; `fraction_limits` keeps a
  fraction's bands in [0, 1].
"""

from __future__ import annotations

import os
import sys

import matplotlib

if (
    "matplotlib.pyplot" not in sys.modules
    and not os.environ.get("MPLBACKEND")
    and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    and sys.platform.startswith("linux")
):
    matplotlib.use("Agg")

# after choosing the backend
from cxqueue.plots.charts import _new_ax as _new_ax  # the axes cxqueue.plan.figures draws on
from cxqueue.plots.charts import aggregate, heatmap, line_with_band, pareto_front, pareto_plot
from cxqueue.plots.sweeps import fraction_limits, grouped_lines, sweep_figure

__all__ = [
    "aggregate",
    "fraction_limits",
    "grouped_lines",
    "heatmap",
    "line_with_band",
    "pareto_front",
    "pareto_plot",
    "sweep_figure",
]
