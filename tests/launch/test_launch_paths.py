"""The ways a learner gets dlopt, proven on this machine: a wheel, and Colab's install cell.

Each test builds a fresh virtual environment (no repository on the path, nothing editable)
and executes a chapter notebook in it to the end. Run by ``make launch`` (which ``make test``
calls); they take about a minute. Binder's path needs no test of its own here: ``make setup``
builds .venv exactly as binder/ prescribes (its requirements, then its postBuild), and nbval
executes every notebook in it.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import tarfile
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "book" / "part3" / "conventions.ipynb"
# What Colab ships that matters here (plus nbclient, which runs the notebook like Jupyter).
# Colab's pip is recent; the pip a venv starts with (23.2) refuses the test's git+file:// URL.
COLAB = ["pip>=24", "numpy", "matplotlib", "ipywidgets", "ipykernel", "nbclient", "nbformat"]
RUN_NOTEBOOK = ROOT / "tools" / "run_notebook.py"  # run with the fresh venv's python


def run(*args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def clean_env():
    """The environment without anything that would find the repository's dlopt."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    return env


def fresh_venv(where, packages):
    run(sys.executable, "-m", "venv", str(where))
    python = where / "bin" / "python"
    run(str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *packages)
    return python


def execute(python, notebook, cwd):
    """Run ``notebook`` with the kernel of ``python``'s environment; return where dlopt was."""
    out = run(str(python), str(RUN_NOTEBOOK), str(notebook), cwd=cwd, env=clean_env())
    return out.split("DLOPT", 1)[1].strip()


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", str(out), str(ROOT))
    return out


def test_the_wheel_and_sdist_carry_the_digits_and_their_licences(dist):
    (wheel,) = dist.glob("dlopt-*.whl")
    (sdist,) = dist.glob("dlopt-*.tar.gz")
    in_wheel = zipfile.ZipFile(wheel).namelist()
    assert {"dlopt/datasets/digits.csv.gz", "dlopt/datasets/README.md"} <= set(in_wheel)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in in_wheel)
    in_sdist = {n.split("/", 1)[1] for n in tarfile.open(sdist).getnames() if "/" in n}
    assert {"LICENSE", "dlopt/datasets/digits.csv.gz", "dlopt/datasets/README.md"} <= in_sdist
    metadata = zipfile.ZipFile(wheel).read(next(n for n in in_wheel if n.endswith("METADATA")))
    assert b"License-Expression: MIT AND CC-BY-4.0" in metadata


def test_a_chapter_runs_against_the_installed_wheel(dist, tmp_path):
    (wheel,) = dist.glob("dlopt-*.whl")
    python = fresh_venv(tmp_path / "venv", [str(wheel), "ipykernel", "nbclient", "nbformat"])
    work = tmp_path / "work"
    work.mkdir()
    where = execute(python, CHAPTER, work)
    assert where.startswith(str(tmp_path / "venv")), where  # the installed copy, not the clone


def test_colabs_install_cell_installs_dlopt_and_the_chapter_runs(tmp_path):
    """Colab: only numpy, matplotlib, ipywidgets; the first cell installs dlopt from git."""
    python = fresh_venv(tmp_path / "venv", COLAB)
    probe = "import importlib.util as u; print(u.find_spec('dlopt'), u.find_spec('myst_nb'))"
    found = run(str(python), "-c", probe, env=clean_env(), cwd=tmp_path).split()
    assert found == ["None", "None"]
    notebook = json.loads(CHAPTER.read_text())
    install = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    source = "".join(install["source"])
    repository = next(w for w in source.split('"') if w.startswith("dlopt @ git+"))
    install["source"] = source.replace(repository, f"dlopt @ git+file://{ROOT}")
    work = tmp_path / "work"
    work.mkdir()
    (work / "chapter.ipynb").write_text(json.dumps(notebook))
    where = execute(python, work / "chapter.ipynb", work)
    assert where.startswith(str(tmp_path / "venv")), where
