"""A live slider explorer: any optimizer on any 2-D objective, redrawn as sliders move.

:func:`explore` reads the hyperparameters of an optimizer class from its
constructor's defaults and gives each a slider whose range suits it: a log
slider for the learning rate ε (``lr``) and the stabiliser δ (``delta``),
a linear slider on [0, 0.999] for the decay rates α, ρ, ρ₁, ρ₂ (``alpha``,
``rho``, ``rho1``, ``rho2``), which must stay below 1. The start point θ₀ and
the number of steps have sliders too. A redraw reruns the optimizer and moves
the lines of a :class:`dlopt.animate.Panel`; the contours are drawn once.
The figure reaches the notebook as a PNG in an ``ipywidgets.Image``, so it
works with the default inline backend.
"""

from __future__ import annotations

import math
import numbers

import ipywidgets as widgets
import numpy as np

from dlopt import _checks, animate

LOG_SLIDERS = ("lr", "delta")
DECAY_SLIDERS = ("alpha", "rho", "rho1", "rho2")
STYLE = {"description_width": "initial"}


def slider(name: str, value) -> widgets.ValueWidget:
    """A widget for one hyperparameter, ranged by its name and starting at ``value``.

    ``lr``/``delta`` (and any other positive float): a log slider from 10⁻³ to
    10² times the decade of ``value``; decay rates: [0, 0.999]; integers: 1 to
    4·value; booleans: a checkbox.
    """
    if isinstance(value, bool):
        return widgets.Checkbox(value=value, description=name)
    common = {"description": name, "continuous_update": False, "style": STYLE}
    if isinstance(value, numbers.Integral):
        return widgets.IntSlider(value=value, min=1, max=max(4 * value, 2), **common)
    if not isinstance(value, numbers.Real):
        raise TypeError(f"no slider for {name}={value!r}: expected a number or a bool")
    value = float(value)
    if name in DECAY_SLIDERS or (value == 0 and name not in LOG_SLIDERS):
        return widgets.FloatSlider(value=value, min=0.0, max=0.999, step=0.001, **common)
    if not value > 0:
        raise ValueError(f"a log slider needs {name} > 0, got {name}={value!r}")
    decade = math.floor(math.log10(value))
    return widgets.FloatLogSlider(
        value=value, base=10, min=decade - 3, max=decade + 2, step=0.05,
        readout_format=".3g", **common,
    )  # fmt: skip


def _slidable(value) -> bool:
    return isinstance(value, bool | numbers.Real)


class Explorer(widgets.VBox):
    """The explorer widget; ``sliders`` maps names to widgets, ``panel`` is the figure."""

    def __init__(
        self, objective, optimizer_class, hyperparameters, theta0, steps, xlim, ylim, log_levels
    ):
        self.objective, self.optimizer_class = objective, optimizer_class
        self.xlim, self.ylim = xlim, ylim
        self.fixed = {k: v for k, v in hyperparameters.items() if not _slidable(v)}
        self.sliders = {k: slider(k, v) for k, v in hyperparameters.items() if _slidable(v)}
        for i, (name, lim) in enumerate((("θ₀[0]", xlim), ("θ₀[1]", ylim))):
            self.sliders[name] = widgets.FloatSlider(
                value=theta0[i], min=lim[0], max=lim[1], step=(lim[1] - lim[0]) / 200,
                description=name, continuous_update=False, style=STYLE,
            )  # fmt: skip
        self.sliders["steps"] = widgets.IntSlider(
            value=steps, min=1, max=max(2 * steps, 10), description="steps",
            continuous_update=False, style=STYLE,
        )  # fmt: skip
        self.panel = animate.Panel(objective, xlim, ylim, log_levels=log_levels)
        self.image = widgets.Image(format="png")
        for widget in self.sliders.values():
            widget.observe(self.redraw, names="value")
        controls = widgets.GridBox(
            list(self.sliders.values()), layout=widgets.Layout(grid_template_columns="1fr 1fr")
        )
        super().__init__([controls, self.image])
        self.redraw()

    def redraw(self, change=None) -> None:
        """Rerun the optimizer with the slider values and refresh the picture."""
        values = {name: widget.value for name, widget in self.sliders.items()}
        theta0 = np.array([values.pop("θ₀[0]"), values.pop("θ₀[1]")])
        steps = values.pop("steps")
        try:
            optimizer = self.optimizer_class(**values, **self.fixed)
        except (ValueError, TypeError) as error:
            self.panel.title.set_text(str(error))
        else:
            run = animate.trace(self.objective, optimizer, theta0, steps, self.xlim, self.ylim)
            self.panel.update(*run)
        self.image.value = self.panel.png()


def explore(
    objective,
    optimizer_class,
    *,
    theta0,
    steps,
    xlim,
    ylim,
    hyperparameters=None,
    log_levels=False,
) -> Explorer:
    """Sliders for every hyperparameter of ``optimizer_class``, θ₀ and the step count.

    ``hyperparameters`` overrides the starting values of the class defaults
    (and supplies any argument without a default); non-numeric ones (a
    schedule, say) are passed through unchanged, without a slider.
    ``log_levels`` spaces the contours logarithmically, for narrow valleys.
    Returns the widget; display it as the last expression of a cell. An
    optimizer that rejects a combination of values leaves the last run on
    screen with its error message as the title.
    """
    steps = _checks.positive_int("steps", steps)
    theta0 = np.asarray(theta0, dtype=float)
    if theta0.shape != (2,):
        raise ValueError(f"theta0 must be a point of the plane, shape (2,), got {theta0.shape}")
    values = animate.hyperparameters(optimizer_class, hyperparameters)
    return Explorer(objective, optimizer_class, values, theta0, steps, xlim, ylim, log_levels)
