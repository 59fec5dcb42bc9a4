"""dlopt.nn layers, losses and the MLP: hand-derived values and finite differences."""

import numpy as np
import pytest

import dlopt
from dlopt.nn import (
    Dense,
    Identity,
    MeanSquaredError,
    Network,
    ReLU,
    Sigmoid,
    SoftmaxCrossEntropy,
    Tanh,
    gradient_check,
    mlp,
    softmax,
)
from dlopt.objective import Remembered

TOL = 1e-6


class LayerObjective:
    """J(x, p) = Σ R ⊙ layer(x; p) as a function of one flat vector [x, p]."""

    def __init__(self, layer, x_shape, seed=0):
        self.layer, self.x_shape = layer, x_shape
        self.net = Network([layer], "mse")  # borrowed only for its parameter layout
        out, _ = layer.forward(self.params(np.zeros(self.size)), np.zeros(x_shape))
        self.R = np.random.default_rng(seed).standard_normal(out.shape)

    @property
    def size(self):
        return int(np.prod(self.x_shape)) + self.net.size

    def split(self, v):
        k = int(np.prod(self.x_shape))
        return v[:k].reshape(self.x_shape), v[k:]

    def params(self, v):
        return self.net.layer_params(self.split(v)[1], 0)

    def value(self, v):
        out, _ = self.layer.forward(self.params(v), self.split(v)[0])
        return float(np.sum(self.R * out))

    def grad(self, v):
        params = self.params(v)
        _, cache = self.layer.forward(params, self.split(v)[0])
        dx, grads = self.layer.backward(params, cache, self.R)
        flat = [grads[name].ravel() for name in self.layer.param_shapes()]
        return np.concatenate([dx.ravel(), *flat])


@pytest.mark.parametrize("layer", [Dense(4, 3), Identity(), ReLU(), Tanh(), Sigmoid()])
def test_every_layer_passes_the_gradient_check(layer):
    shape = (5, 4)
    objective = LayerObjective(layer, shape)
    v = np.random.default_rng(1).standard_normal(objective.size)
    assert gradient_check(objective, v) < TOL


def test_dense_computes_x_w_plus_b():
    W = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    out, _ = Dense(2, 3).forward({"W": W, "b": np.ones(3)}, np.array([[1.0, 2.0]]))
    np.testing.assert_array_equal(out, [[10.0, 13.0, 16.0]])  # [1+8, 2+10, 3+12] + 1


def test_activation_values():
    z = np.array([[-1.0, 0.0, 2.0]])
    np.testing.assert_array_equal(ReLU().forward({}, z)[0], [[0.0, 0.0, 2.0]])
    np.testing.assert_allclose(Sigmoid().forward({}, z)[0], 1 / (1 + np.exp(-z)), rtol=1e-15)
    np.testing.assert_allclose(Tanh().forward({}, z)[0], np.tanh(z))
    with np.errstate(all="raise"):  # no overflow at extreme inputs
        np.testing.assert_array_equal(Sigmoid().forward({}, np.array([[-1e4, 1e4]]))[0], [[0, 1]])


def test_cross_entropy_hand_values_and_stability():
    ce = SoftmaxCrossEntropy()
    # softmax([0, log 3]) = [1/4, 3/4]
    value, grad = ce.value_and_grad(np.array([[0.0, np.log(3.0)]]), np.array([1]))
    assert value == pytest.approx(-np.log(0.75), rel=1e-14)
    np.testing.assert_allclose(grad, [[0.25, -0.25]], rtol=1e-14)
    # k equal scores: the loss is log k whatever their size; no overflow at 1e4
    with np.errstate(all="raise"):
        value, _ = ce.value_and_grad(np.full((2, 5), 1e4), np.array([0, 3]))
    assert value == pytest.approx(np.log(5), rel=1e-14)
    np.testing.assert_allclose(softmax(np.array([[1e4, 0.0]])), [[1.0, 0.0]])


def test_mse_is_half_the_mean_squared_norm():
    value, grad = MeanSquaredError().value_and_grad(
        np.array([[1.0, 2.0], [0.0, 0.0]]), np.array([[0.0, 0.0], [0.0, 1.0]])
    )
    assert value == pytest.approx((0.5 * 5 + 0.5 * 1) / 2, rel=1e-15)
    np.testing.assert_array_equal(grad, [[0.5, 1.0], [0.0, -0.5]])
    assert MeanSquaredError().value(np.array([[3.0]]), np.array([1.0])) == 2.0  # (N,) targets


class LossObjective:
    def __init__(self, loss, shape, y):
        self.loss, self.shape, self.y = loss, shape, y

    def value(self, o):
        return self.loss.value_and_grad(o.reshape(self.shape), self.y)[0]

    def grad(self, o):
        return self.loss.value_and_grad(o.reshape(self.shape), self.y)[1].ravel()


def test_losses_pass_the_gradient_check():
    rng = np.random.default_rng(2)
    o = rng.standard_normal(12)
    ce = LossObjective(SoftmaxCrossEntropy(), (4, 3), np.array([0, 2, 1, 2]))
    mse = LossObjective(MeanSquaredError(), (4, 3), rng.standard_normal((4, 3)))
    assert gradient_check(ce, o) < TOL
    assert gradient_check(mse, o) < TOL
    assert np.allclose(ce.grad(o).reshape(4, 3).sum(axis=1), 0)  # softmax − one-hot sums to 0


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "identity"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_mlp_passes_the_gradient_check(activation, loss):
    rng = np.random.default_rng(3)
    net = mlp([4, 6, 5, 3], activation=activation, loss=loss)
    X = rng.standard_normal((8, 4))
    y = rng.integers(0, 3, 8) if loss == "cross_entropy" else rng.standard_normal((8, 3))
    theta = net.init(rng) + 0.1 * rng.standard_normal(net.size)  # nonzero biases too
    assert gradient_check(net.objective(X, y), theta) < TOL


def test_layout_size_views_and_dense_indices():
    net = mlp([4, 6, 3])
    assert net.size == 4 * 6 + 6 + 6 * 3 + 3
    assert net.dense_indices == [0, 2]
    theta = np.zeros(net.size)
    W = net.layer_params(theta, 2)["W"]
    assert W.shape == (6, 3) and np.shares_memory(W, theta)
    W[...] = 1.0
    net.layer_params(theta, 0)["b"][...] = 2.0
    assert theta.sum() == 18 + 2 * 6  # the writes landed in theta, nowhere else
    assert net.layer_params(theta, 1) == {}


def test_default_init_is_uniform_in_one_over_root_fan_in():
    net = mlp([400, 50, 10])
    theta = net.init(np.random.default_rng(4))
    W0, b0 = net.layer_params(theta, 0).values()
    assert np.abs(W0).max() <= 1 / 20 and np.abs(W0).max() > 0.99 / 20
    assert W0.mean() == pytest.approx(0, abs=1e-3)
    assert W0.var() == pytest.approx((1 / 20) ** 2 / 3, rel=0.02)  # variance of U(−a, a): a²/3
    assert np.all(b0 == 0)
    np.testing.assert_array_equal(theta, net.init(4))  # a seed is as good as a generator


def test_accuracy_by_hand():
    net = mlp([2, 2])
    theta = np.zeros(net.size)
    net.layer_params(theta, 0)["W"][...] = np.eye(2)  # outputs = inputs
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    assert net.accuracy(theta, X, np.array([0, 1, 1])) == pytest.approx(2 / 3)
    assert net.accuracy(theta, X, np.eye(2)[[0, 1, 0]]) == 1.0  # one-hot labels
    # per example logsumexp − score: log(1 + e) − 1, log(1 + e) − 1, log(1 + e) − 0
    assert net.loss(theta, X, np.array([0, 1, 1])) == pytest.approx(np.log(1 + np.e) - 2 / 3)


def test_objective_trains_xor_with_gradient_descent():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    net = mlp([2, 8, 2], activation="tanh")
    objective = net.objective(X, y)
    assert objective.value(np.zeros(net.size)) == pytest.approx(np.log(2))  # uniform softmax
    record = dlopt.minimize(objective, dlopt.optim.SGD(lr=0.5), net.init(5), steps=2000)
    assert record.losses[-1] < 0.05
    assert net.accuracy(record.theta, X, y) == 1.0  # XOR is not linear, the hidden layer helps


def test_gradient_check_catches_a_wrong_gradient():
    class Doubled:
        def value(self, theta):
            return float(theta @ theta)

        def grad(self, theta):
            return 4 * theta  # the true gradient is 2θ

    theta = np.array([1.0, -2.0, 0.5])
    assert gradient_check(Doubled(), theta) == pytest.approx(0.5, rel=1e-6)
    assert gradient_check(Doubled(), theta, n=2, rng=1) == pytest.approx(0.5, rel=1e-6)


def test_bad_input_is_named():
    net = mlp([3, 2])
    with pytest.raises(ValueError, match="activation"):
        mlp([3, 4, 2], activation="softplus")
    with pytest.raises(ValueError, match="loss"):
        mlp([3, 2], loss="hinge")
    with pytest.raises(ValueError, match=r"sizes\[1\]"):
        mlp([3, 0, 2])
    with pytest.raises(ValueError, match=r"theta must have shape \(8,\)"):
        net.forward(np.zeros(5), np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"x must have shape \(N, 3\)"):
        net.forward(np.zeros(8), np.zeros((1, 4)))
    with pytest.raises(ValueError, match=r"y must lie in \[0, 2\)"):
        net.loss(np.zeros(8), np.zeros((2, 3)), np.array([0, 2]))
    with pytest.raises(ValueError, match="integer labels"):
        net.loss(np.zeros(8), np.zeros((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(TypeError, match="rng"):
        net.init(None)
    with pytest.raises(IndexError, match="i="):
        net.layer_params(np.zeros(8), 3)


class TrainDoubles(Identity):
    """A layer that doubles its input in training mode only, to see which mode each call uses."""

    def forward(self, params, x, train=True):
        return (2 * x if train else x), train

    def backward(self, params, cache, dout):
        return (2 * dout if cache else dout), {}


def test_training_and_evaluation_modes_reach_the_layers():
    net = Network([Dense(1, 1), TrainDoubles()], "mse")
    theta = np.array([1.0, 0.0])  # W = 1, b = 0
    X, y = np.array([[3.0]]), np.array([0.0])
    assert net.loss(theta, X, y) == 0.5 * 3.0**2  # evaluation by default
    assert net.loss(theta, X, y, train=True) == 0.5 * 6.0**2
    assert net.objective(X, y).value(theta) == 0.5 * 6.0**2  # the training loss
    np.testing.assert_array_equal(net.objective(X, y).grad(theta), [2 * 6.0 * 3.0, 2 * 6.0])


def test_objective_never_returns_a_stale_or_shared_gradient():
    net = mlp([2, 3, 2])
    X, y = np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([0, 1])
    objective = net.objective(X, y)
    theta1, theta2 = net.init(0), net.init(1)
    objective.value(theta1)
    np.testing.assert_array_equal(objective.grad(theta2), net.loss_and_grad(theta2, X, y)[1])
    g = objective.grad(theta2)
    g[...] = 0.0
    assert np.any(objective.grad(theta2) != 0)
    theta2[0] += 1.0  # the same array changed in place is a new point
    np.testing.assert_array_equal(objective.grad(theta2), net.loss_and_grad(theta2, X, y)[1])


def test_objective_value_matches_the_loss_and_a_run_reuses_its_gradient_pass():
    net = mlp([2, 3, 2])
    X, y = np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([0, 1])
    objective, theta = net.objective(X, y), net.init(2)
    assert objective.value(theta) == net.loss(theta, X, y)  # a forward pass
    value, grad = objective.value_and_grad(theta)
    assert value == net.loss(theta, X, y)
    remembered = Remembered(objective)  # what minimize and fit wrap it in
    remembered.value_and_grad(theta)
    objective.net = None  # a remembered point needs no network
    assert remembered.value(theta) == value
    np.testing.assert_array_equal(remembered.grad(theta), grad)
