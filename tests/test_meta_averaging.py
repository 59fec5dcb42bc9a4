"""Polyak averaging: closed-form averages of simple sequences, and the wrapper on a real run."""

import numpy as np
import pytest

from dlopt import minimize
from dlopt.meta import Averaged, polyak_average
from dlopt.optim import SGD
from dlopt.problems import Quadratic


def test_ema_of_a_constant_sequence_is_that_constant():
    thetas = np.tile([2.5, -1.0], (20, 1))
    np.testing.assert_array_equal(polyak_average(thetas, "ema", decay=0.9), thetas)
    np.testing.assert_array_equal(polyak_average(thetas), thetas)


def test_arithmetic_average_of_zero_one_two():
    thetas = np.arange(11.0)[:, None]  # θ⁽ᵗ⁾ = t: the average of 0..t is t/2
    np.testing.assert_allclose(polyak_average(thetas)[:, 0], np.arange(11) / 2, rtol=1e-15)


def test_ema_of_a_step_is_one_minus_decay_to_the_t():
    thetas = np.ones((8, 1))
    thetas[0] = 0.0  # θ⁽⁰⁾ = 0, then 1, 1, …: θ̂⁽ᵗ⁾ = 1 − αᵗ
    np.testing.assert_allclose(polyak_average(thetas, "ema", 0.7)[:, 0], 1 - 0.7 ** np.arange(8))


def test_averaged_sgd_on_an_oscillating_run():
    # J = θ²/2 with ε = 1.99: θ⁽ᵗ⁾ = (−0.99)ᵗ θ⁽⁰⁾ hops across the minimum, while the average of
    # θ⁽⁰⁾..θ⁽ᵗ⁾ is θ⁽⁰⁾ (1 − (−0.99)^(t+1)) / (1.99 (t + 1)), much closer to 0
    q, theta0 = Quadratic(np.eye(1)), np.array([1.0])
    averaged = Averaged(SGD(lr=1.99))
    record = minimize(q, averaged, theta0, steps=40)
    np.testing.assert_allclose(record.thetas[:, 0], (-0.99) ** np.arange(41), rtol=1e-12)
    expected = (1 - (-0.99) ** 41) / (1.99 * 41)
    np.testing.assert_allclose(averaged.theta, [expected], rtol=1e-12)
    np.testing.assert_allclose(polyak_average(record.thetas)[-1], averaged.theta, rtol=1e-12)
    assert abs(averaged.theta[0]) < 0.03 < 0.6 < abs(record.theta[0])


def test_ema_wrapper_and_state_round_trip():
    q = Quadratic(np.diag([1.0, 3.0]))
    a = Averaged(SGD(lr=0.4), kind="ema", decay=0.8)
    record = minimize(q, a, np.array([1.0, 1.0]), steps=5)
    np.testing.assert_allclose(a.theta, polyak_average(record.thetas, "ema", 0.8)[-1], rtol=1e-12)
    saved = a.state_dict()
    b = Averaged(SGD(lr=0.4), kind="ema", decay=0.8)
    b.load_state_dict(saved)
    theta = record.theta
    np.testing.assert_array_equal(a.step(theta, q), b.step(theta, q))
    np.testing.assert_array_equal(a.theta, b.theta)
    assert b.optimizer.state["k"] == 6


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="kind must be one of"):
        Averaged(SGD(), kind="median")
    with pytest.raises(ValueError, match="needs a decay"):
        Averaged(SGD(), kind="ema")
    with pytest.raises(ValueError, match=r"decay must lie in \[0, 1\), got decay=1\.5"):
        polyak_average(np.zeros((3, 2)), "ema", 1.5)
    with pytest.raises(ValueError, match="takes no decay"):
        polyak_average(np.zeros((3, 2)), "arithmetic", 0.9)
    with pytest.raises(ValueError, match=r"thetas must have shape \(N \+ 1, d\)"):
        polyak_average(np.zeros(3))
    with pytest.raises(TypeError, match="step method"):
        Averaged(object())
    with pytest.raises(ValueError, match="no average yet"):
        _ = Averaged(SGD()).theta
