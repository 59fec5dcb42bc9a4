"""Claims of book/part1/empirical-risk: each number in the prose, checked independently.

The training run is recomputed with a plain loop (minibatches, loss_and_grad, θ ← θ − εg)
instead of dlopt.fit and dlopt.optim.SGD, drawing from the same seeded generator, and
early stopping is recomputed from the validation curve with the patience rule.
"""

import numpy as np
import pytest

import dlopt
from dlopt.data import minibatches

LR, BATCH, EPOCHS, PATIENCE = 0.5, 10, 150, 10


@pytest.fixture(scope="module")
def setting():
    digits = dlopt.data.digits()
    train, val, test = digits.split((0.1, 0.3), seed=0)
    net = dlopt.nn.mlp([64, 256, 10], activation="tanh")
    rng = np.random.default_rng(1)
    theta = net.init(rng)
    thetas = [theta.copy()]
    for _ in range(EPOCHS):
        for batch in minibatches(len(train), BATCH, rng):
            _, g = net.loss_and_grad(theta, train.X[batch], train.y[batch])
            theta = theta - LR * g
        thetas.append(theta.copy())
    curves = {
        f"{name}_{kind}": np.array([f(t, data.X, data.y) for t in thetas])
        for name, data in (("train", train), ("val", val))
        for kind, f in (("loss", net.loss), ("error", lambda t, X, y: 1 - net.accuracy(t, X, y)))
    }
    return dict(net=net, train=train, val=val, test=test, thetas=thetas, **curves)


def test_sizes(setting):
    assert (len(setting["train"]), len(setting["val"]), len(setting["test"])) == (180, 539, 1078)
    assert setting["net"].size == 64 * 256 + 256 + 256 * 10 + 10 == 19210  # "about 19,000"
    assert round(setting["net"].size / 180) == 107


def test_validation_loss_turns_at_epoch_15_and_rises_about_20_percent(setting):
    val = setting["val_loss"]
    best = int(np.argmin(val))
    assert best == 15
    assert val[-1] / val[best] == pytest.approx(1.2, abs=0.02)
    # training loss keeps falling, by more than ten times after the turn
    assert setting["train_loss"][best] / setting["train_loss"][-1] > 10
    assert np.all(np.diff(setting["train_loss"][best:]) < 0.001)


def test_early_stopping_with_patience_10_stops_after_epoch_25(setting):
    val = setting["val_loss"]
    stop = next(e for e in range(len(val)) if e - int(np.argmin(val[: e + 1])) >= PATIENCE)
    assert stop == 25  # a sixth of 150 epochs
    assert stop / EPOCHS == pytest.approx(1 / 6)


def test_early_stopped_network_has_lower_test_loss_and_same_test_error(setting):
    net, test, thetas = setting["net"], setting["test"], setting["thetas"]
    assert net.loss(thetas[15], test.X, test.y) < net.loss(thetas[-1], test.X, test.y)
    assert net.accuracy(thetas[15], test.X, test.y) == net.accuracy(thetas[-1], test.X, test.y)


def test_validation_error_improves_by_eight_images_after_training_error_is_zero(setting):
    train_error, val_error = setting["train_error"], setting["val_error"]
    perfect = int(np.argmax(train_error == 0))
    assert perfect == 12
    gained = round((val_error[perfect] - val_error[perfect:].min()) * 539)
    assert gained == 8


def test_zero_one_loss_does_not_move_under_small_nudges(setting):
    net, val, theta = setting["net"], setting["val"], setting["thetas"][15]
    direction = np.random.default_rng(0).standard_normal(net.size)
    direction /= np.linalg.norm(direction)
    base = net.forward(theta, val.X, train=False).argmax(axis=1)
    for h in (1e-3, 1e-2):
        nudged = net.forward(theta + h * direction, val.X, train=False).argmax(axis=1)
        assert np.array_equal(base, nudged)


def test_gradient_at_early_stop_is_a_tenth_of_start_and_about_60_times_the_end(setting):
    net, train, thetas = setting["net"], setting["train"], setting["thetas"]
    norms = [np.linalg.norm(net.loss_and_grad(thetas[e], train.X, train.y)[1]) for e in (0, 15, -1)]
    assert norms[1] / norms[0] == pytest.approx(0.1, abs=0.02)
    assert norms[1] / norms[2] == pytest.approx(60, rel=0.1)
    assert norms[1] > 1e-3 > norms[2]  # a gradient-norm test at 1e-3 would not have stopped


def test_binary_cross_entropy_in_bits_bounds_zero_one_loss():
    z = np.linspace(-20, 20, 4001)
    ce_bits = np.log2(1 + np.exp(-z))
    assert np.all(ce_bits >= (z <= 0))
    assert np.log2(1 + np.exp(-0.0)) == 1.0


def test_exercise_1_values():
    assert -np.log(0.6) == pytest.approx(0.5108, abs=5e-5)
    assert -np.log(0.9) == pytest.approx(0.1054, abs=5e-5)
    assert -np.log(0.5) == pytest.approx(np.log(2))


def test_exercise_2_more_data_turns_later_and_lower():
    digits = dlopt.data.digits()
    more, val, _ = digits.split((0.4, 0.3), seed=0)
    net = dlopt.nn.mlp([64, 256, 10], activation="tanh")
    rng = np.random.default_rng(1)
    theta = net.init(rng)
    losses = [net.loss(theta, val.X, val.y)]
    for _ in range(40):
        for batch in minibatches(len(more), BATCH, rng):
            theta = theta - LR * net.loss_and_grad(theta, more.X[batch], more.y[batch])[1]
        losses.append(net.loss(theta, val.X, val.y))
    low = int(np.argmin(losses))
    assert (len(more), low, low * int(np.ceil(len(more) / BATCH))) == (719, 29, 29 * 72)
    assert losses[low] == pytest.approx(0.11, abs=0.005)
    assert losses[-1] > losses[low]
    assert round(net.size / len(more)) == 27


def test_cross_entropy_gradient_is_softmax_minus_one_hot_and_never_zero():
    rng = np.random.default_rng(4)
    scores, label = rng.standard_normal(5) * 3, 2

    def loss(o):
        return np.log(np.sum(np.exp(o))) - o[label]

    h = 1e-6
    numeric = np.array([(loss(scores + h * e) - loss(scores - h * e)) / (2 * h) for e in np.eye(5)])
    formula = np.exp(scores) / np.exp(scores).sum() - np.eye(5)[label]
    np.testing.assert_allclose(numeric, formula, atol=1e-8)
    _, grad = dlopt.nn.SoftmaxCrossEntropy().value_and_grad(scores[None, :], np.array([label]))
    np.testing.assert_allclose(grad[0], formula, atol=1e-12)
    assert formula[label] < 0  # p_y < 1 for every finite score vector


def test_slider_figure_more_data_lowers_the_best_validation_loss_and_error():
    # plain SGD with the patience rule, for the two ends of the slider figure
    digits = dlopt.data.digits()
    net = dlopt.nn.mlp([64, 256, 10], activation="tanh")
    lowest = {}
    for fraction in (0.05, 0.6):
        part, held_out, _ = digits.split((fraction, 0.3), seed=0)
        rng = np.random.default_rng(1)
        theta = net.init(rng)
        losses, errors = [net.loss(theta, held_out.X, held_out.y)], [1.0]
        while len(losses) - 1 - int(np.argmin(losses)) < PATIENCE and len(losses) <= 60:
            for batch in minibatches(len(part), BATCH, rng):
                theta = theta - LR * net.loss_and_grad(theta, part.X[batch], part.y[batch])[1]
            losses.append(net.loss(theta, held_out.X, held_out.y))
            errors.append(1 - net.accuracy(theta, held_out.X, held_out.y))
        best = int(np.argmin(losses))
        lowest[fraction] = losses[best], errors[best]
    assert round(lowest[0.05][0], 2) == 0.34 and round(lowest[0.6][0], 2) == 0.08
    assert round(lowest[0.05][1], 2) == 0.12 and round(lowest[0.6][1], 2) == 0.02
