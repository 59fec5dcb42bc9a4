"""Quadratics: the model every smooth function resembles near a minimum."""

from __future__ import annotations

import numpy as np

from dlopt import _checks
from dlopt.problems._base import Analytic, critical


class Quadratic(Analytic):
    r"""The quadratic J(θ) = ½ θᵀAθ − bᵀθ with symmetric A.

    Gradient Aθ − b, Hessian A. When A is positive definite the unique
    minimizer is θ* = A⁻¹b with value −½ bᵀA⁻¹b. Every smooth function looks
    like this near a minimum (its second-order Taylor model), which is why
    the rates of the algorithms are derived on it
    :cite:p:`goodfellow2016deep,nocedal2006numerical`.
    """

    def __init__(self, A, b=None):
        A = _checks.finite_array("A", np.asarray(A, dtype=float))
        if A.ndim != 2 or A.shape[0] != A.shape[1]:
            raise ValueError(f"A must be a square matrix, got shape {A.shape}")
        if not np.allclose(A, A.T, rtol=1e-12, atol=1e-12):
            raise ValueError("A must be symmetric (A == A.T)")
        d = A.shape[0]
        b = np.zeros(d) if b is None else np.asarray(b, dtype=float)
        self.A = A
        self.b = _checks.finite_array("b", b, (d,))

    @property
    def dim(self) -> int:
        """The number of parameters d."""
        return self.A.shape[0]

    def _value(self, P):
        return 0.5 * np.sum((P @ self.A) * P, axis=-1) - P @ self.b

    def _grad(self, theta):
        return self.A @ theta - self.b

    def _hessian(self, theta):
        return self.A.copy()

    def hessian(self, theta=None) -> np.ndarray:
        """A, the same at every θ (so θ may be omitted)."""
        return self.A.copy() if theta is None else super().hessian(theta)

    @property
    def minimizer(self) -> np.ndarray:
        """θ* = A⁻¹b (solved, not inverted); A must be positive definite."""
        if self.eigenvalues[0] <= 0:
            raise ValueError("the quadratic has no unique minimizer: A is not positive definite")
        return np.linalg.solve(self.A, self.b)

    @property
    def minimizers(self) -> tuple[np.ndarray, ...]:
        """(θ*,) when A is positive definite, else () (J is then unbounded below or flat)."""
        return (self.minimizer,) if self.eigenvalues[0] > 0 else ()

    @property
    def critical_points(self):
        """The one solution of Aθ = b when A is nonsingular, classified by the signs of eig(A)."""
        lam = self.eigenvalues
        if np.any(lam == 0):
            return ()
        kind = "global minimum" if lam[0] > 0 else "maximum" if lam[-1] < 0 else "saddle"
        return critical(np.linalg.solve(self.A, self.b), kind=kind)

    @property
    def eigenvalues(self) -> np.ndarray:
        """Eigenvalues of A in increasing order."""
        return np.linalg.eigvalsh(self.A)

    @property
    def condition_number(self) -> float:
        """κ = λ_max / λ_min of a positive-definite A."""
        lam = self.eigenvalues
        if lam[0] <= 0:
            raise ValueError("the condition number needs a positive-definite A")
        return float(lam[-1] / lam[0])


def quadratic_with_condition(kappa: float, dim: int = 2, *, seed: int = 0, rotate: bool = True):
    """A positive-definite :class:`Quadratic` in ``dim`` dimensions with condition number κ.

    The eigenvalues are spread log-uniformly from 1 to κ (both ends included), the
    eigenvectors are a random rotation drawn from ``seed`` (or the coordinate
    axes when ``rotate=False``) and b = 0, so the minimizer is the origin.
    """
    kappa = _checks.positive("kappa", kappa)
    if kappa < 1:
        raise ValueError(f"kappa must be >= 1, got kappa={kappa!r}")
    dim = _checks.positive_int("dim", dim)
    eigenvalues = np.geomspace(1.0, kappa, dim) if dim > 1 else np.array([1.0])
    if rotate:
        rng = np.random.default_rng(seed)
        Q, R = np.linalg.qr(rng.standard_normal((dim, dim)))
        Q = Q * np.sign(np.diag(R))
    else:
        Q = np.eye(dim)
    A = (Q * eigenvalues) @ Q.T
    return Quadratic(0.5 * (A + A.T))
