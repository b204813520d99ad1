"""The clean stage: raw documents become article text with its sections, metadata and removed parts.

HTML goes through trafilatura (:mod:`eventwire.clean.html`); plain text through our own rules
(:mod:`eventwire.clean.text`).
"""

from __future__ import annotations

from eventwire.clean.html import clean_html
from eventwire.clean.text import clean_text
from eventwire.records import Cleaned, Document

__all__ = ["clean", "clean_html", "clean_text"]


def clean(document: Document) -> Cleaned:
    """Clean one raw document, HTML or plain text.

    The input's own metadata (``date``, ``title``) is used where the content says nothing better.

    >>> clean(Document(source=..., content="Rain in Paris\\n\\nIt rained.")).title  # doctest: +SKIP
    'Rain in Paris'
    """
    if document.is_html:
        return clean_html(document.content, url=document.source.url, date=document.date, title=document.title)
    return clean_text(document.content, date=document.date, title=document.title)
