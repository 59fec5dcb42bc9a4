"""Slider figures: one optimizer's trajectory and loss curve as a hyperparameter varies.

A :class:`Panel` draws the contours of a 2-D objective once and then only moves
two lines (the path θ₀, θ₁, … and the curve J(θ_k) against k), which is what
makes a redraw cheap. The live explorer (:mod:`dlopt.widgets`) and the static
slider figure here share it. :func:`slider_animation` steps through the values
of one hyperparameter as the frames of a matplotlib animation, and
:func:`animation_html` turns it into JavaScript that plays on a static page
with no kernel. The figures are built on :class:`matplotlib.figure.Figure`
directly, outside pyplot, so a notebook never shows a stray copy.
"""

from __future__ import annotations

import inspect
import io
import re

import matplotlib as mpl
import numpy as np
import PIL.Image
from matplotlib.animation import FuncAnimation
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from dlopt import plot
from dlopt.train import minimize

ESCAPE = 1e3
"""A run counts as diverged once an iterate is this many window widths from the window."""


def hyperparameters(optimizer_class, given=None) -> dict:
    """The defaults of ``optimizer_class.__init__`` by name (signature order), updated by ``given``.

    A name in ``given`` that the constructor does not take raises ``ValueError``.
    """
    parameters = list(inspect.signature(optimizer_class.__init__).parameters.values())[1:]
    names = [p.name for p in parameters]
    unknown = sorted(set(given or {}) - set(names))
    if unknown:
        raise ValueError(
            f"{optimizer_class.__name__} has no hyperparameter {unknown}; it has {names}"
        )
    values = {p.name: p.default for p in parameters if p.default is not inspect.Parameter.empty}
    return {**values, **(given or {})}


def trace(objective, optimizer, theta0, steps, xlim, ylim):
    """Run ``optimizer`` for ``steps`` updates; return (thetas, losses, title).

    A run that leaves the window by more than ``ESCAPE`` window widths, or whose
    loss overflows, is cut there. The title names the optimizer on one line and
    on the next the final loss, or the step at which the run diverged.
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
    return np.array(thetas), np.array(losses), f"{optimizer!r}\n{outcome} at step {k}"


class Panel:
    """Contours with a trajectory (left) and the loss curve (right), updated in place."""

    def __init__(self, objective, xlim, ylim, *, figsize=(8, 3.4), dpi=80, log_levels=False):
        self.figure = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.84, wspace=0.3)
        self.ax_path, self.ax_loss = self.figure.subplots(1, 2)
        plot.contours(
            objective, xlim, ylim, ax=self.ax_path, levels=15, log=log_levels, resolution=150
        )
        (self.path,) = self.ax_path.plot([], [], "o-", color="tab:orange", markersize=2, lw=1)
        (self.start,) = self.ax_path.plot([], [], "s", color="black", markersize=4)
        (self.curve,) = self.ax_loss.plot([], [], color="tab:orange")
        self.ax_loss.set_xlabel("step $k$")
        self.ax_loss.set_ylabel(r"loss $J(\theta_k)$")
        self.title = self.figure.suptitle("", fontsize="medium")

    def update(self, thetas, losses, title: str) -> None:
        """Show a new run: move the lines, rescale the loss axes, set the title."""
        self.path.set_data(thetas[:, 0], thetas[:, 1])
        self.start.set_data(thetas[:1, 0], thetas[:1, 1])
        self.curve.set_data(np.arange(len(losses)), losses)
        positive = bool(np.all(losses > 0))
        self.ax_loss.set_yscale("log" if positive else "linear")
        low, high = losses.min(), losses.max()
        pad = (high / low) ** 0.05 if positive else 0.05 * (high - low)
        if high == low:
            pad = 2.0 if positive else 1.0
        self.ax_loss.set_ylim(*((low / pad, high * pad) if positive else (low - pad, high + pad)))
        self.ax_loss.set_xlim(0, max(len(losses) - 1, 1))
        self.title.set_text(title)

    def png(self) -> bytes:
        """The figure as PNG bytes: one Agg draw, its pixels encoded by Pillow (fast level 1)."""
        self.figure.canvas.draw()
        pixels = PIL.Image.fromarray(np.asarray(self.figure.canvas.buffer_rgba())).convert("RGB")
        buffer = io.BytesIO()
        pixels.save(buffer, "png", compress_level=1)
        return buffer.getvalue()


def slider_animation(
    objective,
    optimizer_class,
    param_name,
    values,
    *,
    theta0,
    steps,
    xlim,
    ylim,
    fixed=None,
    log_levels=False,
    figsize=(7, 3),
    dpi=75,
) -> FuncAnimation:
    """One frame per value of ``param_name``: the run of ``optimizer_class(**hyperparameters)``.

    The other hyperparameters are the class defaults updated by ``fixed``. The
    animation carries its :class:`Panel` as ``.panel``.
    """
    base = hyperparameters(optimizer_class, fixed)
    if param_name not in inspect.signature(optimizer_class.__init__).parameters:
        raise ValueError(
            f"param_name={param_name!r} is not a hyperparameter of {optimizer_class.__name__} "
            f"(it has {list(base)})"
        )
    values = list(values)
    if not values:
        raise ValueError("values is empty: the animation needs at least one frame")
    panel = Panel(objective, xlim, ylim, figsize=figsize, dpi=dpi, log_levels=log_levels)

    def frame(i):
        optimizer = optimizer_class(**{**base, param_name: values[i]})
        panel.update(*trace(objective, optimizer, theta0, steps, xlim, ylim))
        return panel.path, panel.start, panel.curve

    animation = FuncAnimation(panel.figure, frame, frames=len(values), interval=500, repeat=False)
    animation.panel = panel
    return animation


ICONS = {
    "fa fa-minus": "−",
    "fa fa-fast-backward": "⇤",
    "fa fa-step-backward": "‹",
    "fa fa-play fa-flip-horizontal": "◀",
    "fa fa-pause": "❚❚",
    "fa fa-play": "▶",
    "fa fa-step-forward": "›",
    "fa fa-fast-forward": "⇥",
    "fa fa-plus": "+",
}
"""Plain-text glyphs for the player's buttons, in place of matplotlib's Font Awesome icons."""


def animation_html(animation: FuncAnimation):
    """The animation as a self-contained JavaScript player (IPython ``HTML``).

    Frames are PNGs at the figure's own dpi; the player plays once, then its
    slider and buttons step through the frames without a kernel. matplotlib's
    player fetches its button icons from a CDN; here the buttons carry text
    glyphs (:data:`ICONS`) instead, so the page also works offline.
    """
    from IPython.display import HTML

    with mpl.rc_context({"savefig.dpi": "figure", "savefig.bbox": None}):
        html = animation.to_jshtml(default_mode="once")
    html = re.sub(r'<link rel="stylesheet"\s+href="[^"]*font-awesome[^"]*">', "", html)
    html = re.sub(r'<i class="(fa [^"]*)"></i>', lambda m: ICONS.get(m[1], m[0]), html)
    return HTML(html)


def slider_figure(objective, optimizer_class, param_name, values, **kwargs):
    """:func:`slider_animation` rendered by :func:`animation_html`, ready to display."""
    return animation_html(
        slider_animation(objective, optimizer_class, param_name, values, **kwargs)
    )
