"""Claims of book/part2/ill-conditioning: each number in the prose, checked independently."""

import numpy as np
import pytest

import dlopt
from dlopt.book import below
from dlopt.optim import SGD
from dlopt.problems import quadratic_with_condition

CHAPTER = "part2/ill-conditioning"


def _times_ten(x, digits):
    """The prose's notation for a small number, e.g. 1.5 × 10⁻⁴ (10⁻⁷ for a mantissa of 1)."""
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    superscript = dict(zip("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹", strict=True))
    power = "10" + "".join(superscript[c] for c in str(int(exponent)))
    return power if float(mantissa) == 1 else f"{mantissa} × {power}"


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


def test_kappa_100_removes_about_two_percent_and_needs_691_steps(glued):
    # counted on a run: the first step at which the error is a millionth of the start's
    q = quadratic_with_condition(100.0, dim=2, seed=1)
    run = dlopt.minimize(q, SGD(lr=2 / 101), [1.0, 1.0], steps=800)
    errors = np.linalg.norm(run.thetas - q.minimizer, axis=1)
    assert f"{100 * (1 - errors[1] / errors[0]):.0f}" == glued(CHAPTER, "ill_k100_removed")
    assert f"{np.argmax(errors <= 1e-6 * errors[0])}" == glued(CHAPTER, "ill_k100_steps")


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


# The network experiment, recomputed without dlopt.minimize, SGD or dlopt.curvature:
# a hand-written gradient-descent loop, and g'Hg from a second difference of loss values.


def _network_run(lr, steps=200):
    moons = dlopt.data.two_moons(200, noise=0.1, seed=0)
    net = dlopt.nn.mlp([2, 16, 2], activation="tanh")
    theta = net.init(np.random.default_rng(0))
    h = 1e-3
    losses, norms, ratios = [], [], []
    for _ in range(steps + 1):
        value, g = net.loss_and_grad(theta, moons.X, moons.y)
        up = net.loss(theta + h * g, moons.X, moons.y, train=True)
        down = net.loss(theta - h * g, moons.X, moons.y, train=True)
        gHg = (up - 2 * value + down) / h**2
        losses.append(value)
        norms.append(np.linalg.norm(g))
        ratios.append(0.5 * lr**2 * gHg / (lr * (g @ g)))
        theta = theta - lr * g
    return net, np.array(losses), np.array(norms), np.array(ratios[:-1])


@pytest.fixture(scope="module")
def run_at_2():
    return _network_run(2.0)


def test_network_has_82_parameters_and_ends_near_0_04(run_at_2, glued):
    net, losses, _, _ = run_at_2
    assert net.size == 2 * 16 + 16 + 16 * 2 + 2 == 82
    assert losses[-1] == pytest.approx(0.0426, abs=5e-4)
    assert f"{losses[-1]:.2f}" == glued(CHAPTER, "ill_final_loss")


def test_first_uphill_step_is_44_then_every_other_step(run_at_2, glued):
    _, losses, _, _ = run_at_2
    uphill = np.flatnonzero(np.diff(losses) > 0)
    assert uphill[0] == 44
    assert f"{uphill[0]}" == glued(CHAPTER, "ill_first_up")
    np.testing.assert_array_equal(uphill, np.arange(44, 200, 2))
    assert uphill.size == 78
    assert losses[44] == pytest.approx(0.2420, abs=1e-4)
    assert losses[45] == pytest.approx(0.2454, abs=1e-4)


def test_gradient_at_step_44_is_8_6_times_its_minimum_at_step_17(run_at_2, glued):
    _, losses, norms, _ = run_at_2
    assert np.argmin(norms[:44]) == 17
    assert f"{np.argmin(norms[:44])}" == glued(CHAPTER, "ill_min_step")
    assert f"{norms[44] / norms[:44].min():.1f}" == glued(CHAPTER, "ill_norm_ratio") == "8.6"
    assert norms[44] == pytest.approx(0.1523, abs=1e-4)
    # the exercise: a step h g with h = 1e-3 has length h |g|; with h = 1e-8 the estimate of
    # 1/2 eps^2 g'Hg moves in steps of 1/2 eps^2 (the float spacing near J) / h^2
    assert _times_ten(1e-3 * norms[44], 1) == glued(CHAPTER, "ill_fd_length")
    assert f"{0.5 * 2.0**2 * np.spacing(losses[44]) / 1e-16:.2f}" == glued(CHAPTER, "ill_fd_grid")


def test_criterion_predicts_the_sign_except_at_steps_0_and_42(run_at_2, glued):
    _, losses, _, ratios = run_at_2
    predicted_up = ratios > 1  # 1/2 eps^2 g'Hg > eps g'g
    measured_up = np.diff(losses) > 0
    wrong = np.flatnonzero(predicted_up != measured_up)
    np.testing.assert_array_equal(wrong, [0, 42])
    assert [f"{wrong.size}", f"{wrong[0]}", f"{wrong[1]}"] == [
        glued(CHAPTER, name) for name in ("ill_misses", "ill_miss_first", "ill_miss_second")
    ]
    assert ratios[42] == pytest.approx(1.13, abs=0.01)
    assert f"{100 * (ratios[42] - 1):.0f}" == glued(CHAPTER, "ill_close_call")
    assert np.all(ratios[1:42] < 1)
    assert np.all(ratios[42::2] > 1) and np.all(ratios[43::2] < 1)
    assert glued(CHAPTER, "ill_calm_steps") == "41"  # steps 1 to 41
    assert glued(CHAPTER, "ill_alternate_from") == "42"


def test_smaller_and_larger_learning_rates_of_the_exercise(glued):
    _, losses_15, _, ratios_15 = _network_run(1.5)
    _, losses_25, _, _ = _network_run(2.5)
    assert not np.any(np.diff(losses_15) > 0)
    assert ratios_15[0] > 1 and np.all(ratios_15[1:] < 1)
    assert np.any(ratios_15 < 0)  # negative curvature along g for a while
    negative = np.flatnonzero(ratios_15 < 0)
    np.testing.assert_array_equal(negative, np.arange(negative[0], negative[-1] + 1))
    assert f"{negative[0]}" == glued(CHAPTER, "ill_ex2_negative_from")
    assert f"{negative[-1]}" == glued(CHAPTER, "ill_ex2_negative_to")
    assert f"{ratios_15[1:].max():.2f}" == glued(CHAPTER, "ill_ex2_max_ratio")
    assert np.flatnonzero(np.diff(losses_25) > 0)[0] == 2
    assert glued(CHAPTER, "ill_ex2_first_up") == "2"
    assert losses_25[-1] < 0.0426 < losses_15[-1]


def test_exercise_uphill_threshold_by_hand(glued):
    # in exact rational arithmetic: g = (1, 100), g'g = 10001, g'Hg = 1000001
    from fractions import Fraction

    h = [Fraction(1), Fraction(100)]
    theta = [Fraction(1), Fraction(1)]
    g = [hi * t for hi, t in zip(h, theta, strict=True)]
    gg = sum(gi * gi for gi in g)
    gHg = sum(hi * gi * gi for hi, gi in zip(h, g, strict=True))
    assert (gg, gHg) == (10001, 1000001)
    assert f"{int(gg):,}".replace(",", " ") == glued(CHAPTER, "ill_ex1_gg")
    assert f"{int(gHg):,}".replace(",", " ") == glued(CHAPTER, "ill_ex1_gHg")
    best = gg / gHg
    assert f"{float(2 * best):.4f}" == glued(CHAPTER, "ill_ex1_threshold")
    assert f"{float(best):.4f}" == glued(CHAPTER, "ill_ex1_best")
    after = [t - best * gi for t, gi in zip(theta, g, strict=True)]
    assert f"({float(after[0]):.3f}, {float(after[1]):.4f})".replace("-", "−") == glued(
        CHAPTER, "ill_ex1_theta"
    )
    J = sum(hi * a * a for hi, a in zip(h, after, strict=True)) / 2
    J0 = sum(hi * t * t for hi, t in zip(h, theta, strict=True)) / 2
    assert f"{float(J):.3f}" == glued(CHAPTER, "ill_ex1_J")
    assert f"{float(J0):.1f}" == glued(CHAPTER, "ill_ex1_J0")


@pytest.mark.parametrize(
    ("kappa", "name", "form"), [(1.0, "ill_k1_after_40", None), (10.0, "ill_k10_after_40", "10"),
                                (100.0, "ill_k100_after_40", ".2f"),
                                (1000.0, "ill_k1000_after_40", ".2f")],
)  # fmt: skip
def test_kappa_slider_figure_loss_after_40_steps(kappa, name, form, glued):
    # closed form: in the eigenbasis each component is multiplied by 1 - 2 lam / (1 + kappa),
    # which is -(kappa - 1)/(kappa + 1) for lam = kappa and +(kappa - 1)/(kappa + 1) for lam = 1
    q = quadratic_with_condition(kappa, dim=2, seed=1)
    theta0 = np.ones(2)
    J0 = 0.5 * theta0 @ q.A @ theta0
    closed = J0 * ((kappa - 1) / (kappa + 1)) ** 80
    quoted = glued(CHAPTER, name)
    if form is None:
        assert quoted == below(closed, 1e-12)
    elif form == "10":
        assert quoted == _times_ten(closed, 0) == "10⁻⁷"
    else:
        assert quoted == format(closed, form)
    run = dlopt.minimize(q, SGD(lr=2 / (1 + kappa)), theta0, steps=40)
    assert run.losses[-1] == pytest.approx(closed, rel=1e-6, abs=1e-15)
    if kappa == 1000.0:
        assert f"{J0:.2f}" == glued(CHAPTER, "ill_k1000_start")
