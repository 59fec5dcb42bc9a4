"""Claims of book/part2/long-term-dependencies: each number in the prose, checked independently."""

from functools import partial

import numpy as np
import pytest

import dlopt
from dlopt.init import init_network
from dlopt.init.weights import orthogonal
from dlopt.optim import SGD


def test_forty_and_fifty_multiplications():
    assert 0.9**40 < 0.015
    assert 1.1**40 == pytest.approx(45, abs=0.5)
    assert 0.9**50 == pytest.approx(0.0052, abs=5e-5)
    assert 1.1**50 == pytest.approx(117.4, abs=0.05)


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


def test_quoted_ratios_for_scale_0_8_and_1_2():
    assert 0.8**39 == pytest.approx(1.7e-4, rel=0.03)
    assert 1.2**39 == pytest.approx(1200, rel=0.03)


@pytest.mark.parametrize("scale", [0.8, 1.0, 1.2])
def test_tanh_shrinks_by_at_most_the_largest_singular_value_and_vanishes(scale):
    norms = _linear_profile(scale, activation="tanh")
    assert np.all(norms[:-1] / norms[1:] <= scale * (1 + 1e-12))
    assert norms[0] / norms[-1] < 1e-2  # vanishes even for s = 1.2 (saturation)


def test_short_memory_is_learned_long_is_not():
    acc = {}
    for length in (5, 40):
        train = dlopt.data.memory_task(256, length=length, noise=1.0, seed=1)
        test = dlopt.data.memory_task(256, length=length, noise=1.0, seed=2)
        net = dlopt.nn.RNN(1, 16, 2)
        run = dlopt.fit(net, SGD(lr=0.1), train, epochs=20, batch_size=32, seed=0, validation=test)
        acc[length] = run.extras["val_accuracy"][-1]
    assert acc[5] >= 0.99
    assert abs(acc[40] - 0.5) < 0.05  # chance


def test_exercise_one_step_counts():
    assert np.ceil(np.log(1000) / np.log(1.2)) == 38
    assert np.ceil(np.log(1000) / np.log(2)) == 10
    np.testing.assert_allclose(np.linalg.eigvals(np.array([[0.5, 1.0], [0.0, 1.2]])), [0.5, 1.2])
