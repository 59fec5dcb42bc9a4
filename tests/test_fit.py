"""The network training loop `dlopt.fit`, checked on stand-ins with closed-form runs.

The stand-in "network" is linear least squares, f(x; θ) = xᵀθ with loss
½ mean (xᵀθ − y)²; on X = I a gradient step with lr ε gives
θ_{k+1} − y = (1 − ε/n)(θ_k − y) per coordinate, derived by hand below.
"""

import numpy as np
import pytest

import dlopt


class LeastSquares:
    """½ mean (Xθ − y)² on one minibatch: value, gradient Xᵀ(Xθ − y)/n."""

    calls = 0

    def __init__(self, X, y):
        self.X, self.y = X, y

    def value_and_grad(self, theta):
        LeastSquares.calls += 1
        r = self.X @ theta - self.y
        return 0.5 * float(r @ r) / len(self.y), self.X.T @ r / len(self.y)

    def value(self, theta):
        return self.value_and_grad(theta)[0]

    def grad(self, theta):
        return self.value_and_grad(theta)[1]


class LinearNet:
    """The stand-in network: θ ∈ R^d, prediction Xθ."""

    def __init__(self, d):
        self.size = d

    def init(self, rng):
        return rng.standard_normal(self.size)

    def objective(self, X, y):
        return LeastSquares(X, y)

    def loss(self, theta, X, y):
        return LeastSquares(X, y).value(theta)


class GD:
    """θ ← θ − lr ∇J(θ), the test's own optimizer."""

    def __init__(self, lr):
        self.lr = lr

    def step(self, theta, objective):
        return theta - self.lr * objective.grad(theta)


class Data:
    def __init__(self, X, y):
        self.X, self.y = np.asarray(X, float), np.asarray(y, float)

    def __len__(self):
        return len(self.y)


def full_batch(epoch, rng):
    return [np.arange(3)]


def test_full_batch_is_gradient_descent_in_closed_form():
    y = np.array([1.0, -2.0, 3.0])
    data = Data(np.eye(3), y)
    run = dlopt.fit(
        LinearNet(3),
        GD(1.5),
        data,
        epochs=4,
        batch_size=3,
        seed=0,
        theta0=np.zeros(3),
        sampler=full_batch,
    )
    # gradient (θ − y)/3, so θ_e − y = (1 − 1.5/3)^e (θ_0 − y) = −y / 2^e
    expected = y - y / 2.0 ** np.arange(5)[:, None]
    np.testing.assert_allclose(run.thetas, expected)
    np.testing.assert_allclose(run.extras["train_loss"], 0.5 * (y @ y) / 3 / 4.0 ** np.arange(5))
    np.testing.assert_allclose(run.losses, run.extras["train_loss"][:-1])
    np.testing.assert_array_equal(run.extras["epoch_end"], [0, 1, 2, 3, 4])
    assert run.steps == 4 and run.stopped == "epochs" and run.best is None
    np.testing.assert_allclose(run.theta, expected[-1])


def test_step_sizes_are_lr_times_gradient_norms():
    rng = np.random.default_rng(1)
    data = Data(rng.standard_normal((12, 2)), rng.standard_normal(12))

    epochs = []

    def pairs(epoch, rng):
        epochs.append(epoch)
        return np.split(rng.permutation(12), 6)

    run = dlopt.fit(LinearNet(2), GD(0.1), data, epochs=3, batch_size=2, seed=2, sampler=pairs)
    assert epochs == [1, 2, 3]
    assert run.steps == 18 and len(run.losses) == len(run.grad_norms) == 18
    np.testing.assert_allclose(run.step_sizes, 0.1 * run.grad_norms)
    assert run.thetas.shape == (4, 2)
    np.testing.assert_array_equal(run.extras["epoch_end"], [0, 6, 12, 18])


def test_minibatch_loss_is_the_loss_on_that_batch():
    data = Data(np.eye(3), [2.0, 4.0, 6.0])

    def first_then_rest(epoch, rng):
        return [np.array([0]), np.array([1, 2])]

    run = dlopt.fit(
        LinearNet(3),
        GD(0.5),
        data,
        epochs=1,
        batch_size=1,
        seed=0,
        theta0=np.zeros(3),
        sampler=first_then_rest,
    )
    # batch {0}: ½·2² = 2; step moves θ_0 to 0 + 0.5·2 = 1; batch {1,2} at θ: ½(16 + 36)/2 = 13
    np.testing.assert_allclose(run.losses, [2.0, 13.0])
    np.testing.assert_allclose(run.theta, [1.0, 1.0, 1.5])


def test_early_stopping_restores_the_best_epoch():
    # 1-D: train target 1 from θ=0 with lr 0.5 gives θ_e = 1 − 2^−e = 0, .5, .75, .875;
    # the validation target 0.6 is closest at e = 1, then gets worse twice.
    train, val = Data([[1.0]], [1.0]), Data([[1.0]], [0.6])
    run = dlopt.fit(
        LinearNet(1),
        GD(0.5),
        train,
        epochs=20,
        batch_size=1,
        seed=0,
        theta0=[0.0],
        validation=val,
        patience=2,
        sampler=lambda e, rng: [np.array([0])],
    )
    assert run.stopped == "patience" and run.best == 1
    np.testing.assert_allclose(run.thetas[:, 0], [0.0, 0.5, 0.75, 0.875])
    np.testing.assert_allclose(run.theta, [0.5])
    np.testing.assert_allclose(run.extras["val_loss"], 0.5 * (run.thetas[:, 0] - 0.6) ** 2)
    assert "val_accuracy" not in run.extras  # real targets: a regression, no accuracy


def test_callback_stops_before_the_update():
    data = Data(np.eye(3), [1.0, 1.0, 1.0])
    seen = []

    def stop_at_two(k, theta, loss):
        seen.append(k)
        return k == 2

    run = dlopt.fit(
        LinearNet(3),
        GD(0.1),
        data,
        epochs=10,
        batch_size=3,
        seed=0,
        sampler=full_batch,
        callback=stop_at_two,
    )
    assert run.stopped == "callback" and run.steps == 2 and seen == [0, 1, 2]
    # snapshots after epochs 0, 1, 2 and where the run stopped (θ_2 again, no update done)
    np.testing.assert_array_equal(run.extras["epoch_end"], [0, 1, 2, 2])
    np.testing.assert_array_equal(run.thetas[-1], run.thetas[-2])


def test_each_step_evaluates_the_minibatch_once():
    data = Data(np.eye(3), [1.0, 2.0, 3.0])
    LeastSquares.calls = 0
    dlopt.fit(LinearNet(3), GD(0.1), data, epochs=5, batch_size=3, seed=0, sampler=full_batch)
    assert LeastSquares.calls == 5 + 6  # one per step, one per epoch-end train loss


def test_seed_fixes_the_run_and_the_start():
    data = Data(np.eye(3), [1.0, 2.0, 3.0])
    args = dict(epochs=2, batch_size=3, sampler=full_batch)
    a = dlopt.fit(LinearNet(3), GD(0.1), data, seed=7, **args)
    b = dlopt.fit(LinearNet(3), GD(0.1), data, seed=7, **args)
    c = dlopt.fit(LinearNet(3), GD(0.1), data, seed=8, **args)
    np.testing.assert_array_equal(a.thetas, b.thetas)
    np.testing.assert_array_equal(a.thetas[0], np.random.default_rng(7).standard_normal(3))
    assert not np.array_equal(a.thetas[0], c.thetas[0])


def test_progress_bar_only_when_asked(capsys):
    data = Data(np.eye(3), [1.0, 2.0, 3.0])
    args = dict(epochs=3, batch_size=3, seed=0, sampler=full_batch)
    dlopt.fit(LinearNet(3), GD(0.1), data, **args)
    assert capsys.readouterr() == ("", "")
    dlopt.fit(LinearNet(3), GD(0.1), data, progress=True, **args)
    err = capsys.readouterr().err
    assert "epoch 3/3" in err and err.endswith("\n")


def test_bad_arguments_are_named():
    data = Data(np.eye(3), [1.0, 2.0, 3.0])
    net, opt = LinearNet(3), GD(0.1)
    with pytest.raises(ValueError, match="epochs"):
        dlopt.fit(net, opt, data, epochs=0, batch_size=3, seed=0)
    with pytest.raises(ValueError, match="batch_size"):
        dlopt.fit(net, opt, data, epochs=1, batch_size=-2, seed=0)
    with pytest.raises(ValueError, match="give epochs or steps"):
        dlopt.fit(net, opt, data, batch_size=3, seed=0)
    with pytest.raises(ValueError, match="steps"):
        dlopt.fit(net, opt, data, steps=0, batch_size=3, seed=0)
    with pytest.raises(ValueError, match="progress=True needs epochs"):
        dlopt.fit(net, opt, data, steps=2, batch_size=3, seed=0, progress=True)
    with pytest.raises(ValueError, match="patience=3 needs a validation set"):
        dlopt.fit(net, opt, data, epochs=1, batch_size=3, seed=0, patience=3)
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match="loss at step 1"):
        dlopt.fit(net, GD(1e200), data, epochs=3, batch_size=3, seed=0, sampler=full_batch)


def test_steps_stop_mid_epoch_and_full_loss_is_recorded_per_step():
    # one example per step in order 0, 1, 2: step k moves coordinate k from 0 halfway to y_k
    y = np.array([2.0, 4.0, 6.0])
    data = Data(np.eye(3), y)

    def in_order(epoch, rng):
        return [np.array([0]), np.array([1]), np.array([2])]

    run = dlopt.fit(
        LinearNet(3), GD(0.5), data, steps=2, batch_size=1, seed=0, theta0=np.zeros(3),
        sampler=in_order, record_full_loss=True,
    )  # fmt: skip
    assert run.stopped == "steps" and run.steps == 2
    np.testing.assert_allclose(run.theta, [1.0, 2.0, 0.0])
    # full loss ½ mean (θ − y)² at θ_0 = 0: (4 + 16 + 36)/6; at θ_1 = (1, 0, 0): (1 + 16 + 36)/6
    np.testing.assert_allclose(run.extras["full_loss"], [56 / 6, 53 / 6])
    np.testing.assert_allclose(run.losses, [2.0, 8.0])  # the minibatch losses at θ_0, θ_1
    # snapshots at the start and where the run stopped, one partial epoch later
    np.testing.assert_array_equal(run.extras["epoch_end"], [0, 2])
    both = dlopt.fit(LinearNet(3), GD(0.5), data, epochs=1, steps=5, batch_size=1, seed=0,
                     sampler=in_order)  # fmt: skip
    assert both.stopped == "epochs" and both.steps == 3  # whichever limit comes first


def test_replace_draws_batches_with_replacement():
    # a batch of 4 out of 3 examples is only possible with replacement; the indices are the
    # rng's next draw after net.init's three normals
    data = Data(np.eye(3), [1.0, 2.0, 3.0])
    rng = np.random.default_rng(0)
    theta0 = rng.standard_normal(3)
    first = rng.integers(0, 3, size=(1, 4))[0]
    run = dlopt.fit(LinearNet(3), GD(0.1), data, steps=20, batch_size=4, seed=0, replace=True)
    assert run.steps == 20  # over 20 epochs of ⌈3/4⌉ = 1 batch each
    np.testing.assert_array_equal(run.thetas[0], theta0)
    np.testing.assert_allclose(run.losses[0], 0.5 * np.mean((theta0[first] - data.y[first]) ** 2))


def test_mlp_learns_two_moons():
    from dlopt.data import two_moons
    from dlopt.nn import mlp
    from dlopt.optim import SGD

    train, val = two_moons(200, noise=0.1, seed=0).split((0.75,), seed=1)
    run = dlopt.fit(
        mlp([2, 16, 2]), SGD(0.5), train, epochs=40, batch_size=20, seed=0,
        validation=val, patience=5,
    )  # fmt: skip
    # the default sampler visits each of the 150 examples once per epoch: ⌈150/20⌉ = 8 steps
    np.testing.assert_array_equal(run.extras["epoch_end"][:3], [0, 8, 16])
    np.testing.assert_allclose(run.step_sizes, 0.5 * run.grad_norms, rtol=1e-12)
    assert run.extras["val_loss"][run.best] == run.extras["val_loss"].min()
    np.testing.assert_array_equal(run.theta, run.thetas[run.best])
    # the two moons are not linearly separable; the network bends its boundary around them
    assert run.extras["val_accuracy"][run.best] > 0.95


def test_line_search_probes_cost_no_gradient():
    calls = []

    class Probed(LeastSquares):
        def value(self, theta):
            calls.append("value")
            return 0.0

        def value_and_grad(self, theta):
            calls.append("value_and_grad")
            return 0.0, np.ones_like(theta)

    class ProbedNet(LinearNet):
        def objective(self, X, y):
            return Probed(X, y)

    class Probing:
        """Tries a point (as a line search does), then steps along −∇J(θ)."""

        def step(self, theta, objective):
            objective.value(theta + 1.0)
            return theta - 0.1 * objective.grad(theta)

    data = Data(np.eye(3), [1.0, 2.0, 3.0])
    run = dlopt.fit(
        ProbedNet(3), Probing(), data, epochs=2, batch_size=3, seed=0, sampler=full_batch
    )
    # per step: one value_and_grad for the record (reused by grad), one value-only probe
    assert calls == ["value_and_grad", "value"] * 2
    np.testing.assert_allclose(run.step_sizes, [0.1 * np.sqrt(3)] * 2)
