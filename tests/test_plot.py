"""Figures: grid values checked by hand, every axis labelled, panels and scales as promised."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from dlopt import plot
from dlopt.problems import Quadratic, Rosenbrock
from dlopt.train import Record


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def assert_labelled(fig):
    for ax in fig.axes:
        if ax.get_visible():
            assert ax.get_xlabel() and ax.get_ylabel(), f"unlabelled axes {ax}"


def record(thetas, losses):
    return Record(
        np.array(thetas, float), np.array(losses, float), np.zeros(len(losses)), "steps", 0
    )


class OnlyGrid:
    """An objective that can only be evaluated on whole grids: J = x + 10 y."""

    def value(self, theta):
        raise AssertionError("the grid should be filled in one value_grid call")

    def value_grid(self, X, Y):
        return X + 10 * Y


def test_grid_values_by_hand():
    X, Y, Z = plot.grid(Quadratic(np.diag([1.0, 2.0])), (-1, 1), (-2, 2), resolution=3)
    np.testing.assert_array_equal(X[0], [-1, 0, 1])
    np.testing.assert_array_equal(Y[:, 0], [-2, 0, 2])
    # J = ½(x² + 2y²) on x ∈ {−1, 0, 1} (columns), y ∈ {−2, 0, 2} (rows)
    np.testing.assert_allclose(Z, [[4.5, 4.0, 4.5], [0.5, 0.0, 0.5], [4.5, 4.0, 4.5]])
    _, _, Z = plot.grid(OnlyGrid(), (0, 1), (0, 1), resolution=2)
    np.testing.assert_allclose(Z, [[0.0, 1.0], [10.0, 11.0]])
    # Rosenbrock (1 − x)² + 100 (y − x²)²: 1 at the origin, 0 at (1, 1)
    _, _, Z = plot.grid(Rosenbrock(), (-1, 1), (-1, 1), resolution=3)
    assert Z[1, 1] == pytest.approx(1.0) and Z[2, 2] == pytest.approx(0.0)


def test_contours_label_axes_and_mark_the_minimizer():
    ax = plot.contours(Rosenbrock(), (-2, 2), (-1, 3), log=True)
    assert_labelled(ax.figure)
    stars = [line for line in ax.lines if line.get_marker() == "*"]
    assert len(stars) == 1 and tuple(stars[0].get_xydata()[0]) == (1.0, 1.0)


def test_trajectories_share_one_panel_with_a_legend():
    runs = [record([[0, 1], [0, 0]], [1, 0]), record([[1, 1], [0, 0]], [2, 0])]
    ax = plot.trajectories(Quadratic(np.eye(2)), runs, ["a", "b"], (-2, 2), (-2, 2))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    assert_labelled(ax.figure)


def test_compare_draws_one_titled_panel_per_run():
    runs = [record([[1, 1], [0.5, 0.5]], [1.0, 0.25]) for _ in range(4)]
    fig = plot.compare(Quadratic(np.eye(2)), runs, list("abcd"), (-2, 2), (-2, 2), ncols=3)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(fig.axes) == 6 and len(visible) == 4
    assert visible[2].get_title() == "c: $J$ = 0.25 after 1 steps"
    assert_labelled(fig)
    with pytest.raises(ValueError, match="one label per record"):
        plot.compare(Quadratic(np.eye(2)), runs, ["a"], (-1, 1), (-1, 1))


def test_loss_and_learning_curves():
    ax = plot.loss_curves([record([[0, 0]] * 3, [4, 2, 1])], ["gd"])
    assert ax.get_yscale() == "log"
    fit_like = record([[0, 0]] * 3, [1.0])
    fit_like.extras = {"train_loss": [3, 2, 1], "val_loss": [3, 1, 2]}
    fit_like.best = 1
    ax = plot.learning_curves(fit_like)
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [3, 1, 2])
    assert ax.lines[2].get_xdata()[0] == 1  # the vertical line at the best epoch
    assert_labelled(ax.figure)


def test_spectrum_states_the_condition_number():
    ax = plot.spectrum([100.0, 1.0, 10.0])
    assert ax.get_title().endswith("= 100") and ax.get_yscale() == "log"
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [1, 10, 100])
    assert_labelled(ax.figure)


def test_spectrum_marks_negative_curvature():
    ax = plot.spectrum([-2.0, 0.5, 3.0])  # a saddle's Hessian
    assert ax.get_yscale() == "symlog" and ax.get_title() == ""
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [-2.0])
    with pytest.raises(ValueError, match="eigenvalues is empty"):
        plot.spectrum([])
