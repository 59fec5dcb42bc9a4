"""Figures that follow named values: the pictures behind slider figures and live explorers.

A figure turns a dict of named values into a picture; its canvas is built once
and only its lines move when the values change, which keeps a redraw cheap.

- :class:`Trajectory`: an optimizer's path on the contours of a 2-D objective
  and its loss curve (a :class:`Panel`). Its values are the optimizer's
  hyperparameters, the arguments of an objective *factory* (say
  ``lambda kappa: quadratic_with_condition(kappa)``), ``θ₀[0]``, ``θ₀[1]`` and ``steps``;
- :class:`Series`: the curves a caller's ``compute(**values)`` returns (on :class:`Lines`).

Each has ``values``, ``names``, ``panel`` (with ``title`` and ``png()``) and
``show(values)``; :mod:`dlopt.animate` makes frames of it for the static page,
:mod:`dlopt.widgets` puts sliders on it. Canvases live outside pyplot, so a
notebook never shows a stray copy.
"""

from __future__ import annotations

import inspect
import io
import numbers
import re

import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from dlopt import _checks, plot
from dlopt.train import minimize

ESCAPE = 1e3
"""A run counts as diverged once an iterate is this many window widths from the window."""

START = ("θ₀[0]", "θ₀[1]", "steps")
"""The values of a :class:`Trajectory` that belong to the run itself."""


def parameters(factory) -> dict:
    """The arguments ``factory`` (a class or a function) takes by name, with their defaults.

    An argument without a default maps to ``inspect.Parameter.empty``.
    """
    named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    signature = inspect.signature(factory)
    return {p.name: p.default for p in signature.parameters.values() if p.kind in named}


def call(factory, values: dict):
    """``factory`` called with the entries of ``values`` that it takes by name."""
    return factory(**{k: v for k, v in values.items() if k in parameters(factory)})


def defaults(*factories, given=None) -> dict:
    """The defaults of the arguments of ``factories`` by name, in order, updated by ``given``.

    A name in ``given`` that no factory takes raises ``ValueError``; arguments
    without a default and not in ``given`` are left out.
    """
    names = {name: default for f in factories for name, default in parameters(f).items()}
    if unknown := sorted(set(given or {}) - set(names)):
        raise ValueError(f"no value {unknown} is taken here; the names are {list(names)}")
    values = {**names, **(given or {})}
    return {k: v for k, v in values.items() if v is not inspect.Parameter.empty}


def _listing(names, values, equals=" = ") -> str:
    """``"a = 0.1, b = 2"``: the named values, numbers to three significant digits."""
    text = {n: f"{v:.3g}" if isinstance(v := values[n], numbers.Real) else str(v) for n in names}
    return ", ".join(f"{n}{equals}{t}" for n, t in text.items())


def _name(optimizer) -> str:
    """``"SGD(lr=0.0198)"``: an optimizer and its ``hyperparameters()`` to three digits."""
    if not hasattr(optimizer, "hyperparameters"):
        return repr(optimizer)
    given = optimizer.hyperparameters()
    return f"{type(optimizer).__name__}({_listing(given, given, '=')})"


def trace(objective, optimizer, theta0, steps, xlim, ylim):
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


class Trajectory:
    """Named values → a run of ``optimizer`` on ``objective``, shown on a :class:`Panel`.

    ``objective`` is an objective or a factory of one (a function of named
    values), ``optimizer`` a class or factory; each gets the values its
    signature names, so one value (κ, say) can feed both. ``values``: their
    defaults updated by ``given``, and ``θ₀[0]``, ``θ₀[1]``, ``steps``. The
    contours are those of ``contours_of`` if given (a clipped objective has the
    level sets of the plain one), else of the objective, redrawn when it changes.
    """

    def __init__(
        self, objective, optimizer, *, theta0, steps, xlim, ylim, given=None, contours_of=None,
        log_levels=False, figsize=(8, 3.4), dpi=80,
    ):  # fmt: skip
        theta0 = np.asarray(theta0, dtype=float)
        if theta0.shape != (2,):
            raise ValueError(f"theta0 must be a point of the plane, shape (2,), got {theta0.shape}")
        self.factory = callable(objective) and not hasattr(objective, "value")
        self.objective, self.optimizer, self.xlim, self.ylim = objective, optimizer, xlim, ylim
        factories = (objective, optimizer) if self.factory else (optimizer,)
        self.names = [*dict.fromkeys(n for f in factories for n in parameters(f)), *START]
        self.values = {
            **defaults(*factories, given=given),
            **dict(zip(START, (*theta0, _checks.positive_int("steps", steps)), strict=True)),
        }
        self.panel = Panel(contours_of, xlim, ylim, figsize=figsize, dpi=dpi, log_levels=log_levels)
        self.drawn = "fixed" if contours_of is not None else None  # whose contours are shown

    def show(self, values: dict) -> None:
        """Run with ``values`` (over the current ones) and redraw; the title names the run."""
        values = {**self.values, **values}
        own = list(parameters(self.objective)) if self.factory else []
        objective = call(self.objective, values) if self.factory else self.objective
        optimizer = call(self.optimizer, values)
        if self.drawn not in ("fixed", key := [values[n] for n in own]):
            self.panel.draw_contours(objective)
            self.drawn = key
        theta0 = np.array([values["θ₀[0]"], values["θ₀[1]"]])
        run = trace(objective, optimizer, theta0, values["steps"], self.xlim, self.ylim)
        head = f"{_listing(own, values)}: {_name(optimizer)}" if own else _name(optimizer)
        start = f"θ₀ = ({theta0[0]:.3g}, {theta0[1]:.3g})"
        self.panel.update(run[0], run[1], f"{head}\n{start}: {run[2]}")


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


class Series:
    """Named values → the curves ``compute(**values)`` returns, drawn on :class:`Lines`.

    ``compute`` returns a dict for :meth:`Lines.update`; ``values`` starts from
    its defaults updated by ``given``. ``title`` is a format string filled with
    the values (double any literal brace, as in ``"$s^{{T-t}}$"``); by default
    it lists them. ``options`` go to :class:`Lines`.
    """

    def __init__(self, compute, *, given=None, title=None, **options):
        self.compute, self.title = compute, title
        self.names = list(parameters(compute))
        self.values = defaults(compute, given=given)
        self.panel = Lines(**options)

    def show(self, values: dict) -> None:
        """Compute with ``values`` (over the current ones) and redraw."""
        values = {**self.values, **values}
        title = _listing(self.names, values) if self.title is None else self.title.format(**values)
        self.panel.update(call(self.compute, values), title)
