"""tools/working_copy.py: the learner's copy that `make lab` opens (tests/launch drives it live)."""

from __future__ import annotations

import json
import pathlib
import shutil
import sys

import nbformat
import pytest
from nbformat.sign import NotebookNotary

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import working_copy  # noqa: E402

from dlopt.widgets import NOT_RUNNING  # noqa: E402

CHAPTER = "part3/momentum.ipynb"


def trust_database(where: pathlib.Path) -> NotebookNotary:
    where.mkdir()
    return NotebookNotary(data_dir=str(where))


def cell(source, kind="code", **metadata):
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    return make(source, metadata=metadata)


def test_glue_and_figure_references_resolve_and_each_figure_gets_a_caption_cell():
    record = {"application/papermill.record/text/plain": "'0.033'"}
    glued = nbformat.v4.new_output(
        "display_data", data=record, metadata={"scrapbook": {"name": "rate"}}
    )
    caption = "The path at rate $\\epsilon$."
    figure = {"mystnb": {"figure": {"name": "fig-path", "caption": caption}}}
    nb = nbformat.v4.new_notebook(cells=[
        cell("glue('rate', '0.033')"),
        cell("plot()", **figure),
        cell("The best rate is {glue:text}`rate`; {numref}`fig-path` shows it.", "markdown"),
        cell("{numref}`fig-elsewhere` is on another page.", "markdown"),
    ])  # fmt: skip
    nb.cells[0].outputs = [glued]
    live = working_copy.live_notebook(nb, working_copy.glued(nb))
    texts = [c.source for c in live.cells if c.cell_type == "markdown"]
    assert texts == [
        "**Figure 1.** The path at rate $\\epsilon$.",
        "The best rate is 0.033; Figure 1 shows it.",
        "{numref}`fig-elsewhere` is on another page.",  # left as written, not guessed
    ]
    assert live.cells[2].metadata["tags"] == ["caption"]  # right below its figure


def test_the_copy_is_trusted_explorers_say_run_first_and_learners_edits_are_kept(tmp_path):
    book, out = tmp_path / "book", tmp_path / "lab"
    (book / "part3").mkdir(parents=True)
    shutil.copy(ROOT / "book" / CHAPTER, book / CHAPTER)
    shutil.copy(ROOT / "book" / "instructors.md", book / "instructors.md")
    notary = trust_database(tmp_path / "jupyter")
    written = working_copy.build(book, out, notary=notary)
    assert written == [out / CHAPTER]
    nb = nbformat.read(out / CHAPTER, as_version=4)
    assert notary.check_signature(nb)  # JupyterLab runs the static sliders' scripts
    assert "widgets" not in nb.metadata
    explorers = [c for c in nb.cells if "live-widget" in c.metadata.get("tags", [])]
    assert explorers and all(
        o.get("data", {}).keys() == {"text/plain"} for c in explorers for o in c.outputs
    )
    assert [o["data"]["text/plain"] for c in explorers for o in c.outputs] == [NOT_RUNNING]
    prose = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "{glue:text}" not in prose and "{numref}" not in prose
    (out / CHAPTER).write_text("a learner's edit")
    assert working_copy.build(book, out, notary=notary) == []  # kept as the learner left it
    assert (out / CHAPTER).read_text() == "a learner's edit"


def test_the_student_edition_copy_has_no_solutions_but_keeps_the_glued_numbers(tmp_path):
    book, out = tmp_path / "book", tmp_path / "lab"
    (book / "part3").mkdir(parents=True)
    shutil.copy(ROOT / "book" / CHAPTER, book / CHAPTER)
    notary = trust_database(tmp_path / "jupyter")
    working_copy.build(book, out, "student", notary=notary)
    nb = json.loads((out / CHAPTER).read_text())
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert any("NotImplementedError" in s for s in sources)
    assert not any("{solution-start}" in s or "{glue:text}" in s for s in sources)
    with pytest.raises(ValueError, match=r"edition must be one of.*'teacher'"):
        working_copy.build(book, out, "teacher", notary=notary)
