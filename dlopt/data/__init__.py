"""dlopt.data: small data sets and minibatch sampling.

A :class:`Dataset` holds frozen arrays ``X`` and ``y`` and splits itself
deterministically; :func:`minibatches` yields the index arrays of one epoch.
Synthetic sets (:mod:`dlopt.data.synthetic`) are drawn from a seed; the one
real set, :func:`digits`, ships inside the package.
"""

from dlopt.data.dataset import Dataset, as_generator, minibatches
from dlopt.data.digits import digits
from dlopt.data.synthetic import blobs, linear_regression, memory_task, spirals, two_moons

__all__ = [
    "Dataset",
    "as_generator",
    "blobs",
    "digits",
    "linear_regression",
    "memory_task",
    "minibatches",
    "spirals",
    "two_moons",
]
