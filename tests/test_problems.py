"""Objectives: values, gradients and Hessians against independent facts."""

import numpy as np
import pytest

from dlopt.problems import (
    Beale,
    Cliff,
    MonkeySaddle,
    Quadratic,
    Rosenbrock,
    Saddle,
    TiltedDoubleWell,
    quadratic_with_condition,
)


def numerical_gradient(f, theta, h=1e-6):
    e = np.eye(len(theta))
    return np.array(
        [(f(theta + h * e[i]) - f(theta - h * e[i])) / (2 * h) for i in range(len(theta))]
    )


def numerical_jacobian(grad, theta, h=1e-6):
    e = np.eye(len(theta))
    return np.column_stack(
        [(grad(theta + h * e[i]) - grad(theta - h * e[i])) / (2 * h) for i in range(len(theta))]
    )


PROBLEMS = {
    "quadratic-indefinite": Quadratic(
        np.array([[2.0, 1.0, 0], [1.0, -1.0, 0], [0, 0, 3]]), [1, 2, 3]
    ),
    "quadratic-kappa": quadratic_with_condition(30.0, dim=2, seed=4),
    "rosenbrock-2": Rosenbrock(),
    "rosenbrock-5": Rosenbrock(dim=5),
    "rosenbrock-3-a": Rosenbrock(dim=3, a=0.5, b=10.0),
    "beale": Beale(),
    "saddle": Saddle(),
    "monkey-saddle": MonkeySaddle(),
    "cliff": Cliff(),
    "cliff-soft": Cliff(height=3.0, width=0.5, position=0.5),
    "double-well": TiltedDoubleWell(),
    "double-well-steep": TiltedDoubleWell(tilt=1.2),
}
TWO_D = [name for name, p in PROBLEMS.items() if p.dim == 2]


def sample_points(problem, n=4, seed=0):
    points = list(np.random.default_rng(seed).uniform(-2, 2, size=(n, problem.dim)))
    if isinstance(problem, Cliff):  # on the wall itself, where the derivatives are largest
        points += [np.array([problem.position + 0.3 * problem.width, 0.7])]
    return points


@pytest.mark.parametrize("name", PROBLEMS)
def test_gradient_and_hessian_match_finite_differences(name):
    p = PROBLEMS[name]
    for theta in sample_points(p):
        g, H = p.grad(theta), p.hessian(theta)
        scale = 1 + np.abs(g).max()
        np.testing.assert_allclose(g, numerical_gradient(p.value, theta), atol=1e-6 * scale)
        H_fd = numerical_jacobian(p.grad, theta)
        np.testing.assert_allclose(H, H_fd, rtol=1e-6, atol=1e-6 * (1 + np.abs(H).max()))
        np.testing.assert_array_equal(H, H.T)
        value, grad = p.value_and_grad(theta)
        assert value == p.value(theta)
        np.testing.assert_array_equal(grad, g)


@pytest.mark.parametrize("name", PROBLEMS)
def test_dtype_follows_floating_input_and_shape_is_checked(name):
    p = PROBLEMS[name]
    theta = np.ones(p.dim) * 0.5
    g32 = p.grad(theta.astype(np.float32))
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, p.grad(theta), rtol=1e-6)
    assert p.grad(np.ones(p.dim, dtype=int)).dtype == np.float64
    assert isinstance(p.value(theta.astype(np.float32)), float)
    with pytest.raises(ValueError, match=rf"theta must have shape \({p.dim},\), got shape"):
        p.value(np.ones(p.dim + 1))


@pytest.mark.parametrize("name", PROBLEMS)
def test_critical_points_have_zero_gradient_and_hessian_of_their_kind(name):
    p = PROBLEMS[name]
    for theta, kind in p.critical_points:
        np.testing.assert_allclose(p.grad(theta), 0, atol=1e-12)
        lam = np.linalg.eigvalsh(p.hessian(theta))
        expected = {
            "global minimum": lam[0] > 0,
            "local minimum": lam[0] > 0,
            "maximum": lam[-1] < 0,
            "saddle": lam[0] < 0 < lam[-1],
            "degenerate": np.any(np.abs(lam) < 1e-12),
        }
        assert expected[kind], (kind, lam)
    minimizers = [theta for theta, kind in p.critical_points if kind == "global minimum"]
    assert len(minimizers) == len(p.minimizers)
    # a global minimizer is at least as low as every sampled point and every critical point
    others = sample_points(p, n=200, seed=1) + [theta for theta, _ in p.critical_points]
    for theta in p.minimizers:
        assert p.value(theta) <= min(p.value(t) for t in others) + 1e-12


@pytest.mark.parametrize("name", TWO_D)
def test_value_grid_equals_pointwise_values(name):
    p = PROBLEMS[name]
    X, Y = np.meshgrid(np.linspace(-2, 3, 5), np.linspace(-1, 2, 4))
    Z = p.value_grid(X, Y)
    assert Z.shape == (4, 5)
    expected = [
        [p.value([x, y]) for x, y in zip(xr, yr, strict=True)] for xr, yr in zip(X, Y, strict=True)
    ]
    np.testing.assert_allclose(Z, expected, rtol=1e-13, atol=1e-13)


def test_value_grid_needs_two_dimensions():
    with pytest.raises(ValueError, match="value_grid needs a 2-D objective, got dim=5"):
        Rosenbrock(dim=5).value_grid(np.zeros(3), np.zeros(3))


def test_quadratic_value_gradient_minimizer():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -1.0])
    q = Quadratic(A, b)
    theta = np.array([0.3, -0.7])
    assert q.value(theta) == pytest.approx(0.5 * theta @ A @ theta - b @ theta)
    np.testing.assert_allclose(q.grad(theta), numerical_gradient(q.value, theta), rtol=1e-7)
    np.testing.assert_allclose(q.minimizer, [0.6, -0.8])  # solved by hand: 3x+y=1, x+2y=-1
    np.testing.assert_allclose(q.grad(q.minimizer), 0, atol=1e-14)
    np.testing.assert_array_equal(q.hessian(), A)


def test_quadratic_critical_point_kinds():
    assert Quadratic(np.diag([1.0, -1.0])).critical_points[0].kind == "saddle"
    assert Quadratic(-np.eye(2)).critical_points[0].kind == "maximum"
    assert Quadratic(np.diag([1.0, 0.0])).critical_points == ()
    assert Quadratic(np.diag([1.0, -1.0])).minimizers == ()


def test_quadratic_rejects_bad_matrices():
    with pytest.raises(ValueError, match="square"):
        Quadratic(np.ones((2, 3)))
    with pytest.raises(ValueError, match="symmetric"):
        Quadratic(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match=r"b must have shape \(2,\)"):
        Quadratic(np.eye(2), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="not positive definite"):
        _ = Quadratic(np.diag([1.0, -1.0])).minimizer


def test_conditioned_quadratic_spectrum_is_log_uniform():
    q = quadratic_with_condition(1e4, dim=5, seed=0)
    np.testing.assert_allclose(q.eigenvalues, [1, 10, 100, 1000, 10000], rtol=1e-9)
    with pytest.raises(ValueError, match=r"kappa must be >= 1, got kappa=0\.5"):
        quadratic_with_condition(0.5)


def test_rosenbrock_hand_values():
    r = Rosenbrock()
    assert r.value([0.0, 0.0]) == 1.0  # (1 - 0)^2
    assert r.value([-1.0, 1.0]) == 4.0  # 100 (1 - 1)^2 + (1 + 1)^2
    assert Rosenbrock(dim=6).value(np.zeros(6)) == 5.0  # five terms of (1 - 0)^2
    np.testing.assert_array_equal(r.minimizer, [1.0, 1.0])
    np.testing.assert_array_equal(r.hessian([1.0, 1.0]), [[802.0, -400.0], [-400.0, 200.0]])
    # the docstring's "condition number about 2508": (501 + sqrt(250601)) / (501 - sqrt(250601))
    assert np.linalg.cond(r.hessian([1.0, 1.0])) == pytest.approx(2508.0, abs=0.5)
    np.testing.assert_array_equal(Rosenbrock(dim=4).minimizer, np.ones(4))
    np.testing.assert_array_equal(Rosenbrock(a=2.0).minimizer, [2.0, 4.0])
    np.testing.assert_array_equal(Rosenbrock(dim=3, a=0.0).minimizer, np.zeros(3))
    with pytest.raises(ValueError, match="0 known global minimizers"):
        _ = Rosenbrock(dim=3, a=0.5).minimizer


def test_beale_hand_values():
    b = Beale()
    assert b.value([3.0, 0.5]) == 0.0
    assert b.value([0.0, 1.0]) == 1.5**2 + 2.25**2 + 2.625**2 == 14.203125
    np.testing.assert_allclose(b.hessian([0.0, 1.0]), [[0.0, 27.75], [27.75, 0.0]])


def test_saddle_has_mixed_curvature_and_gradient_descent_escapes_along_y():
    s = Saddle()
    for theta in sample_points(s):
        np.testing.assert_array_equal(np.linalg.eigvalsh(s.hessian(theta)), [-2.0, 2.0])
    theta, lr = np.array([1.0, 1e-3]), 0.1
    step = theta - lr * s.grad(theta)
    np.testing.assert_allclose(step, [1.0 - 2 * lr, 1e-3 * (1 + 2 * lr)])
    newton = theta - np.linalg.solve(s.hessian(theta), s.grad(theta))
    np.testing.assert_array_equal(newton, [0.0, 0.0])  # Newton lands on the saddle
    assert s.minimizers == ()


def test_monkey_saddle_is_degenerate_with_three_falling_directions():
    m = MonkeySaddle()
    np.testing.assert_array_equal(m.hessian([0.0, 0.0]), np.zeros((2, 2)))
    np.testing.assert_array_equal(m.grad([0.0, 0.0]), [0.0, 0.0])
    for k in range(6):  # J = r^3 cos(3 phi): down at phi = pi/3, pi, 5pi/3, up in between
        phi = k * np.pi / 3
        value = m.value(0.1 * np.array([np.cos(phi), np.sin(phi)]))
        assert value == pytest.approx(1e-3 * (-1) ** k, rel=1e-9)


def test_cliff_wall_slope_and_the_catapult_claimed_in_its_docstring():
    c = Cliff()
    wall = c.height / (2 * c.width)
    np.testing.assert_allclose(c.grad([c.position, 0.0]), [c.position + wall, 0.0])
    assert wall == 50.0
    assert c.value([10.0, 0.0]) == pytest.approx(50.0 + c.height)  # the plateau
    theta = np.array([3.0, 2.0])
    xs, distances = [], [np.linalg.norm(theta - c.minimizer)]
    for _ in range(4):
        theta = theta - 0.2 * c.grad(theta)
        xs.append(theta[0])
        distances.append(np.linalg.norm(theta - c.minimizer))
    assert xs[2] == pytest.approx(1.53, abs=0.005)
    assert xs[3] == pytest.approx(-8.1, abs=0.05)
    assert distances[4] > 4 * distances[3]


def test_double_well_roots_and_values_claimed_in_its_docstring():
    w = TiltedDoubleWell()
    (best, _), (poor, _), (ridge, _) = w.critical_points
    np.testing.assert_allclose([best[0], poor[0], ridge[0]], [-1.057, 0.930, 0.127], atol=5e-4)
    values = [w.value(t) for t in (best, poor, ridge)]
    np.testing.assert_allclose(values, [-0.515, 0.483, 1.032], atol=5e-4)
    np.testing.assert_array_equal(w.local_minimizer, poor)
    theta = np.array([0.2, 1.0])  # right of the ridge: gradient descent ends in the poor well
    for _ in range(300):
        theta = theta - 0.05 * w.grad(theta)
    np.testing.assert_allclose(theta, poor, atol=1e-6)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Rosenbrock(dim=1), ValueError, r"dim must be >= 2, got dim=1"),
        (lambda: Rosenbrock(dim=2.0), ValueError, r"dim must be an integer >= 1"),
        (lambda: Rosenbrock(b=-1.0), ValueError, r"b must be > 0, got b=-1\.0"),
        (lambda: Rosenbrock(a=np.inf), FloatingPointError, r"a is not finite"),
        (lambda: Cliff(width=0.0), ValueError, r"width must be > 0, got width=0\.0"),
        (lambda: Cliff(position=-1.0), ValueError, r"position must be > 0"),
        (lambda: Cliff(height="tall"), TypeError, r"height must be a real number"),
        (lambda: TiltedDoubleWell(tilt=1.6), ValueError, r"tilt must be < 8/\(3√3\)"),
        (lambda: TiltedDoubleWell(tilt=0.0), ValueError, r"tilt must be > 0"),
        (lambda: Saddle().minimizer, ValueError, r"Saddle has 0 known global minimizers"),
        (lambda: Beale().grad(np.zeros((2, 1))), ValueError, r"theta must have shape \(2,\)"),
    ],
)
def test_bad_arguments_raise_clear_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()
