"""Wells: a low-dimensional landscape with a poor local minimum."""

from __future__ import annotations

import numpy as np

from dlopt import _checks
from dlopt.problems._base import Analytic, critical

#: Above this tilt the shallow well disappears: the cubic 4x³ − 4x + τ has one real root.
MAX_TILT = 8 / (3 * np.sqrt(3))


class TiltedDoubleWell(Analytic):
    r"""Two wells of unequal depth: J(x, y) = (x² − 1)² + τx + ½y².

    Gradient (4x³ − 4x + τ, y), Hessian diag(12x² − 4, 1). For 0 < τ < 8/(3√3)
    ≈ 1.54 (``tilt`` τ) the cubic 4x³ − 4x + τ = 0 has three real roots, in
    closed form (the trigonometric solution of a depressed cubic)

        x_k = (2/√3) cos(⅓ arccos(−3√3 τ/8) − 2πk/3),  k = 0, 1, 2:

    x₂ < −1 is the global minimum (the deeper well, J ≈ −τ), x₀ < 1 a poor
    local minimum (J ≈ +τ) and x₁ between them a saddle (a maximum along x).
    With the default τ = 0.5 they are x ≈ −1.057, 0.930 and 0.127, with values
    ≈ −0.515, 0.483 and 1.032: gradient descent from any x > 0.127 settles in
    the poor well. The textbook's point in two dimensions: a local method has no
    way to know a better minimum lies beyond the ridge :cite:p:`goodfellow2016deep`.
    """

    dim = 2

    def __init__(self, tilt: float = 0.5):
        self.tilt = _checks.positive("tilt", tilt)
        if self.tilt >= MAX_TILT:
            raise ValueError(
                f"tilt must be < 8/(3√3) ≈ {MAX_TILT:.4f} for two wells, got tilt={tilt!r}"
            )
        k = np.arange(3)
        angle = np.arccos(-3 * np.sqrt(3) * self.tilt / 8) / 3
        poor, ridge, best = 2 / np.sqrt(3) * np.cos(angle - 2 * np.pi * k / 3)
        self.minimizers = (np.array([best, 0.0]),)
        self.local_minimizer = np.array([poor, 0.0])
        self.critical_points = (
            critical(*self.minimizers, kind="global minimum")
            + critical(self.local_minimizer, kind="local minimum")
            + critical([ridge, 0.0], kind="saddle")
        )

    def _value(self, P):
        x, y = P[..., 0], P[..., 1]
        return (x**2 - 1) ** 2 + self.tilt * x + 0.5 * y**2

    def _grad(self, theta):
        x, y = theta
        return np.array([4 * x**3 - 4 * x + self.tilt, y])

    def _hessian(self, theta):
        return np.diag([12 * theta[0] ** 2 - 4, 1.0])
