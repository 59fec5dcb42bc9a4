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
- What only the built book resolves (glued numbers, figure numbers and captions, the code
  included from ``dlopt``, citations) is written into the notebook's text
  (``tools/live_text.py``), and an explorer's stored output says to run the notebook first.
- Every notebook written is signed as trusted (``nbformat.sign``): JupyterLab runs the
  scripts of trusted outputs only, and the static slider figures are such scripts.

Binder opens the notebooks of its own disposable clone: ``binder/start`` turns them into
such a copy in place (``--out book --replace``) when the container starts.

Usage: ``python tools/working_copy.py [--edition book|student] [--book book] [--out lab]
[--replace]``.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

import nbformat
from nbformat.sign import NotebookNotary

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import live_text
import student_edition

EDITIONS = ("book", "student")


def build(
    book, out, edition="book", notary: NotebookNotary | None = None, replace=False
) -> list[pathlib.Path]:
    """Write each notebook of the folder ``book`` missing from the folder ``out`` there (every
    one if ``replace``), trusted by ``notary`` (the user's Jupyter trust database by default);
    return those written."""
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}, got edition={edition!r}")
    book = pathlib.Path(book)
    checks = student_edition.checks_for(book)
    toc, bib = book.parent / "_toc.yml", book / "references.bib"
    chapters = live_text.chapter_numbers(toc) if toc.exists() else {}
    entries = live_text.bibliography(bib) if bib.exists() else {}
    notary, written = notary or NotebookNotary(), []
    for path in student_edition.notebooks(book):
        target = out / path.relative_to(book)
        if target.exists() and not replace:
            continue
        nb = nbformat.read(path, as_version=4)
        values = live_text.glued(nb)  # the student edition drops the outputs after exercise 1
        if edition == "student":
            nb = student_edition.student_notebook(nb, str(path), checks)
        chapter = chapters.get(path.with_suffix("").resolve())
        nb = live_text.live_notebook(
            nb, values=values, folder=path.parent, chapter=chapter, entries=entries
        )
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
