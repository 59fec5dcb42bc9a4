r"""Continuation methods: solve a blurred problem first, then sharpen it.

A family of objectives J⁽⁰⁾, J⁽¹⁾, ..., from easy to the real one: each is
minimized starting from the minimizer of the previous one, in the hope that
the path of minimizers leads to a good minimum of J. The classic family
blurs J by Gaussian noise on the parameters
:cite:p:`goodfellow2016deep,mobahi2015theoretical`:

    J_σ(θ) = E_{z ~ N(0, I)} [ J(θ + σz) ],   ∇J_σ(θ) = E[ ∇J(θ + σz) ].

Blurring averages narrow dips away and keeps broad basins. Exact forms:

- a quadratic ½θᵀAθ − bᵀθ gains only a constant: J_σ = J + σ² tr(A)/2;
- cos(ωθ) is damped: E[cos(ω(θ + σz))] = e^{−ω²σ²/2} cos(ωθ) (see :class:`Rippled`).

Otherwise J_σ is estimated by sampling: the average over ``samples`` fixed,
seeded draws z⁽¹⁾, ..., z⁽ˢ⁾ (the same draws at every θ, so the estimate is a
smooth deterministic function that any optimizer can minimize).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlopt import _checks
from dlopt.problems import Quadratic
from dlopt.train import Record, minimize


class Rippled:
    r"""J(θ) = ½‖θ‖² + a Σᵢ (1 − s cos ωθᵢ) + dσ²/2 with s = e^{−ω²σ²/2}.

    With σ = 0 (the default) this is a bowl with ripples: the global minimum
    is θ = 0 and, when aω² > 1, there are local minima near the multiples of
    2π/ω. It is its own Gaussian blur in closed form: :meth:`blurred` adds
    variances, σ² ← σ² + τ², which damps the ripples until J_σ is convex
    (once a ω² e^{−ω²σ²/2} < 1).
    """

    def __init__(self, amplitude: float = 1.0, omega: float = 5.0, sigma: float = 0.0):
        self.amplitude = _checks.positive("amplitude", amplitude)
        self.omega = _checks.positive("omega", omega)
        self.sigma = _checks.non_negative("sigma", sigma)
        self._s = np.exp(-0.5 * (self.omega * self.sigma) ** 2)

    def value(self, theta) -> float:
        theta = np.asarray(theta, dtype=float)
        ripple = np.sum(1.0 - self._s * np.cos(self.omega * theta))
        return float(
            0.5 * theta @ theta + self.amplitude * ripple + 0.5 * theta.size * self.sigma**2
        )

    def grad(self, theta) -> np.ndarray:
        theta = np.asarray(theta, dtype=float)
        return theta + self.amplitude * self.omega * self._s * np.sin(self.omega * theta)

    def value_and_grad(self, theta):
        return self.value(theta), self.grad(theta)

    def hessian(self, theta) -> np.ndarray:
        theta = np.asarray(theta, dtype=float)
        return np.diag(1.0 + self.amplitude * self.omega**2 * self._s * np.cos(self.omega * theta))

    def blurred(self, sigma: float) -> Rippled:
        """The exact J_τ of this objective for τ = ``sigma``."""
        tau = _checks.non_negative("sigma", sigma)
        return Rippled(self.amplitude, self.omega, float(np.hypot(self.sigma, tau)))


class BlurredQuadratic:
    """J_σ = J + σ² tr(A)/2 for a :class:`dlopt.problems.Quadratic` J: same gradient and Hessian."""

    def __init__(self, quadratic: Quadratic, sigma: float):
        self.quadratic = quadratic
        self.sigma = _checks.non_negative("sigma", sigma)
        self.constant = 0.5 * self.sigma**2 * float(np.trace(quadratic.A))

    def value(self, theta) -> float:
        return self.quadratic.value(theta) + self.constant

    def grad(self, theta) -> np.ndarray:
        return self.quadratic.grad(theta)

    def value_and_grad(self, theta):
        return self.value(theta), self.grad(theta)

    def hessian(self, theta=None) -> np.ndarray:
        return self.quadratic.hessian(theta)


class MonteCarloBlur:
    """J_σ(θ) ≈ (1/s) Σₖ J(θ + σz⁽ᵏ⁾) with s fixed draws z⁽ᵏ⁾ ~ N(0, I) from ``seed``."""

    def __init__(self, objective, sigma: float, samples: int, seed: int = 0):
        self.objective = objective
        self.sigma = _checks.non_negative("sigma", sigma)
        self.samples = _checks.positive_int("samples", samples)
        self.seed = seed
        self._z = None

    def _points(self, theta) -> np.ndarray:
        theta = np.asarray(theta, dtype=float)
        if self._z is None or self._z.shape[1] != theta.size:
            self._z = np.random.default_rng(self.seed).standard_normal((self.samples, theta.size))
        return theta + self.sigma * self._z

    def value(self, theta) -> float:
        return float(np.mean([self.objective.value(p) for p in self._points(theta)]))

    def grad(self, theta) -> np.ndarray:
        return np.mean([self.objective.grad(p) for p in self._points(theta)], axis=0)

    def value_and_grad(self, theta):
        return self.value(theta), self.grad(theta)


def gaussian_blur(objective, sigma: float, *, samples: int | None = None, seed: int = 0):
    """The objective J_σ: exact when a closed form is known and ``samples`` is None.

    Closed forms: a :class:`dlopt.problems.Quadratic`, and any objective with a
    ``blurred(sigma)`` method (:class:`Rippled`). Otherwise, or when
    ``samples`` is given, a seeded :class:`MonteCarloBlur`. σ = 0 returns J.
    """
    sigma = _checks.non_negative("sigma", sigma)
    if sigma == 0:
        return objective
    if samples is not None:
        return MonteCarloBlur(objective, sigma, samples, seed)
    if isinstance(objective, Quadratic):
        return BlurredQuadratic(objective, sigma)
    if hasattr(objective, "blurred"):
        return objective.blurred(sigma)
    raise ValueError(
        f"no closed-form blur for {type(objective).__name__}: pass samples= to estimate it"
    )


def gaussian_family(objective, *, samples: int | None = None, seed: int = 0):
    """The family σ ↦ J_σ of :func:`gaussian_blur`, ready for :func:`continuation`."""
    return lambda sigma: gaussian_blur(objective, sigma, samples=samples, seed=seed)


@dataclass
class ContinuationPath:
    """The result of :func:`continuation`: ``thetas[l]`` minimizes (approximately) J_{σ_l}."""

    sigmas: np.ndarray
    thetas: np.ndarray
    records: list[Record]

    @property
    def theta(self) -> np.ndarray:
        """The end of the path: the approximate minimizer of the sharpest objective."""
        return self.thetas[-1]


def continuation(objective_family, sigmas, optimizer_factory, theta0, steps_per_level: int):
    """Minimize J_σ for each σ in ``sigmas`` (blurriest first), warm-starting each from the last.

    ``objective_family(sigma)`` returns the objective of a level (e.g.
    :func:`gaussian_family`), ``optimizer_factory()`` a fresh optimizer for it;
    each level runs :func:`dlopt.minimize` for ``steps_per_level`` steps.
    ``sigmas`` must be non-negative and non-increasing; end with 0 to finish
    on J itself.
    """
    sigmas = _checks.finite_array("sigmas", np.asarray(sigmas, dtype=float))
    if sigmas.ndim != 1 or sigmas.size == 0:
        raise ValueError(f"sigmas must be a non-empty 1-D sequence, got shape {sigmas.shape}")
    if np.any(sigmas < 0) or np.any(np.diff(sigmas) > 0):
        raise ValueError(f"sigmas must be >= 0 and non-increasing, got sigmas={sigmas.tolist()}")
    steps_per_level = _checks.positive_int("steps_per_level", steps_per_level)
    theta = np.asarray(theta0, dtype=float)
    thetas, records = [], []
    for sigma in sigmas:
        record = minimize(
            objective_family(float(sigma)), optimizer_factory(), theta, steps_per_level
        )
        theta = record.theta
        thetas.append(theta.copy())
        records.append(record)
    return ContinuationPath(sigmas=sigmas, thetas=np.array(thetas), records=records)
