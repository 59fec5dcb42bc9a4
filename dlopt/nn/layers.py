"""Layers: a forward map and its hand-written backward map.

The layer protocol
------------------
A layer owns no numbers; its parameters are views into the network's flat
vector θ, handed over as a dict:

- ``param_shapes() -> dict[str, tuple]``: e.g. ``{"W": (n_in, n_out), "b": (n_out,)}``;
  ``{}`` for a layer without parameters;
- ``forward(params, x, train=True) -> (out, cache)``;
- ``backward(params, cache, dout) -> (dx, grads)``: given ∂L/∂out, return
  ∂L/∂x and the gradients ∂L/∂p keyed like ``params`` (the chain rule of
  back-propagation, :cite:p:`goodfellow2016deep`, section 6.5);
- ``init(params, rng)``: fill the views in place (the default below).

``train`` tells layers that act differently in training and evaluation
(batch normalization, say) which mode they are in; the layers here ignore it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from dlopt import _checks


class Layer(ABC):
    """Base class: no parameters, the default initialization."""

    def param_shapes(self) -> dict[str, tuple]:
        """The shapes of this layer's parameters by name, e.g. ``{"W": (3, 4), "b": (4,)}``."""
        return {}

    @abstractmethod
    def forward(self, params, x, train: bool = True):
        """Return ``(out, cache)``: the layer's output for the batch ``x`` and what
        :meth:`backward` needs. ``params`` are views into θ; ``train`` selects
        training-mode behaviour (batch statistics, for batch normalization)."""

    @abstractmethod
    def backward(self, params, cache, dout):
        """Return ``(dx, grads)``: ∂L/∂x from ∂L/∂out by the chain rule, and ∂L/∂p for
        each parameter p, keyed like ``params``."""

    def init(self, params: dict, rng: np.random.Generator) -> None:
        """Default initialization, in place: matrices W ~ U(−1/√m, 1/√m) with m = fan-in
        = ``W.shape[0]``, vectors (biases) zero :cite:p:`goodfellow2016deep` (section 8.4)."""
        for p in params.values():
            if p.ndim == 2:
                scale = 1.0 / np.sqrt(p.shape[0])
                p[...] = rng.uniform(-scale, scale, size=p.shape)
            else:
                p[...] = 0.0

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Dense(Layer):
    """The affine map y = x W + b, with W of shape (n_in, n_out) and b of shape (n_out,).

    For a batch x of shape (N, n_in): ∂L/∂W = xᵀ ∂L/∂y, ∂L/∂b = Σᵢ ∂L/∂yᵢ and
    ∂L/∂x = ∂L/∂y Wᵀ.
    """

    def __init__(self, n_in: int, n_out: int):
        self.n_in = _checks.positive_int("n_in", n_in)
        self.n_out = _checks.positive_int("n_out", n_out)

    def param_shapes(self):
        return {"W": (self.n_in, self.n_out), "b": (self.n_out,)}

    def forward(self, params, x, train=True):
        if x.ndim != 2 or x.shape[1] != self.n_in:
            raise ValueError(f"x must have shape (N, {self.n_in}), got shape {x.shape}")
        return x @ params["W"] + params["b"], x

    def backward(self, params, cache, dout):
        x = cache
        return dout @ params["W"].T, {"W": x.T @ dout, "b": dout.sum(axis=0)}

    def __repr__(self):
        return f"Dense({self.n_in}, {self.n_out})"


class Activation(Layer):
    """An elementwise nonlinearity a = f(z); backward multiplies by f′(z).

    A subclass defines ``f(z)`` and ``df(z, a)``, the derivative written with
    whichever of z and a = f(z) is cheaper.
    """

    @abstractmethod
    def f(self, z):
        """The nonlinearity f(z), elementwise."""

    @abstractmethod
    def df(self, z, a):
        """The derivative f′(z), given z and a = f(z)."""

    def forward(self, params, x, train=True):
        a = self.f(x)
        return a, (x, a)

    def backward(self, params, cache, dout):
        z, a = cache
        return dout * self.df(z, a), {}


class Identity(Activation):
    """f(z) = z, f′(z) = 1: the linear output of a regression network."""

    def f(self, z):
        return z

    def df(self, z, a):
        return np.ones_like(z)


class ReLU(Activation):
    """f(z) = max(0, z), f′(z) = 1 if z > 0 else 0 (the subgradient 0 is taken at z = 0)."""

    def f(self, z):
        return np.maximum(z, 0.0)

    def df(self, z, a):
        return (z > 0).astype(z.dtype)


class Tanh(Activation):
    """f(z) = tanh z, f′(z) = 1 − tanh² z."""

    def f(self, z):
        return np.tanh(z)

    def df(self, z, a):
        return 1.0 - a * a


class Sigmoid(Activation):
    """f(z) = σ(z) = 1 / (1 + e^(−z)), f′(z) = σ(z)(1 − σ(z)).

    Evaluated as ½(1 + tanh(z/2)), which equals σ(z) and never overflows.
    """

    def f(self, z):
        return 0.5 * (1.0 + np.tanh(0.5 * z))

    def df(self, z, a):
        return a * (1.0 - a)


ACTIVATIONS = {"identity": Identity, "relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}


def activation(name: str) -> Activation:
    """The activation layer called ``name``: one of ``ACTIVATIONS``."""
    if name not in ACTIVATIONS:
        raise ValueError(
            f"activation must be one of {sorted(ACTIVATIONS)}, got activation={name!r}"
        )
    return ACTIVATIONS[name]()
