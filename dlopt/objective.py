"""The objective protocol, and the two wrappers every run uses.

An *objective* is anything an optimizer can ask about J: the protocol :class:`Objective`.
:class:`Remembered` answers a second question about the same θ from memory, so that a run
evaluates J and ∇J once per step; :class:`Forwarding` is the base of wrappers that change one
answer (a clipped or a noisy gradient) and pass every other attribute through.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["Forwarding", "Objective", "Remembered"]


@runtime_checkable
class Objective(Protocol):
    """J, as the optimizers see it.

    - ``value(theta) -> float``: the loss J(θ);
    - ``grad(theta) -> ndarray``: the gradient ∇J(θ), with θ's shape.

    Optional, looked up only by those who need them:

    - ``value_and_grad(theta) -> (float, ndarray)``: both at once, when sharing work pays
      (a network's forward pass);
    - ``hessian(theta) -> ndarray``: ∇²J(θ), of shape (d, d) (Newton's method).

    The analytic functions of :mod:`dlopt.problems` and a network's loss on a minibatch
    (:meth:`dlopt.nn.Network.objective`) are objectives alike.
    """

    def value(self, theta) -> float: ...

    def grad(self, theta) -> np.ndarray: ...


class Forwarding:
    """A wrapper around ``objective`` that passes every attribute it does not define through.

    A subclass overrides what it changes (``grad``, say); ``value``, ``hessian`` and the
    rest are the wrapped objective's.
    """

    def __init__(self, objective):
        self.objective = objective

    def value(self, theta) -> float:
        return self.objective.value(theta)

    def grad(self, theta) -> np.ndarray:
        return self.objective.grad(theta)

    def value_and_grad(self, theta):
        return self.value(theta), self.grad(theta)

    def __getattr__(self, name):
        if name.startswith("__") or "objective" not in self.__dict__:
            raise AttributeError(name)
        return getattr(self.objective, name)


class Remembered(Forwarding):
    """``objective`` with a memory of its last (θ, J(θ), ∇J(θ)).

    A run asks for J(θ_k) and ∇J(θ_k) to record them, and the optimizer then asks for
    ∇J(θ_k) again: the second question is answered from memory. So each step costs one
    evaluation (one forward and backward pass for a network), and the gradient recorded is
    the one the step used, also when the gradient is noisy. ``value`` at another θ (a line
    search) evaluates J alone.
    """

    def __init__(self, objective):
        super().__init__(objective)
        self.theta, self.answer = None, None

    def value_and_grad(self, theta):
        if not self.remembers(theta):
            if hasattr(self.objective, "value_and_grad"):
                self.answer = self.objective.value_and_grad(theta)
            else:
                self.answer = (self.objective.value(theta), self.objective.grad(theta))
            self.theta = np.array(theta, copy=True)
        return self.answer

    def value(self, theta) -> float:
        return self.answer[0] if self.remembers(theta) else self.objective.value(theta)

    def grad(self, theta) -> np.ndarray:
        return self.value_and_grad(theta)[1]

    def remembers(self, theta) -> bool:
        return self.theta is not None and np.array_equal(theta, self.theta)
