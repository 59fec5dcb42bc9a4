"""Figures used by the chapters, in one consistent style."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def contours(objective, xlim, ylim, *, ax=None, levels=30, resolution=200, log=False):
    """Draw the level sets of a 2-D objective over ``xlim`` × ``ylim`` and return the axes.

    With ``log=True`` the levels are spaced logarithmically above the minimum on
    the grid, which shows narrow valleys (Rosenbrock) more clearly.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    X, Y = np.meshgrid(xs, ys)
    Z = np.array(
        [objective.value(np.array([x, y])) for x, y in zip(X.ravel(), Y.ravel(), strict=True)]
    )
    Z = Z.reshape(X.shape)
    if log:
        floor = Z.min()
        levels = floor + np.geomspace(1e-3, Z.max() - floor + 1e-3, levels)
    ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.8)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    ax.set_aspect("equal", adjustable="box")
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
