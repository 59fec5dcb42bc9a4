"""A run for a picture: the path of an optimizer, cut where it diverges or leaves the window."""

from __future__ import annotations

import numpy as np

from dlopt.train import diverged, minimize

ESCAPE = 1e3
"""A run leaves the picture once an iterate is this many window widths from the window."""


def run_in_window(objective, optimizer, theta0, steps, xlim, ylim):
    """Run ``optimizer`` for ``steps`` updates; return (thetas, losses, outcome).

    A run is cut where it diverges (:func:`dlopt.train.diverged`, the rule of every run in
    dlopt, or a loss that overflows) or leaves the window by more than ``ESCAPE`` window
    widths (running off to J → −∞ along an escape direction, which no loss ceiling catches).
    The outcome reads "J = … at step k", "diverged at step k" or "left the window at step k".
    """
    center = np.array([np.mean(xlim), np.mean(ylim)])
    reach = ESCAPE * max(np.ptp(xlim), np.ptp(ylim))
    thetas, losses, cut = [], [], []

    def keep(k, theta, loss):
        thetas.append(theta)
        losses.append(loss)
        if diverged(loss, losses[0]):
            cut.append("diverged")
        elif np.max(np.abs(theta - center)) > reach:
            cut.append("left the window")
        return bool(cut)

    with np.errstate(over="ignore", invalid="ignore"):
        try:
            minimize(objective, optimizer, theta0, steps, callback=keep)
        except FloatingPointError:
            if not losses:  # J(θ₀) itself is not finite: nothing to show
                raise
            cut.append("diverged")
    k = len(losses) - 1
    outcome = cut[0] if cut else f"J = {losses[-1]:.4g}"
    return np.array(thetas), np.array(losses), f"{outcome} at step {k}"
