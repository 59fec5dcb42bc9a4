"""Time one slider redraw of the live explorer: the number the redraw-speed target is about.

One redraw = rerun 500 steps of an optimizer on the Rosenbrock function, move
the trajectory and loss-curve lines, draw the canvas with Agg and encode the
PNG the widget shows (exactly :meth:`dlopt.interactive.widgets.Explorer.redraw`). The
learning rate changes on every redraw, as when a slider moves. Prints the
median over the redraws; the target is under 150 ms.

For SGD and Momentum. Run: ``MPLBACKEND=Agg .venv/bin/python benchmarks/widget_redraw.py``
"""

import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np

from dlopt.interactive.widgets import explore
from dlopt.optim import SGD, Momentum
from dlopt.problems import Rosenbrock

REDRAWS = 20
STEPS = 500


def median_redraw(optimizer_class) -> tuple[float, float, float]:
    """Median, min and max redraw time in ms while the ``lr`` slider moves."""
    explorer = explore(
        Rosenbrock(), optimizer_class, theta0=[-1.2, 1.0], steps=STEPS, xlim=(-2, 2),
        ylim=(-1, 3), values={"lr": 1e-3}, log_levels=True,
    )  # fmt: skip
    times = []
    for value in np.geomspace(5e-4, 2e-3, REDRAWS):
        start = time.perf_counter()
        explorer.sliders["lr"].value = float(value)  # the observer reruns and redraws
        times.append(time.perf_counter() - start)
    assert len(explorer.panel.path.get_xdata()) == STEPS + 1
    return statistics.median(times) * 1e3, min(times) * 1e3, max(times) * 1e3


def main() -> None:
    for optimizer_class in (SGD, Momentum):
        median, low, high = median_redraw(optimizer_class)
        print(
            f"{optimizer_class.__name__}: one redraw ({STEPS} steps on Rosenbrock, lines, Agg "
            f"draw, PNG), median of {REDRAWS}: {median:.1f} ms (min {low:.1f}, max {high:.1f}); "
            "target < 150 ms"
        )


if __name__ == "__main__":
    main()
