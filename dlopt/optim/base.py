"""What every optimizer shares: validated hyperparameters, named state, checked gradients."""

from __future__ import annotations

import copy

import numpy as np

from dlopt import _checks


class Optimizer:
    """Base class of the algorithm boxes.

    A subclass implements ``step(theta, objective) -> new theta``: one update
    of its box. ``step`` never modifies the caller's ``theta``; it returns a
    new array of the same dtype. The state of the algorithm (velocity,
    accumulators, step count, ...) lives in ``self.state``, a dict keyed by
    the names of the box, and :meth:`state_dict` / :meth:`load_state_dict`
    save and restore it so that a resumed run continues bit for bit.
    """

    def __init__(self):
        self.state: dict = {}

    def step(self, theta, objective):  # pragma: no cover - the protocol
        raise NotImplementedError

    def gradient(self, objective, theta) -> np.ndarray:
        """Ask ``objective`` for ∇J(θ) and check its shape and finiteness."""
        g = objective.grad(theta)
        return _checks.finite_array("gradient", g, np.shape(theta))

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
