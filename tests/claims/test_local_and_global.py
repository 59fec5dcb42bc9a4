"""Claims of book/part2/local-and-global: each number in the prose, checked independently."""

import numpy as np
import pytest

import dlopt

CHAPTER = "part2/local-and-global"
TILT = 0.5


def _gd_1d(x, tilt, lr=0.05, steps=300):
    for _ in range(steps):
        x = x - lr * (4 * x**3 - 4 * x + tilt)
    return x


def test_double_well_critical_points_and_values(glued):
    roots = np.sort(np.roots([4, 0, -4, TILT]).real)
    np.testing.assert_allclose(roots, [-1.057, 0.127, 0.930], atol=5e-4)
    J = (roots**2 - 1) ** 2 + TILT * roots
    np.testing.assert_allclose(J[[0, 2]], [-0.515, 0.483], atol=5e-4)
    quoted = [f"{roots[0]:.3f}", f"{J[0]:.3f}", f"{roots[2]:.3f}", f"{J[2]:.3f}", f"{roots[1]:.3f}"]
    names = ["lg_deep_x", "lg_deep_J", "lg_shallow_x", "lg_shallow_J", "lg_ridge_x"]
    assert [q.replace("-", "−") for q in quoted] == [glued(CHAPTER, name) for name in names]
    assert J[2] - J[0] == pytest.approx(1.0, abs=0.01)


def test_starting_side_of_the_ridge_decides_the_well():
    ridge = np.sort(np.roots([4, 0, -4, TILT]).real)[1]
    for x0 in [-1.8, -0.6, 0.05, 0.2, 0.8, 1.8]:
        end = _gd_1d(x0, TILT)
        assert (end > ridge) == (x0 > ridge)
        assert abs(end - (0.930 if x0 > ridge else -1.057)) < 1e-3


def test_steep_tilt_exercise(glued):
    roots = np.sort(np.roots([4, 0, -4, 1.5]).real)
    np.testing.assert_allclose(roots, [-1.1514, 0.5, 0.6514], atol=1e-4)
    assert f"{roots[1]:.1f}" == glued(CHAPTER, "lg_ex2_ridge")
    assert f"{roots[2]:.3f}" == glued(CHAPTER, "lg_ex2_shallow")
    ends = np.array([_gd_1d(x0, 1.5) for x0 in np.linspace(-2, 2, 41)])
    assert np.mean(ends > 0.5) == pytest.approx(15 / 41)
    assert f"{np.sum(ends > 0.5)}" == glued(CHAPTER, "lg_ex2_count")
    assert f"{np.mean(ends > 0.5):.0%}" == glued(CHAPTER, "lg_ex2_fraction")
    # the largest tilt with two wells: the cubic a x^3 + c x + d = 4x^3 - 4x + tau has three real
    # roots while its discriminant -4 a c^3 - 27 a^2 d^2 = 1024 - 432 tau^2 is positive
    limit = np.sqrt(1024 / 432)
    assert np.all(np.abs(np.roots([4, 0, -4, limit - 1e-3]).imag) == 0)
    assert np.all(np.abs(np.roots([4, 0, -4, 1.5]).imag) == 0)
    assert np.sum(np.abs(np.roots([4, 0, -4, limit + 1e-3]).imag) > 0) == 2
    assert f"{limit:.2f}" == glued(CHAPTER, "lg_ex2_limit")


@pytest.fixture(scope="module")
def least_squares():
    digits = dlopt.data.digits()
    X, Y = digits.X[:300], np.eye(10)[digits.y[:300]]
    A = np.hstack([X, np.ones((300, 1))])
    net = dlopt.nn.mlp([64, 10], loss="mse")
    theta0 = net.init(np.random.default_rng(0))
    P = np.vstack([theta0[:640].reshape(64, 10), theta0[640:]])
    return A, Y, P


def test_bound_holds_and_is_hundreds_to_thousands_of_times_loose(least_squares, glued):
    A, Y, P = least_squares
    n = len(A)
    H = A.T @ A / n
    eigenvalues, vectors = np.linalg.eigh(H)
    L = eigenvalues[-1]
    assert L == pytest.approx(11.67, abs=0.01)
    assert f"{L:.2f}" == glued(CHAPTER, "lg_L")
    assert np.sum(eigenvalues < 1e-12) >= 3  # constant pixels: no strong convexity
    P_star = np.linalg.lstsq(A, Y, rcond=None)[0]
    # the minimizer closest to P: remove the null-space-free part of the difference
    D = vectors.T @ (P - P_star)
    D[eigenvalues > 1e-10] = 0
    P_close = P_star + vectors @ D
    R2 = np.sum((P - P_close) ** 2)
    assert R2 == pytest.approx(428.1, abs=0.1)
    assert f"{R2:.0f}" == glued(CHAPTER, "lg_R2")
    J_star = 0.5 * np.sum((A @ P_star - Y) ** 2) / n
    ratios = {}
    for k in range(1, 501):
        P = P - (1 / L) * A.T @ (A @ P - Y) / n
        gap = 0.5 * np.sum((A @ P - Y) ** 2) / n - J_star
        bound = L * R2 / (2 * k)
        assert gap <= bound
        ratios[k] = bound / gap
        if gap <= 0.02 and "first" not in ratios:
            ratios["first"] = k
    assert ratios["first"] == 450
    assert f"{ratios['first']}" == glued(CHAPTER, "lg_ex1_observed")
    assert 5000 < ratios[1] < 7000
    assert 200 < ratios[500] < 400
    assert f"{round(ratios[1], -2):.0f}" == glued(CHAPTER, "lg_ratio_first")
    assert f"{round(ratios[500], -1):.0f}" == glued(CHAPTER, "lg_ratio_last")
    k_bound = L * R2 / (2 * 0.02)
    assert f"{round(k_bound, -3):,.0f}".replace(",", " ") == glued(CHAPTER, "lg_ex1_bound")


def test_distance_is_dominated_by_tiny_curvature(least_squares):
    A, Y, P = least_squares
    H = A.T @ A / len(A)
    eigenvalues, vectors = np.linalg.eigh(H)
    P_star = np.linalg.lstsq(A, Y, rcond=None)[0]
    D = vectors.T @ (P - P_star)
    positive = eigenvalues > 1e-10
    R2_per = np.sum(D[positive] ** 2, axis=1)
    small = eigenvalues[positive] < 0.01 * eigenvalues[-1]
    assert R2_per[small].sum() / R2_per.sum() > 0.9


def test_slider_figure_start_crosses_the_ridge_between_0_12_and_0_14():
    # 60 steps from y0 = 1.5, as in the slider figure; x decouples from y
    ridge = np.sort(np.roots([4, 0, -4, TILT]).real)[1]
    assert 0.12 < ridge < 0.14 and ridge == pytest.approx(0.127, abs=5e-4)
    assert _gd_1d(0.12, TILT, steps=60) == pytest.approx(-1.057, abs=1e-3)
    assert _gd_1d(0.14, TILT, steps=60) == pytest.approx(0.930, abs=1e-3)
