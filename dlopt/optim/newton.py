r"""Newton's method (Algorithm 7 of the notes; textbook section 8.6.1).

Near θ the objective is approximated by its second-order Taylor model
J(θ) + gᵀΔθ + ½ ΔθᵀHΔθ, whose stationary point is Δθ = −H⁻¹g. On a
positive-definite quadratic that model is exact, so one step lands on the
minimizer. The code never forms H⁻¹: it solves the linear system HΔθ = −g.
"""

from __future__ import annotations

import numpy as np

from dlopt import _checks
from dlopt._checks import checked_hessian
from dlopt.optim.base import Optimizer

CURVATURE_FLOOR = 1e-3
"""For ``on_indefinite="damp"``: the smallest eigenvalue H + λI is lifted to,
relative to the largest |eigenvalue| of H (or 1 if that is smaller)."""

ON_INDEFINITE = ("error", "damp", "pinv", "unmodified")


class Newton(Optimizer):
    r"""Newton's method with damping λ: Δθ = −[H + λI]⁻¹g, θ ← θ + Δθ.

    The Taylor model has a minimum only when H + λI is positive definite. At
    an indefinite or singular H + λI (a saddle, a flat direction) the step
    follows ``on_indefinite``:

    - ``"error"`` (default): raise ``ValueError`` naming the smallest eigenvalue;
    - ``"damp"``: raise λ just enough that the smallest eigenvalue of H + λI
      is CURVATURE_FLOOR·max(1, max|λᵢ(H)|), the eigenvalue shift of
      :cite:t:`nocedal2006numerical` (eq. 3.43); the step is then a descent step;
    - ``"pinv"``: the notes' "(pseudo)inverse": Δθ = −(H + λI)⁺g by least
      squares, the minimum-norm step, defined even for a singular matrix;
    - ``"unmodified"``: solve whatever the signs (singular still raises): the
      plain Newton step, which jumps to the stationary point of the model, a
      saddle included: on J = x² − y² it lands on the saddle (0, 0) in one step.

    The state holds the step count ``k``, the smallest eigenvalue
    ``lambda_min`` of the last H and the damping ``lambda_used`` actually
    added. ``step`` returns a new array of ``theta``'s dtype. See
    :cite:t:`goodfellow2016deep` (section 8.6.1) and
    :cite:t:`nocedal2006numerical` (section 3.4).
    """

    def __init__(self, damping: float = 0.0, on_indefinite: str = "error"):
        super().__init__()
        self.damping = _checks.non_negative("damping", damping)
        if on_indefinite not in ON_INDEFINITE:
            raise ValueError(f"on_indefinite must be one of {ON_INDEFINITE}, got {on_indefinite!r}")
        self.on_indefinite = on_indefinite
        self.state = {"k": 0, "lambda_min": None, "lambda_used": None}

    def hyperparameters(self) -> dict:
        return {"damping": self.damping, "on_indefinite": self.on_indefinite}

    def step(self, theta, objective):
        g = self.gradient(objective, theta)  # compute gradient g
        H = checked_hessian(objective, theta)  # compute Hessian H
        H_lambda = self._regularized(H)  # H + λI (λ = damping), checked or shifted
        delta_theta = -self._solve(H_lambda, g)  # Δθ ← −[H + λI]⁻¹g, as a linear solve
        theta = theta + delta_theta.astype(theta.dtype, copy=False)  # θ ← θ + Δθ
        self.state["k"] += 1
        return theta

    def _regularized(self, H: np.ndarray) -> np.ndarray:
        """H + λI, with λ raised, or an error, where ``on_indefinite`` says so."""
        eigenvalues = np.linalg.eigvalsh(H)
        lam = self.damping
        shifted = eigenvalues + lam
        scale = max(1.0, float(np.abs(eigenvalues).max()))
        tolerance = len(H) * np.finfo(float).eps * scale
        singular = float(np.abs(shifted).min()) <= tolerance
        if self.on_indefinite == "error" and (singular or shifted[0] < 0):
            raise ValueError(
                f"H + damping*I is {'singular' if singular else 'indefinite'}: its smallest "
                f"eigenvalue is {shifted[0]:.6g} (damping={lam!r}); pass a larger damping "
                "or on_indefinite='damp', 'pinv' or 'unmodified'"
            )
        if self.on_indefinite == "unmodified" and singular:
            nearest = shifted[np.abs(shifted).argmin()]
            raise ValueError(
                f"H + damping*I is singular: an eigenvalue is {nearest:.6g} (damping={lam!r}); "
                "use on_indefinite='pinv' or a larger damping"
            )
        if self.on_indefinite == "damp" and shifted[0] <= tolerance:
            lam += CURVATURE_FLOOR * scale - shifted[0]
        self.state["lambda_min"] = float(eigenvalues[0])
        self.state["lambda_used"] = lam
        return H + lam * np.eye(len(H))

    def _solve(self, H_lambda: np.ndarray, g: np.ndarray) -> np.ndarray:
        """[H + λI]⁻¹g by a linear solve (least squares for "pinv"), checked finite."""
        if self.on_indefinite == "pinv":
            step = np.linalg.lstsq(H_lambda, g, rcond=None)[0]
        else:
            step = np.linalg.solve(H_lambda, g)
        return _checks.finite_array("Newton step", step)
