"""Sphinx extension: no dead controls on the static page.

A notebook cell tagged ``live-widget`` builds an ipywidgets explorer, which
needs a running kernel. On the rendered page its output (an empty widget box
without a kernel) is replaced by a note that says so and links to the
notebook on Binder and Colab. A cell that displays a widget without the tag
is reported as a build warning, so ``make book`` (warnings as errors) fails
until the author tags it. No widget is rendered on the page, so the notebooks store no
widget state (``make refresh`` executes them with ``store_widget_state=False``) and
``nb_ipywidgets_js: {}`` in _config.yml drops the widget manager.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

TAG = "live-widget"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
logger = logging.getLogger(__name__)


def _launch_links(app, docname: str) -> list[tuple[str, str]]:
    options = app.config.html_theme_options
    launch = options.get("launch_buttons", {})
    repo = options.get("repository_url", "").rstrip("/")
    branch = options.get("repository_branch", "main")
    path = f"{options.get('path_to_docs', '').strip('/')}/{docname}.ipynb".lstrip("/")
    slug = repo.removeprefix("https://github.com/")
    links = []
    if launch.get("binderhub_url"):
        binder = launch["binderhub_url"].rstrip("/")
        links.append(("Binder", f"{binder}/v2/gh/{slug}/{branch}?urlpath=lab/tree/{path}"))
    if launch.get("colab_url"):
        colab = launch["colab_url"].rstrip("/")
        links.append(("Colab", f"{colab}/github/{slug}/blob/{branch}/{path}"))
    return links


def _note(app, docname: str) -> nodes.admonition:
    note = nodes.admonition(classes=["live-widget-note", "tip"])
    note += nodes.title(text="Live sliders: run this page to use them")
    para = nodes.paragraph(
        text="The cell above builds an interactive explorer that needs a running Python "
        "kernel, so it shows nothing on this static page. Open the notebook in "
    )
    for i, (name, url) in enumerate(_launch_links(app, docname)):
        if i:
            para += nodes.Text(" or ")
        para += nodes.reference(text=name, refuri=url)
    para += nodes.Text(" (the rocket icon at the top does the same), or run it locally with ")
    para += nodes.literal(text="make lab")
    para += nodes.Text(".")
    note += para
    return note


def _shows_widget(cell: nodes.Element) -> bool:
    return any(WIDGET_MIME in node.astext() for node in cell.findall(nodes.raw))


class LiveWidgetCells(SphinxPostTransform):
    """Swap the output of each ``live-widget`` cell for a launch note."""

    default_priority = 100
    formats = ("html",)

    def run(self, **kwargs) -> None:
        docname = self.env.docname
        for cell in list(self.document.findall(nodes.container)):
            if cell.get("nb_element") != "cell_code":
                continue
            if f"tag_{TAG}" not in cell["classes"]:
                if _shows_widget(cell):
                    logger.warning(
                        "cell %s displays a live widget but is not tagged %r",
                        cell.get("cell_index", "?") + 1,
                        TAG,
                        location=cell,
                    )
                continue
            for child in list(cell.children):
                if child.get("nb_element") == "cell_code_output":
                    cell.remove(child)
            cell += _note(self.app, docname)


def setup(app):
    app.add_post_transform(LiveWidgetCells)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
