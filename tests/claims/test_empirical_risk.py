"""Claims of book/part1/empirical-risk: each number in the prose, checked independently.

The training run is recomputed with a plain loop (minibatches, loss_and_grad, θ ← θ − εg)
instead of dlopt.fit and dlopt.optim.SGD, drawing from the same seeded generator, and
early stopping is recomputed from the validation curve with the patience rule; the numbers
the prose quotes (glued from the notebook) must equal the recomputed ones, formatted alike.
"""

import numpy as np
import pytest

import dlopt
from dlopt.data import minibatches

CHAPTER = "part1/empirical-risk"

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


def test_sizes(setting, glued):
    assert (len(setting["train"]), len(setting["val"]), len(setting["test"])) == (180, 539, 1078)
    size = 64 * 256 + 256 + 256 * 10 + 10  # two dense layers: weights and biases
    assert setting["net"].size == size
    assert glued(CHAPTER, "er_params") == f"{size:,}"
    assert glued(CHAPTER, "er_params_per_image") == f"{size / 180:.0f}"
    assert glued(CHAPTER, "er_n_val") == "539"


def test_validation_loss_turns_and_rises_while_training_loss_keeps_falling(setting, glued):
    val, train = setting["val_loss"], setting["train_loss"]
    best = int(np.argmin(val))
    assert glued(CHAPTER, "er_best") == f"{best}"
    assert glued(CHAPTER, "er_best_steps") == f"{best * int(np.ceil(180 / BATCH)):,}"
    assert glued(CHAPTER, "er_best_val_loss") == f"{val[best]:.2f}"
    assert glued(CHAPTER, "er_val_rise") == f"{val[-1] / val[best] - 1:.0%}"
    assert 0.1 < val[-1] / val[best] - 1 < 0.3  # "about 20%": a clear rise
    # the training loss keeps falling after the turn, by another large factor
    assert glued(CHAPTER, "er_train_fall") == f"{train[best] / train[-1]:.0f}"
    assert train[best] / train[-1] > 10
    assert np.all(np.diff(train[best:]) < 0.001)


def test_early_stopping_with_patience_10(setting, glued):
    val = setting["val_loss"]
    stop = next(e for e in range(len(val)) if e - int(np.argmin(val[: e + 1])) >= PATIENCE)
    assert stop == int(np.argmin(val)) + PATIENCE
    assert glued(CHAPTER, "er_stopped") == f"{stop}"


def test_early_stopped_network_has_lower_test_loss_and_same_test_error(setting):
    net, test, thetas = setting["net"], setting["test"], setting["thetas"]
    assert net.loss(thetas[15], test.X, test.y) < net.loss(thetas[-1], test.X, test.y)
    assert net.accuracy(thetas[15], test.X, test.y) == net.accuracy(thetas[-1], test.X, test.y)


def test_validation_error_improves_after_training_error_is_zero(setting, glued):
    net, val, thetas = setting["net"], setting["val"], setting["thetas"]
    perfect = int(np.argmax(setting["train_error"] == 0))
    assert 0 < perfect < int(np.argmin(setting["val_loss"]))  # "early", before the turn
    # count the correctly classified validation images directly
    right = [np.sum(net.forward(t, val.X, train=False).argmax(axis=1) == val.y) for t in thetas]
    gained = max(right[perfect:]) - right[perfect]
    assert gained > 0
    assert glued(CHAPTER, "er_gained") == f"{gained}"


def test_zero_one_loss_does_not_move_under_small_nudges(setting):
    net, val, theta = setting["net"], setting["val"], setting["thetas"][15]
    direction = np.random.default_rng(0).standard_normal(net.size)
    direction /= np.linalg.norm(direction)
    base = net.forward(theta, val.X, train=False).argmax(axis=1)
    for h in (1e-3, 1e-2):
        nudged = net.forward(theta + h * direction, val.X, train=False).argmax(axis=1)
        assert np.array_equal(base, nudged)


def test_gradient_at_early_stop_is_still_far_from_zero(setting, glued):
    net, train, thetas = setting["net"], setting["train"], setting["thetas"]
    best = int(np.argmin(setting["val_loss"]))
    norms = [
        np.linalg.norm(net.loss_and_grad(thetas[e], train.X, train.y)[1]) for e in (0, best, -1)
    ]
    assert glued(CHAPTER, "er_grad_share") == f"{norms[1] / norms[0]:.0%}"
    assert glued(CHAPTER, "er_grad_ratio") == f"{norms[1] / norms[2]:.0f}"
    assert norms[1] > 1e-3 > norms[2]  # a gradient-norm test at 1e-3 would not have stopped


def test_binary_cross_entropy_in_bits_bounds_zero_one_loss():
    z = np.linspace(-20, 20, 4001)
    ce_bits = np.log2(1 + np.exp(-z))
    assert np.all(ce_bits >= (z <= 0))
    assert np.log2(1 + np.exp(-0.0)) == 1.0


def test_exercise_1_values(glued):
    # the book's loss object on scores log p (their softmax is p), true class 0
    for p, name in (([0.6, 0.3, 0.1], "er_ex1_ce_6"), ([0.9, 0.05, 0.05], "er_ex1_ce_9")):
        loss, _ = dlopt.nn.SoftmaxCrossEntropy().value_and_grad(np.log([p]), np.array([0]))
        assert glued(CHAPTER, name) == f"{loss:.4f}"
    assert -np.log(0.5) == pytest.approx(np.log(2))


def test_exercise_2_more_data_turns_later_and_lower(setting, glued):
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
    assert len(more) == 719
    assert glued(CHAPTER, "er_ex2_best") == f"{low}"
    assert glued(CHAPTER, "er_ex2_steps") == f"{low * int(np.ceil(len(more) / BATCH)):,}"
    assert glued(CHAPTER, "er_ex2_loss") == f"{losses[low]:.2f}"
    assert glued(CHAPTER, "er_ex2_per_image") == f"{net.size / len(more):.0f}"
    assert glued(CHAPTER, "er_ex2_rise") == f"{losses[-1] / losses[low] - 1:.0%}"
    # later and lower than with 10% of the images, and still overfitting in the end
    best = int(np.argmin(setting["val_loss"]))
    assert low > best and losses[low] < setting["val_loss"][best] / 2
    assert losses[-1] > losses[low]


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


def test_slider_figure_more_data_lowers_the_best_validation_loss_and_error(glued):
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
    for fraction, name in ((0.05, "5"), (0.6, "60")):
        assert glued(CHAPTER, f"er_slider_loss_{name}") == f"{lowest[fraction][0]:.2f}"
        assert glued(CHAPTER, f"er_slider_error_{name}") == f"{lowest[fraction][1]:.0%}"
    assert lowest[0.6][0] < lowest[0.05][0] / 2 and lowest[0.6][1] < lowest[0.05][1] / 2
