"""Claims of book/part5/batch-normalization: each number in the prose, checked independently."""

import math

import numpy as np
import pytest

import dlopt
from dlopt.meta import BatchNorm
from dlopt.nn import Dense, Network, Sigmoid
from dlopt.optim import SGD


def chain_step(w, layers, eps):
    """Closed form for y = w^l: gradient entries w^(l-1), first-order and actual decrease."""
    g = w ** (layers - 1)
    return layers * g * g * eps, w**layers - (w - eps * g) ** layers


def test_chain_first_order_prediction_versus_actual_decrease():
    assert 1.5**6 == pytest.approx(11.3906, abs=1e-4)
    predicted, actual = chain_step(1.5, 6, 0.01)
    assert (predicted - actual) / actual > 0.10  # "off by more than 10%"
    predicted, actual = chain_step(1.5, 6, 0.03)
    assert round(predicted, 1) == 10.4 and round(actual, 1) == 7.2
    predicted, actual = chain_step(1.5, 6, 0.1)
    assert round(predicted, 1) == 34.6 and round(actual, 1) == 11.2
    assert round(predicted / 1.5**6) == 3  # "three times the whole output"
    predicted, actual = chain_step(1.5, 6, 0.001)
    assert actual == pytest.approx(predicted, rel=0.02)


def test_chain_gradient_from_backprop_matches_the_product_rule():
    chain = dlopt.nn.mlp([1] * 7, activation="identity", loss="mse")
    theta = np.zeros(chain.size)
    for i in chain.dense_indices:
        chain.layer_params(theta, i)["W"][...] = 1.5
    x = np.array([[1.0]])
    _, g = chain.loss_and_grad(theta, x, np.array([[1.5**6 - 1.0]]))
    weights = np.concatenate([chain.layer_params(g, i)["W"].ravel() for i in chain.dense_indices])
    np.testing.assert_allclose(weights, 1.5**5, rtol=1e-12)


def sigmoid_net(depth, batch_norm, momentum=0.9):
    layers, n_in = [], 64
    for _ in range(depth):
        layers.append(Dense(n_in, 32))
        layers += [BatchNorm(32, momentum=momentum)] if batch_norm else []
        layers.append(Sigmoid())
        n_in = 32
    return Network([*layers, Dense(n_in, 10)])


@pytest.fixture(scope="module")
def data():
    train, val, _ = dlopt.data.digits().split((0.3, 0.2), seed=0)
    return train, val


def test_split_sizes_and_step_count(data):
    train, val = data
    assert (len(train), len(val)) == (539, 359)
    assert 10 * math.ceil(539 / 50) == 110


def test_deep_sigmoid_stays_at_chance_without_batch_norm_and_learns_with_it(data):
    seed, accuracy = 0, 0.9
    train, val = data
    plain = dlopt.fit(
        sigmoid_net(4, False), SGD(lr=0.3), train, epochs=10, batch_size=50, seed=seed
    )
    assert abs(plain.extras["train_loss"][-1] - np.log(10)) < 0.05
    net = sigmoid_net(4, True)
    normed = dlopt.fit(net, SGD(lr=0.3), train, epochs=10, batch_size=50, seed=seed)
    assert net.accuracy(normed.theta, val.X, val.y) > accuracy


def test_running_average_weights_of_the_start():
    assert 0.9**110 == pytest.approx(1e-5, rel=0.1)
    assert round(0.99**110, 2) == 0.33
    assert math.ceil(math.log(0.01) / math.log(0.9)) == 44
    assert math.ceil(math.log(0.01) / math.log(0.99)) == 459
    assert math.ceil(459 / 11) == 42
    # the layer itself: after k steps on constant batches the start keeps weight rho^k
    layer = BatchNorm(2, momentum=0.99)
    params = {"gamma": np.ones(2), "beta": np.zeros(2)}
    for _ in range(110):
        layer.forward(params, np.array([[0.0, 4.0], [2.0, 8.0]]))
    np.testing.assert_allclose(layer.running_mean, (1 - 0.99**110) * np.array([1.0, 6.0]))


def test_slow_running_averages_break_evaluation_mode(data):
    train, val = data
    net = sigmoid_net(4, True, momentum=0.99)
    run = dlopt.fit(net, SGD(lr=0.3), train, epochs=10, batch_size=50, seed=0)
    assert net.accuracy(run.theta, val.X, val.y) < 0.15
    assert net.accuracy(run.theta, val.X, val.y, train=True) > 0.9


@pytest.mark.parametrize("lr", [0.03, 0.1, 1.0, 3.0])  # 0.3: the main experiment
def test_learning_rates_of_the_slider_figure(data, lr):
    train, _ = data
    for batch_norm, below_chance in ((False, False), (True, True)):
        run = dlopt.fit(
            sigmoid_net(4, batch_norm), SGD(lr=lr), train, epochs=10, batch_size=50, seed=0
        )
        assert (run.extras["train_loss"][-1] < np.log(10) - 0.1) == below_chance


def test_pairs_normalize_to_plus_minus_one_and_tiny_batches_fail(data):
    out, _ = BatchNorm(3).forward(
        {"gamma": np.ones(3), "beta": np.zeros(3)}, np.array([[0.2, 5.0, -3.0], [0.7, -1.0, 9.0]])
    )
    np.testing.assert_allclose(np.abs(out), 1.0, rtol=1e-6)
    train, val = data
    net = sigmoid_net(4, True)
    even = train.subset(np.arange(538))
    run = dlopt.fit(net, SGD(lr=0.05), even, epochs=3, batch_size=2, seed=0)
    assert run.steps == 807
    assert net.accuracy(run.theta, val.X, val.y) < 0.25
    assert net.accuracy(run.theta, val.X, val.y, train=True) < 0.25


def test_the_notebooks_mlp_is_the_hand_built_stack():
    for batch_norm, momentum in ((False, 0.9), (True, 0.9), ({"momentum": 0.99}, 0.99)):
        net = dlopt.nn.mlp([64, 32, 32, 32, 32, 10], activation="sigmoid", batch_norm=batch_norm)
        hand = sigmoid_net(4, bool(batch_norm), momentum)
        assert list(map(repr, net.layers)) == list(map(repr, hand.layers))
        np.testing.assert_array_equal(net.init(0), hand.init(0))
