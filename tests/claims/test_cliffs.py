"""Claims of book/part2/cliffs: each number in the prose, checked independently.

The cliff and the one-unit recurrent network are re-implemented here in plain numpy
(closed-form derivative of the cliff, finite differences for the network); the numbers the
prose quotes (glued from the notebook) must equal the recomputed ones, formatted alike.
"""

import numpy as np
import pytest

CHAPTER = "part2/cliffs"
H, W, C = 10.0, 0.1, 1.5


def pair(v, digits=3):
    return "(" + ", ".join(f"{x:.{digits}f}".replace("-", "\N{MINUS SIGN}") for x in v) + ")"


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


def test_fourth_step_is_thrown_off_the_cliff(glued):
    path = gd([3.0, 2.0], 0.2, 25)
    minimum = np.array([0.0, 0.0])  # the true minimizer is within 1e-10 of the origin
    g2, g3 = np.linalg.norm(cliff_grad(path[2])), np.linalg.norm(cliff_grad(path[3]))
    d = np.linalg.norm(path - minimum, axis=1)
    assert glued(CHAPTER, "cl_edge_x") == f"{path[3, 0]:.2f}"
    assert C < path[3, 0] < C + W  # on the upper edge of the wall
    assert glued(CHAPTER, "cl_wall_grad") == f"{g3:.0f}"
    assert glued(CHAPTER, "cl_wall_jump") == f"{g3 / g2:.0f}"
    assert glued(CHAPTER, "cl_jump") == f"{np.linalg.norm(path[4] - path[3]):.1f}"
    assert glued(CHAPTER, "cl_jump_x") == f"{path[4, 0]:.1f}".replace("-", "\N{MINUS SIGN}")
    assert glued(CHAPTER, "cl_farther") == f"{d[4] / d[3]:.1f}"
    assert d[4] / d[3] > 4
    # the exercise's starting data
    assert glued(CHAPTER, "cl_theta3") == pair(path[3])
    assert glued(CHAPTER, "cl_g3") == pair(cliff_grad(path[3]), 2)
    assert glued(CHAPTER, "cl_g3_norm") == f"{g3:.2f}"
    # the largest gradient of the whole run is the one on the wall
    grads = [np.linalg.norm(cliff_grad(p)) for p in path]
    assert int(np.argmax(grads)) == 3
    assert glued(CHAPTER, "cl_max_grad") == f"{max(grads):.0f}"


def test_threshold_table(glued):
    minimum = np.zeros(2)
    steps_needed, farthest = {}, {}
    for v in [0.5, 1, 2, 5, 10, 20, 50]:
        d = np.linalg.norm(gd([3.0, 2.0], 0.2, 40, v=v) - minimum, axis=1)
        steps_needed[v] = int(np.argmax(d < 0.1)) if np.any(d < 0.1) else None
        farthest[v] = d.max()
    assert glued(CHAPTER, "cl_v_small") == f"{steps_needed[0.5]}"
    assert steps_needed[0.5] == 40  # "the last one"
    assert steps_needed[0.5] > max(steps_needed[v] for v in (1, 2, 5, 10, 20, 50))
    assert glued(CHAPTER, "cl_v_fastest") == f"{min(steps_needed[v] for v in (2, 5, 10))}"
    assert glued(CHAPTER, "cl_v_slowest") == f"{max(steps_needed[v] for v in (2, 5, 10))}"
    assert glued(CHAPTER, "cl_v_farthest") == f"{np.hypot(3, 2):.1f}"
    assert all(farthest[v] == pytest.approx(np.hypot(3, 2)) for v in (0.5, 1, 2, 5, 10, 20))
    assert farthest[50] == pytest.approx(8.12, abs=0.01)  # no clipping: the same jump
    np.testing.assert_allclose(gd([3.0, 2.0], 0.2, 40, v=50), gd([3.0, 2.0], 0.2, 40))


def test_clipped_step_of_exercise_and_angles(glued):
    theta3 = gd([3.0, 2.0], 0.2, 3)[3]
    g = cliff_grad(theta3)
    clipped = 2 * g / np.linalg.norm(g)
    for name, step in (("unclipped", 0.2 * g), ("clipped", 0.2 * clipped)):
        assert glued(CHAPTER, f"cl_ex1_{name}_step") == pair(step)
        assert glued(CHAPTER, f"cl_ex1_{name}_length") == f"{np.hypot(*step):.3f}"
        assert glued(CHAPTER, f"cl_ex1_{name}_lands") == pair(theta3 - step)
    assert glued(CHAPTER, "cl_ex1_clipped_g") == pair(clipped)
    assert glued(CHAPTER, "cl_ex1_clipped_length") == "0.400"  # ε v
    by_value = np.array([min(max(x, -2.0), 2.0) for x in g])
    assert glued(CHAPTER, "cl_ex2_by_value") == pair(by_value, 2)
    # the angle between g and its clipped-by-value version, from the two slopes
    angle = np.degrees(abs(np.arctan2(g[1], g[0]) - np.arctan2(by_value[1], by_value[0])))
    assert glued(CHAPTER, "cl_ex2_angle") == f"{angle:.0f}"


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


def test_rnn_cliff_gradient_sizes(glued):
    g0 = fd_grad(start())
    ratio = np.linalg.norm(g0) / np.linalg.norm(fd_grad(start(1.4)))
    assert glued(CHAPTER, "cl_rnn_grad") == f"{np.linalg.norm(g0):.0f}"
    assert glued(CHAPTER, "cl_rnn_grad_ratio") == f"{ratio:.0f}"
    assert ratio > 100
    assert abs(g0[2]) / np.linalg.norm(g0) > 0.99  # almost all of it in b_h


def test_rnn_one_step_unclipped_vs_clipped(glued):
    theta0 = start()
    g0 = fd_grad(theta0)
    assert glued(CHAPTER, "cl_rnn_loss0") == f"{rnn_loss(theta0):.3f}"
    unclipped = theta0 - 0.1 * g0
    assert glued(CHAPTER, "cl_rnn_step") == f"{np.linalg.norm(unclipped - theta0):.1f}"
    assert glued(CHAPTER, "cl_rnn_loss1") == f"{rnn_loss(unclipped):.3f}"
    assert rnn_loss(unclipped) > rnn_loss(theta0)  # the loss rises
    clipped = theta0 - 0.1 * g0 / np.linalg.norm(g0)
    assert glued(CHAPTER, "cl_rnn_cut") == f"{rnn_loss(theta0) / rnn_loss(clipped):.0f}"
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
