"""Momentum and Nesterov momentum (Algorithms 2 and 3 of the notes; textbook 8.2, 8.3)."""

from __future__ import annotations

from dlopt import _checks
from dlopt.optim.base import Optimizer
from dlopt.schedules import check_lr


class Momentum(Optimizer):
    r"""SGD with momentum: v ← αv − εg; θ ← θ + v.

    The velocity v is an exponentially decaying sum of past steps; along a
    direction where the gradient keeps its sign the step grows to about
    ε‖g‖/(1 − α) :cite:p:`polyak1964some,goodfellow2016deep`. v starts at 0.
    State: ``v`` and the step count ``k``.
    """

    def __init__(self, lr=0.01, alpha: float = 0.9):
        super().__init__()
        self.lr = check_lr(lr)
        self.alpha = _checks.unit_interval("alpha", alpha)
        self.state = {"k": 0, "v": None}

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "alpha": self.alpha}

    def step(self, theta, objective):
        epsilon, alpha = self.learning_rate(self.state["k"]), self.alpha
        g = objective.grad(theta)  # checked inside self.update
        theta = self.update(self.box, theta, g, ("v",), epsilon, alpha)
        self.state["k"] += 1
        return theta

    @staticmethod
    def box(g, v, epsilon, alpha):
        v *= alpha
        v -= epsilon * g  # compute velocity update: v ← αv − εg, in place
        return v  # Δθ = v (apply update: θ ← θ + v)


class Nesterov(Momentum):
    r"""Nesterov momentum: the gradient is taken at the interim point θ̃ = θ + αv.

    θ̃ ← θ + αv; g ← ∇J(θ̃); v ← αv − εg; θ ← θ + v
    :cite:p:`sutskever2013importance,goodfellow2016deep`. The last two lines
    are :meth:`Momentum.box`. State: ``v`` and ``k``.
    """

    def step(self, theta, objective):
        epsilon, alpha = self.learning_rate(self.state["k"]), self.alpha
        v = self.state["v"]
        theta_tilde = theta if v is None else theta + alpha * v  # apply interim update
        g = objective.grad(theta_tilde)  # gradient at the interim point
        theta = self.update(self.box, theta, g, ("v",), epsilon, alpha)
        self.state["k"] += 1
        return theta
