"""A run for a picture: the path of an optimizer, cut where it leaves the window for good."""

from __future__ import annotations

import numpy as np

from dlopt.train import minimize

ESCAPE = 1e3
"""A run counts as diverged once an iterate is this many window widths from the window."""


def run_in_window(objective, optimizer, theta0, steps, xlim, ylim):
    """Run ``optimizer`` for ``steps`` updates; return (thetas, losses, outcome).

    A run that leaves the window by more than ``ESCAPE`` window widths, or whose
    loss overflows, is cut there. The outcome reads "J = … at step k", or
    "diverged at step k".
    """
    center = np.array([np.mean(xlim), np.mean(ylim)])
    reach = ESCAPE * max(np.ptp(xlim), np.ptp(ylim))
    thetas, losses = [], []

    def keep(k, theta, loss):
        thetas.append(theta)
        losses.append(loss)
        return bool(np.max(np.abs(theta - center)) > reach)

    with np.errstate(over="ignore", invalid="ignore"):
        try:
            stopped = minimize(objective, optimizer, theta0, steps, callback=keep).stopped
        except FloatingPointError:
            if not losses:  # J(θ₀) itself is not finite: nothing to show
                raise
            stopped = "callback"
    k = len(losses) - 1
    outcome = "diverged" if stopped == "callback" else f"J = {losses[-1]:.4g}"
    return np.array(thetas), np.array(losses), f"{outcome} at step {k}"
