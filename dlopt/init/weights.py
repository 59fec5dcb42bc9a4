r"""Weight initializers: the heuristics of section 4 of the notes, each with its formula.

Every initializer has the signature ``initializer(shape, rng, ...) -> ndarray``
and returns a new float64 array. ``shape`` is ``(fan_in, fan_out)`` =
``(n_in, n_out)``, the layout of a Dense weight matrix (y = x @ W + b), so a
unit's *incoming* weights are a column of W and m = shape[0] is its fan-in.
``rng`` is a seeded ``np.random.default_rng``; the deterministic initializers
accept it too (and ignore it), so all of them plug into
:func:`dlopt.init.init_network` alike. Fix the keyword arguments with
``functools.partial``.

Why so many heuristics? Two units with the same inputs and the same initial
weights receive the same gradient forever: the initial point must *break the
symmetry*. How large the random weights should be is a trade-off (large
weights carry signals and gradients further, small ones regularize and avoid
saturation), and the scaled rules below pick the variance that keeps the
activations or the gradients at the same scale from layer to layer
:cite:p:`goodfellow2016deep`.
"""

from __future__ import annotations

import math

import numpy as np

from dlopt import _checks

_GAINS = {"linear": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0)}


def fans(shape) -> tuple[int, int]:
    """(fan_in, fan_out) = (m, n) of a weight matrix of shape (m, n); anything else raises."""
    shape = tuple(shape)
    if len(shape) != 2 or not all(isinstance(s, int | np.integer) and s >= 1 for s in shape):
        raise ValueError(
            f"shape must be (fan_in, fan_out) with two positive integers, got shape={shape!r}"
        )
    return int(shape[0]), int(shape[1])


def gain(nonlinearity: str) -> float:
    """The gain g for orthogonal (or scaled) initialization before ``nonlinearity``.

    1 for "linear", 5/3 for "tanh" and √2 for "relu": the factor that undoes
    the average shrinking of the signal by the nonlinearity
    :cite:p:`saxe2013exact,he2015delving`.
    """
    if nonlinearity not in _GAINS:
        raise ValueError(
            f"nonlinearity must be one of {sorted(_GAINS)}, got nonlinearity={nonlinearity!r}"
        )
    return _GAINS[nonlinearity]


def constant(shape, rng=None, *, value: float = 0.0) -> np.ndarray:
    """Every weight equal to ``value``: the symmetric start that random initialization avoids.

    All units of a layer then compute the same function and get the same
    gradient, so gradient descent can never make them differ. Any shape
    (a bias vector too).
    """
    return np.full(shape, _checks.finite_scalar("value", value))


def zeros(shape, rng=None) -> np.ndarray:
    """W = 0: :func:`constant` with value 0 (the worst case of the symmetry problem)."""
    return constant(shape, value=0.0)


def uniform(shape, rng, *, scale: float) -> np.ndarray:
    """W_ij ~ U(−scale, scale): mean 0, variance scale²/3."""
    fans(shape)
    return rng.uniform(-_checks.positive("scale", scale), scale, size=shape)


def normal(shape, rng, *, std: float) -> np.ndarray:
    """W_ij ~ N(0, std²)."""
    fans(shape)
    return _checks.positive("std", std) * rng.standard_normal(shape)


def fan_in_uniform(shape, rng) -> np.ndarray:
    """W_ij ~ U(−1/√m, 1/√m) with m the fan-in: variance 1/(3m).

    The textbook's heuristic for a layer with m inputs and n outputs
    :cite:p:`goodfellow2016deep`; the default of :meth:`dlopt.nn.Network.init`.
    """
    m, _ = fans(shape)
    return uniform(shape, rng, scale=1.0 / math.sqrt(m))


def glorot_uniform(shape, rng, *, gain: float = 1.0) -> np.ndarray:
    r"""Glorot and Bengio's *normalized initialization*: W_ij ~ U(−a, a), a = g·√(6/(m + n)).

    Its variance 2g²/(m + n) compromises between keeping the activation
    variance (1/m) and the back-propagated gradient variance (1/n) constant
    across layers :cite:p:`glorot2010understanding`.
    """
    m, n = fans(shape)
    return uniform(shape, rng, scale=_checks.positive("gain", gain) * math.sqrt(6.0 / (m + n)))


def he_normal(shape, rng) -> np.ndarray:
    """He et al.'s initialization for ReLU layers: W_ij ~ N(0, 2/m), m the fan-in.

    A ReLU zeroes half of its inputs on average, which the factor 2 makes up
    for, so the second moment of the activations stays constant with depth
    :cite:p:`he2015delving`.
    """
    m, _ = fans(shape)
    return normal(shape, rng, std=math.sqrt(2.0 / m))


def orthogonal(shape, rng, *, gain: float = 1.0) -> np.ndarray:
    r"""A random orthogonal matrix times ``gain``: norm-preserving initialization.

    W = g·Q with Q from the QR factorization of a Gaussian matrix (signs
    fixed so that Q is uniformly (Haar) distributed). A tall or square W
    (m ≥ n) has orthonormal columns, WᵀW = g²I; a wide W (m < n) has
    orthonormal rows, WWᵀ = g²I. With g = 1 a linear layer then preserves the
    norm of every input (m ≥ n) or every back-propagated gradient (m < n),
    which lets deep (linear) networks train as fast as shallow ones
    :cite:p:`saxe2013exact`. Use :func:`gain` for the nonlinearity.
    """
    m, n = fans(shape)
    g = _checks.positive("gain", gain)
    A = rng.standard_normal((max(m, n), min(m, n)))
    Q, R = np.linalg.qr(A)
    Q = Q * np.sign(np.diag(R))
    return g * (Q if m >= n else Q.T)


def sparse(shape, rng, *, k: int, std: float = 1.0) -> np.ndarray:
    """Exactly k non-zero incoming weights per unit, each N(0, std²); the rest are 0.

    Every column of W (the inputs of one unit) gets k distinct rows chosen
    uniformly at random. Unlike dense schemes scaled by 1/√m, the total input
    of a unit does not shrink as the layer gets wider, and units still differ
    :cite:p:`martens2010deep`. ``k`` is an integer count between 1 and the fan-in.
    """
    m, n = fans(shape)
    k = _checks.positive_int("k", k)
    if k > m:
        raise ValueError(f"k must be at most the fan-in m={m}, got k={k}")
    std = _checks.positive("std", std)
    W = np.zeros((m, n))
    for j in range(n):
        rows = rng.choice(m, size=k, replace=False)
        values = std * rng.standard_normal(k)
        while np.any(values == 0.0):  # probability zero, but "exactly k" is a promise
            values = std * rng.standard_normal(k)
        W[rows, j] = values
    return W


def identity(shape, rng=None, *, scale: float = 1.0) -> np.ndarray:
    """W = scale·I for a square recurrent matrix W_hh.

    With W_hh = I (and ReLU units) a recurrent network starts by copying its
    hidden state forward, so gradients neither vanish nor explode through
    time at first :cite:p:`le2015simple`; a scale below 1 makes the copy leak.
    """
    m, n = fans(shape)
    if m != n:
        raise ValueError(f"identity initialization needs a square shape, got shape={shape!r}")
    return _checks.positive("scale", scale) * np.eye(m)
