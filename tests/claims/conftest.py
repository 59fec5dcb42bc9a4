"""What the claim tests share: the numbers a chapter glues into its prose."""

import ast
import json
import pathlib

import pytest

BOOK = pathlib.Path(__file__).resolve().parents[2] / "book"
GLUE = "application/papermill.record/text/plain"


def glued_values(chapter):
    """Every value ``chapter`` (e.g. ``"part3/newton"``) glues, from its stored outputs."""
    notebook = json.loads((BOOK / f"{chapter}.ipynb").read_text())
    values = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is not None and GLUE in output.get("data", {}):
                values[name] = ast.literal_eval(output["data"][GLUE])
    return values


@pytest.fixture
def glued():
    """``glued(chapter, name)``: the text the chapter's prose quotes as ``{glue:text}`name```."""

    def lookup(chapter, name):
        values = glued_values(chapter)
        assert name in values, f"{chapter} glues no value named {name!r} (it has {sorted(values)})"
        return values[name]

    return lookup
