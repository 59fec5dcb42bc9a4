"""The minimize loop: record shapes, stopping rules and loud failures.

A plain gradient-descent step written here (not an optimizer from dlopt) drives
the loop, so these tests check the loop alone.
"""

import numpy as np
import pytest

import dlopt
from dlopt.compare import Noisy
from dlopt.problems import Quadratic


class HalfStep:
    """θ ← θ − ½∇J(θ), the test's own optimizer."""

    def step(self, theta, objective):
        return theta - 0.5 * objective.grad(theta)


class Exploding:
    """An objective whose loss is NaN away from the start."""

    def value(self, theta):
        return float("nan") if abs(theta[0]) > 1 else 0.0

    def grad(self, theta):
        return np.array([-1.0])


def test_record_has_start_and_every_step():
    q = Quadratic(np.eye(2))
    run = dlopt.minimize(q, HalfStep(), [2.0, -4.0], steps=3)
    assert run.thetas.shape == (4, 2)
    np.testing.assert_allclose(run.thetas[:, 0], [2.0, 1.0, 0.5, 0.25])
    np.testing.assert_allclose(run.losses, [10.0, 2.5, 0.625, 0.15625])
    assert run.stopped == "steps" and run.steps == 3


def test_gtol_stops_early():
    q = Quadratic(np.eye(2))
    run = dlopt.minimize(q, HalfStep(), [1.0, 0.0], steps=100, gtol=1e-3)
    assert run.stopped == "gtol"
    assert run.grad_norms[-1] < 1e-3 <= run.grad_norms[-2]
    assert run.steps == 10  # 2**-10 < 1e-3 < 2**-9


def test_target_and_callback():
    q = Quadratic(np.eye(1))
    assert dlopt.minimize(q, HalfStep(), [1.0], steps=50, target=0.01).stopped == "target"
    run = dlopt.minimize(q, HalfStep(), [1.0], steps=50, callback=lambda k, t, loss: k == 2)
    assert run.stopped == "callback" and run.steps == 2


def test_non_finite_loss_raises_with_step():
    with pytest.raises(FloatingPointError, match="loss at step 3"):
        dlopt.minimize(Exploding(), HalfStep(), [0.0], steps=5)


def test_bad_start_is_rejected():
    with pytest.raises(FloatingPointError, match="theta0"):
        dlopt.minimize(Quadratic(np.eye(2)), HalfStep(), [np.nan, 0.0])
    with pytest.raises(ValueError, match="theta0 must be a 1-D vector"):
        dlopt.minimize(Quadratic(np.eye(2)), HalfStep(), [[0.0, 0.0]])


def test_caller_start_is_not_modified():
    theta0 = np.array([1.0, 1.0])
    dlopt.minimize(Quadratic(np.eye(2)), HalfStep(), theta0, steps=3)
    np.testing.assert_array_equal(theta0, [1.0, 1.0])


def test_step_sizes_are_distances_between_iterates():
    run = dlopt.minimize(Quadratic(np.eye(2)), HalfStep(), [2.0, -4.0], steps=3)
    # θ_k = 2^-k (2, −4), so ‖θ_{k+1} − θ_k‖ = 2^-(k+1) √20
    np.testing.assert_allclose(run.step_sizes, np.sqrt(20) / 2.0 ** np.arange(1, 4))
    assert run.best is None
    np.testing.assert_array_equal(run.theta, [0.25, -0.5])


def test_record_state_keeps_the_state_after_every_step():
    class Counting:
        """θ ← θ − ½∇J(θ) and counts its steps in its state."""

        def __init__(self):
            self.state = {"k": 0}

        def step(self, theta, objective):
            self.state["k"] += 1
            return theta - 0.5 * objective.grad(theta)

    run = dlopt.minimize(Quadratic(np.eye(1)), Counting(), [1.0], steps=3, record_state=("k",))
    np.testing.assert_array_equal(run.extras["state"]["k"], [1, 2, 3])
    with pytest.raises(KeyError, match="no state 'v'"):
        dlopt.minimize(Quadratic(np.eye(1)), Counting(), [1.0], steps=1, record_state=("v",))


class Counted:
    """A quadratic J(θ) = ½‖θ‖² that counts the gradients it computes."""

    def __init__(self):
        self.grads = 0

    def value(self, theta):
        return 0.5 * float(theta @ theta)

    def grad(self, theta):
        self.grads += 1
        return np.array(theta, copy=True)


def test_one_gradient_per_step_and_the_record_holds_the_one_the_step_used():
    objective = Counted()
    record = dlopt.minimize(objective, dlopt.optim.SGD(lr=0.5), [1.0, -2.0], steps=10)
    assert objective.grads == 11  # θ₀, …, θ₁₀: each asked once, by the record and the step
    # with noise, the recorded ‖ĝ_k‖ is that of the ĝ_k that moved θ_k: ĝ_k = (θ_k − θ_{k+1})/ε
    noisy = Noisy(Quadratic(np.eye(2), np.zeros(2)), sigma=1.0, seed=0)
    record = dlopt.minimize(noisy, dlopt.optim.SGD(lr=0.5), [1.0, -2.0], steps=10)
    used = np.linalg.norm(np.diff(record.thetas, axis=0) / -0.5, axis=1)
    np.testing.assert_allclose(record.grad_norms[:-1], used, rtol=1e-12)
