"""Per-example gradients: the gradient of each example's loss, one row per example.

The gradient of a minibatch loss is the mean of the per-example gradients,

    ∇_θ J_B(θ) = (1/n) Σ_{i∈B} g_i,   g_i = ∇_θ L(f(x⁽ⁱ⁾; θ), y⁽ⁱ⁾),

because differentiation is linear :cite:p:`goodfellow2016deep` (section 8.1.3).
The rows g_i themselves show what the mean hides: how much the examples
disagree, σ² = (1/m) Σᵢ ‖g_i − g‖², the variance behind the σ/√n standard
error of a minibatch gradient.
"""

from __future__ import annotations

import numpy as np


def per_example_gradients(net, theta, X, y) -> np.ndarray:
    """The gradients g_i of the loss of each example (X[i], y[i]), as rows of an (n, d) array.

    ``net`` is a :class:`~dlopt.nn.Network` or :class:`~dlopt.nn.RNN` (anything
    with ``loss_and_grad`` and ``size``); row i is ``net.loss_and_grad`` on the
    batch of the one example i, so the mean of the rows is the gradient of the
    mean loss on (X, y). Defined for layers that treat examples independently:
    a batch-normalization layer in training mode couples the examples of a
    batch, and a batch of one has no per-example gradient to speak of.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must hold as many examples, got {len(X)} and {len(y)}")
    if len(X) == 0:
        raise ValueError("X holds no example: there is no gradient to compute")
    return np.stack(
        [net.loss_and_grad(theta, X[i : i + 1], y[i : i + 1])[1] for i in range(len(X))]
    )
