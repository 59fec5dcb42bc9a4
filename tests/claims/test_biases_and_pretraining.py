"""Claims of book/part4/biases-and-pretraining: each number in the prose, checked independently."""

import math

import numpy as np
import pytest

import dlopt
from dlopt import init
from dlopt.data import Dataset
from dlopt.nn import mlp
from dlopt.optim import SGD

CHAPTER = "part4/biases-and-pretraining"


def percent(fraction, digits=0):
    return f"{100 * fraction:.{digits}f}%"


def unbalanced_digits():
    digits = dlopt.data.digits()
    rng = np.random.default_rng(0)
    keep = [
        rng.choice(np.flatnonzero(digits.y == k), round(170 * 0.6**k), replace=False)
        for k in range(10)
    ]
    return digits.subset(np.sort(np.concatenate(keep)))


def test_class_counts_and_shares(glued):
    data = unbalanced_digits()
    counts = np.bincount(data.y, minlength=10)
    # about 170 * 0.6**k images of digit k
    assert counts.tolist() == [round(170 * 0.6**k) for k in range(10)]
    assert glued(CHAPTER, "bias_share_zeros") == percent(170 / 423) == "40%"
    assert glued(CHAPTER, "bias_share_nines") == percent(2 / 423, 1) == "0.5%"


def test_initial_loss_is_exactly_the_entropy_with_zero_output_weights(glued):
    data = unbalanced_digits()
    counts = np.bincount(data.y, minlength=10)
    # entropy from the counts, in exact fractions summed by math.fsum
    entropy = -math.fsum(n / 423 * math.log(n / 423) for n in counts)
    assert glued(CHAPTER, "bias_entropy") == f"{entropy:.6f}"
    assert glued(CHAPTER, "bias_log10") == f"{math.log(10):.6f}"
    assert entropy < math.log(10)
    net = mlp([64, 32, 10], "tanh")
    for bias, expected in [
        (np.zeros(10), math.log(10)),
        (init.softmax_marginal_bias(data.y, 10), entropy),
    ]:
        theta = net.init(np.random.default_rng(0))
        net.layer_params(theta, 2)["W"][...] = 0.0
        net.layer_params(theta, 2)["b"][...] = bias
        assert net.loss(theta, data.X, data.y) == pytest.approx(expected, rel=1e-12)


def test_marginal_start_is_ahead_then_the_curves_meet(glued):
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
    met = int(glued(CHAPTER, "bias_met_epoch"))
    assert abs(curves["marginal"][met] - curves["zero"][met]) < 0.01
    assert np.all(curves["zero"][1:met] - curves["marginal"][1:met] > 0.01)  # ahead until then


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


def test_relu_bias_helps_small_weights_not_he_weights(glued):
    a0, d0, _ = relu_census("fan_in_uniform", 0.0)
    a1, d1, _ = relu_census("fan_in_uniform", 0.1)
    assert np.all(np.abs(a0 - 0.5) < 0.05)  # half of the units
    assert glued(CHAPTER, "bias_relu_active_first") == percent(a1[0])
    assert glued(CHAPTER, "bias_relu_active_last") == percent(a1[3:].mean())
    assert np.all(np.abs(a1[3:] - 0.9) < 0.03)  # about 90% in each of the last ones
    assert np.all(d1 < d0)
    _, hd0, pre = relu_census("he_normal", 0.0)
    _, hd1, _ = relu_census("he_normal", 0.1)
    assert np.all(pre > 3 * 0.1)  # pre-activations several times larger than the bias
    assert hd1[-1] > hd0[-1]


def test_gate_numbers(glued):
    """The gates by the closed form 1 / (1 + e^-b), not by dlopt's Sigmoid layer."""
    sig = 1 / (1 + math.exp(-1.0))
    assert glued(CHAPTER, "bias_gate1") == f"{sig:.2f}"
    assert glued(CHAPTER, "bias_gate1_memory20") == percent(sig**20, 1) == "0.2%"
    assert glued(CHAPTER, "bias_gate_gain20") == f"{(2 * sig) ** 20:,.0f}"  # sig**20 / 0.5**20
    assert glued(CHAPTER, "bias_gate2_memory20") == percent((1 / (1 + math.exp(-2.0))) ** 20)
    # exercise 2: the smallest bias that keeps half of the memory after 50 steps
    b_min = float(glued(CHAPTER, "bias_ex_b_min"))
    assert (
        (1 / (1 + math.exp(-b_min + 0.005))) ** 50
        < 0.5
        < (1 / (1 + math.exp(-b_min - 0.005))) ** 50
    )
    gate_min = float(glued(CHAPTER, "bias_ex_gate_min"))
    assert gate_min**50 == pytest.approx(0.5, abs=1e-4)
    assert glued(CHAPTER, "bias_ex_gate1") == f"{sig:.3f}"
    assert f"{sig**50:.1e}" == "1.6e-07"
    assert glued(CHAPTER, "bias_ex_gate1_memory50") == "1.6 · 10⁻⁷"


def test_marginal_bias_exercise_values(glued):
    """Exercise 1, with math.log on the exact shares instead of numpy on the labels."""

    def numbers(name):
        return [float(x.replace("−", "-")) for x in glued(CHAPTER, name).split(", ")]

    log_c = [math.log(0.5), math.log(0.3), math.log(0.2)]
    mean = math.fsum(log_c) / 3
    np.testing.assert_allclose(numbers("bias_ex_log_c"), log_c, atol=5e-5)
    assert numbers("bias_ex_log_c_mean") == [pytest.approx(mean, abs=5e-5)]
    np.testing.assert_allclose(numbers("bias_ex_b"), [x - mean for x in log_c], atol=5e-5)
    # softmax(b) = c: the bias reproduces the shares
    b = np.array(numbers("bias_ex_b"))
    np.testing.assert_allclose(np.exp(b) / np.exp(b).sum(), [0.5, 0.3, 0.2], atol=1e-4)
    entropy = -math.fsum(c * math.log(c) for c in (0.5, 0.3, 0.2))
    assert glued(CHAPTER, "bias_ex_entropy") == f"{entropy:.4f}"
    assert glued(CHAPTER, "bias_ex_log3") == f"{math.log(3):.4f}"


@pytest.fixture(scope="module")
def pretraining():
    digits = dlopt.data.digits()
    train, val, _ = digits.split([0.2, 0.3, 0.5], seed=0)
    assert len(train) == 359
    pre = init.greedy_supervised_pretraining(
        [64, 32, 32, 32, 32, 10], train, lambda: SGD(lr=0.1), epochs=5, batch_size=20, seed=0
    )
    return train, val, pre


def test_greedy_pretraining_head_start(pretraining, glued):
    train, val, pre = pretraining
    assert glued(CHAPTER, "bias_greedy_size") == str(len(train))
    out = dlopt.fit(pre.net, SGD(lr=0.1), train, epochs=20, batch_size=20, seed=0,
                    theta0=pre.theta, validation=val).extras["val_accuracy"]  # fmt: skip
    rand = dlopt.fit(pre.net, SGD(lr=0.1), train, epochs=20, batch_size=20, seed=0,
                     validation=val).extras["val_accuracy"]  # fmt: skip
    assert glued(CHAPTER, "bias_stacked_accuracy") == percent(out[0])
    assert np.all(out > rand)  # ahead for all 20 epochs
    assert rand[2] < 0.25  # a plateau at first
    assert glued(CHAPTER, "bias_ex_full") == percent(out[10])  # exercise 3: the full stack


def test_exercise_hidden_layers_carry_the_lasting_benefit(pretraining, glued):
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
    before = max(accuracy[k][0] for k in accuracy)
    assert before < 0.2  # chance level, for ten classes
    assert glued(CHAPTER, "bias_ex_partial_before") == percent(before)  # "at most 14%"
    assert glued(CHAPTER, "bias_ex_k0") == percent(accuracy[0][10])
    assert glued(CHAPTER, "bias_ex_k1") == percent(accuracy[1][10])
    worse, better = sorted([accuracy[2][10], accuracy[4][10]])
    assert glued(CHAPTER, "bias_ex_k24") == f"{100 * worse:.0f}–{100 * better:.0f}%"
    assert accuracy[0][10] < accuracy[1][10] < worse  # each pretrained layer adds


def test_transfer_to_odd_even_is_faster(glued):
    digits = dlopt.data.digits()
    first, second = digits.split([0.5, 0.5], seed=0)
    odd_train, odd_val, _ = Dataset(second.X, second.y % 2).split([0.1, 0.5, 0.4], seed=1)
    assert len(odd_train) == 90
    assert glued(CHAPTER, "bias_odd_size") == str(len(odd_train))
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
    for name, run in runs.items():
        assert glued(CHAPTER, f"bias_odd_{name}_epoch1") == percent(run["val_accuracy"][1])
        assert glued(CHAPTER, f"bias_odd_{name}_epoch20") == percent(run["val_accuracy"][20], 1)
    assert runs["transferred"]["val_accuracy"][1] > runs["random"]["val_accuracy"][1] + 0.05
    assert np.all(runs["transferred"]["train_loss"][1:] < runs["random"]["train_loss"][1:])
    # "about the same accuracy" after 20 epochs: within one validation example of 449
    assert abs(runs["transferred"]["val_accuracy"][20] - runs["random"]["val_accuracy"][20]) < 0.005


def test_transfer_from_low_to_high_digits_fits_faster_and_generalizes_worse(glued):
    digits = dlopt.data.digits()
    low = digits.subset(np.flatnonzero(digits.y < 5))
    high = digits.subset(np.flatnonzero(digits.y >= 5))
    high_train, high_val, _ = Dataset(high.X, high.y - 5).split([0.1, 0.4, 0.5], seed=0)
    assert len(high_train) == 90
    assert glued(CHAPTER, "bias_high_size") == str(len(high_train))
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
    for name, run in runs.items():
        assert glued(CHAPTER, f"bias_high_{name}_loss5") == f"{run['train_loss'][5]:.2f}"
        assert glued(CHAPTER, f"bias_high_{name}_accuracy5") == percent(run["val_accuracy"][5], 1)
    assert t["val_accuracy"][5] < r["val_accuracy"][5]


def test_entropy_bound():
    # H(c) <= log K, with equality for the uniform distribution
    rng = np.random.default_rng(0)
    for _ in range(100):
        c = rng.dirichlet(np.ones(10))
        assert -np.sum(c * np.log(c)) < math.log(10)
    assert -np.sum(np.full(10, 0.1) * np.log(0.1)) == pytest.approx(math.log(10))
