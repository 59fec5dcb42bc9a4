"""Losses on a minibatch of network outputs.

The loss protocol: ``value_and_grad(outputs, y) -> (L, ∂L/∂outputs)`` for
outputs of shape (N, k). Both losses average over the N examples of the
minibatch, so the loss of a minibatch is an unbiased estimate of the expected
loss and the learning rate does not depend on the batch size
:cite:p:`goodfellow2016deep` (sections 6.2 and 8.1.3).
"""

from __future__ import annotations

import numpy as np


def log_softmax(o: np.ndarray) -> np.ndarray:
    """log softmax(o) row by row, computed as o − logsumexp(o) with the row maximum
    subtracted first, so that no exponential overflows."""
    shifted = o - o.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(o: np.ndarray) -> np.ndarray:
    """softmax(o)ᵢⱼ = exp(oᵢⱼ) / Σₗ exp(oᵢₗ), row by row (stable)."""
    return np.exp(log_softmax(o))


class Loss:
    """Base class: a subclass defines ``value_and_grad(outputs, y)``."""

    def value(self, outputs, y) -> float:
        """The loss alone."""
        return self.value_and_grad(outputs, y)[0]

    def __repr__(self):
        return f"{type(self).__name__}()"


class SoftmaxCrossEntropy(Loss):
    r"""L = (1/N) Σᵢ [logsumexp(oᵢ) − oᵢ,yᵢ], the negative log-likelihood of the labels
    under softmax(o).

    ``y`` holds integer class labels in [0, k). The gradient is
    ∂L/∂oᵢ = (softmax(oᵢ) − e_yᵢ) / N, with e_c the one-hot vector of class c.
    """

    def value_and_grad(self, outputs, y):
        y = self._labels(outputs, y)
        n = len(y)
        log_p = log_softmax(outputs)
        rows = np.arange(n)
        value = -log_p[rows, y].mean()
        grad = np.exp(log_p)
        grad[rows, y] -= 1.0
        return float(value), grad / n

    @staticmethod
    def _labels(outputs, y):
        y = np.asarray(y)
        if outputs.ndim != 2:
            raise ValueError(f"outputs must have shape (N, k), got shape {outputs.shape}")
        if y.shape != (outputs.shape[0],) or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(
                f"y must be {outputs.shape[0]} integer labels, got dtype {y.dtype} shape {y.shape}"
            )
        if y.size and (y.min() < 0 or y.max() >= outputs.shape[1]):
            raise ValueError(
                f"y must lie in [0, {outputs.shape[1]}), got labels from {y.min()} to {y.max()}"
            )
        return y


class MeanSquaredError(Loss):
    r"""L = (1/N) Σᵢ ½‖oᵢ − yᵢ‖²: half the squared error, summed over the k outputs
    and averaged over the N examples.

    With the ½ the gradient is simply ∂L/∂oᵢ = (oᵢ − yᵢ) / N. ``y`` has shape
    (N, k), or (N,) when k = 1.
    """

    def value_and_grad(self, outputs, y):
        residual = outputs - self._targets(outputs, y)
        n = len(residual)
        return float(0.5 * np.sum(residual**2) / n), residual / n

    @staticmethod
    def _targets(outputs, y):
        y = np.asarray(y, dtype=outputs.dtype)
        if y.ndim == 1 and outputs.ndim == 2 and outputs.shape[1] == 1:
            y = y[:, None]
        if y.shape != outputs.shape:
            raise ValueError(f"y must have shape {outputs.shape}, got shape {y.shape}")
        return y


LOSSES = {"cross_entropy": SoftmaxCrossEntropy, "mse": MeanSquaredError}


def loss(name):
    """The loss called ``name`` (one of ``LOSSES``), or ``name`` itself if it is a loss object."""
    if hasattr(name, "value_and_grad"):
        return name
    if name not in LOSSES:
        raise ValueError(f"loss must be one of {sorted(LOSSES)}, got loss={name!r}")
    return LOSSES[name]()
