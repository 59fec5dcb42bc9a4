"""Shared test settings: a headless matplotlib backend and one BLAS thread for every unit test.

Set here too (not only in the Makefile) so a bare `pytest` behaves like `make test`.
"""

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups into the test ids
def pytest_collection_modifyitems(items):
    """Work units for xdist's ``--dist loadgroup`` (``make test``), longest first.

    A test marked ``xdist_group`` keeps its group (each student notebook is its own); the
    browser tests form one group (their pages are visited once, by one worker); every other
    file is one unit, as under ``--dist loadfile`` (a notebook's cells share one kernel).
    Units start longest first (the browser visit, then the student notebooks, then the
    book's notebooks) so that neither worker is left alone with a long one at the end.
    """
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            path = item.path.relative_to(item.config.rootpath).as_posix()
            group = "browser" if path.startswith("tests/browser/") else path
            item.add_marker(pytest.mark.xdist_group(group))

    def order(item):
        mark = item.get_closest_marker("xdist_group")
        group = str(mark.args[0] if mark.args else mark.kwargs.get("name", ""))
        if group == "browser":
            return 0
        if group.startswith("student:"):
            return 1
        return 2 if item.path.suffix == ".ipynb" else 3

    items.sort(key=order)
