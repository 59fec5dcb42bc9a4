"""Claims of book/part2/inexact-gradients: each number in the prose, checked independently.

The SGD runs are redone here in plain numpy (same data, minibatches drawn with replacement),
and the noise floor is also computed exactly from the stationary covariance equation.
"""

import numpy as np
import pytest

import dlopt

N = 512


@pytest.fixture(scope="module")
def problem():
    data = dlopt.data.linear_regression(N, d=4, noise=0.5, seed=0)
    A = np.hstack([data.X, np.ones((N, 1))])
    theta_star = np.linalg.lstsq(A, data.y, rcond=None)[0]
    r = A @ theta_star - data.y
    G = A * r[:, None]
    return A, data.y, theta_star, 0.5 * np.mean(r**2), G


def test_trace_sigma_and_variance_law(problem):
    _A, _y, _theta_star, J_star, G = problem
    np.testing.assert_allclose(G.mean(axis=0), 0, atol=1e-12)
    trace_sigma = np.sum(G**2) / N
    assert trace_sigma == pytest.approx(1.2095, abs=1e-4)
    assert J_star == pytest.approx(0.1207, abs=1e-4)
    rng = np.random.default_rng(1)
    for b in (1, 4, 16, 64):
        g_hat = G[rng.integers(0, N, (4000, b))].mean(axis=1)
        assert np.mean(np.sum(g_hat**2, axis=1)) == pytest.approx(trace_sigma / b, rel=0.08)


def _stationary_excess(A, G, lr, b):
    """½ tr(HC) with HC + CH − lr·HCH = lr·Σ/b (the exact quadratic balance, additive noise)."""
    H = A.T @ A / N
    S = G.T @ G / N
    lam, Q = np.linalg.eigh(H)
    St = Q.T @ S @ Q
    L1, L2 = np.meshgrid(lam, lam, indexing="ij")
    Ct = lr * St / b / (L1 + L2 - lr * L1 * L2)
    return 0.5 * np.trace(np.diag(lam) @ Ct)


def _sgd_floor(A, y, J_star, lr, b, steps=3000, seed=0):
    """Excess loss of plain-numpy SGD; for least squares it is ½ eᵀHe with e = θ − θ*."""
    rng = np.random.default_rng(seed)
    H = A.T @ A / N
    theta_star = np.linalg.lstsq(A, y, rcond=None)[0]
    theta = np.zeros(A.shape[1])
    excess = []
    for k, i in enumerate(rng.integers(0, N, (steps, b))):
        lr_k = lr(k) if callable(lr) else lr
        theta = theta - lr_k * A[i].T @ (A[i] @ theta - y[i]) / b
        e = theta - theta_star
        excess.append(0.5 * e @ H @ e)
    assert excess[-1] == pytest.approx(0.5 * np.mean((A @ theta - y) ** 2) - J_star, abs=1e-12)
    return np.array(excess)


def test_first_order_floor_is_close_to_the_exact_balance_for_small_lr(problem):
    A, _y, _, _, G = problem
    trace_sigma = np.sum(G**2) / N
    for b in (1, 4, 16, 64):
        exact = _stationary_excess(A, G, 0.05, b)
        assert exact == pytest.approx(0.05 * trace_sigma / (4 * b), rel=0.05)


@pytest.mark.parametrize(
    ("lr", "b", "low", "high"),
    [(0.05, 1, 1.0, 1.15), (0.05, 4, 0.85, 1.15), (0.05, 16, 0.85, 1.15), (0.05, 64, 0.85, 1.15),
     (0.2, 4, 1.15, 1.45), (0.2, 16, 1.0, 1.3), (0.2, 1, 3.0, 4.0)],
)  # fmt: skip
def test_measured_floor_against_prediction(problem, lr, b, low, high):
    A, y, _, J_star, G = problem
    trace_sigma = np.sum(G**2) / N
    floors = [_sgd_floor(A, y, J_star, lr, b, seed=s)[1500:].mean() for s in (0, 1)]
    ratio = np.mean(floors) / (lr * trace_sigma / (4 * b))
    assert low < ratio < high


def test_linear_decay_ends_more_than_twenty_times_lower(problem):
    A, y, _, J_star, G = problem

    def decay(k):
        a = min(k / 2000, 1.0)
        return (1 - a) * 0.05 + a * 0.0005

    constant = _sgd_floor(A, y, J_star, 0.05, 4)[-500:].mean()
    decayed = _sgd_floor(A, y, J_star, decay, 4)[-500:].mean()
    assert constant / decayed > 20
    assert 0.0005 * np.sum(G**2) / N / 16 == pytest.approx(4e-5, rel=0.1)


def test_exercise_1_four_times_the_batch_allows_four_times_the_rate(problem):
    """Same floor for (b=4, eps=0.05) and (b=16, eps'=0.2); the big batch needs about a
    quarter of the steps to come within twice its floor, about as many example gradients."""
    A, y, _, J_star, G = problem
    trace_sigma = np.sum(G**2) / N
    assert 0.05 / 4 * 16 == pytest.approx(0.2)
    assert 0.2 * trace_sigma / (4 * 16) == pytest.approx(0.05 * trace_sigma / (4 * 4))
    steps = {}
    for lr, b in ((0.05, 4), (0.2, 16)):
        counts = []
        for seed in (0, 1, 2):
            curve = _sgd_floor(A, y, J_star, lr, b, seed=seed)
            counts.append(np.argmax(curve < 2 * curve[1500:].mean()))
        steps[b] = np.mean(counts)
    assert 2.5 < steps[4] / steps[16] < 6  # about a quarter of the steps
    assert 0.6 < (16 * steps[16]) / (4 * steps[4]) < 1.6  # about even in example gradients
