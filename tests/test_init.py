"""Weight and bias initializers on plain arrays: sample statistics against the formulas."""

import math

import numpy as np
import pytest

from dlopt import init

SHAPE = (400, 300)  # N = 120 000 draws: standard errors of mean and variance are tiny
N = SHAPE[0] * SHAPE[1]


def rng(seed=0):
    return np.random.default_rng(seed)


def assert_moments(W, var, fourth):
    """Mean 0 and variance ``var`` within 5 standard errors; ``fourth`` = E[w⁴]."""
    assert abs(W.mean()) < 5 * math.sqrt(var / N)
    assert abs(W.var() - var) < 5 * math.sqrt((fourth - var**2) / N)


def uniform_moments(a):
    return a**2 / 3, a**4 / 5  # variance and fourth moment of U(-a, a)


def normal_moments(std):
    return std**2, 3 * std**4


def test_fans_follow_the_dense_layout():
    assert init.fans((7, 3)) == (7, 3)
    for bad in [(3,), (2, 3, 4), (0, 3), (2.0, 3)]:
        with pytest.raises(ValueError, match="shape must be"):
            init.fans(bad)


def test_constant_and_zeros():
    np.testing.assert_array_equal(init.constant((2, 3), value=0.5), np.full((2, 3), 0.5))
    np.testing.assert_array_equal(init.zeros((2, 3), rng()), np.zeros((2, 3)))


def test_scaled_uniform_and_normal_moments():
    assert_moments(init.uniform(SHAPE, rng(), scale=0.3), *uniform_moments(0.3))
    assert_moments(init.normal(SHAPE, rng(), std=0.3), *normal_moments(0.3))
    with pytest.raises(ValueError, match="scale must be > 0"):
        init.uniform(SHAPE, rng(), scale=-1.0)
    with pytest.raises(ValueError, match="std must be > 0"):
        init.normal(SHAPE, rng(), std=0.0)


def test_fan_in_uniform_bounds_and_variance():
    W = init.fan_in_uniform(SHAPE, rng())
    a = 1 / math.sqrt(SHAPE[0])
    assert np.abs(W).max() <= a
    assert_moments(W, *uniform_moments(a))


def test_glorot_uniform_variance_is_two_over_fan_sum():
    W = init.glorot_uniform(SHAPE, rng())
    a = math.sqrt(6 / (SHAPE[0] + SHAPE[1]))
    assert np.abs(W).max() <= a
    var, fourth = uniform_moments(a)
    assert var == pytest.approx(2 / (SHAPE[0] + SHAPE[1]))
    assert_moments(W, var, fourth)
    assert np.abs(init.glorot_uniform(SHAPE, rng(), gain=2.0)).max() > a  # the gain scales


def test_he_normal_variance_is_two_over_fan_in():
    assert_moments(init.he_normal(SHAPE, rng()), *normal_moments(math.sqrt(2 / SHAPE[0])))


def test_he_keeps_relu_second_moment_through_depth():
    # E[relu(z)^2] = Var(z)/2, so with Var(W) = 2/m the second moment of the activations stays put
    x = rng(1).standard_normal((2000, 256))
    h = x
    for layer in range(5):
        h = np.maximum(h @ init.he_normal((256, 256), rng(10 + layer)), 0)
    assert np.mean(h**2) == pytest.approx(np.mean(x**2), rel=0.2)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (1, 6)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape):
    g = init.gain("tanh")
    W = init.orthogonal(shape, rng(), gain=g)
    m, n = shape
    gram = W.T @ W if m >= n else W @ W.T
    np.testing.assert_allclose(gram, g**2 * np.eye(min(m, n)), atol=1e-12)


def test_orthogonal_preserves_norms_and_is_seeded():
    W = init.orthogonal((6, 6), rng(3))
    x = rng(4).standard_normal(6)
    assert np.linalg.norm(x @ W) == pytest.approx(np.linalg.norm(x), rel=1e-12)
    np.testing.assert_array_equal(W, init.orthogonal((6, 6), rng(3)))
    assert not np.array_equal(W, init.orthogonal((6, 6), rng(5)))


def test_gains_and_bad_gains():
    assert init.gain("linear") == 1.0
    assert init.gain("tanh") == pytest.approx(5 / 3)
    assert init.gain("relu") == pytest.approx(math.sqrt(2))
    with pytest.raises(ValueError, match="nonlinearity must be one of"):
        init.gain("softplus")
    with pytest.raises(ValueError, match=r"gain must be > 0, got gain=-1\.0"):
        init.orthogonal((3, 3), rng(), gain=-1.0)


def test_sparse_has_exactly_k_nonzero_incoming_weights_per_unit():
    W = init.sparse((50, 40), rng(), k=7)
    np.testing.assert_array_equal(np.count_nonzero(W, axis=0), np.full(40, 7))
    W = init.sparse((50, 40), rng(), k=50)
    assert np.count_nonzero(W) == W.size


@pytest.mark.parametrize(
    ("k", "message"),
    [
        (51, r"k must be at most the fan-in m=50, got k=51"),
        (0, "k must be an integer >= 1"),
        (2.5, "k must be an integer >= 1"),
    ],
)
def test_sparse_rejects_bad_k(k, message):
    with pytest.raises(ValueError, match=message):
        init.sparse((50, 40), rng(), k=k)


def test_identity_for_recurrent_weights():
    np.testing.assert_array_equal(init.identity((4, 4)), np.eye(4))
    np.testing.assert_array_equal(init.identity((3, 3), scale=0.5), 0.5 * np.eye(3))
    with pytest.raises(ValueError, match="square"):
        init.identity((3, 4))


def test_softmax_of_marginal_bias_equals_class_frequencies():
    labels = np.array([0, 0, 0, 1, 2, 2])
    b = init.softmax_marginal_bias(labels, 3)
    p = np.exp(b) / np.exp(b).sum()
    np.testing.assert_allclose(p, [1 / 2, 1 / 6, 1 / 3], rtol=1e-14)
    assert b.sum() == pytest.approx(0, abs=1e-14)


def test_marginal_bias_with_a_missing_class():
    labels = np.array([0, 0, 1])
    with pytest.raises(ValueError, match=r"classes \[2\] never occur"):
        init.softmax_marginal_bias(labels, 3)
    b = init.softmax_marginal_bias(labels, 3, smoothing=1.0)  # counts 3, 2, 1 out of 6
    np.testing.assert_allclose(np.exp(b) / np.exp(b).sum(), [1 / 2, 1 / 3, 1 / 6], rtol=1e-14)
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.1"):
        init.softmax_marginal_bias(np.array([0, 2]), 2)
    with pytest.raises(ValueError, match="integer array"):
        init.softmax_marginal_bias(np.array([0.0, 1.0]), 2)


def test_relu_and_gate_biases():
    np.testing.assert_array_equal(init.relu_bias((3,)), np.full(3, 0.1))
    gate = init.gate_bias((4,))
    np.testing.assert_allclose(1 / (1 + np.exp(-gate)), 1 / (1 + math.exp(-1)))
    with pytest.raises(ValueError, match="value must be > 0"):
        init.relu_bias((3,), value=-0.1)
