"""Objectives: the functions the optimizers minimize.

The objective protocol
----------------------
An *objective* (:class:`dlopt.objective.Objective`) is any object with

- ``value(theta) -> float``: the loss J(θ);
- ``grad(theta) -> ndarray``: the gradient ∇J(θ), same shape as θ;

and optionally

- ``hessian(theta) -> ndarray``: the matrix ∇²J(θ) of shape (d, d);
- ``value_and_grad(theta) -> (float, ndarray)``: both at once, when sharing work pays.

Analytic test functions here and a network's loss on a minibatch
(:mod:`dlopt.nn`) are objectives alike, so every optimizer runs on both.

The analytic functions (subclasses of :class:`Analytic`) also carry
``minimizers`` (the known global minimizers), ``minimizer`` (when there is exactly
one), ``critical_points`` (:class:`CriticalPoint` tuples of θ and kind) and, in
two dimensions, ``value_grid(X, Y)`` for contour plots. One module per kind:
:mod:`~dlopt.problems.quadratic`, :mod:`~dlopt.problems.valleys`,
:mod:`~dlopt.problems.saddles`, :mod:`~dlopt.problems.cliffs`,
:mod:`~dlopt.problems.wells`.
"""

from dlopt.problems._base import Analytic, CriticalPoint
from dlopt.problems.cliffs import Cliff
from dlopt.problems.quadratic import Quadratic, quadratic_with_condition
from dlopt.problems.saddles import MonkeySaddle, Saddle
from dlopt.problems.valleys import Beale, Rosenbrock
from dlopt.problems.wells import TiltedDoubleWell

__all__ = [
    "Analytic",
    "Beale",
    "Cliff",
    "CriticalPoint",
    "MonkeySaddle",
    "Quadratic",
    "Rosenbrock",
    "Saddle",
    "TiltedDoubleWell",
    "quadratic_with_condition",
]
