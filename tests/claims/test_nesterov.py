"""Claims of book/part3/nesterov: each number in the prose, checked independently.

The box form and the library form (stored parameter φ = θ + αv) are written
out here by hand; quadratic runs use the matrix A directly, stochastic runs a
hand minibatch loop with closed-form least-squares gradients.
"""

import cmath
import math

import numpy as np
import pytest

import dlopt
from dlopt.data import minibatches
from dlopt.optim import Nesterov
from dlopt.problems import Rosenbrock, quadratic_with_condition

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _tens(x):
    """The chapter's format for the prose: 4.2e-08 as 4·10⁻⁸."""
    mantissa, exponent = f"{x:.0e}".split("e")
    return f"{mantissa}·10{str(int(exponent)).translate(SUPERSCRIPT)}"


def _box(grad, theta0, eps, alpha, steps, nesterov=True):
    """Algorithm 3 (or 2 with nesterov=False): iterates theta_k and velocities v_k."""
    theta, v = np.array(theta0, dtype=float), np.zeros(len(theta0))
    thetas, vs = [theta], [v]
    for _ in range(steps):
        g = grad(theta + alpha * v) if nesterov else grad(theta)
        v = alpha * v - eps * g
        theta = theta + v
        thetas.append(theta)
        vs.append(v)
    return np.array(thetas), np.array(vs)


def _library(grad, phi0, eps, alpha, steps):
    """The stored parameter is the look-ahead point: phi <- phi + alpha v_new - eps g(phi)."""
    phi, v = np.array(phi0, dtype=float), np.zeros(len(phi0))
    out = [phi]
    for _ in range(steps):
        g = grad(phi)
        v = alpha * v - eps * g
        phi = phi + alpha * v - eps * g
        out.append(phi)
    return np.array(out)


def _pytorch(grad, p0, lr, momentum, steps):
    """torch.optim.SGD(nesterov=True, dampening=0): b <- mu b + g; p <- p - lr (g + mu b)."""
    p, b = np.array(p0, dtype=float), np.zeros(len(p0))
    out = [p]
    for _ in range(steps):
        g = grad(p)
        b = momentum * b + g
        p = p - lr * (g + momentum * b)
        out.append(p)
    return np.array(out)


def test_library_form_is_the_look_ahead_point_of_dlopt_nesterov(glued):
    rosen = Rosenbrock()
    eps, alpha = 0.0005, 0.9
    opt = Nesterov(lr=eps, alpha=alpha)
    theta, thetas, vs = np.array([-1.5, 2.0]), [], []
    for _ in range(2000):
        thetas.append(theta)
        vs.append(np.zeros(2) if opt.state["v"] is None else opt.state["v"].copy())
        theta = opt.step(theta, rosen)
    thetas.append(theta)
    vs.append(opt.state["v"].copy())
    phi = np.array(thetas) + alpha * np.array(vs)
    grads = np.array([rosen.grad(p) for p in phi[:-1]])
    residual = phi[1:] - (phi[:-1] + alpha * np.array(vs)[1:] - eps * grads)
    assert np.abs(residual).max() < 1e-12
    assert glued("part3/nesterov", "nes_violation") == "below 1e-12"
    assert np.abs(phi).max() == pytest.approx(2.05, abs=0.005)
    np.testing.assert_allclose(phi, _library(rosen.grad, [-1.5, 2.0], eps, alpha, 2000), atol=1e-12)
    # box form written by hand gives the same look-ahead points
    box_thetas, box_vs = _box(rosen.grad, [-1.5, 2.0], eps, alpha, 2000)
    np.testing.assert_allclose(box_thetas + alpha * box_vs, phi, atol=1e-12)
    # theta and phi agree to four decimals at the end
    np.testing.assert_allclose(np.round(thetas[-1], 4), np.round(phi[-1], 4))


def test_pytorch_buffer_is_minus_v_over_eps():
    q = quadratic_with_condition(100.0, dim=2, seed=1)
    grad = lambda t: q.A @ t  # noqa: E731
    lib = _library(grad, [-1.2, 0.2], 0.005, 0.95, 200)
    torch_like = _pytorch(grad, [-1.2, 0.2], 0.005, 0.95, 200)
    np.testing.assert_allclose(torch_like, lib, rtol=1e-10, atol=1e-14)


def _radius(p, q):
    d = cmath.sqrt(p * p - 4 * q)
    return max(abs((p + d) / 2), abs((p - d) / 2))


def test_nesterov_damps_the_steep_direction(glued):
    q = quadratic_with_condition(100.0, dim=2, seed=1)
    np.testing.assert_allclose(q.eigenvalues, [1.0, 100.0])
    steep = np.linalg.eigh(q.A)[1][:, -1]
    eps, alpha = 0.005, 0.95
    grad = lambda t: q.A @ t  # noqa: E731
    J = lambda path: 0.5 * np.einsum("ki,ij,kj->k", path, q.A, path)  # noqa: E731
    mom, _ = _box(grad, [-1.2, 0.2], eps, alpha, 300, nesterov=False)
    nes, _ = _box(grad, [-1.2, 0.2], eps, alpha, 300)
    assert f"{abs(np.array([-1.2, 0.2]) @ steep):.2f}" == glued("part3/nesterov", "nes_across_0")
    assert f"{abs(mom[20] @ steep):.2f}" == glued("part3/nesterov", "nes_across_20_momentum")
    assert abs(nes[20] @ steep) < 1e-3
    assert f"{abs(nes[20] @ steep):.4f}" == glued("part3/nesterov", "nes_across_20_Nesterov")
    ratio = J(mom)[300] / J(nes)[300]
    assert 500 < ratio < 2000  # about a thousand
    assert f"{float(f'{ratio:.2g}'):.0f}" == glued("part3/nesterov", "nes_loss_ratio_300")
    # radii from the two characteristic polynomials: sqrt(alpha) for momentum in the steep
    # direction, sqrt(alpha (1 - eps lambda)) for Nesterov
    steep_momentum = _radius(1 + alpha - eps * 100, alpha)
    steep_nesterov = _radius((1 + alpha) * 0.5, alpha * 0.5)
    assert steep_momentum == pytest.approx(math.sqrt(0.95))
    assert steep_nesterov == pytest.approx(math.sqrt(0.95 * 0.5))
    assert f"{steep_momentum:.3f}" == glued("part3/nesterov", "nes_radius_max_momentum")
    assert f"{steep_nesterov:.2f}" == glued("part3/nesterov", "nes_radius_max_Nesterov")
    flat_nesterov = _radius((1 + alpha) * (1 - eps), alpha * (1 - eps))
    flat_momentum = _radius(1 + alpha - eps, alpha)
    assert f"{flat_nesterov:.3f}" == glued("part3/nesterov", "nes_radius_min_Nesterov")
    assert f"{flat_momentum:.3f}" == glued("part3/nesterov", "nes_radius_min_momentum")
    # the error recursion of the text, e_{k+1} = (1+a)(1-el) e_k - a(1-el) e_{k-1}
    e = nes @ steep
    c = 1 - eps * 100
    np.testing.assert_allclose(e[2:], (1 + alpha) * c * e[1:-1] - alpha * c * e[:-2], atol=1e-14)


def test_noisy_gradients_erase_the_advantage(glued):
    data = dlopt.data.linear_regression(10_000, d=20, noise=0.5, seed=0)
    D = np.column_stack([data.X, np.ones(len(data))])
    theta_star = np.linalg.lstsq(D, data.y, rcond=None)[0]
    H = D.T @ D / len(data)
    results = {}
    for seed in (0, 1):
        for nesterov in (False, True):
            rng = np.random.default_rng(seed)
            theta, v, path = np.zeros(21), np.zeros(21), []
            for _ in range(2):
                for idx in minibatches(len(data), 10, rng):
                    path.append(theta)
                    Db, yb = D[idx], data.y[idx]
                    at = theta + 0.9 * v if nesterov else theta
                    v = 0.9 * v - 0.005 * (Db.T @ (Db @ at - yb) / len(idx))
                    theta = theta + v
            err = np.array(path) - theta_star
            excess = 0.5 * np.einsum("ki,ij,kj->k", err, H, err)
            results[nesterov, seed] = (int(np.argmax(excess < 0.1)), excess[1000:].mean())
    for seed in (0, 1):
        momentum, nesterov = results[False, seed][0], results[True, seed][0]
        assert str(momentum) == glued("part3/nesterov", f"nes_momentum_steps_{seed}")
        assert abs(nesterov - momentum) <= 1  # the same number of steps, give or take one
        ratio = results[True, seed][1] / results[False, seed][1]
        assert ratio == pytest.approx(0.95, abs=0.01)  # about 5% lower
        assert f"{100 * (1 - ratio):.1f}" == glued("part3/nesterov", f"nes_lower_{seed}")
    seed_gap = results[False, 1][1] / results[False, 0][1] - 1
    assert seed_gap > 0.05  # the seeds differ by more than the methods


def test_one_step_solves_a_direction_when_eps_lambda_is_one():
    grad = lambda t: 100.0 * t  # noqa: E731
    nes, _ = _box(grad, [1.0], 0.01, 0.9, 6)
    np.testing.assert_array_equal(nes[1:, 0], 0.0)
    mom, _ = _box(grad, [1.0], 0.01, 0.9, 40, nesterov=False)
    assert mom[2, 0] == pytest.approx(-0.9)
    pairs = np.hypot(mom[1:, 0], mom[:-1, 0])  # amplitude of the circling pair
    assert (pairs[-1] / pairs[-21]) ** (1 / 20) == pytest.approx(math.sqrt(0.9), rel=0.02)


def test_static_slider_frames(glued):
    q = quadratic_with_condition(100.0, dim=2, seed=1)
    grad = lambda t: q.A @ t  # noqa: E731
    final = {}
    for alpha in (0.0, 0.5, 0.8, 0.9, 0.95, 0.97, 0.99):
        theta = _box(grad, [-1.2, 0.2], 0.005, alpha, 150)[0][-1]
        final[alpha] = 0.5 * theta @ q.A @ theta
    assert min(final, key=final.get) == 0.9
    assert glued("part3/nesterov", "nes_frame_fastest") == "0.9"
    assert _tens(final[0.9]) == glued("part3/nesterov", "nes_frame_fastest_loss")
    assert _tens(final[0.99]) == glued("part3/nesterov", "nes_frame_099_loss")
    assert final[0.0] > 0.01 and final[0.5] > 0.01  # creeping
    assert final[0.9] < final[0.95] < final[0.97] < final[0.99]


def test_flat_direction_is_just_past_critical_damping_at_alpha_0_9():
    # Nesterov along lambda = 1 at eps = 0.005: roots of z^2 - (1 + a)(1 - eps) z + a(1 - eps)
    def roots(alpha):
        p, q = (1 + alpha) * (1 - 0.005), alpha * (1 - 0.005)
        d = cmath.sqrt(p * p - 4 * q)
        return (p + d) / 2, (p - d) / 2

    assert all(r.imag == 0 for r in roots(0.8))  # still real at 0.8
    assert all(r.imag != 0 for r in roots(0.9))  # just complex at 0.9
    alphas = np.linspace(0.5, 0.99, 4901)
    modulus = np.array([max(abs(r) for r in roots(a)) for a in alphas])
    best = alphas[np.argmin(modulus)]
    assert 0.85 < best < 0.9  # the smallest modulus: critical damping, just below 0.9
    assert np.all(np.diff(modulus[alphas >= best]) > 0)  # beyond it, sqrt(a(1 - eps)) grows
    radius = dict(zip(alphas.round(4), modulus, strict=True))
    assert radius[0.9] < radius[0.8] and radius[0.9] < radius[0.95]
