"""Property tests over random well-conditioned quadratics (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dlopt.optim import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp
from dlopt.problems import Quadratic

# With λ_max ≤ 4 and |step| ≤ 0.01·‖g‖-ish, every first-order step is "small".
SMALL_STEP = [
    lambda: SGD(lr=0.01),
    lambda: Momentum(lr=0.01, alpha=0.9),
    lambda: Nesterov(lr=0.01, alpha=0.9),
    lambda: AdaGrad(lr=0.001),
    lambda: RMSProp(lr=0.0001),
    lambda: RMSProp(lr=0.0001, alpha=0.5),
    lambda: Adam(lr=0.0001),
]


@st.composite
def quadratics(draw):
    """A d-dimensional quadratic with eigenvalues in [1, 4] and a start away from θ*."""
    d = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    A = (Q * rng.uniform(1.0, 4.0, d)) @ Q.T
    objective = Quadratic(0.5 * (A + A.T), rng.normal(size=d))
    theta = objective.minimizer + rng.normal(size=d) * draw(st.floats(0.1, 100.0))
    return objective, theta


@settings(max_examples=40, deadline=None)
@given(quadratics(), st.sampled_from(range(len(SMALL_STEP))))
def test_a_small_first_step_decreases_the_loss(problem, index):
    objective, theta = problem
    new = SMALL_STEP[index]().step(theta, objective)
    assert objective.value(new) < objective.value(theta)


@settings(max_examples=40, deadline=None)
@given(
    quadratics(),
    st.sampled_from(range(len(SMALL_STEP))),
    st.sampled_from([np.float32, np.float64]),
)
def test_finite_inputs_never_give_a_non_finite_theta(problem, index, dtype):
    objective, theta = problem
    opt, theta = SMALL_STEP[index](), theta.astype(dtype)
    for _ in range(20):
        theta = opt.step(theta, objective)
        assert theta.dtype == dtype and np.all(np.isfinite(theta))
