"""AdaGrad and RMSProp (Algorithms 4 and 5 of the notes; textbook 8.4, 8.5, 8.6)."""

from __future__ import annotations

import numpy as np

from dlopt import _checks
from dlopt.optim.base import FirstOrder
from dlopt.schedules import check_lr


class AdaGrad(FirstOrder):
    r"""AdaGrad: r ← r + g⊙g; Δθ = −ε/(δ + √r) ⊙ g; θ ← θ + Δθ.

    Each coordinate's rate ε/(δ + √rᵢ) shrinks with the sum of its squared
    gradients, so it never increases :cite:p:`duchi2011adaptive,goodfellow2016deep`.
    δ (default 1e-7) sits outside the root. State: ``r`` and ``k``.
    """

    state_names = ("r",)

    def __init__(self, lr=0.01, delta: float = 1e-7):
        super().__init__()
        self.lr = check_lr(lr)
        self.delta = _checks.positive("delta", delta)

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "delta": self.delta}

    def arguments(self, k: int) -> dict:
        return {"epsilon": self.learning_rate(k), "delta": self.delta}

    @staticmethod
    def box(g, state, *, epsilon, delta):
        r = state["r"] + g * g  # accumulate squared gradient: r ← r + g⊙g
        delta_theta = -epsilon / (delta + np.sqrt(r)) * g  # compute update
        return delta_theta, {"r": r}


class RMSProp(FirstOrder):
    r"""RMSProp: r ← ρr + (1 − ρ) g⊙g; Δθ = −ε/√(δ + r) ⊙ g; θ ← θ + Δθ.

    AdaGrad with an exponentially decaying average instead of a sum, so old
    gradients are forgotten :cite:p:`tieleman2012rmsprop,goodfellow2016deep`.
    δ (default 1e-6) sits inside the root, as the textbook boxes it.

    With ``alpha`` set, the textbook's RMSProp with Nesterov momentum
    (Algorithm 8.6): θ̃ ← θ + αv; g ← ∇J(θ̃); r ← ρr + (1 − ρ) g⊙g;
    v ← αv − ε/√(δ + r) ⊙ g; θ ← θ + v. The textbook writes 1/√r there; we
    keep δ so that a coordinate whose gradient has always been 0 does not
    divide 0 by 0. State: ``r``, ``k`` and, with momentum, ``v``.
    """

    def __init__(self, lr=0.001, rho: float = 0.9, delta: float = 1e-6, alpha: float | None = None):
        self.state_names = ("r",) if alpha is None else ("r", "v")
        super().__init__()
        self.lr = check_lr(lr)
        self.rho = _checks.unit_interval("rho", rho)
        self.delta = _checks.positive("delta", delta)
        self.alpha = None if alpha is None else _checks.unit_interval("alpha", alpha)
        if alpha is not None:
            self.box = self.nesterov_box  # the box of Algorithm 8.6

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "rho": self.rho, "delta": self.delta, "alpha": self.alpha}

    def arguments(self, k: int) -> dict:
        arguments = {"epsilon": self.learning_rate(k), "rho": self.rho, "delta": self.delta}
        return arguments if self.alpha is None else {**arguments, "alpha": self.alpha}

    def gradient_point(self, theta, state):
        if self.alpha is None:
            return theta
        theta_tilde = theta + self.alpha * state["v"]  # apply interim update: θ̃ ← θ + αv
        return theta_tilde

    @staticmethod
    def box(g, state, *, epsilon, rho, delta):
        r = rho * state["r"] + (1 - rho) * g * g  # accumulate squared gradient: r ← ρr + (1 − ρ)g⊙g
        delta_theta = -epsilon / np.sqrt(delta + r) * g  # compute update
        return delta_theta, {"r": r}

    @staticmethod
    def nesterov_box(g, state, *, epsilon, rho, delta, alpha):
        r = rho * state["r"] + (1 - rho) * g * g  # accumulate squared gradient
        v = alpha * state["v"] - epsilon / np.sqrt(delta + r) * g  # v ← αv − ε/√(δ + r) ⊙ g
        return v, {"r": r, "v": v}  # Δθ = v; step applies θ ← θ + v
