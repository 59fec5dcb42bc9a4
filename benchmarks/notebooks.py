"""Execution time of every notebook of the book, from a clean kernel (target: under 10 s each).

Runs each notebook the way `make refresh` does (nbclient, kernel python3, one BLAS
thread as the Makefile sets) without writing anything back, and prints the wall
time of the whole execution (kernel start included) and the load average, since
a busy machine inflates wall times. Usage: python benchmarks/notebooks.py [notebook ...]
"""

import os
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
TARGET_SECONDS = 10.0


def execution_time(path: pathlib.Path) -> float:
    """Seconds to execute ``path`` top to bottom in a fresh python3 kernel."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=300, resources={
        "metadata": {"path": str(path.parent)}})  # fmt: skip
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main(paths) -> int:
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    notebooks = [pathlib.Path(p).resolve() for p in paths] or sorted(
        p for p in (ROOT / "book").rglob("*.ipynb") if "_build" not in p.parts
    )
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print(f"{'notebook':<50} {'seconds':>8}")
    slow = 0
    for path in notebooks:
        seconds = execution_time(path)
        slow += seconds > TARGET_SECONDS
        flag = "  over target" if seconds > TARGET_SECONDS else ""
        print(f"{path.relative_to(ROOT)!s:<50} {seconds:8.2f}{flag}", flush=True)
    load = os.getloadavg()[0]
    print(f"load average after: {load:.2f}; {slow} notebook(s) over {TARGET_SECONDS:g} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
