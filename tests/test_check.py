"""dlopt.check: correct student code passes, plausible mistakes fail with their own message.

The "student" functions below are written by hand from the boxes of the notes (the
correct ones) and with one typical mistake each (the wrong ones); none is taken from
dlopt.check's own catalogue of variants.
"""

import pathlib

import numpy as np
import pytest

import dlopt
from dlopt import check
from dlopt.problems import Quadratic


def sgd(theta, g, lr):
    return theta - lr * g


def momentum(theta, v, g, lr, alpha):
    v = alpha * v - lr * g
    return theta + v, v


def nesterov(theta, v, grad, lr, alpha):
    v = alpha * v - lr * grad(theta + alpha * v)
    return theta + v, v


def adagrad(theta, r, g, lr, delta):
    r = r + g**2
    return theta - lr * g / (delta + np.sqrt(r)), r


def rmsprop(theta, r, g, lr, rho, delta):
    r = rho * r + (1 - rho) * g**2
    return theta - lr * g / np.sqrt(delta + r), r


def adam(theta, s, r, t, g, lr, rho1, rho2, delta):
    s = rho1 * s + (1 - rho1) * g
    r = rho2 * r + (1 - rho2) * g**2
    s_hat, r_hat = s / (1 - rho1**t), r / (1 - rho2**t)
    return theta - lr * s_hat / (np.sqrt(r_hat) + delta), s, r


def linear_decay(k, lr0, lr_tau, tau):
    if k >= tau:
        return lr_tau
    return (1 - k / tau) * lr0 + k / tau * lr_tau


@pytest.mark.parametrize(
    ("run", "student", "reference"),
    [
        (check.sgd_step, sgd, "optim.SGD"),
        (check.momentum_step, momentum, "optim.Momentum"),
        (check.nesterov_step, nesterov, "optim.Nesterov"),
        (check.adagrad_step, adagrad, "optim.AdaGrad"),
        (check.rmsprop_step, rmsprop, "optim.RMSProp"),
        (check.adam_step, adam, "optim.Adam"),
        (check.linear_decay, linear_decay, "schedules.LinearDecay"),
    ],
)
def test_a_correct_implementation_passes_with_a_short_message(run, student, reference, capsys):
    run(student)
    assert capsys.readouterr().out == f"✓ 5 cases match dlopt.{reference}\n"


def test_writing_into_the_inputs_in_place_is_fine(capsys):
    def in_place(theta, v, g, lr, alpha):
        v *= alpha
        v -= lr * g
        theta += v
        return theta, v

    check.momentum_step(in_place)
    assert capsys.readouterr().out.startswith("✓")


def fails(run, student, *phrases):
    with pytest.raises(check.CheckFailed) as error:
        run(student)
    for phrase in phrases:
        assert phrase in str(error.value), str(error.value)
    return str(error.value)


def test_sgd_mistakes():
    fails(check.sgd_step, lambda theta, g, lr: theta + lr * g, "Wrong sign", "step 1")
    fails(check.sgd_step, lambda theta, g, lr: theta - g, "learning rate is missing")


def test_momentum_mistakes():
    def uphill(theta, v, g, lr, alpha):
        v = alpha * v + lr * g
        return theta + v, v

    def lr_on_velocity(theta, v, g, lr, alpha):
        v = alpha * v - g
        return theta + lr * v, v

    def lr_before_momentum(theta, v, g, lr, alpha):
        v = alpha * (v - lr * g)
        return theta + v, v

    def old_velocity(theta, v, g, lr, alpha):
        theta = theta + v
        return theta, alpha * v - lr * g

    def averaged(theta, v, g, lr, alpha):
        v = alpha * v - (1 - alpha) * lr * g
        return theta + v, v

    fails(check.momentum_step, uphill, "Wrong sign: v ← αv − εg")
    fails(check.momentum_step, lr_on_velocity, "learning rate after adding momentum")
    fails(check.momentum_step, lr_before_momentum, "step 1: your velocity v differs", "before")
    message = fails(check.momentum_step, old_velocity, "θ moved with the old velocity")
    assert "step 1: your θ differs" in message  # v is right; θ is not
    fails(check.momentum_step, averaged, "no factor (1 − α)")

    def pytorch(theta, v, g, lr, alpha):
        v = alpha * v + g
        return theta - lr * v, v

    message = fails(check.momentum_step, pytorch, "PyTorch's convention", "Conventions page")
    assert "step 1: your velocity v differs" in message  # θ is right at step 1, v is not


def test_a_pytorch_momentum_run_is_the_same_run(capsys):
    # with a constant ε, PyTorch's buffer is the box's v divided by −ε: the iterates agree
    def pytorch_run(objective, theta0, lr, alpha, steps):
        theta, v, path = np.array(theta0, dtype=float), 0.0, [theta0]
        for _ in range(steps):
            v = alpha * v + objective.grad(theta)
            theta = theta - lr * v
            path.append(theta)
        return np.array(path)

    check.momentum_run(pytorch_run)
    assert capsys.readouterr().out.startswith("✓ 3 runs")


def test_nesterov_mistakes_show_from_step_2():
    def classical(theta, v, grad, lr, alpha):
        v = alpha * v - lr * grad(theta)
        return theta + v, v

    def minus(theta, v, grad, lr, alpha):
        v = alpha * v - lr * grad(theta - alpha * v)
        return theta + v, v

    message = fails(check.nesterov_step, classical, "classical momentum", "interim point")
    assert "step 2: your velocity v differs" in message  # at step 1, v = 0: both agree
    fails(check.nesterov_step, minus, "step 2", "plus, not minus")


def test_adagrad_mistakes():
    def not_accumulated(theta, r, g, lr, delta):
        r = g**2
        return theta - lr * g / (delta + np.sqrt(r)), r

    def delta_inside(theta, r, g, lr, delta):
        r = r + g**2
        return theta - lr * g / np.sqrt(delta + r), r

    def old_r(theta, r, g, lr, delta):
        theta = theta - lr * g / (delta + np.sqrt(r))
        return theta, r + g**2

    message = fails(check.adagrad_step, not_accumulated, "r is not accumulated")
    assert "step 2: your accumulator r differs" in message  # r = g⊙g is right at step 1
    fails(check.adagrad_step, delta_inside, "δ goes outside the square root")
    fails(check.adagrad_step, old_r, "divided by the old r")


def test_rmsprop_mistakes():
    def swapped(theta, r, g, lr, rho, delta):
        r = (1 - rho) * r + rho * g**2
        return theta - lr * g / np.sqrt(delta + r), r

    def adagrad_sum(theta, r, g, lr, rho, delta):
        r = r + g**2
        return theta - lr * g / np.sqrt(delta + r), r

    def delta_outside(theta, r, g, lr, rho, delta):
        r = rho * r + (1 - rho) * g**2
        return theta - lr * g / (np.sqrt(r) + delta), r

    fails(check.rmsprop_step, swapped, "ρ and 1 − ρ are swapped")
    fails(check.rmsprop_step, adagrad_sum, "AdaGrad's sum")
    fails(check.rmsprop_step, delta_outside, "δ inside the square root")


def test_adam_mistakes():
    def uncorrected(theta, s, r, t, g, lr, rho1, rho2, delta):
        s = rho1 * s + (1 - rho1) * g
        r = rho2 * r + (1 - rho2) * g**2
        return theta - lr * s / (np.sqrt(r) + delta), s, r

    def notes_delta(theta, s, r, t, g, lr, rho1, rho2, delta):
        s = rho1 * s + (1 - rho1) * g
        r = rho2 * r + (1 - rho2) * g**2
        return theta - lr * s / (1 - rho1**t) / np.sqrt(r / (1 - rho2**t) + delta), s, r

    def t_from_zero(theta, s, r, t, g, lr, rho1, rho2, delta):
        return adam(theta, s, r, t - 1, g, lr, rho1, rho2, delta)

    def swapped_rhos(theta, s, r, t, g, lr, rho1, rho2, delta):
        s = rho2 * s + (1 - rho2) * g
        r = rho1 * r + (1 - rho1) * g**2
        return theta - lr * s / (1 - rho1**t) / (np.sqrt(r / (1 - rho2**t)) + delta), s, r

    message = fails(check.adam_step, uncorrected, "bias correction is missing")
    assert "step 1: your θ differs" in message  # the moments themselves are right
    fails(check.adam_step, notes_delta, "δ is inside the square root, as in the notes")
    with np.errstate(all="ignore"):
        fails(check.adam_step, t_from_zero, "non-finite", "counted from 1")
    fails(check.adam_step, swapped_rhos, "ρ₁ belongs to s")


def notes_adam(theta, s, r, t, g, lr, rho1, rho2, delta):
    s = rho1 * s + (1 - rho1) * g
    r = rho2 * r + (1 - rho2) * g**2
    return theta - lr * s / (1 - rho1**t) / np.sqrt(r / (1 - rho2**t) + delta), s, r


def test_the_notes_adam_is_checked_with_inside(capsys):
    check.adam_step(notes_adam, inside=True)
    assert capsys.readouterr().out == "✓ 5 cases match dlopt.optim.Adam(delta_inside_root=True)\n"
    fails(check.adam_step, notes_adam, "δ is inside the square root, as in the notes")
    fails(
        lambda f: check.adam_step(f, inside=True),
        adam,
        "δ is outside the square root, as in the textbook",
        "ignore inside",
    )

    def either(theta, s, r, t, g, lr, rho1, rho2, delta, inside=False):
        step = notes_adam if inside else adam
        return step(theta, s, r, t, g, lr, rho1, rho2, delta)

    def ignores_inside(theta, s, r, t, g, lr, rho1, rho2, delta, inside=False):
        return adam(theta, s, r, t, g, lr, rho1, rho2, delta)

    check.adam_step(either)
    check.adam_step(either, inside=True)
    assert capsys.readouterr().out.count("✓ 5 cases match") == 2
    fails(lambda f: check.adam_step(f, inside=True), ignores_inside, "ignore inside")


def test_inside_and_outside_differ_in_every_case_of_the_adam_checks():
    from dlopt.check import _core, _drive, adaptive

    for exercise, inside in [(adaptive.ADAM_EXERCISE, False), (adaptive.ADAM_NOTES_EXERCISE, True)]:
        for seed in range(20):
            rng = np.random.default_rng(seed)
            for _ in range(5):  # the cases of a step check; a run check uses the first 3
                objective, theta0 = _drive.random_quadratic(rng)
                hyper = exercise.draw_hyperparameters(rng)
                box, other = adaptive._adam(inside=inside), adaptive._adam(inside=not inside)
                path = _drive.run_variant(box, exercise, objective, theta0, hyper, 4)
                path_other = _drive.run_variant(other, exercise, objective, theta0, hyper, 4)
                gap = np.abs(path - path_other) / (_core.ATOL + _core.RTOL * np.abs(path))
                assert gap.max() > 100, (seed, hyper)  # 100 times the check's tolerance


def test_a_hard_coded_rho1_is_named():
    def fixed_rho1(theta, s, r, t, g, lr, rho1, rho2, delta):
        return adam(theta, s, r, t, g, lr, 0.99, rho2, delta)

    def fixed_notes(theta, s, r, t, g, lr, rho1, rho2, delta):
        return notes_adam(theta, s, r, t, g, lr, 0.99, rho2, delta)

    fails(check.adam_step, fixed_rho1, "ρ₁ is fixed at 0.99", "use its argument rho1")
    fails(lambda f: check.adam_step(f, inside=True), fixed_notes, "ρ₁ is fixed at 0.99")


def test_an_unknown_mistake_gets_the_box_and_the_numbers():
    def strange(theta, v, g, lr, alpha):
        v = alpha * v - lr * g + 1e-3
        return theta + v, v

    message = fails(check.momentum_step, strange, "case 1", "step 1", "at index")
    assert "Compare your lines with the box: v ← αv − εg; θ ← θ + v" in message


def test_a_wrong_return_value_is_named():
    fails(check.momentum_step, lambda theta, v, g, lr, alpha: theta, "must return 2 values")


def test_linear_decay_mistakes():
    def no_hold(k, lr0, lr_tau, tau):
        return (1 - k / tau) * lr0 + k / tau * lr_tau

    def off_by_one(k, lr0, lr_tau, tau):
        a = min((k + 1) / tau, 1)
        return (1 - a) * lr0 + a * lr_tau

    def integer_division(k, lr0, lr_tau, tau):
        a = min(k // tau, 1)
        return (1 - a) * lr0 + a * lr_tau

    message = fails(check.linear_decay, no_hold, "stay at ε_τ")
    assert "k = " in message and "tau=" in message
    fails(check.linear_decay, off_by_one, "Count k from 0", "k = 0")
    fails(check.linear_decay, integer_division, "integer division")


def glorot(shape, rng):
    a = np.sqrt(6 / (shape[0] + shape[1]))
    return rng.uniform(-a, a, size=shape)


def test_initializer_accepts_any_correct_way_of_drawing(capsys):
    def other_draws(shape, rng):  # correct, with other random calls than dlopt's
        a = np.sqrt(6 / (shape[0] + shape[1]))
        return a * (2 * rng.random(shape) - 1)

    check.initializer(glorot)
    check.initializer(other_draws)
    check.initializer(
        lambda shape, rng: np.sqrt(2 / shape[0]) * rng.normal(size=shape), "he_normal"
    )
    assert capsys.readouterr().out.count("✓") == 3


@pytest.mark.parametrize(
    ("student", "phrase"),
    [
        (lambda shape, rng: rng.uniform(-1, 1, shape) / np.sqrt(shape[0]), "1/(3m)"),
        (lambda shape, rng: rng.normal(0, np.sqrt(6 / sum(shape)), shape), "used as the standard"),
        (lambda shape, rng: rng.normal(0, np.sqrt(2 / sum(shape)), shape), "not a normal"),
        (lambda shape, rng: rng.normal(0, np.sqrt(2 / shape[0]), shape), "2/m (He's"),
        (lambda shape, rng: np.abs(glorot(shape, rng)), "mean"),
        (lambda shape, rng: glorot(shape[::-1], rng), "m and n swapped"),
        (lambda shape, rng: glorot(shape, np.random.default_rng()), "same seed differ"),
    ],
    ids=["fan-in", "bound as std", "normal", "He's", "positive", "transposed", "ignores rng"],
)
def test_initializer_mistakes(student, phrase):
    fails(check.initializer, student, phrase)


def test_glorot_with_the_fan_in_only_is_not_called_he():
    def fan_in_only(shape, rng):
        a = np.sqrt(6 / shape[0])
        return rng.uniform(-a, a, size=shape)

    message = fails(check.initializer, fan_in_only, "a = √(6/m), the fan-in only", "√(6/(m + n))")
    assert "He" not in message


def test_initializer_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        check.initializer(glorot, "lecun")


def test_gradient_against_the_objective_and_against_differences(capsys):
    q = Quadratic(np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([1.0, -1.0]))
    check.gradient(lambda theta: q.A @ theta - q.b, q)
    check.gradient(lambda theta: 3 * theta**2, lambda theta: np.sum(theta**3), dim=4)
    assert capsys.readouterr().out.count("✓ 5 cases match") == 2
    fails(lambda f: check.gradient(f, q), lambda theta: q.b - q.A @ theta, "Wrong sign")
    fails(lambda f: check.gradient(f, q), lambda theta: 0.5 * (q.A @ theta - q.b), "0.5 times")
    fails(
        lambda f: check.gradient(f, q),
        lambda theta: q.A.T @ theta * [1, 0] - q.b,
        "your gradient differs (at index 1",
    )
    with pytest.raises(ValueError, match="dim"):
        check.gradient(np.cos, np.sin)


def momentum_run(objective, theta0, lr, alpha, steps):
    theta, v, path = np.array(theta0, dtype=float), np.zeros(len(theta0)), [theta0]
    for _ in range(steps):
        v = alpha * v - lr * objective.grad(theta)
        theta = theta + v
        path.append(theta)
    return np.array(path)


def adam_run(objective, theta0, lr, rho1, rho2, delta, steps, inside=False):
    theta, s, r, path = np.array(theta0, dtype=float), 0.0, 0.0, [theta0]
    for t in range(1, steps + 1):
        g = objective.grad(theta)
        s, r = rho1 * s + (1 - rho1) * g, rho2 * r + (1 - rho2) * g * g
        s_hat, r_hat = s / (1 - rho1**t), r / (1 - rho2**t)
        root = np.sqrt(r_hat + delta) if inside else np.sqrt(r_hat) + delta
        theta = theta - lr * s_hat / root
        path.append(theta)
    return np.array(path)


def test_whole_runs_pass_and_their_mistakes_are_named(capsys):
    check.momentum_run(momentum_run)
    check.adam_run(adam_run)
    check.sgd_run(lambda J, theta0, lr, steps: momentum_run(J, theta0, lr, 0.0, steps))
    assert capsys.readouterr().out.count("✓ 3 runs of 20 steps match dlopt.optim.") == 3

    def notes_adam(objective, theta0, lr, rho1, rho2, delta, steps):
        return adam_run(objective, theta0, lr, rho1, rho2, delta, steps, inside=True)

    fails(check.adam_run, notes_adam, "adam_run, case 1", "step 1", "as in the notes")
    check.adam_run(notes_adam, inside=True)
    check.adam_run(adam_run, inside=True)  # the book's solution, given inside=True
    assert capsys.readouterr().out.count("match dlopt.optim.Adam(delta_inside_root=True)") == 2

    def textbook_adam(objective, theta0, lr, rho1, rho2, delta, steps):
        return adam_run(objective, theta0, lr, rho1, rho2, delta, steps)

    def ignores_inside(objective, theta0, lr, rho1, rho2, delta, steps, inside=False):
        return adam_run(objective, theta0, lr, rho1, rho2, delta, steps)

    for student in (textbook_adam, ignores_inside):
        fails(lambda f: check.adam_run(f, inside=True), student, "as in the textbook")
    fails(
        check.momentum_run,
        lambda J, theta0, lr, alpha, steps: momentum_run(J, theta0, lr, alpha, steps)[1:],
        "shape (20, ",
        "θ₀ included",
    )
    fails(
        check.nesterov_run,
        momentum_run,
        "nesterov_run, case 1",
        "step 2: your θ differs",
        "classical momentum",
    )


def test_a_run_of_one_array_changed_in_place_is_named():
    def in_place(objective, theta0, lr, alpha, steps, keep_theta0=True):
        theta = np.array(theta0, dtype=float) if keep_theta0 else theta0
        v, path = np.zeros(len(theta0)), [theta0 if keep_theta0 else theta]
        for _ in range(steps):
            v = alpha * v - lr * objective.grad(theta)
            theta += v
            path.append(theta)
        return path

    def as_array(objective, theta0, lr, alpha, steps):  # the rows are equal, no longer the same
        return np.array(in_place(objective, theta0, lr, alpha, steps))

    def theta0_too(objective, theta0, lr, alpha, steps):
        return in_place(objective, theta0, lr, alpha, steps, keep_theta0=False)

    for student in (in_place, as_array, theta0_too):
        message = fails(check.momentum_run, student, "one and the same array", "theta.copy()")
        assert "step 0" not in message


def test_a_run_wrong_only_at_its_last_iterate_fails():
    # Rows θ₀, ..., θ₂₀ are all compared: a slip in the final θ₂₀ alone is a wrong run.
    def last_row_off(objective, theta0, lr, alpha, steps):
        path = momentum_run(objective, theta0, lr, alpha, steps)
        path[-1] += 1e-3
        return path

    fails(check.momentum_run, last_row_off, "momentum_run, case 1", "step 20: your θ differs")


def test_a_function_that_calls_dlopt_is_refused():
    from dlopt.optim import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp
    from dlopt.train import minimize

    def adam_by_minimize(objective, theta0, lr, rho1, rho2, delta, steps):
        return dlopt.minimize(objective, Adam(lr, rho1, rho2, delta), theta0, steps=steps).thetas

    def adam_by_bound_minimize(objective, theta0, lr, rho1, rho2, delta, steps):
        return minimize(objective, Adam(lr, rho1, rho2, delta), theta0, steps=steps).thetas

    def adam_by_step(theta, s, r, t, g, lr, rho1, rho2, delta):
        optimizer = Adam(lr, rho1, rho2, delta)
        optimizer.state = {"k": t - 1, "s": s, "r": r}
        theta = optimizer.step(theta, Quadratic(np.eye(len(g)), theta - g))  # gradient g at θ
        return theta, optimizer.state["s"], optimizer.state["r"]

    def momentum_by_steps(objective, theta0, lr, alpha, steps):
        optimizer, path = Momentum(lr, alpha), [theta0]
        for _ in range(steps):
            path.append(optimizer.step(path[-1], objective))
        return np.array(path)

    def nesterov_by_fit(objective, theta0, lr, alpha, steps):
        record = dlopt.fit(
            objective, Nesterov(lr, alpha), None, epochs=steps, batch_size=1, seed=0, theta0=theta0
        )
        return record.thetas

    # a box is the algorithm itself: calling it is wrapping the reference too
    def sgd_box(theta, g, lr):
        return theta + SGD.box(g, {}, epsilon=lr)[0]

    def momentum_box(theta, v, g, lr, alpha):
        step, state = Momentum.box(g, {"v": v}, epsilon=lr, alpha=alpha)
        return theta + step, state["v"]

    def adagrad_box(theta, r, g, lr, delta):
        step, state = AdaGrad.box(g, {"r": r}, epsilon=lr, delta=delta)
        return theta + step, state["r"]

    def rmsprop_box(theta, r, g, lr, rho, delta):
        step, state = RMSProp.box(g, {"r": r}, epsilon=lr, rho=rho, delta=delta)
        return theta + step, state["r"]

    def adam_box(theta, s, r, t, g, lr, rho1, rho2, delta):
        arguments = {"epsilon": lr, "rho1": rho1, "rho2": rho2, "delta": delta, "t": t}
        step, state = Adam.box(g, {"s": s, "r": r}, **arguments)
        return theta + step, state["s"], state["r"]

    def sgd_box_or_else(theta, g, lr):  # hiding the refusal does not help
        try:
            return sgd_box(theta, g, lr)
        except BaseException:
            return theta - lr * g

    boxes = (SGD.box, Adam.box, Nesterov.box, Adam.step, Adam.arguments)
    minimizes = (dlopt.minimize, dlopt.fit, dlopt.train.minimize, dlopt.train.fit)
    refused = {  # what the check says: the student function that gets it
        "adam_run: your function calls dlopt.minimize": adam_by_minimize,
        "adam_run: your function calls dlopt.optim.Adam": adam_by_bound_minimize,
        "adam_step: your function calls dlopt.optim.Adam": adam_by_step,
        "momentum_run: your function calls dlopt.optim.Momentum": momentum_by_steps,
        "nesterov_run: your function calls dlopt.fit": nesterov_by_fit,
        "sgd_step: your function calls dlopt.optim.SGD.box": sgd_box,
        "momentum_step: your function calls dlopt.optim.Momentum.box": momentum_box,
        "adagrad_step: your function calls dlopt.optim.AdaGrad.box": adagrad_box,
        "rmsprop_step: your function calls dlopt.optim.RMSProp.box": rmsprop_box,
        "adam_step: your function calls dlopt.optim.Adam.box": adam_box,
    }
    for says, student in refused.items():
        fails(getattr(check, says.split(":")[0]), student, f"{says}: write the update yourself")
    fails(check.sgd_step, sgd_box_or_else, "calls dlopt.optim.SGD.box")
    # the guards are gone afterwards: dlopt works as before
    assert (SGD.box, Adam.box, Nesterov.box, Adam.step, Adam.arguments) == boxes
    assert (dlopt.minimize, dlopt.fit, dlopt.train.minimize, dlopt.train.fit) == minimizes
    assert "box" not in vars(Nesterov)  # inherited from Momentum, as before
    check.momentum_run(momentum_run)


def test_a_students_own_optimizer_class_may_use_the_shared_step(capsys):
    from dlopt.optim import FirstOrder

    class MySGD(FirstOrder):
        def __init__(self, lr):
            super().__init__()
            self.lr = lr

        def arguments(self, k):
            return {"epsilon": self.lr}

        @staticmethod
        def box(g, state, *, epsilon):
            return -epsilon * g, {}

    def sgd_by_my_class(theta, g, lr):
        return MySGD(lr).step(theta, Quadratic(np.eye(len(g)), theta - g))  # gradient g at θ

    check.sgd_step(sgd_by_my_class)
    assert capsys.readouterr().out == "✓ 5 cases match dlopt.optim.SGD\n"


def test_the_message_quoted_on_the_instructor_page_is_the_one_printed():
    page = (pathlib.Path(__file__).resolve().parents[1] / "book" / "instructors.md").read_text()
    quoted = " ".join(page.split("```text\n", 1)[1].split("```", 1)[0].split())

    def lr_before_momentum(theta, v, g, lr, alpha):
        v = alpha * (v - lr * g)
        return theta + v, v

    with pytest.raises(check.CheckFailed) as error:
        check.momentum_step(lr_before_momentum)
    assert " ".join(str(error.value).split()) == quoted
