"""Coordinate descent: one sweep on a diagonal quadratic, the slow coupled example, blocks."""

import numpy as np
import pytest

from dlopt.meta import CoordinateDescent, coordinate_descent, coupled_quadratic
from dlopt.problems import Quadratic, Rosenbrock


def test_one_sweep_solves_a_diagonal_quadratic():
    q = Quadratic(np.diag([1.0, 4.0, 0.5]), np.array([2.0, -4.0, 1.0]))
    record = coordinate_descent(q, np.array([9.0, 9.0, 9.0]), sweeps=1)
    np.testing.assert_allclose(record.theta, [2.0, -1.0, 2.0], rtol=1e-15)  # bᵢ / Aᵢᵢ
    assert record.thetas.shape == (4, 3) and record.extras["blocks_per_sweep"] == 3
    # the staircase: each update changes exactly one coordinate
    assert all(np.count_nonzero(np.diff(record.thetas, axis=0)[k]) == 1 for k in range(3))


def test_coupled_example_shrinks_by_one_over_one_plus_alpha_squared_per_sweep():
    alpha, n = 0.01, 50
    f = coupled_quadratic(alpha)
    x = np.array([0.7, -0.3])
    assert f.value(x) == pytest.approx((x[0] - x[1]) ** 2 + alpha * (x @ x), rel=1e-14)
    record = coordinate_descent(f, np.array([1.0, 1.0]), sweeps=n)
    ends = record.thetas[:: record.extras["blocks_per_sweep"]]
    # by hand: θ₁ ← θ₂/(1 + α), then θ₂ ← θ₁/(1 + α)
    np.testing.assert_allclose(ends[:, 1], (1 + alpha) ** (-2.0 * np.arange(n + 1)), rtol=1e-12)
    np.testing.assert_allclose(
        ends[1:, 0], (1 + alpha) ** (1 - 2.0 * np.arange(1, n + 1)), rtol=1e-12
    )
    assert np.linalg.norm(record.theta) > 0.3  # 50 sweeps and still far from the minimum 0


def test_one_block_with_both_coordinates_solves_the_coupled_example():
    record = coordinate_descent(coupled_quadratic(0.01), np.array([1.0, 1.0]), 1, blocks=[[0, 1]])
    np.testing.assert_allclose(record.theta, [0.0, 0.0], atol=1e-12)


def test_block_gradient_steps_on_a_separable_quadratic():
    # a gradient step on block {0} then on block {1, 2}: θᵢ ← (1 − ε aᵢ) θᵢ
    q = Quadratic(np.diag([1.0, 2.0, 3.0]))
    opt = CoordinateDescent(blocks=[[0], [1, 2]], lr=0.1)
    theta = opt.step(np.ones(3), q)
    np.testing.assert_allclose(theta, [0.9, 1.0, 1.0])
    theta = opt.step(theta, q)
    np.testing.assert_allclose(theta, [0.9, 0.8, 0.7])


def test_gradient_steps_decrease_a_non_quadratic():
    f = Rosenbrock()
    record = coordinate_descent(f, np.array([-1.0, 1.5]), sweeps=200, lr=1e-3)
    assert record.losses[-1] < record.losses[0]


def test_bad_arguments_raise():
    q = Quadratic(np.eye(3))
    with pytest.raises(ValueError, match="partition"):
        coordinate_descent(q, np.zeros(3), 1, blocks=[[0, 1], [1, 2]])
    with pytest.raises(ValueError, match="partition"):
        coordinate_descent(q, np.zeros(3), 1, blocks=[[0, 1]])
    with pytest.raises(ValueError, match="non-empty integer"):
        coordinate_descent(q, np.zeros(3), 1, blocks=[[0.0, 1.0], [2]])
    with pytest.raises(ValueError, match="needs a Quadratic"):
        coordinate_descent(Rosenbrock(), np.zeros(2), 1)
    with pytest.raises(ValueError, match="not positive definite"):
        coordinate_descent(Quadratic(np.diag([1.0, -1.0])), np.ones(2), 1)
    with pytest.raises(ValueError, match="sweeps must be an integer >= 1"):
        coordinate_descent(q, np.zeros(3), 0)
    with pytest.raises(ValueError, match=r"lr must be > 0, got lr=-0\.1"):
        CoordinateDescent(lr=-0.1)
    with pytest.raises(ValueError, match="alpha must be > 0"):
        coupled_quadratic(0.0)
