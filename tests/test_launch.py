"""Launch buttons that work: Colab's first cell and Binder's configuration.

Every notebook opens with the cell that makes it run on Colab.

Colab starts from a bare Python with numpy, matplotlib and ipywidgets but no
dlopt; Binder and a local clone already have it installed. So the first code
cell of every notebook in book/ is exactly INSTALL_CELL: it installs dlopt from
the repository when the import would fail and does nothing otherwise. Its tag
``remove-cell`` keeps it off the rendered page (the reader there needs no install).
``python tools/repository.py add-install-cells`` inserts the cell into notebooks that lack it
(then ``make refresh`` re-executes them so execution counts are 1..n again).
The repository's address lives in _config.yml only; tools/repository.py derives the rest.
Binder builds from binder/: the pinned requirements, Python 3.11, and dlopt from the clone.
"""

import importlib.util
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import repository  # noqa: E402

REPOSITORY = repository.repository_url()
INSTALL_CELL = repository.install_cell(REPOSITORY)
TAG = repository.TAG
NOTEBOOKS = repository.notebooks()


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


def test_every_place_that_names_the_repository_derives_from_the_config():
    """The README's install cell and CITATION.cff name the repository of _config.yml."""
    assert REPOSITORY.startswith("https://github.com/")
    assert install_line(REPOSITORY) in (ROOT / "README.md").read_text()
    citation = (ROOT / "CITATION.cff").read_text()
    assert f'repository-code: "{REPOSITORY}"' in citation
    assert f'url: "{repository.pages_url(REPOSITORY)}"' in citation


def install_line(url):
    return f'%pip install --quiet "dlopt @ git+{url}"'


def test_retarget_points_every_place_at_a_fork(tmp_path, monkeypatch):
    for name in ["_config.yml", "README.md", "CITATION.cff", "book/part3/conventions.ipynb"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    monkeypatch.setattr(repository, "ROOT", tmp_path)
    monkeypatch.setattr(repository, "CONFIG", tmp_path / "_config.yml")
    fork = "https://github.com/A-Teacher/dlopt-course"
    changed = repository.retarget(fork)
    assert "book/part3/conventions.ipynb" in changed
    assert repository.repository_url() == fork
    assert install_line(fork) in (tmp_path / "README.md").read_text()
    assert "https://a-teacher.github.io/dlopt-course/" in (tmp_path / "CITATION.cff").read_text()
    assert REPOSITORY not in (tmp_path / "CITATION.cff").read_text()
    first = json.loads((tmp_path / "book/part3/conventions.ipynb").read_text())["cells"]
    assert "".join(next(c for c in first if c["cell_type"] == "code")["source"]) == (
        repository.install_cell(fork)
    )
    with pytest.raises(ValueError, match="url must look like"):
        repository.retarget("git@github.com:A-Teacher/dlopt-course.git")


def test_binder_installs_the_pinned_stack_and_dlopt():
    binder = ROOT / "binder"
    assert "-r ../requirements.txt" in (binder / "requirements.txt").read_text().splitlines()
    assert (binder / "runtime.txt").read_text().strip() == "python-3.11"
    post_build = binder / "postBuild"
    assert post_build.stat().st_mode & 0o111, "binder/postBuild must be executable"
    assert "pip install --no-deps -e ." in post_build.read_text()


def test_the_test_venv_is_built_as_binder_builds_its_image():
    """make setup follows binder/ (its requirements, then postBuild), so nbval proves Binder."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("$(STAMP): ", 1)[1].split("\n\n", 1)[0]
    assert "-r binder/requirements.txt" in recipe
    assert "bash binder/postBuild" in recipe
    assert "-r requirements.txt" not in recipe.replace("binder/requirements.txt", "")


def test_binder_start_turns_its_clone_into_a_working_copy_then_starts_the_server(tmp_path):
    """binder/start (run by repo2docker as each container starts) makes book/ a live copy."""
    shutil.copytree(ROOT / "book", tmp_path / "book", ignore=shutil.ignore_patterns("_build"))
    shutil.copytree(ROOT / "tools", tmp_path / "tools")
    shutil.copy(ROOT / "_toc.yml", tmp_path / "_toc.yml")
    (tmp_path / "jupyter").mkdir()
    env = {
        **os.environ,
        "PATH": f"{pathlib.Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "JUPYTER_DATA_DIR": str(tmp_path / "jupyter"),
    }
    started = subprocess.run(
        ["bash", str(ROOT / "binder" / "start"), "echo", "server started"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert started.stdout.strip().endswith("server started")
    chapter = json.loads((tmp_path / "book" / "part3" / "momentum.ipynb").read_text())
    prose = "".join("".join(c["source"]) for c in chapter["cells"] if c["cell_type"] == "markdown")
    assert "{glue:text}" not in prose and "**Fig. 11.1.**" in prose
    assert "widgets" not in chapter["metadata"]
