"""Stochastic gradient descent (Algorithm 1 of the notes; textbook Algorithm 8.1)."""

from __future__ import annotations

from dlopt import _checks
from dlopt.optim.base import Optimizer


class SGD(Optimizer):
    r"""Gradient descent with learning rate ε: θ ← θ − ε ĝ.

    ĝ is whatever gradient the objective returns: the full-batch gradient of
    an analytic function, or a minibatch estimate when the objective is a
    network's loss on a sampled minibatch :cite:p:`goodfellow2016deep`.
    """

    def __init__(self, lr: float = 0.01):
        super().__init__()
        self.lr = _checks.positive("lr", lr)
        self.state = {"k": 0}

    def hyperparameters(self) -> dict:
        return {"lr": self.lr}

    def step(self, theta, objective):
        epsilon = self.lr
        g = self.gradient(objective, theta)
        theta = theta - epsilon * g
        self.state["k"] += 1
        return theta
