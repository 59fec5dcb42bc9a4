"""What every optimizer shares: validated hyperparameters, named state, checked gradients.

:class:`Optimizer` is the contract, ``step(theta, objective) -> new θ``. :class:`FirstOrder`
is the shape of the first-order boxes (SGD, momentum, AdaGrad, RMSProp, Adam): their update
is a pure function ``box(g, state, **arguments) -> (Δθ, new state)`` of whole arrays, and
``step`` is the same few lines for all of them.
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod

import numpy as np

from dlopt import _checks
from dlopt.schedules import Schedule


class Optimizer(ABC):
    """Base class of the algorithm boxes.

    A subclass implements ``step(theta, objective) -> new theta``: one update
    of its box. ``step`` never modifies the caller's ``theta``; it returns a
    new array of the same dtype. The state of the algorithm (velocity,
    accumulators, step count, ...) lives in ``self.state``, a dict keyed by
    the names of the box, and :meth:`state_dict` / :meth:`load_state_dict`
    save and restore it so that a resumed run continues bit for bit.

    The learning rate ``lr`` of every optimizer is a positive number or a
    schedule from :mod:`dlopt.schedules`; :meth:`learning_rate` gives εₖ.
    """

    def __init__(self):
        self.state: dict = {}

    @abstractmethod
    def step(self, theta, objective):
        """Perform one update of the algorithm box at ``theta`` and return the new θ.

        The optimizer asks ``objective`` for what its box needs (a gradient at θ
        or at an interim point, a Hessian, values along a line)."""

    def gradient(self, objective, theta, dtype=None) -> np.ndarray:
        """Ask ``objective`` for ∇J(θ), cast it to ``dtype`` if given, and check its shape and
        finiteness (after the cast: a float64 entry beyond float32's range becomes inf, which
        numpy warns about and the check refuses)."""
        g = np.asarray(objective.grad(theta))
        if dtype is not None:
            g = g.astype(dtype, copy=False)
        return _checks.finite_array("gradient", g, np.shape(theta))

    def learning_rate(self, k: int) -> float:
        """εₖ, the learning rate of step k (counted from 0)."""
        return self.lr(k) if isinstance(self.lr, Schedule) else self.lr

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


class FirstOrder(Optimizer):
    """A first-order box: Δθ and the new state from the gradient and the old state.

    A subclass gives

    - ``box(g, state, **arguments) -> (Δθ, new_state)``: the algorithm's box, a pure
      function of whole arrays (it returns new arrays and never writes into ``g`` or
      ``state``); ``state`` holds the box's arrays (``v``, ``r``, ...), zeros at the start;
    - :meth:`arguments`: the box's keyword arguments at step k (εₖ and the other
      hyperparameters);
    - optionally :meth:`gradient_point`: where the gradient is taken (θ itself, or an
      interim point for Nesterov momentum).

    ``self.state`` is the box's state plus ``k``, the number of steps done. A step that
    raises (a gradient of the wrong shape or with a non-finite entry) changes nothing.
    """

    #: the names of the box's state arrays, e.g. ``("v",)``
    state_names: tuple[str, ...] = ()

    def __init__(self):
        super().__init__()
        self.state = {"k": 0, **dict.fromkeys(self.state_names)}

    def step(self, theta, objective):
        theta, k = _parameters(theta), self.state["k"]
        state = self.started(theta)  # the box's arrays, zeros before the first step
        point = self.gradient_point(theta, state)  # θ, or an interim point (Nesterov)
        g = self.gradient(objective, point, dtype=theta.dtype)  # compute gradient
        delta_theta, new_state = self.box(g, state, **self.arguments(k))
        self.state = {"k": k + 1, **new_state}  # k ← k + 1; nothing has changed before here
        return theta + delta_theta  # apply update: θ ← θ + Δθ

    def started(self, theta: np.ndarray) -> dict:
        """The box's state arrays, as zeros like θ before the first step."""
        state = {}
        for name in self.state_names:
            array = self.state[name]
            if array is None:
                array = np.zeros_like(theta)
            elif array.shape != theta.shape or array.dtype != theta.dtype:
                raise ValueError(
                    f"state {name!r} has shape {array.shape} and dtype {array.dtype}, but "
                    f"theta has shape {theta.shape} and dtype {theta.dtype}"
                )
            state[name] = array
        return state

    def gradient_point(self, theta: np.ndarray, state: dict) -> np.ndarray:
        """Where the box's gradient is taken: θ itself."""
        return theta

    @abstractmethod
    def arguments(self, k: int) -> dict:
        """The box's keyword arguments at step k (counted from 0)."""

    @staticmethod
    @abstractmethod
    def box(g, state, **arguments):
        """(Δθ, new state) from the gradient g and the state."""


def _parameters(theta) -> np.ndarray:
    """θ as an array, after checking that it holds floating-point numbers."""
    theta = np.asarray(theta)
    if theta.dtype.kind != "f":
        raise TypeError(f"theta must be a floating-point array, got dtype {theta.dtype}")
    return theta
