"""How a step check and a run check drive a student's function next to a dlopt optimizer.

:func:`check_steps` feeds the student dlopt's state at every step, so that a mistake
is found at the step where it first shows; :func:`check_run` compares whole runs. Both
draw seeded random quadratics and hyperparameters and, on a difference, look for a
wrong variant of the step that reproduces the student's answers.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import numpy as np

from dlopt.check import _core
from dlopt.check._guard import OwnWork
from dlopt.problems import Quadratic
from dlopt.train import minimize


@dataclass(frozen=True)
class Exercise:
    """How to call a student's step function and which mistakes to look for.

    ``state`` names the state arrays passed in after θ and returned after it;
    ``counter`` passes the step number t (from 1) after them; ``gradient_function``
    passes the objective's gradient function instead of g; ``draw_hyperparameters(rng)``
    draws the keyword arguments of the optimizer, passed to the student in that
    order; ``variants`` are (wrong step function, hint) pairs; ``in_words`` is the
    algorithm's box in words. ``options`` are passed to the optimizer besides the
    hyperparameters (e.g. ``delta_inside_root=True``), ``keywords`` to the student's
    function if it has parameters of those names (e.g. ``inside=True``).
    """

    function: str
    optimizer: type
    state: tuple[str, ...]
    draw_hyperparameters: object
    variants: tuple
    in_words: str
    counter: bool = False
    gradient_function: bool = False
    options: dict = field(default_factory=dict)
    keywords: dict = field(default_factory=dict)

    def reference(self) -> str:
        """The name of the reference, e.g. ``dlopt.optim.Adam(delta_inside_root=True)``."""
        options = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return f"dlopt.optim.{self.optimizer.__name__}" + (f"({options})" if options else "")

    def call(self, student, function: str, *args):
        """``student(*args)`` with the keywords it accepts; refused if it calls dlopt's step."""
        try:
            parameters = inspect.signature(student).parameters.values()
        except (TypeError, ValueError):  # a builtin or a callable without a signature
            parameters = ()
        accepted = {p.name for p in parameters} | (
            set(self.keywords) if any(p.kind is p.VAR_KEYWORD for p in parameters) else set()
        )
        with OwnWork(function):
            return student(*args, **{k: v for k, v in self.keywords.items() if k in accepted})


NAMES = {"theta": "θ", "v": "velocity v", "r": "accumulator r", "s": "first moment s"}


def random_quadratic(rng) -> tuple[Quadratic, np.ndarray]:
    """A seeded positive-definite quadratic of dimension 2-6 whose gradients have size 0.01-10."""
    d = int(rng.integers(2, 7))
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    A = _core.log_uniform(rng, 1e-2, 10) * (Q * rng.uniform(0.2, 1.0, d)) @ Q.T
    return Quadratic((A + A.T) / 2, rng.standard_normal(d)), rng.standard_normal(d)


def check_steps(exercise: Exercise, student, cases: int = 5, steps: int = 4, seed: int = 0) -> None:
    """Compare ``student`` with ``exercise.optimizer`` step by step; see the module docstring."""
    rng = np.random.default_rng(seed)
    names = ("theta", *exercise.state)
    for case in range(1, cases + 1):
        objective, theta = random_quadratic(rng)
        hyper = exercise.draw_hyperparameters(rng)
        optimizer = exercise.optimizer(**hyper, **exercise.options)
        state = {name: np.zeros_like(theta) for name in exercise.state}
        calls, answers, expected = [], [], []
        for t in range(1, steps + 1):
            g = objective.grad if exercise.gradient_function else objective.grad(theta)
            counter = [t] if exercise.counter else []
            args = (theta, *(state[n] for n in exercise.state), *counter, g)
            args = (*args, *hyper.values())
            copies = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
            result = exercise.call(student, exercise.function, *copies)
            answers.append(_core.as_outputs(result, names, exercise.function))
            calls.append(args)
            theta = optimizer.step(theta, objective)
            state = {n: np.array(optimizer.state[n], dtype=float) for n in exercise.state}
            expected.append((theta, *(state[n] for n in exercise.state)))
        for t, (answer, reference) in enumerate(zip(answers, expected, strict=True), 1):
            wrong = [
                i
                for i, (a, e) in enumerate(zip(answer, reference, strict=True))
                if not _core.close(a, e)
            ]
            if wrong:
                i = next((j for j in wrong if j > 0), 0)  # a wrong state explains a wrong θ
                also = ", ".join(NAMES[names[j]] for j in wrong if j != i)
                _core.fail(
                    f"{exercise.function}, case {case} (d={theta.size}, {_shown(hyper)}), step {t}",
                    _core.difference(NAMES[names[i]], answer[i], reference[i])
                    + (f" (and {also})" if also else ""),
                    _core.diagnose(exercise.variants, calls, answers),
                    f"Compare your lines with the box: {exercise.in_words}",
                )
    _core.passed(f"{cases} cases match {exercise.reference()}")


def run_variant(step, exercise: Exercise, objective, theta0, hyper: dict, steps: int) -> np.ndarray:
    """The iterates θ₀, ..., θ_steps of the step function ``step`` called like the student's."""
    theta, state, path = theta0.copy(), [np.zeros_like(theta0) for _ in exercise.state], [theta0]
    for t in range(1, steps + 1):
        g = objective.grad if exercise.gradient_function else objective.grad(theta)
        out = step(theta, *state, *([t] if exercise.counter else []), g, *hyper.values())
        theta, *state = out if isinstance(out, tuple) else (out,)
        path.append(theta)
    return np.array(path)


def check_run(exercise: Exercise, student, cases: int = 3, steps: int = 20, seed: int = 0) -> None:
    """Compare a whole run ``student(objective, theta0, *hyperparameters, steps)`` with dlopt's.

    The student returns the iterates θ₀, ..., θ_steps as an array of shape (steps + 1, d),
    starting from zero state; the reference is :func:`dlopt.minimize` with ``exercise.optimizer``.
    A wrong variant of the step whose run reproduces the student's iterates names the mistake.
    """
    function = exercise.function.replace("_step", "_run")
    rng = np.random.default_rng(seed)
    for case in range(1, cases + 1):
        objective, theta0 = random_quadratic(rng)
        hyper = exercise.draw_hyperparameters(rng)
        optimizer = exercise.optimizer(**hyper, **exercise.options)
        expected = minimize(objective, optimizer, theta0, steps=steps).thetas
        answer = exercise.call(student, function, objective, theta0.copy(), *hyper.values(), steps)
        (got,) = _core.as_outputs(answer, ("iterates",), function)
        where = f"{function}, case {case} (d={theta0.size}, {_shown(hyper)})"
        if got.shape != expected.shape:
            raise _core.CheckFailed(
                f"{where}: your iterates have shape {got.shape}, expected {expected.shape} "
                "(θ₀ included, one row per step)."
            )
        wrong = [k for k in range(steps + 1) if not _core.close(got[k], expected[k])]
        if wrong and _aliased(answer, got, theta0):
            raise _core.CheckFailed(
                f"{where}: the rows of your iterates are one and the same array, the last θ "
                "(θ was changed in place after it was appended). Append a copy, "
                "thetas.append(theta.copy()), or write theta = theta - ... instead of -=."
            )
        if wrong:
            with np.errstate(all="ignore"):
                runs = [
                    (run_variant(v, exercise, objective, theta0, hyper, steps), h)
                    for v, h in exercise.variants
                ]
            hint = next((h for path, h in runs if _core.close(got, path)), None)
            _core.fail(
                f"{where}, step {wrong[0]}",
                _core.difference("θ", got[wrong[0]], expected[wrong[0]]),
                hint,
                f"Compare your lines with the box: {exercise.in_words}",
            )
    _core.passed(f"{cases} runs of {steps} steps match {exercise.reference()}")


def _aliased(answer, got: np.ndarray, theta0: np.ndarray) -> bool:
    """Whether the run's rows are one array appended again and again (and changed in place).

    Either the student's list holds the same array object twice, or every row after θ₀
    is the last θ while that θ is not θ₀ (so the run did move).
    """
    if isinstance(answer, list | tuple):
        arrays = [id(row) for row in answer if isinstance(row, np.ndarray)]
        if len(set(arrays)) < len(arrays):
            return True
    return len(got) > 2 and bool(np.all(got[1:] == got[-1])) and not _core.close(got[-1], theta0)


def _shown(hyper: dict) -> str:
    return ", ".join(f"{k}={v:.4g}" for k, v in hyper.items())
