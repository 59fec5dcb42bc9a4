"""Launch buttons that work: Colab's first cell and Binder's configuration.

Every notebook opens with the cell that makes it run on Colab.

Colab starts from a bare Python with numpy, matplotlib and ipywidgets but no
dlopt; Binder and a local clone already have it installed. So the first code
cell of every notebook in book/ is exactly INSTALL_CELL: it installs dlopt from
the repository when the import would fail and does nothing otherwise. Its tag
``remove-cell`` keeps it off the rendered page (the reader there needs no install).
``python tests/test_launch.py`` inserts the cell into notebooks that lack it
(then ``make refresh`` re-executes them so execution counts are 1..n again).
Binder builds from binder/: the pinned requirements, Python 3.11, and dlopt from the clone.
"""

import importlib.util
import json
import pathlib

import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = pathlib.Path(__file__).resolve().parents[1]
REPOSITORY = "https://github.com/dlopt-book/dlopt-book"
INSTALL_CELL = (
    "import importlib.util\n"
    "\n"
    'if importlib.util.find_spec("dlopt") is None:  # on Colab: install the book\'s package\n'
    f'    %pip install --quiet "dlopt @ git+{REPOSITORY}"'
)
TAG = "remove-cell"
NOTEBOOKS = sorted(
    p
    for p in (ROOT / "book").rglob("*.ipynb")
    if not {"_build", ".ipynb_checkpoints"} & set(p.parts)
)


def first_code_cell(path):
    cells = json.loads(path.read_text())["cells"]
    return next(c for c in cells if c["cell_type"] == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_first_code_cell_installs_dlopt_when_missing(path):
    cell = first_code_cell(path)
    expected = json.dumps({"metadata": {"tags": [TAG]}, "source": INSTALL_CELL})
    assert "".join(cell["source"]) == INSTALL_CELL, (
        f"{path.name}: the first code cell must be the install cell (README, "
        f"'Writing a chapter'); as notebook JSON: {expected}"
    )
    assert TAG in cell["metadata"].get("tags", []), f"{path.name}: tag the install cell {TAG!r}"


def run_install_cell(monkeypatch, dlopt_found):
    """Run the cell as IPython would, with a stand-in shell that records the %pip magic."""
    calls = []

    class Shell:
        def run_line_magic(self, name, line):
            calls.append((name, line))

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: real(name) if dlopt_found else None
    )
    code = TransformerManager().transform_cell(INSTALL_CELL)
    exec(compile(code, "<install cell>", "exec"), {"get_ipython": Shell})
    return calls


def test_install_cell_does_nothing_when_dlopt_is_present(monkeypatch):
    assert run_install_cell(monkeypatch, dlopt_found=True) == []


def test_install_cell_installs_from_the_repository_when_dlopt_is_missing(monkeypatch):
    assert run_install_cell(monkeypatch, dlopt_found=False) == [
        ("pip", f'install --quiet "dlopt @ git+{REPOSITORY}"')
    ]


def test_repository_is_the_one_the_launch_buttons_use():
    assert f"url: {REPOSITORY}" in (ROOT / "_config.yml").read_text()


def test_binder_installs_the_pinned_stack_and_dlopt():
    binder = ROOT / "binder"
    assert "-r ../requirements.txt" in (binder / "requirements.txt").read_text().splitlines()
    assert (binder / "runtime.txt").read_text().strip() == "python-3.11"
    post_build = binder / "postBuild"
    assert post_build.stat().st_mode & 0o111, "binder/postBuild must be executable"
    assert "pip install --no-deps -e ." in post_build.read_text()


def add_install_cell(path) -> bool:
    """Insert INSTALL_CELL first in the notebook at ``path`` unless it is there; True if added."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    if code and code[0].source == INSTALL_CELL:
        return False
    nb.cells.insert(0, nbformat.v4.new_code_cell(INSTALL_CELL, metadata={"tags": [TAG]}))
    nbformat.write(nb, path)
    return True


if __name__ == "__main__":
    for notebook in NOTEBOOKS:
        if add_install_cell(notebook):
            print(f"added the install cell to {notebook.relative_to(ROOT)}")
