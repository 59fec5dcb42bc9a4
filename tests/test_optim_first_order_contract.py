"""The contract of the first-order optimizers: validation, dtype, state, aliasing, atomic steps."""

import copy

import numpy as np
import pytest

from dlopt.optim import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp
from dlopt.problems import Quadratic
from dlopt.schedules import LinearDecay

MAKERS = {
    "sgd": lambda: SGD(lr=0.05),
    "momentum": lambda: Momentum(lr=0.05),
    "nesterov": lambda: Nesterov(lr=0.05),
    "adagrad": lambda: AdaGrad(lr=0.05),
    "rmsprop": lambda: RMSProp(lr=0.01),
    "rmsprop-nesterov": lambda: RMSProp(lr=0.01, alpha=0.9),
    "adam": lambda: Adam(lr=0.01),
}
STATE_NAMES = {
    "sgd": {"k"},
    "momentum": {"k", "v"},
    "nesterov": {"k", "v"},
    "adagrad": {"k", "r"},
    "rmsprop": {"k", "r"},
    "rmsprop-nesterov": {"k", "r", "v"},
    "adam": {"k", "s", "r"},
}


def problem(n, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    d = rng.uniform(0.5, 2.0, n)
    theta = rng.normal(size=n).astype(dtype)
    return Quadratic(np.diag(d), rng.normal(size=n)), theta


class Fixed:
    """An objective whose gradient is a given array, whatever θ."""

    def __init__(self, g):
        self.g = g

    def grad(self, theta):
        return self.g


@pytest.mark.parametrize("name", MAKERS)
def test_state_is_named_like_the_box(name):
    objective, theta = problem(4)
    opt = MAKERS[name]()
    opt.step(theta, objective)
    assert set(opt.state) == STATE_NAMES[name]
    assert opt.state["k"] == 1


@pytest.mark.parametrize("name", MAKERS)
def test_resumed_run_is_bit_for_bit_identical(name):
    objective, theta = problem(11)
    opt = MAKERS[name]()
    for _ in range(4):
        theta = opt.step(theta, objective)
    saved, theta_saved = opt.state_dict(), theta.copy()
    for _ in range(5):
        theta = opt.step(theta, objective)
    resumed = MAKERS[name]()
    resumed.load_state_dict(saved)
    again = theta_saved
    for _ in range(5):
        again = resumed.step(again, objective)
    np.testing.assert_array_equal(again, theta)


@pytest.mark.parametrize("name", MAKERS)
def test_dtype_is_preserved_and_theta_is_not_modified(name):
    objective, theta = problem(13, dtype=np.float32)
    original, opt = theta.copy(), MAKERS[name]()
    out = opt.step(theta, objective)
    assert out.dtype == np.float32 and out.shape == theta.shape
    assert all(a.dtype == np.float32 for a in opt.state.values() if isinstance(a, np.ndarray))
    np.testing.assert_array_equal(theta, original)
    assert not np.shares_memory(out, theta)


@pytest.mark.parametrize("name", MAKERS)
def test_arrays_the_caller_keeps_are_never_overwritten(name):
    objective, theta = problem(13)
    opt, kept = MAKERS[name](), []
    for k in range(8):
        theta = opt.step(theta, objective)
        if k % 3 == 0:
            kept.append((theta, theta.copy()))
    for array, copy_at_the_time in kept:
        np.testing.assert_array_equal(array, copy_at_the_time)


@pytest.mark.parametrize("name", MAKERS)
def test_each_step_leaves_new_state_arrays_and_keeps_the_old_ones(name):
    # the boxes are pure: collecting opt.state["v"] over three steps gives three velocities
    objective, theta = problem(13)
    opt, history = MAKERS[name](), []
    for _ in range(3):
        theta = opt.step(theta, objective)
        history.append({k: v for k, v in opt.state.items() if isinstance(v, np.ndarray)})
    copies = copy.deepcopy(history)
    for key in history[0]:
        assert not np.array_equal(history[0][key], history[2][key])
        for seen, kept in zip(history, copies, strict=True):
            np.testing.assert_array_equal(seen[key], kept[key])


@pytest.mark.parametrize(
    ("make", "name", "value"),
    [
        (lambda: SGD(lr=0.0), "lr", "0.0"),
        (lambda: Momentum(lr=-0.1), "lr", "-0.1"),
        (lambda: Momentum(alpha=1.0), "alpha", "1.0"),
        (lambda: Nesterov(alpha=-0.1), "alpha", "-0.1"),
        (lambda: AdaGrad(delta=0.0), "delta", "0.0"),
        (lambda: RMSProp(rho=1.0), "rho", "1.0"),
        (lambda: RMSProp(alpha=1.5), "alpha", "1.5"),
        (lambda: RMSProp(delta=-1e-6), "delta", "-1e-06"),
        (lambda: Adam(rho1=1.0), "rho1", "1.0"),
        (lambda: Adam(rho2=-0.5), "rho2", "-0.5"),
        (lambda: Adam(delta=0), "delta", "0"),
        (lambda: Adam(lr=float("nan")), "lr", "nan"),
    ],
)
def test_bad_hyperparameters_name_the_argument_and_value(make, name, value):
    with pytest.raises(ValueError, match=f"{name}={value}"):
        make()


@pytest.mark.parametrize("name", MAKERS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_non_finite_gradient_raises_and_changes_nothing(name, bad):
    rng = np.random.default_rng(0)  # long vectors too: a step completes or changes nothing
    opt, theta = MAKERS[name](), rng.normal(size=100_000)
    theta = opt.step(theta, Fixed(rng.normal(size=100_000)))
    before, theta_before = copy.deepcopy(opt.state), theta.copy()
    g = np.ones(theta.size)
    g[99_999] = bad
    with pytest.raises(FloatingPointError, match=r"gradient has 1 non-finite entries.*index 99999"):
        opt.step(theta, Fixed(g))
    assert opt.state.keys() == before.keys()
    for key, value in before.items():
        np.testing.assert_array_equal(opt.state[key], value)
    np.testing.assert_array_equal(theta, theta_before)


def test_huge_but_finite_gradient_is_not_mistaken_for_inf():
    with pytest.warns(RuntimeWarning, match="overflow"):  # the sum overflows; the entries are fine
        out = SGD(lr=1e-308).step(np.zeros(3), Fixed(np.full(3, 1e308)))
    np.testing.assert_allclose(out, -1.0)


@pytest.mark.parametrize("name", MAKERS)
def test_wrong_shape_gradient_raises(name):
    with pytest.raises(ValueError, match=r"gradient must have shape \(3,\), got shape \(2,\)"):
        MAKERS[name]().step(np.zeros(3), Fixed(np.zeros(2)))


def test_a_gradient_beyond_float32_is_refused_for_a_float32_theta():
    opt = Adam()
    with pytest.raises(FloatingPointError, match="gradient has 1 non-finite entries"):
        with pytest.warns(RuntimeWarning, match="overflow"):  # numpy's cast, then our refusal
            opt.step(np.zeros(2, dtype=np.float32), Fixed(np.array([1e39, 1.0])))
    assert opt.state == {"k": 0, "s": None, "r": None}


def test_a_float64_gradient_does_not_promote_a_float32_theta():
    out = Adam().step(np.zeros(13, dtype=np.float32), Fixed(np.ones(13)))
    assert out.dtype == np.float32


@pytest.mark.parametrize("name", MAKERS)
@pytest.mark.parametrize("gradient_dtype", [float, int])
def test_integer_theta_is_refused(name, gradient_dtype):
    with pytest.raises(TypeError, match="theta must be a floating-point array"):
        MAKERS[name]().step(np.zeros(3, dtype=int), Fixed(np.ones(3, dtype=gradient_dtype)))


def test_a_numpy_or_integer_learning_rate_is_a_plain_rate():
    for lr in (np.float32(0.5), 1, np.int64(1)):
        opt = SGD(lr=lr)
        opt.lr = lr  # also when set after construction, as a widget might
        np.testing.assert_array_equal(opt.step(np.zeros(2), Fixed(np.ones(2))), -float(lr))


def test_schedule_sets_each_steps_learning_rate():
    schedule = LinearDecay(lr0=0.1, lr_tau=0.01, tau=2)
    opt, theta, steps = SGD(lr=schedule), np.zeros(1), []
    for _ in range(4):
        new = opt.step(theta, Fixed(np.ones(1)))
        steps.append(float(theta[0] - new[0]))
        theta = new
    np.testing.assert_allclose(steps, [0.1, 0.055, 0.01, 0.01], rtol=1e-12)


def test_load_refuses_other_hyperparameters():
    with pytest.raises(ValueError, match="hyperparameters"):
        Adam(lr=0.1).load_state_dict(Adam(lr=0.2).state_dict())
