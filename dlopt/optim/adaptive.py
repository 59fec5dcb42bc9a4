"""AdaGrad and RMSProp (Algorithms 4 and 5 of the notes; textbook 8.4, 8.5, 8.6)."""

from __future__ import annotations

import numpy as np

from dlopt import _checks
from dlopt.optim.base import Optimizer
from dlopt.schedules import check_lr


class AdaGrad(Optimizer):
    r"""AdaGrad: r ← r + g⊙g; Δθ = −ε/(δ + √r) ⊙ g; θ ← θ + Δθ.

    Each coordinate's rate ε/(δ + √rᵢ) shrinks with the sum of its squared
    gradients, so it never increases :cite:p:`duchi2011adaptive,goodfellow2016deep`.
    δ (default 1e-7) sits outside the root. State: ``r`` and ``k``.
    """

    def __init__(self, lr=0.01, delta: float = 1e-7):
        super().__init__()
        self.lr = check_lr(lr)
        self.delta = _checks.positive("delta", delta)
        self.state = {"k": 0, "r": None}

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "delta": self.delta}

    def step(self, theta, objective):
        epsilon, delta = self.learning_rate(self.state["k"]), self.delta
        g = objective.grad(theta)  # checked inside self.update
        theta = self.update(self.box, theta, g, ("r",), epsilon, delta)
        self.state["k"] += 1
        return theta

    @staticmethod
    def box(g, r, epsilon, delta):
        r += g * g  # accumulate squared gradient
        delta_theta = -epsilon / (delta + np.sqrt(r)) * g  # compute update
        return delta_theta


class RMSProp(Optimizer):
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
        super().__init__()
        self.lr = check_lr(lr)
        self.rho = _checks.unit_interval("rho", rho)
        self.delta = _checks.positive("delta", delta)
        self.alpha = None if alpha is None else _checks.unit_interval("alpha", alpha)
        self.state = {"k": 0, "r": None} if alpha is None else {"k": 0, "r": None, "v": None}

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "rho": self.rho, "delta": self.delta, "alpha": self.alpha}

    def step(self, theta, objective):
        epsilon, rho, delta = self.learning_rate(self.state["k"]), self.rho, self.delta
        if self.alpha is None:
            g = objective.grad(theta)  # checked inside self.update
            theta = self.update(self.box, theta, g, ("r",), epsilon, rho, delta)
        else:
            alpha, v = self.alpha, self.state["v"]
            theta_tilde = theta if v is None else theta + alpha * v  # apply interim update
            g = objective.grad(theta_tilde)  # gradient at the interim point
            theta = self.update(self.nesterov_box, theta, g, ("r", "v"), epsilon, rho, delta, alpha)
        self.state["k"] += 1
        return theta

    @staticmethod
    def box(g, r, epsilon, rho, delta):
        r *= rho
        r += (1 - rho) * g * g  # accumulate squared gradient: r ← ρr + (1 − ρ)g⊙g, in place
        delta_theta = -epsilon / np.sqrt(delta + r) * g  # compute update
        return delta_theta

    @staticmethod
    def nesterov_box(g, r, v, epsilon, rho, delta, alpha):
        r *= rho
        r += (1 - rho) * g * g  # accumulate squared gradient: r ← ρr + (1 − ρ)g⊙g, in place
        v *= alpha
        v -= epsilon / np.sqrt(delta + r) * g  # compute velocity update: v ← αv − ε/√(δ + r) ⊙ g
        return v  # Δθ = v (apply update: θ ← θ + v)
