r"""A residual block: a layer with a skip connection around it.

The block adds its input to the output of an ordinary layer
:cite:p:`he2016deep,goodfellow2016deep` (section 8.7.5):

    h_out = h + f(h W + b),

with W of shape (n, n), so input and output have the same width n. Its
Jacobian with respect to h is I + (the Jacobian of f(hW + b)): back-propagation
hands ∂L/∂h_out to the layer below *unchanged* along the skip path, and adds
what flows through f. A product of such Jacobians through many blocks always
contains the identity, so the gradient reaches the first layers even when
every f shrinks it. In the row convention of :mod:`dlopt.nn.layers`, with
z = hW + b and g = ∂L/∂h_out ⊙ f′(z):

    ∂L/∂W = hᵀ g,   ∂L/∂b = Σᵢ gᵢ,   ∂L/∂h = ∂L/∂h_out + g Wᵀ.

With W = 0 and b = 0 the block is the identity whenever f(0) = 0 (tanh, ReLU,
identity; a sigmoid block adds ½).
"""

from __future__ import annotations

from dlopt import _checks
from dlopt.nn import layers as _layers


class Residual(_layers.Layer):
    """h ↦ h + f(h W + b) on n features; parameters "W" (n, n) and "b" (n,).

    ``activation`` names f (see :data:`dlopt.nn.layers.ACTIVATIONS`). The
    default initialization of :class:`~dlopt.nn.layers.Layer` applies:
    W ~ U(−1/√n, 1/√n), b = 0.
    """

    def __init__(self, n: int, activation: str = "tanh"):
        self.n = _checks.positive_int("n", n)
        self.activation = _layers.activation(activation)
        self.name = activation

    def param_shapes(self):
        return {"W": (self.n, self.n), "b": (self.n,)}

    def forward(self, params, x, train=True):
        if x.ndim != 2 or x.shape[1] != self.n:
            raise ValueError(f"x must have shape (N, {self.n}), got shape {x.shape}")
        z = x @ params["W"] + params["b"]
        a = self.activation.f(z)
        return x + a, (x, z, a)

    def backward(self, params, cache, dout):
        x, z, a = cache
        g = dout * self.activation.df(z, a)
        return dout + g @ params["W"].T, {"W": x.T @ g, "b": g.sum(axis=0)}

    def __repr__(self):
        return f"Residual({self.n}, {self.name!r})"
