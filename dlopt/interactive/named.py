"""Named values: what a factory takes by name, calling it with them, and naming a run.

A slider figure or an explorer moves *named values*: an optimizer's hyperparameters, the
arguments of an objective factory (``lambda kappa: quadratic_with_condition(kappa)``), the
start ``θ₀[0]``, ``θ₀[1]`` and the number of ``steps``. These helpers read the names from
the factories' signatures.
"""

from __future__ import annotations

import inspect
import numbers

START = ("θ₀[0]", "θ₀[1]", "steps")
"""The values of a :class:`~dlopt.interactive.figures.PathFigure` that belong to the run itself."""


def parameters(factory) -> dict:
    """The arguments ``factory`` (a class or a function) takes by name, with their defaults.

    An argument without a default maps to ``inspect.Parameter.empty``.
    """
    named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    signature = inspect.signature(factory)
    return {p.name: p.default for p in signature.parameters.values() if p.kind in named}


def call(factory, values: dict):
    """``factory`` called with the entries of ``values`` that it takes by name."""
    return factory(**{k: v for k, v in values.items() if k in parameters(factory)})


def defaults(*factories, given=None) -> dict:
    """The defaults of the arguments of ``factories`` by name, in order, updated by ``given``.

    A name in ``given`` that no factory takes raises ``ValueError``; arguments
    without a default and not in ``given`` are left out.
    """
    names = {name: default for f in factories for name, default in parameters(f).items()}
    if unknown := sorted(set(given or {}) - set(names)):
        raise ValueError(f"no value {unknown} is taken here; the names are {list(names)}")
    values = {**names, **(given or {})}
    return {k: v for k, v in values.items() if v is not inspect.Parameter.empty}


def listing(names, values, equals=" = ") -> str:
    """``"a = 0.1, b = 2"``: the named values, numbers to three significant digits."""
    text = {n: f"{v:.3g}" if isinstance(v := values[n], numbers.Real) else str(v) for n in names}
    return ", ".join(f"{n}{equals}{t}" for n, t in text.items())


def optimizer_name(optimizer) -> str:
    """``"SGD(lr=0.0198)"``: an optimizer and its ``hyperparameters()`` to three digits."""
    if not hasattr(optimizer, "hyperparameters"):
        return repr(optimizer)
    given = optimizer.hyperparameters()
    return f"{type(optimizer).__name__}({listing(given, given, '=')})"
