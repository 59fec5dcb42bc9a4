"""Claims of book/part3/sgd: each number in the prose, checked independently.

The runs are recomputed with hand-written loops (closed-form gradients or
``Network.loss_and_grad``, learning rates from their formulas), without
``dlopt.fit``, ``dlopt.minimize``, ``SGD`` or ``dlopt.schedules``.
"""

import math

import numpy as np
import pytest

import dlopt
from dlopt.data import minibatches
from dlopt.problems import quadratic_with_condition


def _least_squares():
    data = dlopt.data.linear_regression(10_000, d=20, noise=0.5, seed=0)
    design = np.column_stack([data.X, np.ones(len(data))])
    theta_star = np.linalg.lstsq(design, data.y, rcond=None)[0]
    return data, design, theta_star


def _least_squares_run(design, y, lr, batch_size, epochs):
    """Minibatch SGD on J = (1/2n)||D theta - y||^2 with fit's sampling; every iterate."""
    rng = np.random.default_rng(0)  # theta0 is given, so fit draws only minibatches
    theta = np.zeros(design.shape[1])
    path, k = [theta], 0
    for _ in range(epochs):
        for batch in minibatches(len(y), batch_size, rng):
            D = design[batch]
            g = D.T @ (D @ theta - y[batch]) / len(batch)
            theta = theta - lr(k) * g
            path.append(theta)
            k += 1
    return np.array(path)


def _excess(design, y, path, theta_star):
    residual = path @ design.T - y
    best = design @ theta_star - y
    return 0.5 * np.mean(residual**2, axis=1) - 0.5 * np.mean(best**2)


def test_minibatch_gradient_is_unbiased_and_its_noise_falls_like_one_over_root_b():
    data, design, _ = _least_squares()
    theta = np.random.default_rng(1).standard_normal(design.shape[1])
    per_example = design * (design @ theta - data.y)[:, None]  # one gradient per example
    full = per_example.mean(axis=0)
    rng = np.random.default_rng(2)
    spread = {}
    for b in (1, 100):
        estimates = np.array(
            [per_example[rng.integers(0, len(data), b)].mean(axis=0) for _ in range(2000)]
        )
        spread[b] = np.sqrt(np.mean(np.sum((estimates - full) ** 2, axis=1)))
        if b == 100:
            assert np.linalg.norm(estimates.mean(axis=0) - full) < 0.1 * spread[b]
    assert spread[1] / spread[100] == pytest.approx(10.0, rel=0.1)


def test_minibatches_reach_excess_0_1_after_440_examples_full_batch_after_one_epoch(glued):
    data, design, theta_star = _least_squares()
    mini = _least_squares_run(design, data.y, lambda k: 0.05, 10, epochs=5)
    excess = _excess(design, data.y, mini[np.r_[0:100, -1]], theta_star)
    assert excess[0] > 7  # the start: about 7.5
    first = int(np.argmax(excess < 0.1))
    assert f"{first * 10:,d}" == glued("part3/sgd", "sgd_mini_examples")
    assert first * 10 / len(data) < 1 / 20  # less than a twentieth of one epoch
    # the noise floor of the constant rate: about 1e-2 after five epochs
    assert 5e-3 < excess[-1] < 2e-2
    assert f"{excess[-1]:.2f}" == glued("part3/sgd", "sgd_mini_floor")
    # full batch: the first step (10,000 examples) already gets below 0.1, the start is not
    full = _least_squares_run(design, data.y, lambda k: 1.0, 10_000, epochs=5)
    excess_full = _excess(design, data.y, full, theta_star)
    assert excess_full[0] > 0.1 > excess_full[1]
    assert f"{10_000 * int(np.argmax(excess_full < 0.1)):,d}" == glued(
        "part3/sgd", "sgd_full_examples"
    )
    assert excess_full[-1] < 1e-10 < excess[-1]  # and it keeps going down
    # the linear decay 0.05 -> 0.0005 over 5000 steps ends far below the floor (9.2e-5)
    decay = _least_squares_run(
        design, data.y, lambda k: (1 - min(k / 5000, 1)) * 0.05 + min(k / 5000, 1) * 0.0005, 10, 5
    )
    excess_decay = _excess(design, data.y, decay[-1:], theta_star)
    assert excess_decay[-1] == pytest.approx(9.2e-5, rel=0.01)


def test_best_constant_rate_at_kappa_100_leaves_13_5_percent_after_100_steps(glued):
    q = quadratic_with_condition(100.0, dim=2, seed=1)
    np.testing.assert_allclose(q.eigenvalues, [1.0, 100.0])
    A, theta = q.A, np.array([1.0, 1.0])
    for _ in range(100):
        theta = theta - 2 / 101 * (A @ theta)
    assert np.linalg.norm(theta) / math.sqrt(2) == pytest.approx((99 / 101) ** 100, rel=1e-9)
    assert f"{np.linalg.norm(theta) / math.sqrt(2):.1%}" == glued("part3/sgd", "sgd_valley_left")


def test_learning_rate_regimes_on_the_quadratic_with_lambda_max_10(glued):
    q = quadratic_with_condition(10.0, dim=2, seed=1)
    np.testing.assert_allclose(q.eigenvalues, [1.0, 10.0])
    J = lambda t: 0.5 * t @ q.A @ t  # noqa: E731

    def run(eps, steps=60):
        theta = np.array([1.0, 1.0])
        out = [theta]
        for _ in range(steps):
            theta = theta - eps * (q.A @ theta)
            out.append(theta)
        return np.array(out)

    assert J(run(0.005)[-1]) > 0.5 * J(np.array([1.0, 1.0]))  # has not even halved
    for eps in (0.05, 0.15, 0.195):
        assert J(run(eps)[-1]) < 1e-2 * J(np.array([1.0, 1.0]))
    # zig-zag above 1/lambda_max: the component along the top eigenvector flips sign
    top = np.linalg.eigh(q.A)[1][:, -1]
    along = run(0.195, steps=20) @ top
    assert np.all(np.sign(along[1:]) != np.sign(along[:-1]))
    along = run(0.05, steps=20) @ top
    assert np.all(np.sign(along[1:]) == np.sign(along[:-1]))
    # 0.195 converges more slowly than 0.15: its factor along the steepest direction is -0.95
    assert J(run(0.195)[-1]) > J(run(0.15)[-1])
    along = run(0.195, steps=1) @ top
    factor = f"{along[1] / along[0]:+.2f}".replace("-", "−")
    assert factor == glued("part3/sgd", "sgd_factor_0195")
    # above 2/lambda_max the loss grows by about (1 - 2.05)^2 = 1.1 per step
    losses = np.array([J(t) for t in run(0.205)])
    assert losses[-1] / losses[-2] == pytest.approx(1.05**2, rel=1e-3)
    assert f"{losses[-1] / losses[-2]:.2f}" == glued("part3/sgd", "sgd_growth_0205")


def test_schedule_sums_and_which_satisfy_the_conditions(glued):
    k = np.arange(10**5)
    tau = 100
    linear = np.where(k < tau, (1 - k / tau) * 1.0 + (k / tau) * 0.01, 0.01)
    cosine = np.where(k < tau, (1 + np.cos(np.pi * np.minimum(k, tau) / tau)) / 2, 0.0)
    step = 0.1 ** (k // 40)
    exponential = 0.97**k
    inverse = tau / (tau + k)
    # closed forms of the table's entries
    assert linear[:1000].sum() == pytest.approx(101 / 2 + 0.01 * 99 / 2 + 900 * 0.01)
    assert cosine.sum() == pytest.approx(50.5)
    assert step.sum() == pytest.approx(40 / 0.9)
    assert f"{step.sum():.1f}" == glued("part3/sgd", "sgd_step_sum")
    assert exponential.sum() == pytest.approx(1 / 0.03)
    # 1/k decay: sum eps grows like tau ln N, sum eps^2 stays below tau + 1
    s1 = [inverse[:n].sum() for n in (10**4, 10**5)]
    assert s1[1] - s1[0] == pytest.approx(tau * math.log(10), rel=0.01)
    assert (inverse**2).sum() < tau + 1
    # the table's rule (the last decade adds > 10%) gives the analytic verdicts
    for eps, grows1, grows2 in [
        (np.ones_like(inverse), True, True),
        (linear, True, True),
        (cosine, False, False),
        (step, False, False),
        (exponential, False, False),
        (inverse, True, False),
    ]:
        assert (eps.sum() > 1.1 * eps[: 10**4].sum()) == grows1
        assert ((eps**2).sum() > 1.1 * (eps[: 10**4] ** 2).sum()) == grows2


def _digits_run(schedule, seed, net, train, valid, steps, epochs=10, batch=32):
    rng = np.random.default_rng(seed)
    theta = net.init(rng)
    k = 0
    for _ in range(epochs):
        for idx in minibatches(len(train), batch, rng):
            _, g = net.loss_and_grad(theta, train.X[idx], train.y[idx])
            theta = theta - schedule(k) * g
            k += 1
    assert k == steps
    return net.loss(theta, valid.X, valid.y), net.loss(theta, train.X, train.y)


def test_schedules_on_the_digits_network(glued):
    train, valid = dlopt.data.digits().split([0.7, 0.3], seed=0)
    assert f"{len(train):,d}" == glued("part3/sgd", "sgd_n_train")
    assert f"{len(valid):,d}" == glued("part3/sgd", "sgd_n_valid")
    net = dlopt.nn.mlp([64, 32, 10], activation="tanh")
    T = math.ceil(len(train) / 32) * 10  # ten epochs of minibatches of 32
    assert str(T) == glued("part3/sgd", "sgd_steps")
    third = math.ceil(T / 3)
    schedules = {
        "constant": lambda k: 1.0,
        "linear": lambda k: (1 - k / T) * 1.0 + (k / T) * 0.01,
        "cosine": lambda k: (1 + math.cos(math.pi * k / T)) / 2,
        "step": lambda k: 0.1 ** (k // third),
    }
    val, tr = {}, {}
    for name, schedule in schedules.items():
        runs = [_digits_run(schedule, s, net, train, valid, steps=T) for s in (0, 1, 2)]
        val[name] = np.array([r[0] for r in runs])
        tr[name] = np.array([r[1] for r in runs])
    # the constant rate: lowest training loss, validation from 0.076 to 0.109
    for name in ("linear", "cosine", "step"):
        assert np.all(tr["constant"] < tr[name])
    assert f"{val['constant'].min():.3f}" == glued("part3/sgd", "sgd_const_val_min")
    assert f"{val['constant'].max():.3f}" == glued("part3/sgd", "sgd_const_val_max")
    assert f"{np.ptp(val['constant']):.3f}" == glued("part3/sgd", "sgd_const_val_spread")
    # linear and cosine: within about 0.0009 on every seed, each spread at most 0.009 across seeds
    gap = np.abs(val["linear"] - val["cosine"]).max()
    assert 0.0005 < gap < 0.001
    assert f"{gap:.4f}" == glued("part3/sgd", "sgd_smooth_gap")
    spread = max(np.ptp(val["linear"]), np.ptp(val["cosine"]))
    assert spread <= 0.009 and spread < np.ptp(val["constant"]) / 3
    assert f"{spread:.3f}" == glued("part3/sgd", "sgd_smooth_spread")
    # step decay: highest training loss, validation above both smooth decays, on every seed
    assert np.all(tr["step"] > np.maximum.reduce([tr["constant"], tr["linear"], tr["cosine"]]))
    assert np.all(val["step"] > np.maximum(val["linear"], val["cosine"]))
