"""Time one slider redraw of the live explorer: the number the redraw-speed target is about.

One redraw = rerun 500 steps of an optimizer on the Rosenbrock function, move
the trajectory and loss-curve lines, draw the canvas with Agg and encode the
PNG the widget shows (exactly :meth:`dlopt.widgets.Explorer.redraw`). The
learning rate changes on every redraw, as when a slider moves. Prints the
median over the redraws; the target is under 150 ms.

Run: ``MPLBACKEND=Agg .venv/bin/python benchmarks/widget_redraw.py``
"""

import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np

from dlopt.optim import SGD
from dlopt.problems import Rosenbrock
from dlopt.widgets import explore

REDRAWS = 20
STEPS = 500


def main() -> None:
    explorer = explore(
        Rosenbrock(), SGD, theta0=[-1.2, 1.0], steps=STEPS, xlim=(-2, 2), ylim=(-1, 3),
        hyperparameters={"lr": 1e-3}, log_levels=True,
    )  # fmt: skip
    lr = explorer.sliders["lr"]
    times = []
    for value in np.geomspace(5e-4, 2e-3, REDRAWS):
        start = time.perf_counter()
        lr.value = float(value)  # the observer reruns and redraws synchronously
        times.append(time.perf_counter() - start)
    assert len(explorer.panel.path.get_xdata()) == STEPS + 1
    median = statistics.median(times) * 1e3
    print(f"one redraw ({STEPS} SGD steps on Rosenbrock, lines, Agg draw, PNG), median of "
          f"{REDRAWS}: {median:.1f} ms (min {min(times) * 1e3:.1f}, max {max(times) * 1e3:.1f}); "
          f"target < 150 ms")  # fmt: skip


if __name__ == "__main__":
    main()
