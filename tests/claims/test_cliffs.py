"""Claims of book/part2/cliffs: each number in the prose, checked independently.

The cliff and the one-unit recurrent network are re-implemented here in plain numpy
(closed-form derivative of the cliff, finite differences for the network).
"""

import numpy as np
import pytest

H, W, C = 10.0, 0.1, 1.5


def cliff_grad(theta):
    x, y = theta
    return np.array([x + H / (2 * W) / np.cosh((x - C) / W) ** 2, y])


def gd(theta, lr, steps, v=None):
    path = [np.array(theta, dtype=float)]
    for _ in range(steps):
        g = cliff_grad(path[-1])
        if v is not None and np.linalg.norm(g) > v:
            g = g * v / np.linalg.norm(g)
        path.append(path[-1] - lr * g)
    return np.array(path)


def test_wall_slope_is_h_over_2w():
    x = np.linspace(C - 1, C + 1, 200_001)
    slope = H / (2 * W) / np.cosh((x - C) / W) ** 2
    assert slope.max() == pytest.approx(50.0, rel=1e-6)


def test_fourth_step_is_thrown_off_the_cliff():
    path = gd([3.0, 2.0], 0.2, 25)
    minimum = np.array([0.0, 0.0])  # the true minimizer is within 1e-10 of the origin
    assert path[3, 0] == pytest.approx(1.53, abs=0.005)
    g2, g3 = np.linalg.norm(cliff_grad(path[2])), np.linalg.norm(cliff_grad(path[3]))
    assert g3 == pytest.approx(48, abs=0.1)
    assert 19 < g3 / g2 < 21
    assert 0.2 * g3 == pytest.approx(9.6, abs=0.02)
    assert path[4, 0] == pytest.approx(-8.1, abs=0.05)
    d = np.linalg.norm(path - minimum, axis=1)
    assert d[4] / d[3] > 4
    assert np.linalg.norm(cliff_grad(path[3])) == pytest.approx(48.06, abs=0.005)
    np.testing.assert_allclose(cliff_grad(path[3]), [48.05, 1.02], atol=0.006)
    np.testing.assert_allclose(path[4], [-8.08, 0.82], atol=0.005)


def test_threshold_table():
    minimum = np.zeros(2)
    steps_needed, farthest = {}, {}
    for v in [0.5, 1, 2, 5, 10, 20, 50]:
        d = np.linalg.norm(gd([3.0, 2.0], 0.2, 40, v=v) - minimum, axis=1)
        steps_needed[v] = int(np.argmax(d < 0.1)) if np.any(d < 0.1) else None
        farthest[v] = d.max()
    assert steps_needed[0.5] == 40
    assert all(15 <= steps_needed[v] <= 18 for v in (2, 5, 10))
    assert all(farthest[v] == pytest.approx(np.hypot(3, 2)) for v in (0.5, 1, 2, 5, 10, 20))
    assert farthest[50] == pytest.approx(8.12, abs=0.01)  # no clipping: the same jump
    np.testing.assert_allclose(gd([3.0, 2.0], 0.2, 40, v=50), gd([3.0, 2.0], 0.2, 40))


def test_clipped_step_of_exercise_and_angles():
    g = cliff_grad(gd([3.0, 2.0], 0.2, 3)[3])
    clipped = 2 * g / np.linalg.norm(g)
    np.testing.assert_allclose(clipped, [2.000, 0.042], atol=0.001)
    by_value = np.clip(g, -2, 2)
    angle = np.degrees(np.arccos(g @ by_value / np.linalg.norm(g) / np.linalg.norm(by_value)))
    assert angle == pytest.approx(26, abs=0.5)


# ---- the one-unit recurrent network, in plain numpy ----------------------------------
T = 50


def rnn_loss(theta):
    w_xh, w_hh, b_h, w_hy, b_y = theta
    h = 0.0
    for t in range(T):
        h = np.tanh((1.0 if t == 0 else 0.0) * w_xh + h * w_hh + b_h)
    return 0.5 * (w_hy * h + b_y - 0.5) ** 2


def fd_grad(theta, eps=1e-7):
    e = np.eye(len(theta))
    return np.array(
        [(rnn_loss(theta + eps * d) - rnn_loss(theta - eps * d)) / (2 * eps) for d in e]
    )


def start(w=1.04):
    return np.array([0.01, w, 0.0, 1.0, 0.0])


def test_rnn_cliff_gradient_sizes():
    g0 = fd_grad(start())
    assert np.linalg.norm(g0) == pytest.approx(63, abs=0.5)
    assert np.linalg.norm(g0) / np.linalg.norm(fd_grad(start(1.4))) > 100
    assert abs(g0[2]) / np.linalg.norm(g0) > 0.99  # almost all of it in b_h


def test_rnn_one_step_unclipped_vs_clipped():
    theta0 = start()
    g0 = fd_grad(theta0)
    assert rnn_loss(theta0) == pytest.approx(0.094, abs=0.0005)
    unclipped = theta0 - 0.1 * g0
    assert np.linalg.norm(unclipped - theta0) == pytest.approx(6.3, abs=0.02)
    assert rnn_loss(unclipped) == pytest.approx(0.149, abs=0.0005)
    clipped = theta0 - 0.1 * g0 / np.linalg.norm(g0)
    ratio = rnn_loss(theta0) / rnn_loss(clipped)
    assert 7.5 < ratio < 8.5
    # along -g the loss falls within the first tenth of a unit, then climbs onto a plateau
    direction = -g0 / np.linalg.norm(g0)
    ts = np.linspace(0, 7, 400)
    line = np.array([rnn_loss(theta0 + t * direction) for t in ts])
    assert ts[np.argmin(line)] < 0.15
    assert line[-1] > rnn_loss(theta0)


def test_rnn_slice_plateau_wall_valley():
    losses = {w: rnn_loss(start(w)) for w in (0.9, 1.0, 1.06, 1.11, 1.4)}
    assert losses[0.9] == pytest.approx(0.125, abs=0.001)  # the input has vanished
    assert losses[1.11] < 1e-3 < losses[1.06] < losses[1.0]
