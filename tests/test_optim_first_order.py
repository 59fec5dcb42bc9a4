"""First-order optimizers against hand-computed steps and closed-form rates.

The expected values are computed here from the algorithm boxes with plain
Python floats, coordinate by coordinate, never by calling dlopt's updates.
"""

import math

import numpy as np
import pytest

from dlopt.optim import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp
from dlopt.problems import Quadratic, Rosenbrock, quadratic_with_condition

A = [[3.0, 0.5], [0.5, 1.0]]
B = [1.0, -2.0]
THETA0 = [0.5, -0.3]


def coupled_grad(x):
    """∇(½xᵀAx − bᵀx) = Ax − b for the 2-D problem, in floats."""
    return [A[i][0] * x[0] + A[i][1] * x[1] - B[i] for i in range(2)]


DIAG = [2.0, 0.5, 4.0, 1.0, 3.0]
DIAG_B = [1.0, -1.0, 0.5, 2.0, -0.5]
DIAG_THETA0 = [0.3, -0.7, 1.1, 0.2, -0.4]


def diagonal_grad(x):
    return [a * xi - b for a, xi, b in zip(DIAG, x, DIAG_B, strict=True)]


def hand_sgd(x, grad, eps=0.1):
    for _ in range(3):
        g = grad(x)
        x = [xi - eps * gi for xi, gi in zip(x, g, strict=True)]
        yield x


def hand_momentum(x, grad, eps=0.1, alpha=0.9, nesterov=False):
    v = [0.0] * len(x)
    for _ in range(3):
        g = grad([xi + alpha * vi for xi, vi in zip(x, v, strict=True)] if nesterov else x)
        v = [alpha * vi - eps * gi for vi, gi in zip(v, g, strict=True)]
        x = [xi + vi for xi, vi in zip(x, v, strict=True)]
        yield x


def hand_adagrad(x, grad, eps=0.1, delta=1e-7):
    r = [0.0] * len(x)
    for _ in range(3):
        g = grad(x)
        r = [ri + gi * gi for ri, gi in zip(r, g, strict=True)]
        x = [xi - eps / (delta + math.sqrt(ri)) * gi for xi, ri, gi in zip(x, r, g, strict=True)]
        yield x


def hand_rmsprop(x, grad, eps=0.01, rho=0.9, delta=1e-6, alpha=None):
    r, v = [0.0] * len(x), [0.0] * len(x)
    for _ in range(3):
        a = alpha or 0.0
        g = grad([xi + a * vi for xi, vi in zip(x, v, strict=True)])
        r = [rho * ri + (1 - rho) * gi * gi for ri, gi in zip(r, g, strict=True)]
        step = [-eps / math.sqrt(delta + ri) * gi for ri, gi in zip(r, g, strict=True)]
        v = [a * vi + si for vi, si in zip(v, step, strict=True)]
        x = [xi + vi for xi, vi in zip(x, v, strict=True)]
        yield x


def hand_adam(x, grad, eps=0.01, rho1=0.9, rho2=0.999, delta=1e-8, inside=False, correct=True):
    s, r = [0.0] * len(x), [0.0] * len(x)
    for t in range(1, 4):
        g = grad(x)
        s = [rho1 * si + (1 - rho1) * gi for si, gi in zip(s, g, strict=True)]
        r = [rho2 * ri + (1 - rho2) * gi * gi for ri, gi in zip(r, g, strict=True)]
        c1, c2 = (1 - rho1**t, 1 - rho2**t) if correct else (1.0, 1.0)
        for i in range(len(x)):
            s_hat, r_hat = s[i] / c1, r[i] / c2
            root = math.sqrt(r_hat + delta) if inside else math.sqrt(r_hat) + delta
            x[i] = x[i] - eps * s_hat / root
        yield list(x)


CASES = [
    (lambda: SGD(lr=0.1), hand_sgd, {}),
    (lambda: Momentum(lr=0.1, alpha=0.9), hand_momentum, {}),
    (lambda: Nesterov(lr=0.1, alpha=0.9), hand_momentum, {"nesterov": True}),
    (lambda: AdaGrad(lr=0.1), hand_adagrad, {}),
    (lambda: RMSProp(lr=0.01), hand_rmsprop, {}),
    (lambda: RMSProp(lr=0.01, alpha=0.5), hand_rmsprop, {"alpha": 0.5}),
    (lambda: Adam(lr=0.01), hand_adam, {}),
    (
        lambda: Adam(lr=0.01, rho1=0.99, delta_inside_root=True),
        hand_adam,
        {"rho1": 0.99, "inside": True},
    ),
    (lambda: Adam(lr=0.01, bias_correction=False), hand_adam, {"correct": False}),
]
IDS = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "rmsprop-nesterov", "adam",
       "adam-notes", "adam-uncorrected"]  # fmt: skip


@pytest.mark.parametrize(("make", "hand", "kwargs"), CASES, ids=IDS)
def test_three_steps_match_the_box(make, hand, kwargs):
    objective, opt = Quadratic(A, B), make()
    theta = np.array(THETA0)
    for expected in hand(list(THETA0), coupled_grad, **kwargs):
        theta = opt.step(theta, objective)
        np.testing.assert_allclose(theta, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize(("make", "hand", "kwargs"), CASES, ids=IDS)
def test_five_dimensions_match_the_box_coordinate_by_coordinate(make, hand, kwargs):
    objective, opt = Quadratic(np.diag(DIAG), DIAG_B), make()
    theta = np.array(DIAG_THETA0)
    for expected in hand(list(DIAG_THETA0), diagonal_grad, **kwargs):
        theta = opt.step(theta, objective)
        np.testing.assert_allclose(theta, expected, rtol=0, atol=1e-12)


def test_gradient_descent_contracts_at_the_optimal_rate():
    kappa = 10.0
    objective = quadratic_with_condition(kappa, 2, seed=1)
    opt = SGD(lr=2 / (1 + kappa))
    theta = np.array([1.0, -0.5])
    for _ in range(20):
        new = opt.step(theta, objective)
        ratio = np.linalg.norm(new) / np.linalg.norm(theta)
        assert ratio == pytest.approx((kappa - 1) / (kappa + 1), rel=1e-9)
        theta = new


def test_heavy_ball_converges_at_the_accelerated_rate():
    kappa = 25.0
    objective = quadratic_with_condition(kappa, 5, seed=2)
    eps = 4 / (math.sqrt(kappa) + 1) ** 2
    alpha = ((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)) ** 2
    opt, theta = Momentum(lr=eps, alpha=alpha), np.ones(5)
    norms = []
    for _ in range(300):
        theta = opt.step(theta, objective)
        norms.append(np.linalg.norm(theta))
    measured = (norms[299] / norms[99]) ** (1 / 200)
    assert measured == pytest.approx((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1), rel=0.02)


@pytest.mark.parametrize("c", [1e-3, 7.0, 1e4])
def test_adam_step_is_invariant_to_scaling_the_objective(c):
    base = Quadratic(A, B)
    scaled = Quadratic(c * np.array(A), c * np.array(B))
    opt1, opt2 = Adam(lr=0.01, delta=1e-12), Adam(lr=0.01, delta=1e-12)
    t1 = t2 = np.array(THETA0)
    for _ in range(5):
        t1, t2 = opt1.step(t1, base), opt2.step(t2, scaled)
        np.testing.assert_allclose(t2, t1, rtol=1e-8, atol=1e-12)


class NoisyGradient:
    """g = A θ − b + noise, the noise drawn from a seeded generator."""

    def __init__(self, seed):
        self.rng, self.objective = np.random.default_rng(seed), Quadratic(A, B)

    def grad(self, theta):
        return self.objective.grad(theta) + self.rng.normal(size=2)


def test_adagrad_effective_rate_never_increases():
    opt, objective, theta = AdaGrad(lr=0.1), NoisyGradient(3), np.array(THETA0)
    rates = []
    for _ in range(50):
        theta = opt.step(theta, objective)
        rates.append(0.1 / (opt.delta + np.sqrt(opt.state["r"])))
    assert np.all(np.diff(np.array(rates), axis=0) <= 0)


@pytest.mark.parametrize(
    "make", [lambda: Adam(lr=0.02), lambda: Momentum(lr=5e-4, alpha=0.9)], ids=["adam", "momentum"]
)
def test_rosenbrock_makes_steady_progress(make):
    objective, opt, theta = Rosenbrock(), make(), np.array([-1.2, 1.0])
    losses = [objective.value(theta)]
    for _ in range(2000):
        theta = opt.step(theta, objective)
        losses.append(objective.value(theta))
    windows = np.array(losses[:2000]).reshape(10, 200).min(axis=1)
    assert np.all(np.diff(windows) < 0)
    assert losses[-1] < 0.1 * losses[0]
