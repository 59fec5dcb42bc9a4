"""Meta-algorithms: general strategies around an optimizer (textbook section 8.7).

- :mod:`dlopt.meta.batchnorm`: batch normalization, a :mod:`dlopt.nn` layer;
- :mod:`dlopt.meta.averaging`: Polyak averaging of the iterates (arithmetic, EMA);
- :mod:`dlopt.meta.coordinate`: coordinate and block coordinate descent;
- :mod:`dlopt.meta.continuation`: Gaussian-blurred objectives solved blurriest first;
- :mod:`dlopt.meta.curriculum`: easy-to-hard minibatch samplers for :func:`dlopt.fit`.
"""

from dlopt.meta.averaging import Averaged, polyak_average
from dlopt.meta.batchnorm import BatchNorm
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
