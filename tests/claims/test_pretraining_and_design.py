"""Claims of book/part5/pretraining-and-design, each checked independently."""

import math

import numpy as np
import pytest

import dlopt
from dlopt.init import greedy_supervised_pretraining, init_network
from dlopt.optim import SGD

SIZES = [64, 32, 32, 32, 32, 10]
SCHEME = {"sigmoid": "glorot_uniform", "tanh": "glorot_uniform", "relu": "he_normal"}


@pytest.fixture(scope="module")
def data():
    train, val, _ = dlopt.data.digits().split((0.3, 0.2), seed=0)
    return train, val


@pytest.fixture(scope="module")
def comparison(data):
    train, val = data
    pre = greedy_supervised_pretraining(
        SIZES, train, lambda: SGD(lr=0.3), epochs=2, batch_size=50, seed=0
    )
    fit = {"epochs": 10, "batch_size": 50, "seed": 0, "validation": val}
    pretrained = dlopt.fit(pre.net, SGD(lr=0.3), train, theta0=pre.theta, **fit)
    fit["epochs"] = 18
    random = dlopt.fit(pre.net, SGD(lr=0.3), train, **fit)
    return pretrained.extras["val_accuracy"], random.extras["val_accuracy"]


def test_pretraining_gives_a_head_start_that_a_random_start_makes_up(comparison):
    pre, rand = comparison
    assert pre[0] > 0.3 > 0.2 > rand[0]  # far above chance at joint epoch 0
    assert pre[5] > rand[5] + 0.2  # ahead in the first epochs
    assert rand[18] > pre[10]  # same 18 epochs in total: random ends slightly higher
    assert (round(rand[18], 2), round(pre[10], 2)) == (0.83, 0.80)
    # epochs in total to reach 80% (pretraining epochs counted): random 12, pretrained 13
    assert int(np.flatnonzero(rand >= 0.8)[0]) == 12
    assert int(np.flatnonzero(pre >= 0.8)[0]) + 8 == 13


def test_one_epoch_per_stage_loses_the_head_start(data, comparison):
    train, val = data
    quick = greedy_supervised_pretraining(
        SIZES, train, lambda: SGD(lr=0.3), epochs=1, batch_size=50, seed=0
    )
    accuracy = quick.net.accuracy(quick.theta, val.X, val.y)
    assert abs(accuracy - comparison[1][0]) < 0.05 and round(accuracy, 2) == 0.13


def test_sigmoid_and_tanh_derivatives():
    z = np.linspace(-8, 8, 16001)
    s = 1 / (1 + np.exp(-z))
    assert np.max(s * (1 - s)) == pytest.approx(0.25, abs=1e-12)
    assert z[np.argmax(s * (1 - s))] == pytest.approx(0.0, abs=1e-9)
    assert 1 - np.tanh(0.0) ** 2 == 1.0
    assert 4.0**-6 == pytest.approx(2.44e-4, rel=1e-3)
    assert 6 * math.log(10) / math.log(4) == pytest.approx(10, abs=0.05)


def profile(activation, seed, depth=6, n=200):
    train = dlopt.data.digits().split((0.3, 0.2), seed=0)[0]
    net = dlopt.nn.mlp([64] + [32] * depth + [10], activation=activation)
    theta = init_network(
        net, net.init(seed), np.random.default_rng(seed), weights=SCHEME[activation]
    )
    _, g = net.loss_and_grad(theta, train.X[:n], train.y[:n])
    norms = [np.linalg.norm(net.layer_params(g, i)["W"]) for i in net.dense_indices]
    return net, theta, norms[0] / norms[-1]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigmoid_profile_shrinks_about_fourfold_per_layer_and_others_stay_level(seed):
    _, _, ratio = profile("sigmoid", seed)
    assert 1e-4 < ratio < 1e-3  # "a few ten-thousandths"
    assert 0.2 < ratio ** (1 / 6) < 0.3
    for activation in ("tanh", "relu"):
        assert 0.3 < profile(activation, seed)[2] < 3.5


def test_training_after_ten_epochs_by_unit(data):
    train, val = data
    accuracy = {}
    for activation in SCHEME:
        net, theta, _ = profile(activation, 1)
        run = dlopt.fit(net, SGD(lr=0.1), train, epochs=10, batch_size=50, seed=0, theta0=theta)
        accuracy[activation] = net.accuracy(run.theta, val.X, val.y)
    assert accuracy["sigmoid"] < 0.15
    assert round(accuracy["tanh"], 2) == 0.89
    assert 0.5 < accuracy["relu"] < accuracy["tanh"]


def test_quoted_profile_ratios_of_the_notebook_start():
    assert round(profile("tanh", 1)[2], 1) == 1.7
    assert round(profile("sigmoid", 1)[2] * 1e4, 1) == 2.9
