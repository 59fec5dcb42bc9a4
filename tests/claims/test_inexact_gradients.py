"""Claims of book/part2/inexact-gradients: each number in the prose, checked independently.

The SGD runs are redone here in plain numpy (same data, minibatches drawn with replacement),
and the noise floor is also computed exactly from the stationary covariance equation. The
chapter's own runs are replayed in plain numpy too (same seeded draws as dlopt.fit), and the
numbers its prose quotes (glued from the notebook) must equal the replayed ones.
"""

import numpy as np
import pytest

import dlopt

CHAPTER = "part2/inexact-gradients"
N = 512
BATCH_SIZES = (1, 4, 16, 64)


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


def _chapter_run(A, y, lr, b, steps=3000):
    """dlopt.fit(net, SGD(lr), data, steps=3000, batch_size=b, seed=0, replace=True) in plain
    numpy: one generator gives the start (net.init) and then, epoch after epoch, ⌈N/b⌉
    minibatches of b indices drawn with replacement. Returns J(θ_k) − J* for k < steps."""
    rng = np.random.default_rng(0)
    theta = dlopt.nn.mlp([4, 1], loss="mse").init(rng)
    H = A.T @ A / N
    theta_star = np.linalg.lstsq(A, y, rcond=None)[0]
    excess = []
    while len(excess) < steps:
        for i in rng.integers(0, N, size=(-(-N // b), b)):
            if len(excess) == steps:
                break
            e = theta - theta_star
            lr_k = lr(len(excess)) if callable(lr) else lr
            excess.append(0.5 * e @ H @ e)
            theta = theta - lr_k * A[i].T @ (A[i] @ theta - y[i]) / b
    return np.array(excess)


def _decay(k):
    a = min(k / 2000, 1.0)
    return (1 - a) * 0.05 + a * 0.0005


@pytest.fixture(scope="module")
def chapter_runs(problem):
    A, y = problem[0], problem[1]
    runs = {(lr, b): _chapter_run(A, y, lr, b) for lr in (0.05, 0.2) for b in BATCH_SIZES}
    runs["decay"] = _chapter_run(A, y, _decay, 4)
    return runs


def test_glued_floors_are_those_of_the_chapter_runs(problem, chapter_runs, glued):
    G = problem[4]
    trace_sigma = np.sum(G**2) / N
    floors = {(lr, b): chapter_runs[lr, b][1500:].mean() for lr in (0.05, 0.2) for b in BATCH_SIZES}
    fit = {(lr, b): floor / (lr * trace_sigma / (4 * b)) for (lr, b), floor in floors.items()}
    by_batch = [floors[0.05, b] / floors[0.05, 4 * b] for b in BATCH_SIZES[:-1]]
    by_rate = [floors[0.2, b] / floors[0.05, b] for b in BATCH_SIZES[1:]]
    large = [fit[0.2, b] - 1 for b in BATCH_SIZES[1:]]
    assert glued(CHAPTER, "ig_fit") == f"{max(abs(fit[0.05, b] - 1) for b in BATCH_SIZES):.0%}"
    assert glued(CHAPTER, "ig_by_batch_low") == f"{min(by_batch):.1f}"
    assert glued(CHAPTER, "ig_by_batch_high") == f"{max(by_batch):.1f}"
    assert glued(CHAPTER, "ig_by_rate_low") == f"{min(by_rate):.1f}"
    assert glued(CHAPTER, "ig_by_rate_high") == f"{max(by_rate):.1f}"
    assert glued(CHAPTER, "ig_large_low") == f"{min(large):.0%}"
    assert glued(CHAPTER, "ig_large_high") == f"{max(large):.0%}"
    assert glued(CHAPTER, "ig_large_b1") == f"{fit[0.2, 1]:.1f}"
    # what the prose says about them
    assert all(3 < r < 6 for r in by_batch + by_rate) and min(by_rate) > 4
    assert all(r > 0 for r in large) and fit[0.2, 1] > 3


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


def test_linear_decay_ends_more_than_twenty_times_lower(problem, chapter_runs, glued):
    A, y, _, J_star, G = problem
    constant = _sgd_floor(A, y, J_star, 0.05, 4)[-500:].mean()
    decayed = _sgd_floor(A, y, J_star, _decay, 4)[-500:].mean()
    assert constant / decayed > 20
    gain = chapter_runs[0.05, 4][-500:].mean() / chapter_runs["decay"][-500:].mean()
    assert glued(CHAPTER, "ig_decay_gain") == f"{gain:.0f}"
    final_floor = _stationary_excess(A, G, 0.0005, 4)  # the exact balance at ε_τ
    assert glued(CHAPTER, "ig_final_floor") == f"{final_floor:.5f}"
    assert chapter_runs["decay"][-500:].mean() > 2 * final_floor  # not there yet


def test_exercise_1_four_times_the_batch_allows_four_times_the_rate(problem, chapter_runs, glued):
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
    for lr, b in ((0.05, 4), (0.2, 16)):  # the chapter's own runs
        curve = chapter_runs[lr, b]
        k = int(np.argmax(curve < 2 * curve[1500:].mean()))
        assert glued(CHAPTER, f"ig_ex1_steps_{b}") == f"{k}"
        assert glued(CHAPTER, f"ig_ex1_examples_{b}") == f"{k * b}"
