"""The plan's figures: the demand figure's calls per interval, one artist per day.

`figures._bars` draws touching bars as one filled step outline (the report's demand figure
draws 96 of them per day); it must give the picture `Axes.bar` gives, pixel for pixel, and
fall back to `Axes.bar` where the bars do not touch.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.patches import StepPatch

from cxqueue.plan import figures


def _pixels(draw) -> np.ndarray:
    fig = Figure(figsize=(6, 3), dpi=100)
    ax = fig.add_subplot()
    draw(ax)
    ax.set_xlim(0, 24)
    ax.set_ylim(0, 60)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def test_touching_bars_are_one_step_outline_with_the_pixels_of_axes_bar():
    rng = np.random.default_rng(3)
    left = np.arange(96) * 0.25  # a day of quarter hours
    heights = np.round(rng.uniform(0, 50, size=96))
    heights[:20] = 0.0  # closed in the morning
    new = _pixels(lambda ax: figures._bars(ax, left, heights, 0.25, color="0.82"))
    old = _pixels(lambda ax: ax.bar(left, heights, width=0.25, align="edge", color="0.82"))
    assert np.array_equal(new, old)
    ax = Figure().add_subplot()
    assert isinstance(figures._bars(ax, left, heights, 0.25, color="0.82"), StepPatch)
    assert len(ax.patches) == 1


def test_bars_that_do_not_touch_or_stand_alone_are_axes_bar():
    ax = Figure().add_subplot()
    gaps = figures._bars(ax, np.array([0.0, 1.0, 3.0]), np.array([1.0, 2.0, 3.0]), 0.25, color="0.82")
    alone = figures._bars(ax, np.array([5.0]), np.array([4.0]), 0.25, color="0.82")
    assert isinstance(gaps, BarContainer) and isinstance(alone, BarContainer)
    assert [p.get_height() for p in ax.patches] == [1.0, 2.0, 3.0, 4.0]
