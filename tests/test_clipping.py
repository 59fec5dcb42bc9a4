"""Gradient clipping: the two rules by hand, and the wrapper with an optimizer."""

import numpy as np
import pytest

from dlopt.clipping import Clipped, clip_by_norm, clip_by_value
from dlopt.optim import SGD, Nesterov
from dlopt.problems import Quadratic


def test_clip_by_norm_rescales_only_long_gradients():
    g = np.array([3.0, 4.0])  # ‖g‖ = 5
    np.testing.assert_allclose(clip_by_norm(g, 1.0), [0.6, 0.8], rtol=1e-15)
    assert clip_by_norm(g, 5.0) is g
    np.testing.assert_array_equal(g, [3.0, 4.0])


def test_clip_by_value_clips_each_entry():
    np.testing.assert_array_equal(clip_by_value(np.array([-5.0, 0.5, 2.0]), 1.0), [-1.0, 0.5, 1.0])


@pytest.mark.parametrize(
    ("call", "name"),
    [(lambda: clip_by_norm([1.0], 0), "v=0"), (lambda: clip_by_value([1.0], -1.0), "c=-1.0")],
)
def test_bad_thresholds_are_named(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_clipped_wrapper_needs_exactly_one_threshold():
    with pytest.raises(ValueError, match="exactly one"):
        Clipped(Quadratic(np.eye(2)))
    with pytest.raises(ValueError, match="max_norm=-2"):
        Clipped(Quadratic(np.eye(2)), max_norm=-2)


def test_sgd_on_a_clipped_objective_takes_steps_of_at_most_lr_times_v():
    objective = Clipped(Quadratic(100 * np.eye(2)), max_norm=2.0)
    theta = np.array([3.0, 4.0])  # ∇ = (300, 400), clipped to (1.2, 1.6)
    new = SGD(lr=0.5).step(theta, objective)
    np.testing.assert_allclose(new, [3.0 - 0.6, 4.0 - 0.8], rtol=1e-15)
    assert objective.value(theta) == Quadratic(100 * np.eye(2)).value(theta)


def test_clipped_by_value_clips_each_entry_of_the_wrapped_gradient():
    # J = ½‖θ‖², ∇J(θ) = θ. Per entry, (10, ½) → (1, ½) with c = 1; norm clipping would
    # give (10, ½)/‖(10, ½)‖ ≈ (0.9988, 0.0499) instead, so the entries tell the rules apart.
    objective = Clipped(Quadratic(np.eye(2)), max_value=1)
    np.testing.assert_array_equal(objective.grad(np.array([10.0, 0.5])), [1.0, 0.5])
    value, g = objective.value_and_grad(np.array([-10.0, 0.5]))
    np.testing.assert_array_equal(g, [-1.0, 0.5])
    assert value == 50.125  # the value is not clipped


def test_nesterov_interim_gradient_is_clipped_too():
    objective = Clipped(Quadratic(np.eye(1)), max_value=0.5)
    opt, theta = Nesterov(lr=1.0, alpha=0.5), np.array([10.0])
    theta = opt.step(theta, objective)  # v = −0.5, θ = 9.5
    theta = opt.step(theta, objective)  # θ̃ = 9.25, g = 0.5 (clipped): v = −0.75, θ = 8.75
    np.testing.assert_allclose(theta, [8.75], rtol=1e-15)
