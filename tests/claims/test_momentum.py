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


def test_terminal_velocity(glued):
    g = np.array([0.5, -1.0])
    assert f"{math.hypot(*g):.3f}" == glued("part3/momentum", "mom_g_norm")
    for alpha, factor in [(0.5, 2), (0.9, 10), (0.99, 100)]:
        v, speeds = np.zeros(2), []
        for _ in range(5000):
            v = alpha * v - 0.01 * g
            speeds.append(np.linalg.norm(v))
        terminal = 0.01 * np.linalg.norm(g) / (1 - alpha)
        k = np.arange(1, 5001)
        np.testing.assert_allclose(speeds, terminal * (1 - alpha**k), rtol=1e-10)
        # in the end momentum multiplies the gradient step eps |g| by 1 / (1 - alpha)
        assert speeds[-1] / (0.01 * np.linalg.norm(g)) == pytest.approx(factor, rel=1e-12)
        if alpha == 0.5:
            assert speeds[9] > 0.999 * terminal  # at its limit within ten steps
        if alpha == 0.99:
            assert speeds[599] / terminal < 0.999  # not quite there after 600 steps
            assert f"{speeds[599] / terminal:.3f}" == glued("part3/momentum", "mom_fraction_600")


def test_momentum_needs_83_steps_where_gradient_descent_needs_691(valley, glued):
    gd = _heavy_ball(valley.A, [1.0, 1.0], 2 / 101, 0.0, 800)
    hb = _heavy_ball(valley.A, [1.0, 1.0], EPS_STAR, ALPHA_STAR, 800)
    steps = []
    for path in (gd, hb):
        error = np.linalg.norm(path, axis=1) / math.sqrt(2)
        steps.append(int(np.argmax(error < 1e-6)))
    assert [str(s) for s in steps] == [
        glued("part3/momentum", "mom_gd_steps"),
        glued("part3/momentum", "mom_steps"),
    ]
    assert f"{steps[0] / steps[1]:.1f}" == glued("part3/momentum", "mom_speedup")
    assert steps[0] / steps[1] > 8


def test_optimal_parameters_and_rates(valley, glued):
    lam_min, lam_max = valley.eigenvalues
    kappa = lam_max / lam_min
    sk = math.sqrt(kappa)
    assert 4 / (math.sqrt(lam_max) + math.sqrt(lam_min)) ** 2 == pytest.approx(EPS_STAR)
    assert ((sk - 1) / (sk + 1)) ** 2 == pytest.approx(ALPHA_STAR)
    assert f"{EPS_STAR:.3f}" == glued("part3/momentum", "mom_eps_star")
    # the complex interval (1 - sqrt a)^2 < eps lam < (1 + sqrt a)^2 fits [lam_min, lam_max] exactly
    sa = math.sqrt(ALPHA_STAR)
    assert (1 - sa) ** 2 == pytest.approx(EPS_STAR * lam_min)
    assert (1 + sa) ** 2 == pytest.approx(EPS_STAR * lam_max)
    # inside it every eigenvalue converges at sqrt(alpha)
    for lam in np.linspace(lam_min, lam_max, 50):
        assert _radius(EPS_STAR, ALPHA_STAR, lam) == pytest.approx(sa, abs=1e-6)
    gd = _radius(2 / (lam_min + lam_max), 0.0, lam_min)  # gradient descent is alpha = 0
    assert gd == pytest.approx(_radius(2 / (lam_min + lam_max), 0.0, lam_max))
    assert f"{sa:.3f}" == glued("part3/momentum", "mom_rate_star")
    assert f"{gd:.3f}" == glued("part3/momentum", "mom_rate_gd")
    # steps to gain 1e-6: the smallest k with rate^k < 1e-6, rounded as the text rounds
    assert f"{math.log(1e-6) / math.log(sa):.0f}" == glued("part3/momentum", "mom_theory_steps")
    assert f"{math.log(1e-6) / math.log(gd):.0f}" == glued("part3/momentum", "mom_theory_gd_steps")
    # no (eps, alpha) on a fine grid beats sqrt(alpha*)
    best = min(
        max(_radius(e, a, lam_min), _radius(e, a, lam_max))
        for e in np.linspace(0.001, 0.045, 221)
        for a in np.linspace(0.0, 0.99, 199)
    )
    assert best >= sa - 1e-9
    assert best < sa + 0.005
    # on the notebook's grid the best rate is tied along one row of alpha: sqrt(alpha) for every
    # eps that keeps both extreme eigenvalues in the complex regime
    eps_grid, alpha_grid = np.linspace(0.0005, 0.045, 240), np.linspace(0.0, 0.99, 199)
    rate = np.array(
        [
            [max(_radius(e, a, lam_min), _radius(e, a, lam_max)) for e in eps_grid]
            for a in alpha_grid
        ]
    )
    rows, cols = np.nonzero(rate < rate.min() + 1e-9)
    assert len(set(rows)) == 1 and len(cols) > 1
    assert rate.min() == pytest.approx(math.sqrt(alpha_grid[rows[0]]), abs=1e-12)
    assert eps_grid[cols].min() < EPS_STAR < eps_grid[cols].max() + 1e-3


def test_momentum_raises_the_stable_learning_rate(valley, glued):
    lam_max = valley.eigenvalues[-1]
    for alpha in (0.0, 0.5, 0.9):
        limit = 2 * (1 + alpha) / lam_max
        assert _radius(0.99 * limit, alpha, lam_max) < 1 < _radius(1.01 * limit, alpha, lam_max)
    # eps* exceeds gradient descent's limit 2/lambda_max = 0.02; alpha must pass 0.653
    assert EPS_STAR > 2 / lam_max
    threshold = EPS_STAR * lam_max / 2 - 1
    assert f"{threshold:.3f}" == glued("part3/momentum", "mom_alpha_min")
    assert _radius(EPS_STAR, 0.65, lam_max) > 1 > _radius(EPS_STAR, 0.66, lam_max)


def test_measured_rates_agree_with_the_spectral_radius(valley, glued):
    lam_min, lam_max = valley.eigenvalues
    gaps = {}
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
        gap = gaps[eps, alpha] = abs(measured - predicted)
        optimum = eps == EPS_STAR
        assert gap < (0.01 if optimum else 0.0025), (eps, alpha, measured, predicted)
        if optimum:
            assert measured > predicted  # the factor k of the double root
    at_optimum = gaps.pop((EPS_STAR, ALPHA_STAR))
    assert f"{at_optimum:.4f}" == glued("part3/momentum", "mom_gap_opt")
    assert f"{max(gaps.values()):.4f}" == glued("part3/momentum", "mom_gap_rest")


def test_too_much_momentum_spirals(valley, glued):
    A = valley.A
    J = lambda path: 0.5 * np.einsum("ki,ij,kj->k", path, A, path)  # noqa: E731
    heavy = J(_heavy_ball(A, [1.0, 1.0], EPS_STAR, 0.99, 300))
    plain = J(_heavy_ball(A, [1.0, 1.0], 2 / 101, 0.0, 300))
    assert heavy[300] > 100 * plain[300]
    rises = int(np.sum(np.diff(heavy) > 0))
    assert 130 <= rises <= 170  # about half of the 300 steps
    assert str(rises) == glued("part3/momentum", "mom_rises")


def test_a_smaller_eps_does_not_cure_too_much_momentum(glued):
    # with alpha = 0.99 kept, no eps makes the slow direction (lambda = 1) faster than sqrt(alpha)
    alpha = 0.99
    grid = np.geomspace(1e-7, EPS_STAR, 2000)
    radii = np.array([_radius(eps, alpha, 1.0) for eps in grid])
    assert np.all(radii >= math.sqrt(alpha) - 1e-12)
    assert f"{math.sqrt(alpha):.3f}" == "0.995"
    # the largest eps with real roots there, found on the grid from the discriminant
    real = grid[(1 + alpha - grid) ** 2 >= 4 * alpha]
    largest = real.max()
    assert 2.4e-5 < largest < 2.6e-5  # (1 - sqrt(0.99))^2 = 2.5e-5
    ratio = EPS_STAR / largest
    assert 1250 < ratio < 1350  # about 1300 times smaller than eps*
    assert glued("part3/momentum", "mom_heavy_eps_ratio") == "1,300"


def test_exercise_numbers(glued):
    # terminal velocity 0.2 reached to 99% at step 44: a velocity loop on the gradient (0, -2)
    v, k = np.zeros(2), 0
    while np.linalg.norm(v) < 0.99 * 0.2:
        v, k = 0.9 * v - 0.01 * np.array([0.0, -2.0]), k + 1
    assert str(k) == glued("part3/momentum", "mom_ex2_step")
    # kappa = 25: eps* = 1/9 and alpha* = 4/9 give the rate 2/3 at both ends of the spectrum
    assert _radius(1 / 9, 4 / 9, 1.0) == pytest.approx(2 / 3) == _radius(1 / 9, 4 / 9, 25.0)
    assert _radius(2 / 26, 0.0, 1.0) == pytest.approx(12 / 13)  # gradient descent
    error = np.linalg.norm(_heavy_ball(np.diag([1.0, 25.0]), [1.0, 1.0], 1 / 9, 4 / 9, 60), axis=1)
    measured = (error[60] / error[30]) ** (1 / 30)
    assert 2 / 3 < measured < 0.7  # a little above 2/3: the factor k of the double root
    assert f"{measured:.2f}" == glued("part3/momentum", "mom_ex3_rate")


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
