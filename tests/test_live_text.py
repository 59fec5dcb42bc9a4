"""tools/live_text.py: the book's references resolved inside a notebook, for JupyterLab."""

from __future__ import annotations

import pathlib
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import live_text  # noqa: E402

ENTRIES = {
    "polyak1964some": ("Polyak", "1964"),
    "goodfellow2016deep": ("Goodfellow et al.", "2016"),
}


def cell(source, kind="code", **metadata):
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    return make(source, metadata=metadata)


def live(cells, chapter=None, folder=ROOT / "book" / "part3"):
    nb = nbformat.v4.new_notebook(cells=cells)
    values = live_text.glued(nb)
    nb = live_text.live_notebook(nb, values=values, folder=folder, chapter=chapter, entries=ENTRIES)
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def test_glue_and_figure_references_resolve_and_each_figure_gets_a_caption_cell():
    record = {"application/papermill.record/text/plain": "'0.033'"}
    glued = nbformat.v4.new_output(
        "display_data", data=record, metadata={"scrapbook": {"name": "rate"}}
    )
    caption = "The path at rate $\\epsilon$."
    figure = {"mystnb": {"figure": {"name": "fig-path", "caption": caption}}}
    code = cell("glue('rate', '0.033')")
    code.outputs = [glued]
    texts = live([
        code,
        cell("plot()", **figure),
        cell("The best rate is {glue:text}`rate`; {numref}`fig-path` shows it.", "markdown"),
        cell("{numref}`fig-elsewhere` is on another page; {glue:text}`gone` too.", "markdown"),
    ], chapter=11)  # fmt: skip
    assert texts == [
        "**Fig. 11.1.** The path at rate $\\epsilon$.",  # right below its figure
        "The best rate is 0.033; Fig. 11.1 shows it.",
        "{numref}`fig-elsewhere` is on another page; {glue:text}`gone` too.",  # not guessed
    ]


def test_included_code_is_written_into_the_text_from_the_source_file():
    directive = (
        "The box:\n\n```{literalinclude} ../../dlopt/optim/momentum.py\n:language: python\n"
        ":pyobject: Momentum.box\n```\n\nand more."
    )
    [text] = live([cell(directive, "markdown")])
    assert text.startswith("The box:\n\n```python\n    @staticmethod\n    def box(g")
    assert "literalinclude" not in text
    assert text.endswith("```\n\nand more.")
    assert text.count("\n    def ") == 1  # the method only, not the class around it
    missing = directive.replace("Momentum.box", "Momentum.leap")
    assert live([cell(missing, "markdown")]) == [missing]  # left as written


def test_citations_read_as_in_the_book():
    [text] = live([
        cell("momentum {cite:p}`polyak1964some,goodfellow2016deep`; {cite:t}`polyak1964some` "
             "showed it; {cite:p}`unknown2020`.", "markdown"),
    ])  # fmt: skip
    assert text == (
        "momentum [Polyak, 1964, Goodfellow et al., 2016]; Polyak [1964] showed it; "
        "{cite:p}`unknown2020`."
    )


def test_explorers_keep_their_text_only():
    explorer = cell("dlopt.interactive.explore(...)", tags=["live-widget"])
    data = {"text/plain": "run me", "application/vnd.jupyter.widget-view+json": {"model_id": "1"}}
    explorer.outputs = [nbformat.v4.new_output("execute_result", data=data, execution_count=1)]
    nb = nbformat.v4.new_notebook(cells=[explorer])
    nb = live_text.live_notebook(nb, values={}, folder=ROOT / "book")
    assert nb.cells[0].outputs[0]["data"] == {"text/plain": "run me"}


def test_chapters_are_numbered_through_the_numbered_parts_and_the_bibliography_is_read():
    chapters = live_text.chapter_numbers(ROOT / "_toc.yml")
    assert chapters[(ROOT / "book" / "part1" / "empirical-risk").resolve()] == 1
    assert chapters[(ROOT / "book" / "part3" / "momentum").resolve()] == 11
    entries = live_text.bibliography(ROOT / "book" / "references.bib")
    assert entries["goodfellow2016deep"] == ("Goodfellow et al.", "2016")
