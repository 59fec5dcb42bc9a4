"""Objectives: the functions the optimizers minimize.

The objective protocol
----------------------
An *objective* is any object with

- ``value(theta) -> float``: the loss J(θ);
- ``grad(theta) -> ndarray``: the gradient ∇J(θ), same shape as θ;

and optionally

- ``hessian(theta) -> ndarray``: the matrix ∇²J(θ) of shape (d, d);
- ``value_and_grad(theta) -> (float, ndarray)``: both at once, when sharing work pays.

Analytic test functions here and a network's loss on a minibatch
(:mod:`dlopt.nn`) are objectives alike, so every optimizer runs on both.
"""

from __future__ import annotations

import numpy as np

from dlopt import _checks


class Quadratic:
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

    def value(self, theta) -> float:
        theta = np.asarray(theta)
        return float(0.5 * theta @ self.A @ theta - self.b @ theta)

    def grad(self, theta) -> np.ndarray:
        theta = np.asarray(theta)
        return (self.A @ theta - self.b).astype(theta.dtype, copy=False)

    def value_and_grad(self, theta):
        return self.value(theta), self.grad(theta)

    def hessian(self, theta=None) -> np.ndarray:
        return self.A.copy()

    @property
    def minimizer(self) -> np.ndarray:
        """θ* = A⁻¹b (solved, not inverted); A must be positive definite."""
        if np.linalg.eigvalsh(self.A)[0] <= 0:
            raise ValueError("the quadratic has no unique minimizer: A is not positive definite")
        return np.linalg.solve(self.A, self.b)

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
