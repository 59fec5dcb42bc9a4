r"""Self-checks of SGD, momentum and Nesterov: one step (``*_step``) or a whole run (``*_run``).

A step check takes the student's step function, runs it and :mod:`dlopt.optim`'s
optimizer side by side on ``cases`` random quadratics J(θ) = ½θᵀAθ − bᵀθ (seeded,
dimension 2 to 6, gradients of very different sizes) for ``steps`` steps each, and
feeds the student dlopt's state at every step, so that a mistake is found at the
step where it first shows. On a difference it raises
:class:`~dlopt.check.CheckFailed` with the case, the step, what differs and, when
a known wrong variant reproduces every answer, the likely mistake; otherwise it
prints ``✓ 5 cases match dlopt.optim.Momentum``. A run check compares the iterates of
a whole run with those of :func:`dlopt.minimize`. The boxes are those of the notes and
the textbook :cite:p:`goodfellow2016deep,luo2020notes`.
"""

from __future__ import annotations

from dlopt.check import _core
from dlopt.check._drive import Exercise, check_run, check_steps
from dlopt.optim import SGD, Momentum, Nesterov

__all__ = [
    "momentum_run",
    "momentum_step",
    "nesterov_run",
    "nesterov_step",
    "sgd_run",
    "sgd_step",
]  # re-exported by dlopt.check


def _lr(rng) -> dict:
    return {"lr": _core.log_uniform(rng, 1e-3, 0.5)}


def _lr_alpha(rng) -> dict:
    return {**_lr(rng), "alpha": float(rng.uniform(0.5, 0.95))}


UPHILL = "Wrong sign: the step goes downhill, θ ← θ − εg (your θ moved uphill)."
SGD_EXERCISE = Exercise(
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
        lambda th, v, g, lr, a: (th - lr * (a * v + g), a * v + g),
        "That is PyTorch's convention, v ← αv + g; θ ← θ − εv, whose v is the box's divided "
        "by −ε (see the Conventions page). The box keeps ε and the sign in v: v ← αv − εg; "
        "θ ← θ + v.",
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
MOMENTUM_EXERCISE = Exercise(
    "momentum_step", Momentum, ("v",), _lr_alpha, MOMENTUM_VARIANTS, "v ← αv − εg; θ ← θ + v"
)


def _at(point):
    """A Nesterov variant: the momentum step with the gradient taken at ``point(θ, v, α)``."""

    def step(theta, v, grad, lr, alpha):
        v = alpha * v - lr * grad(point(theta, v, alpha))
        return theta + v, v

    return step


NESTEROV_EXERCISE = Exercise(
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
    check_steps(SGD_EXERCISE, student, cases, steps, seed)


def momentum_step(student, cases: int = 5, steps: int = 4, seed: int = 0) -> None:
    """Check ``student(theta, v, g, lr, alpha) -> (theta, v)`` against dlopt.optim.Momentum.

    One step of the box v ← αv − εg; θ ← θ + v, from the velocity v of the previous
    step (zeros at the first).
    """
    check_steps(MOMENTUM_EXERCISE, student, cases, steps, seed)


def nesterov_step(student, cases: int = 5, steps: int = 4, seed: int = 0) -> None:
    """Check ``student(theta, v, grad, lr, alpha) -> (theta, v)`` against dlopt.optim.Nesterov.

    ``grad`` is the objective's gradient function θ ↦ ∇J(θ): the box asks for the
    gradient at the interim point, θ̃ ← θ + αv; g ← ∇J(θ̃); v ← αv − εg; θ ← θ + v.
    At the first step v = 0, so only later steps show where g was taken.
    """
    check_steps(NESTEROV_EXERCISE, student, cases, steps, seed)


def sgd_run(student, cases: int = 3, steps: int = 20, seed: int = 0) -> None:
    """Check ``student(objective, theta0, lr, steps) -> iterates`` against SGD, step by step.

    ``iterates`` has shape (steps + 1, d): θ₀ and the θ after each step θ ← θ − ε∇J(θ).
    """
    check_run(SGD_EXERCISE, student, cases, steps, seed)


def momentum_run(student, cases: int = 3, steps: int = 20, seed: int = 0) -> None:
    """Check ``student(objective, theta0, lr, alpha, steps) -> iterates`` against Momentum.

    ``iterates`` has shape (steps + 1, d); the velocity starts at v = 0.
    """
    check_run(MOMENTUM_EXERCISE, student, cases, steps, seed)


def nesterov_run(student, cases: int = 3, steps: int = 20, seed: int = 0) -> None:
    """Check ``student(objective, theta0, lr, alpha, steps) -> iterates`` against Nesterov.

    ``iterates`` has shape (steps + 1, d); v starts at 0 and the gradient is taken with
    ``objective.grad`` at the interim point θ + αv.
    """
    check_run(NESTEROV_EXERCISE, student, cases, steps, seed)
