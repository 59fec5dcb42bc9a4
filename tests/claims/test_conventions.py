"""Claims of book/part3/conventions: each library's rule written out in numpy, against the book's.

The book's boxes are re-implemented here as plain loops (not dlopt.optim), so the equivalences the
page shows (PyTorch's buffer b = -v/eps, the look-ahead Nesterov form, Keras's epsilon hat) and the
numbers it prints are checked by a second, independent computation.
"""

import math

import numpy as np
import pytest

from dlopt.problems import quadratic_with_condition

A = quadratic_with_condition(50.0, dim=2, seed=1).A
THETA0 = np.array([1.0, 1.0])
EPS, ALPHA, STEPS = 0.02, 0.9, 30


def grad(theta):
    return A @ theta


def textbook_momentum(rate, nesterov=False):
    theta, v, thetas, vs = THETA0.copy(), np.zeros(2), [], []
    for k in range(STEPS):
        g = grad(theta + ALPHA * v) if nesterov else grad(theta)
        v = ALPHA * v - rate(k) * g
        theta = theta + v
        thetas.append(theta)
        vs.append(v)
    return np.array(thetas), np.array(vs)


def torch_momentum(rate, nesterov=False):
    p, b, ps, bs = THETA0.copy(), np.zeros(2), [], []
    for k in range(STEPS):
        g = grad(p)
        b = ALPHA * b + g
        p = p - rate(k) * (g + ALPHA * b if nesterov else b)
        ps.append(p)
        bs.append(b)
    return np.array(ps), np.array(bs)


def test_torch_buffer_is_minus_velocity_over_eps_at_a_constant_rate():
    thetas, vs = textbook_momentum(lambda k: EPS)
    ps, bs = torch_momentum(lambda k: EPS)
    np.testing.assert_allclose(ps, thetas, atol=1e-14)
    np.testing.assert_allclose(bs, -vs / EPS, atol=1e-12)


def test_a_step_schedule_separates_the_two_forms_at_step_11(glued):
    def rate(k):
        return EPS * 0.1 ** (k // 10)

    thetas, _ = textbook_momentum(rate)
    ps, _ = torch_momentum(rate)
    distances = np.linalg.norm(thetas - ps, axis=1)
    assert distances[9] < 1e-14
    assert distances[[10, 11, 20, 29]] == pytest.approx([0.105, 0.198, 0.688, 0.897], abs=5e-4)
    book_step = np.linalg.norm(thetas[10] - thetas[9])
    torch_step = np.linalg.norm(ps[10] - ps[9])
    assert (book_step, torch_step) == pytest.approx((0.1170, 0.0124), abs=5e-5)
    assert glued("part3/conventions", "conv_step_ratio") == f"{book_step / torch_step:.0f}"
    parting = 1 + int(np.argmax(distances > 1e-12))
    assert glued("part3/conventions", "conv_parting_step") == str(parting) == "11"
    assert book_step > 0.5 * np.linalg.norm(thetas[9] - thetas[8])  # "almost as long as before"


def test_libraries_nesterov_parameter_is_the_look_ahead_point():
    thetas, vs = textbook_momentum(lambda k: EPS, nesterov=True)
    lookahead = thetas + ALPHA * vs
    w, v, keras = THETA0.copy(), np.zeros(2), []
    for _ in range(STEPS):  # Keras's rule
        g = grad(w)
        v = ALPHA * v - EPS * g
        w = w + ALPHA * v - EPS * g
        keras.append(w)
    ps, _ = torch_momentum(lambda k: EPS, nesterov=True)
    np.testing.assert_allclose(keras, lookahead, atol=1e-14)
    np.testing.assert_allclose(ps, lookahead, atol=1e-14)
    assert thetas[-1] == pytest.approx([-0.151594, -0.144949], abs=5e-7)
    assert w == pytest.approx([-0.135133, -0.129210], abs=5e-7)


def test_adagrad_first_steps_in_units_of_eps(glued):
    g = np.array([1e-4, 1e-2, 1.0, 100.0])
    book = np.abs(g) / (1e-7 + np.sqrt(g * g))  # r = g^2 after one step, delta outside
    keras = np.abs(g) / np.sqrt(0.1 + g * g + 1e-7)
    assert book == pytest.approx([0.9990, 1.0, 1.0, 1.0], abs=5e-5)
    assert keras == pytest.approx([0.0003, 0.0316, 0.9535, 1.0], abs=5e-5)
    ratio = book[0] / keras[0]  # "about 3000 times less"
    assert glued("part3/conventions", "conv_adagrad_ratio") == f"{round(ratio, -3):.0f}"


def test_delta_inside_or_outside_the_root(glued):
    delta = 1e-8
    r = np.array([1.0, 1e-4, 1e-8, 1e-12, 1e-16, 0.0])
    outside, inside = 1 / (np.sqrt(r) + delta), 1 / np.sqrt(r + delta)
    np.testing.assert_allclose(outside / inside, [1.0, 1.0, 1.4, 99.0, 5000.0, 10000.0], atol=0.06)
    assert (outside[-1], inside[-1]) == pytest.approx((1e8, 1e4))
    g, rho = 1e-5, 0.9
    inside_step = 1 / math.sqrt(1e-6 + (1 - rho) * g * g)
    outside_step = 1 / (math.sqrt(1 - rho) * g + 1e-6)
    assert inside_step == pytest.approx(999.995, abs=5e-4)
    assert outside_step == pytest.approx(240253.07, abs=0.01)
    assert glued("part3/conventions", "conv_rmsprop_step") == f"{inside_step:.0f}"
    assert glued("part3/conventions", "conv_outside_step") == "240 000"
    assert glued("part3/conventions", "conv_floor_ratio") == "10 000"
    assert outside[-1] / inside[-1] == pytest.approx(10_000)


def test_keras_epsilon_hat_is_a_shrinking_delta(glued):
    lr, rho1, rho2, eps_hat, g = 0.001, 0.9, 0.999, 1e-7, 3e-6
    s, r = (1 - rho1) * g, (1 - rho2) * g * g
    keras = -lr * math.sqrt(1 - rho2) / (1 - rho1) * s / (math.sqrt(r) + eps_hat)

    def book(delta):
        return -lr * (s / (1 - rho1)) / (math.sqrt(r / (1 - rho2)) + delta)

    assert keras == pytest.approx(book(eps_hat / math.sqrt(1 - rho2)), rel=1e-12)
    assert keras == pytest.approx(-4.868330e-4, rel=1e-6)
    assert book(eps_hat) == pytest.approx(-9.677419e-4, rel=1e-6)
    ratios = [1 / math.sqrt(1 - rho2**t) for t in (1, 10, 100, 1000, 10000)]
    assert ratios == pytest.approx([31.6228, 10.0225, 3.2409, 1.2576, 1.0000], abs=5e-5)
    assert glued("part3/conventions", "conv_delta_t1") == f"{ratios[0]:.1f}"
    # exercise 2: within 1% from t = 3925, within 10% from t = 1751 (by logarithms)
    one = math.ceil(math.log(1 - 1 / 1.01**2) / math.log(rho2))
    ten = math.ceil(math.log(1 - 1 / 1.1**2) / math.log(rho2))
    assert (one, ten) == (3925, 1751)
    assert glued("part3/conventions", "conv_ex2_one_percent") == str(one)
    assert glued("part3/conventions", "conv_ex2_ten_percent") == str(ten)


def adam_run(grad_fn, steps, lr=0.01, decay=0.0, state=None):
    theta, s, r, t = np.zeros(2), np.zeros(2), np.zeros(2), 0
    if state is not None:
        theta, s, r, t = state
    for _ in range(steps):
        g = grad_fn(theta)
        t += 1
        s = 0.9 * s + 0.1 * g
        r = 0.999 * r + 0.001 * g * g
        step = -lr * (s / (1 - 0.9**t)) / (np.sqrt(r / (1 - 0.999**t)) + 1e-8)
        theta = theta + step - lr * decay * theta
    return theta, s, r, t


def test_l2_against_decoupled_weight_decay_in_adam(glued):
    lam, c = 0.1, np.array([100.0, 0.01])

    def plain(theta):
        return c * (theta - 1)

    def l2(theta):
        return plain(theta) + lam * theta

    state = adam_run(plain, 100)
    theta = state[0]
    assert theta == pytest.approx([0.7756, 0.7756], abs=5e-5)
    pull = (adam_run(plain, 1, state=state)[0] - adam_run(l2, 1, state=state)[0]) / (
        0.01 * lam * theta
    )
    assert pull == pytest.approx([0.0016, 12.47], abs=5e-3)
    assert adam_run(l2, 3000)[0] == pytest.approx([0.9990, 0.0909], abs=5e-5)
    assert adam_run(plain, 3000, decay=lam)[0] == pytest.approx([0.9953, 0.9953], abs=5e-5)
    assert c / (c + lam) == pytest.approx([0.9990, 0.0909], abs=5e-5)
    minimizer = c / (c + lam)
    assert (
        glued("part3/conventions", "conv_l2_minimizer")
        == f"({minimizer[0]:.3f}, {minimizer[1]:.3f})"
    )
    assert glued("part3/conventions", "conv_after_100") == f"{theta[0]:.2f}"
    assert glued("part3/conventions", "conv_pull_steep") == f"{100 * pull[0]:.2f}%"
    assert glued("part3/conventions", "conv_pull_flat") == f"{pull[1]:.0f}"
    decoupled = adam_run(plain, 3000, decay=lam)[0]
    assert glued("part3/conventions", "conv_decoupled_end") == f"{decoupled[0]:.3f}"


def test_dampening_is_the_book_with_a_smaller_rate_after_a_longer_first_step():
    gamma, mu, tau = 0.02, 0.9, 0.9
    p, b, torch_ps = THETA0.copy(), None, []
    for _ in range(20):
        g = grad(p)
        b = g if b is None else mu * b + (1 - tau) * g
        p = p - gamma * b
        torch_ps.append(p)
    theta, v = torch_ps[0].copy(), torch_ps[0] - THETA0
    for k in range(1, 20):
        v = mu * v - (1 - tau) * gamma * grad(theta)
        theta = theta + v
        np.testing.assert_allclose(theta, torch_ps[k], atol=1e-14)
    first_book = (1 - tau) * gamma * np.linalg.norm(grad(THETA0))
    assert np.linalg.norm(torch_ps[0] - THETA0) / first_book == pytest.approx(10.0)
