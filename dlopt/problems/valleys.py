"""Curved valleys: functions whose minimum sits at the bottom of a long, bending trough."""

from __future__ import annotations

import numpy as np

from dlopt import _checks
from dlopt.problems._base import Analytic, critical


class Rosenbrock(Analytic):
    r"""The n-dimensional Rosenbrock function (the chained "sum" form).

    J(θ) = Σ_{i=1}^{d−1} [ b (θ_{i+1} − θ_i²)² + (a − θ_i)² ],  d = ``dim`` ≥ 2.

    Gradient, with u_i = θ_{i+1} − θ_i²: ∂J/∂θ_i = −4b θ_i u_i − 2(a − θ_i) for
    i < d, plus 2b u_{i−1} for i > 1. The Hessian is tridiagonal: diagonal
    12bθ_i² − 4bθ_{i+1} + 2 (i < d) plus 2b (i > 1), off-diagonal −4bθ_i.

    The global minimum J = 0 is at (a, a²) when d = 2 and at (a, …, a) when
    a ∈ {0, 1} (the default a = 1 gives the all-ones vector); for other a and
    d ≥ 3 no closed form is known and ``minimizers`` is empty. The valley
    θ_{i+1} = θ_i² is narrow (the Hessian at (1, 1) has condition number about
    2508 for b = 100) and bends, so gradient descent zig-zags across it
    :cite:p:`rosenbrock1960automatic,more1981testing`. For 4 ≤ d ≤ 7 there is
    also a local minimum near (−1, 1, …, 1), not listed here.
    """

    def __init__(self, dim: int = 2, a: float = 1.0, b: float = 100.0):
        self.dim = _checks.positive_int("dim", dim)
        if self.dim < 2:
            raise ValueError(f"dim must be >= 2, got dim={dim!r}")
        self.a = _checks.finite_scalar("a", a)
        self.b = _checks.positive("b", b)
        if self.dim == 2:
            self.minimizers = (np.array([self.a, self.a**2]),)
        elif self.a in (0.0, 1.0):
            self.minimizers = (np.full(self.dim, self.a),)
        self.critical_points = critical(*self.minimizers, kind="global minimum")

    def _value(self, P):
        x, x_next = P[..., :-1], P[..., 1:]
        return np.sum(self.b * (x_next - x**2) ** 2 + (self.a - x) ** 2, axis=-1)

    def _grad(self, theta):
        x, u = theta[:-1], theta[1:] - theta[:-1] ** 2
        g = np.zeros_like(theta)
        g[:-1] = -4 * self.b * x * u - 2 * (self.a - x)
        g[1:] += 2 * self.b * u
        return g

    def _hessian(self, theta):
        x, x_next = theta[:-1], theta[1:]
        diagonal = np.zeros_like(theta)
        diagonal[:-1] = 12 * self.b * x**2 - 4 * self.b * x_next + 2
        diagonal[1:] += 2 * self.b
        off = -4 * self.b * x
        return np.diag(diagonal) + np.diag(off, 1) + np.diag(off, -1)


class Beale(Analytic):
    r"""Beale's function, a flat plateau cut by curved valleys.

    J(x, y) = Σ_{i=1}^{3} r_i²,  r_i = c_i − x + x yⁱ,  c = (1.5, 2.25, 2.625).

    With ∇r_i = (yⁱ − 1, i x yⁱ⁻¹) the gradient is 2 Σ r_i ∇r_i and the Hessian
    2 Σ (∇r_i ∇r_iᵀ + r_i ∇²r_i), where ∇²r_i has entries 0, i yⁱ⁻¹ (mixed) and
    i(i−1) x yⁱ⁻² (in y). The global minimum J = 0 is at (3, 0.5), where every
    r_i vanishes; (0, 1) is a saddle with value 14.203125 and Hessian
    [[0, 27.75], [27.75, 0]]. The list of critical points is not exhaustive
    :cite:p:`more1981testing`.
    """

    dim = 2
    c = np.array([1.5, 2.25, 2.625])

    def __init__(self):
        self.minimizers = (np.array([3.0, 0.5]),)
        self.critical_points = critical(*self.minimizers, kind="global minimum") + critical(
            [0.0, 1.0], kind="saddle"
        )

    def _value(self, P):
        x, y = P[..., 0], P[..., 1]
        return sum((c - x + x * y**i) ** 2 for i, c in enumerate(self.c, start=1))

    def _residuals(self, theta):
        """r, the Jacobian rows ∇r_i, and the mixed and yy second derivatives of each r_i."""
        x, y = theta
        powers = y ** np.arange(4)  # 1, y, y², y³
        r = self.c - x + x * powers[1:]
        r_xy = np.arange(1, 4) * powers[:3]  # i yⁱ⁻¹
        jac = np.column_stack([powers[1:] - 1, x * r_xy])
        r_yy = x * np.array([0.0, 2.0, 6.0 * y])  # i(i−1) x yⁱ⁻²
        return r, jac, r_xy, r_yy

    def _grad(self, theta):
        r, jac, _, _ = self._residuals(theta)
        return 2 * jac.T @ r

    def _hessian(self, theta):
        r, jac, r_xy, r_yy = self._residuals(theta)
        mixed, yy = r @ r_xy, r @ r_yy
        return 2 * (jac.T @ jac + np.array([[0.0, mixed], [mixed, yy]]))
