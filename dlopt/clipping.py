r"""Gradient clipping: keep one step from jumping off a cliff.

Near a cliff of the loss the gradient can be huge, and a step of ε‖g‖
throws θ far away. Clipping bounds the step while (by norm) keeping the
gradient's direction :cite:p:`pascanu2013difficulty,goodfellow2016deep`:

- by norm: g ← g v/‖g‖ when ‖g‖ > v;
- by value: each entry clipped to [−c, c] (changes the direction).

One mechanism makes clipping work with every optimizer: wrap the objective,
``Clipped(objective, max_norm=v)``, and hand the wrapper to the optimizer.
Every gradient the optimizer asks for (at θ, or at Nesterov's interim point)
is then clipped; values pass through unchanged.
"""

from __future__ import annotations

import numpy as np

from dlopt import _checks
from dlopt.objective import Forwarding


def clip_by_norm(g, v: float) -> np.ndarray:
    """g·v/‖g‖ if ‖g‖ > v, else g (a new array is returned only when clipping)."""
    v = _checks.positive("v", v)
    g = np.asarray(g)
    norm = float(np.linalg.norm(g))
    return g * (v / norm) if norm > v else g


def clip_by_value(g, c: float) -> np.ndarray:
    """Each entry of g clipped to [−c, c] (a new array)."""
    c = _checks.positive("c", c)
    return np.clip(g, -c, c)


class Clipped(Forwarding):
    """The objective ``objective`` with its gradient clipped by norm or by value.

    Give exactly one of ``max_norm`` (v of :func:`clip_by_norm`) and
    ``max_value`` (c of :func:`clip_by_value`). ``value`` is the objective's;
    ``grad`` and ``value_and_grad`` return the clipped gradient. The wrapper
    has no Hessian: a clipped gradient is not the gradient of a function.
    """

    def __init__(self, objective, *, max_norm: float | None = None, max_value: float | None = None):
        if (max_norm is None) == (max_value is None):
            raise ValueError(
                f"give exactly one of max_norm and max_value, got max_norm={max_norm!r}, "
                f"max_value={max_value!r}"
            )
        super().__init__(objective)
        if max_norm is not None:
            self.max_norm = _checks.positive("max_norm", max_norm)
            self.clip = lambda g: clip_by_norm(g, self.max_norm)
        else:
            self.max_value = _checks.positive("max_value", max_value)
            self.clip = lambda g: clip_by_value(g, self.max_value)

    def grad(self, theta) -> np.ndarray:
        return self.clip(self.objective.grad(theta))

    def __getattr__(self, name):
        if name == "hessian":  # a clipped gradient is not the gradient of a function
            raise AttributeError("a Clipped objective has no hessian")
        return super().__getattr__(name)
