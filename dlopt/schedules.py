r"""Learning-rate schedules: ε as a function of the step k = 0, 1, 2, ...

Every optimizer accepts a schedule wherever it accepts a number for ``lr``
(a number means a constant rate); schedule k is the k-th update, counted
from 0. The notes decay ε linearly,

.. math:: \epsilon_k = (1 - k/\tau)\,\epsilon_0 + (k/\tau)\,\epsilon_\tau \quad (k \le \tau),

and keep it at ε_τ afterwards; the notes write r for τ, which collides with
the accumulator r of the adaptive methods, so we follow the textbook's τ
:cite:p:`goodfellow2016deep,luo2020notes`. Step, exponential and cosine decay
and a linear warm-up are the schedules a reader meets elsewhere
:cite:p:`loshchilov2017sgdr,goyal2017accurate`.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

from dlopt import _checks


class Schedule(ABC):
    """A learning rate per step: ``schedule(k) -> float`` for k = 0, 1, 2, ..."""

    def __call__(self, k: int) -> float:
        if k < 0:
            raise ValueError(f"the step k must be >= 0, got k={k!r}")
        return self.rate(k)

    @abstractmethod
    def rate(self, k: int) -> float:
        """The learning rate εₖ at step k >= 0 (the class docstring gives the formula)."""


def check_lr(lr, name: str = "lr"):
    """Return ``lr`` if it is a :class:`Schedule`, else as a float after checking it is > 0."""
    return lr if isinstance(lr, Schedule) else _checks.positive(name, lr)


def _decay_factor(name: str, value: float) -> float:
    value = _checks.positive(name, value)
    if value > 1:
        raise ValueError(f"{name} must lie in (0, 1], got {name}={value!r}")
    return value


@dataclass(frozen=True)
class Constant(Schedule):
    """εₖ = ε for every k."""

    lr: float

    def __post_init__(self):
        _checks.positive("lr", self.lr)

    def rate(self, k):
        return float(self.lr)


@dataclass(frozen=True)
class LinearDecay(Schedule):
    r"""The notes' decay: εₖ = (1 − k/τ) ε₀ + (k/τ) ε_τ for k ≤ τ, then ε_τ.

    ε_τ is usually about 1% of ε₀ :cite:p:`goodfellow2016deep`.
    """

    lr0: float
    lr_tau: float
    tau: int

    def __post_init__(self):
        _checks.positive("lr0", self.lr0)
        _checks.positive("lr_tau", self.lr_tau)
        _checks.positive_int("tau", self.tau)

    def rate(self, k):
        if k >= self.tau:
            return float(self.lr_tau)
        a = k / self.tau
        return (1 - a) * self.lr0 + a * self.lr_tau


@dataclass(frozen=True)
class Step(Schedule):
    """εₖ = ε₀ γ^⌊k / step_size⌋: multiply by γ every ``step_size`` steps."""

    lr0: float
    step_size: int
    gamma: float = 0.1

    def __post_init__(self):
        _checks.positive("lr0", self.lr0)
        _checks.positive_int("step_size", self.step_size)
        _decay_factor("gamma", self.gamma)

    def rate(self, k):
        return self.lr0 * self.gamma ** (k // self.step_size)


@dataclass(frozen=True)
class Exponential(Schedule):
    """εₖ = ε₀ γᵏ."""

    lr0: float
    gamma: float

    def __post_init__(self):
        _checks.positive("lr0", self.lr0)
        _decay_factor("gamma", self.gamma)

    def rate(self, k):
        return self.lr0 * self.gamma**k


@dataclass(frozen=True)
class Cosine(Schedule):
    r"""εₖ = ε_min + (ε₀ − ε_min)(1 + cos(πk/τ))/2 for k ≤ τ, then ε_min.

    Half a cosine wave from ε₀ down to ε_min :cite:p:`loshchilov2017sgdr`.
    """

    lr0: float
    tau: int
    lr_min: float = 0.0

    def __post_init__(self):
        _checks.positive("lr0", self.lr0)
        _checks.positive_int("tau", self.tau)
        _checks.non_negative("lr_min", self.lr_min)
        if self.lr_min > self.lr0:
            raise ValueError(f"lr_min must be <= lr0={self.lr0!r}, got lr_min={self.lr_min!r}")

    def rate(self, k):
        k = min(k, self.tau)
        return self.lr_min + (self.lr0 - self.lr_min) * (1 + math.cos(math.pi * k / self.tau)) / 2


@dataclass(frozen=True)
class LinearWarmup(Schedule):
    """Ramp up linearly for ``warmup`` steps, then follow ``schedule``.

    εₖ = (k + 1)/warmup · schedule(0) for k < warmup, then schedule(k − warmup):
    the wrapped schedule starts its own count when the warm-up ends
    :cite:p:`goyal2017accurate`. A number for ``schedule`` means a constant.
    """

    schedule: Schedule | float
    warmup: int

    def __post_init__(self):
        if not isinstance(self.schedule, Schedule):
            object.__setattr__(self, "schedule", Constant(check_lr(self.schedule, "schedule")))
        _checks.positive_int("warmup", self.warmup)

    def rate(self, k):
        if k < self.warmup:
            return (k + 1) / self.warmup * self.schedule(0)
        return self.schedule(k - self.warmup)
