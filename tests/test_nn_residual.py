"""dlopt.nn.Residual and mlp's batch_norm/residual options: hand values, finite differences."""

import numpy as np
import pytest

from dlopt.nn import BatchNorm, Dense, Network, Residual, Sigmoid, Tanh, gradient_check, mlp

TOL = 1e-6


def test_hand_values_of_the_block():
    params = {"W": np.array([[1.0, 0.0], [0.0, 2.0]]), "b": np.array([0.5, 0.0])}
    x = np.array([[1.0, -1.0]])
    out, _ = Residual(2, "identity").forward(params, x)
    np.testing.assert_array_equal(out, [[2.5, -3.0]])  # x + (x W + b) = [1 + 1.5, -1 - 2]
    out, _ = Residual(2, "relu").forward(params, x)
    np.testing.assert_array_equal(out, [[2.5, -1.0]])  # z = [1.5, -2]: relu keeps 1.5 only


@pytest.mark.parametrize("activation", ["tanh", "relu", "identity"])
def test_zero_weights_make_the_block_the_identity(activation):
    block = Residual(3, activation)
    params = {"W": np.zeros((3, 3)), "b": np.zeros(3)}
    x = np.random.default_rng(0).standard_normal((5, 3))
    out, cache = block.forward(params, x)
    np.testing.assert_array_equal(out, x)
    dout = np.random.default_rng(1).standard_normal((5, 3))
    dx, _ = block.backward(params, cache, dout)
    np.testing.assert_array_equal(dx, dout)  # the skip path passes the gradient unchanged


def test_a_sigmoid_block_with_zero_weights_adds_one_half():
    out, _ = Residual(2, "sigmoid").forward(
        {"W": np.zeros((2, 2)), "b": np.zeros(2)}, np.ones((1, 2))
    )
    np.testing.assert_array_equal(out, [[1.5, 1.5]])


def test_linear_block_has_jacobian_identity_plus_w():
    rng = np.random.default_rng(2)
    W, dout = rng.standard_normal((3, 3)), rng.standard_normal((4, 3))
    block = Residual(3, "identity")
    params = {"W": W, "b": rng.standard_normal(3)}
    _, cache = block.forward(params, rng.standard_normal((4, 3)))
    dx, _ = block.backward(params, cache, dout)
    np.testing.assert_allclose(dx, dout @ (np.eye(3) + W).T, rtol=1e-12)  # out = x (I + W) + b


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "identity"])
def test_input_gradient_matches_central_differences(activation):
    rng = np.random.default_rng(3)
    block = Residual(4, activation)
    params = {"W": rng.standard_normal((4, 4)), "b": rng.standard_normal(4)}
    x, R = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    _, cache = block.forward(params, x)
    dx, _ = block.backward(params, cache, R)
    h, numeric = 1e-6, np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[idx] = h
        plus, minus = block.forward(params, x + step)[0], block.forward(params, x - step)[0]
        numeric[idx] = np.sum(R * (plus - minus)) / (2 * h)
    assert np.max(np.abs(dx - numeric) / (np.abs(dx) + np.abs(numeric) + 1e-12)) < TOL


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_networks_with_residual_blocks_pass_the_gradient_check(activation):
    rng = np.random.default_rng(4)
    net = Network(
        [Dense(3, 4), Tanh(), Residual(4, activation), Residual(4, activation), Dense(4, 2)]
    )
    X, y = rng.standard_normal((6, 3)), rng.integers(0, 2, 6)
    theta = net.init(rng) + 0.1 * rng.standard_normal(net.size)
    assert gradient_check(net.objective(X, y), theta) < TOL


def test_default_init_and_layout():
    net = Network([Residual(4), Dense(4, 2)], "mse")
    assert net.size == 4 * 4 + 4 + 4 * 2 + 2
    assert net.dense_indices == [0, 1]
    p = net.layer_params(net.init(0), 0)
    assert np.all(np.abs(p["W"]) <= 0.5) and np.all(p["b"] == 0)  # U(-1/sqrt(4), 1/sqrt(4))


def test_bad_block_input_is_named():
    with pytest.raises(ValueError, match="n="):
        Residual(0)
    with pytest.raises(ValueError, match="activation"):
        Residual(3, "softplus")
    with pytest.raises(ValueError, match=r"x must have shape \(N, 3\), got shape \(2, 4\)"):
        Residual(3).forward({"W": np.zeros((3, 3)), "b": np.zeros(3)}, np.zeros((2, 4)))


def test_mlp_residual_layout():
    net = mlp([5, 4, 4, 4, 3, 3, 2], activation="relu", residual=True)
    kinds = [type(layer).__name__ for layer in net.layers]
    # the first hidden layer changes the width; 4 -> 4 twice; 4 -> 3 changes it; 3 -> 3
    assert kinds == ["Dense", "ReLU", "Residual", "Residual", "Dense", "ReLU", "Residual", "Dense"]
    assert net.size == mlp([5, 4, 4, 4, 3, 3, 2]).size  # same parameters, one more path


def test_mlp_residual_with_zero_blocks_is_the_shallow_network():
    deep = mlp([3, 4, 4, 4, 2], residual=True)
    shallow = mlp([3, 4, 2])
    rng = np.random.default_rng(5)
    theta = deep.init(rng)
    for i in (2, 3):  # the two Residual blocks
        for p in deep.layer_params(theta, i).values():
            p[...] = 0.0
    small = np.concatenate([theta[: 3 * 4 + 4], theta[-(4 * 2 + 2) :]])
    X = rng.standard_normal((7, 3))
    np.testing.assert_allclose(deep.forward(theta, X), shallow.forward(small, X), rtol=1e-12)


def test_mlp_residual_passes_the_gradient_check():
    rng = np.random.default_rng(6)
    net = mlp([3, 5, 5, 5, 2], residual=True)
    X, y = rng.standard_normal((6, 3)), rng.integers(0, 2, 6)
    assert (
        gradient_check(net.objective(X, y), net.init(rng) + 0.1 * rng.standard_normal(net.size))
        < TOL
    )


def test_mlp_batch_norm_layout_options_and_gradient():
    net = mlp([4, 3, 3, 2], activation="sigmoid", batch_norm={"momentum": 0.5})
    kinds = [type(layer) for layer in net.layers]
    assert kinds == [Dense, BatchNorm, Sigmoid, Dense, BatchNorm, Sigmoid, Dense]
    assert net.layers[1] is not net.layers[4]  # each keeps its own running statistics
    assert net.layers[1].momentum == 0.5
    assert net.size == mlp([4, 3, 3, 2]).size + 2 * (3 + 3)  # gamma and beta per hidden layer
    assert mlp([4, 3, 2], batch_norm=True).layers[1].momentum == 0.9  # BatchNorm's default
    rng = np.random.default_rng(7)
    X, y = rng.standard_normal((8, 4)), rng.integers(0, 2, 8)
    theta = net.init(rng) + 0.1 * rng.standard_normal(net.size)
    assert gradient_check(net.objective(X, y), theta) < TOL


def test_mlp_options_bad_input_is_named():
    with pytest.raises(ValueError, match="batch_norm and residual"):
        mlp([3, 4, 4, 2], batch_norm=True, residual=True)
    with pytest.raises(ValueError, match=r"residual=True needs .* sizes=\[3, 4, 5, 2\]"):
        mlp([3, 4, 5, 2], residual=True)
    with pytest.raises(TypeError, match="batch_norm"):
        mlp([3, 4, 2], batch_norm="yes")
    with pytest.raises(TypeError, match="residual"):
        mlp([3, 4, 4, 2], residual=1)
    with pytest.raises(TypeError, match="momentm"):
        mlp([3, 4, 2], batch_norm={"momentm": 0.9})
