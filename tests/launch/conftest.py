"""Print the live-notebook timings (written by test_live_notebook.py) at the end of the run."""

import pathlib
import time

SUMMARY = pathlib.Path(__file__).resolve().parents[2] / "_build" / "live-notebook.txt"
LOADED = time.time()


def pytest_terminal_summary(terminalreporter):
    if SUMMARY.exists() and SUMMARY.stat().st_mtime >= LOADED:
        terminalreporter.write_line(SUMMARY.read_text().strip())
