"""tools/working_copy.py: the learner's copy that `make lab` opens (tests/launch drives it live).

What it writes into the text is tested in test_live_text.py."""

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

from dlopt.interactive.widgets import NOT_RUNNING  # noqa: E402

CHAPTER = "part3/momentum.ipynb"


def trust_database(where: pathlib.Path) -> NotebookNotary:
    where.mkdir()
    return NotebookNotary(data_dir=str(where))


def test_the_copy_is_trusted_explorers_say_run_first_and_learners_edits_are_kept(tmp_path):
    book, out = tmp_path / "book", tmp_path / "lab"
    (book / "part3").mkdir(parents=True)
    shutil.copy(ROOT / "book" / CHAPTER, book / CHAPTER)
    shutil.copy(ROOT / "book" / "instructors.md", book / "instructors.md")
    shutil.copy(ROOT / "book" / "references.bib", book / "references.bib")
    shutil.copytree(ROOT / "dlopt", tmp_path / "dlopt")  # what the chapter includes
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
    for role in ("{glue:text}", "{numref}", "{literalinclude}", "{cite:"):
        assert role not in prose  # no _toc.yml here: figures are numbered 1, 2, ...
    assert "**Fig. 1.**" in prose and "def box(g, state" in prose
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
