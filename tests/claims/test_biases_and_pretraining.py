"""Claims of book/part4/biases-and-pretraining: each number in the prose, checked independently."""

import math

import numpy as np
import pytest

import dlopt
from dlopt import init
from dlopt.data import Dataset
from dlopt.nn import mlp
from dlopt.optim import SGD


def unbalanced_digits():
    digits = dlopt.data.digits()
    rng = np.random.default_rng(0)
    keep = [
        rng.choice(np.flatnonzero(digits.y == k), round(170 * 0.6**k), replace=False)
        for k in range(10)
    ]
    return digits.subset(np.sort(np.concatenate(keep)))


def test_class_counts_and_shares():
    data = unbalanced_digits()
    counts = np.bincount(data.y, minlength=10)
    assert counts.tolist() == [170, 102, 61, 37, 22, 13, 8, 5, 3, 2]
    assert counts[0] / counts.sum() == pytest.approx(0.40, abs=0.005)
    assert counts[9] / counts.sum() == pytest.approx(0.005, abs=0.001)


def test_initial_loss_is_exactly_the_entropy_with_zero_output_weights():
    data = unbalanced_digits()
    counts = np.bincount(data.y, minlength=10)
    # entropy from the counts, in exact fractions summed by math.fsum
    entropy = -math.fsum(n / 423 * math.log(n / 423) for n in counts)
    assert entropy == pytest.approx(1.650416, abs=5e-7)
    assert math.log(10) == pytest.approx(2.302585, abs=5e-7)
    net = mlp([64, 32, 10], "tanh")
    for bias, expected in [
        (np.zeros(10), math.log(10)),
        (init.softmax_marginal_bias(data.y, 10), entropy),
    ]:
        theta = net.init(np.random.default_rng(0))
        net.layer_params(theta, 2)["W"][...] = 0.0
        net.layer_params(theta, 2)["b"][...] = bias
        assert net.loss(theta, data.X, data.y) == pytest.approx(expected, rel=1e-12)


def test_marginal_start_is_ahead_then_the_curves_meet():
    data = unbalanced_digits()
    net = mlp([64, 32, 10], "tanh")
    curves = {}
    for name, bias in [
        ("zero", np.zeros(10)),
        ("marginal", init.softmax_marginal_bias(data.y, 10)),
    ]:
        theta0 = net.init(np.random.default_rng(0))
        net.layer_params(theta0, 2)["b"][...] = bias
        run = dlopt.fit(net, SGD(lr=0.05), data, epochs=10, batch_size=20, seed=0, theta0=theta0)
        curves[name] = run.extras["train_loss"]
    assert curves["marginal"][1] < curves["zero"][1]
    assert abs(curves["marginal"][6] - curves["zero"][6]) < 0.01


def relu_census(weights, bias):
    net = mlp([64] + [32] * 6 + [10], "relu")
    images = dlopt.data.digits().X[:500]
    active, dead, pre_std = np.zeros(6), np.zeros(6), np.zeros(6)
    for seed in range(10):
        theta = np.zeros(net.size)
        init.init_network(net, theta, np.random.default_rng(seed), weights=weights, biases=bias)
        h = images
        for layer, i in enumerate(net.dense_indices[:-1]):
            p = net.layer_params(theta, i)
            z = h @ p["W"] + p["b"]
            h = np.maximum(z, 0)
            active[layer] += np.mean(z > 0) / 10
            dead[layer] += np.mean((z > 0).sum(axis=0) == 0) / 10
            pre_std[layer] += z.std() / 10
    return active, dead, pre_std


def test_relu_bias_helps_small_weights_not_he_weights():
    a0, d0, _ = relu_census("fan_in_uniform", 0.0)
    a1, d1, _ = relu_census("fan_in_uniform", 0.1)
    assert np.all(np.abs(a0 - 0.5) < 0.05)  # half of the units
    assert a1[0] == pytest.approx(0.63, abs=0.005)
    assert np.all(np.abs(a1[3:] - 0.9) < 0.03)  # about 90% in the last ones
    assert np.all(d1 < d0)
    _, hd0, pre = relu_census("he_normal", 0.0)
    _, hd1, _ = relu_census("he_normal", 0.1)
    assert np.all(pre > 3 * 0.1)  # pre-activations several times larger than the bias
    assert hd1[-1] > hd0[-1]


def test_gate_numbers():
    sig = 1 / (1 + math.exp(-1.0))
    assert sig == pytest.approx(0.73, abs=0.005)
    assert 0.5**20 == pytest.approx(1e-6, rel=0.05)
    assert sig**20 == pytest.approx(0.002, abs=0.0002)
    assert sig**20 / 0.5**20 == pytest.approx(2000, rel=0.01)
    assert (1 / (1 + math.exp(-2.0))) ** 20 == pytest.approx(0.08, abs=0.002)
    s = 2 ** (-1 / 50)
    assert s == pytest.approx(0.98623, abs=5e-6)
    assert math.log(s / (1 - s)) == pytest.approx(4.27, abs=0.005)
    assert sig**50 == pytest.approx(1.6e-7, rel=0.02)


def test_marginal_bias_exercise_values():
    log_c = np.log([0.5, 0.3, 0.2])
    np.testing.assert_allclose(log_c, [-0.6931, -1.2040, -1.6094], atol=5e-5)
    assert log_c.mean() == pytest.approx(-1.1689, abs=5e-5)
    np.testing.assert_allclose(log_c - log_c.mean(), [0.4757, -0.0351, -0.4406], atol=5e-5)
    assert -(0.5 * log_c[0] + 0.3 * log_c[1] + 0.2 * log_c[2]) == pytest.approx(1.0297, abs=5e-5)
    assert math.log(3) == pytest.approx(1.0986, abs=5e-5)


@pytest.fixture(scope="module")
def pretraining():
    digits = dlopt.data.digits()
    train, val, _ = digits.split([0.2, 0.3, 0.5], seed=0)
    assert len(train) == 359
    pre = init.greedy_supervised_pretraining(
        [64, 32, 32, 32, 32, 10], train, lambda: SGD(lr=0.1), epochs=5, batch_size=20, seed=0
    )
    return train, val, pre


def test_greedy_pretraining_head_start(pretraining):
    train, val, pre = pretraining
    out = dlopt.fit(pre.net, SGD(lr=0.1), train, epochs=20, batch_size=20, seed=0,
                    theta0=pre.theta, validation=val).extras["val_accuracy"]  # fmt: skip
    rand = dlopt.fit(pre.net, SGD(lr=0.1), train, epochs=20, batch_size=20, seed=0,
                     validation=val).extras["val_accuracy"]  # fmt: skip
    assert out[0] == pytest.approx(0.69, abs=0.005)
    assert np.all(out > rand)  # ahead for all 20 epochs
    assert rand[2] < 0.25  # a plateau at first
    assert out[10] == pytest.approx(0.82, abs=0.005)
    assert rand[10] == pytest.approx(0.60, abs=0.006)


def test_exercise_hidden_layers_carry_the_lasting_benefit(pretraining):
    """Exercise 3: the first k pretrained hidden layers written by hand into a random start."""
    train, val, pre = pretraining
    net = pre.net
    accuracy = {}
    for k in (0, 1, 2, 4):
        theta0 = net.init(np.random.default_rng(1))
        for i in (0, 2, 4, 6)[:k]:
            for key in ("W", "b"):
                net.layer_params(theta0, i)[key][...] = net.layer_params(pre.theta, i)[key]
        accuracy[k] = dlopt.fit(net, SGD(lr=0.1), train, epochs=10, batch_size=20, seed=0,
                                theta0=theta0, validation=val).extras["val_accuracy"]  # fmt: skip
    assert all(accuracy[k][0] <= 0.145 for k in accuracy)  # "at most 14%" before training
    assert round(accuracy[0][10], 2) == 0.66
    assert round(accuracy[1][10], 2) == 0.76
    assert 0.795 <= min(accuracy[2][10], accuracy[4][10])  # "80-82%"
    assert max(accuracy[2][10], accuracy[4][10]) < 0.825  # "as high as the full stack (82%)"


def test_transfer_to_odd_even_is_faster():
    digits = dlopt.data.digits()
    first, second = digits.split([0.5, 0.5], seed=0)
    odd_train, odd_val, _ = Dataset(second.X, second.y % 2).split([0.1, 0.5, 0.4], seed=1)
    assert len(odd_train) == 90
    source_net, target_net = mlp([64, 32, 10], "tanh"), mlp([64, 32, 2], "tanh")
    source = dlopt.fit(source_net, SGD(lr=0.1), first, epochs=10, batch_size=20, seed=0)
    runs = {}
    for name in ("random", "transferred"):
        theta0 = target_net.init(np.random.default_rng(1))
        if name == "transferred":
            target_net.layer_params(theta0, 0)["W"][...] = source_net.layer_params(source.theta, 0)[
                "W"
            ]
            target_net.layer_params(theta0, 0)["b"][...] = source_net.layer_params(source.theta, 0)[
                "b"
            ]
        runs[name] = dlopt.fit(target_net, SGD(lr=0.1), odd_train, epochs=20, batch_size=10,
                               seed=0, theta0=theta0, validation=odd_val).extras  # fmt: skip
    assert runs["transferred"]["val_accuracy"][1] == pytest.approx(0.89, abs=0.005)
    assert runs["random"]["val_accuracy"][1] == pytest.approx(0.77, abs=0.005)
    assert np.all(runs["transferred"]["train_loss"][1:] < runs["random"]["train_loss"][1:])
    assert abs(runs["transferred"]["val_accuracy"][20] - runs["random"]["val_accuracy"][20]) < 0.005


def test_transfer_from_low_to_high_digits_fits_faster_and_generalizes_worse():
    digits = dlopt.data.digits()
    low = digits.subset(np.flatnonzero(digits.y < 5))
    high = digits.subset(np.flatnonzero(digits.y >= 5))
    high_train, high_val, _ = Dataset(high.X, high.y - 5).split([0.1, 0.4, 0.5], seed=0)
    assert len(high_train) == 90
    net = mlp([64, 64, 32, 5], "tanh")
    source = dlopt.fit(net, SGD(lr=0.1), low, epochs=10, batch_size=20, seed=0)
    runs = {}
    for name in ("random", "transferred"):
        theta0 = net.init(np.random.default_rng(1))
        if name == "transferred":
            for i in (0, 2):
                for key in ("W", "b"):
                    net.layer_params(theta0, i)[key][...] = net.layer_params(source.theta, i)[key]
        runs[name] = dlopt.fit(net, SGD(lr=0.1), high_train, epochs=20, batch_size=10, seed=0,
                               theta0=theta0, validation=high_val).extras  # fmt: skip
    r, t = runs["random"], runs["transferred"]
    assert np.all(t["train_loss"][1:] < r["train_loss"][1:])  # from the first epoch on
    assert np.sum(t["val_accuracy"][1:] < r["val_accuracy"][1:]) > 10  # most of the run
    assert t["train_loss"][5] == pytest.approx(0.58, abs=0.005)
    assert r["train_loss"][5] == pytest.approx(0.93, abs=0.005)
    assert t["val_accuracy"][5] == pytest.approx(0.83, abs=0.005)
    assert r["val_accuracy"][5] == pytest.approx(0.90, abs=0.006)


def test_sigmoid_of_two_and_entropy_bound():
    assert 1 / (1 + math.exp(-2.0)) == pytest.approx(0.88, abs=0.005)
    # H(c) <= log K, with equality for the uniform distribution
    rng = np.random.default_rng(0)
    for _ in range(100):
        c = rng.dirichlet(np.ones(10))
        assert -np.sum(c * np.log(c)) < math.log(10)
    assert -np.sum(np.full(10, 0.1) * np.log(0.1)) == pytest.approx(math.log(10))
