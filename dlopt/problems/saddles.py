"""Saddles: critical points that are not minima, one ordinary and one degenerate."""

from __future__ import annotations

import numpy as np

from dlopt.problems._base import Analytic, critical


class Saddle(Analytic):
    r"""The saddle J(x, y) = x² − y².

    Gradient (2x, −2y), Hessian diag(2, −2) everywhere. The origin is its only
    critical point: a minimum along x, a maximum along y, so the Hessian has
    eigenvalues of both signs. Gradient descent started exactly on the x-axis
    converges to the saddle; any offset in y grows by the factor 1 + 2ε per step
    and escapes, while an unmodified Newton step jumps straight onto the saddle
    :cite:p:`goodfellow2016deep`. J is unbounded below, so there is no minimizer.
    """

    dim = 2
    critical_points = critical([0.0, 0.0], kind="saddle")

    def _value(self, P):
        return P[..., 0] ** 2 - P[..., 1] ** 2

    def _grad(self, theta):
        return np.array([2.0, -2.0]) * theta

    def _hessian(self, theta):
        return np.diag([2.0, -2.0])


class MonkeySaddle(Analytic):
    r"""The monkey saddle J(x, y) = x³ − 3xy², a degenerate critical point.

    Gradient (3x² − 3y², −6xy), Hessian [[6x, −6y], [−6y, −6x]]. At the origin
    both gradient and Hessian vanish, so the second-order test says nothing:
    J = r³ cos 3φ in polar coordinates falls along three directions (φ = π/3,
    π, 5π/3) and rises along three others. Second-order methods see a flat
    model there :cite:p:`goodfellow2016deep,nocedal2006numerical`. J is unbounded
    below, so there is no minimizer.
    """

    dim = 2
    critical_points = critical([0.0, 0.0], kind="degenerate")

    def _value(self, P):
        x, y = P[..., 0], P[..., 1]
        return x**3 - 3 * x * y**2

    def _grad(self, theta):
        x, y = theta
        return np.array([3 * x**2 - 3 * y**2, -6 * x * y])

    def _hessian(self, theta):
        x, y = theta
        return np.array([[6 * x, -6 * y], [-6 * y, -6 * x]])
