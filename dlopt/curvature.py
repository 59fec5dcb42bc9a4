"""Curvature at a point: Hessian spectra, Hessian-vector products, and the ill-conditioning test.

Section 2 of the notes explains ill-conditioning through the second-order
Taylor model of a gradient step θ ← θ − εg, with g = ∇J(θ) and H = ∇²J(θ):

    J(θ − εg) ≈ J(θ) − ε gᵀg + ½ ε² gᵀHg.

The step is predicted to *increase* J when ½ε²gᵀHg > εgᵀg: the curvature
term outgrows the first-order decrease :cite:p:`goodfellow2016deep,luo2020notes`.
:func:`curvature_diagnostic` reports both terms. Objectives with an exact
``hessian`` use it; for the others (networks) Hv comes from central finite
differences of gradients, two gradient evaluations per product
:cite:p:`pearlmutter1994fast`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlopt import _checks


def _theta(theta) -> np.ndarray:
    theta = _checks.finite_array("theta", np.asarray(theta, dtype=float))
    if theta.ndim != 1:
        raise ValueError(f"theta must be a 1-D vector, got shape {theta.shape}")
    return theta


def hessian_vector_product(objective, theta, v, eps: float = 1e-5) -> np.ndarray:
    """Hv ≈ ‖v‖ · (∇J(θ + εu) − ∇J(θ − εu)) / (2ε), u = v/‖v‖, by central differences.

    ``eps`` is the length of the probe step along the unit direction u, so its
    meaning does not depend on the scale of v; the error is O(ε²) times the third
    derivative, plus rounding of order (machine precision)·‖∇J‖/ε. Computed in
    float64 whatever the dtype of θ. Needs only ``objective.grad``.
    """
    theta = _theta(theta)
    v = _checks.finite_array("v", np.asarray(v, dtype=float), theta.shape)
    eps = _checks.positive("eps", eps)
    norm = np.linalg.norm(v)
    if norm == 0:
        return np.zeros_like(theta)
    u = v / norm
    return norm * (objective.grad(theta + eps * u) - objective.grad(theta - eps * u)) / (2 * eps)


def numerical_hessian(objective, theta, eps: float = 1e-5) -> np.ndarray:
    """∇²J(θ) column by column, H eᵢ by :func:`hessian_vector_product`, then symmetrized.

    Costs 2d gradient evaluations; meant for small d (a 2-D problem, a tiny network).
    """
    theta = _theta(theta)
    H = np.column_stack(
        [hessian_vector_product(objective, theta, e, eps) for e in np.eye(theta.size)]
    )
    return 0.5 * (H + H.T)


def _hessian(objective, theta) -> np.ndarray:
    """The exact Hessian when the objective has one, else the finite-difference one."""
    theta = _theta(theta)
    if hasattr(objective, "hessian"):
        return np.asarray(objective.hessian(theta), dtype=float)
    return numerical_hessian(objective, theta)


def hessian_eigenvalues(objective, theta) -> np.ndarray:
    """The eigenvalues of ∇²J(θ) in increasing order (exact Hessian when available)."""
    return np.linalg.eigvalsh(_hessian(objective, theta))


def condition_number(objective, theta) -> float:
    """κ = max|λ| / min|λ| over the eigenvalues λ of ∇²J(θ); ``inf`` if the Hessian is singular.

    For a positive-definite Hessian this is λ_max/λ_min, the ratio that sets the
    speed of gradient descent near a minimum; at a saddle it is the 2-norm
    condition number of H.
    """
    magnitudes = np.abs(hessian_eigenvalues(objective, theta))
    return float(magnitudes.max() / magnitudes.min()) if magnitudes.min() > 0 else np.inf


@dataclass(frozen=True)
class CurvatureDiagnostic:
    """The two terms of the second-order model of one gradient step θ ← θ − lr·g.

    ``gTg`` = gᵀg, ``gTHg`` = gᵀHg, ``predicted_change`` = ½ lr² gᵀHg − lr gᵀg,
    and ``method``: "exact" or "finite differences" (how gᵀHg was obtained).
    """

    lr: float
    gTg: float
    gTHg: float
    predicted_change: float
    method: str

    @property
    def ill_conditioned(self) -> bool:
        """The notes' criterion ½ε²gᵀHg > εgᵀg: the model predicts that the step increases J."""
        return self.predicted_change > 0

    @property
    def best_lr(self) -> float:
        """ε* = gᵀg / gᵀHg, the step minimizing the model along −g (``inf`` if gᵀHg ≤ 0)."""
        return self.gTg / self.gTHg if self.gTHg > 0 else np.inf


def curvature_diagnostic(objective, theta, lr: float) -> CurvatureDiagnostic:
    """Measure gᵀg and gᵀHg at θ and predict the change of J after a step of size ``lr``.

    gᵀHg uses the objective's exact ``hessian`` when it has one, otherwise the
    finite-difference product of :func:`hessian_vector_product`. On a quadratic
    the prediction is exact.
    """
    theta = _theta(theta)
    lr = _checks.positive("lr", lr)
    g = _checks.finite_array("gradient", np.asarray(objective.grad(theta), float), theta.shape)
    if hasattr(objective, "hessian"):
        Hg, method = np.asarray(objective.hessian(theta), dtype=float) @ g, "exact"
    else:
        Hg, method = hessian_vector_product(objective, theta, g), "finite differences"
    gTg, gTHg = float(g @ g), float(g @ Hg)
    return CurvatureDiagnostic(lr, gTg, gTHg, 0.5 * lr**2 * gTHg - lr * gTg, method)
