r"""Comparing optimizers fairly: a seeded grid search per method, and a noisy objective.

Each method gets its own small grid, every setting runs from the same start
on the same problem, and the best setting represents the method:
:func:`tune` for :func:`dlopt.minimize` (fewest steps to ``target``, then the
lowest final loss), :func:`tune_fit` for :func:`dlopt.fit` (lowest final
validation loss). :class:`Noisy` makes any objective stochastic, the noisy
quadratic of :cite:t:`schaul2013no`, the gradient noise of minibatch training
:cite:p:`goodfellow2016deep,bottou2018optimization`.
"""

from __future__ import annotations

import copy
import itertools
import math
from dataclasses import dataclass

import numpy as np

from dlopt import _checks
from dlopt.objective import Forwarding
from dlopt.train import Record, diverged, fit, minimize


class Noisy(Forwarding):
    r"""J with a noisy gradient: ĝ(θ) = ∇J(θ) + σξ, ξ ~ N(0, I) drawn afresh at every call.

    Unbiased (E ĝ = ∇J), with E‖ĝ − ∇J‖² = σ²d in d dimensions. ``value``, ``hessian``
    and every other attribute of ``objective`` are exact, so progress is measured on
    the true J. Draws come from ``np.random.default_rng(seed)``; a ``copy.deepcopy``
    replays the same noise (so :func:`tune` gives every setting the same draws).
    """

    def __init__(self, objective, sigma: float, seed: int):
        super().__init__(objective)
        self.sigma = _checks.non_negative("sigma", sigma)
        self.rng = np.random.default_rng(seed)

    def grad(self, theta) -> np.ndarray:
        """∇J(θ) + σξ with a fresh ξ ~ N(0, I)."""
        g = np.asarray(self.objective.grad(theta))
        return g + self.sigma * self.rng.standard_normal(g.shape)


@dataclass
class Trial:
    """One setting of a grid search: its ``record`` (None if it diverged at once), the
    number of ``steps`` it took to reach the target (inf if it did not) and its final
    ``loss`` (inf if it diverged)."""

    settings: dict
    record: Record | None
    steps: float
    loss: float

    @property
    def label(self) -> str:
        """The settings as text, numbers to 3 significant digits: ``"lr=0.0316, alpha=0.9"``."""
        return ", ".join(
            f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.settings.items()
        )


@dataclass
class Tuning:
    """The outcome of a grid search: ``best`` and every trial in grid order."""

    best: Trial
    trials: list[Trial]


def settings_grid(grid: dict) -> list[dict]:
    """Every combination of the values in ``grid`` (name → list), first name slowest."""
    names = list(grid)
    if not names or any(len(grid[n]) == 0 for n in names):
        raise ValueError(f"grid needs at least one value per name, got grid={grid!r}")
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*grid.values())]


def _run(objective, optimizer, theta0, steps, target) -> Trial:
    """One minimize run, stopped and scored as failed when it diverges (``train.diverged``)."""
    j0 = float(objective.value(theta0))
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            record = minimize(
                objective, optimizer, theta0, steps, target=target,
                callback=lambda k, theta, loss: diverged(loss, j0),
            )  # fmt: skip
        except FloatingPointError:
            record = None
    if record is None or record.stopped == "callback":
        return Trial({}, record, math.inf, math.inf)
    reached = record.stopped == "target"
    return Trial({}, record, record.steps if reached else math.inf, float(record.losses[-1]))


def tune(objective, make_optimizer, grid: dict, theta0, *, steps: int, target=None) -> Tuning:
    """Run ``make_optimizer(**settings)`` from ``theta0`` for every setting in ``grid``.

    Each run is :func:`dlopt.minimize` for at most ``steps`` updates on a fresh
    ``copy.deepcopy(objective)`` (same noise for every setting), stopping at
    J ≤ ``target``. The best setting reaches the target in the fewest steps,
    ties and misses decided by the lowest final loss. Once some setting has
    reached the target in n steps, later runs get n steps at most: they could
    not win with more.
    """
    steps = _checks.positive_int("steps", steps)
    trials, budget = [], steps
    for settings in settings_grid(grid):
        trial = _run(copy.deepcopy(objective), make_optimizer(**settings), theta0, budget, target)
        trial.settings = settings
        trials.append(trial)
        if trial.steps < math.inf:
            budget = max(1, min(budget, int(trial.steps)))
    return Tuning(min(trials, key=lambda t: (t.steps, t.loss)), trials)


def tune_fit(net, make_optimizer, grid: dict, train, validation, **fit_args) -> Tuning:
    """:func:`dlopt.fit` with ``make_optimizer(**settings)`` for every setting in ``grid``.

    ``fit_args`` (epochs, batch_size, seed, ...) are the same for every run, so
    every setting starts from the same θ₀ and sees the same minibatches. The
    best setting has the lowest validation loss after the last epoch; a run
    whose loss overflows scores infinity.
    """
    trials = []
    for settings in settings_grid(grid):
        optimizer = make_optimizer(**settings)
        with np.errstate(over="ignore", invalid="ignore"):
            try:
                record = fit(net, optimizer, train, validation=validation, **fit_args)
            except FloatingPointError:
                record = None
        loss = math.inf if record is None else float(record.extras["val_loss"][-1])
        trials.append(Trial(settings, record, math.inf, loss))
    return Tuning(min(trials, key=lambda t: t.loss), trials)
