"""What every optimizer shares: validated hyperparameters, named state, checked gradients."""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod

import numpy as np

from dlopt import _checks
from dlopt.optim import _fast
from dlopt.schedules import Schedule


class Optimizer(ABC):
    """Base class of the algorithm boxes.

    A subclass implements ``step(theta, objective) -> new theta``: one update
    of its box. ``step`` never modifies the caller's ``theta``; it returns a
    new array of the same dtype. The state of the algorithm (velocity,
    accumulators, step count, ...) lives in ``self.state``, a dict keyed by
    the names of the box, and :meth:`state_dict` / :meth:`load_state_dict`
    save and restore it so that a resumed run continues bit for bit. The
    state arrays belong to the optimizer: the first-order boxes update them
    in place, so keep a copy, or a :meth:`state_dict`, to look at them later.

    The learning rate ``lr`` of every optimizer is a positive number or a
    schedule from :mod:`dlopt.schedules`; :meth:`learning_rate` gives εₖ.
    """

    def __init__(self):
        self.state: dict = {}
        self.workspace = _fast.Workspace()

    @abstractmethod
    def step(self, theta, objective):
        """Perform one update of the algorithm box at ``theta`` and return the new θ.

        The optimizer asks ``objective`` for what its box needs (a gradient at θ
        or at an interim point, a Hessian, values along a line)."""

    def gradient(self, objective, theta) -> np.ndarray:
        """Ask ``objective`` for ∇J(θ) and check its shape and finiteness."""
        g = objective.grad(theta)
        return _checks.finite_array("gradient", g, np.shape(theta))

    def learning_rate(self, k: int) -> float:
        """εₖ, the learning rate of step k (counted from 0)."""
        lr = self.lr
        if type(lr) is float:  # the common case first: isinstance on an ABC costs 0.1 µs a step
            return lr
        return lr(k) if isinstance(lr, Schedule) else lr

    update = _fast.update  # apply update: θ ← θ + Δθ (the speed mechanism lives in _fast)

    def state_dict(self) -> dict:
        """A deep copy of the hyperparameters and the state."""
        return copy.deepcopy({"hyperparameters": self.hyperparameters(), "state": self.state})

    def load_state_dict(self, saved: dict) -> None:
        """Restore what :meth:`state_dict` saved (the hyperparameters must agree)."""
        if saved["hyperparameters"] != self.hyperparameters():
            raise ValueError(
                f"saved hyperparameters {saved['hyperparameters']} differ from "
                f"this optimizer's {self.hyperparameters()}"
            )
        self.state = copy.deepcopy(saved["state"])

    def hyperparameters(self) -> dict:
        """The constructor's arguments by name."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"
