"""The system's Chromium for Playwright: found on PATH (or $CHROMIUM), started headless.

Shared by the browser tests of the built book (tests/browser) and the live-notebook test
(tests/launch). ``playwright install`` is never needed. Without Chromium a test skips with a
message, except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import os
import shutil

import pytest

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def find_chromium() -> str | None:
    """$CHROMIUM when set (a path or a command name), else chromium or chromium-browser on PATH."""
    names = (
        [os.environ["CHROMIUM"]] if "CHROMIUM" in os.environ else ["chromium", "chromium-browser"]
    )
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def launch_options() -> dict:
    """Keyword arguments for Playwright's ``chromium.launch``, or skip (fail in CI) without one."""
    path = find_chromium()
    if path is None:
        message = (
            "browser tests need Chromium: `apt-get install -y chromium` (as .ci/run does) "
            "or set CHROMIUM=/path/to/chromium"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but no Chromium found; {message}")
        pytest.skip(message)
    return {"executable_path": path, "args": FLAGS}
