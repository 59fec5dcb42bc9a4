"""dlopt.nn.RNN: the recurrence by hand, BPTT by finite differences, ‖∂L/∂h_t‖ in closed form."""

import numpy as np
import pytest

from dlopt.nn import RNN, gradient_check, mlp, numerical_gradient

TOL = 1e-6


@pytest.mark.parametrize(
    ("activation", "loss"), [("tanh", "cross_entropy"), ("relu", "mse"), ("sigmoid", "mse")]
)
def test_rnn_passes_the_gradient_check(activation, loss):
    rng = np.random.default_rng(0)
    net = RNN(3, 5, 2, activation=activation, loss=loss)
    X = rng.standard_normal((4, 6, 3))
    y = rng.integers(0, 2, 4) if loss == "cross_entropy" else rng.standard_normal((4, 2))
    theta = net.init(rng) + 0.1 * rng.standard_normal(net.size)
    assert gradient_check(net.objective(X, y), theta) < TOL


def test_recurrence_by_hand():
    net = RNN(1, 1, 1, loss="mse")
    theta = np.zeros(net.size)
    p = net.params(theta)
    p["W_xh"][...], p["W_hh"][...], p["b_h"][...] = 0.5, 2.0, 0.1
    p["W_hy"][...], p["b_y"][...] = 3.0, -1.0
    x1, x2 = 1.0, -0.4
    h1 = np.tanh(0.5 * x1 + 0.1)
    h2 = np.tanh(0.5 * x2 + 2.0 * h1 + 0.1)
    out = net.forward(theta, np.array([[[x1], [x2]]]))
    assert out[0, 0] == pytest.approx(3.0 * h2 - 1.0, rel=1e-15)
    assert net.size == 1 + 1 + 1 + 1 + 1
    assert np.shares_memory(p["W_hh"], theta)


def test_one_step_rnn_is_a_one_hidden_layer_mlp():
    rng = np.random.default_rng(1)
    rnn, net = RNN(3, 4, 2), mlp([3, 4, 2], activation="tanh")
    theta_rnn = rnn.init(rng)
    theta_mlp = np.zeros(net.size)
    p = rnn.params(theta_rnn)
    net.layer_params(theta_mlp, 0)["W"][...] = p["W_xh"]
    net.layer_params(theta_mlp, 0)["b"][...] = p["b_h"]
    net.layer_params(theta_mlp, 2)["W"][...] = p["W_hy"]
    net.layer_params(theta_mlp, 2)["b"][...] = p["b_y"]
    X = rng.standard_normal((5, 3))
    np.testing.assert_allclose(rnn.forward(theta_rnn, X[:, None, :]), net.forward(theta_mlp, X))


def linear_rnn(n, c):
    """identity activation, W_xh = W_hy = I and W_hh = c I: h_t = Σ_{s≤t} c^(t−s) x_s."""
    net = RNN(n, n, n, activation="identity", loss="mse")
    theta = np.zeros(net.size)
    p = net.params(theta)
    p["W_xh"][...], p["W_hh"][...], p["W_hy"][...] = np.eye(n), c * np.eye(n), np.eye(n)
    return net, theta


@pytest.mark.parametrize("c", [0.5, 1.5])
def test_hidden_gradients_shrink_or_grow_geometrically(c):
    net, theta = linear_rnn(2, c)
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((3, 8, 2)), rng.standard_normal((3, 2))
    norms = net.hidden_gradients(theta, X, y)
    # ∂L/∂h_t = c^(T−t) ∂L/∂h_T, and ∂L/∂h_T = (o − y)/N with o = h_T
    o = net.forward(theta, X)
    assert norms[-1] == pytest.approx(np.linalg.norm(o - y) / 3, rel=1e-14)
    np.testing.assert_allclose(norms, norms[-1] * c ** np.arange(7, -1, -1), rtol=1e-12)


def test_hidden_gradients_match_finite_differences_in_the_inputs():
    # with W_xh = I and a linear recurrence, ∂L/∂x_t = ∂L/∂h_t exactly
    net, theta = linear_rnn(2, 0.9)
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((2, 5, 2)), rng.standard_normal((2, 2))
    dX = numerical_gradient(lambda Z: net.loss(theta, Z, y), X).reshape(X.shape)
    per_step = np.linalg.norm(dX, axis=(0, 2))
    np.testing.assert_allclose(net.hidden_gradients(theta, X, y), per_step, rtol=1e-7)


def test_rnn_rejects_bad_input():
    net = RNN(3, 4, 2)
    with pytest.raises(ValueError, match=r"X must have shape \(N, T, 3\)"):
        net.forward(net.init(0), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="n_hidden"):
        RNN(3, 0, 2)
    with pytest.raises(ValueError, match="activation"):
        RNN(3, 4, 2, activation="gelu")
