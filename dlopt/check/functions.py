r"""Self-checks of a learning-rate schedule, a weight initializer and a gradient.

- :func:`linear_decay`: the notes' schedule εₖ = (1 − k/τ)ε₀ + (k/τ)ε_τ for k ≤ τ, then
  ε_τ :cite:p:`goodfellow2016deep`, against :class:`dlopt.schedules.LinearDecay`.
- :func:`initializer`: a random initializer judged by what it must get right whatever
  random calls it makes (shape, range, variance, use of ``rng``) against
  :mod:`dlopt.init.weights` :cite:p:`glorot2010understanding,he2015delving`.
- :func:`gradient`: a gradient function against an objective's own gradient, or
  central differences of its value.
"""

from __future__ import annotations

import math

import numpy as np

from dlopt.check import _core
from dlopt.nn.gradcheck import numerical_gradient
from dlopt.schedules import LinearDecay

__all__ = ["gradient", "initializer", "linear_decay"]  # re-exported by dlopt.check


def _decay(weight, hold=True):
    """A linear-decay variant: ε₀ + (ε_τ − ε₀)·weight(k, τ), held at ε_τ from τ on if ``hold``."""

    def rate(k, lr0, lr_tau, tau):
        if hold and k >= tau:
            return lr_tau
        a = weight(k, tau)
        return (1 - a) * lr0 + a * lr_tau

    return rate


DECAY_VARIANTS = (
    (_decay(lambda k, tau: k / tau, hold=False), "After k = τ the rate must stay at ε_τ."),
    (_decay(lambda k, tau: 1 - k / tau), "The weights are swapped: ε₀ at k = 0, ε_τ at k = τ."),
    (_decay(lambda k, tau: k // tau), "α = k/τ was computed with integer division (k // τ)."),
    (_decay(lambda k, tau: (k + 1) / tau), "Count k from 0: the first step uses ε₀ itself."),
    (_decay(lambda k, tau: k / (tau - 1)), "α = k/τ, not k/(τ − 1)."),
)


def linear_decay(student, cases: int = 5, seed: int = 0) -> None:
    """Check ``student(k, lr0, lr_tau, tau) -> float`` against dlopt.schedules.LinearDecay.

    εₖ = (1 − α)ε₀ + αε_τ with α = k/τ for k = 0, 1, ..., τ, and ε_τ for k > τ. Each
    case draws ε₀, ε_τ (about 1% of ε₀) and τ (5 to 50) and compares every k up to τ + 10.
    """
    rng = np.random.default_rng(seed)
    for case in range(1, cases + 1):
        lr0 = _core.log_uniform(rng, 1e-3, 1.0)
        lr_tau, tau = lr0 * rng.uniform(0.005, 0.05), int(rng.integers(5, 51))
        calls = [(k, lr0, lr_tau, tau) for k in range(tau + 11)]
        answers = [_core.as_outputs(student(*call), ("rate",), "linear_decay") for call in calls]
        reference = LinearDecay(lr0, lr_tau, tau)
        for (k, *_), (answer,) in zip(calls, answers, strict=True):
            if not _core.close(answer, reference(k)):
                _core.fail(
                    f"linear_decay, case {case} (lr0={lr0:.4g}, lr_tau={lr_tau:.4g}, tau={tau}), "
                    f"k = {k}",
                    f"your rate is {float(answer):.6g}, dlopt's {reference(k):.6g}",
                    _core.diagnose(DECAY_VARIANTS, calls, answers),
                    "εₖ = (1 − k/τ)ε₀ + (k/τ)ε_τ for k ≤ τ, then ε_τ.",
                )
    _core.passed(f"{cases} cases match dlopt.schedules.LinearDecay")


#: The initializers :func:`initializer` knows: (distribution, variance, bound) from (m, n).
INITIALIZERS = {
    "glorot_uniform": ("uniform", lambda m, n: 2 / (m + n)),
    "he_normal": ("normal", lambda m, n: 2 / m),
    "fan_in_uniform": ("uniform", lambda m, n: 1 / (3 * m)),
}
#: Frequent mistakes, to name the one a student's weights have: (what it is, its variance,
#: the distribution it shows in, or None for either).
MISTAKES = (
    ("the variance 1/m (the fan-in only)", lambda m, n: 1 / m, None),
    (
        "U(−a, a) with a = √(6/m), the fan-in only: Glorot's bound uses both, a = √(6/(m + n))",
        lambda m, n: 2 / m,
        "uniform",
    ),
    ("the variance 2/m (He's, for ReLU)", lambda m, n: 2 / m, None),
    ("the variance 2/(m + n) (Glorot's)", lambda m, n: 2 / (m + n), None),
    ("the variance 1/(m + n) (half of Glorot's)", lambda m, n: 1 / (m + n), None),
    (
        "the variance 6/(m + n) (Glorot's bound √(6/(m + n)) used as the standard deviation)",
        lambda m, n: 6 / (m + n),
        None,
    ),
    ("the variance 1/(3m) (U(−1/√m, 1/√m))", lambda m, n: 1 / (3 * m), None),
    ("the variance 2/n (the fan-out only)", lambda m, n: 2 / n, None),
)
SHAPE, SAMPLE_TOLERANCE = (300, 500), 0.03  # 150,000 weights: variance within 3%


def initializer(student, kind: str = "glorot_uniform", seed: int = 0) -> None:
    """Check ``student(shape, rng) -> W`` against the dlopt initializer named ``kind``.

    ``kind`` is ``"glorot_uniform"`` (U(−a, a), a = √(6/(m + n))), ``"he_normal"``
    (N(0, 2/m)) or ``"fan_in_uniform"`` (U(−1/√m, 1/√m)), for W of shape (m, n) = (fan-in,
    fan-out). Random weights cannot be compared number by number, so the check looks at
    the shape, the mean, the variance, the range and the use of ``rng`` (the same seed
    gives the same W, another seed another W).
    """
    if kind not in INITIALIZERS:
        raise ValueError(f"kind must be one of {sorted(INITIALIZERS)}, got kind={kind!r}")
    distribution, variance = INITIALIZERS[kind]
    m, n = SHAPE
    W = np.asarray(student(SHAPE, np.random.default_rng(seed)), dtype=float)
    where = f"{kind}, W of shape (m, n) = {SHAPE}"
    if W.shape != SHAPE:
        flipped = " (m and n swapped?)" if W.shape == SHAPE[::-1] else ""
        raise _core.CheckFailed(f"{where}: your W has shape {W.shape}{flipped}.")
    if not np.array_equal(W, student(SHAPE, np.random.default_rng(seed))):
        raise _core.CheckFailed(
            f"{where}: two calls with the same seed differ: draw with rng, not np.random."
        )
    if np.array_equal(W, student(SHAPE, np.random.default_rng(seed + 1))):
        raise _core.CheckFailed(f"{where}: another seed gives the same W: draw with rng.")
    target = variance(m, n)
    got = float(np.mean(W**2))
    if abs(W.mean()) > 4 * math.sqrt(target / W.size):
        raise _core.CheckFailed(f"{where}: the weights have mean {W.mean():.4g}, not 0.")
    if abs(got / target - 1) > SAMPLE_TOLERANCE:
        shape = "uniform" if np.abs(W).max() <= math.sqrt(3 * got) * 1.01 else "normal"
        names = [
            name
            for name, f, drawn in MISTAKES
            if abs(got / f(m, n) - 1) <= SAMPLE_TOLERANCE and drawn in (None, shape)
        ]
        guess = f" That is {names[0]}." if names else ""
        raise _core.CheckFailed(
            f"{where}: your weights have variance {got:.4g}, {kind} has {target:.4g}.{guess}"
        )
    bound = math.sqrt(3 * target)  # the half-width of a uniform with this variance
    if distribution == "uniform" and (np.abs(W).max() > bound * (1 + 1e-12)):
        raise _core.CheckFailed(
            f"{where}: |W| reaches {np.abs(W).max():.4g}, beyond the bound a = {bound:.4g} "
            "of U(−a, a): draw from a uniform, not a normal."
        )
    if distribution == "normal" and np.abs(W).max() <= bound * (1 + 1e-12):
        raise _core.CheckFailed(
            f"{where}: no |W| exceeds {bound:.4g}: draw from a normal, not a uniform."
        )
    _core.passed(f"your weights match dlopt.init.{kind}: shape, mean, variance, range, rng")


def gradient(student, objective, dim: int | None = None, cases: int = 5, seed: int = 0) -> None:
    """Check ``student(theta) -> g`` against ``objective`` at ``cases`` random points θ ~ N(0, I).

    The reference is ``objective.grad`` if the objective has one, else central
    differences of ``objective.value`` (or of ``objective`` itself if it is a function).
    ``dim`` is the length of θ; it defaults to ``objective.dim`` when there is one.
    """
    dim = dim if dim is not None else getattr(objective, "dim", None)
    if dim is None:
        raise ValueError("dim must be given for an objective without a .dim, got dim=None")
    value = getattr(objective, "value", objective)
    exact = hasattr(objective, "grad")
    rtol, atol = (_core.RTOL, _core.ATOL) if exact else (1e-5, 1e-7)  # differences: O(eps²)
    rng = np.random.default_rng(seed)
    for case in range(1, cases + 1):
        theta = rng.standard_normal(dim)
        expected = (
            np.asarray(objective.grad(theta.copy()), dtype=float)
            if exact
            else numerical_gradient(value, theta)
        )
        (got,) = _core.as_outputs(student(theta.copy()), ("gradient",), "gradient")
        if got.shape == expected.shape and np.allclose(got, expected, rtol=rtol, atol=atol):
            continue
        _core.fail(
            f"gradient, case {case} (θ of length {dim})",
            _core.difference("gradient", got, expected),
            _gradient_hint(got, expected, rtol),
            "Differentiate term by term and check each coordinate.",
        )
    _core.passed(f"{cases} cases match the objective's gradient")


def _gradient_hint(got, expected, rtol) -> str | None:
    """The sign flip or the constant factor that turns dlopt's gradient into ``got``, if any."""
    if got.shape != expected.shape or not np.dot(expected, expected) > 0:
        return None
    ratio = float(np.dot(got, expected) / np.dot(expected, expected))
    if not np.allclose(got, ratio * expected, rtol=rtol, atol=1e-8):
        return None
    if abs(ratio + 1) < 1e-3:
        return "Wrong sign: your vector points downhill; the gradient points uphill."
    return f"Your gradient is {ratio:.4g} times the true one: a constant factor is lost."
