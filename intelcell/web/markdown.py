"""Markdown written by analysts, rendered safely: CommonMark with raw HTML shown as text.

``html=False`` makes markdown-it escape every tag an author types (``<script>`` shows as text);
its link validation drops ``javascript:``, ``vbscript:``, ``file:`` and ``data:`` targets; images
are switched off so a report cannot make a reader's browser fetch an outside address (the page's
CSP would block it anyway). Malformed Markdown cannot fail: CommonMark gives every text a reading.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

_RENDERER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")


def render_markdown(text: str) -> Markup:
    """The HTML of ``text`` as Markdown, safe to place in a page."""
    return Markup(_RENDERER.render(text))
