r"""Batch normalization as a layer of :mod:`dlopt.nn`.

In training mode each feature j of a minibatch H (shape (m, n)) is
standardized with the minibatch's own statistics, then rescaled
:cite:p:`ioffe2015batch,goodfellow2016deep`:

    μ_j = (1/m) Σᵢ H_ij,   σ_j = √(δ + (1/m) Σᵢ (H_ij − μ_j)²),
    Ĥ_ij = (H_ij − μ_j) / σ_j,   out_ij = γ_j Ĥ_ij + β_j.

δ inside the root keeps the gradient of √v finite at v = 0. Because μ and σ
depend on the whole batch, the backward pass goes through them too; it is the
reason batch norm helps: the gradient can no longer change the layer's output
just by shifting or scaling its inputs, and the learnable γ, β restore the
layer's expressive power with two parameters that are easy to learn.

In evaluation mode the statistics of the batch are replaced by running
averages, updated at each training-mode forward pass:
μ̄ ← momentum·μ̄ + (1 − momentum)·μ and v̄ ← momentum·v̄ + (1 − momentum)·v·m/(m − 1),
the unbiased variance of the batch.
"""

from __future__ import annotations

import numpy as np

from dlopt import _checks
from dlopt.nn.layers import Layer


class BatchNorm(Layer):
    """Batch normalization of ``n_features`` features; parameters γ ("gamma") and β ("beta").

    Follows the layer protocol of :mod:`dlopt.nn` (``param_shapes``,
    ``forward``, ``backward``, ``init``). The running statistics are state of
    the layer, not parameters: ``running_mean`` and ``running_var``.
    """

    def __init__(self, n_features: int, *, momentum: float = 0.9, delta: float = 1e-8):
        self.n_features = _checks.positive_int("n_features", n_features)
        self.momentum = _checks.unit_interval("momentum", momentum)
        self.delta = _checks.positive("delta", delta)
        self.reset_running()

    def reset_running(self) -> None:
        """Forget the running statistics: mean 0, variance 1."""
        self.running_mean = np.zeros(self.n_features)
        self.running_var = np.ones(self.n_features)

    def param_shapes(self) -> dict[str, tuple]:
        return {"gamma": (self.n_features,), "beta": (self.n_features,)}

    def init(self, params: dict, rng=None) -> None:
        """γ = 1 and β = 0: the layer starts as a pure standardization."""
        params["gamma"][...] = 1.0
        params["beta"][...] = 0.0

    def forward(self, params, x, train: bool = True):
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise ValueError(f"x must have shape (m, {self.n_features}), got shape {x.shape}")
        if train:
            m = x.shape[0]
            if m < 2:
                raise ValueError(f"training-mode batch norm needs a batch of m >= 2, got m={m}")
            mu = x.mean(axis=0)
            var = ((x - mu) ** 2).mean(axis=0)
            rho = self.momentum
            self.running_mean = rho * self.running_mean + (1 - rho) * mu
            self.running_var = rho * self.running_var + (1 - rho) * var * m / (m - 1)
        else:
            mu, var = self.running_mean, self.running_var
        sigma = np.sqrt(self.delta + var)
        x_hat = (x - mu) / sigma
        return params["gamma"] * x_hat + params["beta"], (x_hat, sigma, train)

    def backward(self, params, cache, dout):
        r"""∂L/∂x, ∂L/∂γ = Σᵢ dout ⊙ Ĥ and ∂L/∂β = Σᵢ dout.

        In training mode, with g = γ ⊙ dout the gradient with respect to Ĥ,
        ∂L/∂H = (g − mean(g) − Ĥ ⊙ mean(g ⊙ Ĥ)) / σ (means over the batch):
        the two subtracted terms are the paths through μ and σ. In evaluation
        mode μ and σ are constants and ∂L/∂H = g / σ.
        """
        x_hat, sigma, train = cache
        grads = {"gamma": (dout * x_hat).sum(axis=0), "beta": dout.sum(axis=0)}
        g = params["gamma"] * dout
        if train:
            g = g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)
        return g / sigma, grads

    def __repr__(self) -> str:
        return f"BatchNorm({self.n_features}, momentum={self.momentum}, delta={self.delta})"
