"""Momentum and Nesterov momentum (Algorithms 2 and 3 of the notes; textbook 8.2, 8.3)."""

from __future__ import annotations

from dlopt import _checks
from dlopt.optim.base import FirstOrder
from dlopt.schedules import check_lr


class Momentum(FirstOrder):
    r"""SGD with momentum: v ← αv − εg; θ ← θ + v.

    The velocity v is an exponentially decaying sum of past steps; along a
    direction where the gradient keeps its sign the step grows to about
    ε‖g‖/(1 − α) :cite:p:`polyak1964some,goodfellow2016deep`. v starts at 0.
    State: ``v`` and the step count ``k``.
    """

    state_names = ("v",)

    def __init__(self, lr=0.01, alpha: float = 0.9):
        super().__init__()
        self.lr = check_lr(lr)
        self.alpha = _checks.unit_interval("alpha", alpha)

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "alpha": self.alpha}

    def arguments(self, k: int) -> dict:
        return {"epsilon": self.learning_rate(k), "alpha": self.alpha}

    @staticmethod
    def box(g, state, *, epsilon, alpha):
        v = alpha * state["v"] - epsilon * g  # compute velocity update: v ← αv − εg
        return v, {"v": v}  # Δθ = v; step applies θ ← θ + v


class Nesterov(Momentum):
    r"""Nesterov momentum: the gradient is taken at the interim point θ̃ = θ + αv.

    θ̃ ← θ + αv; g ← ∇J(θ̃); v ← αv − εg; θ ← θ + v
    :cite:p:`sutskever2013importance,goodfellow2016deep`. The last two lines
    are :meth:`Momentum.box`. State: ``v`` and ``k``.
    """

    def gradient_point(self, theta, state):
        theta_tilde = theta + self.alpha * state["v"]  # apply interim update: θ̃ ← θ + αv
        return theta_tilde
