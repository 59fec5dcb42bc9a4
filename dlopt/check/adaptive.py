r"""Self-checks of one step of AdaGrad, RMSProp and Adam (see :mod:`dlopt.check.steps`).

The adaptive boxes differ in small places that are easy to get wrong: where δ sits
(outside the root for AdaGrad and Adam, inside for dlopt's and the textbook's RMSProp),
whether r is a sum or a decaying average, and Adam's bias correction
:cite:p:`duchi2011adaptive,tieleman2012rmsprop,kingma2015adam,goodfellow2016deep`.
The random cases draw δ up to 0.1 (Adam's from 0.01) and gradients from 0.01 to 10 in
size, so that δ's place changes the step. ``inside=True`` checks the notes' Adam instead.
"""

from __future__ import annotations

import numpy as np

from dlopt.check import _core
from dlopt.check._drive import Exercise, check_run, check_steps
from dlopt.check.steps import UPHILL
from dlopt.optim import AdaGrad, Adam, RMSProp

__all__ = [
    "adagrad_run",
    "adagrad_step",
    "adam_run",
    "adam_step",
    "rmsprop_run",
    "rmsprop_step",
]  # re-exported by dlopt.check


def _lr_delta(rng) -> dict:
    return {"lr": _core.log_uniform(rng, 1e-3, 0.5), "delta": _core.log_uniform(rng, 1e-4, 0.1)}


def _adagrad(accumulate, scale):
    """An AdaGrad-like step: r ← accumulate(r, g); θ ← θ − ε g / scale(r_old, r_new, δ)."""

    def step(theta, r, g, lr, delta):
        new = accumulate(r, g)
        return theta - lr * g / scale(r, new, delta), new

    return step


ADAGRAD_EXERCISE = Exercise(
    "adagrad_step",
    AdaGrad,
    ("r",),
    _lr_delta,
    (
        (
            _adagrad(lambda r, g: g * g, lambda old, r, d: d + np.sqrt(r)),
            "r is not accumulated: r ← r + g⊙g keeps the sum of all squared gradients.",
        ),
        (
            _adagrad(lambda r, g: r + g * g, lambda old, r, d: np.sqrt(d + r)),
            "δ goes outside the square root in AdaGrad: ε/(δ + √r).",
        ),
        (
            _adagrad(lambda r, g: r + g * g, lambda old, r, d: d + r),
            "The square root is missing: ε/(δ + √r).",
        ),
        (
            _adagrad(lambda r, g: r + g * g, lambda old, r, d: d + np.sqrt(old)),
            "You divided by the old r: accumulate r ← r + g⊙g first, then compute the step.",
        ),
        (
            _adagrad(lambda r, g: r + np.abs(g), lambda old, r, d: d + np.sqrt(r)),
            "Accumulate the squared gradient g⊙g, not |g|.",
        ),
        (lambda th, r, g, lr, d: (th + lr * g / (d + np.sqrt(r + g * g)), r + g * g), UPHILL),
    ),
    "r ← r + g⊙g; Δθ = −ε/(δ + √r) ⊙ g; θ ← θ + Δθ",
)


def _rmsprop(accumulate, scale):
    """An RMSProp-like step: r ← accumulate(r, g, ρ); θ ← θ − ε g / scale(r_old, r_new, δ)."""

    def step(theta, r, g, lr, rho, delta):
        new = accumulate(r, g, rho)
        return theta - lr * g / scale(r, new, delta), new

    return step


def _rmsprop_hyperparameters(rng) -> dict:
    lr_delta = _lr_delta(rng)
    return {"lr": lr_delta["lr"], "rho": float(rng.uniform(0.5, 0.99)), "delta": lr_delta["delta"]}


def _average(r, g, rho):
    return rho * r + (1 - rho) * g * g


def _inside(old, r, delta):
    return np.sqrt(delta + r)


RMSPROP_EXERCISE = Exercise(
    "rmsprop_step",
    RMSProp,
    ("r",),
    _rmsprop_hyperparameters,
    (
        (
            _rmsprop(lambda r, g, rho: (1 - rho) * r + rho * g * g, _inside),
            "ρ and 1 − ρ are swapped: r ← ρr + (1 − ρ) g⊙g keeps the fraction ρ of the old r.",
        ),
        (
            _rmsprop(lambda r, g, rho: r + g * g, _inside),
            "r ← r + g⊙g is AdaGrad's sum: RMSProp decays the old r, r ← ρr + (1 − ρ) g⊙g.",
        ),
        (
            _rmsprop(lambda r, g, rho: rho * r + g * g, _inside),
            "The factor (1 − ρ) on g⊙g is missing: r ← ρr + (1 − ρ) g⊙g.",
        ),
        (
            _rmsprop(_average, lambda old, r, d: d + np.sqrt(r)),
            "dlopt's RMSProp, like the textbook's, puts δ inside the square root: ε/√(δ + r).",
        ),
        (_rmsprop(_average, lambda old, r, d: d + r), "The square root is missing: ε/√(δ + r)."),
        (
            _rmsprop(_average, lambda old, r, d: np.sqrt(d + old)),
            "You divided by the old r: update r first, then compute the step.",
        ),
        (_rmsprop(_average, lambda old, r, d: -np.sqrt(d + r)), UPHILL),
    ),
    "r ← ρr + (1 − ρ) g⊙g; Δθ = −ε/√(δ + r) ⊙ g; θ ← θ + Δθ",
)


def _adam(
    t_shift=0, rho_swap=False, correct=(True, True), root=np.sqrt, inside=False, sign=-1, rho1=None
):
    """An Adam-like step with one thing changed from the box (the defaults are the box);
    ``rho1`` is a value hard-coded in place of the argument."""
    fixed = rho1

    def step(theta, s, r, t, g, lr, rho1, rho2, delta):
        rho1 = rho1 if fixed is None else fixed
        a, b = (rho2, rho1) if rho_swap else (rho1, rho2)
        s, r, t = a * s + (1 - a) * g, b * r + (1 - b) * g * g, t + t_shift
        s_hat = s / (1 - rho1**t) if correct[0] else s
        r_hat = r / (1 - rho2**t) if correct[1] else r
        scale = root(r_hat + delta) if inside else root(r_hat) + delta
        return theta + sign * lr * s_hat / scale, s, r

    return step


def _adam_hyperparameters(rng, inside: bool = False) -> dict:
    """ε, ρ₁, ρ₂ and δ; δ ≥ 0.01 so that δ inside or outside the root changes every case's
    steps, and ρ₁ near the notes' 0.99 when ``inside`` (drawn, so that a fixed ρ₁ shows)."""
    lr = _core.log_uniform(rng, 1e-3, 0.5)
    delta = _core.log_uniform(rng, 1e-2, 0.1)
    rho1 = float(rng.uniform(0.95, 0.995) if inside else rng.uniform(0.5, 0.95))
    return {"lr": lr, "rho1": rho1, "rho2": float(rng.uniform(0.96, 0.999)), "delta": delta}


def _adam_exercise(inside: bool) -> Exercise:
    """The textbook's Adam, or with ``inside`` the notes' (δ inside the root)."""
    update = "ŝ/√(r̂ + δ)" if inside else "ŝ/(√r̂ + δ)"
    other_place = (
        "δ is outside the square root, as in the textbook: the notes' Adam (inside=True) has "
        "ŝ/√(r̂ + δ). Does your function ignore inside?"
        if inside
        else "δ is inside the square root, as in the notes; the textbook, Kingma & Ba and dlopt "
        "use ŝ/(√r̂ + δ) (the check's inside=True checks the notes' Adam)."
    )

    def variant(**changed):
        return _adam(inside=changed.pop("inside", inside), **changed)

    return Exercise(
        "adam_step",
        Adam,
        ("s", "r"),
        lambda rng: _adam_hyperparameters(rng, inside),
        (
            (
                variant(correct=(False, False)),
                "The bias correction is missing: ŝ = s/(1 − ρ₁ᵗ) and r̂ = r/(1 − ρ₂ᵗ).",
            ),
            (variant(correct=(False, True)), "Correct the bias of s too: ŝ = s/(1 − ρ₁ᵗ)."),
            (variant(correct=(True, False)), "Correct the bias of r too: r̂ = r/(1 − ρ₂ᵗ)."),
            (variant(inside=not inside), other_place),
            (
                variant(rho1=0.99),
                "ρ₁ is fixed at 0.99 in your function: use its argument rho1 (the check draws "
                "other values; 0.99 is only the notes' default).",
            ),
            (variant(rho_swap=True), "ρ₁ belongs to s (the gradient), ρ₂ to r (its square)."),
            (
                variant(t_shift=-1),
                "t is the number of this step, counted from 1: do not subtract 1 (at t = 0 the "
                "correction divides by 1 − ρ⁰ = 0).",
            ),
            (variant(t_shift=1), "t is already this step's number: do not add 1 to it."),
            (
                variant(root=lambda x: x),
                f"The square root is missing: Δθ = −ε {update}.",
            ),
            (variant(sign=1), UPHILL),
        ),
        "s ← ρ₁s + (1 − ρ₁)g; r ← ρ₂r + (1 − ρ₂) g⊙g; ŝ = s/(1 − ρ₁ᵗ); r̂ = r/(1 − ρ₂ᵗ); "
        f"Δθ = −ε {update}",
        counter=True,
        options={"delta_inside_root": True} if inside else {},
        keywords={"inside": True} if inside else {},
    )


ADAM_EXERCISE, ADAM_NOTES_EXERCISE = _adam_exercise(False), _adam_exercise(True)


def adagrad_step(student, cases: int = 5, steps: int = 4, seed: int = 0) -> None:
    """Check ``student(theta, r, g, lr, delta) -> (theta, r)`` against dlopt.optim.AdaGrad.

    One step of r ← r + g⊙g; θ ← θ − ε/(δ + √r) ⊙ g from the previous r (zeros at first).
    """
    check_steps(ADAGRAD_EXERCISE, student, cases, steps, seed)


def rmsprop_step(student, cases: int = 5, steps: int = 4, seed: int = 0) -> None:
    """Check ``student(theta, r, g, lr, rho, delta) -> (theta, r)`` against dlopt.optim.RMSProp.

    One step of r ← ρr + (1 − ρ) g⊙g; θ ← θ − ε/√(δ + r) ⊙ g (δ inside the root).
    """
    check_steps(RMSPROP_EXERCISE, student, cases, steps, seed)


def adam_step(
    student, cases: int = 5, steps: int = 4, seed: int = 0, *, inside: bool = False
) -> None:
    """Check ``student(theta, s, r, t, g, lr, rho1, rho2, delta) -> (theta, s, r)`` against Adam.

    ``t`` is the number of this step, counted from 1 (the box's t after t ← t + 1);
    s and r are the moments of the previous step (zeros at the first). The step is
    s ← ρ₁s + (1 − ρ₁)g; r ← ρ₂r + (1 − ρ₂) g⊙g; ŝ = s/(1 − ρ₁ᵗ); r̂ = r/(1 − ρ₂ᵗ);
    θ ← θ − ε ŝ/(√r̂ + δ), as in dlopt.optim.Adam. With ``inside=True`` it checks the
    notes' Adam instead, θ ← θ − ε ŝ/√(r̂ + δ) (``Adam(delta_inside_root=True)``, ρ₁ drawn
    near the notes' 0.99), and passes ``inside=True`` to ``student`` if it has that parameter.
    """
    check_steps(ADAM_NOTES_EXERCISE if inside else ADAM_EXERCISE, student, cases, steps, seed)


def adagrad_run(student, cases: int = 3, steps: int = 20, seed: int = 0) -> None:
    """Check ``student(objective, theta0, lr, delta, steps) -> iterates`` (shape (steps + 1, d))."""
    check_run(ADAGRAD_EXERCISE, student, cases, steps, seed)


def rmsprop_run(student, cases: int = 3, steps: int = 20, seed: int = 0) -> None:
    """Check ``student(objective, theta0, lr, rho, delta, steps) -> iterates`` against RMSProp."""
    check_run(RMSPROP_EXERCISE, student, cases, steps, seed)


def adam_run(
    student, cases: int = 3, steps: int = 20, seed: int = 0, *, inside: bool = False
) -> None:
    """Check ``student(objective, theta0, lr, rho1, rho2, delta, steps) -> iterates`` against Adam.

    ``iterates`` has shape (steps + 1, d); s = r = 0 at the start and t counts from 1.
    ``inside=True`` checks the notes' Adam, δ inside the root, as :func:`adam_step` does.
    """
    check_run(ADAM_NOTES_EXERCISE if inside else ADAM_EXERCISE, student, cases, steps, seed)
