"""Adam (Algorithm 6 of the notes; textbook Algorithm 8.7)."""

from __future__ import annotations

import numpy as np

from dlopt import _checks
from dlopt.optim.base import FirstOrder
from dlopt.schedules import check_lr


class Adam(FirstOrder):
    r"""Adam: moving averages s of g and r of g⊙g, bias-corrected, then a scaled step.

    t ← t + 1; s ← ρ₁s + (1 − ρ₁)g; r ← ρ₂r + (1 − ρ₂) g⊙g;
    ŝ ← s/(1 − ρ₁ᵗ); r̂ ← r/(1 − ρ₂ᵗ); Δθ = −ε ŝ/(√r̂ + δ); θ ← θ + Δθ.

    Defaults are the textbook's and the paper's: ε = 0.001, ρ₁ = 0.9,
    ρ₂ = 0.999, δ = 1e-8 :cite:p:`kingma2015adam,goodfellow2016deep`. The
    notes write ρ₁ = 0.99 and Δθ = −ε ŝ/√(r̂ + δ); ``Adam(rho1=0.99,
    delta_inside_root=True)`` is that variant :cite:p:`luo2020notes`.
    ``bias_correction=False`` uses s and r as they are (ŝ = s, r̂ = r), to show
    what the first steps do without the correction. Multiplying the
    objective by c > 0 multiplies ŝ by c and √r̂ by c, so the step does not
    change (up to δ). State: ``s``, ``r`` and the step count ``k``; the box's t is k + 1.
    """

    state_names = ("s", "r")

    def __init__(
        self,
        lr=0.001,
        rho1: float = 0.9,
        rho2: float = 0.999,
        delta: float = 1e-8,
        *,
        delta_inside_root: bool = False,
        bias_correction: bool = True,
    ):
        super().__init__()
        self.lr = check_lr(lr)
        self.rho1 = _checks.unit_interval("rho1", rho1)
        self.rho2 = _checks.unit_interval("rho2", rho2)
        self.delta = _checks.positive("delta", delta)
        self.delta_inside_root = bool(delta_inside_root)
        self.bias_correction = bool(bias_correction)

    def hyperparameters(self) -> dict:
        return {
            "lr": self.lr,
            "rho1": self.rho1,
            "rho2": self.rho2,
            "delta": self.delta,
            "delta_inside_root": self.delta_inside_root,
            "bias_correction": self.bias_correction,
        }

    def arguments(self, k: int) -> dict:
        return {
            "epsilon": self.learning_rate(k),
            "rho1": self.rho1,
            "rho2": self.rho2,
            "delta": self.delta,
            "t": k + 1,  # t ← t + 1: the step number, counted from 1
            "inside": self.delta_inside_root,
            "correct": self.bias_correction,
        }

    @staticmethod
    def box(g, state, *, epsilon, rho1, rho2, delta, t, inside=False, correct=True):
        s = rho1 * state["s"] + (1 - rho1) * g  # update biased first moment estimate
        r = rho2 * state["r"] + (1 - rho2) * g * g  # update biased second moment estimate
        s_hat = s / (1 - rho1**t) if correct else s  # correct bias in first moment
        r_hat = r / (1 - rho2**t) if correct else r  # correct bias in second moment
        if inside:
            delta_theta = -epsilon * s_hat / np.sqrt(r_hat + delta)  # the notes' variant
        else:
            delta_theta = -epsilon * s_hat / (np.sqrt(r_hat) + delta)  # compute update
        return delta_theta, {"s": s, "r": r}
