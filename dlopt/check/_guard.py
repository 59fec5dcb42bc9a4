"""Refuse a student function that hands the work to dlopt itself.

A check compares the student's function with dlopt's optimizer, so a function that
calls that optimizer (its ``step``, its ``box``, its ``arguments``) or
:func:`dlopt.minimize` / :func:`dlopt.fit` passes without being an implementation.
While the student's function runs, :class:`OwnWork` puts guards in place of those
attributes; a guard records the call and raises :class:`_Wrapped`, and on leaving,
the originals come back and a recorded call becomes a :class:`CheckFailed`. The
check's own reference runs happen outside, so they are never guarded.

A student's own subclass of :class:`dlopt.optim.FirstOrder` with its own ``box`` may
use the shared ``step``; a subclass that inherits a dlopt box is stopped at the box.
"""

from __future__ import annotations

import dlopt
from dlopt import train
from dlopt.check._core import CheckFailed
from dlopt.optim import Optimizer

METHODS = ("step", "box", "arguments")
FUNCTIONS = ((dlopt, "minimize"), (dlopt, "fit"), (train, "minimize"), (train, "fit"))
MISSING = object()


class _Wrapped(BaseException):
    """Raised by a guard; a BaseException so that ``except Exception`` does not hide it."""


def _dlopt_classes() -> list[type]:
    """Optimizer and its subclasses defined in dlopt (not in the student's notebook)."""
    found, todo = [], [Optimizer]
    while todo:
        cls = todo.pop()
        if cls.__module__.startswith("dlopt.") and not cls.__module__.startswith("dlopt.check"):
            found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def _public(cls: type) -> str:
    return f"{'.'.join(cls.__module__.split('.')[:2])}.{cls.__name__}"


class OwnWork:
    """``with OwnWork("adam_run"): student(...)`` fails if the student calls dlopt's algorithm."""

    def __init__(self, function: str):
        self.function, self.calls, self.saved = function, [], []

    def _guard(self, name: str, original=None):
        def guard(*args, **kwargs):
            owner = args[0] if args else None
            if original is not None and not type(owner).__module__.startswith("dlopt."):
                return original(*args, **kwargs)  # a student's subclass, with its own box
            self.calls.append(name if original is None else _public(type(owner)))
            raise _Wrapped(name)

        return guard

    def _swap(self, owner, attribute: str, replacement) -> None:
        self.saved.append((owner, attribute, vars(owner).get(attribute, MISSING)))
        setattr(owner, attribute, replacement)

    def __enter__(self):
        for cls in _dlopt_classes():
            for method in METHODS:
                if method == "box" and hasattr(cls, "box"):  # a static method: no self
                    self._swap(cls, "box", staticmethod(self._guard(f"{_public(cls)}.box")))
                elif method in vars(cls):
                    self._swap(cls, method, self._guard(method, vars(cls)[method]))
        for module, name in FUNCTIONS:
            self._swap(module, name, self._guard(f"dlopt.{name}"))
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        for owner, attribute, original in reversed(self.saved):
            if original is MISSING:
                delattr(owner, attribute)
            else:
                setattr(owner, attribute, original)
        self.saved = []
        if self.calls:
            raise CheckFailed(
                f"{self.function}: your function calls {self.calls[0]}: write the update "
                "yourself (the check compares it with dlopt's, so calling dlopt proves nothing)."
            ) from None
        return False
