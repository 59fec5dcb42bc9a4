"""The one place where the first-order optimizers are made fast.

Every first-order box ends with the same line, apply update: θ ← θ + Δθ.
What differs is how Δθ is computed, and that part of each box is written as
a plain function of whole arrays that reads like the algorithm in the notes
and updates the box's state in place, e.g. the momentum box
``box(g, v, epsilon, alpha) -> Δθ`` runs ``v *= alpha; v -= epsilon * g``
and returns v. :func:`update` (which is :meth:`dlopt.optim.Optimizer.update`)
runs such a box and applies θ ← θ + Δθ.

- Small vectors (at most one block, or θ of more than one dimension): the
  box runs once on the whole arrays. The cost is the box's few numpy
  operations, θ + Δθ, a finiteness check of g (one dot product) and about
  1 µs of Python; at 1000 parameters numpy's cost per call (0.3-0.5 µs)
  is most of it, so the path is kept short and scalars are passed
  positionally (keyword arguments cost 0.2 µs more per step).
- Large vectors: the box runs on cache-sized blocks (:data:`BLOCK_BYTES` per
  array), so its temporaries live in cache and main memory sees each array
  read (and θ and the state written) about once per step. The blocks of the
  state arrays are views, so the box's in-place updates land in the state
  directly, and θ + Δθ is written straight into an output array that is
  recycled when nothing outside the optimizer still refers to it (see
  :class:`Workspace`), which spares the operating system from mapping and
  zeroing a fresh array on every step.

The finiteness check of g costs one dot product (:func:`is_finite`) instead
of an ``isfinite`` array. For long vectors it is fused with the update: each
block of g is checked while it is in cache, just before the box uses it, so
g is read from memory once. The price of fusing: when a block of g is not
finite, the step raises ``FloatingPointError`` (naming "gradient" and the
first bad index) with θ untouched, but the state of the earlier blocks has
already been advanced; restore a :meth:`~dlopt.optim.Optimizer.state_dict`
to resume from before the step. Vectors of at most one block are checked
before anything is written.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from dlopt import _checks

#: Bytes of each array in one block. Each block pays numpy's cost per call
#: (about 0.4 µs per operation, a dozen operations for Adam) once, so larger
#: blocks spread it thinner; a box's temporaries (a few MiB for Adam) still stay
#: in the L3 cache, and glibc serves them from its heap once the first one is
#: freed (its threshold for fresh memory maps rises to the largest freed map).
#: Measured with benchmarks/optimizers.py on the 2-core machines: 64 → 256 KiB
#: brought Adam at 1e7 float64 from about 4x to about 3.5x the bandwidth bound.
BLOCK_BYTES = 256 * 1024


def is_finite(g: np.ndarray) -> bool:
    """Whether every entry of g is finite, for the price of one dot product.

    gᵀg is finite exactly when every entry is, unless it overflows (entries
    beyond about 1e154 in float64, 1e19 in float32; numpy then warns); only
    then are the entries looked at one by one. (``g.dot`` rather than
    ``np.dot``: the method skips numpy's dispatch, a third of the cost on
    1000 entries.)
    """
    return math.isfinite(g.dot(g) if g.ndim == 1 else np.vdot(g, g)) or bool(np.isfinite(g).all())


class Workspace:
    """Output arrays for θ, reused once the caller has let go of them.

    :func:`update` must return a new array (the caller's θ is never
    written). For vectors of tens of megabytes, a fresh array costs the
    operating system a page fault and a zero fill per page on every step,
    about as much as the update itself. The workspace remembers the last two
    arrays it handed out; an array whose only remaining reference is the
    workspace's own can be reused, since no one else can observe it.
    """

    def __init__(self):
        self.handed_out: list[np.ndarray] = []
        # what getrefcount reports for an array held by a list and nothing else
        # (2 on CPython 3.11: the list's reference and the call's argument)
        probe = [np.empty(0)]
        self.unreferenced = sys.getrefcount(probe[0])

    def empty_like(self, theta: np.ndarray) -> np.ndarray:
        reusable = [
            i
            for i in range(len(self.handed_out))
            if sys.getrefcount(self.handed_out[i]) == self.unreferenced
            and self.handed_out[i].shape == theta.shape
            and self.handed_out[i].dtype == theta.dtype
        ]
        out = self.handed_out.pop(reusable[0]) if reusable else np.empty_like(theta)
        self.handed_out = [*self.handed_out[-1:], out]
        return out


def update(optimizer, box, theta, g, names: tuple[str, ...], *scalars):
    """Apply update: θ ← θ + Δθ, with Δθ computed by ``box`` from g and the state.

    ``box(g, *state arrays named by names, *scalars) -> Δθ`` is the
    algorithm's box written on whole arrays; it updates the state arrays
    ``optimizer.state[name]`` in place. Missing state arrays (``None``) start
    at zero. ``theta`` is never modified; the new θ has θ's dtype. g is cast
    to θ's dtype and checked: a wrong shape or a non-finite entry raises
    (``ValueError``, ``FloatingPointError`` naming "gradient") before θ is
    written, and, for vectors of at most one block, before the state is
    touched (see the module docstring for longer ones).

    This is :meth:`dlopt.optim.Optimizer.update`. On small vectors every
    statement here costs about as much as one numpy operation, so the path is
    kept short: one call from ``step``, no comprehensions or unpacking.
    """
    theta, g = np.asarray(theta), np.asarray(g)
    if g.dtype is not theta.dtype or g.shape != theta.shape or theta.dtype.kind != "f":
        g = _conform(g, theta)
    state, arrays = optimizer.state, []
    for name in names:
        array = state[name]
        if array is None or array.shape != theta.shape or array.dtype is not theta.dtype:
            array = _state_array(state, name, theta)
        arrays.append(array)
    if theta.nbytes > BLOCK_BYTES and theta.ndim == 1:
        return _run_blocks(box, theta, g, arrays, optimizer.workspace, scalars)
    if not is_finite(g):
        _checks.finite_array("gradient", g)
    return theta + box(g, *arrays, *scalars)


def _conform(g: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """g cast to θ's dtype, after checking that θ is a float array and g has its shape."""
    if theta.dtype.kind != "f":
        raise TypeError(f"theta must be a floating-point array, got dtype {theta.dtype}")
    if g.shape != theta.shape:
        _checks.finite_array("gradient", g, theta.shape)
    return g if g.dtype == theta.dtype else g.astype(theta.dtype)


def _run_blocks(box, theta, g, arrays, workspace, scalars):
    """:func:`update` on a long vector, one cache-sized block at a time."""
    out = workspace.empty_like(theta)
    block = BLOCK_BYTES // theta.itemsize
    for start in range(0, theta.size, block):
        b = slice(start, start + block)
        if not is_finite(g[b]):
            _checks.finite_array("gradient", g)
        np.add(theta[b], box(g[b], *[a[b] for a in arrays], *scalars), out=out[b])
    return out


def _state_array(state: dict, name: str, theta: np.ndarray) -> np.ndarray:
    """The state array ``state[name]``, created as zeros like θ the first time."""
    array = state[name]
    if array is None:
        array = state[name] = np.zeros_like(theta)
    elif array.shape != theta.shape or array.dtype != theta.dtype:
        raise ValueError(
            f"state {name!r} has shape {array.shape} and dtype {array.dtype}, but theta has "
            f"shape {theta.shape} and dtype {theta.dtype}"
        )
    return array
