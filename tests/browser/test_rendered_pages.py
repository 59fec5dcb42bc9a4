"""The book as a reader meets it: every built page opened in headless Chromium.

Each page is visited once (the ``visits`` fixture) with every request to another host
blocked and recorded, so a page that needs the network to be read fails here. The tests
then check the visits: local requests all succeed, math is typeset, images load,
internal links and their anchors resolve, slider figures move, live-widget cells carry
a launch note instead of an empty box, chapters open with their learning goals.
"""

from __future__ import annotations

import html.parser
import pathlib
import re
import urllib.parse
import urllib.request

import yaml
from visiting import ROOT, built_pages, offenders


def test_pages_were_visited(visits, html_dir):
    assert {"book/intro.html", "book/references.html", "search.html"} <= visits.keys()
    redirects = {page: target for page, target in built_pages(html_dir).items() if target}
    assert all(
        (html_dir / page).parent.joinpath(target).resolve().relative_to(html_dir).as_posix()
        in visits
        for page, target in redirects.items()
    ), redirects


def test_no_failed_local_requests(visits):
    assert not offenders(visits, lambda v: v.failed_local)


def test_no_page_needs_another_host(visits):
    """Nothing is fetched from a CDN: MathJax and everything else come from the build."""
    assert not offenders(visits, lambda v: v.external)


def test_no_javascript_errors(visits):
    assert not offenders(visits, lambda v: v.js_errors)


def test_math_is_typeset(visits):
    assert not offenders(visits, lambda v: v.report["untypeset"] + v.report["rawTex"])
    assert any(v.report["hasMath"] for v in visits.values()), "no page has math to check"


def test_every_image_loads(visits):
    assert not offenders(visits, lambda v: v.report["brokenImages"])


class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        self.ids.update(value for name, value in attrs if name in {"id", "name"})


def test_internal_links_and_anchors_resolve(visits, server):
    targets: dict[str, set[str]] = {}
    for v in visits.values():
        for link in v.report["links"]:
            if link.startswith(server):
                url, _, fragment = link.partition("#")
                targets.setdefault(url, set()).add(urllib.parse.unquote(fragment))
    broken = []
    for url, fragments in sorted(targets.items()):
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                body = resp.read().decode("utf-8", "replace")
        except OSError as exc:
            broken.append(f"{url}: {exc}")
            continue
        if fragments - {""}:
            parser = _Ids()
            parser.feed(body)
            broken += [f"{url}#{f}" for f in sorted(fragments - {""} - parser.ids)]
    assert targets, "no internal link found"
    assert not broken


def test_every_slider_on_a_static_page_works(visits):
    """A range input must be a static slider figure (to_jshtml) whose frame changes."""
    assert not offenders(
        visits, lambda v: set(v.report["sliders"]) - set(v.report["animationSliders"])
    ), "a slider outside a static slider figure: it would be a dead control"
    assert not offenders(visits, lambda v: [m["id"] for m in v.sliders_moved if not m["changed"]])


def test_no_empty_widget_boxes(visits):
    assert not offenders(visits, lambda v: v.report["widgetViews"] or v.report["emptyOutputs"])
    assert not offenders(visits, lambda v: v.report["widgetState"]), "unused widget state shipped"
    assert not offenders(
        visits,
        lambda v: v.report["liveOutputs"] or v.report["liveNotes"] != v.report["liveCells"],
    ), "a live-widget cell without its launch note (with its Binder and Colab links)"


def test_notebook_pages_have_launch_buttons_to_their_notebook(visits):
    """Binder and Colab open this page's notebook, on the branch the repository publishes."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].removeprefix("https://github.com/")
    branch = config["repository"]["branch"]
    notebook_pages = [p for p in visits if (ROOT / p).with_suffix(".ipynb").exists()]
    assert notebook_pages, "no notebook page was built"
    for page in notebook_pages:
        notebook = pathlib.PurePosixPath(page).with_suffix(".ipynb")
        expected = {
            f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/{notebook}",
            f"https://colab.research.google.com/github/{repo}/blob/{branch}/{notebook}",
        }
        assert expected <= set(visits[page].report["launchLinks"]), page


def chapter_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [
        f"{chapter['file']}.html"
        for part in toc.get("parts", [])
        if part.get("numbered")
        for chapter in part["chapters"]
    ]


def test_chapters_are_numbered_in_the_sidebar(visits, server):
    sidebar = dict(visits["book/intro.html"].report["sidebar"])
    titles = {page: sidebar.get(f"{server}/{page}", "") for page in chapter_pages()}
    unnumbered = {page: title for page, title in titles.items() if not re.match(r"\d+\. ", title)}
    assert not unnumbered, "chapters of numbered parts must show their number in the sidebar"


def test_chapters_open_with_learning_goals(visits):
    chapters = chapter_pages()
    assert chapters, "no numbered part in _toc.yml"
    missing = [page for page in chapters if page not in visits]
    assert not missing, "chapters in _toc.yml without a built page"
    assert not [page for page in chapters if not visits[page].report["learningGoals"]], (
        "a chapter must start with a ':::{admonition} Learning goals' before its first section"
    )


def test_bibliography_is_on_one_page(visits):
    assert offenders(visits, lambda v: v.report["citations"]).keys() == {"book/references.html"}


def test_search_finds_a_chapter(browsing):
    hits = browsing[1]
    found = {urllib.parse.urlsplit(h).path.lstrip("/") for h in hits}
    assert found & set(chapter_pages()), hits
