"""Meta-algorithms: general strategies around an optimizer (textbook section 8.7).

- :mod:`dlopt.meta.averaging`: Polyak averaging of the iterates (arithmetic, EMA);
- :mod:`dlopt.meta.coordinate`: coordinate and block coordinate descent;
- :mod:`dlopt.meta.continuation`: Gaussian-blurred objectives solved blurriest first;
- :mod:`dlopt.meta.curriculum`: easy-to-hard minibatch samplers for :func:`dlopt.fit`.

Batch normalization, the chapter's other meta-algorithm, is a layer: it lives in
:mod:`dlopt.nn.batchnorm`, and ``dlopt.meta.BatchNorm`` is :class:`dlopt.nn.BatchNorm`.
"""

from dlopt.meta.averaging import Averaged, polyak_average
from dlopt.meta.continuation import (
    BlurredQuadratic,
    ContinuationPath,
    MonteCarloBlur,
    Rippled,
    continuation,
    gaussian_blur,
    gaussian_family,
)
from dlopt.meta.coordinate import CoordinateDescent, coordinate_descent, coupled_quadratic
from dlopt.meta.curriculum import Curriculum
from dlopt.nn.batchnorm import BatchNorm  # a layer; re-exported for the chapter

__all__ = [
    "Averaged",
    "BatchNorm",
    "BlurredQuadratic",
    "ContinuationPath",
    "CoordinateDescent",
    "Curriculum",
    "MonteCarloBlur",
    "Rippled",
    "continuation",
    "coordinate_descent",
    "coupled_quadratic",
    "gaussian_blur",
    "gaussian_family",
    "polyak_average",
]
