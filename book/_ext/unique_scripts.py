"""Sphinx extension: each inline script once per page.

Jupyter Book 1 sets up sphinx-thebe's configuration script twice, so every page
declared ``const THEBE_JS_URL`` twice and the browser reported a SyntaxError on
each page load. This drops repeated script entries (same file, same body and attributes,
whatever their priority)
before the page is written.
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
