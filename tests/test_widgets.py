"""The live explorer and the static slider figure, driven headless.

The optimizer is the test's own heavy ball, θ ← θ + v with v ← αv − ε∇J, so
on J = ½‖θ‖² the first iterates are known by hand.
"""

import gc
import math
import re
import warnings

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

from dlopt.interactive import animate, named, runs
from dlopt.interactive.widgets import (
    COMPUTING,
    NOT_RUNNING,
    READY,
    Tabs,
    explore,
    explore_curves,
    slider,
)
from dlopt.problems import Quadratic

BOWL = Quadratic(np.eye(2))
WINDOW = {"xlim": (-2.0, 2.0), "ylim": (-2.0, 2.0)}
ALT = "The static player of a test figure, one frame for each value of the slider."


class HeavyBall:
    def __init__(self, lr=0.1, alpha=0.0, nesterov=False, schedule=None):
        if not alpha < 0.99:
            raise ValueError(f"alpha must be < 0.99, got alpha={alpha!r}")
        self.lr, self.alpha, self.v = lr, alpha, 0.0

    def step(self, theta, objective):
        self.v = self.alpha * self.v - self.lr * objective.grad(theta)
        return theta + self.v

    def __repr__(self):
        return f"HeavyBall(lr={self.lr:.3g}, alpha={self.alpha:.3g})"


def test_slider_ranges_follow_the_hyperparameter():
    lr = slider("lr", 0.01)
    assert isinstance(lr, widgets.FloatLogSlider) and (lr.min, lr.max) == (-5, 0)
    assert lr.value == pytest.approx(0.01)
    alpha = slider("alpha", 0.9)
    assert isinstance(alpha, widgets.FloatSlider) and (alpha.min, alpha.max) == (0.0, 0.999)
    assert isinstance(slider("delta", 1e-8), widgets.FloatLogSlider)
    assert isinstance(slider("k", 5), widgets.IntSlider) and slider("k", 5).max == 20
    assert isinstance(slider("nesterov", True), widgets.Checkbox)
    with pytest.raises(ValueError, match=r"lr > 0, got lr=-1\.0"):
        slider("lr", -1.0)
    with pytest.raises(TypeError, match="name='x'"):
        slider("name", "x")
    # tuples: linear sliders starting at the given value or the middle; lists: their entries
    scale = slider("scale", (0.5, 1.5, 0.05), 1.2)
    assert isinstance(scale, widgets.FloatSlider) and (scale.min, scale.max, scale.step) == (
        0.5, 1.5, 0.05,
    ) and scale.value == pytest.approx(1.2)  # fmt: skip
    assert slider("depth", (1, 9)).value == 5 and isinstance(
        slider("depth", (1, 9)), widgets.IntSlider
    )
    batch = slider("b", [1, 2, 4, 8], 4)
    assert isinstance(batch, widgets.SelectionSlider) and batch.value == 4
    assert slider("b", [1, 2, 4, 8]).value == 4  # the middle entry
    given = widgets.IntSlider(value=3)
    assert slider("k", given) is given


def test_hyperparameters_are_the_constructor_defaults_updated():
    assert named.defaults(HeavyBall, given={"lr": 0.5}) == {
        "lr": 0.5, "alpha": 0.0, "nesterov": False, "schedule": None,
    }  # fmt: skip
    # several factories pool their names; one without a default needs a given value
    pooled = named.defaults(lambda kappa, seed=1: None, HeavyBall, given={"kappa": 4})
    assert pooled == {"kappa": 4, "seed": 1, "lr": 0.1, "alpha": 0.0, "nesterov": False,
                      "schedule": None}  # fmt: skip


def test_explorer_has_a_slider_per_numeric_hyperparameter():
    ex = explore(BOWL, HeavyBall, theta0=[1.0, 1.0], steps=4, **WINDOW)
    assert list(ex.sliders) == ["lr", "alpha", "nesterov", "θ₀[0]", "θ₀[1]", "steps"]
    assert ex.figure.values["schedule"] is None  # passed through, no slider
    assert ex.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_moving_sliders_redraws_the_run():
    ex = explore(BOWL, HeavyBall, theta0=[1.0, 1.0], steps=3, values={"lr": 0.5}, **WINDOW)
    # gradient descent with ε = ½ on ½‖θ‖² halves θ each step
    np.testing.assert_allclose(ex.panel.path.get_xdata(), [1, 0.5, 0.25, 0.125])
    before = ex.image.value
    ex.sliders["lr"].value = 0.25
    np.testing.assert_allclose(ex.panel.path.get_xdata(), 0.75 ** np.arange(4))
    np.testing.assert_allclose(ex.panel.curve.get_ydata(), 0.75 ** (2 * np.arange(4)))
    assert ex.image.value != before
    # heavy ball, ε = ¼, α = ½: v₁ = −¼, θ₁ = ¾; v₂ = −⅛ − 3/16, θ₂ = 7/16
    ex.sliders["alpha"].value = 0.5
    np.testing.assert_allclose(ex.panel.path.get_xdata()[:3], [1, 0.75, 0.4375])
    ex.sliders["θ₀[0]"].value = -1.0
    ex.sliders["steps"].value = 6
    assert ex.panel.path.get_xdata()[0] == -1.0 and len(ex.panel.path.get_xdata()) == 7


def test_divergence_and_bad_values_show_in_the_title():
    ex = explore(BOWL, HeavyBall, theta0=[1.0, 1.0], steps=100, **WINDOW)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ex.sliders["lr"].value = 10.0  # |1 − ε| = 9 > 1: the iterates grow ninefold per step
    k = len(ex.panel.path.get_xdata()) - 1
    # cut once |θ| > 1000 window widths = 4000: 9^k > 4000 first at k = 4
    assert ex.panel.title.get_text() == (
        f"HeavyBall(lr=10, alpha=0)\nθ₀ = (1, 1): diverged at step {k}"
    )
    assert k == math.ceil(math.log(4000) / math.log(9))
    ex.sliders["alpha"].value = 0.995
    assert ex.panel.title.get_text() == "alpha must be < 0.99, got alpha=0.995"


def test_explore_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"no value \[.beta.\] is taken"):
        explore(BOWL, HeavyBall, theta0=[0, 0], steps=5, values={"beta": 1.0}, **WINDOW)
    with pytest.raises(ValueError, match="theta0 must be a point of the plane"):
        explore(BOWL, HeavyBall, theta0=[0, 0, 0], steps=5, **WINDOW)
    with pytest.raises(ValueError, match="steps"):
        explore(BOWL, HeavyBall, theta0=[0, 0], steps=0, **WINDOW)


def test_slider_animation_has_one_frame_per_value():
    values = [0.1, 0.5, 0.9]
    anim = animate.slider_animation(
        BOWL, HeavyBall, "lr", values, theta0=[1.0, -1.0], steps=5, **WINDOW
    )
    html = animate.animation_html(anim, alt=ALT).data
    assert html.count("data:image/png;base64") == len(values)
    assert "https://" not in html and "fa fa-" not in html  # plays offline, text buttons
    assert plt.get_fignums() == []  # nothing left for the notebook to show twice
    # the last frame drawn is ε = 0.9: θ_k = 0.1^k θ₀
    np.testing.assert_allclose(anim.panel.path.get_xdata(), 0.1 ** np.arange(6))


def test_slider_animation_rejects_unknown_names_and_empty_values():
    with pytest.raises(ValueError, match="name='rho'"):
        animate.slider_animation(BOWL, HeavyBall, "rho", [0.1], theta0=[1, 1], steps=2, **WINDOW)
    with pytest.raises(ValueError, match=r"no value \[.beta.\] is taken"):
        animate.slider_animation(
            BOWL, HeavyBall, "lr", [0.1], theta0=[1, 1], steps=2, fixed={"beta": 0}, **WINDOW
        )
    with pytest.raises(ValueError, match="values is empty"):
        animate.slider_animation(BOWL, HeavyBall, "lr", [], theta0=[1, 1], steps=2, **WINDOW)


def test_a_start_with_no_finite_loss_is_an_error_not_a_picture():
    class Nowhere:
        def value(self, theta):
            return float("nan")

        def grad(self, theta):
            return np.zeros(2)

    with pytest.raises(FloatingPointError, match="loss at step 0"):
        runs.run_in_window(Nowhere(), HeavyBall(), [0.0, 0.0], 5, **WINDOW)


def scaled_bowl(kappa):
    """J = ½(θ₁² + κθ₂²): the test's own factory of objectives."""
    return Quadratic(np.diag([1.0, kappa]))


def test_an_objective_factory_gets_a_slider_and_new_contours():
    ex = explore(scaled_bowl, HeavyBall, theta0=[1.0, 1.0], steps=3,
                 values={"kappa": 3.0, "lr": 0.5}, **WINDOW)  # fmt: skip
    assert list(ex.sliders)[:3] == ["kappa", "lr", "alpha"]
    # θ₂ ← (1 − εκ) θ₂ = −½ θ₂ for κ = 3, ε = ½
    np.testing.assert_allclose(ex.panel.path.get_ydata(), (-0.5) ** np.arange(4))
    before = ex.panel.ax_path.collections[0]
    ex.sliders["kappa"].value = 1.0  # now the bowl is round: θ₂ halves like θ₁
    np.testing.assert_allclose(ex.panel.path.get_ydata(), 0.5 ** np.arange(4))
    assert ex.panel.ax_path.collections[0] is not before  # contours of the new objective
    assert ex.panel.title.get_text().startswith("kappa = 1: HeavyBall(lr=0.5")
    drawn = ex.panel.ax_path.collections[0]
    ex.sliders["lr"].value = 0.25  # same objective: the contours stay
    assert ex.panel.ax_path.collections[0] is drawn
    with pytest.raises(ValueError, match=r"no starting value for \['kappa'\]"):
        explore(scaled_bowl, HeavyBall, theta0=[1.0, 1.0], steps=3, **WINDOW)


def test_one_value_can_feed_objective_and_optimizer():
    # κ slides both the bowl and the step ε = 1/κ: θ₂ lands on 0 after one step for every κ
    anim = animate.slider_animation(
        scaled_bowl, lambda kappa: HeavyBall(lr=1 / kappa), "kappa", [2.0, 4.0],
        theta0=[1.0, 1.0], steps=2, **WINDOW,
    )  # fmt: skip
    animate.animation_html(anim, alt=ALT)
    np.testing.assert_allclose(anim.panel.path.get_ydata(), [1.0, 0.0, 0.0])
    np.testing.assert_allclose(anim.panel.path.get_xdata(), [1.0, 0.75, 0.5625])  # (1 − ¼)^k


def test_the_start_can_be_the_slid_value():
    anim = animate.slider_animation(
        BOWL, HeavyBall, "θ₀[0]", [-1.0, 0.5], theta0=[1.0, 1.0], steps=1,
        fixed={"lr": 0.5}, contours_of=BOWL, **WINDOW,
    )  # fmt: skip
    animate.animation_html(anim, alt=ALT)
    np.testing.assert_allclose(anim.panel.path.get_xdata(), [0.5, 0.25])


def test_curves_follow_the_compute_function():
    ex = explore_curves(
        lambda scale=0.5: {"power": scale ** np.arange(4), "level": scale, "_x": ([0, 1], [2, 3])},
        sliders={"scale": (0.25, 1.0, 0.25)}, logy=True, title="s = {scale:g}",
    )  # fmt: skip
    lines = ex.panel.lines
    np.testing.assert_allclose(lines["power"].get_ydata(), [1, 0.5, 0.25, 0.125])
    np.testing.assert_allclose(lines["level"].get_ydata(), [0.5, 0.5])  # a horizontal line
    np.testing.assert_allclose(lines["_x"].get_xdata(), [0, 1])
    assert ex.panel.title.get_text() == "s = 0.5"
    assert [t.get_text() for t in ex.panel.ax.get_legend().get_texts()] == ["power", "level"]
    ex.sliders["scale"].value = 1.0
    np.testing.assert_allclose(lines["power"].get_ydata(), 1.0)
    low, high = ex.panel.ax.get_ylim()
    assert low < 1.0 < high and ex.panel.ax.get_yscale() == "log"
    with pytest.raises(ValueError, match=r"no argument \['gain'\]"):
        explore_curves(lambda scale=1.0: {}, sliders={"gain": 1.0})
    with pytest.raises(ValueError, match=r"no slider or default for \['scale'\]"):
        explore_curves(lambda scale: {})


def test_axes_rescale_on_every_redraw_unless_limits_are_fixed():
    ex = explore_curves(lambda top=1.0: {"line": ([0, 1], [0, top])}, sliders={"top": (1, 1e5)})
    ex.sliders["top"].value = 1e5
    assert ex.panel.ax.get_ylim()[1] >= 1e5  # autoscaling survives the first redraw
    fixed = explore_curves(
        lambda top=1.0: {"line": ([0, 1], [0, top])}, sliders={"top": (1, 1e5)}, ylim=(0, 2)
    )
    fixed.sliders["top"].value = 1e5
    assert fixed.panel.ax.get_ylim() == (0, 2)


def test_a_failing_compute_shows_its_error_and_the_static_figure_has_all_frames():
    def root(x=1.0):
        if x < 0:
            raise ValueError(f"x must be >= 0, got x={x}")
        return {"sqrt": np.sqrt(np.arange(3) * x)}

    ex = explore_curves(root, sliders={"x": (-1.0, 1.0, 0.5)})
    ex.sliders["x"].value = -1.0
    assert ex.panel.title.get_text() == "x must be >= 0, got x=-1.0"
    html = animate.curves_figure(root, "x", [0.0, 1.0, 4.0], alt=ALT, ylim=(0, 5)).data
    assert html.count("data:image/png;base64") == 3
    assert plt.get_fignums() == []
    with pytest.raises(ValueError, match="name='y'"):
        animate.curves_animation(root, "y", [1.0])


def test_the_static_player_is_described_and_its_slider_labelled():
    anim = animate.slider_animation(
        BOWL, HeavyBall, "lr", [0.1, 0.5], theta0=[1.0, -1.0], steps=5, **WINDOW
    )
    alt = "Contour lines of a round bowl with the path of heavy-ball steps toward its centre."
    html = animate.animation_html(anim, alt=alt).data
    assert f'alt="{alt}"' in html
    slider = re.search(r'<input id="(_anim_slider\w+)"', html)[1]
    assert f'<label for="{slider}" class="anim-label"' in html  # a visible label, named
    assert 'aria-valuetext="lr = 0.1"' in html  # the value announced before any move
    assert '["0.1", "0.5"]' in html  # ... and after each frame change, by the script


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
def test_the_static_player_refuses_alt_text_that_describes_nothing():
    anim = animate.curves_animation(lambda x=1.0: {"y": [0.0, x]}, "x", [1.0, 2.0])
    with pytest.raises(ValueError, match=r"alt must describe the figure.*'a plot'"):
        animate.animation_html(anim, alt="a plot")
    with pytest.raises(ValueError, match=r"alt must describe the figure.*None"):
        animate.animation_html(anim, alt=None)
    del anim
    gc.collect()  # the unrendered animation warns here, under this test's filter, not later


def test_readouts_show_every_step_of_their_slider():
    assert slider("alpha", 0.9).readout_format == ".3f"  # α moves in steps of 0.001
    assert slider("x", (0.0, 1.0, 0.025)).readout_format == ".3f"
    assert slider("x", (0.0, 3.0)).readout_format == ".1f"  # ipywidgets' step for a float range
    assert slider("x", (0.0, 10.0, 0.5)).readout_format == ".1f"
    ex = explore(BOWL, HeavyBall, theta0=[1.0, -1.0], steps=5, **WINDOW)
    assert ex.sliders["alpha"].readout_format == ".3f"
    assert ex.sliders["θ₀[0]"].step == 0.02 and ex.sliders["θ₀[0]"].readout_format == ".2f"


def test_the_explorer_says_it_is_computing_while_it_redraws():
    shown = []
    ex = explore_curves(lambda a=0.5: {"y": np.arange(3) * a}, sliders={"a": (0.0, 1.0)})
    ex.status.observe(lambda change: shown.append(change["new"]), names="value")
    ex.sliders["a"].value = 0.75
    assert shown == [COMPUTING, READY]
    assert ex.status.value == READY != COMPUTING


def test_the_stored_explorer_tells_a_reader_without_a_kernel_to_run_the_notebook():
    ex = explore_curves(lambda a=0.5: {"y": np.arange(3) * a})
    bundle = ex._repr_mimebundle_()
    assert bundle["text/plain"] == NOT_RUNNING and "Run All" in NOT_RUNNING
    assert "application/vnd.jupyter.widget-view+json" in bundle  # live, the widget shows
    tabs = Tabs([ex, explore_curves(lambda b=1.0: {"y": [0.0, b]})], titles=["a", "b"])
    assert tabs._repr_mimebundle_()["text/plain"] == NOT_RUNNING
