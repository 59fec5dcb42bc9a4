"""Figures used by the chapters, in one consistent style.

Every axis carries a label: θ₁ and θ₂ on parameter planes, the step k or the
epoch on curves, and the quantity plotted on the other axis. Contour grids of
2-D objectives are evaluated in one vectorized call when the objective offers
``value_grid(X, Y)`` (the analytic functions of :mod:`dlopt.problems` do),
else point by point.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def grid(objective, xlim, ylim, resolution=200):
    """The meshgrid X, Y over ``xlim`` × ``ylim`` and Z = J on it, each of shape (resolution,)*2."""
    X, Y = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    if hasattr(objective, "value_grid"):
        return X, Y, np.asarray(objective.value_grid(X, Y), dtype=float)
    points = np.stack([X.ravel(), Y.ravel()], axis=1)
    return X, Y, np.array([objective.value(p) for p in points]).reshape(X.shape)


def level_sets(ax, X, Y, Z, *, levels=30, log=False):
    """Draw the level sets of a precomputed grid on ``ax`` and label the parameter axes.

    With ``log=True`` the levels are spaced logarithmically above the minimum on
    the grid, which shows narrow valleys (Rosenbrock) more clearly.
    """
    if log:
        floor = Z.min()
        levels = floor + np.geomspace(1e-3, Z.max() - floor + 1e-3, levels)
    ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.8)
    ax.set_xlim(X[0, 0], X[0, -1])
    ax.set_ylim(Y[0, 0], Y[-1, 0])
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    ax.set_aspect("equal", adjustable="box")
    return ax


def contours(objective, xlim, ylim, *, ax=None, levels=30, resolution=200, log=False):
    """Draw the level sets of a 2-D objective over ``xlim`` × ``ylim`` and return the axes.

    Known minimizers (an objective's ``minimizers`` attribute) are marked with a star.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    level_sets(ax, *grid(objective, xlim, ylim, resolution), levels=levels, log=log)
    for theta_star in getattr(objective, "minimizers", ()):
        ax.plot(*theta_star, marker="*", color="crimson", markersize=10, linestyle="none")
    return ax


def trajectory(ax, thetas, *, label=None, color=None, marker="o"):
    """Overlay the path θ₀, θ₁, ... of a 2-D run (an array of shape (N + 1, 2))."""
    thetas = np.asarray(thetas)
    ax.plot(
        thetas[:, 0],
        thetas[:, 1],
        marker=marker,
        markersize=2.5,
        linewidth=1.2,
        label=label,
        color=color,
    )
    ax.plot(*thetas[0], marker="s", color="black", markersize=4)
    return ax


def trajectories(objective, records, labels, xlim, ylim, *, ax=None, log=False):
    """Several runs on one contour plot, one colour and legend entry each."""
    ax = contours(objective, xlim, ylim, ax=ax, log=log)
    for record, label in zip(records, labels, strict=True):
        trajectory(ax, record.thetas, label=label)
    ax.legend(fontsize="small")
    return ax


def compare(objective, records, labels, xlim, ylim, *, ncols=3, log=False, resolution=150):
    """Small multiples: one panel per run on the same contours, titled with its final loss.

    The grid is evaluated once and shared by all panels; returns the figure.
    """
    n = len(records)
    if n == 0 or n != len(labels):
        raise ValueError(f"need one label per record and at least one, got {n} and {len(labels)}")
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(3.2 * ncols, 3.0 * nrows), squeeze=False, layout="constrained"
    )
    X, Y, Z = grid(objective, xlim, ylim, resolution)
    for ax, record, label in zip(axes.flat, records, labels, strict=False):
        level_sets(ax, X, Y, Z, log=log)
        trajectory(ax, record.thetas)
        ax.set_title(f"{label}: $J$ = {record.losses[-1]:.3g} after {record.steps} steps")
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig


def loss_curves(records, labels, *, ax=None, log=True, ylabel="loss"):
    """Plot the loss of each run against the step number (log scale by default)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    for record, label in zip(records, labels, strict=True):
        ax.plot(np.arange(len(record.losses)), record.losses, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step $k$")
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


def learning_curves(record, *, ax=None, log=False):
    """Training and validation loss per epoch of a :func:`dlopt.fit` record.

    A dotted vertical line marks the epoch that early stopping restored.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    epochs = np.arange(len(record.extras["train_loss"]))
    ax.plot(epochs, record.extras["train_loss"], label="training loss")
    if "val_loss" in record.extras:
        ax.plot(epochs, record.extras["val_loss"], label="validation loss")
    if record.best is not None:
        ax.axvline(record.best, color="gray", linestyle=":", label=f"best epoch {record.best}")
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend()
    return ax


def spectrum(eigenvalues, *, ax=None, label=None, log=True):
    """The eigenvalues λ₁ ≤ … ≤ λ_d of a Hessian against their index.

    Positive eigenvalues are blue dots, negative ones red crosses (directions of
    negative curvature). On a log axis (symmetric-log when some λ ≤ 0) the
    spread λ_max/λ_min, the condition number κ, reads as a height; when every
    λ > 0 the title states κ.
    """
    lam = np.sort(np.asarray(eigenvalues, dtype=float).ravel())
    if lam.size == 0:
        raise ValueError("eigenvalues is empty")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    index = np.arange(1, lam.size + 1)
    negative = lam < 0
    ax.plot(index[~negative], lam[~negative], "o", color="tab:blue", markersize=4, label=label)
    if negative.any():
        ax.plot(index[negative], lam[negative], "x", color="tab:red", label="negative curvature")
    if negative.any() or label is not None:
        ax.legend(fontsize="small")
    if log and lam[0] > 0:
        ax.set_yscale("log")
    elif log:
        nonzero = np.abs(lam[lam != 0])
        ax.set_yscale("symlog", linthresh=nonzero.min() if nonzero.size else 1.0)
    if lam[0] > 0:
        ax.set_title(rf"$\kappa = \lambda_{{max}}/\lambda_{{min}}$ = {lam[-1] / lam[0]:.3g}")
    ax.set_xlabel("index $i$ (sorted)")
    ax.set_ylabel(r"eigenvalue $\lambda_i$")
    return ax
