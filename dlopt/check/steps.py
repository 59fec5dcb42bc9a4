r"""Self-checks of one update step of each first-order algorithm box.

Each check takes the student's step function, runs it and :mod:`dlopt.optim`'s
optimizer side by side on ``cases`` random quadratics J(θ) = ½θᵀAθ − bᵀθ (seeded,
dimension 2 to 6, gradients of very different sizes) for ``steps`` steps each, and
feeds the student dlopt's state at every step, so that a mistake is found at the
step where it first shows. On a difference it raises
:class:`~dlopt.check.CheckFailed` with the case, the step, what differs and, when
a known wrong variant reproduces every answer, the likely mistake; otherwise it
prints ``✓ 5 cases match dlopt.optim.Momentum``. The boxes are those of the notes
and the textbook :cite:p:`goodfellow2016deep,luo2020notes`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlopt.check import _core
from dlopt.optim import SGD, Momentum, Nesterov
from dlopt.problems import Quadratic

__all__ = ["momentum_step", "nesterov_step", "sgd_step"]  # re-exported by dlopt.check


@dataclass(frozen=True)
class Box:
    """How to call a student's step function and which mistakes to look for.

    ``state`` names the state arrays passed in after θ and returned after it;
    ``counter`` passes the step number t (from 1) after them; ``gradient_function``
    passes the objective's gradient function instead of g; ``hyperparameters``
    draws the keyword arguments of the optimizer, passed to the student in that
    order; ``variants`` are (wrong step function, hint) pairs; ``box`` is the
    algorithm's box in words.
    """

    function: str
    optimizer: type
    state: tuple[str, ...]
    hyperparameters: object
    variants: tuple
    box: str
    counter: bool = False
    gradient_function: bool = False


NAMES = {"theta": "θ", "v": "velocity v", "r": "accumulator r", "s": "first moment s"}


def random_quadratic(rng) -> tuple[Quadratic, np.ndarray]:
    """A seeded positive-definite quadratic of dimension 2-6 whose gradients have size 0.01-10."""
    d = int(rng.integers(2, 7))
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    A = _core.log_uniform(rng, 1e-2, 10) * (Q * rng.uniform(0.2, 1.0, d)) @ Q.T
    return Quadratic((A + A.T) / 2, rng.standard_normal(d)), rng.standard_normal(d)


def check_steps(box: Box, student, cases: int = 5, steps: int = 4, seed: int = 0) -> None:
    """Compare ``student`` with ``box.optimizer`` step by step; see the module docstring."""
    rng = np.random.default_rng(seed)
    names = ("theta", *box.state)
    for case in range(1, cases + 1):
        objective, theta = random_quadratic(rng)
        hyper = box.hyperparameters(rng)
        optimizer = box.optimizer(**hyper)
        state = {name: np.zeros_like(theta) for name in box.state}
        calls, answers, expected = [], [], []
        for t in range(1, steps + 1):
            g = objective.grad if box.gradient_function else objective.grad(theta)
            args = (theta, *(state[n] for n in box.state), *([t] if box.counter else []), g)
            args = (*args, *hyper.values())
            copies = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
            answers.append(_core.as_outputs(student(*copies), names, box.function))
            calls.append(args)
            theta = optimizer.step(theta, objective)
            state = {n: np.array(optimizer.state[n], dtype=float) for n in box.state}
            expected.append((theta, *(state[n] for n in box.state)))
        for t, (answer, reference) in enumerate(zip(answers, expected, strict=True), 1):
            wrong = [
                i
                for i, (a, e) in enumerate(zip(answer, reference, strict=True))
                if not _core.close(a, e)
            ]
            if wrong:
                i = wrong[-1] if len(wrong) > 1 else wrong[0]  # the state explains θ
                shown = ", ".join(f"{k}={v:.4g}" for k, v in hyper.items())
                _core.fail(
                    f"{box.function}, case {case} (d={theta.size}, {shown}), step {t}",
                    _core.difference(NAMES[names[i]], answer[i], reference[i])
                    + (" (and θ)" if len(wrong) > 1 else ""),
                    _core.diagnose(box.variants, calls, answers),
                    f"Compare your lines with the box: {box.box}",
                )
    _core.passed(f"{cases} cases match dlopt.optim.{box.optimizer.__name__}")


def _lr(rng) -> dict:
    return {"lr": _core.log_uniform(rng, 1e-3, 0.5)}


def _lr_alpha(rng) -> dict:
    return {**_lr(rng), "alpha": float(rng.uniform(0.5, 0.95))}


UPHILL = "Wrong sign: the step goes downhill, θ ← θ − εg (your θ moved uphill)."
SGD_BOX = Box(
    "sgd_step",
    SGD,
    (),
    _lr,
    (
        (lambda th, g, lr: th + lr * g, UPHILL),
        (lambda th, g, lr: th - g, "The learning rate is missing: θ ← θ − εg."),
        (lambda th, g, lr: th - g / lr, "Multiply the gradient by ε, do not divide by it."),
    ),
    "θ ← θ − εg",
)

MOMENTUM_VARIANTS = (
    (
        lambda th, v, g, lr, a: (th + a * v + lr * g, a * v + lr * g),
        "Wrong sign: v ← αv − εg (minus: the velocity points downhill).",
    ),
    (
        lambda th, v, g, lr, a: (th + lr * (a * v - g), a * v - g),
        "Did you apply the learning rate after adding momentum (θ ← θ + εv)? "
        "ε multiplies the gradient inside the velocity: v ← αv − εg, then θ ← θ + v.",
    ),
    (
        lambda th, v, g, lr, a: (th + a * (v - lr * g), a * (v - lr * g)),
        "Did you apply the learning rate before adding momentum, v ← α(v − εg)? "
        "α decays only the old velocity: v ← αv − εg.",
    ),
    (
        lambda th, v, g, lr, a: (th + v, a * v - lr * g),
        "θ moved with the old velocity: update v first, then θ ← θ + v with the new v.",
    ),
    (
        lambda th, v, g, lr, a: (th - (a * v - lr * g), a * v - lr * g),
        "Wrong sign in θ ← θ + v: v already points downhill.",
    ),
    (
        lambda th, v, g, lr, a: (th + a * v - (1 - a) * lr * g, a * v - (1 - a) * lr * g),
        "The box has no factor (1 − α): v ← αv − εg (the (1 − α) form is an average).",
    ),
    (
        lambda th, v, g, lr, a: (th + lr * v - a * g, lr * v - a * g),
        "ε and α are swapped: v ← αv − εg.",
    ),
)
MOMENTUM_BOX = Box(
    "momentum_step", Momentum, ("v",), _lr_alpha, MOMENTUM_VARIANTS, "v ← αv − εg; θ ← θ + v"
)


def _at(point):
    """A Nesterov variant: the momentum step with the gradient taken at ``point(θ, v, α)``."""

    def step(theta, v, grad, lr, alpha):
        v = alpha * v - lr * grad(point(theta, v, alpha))
        return theta + v, v

    return step


NESTEROV_BOX = Box(
    "nesterov_step",
    Nesterov,
    ("v",),
    _lr_alpha,
    (
        (
            _at(lambda th, v, a: th),
            "You took the gradient at θ: that is classical momentum. Nesterov takes it at the "
            "interim point θ̃ = θ + αv.",
        ),
        (_at(lambda th, v, a: th - a * v), "The interim point is θ + αv (plus, not minus)."),
        (_at(lambda th, v, a: th + v), "The interim point is θ + αv: α is missing."),
        (
            lambda th, v, grad, lr, a: (
                th + 2 * a * v - lr * grad(th + a * v),
                a * v - lr * grad(th + a * v),
            ),
            "θ ← θ + v starts from θ, not from the interim point θ̃.",
        ),
        (
            lambda th, v, grad, lr, a: (
                th + a * v + lr * grad(th + a * v),
                a * v + lr * grad(th + a * v),
            ),
            "Wrong sign: v ← αv − εg (minus: the velocity points downhill).",
        ),
    ),
    "θ̃ ← θ + αv; g ← ∇J(θ̃); v ← αv − εg; θ ← θ + v",
    gradient_function=True,
)


def sgd_step(student, cases: int = 5, steps: int = 4, seed: int = 0) -> None:
    """Check ``student(theta, g, lr) -> theta``, one step θ ← θ − εg, against dlopt.optim.SGD."""
    check_steps(SGD_BOX, student, cases, steps, seed)


def momentum_step(student, cases: int = 5, steps: int = 4, seed: int = 0) -> None:
    """Check ``student(theta, v, g, lr, alpha) -> (theta, v)`` against dlopt.optim.Momentum.

    One step of the box v ← αv − εg; θ ← θ + v, from the velocity v of the previous
    step (zeros at the first).
    """
    check_steps(MOMENTUM_BOX, student, cases, steps, seed)


def nesterov_step(student, cases: int = 5, steps: int = 4, seed: int = 0) -> None:
    """Check ``student(theta, v, grad, lr, alpha) -> (theta, v)`` against dlopt.optim.Nesterov.

    ``grad`` is the objective's gradient function θ ↦ ∇J(θ): the box asks for the
    gradient at the interim point, θ̃ ← θ + αv; g ← ∇J(θ̃); v ← αv − εg; θ ← θ + v.
    At the first step v = 0, so only later steps show where g was taken.
    """
    check_steps(NESTEROV_BOX, student, cases, steps, seed)
