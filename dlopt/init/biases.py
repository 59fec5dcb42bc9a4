r"""Bias initializers: the three heuristics of section 4 of the notes.

Biases can usually start at zero; the exceptions are an output layer whose
classes are unbalanced, ReLU units that should start active, and gates that
should start open :cite:p:`goodfellow2016deep`. The shape-only initializers
share the weight initializers' signature ``(shape, rng) -> ndarray`` so they
plug into :func:`dlopt.init.init_network`.
"""

from __future__ import annotations

import numpy as np

from dlopt import _checks


def softmax_marginal_bias(labels, n_classes: int, *, smoothing: float = 0.0) -> np.ndarray:
    r"""Output bias b with softmax(b) = c, the marginal class distribution of ``labels``.

    With c_k = N_k / N the frequency of class k, b_k = log c_k − (1/K)Σ_j log c_j
    (softmax ignores a common shift, which is chosen to center b). A network
    whose weights start small then predicts the class frequencies, not the
    uniform distribution, and the first steps do not have to learn them.

    A class that never occurs would need b_k = −∞, so it raises, unless
    ``smoothing`` s > 0 is given: then c_k = (N_k + s)/(N + K s) (additive
    smoothing) and softmax(b) equals these smoothed frequencies.
    """
    n_classes = _checks.positive_int("n_classes", n_classes)
    smoothing = _checks.non_negative("smoothing", smoothing)
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a non-empty 1-D integer array, got {labels!r}")
    if labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(
            f"labels must lie in 0..{n_classes - 1} for n_classes={n_classes}, "
            f"got labels from {labels.min()} to {labels.max()}"
        )
    counts = np.bincount(labels, minlength=n_classes) + smoothing
    if np.any(counts == 0):
        missing = np.flatnonzero(counts == 0).tolist()
        raise ValueError(
            f"classes {missing} never occur in labels, so softmax(b) cannot equal the "
            "frequencies (b_k = -inf); pass smoothing > 0"
        )
    log_c = np.log(counts / counts.sum())
    return log_c - log_c.mean()


def relu_bias(shape, rng=None, *, value: float = 0.1) -> np.ndarray:
    """A small positive constant bias (0.1 by default) for ReLU units.

    A ReLU unit whose input is negative for every example passes no gradient;
    a positive bias makes most units active at initialization.
    """
    return np.full(shape, _checks.positive("value", value))


def gate_bias(shape, rng=None, *, value: float = 1.0) -> np.ndarray:
    """A positive bias that opens a sigmoid gate at the start: σ(1) ≈ 0.73.

    The classic case is the forget gate of an LSTM, whose bias 1 keeps the
    cell state (and its gradient) flowing from the first step
    :cite:p:`jozefowicz2015empirical`.
    """
    return np.full(shape, _checks.positive("value", value))
