"""Argument checks shared by every module.

Each check returns the validated value and raises ``ValueError`` (or
``TypeError``) with a message that names the argument and shows its value, so
that a bad hyperparameter is caught where it is passed, never later as a NaN.
"""

from __future__ import annotations

import math

import numpy as np


def positive(name: str, value: float) -> float:
    """Return ``value`` as a float if it is finite and > 0."""
    value = _real(name, value)
    if not value > 0:
        raise ValueError(f"{name} must be > 0, got {name}={value!r}")
    return value


def non_negative(name: str, value: float) -> float:
    """Return ``value`` as a float if it is finite and >= 0."""
    value = _real(name, value)
    if not value >= 0:
        raise ValueError(f"{name} must be >= 0, got {name}={value!r}")
    return value


def unit_interval(name: str, value: float) -> float:
    """Return ``value`` if it lies in [0, 1): the range of decay rates and momentum."""
    value = _real(name, value)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must lie in [0, 1), got {name}={value!r}")
    return value


def positive_int(name: str, value: int) -> int:
    """Return ``value`` if it is an integer >= 1."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {name}={value!r}")
    return int(value)


def fit_arguments(epochs, steps, batch_size, patience, validation, progress, train_set) -> None:
    """The checks of :func:`dlopt.fit`'s arguments, each naming the argument and its value."""
    if epochs is None and steps is None:
        raise ValueError("give epochs or steps (or both), got epochs=None and steps=None")
    if epochs is not None:
        positive_int("epochs", epochs)
    if steps is not None:
        positive_int("steps", steps)
    if progress and epochs is None:
        raise ValueError("progress=True needs epochs, got epochs=None")
    positive_int("batch_size", batch_size)
    if patience is not None:
        positive_int("patience", patience)
        if validation is None:
            raise ValueError(f"patience={patience} needs a validation set, got validation=None")
    if len(train_set) == 0:
        raise ValueError("train_set is empty")


def finite_array(name: str, array, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Return ``array`` as an ndarray after checking its shape and that every entry is finite."""
    array = np.asarray(array)
    if shape is not None and array.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got shape {array.shape}")
    if not _all_finite(array):
        bad = np.flatnonzero(~np.isfinite(array))
        raise FloatingPointError(
            f"{name} has {bad.size} non-finite entries (first at flat index {bad[0]}: "
            f"{array.flat[bad[0]]!r})"
        )
    return array


def _all_finite(array: np.ndarray) -> bool:
    """Whether every entry is finite. A NaN or an infinity makes the sum non-finite, and a sum
    of finite numbers is finite unless it overflows (numpy then warns), so one cheap pass
    settles the common case; only a sum that is not finite sends us to the entries."""
    return math.isfinite(array.sum()) or bool(np.isfinite(array).all())


def finite_scalar(name: str, value: float) -> float:
    """Return ``value`` as a float if it is finite (a loss, say)."""
    value = float(value)
    if not math.isfinite(value):
        raise FloatingPointError(f"{name} is not finite: {name}={value!r}")
    return value


def checked_hessian(objective, theta) -> np.ndarray:
    """Ask ``objective`` for ∇²J(θ) and check that it is a finite symmetric (d, d) matrix."""
    if not callable(getattr(objective, "hessian", None)):
        raise TypeError(
            f"{type(objective).__name__} has no hessian(theta) method: a second-order "
            "method needs the Hessian (use a first-order optimizer, or an objective that has one)"
        )
    d = np.size(theta)
    H = finite_array("hessian", np.asarray(objective.hessian(theta), dtype=float), (d, d))
    if not np.allclose(H, H.T, rtol=1e-10, atol=1e-12):
        raise ValueError("hessian must be symmetric (H == H.T)")
    return H


def generator(rng) -> np.random.Generator:
    """``rng`` itself if it is a ``np.random.Generator``, ``np.random.default_rng(rng)`` if
    it is an integer seed. Anything else (``None`` included: an unseeded draw would
    make a run irreproducible) raises ``TypeError``."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a np.random.Generator or an integer seed, got rng={rng!r}")


def _real(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a real number, got {name}={value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {name}={value!r}")
    return value
