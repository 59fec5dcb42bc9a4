"""Checking a gradient against central finite differences.

For a coordinate i, (J(θ + h eᵢ) − J(θ − h eᵢ)) / 2h = ∂J/∂θᵢ + O(h²), with a
rounding error of about u·|J|/h (u ≈ 1.1e-16 in float64), so h = 1e-6 leaves
roughly ten correct digits on a smooth function of moderate size
:cite:p:`nocedal2006numerical` (section 8.1).
"""

from __future__ import annotations

import numpy as np

from dlopt import _checks


def numerical_gradient(value, theta, eps: float = 1e-6, indices=None) -> np.ndarray:
    """Central differences of the function ``value`` at ``theta`` for the coordinates
    ``indices`` (all of them by default); ``theta`` is restored afterwards."""
    eps = _checks.positive("eps", eps)
    theta = np.array(theta, dtype=float)
    flat = theta.reshape(-1)
    indices = np.arange(flat.size) if indices is None else np.asarray(indices)
    estimate = np.empty(len(indices))
    for k, i in enumerate(indices):
        saved = flat[i]
        flat[i] = saved + eps
        plus = value(theta)
        flat[i] = saved - eps
        minus = value(theta)
        flat[i] = saved
        estimate[k] = (plus - minus) / (2 * eps)
    return estimate


def gradient_check(objective, theta, eps: float = 1e-6, rng=None, n: int | None = None) -> float:
    r"""The relative error between ``objective.grad(theta)`` and central differences.

    With g the analytic and ĝ the numerical gradient on the checked coordinates
    (all, or ``n`` of them drawn without replacement with ``rng``: a Generator
    or a seed, 0 by default), returns

        max_i |gᵢ − ĝᵢ| / max(‖g‖_∞, ‖ĝ‖_∞),

    the largest coordinate error relative to the size of the gradient (0 when
    both vanish). Measuring against the largest entry rather than each entry
    keeps coordinates whose true derivative is 0 (a dead ReLU, say) from
    dividing rounding noise by zero. A correct gradient in float64 gives about
    1e-9; a wrong one gives about 1.
    """
    theta = _checks.finite_array("theta", np.asarray(theta, dtype=float))
    analytic = np.asarray(objective.grad(theta), dtype=float).reshape(-1)
    if analytic.size != theta.size:
        raise ValueError(f"the gradient has {analytic.size} entries, theta has {theta.size}")
    if n is None:
        indices = np.arange(theta.size)
    else:
        n = _checks.positive_int("n", n)
        rng = _checks.generator(0 if rng is None else rng)
        indices = np.sort(rng.choice(theta.size, size=min(n, theta.size), replace=False))
    numeric = numerical_gradient(objective.value, theta, eps, indices)
    analytic = analytic[indices]
    scale = max(np.max(np.abs(analytic)), np.max(np.abs(numeric)))
    if scale == 0:
        return 0.0
    return float(np.max(np.abs(analytic - numeric)) / scale)
