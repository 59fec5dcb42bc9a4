"""What only the built book resolves, resolved inside a notebook, for reading it in JupyterLab.

jupyterlab-myst renders the book's MyST, but a few things only Sphinx and myst-nb know: the
glued numbers, the figure numbers and captions, the code a chapter includes from ``dlopt``
(``literalinclude`` with ``:pyobject:``) and the citations. :func:`live_notebook` writes
them into the notebook's text the way the built book shows them:

- ``{glue:text}`name``` → the text the notebook's own cell glued (its stored output);
- each figure cell → followed by a caption cell, "**Fig. 11.2.** caption", numbered like the
  book (chapter number from ``_toc.yml``), and ``{numref}`name``` → "Fig. 11.2";
- ``{literalinclude} path`` with ``:pyobject: Class.method`` → a Python code block with that
  source, read from the file (so the copy shows the code even outside the repository);
- ``{cite:p}`a,b``` → "[Polyak, 1964, Goodfellow et al., 2016]" and ``{cite:t}`key``` →
  "Goodfellow et al. [2016]", from ``references.bib`` (pybtex, which sphinxcontrib-bibtex
  uses too);
- an explorer's stored output keeps only its text, which says to run the notebook first
  (``dlopt.interactive.NOT_RUNNING``); the saved widget state is dropped. JupyterLab would
  otherwise show "Error displaying widget" or restore sliders that move nothing.

A reference to something outside the notebook that cannot be resolved is left as written.
"""

from __future__ import annotations

import ast
import pathlib
import re

import nbformat
import yaml
from pybtex.database import parse_file

GLUE = re.compile(r"\{glue:text\}`([^`]+)`")
NUMREF = re.compile(r"\{numref\}`([^`]+)`")
CITE = re.compile(r"\{cite:([pt])\}`([^`]+)`")
INCLUDE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{literalinclude\}\s*(?P<path>\S+)\n(?P<options>(?::[^\n]*\n)*)"
    r"(?P=fence)[ \t]*$",
    re.MULTILINE,
)
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


def chapter_numbers(toc: pathlib.Path) -> dict[pathlib.Path, int]:
    """Source file (without suffix) -> chapter number, counting the chapters of the numbered
    parts of ``_toc.yml`` in order, as Jupyter Book numbers them."""
    parts = yaml.safe_load(toc.read_text()).get("parts", [])
    files = [c["file"] for p in parts if p.get("numbered") for c in p.get("chapters", [])]
    return {(toc.parent / f).resolve(): n for n, f in enumerate(files, start=1)}


def bibliography(bib: pathlib.Path) -> dict[str, tuple[str, str]]:
    """Citation key -> (authors as the book cites them, year)."""
    entries = {}
    for key, entry in parse_file(str(bib)).entries.items():
        names = [" ".join(p.last_names) for p in entry.persons.get("author", [])]
        authors = (
            names[0] if len(names) == 1
            else " and ".join(names) if len(names) == 2
            else f"{names[0]} et al."
        )  # fmt: skip
        entries[key] = (authors, entry.fields.get("year", "n.d."))
    return entries


def include(match: re.Match, folder: pathlib.Path) -> str:
    """The source a ``literalinclude`` with ``:pyobject:`` shows, as a Python code block."""
    options = dict(re.findall(r"^:([a-z-]+):\s*(.*)$", match["options"], re.MULTILINE))
    path, name = folder / match["path"], options.get("pyobject")
    if not name or not path.exists():
        return match[0]
    source = path.read_text()
    node = ast.parse(source)
    for part in name.split("."):
        found = [n for n in getattr(node, "body", []) if getattr(n, "name", None) == part]
        if not found:
            return match[0]
        node = found[0]
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    lines = source.splitlines()[first - 1 : node.end_lineno]
    return "```python\n" + "\n".join(lines) + "\n```"


def cite(match: re.Match, entries: dict[str, tuple[str, str]]) -> str:
    keys = [k.strip() for k in match[2].split(",")]
    if not all(k in entries for k in keys):
        return match[0]
    if match[1] == "t":
        return ", ".join(f"{entries[k][0]} [{entries[k][1]}]" for k in keys)
    return "[" + ", ".join(f"{entries[k][0]}, {entries[k][1]}" for k in keys) + "]"


def live_notebook(nb, *, values, folder, chapter=None, entries=None):
    """``nb`` with the book's references resolved (see the module): glue from ``values``,
    includes relative to ``folder`` (the notebook's folder in the book), figures numbered
    ``chapter``.k (just k without a chapter), citations from ``entries``."""
    numbers, cells = {}, []
    for cell in nb.cells:
        cells.append(cell)
        figure = cell.metadata.get("mystnb", {}).get("figure")
        if cell.cell_type == "code" and figure:
            label = f"{chapter}.{len(numbers) + 1}" if chapter else f"{len(numbers) + 1}"
            numbers[figure["name"]] = f"Fig. {label}"
            caption = f"**Fig. {label}.** {figure.get('caption', '')}"
            cells.append(nbformat.v4.new_markdown_cell(caption, metadata={"tags": ["caption"]}))
        if "live-widget" in cell.metadata.get("tags", []):
            for output in cell.get("outputs", []):
                output.get("data", {}).pop(WIDGET, None)
    for cell in cells:
        if cell.cell_type == "markdown":
            text = GLUE.sub(lambda m: values.get(m[1], m[0]), cell.source)
            text = NUMREF.sub(lambda m: numbers.get(m[1], m[0]), text)
            text = INCLUDE.sub(lambda m: include(m, folder), text)
            cell.source = CITE.sub(lambda m: cite(m, entries or {}), text)
    nb.cells = cells
    return nb
