"""dlopt: optimization for deep learning, small, readable and tested.

The package behind the dlopt book. Objectives live in :mod:`dlopt.problems`,
algorithms in :mod:`dlopt.optim`, and :func:`dlopt.minimize` runs one on the other.
"""

from dlopt import check, clipping, curvature, data, init, meta, nn, optim, plot, problems, schedules
from dlopt.train import Record, fit, minimize

__version__ = "0.1.0"
__all__ = [
    "Record",
    "check",
    "clipping",
    "curvature",
    "data",
    "fit",
    "init",
    "meta",
    "minimize",
    "nn",
    "optim",
    "plot",
    "problems",
    "schedules",
]
