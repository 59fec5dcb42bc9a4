"""Stochastic gradient descent (Algorithm 1 of the notes; textbook Algorithm 8.1)."""

from __future__ import annotations

from dlopt.optim.base import Optimizer
from dlopt.schedules import check_lr


class SGD(Optimizer):
    r"""Gradient descent with learning rate εₖ: θ ← θ − εₖ ĝ.

    ĝ is whatever gradient the objective returns: the full-batch gradient of
    an analytic function, or a minibatch estimate when the objective is a
    network's loss on a sampled minibatch :cite:p:`goodfellow2016deep`.
    ``lr`` is a number or a schedule (:mod:`dlopt.schedules`); state: the
    step count ``k``.
    """

    def __init__(self, lr=0.01):
        super().__init__()
        self.lr = check_lr(lr)
        self.state = {"k": 0}

    def hyperparameters(self) -> dict:
        return {"lr": self.lr}

    def step(self, theta, objective):
        epsilon = self.learning_rate(self.state["k"])
        g = objective.grad(theta)  # checked inside self.update
        theta = self.update(self.box, theta, g, (), epsilon)  # θ ← θ + Δθ
        self.state["k"] += 1
        return theta

    @staticmethod
    def box(g, epsilon):
        delta_theta = -epsilon * g  # the update θ ← θ − εĝ is θ ← θ + Δθ
        return delta_theta
