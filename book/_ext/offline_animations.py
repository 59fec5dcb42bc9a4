"""Sphinx extension: slider figures that need no network.

``matplotlib.animation.Animation.to_jshtml()`` output starts with a stylesheet
link to Font Awesome 4 on a CDN, for the icons of its play buttons. The book's
theme already ships Font Awesome (as a local script that draws ``fa fa-play``
and the other icons), so the link is only a request to another host that an
offline reader cannot make. This removes it from notebook HTML outputs.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

CDN_STYLESHEET = re.compile(
    r'<link\s+rel="stylesheet"\s+href="https://[^"]*/font-awesome/[^"]*\.css"\s*/?>\s*'
)


class OfflineAnimations(SphinxPostTransform):
    default_priority = 100
    formats = ("html",)

    def run(self, **kwargs) -> None:
        for raw in list(self.document.findall(nodes.raw)):
            text = raw.astext()
            if "html" in raw.get("format", "") and CDN_STYLESHEET.search(text):
                new = nodes.raw("", CDN_STYLESHEET.sub("", text), format=raw["format"])
                raw.replace_self(new)


def setup(app):
    app.add_post_transform(OfflineAnimations)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
