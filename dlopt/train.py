"""Running an optimizer: the loop and the record of a run.

The loop does what the algorithm boxes leave to their ``while`` line: it
calls ``optimizer.step`` until a stopping criterion is met and keeps a record.
The update itself always lives in the optimizer. :func:`minimize` runs on one
objective; :func:`fit` trains a network over a data set, drawing one minibatch
objective per step (the "sample a minibatch" line of Algorithm 1 of the notes).
"""

from __future__ import annotations

import itertools
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from dlopt import _checks
from dlopt.objective import Remembered


@dataclass
class Record:
    """What a run leaves behind.

    - ``thetas``: parameters over time, shape (M, d) with the start first: every
      iterate for :func:`minimize`, one snapshot per epoch for :func:`fit`;
    - ``losses``, ``grad_norms``: J(θ_k) and ‖∇J(θ_k)‖ at each iterate (the
      minibatch loss and gradient for :func:`fit`);
    - ``stopped``: why the run ended; ``wall_time`` in seconds;
    - ``extras``: per-epoch (and, on request, per-step) metrics of :func:`fit` (see there);
    - ``step_sizes``: ‖θ_{k+1} − θ_k‖ for each update (computed from ``thetas``
      when not given), so ``steps`` is its length;
    - ``best``: the row of ``thetas`` that early stopping restored, or None.
    """

    thetas: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    stopped: str
    wall_time: float
    extras: dict = field(default_factory=dict)
    step_sizes: np.ndarray | None = None
    best: int | None = None

    def __post_init__(self):
        if self.step_sizes is None:
            self.step_sizes = np.linalg.norm(np.diff(self.thetas, axis=0), axis=1)

    @property
    def steps(self) -> int:
        """The number of updates performed."""
        return len(self.step_sizes)

    @property
    def theta(self) -> np.ndarray:
        """The parameters the run hands back: the last iterate, or the restored best one."""
        return self.thetas[-1 if self.best is None else self.best]


#: How far above J(θ₀) a run's loss may climb, in units of 1 + |J(θ₀)|, before it has diverged.
BLOWUP = 1e6


def diverged(loss: float, start_loss: float) -> bool:
    """The one divergence rule: J(θ_k) > J(θ₀) + BLOWUP·(1 + |J(θ₀)|), or J(θ_k) not finite."""
    return not loss <= start_loss + BLOWUP * (1 + abs(start_loss))


def _start(theta0) -> np.ndarray:
    theta = _checks.finite_array("theta0", np.array(theta0, copy=True))
    if theta.ndim != 1:
        raise ValueError(f"theta0 must be a 1-D vector, got shape {theta.shape}")
    return theta if np.issubdtype(theta.dtype, np.floating) else theta.astype(float)


def minimize(
    objective,
    optimizer,
    theta0,
    steps: int = 100,
    *,
    gtol: float | None = None,
    target: float | None = None,
    callback=None,
    record_state: tuple[str, ...] = (),
) -> Record:
    """Run ``optimizer`` on ``objective`` from ``theta0`` for at most ``steps`` updates.

    Stops early when ‖∇J(θ)‖ < ``gtol`` or J(θ) ≤ ``target``, or when
    ``callback(k, theta, loss)`` returns True. A non-finite loss or gradient
    raises ``FloatingPointError`` naming the step, instead of recording NaNs.
    ``record_state`` names entries of ``optimizer.state`` (e.g. ``("r",)``) to
    keep after every update: ``record.extras["state"][name]`` has one row per step.
    """
    steps = _checks.positive_int("steps", steps) if steps != 0 else 0
    theta = _start(theta0)
    objective = Remembered(objective)  # the step's ∇J(θ_k) is the one recorded: one evaluation
    thetas, losses, norms = [theta.copy()], [], []
    states = {name: [] for name in record_state}
    stopped = "steps"
    start = time.perf_counter()
    for k in range(steps + 1):
        loss, norm = _measure(objective, theta, k)
        losses.append(loss)
        norms.append(norm)
        if gtol is not None and norms[-1] < gtol:
            stopped = "gtol"
            break
        if target is not None and loss <= target:
            stopped = "target"
            break
        if callback is not None and callback(k, theta, loss):
            stopped = "callback"
            break
        if k == steps:
            break
        theta = optimizer.step(theta, objective)
        thetas.append(np.array(theta, copy=True))
        for name, history in states.items():
            if name not in optimizer.state:
                raise KeyError(f"record_state: {type(optimizer).__name__} has no state {name!r}")
            history.append(np.array(optimizer.state[name], copy=True))
    return Record(
        thetas=np.array(thetas),
        losses=np.array(losses),
        grad_norms=np.array(norms),
        stopped=stopped,
        wall_time=time.perf_counter() - start,
        extras={"state": {name: np.array(h) for name, h in states.items()}} if states else {},
    )


def _measure(objective, theta, k: int) -> tuple[float, float]:
    """J(θ_k) and ‖∇J(θ_k)‖ from one evaluation (the step reuses it: :class:`Remembered`);
    a loss or gradient that is not finite raises, naming step k."""
    loss, g = objective.value_and_grad(theta)
    loss = _checks.finite_scalar(f"loss at step {k}", loss)
    g = _checks.finite_array(f"gradient at step {k}", g, theta.shape)
    return loss, float(np.linalg.norm(g))


def _progress(epoch: int, epochs: int, loss: float, width: int = 30) -> None:
    """A one-line text bar on stderr, rewritten in place each epoch."""
    done = round(width * epoch / epochs)
    end = "\n" if epoch == epochs else ""
    bar = "#" * done + "." * (width - done)
    print(f"\repoch {epoch}/{epochs} [{bar}] train loss {loss:.4g}", end=end, file=sys.stderr)


def fit(
    net,
    optimizer,
    train_set,
    *,
    epochs: int | None = None,
    batch_size: int,
    seed: int,
    theta0=None,
    validation=None,
    patience: int | None = None,
    sampler=None,
    callback=None,
    steps: int | None = None,
    replace: bool = False,
    record_full_loss: bool = False,
    progress: bool = False,
) -> Record:
    """Train ``net`` on ``train_set`` with ``optimizer`` for at most ``epochs`` epochs.

    Each step draws a minibatch B of indices, forms the objective
    J_B(θ) = (1/|B|) Σ_{i∈B} L(f(x⁽ⁱ⁾; θ), y⁽ⁱ⁾) and calls
    ``optimizer.step(theta, J_B)``. Minibatches come from
    ``sampler(epoch, rng)`` if given (epochs counted from 1), else from shuffled batches of
    ``batch_size`` without replacement (:func:`dlopt.data.minibatches`), or, with
    ``replace=True``, of indices drawn independently with replacement; one
    ``np.random.default_rng(seed)`` drives the start ``net.init(rng)`` (unless
    ``theta0``) and the sampling. ``steps`` stops the run after that many updates
    (``stopped == "steps"``); give ``epochs``, ``steps`` or both.

    After every epoch e (and at the start, e = 0) the record keeps θ in
    ``thetas[e]`` and in ``extras`` the arrays ``train_loss`` and, with
    ``validation``, ``val_loss``; when the targets are integer class labels
    also ``train_accuracy`` and ``val_accuracy``. ``extras["epoch_end"][e]``
    is the number of steps done by then.
    Early stopping :cite:p:`goodfellow2016deep` (their Algorithm 7.1): with
    ``patience`` p, training stops after p epochs without a lower validation
    loss, and ``record.theta`` is the θ of lowest validation loss (``record.best``
    its row). ``callback(k, theta, loss)``, called with θ_k and the minibatch loss
    before update k as in :func:`minimize`, stops the run by returning True.
    ``record_full_loss=True`` also keeps ``extras["full_loss"][k]``, the loss J(θ_k) on the
    whole of ``train_set`` at the θ_k of each minibatch loss ``losses[k]`` (one extra
    forward pass over the data per step), for a curve free of minibatch noise.
    ``progress=True`` prints a text bar to stderr (off by default; needs ``epochs``).
    """
    _checks.fit_arguments(epochs, steps, batch_size, patience, validation, progress, train_set)
    rng = np.random.default_rng(seed)
    theta = _start(net.init(rng) if theta0 is None else theta0)
    if sampler is None:
        sampler = _shuffled_batches(len(train_set), batch_size, replace)
    metrics = _EpochMetrics(net, train_set, validation)
    stopping = _EarlyStopping(patience)
    thetas, losses, norms, sizes = [], [], [], []
    full = metrics.extras.setdefault("full_loss", []) if record_full_loss else None
    stopped = "epochs"
    start = time.perf_counter()
    for epoch in itertools.count() if epochs is None else range(epochs + 1):
        thetas.append(theta.copy())
        metrics.record(theta, steps_done=len(sizes))
        if progress:
            _progress(epoch, epochs, metrics.extras["train_loss"][-1])
        stopping.see(epoch, metrics.extras)
        if epoch == epochs or stopped in ("callback", "steps"):
            break
        if stopping.says_stop():
            stopped = "patience"
            break
        for batch in sampler(epoch + 1, rng):  # while not converged: sample a minibatch
            k = len(losses)
            objective = Remembered(net.objective(train_set.X[batch], train_set.y[batch]))
            loss, norm = _measure(objective, theta, k)
            losses.append(loss)
            norms.append(norm)
            if full is not None:
                full.append(float(net.loss(theta, train_set.X, train_set.y)))
            if callback is not None and callback(k, theta, loss):
                stopped = "callback"
                break
            new = optimizer.step(theta, objective)  # the optimizer's box: θ ← θ + Δθ
            sizes.append(float(np.linalg.norm(new - theta)))
            theta = new
            if len(sizes) == steps:
                stopped = "steps"
                break
    return Record(
        thetas=np.array(thetas),
        losses=np.array(losses),
        grad_norms=np.array(norms),
        stopped=stopped,
        wall_time=time.perf_counter() - start,
        step_sizes=np.array(sizes),
        best=stopping.best,
        extras={key: np.array(value) for key, value in metrics.extras.items()},
    )


def _shuffled_batches(n: int, batch_size: int, replace: bool):
    """The default sampler: each epoch a fresh shuffle cut into batches (or, with
    ``replace``, batches drawn with replacement), from the run's generator."""
    from dlopt.data import minibatches

    def sampler(epoch, rng):
        return minibatches(n, batch_size, rng, replace=replace)

    return sampler


class _EpochMetrics:
    """The per-epoch record of :func:`fit`: ``epoch_end`` (steps done) and the loss (and, for
    integer class labels, the accuracy) on the training set and the validation set."""

    def __init__(self, net, train_set, validation):
        self.net = net
        self.sets = (
            {"train": train_set} if validation is None else {"train": train_set, "val": validation}
        )
        integer = np.issubdtype(train_set.y.dtype, np.integer)
        self.metrics = ("loss", "accuracy") if integer else ("loss",)
        self.extras = {"epoch_end": [], **{f"{s}_{m}": [] for s in self.sets for m in self.metrics}}

    def record(self, theta, steps_done: int) -> None:
        self.extras["epoch_end"].append(steps_done)
        for name, data in self.sets.items():
            for m in self.metrics:
                self.extras[f"{name}_{m}"].append(
                    float(getattr(self.net, m)(theta, data.X, data.y))
                )


class _EarlyStopping:
    """Early stopping :cite:p:`goodfellow2016deep` (their Algorithm 7.1): the epoch of lowest
    validation loss so far (``best``), and how many epochs have passed without a lower one."""

    def __init__(self, patience):
        self.patience, self.best, self.wait = patience, None, 0

    def see(self, epoch: int, extras: dict) -> None:
        if self.patience is None:
            return
        val = extras["val_loss"]
        improved = self.best is None or val[-1] < val[self.best]
        self.best, self.wait = (epoch, 0) if improved else (self.best, self.wait + 1)

    def says_stop(self) -> bool:
        return self.patience is not None and self.wait >= self.patience
