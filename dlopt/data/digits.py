"""The real data set shipped with the package: UCI optical recognition of handwritten digits.

1,797 handwritten digits as 8×8 images. Each pixel counts the "on" pixels of
a 4×4 block of a 32×32 bitmap, an integer from 0 to 16; the label is the
digit 0–9 :cite:p:`alpaydin1998digits`. The file ``dlopt/datasets/digits.csv.gz``
(one image per row, 64 pixels then the label) is the copy of the UCI test
set that scikit-learn distributes; its source and licence (CC BY 4.0) are in
``dlopt/datasets/README.md``. Nothing is downloaded.
"""

from __future__ import annotations

import functools
import gzip
import io
from importlib import resources

import numpy as np

from dlopt.data.dataset import Dataset

SOURCE = "https://doi.org/10.24432/C50P49"
LICENCE = "CC BY 4.0"


@functools.cache
def digits() -> Dataset:
    """The 1,797 digits: ``X`` of shape (1797, 64) with pixel / 16 in [0, 1], ``y`` the
    integer digit. ``X[i].reshape(8, 8)`` is image i, row by row.

    Loaded once from the package files and cached (the data set is read-only).
    """
    raw = resources.files("dlopt").joinpath("datasets", "digits.csv.gz").read_bytes()
    table = np.loadtxt(io.BytesIO(gzip.decompress(raw)), delimiter=",", dtype=np.uint8)
    info = {"source": SOURCE, "licence": LICENCE, "image_shape": (8, 8), "max_pixel": 16}
    return Dataset(table[:, :64] / 16.0, table[:, 64].astype(np.int64), name="digits", info=info)
