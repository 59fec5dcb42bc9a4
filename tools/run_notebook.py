"""Run a notebook to the end and print where its kernel imported dlopt from.

Usage::

    python tools/run_notebook.py CHAPTER.ipynb

The notebook is read, a last code cell ``import dlopt; print('DLOPT', dlopt.__file__)`` is
appended (the file itself is not changed), and nbclient executes it with the ``python3``
kernel of the interpreter running this script, in the current directory; then the text that
cell printed is printed: ``DLOPT /path/to/dlopt/__init__.py``.

tests/launch/test_launch_paths.py runs it with the interpreter of a fresh virtual environment
(one with the built wheel installed, one set up as Colab is), to prove that a chapter runs
there and imports that environment's dlopt, not the repository's. So it needs only nbformat
and nbclient, and imports nothing from the repository.
"""

from __future__ import annotations

import sys

import nbformat
from nbclient import NotebookClient

PROBE = "import dlopt; print('DLOPT', dlopt.__file__)"


def run(path: str) -> str:
    """Execute the notebook at ``path`` with the probe cell appended; return what it printed."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    here = {"metadata": {"path": "."}}
    client = NotebookClient(nb, kernel_name="python3", timeout=300, resources=here)
    client.execute()
    return "".join(o.get("text", "") for o in nb.cells[-1].outputs)


if __name__ == "__main__":
    print(run(sys.argv[1]))
