"""Claims of book/part3/momentum: each number in the prose, checked independently.

Runs are recomputed with a hand-written heavy-ball loop on the matrix A (not
``Momentum``/``minimize``), spectral radii from the quadratic formula for the
roots of z² − (1 + α − ελ)z + α (not ``np.linalg.eigvals``).
"""

import cmath
import math

import numpy as np
import pytest

from dlopt.problems import quadratic_with_condition


def _heavy_ball(A, theta0, eps, alpha, steps):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    out = [theta]
    for _ in range(steps):
        v = alpha * v - eps * (A @ theta)
        theta = theta + v
        out.append(theta)
    return np.array(out)


def _radius(eps, alpha, lam):
    """Largest |root| of z^2 - (1 + alpha - eps lam) z + alpha = 0."""
    p = 1 + alpha - eps * lam
    d = cmath.sqrt(p * p - 4 * alpha)
    return max(abs((p + d) / 2), abs((p - d) / 2))


@pytest.fixture(scope="module")
def valley():
    q = quadratic_with_condition(100.0, dim=2, seed=1)
    np.testing.assert_allclose(q.eigenvalues, [1.0, 100.0])
    return q


EPS_STAR, ALPHA_STAR = 4 / 121, (9 / 11) ** 2  # lambda 1 and 100: sqrt 1 and 10


def test_terminal_velocity():
    g = np.array([0.5, -1.0])
    assert np.linalg.norm(g) == pytest.approx(1.118, abs=5e-4)
    for alpha, factor in [(0.5, 2), (0.9, 10), (0.99, 100)]:
        assert 1 / (1 - alpha) == pytest.approx(factor)
        v, speeds = np.zeros(2), []
        for _ in range(600):
            v = alpha * v - 0.01 * g
            speeds.append(np.linalg.norm(v))
        terminal = 0.01 * np.linalg.norm(g) / (1 - alpha)
        k = np.arange(1, 601)
        np.testing.assert_allclose(speeds, terminal * (1 - alpha**k), rtol=1e-10)
        if alpha == 0.5:
            assert speeds[9] > 0.999 * terminal  # at its limit within ten steps
        if alpha == 0.99:
            assert speeds[599] / terminal == pytest.approx(0.998, abs=5e-4)  # not quite there


def test_momentum_needs_83_steps_where_gradient_descent_needs_691(valley):
    gd = _heavy_ball(valley.A, [1.0, 1.0], 2 / 101, 0.0, 800)
    hb = _heavy_ball(valley.A, [1.0, 1.0], EPS_STAR, ALPHA_STAR, 800)
    steps = []
    for path in (gd, hb):
        error = np.linalg.norm(path, axis=1) / math.sqrt(2)
        steps.append(int(np.argmax(error < 1e-6)))
    assert steps == [691, 83]
    assert steps[0] / steps[1] > 8


def test_optimal_parameters_and_rates(valley):
    lam_min, lam_max = valley.eigenvalues
    kappa = lam_max / lam_min
    sk = math.sqrt(kappa)
    assert 4 / (math.sqrt(lam_max) + math.sqrt(lam_min)) ** 2 == pytest.approx(EPS_STAR)
    assert ((sk - 1) / (sk + 1)) ** 2 == pytest.approx(ALPHA_STAR)
    assert EPS_STAR == pytest.approx(0.0331, abs=5e-5) and ALPHA_STAR == pytest.approx(
        0.6694, abs=5e-5
    )
    # the complex interval (1 - sqrt a)^2 < eps lam < (1 + sqrt a)^2 fits [lam_min, lam_max] exactly
    sa = math.sqrt(ALPHA_STAR)
    assert (1 - sa) ** 2 == pytest.approx(EPS_STAR * lam_min)
    assert (1 + sa) ** 2 == pytest.approx(EPS_STAR * lam_max)
    # inside it every eigenvalue converges at sqrt(alpha)
    for lam in np.linspace(lam_min, lam_max, 50):
        assert _radius(EPS_STAR, ALPHA_STAR, lam) == pytest.approx(sa, abs=1e-6)
    assert sa == pytest.approx(9 / 11) and round(9 / 11, 3) == 0.818
    assert (kappa - 1) / (kappa + 1) == pytest.approx(99 / 101) and round(99 / 101, 3) == 0.980
    assert round(math.log(1e-6) / math.log(9 / 11)) == 69
    assert round(math.log(1e-6) / math.log(99 / 101)) == 691
    # no (eps, alpha) on a fine grid beats sqrt(alpha*)
    best = min(
        max(_radius(e, a, lam_min), _radius(e, a, lam_max))
        for e in np.linspace(0.001, 0.045, 221)
        for a in np.linspace(0.0, 0.99, 199)
    )
    assert best >= sa - 1e-9
    assert best < sa + 0.005


def test_momentum_raises_the_stable_learning_rate(valley):
    lam_max = valley.eigenvalues[-1]
    for alpha in (0.0, 0.5, 0.9):
        limit = 2 * (1 + alpha) / lam_max
        assert _radius(0.99 * limit, alpha, lam_max) < 1 < _radius(1.01 * limit, alpha, lam_max)
    # eps* exceeds gradient descent's limit 2/lambda_max = 0.02; alpha must pass 0.653
    assert EPS_STAR > 2 / lam_max
    threshold = EPS_STAR * lam_max / 2 - 1
    assert threshold == pytest.approx(0.653, abs=5e-4)
    assert _radius(EPS_STAR, 0.65, lam_max) > 1 > _radius(EPS_STAR, 0.66, lam_max)


def test_measured_rates_agree_with_the_spectral_radius(valley):
    lam_min, lam_max = valley.eigenvalues
    for eps, alpha in [
        (0.01, 0.5),
        (0.015, 0.0),
        (0.03, 0.8),
        (EPS_STAR, ALPHA_STAR),
        (0.03, 0.95),
        (0.002, 0.9),
    ]:
        predicted = max(_radius(eps, alpha, lam_min), _radius(eps, alpha, lam_max))
        error = np.linalg.norm(_heavy_ball(valley.A, [1.0, 1.0], eps, alpha, 150), axis=1)
        measured = (error[150] / error[50]) ** (1 / 100)
        gap = abs(measured - predicted)
        optimum = eps == EPS_STAR
        assert gap < (0.01 if optimum else 0.0025), (eps, alpha, measured, predicted)
        if optimum:
            assert measured > predicted  # the factor k of the double root


def test_too_much_momentum_spirals(valley):
    A = valley.A
    J = lambda path: 0.5 * np.einsum("ki,ij,kj->k", path, A, path)  # noqa: E731
    heavy = J(_heavy_ball(A, [1.0, 1.0], EPS_STAR, 0.99, 300))
    plain = J(_heavy_ball(A, [1.0, 1.0], 2 / 101, 0.0, 300))
    assert heavy[300] > 100 * plain[300]
    rises = int(np.sum(np.diff(heavy) > 0))
    assert 130 <= rises <= 170  # about half of the 300 steps
    assert math.sqrt(0.99) == pytest.approx(0.995, abs=5e-4)


def test_exercise_numbers():
    # terminal velocity 0.2 reached to 99% at step 44
    assert 0.01 * 2 / 0.1 == pytest.approx(0.2)
    assert math.ceil(math.log(0.01) / math.log(0.9)) == 44
    # kappa = 25
    assert 4 / 36 == pytest.approx(1 / 9) and (4 / 6) ** 2 == pytest.approx(4 / 9)
    assert _radius(1 / 9, 4 / 9, 1.0) == pytest.approx(2 / 3) == _radius(1 / 9, 4 / 9, 25.0)
    assert 24 / 26 == pytest.approx(0.923, abs=5e-4)
    assert round(math.log(1e-6) / math.log(2 / 3)) == 34
    assert round(math.log(1e-6) / math.log(12 / 13)) == 173
    error = np.linalg.norm(_heavy_ball(np.diag([1.0, 25.0]), [1.0, 1.0], 1 / 9, 4 / 9, 60), axis=1)
    assert (error[60] / error[30]) ** (1 / 30) == pytest.approx(0.68, abs=0.005)


def test_static_slider_frames(valley):
    final = {}
    for alpha in (0.0, 0.5, 0.66, 0.67, 0.75, 0.85, 0.95, 0.99):
        with np.errstate(over="ignore", invalid="ignore"):
            theta = _heavy_ball(valley.A, [1.0, 1.0], EPS_STAR, alpha, 100)[-1]
        final[alpha] = 0.5 * theta @ valley.A @ theta if np.all(np.isfinite(theta)) else np.inf
    assert final[0.0] > 1e6 and final[0.5] > 1e6  # diverge: eps* is above their limit
    converging = {a: j for a, j in final.items() if a >= 0.66}
    assert min(converging, key=converging.get) == 0.67  # the frame next to alpha* = 0.669
    assert final[0.67] < final[0.75] < final[0.85] < final[0.95] < final[0.99]
