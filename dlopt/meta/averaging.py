r"""Polyak averaging: report the average of the iterates, not the last one.

An optimizer that hops back and forth across a valley (a large learning
rate, noisy minibatch gradients) visits points on both sides of the minimum;
their average can lie much closer to it than any single iterate. Two forms
:cite:p:`polyak1992acceleration,goodfellow2016deep`:

- arithmetic: θ̂⁽ᵗ⁾ = (1/(t+1)) Σ_{i=0}^{t} θ⁽ⁱ⁾, the plain average of the path,
  right for convex problems;
- exponential moving average (EMA): θ̂⁽ᵗ⁾ = α θ̂⁽ᵗ⁻¹⁾ + (1 − α) θ⁽ᵗ⁾, which
  forgets the distant past, as the non-convex case needs (textbook eq. 8.39;
  here ``decay`` = α).

Both start from θ̂⁽⁰⁾ = θ⁽⁰⁾, the starting point, so nothing is biased toward 0.
The averaged point is only reported: the optimizer keeps stepping from its
own raw iterate.
"""

from __future__ import annotations

import copy

import numpy as np

from dlopt import _checks
from dlopt.optim.base import Optimizer

KINDS = ("arithmetic", "ema")


def _kind_and_decay(kind: str, decay: float | None) -> float | None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got kind={kind!r}")
    if kind == "ema":
        if decay is None:
            raise ValueError("kind='ema' needs a decay in [0, 1), got decay=None")
        return _checks.unit_interval("decay", decay)
    if decay is not None:
        raise ValueError(f"kind='arithmetic' takes no decay, got decay={decay!r}")
    return None


def _update(average: np.ndarray, theta: np.ndarray, t: int, decay: float | None) -> np.ndarray:
    """θ̂⁽ᵗ⁾ from θ̂⁽ᵗ⁻¹⁾ and θ⁽ᵗ⁾ (t ≥ 1 iterates after the start)."""
    if decay is None:
        return average + (theta - average) / (t + 1)
    return decay * average + (1.0 - decay) * theta


def polyak_average(thetas, kind: str = "arithmetic", decay: float | None = None) -> np.ndarray:
    """The running average θ̂⁽ᵗ⁾ of a run's iterates, for every t.

    ``thetas`` has shape (N + 1, d), like ``Record.thetas`` (start included);
    the result has the same shape and row t averages rows 0..t.
    """
    decay = _kind_and_decay(kind, decay)
    thetas = _checks.finite_array("thetas", np.asarray(thetas, dtype=float))
    if thetas.ndim != 2 or len(thetas) == 0:
        raise ValueError(f"thetas must have shape (N + 1, d), got shape {thetas.shape}")
    averages = np.empty_like(thetas)
    averages[0] = thetas[0]
    for t in range(1, len(thetas)):
        averages[t] = _update(averages[t - 1], thetas[t], t, decay)
    return averages


class Averaged(Optimizer):
    """Wrap any optimizer and keep the Polyak average of its iterates.

    ``step`` returns the wrapped optimizer's raw iterate, so the run is
    unchanged; :attr:`theta` is the averaged point θ̂ after the steps so far.
    Over a run, ``Averaged(...).theta`` after k steps equals
    ``polyak_average(record.thetas, ...)[k]``.
    """

    def __init__(self, optimizer: Optimizer, kind: str = "arithmetic", decay: float | None = None):
        super().__init__()
        if not callable(getattr(optimizer, "step", None)):
            raise TypeError(f"optimizer must have a step method, got optimizer={optimizer!r}")
        self.optimizer = optimizer
        self.kind = kind
        self.decay = _kind_and_decay(kind, decay)
        self.state = {"t": 0, "average": None}

    def hyperparameters(self) -> dict:
        return {"optimizer": repr(self.optimizer), "kind": self.kind, "decay": self.decay}

    def step(self, theta, objective):
        if self.state["average"] is None:
            self.state["average"] = np.array(theta, dtype=float, copy=True)
        theta = self.optimizer.step(theta, objective)
        self.state["t"] += 1
        self.state["average"] = _update(self.state["average"], theta, self.state["t"], self.decay)
        return theta

    @property
    def theta(self) -> np.ndarray:
        """A copy of the averaged parameters θ̂ (available after the first step)."""
        if self.state["average"] is None:
            raise ValueError("no average yet: call step at least once")
        return self.state["average"].copy()

    def state_dict(self) -> dict:
        saved = super().state_dict()
        saved["optimizer"] = self.optimizer.state_dict()
        return saved

    def load_state_dict(self, saved: dict) -> None:
        super().load_state_dict(saved)
        self.optimizer.load_state_dict(copy.deepcopy(saved["optimizer"]))
