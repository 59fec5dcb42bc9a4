"""Sphinx extension: bibliography entries as list items, not the deprecated doc-biblioentry.

docutils 0.21 (``_html_base.HTMLTranslator.visit_citation``) wraps the citations of a page in
``<div role="list">`` and marks each one ``role="doc-biblioentry"``. DPUB-ARIA 1.1 deprecated
that role (w3c/dpub-aria#22), and a list whose children are not list items breaks ARIA's
required-children rule; axe-core reports both (aria-deprecated-role, aria-required-children)
on the bibliography page. Each entry here is a ``role="listitem"`` instead: the same list,
announced as one. Drop this extension once the translator Sphinx uses emits list items.
"""

from __future__ import annotations


def _visit_citation(self, node) -> None:
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def _patch_translator(app) -> None:
    """Subclass whatever translator the theme set up (pydata-sphinx-theme's, for HTML)."""
    translator = app.builder.get_translator_class()
    if translator is not None and hasattr(translator, "visit_citation"):
        app.set_translator(
            app.builder.name,
            type("AccessibleCitations", (translator,), {"visit_citation": _visit_citation}),
            override=True,
        )


def setup(app):
    app.connect("builder-inited", _patch_translator, priority=900)  # after the theme's
    return {"parallel_read_safe": True, "parallel_write_safe": True}
