"""A read-only data set, deterministic splits, and the minibatch sampler.

Minibatch methods estimate the gradient of the expected loss from a few
examples drawn from the training set :cite:p:`goodfellow2016deep` (section 8.1.3).
Drawing *without* replacement, one pass over a fresh random permutation per
epoch, visits every example exactly once per epoch; drawing *with*
replacement makes every minibatch an independent sample, the setting in
which the minibatch gradient is an unbiased estimate of the gradient of
the empirical loss.
"""

from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np

from dlopt import _checks


class Dataset:
    """Inputs ``X`` (N, …) and targets ``y`` (N,) or (N, k), copied and frozen.

    The arrays are read-only, so a data set shared by several runs cannot be
    changed by one of them. ``info`` holds facts about the data (its source,
    the true weights of a synthetic set, …).
    """

    def __init__(self, X, y, *, name: str = "", info=None):
        X = _checks.finite_array("X", np.array(X, dtype=float))
        y = np.array(y)
        if X.ndim < 2:
            raise ValueError(f"X must have shape (N, features...), got shape {X.shape}")
        if y.ndim not in (1, 2) or len(y) != len(X):
            raise ValueError(f"y must have shape ({len(X)},) or ({len(X)}, k), got {y.shape}")
        if np.issubdtype(y.dtype, np.floating):
            _checks.finite_array("y", y)
        elif not np.issubdtype(y.dtype, np.integer):
            raise TypeError(f"y must hold integer labels or real targets, got dtype {y.dtype}")
        X.flags.writeable = False
        y.flags.writeable = False
        self.X, self.y, self.name = X, y, name
        self.info = MappingProxyType(dict(info or {}))

    def __len__(self) -> int:
        return len(self.X)

    @property
    def n_classes(self) -> int:
        """The number of classes, max(y) + 1, for integer labels."""
        if not np.issubdtype(self.y.dtype, np.integer) or self.y.ndim != 1:
            raise ValueError(f"n_classes needs integer labels of shape (N,), got {self.y.dtype}")
        return int(self.y.max()) + 1 if len(self.y) else 0

    def subset(self, indices) -> Dataset:
        """The examples at ``indices`` (an index array or a boolean mask), as a new Dataset."""
        return Dataset(self.X[indices], self.y[indices], name=self.name, info=self.info)

    def split(self, fractions, seed: int = 0) -> tuple[Dataset, ...]:
        """Split a random permutation (drawn from ``seed``) into consecutive parts.

        Part j gets the examples between round(N·(f₁+…+f_{j−1})) and
        round(N·(f₁+…+f_j)); when the fractions sum to less than 1 the rest
        forms one more part. So ``split((0.6, 0.2, 0.2))`` gives train,
        validation and test sets, and ``split((0.8,))`` gives two parts.
        Every example lands in exactly one part, and the same seed gives the
        same parts.
        """
        fractions = [_checks.positive(f"fractions[{i}]", f) for i, f in enumerate(fractions)]
        total = math.fsum(fractions)
        if not fractions or total > 1 + 1e-9:
            raise ValueError(f"fractions must be positive and sum to at most 1, got {fractions}")
        cuts = [round(len(self) * c) for c in np.cumsum(fractions)]
        if total >= 1 - 1e-9:
            cuts.pop()  # the last part ends at N
        parts = np.split(np.random.default_rng(seed).permutation(len(self)), cuts)
        if any(len(p) == 0 for p in parts):
            raise ValueError(f"fractions {fractions} leave an empty part of {len(self)} examples")
        return tuple(self.subset(np.sort(p)) for p in parts)

    def __repr__(self):
        label = f"{self.name!r}, " if self.name else ""
        return f"Dataset({label}X{self.X.shape}, y{self.y.shape})"


def minibatches(n: int, batch_size: int, rng, *, replace: bool = False, shuffle: bool = True):
    """One epoch of minibatch index arrays for a data set of ``n`` examples.

    - ``replace=False``: a permutation of 0, …, n−1 drawn from ``rng`` (or
      0, …, n−1 in order when ``shuffle=False``) cut into ⌈n / batch_size⌉
      batches; the last one is smaller when batch_size does not divide n.
      Every index appears exactly once.
    - ``replace=True``: ⌈n / batch_size⌉ batches of ``batch_size`` indices,
      each drawn independently and uniformly from 0, …, n−1.

    ``rng`` is a ``np.random.Generator`` (advanced by the draws) or an integer seed.
    """
    n = _checks.positive_int("n", n)
    batch_size = _checks.positive_int("batch_size", batch_size)
    rng = _checks.generator(rng)
    if replace and not shuffle:
        raise ValueError("shuffle=False needs replace=False: sampling with replacement is random")
    n_batches = math.ceil(n / batch_size)
    if replace:
        return iter(rng.integers(0, n, size=(n_batches, batch_size)))
    order = rng.permutation(n) if shuffle else np.arange(n)
    return (order[k * batch_size : (k + 1) * batch_size] for k in range(n_batches))


#: Public name of :func:`dlopt._checks.generator` (the one rng check of the package).
as_generator = _checks.generator
