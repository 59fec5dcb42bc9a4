"""Shared test settings: a headless matplotlib backend and one BLAS thread for every unit test.

Set here too (not only in the Makefile) so a bare `pytest` behaves like `make test`.
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
