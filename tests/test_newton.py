"""Newton's method against hand-computed steps, closed forms and clear failures."""

import numpy as np
import pytest

from dlopt.optim import Newton
from dlopt.problems import Quadratic, Rosenbrock
from dlopt.train import minimize


class ExpCoupled:
    """J = e^(x+y) + x² + y²: g = e^(x+y)(1, 1) + 2(x, y), H = e^(x+y)[[1, 1], [1, 1]] + 2I."""

    def value(self, t):
        return float(np.exp(t[0] + t[1]) + t[0] ** 2 + t[1] ** 2)

    def grad(self, t):
        return np.exp(t[0] + t[1]) + 2 * t

    def hessian(self, t):
        return np.exp(t[0] + t[1]) * np.ones((2, 2)) + 2 * np.eye(2)


def solve_2x2(M, v):
    """M⁻¹v by Cramer's rule."""
    det = M[0, 0] * M[1, 1] - M[0, 1] * M[1, 0]
    return np.array([M[1, 1] * v[0] - M[0, 1] * v[1], M[0, 0] * v[1] - M[1, 0] * v[0]]) / det


@pytest.mark.parametrize("dim", [2, 5, 10])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_step_solves_any_positive_definite_quadratic(dim, seed):
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((dim, dim))
    A = M @ M.T + 0.1 * np.eye(dim)
    b = rng.standard_normal(dim)
    theta = Newton().step(rng.standard_normal(dim), Quadratic(A, b))
    np.testing.assert_allclose(A @ theta, b, atol=1e-10)  # the gradient Aθ − b vanishes


def test_three_steps_by_hand_on_a_non_quadratic():
    # From (0, 0): g = (1, 1), H = [[3, 1], [1, 3]], so HΔθ = −g gives Δθ = −(¼, ¼).
    objective, opt = ExpCoupled(), Newton()
    theta = opt.step(np.zeros(2), objective)
    np.testing.assert_allclose(theta, [-0.25, -0.25], rtol=1e-15)
    for _ in range(2):
        x, y = theta
        g = np.array([np.exp(x + y) + 2 * x, np.exp(x + y) + 2 * y])
        H = np.array([[np.exp(x + y) + 2, np.exp(x + y)], [np.exp(x + y), np.exp(x + y) + 2]])
        expected = theta - solve_2x2(H, g)
        theta = opt.step(theta, objective)
        np.testing.assert_allclose(theta, expected, rtol=1e-12)
    assert opt.state["k"] == 3


def test_separable_quartic_step_by_hand():
    # J = x⁴ + (y − 1)²: x ← x − 4x³/12x² = 2x/3, y ← 1.
    class Quartic:
        def value(self, t):
            return float(t[0] ** 4 + (t[1] - 1) ** 2)

        def grad(self, t):
            return np.array([4 * t[0] ** 3, 2 * (t[1] - 1)])

        def hessian(self, t):
            return np.diag([12 * t[0] ** 2, 2.0])

    np.testing.assert_allclose(Newton().step(np.array([3.0, 5.0]), Quartic()), [2.0, 1.0])


def test_damped_step_by_hand_on_2x2():
    # H = [[3, 1], [1, 2]], λ = 0.5: H + λI = [[3.5, 1], [1, 2.5]], det 7.75.
    objective, theta = Quadratic([[3.0, 1.0], [1.0, 2.0]], [1.0, 0.0]), np.array([1.0, -1.0])
    g = np.array([3 - 1 - 1, 1 - 2 - 0.0])  # Aθ − b = (1, −1)
    expected = theta - np.array([2.5 * g[0] - 1 * g[1], -1 * g[0] + 3.5 * g[1]]) / 7.75
    opt = Newton(damping=0.5)
    np.testing.assert_allclose(opt.step(theta, objective), expected, rtol=1e-14)
    assert opt.state["lambda_used"] == 0.5


def test_unmodified_newton_jumps_onto_the_saddle():
    saddle = Quadratic(np.diag([2.0, -2.0]))  # J = x² − y², a saddle at the origin
    for mode in ("unmodified", "pinv"):
        opt = Newton(on_indefinite=mode)
        np.testing.assert_allclose(opt.step(np.array([0.7, -0.4]), saddle), 0.0, atol=1e-15)
        assert opt.state["lambda_min"] == -2.0


def test_indefinite_hessian_raises_naming_the_eigenvalue():
    with pytest.raises(ValueError, match=r"indefinite.*smallest eigenvalue is -2\b"):
        Newton().step(np.array([0.7, -0.4]), Quadratic(np.diag([2.0, -2.0])))
    with pytest.raises(ValueError, match=r"indefinite.*-0\.5"):
        Newton(damping=1.5).step(np.array([0.7, -0.4]), Quadratic(np.diag([2.0, -2.0])))


def test_damp_shifts_the_spectrum_and_descends_at_a_saddle():
    # λ_min = −2 so λ = 2 + 10⁻³·2: H + λI = diag(4.002, 0.002).
    saddle, theta = Quadratic(np.diag([2.0, -2.0])), np.array([0.7, -0.4])
    opt = Newton(on_indefinite="damp")
    new = opt.step(theta, saddle)
    np.testing.assert_allclose(new, [0.7 - 1.4 / 4.002, -0.4 - 0.8 / 0.002], rtol=1e-12)
    assert opt.state["lambda_used"] == pytest.approx(2.002, rel=1e-15)
    assert saddle.value(new) < saddle.value(theta)


def test_damp_mode_starts_from_the_given_damping():
    # H = [[1, 2], [2, 1]]: eigenvalues 3 on (1, 1) and −1 on (1, −1). At θ = (1, 0),
    # g = Hθ = (1, 2) = 1.5·(1, 1) − 0.5·(1, −1), so Δθ = −[1.5/(3 + λ)(1, 1) − 0.5/(λ − 1)(1, −1)].
    indefinite, theta = Quadratic([[1.0, 2.0], [2.0, 1.0]]), np.array([1.0, 0.0])

    def expected(lam):
        return theta - (1.5 / (3 + lam) * np.array([1, 1]) - 0.5 / (lam - 1) * np.array([1, -1]))

    # damping 2 already makes H + 2I positive definite (eigenvalues 5, 1): λ stays 2.
    opt = Newton(damping=2.0, on_indefinite="damp")
    np.testing.assert_allclose(opt.step(theta, indefinite), expected(2.0), rtol=1e-14)
    assert opt.state["lambda_used"] == 2.0 and opt.state["lambda_min"] == pytest.approx(-1)
    # damping 0.5 leaves H + 0.5I indefinite (eigenvalues 3.5, −0.5): λ is raised until
    # the smallest eigenvalue of H + λI is 10⁻³·max|λᵢ(H)| = 0.003, so λ = 1.003.
    opt = Newton(damping=0.5, on_indefinite="damp")
    np.testing.assert_allclose(opt.step(theta, indefinite), expected(1.003), rtol=1e-12)
    assert opt.state["lambda_used"] == pytest.approx(1.003, rel=1e-15)


def test_singular_hessian_pinv_gives_the_minimum_norm_step():
    # J = ½(x + y)² − (x + y): H = [[1, 1], [1, 1]] is singular, at 0 g = (−1, −1).
    # HΔθ = (1, 1) means Δx + Δy = 1; the shortest such step is (½, ½).
    flat = Quadratic([[1.0, 1.0], [1.0, 1.0]], [1.0, 1.0])
    np.testing.assert_allclose(Newton(on_indefinite="pinv").step(np.zeros(2), flat), [0.5, 0.5])
    for mode in ("error", "unmodified"):
        with pytest.raises(ValueError, match="singular"):
            Newton(on_indefinite=mode).step(np.zeros(2), flat)
    damped = Newton(damping=1.0).step(np.zeros(2), flat)  # (H + I)Δθ = (1, 1): Δθ = (⅓, ⅓)
    np.testing.assert_allclose(damped, [1 / 3, 1 / 3], rtol=1e-14)


def test_objective_without_hessian_and_bad_arguments_are_clear():
    class NoHessian:
        def value(self, t):
            return float(t @ t)

        def grad(self, t):
            return 2 * t

    with pytest.raises(TypeError, match="NoHessian has no hessian"):
        Newton().step(np.ones(2), NoHessian())
    with pytest.raises(ValueError, match=r"damping=-1"):
        Newton(damping=-1)
    with pytest.raises(ValueError, match="on_indefinite"):
        Newton(on_indefinite="ignore")
    bad = Quadratic(np.eye(2))
    bad.hessian = lambda t: np.array([[1.0, np.nan], [np.nan, 1.0]])
    with pytest.raises(FloatingPointError, match="hessian"):
        Newton().step(np.ones(2), bad)


def test_reaches_the_rosenbrock_minimum():
    record = minimize(Rosenbrock(), Newton(), [-1.2, 1.0], steps=10, gtol=1e-10)
    assert record.stopped == "gtol" and record.steps <= 7
    np.testing.assert_allclose(record.theta, [1.0, 1.0], atol=1e-10)


def test_dtype_preserved_and_input_untouched():
    theta = np.array([1.0, -2.0], dtype=np.float32)
    new = Newton().step(theta, Quadratic(np.diag([2.0, 4.0])))
    assert new.dtype == np.float32 and new is not theta
    np.testing.assert_array_equal(theta, np.array([1.0, -2.0], dtype=np.float32))
    np.testing.assert_allclose(new, 0.0, atol=1e-7)
