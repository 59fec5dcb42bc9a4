"""The student book (tools/student_book.py, `make student-book`): no way from it to a solution.

One build per test session (about a minute), from a source tree pointed at a made-up
repository, so that a launch link that still leads to the book's own repository fails. The
solutions are found in the book's notebooks by test_student_edition.py's own reading of the
markers (``solutions``), not by the tool that removes them; a page shows a line as text
without its Markdown markup, so lines are compared without spaces and punctuation.
"""

from __future__ import annotations

import html
import html.parser
import json
import pathlib
import re
import subprocess
import sys
import zipfile

import pytest
from test_student_edition import IDS, NOTEBOOKS, ROOT, leaked, lines, solutions

sys.path.insert(0, str(ROOT / "tools"))
import student_book

# With the student notebooks (their group sorts first in conftest.py): one long work unit.
pytestmark = pytest.mark.xdist_group("student:book")

PUBLISHED = "https://github.com/course-example/dlopt-student"
SQUEEZED = 20
LAUNCH = re.compile(r"^https://(mybinder\.org|colab\.research\.google\.com)/")


class Page(html.parser.HTMLParser):
    """The text of an HTML page (scripts and styles left out), its links and its classes."""

    def __init__(self, page: pathlib.Path | str):
        super().__init__()
        self.parts, self.links, self.classes, self._skip = [], [], set(), 0
        self.feed(page.read_text() if isinstance(page, pathlib.Path) else page)
        self.text = "".join(self.parts)  # a highlighted code line comes in many parts

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.classes.update((attrs.get("class") or "").split())
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


@pytest.fixture(scope="session")
def book(tmp_path_factory):
    """The student book's source tree and its HTML, built once."""
    work = tmp_path_factory.mktemp("student-book")
    tree = student_book.source(work / "source", PUBLISHED)
    return tree, student_book.build(tree, work / "html")


@pytest.fixture(scope="session")
def pages(book):
    return {path: Page(path) for path in sorted(book[1].rglob("*.html"))}


def chapter_page(html_root: pathlib.Path, name: str) -> pathlib.Path:
    return html_root / "book" / pathlib.Path(name).with_suffix(".html")


def squeezed(strings) -> set[str]:
    """The strings without spaces and punctuation: a line as its page shows it (no Markdown
    markup, math typeset, code highlighted) squeezes as its source line does."""
    return {re.sub(r"\W+", "", s) for s in strings}


@pytest.fixture(scope="session")
def known():
    """(secrets, public): every solution line of the book, squeezed, of at least SQUEEZED
    characters (shorter ones, such as ``init.init_network(``, are also said in the prose), and
    what any page may show: the other lines of the notebooks, the Markdown pages and the
    ``dlopt`` sources (the pages include code and docstrings from them)."""
    secrets, public = set(), set()
    for path in NOTEBOOKS:
        hidden, shown = solutions(path)
        secrets, public = secrets | hidden, public | shown
    for path in [*(ROOT / "book").rglob("*.md"), *(ROOT / "dlopt").rglob("*.py")]:
        public |= lines(path.read_text())
    return {s for s in squeezed(secrets) if len(s) >= SQUEEZED}, squeezed(public)


def on_page(known, text: str) -> list[str]:
    """The solution lines that a line of the page's ``text`` shows."""
    secrets, public = known
    return leaked(secrets, public, sorted(squeezed(lines(text))))


def test_no_line_of_a_solution_is_on_any_page(known, pages):
    assert len(known[0]) > 1000, "the leak test found too few solution lines to look for"
    found = {path.name: on_page(known, page.text) for path, page in pages.items()}
    assert not any(found.values()), {name: hits for name, hits in found.items() if hits}


def test_the_page_check_finds_a_planted_solution_line(known):
    secrets, public = known
    lines_ = sorted(solutions(ROOT / "book" / "part3" / "momentum.ipynb")[0])
    # a code line, which the page shows highlighted, in pieces
    line = next(s for s in lines_ if s.startswith("theta") and squeezed([s]) <= secrets - public)
    page = Page(f"<p>Some text</p><pre><span>{line[:9]}</span>{html.escape(line[9:])}</pre>")
    assert on_page(known, page.text) == sorted(squeezed([line]))


def test_no_page_has_a_solution_element_and_every_chapter_keeps_its_exercises(book, pages):
    for path, page in pages.items():
        assert not [c for c in page.classes if "solution" in c], f"{path.name}: a solution"
        assert "{solution" not in page.text, f"{path.name}: a raw solution directive"
    for path, name in zip(NOTEBOOKS, IDS, strict=True):
        if "{exercise" in path.read_text():
            page = pages[chapter_page(book[1], name)]
            assert "exercise" in page.classes, f"{name}: no exercise on the page"
            assert "Your answer to exercise" in page.text, f"{name}: no answer cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_download_and_launch_links_lead_to_the_published_student_notebook(book, pages, path):
    tree, html_root = book
    name = str(path.relative_to(ROOT / "book"))
    page_path = chapter_page(html_root, name)
    links = pages[page_path].links
    secrets, public = solutions(path)
    downloads = [link for link in links if link.endswith(".ipynb") and "://" not in link]
    assert downloads, f"{name}: no download link"
    for link in downloads:
        served = (page_path.parent / link).resolve()
        notebook = json.loads(served.read_text())
        assert not leaked(secrets, public, notebook), f"{name}: {link} holds solutions"
        assert served.read_bytes() == (tree / "book" / name).read_bytes()
    slug, notebook = PUBLISHED.removeprefix("https://github.com/"), f"book/{name}"
    wanted = {
        f"https://mybinder.org/v2/gh/{slug}/{student_book.BRANCH}?urlpath=lab/tree/{notebook}",
        f"https://colab.research.google.com/github/{slug}/blob/{student_book.BRANCH}/{notebook}",
    }
    launches = {link for link in links if LAUNCH.match(link)}
    assert launches == wanted, f"{name}: launch links {launches - wanted} lead elsewhere"
    # what the launch links open is what `make student-branch` commits: the tree's notebook
    assert not leaked(secrets, public, json.loads((tree / notebook).read_text()))


def test_the_tree_points_the_book_at_the_published_notebooks(book):
    tree, _ = book
    config = (tree / "_config.yml").read_text()
    assert f"url: {PUBLISHED}" in config and f"branch: {student_book.BRANCH}" in config
    assert "(student edition)" in config
    with pytest.raises(ValueError, match="OWNER/REPO"):
        student_book.config(config, "not a repository")


def test_the_branch_holds_the_tree_alone_and_the_archive_the_notebooks(book, tmp_path, monkeypatch):
    tree, _ = book
    repo = tmp_path / "repo"
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "--quiet", str(repo)], check=True)
    (repo / "main.txt").write_text("the main branch, with solutions\n")
    subprocess.run([*git, "add", "main.txt"], check=True)
    subprocess.run([*git, "commit", "--quiet", "-m", "main"], check=True)
    for variable in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{variable}_NAME", "t")
        monkeypatch.setenv(f"GIT_{variable}_EMAIL", "t@example.org")
    commit = student_book.branch(tree, repo=repo)
    assert student_book.branch(tree, repo=repo) == commit  # nothing new: no new commit

    def show(*args):
        return subprocess.run([*git, *args], check=True, capture_output=True).stdout

    assert show("rev-list", "student").split() == [commit.encode()]  # no commit of main
    assert (
        show("show", "student:book/part3/momentum.ipynb")
        == (tree / "book" / "part3" / "momentum.ipynb").read_bytes()
    )
    assert show("status", "--porcelain") == b"" and (repo / "main.txt").exists()
    zipped = student_book.archive(tree / "book" / "part1", tmp_path / "out" / "notes.zip")
    names = zipfile.ZipFile(zipped).namelist()
    assert "part1/minibatches.ipynb" in names and zipped.name == "notes.zip"
