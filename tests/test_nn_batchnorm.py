"""Batch normalization: standardized outputs, running averages, a checked backward pass."""

import numpy as np
import pytest

import dlopt.meta
from dlopt.nn import BatchNorm, Dense, Network, Tanh, gradient_check


def params(gamma, beta):
    return {"gamma": np.asarray(gamma, dtype=float), "beta": np.asarray(beta, dtype=float)}


def batch(m=64, n=5, seed=0):
    rng = np.random.default_rng(seed)
    return 3.0 + rng.uniform(0.5, 4.0, n) * rng.standard_normal((m, n))


def test_training_mode_outputs_have_zero_mean_and_unit_variance():
    x = batch()
    out, _ = BatchNorm(5).forward(params(np.ones(5), np.zeros(5)), x)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), 1, rtol=1e-7)  # var/(var + δ) with δ = 1e-8


def test_gamma_and_beta_set_the_output_scale_and_shift():
    gamma, beta = np.array([2.0, -1.0, 0.5, 1.0, 3.0]), np.arange(5.0)
    out, _ = BatchNorm(5).forward(params(gamma, beta), batch())
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), np.abs(gamma), rtol=1e-7)


def test_training_output_ignores_an_affine_change_of_the_inputs():
    x, p = batch(), params(np.ones(5), np.zeros(5))
    a, c = np.array([0.1, 2.0, 5.0, 1.0, 7.0]), np.array([-3.0, 0.0, 1.0, 9.0, 2.0])
    out1, _ = BatchNorm(5, delta=1e-12).forward(p, x)
    out2, _ = BatchNorm(5, delta=1e-12).forward(p, a * x + c)
    np.testing.assert_allclose(out1, out2, atol=1e-8)


def test_running_averages_follow_the_momentum_and_drive_eval_mode():
    bn = BatchNorm(2, momentum=0.5)
    x = np.array([[1.0, 0.0], [3.0, 4.0]])  # means (2, 2), unbiased variances (2, 8)
    bn.forward(params(np.ones(2), np.zeros(2)), x)
    np.testing.assert_allclose(bn.running_mean, [1.0, 1.0])  # 0.5·0 + 0.5·2
    np.testing.assert_allclose(bn.running_var, [1.5, 4.5])  # 0.5·1 + 0.5·(2, 8)
    gamma, beta = np.array([2.0, 1.0]), np.array([0.5, -1.0])
    z = np.array([[2.0, 1.0]])
    out, _ = bn.forward(params(gamma, beta), z, train=False)  # a batch of one is fine here
    np.testing.assert_allclose(out, gamma * (z - 1.0) / np.sqrt(np.array([1.5, 4.5]) + 1e-8) + beta)
    np.testing.assert_allclose(bn.running_mean, [1.0, 1.0])  # eval mode leaves them alone


def test_running_averages_converge_to_the_population_statistics():
    bn, rng = BatchNorm(3, momentum=0.9), np.random.default_rng(0)
    mean, std = np.array([1.0, -2.0, 0.0]), np.array([0.5, 2.0, 1.0])
    p = params(np.ones(3), np.zeros(3))
    for _ in range(300):
        bn.forward(p, mean + std * rng.standard_normal((50, 3)))
    np.testing.assert_allclose(bn.running_mean, mean, atol=0.15)
    np.testing.assert_allclose(bn.running_var, std**2, rtol=0.2)


def finite_differences(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


@pytest.mark.parametrize("train", [True, False])
def test_backward_matches_finite_differences(train):
    rng = np.random.default_rng(1)
    bn = BatchNorm(3, delta=1e-3)
    bn.running_mean, bn.running_var = rng.standard_normal(3), rng.uniform(0.5, 2.0, 3)
    x = rng.standard_normal((6, 3))
    gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
    w = rng.standard_normal((6, 3))  # L = Σ w ⊙ out, so dL/dout = w

    def loss(x=x, gamma=gamma, beta=beta):
        return float(np.sum(w * bn.forward(params(gamma, beta), x, train)[0]))

    _, cache = bn.forward(params(gamma, beta), x, train)
    dx, grads = bn.backward(params(gamma, beta), cache, w)
    np.testing.assert_allclose(dx, finite_differences(lambda v: loss(x=v), x), atol=1e-8)
    np.testing.assert_allclose(
        grads["gamma"], finite_differences(lambda v: loss(gamma=v), gamma), atol=1e-8
    )
    np.testing.assert_allclose(
        grads["beta"], finite_differences(lambda v: loss(beta=v), beta), atol=1e-8
    )


def test_batchnorm_plugs_into_a_network_and_passes_the_gradient_check():
    net = Network([Dense(4, 6), BatchNorm(6), Tanh(), Dense(6, 3)], loss="cross_entropy")
    theta = net.init(0)
    gamma = net.layer_params(theta, 1)["gamma"]
    np.testing.assert_array_equal(gamma, np.ones(6))  # the layer's init: γ = 1, β = 0
    gamma[...] = np.random.default_rng(1).uniform(0.5, 2.0, 6)
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((16, 4)), rng.integers(0, 3, 16)
    assert gradient_check(net.objective(X, y), theta) < 1e-6
    assert gradient_check(net.objective(X, y, train=False), theta) < 1e-6


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="momentum must lie in"):
        BatchNorm(3, momentum=1.0)
    with pytest.raises(ValueError, match="delta must be > 0"):
        BatchNorm(3, delta=0.0)
    with pytest.raises(ValueError, match="n_features must be an integer >= 1"):
        BatchNorm(0)
    bn = BatchNorm(3)
    with pytest.raises(ValueError, match=r"x must have shape \(m, 3\)"):
        bn.forward(params(np.ones(3), np.zeros(3)), np.ones((4, 2)))
    with pytest.raises(ValueError, match="m >= 2, got m=1"):
        bn.forward(params(np.ones(3), np.zeros(3)), np.ones((1, 3)))


def test_the_chapter_imports_the_same_layer_from_dlopt_meta():
    assert dlopt.meta.BatchNorm is BatchNorm
