"""mkdocs hook: figure captions are read as Markdown, so their maths is typeset like the text.

Chapters draw figures as ``<figure markdown="span">`` holding an image and a
``<figcaption>``. md_in_html leaves a plain ``<figcaption>`` as raw HTML, where ``$...$``
would reach the reader as TeX; this marks every caption ``markdown="span"``.
"""

from __future__ import annotations


def on_page_markdown(markdown: str, **kwargs) -> str:
    return markdown.replace("<figcaption>", '<figcaption markdown="span">')
