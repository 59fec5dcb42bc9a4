"""Live slider explorers: a figure of :mod:`dlopt.interactive.figures` redrawn as sliders move.

:func:`explore` runs any optimizer on any 2-D objective (or objective factory)
with a slider for every hyperparameter, the start θ₀ and the step count;
:func:`explore_curves` shows whatever curves a function of named values
returns. Both build an :class:`Explorer`: sliders over named values, and a
redraw that hands their values to the figure's ``show``.

:func:`slider` chooses a widget from a value: a log slider for the learning
rate ε (``lr``), the stabiliser δ (``delta``) and other positive floats, a
linear slider on [0, 0.999] for the decay rates α, ρ, ρ₁, ρ₂ (``alpha``,
``rho``, ``rho1``, ``rho2``), which must stay below 1. The figure reaches the
notebook as a PNG in an ``ipywidgets.Image``, so it works with the default
inline backend.
"""

from __future__ import annotations

import decimal
import math
import numbers

import ipywidgets as widgets

from dlopt.interactive import figures
from dlopt.interactive.named import START

LOG_SLIDERS = ("lr", "delta")
DECAY_SLIDERS = ("alpha", "rho", "rho1", "rho2")
STYLE = {"description_width": "initial"}


def slider(name: str, spec, value=None) -> widgets.ValueWidget:
    """A widget for the value ``name``, from ``spec``.

    ``spec`` is a widget (used as it is); a bool (a checkbox); a number, the
    start of a slider ranged by the name: ``lr``/``delta`` and any other
    positive float a log slider from 10⁻³ to 10² times the decade of the
    number, decay rates [0, 0.999], integers 1 to 4·spec; a tuple (min, max)
    or (min, max, step), a linear slider by ipywidgets' ``interact`` rule (a float
    range without a step moves in steps of 0.1); a list, a slider over its entries.
    The last two start at ``value`` if given, else at the middle.
    """
    common = {"description": name, "continuous_update": False, "style": STYLE}
    if isinstance(spec, widgets.ValueWidget):
        return spec
    if isinstance(spec, list):
        start = value if value in spec else spec[len(spec) // 2]
        return widgets.SelectionSlider(options=spec, value=start, **common)
    if isinstance(spec, tuple):  # (min, max[, step]): ipywidgets' own rule, as interact reads it
        widget = widgets.interactive.widget_from_abbrev(spec, *([] if value is None else [value]))
        widget.description, widget.continuous_update = name, False
        widget.style.description_width = STYLE["description_width"]
        if isinstance(widget, widgets.FloatSlider):
            widget.readout_format = _readout(widget.step)  # every step visible, not just .2f
        return widget
    if isinstance(spec, bool):
        return widgets.Checkbox(value=spec, description=name)
    if isinstance(spec, numbers.Integral):
        return widgets.IntSlider(value=spec, min=1, max=max(4 * spec, 2), **common)
    if not isinstance(spec, numbers.Real):
        raise TypeError(
            f"no slider for {name}={spec!r}: expected a number, a bool, a tuple or a list"
        )
    spec = float(spec)
    if name in DECAY_SLIDERS or (spec == 0 and name not in LOG_SLIDERS):
        return widgets.FloatSlider(
            value=spec, min=0.0, max=0.999, step=0.001, readout_format=_readout(0.001), **common
        )
    if not spec > 0:
        raise ValueError(f"a log slider needs {name} > 0, got {name}={spec!r}")
    decade = math.floor(math.log10(spec))
    return widgets.FloatLogSlider(
        value=spec, base=10, min=decade - 3, max=decade + 2, step=0.05,
        readout_format=".3g", **common,
    )  # fmt: skip


def _readout(step: float) -> str:
    """The readout format that shows every step of a linear slider: 0.001 → ``.3f``,
    0.025 → ``.3f``, 0.5 → ``.1f``."""
    exponent = decimal.Decimal(repr(round(step, 12))).normalize().as_tuple().exponent
    return f".{max(0, -exponent)}f"


def _slidable(value) -> bool:
    return isinstance(value, bool | numbers.Real | widgets.ValueWidget)


NOT_RUNNING = (
    "Interactive explorer: its sliders appear once the notebook's cells have run in a live "
    "kernel (Run > Run All Cells)."
)
"""What an explorer's stored output says where no kernel has run it (its text/plain)."""

READY, COMPUTING = "", "Computing…"
"""The explorer's status line: empty when the picture matches the sliders."""


class RunFirst:
    """Mixin for a widget a notebook displays: :data:`NOT_RUNNING` is its text where no kernel
    has run it (a notebook opened before Run All, or a viewer without widgets)."""

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle:
            bundle["text/plain"] = NOT_RUNNING
        return bundle


class Tabs(RunFirst, widgets.Tab):
    """``ipywidgets.Tab`` for explorers side by side: ``Tabs([a, b], titles=["GD", "Newton"])``."""


class Explorer(RunFirst, widgets.VBox):
    """Sliders over named values above the picture of ``figure`` for their values.

    ``figure`` is a :class:`dlopt.interactive.figures.PathFigure` or
    :class:`dlopt.interactive.figures.CurvesFigure`; ``sliders`` maps names to widgets; ``panel``
    is the figure's canvas. While a redraw runs, ``status`` says so (a slow
    explorer, one that trains a network, takes seconds). A value the figure
    rejects (``ValueError``, ``TypeError``, ``FloatingPointError``) leaves the
    last picture on screen with the error message as its title.
    """

    def __init__(self, figure, sliders: dict):
        self.figure, self.sliders, self.panel = figure, sliders, figure.panel
        self.image = widgets.Image(format="png")
        self.status = widgets.Label(READY, layout=widgets.Layout(min_height="1.5em"))
        self.status.add_class("explorer-status")
        for widget in self.sliders.values():
            widget.observe(self.redraw, names="value")
        controls = widgets.GridBox(
            list(self.sliders.values()), layout=widgets.Layout(grid_template_columns="1fr 1fr")
        )
        super().__init__([controls, self.status, self.image])
        self.redraw()

    def redraw(self, change=None) -> None:
        """Show the figure for the slider values and refresh the picture."""
        self.status.value = COMPUTING
        try:
            self._draw()
        finally:  # whatever went wrong, the status does not say "Computing…" for ever
            self.status.value = READY

    def _draw(self) -> None:
        try:
            self.figure.show({name: widget.value for name, widget in self.sliders.items()})
        except (ValueError, TypeError, FloatingPointError) as error:
            self.panel.title.set_text(str(error))
        self.image.value = self.panel.png()


def explore(
    objective,
    optimizer_class,
    *,
    theta0,
    steps,
    xlim,
    ylim,
    values=None,
    contours_of=None,
    log_levels=False,
) -> Explorer:
    """Sliders for every hyperparameter of ``optimizer_class``, θ₀ and the step count.

    ``objective`` may be a factory of named values (``lambda kappa=10.0:
    quadratic_with_condition(kappa)``); its values get sliders too, and
    ``optimizer_class`` may be a factory as well (see
    :class:`dlopt.interactive.figures.PathFigure`, which also explains ``contours_of``).
    ``values`` overrides the starting values of the defaults (and
    supplies any argument without a default); a widget there is that value's
    slider; non-numeric values (a schedule, say) are passed through unchanged,
    without a slider. ``log_levels`` spaces the contours logarithmically, for
    narrow valleys. Returns the widget; display it as the last expression of a cell.
    """
    figure = figures.PathFigure(
        objective, optimizer_class, theta0=theta0, steps=steps, xlim=xlim, ylim=ylim,
        given=values, contours_of=contours_of, log_levels=log_levels,
    )  # fmt: skip
    missing = sorted(set(figure.names) - set(figure.values))
    if missing:
        raise ValueError(f"no starting value for {missing}: give them in values")
    own = {k: v for k, v in figure.values.items() if k not in START and _slidable(v)}
    sliders = {name: slider(name, value) for name, value in own.items()}
    for name, lim in zip(START, (xlim, ylim), strict=False):
        low, high = float(lim[0]), float(lim[1])
        sliders[name] = slider(name, (low, high, (high - low) / 200), figure.values[name])
    steps = figure.values["steps"]
    sliders["steps"] = slider("steps", (1, max(2 * steps, 10)), steps)
    return Explorer(figure, sliders)


def explore_curves(compute, sliders=None, *, title=None, **options) -> Explorer:
    """Sliders over the arguments of ``compute``, above the curves it returns.

    ``compute(**values)`` returns a dict label → y, (x, y) or a number (a
    horizontal line), as :class:`dlopt.interactive.canvas.Lines` draws it; e.g.
    ``lambda lr=0.05, b=4: {"excess": ..., "predicted floor": lr * c / b}``.
    ``sliders`` maps argument names to slider specs (see :func:`slider`; tuples
    and lists start at the argument's default); an argument left out gets a
    slider from its default. ``title`` and ``options`` (``xlabel``, ``ylabel``,
    ``logy``, ``xlim``, ``ylim``, ``styles``, ``figsize``, …) as in
    :class:`dlopt.interactive.figures.CurvesFigure`.
    """
    figure = figures.CurvesFigure(compute, title=title, **{"figsize": (7, 3.4), **options})
    unknown = sorted(set(sliders or {}) - set(figure.names))
    if unknown:
        raise ValueError(f"compute takes no argument {unknown}; it takes {figure.names}")
    specs = {**figure.values, **(sliders or {})}
    missing = [name for name in figure.names if name not in specs]
    if missing:
        raise ValueError(f"no slider or default for {missing}: give them in sliders")
    values = figure.values
    return Explorer(figure, {n: slider(n, specs[n], values.get(n)) for n in figure.names})
