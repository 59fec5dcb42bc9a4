"""Initializers on networks: views into θ, copied layers, greedy supervised pretraining."""

import math
from functools import partial

import numpy as np
import pytest

from dlopt import init
from dlopt.data import Dataset
from dlopt.nn import RNN, SoftmaxCrossEntropy, mlp
from dlopt.optim import SGD


def test_init_network_writes_every_dense_layer_through_the_views():
    net = mlp([6, 8, 4, 3])
    theta = net.init(0)
    g = init.gain("tanh")
    out = init.init_network(
        net, theta, np.random.default_rng(1), weights=partial(init.orthogonal, gain=g), biases=0.1
    )
    assert out is theta
    for i in net.dense_indices:
        W, b = net.layer_params(theta, i)["W"], net.layer_params(theta, i)["b"]
        m, n = W.shape
        gram = W.T @ W if m >= n else W @ W.T
        np.testing.assert_allclose(gram, g**2 * np.eye(min(m, n)), atol=1e-12)
        np.testing.assert_array_equal(b, np.full(n, 0.1))


def test_init_network_by_name_and_layer_on_a_recurrent_network():
    net = RNN(3, 5, 2)
    theta = net.init(0)
    before = theta.copy()
    init.init_network(
        net, theta, np.random.default_rng(0), weights={"W_hh": init.identity}, biases={"b_h": 0.5}
    )
    p = net.params(theta)
    np.testing.assert_array_equal(p["W_hh"], np.eye(5))
    np.testing.assert_array_equal(p["b_h"], np.full(5, 0.5))
    q = net.params(before)
    for name in ("W_xh", "W_hy", "b_y"):  # not named: untouched
        np.testing.assert_array_equal(p[name], q[name])


def test_init_network_is_seeded_and_restricted_to_layers():
    net = mlp([4, 5, 3])
    a = init.init_network(net, net.init(0), np.random.default_rng(7), weights=init.he_normal)
    b = init.init_network(net, net.init(0), np.random.default_rng(7), weights=init.he_normal)
    np.testing.assert_array_equal(a, b)
    theta = net.init(0)
    init.init_network(net, theta, np.random.default_rng(0), weights=init.zeros, layers=[2])
    assert np.all(net.layer_params(theta, 2)["W"] == 0)
    assert np.all(net.layer_params(theta, 0)["W"] != 0)


def test_init_network_rejects_bad_arguments():
    net = mlp([4, 5, 3])
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"theta must have shape \(43,\)"):
        init.init_network(net, np.zeros(3), rng, weights=init.zeros)
    with pytest.raises(ValueError, match=r"layers must hold indices in 0\.\.2"):
        init.init_network(net, net.init(0), rng, weights=init.zeros, layers=[3])
    with pytest.raises(ValueError, match="square"):
        init.init_network(net, net.init(0), rng, weights=init.identity)
    with pytest.raises(ValueError, match=r"returned shape \(2,\), expected \(4, 5\)"):
        init.init_network(net, net.init(0), rng, weights=lambda shape, rng: np.zeros(2))


def test_constant_weights_keep_hidden_units_identical():
    # the symmetry problem: equal incoming weights give equal gradients, forever
    net = mlp([3, 4, 2])
    theta = init.init_network(
        net, net.init(0), np.random.default_rng(0), weights=partial(init.constant, value=0.3)
    )
    X = np.random.default_rng(1).standard_normal((10, 3))
    y = np.arange(10) % 2
    for _ in range(5):
        theta = theta - 0.5 * net.loss_and_grad(theta, X, y)[1]
    W1 = net.layer_params(theta, 0)["W"]
    np.testing.assert_allclose(W1, W1[:, :1] * np.ones((1, 4)), atol=1e-15)


def test_marginal_bias_makes_the_initial_loss_the_label_entropy():
    y = np.array([0] * 6 + [1] * 3 + [2])
    c = np.bincount(y) / y.size
    net = mlp([2, 3])
    theta = net.init(0)
    init.init_network(net, theta, np.random.default_rng(0), weights=init.zeros)
    net.layer_params(theta, 0)["b"][...] = init.softmax_marginal_bias(y, 3)
    X = np.random.default_rng(0).standard_normal((10, 2))
    assert net.loss(theta, X, y) == pytest.approx(-np.sum(c * np.log(c)), rel=1e-12)
    assert isinstance(net.loss_fn, SoftmaxCrossEntropy)


def test_copy_layers_copies_some_layers_and_checks_shapes():
    source, target = mlp([4, 8, 3]), mlp([4, 8, 5])
    s, t = source.init(1), target.init(2)
    before = t.copy()
    init.copy_layers(source, s, target, t, layers=[0])
    for name in ("W", "b"):
        np.testing.assert_array_equal(
            target.layer_params(t, 0)[name], source.layer_params(s, 0)[name]
        )
        np.testing.assert_array_equal(
            target.layer_params(t, 2)[name], target.layer_params(before, 2)[name]
        )
    with pytest.raises(ValueError, match=r"parameter 'W': source layer 2 has shape \(8, 3\)"):
        init.copy_layers(source, s, target, t, layers=[2])
    with pytest.raises(ValueError, match="parameters"):
        init.copy_layers(source, s, target, t, layers=[(0, 1)])  # Dense into an activation
    with pytest.raises(ValueError, match=r"source layer index must be in 0\.\.2"):
        init.copy_layers(source, s, target, t, layers=[(5, 0)])
    with pytest.raises(ValueError, match=r"source_theta must have shape \(67,\)"):
        init.copy_layers(source, s[:-1], target, t)


def test_copy_all_layers_reproduces_the_function():
    source, target = mlp([4, 6, 3]), mlp([4, 6, 3])
    s = source.init(3)
    t = init.copy_layers(source, s, target, target.init(4))
    X = np.random.default_rng(0).standard_normal((5, 4))
    np.testing.assert_array_equal(target.forward(t, X), source.forward(s, X))
    with pytest.raises(ValueError, match="pass layers="):
        init.copy_layers(source, s, mlp([4, 6, 6, 3]), mlp([4, 6, 6, 3]).init(0))


def blobs(n=120, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    centers = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
    return Dataset(centers[y] + 0.5 * rng.standard_normal((n, 2)), y)


def test_greedy_pretraining_stacks_the_trained_layers():
    data = blobs()
    result = init.greedy_supervised_pretraining(
        [2, 6, 5, 3], data, lambda: SGD(lr=0.3), epochs=15, batch_size=20, seed=0
    )
    assert [len(s.layers) for s in result.stages] == [3, 3]
    assert result.net.size == mlp([2, 6, 5, 3]).size and len(result.records) == 2
    first, second = result.stages
    features = np.tanh(
        data.X @ first.layer_params(result.records[0].theta, 0)["W"]
        + first.layer_params(result.records[0].theta, 0)["b"]
    )
    # without fine-tuning the deep net computes exactly the last stage on the stage-1 features
    np.testing.assert_allclose(
        result.net.forward(result.theta, data.X),
        second.forward(result.records[1].theta, features),
        rtol=1e-12,
        atol=1e-12,
    )
    assert result.net.accuracy(result.theta, data.X, data.y) > 0.9
    assert result.net.loss(result.theta, data.X, data.y) < math.log(3) / 2


def test_greedy_pretraining_fine_tunes_and_rejects_bad_sizes():
    data = blobs()
    result = init.greedy_supervised_pretraining(
        [2, 4, 3], data, lambda: SGD(lr=0.3), epochs=5, batch_size=20, fine_tune_epochs=3
    )
    assert len(result.records) == 2
    np.testing.assert_array_equal(result.theta, result.records[-1].theta)
    with pytest.raises(ValueError, match="at least one hidden layer"):
        init.greedy_supervised_pretraining([2, 3], data, SGD, epochs=1, batch_size=4)


def test_init_network_accepts_names_and_numbers():
    net = mlp([4, 5, 3])
    theta = init.init_network(
        net, net.init(0), np.random.default_rng(0), weights="orthogonal", biases="relu_bias"
    )
    W = net.layer_params(theta, 0)["W"]
    np.testing.assert_allclose(W @ W.T, np.eye(4), atol=1e-12)
    np.testing.assert_array_equal(net.layer_params(theta, 2)["b"], np.full(3, 0.1))
    init.init_network(net, theta, np.random.default_rng(0), weights={"W": 0.5}, biases="zeros")
    assert np.all(net.layer_params(theta, 2)["W"] == 0.5)
    assert np.all(net.layer_params(theta, 2)["b"] == 0)
    with pytest.raises(ValueError, match="unknown initializer 'xavier'"):
        init.init_network(net, theta, np.random.default_rng(0), weights="xavier")
    with pytest.raises(TypeError, match="must be callable, a name or a number"):
        init.init_network(net, theta, np.random.default_rng(0), biases=[0.1])
