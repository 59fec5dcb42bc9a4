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

CHAPTER = "part3/newton"
SUPERSCRIPTS = dict(zip("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹", strict=True))


def _prose(x):
    """x as the prose writes it with one significant digit, e.g. 6.67e17 -> "7·10¹⁷"."""
    exponent = math.floor(math.log10(x))
    mantissa = round(x / 10**exponent)
    if mantissa == 10:
        mantissa, exponent = 1, exponent + 1
    return f"{mantissa}·10" + "".join(SUPERSCRIPTS[c] for c in str(exponent))


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


def test_one_step_on_a_quadratic(glued):
    A = quadratic_with_condition(100.0, dim=2, seed=1).A
    b = np.array([1.0, -2.0])
    star = np.linalg.solve(A, b)
    np.testing.assert_allclose(star, [-0.4618, -0.4712], atol=5e-5)
    theta = np.array([3.0, 3.0])
    one = theta - np.linalg.solve(A, A @ theta - b)
    assert np.linalg.norm(one - star) < 1e-12
    assert glued(CHAPTER, "newton_one_error") == "below 1e-12"
    for _ in range(100):  # gradient descent with 2 / (1 + 100)
        theta = theta - 2 / 101 * (A @ theta - b)
    assert glued(CHAPTER, "newton_gd_error") == f"{np.linalg.norm(theta - star):.2f}"  # 0.66


def test_quadratic_convergence_on_rosenbrock(glued):
    e = np.linalg.norm(_newton([1.2, 1.2], 6) - 1.0, axis=1)
    assert e[1] > e[0]  # the error grew at first (0.28 -> 0.47)
    assert glued(CHAPTER, "newton_error_0") == f"{e[0]:.2f}"
    assert glued(CHAPTER, "newton_error_1") == f"{e[1]:.2f}"
    digits = -np.log10(e[2:6])
    assert np.all(digits[1:] > 1.8 * digits[:-1])  # they (about) double
    assert glued(CHAPTER, "newton_digits") == " → ".join(f"{d:.1f}" for d in digits)
    ratios = e[2:6] / e[1:5] ** 2
    assert 0.1 < ratios.min() and ratios.max() < 1  # of order one
    assert glued(CHAPTER, "newton_ratio_min") == f"{ratios.min():.1f}"
    assert glued(CHAPTER, "newton_ratio_max") == f"{ratios.max():.1f}"
    assert np.all(_newton([1.2, 1.2], 6)[6] == 1.0)  # exactly (1, 1) at step 6
    # the Hessian at (1, 1) is [[802, -400], [-400, 200]]: its eigenvalues in closed form
    lam_max = 501 + math.sqrt(301**2 + 400**2)
    assert glued(CHAPTER, "newton_lam_max") == f"{lam_max:.0f}"  # 1002
    assert glued(CHAPTER, "newton_gd_rate") == f"{2 / lam_max:.3f}"  # the rate stays below 0.002
    theta = np.array([1.2, 1.2])
    for _ in range(6):  # gradient descent with 0.001 has barely moved
        theta = theta - 0.001 * _rosenbrock(theta)[0]
    assert np.linalg.norm(theta - 1) == pytest.approx(0.2601, abs=1e-4)  # from 0.2828


def test_damped_newton_on_the_saddle(glued):
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
    assert -lam_min + 1e-3 * 2.0 == pytest.approx(2.002)  # the chapter prints 2.002
    y = [0.5 * 3**k for k in (1, 2, 3)]  # exercise 2: lambda = 3 triples |y|
    assert y[1] < 10 < y[2] and glued(CHAPTER, "newton_ex2_y3") == f"{y[2]:g}"  # 13.5


def test_damping_slows_rosenbrock(glued):
    # not chaotic: damped Newton contracts, and starts moved by 1e-15 give the same counts
    names = ["newton_damped_0", "newton_damped_0_1", "newton_damped_1", "newton_damped_10"]
    for lam, name in zip((0, 0.1, 1, 10), names, strict=True):
        steps = len(_newton([-1.2, 1.0], 2000, lam, damp=True, gtol=1e-8)) - 1
        assert glued(CHAPTER, name) == f"{steps}"  # 6, 17, 60, 452


def test_costs(glued):
    sizes = lambda layers: sum(m * n + n for m, n in itertools.pairwise(layers))  # noqa: E731
    small, mnist, million = sizes([64, 32, 10]), sizes([784, 256, 10]), 10**6
    assert glued(CHAPTER, "newton_small_d") == f"{small}"  # 2410
    assert glued(CHAPTER, "newton_small_mb") == f"{round(8 * small**2 / 1e6)}"  # 46 MB
    # a dense solve (LU) costs about 2/3 d^3 operations
    assert glued(CHAPTER, "newton_small_flops") == _prose(2 / 3 * small**3)  # 9·10⁹
    assert glued(CHAPTER, "newton_mnist_gb") == f"{round(8 * mnist**2 / 1e9)}"  # 331 GB
    assert glued(CHAPTER, "newton_million_tb") == f"{round(8 * million**2 / 1e12)}"  # 8 TB
    flops = 2 / 3 * million**3
    assert glued(CHAPTER, "newton_million_flops") == _prose(flops)  # 7·10¹⁷
    days = flops / 1e12 / (24 * 3600)  # at 10^12 operations per second
    assert glued(CHAPTER, "newton_million_days") == f"{round(days)}"  # about 8 days
    d = sizes([784, 512, 512, 10])  # exercise 3
    assert glued(CHAPTER, "newton_ex3_d") == f"{d:,}"  # 669,706
    assert glued(CHAPTER, "newton_ex3_entries").startswith(f"{d**2 / 1e11:.2f}·10")
    assert glued(CHAPTER, "newton_ex3_tb") == f"{8 * d**2 / 1e12:.1f}"  # 3.6 TB
    assert glued(CHAPTER, "newton_ex3_flops") == _prose(2 / 3 * d**3)  # 2·10¹⁷


def test_pseudo_inverse(glued):
    # the minimum-norm step on J = x²/2 - x: x jumps to its minimum 1, y (flat) does not move
    assert (glued(CHAPTER, "newton_flat_x"), glued(CHAPTER, "newton_flat_y")) == ("1", "2")
    H = np.diag([1.0, 0.0])
    g = H @ np.array([3.0, 2.0]) - np.array([1.0, 0.0])
    step = np.linalg.lstsq(H, g, rcond=None)[0]
    np.testing.assert_allclose(np.array([3.0, 2.0]) - step, [1.0, 2.0])
    H = np.diag([2.0, -2.0])  # the saddle: pinv is the inverse, the step lands on (0, 0)
    theta = np.array([1.0, 0.5])
    np.testing.assert_allclose(theta - np.linalg.pinv(H) @ (H @ theta), [0.0, 0.0], atol=1e-15)
    assert math.isclose(np.linalg.det(H), -4.0)
