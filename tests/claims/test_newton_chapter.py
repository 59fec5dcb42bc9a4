"""Claims of book/part3/newton: each number in the prose, checked independently.

Newton steps are recomputed with a hand-written loop and the Rosenbrock
gradient and Hessian written out here (not ``dlopt.optim.Newton``); the damped
saddle uses its closed form; the costs are plain arithmetic and parameter
counts from the layer sizes.
"""

import itertools
import math

import numpy as np
import pytest

from dlopt.problems import quadratic_with_condition


def _rosenbrock(th):
    x, y = th
    g = np.array([-400 * x * (y - x * x) - 2 * (1 - x), 200 * (y - x * x)])
    H = np.array([[1200 * x * x - 400 * y + 2, -400 * x], [-400 * x, 200.0]])
    return g, H


def _newton(theta0, steps, damping=0.0, damp=False, gtol=None):
    """Damped Newton; with damp=True, lambda is raised so the smallest eigenvalue is 1e-3*scale."""
    theta = np.array(theta0, dtype=float)
    out = [theta]
    for _ in range(steps):
        g, H = _rosenbrock(theta)
        if gtol is not None and np.linalg.norm(g) < gtol:
            break
        lam = damping
        eig = np.linalg.eigvalsh(H)
        scale = max(1.0, np.abs(eig).max())
        if damp and eig[0] + lam <= 2 * np.finfo(float).eps * scale:
            lam += 1e-3 * scale - (eig[0] + lam)
        theta = theta - np.linalg.solve(H + lam * np.eye(2), g)
        out.append(theta)
    return np.array(out)


def test_one_step_on_a_quadratic():
    A = quadratic_with_condition(100.0, dim=2, seed=1).A
    b = np.array([1.0, -2.0])
    star = np.linalg.solve(A, b)
    np.testing.assert_allclose(star, [-0.4618, -0.4712], atol=5e-5)
    theta = np.array([3.0, 3.0])
    one = theta - np.linalg.solve(A, A @ theta - b)
    assert np.linalg.norm(one - star) < 1e-14
    for _ in range(100):  # gradient descent with 2 / (1 + 100)
        theta = theta - 2 / 101 * (A @ theta - b)
    assert np.linalg.norm(theta - star) == pytest.approx(0.663, abs=0.001)


def test_quadratic_convergence_on_rosenbrock():
    e = np.linalg.norm(_newton([1.2, 1.2], 6) - 1.0, axis=1)
    assert e[1] > e[0]  # the error grew at first (0.28 -> 0.47)
    assert (round(e[0], 2), round(e[1], 2)) == (0.28, 0.47)
    digits = -np.log10(e[2:6])
    np.testing.assert_allclose(digits, [1.4, 2.9, 6.5, 13.0], atol=0.05)  # they double
    ratios = e[2:6] / e[1:5] ** 2
    assert 0.16 < ratios.min() and ratios.max() < 0.95  # of order one
    assert np.all(_newton([1.2, 1.2], 6)[6] == 1.0)  # exactly (1, 1) at step 6
    lam_max = np.linalg.eigvalsh(_rosenbrock(np.array([1.0, 1.0]))[1]).max()
    assert lam_max == pytest.approx(1002, abs=0.5)  # so the rate must stay below about 0.002
    assert 2 / lam_max == pytest.approx(0.002, abs=1e-5)
    theta = np.array([1.2, 1.2])
    for _ in range(6):  # gradient descent with 0.001 has barely moved
        theta = theta - 0.001 * _rosenbrock(theta)[0]
    assert np.linalg.norm(theta - 1) == pytest.approx(0.2601, abs=1e-4)  # from 0.2828


def test_damped_newton_on_the_saddle():
    # J = x^2 - y^2, H + lam I = diag(2 + lam, lam - 2): x *= lam/(lam+2), y *= lam/(lam-2)
    for lam in [0.0, 0.5, 1.0, 1.5, 3.0, 10.0]:
        x, y = 1.0, 0.5
        x1 = x - 2 * x / (2 + lam)
        y1 = y + 2 * y / (lam - 2)
        assert x1 == pytest.approx(lam / (lam + 2) * x)
        assert y1 == pytest.approx(lam / (lam - 2) * y)
    factor = lambda lam: abs(lam / (lam - 2))  # noqa: E731
    assert all(factor(lam) < 1 for lam in np.linspace(0, 0.999, 50))  # captured below 1
    assert factor(1.0) == 1.0  # bounces
    assert all(factor(lam) > 1 for lam in [1.01, 1.5, 1.99, 2.01, 3, 10, 100])  # escapes
    assert 0.5 * 3**10 == pytest.approx(2.952e4, rel=1e-3)  # |y| after 10 steps, lambda 3 (and 1.5)
    assert 0.5 * 1.25**10 == pytest.approx(4.657, abs=1e-3)  # lambda 10
    assert 0.5 * (1 / 3) ** 10 == pytest.approx(8.468e-6, rel=1e-3)  # lambda 0.5
    # on_indefinite="damp": smallest eigenvalue -2 lifted to 1e-3 * max|eig| = 0.002
    lam_min = -2.0
    assert -lam_min + 1e-3 * 2.0 == pytest.approx(2.002)
    assert [0.5 * 3**k for k in (1, 2, 3)] == [1.5, 4.5, 13.5]  # exercise 2


def test_damping_slows_rosenbrock():
    counts = [
        len(_newton([-1.2, 1.0], 2000, lam, damp=True, gtol=1e-8)) - 1 for lam in (0, 0.1, 1, 10)
    ]
    assert counts == [6, 17, 60, 452]


def test_costs():
    sizes = lambda layers: sum(m * n + n for m, n in itertools.pairwise(layers))  # noqa: E731
    assert sizes([64, 32, 10]) == 2410
    assert sizes([784, 256, 10]) == 203_530
    assert sizes([784, 512, 512, 10]) == 669_706
    assert 8 * 2410**2 / 1e6 == pytest.approx(46.5, abs=0.1)  # 46 MB
    assert 2 / 3 * 2410**3 == pytest.approx(9.3e9, rel=0.01)
    assert 8 * 203_530**2 / 1e9 == pytest.approx(331, abs=0.5)  # 331 GB
    assert 8 * (10**6) ** 2 / 1e12 == 8.0  # 8 TB
    flops = 2 / 3 * 1e18
    assert flops == pytest.approx(7e17, rel=0.05)
    assert flops / 1e12 / 86400 == pytest.approx(7.7, abs=0.1)  # about eight days
    assert 8 * 669_706**2 / 1e12 == pytest.approx(3.59, abs=0.01)
    assert 2 / 3 * 669_706**3 == pytest.approx(2.0e17, rel=0.01)
    # inversion costs about 2d^3 (LU, then d solves), so a solve is a third of it
    assert (2 / 3) / 2 == pytest.approx(1 / 3)


def test_pseudo_inverse():
    H = np.diag([1.0, 0.0])
    g = H @ np.array([3.0, 2.0]) - np.array([1.0, 0.0])
    step = np.linalg.pinv(H) @ g
    np.testing.assert_allclose(np.array([3.0, 2.0]) - step, [1.0, 2.0])
    H = np.diag([2.0, -2.0])  # the saddle: pinv is the inverse, the step lands on (0, 0)
    theta = np.array([1.0, 0.5])
    np.testing.assert_allclose(theta - np.linalg.pinv(H) @ (H @ theta), [0.0, 0.0], atol=1e-15)
    assert math.isclose(np.linalg.det(H), -4.0)
