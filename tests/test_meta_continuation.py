"""Continuation: blurred objectives against closed forms; the path to the global minimum."""

import math

import numpy as np
import pytest

from dlopt import minimize
from dlopt.meta import MonteCarloBlur, Rippled, continuation, gaussian_blur, gaussian_family
from dlopt.optim import SGD
from dlopt.problems import Quadratic, Rosenbrock


def numerical_gradient(f, theta, h=1e-6):
    e = np.eye(theta.size)
    return np.array(
        [(f(theta + h * e[i]) - f(theta - h * e[i])) / (2 * h) for i in range(theta.size)]
    )


def test_blurred_quadratic_is_the_quadratic_plus_a_known_constant():
    q = Quadratic(np.diag([1.0, 3.0]), np.array([1.0, 0.0]))
    blurred = gaussian_blur(q, 0.5)  # + σ² tr(A) / 2 = 0.25 · 4 / 2 = 0.5
    theta = np.array([0.3, -1.2])
    assert blurred.value(theta) == pytest.approx(q.value(theta) + 0.5, rel=1e-15)
    np.testing.assert_array_equal(blurred.grad(theta), q.grad(theta))
    assert gaussian_blur(q, 0.0) is q


def test_sampled_blur_of_a_quadratic_agrees_within_its_standard_error():
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    q, sigma, s = Quadratic(A), 0.7, 4000
    theta = np.array([1.0, -0.5])
    # J(θ + σz) = J(θ) + σ gᵀz + ½σ² zᵀAz has variance σ²‖g‖² + σ⁴ tr(A²)/2
    g = q.grad(theta)
    stderr = math.sqrt((sigma**2 * g @ g + sigma**4 * np.trace(A @ A) / 2) / s)
    estimate = gaussian_blur(q, sigma, samples=s, seed=1)
    assert isinstance(estimate, MonteCarloBlur)
    assert abs(estimate.value(theta) - gaussian_blur(q, sigma).value(theta)) < 5 * stderr
    # ∇J(θ + σz) = g + σAz: coordinate i has standard deviation σ √(A²)ᵢᵢ <= σ √4.25 < 2.1 σ
    np.testing.assert_allclose(estimate.grad(theta), g, atol=5 * sigma * 2.1 / math.sqrt(s))
    assert estimate.value(theta) == gaussian_blur(q, sigma, samples=s, seed=1).value(theta)


def test_rippled_gradient_hessian_and_exact_blur():
    f = Rippled(amplitude=1.0, omega=5.0)
    theta = np.array([0.4, -1.1, 2.0])
    np.testing.assert_allclose(f.grad(theta), numerical_gradient(f.value, theta), rtol=1e-7)
    np.testing.assert_allclose(
        np.diag(f.hessian(theta)),
        numerical_gradient(lambda t: f.grad(t) @ np.ones(3), theta),
        rtol=1e-6,
    )
    # 1-D: E[½(θ+σz)² + 1 − cos ω(θ+σz)] = ½θ² + σ²/2 + 1 − e^{−ω²σ²/2} cos ωθ
    x, sigma = 0.3, 0.2
    exact = 0.5 * x**2 + 0.5 * sigma**2 + 1 - math.exp(-0.5 * (5 * sigma) ** 2) * math.cos(5 * x)
    assert gaussian_blur(f, sigma).value(np.array([x])) == pytest.approx(exact, rel=1e-14)
    z = np.random.default_rng(3).standard_normal(20000)
    values = 0.5 * (x + sigma * z) ** 2 + 1 - np.cos(5 * (x + sigma * z))
    estimate = gaussian_blur(f, sigma, samples=20000, seed=0).value(np.array([x]))
    assert abs(estimate - exact) < 5 * values.std() / math.sqrt(20000)
    # blurring twice adds the variances
    twice = gaussian_blur(gaussian_blur(f, 0.3), 0.4)
    assert twice.value(theta) == pytest.approx(gaussian_blur(f, 0.5).value(theta), rel=1e-14)


def test_continuation_reaches_the_global_minimum_that_plain_descent_misses():
    f = Rippled(amplitude=1.0, omega=5.0)  # a ω² = 25 > 1: local minima away from 0
    theta0 = np.array([3.0])

    def factory():
        return SGD(lr=0.05)

    plain = minimize(f, factory(), theta0, steps=500)
    assert abs(plain.theta[0]) > 1  # stuck in a ripple
    path = continuation(gaussian_family(f), [1.0, 0.5, 0.25, 0.0], factory, theta0, 500)
    assert path.thetas.shape == (4, 1) and len(path.records) == 4
    assert abs(path.theta[0]) < 1e-8  # J_1 is convex (a ω² e^{−ω²/2} < 1): its minimum is 0


def test_bad_arguments_raise():
    f = Rippled()
    with pytest.raises(ValueError, match="non-increasing"):
        continuation(gaussian_family(f), [0.1, 0.5], SGD, np.zeros(1), 5)
    with pytest.raises(ValueError, match="non-increasing"):
        continuation(gaussian_family(f), [0.5, -0.1], SGD, np.zeros(1), 5)
    with pytest.raises(ValueError, match="non-empty"):
        continuation(gaussian_family(f), [], SGD, np.zeros(1), 5)
    with pytest.raises(ValueError, match="steps_per_level must be an integer >= 1"):
        continuation(gaussian_family(f), [0.5], SGD, np.zeros(1), 0)
    with pytest.raises(ValueError, match="no closed-form blur for Rosenbrock"):
        gaussian_blur(Rosenbrock(), 0.1)
    with pytest.raises(ValueError, match=r"sigma must be >= 0, got sigma=-1\.0"):
        gaussian_blur(f, -1.0)
    with pytest.raises(ValueError, match="samples must be an integer >= 1"):
        gaussian_blur(f, 0.1, samples=0)
