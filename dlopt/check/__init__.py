"""Self-checks for the exercises: run your implementation against dlopt's.

Each check takes your function, calls it and dlopt's reference on several random,
seeded cases, and prints ``✓ 5 cases match dlopt.optim.Momentum`` when they agree.
When they do not, it raises :class:`CheckFailed` saying where (case, step), what
differs (which output, at which index, both values) and, when a known wrong variant
reproduces every one of your answers, the likely mistake: ::

    import dlopt.check

    def momentum_step(theta, v, g, lr, alpha):
        v = alpha * v - lr * g
        return theta + v, v

    dlopt.check.momentum_step(momentum_step)   # ✓ 5 cases match dlopt.optim.Momentum

The signature each check expects is in its docstring.
"""

from dlopt.check._core import CheckFailed
from dlopt.check.adaptive import adagrad_step, adam_step, rmsprop_step
from dlopt.check.functions import gradient, initializer, linear_decay
from dlopt.check.steps import momentum_step, nesterov_step, sgd_step

__all__ = [
    "CheckFailed",
    "adagrad_step",
    "adam_step",
    "gradient",
    "initializer",
    "linear_decay",
    "momentum_step",
    "nesterov_step",
    "rmsprop_step",
    "sgd_step",
]
