"""Figures that follow named values: the pictures behind slider figures and live explorers.

A figure turns a dict of named values into a picture on a canvas that is built once.

- :class:`PathFigure`: an optimizer's path on the contours of a 2-D objective
  and its loss curve (a :class:`~dlopt.interactive.canvas.Panel`). Its values are the
  optimizer's hyperparameters, the arguments of an objective *factory* (say
  ``lambda kappa: quadratic_with_condition(kappa)``), ``θ₀[0]``, ``θ₀[1]`` and ``steps``;
- :class:`CurvesFigure`: the curves a caller's ``compute(**values)`` returns (on
  :class:`~dlopt.interactive.canvas.Lines`).

Each has ``values``, ``names``, ``panel`` (with ``title`` and ``png()``) and
``show(values)``; :mod:`dlopt.interactive.animate` makes frames of it for the static page,
:mod:`dlopt.interactive.widgets` puts sliders on it.
"""

from __future__ import annotations

import numpy as np

from dlopt import _checks
from dlopt.interactive.canvas import Lines, Panel
from dlopt.interactive.named import START, call, defaults, listing, optimizer_name, parameters
from dlopt.interactive.runs import run_in_window


class PathFigure:
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
        run = run_in_window(objective, optimizer, theta0, values["steps"], self.xlim, self.ylim)
        head = (
            f"{listing(own, values)}: {optimizer_name(optimizer)}"
            if own
            else optimizer_name(optimizer)
        )
        start = f"θ₀ = ({theta0[0]:.3g}, {theta0[1]:.3g})"
        self.panel.update(run[0], run[1], f"{head}\n{start}: {run[2]}")


class CurvesFigure:
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
        title = listing(self.names, values) if self.title is None else self.title.format(**values)
        self.panel.update(call(self.compute, values), title)
