"""A vanilla recurrent network with back-propagation through time.

For an input sequence x_1, …, x_T (X has shape (N, T, n_in)) and h_0 = 0,

    h_t = f(x_t W_xh + h_{t−1} W_hh + b_h),    t = 1, …, T,
    o   = h_T W_hy + b_y,

with f = tanh by default: one output per sequence, read from the last hidden
state, and the loss on o as in a feed-forward network. Back-propagation
through time :cite:p:`goodfellow2016deep` (section 10.2.2) runs the chain rule
backwards over the steps, starting from ∂L/∂h_T = ∂L/∂o W_hyᵀ:

    ∂L/∂a_t     = ∂L/∂h_t ⊙ f′(a_t)                 (a_t the pre-activation)
    ∂L/∂h_{t−1} = ∂L/∂a_t W_hhᵀ,
    ∂L/∂W_xh   += x_tᵀ ∂L/∂a_t,  ∂L/∂W_hh += h_{t−1}ᵀ ∂L/∂a_t,  ∂L/∂b_h += Σ ∂L/∂a_t.

Each step back multiplies by diag(f′(a_t)) W_hhᵀ, so ‖∂L/∂h_t‖ shrinks or
grows geometrically with T − t: vanishing and exploding gradients, the
long-term-dependency problem of :cite:p:`goodfellow2016deep` (section 8.2.5)
and :cite:p:`pascanu2013difficulty`.
"""

from __future__ import annotations

import numpy as np

from dlopt import _checks
from dlopt.nn import layers as _layers
from dlopt.nn.network import Network


class Recurrent(_layers.Layer):
    """The whole recurrence and its output map as one layer with parameters
    ``W_xh`` (n_in, n_hidden), ``W_hh`` (n_hidden, n_hidden), ``b_h``,
    ``W_hy`` (n_hidden, n_out) and ``b_y``."""

    def __init__(self, n_in: int, n_hidden: int, n_out: int, activation: str = "tanh"):
        self.n_in = _checks.positive_int("n_in", n_in)
        self.n_hidden = _checks.positive_int("n_hidden", n_hidden)
        self.n_out = _checks.positive_int("n_out", n_out)
        self.f = _layers.activation(activation)

    def param_shapes(self):
        n_in, n_h, n_out = self.n_in, self.n_hidden, self.n_out
        return {
            "W_xh": (n_in, n_h),
            "W_hh": (n_h, n_h),
            "b_h": (n_h,),
            "W_hy": (n_h, n_out),
            "b_y": (n_out,),
        }

    def forward(self, params, x, train=True):
        if x.ndim != 3 or x.shape[2] != self.n_in:
            raise ValueError(f"X must have shape (N, T, {self.n_in}), got shape {x.shape}")
        n, steps, _ = x.shape
        h = np.zeros((n, self.n_hidden), dtype=x.dtype)
        hs, caches = [h], []
        for t in range(steps):
            h, cache = self.f.forward(
                {}, x[:, t] @ params["W_xh"] + h @ params["W_hh"] + params["b_h"]
            )
            hs.append(h)
            caches.append(cache)
        return h @ params["W_hy"] + params["b_y"], (x, hs, caches)

    def backward(self, params, cache, dout):
        dx, grads, _ = self.backward_through_time(params, cache, dout)
        return dx, grads

    def backward_through_time(self, params, cache, dout):
        """Like ``backward``, and also the norms ‖∂L/∂h_t‖ for t = 1, …, T (Frobenius
        norm of the (N, n_hidden) array of the batch)."""
        x, hs, caches = cache
        steps = x.shape[1]
        grads = {name: np.zeros_like(p) for name, p in params.items()}
        grads["W_hy"] = hs[-1].T @ dout
        grads["b_y"] = dout.sum(axis=0)
        dh = dout @ params["W_hy"].T
        dx = np.empty_like(x)
        norms = np.empty(steps)
        for t in reversed(range(steps)):  # hs[t + 1] is h_{t+1} in 1-based time
            norms[t] = np.linalg.norm(dh)
            da, _ = self.f.backward({}, caches[t], dh)
            grads["W_xh"] += x[:, t].T @ da
            grads["W_hh"] += hs[t].T @ da
            grads["b_h"] += da.sum(axis=0)
            dx[:, t] = da @ params["W_xh"].T
            dh = da @ params["W_hh"].T
        return dx, grads, norms

    def __repr__(self):
        return (
            f"Recurrent({self.n_in}, {self.n_hidden}, {self.n_out}, "
            f"activation={type(self.f).__name__.lower()!r})"
        )


class RNN(Network):
    """A vanilla recurrent network: a :class:`Network` whose single layer is
    :class:`Recurrent`, so θ, ``layer_params(theta, 0)``, ``init``, ``loss``,
    ``loss_and_grad``, ``objective`` and ``accuracy`` work as for an MLP.

    The default ``init`` draws every matrix from U(−1/√m, 1/√m) with m its
    fan-in (n_in for W_xh, n_hidden for W_hh and W_hy) and zeros the biases.
    """

    def __init__(self, n_in, n_hidden, n_out, activation="tanh", loss="cross_entropy"):
        super().__init__([Recurrent(n_in, n_hidden, n_out, activation)], loss)

    def params(self, theta) -> dict[str, np.ndarray]:
        """``W_xh, W_hh, b_h, W_hy, b_y`` as views into ``theta``."""
        return self.layer_params(theta, 0)

    def hidden_gradients(self, theta, X, y) -> np.ndarray:
        """‖∂L/∂h_t‖ for t = 1, …, T (entry t − 1), L the mean loss on (X, y).

        Entry T − 1 is the gradient at the last state, where the loss reads the
        output; earlier entries show how much of that signal reaches step t.
        """
        theta = self._check_theta(theta)
        layer = self.layers[0]
        params = self.params(theta)
        out, cache = layer.forward(params, np.asarray(X, dtype=theta.dtype))
        _, dout = self.loss_fn.value_and_grad(out, y)
        return layer.backward_through_time(params, cache, dout)[2]
