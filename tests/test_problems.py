"""Objectives: values, gradients and Hessians against independent facts."""

import numpy as np
import pytest

from dlopt.problems import Quadratic, quadratic_with_condition


def numerical_gradient(f, theta, h=1e-6):
    e = np.eye(len(theta))
    return np.array(
        [(f(theta + h * e[i]) - f(theta - h * e[i])) / (2 * h) for i in range(len(theta))]
    )


def test_quadratic_value_gradient_minimizer():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -1.0])
    q = Quadratic(A, b)
    theta = np.array([0.3, -0.7])
    assert q.value(theta) == pytest.approx(0.5 * theta @ A @ theta - b @ theta)
    np.testing.assert_allclose(q.grad(theta), numerical_gradient(q.value, theta), rtol=1e-7)
    np.testing.assert_allclose(q.minimizer, [0.6, -0.8])  # solved by hand: 3x+y=1, x+2y=-1
    np.testing.assert_allclose(q.grad(q.minimizer), 0, atol=1e-14)


def test_quadratic_rejects_bad_matrices():
    with pytest.raises(ValueError, match="square"):
        Quadratic(np.ones((2, 3)))
    with pytest.raises(ValueError, match="symmetric"):
        Quadratic(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match=r"b must have shape \(2,\)"):
        Quadratic(np.eye(2), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="not positive definite"):
        _ = Quadratic(np.diag([1.0, -1.0])).minimizer


def test_conditioned_quadratic_spectrum_is_log_uniform():
    q = quadratic_with_condition(1e4, dim=5, seed=0)
    np.testing.assert_allclose(q.eigenvalues, [1, 10, 100, 1000, 10000], rtol=1e-9)
    with pytest.raises(ValueError, match=r"kappa must be >= 1, got kappa=0\.5"):
        quadratic_with_condition(0.5)
