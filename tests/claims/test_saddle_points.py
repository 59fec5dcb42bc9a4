"""Claims of book/part2/saddle-points: each number in the prose, checked independently.

Closed forms for the analytic saddles, a hand-written gradient-descent loop on
``net.loss_and_grad`` for the plateau, and a numerical integral of the joint
eigenvalue density for the 2 x 2 random-matrix fraction.
"""

import math

import numpy as np
import pytest

import dlopt

CHAPTER = "part2/saddle-points"


def test_gradient_descent_on_the_saddle_follows_the_closed_form(glued):
    # J = x^2 - y^2, eps = 0.1: x_k = 0.8^k, y_k = 0.01 * 1.2^k
    expected = {10: (0.1074, 0.0619), 20: (0.0115, 0.3834), 30: (0.0012, 2.3738)}
    for k, (x, y) in expected.items():
        assert 0.8**k == pytest.approx(x, abs=1e-4)
        assert 0.01 * 1.2**k == pytest.approx(y, abs=1e-4)
    assert f"{0.8**10:.2f}" == glued(CHAPTER, "sp_x10")
    assert f"{0.01 * 1.2**10:.2f}" == glued(CHAPTER, "sp_y10")


def test_plain_newton_lands_on_the_saddle_in_one_step():
    H = np.diag([2.0, -2.0])
    theta = np.array([1.0, 0.01])
    assert np.array_equal(theta - np.linalg.solve(H, H @ theta), [0.0, 0.0])


def _monkey_grad(theta):
    x, y = theta
    return np.array([3 * x**2 - 3 * y**2, -6 * x * y])


def test_newton_halves_the_distance_on_the_monkey_saddle():
    theta = np.array([0.3, 0.2])
    for _ in range(15):
        x, y = theta
        H = np.array([[6 * x, -6 * y], [-6 * y, -6 * x]])
        np.testing.assert_allclose(H @ theta, 2 * _monkey_grad(theta), rtol=1e-12)  # Euler
        new = theta - np.linalg.solve(H, _monkey_grad(theta))
        assert np.linalg.norm(new) / np.linalg.norm(theta) == pytest.approx(0.5, rel=1e-12)
        theta = new


def test_gradient_descent_leaves_the_monkey_saddle_near_60_degrees():
    theta = np.array([0.3, 0.2])
    for _ in range(15):
        theta = theta - 0.05 * _monkey_grad(theta)
    assert np.degrees(np.arctan2(theta[1], theta[0])) == pytest.approx(59.1, abs=0.05)
    # J = r^3 cos(3 phi) falls fastest where cos(3 phi) = -1
    for phi in (60, 180, 300):
        assert math.cos(3 * math.radians(phi)) == pytest.approx(-1.0)


def _plateau(scale, steps):
    moons = dlopt.data.two_moons(200, noise=0.1, seed=0)
    net = dlopt.nn.mlp([2, 8, 8, 8, 2], activation="tanh")
    theta = scale * net.init(np.random.default_rng(0))
    losses, norms = [], []
    for _ in range(steps + 1):
        value, g = net.loss_and_grad(theta, moons.X, moons.y)
        losses.append(value)
        norms.append(np.linalg.norm(g))
        theta = theta - 0.5 * g
    return np.array(losses), np.array(norms)


@pytest.fixture(scope="module")
def plateau():
    return _plateau(0.1, 500)


def test_plateau_at_ln_2_for_346_steps_then_a_drop(plateau, glued):
    losses, norms = plateau
    off = np.flatnonzero(np.abs(losses - np.log(2)) > 1e-3)[0]
    assert off == 346
    assert f"{off}" == glued(CHAPTER, "sp_plateau_steps")
    assert norms[0] == pytest.approx(5e-4, abs=3e-5)
    assert norms[200] == pytest.approx(1.09e-3, abs=1e-5)
    assert f"{norms[0]:.4f}" == glued(CHAPTER, "sp_norm_start")
    assert f"{norms[200]:.3f}" == glued(CHAPTER, "sp_norm_200")
    assert np.all(np.diff(norms[2 : off + 1]) > 0)  # grows steadily (after two steps)
    below = np.flatnonzero(losses < 0.35)[0]
    assert below == 399 and 24 <= below - off <= 60  # "a few dozen steps"
    assert losses[-1] == pytest.approx(0.2779, abs=1e-4)
    assert f"{losses[-1]:.2f}" == glued(CHAPTER, "sp_shelf")
    assert norms[-1] < norms[400:].max() / 10  # the second shelf: the gradient shrinks again


def test_plateau_length_against_the_initial_scale(glued):
    losses_big, norms_big = _plateau(0.2, 1000)
    losses_small, norms_small = _plateau(0.05, 1000)
    leaves = np.flatnonzero(np.abs(losses_big - np.log(2)) > 1e-3)[0]
    assert leaves == 58
    assert f"{leaves}" == glued(CHAPTER, "sp_ex2_leaves")
    assert np.all(np.abs(losses_small - np.log(2)) <= 1e-3)
    # the gradient shrinks roughly like the cube of the scale (three other weight layers)
    ratio = norms_big[0] / norms_small[0]  # the scale changes by 4: cube 64
    assert 30 < ratio < 80


def test_two_by_two_random_matrix_is_positive_definite_with_probability_2_minus_root_2_over_4():
    # joint density of the GOE eigenvalues: |l1 - l2| exp(-(l1^2 + l2^2) / 2)
    grid = (np.arange(-800, 800) + 0.5) * 0.01  # midpoints, none on the axes
    L1, L2 = np.meshgrid(grid, grid)
    density = np.abs(L1 - L2) * np.exp(-(L1**2 + L2**2) / 2)
    positive = density[(L1 > 0) & (L2 > 0)].sum() / density.sum()
    assert positive == pytest.approx((2 - np.sqrt(2)) / 4, abs=1e-3)
    assert (2 - np.sqrt(2)) / 4 == pytest.approx(0.146, abs=5e-4)


def test_random_matrix_fractions_against_coin_flips(glued):
    rng = np.random.default_rng(12345)  # another seed than the chapter's
    for n, low, high in [(1, 0.49, 0.51), (2, 0.14, 0.155), (5, 1e-4, 3e-4)]:
        A = rng.standard_normal((400_000, n, n))
        fraction = np.mean(np.linalg.eigvalsh((A + A.transpose(0, 2, 1)) / 2)[:, 0] > 0)
        assert low < fraction < high
        if n == 2:  # the chapter's 100 000 draws agree within their sampling error
            assert float(glued(CHAPTER, "sp_goe_2")) == pytest.approx(fraction, abs=0.01)
        if n == 5:
            assert 2.0**-5 / fraction > 100
            assert float(glued(CHAPTER, "sp_goe_5")) == pytest.approx(1e4 * fraction, abs=1)
            rarer = float(glued(CHAPTER, "sp_goe_5_rarer"))
            assert rarer == float(f"{rarer:.1g}")  # one significant digit, as the draws allow
            assert rarer > 100 and rarer == pytest.approx(2.0**-5 / fraction, rel=0.35)
    assert 2.0**-100 == pytest.approx(1e-30, rel=0.25)


def test_exercise_steps_near_the_saddle_and_damped_newton_factors(glued):
    k = math.ceil(math.log(1000) / math.log(1.2))
    assert k == 38 and 1.2**37 * 1e-3 < 1 < 1.2**38 * 1e-3
    assert f"{k}" == glued(CHAPTER, "sp_ex1_k")
    assert f"{0.8**k:.5f}" == glued(CHAPTER, "sp_ex1_x")
    for lam in (0.5, 1.5, 4.0):
        H = np.diag([2.0 + lam, lam - 2.0])
        y = np.array([0.0, 0.01])
        g = np.array([0.0, -2 * 0.01])
        assert (y - np.linalg.solve(H, g))[1] / 0.01 == pytest.approx(lam / (lam - 2))
        assert (abs(lam / (lam - 2)) > 1) == (lam > 1)


def test_exercise_saddle_free_newton_doubles_y():
    theta = np.array([1.0, 0.01])
    for _ in range(5):
        g = np.array([2 * theta[0], -2 * theta[1]])
        theta = theta - g / 2.0  # |H| = diag(2, 2)
    np.testing.assert_allclose(theta, [0.0, 0.32])


def test_zero_weights_are_a_critical_point_of_the_deep_tanh_network():
    moons = dlopt.data.two_moons(200, noise=0.1, seed=0)
    net = dlopt.nn.mlp([2, 8, 8, 8, 2], activation="tanh")
    assert np.sum(moons.y == 0) == np.sum(moons.y == 1)  # balanced classes
    value, g = net.loss_and_grad(np.zeros(net.size), moons.X, moons.y)
    assert value == pytest.approx(np.log(2))
    np.testing.assert_allclose(g, 0.0, atol=1e-15)  # zero up to rounding of the mean


@pytest.mark.parametrize(
    ("y0", "steps", "name"), [(0.01, 26, "sp_escape"), (1e-6, 76, "sp_escape_farther")]
)
def test_escape_time_grows_like_log_of_one_over_the_offset(y0, steps, name, glued):
    y, k = y0, 0
    while abs(y) <= 1:  # gradient descent on -y^2 with eps = 0.1
        y, k = y + 0.1 * 2 * y, k + 1
    assert k == steps == math.ceil(math.log(1 / y0) / math.log(1.2))
    assert f"{k}" == glued(CHAPTER, name)
