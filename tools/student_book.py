"""The student book: the HTML book without solutions, and the student notebooks it links to.

The instructor book (``make book``) hides each solution in a dropdown, but the page still
holds it (printing shows it), its download button serves the source notebook with the
solution, and its Binder and Colab buttons open ``book/...ipynb`` of the main branch. The
student book is built from a generated source tree whose notebooks are the student edition
(``tools/student_edition.py``), so no solution reaches the build at all:

- ``source`` writes the tree (``_build/student-source`` for ``make student-book``): the
  repository's book, package, ``binder/`` and ``tools/`` (what Binder needs to start), with
  every notebook of ``book/`` replaced by its student edition and ``_config.yml`` pointed at
  the place the student notebooks are published: the ``repository: url:`` given (default:
  the book's own, from ``tools/repository.py``) and its branch ``student``. The tree's own
  ``book/`` is that branch's ``book/``: the download button (the build's ``_sources``) and the
  launch buttons serve the same notebooks.
- ``build`` builds the tree's HTML with warnings as errors into ``--html``
  (``_build/student-html``; the instructor book's ``_build/html`` is not touched).
- ``branch`` commits the tree to the local branch ``student`` without touching the working
  copy (a history of its own, with no commit of the main branch in it, so that it can be
  pushed to a separate repository); publish it with ``git push <remote> student``.
- ``archive`` zips a folder of notebooks (``make student-archive`` zips ``student/``, the
  hand-out ``make student`` writes) into ``_build/student-notebooks.zip``.

sphinx-exercise's own ``hide_solutions: true`` is not used: it crashes on gated solutions
(README.md, "Why not sphinx-exercise's hide_solutions"), and it would leave their prose and
code on the page anyway.

Usage: ``python tools/student_book.py source|build|branch|archive ...`` (``--help`` for each).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import repository
import student_edition

ROOT = repository.ROOT
BRANCH = "student"
TITLE = " (student edition)"
ANNOUNCEMENT = "Student edition: the exercises without their solutions."
# What the tree holds besides book/: the build's configuration, the package (the API page
# and the literalinclude directives read it; Binder installs it), and what Binder runs.
FILES = [
    *["_config.yml", "_toc.yml", "pyproject.toml", "requirements.txt", "README.md"],
    *["LICENSE", "CITATION.cff"],
]
FOLDERS = ["dlopt", "binder", "tools"]
SKIP = shutil.ignore_patterns("_build", "__pycache__", ".ipynb_checkpoints", "*.egg-info")


def config(text: str, url: str, branch: str = BRANCH) -> str:
    """The student book's _config.yml, from the instructor book's ``text``: the repository
    (hence the launch buttons) at ``url`` and ``branch``, and a title and banner that say
    which edition this is."""
    if not repository.GITHUB.match(url):
        raise ValueError(f"url must look like https://github.com/OWNER/REPO, got {url!r}")
    settings = yaml.safe_load(text)
    settings["title"] += TITLE
    settings["repository"].update(url=url, branch=branch)
    settings.setdefault("html", {})["announcement"] = ANNOUNCEMENT
    return yaml.safe_dump(settings, sort_keys=False, allow_unicode=True)


def source(out: pathlib.Path, url: str | None = None, root: pathlib.Path = ROOT) -> pathlib.Path:
    """Write the student book's source tree into ``out`` (replaced if it exists)."""
    out = pathlib.Path(out)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(root / "book", out / "book", ignore=shutil.ignore_patterns("*.ipynb", "_build"))
    for folder in FOLDERS:
        shutil.copytree(root / folder, out / folder, ignore=SKIP)
    for name in FILES:
        shutil.copy2(root / name, out / name)
    student_edition.build(root / "book", out / "book")
    text = (root / "_config.yml").read_text()
    (out / "_config.yml").write_text(config(text, url or repository.repository_url()))
    return out


def build(tree: pathlib.Path, html: pathlib.Path) -> pathlib.Path:
    """Build the tree's HTML with warnings as errors and put it in ``html`` (replaced)."""
    tree, html = pathlib.Path(tree).resolve(), pathlib.Path(html).resolve()
    jupyter_book = pathlib.Path(sys.executable).parent / "jupyter-book"
    with tempfile.TemporaryDirectory() as work:
        command = [str(jupyter_book), "build", str(tree), "--path-output", work]
        subprocess.run([*command, "--warningiserror", "--keep-going", "--quiet"], check=True)
        if html.exists():
            shutil.rmtree(html)
        html.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(pathlib.Path(work) / "_build" / "html", html)
    return html


def branch(tree: pathlib.Path, name: str = BRANCH, repo: pathlib.Path = ROOT) -> str:
    """Commit ``tree`` to the branch ``name`` of the git repository at ``repo``, on top of that
    branch if it exists (else as a root commit), leaving the working copy and index alone;
    return the commit."""

    def git(*args, env=None) -> str:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], env=env, check=True, capture_output=True, text=True
        )
        return done.stdout.strip()

    with tempfile.TemporaryDirectory() as work:
        env = {**os.environ, "GIT_INDEX_FILE": str(pathlib.Path(work) / "index")}
        git(f"--work-tree={pathlib.Path(tree).resolve()}", "add", "--all", "--force", ".", env=env)
        tree_id = git("write-tree", env=env)
    parent = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"refs/heads/{name}"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    if parent and git("rev-parse", f"{parent}^{{tree}}") == tree_id:
        return parent
    source_commit = git("rev-parse", "--short", "HEAD")
    message = f"Student edition of the book at {source_commit} (tools/student_book.py)"
    commit = git("commit-tree", tree_id, *(["-p", parent] if parent else []), "-m", message)
    git("update-ref", f"refs/heads/{name}", commit)
    return commit


def archive(folder: pathlib.Path, out: pathlib.Path) -> pathlib.Path:
    """Zip ``folder`` (a folder of notebooks; one without any is an error) into ``out``
    (``.zip``), its files under a folder of the same name."""
    folder, out = pathlib.Path(folder).resolve(), pathlib.Path(out).resolve()
    if not student_edition.notebooks(folder):
        raise FileNotFoundError(f"no notebook in {folder}: run `make student` first")
    out.parent.mkdir(parents=True, exist_ok=True)
    base = str(out.with_suffix(""))
    return pathlib.Path(shutil.make_archive(base, "zip", folder.parent, folder.name))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    tree = pathlib.Path("_build/student-source")
    make = commands.add_parser("source", help="write the source tree of the student book")
    make.add_argument("--out", type=pathlib.Path, default=tree)
    make.add_argument("--repository", help="where the student notebooks are published")
    html = commands.add_parser("build", help="build the tree's HTML (warnings are errors)")
    html.add_argument("--source", type=pathlib.Path, default=tree)
    html.add_argument("--html", type=pathlib.Path, default=pathlib.Path("_build/student-html"))
    git = commands.add_parser("branch", help=f"commit the tree to the branch {BRANCH}")
    git.add_argument("--source", type=pathlib.Path, default=tree)
    git.add_argument("--name", default=BRANCH)
    zipped = commands.add_parser("archive", help="zip a folder of student notebooks")
    zipped.add_argument("--folder", type=pathlib.Path, default=pathlib.Path("student"))
    zipped.add_argument(
        "--out", type=pathlib.Path, default=pathlib.Path("_build/student-notebooks.zip")
    )
    args = parser.parse_args(argv)
    if args.command == "source":
        out = source(args.out, args.repository)
        print(f"{out}/: the student book's source, its notebooks the student edition")
    elif args.command == "build":
        print(f"The student book is in {build(args.source, args.html)}")
    elif args.command == "branch":
        commit = branch(args.source, args.name)
        print(f"branch {args.name} is at {commit}; publish it: git push <remote> {args.name}")
    else:
        print(f"{archive(args.folder, args.out)}: the student notebooks of {args.folder}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
