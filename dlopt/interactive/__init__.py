"""The interactive side of the book: pictures that follow named values, two ways.

- on the static page, a *slider figure*: the picture for each value of one named value,
  rendered ahead of time as frames of a JavaScript player (:func:`slider_figure`,
  :func:`curves_figure`);
- in a running notebook, an *explorer*: sliders for every named value, the picture redrawn
  as they move (:func:`explore`, :func:`explore_curves`).

One job per module: :mod:`~dlopt.interactive.named` (named values and the factories that
take them), :mod:`~dlopt.interactive.runs` (a run cut where it leaves the window),
:mod:`~dlopt.interactive.canvas` (canvases that redraw in place and encode PNG),
:mod:`~dlopt.interactive.figures` (the figures that follow values),
:mod:`~dlopt.interactive.animate` (slider figures) and :mod:`~dlopt.interactive.widgets`
(explorers).
"""

from dlopt.interactive.animate import animation_html, curves_figure, frames, slider_figure
from dlopt.interactive.widgets import NOT_RUNNING, Tabs, explore, explore_curves, slider

__all__ = [
    "NOT_RUNNING",
    "Tabs",
    "animation_html",
    "curves_figure",
    "explore",
    "explore_curves",
    "frames",
    "slider",
    "slider_figure",
]
