"""Sphinx extension: plain-text math in dlopt's docstrings renders as written.

dlopt's docstrings write math in Unicode so that ``help()`` reads well:
``J_B(θ) = (1/|B|) Σ ...``, ``|gᵢ − ĝᵢ|``. In reStructuredText ``|B|`` is a
substitution reference, an error under ``-W``. This hook escapes such pipes
before autodoc parses a docstring, outside inline literals and roles (text
between backquotes, where ``|x|`` in ``:math:`|x|``` must stay as it is).
"""

from __future__ import annotations

import re

_PIPE_PAIR = re.compile(r"\|([^|\s][^|]*?)\|")
_QUOTED = re.compile(r"(``.*?``|`[^`]*`)")


def escape_pipes(line: str) -> str:
    """Escape ``|x|`` pairs in a docstring line, leaving quoted spans alone."""
    if line.lstrip().startswith(("|", "+")):  # a line block or a grid table
        return line
    parts = _QUOTED.split(line)
    parts[::2] = [_PIPE_PAIR.sub(r"\\|\1\\|", p) for p in parts[::2]]
    return "".join(parts)


def _process(app, what, name, obj, options, lines) -> None:
    lines[:] = [escape_pipes(line) for line in lines]


def setup(app):
    app.connect("autodoc-process-docstring", _process)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
