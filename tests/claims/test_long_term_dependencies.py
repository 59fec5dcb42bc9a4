"""Claims of book/part2/long-term-dependencies: each number in the prose, checked independently.

Closed forms (powers s^t, logarithms) stand in for the chapter's measurements, and training
is a plain loop θ ← θ − εg over dlopt's minibatches instead of dlopt.fit and SGD; the numbers
the prose quotes (glued from the notebook) must equal the recomputed ones.
"""

from functools import partial

import numpy as np
import pytest

import dlopt
from dlopt.data import minibatches
from dlopt.init import init_network
from dlopt.init.weights import orthogonal

CHAPTER = "part2/long-term-dependencies"


def test_forty_and_fifty_multiplications(glued):
    assert 0.9**40 < 0.015  # the introduction's "almost disappeared"
    assert 1.1**40 == pytest.approx(45, abs=0.5)
    assert glued(CHAPTER, "ltd_c1_50") == f"{np.exp(50 * np.log(0.9)):.3f}"
    assert glued(CHAPTER, "ltd_c2_50") == f"{np.exp(50 * np.log(1.1)):.0f}"


def test_power_of_diagonalizable_matrix_scales_each_eigendirection_by_lambda_t():
    Q = np.array([[1.0, 1.0], [1.0, -0.5]])
    W = Q @ np.diag([0.9, 1.1]) @ np.linalg.inv(Q)
    h = Q @ np.ones(2)
    for t in range(1, 51):
        h = W @ h
        np.testing.assert_allclose(np.linalg.solve(Q, h), [0.9**t, 1.1**t], rtol=1e-9)


def _linear_profile(scale, activation="identity"):
    data = dlopt.data.memory_task(64, length=40, noise=1.0, seed=0)
    net = dlopt.nn.RNN(1, 16, 2, activation=activation)
    rng = np.random.default_rng(0)
    theta = net.init(rng)
    init_network(net, theta, rng, weights={"W_hh": partial(orthogonal, gain=scale)})
    return net.hidden_gradients(theta, data.X, data.y)


@pytest.mark.parametrize("scale", [0.8, 0.9, 1.0, 1.1, 1.2])
def test_linear_rnn_gradient_ratio_is_s_to_the_t(scale):
    norms = _linear_profile(scale)
    np.testing.assert_allclose(norms[:-1] / norms[1:], scale, rtol=1e-9)


def test_quoted_ratios_for_scale_0_8_and_1_2(glued):
    # the measured ratios are exactly s^(T−1) (test above), so the closed form gives the text
    assert glued(CHAPTER, "ltd_identity_small") == f"{0.8**39:.2g}"
    assert glued(CHAPTER, "ltd_identity_large") == f"{1.2**39:,.0f}"


@pytest.mark.parametrize("scale", [0.8, 1.0, 1.2])
def test_tanh_shrinks_by_at_most_the_largest_singular_value_and_vanishes(scale, glued):
    norms = _linear_profile(scale, activation="tanh")
    assert np.all(norms[:-1] / norms[1:] <= scale * (1 + 1e-12))
    assert norms[0] / norms[-1] < 1e-2  # vanishes even for s = 1.2 (saturation)
    if scale == 1.2:
        assert glued(CHAPTER, "ltd_tanh_large") == f"{norms[0] / norms[-1]:.2g}"


def test_short_memory_is_learned_long_is_not(glued):
    acc = {}
    for length in (5, 40):
        train = dlopt.data.memory_task(256, length=length, noise=1.0, seed=1)
        test = dlopt.data.memory_task(256, length=length, noise=1.0, seed=2)
        net = dlopt.nn.RNN(1, 16, 2)
        rng = np.random.default_rng(0)
        theta = net.init(rng)
        for _ in range(20):
            for b in minibatches(len(train), 32, rng):
                theta = theta - 0.1 * net.loss_and_grad(theta, train.X[b], train.y[b])[1]
        right = np.sum(net.forward(theta, test.X, train=False).argmax(axis=1) == test.y)
        acc[length] = right / len(test)
        assert glued(CHAPTER, f"ltd_accuracy_{length}") == f"{acc[length]:.2f}"
    assert acc[5] >= 0.99
    assert abs(acc[40] - 0.5) < 0.05  # chance


def test_exercise_one_step_counts(glued):
    for name, factor in (("grow", 1.2), ("shrink", 2.0)):
        bound = 3 / np.log10(factor)  # log 1000 / log factor, in base 10
        steps = next(t for t in range(1, 100) if factor**t >= 1000)
        assert glued(CHAPTER, f"ltd_ex1_{name}") == f"{bound:.2f}"
        assert glued(CHAPTER, f"ltd_ex1_{name}_steps") == f"{steps}"
    np.testing.assert_allclose(np.linalg.eigvals(np.array([[0.5, 1.0], [0.0, 1.2]])), [0.5, 1.2])
