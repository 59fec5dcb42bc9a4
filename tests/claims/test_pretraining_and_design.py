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
    assert round(accuracy["relu"], 2) == 0.68  # "68% after 10 epochs"


def test_quoted_profile_ratios_of_the_notebook_start():
    assert round(profile("tanh", 1)[2], 1) == 1.7
    assert round(profile("sigmoid", 1)[2] * 1e4, 1) == 2.9


def tanh_stack(residual, start):
    """Ten hidden tanh layers of 32; theta_0 written by hand: U(-1/sqrt(m), 1/sqrt(m)) or Glorot."""
    net = dlopt.nn.mlp([64] + [32] * 10 + [10], activation="tanh", residual=residual)
    rng, theta = np.random.default_rng(1), np.zeros(net.size)
    for i in net.dense_indices:
        W = net.layer_params(theta, i)["W"]
        m, n = W.shape
        limit = 1 / np.sqrt(m) if start == "default" else np.sqrt(6 / (m + n))
        W[...] = rng.uniform(-limit, limit, size=W.shape)
    return net, theta


@pytest.fixture(scope="module")
def skip_runs(data):
    train, val = data
    X, y = train.X[:200], train.y[:200]
    out = {}
    for start in ("default", "glorot"):
        for residual in (False, True):
            net, theta = tanh_stack(residual, start)
            _, g = net.loss_and_grad(theta, X, y)
            norms = np.array(
                [np.linalg.norm(net.layer_params(g, i)["W"]) for i in net.dense_indices]
            )
            run = dlopt.fit(net, SGD(lr=0.1), train, epochs=10, batch_size=50, seed=0, theta0=theta)
            out[start, residual] = (
                theta,
                norms,
                run.extras["train_loss"],
                net.accuracy(run.theta, val.X, val.y),
            )
    return out


def test_plain_and_residual_stacks_share_theta0_and_the_default_init_matches(skip_runs):
    np.testing.assert_array_equal(skip_runs["default", False][0], skip_runs["default", True][0])
    net = dlopt.nn.mlp([64] + [32] * 10 + [10], activation="tanh", residual=True)
    np.testing.assert_array_equal(net.init(1), skip_runs["default", True][0])  # deep.init(1)
    block = net.layers[2]
    assert (
        type(block).__name__ == "Residual"
        and sum(type(layer).__name__ == "Residual" for layer in net.layers) == 9
    )  # the nine 32 -> 32 hidden layers


def test_skip_connections_rescue_the_default_start(skip_runs):
    _, plain, plain_loss, plain_acc = skip_runs["default", False]
    _, res, res_loss, res_acc = skip_runs["default", True]
    assert (round(plain.min(), 4), round(plain.max(), 4)) == (0.001, 0.0018)  # 1.0e-3, 1.8e-3
    assert np.all(np.abs(plain_loss - np.log(10)) < 0.01)  # at ln 10 for all 10 epochs
    assert plain_acc < 0.15
    assert (round(res.min(), 2), round(res.max(), 1)) == (0.34, 1.4)
    assert res_loss[1] > res_loss[0]  # a bumpy first epoch
    assert round(res_acc, 2) == 0.90


def test_signal_of_the_default_start_shrinks_by_about_one_over_root_three(data):
    train, _ = data
    net, theta = tanh_stack(False, "default")
    h, spreads = train.X[:200], []
    for i in net.dense_indices[:-1]:
        p = net.layer_params(theta, i)
        h = np.tanh(h @ p["W"] + p["b"])
        spreads.append(h.std())
    ratios = np.array(spreads[1:]) / np.array(spreads[:-1])
    assert np.all((0.5 < ratios) & (ratios < 0.62))  # "measured, 0.50 to 0.61"
    assert 1 / math.sqrt(3) == pytest.approx(0.58, abs=0.005)
    assert np.var(np.random.default_rng(0).uniform(-1, 1, 10**6)) == pytest.approx(1 / 3, rel=0.01)


def test_glorot_start_trains_the_plain_stack_and_shakes_the_residual_one(skip_runs):
    _, plain, _, plain_acc = skip_runs["glorot", False]
    _, res, res_loss, res_acc = skip_runs["glorot", True]
    assert round(plain_acc, 2) == 0.84
    assert round(res.max(), 1) == 6.6 and res.min() > 2 * plain.max()  # "several times larger"
    assert (round(res_loss[0], 1), round(res_loss[1], 1)) == (3.8, 5.1)
    assert round(res_acc, 2) == 0.90


def test_residual_profiles_of_the_explorer():
    train = dlopt.data.digits().split((0.3, 0.2), seed=0)[0]
    X, y = train.X[:200], train.y[:200]
    norms = {}
    for activation, depth, residual in [
        ("sigmoid", 12, False),
        ("sigmoid", 12, True),
        ("relu", 12, True),
        ("relu", 6, True),
    ]:
        net = dlopt.nn.mlp([64] + [32] * depth + [10], activation, residual=residual)
        theta = init_network(
            net, np.zeros(net.size), np.random.default_rng(1), weights=SCHEME[activation]
        )
        _, g = net.loss_and_grad(theta, X, y)
        norms[activation, depth, residual] = np.array(
            [np.linalg.norm(net.layer_params(g, i)["W"]) for i in net.dense_indices]
        )
    assert norms["sigmoid", 12, False][0] < 1e-6 < 0.5 < norms["sigmoid", 12, True].min()
    assert np.all(norms["relu", 12, True] > 100)  # "in the hundreds at depth 12"
    assert norms["relu", 12, True].max() > 10 * norms["relu", 6, True].max()  # rises with depth


@pytest.mark.parametrize(("w", "plain", "residual"), [(0.1, 1e-10, 2.59), (0.5, 9.8e-4, 57.7)])
def test_exercise_identity_path_of_a_one_unit_chain(w, plain, residual):
    """Exercise 4: d h_10 / d h_0 by central differences of hand-written chains."""

    def chain(h0, skip):
        h = h0
        for _ in range(10):
            h = h + w * h if skip else w * h
        return h

    eps = 1e-6
    for skip, quoted in ((False, plain), (True, residual)):
        slope = (chain(1 + eps, skip) - chain(1 - eps, skip)) / (2 * eps)
        assert slope == pytest.approx(quoted, rel=0.01)
