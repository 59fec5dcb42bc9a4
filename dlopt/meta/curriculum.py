r"""Curriculum learning: easy examples first, harder ones later.

A curriculum is a continuation method on the data: early objectives are
built from the easy examples, later ones from all of them
:cite:p:`bengio2009curriculum,goodfellow2016deep`. Given a difficulty score
per example (lower is easier), the *competence* at epoch e (counted from 1,
like the epochs of :func:`dlopt.fit`),

    c(e) = min(1, c₀ + (1 − c₀)(e − 1) / E),

grows linearly from ``start`` = c₀ at epoch 1 to 1 at epoch 1 + E, with
E = ``epochs_to_full``.

- deterministic: epoch e trains on the ⌈c(e) n⌉ easiest examples only, each
  once, in shuffled minibatches (or, with ``shuffle=False``, easiest first);
- stochastic: epoch e draws n examples with replacement, example i with
  probability pᵢ ∝ exp(−λ(e) rᵢ), rᵢ = rank(i)/(n − 1) ∈ [0, 1] its relative
  difficulty and λ(e) = ``sharpness`` · (1 − c(e))/(1 − c₀). Easy and hard
  examples are always mixed, the share of hard ones grows, and from epoch 1 + E
  on the sampling is uniform :cite:p:`zaremba2014learning`.

A :class:`Curriculum` is a ``sampler(epoch, rng) -> iterable of index arrays``
for :func:`dlopt.fit`.
"""

from __future__ import annotations

import math

import numpy as np

from dlopt import _checks

KINDS = ("deterministic", "stochastic")


class Curriculum:
    """A minibatch sampler that orders or weights examples by ``difficulty`` (lower = easier)."""

    def __init__(
        self,
        difficulty,
        batch_size: int,
        *,
        kind: str = "deterministic",
        start: float = 0.2,
        epochs_to_full: int = 10,
        sharpness: float = 5.0,
        shuffle: bool = True,
    ):
        difficulty = _checks.finite_array("difficulty", np.asarray(difficulty, dtype=float))
        if difficulty.ndim != 1 or difficulty.size < 2:
            raise ValueError(
                f"difficulty must be 1-D with >= 2 scores, got shape {difficulty.shape}"
            )
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got kind={kind!r}")
        self.kind = kind
        self.shuffle = bool(shuffle)
        self.batch_size = _checks.positive_int("batch_size", batch_size)
        self.start = _checks.positive("start", start)
        if self.start > 1:
            raise ValueError(f"start must lie in (0, 1], got start={start!r}")
        self.epochs_to_full = _checks.positive_int("epochs_to_full", epochs_to_full)
        self.sharpness = _checks.non_negative("sharpness", sharpness)
        self.order = np.argsort(difficulty, kind="stable")  # easiest first, ties by index
        self.rank = np.empty(difficulty.size)
        self.rank[self.order] = np.arange(difficulty.size) / (difficulty.size - 1)

    @property
    def n(self) -> int:
        """The number of examples."""
        return self.order.size

    def competence(self, epoch: int) -> float:
        """c(e): the fraction of the data the curriculum admits at ``epoch`` (counted from 1)."""
        if isinstance(epoch, bool) or not isinstance(epoch, int | np.integer) or epoch < 1:
            raise ValueError(f"epoch must be an integer >= 1, got epoch={epoch!r}")
        return min(1.0, self.start + (1.0 - self.start) * (epoch - 1) / self.epochs_to_full)

    def pool(self, epoch: int) -> np.ndarray:
        """The deterministic curriculum's examples at ``epoch``: the ⌈c(e) n⌉ easiest, in order."""
        # the 1e-9 keeps rounding (0.3 · 100 = 30.000000000000004) from admitting one extra
        return self.order[: math.ceil(self.competence(epoch) * self.n - 1e-9)]

    def probabilities(self, epoch: int) -> np.ndarray:
        """The stochastic curriculum's pᵢ ∝ exp(−λ(e) rᵢ) at ``epoch`` (they sum to 1)."""
        c = self.competence(epoch)
        lam = 0.0 if self.start == 1 else self.sharpness * (1.0 - c) / (1.0 - self.start)
        weights = np.exp(-lam * self.rank)
        return weights / weights.sum()

    def __call__(self, epoch: int, rng: np.random.Generator):
        """The minibatches (index arrays) of ``epoch``."""
        if self.kind == "deterministic":
            pool = self.pool(epoch)
            indices = rng.permutation(pool) if self.shuffle else pool
        else:
            indices = rng.choice(self.n, size=self.n, replace=True, p=self.probabilities(epoch))
        return [indices[i : i + self.batch_size] for i in range(0, indices.size, self.batch_size)]

    def __repr__(self) -> str:
        return (
            f"Curriculum(n={self.n}, batch_size={self.batch_size}, kind={self.kind!r}, "
            f"start={self.start}, epochs_to_full={self.epochs_to_full}, "
            f"sharpness={self.sharpness}, shuffle={self.shuffle})"
        )
