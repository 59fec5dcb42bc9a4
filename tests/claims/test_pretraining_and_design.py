"""Claims of book/part5/pretraining-and-design, each checked independently."""

import math

import numpy as np
import pytest

import dlopt
from dlopt.init import greedy_supervised_pretraining, init_network
from dlopt.optim import SGD

CHAPTER = "part5/pretraining-and-design"
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


def test_pretraining_gives_a_head_start_that_a_random_start_makes_up(comparison, glued):
    pre, rand = comparison
    assert pre[0] > 0.3 > 0.2 > rand[0]  # far above chance at joint epoch 0
    assert f"{pre[0]:.2f}" == glued(CHAPTER, "pt_pretrained_0")
    assert f"{rand[0]:.2f}" == glued(CHAPTER, "pt_random_0")
    assert pre[5] > rand[5] + 0.2  # ahead in the first epochs
    assert rand[18] > pre[10]  # same 18 epochs in total: random ends slightly higher
    assert f"{rand[18]:.2f}" == glued(CHAPTER, "pt_random_18")
    assert f"{pre[10]:.2f}" == glued(CHAPTER, "pt_pretrained_10")
    # epochs in total to reach 80% (pretraining epochs counted): random 12, pretrained 13
    assert str(int(np.flatnonzero(rand >= 0.8)[0])) == glued(CHAPTER, "pt_ex3_random")
    assert str(int(np.flatnonzero(pre >= 0.8)[0]) + 8) == glued(CHAPTER, "pt_ex3_two")


def test_one_epoch_per_stage_loses_the_head_start(data, comparison, glued):
    train, val = data
    quick = greedy_supervised_pretraining(
        SIZES, train, lambda: SGD(lr=0.3), epochs=1, batch_size=50, seed=0
    )
    accuracy = quick.net.accuracy(quick.theta, val.X, val.y)
    assert abs(accuracy - comparison[1][0]) < 0.05
    assert f"{accuracy:.2f}" == glued(CHAPTER, "pt_ex3_quick_0")
    run = dlopt.fit(
        quick.net, SGD(lr=0.3), train, epochs=12, batch_size=50, seed=0, theta0=quick.theta,
        validation=val,
    )  # fmt: skip
    reached = int(np.flatnonzero(run.extras["val_accuracy"] >= 0.8)[0])
    assert str(reached + 4) == glued(CHAPTER, "pt_ex3_one")  # 4 stages of 1 epoch


def test_sigmoid_and_tanh_derivatives():
    z = np.linspace(-8, 8, 16001)
    s = 1 / (1 + np.exp(-z))
    assert np.max(s * (1 - s)) == pytest.approx(0.25, abs=1e-12)
    assert z[np.argmax(s * (1 - s))] == pytest.approx(0.0, abs=1e-9)
    assert 1 - np.tanh(0.0) ** 2 == 1.0


def test_exercise_one_numbers(glued):
    assert f"{0.25**6 * 1e4:.1f} · 10⁻⁴" == glued(CHAPTER, "pt_ex1_predicted")
    layers = next(n for n in range(1, 100) if 4.0**-n < 1e-6)  # the first whole layer count
    assert 9.5 < 6 * math.log(10) / math.log(4) < layers == 10
    assert glued(CHAPTER, "pt_ex1_layers") == "10"


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


def test_training_after_ten_epochs_by_unit(data, glued):
    train, val = data
    accuracy = {}
    for activation in SCHEME:
        net, theta, _ = profile(activation, 1)
        run = dlopt.fit(net, SGD(lr=0.1), train, epochs=10, batch_size=50, seed=0, theta0=theta)
        accuracy[activation] = net.accuracy(run.theta, val.X, val.y)
    assert accuracy["sigmoid"] < 0.15
    assert f"{100 * accuracy['sigmoid']:.0f}%" == glued(CHAPTER, "pt_sigmoid_accuracy")
    assert 0.5 < accuracy["relu"] < accuracy["tanh"]
    for unit in ("tanh", "relu"):
        assert f"{100 * accuracy[unit]:.0f}%" == glued(CHAPTER, f"pt_{unit}_accuracy")


def test_quoted_profile_ratios_of_the_notebook_start(glued):
    assert f"{profile('tanh', 1)[2]:.1f}" == glued(CHAPTER, "pt_tanh_ratio")
    ratio = profile("sigmoid", 1)[2]
    assert f"{ratio * 1e4:.1f} · 10⁻⁴" == glued(CHAPTER, "pt_sigmoid_ratio")
    assert f"{ratio ** (-1 / 6):.1f}" == glued(CHAPTER, "pt_sigmoid_factor")


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


def test_skip_connections_rescue_the_default_start(skip_runs, glued):
    _, plain, plain_loss, plain_acc = skip_runs["default", False]
    _, res, res_loss, res_acc = skip_runs["default", True]
    assert f"{plain.min() * 1e3:.1f} · 10⁻³" == glued(CHAPTER, "pt_plain_min")
    assert f"{plain.max() * 1e3:.1f} · 10⁻³" == glued(CHAPTER, "pt_plain_max")
    assert np.all(np.abs(plain_loss - np.log(10)) < 0.01)  # at ln 10 for all 10 epochs
    assert glued(CHAPTER, "pt_plain_loss_gap") == "0.01"
    assert plain_acc < 0.15
    assert f"{res.min():.2f}" == glued(CHAPTER, "pt_residual_min")
    assert f"{res.max():.1f}" == glued(CHAPTER, "pt_residual_max")
    assert res_loss[1] > res_loss[0]  # a bumpy first epoch
    assert f"{res_acc:.2f}" == glued(CHAPTER, "pt_residual_accuracy")


def test_signal_of_the_default_start_shrinks_by_about_one_over_root_three(data, glued):
    train, _ = data
    net, theta = tanh_stack(False, "default")
    h, spreads = train.X[:200], []
    for i in net.dense_indices[:-1]:
        p = net.layer_params(theta, i)
        h = np.tanh(h @ p["W"] + p["b"])
        spreads.append(h.std())
    ratios = np.array(spreads[1:]) / np.array(spreads[:-1])
    assert np.all((0.5 < ratios) & (ratios < 0.62))  # "measured, 0.50 to 0.61"
    assert f"{ratios.min():.2f}" == glued(CHAPTER, "pt_shrink_min")
    assert f"{ratios.max():.2f}" == glued(CHAPTER, "pt_shrink_max")
    assert 1 / math.sqrt(3) == pytest.approx(0.58, abs=0.005)
    assert np.var(np.random.default_rng(0).uniform(-1, 1, 10**6)) == pytest.approx(1 / 3, rel=0.01)


def test_glorot_start_trains_the_plain_stack_and_shakes_the_residual_one(skip_runs, glued):
    _, plain, _, plain_acc = skip_runs["glorot", False]
    _, res, res_loss, res_acc = skip_runs["glorot", True]
    assert f"{plain_acc:.2f}" == glued(CHAPTER, "pt_glorot_plain_accuracy")
    assert res.min() > 2 * plain.max()  # "several times larger"
    assert f"{res.max():.1f}" == glued(CHAPTER, "pt_glorot_residual_max")
    assert res_loss[1] > res_loss[0]  # "climbs"
    assert f"{res_loss[0]:.1f}" == glued(CHAPTER, "pt_glorot_residual_loss_0")
    assert f"{res_loss[1]:.1f}" == glued(CHAPTER, "pt_glorot_residual_loss_1")
    assert f"{res_acc:.2f}" == glued(CHAPTER, "pt_glorot_residual_accuracy")


def test_residual_profiles_of_the_explorer(glued):
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
    assert f"{norms['relu', 12, True].min():.0f}" == glued(CHAPTER, "pt_relu_residual_min")
    assert f"{norms['relu', 12, True].max():.0f}" == glued(CHAPTER, "pt_relu_residual_max")
    assert norms["relu", 12, True].max() > 10 * norms["relu", 6, True].max()  # rises with depth


@pytest.mark.parametrize(("w", "digits"), [(0.1, 2), (0.5, 1)])
def test_exercise_identity_path_of_a_one_unit_chain(w, digits, glued):
    """Exercise 4: d h_10 / d h_0 by central differences of hand-written chains."""

    def chain(h0, skip):
        h = h0
        for _ in range(10):
            h = h + w * h if skip else w * h
        return h

    eps = 1e-6
    plain, residual = ((chain(1 + eps, s) - chain(1 - eps, s)) / (2 * eps) for s in (False, True))
    assert plain == pytest.approx(w**10, rel=1e-6)
    assert residual == pytest.approx((1 + w) ** 10, rel=1e-6)
    name = f"{w:g}".replace(".", "")
    assert f"{residual:.{digits}f}" == glued(CHAPTER, f"pt_ex4_residual_{name}")
    if w == 0.5:
        assert f"{plain * 1e4:.1f} · 10⁻⁴" == glued(CHAPTER, "pt_ex4_plain_05")
