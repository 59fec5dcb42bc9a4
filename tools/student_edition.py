"""The student edition of the book: every exercise kept, every solution replaced by a stub.

A chapter writes its solutions with sphinx-exercise's gated directives: a markdown
``{solution-start} <label>`` directive, the solution's prose and code cells (the code
cells tagged ``solution``), then a ``{solution-end}`` directive. The markers may sit
inside larger markdown cells (after an exercise, before the next one). This tool
removes everything from ``{solution-start}`` to ``{solution-end}``, the markers included,
and a plain ``{solution}`` directive block too, and puts in their place

- a markdown answer cell (tag ``answer``) naming the exercise, for the written part, and
- if the solution had code, one stub code cell (tag ``exercise-stub``) that raises
  ``NotImplementedError`` with a hint: the ``hint``
  entry of the first solution code cell's metadata if the chapter gives one, else a
  generic hint naming the exercise, followed by the ``dlopt.check`` function that tests
  the exercise when the table of book/instructors.md names one.

A code cell tagged ``solution`` outside any solution block becomes a stub as well. The
stored outputs of every code cell after the first solution are removed (they were
computed in a kernel that had run a solution), the notebook's saved widget state is
dropped, and a markdown cell keeps only the attachments its remaining text refers to.

Usage: ``python tools/student_edition.py [--book book] [--out student]`` (``make student``).
It lives outside ``dlopt`` because it needs nbformat, which the package does not depend on.
"""

from __future__ import annotations

import argparse
import copy
import pathlib
import re
import sys

import nbformat

FENCE = re.compile(r"^\s*(?P<fence>`{3,}|:{3,})\{(?P<name>[a-z-]+)\}\s*(?P<arg>.*)$")
# No raises-exception tag: a notebook with an unanswered stub, or an answer that fails its
# check, must fail `jupyter nbconvert --execute`, so that a run that succeeds means something.
STUB_TAGS = ["exercise-stub"]
FRESH = "fresh"  # id of a cell made here, renumbered once the notebook is assembled
GENERIC_HINT = "write your solution of exercise {label} ({title}) in this cell"
CHECK_HINT = "; help({check}) shows how to test your code"
TABLE_ROW = re.compile(r"^\| `(ex-[^`]+)` \|.*`(dlopt\.check\.\w+)`[^|]*\|$", re.MULTILINE)


def closes(line: str, fence: str) -> bool:
    """Whether ``line`` closes a directive opened with ``fence`` (same character, as long)."""
    text = line.strip()
    return len(text) >= len(fence) and set(text) == {fence[0]}


class _Editor:
    """Walks a notebook's cells once, keeping what students see and stubbing what they write."""

    def __init__(self, name: str, checks: dict[str, str]):
        self.name, self.checks = name, checks
        self.cells: list = []
        self.label, self.title = None, None  # the exercise being read
        self.region = None  # label of the open gated solution, or None
        self.stubbed = False  # whether the open region already has its stub cell
        self.after_solution = False  # a solution has run: later outputs may depend on it

    def markdown(self, cell) -> None:
        kept, skip_to, exercise_fence = [], None, None
        for line in cell.source.splitlines():
            if skip_to is not None:  # inside a solution directive block being removed
                if closes(line, skip_to[0]):
                    self.region = None if skip_to[1] == "solution-end" else self.region
                    skip_to = None
                continue
            match = FENCE.match(line)
            name = match["name"] if match else None
            if name in ("exercise", "exercise-start"):
                self.label, self.title = "(unlabelled)", match["arg"].strip() or "untitled"
                exercise_fence = match["fence"]
            elif exercise_fence and line.strip().startswith(":label:"):
                self.label = line.split(":label:", 1)[1].strip()
            elif exercise_fence and closes(line, exercise_fence):
                exercise_fence = None
            if name in ("solution-start", "solution") and self.region is None:
                self._flush(cell, kept)
                kept = []
                self._answer(match["arg"].strip() or self.label)
                if name == "solution-start":
                    self.region, self.stubbed = match["arg"].strip() or self.label, False
                skip_to = (match["fence"], name)
            elif name == "solution-end":
                if self.region is None:
                    raise ValueError(f"{self.name}: solution-end without a solution-start")
                skip_to = (match["fence"], name)
            elif name and name.startswith("solution"):
                raise ValueError(f"{self.name}: {name} inside the solution of {self.region}")
            elif self.region is None:
                kept.append(line)
        if skip_to is not None and skip_to[1] != "solution-start":
            raise ValueError(f"{self.name}: a {skip_to[1]} directive is not closed in its cell")
        self._flush(cell, kept)

    def code(self, cell) -> None:
        if self.region is not None or "solution" in cell.metadata.get("tags", []):
            if self.region is None or not self.stubbed:
                self._stub(cell, self.region or self.label)
                self.stubbed = self.region is not None
            return
        cell = copy.deepcopy(cell)
        if self.after_solution:
            cell.outputs, cell.execution_count = [], None
        self.cells.append(cell)

    def raw(self, cell) -> None:
        if self.region is None:
            self.cells.append(copy.deepcopy(cell))

    def _flush(self, cell, lines: list[str]) -> None:
        text = "\n".join(lines).strip("\n")
        if not text.strip():
            return
        new = nbformat.v4.new_markdown_cell(text, metadata=copy.deepcopy(cell.metadata))
        new.id = cell.get("id", FRESH)
        attachments = {k: v for k, v in cell.get("attachments", {}).items() if k in text}
        if attachments:
            new.attachments = copy.deepcopy(attachments)
        self.cells.append(new)

    def _answer(self, label: str) -> None:
        text = f"**Your answer to exercise {label}.** _Write your explanation here._"
        self.cells.append(
            nbformat.v4.new_markdown_cell(text, metadata={"tags": ["answer"]}, id=FRESH)
        )
        self.after_solution = True

    def _stub(self, cell, label: str | None) -> None:
        label = label or "(unlabelled)"
        hint = cell.metadata.get("hint") or GENERIC_HINT.format(label=label, title=self.title)
        if label in self.checks and self.checks[label] not in hint:
            hint += CHECK_HINT.format(check=self.checks[label])
        source = f"# Exercise {label}: your code here.\nraise NotImplementedError({hint!r})"
        self.cells.append(
            nbformat.v4.new_code_cell(source, metadata={"tags": STUB_TAGS[:]}, id=FRESH)
        )
        self.after_solution = True


def student_notebook(nb, name: str = "notebook", checks: dict[str, str] | None = None):
    """The student edition of the notebook ``nb`` (an nbformat v4 node); ``nb`` is not changed.

    ``checks`` maps exercise labels to the ``dlopt.check`` function that tests them; the
    stub's hint names it.
    """
    editor = _Editor(name, checks or {})
    for cell in nb.cells:
        getattr(editor, cell.cell_type)(cell)
    if editor.region is not None:
        raise ValueError(f"{name}: the solution of {editor.region} has no solution-end")
    out = copy.deepcopy(nb)
    out.cells = editor.cells
    out.metadata.pop("widgets", None)
    seen = set()
    for i, cell in enumerate(out.cells):  # new and split cells get stable, unique ids
        if cell.get("id", FRESH) == FRESH or cell.id in seen:
            cell.id = f"student-{i}"
        seen.add(cell.id)
    nbformat.validate(out)
    return out


def notebooks(book: pathlib.Path) -> list[pathlib.Path]:
    """Every notebook of the book, outside build and checkpoint folders."""
    skip = {"_build", ".ipynb_checkpoints"}
    return sorted(p for p in book.rglob("*.ipynb") if not skip & set(p.parts))


def checks_of(page: pathlib.Path) -> dict[str, str]:
    """Exercise label -> dlopt.check function, from the table of the instructor page."""
    return dict(TABLE_ROW.findall(page.read_text())) if page.exists() else {}


def checks_for(book: pathlib.Path) -> dict[str, str]:
    """:func:`checks_of` the instructor page of ``book``, or of the book that ``book`` is a
    folder of (``--book book/part3`` reads ``book/instructors.md``)."""
    for folder in [book, *pathlib.Path(book).resolve().parents]:
        if (folder / "instructors.md").exists():
            return checks_of(folder / "instructors.md")
    return {}


def build(book: pathlib.Path, out: pathlib.Path) -> list[pathlib.Path]:
    """Write the student edition of every notebook under ``book`` to the same path under ``out``."""
    written, checks = [], checks_for(book)
    for path in notebooks(book):
        target = out / path.relative_to(book)
        target.parent.mkdir(parents=True, exist_ok=True)
        nb = nbformat.read(path, as_version=4)
        nbformat.write(student_notebook(nb, str(path), checks), target)
        written.append(target)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--book", type=pathlib.Path, default=pathlib.Path("book"))
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("student"))
    args = parser.parse_args(argv)
    for target in build(args.book, args.out):
        nb = nbformat.read(target, as_version=4)
        stubs = sum("exercise-stub" in c.metadata.get("tags", []) for c in nb.cells)
        answers = sum("answer" in c.metadata.get("tags", []) for c in nb.cells)
        print(f"{target}: {answers} exercises, {stubs} code stubs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
