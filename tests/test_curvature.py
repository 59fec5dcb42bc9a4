"""Curvature tools: Hessian-vector products, spectra and the ill-conditioning diagnostic."""

import numpy as np
import pytest

from dlopt.curvature import (
    condition_number,
    curvature_diagnostic,
    hessian_eigenvalues,
    hessian_vector_product,
    numerical_hessian,
)
from dlopt.problems import Beale, Cliff, MonkeySaddle, Rosenbrock, Saddle, quadratic_with_condition


class GradientOnly:
    """An objective without a Hessian, like a network's loss."""

    def __init__(self, problem):
        self.value, self.grad = problem.value, problem.grad


@pytest.mark.parametrize(
    "problem",
    [quadratic_with_condition(100.0, dim=4, seed=2), Rosenbrock(dim=4)],
    ids=["quadratic", "rosenbrock-4"],
)
def test_finite_difference_hvp_matches_exact_hessian_times_v(problem):
    rng = np.random.default_rng(5)
    for _ in range(3):
        theta, v = rng.uniform(-1.5, 1.5, size=(2, problem.dim))
        exact = problem.hessian(theta) @ v
        np.testing.assert_allclose(
            hessian_vector_product(problem, theta, v), exact, rtol=1e-6, atol=1e-6
        )
        np.testing.assert_allclose(
            hessian_vector_product(problem, theta, 1e4 * v), 1e4 * exact, rtol=1e-6
        )


def test_hvp_of_zero_vector_is_zero_and_float32_theta_is_differenced_in_float64():
    r = Rosenbrock()
    np.testing.assert_array_equal(hessian_vector_product(r, [0.5, 0.5], [0.0, 0.0]), [0, 0])
    hv = hessian_vector_product(r, np.float32([0.5, 0.5]), [1.0, 0.0])
    np.testing.assert_allclose(hv, r.hessian([0.5, 0.5])[:, 0], rtol=1e-6)


@pytest.mark.parametrize(
    "problem", [Beale(), Cliff(height=3.0, width=0.5, position=0.5)], ids=["beale", "cliff"]
)
def test_numerical_hessian_matches_exact_hessian(problem):
    theta = np.array([0.7, 0.4])
    H = problem.hessian(theta)
    np.testing.assert_allclose(numerical_hessian(problem, theta), H, rtol=1e-6, atol=1e-6)


def test_eigenvalues_and_condition_numbers_by_hand():
    np.testing.assert_allclose(hessian_eigenvalues(Saddle(), [0.3, 0.2]), [-2.0, 2.0])
    assert condition_number(Saddle(), [0.0, 0.0]) == 1.0
    assert condition_number(MonkeySaddle(), [0.0, 0.0]) == np.inf
    q = quadratic_with_condition(100.0, dim=3, seed=0)
    np.testing.assert_allclose(hessian_eigenvalues(q, np.zeros(3)), [1.0, 10.0, 100.0])
    assert condition_number(q, np.zeros(3)) == pytest.approx(100.0, rel=1e-12)
    # Rosenbrock at (1, 1): H = [[802, -400], [-400, 200]], eigenvalues 501 ± sqrt(301² + 400²)
    root = np.sqrt(301.0**2 + 400.0**2)
    for objective in (Rosenbrock(), GradientOnly(Rosenbrock())):
        lam = hessian_eigenvalues(objective, [1.0, 1.0])
        np.testing.assert_allclose(lam, [501 - root, 501 + root], rtol=1e-6)
        assert condition_number(objective, [1.0, 1.0]) == pytest.approx(
            (501 + root) / (501 - root), rel=1e-5
        )


def test_diagnostic_predicts_the_exact_change_on_a_quadratic():
    q = quadratic_with_condition(50.0, dim=3, seed=1)
    theta = np.random.default_rng(0).standard_normal(3)
    g = q.grad(theta)
    threshold = 2 * (g @ g) / (g @ q.A @ g)  # above it the step increases J
    for lr in (0.3 * threshold, 0.99 * threshold, 1.01 * threshold, 3 * threshold):
        d = curvature_diagnostic(q, theta, lr)
        actual = q.value(theta - lr * g) - q.value(theta)
        assert d.predicted_change == pytest.approx(actual, rel=1e-10, abs=1e-12)
        assert d.ill_conditioned == (actual > 0) == (lr > threshold)
        assert d.method == "exact" and d.lr == lr
    best = curvature_diagnostic(q, theta, 0.1).best_lr
    along = [q.value(theta - s * best * g) for s in (0.99, 1.0, 1.01)]
    assert along[1] < min(along[0], along[2])


def test_diagnostic_terms_by_hand_and_by_finite_differences():
    # Rosenbrock at the origin: g = (-2, 0), H = diag(2, 200)
    d = curvature_diagnostic(Rosenbrock(), [0.0, 0.0], lr=0.1)
    assert (d.gTg, d.gTHg) == (4.0, 8.0)
    assert d.predicted_change == pytest.approx(0.5 * 0.01 * 8 - 0.1 * 4)
    assert d.best_lr == 0.5 and not d.ill_conditioned
    theta = np.array([-0.8, 1.3])
    exact = curvature_diagnostic(Rosenbrock(), theta, lr=0.01)
    fd = curvature_diagnostic(GradientOnly(Rosenbrock()), theta, lr=0.01)
    assert fd.method == "finite differences"
    assert fd.gTHg == pytest.approx(exact.gTHg, rel=1e-6)
    assert fd.gTg == exact.gTg
    assert curvature_diagnostic(Saddle(), [0.0, 1.0], lr=0.1).best_lr == np.inf


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: curvature_diagnostic(Saddle(), [1.0, 1.0], lr=0.0), ValueError, "lr must be > 0"),
        (lambda: curvature_diagnostic(Saddle(), [1.0, np.nan], 0.1), FloatingPointError, "theta"),
        (
            lambda: hessian_vector_product(Saddle(), [1.0, 1.0], [1.0]),
            ValueError,
            r"v must have shape \(2,\), got shape \(1,\)",
        ),
        (
            lambda: hessian_vector_product(Saddle(), [1.0, 1.0], [1.0, 0.0], eps=-1e-5),
            ValueError,
            "eps must be > 0",
        ),
        (
            lambda: hessian_eigenvalues(Saddle(), np.zeros((2, 2))),
            ValueError,
            r"theta must be a 1-D vector, got shape \(2, 2\)",
        ),
    ],
)
def test_bad_arguments_raise_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
