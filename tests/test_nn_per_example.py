"""dlopt.nn.per_example_gradients: closed forms, finite differences and the batch mean."""

import numpy as np
import pytest

from dlopt.nn import RNN, mlp, numerical_gradient, per_example_gradients


def test_linear_least_squares_rows_are_residual_times_input():
    # J_i(W, b) = ½ (x_i·W + b − y_i)², so g_i = r_i (x_i, 1) with r_i the residual
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((7, 3)), rng.standard_normal(7)
    net = mlp([3, 1], loss="mse")
    theta = rng.standard_normal(net.size)  # W (3 entries) then b
    residual = X @ theta[:3] + theta[3] - y
    expected = residual[:, None] * np.hstack([X, np.ones((7, 1))])
    np.testing.assert_allclose(per_example_gradients(net, theta, X, y), expected, atol=1e-12)


def test_rows_match_finite_differences_of_each_example_loss():
    rng = np.random.default_rng(1)
    net = mlp([4, 5, 3], activation="tanh")
    theta = net.init(rng)
    X, y = rng.standard_normal((3, 4)), np.array([0, 2, 1])
    rows = per_example_gradients(net, theta, X, y)
    assert rows.shape == (3, net.size)
    for i in range(3):
        numeric = numerical_gradient(lambda t, i=i: net.loss(t, X[i : i + 1], y[i : i + 1]), theta)
        np.testing.assert_allclose(rows[i], numeric, atol=1e-8)


def test_mean_of_rows_is_the_batch_gradient():
    rng = np.random.default_rng(2)
    net = mlp([6, 8, 4], activation="relu")
    theta = net.init(rng)
    X, y = rng.standard_normal((20, 6)), rng.integers(0, 4, 20)
    mean = per_example_gradients(net, theta, X, y).mean(axis=0)
    np.testing.assert_allclose(mean, net.loss_and_grad(theta, X, y)[1], rtol=1e-10, atol=1e-14)


def test_recurrent_network_rows_are_single_sequence_gradients():
    rng = np.random.default_rng(3)
    net = RNN(2, 3, 2)
    theta = net.init(rng)
    X, y = rng.standard_normal((4, 5, 2)), rng.integers(0, 2, 4)
    rows = per_example_gradients(net, theta, X, y)
    for i in range(4):
        np.testing.assert_allclose(rows[i], net.loss_and_grad(theta, X[i : i + 1], y[i : i + 1])[1])
    np.testing.assert_allclose(rows.mean(axis=0), net.loss_and_grad(theta, X, y)[1], atol=1e-14)


def test_bad_input_is_named():
    net = mlp([2, 2])
    theta = np.zeros(net.size)
    with pytest.raises(ValueError, match="as many examples"):
        per_example_gradients(net, theta, np.zeros((3, 2)), np.zeros(2, dtype=int))
    with pytest.raises(ValueError, match="no example"):
        per_example_gradients(net, theta, np.zeros((0, 2)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match="theta"):
        per_example_gradients(net, np.zeros(3), np.zeros((1, 2)), np.zeros(1, dtype=int))
