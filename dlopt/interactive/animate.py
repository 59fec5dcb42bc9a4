"""Slider figures for the static page: a figure's frames over a list of values, as JavaScript.

:func:`slider_figure` steps one value of a :class:`dlopt.interactive.figures.PathFigure`
(a hyperparameter, an argument of an objective factory, the start) through a
list; :func:`curves_figure` does the same for the curves a caller's
``compute(**values)`` returns (a :class:`dlopt.interactive.figures.CurvesFigure`). Each frame is
the figure redrawn for one value; :func:`animation_html` turns the animation
into a player that works on a static page with no kernel.
"""

from __future__ import annotations

import contextlib
import html
import json
import re

import matplotlib as mpl
from matplotlib.animation import FuncAnimation

from dlopt.interactive.figures import CurvesFigure, PathFigure


def frames(figure, name, values) -> FuncAnimation:
    """One frame of ``figure`` per value of ``name``; the other values stay at ``figure.values``.

    ``figure`` is a :class:`~dlopt.interactive.figures.PathFigure` or a
    :class:`~dlopt.interactive.figures.CurvesFigure`; the animation carries its canvas as
    ``.panel`` and
    ``(name, values)`` as ``.slider``, which label the player's slider.
    """
    if name not in figure.names:
        raise ValueError(f"name={name!r} is not a value of this figure (it has {figure.names})")
    values = list(values)
    if not values:
        raise ValueError("values is empty: the animation needs at least one frame")
    missing = sorted(set(figure.names) - set(figure.values) - {name})
    if missing:
        raise ValueError(f"no value for {missing}: give them as fixed values")
    canvas = figure.panel
    animation = FuncAnimation(
        canvas.figure, lambda i: figure.show({name: values[i]}), frames=len(values),
        interval=500, repeat=False,
    )  # fmt: skip
    animation.panel = canvas
    animation.slider = (name, values)
    return animation


def slider_animation(
    objective, optimizer_class, param_name, values, *, theta0, steps, xlim, ylim, fixed=None,
    contours_of=None, log_levels=False, figsize=(7, 3), dpi=75,
) -> FuncAnimation:  # fmt: skip
    """One frame per value of ``param_name``: a run of ``optimizer_class`` on ``objective``.

    ``param_name`` is a hyperparameter, an argument of an objective factory,
    ``"θ₀[0]"``, ``"θ₀[1]"`` or ``"steps"``; the other values are the defaults
    updated by ``fixed``; the arguments are those of :class:`~dlopt.interactive.figures.PathFigure`.
    The animation carries its :class:`~dlopt.interactive.canvas.Panel` as ``.panel``.
    """
    figure = PathFigure(
        objective, optimizer_class, theta0=theta0, steps=steps, xlim=xlim, ylim=ylim,
        given=fixed, contours_of=contours_of, log_levels=log_levels, figsize=figsize, dpi=dpi,
    )  # fmt: skip
    return frames(figure, param_name, values)


def curves_animation(compute, name, values, *, fixed=None, title=None, **options):
    """One frame per value of ``name``: the curves ``compute(**values)`` returns.

    ``compute`` returns a dict label → series (see :class:`~dlopt.interactive.canvas.Lines`);
    the other values are its defaults updated by ``fixed``. ``title`` and
    ``options`` (``xlabel``, ``ylabel``, ``logy``, ``ylim``, ``styles``, …) are
    those of :class:`~dlopt.interactive.figures.CurvesFigure`.
    """
    options = {"figsize": (6, 3.2), "dpi": 75, **options}
    return frames(CurvesFigure(compute, given=fixed, title=title, **options), name, values)


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


def animation_html(animation: FuncAnimation, *, alt: str):
    """The animation as a self-contained JavaScript player (IPython ``HTML``).

    Frames are PNGs at the figure's own dpi; the player plays once, then its
    slider and buttons step through the frames without a kernel. matplotlib's
    player fetches its button icons from a CDN; here the buttons carry text
    glyphs (:data:`ICONS`) instead, so the page also works offline.

    The player is made for every reader (WCAG 2.1 AA): the frame image carries ``alt``,
    a description written for someone who cannot see it (what is drawn, and what changes
    from frame to frame); the slider has a visible label naming the value it sets and
    showing the current one (``lr = 0.1``), which is also announced as the slider's
    ``aria-valuetext``. Arrow keys move the slider like any range input.
    """
    from IPython.display import HTML

    if not isinstance(alt, str) or len(alt.split()) < 8:
        raise ValueError(
            f"alt must describe the figure for a reader who cannot see it (8 words or more), "
            f"got alt={alt!r}"
        )
    with mpl.rc_context({"savefig.dpi": "figure", "savefig.bbox": None}), _drawn_once(animation):
        page = animation.to_jshtml(default_mode="once")
    page = re.sub(r'<link rel="stylesheet"\s+href="[^"]*font-awesome[^"]*">', "", page)
    page = re.sub(r'<i class="(fa [^"]*)"></i>', lambda m: ICONS.get(m[1], m[0]), page)
    frame_count = page.count("data:image/png;base64")
    name, values = getattr(animation, "slider", ("frame", range(frame_count)))
    return HTML(_labelled(page, alt, name, [_label(v) for v in values]))


@contextlib.contextmanager
def _drawn_once(animation):
    """Each saved frame drawn once, not twice: matplotlib draws it for the screen
    (``draw_idle``) and again into the PNG (matplotlib/matplotlib#18785); an Agg canvas
    off screen has no screen, so its ``draw_idle`` does nothing while the frames are saved."""
    canvas = animation.panel.figure.canvas
    canvas.draw_idle = lambda *args, **kwargs: None
    try:
        yield
    finally:
        del canvas.draw_idle  # the class's draw_idle again


def _label(value) -> str:
    """A slider value as the label shows it: numbers in their shortest form."""
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def _labelled(page, alt, name, labels):
    """``page`` with alt text on the frame, a label on the slider, and a script that keeps the
    label and the announced value in step with the frame shown."""
    uid = re.search(r'<img id="_anim_img(\w+)">', page)[1]
    slider = f"_anim_slider{uid}"
    page = page.replace(
        f'<img id="_anim_img{uid}">', f'<img id="_anim_img{uid}" alt="{html.escape(alt)}">'
    )
    first = f"{name} = {labels[0]}" if labels else name
    page = page.replace(
        f'<input id="{slider}"',
        f'<label for="{slider}" class="anim-label" style="display:block">{html.escape(name)} = '
        f'<output id="_anim_value{uid}" for="{slider}">{html.escape(labels[0] if labels else "")}'
        f'</output></label>\n    <input id="{slider}" aria-valuetext="{html.escape(first)}"',
    )
    script = f"""
<script>
  /* Keep the slider's label and announced value in step with the frame shown. */
  (function() {{
    var slider = document.getElementById("{slider}");
    var img = document.getElementById("_anim_img{uid}");
    var shown = document.getElementById("_anim_value{uid}");
    var labels = {json.dumps(labels)};
    function describe() {{
      var value = labels[Number(slider.value)];
      shown.textContent = value;
      slider.setAttribute("aria-valuetext", {json.dumps(name)} + " = " + value);
    }}
    new MutationObserver(describe).observe(img, {{attributes: true, attributeFilter: ["src"]}});
    slider.addEventListener("input", describe);
  }})();
</script>
"""
    return page + script


def slider_figure(objective, optimizer_class, param_name, values, *, alt, **kwargs):
    """:func:`slider_animation` rendered by :func:`animation_html` (with ``alt``), to display."""
    animation = slider_animation(objective, optimizer_class, param_name, values, **kwargs)
    return animation_html(animation, alt=alt)


def curves_figure(compute, name, values, *, alt, **kwargs):
    """:func:`curves_animation` rendered by :func:`animation_html` (with ``alt``), to display."""
    return animation_html(curves_animation(compute, name, values, **kwargs), alt=alt)
