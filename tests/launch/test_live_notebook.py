"""The live path, as a learner takes it: `make lab`'s working copy in JupyterLab, in Chromium.

A JupyterLab server on 127.0.0.1 serves a working copy made by tools/working_copy.py (as
`make lab` does, trusted, in a private Jupyter data folder). Chromium opens a chapter before
anything has run, then runs it and moves a slider of its explorer with the keyboard. The time
from the key press to the new figure is printed at the end of the run (`make launch`).
"""

from __future__ import annotations

import json
import os
import pathlib
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "tools"))
import chromium  # noqa: E402
import live_text  # noqa: E402
import nbformat  # noqa: E402

from dlopt.interactive.widgets import COMPUTING, NOT_RUNNING  # noqa: E402

CHAPTER = "part3/momentum.ipynb"  # two optimizer explorers and a static slider figure
MOVES = 6
SUMMARY = ROOT / "_build" / "live-notebook.txt"
SETTINGS = {  # every cell in the page (JupyterLab renders only those in view by default), no news
    "notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False,
    },
}  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on the working copy; yields the chapter's URL (token included)."""
    home = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "JUPYTER_DATA_DIR": str(home / "data"),  # the trust database, as `make lab` signs it
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    settings = home / "config" / "lab" / "user-settings" / "@jupyterlab"
    for extension, values in SETTINGS.items():
        (settings / extension).parent.mkdir(parents=True, exist_ok=True)
        (settings / extension).write_text(json.dumps(values))
    copy = home / "lab"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "working_copy.py"), "--book", str(ROOT / "book"),
         "--out", str(copy)],
        check=True, env=env, capture_output=True,
    )  # fmt: skip
    port, token = free_port(), secrets.token_hex(16)
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={copy}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         *(["--allow-root"] if os.geteuid() == 0 else [])],  # CI containers run as root
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("JupyterLab did not start within 60 s")
            time.sleep(0.5)
    yield f"{base}/lab/tree/{CHAPTER}?token={token}"
    server.terminate()
    server.wait(timeout=30)


def test_a_chapter_opens_runs_and_its_explorer_redraws_on_a_key_press(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(**chromium.launch_options())
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(lab)
        notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
        notebook.locator(".jp-Cell").first.wait_for(timeout=60_000)

        # Before running: the MyST is rendered with the glued numbers and figure numbers, the
        # explorer says what to do, and the static slider figure (a script in a trusted
        # output) shows a frame.
        page.get_by_text(NOT_RUNNING).first.wait_for(timeout=30_000)
        rendered = notebook.locator(".jp-MarkdownCell .myst")  # jupyterlab-myst's rendering
        page.wait_for_function(
            """() => document.querySelectorAll('.jp-MarkdownCell .myst').length
                     === document.querySelectorAll('.jp-MarkdownCell').length""",
            timeout=30_000,
        )
        prose = "\n".join(rendered.evaluate_all("nodes => nodes.map(n => n.textContent)"))
        assert ":::{" not in prose and "{numref}" not in prose and "{glue" not in prose
        assert not [name for name in glue_names() if name in prose]
        assert "Fig. 11.1." in prose and "Fig. 11.2" in prose and "def box(g, state" in prose
        frame = notebook.locator("img[id^=_anim_img]").first
        assert (frame.get_attribute("src") or "").startswith("data:image/png")

        # Run All, then wait for the kernel to finish every cell.
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        explorer = notebook.locator(".widget-vbox:has(.widget-slider)").first
        explorer.wait_for(timeout=120_000)
        page.wait_for_function(
            """() => [...document.querySelectorAll('.jp-InputPrompt')]
                     .every(p => !p.textContent.includes('*'))""",
            timeout=120_000,
        )
        outputs = notebook.inner_text()
        assert "Error displaying widget" not in outputs
        assert "Traceback" not in outputs

        # Move the first slider with the keyboard and time the new figure.
        times = [move_and_time(page, explorer) for _ in range(MOVES)]
        browser.close()
    SUMMARY.parent.mkdir(exist_ok=True)
    SUMMARY.write_text(
        f"live notebook ({CHAPTER}, JupyterLab in Chromium): key press to new figure "
        f"median {statistics.median(times):.0f} ms, slowest {max(times):.0f} ms "
        f"over {MOVES} moves\n"
    )


def glue_names() -> set[str]:
    """The names the chapter glues, which must not show through in the live prose."""
    return set(live_text.glued(nbformat.read(ROOT / "book" / CHAPTER, as_version=4)))


def move_and_time(page, explorer) -> float:
    """Press → on the explorer's first slider; milliseconds until its figure changes."""
    handle = explorer.locator(".widget-slider .noUi-handle").first
    image = explorer.locator("img").first
    handle.focus()
    before = image.get_attribute("src")
    explorer.evaluate(
        """(box, computing) => {
             window.__pressed = null; window.__drawn = null; window.__statuses = [];
             const img = box.querySelector('img'), status = box.querySelector('.explorer-status');
             document.addEventListener('keydown', () => { window.__pressed = performance.now(); },
                                       {capture: true, once: true});
             new MutationObserver((records, observer) => {
               window.__drawn = performance.now(); observer.disconnect();
             }).observe(img, {attributes: true, attributeFilter: ['src']});
             new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(
               n => window.__statuses.push(n.textContent)))
             ).observe(status, {childList: true, subtree: true});
           }""",
        COMPUTING,
    )
    page.keyboard.press("ArrowRight")
    page.wait_for_function("window.__drawn !== null", timeout=30_000)
    assert image.get_attribute("src") != before
    assert COMPUTING in page.evaluate("window.__statuses")  # it said it was computing
    return page.evaluate("window.__drawn - window.__pressed")
