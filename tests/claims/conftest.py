"""What the claim tests share: the numbers a chapter glues into its prose."""

import pathlib
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from live_text import glued as glued_in  # noqa: E402  (the one reader of glue records)


def glued_values(chapter):
    """Every value ``chapter`` (e.g. ``"part3/newton"``) glues, from its stored outputs."""
    return glued_in(nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4))


@pytest.fixture
def glued():
    """``glued(chapter, name)``: the text the chapter's prose quotes as ``{glue:text}`name```."""

    def lookup(chapter, name):
        values = glued_values(chapter)
        assert name in values, f"{chapter} glues no value named {name!r} (it has {sorted(values)})"
        return values[name]

    return lookup
