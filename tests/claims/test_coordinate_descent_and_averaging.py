"""Claims of book/part5/coordinate-descent-and-averaging, each checked independently."""

import math

import numpy as np
import pytest

import dlopt
from dlopt.meta import CoordinateDescent, coordinate_descent, coupled_quadratic, polyak_average
from dlopt.optim import SGD
from dlopt.problems import Quadratic

CHAPTER = "part5/coordinate-descent-and-averaging"


def test_one_sweep_solves_any_diagonal_quadratic():
    rng = np.random.default_rng(5)
    for _ in range(5):
        d = np.exp(rng.uniform(-3, 3, size=4))
        b = rng.standard_normal(4)
        run = coordinate_descent(Quadratic(np.diag(d), b), rng.standard_normal(4), sweeps=1)
        np.testing.assert_allclose(run.thetas[-1], b / d, rtol=1e-12)


def test_gradient_descent_needs_691_steps_at_kappa_100(glued):
    """Run gradient descent at the best fixed rate 2/(1 + 100) on diag(1, 10, 100) and count."""
    q = Quadratic(np.diag([1.0, 10.0, 100.0]), b=np.zeros(3))
    run = dlopt.minimize(q, SGD(lr=2 / 101), np.array([1.0, 0.0, 1.0]), steps=800)
    error = np.linalg.norm(run.thetas, axis=1)
    steps = int(np.argmax(error < 1e-6 * error[0]))  # a start in the slowest modes, 1 and 100
    assert str(steps) == glued(CHAPTER, "cd_gd_steps")


def closed_form_sweep(theta, alpha):
    """Hand-derived exact coordinate minimization of (t1 - t2)^2 + alpha (t1^2 + t2^2)."""
    t1 = theta[1] / (1 + alpha)
    return np.array([t1, t1 / (1 + alpha)])


@pytest.mark.parametrize("alpha", [0.5, 0.1, 0.01])
def test_coupled_quadratic_sweep_factor(alpha):
    q = coupled_quadratic(alpha)
    # f is (t1 - t2)^2 + alpha (t1^2 + t2^2)
    theta = np.array([0.7, -1.3])
    assert q.value(theta) == pytest.approx((0.7 + 1.3) ** 2 + alpha * (0.49 + 1.69))
    run = coordinate_descent(q, [1.0, 0.5], sweeps=5)
    theta = np.array([1.0, 0.5])
    for n in range(1, 6):
        theta = closed_form_sweep(theta, alpha)
        np.testing.assert_allclose(run.thetas[2 * n], theta, rtol=1e-12)
        assert theta[1] == pytest.approx(0.5 * (1 + alpha) ** (-2 * n), rel=1e-12)


def test_695_sweeps_for_a_millionfold_reduction_at_alpha_001(glued):
    theta, sweeps = np.array([1.0, 1.0]), 0
    while np.linalg.norm(theta) >= 1e-6 * np.sqrt(2):  # count sweeps of the closed form
        theta, sweeps = closed_form_sweep(theta, 0.01), sweeps + 1
    assert str(sweeps) == glued(CHAPTER, "cd_sweeps")
    assert f"{closed_form_sweep(np.ones(2), 0.01)[1]:.3f}" == glued(CHAPTER, "cd_factor_001")
    run = coordinate_descent(coupled_quadratic(0.01), [1.0, 1.0], sweeps=sweeps)
    ratio = np.linalg.norm(run.thetas[-1]) / np.linalg.norm(run.thetas[0])
    assert 0.9e-6 < ratio < 1e-6


def test_exercise_73_sweeps_at_alpha_01(glued):
    theta, sweeps = np.array([1.0, 1.0]), 0
    while theta[1] > 1e-6:
        theta, sweeps = closed_form_sweep(theta, 0.1), sweeps + 1
    assert str(sweeps) == glued(CHAPTER, "cd_ex1_sweeps")
    assert f"{math.log(1e6) / (2 * math.log(1.1)):.1f}" == glued(CHAPTER, "cd_ex1_bound")


def test_hessian_condition_and_gradient_descent_rate_equal_coordinate_descent(glued):
    alpha = 0.01
    q = coupled_quadratic(alpha)
    lam = np.linalg.eigvalsh(q.A)
    np.testing.assert_allclose(lam, [2 * alpha, 4 + 2 * alpha])
    kappa = lam[1] / lam[0]
    assert kappa == pytest.approx(201)
    assert f"{(2 + alpha) / alpha:.0f}" == glued(CHAPTER, "cd_kappa")
    assert (kappa - 1) / (kappa + 1) == pytest.approx(1 / (1 + alpha))
    run = dlopt.minimize(q, SGD(lr=2 / lam.sum()), [1.0, 0.3], steps=20)
    norms = np.linalg.norm(run.thetas, axis=1)
    np.testing.assert_allclose(norms[1:] / norms[:-1], 1 / (1 + alpha), rtol=1e-9)


def test_rotated_coordinates_decouple_the_problem():
    alpha = 0.01
    q = coupled_quadratic(alpha)
    R = np.array([[1.0, 1.0], [1.0, -1.0]]) / np.sqrt(2)  # columns: v and u directions
    np.testing.assert_allclose(R.T @ q.A @ R, np.diag([2 * alpha, 4 + 2 * alpha]), atol=1e-12)


def test_learning_rate_one_over_a_ii_is_exact_and_above_two_over_a_ii_diverges():
    q = coupled_quadratic(0.05)
    assert q.A[0, 0] == pytest.approx(2.1)
    exact = coordinate_descent(q, [1.5, 0.3], sweeps=20)
    step = coordinate_descent(q, [1.5, 0.3], sweeps=20, lr=1 / 2.1)
    np.testing.assert_allclose(step.thetas, exact.thetas, atol=1e-12)
    assert 2 / 2.1 == pytest.approx(0.952, abs=5e-4)
    run = dlopt.minimize(q, CoordinateDescent(lr=1.0), np.array([1.5, 0.3]), steps=200)
    assert np.linalg.norm(run.thetas[-1]) > 10 * np.linalg.norm(run.thetas[0])
    run = dlopt.minimize(q, CoordinateDescent(lr=0.9), np.array([1.5, 0.3]), steps=200)
    assert np.linalg.norm(run.thetas[-1]) < np.linalg.norm(run.thetas[0])


def test_over_relaxation_lr_07_beats_the_exact_step():
    """The slider's rates after 40 steps: 0.7 overshoots by about half and ends lowest."""
    q = coupled_quadratic(0.05)
    A = q.A
    final = {}
    for lr in (0.1, 0.2, 0.3, 1 / 2.1, 0.7, 0.9):
        theta, path = np.array([1.5, 0.3]), []
        for k in range(40):  # a plain loop: one gradient step on coordinate k mod 2
            i = k % 2
            theta[i] -= lr * (A[i] @ theta)
            path.append(theta.copy())
        final[lr] = 0.5 * theta @ A @ theta
        if lr == 0.7:
            assert path[0][0] == pytest.approx(-0.29, abs=0.005)  # across the valley from 1.5
            assert 0.7 * 2.1 - 1 == pytest.approx(0.5, abs=0.05)  # "about half the distance"
            assert min(p.min() for p in path) < -0.6  # out of the window (-0.5, 1.7)
    assert min(final, key=final.get) == 0.7
    assert final[0.7] == pytest.approx(4e-7, rel=0.05) and final[1 / 2.1] < 3e-4


def sgd_path(seed):
    data = dlopt.data.linear_regression(200, d=1, noise=0.5, seed=0)
    net = dlopt.nn.mlp([1, 1], loss="mse")
    iterates = []
    record = dlopt.fit(
        net, SGD(lr=0.2), data, epochs=20, batch_size=5, seed=seed,
        theta0=np.array([-2.0, 2.0]), callback=lambda k, t, loss: iterates.append(t.copy()),
    )  # fmt: skip
    return net, data, np.array([*iterates, record.theta])


def test_least_squares_point_is_the_minimizer_of_the_network_loss():
    net, data, _ = sgd_path(0)
    star = np.linalg.lstsq(np.column_stack([data.X, np.ones(200)]), data.y, rcond=None)[0]
    _, g = net.loss_and_grad(star, data.X, data.y)
    assert np.linalg.norm(g) < 1e-12
    assert (round(star[0], 4), round(star[1], 4)) == (0.0919, -0.0431)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_averages_land_much_closer_than_the_raw_iterates(seed, glued):
    _, data, thetas = sgd_path(seed)
    star = np.linalg.lstsq(np.column_stack([data.X, np.ones(200)]), data.y, rcond=None)[0]
    raw = np.linalg.norm(thetas - star, axis=1)
    ema = np.linalg.norm(polyak_average(thetas, "ema", 0.99) - star, axis=1)
    arith = np.linalg.norm(polyak_average(thetas) - star, axis=1)
    assert len(thetas) == 801
    assert 0.05 < np.median(raw[100:]) < 0.2  # the cloud is about 0.1 wide
    assert ema[800] < np.median(raw[400:]) / 3
    assert arith[10] > raw[10]
    if seed == 0:
        assert f"{ema[800]:.3f}" == glued(CHAPTER, "cd_ema_800")
        assert f"{raw[800]:.2f}" == glued(CHAPTER, "cd_raw_800")
        assert f"{np.median(raw[100:]):.1f}" == glued(CHAPTER, "cd_cloud") == "0.1"
        assert raw[800] / ema[800] > 10
        assert f"{raw[800] / ema[800]:.0f}" == glued(CHAPTER, "cd_ratio_800")
        assert arith[100] > raw[100]
        assert arith[10] > 5 * raw[10]
        for t in (10, 100):
            assert f"{raw[t]:.2f}" == glued(CHAPTER, f"cd_raw_{t}")
            assert f"{arith[t]:.2f}" == glued(CHAPTER, f"cd_arithmetic_{t}")
        # exercise 3: the EMA by a plain loop, for three decays
        for decay, digits, name in ((0.9, 2, "09"), (0.99, 3, "099"), (0.999, 1, "0999")):
            average = thetas[0].copy()
            for theta in thetas[1:]:
                average = decay * average + (1 - decay) * theta
            distance = np.linalg.norm(average - star)
            assert f"{distance:.{digits}f}" == glued(CHAPTER, f"cd_ex3_distance_{name}")


def test_ema_memory_and_start_weight(glued):
    assert 1 / (1 - 0.99) == pytest.approx(100)
    assert f"{math.exp(800 * math.log1p(-0.001)):.2f}" == glued(CHAPTER, "cd_ex3_start_weight")


def test_cloud_grows_with_the_learning_rate_and_the_ema_stays_close(glued):
    data = dlopt.data.linear_regression(200, d=1, noise=0.5, seed=0)
    net = dlopt.nn.mlp([1, 1], loss="mse")
    star = np.linalg.lstsq(np.column_stack([data.X, np.ones(200)]), data.y, rcond=None)[0]
    clouds, emas, means = [], [], []
    for lr in (0.02, 0.05, 0.1, 0.2, 0.4, 0.8):
        kept = []
        record = dlopt.fit(
            net, SGD(lr=lr), data, epochs=20, batch_size=5, seed=0, theta0=np.array([-2.0, 2.0]),
            callback=lambda k, t, loss, kept=kept: kept.append(t.copy()),
        )  # fmt: skip
        path = np.array([*kept, record.theta])
        clouds.append(np.median(np.linalg.norm(path[400:] - star, axis=1)))
        emas.append(np.linalg.norm(polyak_average(path, "ema", 0.99)[-1] - star))
        means.append(np.linalg.norm(polyak_average(path)[-1] - star))
    assert np.all(np.diff(clouds) > 0)
    assert f"{clouds[0]:.3f}" == glued(CHAPTER, "cd_cloud_smallest")
    assert f"{clouds[-1]:.2f}" == glued(CHAPTER, "cd_cloud_largest")
    assert max(emas) < 0.02 and f"{max(emas):.2f}" == glued(CHAPTER, "cd_ema_largest")
    assert means[0] > clouds[0] and means[0] > emas[0]  # small lr: arithmetic is the worst
