"""dlopt.book: the numbers a chapter hands to its prose."""

import sys

import pytest

from dlopt.book import below, glue


def test_glue_refuses_a_raw_float_naming_it():
    with pytest.raises(TypeError, match=r"0\.1234567.*float"):
        glue("loss", 0.12345678)


def test_glue_refuses_a_name_the_prose_cannot_quote():
    with pytest.raises(ValueError, match="'final loss'"):
        glue("final loss", "0.12")


def test_glue_prints_where_myst_nb_is_missing(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # import fails as on Colab
    glue("loss", "0.12")
    assert capsys.readouterr().out == "loss: 0.12\n"


def test_glue_stores_text_for_the_book_and_shows_nothing(monkeypatch):
    shown = []
    import myst_nb.ext.glue as store

    monkeypatch.setattr(store, "ipy_display", lambda *a, **k: shown.append((a, k)))
    glue("loss", "0.12")
    (bundle,), metadata = shown[0][0], shown[0][1]["metadata"]
    assert bundle == {"application/papermill.record/text/plain": "'0.12'"}
    assert metadata["scrapbook"]["name"] == "loss"


@pytest.mark.parametrize("value", [1.5e-15, -8.3e-16, 0.0])
def test_below_says_the_bound_not_the_noise(value):
    assert below(value, 1e-12) == "below 1e-12"


@pytest.mark.parametrize("value", [1e-12, 3e-3, float("nan"), float("inf")])
def test_below_refuses_a_false_claim(value):
    with pytest.raises(ValueError, match="not below bound 1e-12"):
        below(value, 1e-12)


@pytest.mark.parametrize("bound", [0.0, -1e-12, float("nan")])
def test_below_refuses_a_bound_that_is_not_positive(bound):
    with pytest.raises(ValueError, match="bound must be positive"):
        below(1e-15, bound)
