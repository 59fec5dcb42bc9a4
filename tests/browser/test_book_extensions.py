"""The book's own Sphinx extensions (book/_ext), on hand-written inputs."""

import importlib.util
import pathlib

from sphinx.builders.html._assets import _JavaScript  # what html-page-context hands over

EXT = pathlib.Path(__file__).resolve().parents[2] / "book" / "_ext"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXT / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pipes_of_plain_text_math_are_escaped():
    escape = load("plain_math_docstrings").escape_pipes
    assert escape("J_B(θ) = (1/|B|) Σ L") == r"J_B(θ) = (1/\|B\|) Σ L"
    assert escape("max |gᵢ − ĝᵢ| / |gᵢ|") == r"max \|gᵢ − ĝᵢ\| / \|gᵢ\|"


def test_pipes_in_literals_roles_and_line_blocks_are_kept():
    escape = load("plain_math_docstrings").escape_pipes
    for line in [":math:`|x|` is the norm", "``a|b|c``", "| a line block |", "a || b"]:
        assert escape(line) == line


def test_an_inline_script_added_as_none_and_as_empty_is_written_once():
    body = 'const THEBE_JS_URL = "u"'
    inline = [_JavaScript(None, body=body), _JavaScript("", body=body)]  # one script, twice
    scripts = [_JavaScript("_static/a.js"), *inline]
    context = {"script_files": scripts}
    load("unique_scripts")._dedupe(None, "intro", "page.html", context, None)
    assert context["script_files"] == scripts[:2]
