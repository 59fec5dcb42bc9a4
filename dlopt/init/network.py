"""Initializing a whole network: an initializer applied to every layer's views into θ.

A :class:`dlopt.nn.Network` keeps all its parameters in one flat vector θ and
hands each layer views into it (``net.layer_params(theta, i)``), so writing
into a view initializes that part of θ. Parameters named ``W...`` (Dense
``W``; ``W_xh``, ``W_hh``, ``W_hy`` of a recurrent network) are weights;
parameters named ``b...`` are biases; any other parameter (the γ and β of
batch normalization) is left as it is.
"""

from __future__ import annotations

import numpy as np

from dlopt.init import biases as _biases
from dlopt.init import weights as _weights

NAMED = {
    "zeros": _weights.zeros,
    "fan_in_uniform": _weights.fan_in_uniform,
    "glorot_uniform": _weights.glorot_uniform,
    "he_normal": _weights.he_normal,
    "orthogonal": _weights.orthogonal,
    "identity": _weights.identity,
    "relu_bias": _biases.relu_bias,
    "gate_bias": _biases.gate_bias,
}
"""Initializers that need no keyword argument, by name."""


def init_network(net, theta, rng, *, weights=None, biases=None, layers=None) -> np.ndarray:
    """Initialize the weights and biases of ``net`` inside ``theta``, in place; return ``theta``.

    ``weights`` is an initializer ``(shape, rng) -> ndarray`` (see
    :mod:`dlopt.init.weights`; fix keyword arguments with ``functools.partial``),
    the name of one in :data:`NAMED` (``"glorot_uniform"``, ...), a number (a
    constant), or a dict mapping parameter names to any of these, e.g.
    ``{"W_xh": "glorot_uniform", "W_hh": identity}``. ``biases`` likewise. ``None`` leaves
    that kind of parameter untouched; so does a name missing from a dict.
    ``layers`` restricts the change to these layer indices (default: all).
    Layers are visited in order and draw from ``rng`` in turn, so a seed
    fixes the result.
    """
    theta = np.asarray(theta)
    if theta.shape != (net.size,):
        raise ValueError(f"theta must have shape ({net.size},), got shape {theta.shape}")
    indices = range(len(net.layers)) if layers is None else layers
    for i in indices:
        if not 0 <= i < len(net.layers):
            raise ValueError(f"layers must hold indices in 0..{len(net.layers) - 1}, got {i!r}")
        for name, view in net.layer_params(theta, i).items():
            rule = _rule(name, weights, biases)
            if rule is None:
                continue
            value = rule(view.shape, rng)
            if np.shape(value) != view.shape:
                raise ValueError(
                    f"the initializer for layer {i} parameter {name!r} returned shape "
                    f"{np.shape(value)}, expected {view.shape}"
                )
            view[...] = value
    return theta


def _rule(name: str, weights, biases):
    """The initializer that applies to parameter ``name`` (None: leave it)."""
    if name.startswith("W"):
        rule = weights
    elif name.startswith("b"):
        rule = biases
    else:
        return None
    if isinstance(rule, dict):
        rule = rule.get(name)
    if rule is None or callable(rule):
        return rule
    if isinstance(rule, str):
        if rule not in NAMED:
            raise ValueError(f"unknown initializer {rule!r} for {name!r}; known: {sorted(NAMED)}")
        return NAMED[rule]
    if isinstance(rule, int | float) and not isinstance(rule, bool):
        return lambda shape, rng: np.full(shape, float(rule))
    raise TypeError(
        f"the initializer for {name!r} must be callable, a name or a number, got {rule!r}"
    )
