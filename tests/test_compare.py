"""dlopt.compare: the noisy wrapper's statistics; grid searches against closed-form step counts."""

import copy
import math

import numpy as np
import pytest

import dlopt
from dlopt.compare import Noisy, Trial, settings_grid, tune, tune_fit
from dlopt.optim import SGD, Newton
from dlopt.problems import Quadratic, Rosenbrock


def test_noisy_gradient_is_unbiased_with_variance_sigma_squared_d():
    q = Quadratic(np.diag([1.0, 4.0, 9.0]))
    theta = np.array([1.0, -2.0, 0.5])
    noisy = Noisy(q, sigma=0.5, seed=0)
    draws = np.array([noisy.grad(theta) for _ in range(20000)])
    exact = np.array([1.0, -8.0, 4.5])
    np.testing.assert_allclose(draws.mean(axis=0), exact, atol=0.02)  # 4.5 standard errors
    assert np.mean(np.sum((draws - exact) ** 2, axis=1)) == pytest.approx(0.25 * 3, rel=0.03)


def test_noisy_value_and_other_attributes_are_exact():
    r = Rosenbrock()
    noisy = Noisy(r, sigma=3.0, seed=1)
    theta = np.array([-1.2, 1.0])
    assert noisy.value(theta) == pytest.approx(24.2)  # 100 (1 - 1.44)^2 + 2.2^2
    np.testing.assert_array_equal(noisy.hessian(theta), r.hessian(theta))
    np.testing.assert_array_equal(noisy.minimizer, [1.0, 1.0])
    assert noisy.grad(theta).shape == (2,)
    np.testing.assert_array_equal(Noisy(r, 0.0, seed=5).grad(theta), r.grad(theta))


def test_a_copy_replays_the_same_noise_and_the_original_moves_on():
    noisy = Noisy(Quadratic(np.eye(2)), sigma=1.0, seed=3)
    twin = copy.deepcopy(noisy)
    first = noisy.grad(np.zeros(2))
    np.testing.assert_array_equal(twin.grad(np.zeros(2)), first)
    assert not np.array_equal(noisy.grad(np.zeros(2)), first)


def test_noisy_rejects_negative_sigma():
    with pytest.raises(ValueError, match="sigma"):
        Noisy(Quadratic(np.eye(2)), sigma=-1.0, seed=0)


def test_settings_grid_order_and_validation():
    assert settings_grid({"a": [1, 2], "b": ["x", "y"]}) == [
        {"a": 1, "b": "x"},
        {"a": 1, "b": "y"},
        {"a": 2, "b": "x"},
        {"a": 2, "b": "y"},
    ]
    with pytest.raises(ValueError, match="grid"):
        settings_grid({"a": []})
    with pytest.raises(ValueError, match="grid"):
        settings_grid({})


def closed_form_steps(a, lr, j0_over_target):
    """J_k = J_0 (1 - lr a)^(2k) on J = a θ²/2: the first k with J_k <= target."""
    return math.ceil(math.log(j0_over_target) / (-2 * math.log(abs(1 - lr * a))))


def test_tune_counts_steps_like_the_closed_form_and_picks_the_fastest():
    a = 4.0
    q = Quadratic(np.array([[a]]))
    theta0 = np.array([1.0])
    target = 1e-6 * q.value(theta0)
    tuning = tune(q, SGD, {"lr": [0.6, 0.05, 0.1, 0.2]}, theta0, steps=500, target=target)
    assert [t.settings["lr"] for t in tuning.trials] == [0.6, 0.05, 0.1, 0.2]
    # lr = 0.6: |1 - 2.4| = 1.4 per step, so J grows until it counts as diverged
    diverged = tuning.trials[0]
    assert diverged.steps == math.inf and diverged.loss == math.inf
    assert diverged.record.stopped == "callback"
    assert tuning.trials[1].steps == closed_form_steps(a, 0.05, 1e6) == 31
    assert tuning.trials[2].steps == closed_form_steps(a, 0.1, 1e6) == 14
    assert tuning.trials[3].steps == closed_form_steps(a, 0.2, 1e6) == 5  # 1 - 0.2·4 = 0.2
    assert tuning.best.settings == {"lr": 0.2}


def test_tune_gives_later_settings_no_more_steps_than_the_best_so_far():
    q = Quadratic(np.array([[1.0]]))
    tuning = tune(q, SGD, {"lr": [0.5, 0.01]}, np.array([1.0]), steps=1000, target=1e-12)
    fast, slow = tuning.trials
    assert fast.steps == closed_form_steps(1.0, 0.5, 0.5e12)
    assert slow.steps == math.inf and slow.record.steps == fast.steps


def test_tune_without_target_picks_the_lowest_final_loss():
    q = Quadratic(np.diag([1.0, 10.0]))
    tuning = tune(q, SGD, {"lr": [0.01, 0.1, 0.15]}, np.ones(2), steps=20)
    # after 20 steps: (1 - lr)^40/2 + 10 (1 - 10 lr)^40/2 in J
    finals = [0.5 * (1 - lr) ** 40 + 5 * (1 - 10 * lr) ** 40 for lr in (0.01, 0.1, 0.15)]
    np.testing.assert_allclose([t.loss for t in tuning.trials], finals, rtol=1e-10)
    assert tuning.best.settings == {"lr": [0.01, 0.1, 0.15][int(np.argmin(finals))]}


def test_tune_accepts_factories_and_labels_settings():
    q = Quadratic(np.diag([2.0, 3.0]))
    tuning = tune(
        q,
        lambda damping: Newton(damping=damping),
        {"damping": [0.0, 1.0]},
        np.ones(2),
        steps=5,
        target=1e-20,
    )
    assert tuning.best.steps == 1 and tuning.best.label == "damping=0"
    assert Trial({"lr": 0.031623, "beta": "pr+"}, None, 1, 0.0).label == "lr=0.0316, beta=pr+"


def test_tune_fit_same_start_and_best_validation_loss():
    data = dlopt.data.blobs(120, centers=3, std=1.0, seed=0)
    train, validation = data.split((0.75,), seed=0)
    net = dlopt.nn.mlp([2, 8, 3], activation="tanh")
    tuning = tune_fit(
        net, SGD, {"lr": [0.01, 0.3]}, train, validation, epochs=3, batch_size=30, seed=0
    )
    starts = [t.record.thetas[0] for t in tuning.trials]
    np.testing.assert_array_equal(starts[0], starts[1])
    losses = [t.loss for t in tuning.trials]
    assert tuning.best.loss == min(losses)
    for t in tuning.trials:
        assert t.loss == pytest.approx(net.loss(t.record.thetas[-1], validation.X, validation.y))
