"""Numbers for the book's prose: a value computed in a cell, quoted in the text.

A sentence such as "the loss falls to 0.013" must not drift from the cell that computed 0.013.
The chapters therefore hand each quoted number to the prose with :func:`glue`, and the text
quotes it with myst-nb's role, ``{glue:text}`name```. The stored output holds the number as
formatted text, so nbval compares it like any printed output: the prose is a regression test.
"""

__all__ = ["below", "glue"]


def glue(name, text):
    """Store ``text``, a number already formatted for the prose, under ``name``.

    Parameters
    ----------
    name : str
        The key the chapter's Markdown quotes, ``{glue:text}`name```.
    text : str
        The number as the prose shows it, e.g. ``f"{loss:.3f}"``: format it with only the
        digits that survive a change of CPU, since the stored text is compared on every
        machine that runs the tests.

    Where myst-nb is installed (the book's build, the tests) the value is stored for the book
    and shows nothing in the notebook; elsewhere (Colab installs only dlopt) it is printed.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"glue: name must be an identifier-like string, got {name!r}")
    if not isinstance(text, str):
        raise TypeError(
            f"glue: text must be a formatted string (e.g. f'{{x:.3f}}'), got {text!r} "
            f"of type {type(text).__name__}: a raw float stores every digit, and the last "
            "ones differ between CPUs"
        )
    try:
        from myst_nb import glue as store
    except ImportError:
        print(f"{name}: {text}")
        return
    store(name, text, display=False)


def below(value, bound):
    """Say "below 1e-12" for a rounding-level residual instead of printing its last bits.

    A residual such as ``‖Aθ − b‖`` after an exact solve is rounding noise: its digits change
    with the CPU (1.5e-15 on one, 8.3e-16 on another), while "below 1e-12" holds on all of them.

    Parameters
    ----------
    value : float
        The residual, error or gap; its absolute value is compared.
    bound : float
        A bound that holds with a wide margin, e.g. ``1e-12`` for double-precision rounding.

    Returns
    -------
    str
        ``f"below {bound:.0e}"``, e.g. ``"below 1e-12"``.

    Raises
    ------
    ValueError
        If ``|value|`` is not below ``bound`` (or is not finite): the claim the text makes
        would be false, so the notebook stops instead of printing it.
    """
    if not float(bound) > 0:
        raise ValueError(f"below: bound must be positive, got {bound!r}")
    if not abs(float(value)) < bound:
        raise ValueError(f"below: value {float(value):.3e} is not below bound {bound:.0e}")
    return f"below {bound:.0e}"
