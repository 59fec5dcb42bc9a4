"""Running an optimizer: the loop and the record of a run.

The loop does what the algorithm boxes leave to their ``while`` line: it
calls ``optimizer.step`` until a stopping criterion is met and keeps a record.
The update itself always lives in the optimizer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from dlopt import _checks


@dataclass
class Record:
    """What a run leaves behind.

    ``thetas`` has shape (N + 1, d), start included; ``losses`` and
    ``grad_norms`` have N + 1 entries; ``stopped`` says why the run ended.
    """

    thetas: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    stopped: str
    wall_time: float
    extras: dict = field(default_factory=dict)

    @property
    def steps(self) -> int:
        """The number of updates performed."""
        return len(self.losses) - 1

    @property
    def theta(self) -> np.ndarray:
        """The last iterate."""
        return self.thetas[-1]


def minimize(
    objective,
    optimizer,
    theta0,
    steps: int = 100,
    *,
    gtol: float | None = None,
    target: float | None = None,
    callback=None,
) -> Record:
    """Run ``optimizer`` on ``objective`` from ``theta0`` for at most ``steps`` updates.

    Stops early when ‖∇J(θ)‖ < ``gtol`` or J(θ) ≤ ``target``, or when
    ``callback(k, theta, loss)`` returns True. A non-finite loss or gradient
    raises ``FloatingPointError`` naming the step, instead of recording NaNs.
    """
    steps = _checks.positive_int("steps", steps) if steps != 0 else 0
    theta = _checks.finite_array("theta0", np.array(theta0, copy=True))
    if theta.ndim != 1:
        raise ValueError(f"theta0 must be a 1-D vector, got shape {theta.shape}")
    if not np.issubdtype(theta.dtype, np.floating):
        theta = theta.astype(float)
    thetas, losses, norms = [theta.copy()], [], []
    stopped = "steps"
    start = time.perf_counter()
    for k in range(steps + 1):
        loss = _checks.finite_scalar(f"loss at step {k}", objective.value(theta))
        g = _checks.finite_array(f"gradient at step {k}", objective.grad(theta), theta.shape)
        losses.append(loss)
        norms.append(float(np.linalg.norm(g)))
        if gtol is not None and norms[-1] < gtol:
            stopped = "gtol"
            break
        if target is not None and loss <= target:
            stopped = "target"
            break
        if callback is not None and callback(k, theta, loss):
            stopped = "callback"
            break
        if k == steps:
            break
        theta = optimizer.step(theta, objective)
        thetas.append(np.array(theta, copy=True))
    return Record(
        thetas=np.array(thetas),
        losses=np.array(losses),
        grad_norms=np.array(norms),
        stopped=stopped,
        wall_time=time.perf_counter() - start,
    )
