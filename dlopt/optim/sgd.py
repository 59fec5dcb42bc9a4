"""Stochastic gradient descent (Algorithm 1 of the notes; textbook Algorithm 8.1)."""

from __future__ import annotations

from dlopt.optim.base import FirstOrder
from dlopt.schedules import check_lr


class SGD(FirstOrder):
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

    def hyperparameters(self) -> dict:
        return {"lr": self.lr}

    def arguments(self, k: int) -> dict:
        return {"epsilon": self.learning_rate(k)}

    @staticmethod
    def box(g, state, *, epsilon):
        delta_theta = -epsilon * g  # the update θ ← θ − εĝ is θ ← θ + Δθ
        return delta_theta, state
