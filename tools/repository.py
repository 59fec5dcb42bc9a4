"""The repository's address, kept in one place: the ``repository.url`` of _config.yml.

Everything else that names the repository derives from it: the launch buttons (Jupyter Book
reads _config.yml), the Colab install cell that opens every notebook, the install cell shown
in README.md, and CITATION.cff. tests/test_launch.py checks that they all agree.

Usage::

    python tools/repository.py retarget https://github.com/OWNER/REPO   # a fork
    python tools/repository.py add-install-cells                        # a new chapter

``retarget`` rewrites every derived place (no ``make refresh`` is needed: the install cell
prints nothing). ``add-install-cells`` puts the install cell first in each notebook that
lacks it (then ``make refresh``, so execution counts are 1..n again).
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONFIG = ROOT / "_config.yml"
TAG = "remove-cell"
URL_LINE = re.compile(r"^(  url: )(\S+)$", re.MULTILINE)
GITHUB = re.compile(r"^https://github\.com/(?P<owner>[\w.-]+)/(?P<name>[\w.-]+)$")


def notebooks():
    """Every chapter notebook of book/."""
    return sorted(
        p
        for p in (ROOT / "book").rglob("*.ipynb")
        if not {"_build", ".ipynb_checkpoints"} & set(p.parts)
    )


def repository_url() -> str:
    """The repository's address, as _config.yml gives it under ``repository: url:``."""
    block = CONFIG.read_text().split("\nrepository:\n", 1)[1]
    return URL_LINE.search(block)[2]


def install_cell(url: str) -> str:
    """The first code cell of every notebook: installs dlopt from ``url`` when it is missing."""
    return (
        "import importlib.util\n"
        "\n"
        'if importlib.util.find_spec("dlopt") is None:  # on Colab: install the book\'s package\n'
        f'    %pip install --quiet "dlopt @ git+{url}"'
    )


def pages_url(url: str) -> str:
    """Where GitHub Pages publishes the book of the repository at ``url``."""
    match = GITHUB.match(url)
    return f"https://{match['owner'].lower()}.github.io/{match['name']}/"


def _set_install_cell(path, url, *, add_missing) -> bool:
    """Make the first code cell of ``path`` the install cell for ``url``; True if it changed."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    wanted = install_cell(url)
    if code and code[0].source == wanted:
        return False
    if code and "importlib.util.find_spec" in code[0].source:
        code[0].source = wanted
    elif add_missing:
        cell = nbformat.v4.new_code_cell(wanted, metadata={"tags": [TAG]})
        notebook.cells.insert(0, cell)
    else:
        return False
    nbformat.write(notebook, path)
    return True


def retarget(url: str) -> list[str]:
    """Point every place that names the repository at ``url``; return the files changed."""
    if not GITHUB.match(url):
        raise ValueError(f"url must look like https://github.com/OWNER/REPO, got {url!r}")
    old = repository_url()
    changed = []
    config = CONFIG.read_text()
    head, block = config.split("\nrepository:\n", 1)
    CONFIG.write_text(head + "\nrepository:\n" + URL_LINE.sub(rf"\g<1>{url}", block, count=1))
    changed.append(CONFIG.name)
    for name, replacements in {
        "README.md": [(old, url)],
        "CITATION.cff": [(pages_url(old), pages_url(url)), (old, url)],
    }.items():
        path = ROOT / name
        text = path.read_text()
        for before, after in replacements:
            text = text.replace(before, after)
        path.write_text(text)
        changed.append(name)
    changed += [
        str(p.relative_to(ROOT))
        for p in notebooks()
        if _set_install_cell(p, url, add_missing=False)
    ]
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("retarget", help="point the book at a fork").add_argument("url")
    commands.add_parser("add-install-cells", help="insert the install cell where it is missing")
    args = parser.parse_args(argv)
    if args.command == "retarget":
        for name in retarget(args.url):
            print(f"updated {name}")
    else:
        url = repository_url()
        for path in notebooks():
            if _set_install_cell(path, url, add_missing=True):
                print(f"added the install cell to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
