"""Conjugate gradient: n steps on quadratics, conjugacy, hand steps, restarts, Rosenbrock."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlopt.optim import ConjugateGradient
from dlopt.optim.linesearch import LineSearchResult
from dlopt.problems import Quadratic, Rosenbrock
from dlopt.train import minimize


def random_spd_quadratic(n, seed):
    """Eigenvalues evenly spread over [1, 30] (distinct: CG needs all n steps), random axes."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = Q @ np.diag(np.linspace(1.0, 30.0, n)) @ Q.T
    return Quadratic(0.5 * (A + A.T), rng.standard_normal(n)), rng.standard_normal(n)


def run(opt, objective, theta, steps):
    thetas, directions = [theta], []
    for _ in range(steps):
        thetas.append(opt.step(thetas[-1], objective))
        directions.append(opt.state["rho_prev"])
    return thetas, directions


@pytest.mark.parametrize("n", [2, 5, 10])
@pytest.mark.parametrize("beta", ["polak-ribiere", "fletcher-reeves", "pr+"])
def test_exact_line_search_solves_an_n_dimensional_quadratic_in_n_steps(n, beta):
    objective, theta0 = random_spd_quadratic(n, seed=n)
    thetas, _ = run(ConjugateGradient(beta, line_search="exact"), objective, theta0, n)
    scale = np.linalg.norm(objective.b) + np.linalg.norm(objective.A @ theta0)
    assert np.linalg.norm(objective.A @ thetas[n] - objective.b) <= 1e-12 * scale
    assert np.linalg.norm(objective.A @ thetas[n - 1] - objective.b) > 1e-6 * scale


def test_fletcher_reeves_and_polak_ribiere_coincide_on_quadratics():
    objective, theta0 = random_spd_quadratic(6, seed=11)
    fr, _ = run(ConjugateGradient("fletcher-reeves", "exact"), objective, theta0, 6)
    pr, _ = run(ConjugateGradient("polak-ribiere", "exact"), objective, theta0, 6)
    np.testing.assert_allclose(np.array(fr), np.array(pr), rtol=1e-9, atol=1e-12)


def test_successive_directions_are_conjugate():
    objective, theta0 = random_spd_quadratic(8, seed=5)
    _, rho = run(ConjugateGradient(line_search="exact"), objective, theta0, 7)
    A = objective.A
    for t in range(1, 7):
        scale = np.sqrt((rho[t] @ A @ rho[t]) * (rho[t - 1] @ A @ rho[t - 1]))
        assert abs(rho[t] @ A @ rho[t - 1]) <= 1e-10 * scale


def test_three_steps_by_hand_on_a_3x3_quadratic():
    A = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]])
    b = np.array([1.0, 2.0, 3.0])
    objective, opt = Quadratic(A, b), ConjugateGradient("polak-ribiere", "exact")
    theta, g_prev, rho_prev = np.zeros(3), None, None
    for t in (1, 2, 3):
        g = A @ theta - b
        beta = 0.0 if t == 1 else (g - g_prev) @ g / (g_prev @ g_prev)
        rho = -g if t == 1 else -g + beta * rho_prev
        epsilon = -(g @ rho) / (rho @ A @ rho)
        expected = theta + epsilon * rho
        theta_new = opt.step(theta, objective)
        np.testing.assert_allclose(theta_new, expected, rtol=1e-12, atol=1e-14)
        assert opt.state["beta"] == pytest.approx(beta, rel=1e-12, abs=1e-15)
        assert opt.state["epsilon"] == pytest.approx(epsilon, rel=1e-12)
        theta, g_prev, rho_prev = theta_new, g, rho
    np.testing.assert_allclose(A @ theta, b, atol=1e-13)  # the third step lands on A⁻¹b


def test_first_step_has_beta_zero_and_is_steepest_descent():
    objective = Quadratic(np.diag([1.0, 4.0]))
    opt = ConjugateGradient(line_search="exact")
    # g = (1, 4), ρ = −g, ε* = gᵀg / gᵀAg = 17 / 65.
    theta = opt.step(np.array([1.0, 1.0]), objective)
    np.testing.assert_allclose(theta, [1 - 17 / 65, 1 - 4 * 17 / 65], rtol=1e-14)
    assert opt.state["beta"] == 0.0 and opt.state["t"] == 2


def fixed_step(step):
    """A line search that always answers ``step`` (to force a bad direction)."""

    def search(objective, theta, rho, *, g, initial_step):
        new = theta + step * rho
        return LineSearchResult(step, objective.value(new), objective.grad(new), 1, "converged")

    return search


@pytest.mark.parametrize("beta", ["polak-ribiere", "pr+"])
def test_restart_when_the_direction_is_not_a_descent_direction(beta):
    # J = θ²/2 from 1 with ε = 3: θ₁ = −2, g₁ = −2, β_PR = (−2 − 1)(−2)/1 = 6,
    # ρ = 2 + 6·(−1) = −4 and ρ·g₁ = 8 ≥ 0, so the step restarts with ρ = −g₁ = 2.
    opt = ConjugateGradient(beta, line_search=fixed_step(3.0))
    theta = opt.step(np.array([1.0]), Quadratic([[1.0]]))
    theta = opt.step(theta, Quadratic([[1.0]]))
    assert opt.state["beta"] == 0.0
    np.testing.assert_array_equal(opt.state["rho_prev"], [2.0])
    np.testing.assert_array_equal(theta, [4.0])


def test_pr_plus_clips_a_negative_beta_to_zero():
    # J = θ²/2 from 1 with ε = ½: θ₁ = ½, g₁ = ½, β_PR = (½ − 1)·½ / 1 = −¼. The PR direction
    # ρ = −½ + (−¼)(−1) = −¼ is still a descent direction (no restart), so only PR+'s
    # max(0, β) turns it into steepest descent, ρ = −g₁ = −½.
    objective, expected = Quadratic([[1.0]]), {"polak-ribiere": -0.25, "pr+": 0.0}
    for beta, beta_2 in expected.items():
        opt = ConjugateGradient(beta, line_search=fixed_step(0.5))
        theta = opt.step(opt.step(np.array([1.0]), objective), objective)
        assert opt.state["beta"] == beta_2
        np.testing.assert_array_equal(opt.state["rho_prev"], [-0.5 + beta_2 * -1.0])
        np.testing.assert_array_equal(theta, [0.5 + 0.5 * (-0.5 + beta_2 * -1.0)])


def test_periodic_restart():
    objective, theta = random_spd_quadratic(5, seed=2)
    opt = ConjugateGradient(line_search="exact", restart_every=2)
    betas = []
    for _ in range(4):
        theta = opt.step(theta, objective)
        betas.append(opt.state["beta"])
    assert betas[0] == betas[2] == 0.0 and betas[1] != 0.0 and betas[3] != 0.0


def test_rosenbrock_pr_plus_with_strong_wolfe_in_at_most_40_iterations():
    record = minimize(Rosenbrock(), ConjugateGradient("pr+"), [-1.2, 1.0], steps=40, gtol=1e-5)
    assert record.stopped == "gtol"
    np.testing.assert_allclose(record.theta, [1.0, 1.0], atol=1e-4)


def test_failed_line_search_leaves_theta_unchanged_with_a_status():
    class Linear:  # J = −θ₀: no step satisfies the curvature condition
        def value(self, t):
            return float(-t[0])

        def grad(self, t):
            return np.array([-1.0, 0.0])

    opt, theta = ConjugateGradient(), np.array([0.5, 2.0])
    new = opt.step(theta, Linear())
    np.testing.assert_array_equal(new, theta)
    assert new is not theta
    assert opt.state["status"] == "max_iterations"
    assert opt.state["g_prev"] is None and opt.state["rho_prev"] is None  # next step restarts


def test_exact_search_needs_a_hessian():
    with pytest.raises(TypeError, match="hessian"):
        ConjugateGradient(line_search="exact").step(np.array([-1.2, 1.0]), _no_hessian())


def _no_hessian():
    class NoHessian:
        def value(self, t):
            return float(t @ t)

        def grad(self, t):
            return 2 * t

    return NoHessian()


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="beta='hestenes'"):
        ConjugateGradient(beta="hestenes")
    with pytest.raises(ValueError, match="line_search='armijo'"):
        ConjugateGradient(line_search="armijo")
    with pytest.raises(ValueError, match="restart_every=0"):
        ConjugateGradient(restart_every=0)


def test_resume_from_state_dict_is_bit_for_bit():
    objective = Rosenbrock()
    opt, theta = ConjugateGradient("pr+"), np.array([-1.2, 1.0])
    for _ in range(5):
        theta = opt.step(theta, objective)
    saved, resumed_theta = opt.state_dict(), theta.copy()
    for _ in range(5):
        theta = opt.step(theta, objective)
    resumed = ConjugateGradient("pr+")
    resumed.load_state_dict(saved)
    for _ in range(5):
        resumed_theta = resumed.step(resumed_theta, objective)
    np.testing.assert_array_equal(resumed_theta, theta)


def test_dtype_preserved_and_input_untouched():
    theta = np.array([1.0, -2.0], dtype=np.float32)
    new = ConjugateGradient(line_search="exact").step(theta, Quadratic(np.diag([2.0, 4.0])))
    assert new.dtype == np.float32
    np.testing.assert_array_equal(theta, np.array([1.0, -2.0], dtype=np.float32))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 6),
    beta=st.sampled_from(["polak-ribiere", "fletcher-reeves", "pr+"]),
)
def test_wolfe_cg_never_increases_the_loss_nor_leaves_finite_numbers(seed, n, beta):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = Q @ np.diag(rng.uniform(0.1, 10.0, n)) @ Q.T
    objective, theta = Quadratic(0.5 * (A + A.T), rng.standard_normal(n)), rng.standard_normal(n)
    opt = ConjugateGradient(beta)
    for _ in range(3):
        new = opt.step(theta, objective)
        assert np.all(np.isfinite(new))
        assert objective.value(new) <= objective.value(theta)
        theta = new
