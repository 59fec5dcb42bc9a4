r"""Line searches: how far to go along a direction ρ from θ.

Along a direction ρ the objective becomes a function of one variable,
φ(ε) = J(θ + ερ), with slope φ'(ε) = ∇J(θ + ερ)ᵀρ. A line search picks the
step ε; conjugate gradient (Algorithm 8 of the notes) asks for
ε* = argmin φ, which only a quadratic gives in closed form.

- :func:`exact` returns that argmin for a quadratic: ε* = −gᵀρ / ρᵀAρ.
- :func:`strong_wolfe` accepts any ε that satisfies the strong Wolfe
  conditions :cite:p:`nocedal2006numerical` (Algorithms 3.5 and 3.6):

  sufficient decrease   φ(ε) ≤ φ(0) + C1 ε φ'(0),
  curvature             |φ'(ε)| ≤ C2 |φ'(0)|.

The constants the search uses are module attributes, each documented below.

Both searches return a :class:`LineSearchResult` and never raise on a bad
line: the status says what happened ("converged", "not_descent",
"max_iterations", "bracket_too_small", "not_convex"). A failed search
reports step 0, the start. Trial points where J or ∇J is not finite count
as "too far". (A non-finite J or ∇J at θ itself is bad input and raises.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dlopt import _checks

#: Sufficient-decrease constant: the step must achieve at least this fraction
#: of the decrease the tangent line promises.
C1 = 1e-4
#: Curvature constant, 0 < C1 < C2 < 1. Nocedal & Wright recommend 0.1 for
#: conjugate gradient (0.9 suits quasi-Newton methods); a small C2 means a
#: nearly exact search, which keeps the CG directions nearly conjugate.
C2 = 0.1
#: First trial step when the caller gives no better guess.
INITIAL_STEP = 1.0
#: Bracketing: while no interval is known to contain an acceptable step, the
#: trial step is multiplied by this factor.
GROWTH = 2.0
#: Trial steps tried while bracketing before giving up ("max_iterations").
MAX_BRACKET_ITERATIONS = 30
#: Trial steps tried inside a bracket before giving up ("max_iterations").
MAX_ZOOM_ITERATIONS = 30
#: Inside a bracket [a, b] the cubic interpolant's minimizer is used only if it
#: lies at least this fraction of b − a away from both ends; otherwise the
#: search bisects, so every zoom iteration shrinks the bracket.
ZOOM_SAFEGUARD = 0.1

__all__ = [
    "C1",
    "C2",
    "GROWTH",
    "INITIAL_STEP",
    "MAX_BRACKET_ITERATIONS",
    "MAX_ZOOM_ITERATIONS",
    "ZOOM_SAFEGUARD",
    "LineSearchResult",
    "exact",
    "strong_wolfe",
]


@dataclass(frozen=True)
class LineSearchResult:
    """The outcome of a line search from θ along ρ.

    ``step`` is ε, ``value`` and ``gradient`` are J and ∇J at θ + ερ,
    ``evaluations`` counts the trial points ε > 0 at which J and ∇J were
    computed, and ``status`` is "converged" or the reason for failing (then
    ``step`` is 0 and ``value``, ``gradient`` are those at θ).
    """

    step: float
    value: float
    gradient: np.ndarray
    evaluations: int
    status: str

    @property
    def converged(self) -> bool:
        return self.status == "converged"


@dataclass(frozen=True)
class _Point:
    """One trial: ε, φ(ε), φ'(ε) and ∇J(θ + ερ)."""

    epsilon: float
    phi: float
    slope: float
    gradient: np.ndarray

    @property
    def finite(self) -> bool:
        return math.isfinite(self.phi) and bool(np.all(np.isfinite(self.gradient)))


def _evaluate(objective, theta, rho, epsilon: float) -> _Point:
    point = theta + epsilon * rho
    with np.errstate(all="ignore"):
        if hasattr(objective, "value_and_grad"):
            value, gradient = objective.value_and_grad(point)
        else:
            value, gradient = objective.value(point), objective.grad(point)
        gradient = np.asarray(gradient)
        slope = float(gradient @ rho) if np.all(np.isfinite(gradient)) else math.nan
    return _Point(epsilon, float(value), slope, gradient)


def _start(objective, theta, rho, g, value) -> _Point:
    """φ(0) and φ'(0), reusing the gradient and value the caller already has."""
    g = objective.grad(theta) if g is None else g
    g = _checks.finite_array("gradient", g, np.shape(theta))
    value = objective.value(theta) if value is None else value
    value = _checks.finite_scalar("loss", value)
    return _Point(0.0, value, float(g @ rho), g)


def _result(point: _Point, evaluations: int, status: str) -> LineSearchResult:
    return LineSearchResult(point.epsilon, point.phi, point.gradient, evaluations, status)


def strong_wolfe(
    objective,
    theta,
    rho,
    *,
    g=None,
    value=None,
    initial_step: float = INITIAL_STEP,
    c1: float = C1,
    c2: float = C2,
) -> LineSearchResult:
    """A step ε along ``rho`` satisfying the strong Wolfe conditions (N&W Algorithm 3.5).

    ``g`` and ``value`` (∇J and J at ``theta``) are computed if not given.
    First a bracketing phase grows the trial step by GROWTH until an interval
    is known to contain an acceptable step, then :func:`_zoom` shrinks it.
    """
    initial_step = _checks.positive("initial_step", initial_step)
    c1, c2 = _checks.positive("c1", c1), _checks.positive("c2", c2)
    if not c1 < c2 < 1:
        raise ValueError(f"need 0 < c1 < c2 < 1, got c1={c1!r}, c2={c2!r}")
    origin = _start(objective, theta, rho, g, value)
    if not origin.slope < 0:
        return _result(origin, 0, "not_descent")
    previous, epsilon = origin, initial_step
    for i in range(1, MAX_BRACKET_ITERATIONS + 1):
        trial = _evaluate(objective, theta, rho, epsilon)
        too_far = not trial.finite or trial.phi > origin.phi + c1 * epsilon * origin.slope
        if too_far or (i > 1 and trial.phi >= previous.phi):
            return _zoom(objective, theta, rho, origin, previous, trial, i, c1, c2)
        if abs(trial.slope) <= -c2 * origin.slope:
            return _result(trial, i, "converged")
        if trial.slope >= 0:
            return _zoom(objective, theta, rho, origin, trial, previous, i, c1, c2)
        previous, epsilon = trial, GROWTH * epsilon
    return _result(origin, MAX_BRACKET_ITERATIONS, "max_iterations")


def _zoom(objective, theta, rho, origin, lo, hi, evaluations, c1, c2) -> LineSearchResult:
    """Shrink a bracket [lo, hi] that contains a strong-Wolfe step (N&W Algorithm 3.6).

    ``lo`` satisfies sufficient decrease and has the lowest φ seen so far;
    φ'(lo)(hi − lo) < 0, so φ decreases from lo towards hi. When the bracket
    holds no floating-point number strictly inside, the search stops with
    "bracket_too_small" (the slope is lost in rounding, near a minimum).
    """
    for _ in range(MAX_ZOOM_ITERATIONS):
        epsilon = _cubic_minimizer(lo, hi)
        if not min(lo.epsilon, hi.epsilon) < epsilon < max(lo.epsilon, hi.epsilon):
            return _result(origin, evaluations, "bracket_too_small")
        trial = _evaluate(objective, theta, rho, epsilon)
        evaluations += 1
        if (
            not trial.finite
            or trial.phi > origin.phi + c1 * epsilon * origin.slope
            or trial.phi >= lo.phi
        ):
            hi = trial
            continue
        if abs(trial.slope) <= -c2 * origin.slope:
            return _result(trial, evaluations, "converged")
        if trial.slope * (hi.epsilon - lo.epsilon) >= 0:
            hi = lo
        lo = trial
    return _result(origin, evaluations, "max_iterations")


def _cubic_minimizer(lo: _Point, hi: _Point) -> float:
    """Minimizer of the cubic through φ and φ' at both ends (N&W eq. 3.59), safeguarded.

    Falls back to the midpoint when ``hi`` is not finite, the cubic has no
    minimizer, or it lies within ZOOM_SAFEGUARD·|hi − lo| of either end.
    """
    a, b = lo.epsilon, hi.epsilon
    midpoint = 0.5 * (a + b)
    if not hi.finite:
        return midpoint
    d1 = lo.slope + hi.slope - 3 * (lo.phi - hi.phi) / (a - b)
    radicand = d1 * d1 - lo.slope * hi.slope
    if radicand < 0:
        return midpoint
    d2 = math.copysign(math.sqrt(radicand), b - a)
    denominator = hi.slope - lo.slope + 2 * d2
    if denominator == 0:
        return midpoint
    epsilon = b - (b - a) * (hi.slope + d2 - d1) / denominator
    margin = ZOOM_SAFEGUARD * abs(b - a)
    if not min(a, b) + margin <= epsilon <= max(a, b) - margin:
        return midpoint
    return epsilon


def exact(objective, theta, rho, *, g=None, value=None, initial_step=None) -> LineSearchResult:
    """The exact minimizer ε* = −gᵀρ / ρᵀHρ of φ for a quadratic objective.

    H is ``objective.hessian(theta)`` (A for a :class:`dlopt.problems.Quadratic`,
    which makes ε* the exact argmin of the notes' box; on other objectives
    it is one Newton step on φ). ``initial_step`` is accepted so that both
    searches are called alike, and ignored: the exact step needs no guess.
    Status "not_convex" when ρᵀHρ ≤ 0 (φ has no minimizer along ρ).
    """
    H = _checks.checked_hessian(objective, theta)
    origin = _start(objective, theta, rho, g, value)
    if not origin.slope < 0:
        return _result(origin, 0, "not_descent")
    curvature = float(rho @ H @ rho)
    if not curvature > 0:
        return _result(origin, 0, "not_convex")
    epsilon_star = -origin.slope / curvature
    return _result(_evaluate(objective, theta, rho, epsilon_star), 1, "converged")
