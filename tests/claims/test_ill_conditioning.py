"""Claims of book/part2/ill-conditioning: each number in the prose, checked independently."""

import numpy as np
import pytest

import dlopt
from dlopt.optim import SGD
from dlopt.problems import quadratic_with_condition


@pytest.mark.parametrize("kappa", [1.0, 10.0, 100.0, 1000.0])
def test_quadratic_has_requested_condition_number(kappa):
    q = quadratic_with_condition(kappa, dim=5, seed=3)
    assert q.condition_number == pytest.approx(kappa, rel=1e-10)


@pytest.mark.parametrize("kappa", [10.0, 100.0])
def test_best_fixed_rate_contracts_by_kappa_minus_one_over_kappa_plus_one(kappa):
    q = quadratic_with_condition(kappa, dim=2, seed=1)
    lam = q.eigenvalues
    run = dlopt.minimize(q, SGD(lr=2 / (lam[0] + lam[-1])), [1.0, 1.0], steps=30)
    errors = np.linalg.norm(run.thetas - q.minimizer, axis=1)
    ratios = errors[1:] / errors[:-1]
    np.testing.assert_allclose(ratios, (kappa - 1) / (kappa + 1), rtol=1e-9)


def test_kappa_100_removes_about_two_percent_and_needs_691_steps():
    rate = 99 / 101
    assert 1 - rate == pytest.approx(0.02, abs=0.001)
    assert round(np.log(1e-6) / np.log(rate)) == 691


def test_second_order_expansion_is_exact_on_a_quadratic_and_predicts_the_sign():
    q = quadratic_with_condition(50.0, dim=2, seed=1)
    theta = np.random.default_rng(0).standard_normal(2)
    g, H = q.grad(theta), q.hessian(theta)
    threshold = 2 * (g @ g) / (g @ H @ g)
    for eps in (0.5 * threshold, 0.99 * threshold, 1.01 * threshold, 2 * threshold):
        predicted = 0.5 * eps**2 * (g @ H @ g) - eps * (g @ g)
        measured = q.value(theta - eps * g) - q.value(theta)
        assert measured == pytest.approx(predicted, rel=1e-10, abs=1e-12)
        assert (measured > 0) == (eps > threshold)
    # gradient descent with a learning rate above 2/lambda_max diverges
    lam_max = q.eigenvalues[-1]
    run = dlopt.minimize(q, SGD(lr=2.05 / lam_max), [1.0, 1.0], steps=200)
    assert run.losses[-1] > run.losses[0]
