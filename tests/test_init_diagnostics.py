"""Start diagnostics (dlopt.init.diagnostics) and Network.activations, against hand-built cases,
closed forms and finite differences."""

import functools

import numpy as np
import pytest

from dlopt import init
from dlopt.init import diagnostics
from dlopt.nn import mlp, numerical_gradient


def tanh_net_and_theta(sizes=(3, 4, 5, 2), seed=0):
    net = mlp(list(sizes), "tanh")
    theta = np.random.default_rng(seed).normal(size=net.size)  # nonzero biases too
    return net, theta


def test_activations_match_a_manual_forward_pass():
    net, theta = tanh_net_and_theta()
    X = np.random.default_rng(1).normal(size=(6, 3))
    p = [net.layer_params(theta, i) for i in (0, 2, 4)]
    z1 = X @ p[0]["W"] + p[0]["b"]
    h1 = np.tanh(z1)
    z2 = h1 @ p[1]["W"] + p[1]["b"]
    h2 = np.tanh(z2)
    o = h2 @ p[2]["W"] + p[2]["b"]
    outputs = net.activations(theta, X)
    assert len(outputs) == len(net.layers) == 5
    for got, want in zip(outputs, [z1, h1, z2, h2, o], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-13)
    hidden = diagnostics.hidden_activations(net, theta, X)
    assert len(hidden) == 2
    np.testing.assert_allclose(hidden[1], h2, rtol=1e-13)


def test_signal_profile_of_a_scaled_identity_network_is_c_to_the_l():
    # W = c I and b = 0 in a linear network: layer l is exactly c^l x
    c, depth = 0.7, 6
    net = mlp([5] * (depth + 2), "identity", loss="mse")
    theta = np.zeros(net.size)
    init.init_network(net, theta, None, weights=functools.partial(init.identity, scale=c))
    X = np.random.default_rng(2).normal(size=(40, 5))
    want = X.std() * c ** np.arange(1, depth + 1)
    np.testing.assert_allclose(diagnostics.signal_profile(net, theta, X), want, rtol=1e-12)


def test_activation_histograms_of_a_hand_built_linear_network():
    # one unit per layer, W = c: layer 1 is c x, layer 2 is c^2 x
    net = mlp([1, 1, 1, 1], "identity", loss="mse")
    theta = np.zeros(net.size)
    init.init_network(net, theta, None, weights=functools.partial(init.identity, scale=2.0))
    X = np.array([[0.05], [0.1], [0.3], [0.35]])
    hist = diagnostics.activation_histograms(net, theta, X, [1, 2], bins=2, range=(0.0, 1.0))
    assert list(hist) == ["layer 1", "layer 2"]
    centres, density = hist["layer 1"]  # 0.1, 0.2, 0.6, 0.7: two of four per bin of width 0.5
    np.testing.assert_allclose(centres, [0.25, 0.75])
    np.testing.assert_allclose(density, [1.0, 1.0])
    # 0.2, 0.4, 1.2, 1.4: the two inside the range both fall in the first bin
    np.testing.assert_allclose(hist["layer 2"][1], [2.0, 0.0])
    _, own = diagnostics.activation_histograms(net, theta, X, [1], bins=3)["layer 1"]
    np.testing.assert_allclose(own.sum() * (0.7 - 0.1) / 3, 1.0)  # own range: integrates to 1
    with pytest.raises(ValueError, match=r"layers must be in 1\.\.2"):
        diagnostics.activation_histograms(net, theta, X, [3])


@pytest.mark.parametrize("gain", [1.0, 1.1, 0.9])
def test_deep_linear_orthogonal_network_has_all_singular_values_gain_to_the_depth(gain):
    depth, width = 12, 16
    net = mlp([width] * (depth + 1) + [3], "identity", loss="mse")
    weights = functools.partial(init.orthogonal, gain=gain)
    theta = diagnostics.random_starts(net, [0], weights=weights, biases=0.0)[0]
    x = np.random.default_rng(3).normal(size=width)
    s = diagnostics.jacobian_singular_values(net, theta, x)
    assert s.shape == (width,)
    np.testing.assert_allclose(s, gain**depth, rtol=1e-12)


def test_jacobian_matches_finite_differences_and_the_product_formula():
    net, theta = tanh_net_and_theta(sizes=(4, 6, 5, 3), seed=4)
    x = np.random.default_rng(5).normal(size=4)
    J = diagnostics.input_jacobian(net, theta, x)
    assert J.shape == (5, 4)
    eps = 1e-6
    fd = np.empty((5, 4))
    for j in range(4):
        e = np.zeros(4)
        e[j] = eps
        plus = diagnostics.hidden_activations(net, theta, (x + e)[None])[-1][0]
        minus = diagnostics.hidden_activations(net, theta, (x - e)[None])[-1][0]
        fd[:, j] = (plus - minus) / (2 * eps)
    np.testing.assert_allclose(J, fd, rtol=1e-7, atol=1e-9)
    # first hidden layer by hand: dh1/dx = diag(1 - h1^2) W1^T
    p = net.layer_params(theta, 0)
    h1 = np.tanh(x @ p["W"] + p["b"])
    np.testing.assert_allclose(
        diagnostics.input_jacobian(net, theta, x, layer=0), (1 - h1**2)[:, None] * p["W"].T
    )


def test_gradient_profile_matches_finite_differences():
    net, theta = tanh_net_and_theta(sizes=(3, 4, 4, 2), seed=6)
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(8, 3)), rng.integers(0, 2, size=8)
    fd = numerical_gradient(lambda t: net.loss(t, X, y, train=True), theta)
    want = [np.linalg.norm(net.layer_params(fd, i)["W"]) for i in (0, 2, 4)]
    np.testing.assert_allclose(diagnostics.gradient_profile(net, theta, X, y), want, rtol=1e-6)


def hand_built_relu_net():
    """Two ReLU layers of 3 and 2 units; counts worked out by hand in the test."""
    net = mlp([2, 3, 2, 2], "relu")
    theta = np.zeros(net.size)
    # layer 1: unit 0 = x1, unit 1 = -x1, unit 2 = -x2
    net.layer_params(theta, 0)["W"][...] = [[1.0, -1.0, 0.0], [0.0, 0.0, -1.0]]
    # layer 2: unit a = h0 + h1, unit b = -(h0 + h1)
    net.layer_params(theta, 2)["W"][...] = [[1.0, -1.0], [1.0, -1.0], [0.0, 0.0]]
    X = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]])
    return net, theta, X


def test_unit_census_on_a_hand_built_network():
    net, theta, X = hand_built_relu_net()
    # layer 1 outputs: (1,0,0), (0,1,0), (0,0,0): 2 of 9 active; unit 2 never fires
    # layer 2 outputs: a = 1, 1, 0 and b = 0 always: 2 of 6 active; b is dead
    census = diagnostics.unit_census(net, theta, X)
    np.testing.assert_allclose(census.active, [2 / 9, 2 / 6])
    np.testing.assert_allclose(census.dead, [1 / 3, 1 / 2])
    # a second start with W1 = 0, b1 = 1: every first-layer unit fires (h = 1, 1, 1),
    # so a = 2 fires and b = -2 never does; the census averages the two starts
    other = theta.copy()
    net.layer_params(other, 0)["W"][...] = 0.0
    net.layer_params(other, 0)["b"][...] = 1.0
    both = diagnostics.unit_census(net, np.stack([theta, other]), X)
    np.testing.assert_allclose(both.active, [(2 / 9 + 1) / 2, (2 / 6 + 1 / 2) / 2])
    np.testing.assert_allclose(both.dead, [(1 / 3 + 0) / 2, 1 / 2])


def test_random_starts_are_seeded_and_follow_the_rules():
    net = mlp([200, 300, 2], "relu")
    starts = diagnostics.random_starts(net, [0, 1, 0], weights="he_normal", biases=0.1)
    assert starts.shape == (3, net.size)
    np.testing.assert_array_equal(starts[0], starts[2])
    assert not np.array_equal(starts[0], starts[1])
    assert np.all(net.layer_params(starts[1], 0)["b"] == 0.1)
    W = net.layer_params(starts[1], 0)["W"]
    assert abs(W.var() / (2 / 200) - 1) < 0.02  # He: variance 2/m


def test_bad_arguments_are_named():
    net, theta = tanh_net_and_theta()
    with pytest.raises(ValueError, match="x must be one input"):
        diagnostics.input_jacobian(net, theta, np.zeros((2, 3)))
    with pytest.raises(IndexError, match="layer"):
        diagnostics.input_jacobian(net, theta, np.zeros(3), layer=2)
    with pytest.raises(ValueError, match="no ReLU layer"):
        diagnostics.unit_census(net, theta, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="theta must be"):
        diagnostics.unit_census(net, theta[None, None], np.zeros((2, 3)))
    with pytest.raises(ValueError, match="seeds"):
        diagnostics.random_starts(net, [], weights=0.0, biases=0.0)
    with pytest.raises(ValueError, match="theta must have shape"):
        net.activations(theta[:-1], np.zeros((2, 3)))
