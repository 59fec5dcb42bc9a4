"""Visiting the built book in headless Chromium: what a reader's browser sees on each page.

Each page is opened once (``browse``) with every request to another host blocked and recorded.
In the page, ``INSPECT`` reports what a reader meets (math, images, links, sliders, widgets,
figures), ``MOVE_SLIDERS`` moves each static slider by mouse-free events and by the keyboard,
and axe-core audits the page against WCAG 2.1 A and AA (``AXE_OPTIONS``). The tests of
test_rendered_pages.py and test_accessibility.py read the resulting ``Visit`` records.
"""

from __future__ import annotations

import asyncio
import dataclasses
import pathlib
import re
import time
import urllib.parse

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
    figures: [...article.querySelectorAll('.cell_output img, .animation img')].map(img => {
      const figure = img.closest('figure');
      return {
        id: img.id || (img.getAttribute('src') || '').slice(0, 60),
        alt: img.getAttribute('alt'),
        number: figure && figure.querySelector('figcaption .caption-number')
          ? figure.querySelector('figcaption .caption-number').textContent.trim() : null,
        caption: figure && figure.querySelector('figcaption')
          ? figure.querySelector('figcaption').textContent.trim() : '',
        target: figure ? figure.id : '',
      };
    }),
    figureRefs: [...article.querySelectorAll('a.reference.internal span.std-numref')]
      .map(s => s.closest('a').getAttribute('href')),
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


# Keyboard only: focus each animation slider, go to its first frame, step once with the arrow key.
KEYBOARD = """async (id) => {
  const slider = document.getElementById(id);
  const img = slider.closest('.animation').querySelector('img');
  return {id, tabbable: slider.tabIndex >= 0 && !slider.disabled &&
          slider.getBoundingClientRect().width > 0, src: img.src,
          valuetext: slider.getAttribute('aria-valuetext')};
}"""

AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
# The audit: axe-core's WCAG 2.1 A and AA rules; only violations are reported.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
AXE_RUN = """async (options) => (await axe.run(document, options)).violations.map(v => ({
  rule: v.id, impact: v.impact, help: v.help,
  elements: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200)})),
}))"""


async def keyboard_steps(tab, slider_ids) -> list[dict]:
    """For each slider: can Tab reach it, and do Home then ArrowRight change its frame?"""
    steps = []
    for slider_id in slider_ids:
        await tab.focus(f"#{slider_id}")
        await tab.keyboard.press("Home")
        before = await tab.evaluate(KEYBOARD, slider_id)
        await tab.keyboard.press("ArrowRight")
        after = await tab.evaluate(KEYBOARD, slider_id)
        steps.append(
            {
                "id": slider_id,
                "tabbable": before["tabbable"],
                "moved": after["src"] != before["src"],
                "announced": after["valuetext"] not in (None, before["valuetext"]),
            }
        )
    return steps


@dataclasses.dataclass
class Visit:
    page: str
    seconds: float
    failed_local: list[str]
    external: list[str]
    js_errors: list[str]
    report: dict
    sliders_moved: list[dict]
    keyboard: list[dict]
    violations: list[dict]


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


async def visit(context, base: str, page: str, axe: str) -> Visit:
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
    keyboard = await keyboard_steps(tab, report["animationSliders"])
    await tab.add_script_tag(content=axe)
    violations = await tab.evaluate(AXE_RUN, AXE_OPTIONS)
    seconds = time.perf_counter() - start
    if page in SCREENSHOT_PAGES:
        name = page.replace("/", "_").replace(".html", ".png")
        await tab.screenshot(path=str(SCREENSHOTS / name), full_page=SCREENSHOT_PAGES[page])
    await tab.close()
    return Visit(page, seconds, failed, external, errors, report, moved, keyboard, violations)


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

    if not AXE.exists():
        raise FileNotFoundError(f"{AXE} is missing: `make setup` installs axe-core (npm ci)")
    axe = AXE.read_text()

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch_options)
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        await context.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort()
        )
        gate = asyncio.Semaphore(TABS)

        async def one(page):
            async with gate:
                return await visit(context, base, page, axe)

        visits = await asyncio.gather(*(one(page) for page in pages))
        hits = await search(context, base, "gradient")
        await browser.close()
    return {v.page: v for v in visits}, hits


def offenders(visits, key) -> dict[str, object]:
    """The pages for which ``key(visit)`` is truthy, with that value."""
    found = {page: key(v) for page, v in visits.items()}
    return {page: value for page, value in found.items() if value}
