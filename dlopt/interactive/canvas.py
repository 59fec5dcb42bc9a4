"""Canvases outside pyplot that redraw in place and encode themselves as PNG.

:class:`Panel` shows a path on contours beside its loss curve; :class:`Lines` shows labelled
curves. Only their lines move when the values change, which keeps a redraw cheap, and living
outside pyplot, a notebook never shows a stray copy.
"""

from __future__ import annotations

import io
import re

import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from dlopt import plot


class Canvas:
    """A figure of ``ncols`` axes outside pyplot, with a title, that encodes itself as a PNG."""

    def __init__(self, ncols, figsize, dpi):
        self.figure = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(self.figure)
        self.axes = self.figure.subplots(1, ncols, squeeze=False)[0]
        self.title = self.figure.suptitle("", fontsize="medium")

    def png(self) -> bytes:
        """The figure as PNG bytes: one Agg draw, its pixels encoded by Pillow (fast level 1)."""
        self.figure.canvas.draw()
        pixels = PIL.Image.fromarray(np.asarray(self.figure.canvas.buffer_rgba())).convert("RGB")
        buffer = io.BytesIO()
        pixels.save(buffer, "png", compress_level=1)
        return buffer.getvalue()


class Panel(Canvas):
    """Contours with a trajectory (left) and the loss curve (right), updated in place.

    ``objective`` None leaves the contours to :meth:`draw_contours`.
    """

    def __init__(self, objective, xlim, ylim, *, figsize=(8, 3.4), dpi=80, log_levels=False):
        super().__init__(2, figsize, dpi)
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.84, wspace=0.3)
        self.ax_path, self.ax_loss = self.axes
        self.xlim, self.ylim, self.log_levels = xlim, ylim, log_levels
        (self.curve,) = self.ax_loss.plot([], [], color="tab:orange")
        self.ax_loss.set_xlabel("step $k$")
        self.ax_loss.set_ylabel(r"loss $J(\theta_k)$")
        self.draw_contours(objective)

    def draw_contours(self, objective) -> None:
        """Clear the left axes and draw the level sets of ``objective`` (if any) and empty paths."""
        self.ax_path.cla()
        if objective is not None:
            plot.contours(
                objective, self.xlim, self.ylim, ax=self.ax_path, levels=15,
                log=self.log_levels, resolution=150,
            )  # fmt: skip
        (self.path,) = self.ax_path.plot([], [], "o-", color="tab:orange", markersize=2, lw=1)
        (self.start,) = self.ax_path.plot([], [], "s", color="black", markersize=4)

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


class Lines(Canvas):
    """Labelled curves on one axes, moved in place.

    :meth:`update` takes a dict label → y (drawn against 0, 1, …), an (x, y)
    pair, or a number (a horizontal line, dashed black by default). A label's
    first appearance creates its line, styled by ``styles[label]`` (a format
    string such as ``"k--"`` or a dict of ``Line2D`` properties); labels that
    start with "_" stay out of the legend. ``logy`` makes the y-axis
    logarithmic; ``xlim``/``ylim`` fix the axes, else they follow the data.
    """

    def __init__(
        self, *, xlabel="", ylabel="", logy=False, xlim=None, ylim=None, styles=None,
        legend="best", figsize=(6, 3.2), dpi=80,
    ):  # fmt: skip
        super().__init__(1, figsize, dpi)
        self.figure.subplots_adjust(left=0.13, right=0.97, bottom=0.16, top=0.87)
        (self.ax,) = self.axes
        self.ax.set(xlabel=xlabel, ylabel=ylabel, yscale="log" if logy else "linear")
        self.xlim, self.ylim, self.styles, self.legend = xlim, ylim, styles or {}, legend
        self.lines = {}

    def _line(self, label, data):
        style = self.styles.get(label, "k--" if np.ndim(data) == 0 else "-")
        props = {"lw": 1, **(_fmt(style) if isinstance(style, str) else style)}
        if np.ndim(data) == 0:
            return self.ax.axhline(0.0, label=label, **props)
        return self.ax.plot([], [], label=label, **props)[0]

    def update(self, series: dict, title: str = "") -> None:
        """Show ``series``, set the title; lines of labels missing from ``series`` are hidden."""
        new = [label for label in series if label not in self.lines]
        for label in new:
            self.lines[label] = self._line(label, series[label])
        for label, line in self.lines.items():
            line.set_visible(label in series)
        for label, data in series.items():
            if np.ndim(data) == 0:
                self.lines[label].set_ydata([data, data])
            else:
                x, y = data if isinstance(data, tuple) else (np.arange(len(data)), data)
                self.lines[label].set_data(x, y)
        if new and self.legend and any(not str(label).startswith("_") for label in self.lines):
            self.ax.legend(loc=self.legend, fontsize="small")
        self.ax.relim(visible_only=True)
        self.ax.autoscale_view()
        # fixed limits only when asked: set_xlim(None) would switch autoscaling off for good
        if self.xlim is not None:
            self.ax.set_xlim(self.xlim)
        if self.ylim is not None:
            self.ax.set_ylim(self.ylim)
        self.title.set_text(title)


def _fmt(fmt: str) -> dict:
    """The colour and line style of a format string like ``"k--"`` or ``"C1:"`` as properties."""
    style = re.search(r"--|-\.|:|-", fmt)
    color = fmt.replace(style[0], "") if style else fmt
    return {"linestyle": style[0] if style else "-", **({"color": color} if color else {})}
