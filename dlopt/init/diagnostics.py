r"""Diagnostics of a start θ₀: how signals, Jacobians and gradients fare through depth.

An initializer is judged first by what the network does at θ₀
:cite:p:`goodfellow2016deep` (section 8.4). With hidden layers
hₗ = f(hₗ₋₁Wₗ + bₗ), h₀ = x, and weights of variance g²/m, each layer
multiplies the variance of the signal by about g² (g²/2 for ReLU), so through
L layers it vanishes or explodes like g^{2L} unless g is right
:cite:p:`glorot2010understanding,he2015delving`. The functions here measure
that, for any :class:`dlopt.nn.Network` and parameter vector θ:

- :func:`hidden_activations`, :func:`signal_profile` and
  :func:`activation_histograms`: the hidden layers hₗ, the standard deviation
  of each (the forward signal) and their distributions;
- :func:`input_jacobian` and :func:`jacobian_singular_values`: the Jacobian
  ∂hₗ/∂x at one input, whose singular values say how much each input
  direction is stretched (all equal, "dynamical isometry", for a deep linear
  network of orthogonal layers :cite:p:`saxe2013exact`);
- :func:`gradient_profile`: ‖∂L/∂Wₗ‖_F for every weight matrix (the backward signal);
- :func:`unit_census`: the active and dead units of every ReLU layer;
- :func:`random_starts`: θ₀ for several seeds, to average a diagnostic over starts.

The hidden layers are the outputs of the network's activation layers
(:class:`dlopt.nn.Activation`, ``"identity"`` included), in order.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from dlopt import _checks
from dlopt.init.network import init_network
from dlopt.nn.layers import Activation, ReLU

__all__ = [
    "Census",
    "activation_histograms",
    "gradient_profile",
    "hidden_activations",
    "input_jacobian",
    "jacobian_singular_values",
    "random_starts",
    "signal_profile",
    "unit_census",
]


def _hidden_indices(net, kind=Activation) -> list[int]:
    indices = [i for i, layer in enumerate(net.layers) if isinstance(layer, kind)]
    if not indices:
        raise ValueError(f"net has no {kind.__name__} layer to diagnose: {net!r}")
    return indices


def hidden_activations(net, theta, X) -> list[np.ndarray]:
    """The hidden layers h₁, …, h_L on the inputs ``X`` (evaluation mode), first to last.

    Each is an array of shape (N, width): the output of one activation layer.
    """
    outputs = net.activations(theta, X)
    return [outputs[i] for i in _hidden_indices(net)]


def signal_profile(net, theta, X) -> np.ndarray:
    """The standard deviation of each hidden layer's activations on ``X``, over examples and units.

    For a linear network with zero biases and weights of variance g²/m it
    falls or grows like g^l with the layer l; flat is the goal.
    """
    return np.array([h.std() for h in hidden_activations(net, theta, X)])


def activation_histograms(net, theta, X, layers, *, bins: int = 40, range=None) -> dict:
    """The distribution of the activations of chosen hidden layers, as histogram densities.

    Returns ``{"layer l": (bin centres, density)}`` for each hidden layer number
    ``l`` in ``layers`` (counted from 1, like the plots), over all examples and
    units of ``X``; each density integrates to 1 over its bins. ``range``
    (low, high) fixes the bins, e.g. (−1, 1) for tanh, and leaves out values
    outside it; by default each layer spans its own values. Saturated tanh
    units pile up at ±1, a vanishing signal collapses to a spike at 0
    :cite:p:`glorot2010understanding`.
    """
    bins = _checks.positive_int("bins", bins)
    hidden = hidden_activations(net, theta, X)
    histograms = {}
    for layer in layers:
        if not 1 <= layer <= len(hidden):
            raise ValueError(f"layers must be in 1..{len(hidden)}, got {layer!r}")
        density, edges = np.histogram(hidden[layer - 1], bins=bins, range=range, density=True)
        histograms[f"layer {layer}"] = ((edges[:-1] + edges[1:]) / 2, density)
    return histograms


def input_jacobian(net, theta, x, layer: int = -1) -> np.ndarray:
    r"""The Jacobian J = ∂h/∂x of hidden layer ``layer`` at one input ``x``, shape (width, n_in).

    ``layer`` indexes :func:`hidden_activations` (default: the last hidden
    layer). For Dense layers and elementwise units, Jᵀ = W₁D₁W₂D₂⋯WₗDₗ with
    Dₖ = diag(f′(zₖ)); in general J is obtained by back-propagation, one row
    per output unit: ``width`` copies of x go forward, and the identity
    matrix goes backward as ∂L/∂h, so row i comes back as ∂hᵢ/∂x.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must be one input, a vector, got shape {x.shape}")
    hidden = _hidden_indices(net)
    if not -len(hidden) <= layer < len(hidden):
        raise IndexError(f"layer must index one of {len(hidden)} hidden layers, got layer={layer}")
    last = hidden[layer]
    width = net.activations(theta, x[None, :])[last].shape[1]
    h, caches = np.repeat(x[None, :], width, axis=0), []
    for i in range(last + 1):
        h, cache = net.layers[i].forward(net.layer_params(theta, i), h, False)
        caches.append(cache)
    dh = np.eye(width)
    for i in reversed(range(last + 1)):
        dh, _ = net.layers[i].backward(net.layer_params(theta, i), caches[i], dh)
    return dh


def jacobian_singular_values(net, theta, x, layer: int = -1) -> np.ndarray:
    """The singular values of :func:`input_jacobian`, largest first.

    Their spread (largest / smallest) measures how unequally the network
    treats input directions; the backward pass multiplies gradients by Jᵀ and
    sees the same values :cite:p:`saxe2013exact`.
    """
    return np.linalg.svd(input_jacobian(net, theta, x, layer), compute_uv=False)


def gradient_profile(net, theta, X, y) -> np.ndarray:
    """‖∂L/∂Wₗ‖_F for each weight matrix of ``net`` (``net.dense_indices``, input side first).

    The loss is the training-mode mean loss of :meth:`dlopt.nn.Network.loss_and_grad`
    on (X, y). Vanishing gradients show as a profile falling towards the input.
    """
    _, grad = net.loss_and_grad(theta, X, y)
    return np.array([np.linalg.norm(net.layer_params(grad, i)["W"]) for i in net.dense_indices])


class Census(NamedTuple):
    """Per ReLU layer: ``active``, the fraction of (example, unit) pairs with a positive
    output; ``dead``, the fraction of units that are zero on every example."""

    active: np.ndarray
    dead: np.ndarray


def unit_census(net, theta, X) -> Census:
    """Count the active and dead units of every ReLU layer of ``net`` on the inputs ``X``.

    A ReLU unit is active on an example when its input z is positive: only then
    does it pass a signal forward and a gradient back. A unit inactive on every
    example of ``X`` is dead there: no gradient reaches its incoming weights, so
    gradient descent cannot revive it :cite:p:`goodfellow2016deep` (section 6.3.1).
    ``theta`` is one parameter vector, or several as the rows of a 2-D array
    (e.g. :func:`random_starts`); the fractions are then averaged over them.
    """
    thetas = np.asarray(theta, dtype=float)
    if thetas.ndim not in (1, 2):
        raise ValueError(f"theta must be one vector or rows of vectors, got shape {thetas.shape}")
    thetas = np.atleast_2d(thetas)
    relus = _hidden_indices(net, ReLU)
    active, dead = np.zeros(len(relus)), np.zeros(len(relus))
    for row in thetas:
        outputs = net.activations(row, X)
        positive = [outputs[i] > 0 for i in relus]
        active += [p.mean() for p in positive]
        dead += [np.mean(~p.any(axis=0)) for p in positive]
    return Census(active / len(thetas), dead / len(thetas))


def random_starts(net, seeds, *, weights, biases) -> np.ndarray:
    """One θ₀ per seed, as the rows of an array of shape (len(seeds), net.size).

    Row k is :func:`dlopt.init.init_network` applied to zeros with
    ``np.random.default_rng(seeds[k])`` and the given ``weights`` and
    ``biases`` rules (a name, a number or an initializer; parameters neither
    rule covers stay 0).
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds is empty: give at least one seed")
    return np.array(
        [
            init_network(
                net, np.zeros(net.size), np.random.default_rng(s), weights=weights, biases=biases
            )
            for s in seeds
        ]
    )
