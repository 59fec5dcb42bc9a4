"""What every self-check shares: comparing, explaining a difference, and reporting.

A check calls the student's function and dlopt's reference on the same seeded
random cases. When they differ it replays the same calls through known wrong
variants (a flipped sign, a forgotten correction, a misplaced δ, ...); a variant
that reproduces every one of the student's answers names the mistake.
"""

from __future__ import annotations

import numpy as np

RTOL, ATOL = 1e-7, 1e-10  # a correct implementation in float64 differs only by rounding


class CheckFailed(AssertionError):
    """The student's function disagrees with dlopt; the message says where and, if it can, why."""


def close(got, expected) -> bool:
    """Same shape and equal up to rounding (NaN equal to NaN, so a variant can explain NaN)."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    return got.shape == expected.shape and bool(
        np.allclose(got, expected, rtol=RTOL, atol=ATOL, equal_nan=True)
    )


def log_uniform(rng, low: float, high: float) -> float:
    """A number between low and high, uniform on a log scale."""
    return float(np.exp(rng.uniform(np.log(low), np.log(high))))


def as_outputs(result, names: tuple[str, ...], function: str) -> tuple[np.ndarray, ...]:
    """The student's return value as a tuple of float arrays, one per name."""
    values = (result,) if len(names) == 1 else result
    if len(names) > 1 and (not isinstance(values, tuple | list) or len(values) != len(names)):
        raise CheckFailed(
            f"{function} must return {len(names)} values ({', '.join(names)}), "
            f"got {type(result).__name__}"
        )
    try:
        return tuple(np.asarray(v, dtype=float) for v in values)
    except (TypeError, ValueError) as error:
        message = f"{function} must return arrays of numbers ({', '.join(names)}): {error}"
        raise CheckFailed(message) from None


def difference(name: str, got: np.ndarray, expected: np.ndarray) -> str:
    """Where ``got`` differs from ``expected``, in words."""
    if got.shape != expected.shape:
        return f"your {name} has shape {got.shape}, dlopt's {expected.shape}"
    if not np.all(np.isfinite(got)):
        return f"your {name} has non-finite entries ({got.ravel()[:4]})"
    i = int(np.argmax(np.abs(got - expected)))
    return (
        f"your {name} differs (at index {i}: dlopt gives {expected.flat[i]:.6g}, "
        f"yours {got.flat[i]:.6g})"
    )


def diagnose(variants, calls, answers) -> str | None:
    """The hint of the first wrong variant that reproduces every answer on the same calls.

    ``variants`` is a sequence of (function, hint); ``calls`` a list of argument tuples;
    ``answers`` the student's outputs (tuples of arrays) for those calls.
    """
    for variant, hint in variants:
        with np.errstate(all="ignore"):
            outputs = [variant(*args) for args in calls]
        outputs = [out if isinstance(out, tuple) else (out,) for out in outputs]
        if all(
            len(out) == len(answer) and all(map(close, answer, out))
            for out, answer in zip(outputs, answers, strict=True)
        ):
            return hint
    return None


def fail(where: str, what: str, hint: str | None, fallback: str):
    """Raise :class:`CheckFailed` with the place, the difference and the likely mistake."""
    advice = hint if hint is not None else fallback
    raise CheckFailed(f"{where}: {what}.\n{advice}")


def passed(what: str) -> None:
    """Tell the student the check passed: ``✓ <what>``."""
    print(f"✓ {what}")
