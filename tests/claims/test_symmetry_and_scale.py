"""Claims of book/part4/symmetry-and-scale: each number in the prose, checked independently."""

import functools

import numpy as np
import pytest

import dlopt
from dlopt import init
from dlopt.nn import mlp
from dlopt.optim import SGD

WIDTH, DEPTH = 100, 10
CHAPTER = "part4/symmetry-and-scale"


def moons_run(weights, hidden=8, seed=0):
    moons = dlopt.data.two_moons(200, noise=0.1, seed=0)
    net = mlp([2, hidden, 2], "tanh")
    theta0 = np.zeros(net.size)
    init.init_network(net, theta0, np.random.default_rng(seed), weights=weights, biases=0.0)
    return net, dlopt.fit(net, SGD(lr=0.5), moons, epochs=200, batch_size=20, seed=0, theta0=theta0)


def test_constant_start_keeps_units_identical_and_random_start_separates_the_moons(glued):
    net, run = moons_run(0.5)
    for theta in run.thetas:  # every epoch, not only the last
        W = net.layer_params(theta, 0)["W"]
        V = net.layer_params(theta, 2)["W"]
        assert np.ptp(W, axis=1).max() < 1e-12  # 0 in exact arithmetic
        assert np.ptp(V, axis=0).max() < 1e-12
    assert glued(CHAPTER, "sym_constant_spread") == "below 1e-12"
    assert np.sum(run.extras["train_accuracy"][-1] * 200) == pytest.approx(178)  # of 200 points
    assert glued(CHAPTER, "sym_constant_accuracy") == "89%"
    net, run = moons_run("glorot_uniform")
    assert run.extras["train_accuracy"][-1] == 1.0
    assert glued(CHAPTER, "sym_random_accuracy") == "100%"


def test_a_single_tanh_unit_cannot_beat_89_percent_on_the_moons():
    best = max(
        moons_run("glorot_uniform", hidden=1, seed=s)[1].extras["train_accuracy"].max()
        for s in range(3)
    )
    assert best <= 0.895


@pytest.mark.parametrize("g", [0.5, 2.0])
def test_linear_network_multiplies_std_by_g_per_layer(g):
    # closed form g**L, checked on a wide linear network
    m, L = 400, 10
    rng = np.random.default_rng(3)
    x = rng.standard_normal((300, m))
    for _ in range(L):
        x = x @ (g / np.sqrt(m) * rng.standard_normal((m, m)))
    assert x.std() == pytest.approx(g**L, rel=0.05)


def test_relu_halves_the_second_moment():
    z = np.random.default_rng(0).normal(0.0, 1.7, size=1_000_000)
    assert np.mean(np.maximum(z, 0) ** 2) == pytest.approx(0.5 * 1.7**2, rel=0.01)


def per_layer(activation, weights):
    X = dlopt.data.digits().X[:500]
    X = (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-8)
    y = dlopt.data.digits().y[:500]
    net = mlp([64] + [WIDTH] * DEPTH + [10], activation)
    theta = np.zeros(net.size)
    init.init_network(net, theta, np.random.default_rng(0), weights=weights, biases=0.0)
    # activations with a plain numpy forward pass, independent of the layer objects
    f = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}[activation]
    hidden, x = [], X
    for i in net.dense_indices[:-1]:
        p = net.layer_params(theta, i)
        x = f(x @ p["W"] + p["b"])
        hidden.append(x)
    _, grad = net.loss_and_grad(theta, X, y)
    grads = [np.linalg.norm(net.layer_params(grad, i)["W"]) for i in net.dense_indices]
    return hidden, grads


def normal(g):
    return functools.partial(init.normal, std=g / np.sqrt(WIDTH))


def ratio(hidden, first=0, last=DEPTH - 1):
    return (hidden[last].std() / hidden[first].std()) ** (1 / (last - first))


def glued_number(glued, name):
    """The number the chapter glues as ``name`` ("53%" -> 53.0, "5,385" -> 5385.0)."""
    return float(glued(CHAPTER, name).rstrip("%").replace(",", ""))


def test_small_weights_shrink_by_g_for_tanh_and_g_over_root_two_for_relu(glued):
    hidden, _ = per_layer("tanh", normal(0.5))
    assert ratio(hidden) == pytest.approx(0.5, abs=0.05)
    assert glued_number(glued, "sym_small_tanh_factor") == pytest.approx(
        ratio(hidden, 1), abs=0.006
    )
    hidden, grads = per_layer("relu", normal(0.5))
    assert ratio(hidden) == pytest.approx(0.5 / np.sqrt(2), abs=0.05)
    assert glued_number(glued, "sym_small_relu_factor") == pytest.approx(
        ratio(hidden, 1), abs=0.006
    )
    assert glued_number(glued, "sym_small_relu_gradient") == pytest.approx(max(grads), abs=6e-7)
    assert max(grads) < 1e-4


def test_large_weights_saturate_tanh_and_blow_up_relu(glued):
    hidden, _ = per_layer("tanh", normal(3.0))
    saturated = min(np.mean(np.abs(h) > 0.9) for h in hidden[1:])
    assert saturated > 0.5
    assert glued_number(glued, "sym_large_tanh_saturated") == pytest.approx(
        100 * saturated, abs=0.6
    )
    _, grads = per_layer("tanh", normal(3.0))
    assert np.argmax(grads) == 0 and grads[0] > 5 * min(grads)  # grow towards the input
    hidden, grads = per_layer("relu", normal(3.0))
    assert ratio(hidden) == pytest.approx(3 / np.sqrt(2), rel=0.1)
    assert glued_number(glued, "sym_large_relu_factor") == pytest.approx(ratio(hidden, 1), abs=0.06)
    assert glued_number(glued, "sym_large_relu_gradient") == pytest.approx(max(grads), rel=1e-3)


def test_glorot_is_one_over_m_for_square_layers_and_loses_half_the_variance_under_relu(glued):
    hidden, _ = per_layer("relu", init.glorot_uniform)
    assert ratio(hidden, first=1) ** 2 == pytest.approx(0.5, abs=0.1)
    loss = 1 / ratio(hidden, first=1) ** 2
    assert glued_number(glued, "sym_glorot_relu_variance_loss") == pytest.approx(loss, abs=0.06)


def test_he_keeps_relu_gradients_within_a_factor_of_a_few(glued):
    hidden, grads = per_layer("relu", init.he_normal)
    assert max(grads) / min(grads) < 5
    spread = max(grads) / min(grads)
    assert glued_number(glued, "sym_he_relu_gradient_spread") == pytest.approx(spread, abs=0.06)
    assert all(0.5 < h.std() < 1.0 for h in hidden)


def test_tanh_gain_is_five_thirds():
    assert init.gain("tanh") == pytest.approx(5 / 3)


def test_uniform_variance_is_a_squared_over_three():
    m, n = 100, 30
    a = np.sqrt(6 / (m + n))
    grid = np.linspace(-a, a, 200_001)
    assert np.trapezoid(grid**2, grid) / (2 * a) == pytest.approx(2 / (m + n), rel=1e-6)


def test_large_start_trains_fastest_but_generalizes_worse(glued):
    digits = dlopt.data.digits()
    train, val, _ = digits.split([0.1, 0.3, 0.6], seed=0)
    assert (len(train), len(val)) == (180, 539)
    assert (glued(CHAPTER, "sym_train_size"), glued(CHAPTER, "sym_val_size")) == ("180", "539")
    net = mlp([64, 64, 10], "tanh")
    runs = {}
    for g in [0.1, 1.0, 4.0]:
        theta0 = np.zeros(net.size)
        weights = functools.partial(init.normal, std=g / 8)
        init.init_network(net, theta0, np.random.default_rng(1), weights=weights, biases=0.0)
        runs[g] = dlopt.fit(
            net, SGD(lr=0.1), train, epochs=30, batch_size=10, seed=0, theta0=theta0,
            validation=val,
        ).extras  # fmt: skip
    assert np.all(runs[4.0]["train_loss"][1:] < runs[1.0]["train_loss"][1:])
    assert np.all(runs[4.0]["train_loss"][1:] < runs[0.1]["train_loss"][1:])
    large, moderate = runs[4.0]["val_accuracy"][30], runs[1.0]["val_accuracy"][30]
    assert large < moderate  # "ends below that of g = 1"
    assert glued(CHAPTER, "sym_large_accuracy") == f"{100 * large:.1f}%"
    assert glued(CHAPTER, "sym_moderate_accuracy") == f"{100 * moderate:.1f}%"
    assert runs[0.1]["train_loss"][3] > 2.2  # barely moves at first
    assert runs[0.1]["train_loss"][30] == max(r["train_loss"][30] for r in runs.values())


def test_exercise_random_biases_break_the_symmetry():
    moons = dlopt.data.two_moons(200, noise=0.1, seed=0)
    net = mlp([2, 8, 2], "tanh")
    theta0 = np.zeros(net.size)
    init.init_network(
        net, theta0, np.random.default_rng(0), weights=0.5,
        biases=lambda shape, rng: rng.normal(size=shape),
    )  # fmt: skip
    run = dlopt.fit(net, SGD(lr=0.5), moons, epochs=200, batch_size=20, seed=0, theta0=theta0)
    assert np.ptp(net.layer_params(run.theta, 0)["W"], axis=1).max() > 1.0
    assert run.extras["train_accuracy"][-1] == 1.0
