"""Synthetic data sets, each drawn from its own seeded generator.

Small two-dimensional sets whose difficulty is visible in a plot: a linear
regression (convex least squares), two interleaved moons and several
interleaved spirals (not linearly separable, so a hidden layer is needed),
Gaussian blobs (separable for small ``std``), and a memory task for
recurrent networks (the label is set by the first step of a long sequence).
"""

from __future__ import annotations

import numpy as np

from dlopt import _checks
from dlopt.data.dataset import Dataset


def linear_regression(n: int, d: int = 1, noise: float = 0.1, seed: int = 0) -> Dataset:
    """y = X w + σ ξ with X, w and ξ standard normal and σ = ``noise``.

    The true weights are ``info["w"]``. With σ = 0 least squares recovers w
    exactly (when n ≥ d); otherwise the residual variance is about σ².
    """
    n, d = _checks.positive_int("n", n), _checks.positive_int("d", d)
    noise = _checks.non_negative("noise", noise)
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(d)
    X = rng.standard_normal((n, d))
    y = X @ w + noise * rng.standard_normal(n)
    return Dataset(X, y, name="linear_regression", info={"w": w, "noise": noise})


def two_moons(n: int, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaved half circles of radius 1, class 0 on (cos t, sin t) and class 1
    on (1 − cos t, ½ − sin t), t ~ U(0, π), plus N(0, noise²) in each coordinate.

    Class 0 gets ⌈n/2⌉ points, class 1 ⌊n/2⌋.
    """
    n = _checks.positive_int("n", n)
    noise = _checks.non_negative("noise", noise)
    rng = np.random.default_rng(seed)
    y = (np.arange(n) >= (n + 1) // 2).astype(np.int64)
    t = rng.uniform(0.0, np.pi, n)
    outer = np.column_stack([np.cos(t), np.sin(t)])
    inner = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where(y[:, None] == 0, outer, inner) + noise * rng.standard_normal((n, 2))
    return Dataset(X, y, name="two_moons", info={"noise": noise})


def spirals(n: int, classes: int = 3, noise: float = 0.1, seed: int = 0) -> Dataset:
    """``classes`` interleaved spiral arms: for class c, r ~ U(0, 1) and the point
    r (cos φ, sin φ) with φ = 2πc / classes + 3π r (one and a half turns), plus
    N(0, noise²) in each coordinate. The classes differ in size by at most one.
    """
    n = _checks.positive_int("n", n)
    classes = _checks.positive_int("classes", classes)
    noise = _checks.non_negative("noise", noise)
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    r = rng.uniform(0.0, 1.0, n)
    phi = 2 * np.pi * y / classes + 3 * np.pi * r
    X = r[:, None] * np.column_stack([np.cos(phi), np.sin(phi)])
    X += noise * rng.standard_normal((n, 2))
    return Dataset(X, y.astype(np.int64), name="spirals", info={"noise": noise})


def blobs(n: int, centers=3, std: float = 1.0, seed: int = 0) -> Dataset:
    """Isotropic Gaussian clusters: point i of class c is μ_c + std·ξ, ξ standard normal.

    ``centers`` is an array of the k means, shape (k, d), or a number k of
    means drawn uniformly from [−5, 5]² (in ``info["centers"]``). The classes
    differ in size by at most one.
    """
    n = _checks.positive_int("n", n)
    std = _checks.positive("std", std)
    rng = np.random.default_rng(seed)
    if np.ndim(centers) == 0:
        k = _checks.positive_int("centers", centers)
        centers = rng.uniform(-5.0, 5.0, size=(k, 2))
    centers = _checks.finite_array("centers", np.asarray(centers, dtype=float))
    if centers.ndim != 2 or len(centers) == 0:
        raise ValueError(f"centers must have shape (k, d), got shape {centers.shape}")
    y = np.arange(n) % len(centers)
    X = centers[y] + std * rng.standard_normal((n, centers.shape[1]))
    return Dataset(X, y.astype(np.int64), name="blobs", info={"centers": centers, "std": std})


def memory_task(n: int, length: int = 20, noise: float = 1.0, seed: int = 0) -> Dataset:
    """Sequences whose label is decided at the first step: X has shape (n, length, 1),
    x_1 = ±1 with the label y = 1 when x_1 = +1 (else 0), and x_2, …, x_T are
    N(0, noise²) distractors.

    A recurrent network must carry x_1 through ``length`` − 1 steps, the
    long-term dependency of :cite:p:`goodfellow2016deep` (section 8.2.5).
    """
    n = _checks.positive_int("n", n)
    length = _checks.positive_int("length", length)
    noise = _checks.non_negative("noise", noise)
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    X = noise * rng.standard_normal((n, length, 1))
    X[:, 0, 0] = 2.0 * y - 1.0
    return Dataset(X, y, name="memory_task", info={"length": length, "noise": noise})
