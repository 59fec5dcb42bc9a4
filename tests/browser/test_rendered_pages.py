"""The book as a reader meets it: every built page opened in headless Chromium.

Each page is visited once (the ``visits`` fixture) with every request to another host
blocked and recorded, so a page that needs the network to be read fails here. The tests
then check the visits: local requests all succeed, math is typeset, images load,
internal links and their anchors resolve, slider figures move, live-widget cells carry
a launch note instead of an empty box, chapters open with their learning goals.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html.parser
import pathlib
import re
import time
import urllib.parse
import urllib.request

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "_build" / "screenshots"

# page -> whole page (True) or the first screen only (long pages take seconds to capture).
SCREENSHOT_PAGES = {
    "book/intro.html": True,
    "book/part2/ill-conditioning.html": True,
    "book/api.html": False,
    "book/references.html": False,
}

# Run in the page after load: waits for MathJax and images, then reports what a reader sees.
INSPECT = """async () => {
  const hasMath = document.querySelector('.math') !== null;
  if (hasMath) {
    const t0 = Date.now();
    const ready = () => window.MathJax && MathJax.startup && MathJax.startup.promise;
    while (!ready() && Date.now() - t0 < 10000)
      await new Promise(r => setTimeout(r, 50));
    if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  }
  const imgs = [...document.images];
  imgs.forEach(img => { img.loading = 'eager'; });
  await Promise.all(imgs.map(img => img.complete ? null :
    new Promise(r => { img.addEventListener('load', r); img.addEventListener('error', r); })));
  const article = document.querySelector('article') || document.body;
  const prose = article.cloneNode(true);
  prose.querySelectorAll('pre, code, script, style, mjx-container, textarea')
    .forEach(e => e.remove());
  const outputs = [...article.querySelectorAll('.cell_output')];
  const firstAdmonition = article.querySelector('.admonition .admonition-title');
  const firstH2 = article.querySelector('h2');
  const before = (a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
  const goals = firstAdmonition && firstAdmonition.textContent.trim() === 'Learning goals' &&
    (!firstH2 || before(firstAdmonition, firstH2));
  return {
    hasMath,
    untypeset: [...document.querySelectorAll('.math')].filter(
      e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 60)),
    rawTex: ['\\\\(', '\\\\[', '$$'].filter(s => prose.textContent.includes(s)),
    brokenImages: imgs.filter(img => !(img.naturalWidth > 0)).map(img => img.src),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    sliders: [...document.querySelectorAll('input[type=range]')].map(e => e.id),
    animationSliders: [...document.querySelectorAll('.animation input[type=range]')].map(e => e.id),
    widgetViews: document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]').length,
    widgetState: document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-state+json"]').length,
    emptyOutputs: outputs.filter(o => o.getBoundingClientRect().height < 2).length,
    liveCells: document.querySelectorAll('.tag_live-widget').length,
    liveNotes: [...document.querySelectorAll('.tag_live-widget .live-widget-note')]
      .filter(n => n.querySelectorAll('a[href^="https://"]').length >= 2).length,
    launchLinks: [...document.querySelectorAll(
      'a[href^="https://mybinder.org/"], a[href^="https://colab.research.google.com/"]')]
      .map(a => a.href),
    liveOutputs: document.querySelectorAll('.tag_live-widget .cell_output').length,
    learningGoals: Boolean(goals),
    sidebar: [...document.querySelectorAll('.bd-sidebar-primary nav a.reference.internal')]
      .map(a => [a.href, a.textContent.trim()]),
    citations: document.querySelectorAll('.citation').length,
  };
}"""

# Moves every animation slider of the page and reports whether the frame image changed.
MOVE_SLIDERS = """async () => {
  const results = [];
  for (const anim of document.querySelectorAll('.animation')) {
    const slider = anim.querySelector('input[type=range]');
    const img = anim.querySelector('img');
    const before = img.src;
    slider.value = String(Math.floor((Number(slider.max) + Number(slider.min)) / 2) || 1);
    slider.dispatchEvent(new Event('input', {bubbles: true}));
    slider.dispatchEvent(new Event('change', {bubbles: true}));
    await new Promise(r => setTimeout(r, 50));
    results.push({id: slider.id, changed: img.src !== before && img.src.length > 0});
  }
  return results;
}"""


@dataclasses.dataclass
class Visit:
    page: str
    seconds: float
    failed_local: list[str]
    external: list[str]
    js_errors: list[str]
    report: dict
    sliders_moved: list[dict]


REDIRECT = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.IGNORECASE)


def built_pages(html_dir) -> dict[str, str | None]:
    """Every HTML page of the book, mapped to its redirect target (index.html) or None."""
    skip = {"_static", "_sources", "_images", "jupyter_execute"}
    pages = {}
    for path in sorted(html_dir.rglob("*.html")):
        rel = path.relative_to(html_dir)
        if not skip & set(rel.parts):
            redirect = REDIRECT.search(path.read_text(errors="replace"))
            pages[rel.as_posix()] = redirect and redirect.group(1)
    return pages


TABS = 3  # pages open at once


async def visit(context, base: str, page: str) -> Visit:
    failed, external, errors = [], [], []
    tab = await context.new_page()

    async def route(r):
        if r.request.url.startswith(base):
            await r.continue_()
        else:
            external.append(r.request.url)
            await r.abort()

    await tab.route("**/*", route)
    tab.on("requestfailed", lambda req: req.url.startswith(base) and failed.append(req.url))
    tab.on(
        "response",
        lambda resp: resp.url.startswith(base) and resp.status >= 400 and failed.append(resp.url),
    )
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    start = time.perf_counter()
    await tab.goto(f"{base}/{page}", wait_until="load")
    report = await tab.evaluate(INSPECT)
    moved = await tab.evaluate(MOVE_SLIDERS) if report["animationSliders"] else []
    seconds = time.perf_counter() - start
    if page in SCREENSHOT_PAGES:
        name = page.replace("/", "_").replace(".html", ".png")
        await tab.screenshot(path=str(SCREENSHOTS / name), full_page=SCREENSHOT_PAGES[page])
    await tab.close()
    return Visit(page, seconds, failed, external, errors, report, moved)


async def search(context, base: str, query: str) -> list[str]:
    """The result links the book's search page lists for ``query``."""
    tab = await context.new_page()
    await tab.goto(f"{base}/search.html?q={urllib.parse.quote(query)}", wait_until="load")
    await tab.wait_for_selector("#search-results ul.search li", timeout=10000)
    hits = await tab.eval_on_selector_all(
        "#search-results ul.search li a", "els => els.map(e => e.href)"
    )
    await tab.close()
    return hits


async def browse(launch_options, base: str, pages: list[str]):
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch_options)
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        await context.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort()
        )
        gate = asyncio.Semaphore(TABS)

        async def one(page):
            async with gate:
                return await visit(context, base, page)

        visits = await asyncio.gather(*(one(page) for page in pages))
        hits = await search(context, base, "gradient")
        await browser.close()
    return {v.page: v for v in visits}, hits


@pytest.fixture(scope="session")
def browsing(chromium_launch_options, server, html_dir):
    """Every page visited once (TABS at a time), and one search; a summary is written."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = [page for page, target in built_pages(html_dir).items() if not target]
    start = time.perf_counter()
    visits, hits = asyncio.run(browse(chromium_launch_options, server, pages))
    total = time.perf_counter() - start
    slowest = max(visits.values(), key=lambda v: v.seconds)
    summary = (
        f"browser tests: {len(visits)} pages visited in {total:.1f} s "
        f"(slowest {slowest.page}: {slowest.seconds:.1f} s)\n"
    )
    (SCREENSHOTS / "summary.txt").write_text(summary)
    return visits, hits, total


@pytest.fixture(scope="session")
def visits(browsing) -> dict[str, Visit]:
    return browsing[0]


def offenders(visits, key) -> dict[str, object]:
    found = {page: key(v) for page, v in visits.items()}
    return {page: value for page, value in found.items() if value}


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
            f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=tree/{notebook}",
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
