"""A network: a stack of layers and a loss, with all parameters in one flat vector θ.

θ is a single float64 vector of length ``net.size``; each layer sees its
parameters as numpy views (no copies) into θ, in layer order and, within a
layer, in the order of its ``param_shapes``. So an optimizer works on θ like
on any other objective's argument, while initializers and chapters can still
address "the weights of layer 2": ``net.layer_params(theta, 2)["W"]``.

The gradient is computed by back-propagation :cite:p:`goodfellow2016deep`
(section 6.5): a forward pass keeps each layer's cache, the loss gives
∂L/∂o, and the layers, last to first, turn ∂L/∂(output) into ∂L/∂(input)
and the gradients of their own parameters, written into the matching views
of one flat gradient vector.
"""

from __future__ import annotations

import itertools

import numpy as np

from dlopt import _checks
from dlopt.nn import batchnorm as _batchnorm
from dlopt.nn import layers as _layers
from dlopt.nn import losses as _losses
from dlopt.nn import residual as _residual


class Network:
    """A feed-forward composition o = f_L(… f_1(x)) trained with ``loss``.

    ``layers`` follow the protocol of :mod:`dlopt.nn.layers`; ``loss`` is a
    loss object or a name (``"cross_entropy"``, ``"mse"``).
    """

    def __init__(self, layers, loss="cross_entropy"):
        self.layers = list(layers)
        if not self.layers:
            raise ValueError("layers must hold at least one layer, got layers=[]")
        self.loss_fn = _losses.loss(loss)
        self._slots = []  # per layer: [(name, shape, start, stop)]
        start = 0
        for layer in self.layers:
            slots = []
            for name, shape in layer.param_shapes().items():
                stop = start + int(np.prod(shape, dtype=int))
                slots.append((name, tuple(shape), start, stop))
                start = stop
            self._slots.append(slots)
        self.size = start

    @property
    def dense_indices(self) -> list[int]:
        """Indices of the layers that have a weight matrix ``"W"``."""
        return [i for i, slots in enumerate(self._slots) if any(s[0] == "W" for s in slots)]

    def layer_params(self, theta, i: int) -> dict[str, np.ndarray]:
        """The parameters of layer ``i`` as views into ``theta``: writing to them writes θ."""
        theta = self._check_theta(theta)
        if not -len(self.layers) <= i < len(self.layers):
            raise IndexError(f"i must index one of {len(self.layers)} layers, got i={i}")
        return {name: theta[a:b].reshape(shape) for name, shape, a, b in self._slots[i]}

    def init(self, rng) -> np.ndarray:
        """A fresh θ: each layer's ``init`` (by default U(−1/√m, 1/√m) weights with m the
        fan-in, zero biases). ``rng`` is a ``np.random.Generator`` or an integer seed."""
        rng = _checks.generator(rng)
        theta = np.zeros(self.size)
        for i, layer in enumerate(self.layers):
            layer.init(self.layer_params(theta, i), rng)
        return theta

    def forward(self, theta, X, train: bool = True) -> np.ndarray:
        """The outputs o (pre-softmax scores for cross-entropy) on the inputs ``X``."""
        return self._forward(theta, X, train)[0]

    def activations(self, theta, X, train: bool = False) -> list[np.ndarray]:
        """The output of every layer on the inputs ``X``, first to last: [f₁(x), f₂(f₁(x)), …, o].

        Evaluation mode by default, like :meth:`loss`. Entry ``i`` is the output of
        ``self.layers[i]``; the last entry is :meth:`forward`'s o. For the hidden
        units alone see :func:`dlopt.init.diagnostics.hidden_activations`.
        """
        return [out for out, _ in self._passes(theta, X, train)]

    def loss(self, theta, X, y, train: bool = False) -> float:
        """The mean loss on (X, y), in evaluation mode by default (like :meth:`accuracy`):
        a layer such as batch normalization then uses its running statistics and
        leaves them alone. The training loss and its gradient are :meth:`loss_and_grad`."""
        return self.loss_fn.value_and_grad(self.forward(theta, X, train), y)[0]

    def loss_and_grad(self, theta, X, y, train: bool = True) -> tuple[float, np.ndarray]:
        """The mean loss on (X, y) and its gradient with respect to θ (flat, like θ)."""
        theta = self._check_theta(theta)
        out, caches = self._forward(theta, X, train)
        value, dout = self.loss_fn.value_and_grad(out, y)
        grad = np.zeros_like(theta)
        for i in reversed(range(len(self.layers))):
            params = self.layer_params(theta, i)
            dout, grads = self.layers[i].backward(params, caches[i], dout)
            views = self.layer_params(grad, i)
            for name, g in grads.items():
                views[name][...] = g
        return value, grad

    def objective(self, X, y, train: bool = True) -> NetworkObjective:
        """The loss on the minibatch (X, y) as an objective of θ alone."""
        return NetworkObjective(self, X, y, train)

    def accuracy(self, theta, X, y, train: bool = False) -> float:
        """The fraction of examples whose largest output is at the true class ``y``
        (integer labels, or the argmax of one-hot rows)."""
        out = self.forward(theta, X, train)
        y = np.asarray(y)
        labels = y.argmax(axis=1) if y.ndim == 2 else y
        if labels.shape != (out.shape[0],):
            raise ValueError(f"y must hold {out.shape[0]} labels, got shape {y.shape}")
        return float(np.mean(out.argmax(axis=1) == labels))

    def _forward(self, theta, X, train):
        passes = list(self._passes(theta, X, train))
        return passes[-1][0], [cache for _, cache in passes]

    def _passes(self, theta, X, train):
        """(output, cache) of each layer in turn on the inputs ``X``."""
        theta = self._check_theta(theta)
        x = np.asarray(X, dtype=theta.dtype)
        for i, layer in enumerate(self.layers):
            x, cache = layer.forward(self.layer_params(theta, i), x, train)
            yield x, cache

    def _check_theta(self, theta) -> np.ndarray:
        if not isinstance(theta, np.ndarray):
            theta = np.asarray(theta, dtype=float)
        if theta.shape != (self.size,):
            raise ValueError(f"theta must have shape ({self.size},), got shape {theta.shape}")
        return theta

    def __repr__(self):
        inner = ", ".join(map(repr, self.layers))
        return f"{type(self).__name__}([{inner}], loss={self.loss_fn!r})"


class NetworkObjective:
    """J(θ) = the loss of ``net`` on one fixed minibatch: an objective like any other.

    ``value`` runs the forward pass only; ``grad`` and ``value_and_grad`` run the forward and
    the backward pass. A run remembers the last answer itself (:class:`dlopt.objective.Remembered`),
    so recording J and ∇J at θ and then stepping from θ costs one pass.
    """

    def __init__(self, net: Network, X, y, train: bool = True):
        self.net, self.X, self.y, self.train = net, X, y, train

    def value_and_grad(self, theta):
        return self.net.loss_and_grad(np.asarray(theta), self.X, self.y, self.train)

    def value(self, theta) -> float:
        return self.net.loss(np.asarray(theta), self.X, self.y, self.train)

    def grad(self, theta) -> np.ndarray:
        return self.value_and_grad(theta)[1]


def mlp(
    sizes,
    activation: str = "tanh",
    loss: str = "cross_entropy",
    *,
    batch_norm: bool | dict = False,
    residual: bool = False,
) -> Network:
    """A multilayer perceptron: Dense(sizes[0], sizes[1]), activation, Dense(sizes[1], sizes[2]),
    …, activation, Dense(sizes[-2], sizes[-1]).

    The last layer is linear: its outputs are the scores of softmax cross-entropy
    or the predictions of the squared error. ``activation`` is one of
    ``"tanh"``, ``"relu"``, ``"sigmoid"``, ``"identity"``.

    ``batch_norm=True`` puts a :class:`dlopt.nn.BatchNorm` between each hidden
    affine map and its activation (Dense, BatchNorm, activation); a dict instead
    of True holds the layer's options, e.g. ``{"momentum": 0.99}``.
    ``residual=True`` makes every hidden layer after the first whose width equals
    the width below it a :class:`dlopt.nn.residual.Residual` block h + f(hW + b)
    :cite:p:`he2016deep`: ``mlp([64, 32, 32, 32, 10], residual=True)`` is
    Dense(64, 32), activation, Residual(32), Residual(32), Dense(32, 10), with the
    same parameter count as the plain network.
    """
    sizes = [_checks.positive_int(f"sizes[{i}]", s) for i, s in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least the input and output sizes, got {sizes}")
    if not isinstance(residual, bool):
        raise TypeError(f"residual must be True or False, got residual={residual!r}")
    if isinstance(batch_norm, bool):
        norm = {} if batch_norm else None
    elif isinstance(batch_norm, dict):
        norm = batch_norm
    else:
        raise TypeError(f"batch_norm must be a bool or a dict of options, got {batch_norm!r}")
    if norm is not None and residual:
        raise ValueError("batch_norm and residual cannot be combined: Residual has no batch norm")
    act = _layers.activation(activation)  # stateless, so one instance serves every position
    layers = []
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes[:-1])):
        if residual and i > 0 and n_in == n_out:
            layers.append(_residual.Residual(n_out, activation))
        else:
            normed = [_batchnorm.BatchNorm(n_out, **norm)] if norm is not None else []
            layers += [_layers.Dense(n_in, n_out), *normed, act]
    if residual and not any(isinstance(layer, _residual.Residual) for layer in layers):
        raise ValueError(
            f"residual=True needs two consecutive hidden layers of equal width, got sizes={sizes}"
        )
    layers.append(_layers.Dense(sizes[-2], sizes[-1]))
    return Network(layers, loss)
