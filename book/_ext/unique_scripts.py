"""Sphinx extension: each inline script once per page.

Without it every page declares sphinx-thebe's ``const THEBE_JS_URL`` twice, and the
browser reports a SyntaxError on each page load. This drops repeated script entries
(same file, same body and attributes, whatever their priority; a file of ``None`` and
one of ``""`` are the same inline script) before the page is written.

The bug is Sphinx's, reached through Jupyter Book 1: sphinx-thebe adds its inline
configuration script with ``app.add_js_file(None, body=...)`` from
``env-before-read-docs``, after the HTML builder was set up. ``Sphinx.add_js_file``
hands the script to the builder as filename ``None`` and also records it in the
registry; ``StandaloneHTMLBuilder.prepare_writing`` then adds the registry's scripts
again as filename ``""``, and since ``None != ""`` the builder keeps both. Upstream:
sphinx-doc/sphinx#13402 ("Sphinx.add_js_file(): replace None filename with '' before
passing to HTML builder", the fix of "redeclaration of const THEBE_JS_URL"), released in
Sphinx 8.2.2.

Seen with the versions of requirements.txt: jupyter-book==1.0.4.post1 (which requires
sphinx~=7.0, so Sphinx 7.4.7 is installed; its sphinx-thebe is 0.3.1) and
sphinx-book-theme==1.3.0. Drop this extension once the book builds with Sphinx >= 8.2.2
(a Jupyter Book that allows it), after checking that a built page holds one
``THEBE_JS_URL``.
"""

from __future__ import annotations


def _dedupe(app, pagename, templatename, context, doctree) -> None:
    scripts, seen = [], set()
    for script in context.get("script_files", []):
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            scripts.append(script)
    context["script_files"] = scripts


def setup(app):
    app.connect("html-page-context", _dedupe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
