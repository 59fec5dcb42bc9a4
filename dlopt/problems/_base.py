"""What every analytic test function shares: shape checks, dtypes and contour grids.

A subclass sets ``dim`` and writes three formulas on float64 input:

- ``_value(P)``: J at the points ``P`` of shape (..., d), vectorized over the
  leading axes, so that :meth:`Analytic.value_grid` fills a whole contour grid
  in one call;
- ``_grad(theta)`` and ``_hessian(theta)``: the exact ∇J and ∇²J at one point.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class CriticalPoint(NamedTuple):
    """A point θ with ∇J(θ) = 0 and its kind: "global minimum", "local minimum",
    "saddle", "maximum" or "degenerate".

    The kind follows the second-order test :cite:p:`nocedal2006numerical`:
    a positive-definite Hessian means a minimum, a negative-definite one a
    maximum, eigenvalues of both signs a saddle; a singular Hessian leaves the
    test undecided ("degenerate").
    """

    theta: np.ndarray
    kind: str


class Analytic:
    """Base class of the test functions: an objective with exact gradient and Hessian.

    ``value``, ``grad`` and ``hessian`` accept any real vector of shape (d,).
    The arithmetic runs in float64; ``grad`` returns the dtype of a floating
    ``theta`` (float32 in, float32 out), ``hessian`` is always float64.
    """

    dim: int
    minimizers: tuple[np.ndarray, ...] = ()
    critical_points: tuple[CriticalPoint, ...] = ()

    def _point(self, theta) -> np.ndarray:
        theta = np.asarray(theta)
        if theta.shape != (self.dim,):
            raise ValueError(f"theta must have shape ({self.dim},), got shape {theta.shape}")
        return theta.astype(float, copy=False)

    def value(self, theta) -> float:
        """J(θ)."""
        return float(self._value(self._point(theta)))

    def grad(self, theta) -> np.ndarray:
        """∇J(θ), in the dtype of a floating θ (float64 otherwise)."""
        theta = np.asarray(theta)
        dtype = theta.dtype if np.issubdtype(theta.dtype, np.floating) else np.float64
        return self._grad(self._point(theta)).astype(dtype, copy=False)

    def hessian(self, theta) -> np.ndarray:
        """∇²J(θ), a symmetric float64 matrix of shape (d, d)."""
        return self._hessian(self._point(theta))

    def value_and_grad(self, theta):
        """(J(θ), ∇J(θ))."""
        return self.value(theta), self.grad(theta)

    def value_grid(self, X, Y) -> np.ndarray:
        """J at every grid point (X[i, j], Y[i, j]) of a 2-D objective, without a Python loop."""
        if self.dim != 2:
            raise ValueError(f"value_grid needs a 2-D objective, got dim={self.dim}")
        X, Y = np.broadcast_arrays(np.asarray(X, dtype=float), np.asarray(Y, dtype=float))
        return self._value(np.stack([X, Y], axis=-1))

    @property
    def minimizer(self) -> np.ndarray:
        """The global minimizer, when exactly one is known."""
        if len(self.minimizers) != 1:
            raise ValueError(
                f"{type(self).__name__} has {len(self.minimizers)} known global minimizers, "
                "not exactly one: see .minimizers"
            )
        return self.minimizers[0].copy()


def critical(*points, kind: str) -> tuple[CriticalPoint, ...]:
    """Critical points of one ``kind`` at ``points`` (each converted to float64)."""
    return tuple(CriticalPoint(np.asarray(p, dtype=float), kind) for p in points)
