"""Line searches: the strong Wolfe conditions checked afresh, the exact step from its formula."""

import numpy as np
import pytest

from dlopt.optim import linesearch
from dlopt.optim.linesearch import C1, C2, exact, strong_wolfe
from dlopt.problems import Quadratic, Rosenbrock


class Scalar:
    """A function of one variable, θ of shape (1,), from f and f'."""

    def __init__(self, f, df):
        self.f, self.df = f, df

    def value(self, theta):
        return float(self.f(theta[0]))

    def grad(self, theta):
        return np.array([self.df(theta[0])])


def barrier(x):
    """−log(1 − x) − 2x: minimum at x = 1/2, +inf at x = 1 and NaN beyond."""
    with np.errstate(all="ignore"):
        return -np.log(1 - x) - 2 * x


CASES = {
    "ill-conditioned quadratic": (Quadratic(np.diag([1.0, 10.0])), np.array([1.0, 1.0]), None),
    "rosenbrock": (Rosenbrock(), np.array([-1.2, 1.0]), None),
    # Moré & Thuente's first test function φ(α) = −α / (α² + β), β = 2.
    "more-thuente": (
        Scalar(lambda x: -x / (x * x + 2), lambda x: (x * x - 2) / (x * x + 2) ** 2),
        np.array([0.0]),
        np.array([1.0]),
    ),
    "quartic": (Scalar(lambda x: (x - 3) ** 4, lambda x: 4 * (x - 3) ** 3), np.array([0.0]), None),
    "non-finite beyond 1": (Scalar(barrier, lambda x: 1 / (1 - x) - 2), np.array([0.0]), None),
}


def assert_strong_wolfe(objective, theta, rho, eps, c1, c2) -> float:
    """Check both strong Wolfe conditions at step ``eps`` by evaluating J again; return φ(ε)."""
    phi0, slope0 = objective.value(theta), objective.grad(theta) @ rho
    phi, slope = objective.value(theta + eps * rho), objective.grad(theta + eps * rho) @ rho
    assert eps > 0
    assert phi <= phi0 + c1 * eps * slope0  # sufficient decrease
    assert abs(slope) <= c2 * abs(slope0)  # curvature (strong form)
    return phi


@pytest.mark.parametrize("name", CASES)
def test_wolfe_step_satisfies_both_strong_wolfe_conditions(name):
    objective, theta, rho = CASES[name]
    rho = -objective.grad(theta) if rho is None else rho
    result = strong_wolfe(objective, theta, rho)
    assert result.status == "converged" and result.converged
    phi = assert_strong_wolfe(objective, theta, rho, result.step, C1, C2)
    eps = result.step
    assert result.value == pytest.approx(phi, rel=1e-14)
    np.testing.assert_allclose(result.gradient, objective.grad(theta + eps * rho), rtol=1e-14)
    assert 1 <= result.evaluations <= linesearch.MAX_BRACKET_ITERATIONS


LARGE_C1_CASES = {
    **CASES,
    # φ(ε) = 0.7ε² − ε: the first trial ε = 1 meets the curvature condition, |φ'(1)| = 0.4 ≤
    # 0.45·1, but not sufficient decrease with c1 = 0.4: φ(1) = −0.3 > −0.4 (it does with 10⁻⁴).
    "first trial too long for c1": (Quadratic([[1.4]], [1.0]), np.array([0.0]), None),
}


@pytest.mark.parametrize("name", LARGE_C1_CASES)
def test_wolfe_step_satisfies_the_conditions_with_the_given_large_c1(name):
    # c1 = 0.4 and c2 = 0.45 leave a narrow window: ε must decrease φ by 40% of what the
    # tangent promises and flatten the slope to 45% of φ'(0).
    objective, theta, rho = LARGE_C1_CASES[name]
    rho = -objective.grad(theta) if rho is None else rho
    c1, c2 = 0.4, 0.45
    result = strong_wolfe(objective, theta, rho, c1=c1, c2=c2)
    assert result.converged
    assert_strong_wolfe(objective, theta, rho, result.step, c1, c2)


def test_wolfe_accepts_the_first_trial_when_it_is_already_good():
    # f(x) = x²/2 from x = 1 along −1: ε = 1 lands on the minimum, where f' = 0.
    result = strong_wolfe(Quadratic([[1.0]]), np.array([1.0]), np.array([-1.0]))
    assert (result.step, result.evaluations, result.status) == (1.0, 1, "converged")


def test_ascent_or_zero_direction_is_reported_not_raised():
    objective, theta = Quadratic(np.diag([1.0, 10.0])), np.array([1.0, 1.0])
    for rho in (objective.grad(theta), np.zeros(2)):
        for search in (strong_wolfe, exact):
            result = search(objective, theta, rho)
            assert result.status == "not_descent" and not result.converged
            assert (result.step, result.evaluations) == (0.0, 0)
            assert result.value == objective.value(theta)


def test_unbounded_line_ends_with_max_iterations_at_the_start():
    linear = Scalar(lambda x: -x, lambda x: -1.0)  # φ'(ε) = −1 everywhere: no Wolfe step
    result = strong_wolfe(linear, np.array([0.0]), np.array([1.0]))
    assert result.status == "max_iterations"
    assert result.step == 0.0 and result.value == 0.0
    assert result.evaluations == linesearch.MAX_BRACKET_ITERATIONS


def test_search_lost_in_rounding_stops_cleanly():
    # Four ulps from the minimum of 3x²/2 − x the slopes are rounding noise: no
    # floating-point step satisfies |φ'(ε)| ≤ C2|φ'(0)|, and the bracket collapses.
    objective, theta = Quadratic([[3.0]], [1.0]), np.array([0.3333333333333331])
    result = strong_wolfe(objective, theta, -objective.grad(theta))
    assert result.status == "bracket_too_small" and result.step == 0.0


def test_exact_step_by_hand_on_a_2x2_quadratic():
    # A = diag(2, 4), θ = (1, 1): g = (2, 4), ρ = −g, gᵀg = 20, ρᵀAρ = 8 + 64 = 72.
    objective, theta = Quadratic(np.diag([2.0, 4.0])), np.array([1.0, 1.0])
    result = exact(objective, theta, np.array([-2.0, -4.0]))
    assert result.status == "converged"
    assert result.step == pytest.approx(20 / 72, rel=1e-15)


def test_exact_step_is_the_minimum_along_the_line():
    rng = np.random.default_rng(3)
    M = rng.standard_normal((6, 6))
    objective = Quadratic(M @ M.T + np.eye(6), rng.standard_normal(6))
    theta, rho = rng.standard_normal(6), rng.standard_normal(6)
    rho = rho if objective.grad(theta) @ rho < 0 else -rho
    result = exact(objective, theta, rho)
    assert result.gradient @ rho == pytest.approx(0, abs=1e-12)  # φ'(ε*) = 0
    for h in (-1e-3, 1e-3):
        assert objective.value(theta + (result.step + h) * rho) > result.value


def test_exact_needs_a_hessian_and_positive_curvature():
    with pytest.raises(TypeError, match="hessian"):
        exact(Scalar(np.exp, np.exp), np.array([1.0]), np.array([-1.0]))
    saddle, theta = Quadratic(np.diag([2.0, -2.0])), np.array([0.0, 1.0])  # x² − y²
    result = exact(saddle, theta, -saddle.grad(theta))  # ρ = (0, 2): curvature −8
    assert result.status == "not_convex" and result.step == 0.0


def test_bad_constants_are_rejected_by_name():
    objective, theta = Quadratic(np.eye(2)), np.ones(2)
    with pytest.raises(ValueError, match="c1"):
        strong_wolfe(objective, theta, -theta, c1=0.5, c2=0.1)
    with pytest.raises(ValueError, match="initial_step"):
        strong_wolfe(objective, theta, -theta, initial_step=0.0)


def test_constants_are_exported():
    names = ["C1", "C2", "INITIAL_STEP", "GROWTH", "MAX_BRACKET_ITERATIONS",
             "MAX_ZOOM_ITERATIONS", "ZOOM_SAFEGUARD"]  # fmt: skip
    assert set(names) <= set(linesearch.__all__)
    assert (C1, C2) == (1e-4, 0.1) and 0 < C1 < C2 < 1
    assert linesearch.GROWTH > 1 and 0 < linesearch.ZOOM_SAFEGUARD < 0.5
