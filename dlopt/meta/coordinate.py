r"""Coordinate descent and block coordinate descent.

Minimize J over one coordinate (or one block of coordinates) at a time,
holding the others fixed, and cycle through the blocks; a *sweep* visits
every block once :cite:p:`goodfellow2016deep,wright2015coordinate`.

- On a quadratic J(θ) = ½θᵀAθ − bᵀθ the minimization along block B is exact:
  it solves A_BB θ_B = b_B − A_{B,B̄} θ_B̄ (with single coordinates, the
  Gauss–Seidel iteration θ_i ← (b_i − Σ_{j≠i} A_ij θ_j) / A_ii).
- On any objective, a step of gradient descent on the block:
  θ_B ← θ_B − ε ∇_B J(θ).

It works when the coordinates barely interact: one sweep solves a diagonal
quadratic exactly. It fails when one coordinate strongly affects the optimal
value of another, as in f(θ) = (θ₁ − θ₂)² + α(θ₁² + θ₂²) with small α
(:func:`coupled_quadratic`): each exact coordinate step only shrinks the
iterate by 1/(1 + α), so a sweep shrinks it by 1/(1 + α)².
"""

from __future__ import annotations

import numpy as np

from dlopt import _checks
from dlopt.optim.base import Optimizer
from dlopt.problems import Quadratic
from dlopt.train import minimize


def coupled_quadratic(alpha: float = 0.01) -> Quadratic:
    r"""The textbook's example f(θ) = (θ₁ − θ₂)² + α(θ₁² + θ₂²) as a :class:`Quadratic`.

    f = ½θᵀAθ with A = [[2 + 2α, −2], [−2, 2 + 2α]]; the minimum is θ = 0, and
    exact coordinate descent on it is slow when α is small.
    """
    alpha = _checks.positive("alpha", alpha)
    return Quadratic(np.array([[2 + 2 * alpha, -2.0], [-2.0, 2 + 2 * alpha]]))


def _partition(blocks, d: int) -> list[np.ndarray]:
    """Check that ``blocks`` partitions 0..d-1 (default: one block per coordinate)."""
    if blocks is None:
        return [np.array([i]) for i in range(d)]
    blocks = [np.atleast_1d(np.asarray(block)) for block in blocks]
    if any(block.size == 0 or not np.issubdtype(block.dtype, np.integer) for block in blocks):
        raise ValueError(f"blocks must be non-empty integer index arrays, got blocks={blocks!r}")
    flat = np.sort(np.concatenate(blocks))
    if flat.size != d or np.any(flat != np.arange(d)):
        raise ValueError(
            f"blocks must partition the indices 0..{d - 1}, each exactly once, "
            f"got blocks={blocks!r}"
        )
    return blocks


class CoordinateDescent(Optimizer):
    """Each ``step`` updates the next block, in cyclic order (``len(blocks)`` steps = a sweep).

    ``lr=None`` minimizes exactly along the block and needs a
    :class:`dlopt.problems.Quadratic`; a learning rate ``lr`` takes one
    gradient step on the block instead, on any objective. ``blocks`` is a list
    of index arrays partitioning 0..d-1 (default: single coordinates).
    """

    def __init__(self, blocks=None, lr: float | None = None):
        super().__init__()
        self.lr = None if lr is None else _checks.positive("lr", lr)
        self.blocks = blocks
        self.state = {"k": 0}

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "blocks": None if self.blocks is None else repr(self.blocks)}

    def step(self, theta, objective):
        blocks = _partition(self.blocks, np.size(theta))
        B = blocks[self.state["k"] % len(blocks)]
        theta = np.array(theta, dtype=float, copy=True)
        if self.lr is not None:
            theta[B] -= self.lr * self.gradient(objective, theta)[B]
        elif hasattr(objective, "A") and hasattr(objective, "b"):  # a Quadratic, or a wrapper
            theta[B] = _exact_block_minimum(objective, theta, B)
        else:
            raise ValueError(
                "exact coordinate minimization needs a Quadratic objective (its A and b); "
                f"pass lr for a gradient step per block (got {type(objective).__name__})"
            )
        self.state["k"] += 1
        return theta


def _exact_block_minimum(q: Quadratic, theta: np.ndarray, B: np.ndarray) -> np.ndarray:
    """argmin over θ_B of ½θᵀAθ − bᵀθ with the other coordinates fixed."""
    A_BB = q.A[np.ix_(B, B)]
    if np.linalg.eigvalsh(A_BB)[0] <= 0:
        raise ValueError(
            f"J has no minimum along block {B.tolist()}: A_BB is not positive definite"
        )
    rest = q.A[B] @ theta - A_BB @ theta[B]  # A_{B,B̄} θ_B̄
    return np.linalg.solve(A_BB, q.b[B] - rest)


def coordinate_descent(objective, theta0, sweeps: int, blocks=None, lr: float | None = None):
    """Run ``sweeps`` sweeps of :class:`CoordinateDescent`; return the :class:`dlopt.Record`.

    The record holds every block update (``sweeps * len(blocks) + 1`` rows of
    ``thetas``, the staircase path); ``record.extras["blocks_per_sweep"]`` is
    the number of blocks, so ``record.thetas[::n]`` are the ends of the sweeps.
    """
    sweeps = _checks.positive_int("sweeps", sweeps)
    theta0 = np.asarray(theta0, dtype=float)
    n_blocks = len(_partition(blocks, theta0.size))
    record = minimize(objective, CoordinateDescent(blocks, lr), theta0, steps=sweeps * n_blocks)
    record.extras["blocks_per_sweep"] = n_blocks
    return record
