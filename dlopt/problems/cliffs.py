"""Cliffs: a steep wall on which one gradient step throws the parameters far away."""

from __future__ import annotations

import numpy as np

from dlopt import _checks
from dlopt.problems._base import Analytic, critical


class Cliff(Analytic):
    r"""A gentle bowl with a steep wall across it: the cliff of the exploding-gradient story.

    J(x, y) = ½(x² + y²) + (h/2)·[1 + tanh((x − c)/w)]

    with ``height`` h (the rise of the wall), ``width`` w (its thickness) and
    ``position`` c > 0 (the line x = c it runs along). Left of the wall lies the
    bowl with its minimum; right of it a plateau h higher. On the wall the slope
    reaches h/(2w) (50 with the defaults, against at most a few units for the
    bowl), so a gradient step of length ε·h/(2w) that was right for the bowl
    catapults θ far past the minimum: gradient descent with lr = 0.2 from
    (3, 2) reaches the cliff edge at x ≈ 1.53 in three steps and the fourth
    throws it to x ≈ −8.1, four times farther from the minimizer than before.
    Clipping the gradient norm tames exactly this step
    :cite:p:`pascanu2013difficulty,goodfellow2016deep`.

    With t = tanh((x − c)/w) the gradient is (x + (h/2w)(1 − t²), y) and the
    Hessian diag(1 − (h/w²) t (1 − t²), 1). The tanh form is the logistic
    sigmoid σ(2(x − c)/w) rescaled, written so that nothing overflows. The
    unique minimizer (x*, 0) has x* slightly below 0 (the wall's tail tilts
    the bowl); it is found by bisection to machine precision, since c > 0 makes
    x + (h/2w)(1 − t²) increasing on x < c and positive on x ≥ 0.
    """

    dim = 2

    def __init__(self, height: float = 10.0, width: float = 0.1, position: float = 1.5):
        self.height = _checks.positive("height", height)
        self.width = _checks.positive("width", width)
        self.position = _checks.positive("position", position)
        self.minimizers = (np.array([self._bisect_minimum(), 0.0]),)
        self.critical_points = critical(*self.minimizers, kind="global minimum")

    def _tanh(self, x):
        return np.tanh((x - self.position) / self.width)

    def _value(self, P):
        x, y = P[..., 0], P[..., 1]
        return 0.5 * (x**2 + y**2) + 0.5 * self.height * (1 + self._tanh(x))

    def _grad(self, theta):
        x, y = theta
        t = self._tanh(x)
        return np.array([x + self.height / (2 * self.width) * (1 - t**2), y])

    def _hessian(self, theta):
        t = self._tanh(theta[0])
        return np.diag([1 - self.height / self.width**2 * t * (1 - t**2), 1.0])

    def _bisect_minimum(self) -> float:
        """The root of ∂J/∂x on [−h/(2w), 0], where the derivative changes sign."""
        lo, hi = -self.height / (2 * self.width), 0.0
        while True:
            mid = 0.5 * (lo + hi)
            if mid in (lo, hi):
                return hi
            lo, hi = (mid, hi) if self._grad(np.array([mid, 0.0]))[0] < 0 else (lo, mid)
