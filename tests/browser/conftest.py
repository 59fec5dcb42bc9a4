"""Headless Chromium on the built book: a loopback server, a browser and one visit per page.

Chromium comes from the system (Debian's ``chromium``, installed by ``.ci/run``; chromium.py),
driven by Playwright's Python package.
"""

from __future__ import annotations

import asyncio
import functools
import http.server
import pathlib
import subprocess
import sys
import threading
import time

import chromium
import pytest
from visiting import SCREENSHOTS, Visit, browse, built_pages

ROOT = pathlib.Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SUMMARY = ROOT / "_build" / "screenshots" / "summary.txt"
LOADED = time.time()


@pytest.fixture(scope="session")
def html_dir() -> pathlib.Path:
    """The built book: `make test` builds it just before pytest; otherwise build it here."""
    if not (HTML / "index.html").exists():
        jupyter_book = pathlib.Path(sys.executable).with_name("jupyter-book")
        subprocess.run(
            [str(jupyter_book), "build", str(ROOT), "--warningiserror", "--keep-going"],
            check=True,
            capture_output=True,
        )
    return HTML


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def server(html_dir):
    """Serve the book on 127.0.0.1 at a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def chromium_launch_options() -> dict:
    """Keyword arguments for Playwright's ``chromium.launch``: the system browser, headless."""
    return chromium.launch_options()


def pytest_terminal_summary(terminalreporter):
    """Print the browser run's summary (pages checked, time), written by the worker that ran it."""
    if SUMMARY.exists() and SUMMARY.stat().st_mtime >= LOADED:
        terminalreporter.write_line(SUMMARY.read_text().strip())


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
