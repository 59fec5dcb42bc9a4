"""The learner's working copy of the notebooks, which ``make lab`` opens in JupyterLab.

JupyterLab rewrites a notebook as soon as it is opened (kernel display name, widget
state) and autosaves every edit, so a learner working in ``book/`` would dirty the
tracked files, whose stored outputs are the book's regression tests. ``make lab``
opens a copy instead: ``lab/`` (git-ignored), with the same layout as ``book/``.

- ``--edition book`` copies the notebooks as they are, solutions included;
  ``--edition student`` writes the student edition (solutions replaced by stubs,
  ``tools/student_edition.py``), for working the exercises.
- A notebook already in the copy is kept as the learner left it; delete it (or the
  folder) to get a fresh one.
- What only the built book resolves is resolved here, from the notebook itself, so that
  JupyterLab (with jupyterlab-myst) shows text a learner can read: each
  ``{glue:text}`name``` becomes the text the notebook's cell glued (as stored), each
  figure gets a caption cell below it (**Figure k.** and the caption of its ``mystnb``
  metadata), and ``{numref}`name``` becomes "Figure k".
- An explorer's stored output keeps only its text, which says to run the notebook first
  (``dlopt.widgets.NOT_RUNNING``); the saved widget state is dropped. JupyterLab would
  otherwise show "Error displaying widget" or restore sliders that move nothing.
- Every notebook written is signed as trusted (``nbformat.sign``): JupyterLab runs the
  scripts of trusted outputs only, and the static slider figures are such scripts.

Binder opens the notebooks of its own disposable clone: ``binder/start`` turns them into
such a copy in place (``--out book --replace``) when the container starts.

Usage: ``python tools/working_copy.py [--edition book|student] [--book book] [--out lab]
[--replace]``.
"""

from __future__ import annotations

import argparse
import ast
import pathlib
import re
import sys

import nbformat
from nbformat.sign import NotebookNotary

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import student_edition

EDITIONS = ("book", "student")
GLUE = re.compile(r"\{glue:text\}`([^`]+)`")
NUMREF = re.compile(r"\{numref\}`([^`]+)`")
WIDGET = "application/vnd.jupyter.widget-view+json"
RECORD = "application/papermill.record/text/plain"


def glued(nb) -> dict[str, str]:
    """Name -> text of every value the notebook's stored outputs glue (myst-nb's records)."""
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name and RECORD in output.get("data", {}):
                values[name] = str(ast.literal_eval(output["data"][RECORD]))
    return values


def live_notebook(nb, values: dict[str, str]):
    """``nb`` as JupyterLab can show it: glue resolved from ``values``, figure references
    resolved, each figure captioned in a cell below it, explorers' outputs reduced to their
    run-first text."""
    numbers, cells = {}, []
    for cell in nb.cells:
        cells.append(cell)
        figure = cell.metadata.get("mystnb", {}).get("figure")
        if cell.cell_type == "code" and figure:
            numbers[figure["name"]] = len(numbers) + 1
            caption = f"**Figure {len(numbers)}.** {figure.get('caption', '')}"
            cells.append(nbformat.v4.new_markdown_cell(caption, metadata={"tags": ["caption"]}))
        if "live-widget" in cell.metadata.get("tags", []):
            for output in cell.get("outputs", []):
                output.get("data", {}).pop(WIDGET, None)
    for cell in cells:
        if cell.cell_type == "markdown":
            text = GLUE.sub(lambda m: values.get(m[1], m[0]), cell.source)
            cell.source = NUMREF.sub(lambda m: _figure(numbers, m[1]), text)
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    return nb


def _figure(numbers: dict[str, int], name: str) -> str:
    return f"Figure {numbers[name]}" if name in numbers else f"{{numref}}`{name}`"


def build(
    book, out, edition="book", notary: NotebookNotary | None = None, replace=False
) -> list[pathlib.Path]:
    """Write each notebook of the folder ``book`` missing from the folder ``out`` there (every
    one if ``replace``), trusted by ``notary`` (the user's Jupyter trust database by default);
    return those written."""
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}, got edition={edition!r}")
    checks = student_edition.checks_of(book / "instructors.md")
    notary, written = notary or NotebookNotary(), []
    for path in student_edition.notebooks(book):
        target = out / path.relative_to(book)
        if target.exists() and not replace:
            continue
        nb = nbformat.read(path, as_version=4)
        values = glued(nb)  # the student edition drops the outputs after its first exercise
        if edition == "student":
            nb = student_edition.student_notebook(nb, str(path), checks)
        nb = live_notebook(nb, values)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        notary.sign(nb)
        written.append(target)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--edition", choices=EDITIONS, default="book")
    parser.add_argument("--book", type=pathlib.Path, default=pathlib.Path("book"))
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("lab"))
    parser.add_argument(
        "--replace", action="store_true",
        help="rewrite notebooks already there (binder/start, on Binder's disposable clone)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    written = build(args.book, args.out, args.edition, replace=args.replace)
    kept = len(student_edition.notebooks(args.out)) - len(written)
    print(f"{args.out}/: {len(written)} notebooks written ({args.edition} edition), {kept} kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
