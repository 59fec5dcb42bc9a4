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

A ``*_step`` check takes one step of the box (the state comes in and goes out); a
``*_run`` check takes a whole run ``(objective, theta0, *hyperparameters, steps)`` that
returns the iterates, as the chapters' "write the update yourself" exercises ask. The
signature each check expects is in its docstring. A function that calls dlopt's own
optimizer, its box, or :func:`dlopt.minimize` / :func:`dlopt.fit` is refused: the check
would compare dlopt with itself.
"""

from dlopt.check._core import CheckFailed
from dlopt.check.adaptive import (
    adagrad_run,
    adagrad_step,
    adam_run,
    adam_step,
    rmsprop_run,
    rmsprop_step,
)
from dlopt.check.functions import gradient, initializer, linear_decay
from dlopt.check.steps import (
    momentum_run,
    momentum_step,
    nesterov_run,
    nesterov_step,
    sgd_run,
    sgd_step,
)

__all__ = [
    "CheckFailed",
    "adagrad_run",
    "adagrad_step",
    "adam_run",
    "adam_step",
    "gradient",
    "initializer",
    "linear_decay",
    "momentum_run",
    "momentum_step",
    "nesterov_run",
    "nesterov_step",
    "rmsprop_run",
    "rmsprop_step",
    "sgd_run",
    "sgd_step",
]
