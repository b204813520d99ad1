"""HTML cleaning through trafilatura (placeholder)."""

from __future__ import annotations

import trafilatura

from eventwire.records import Cleaned, Section


def clean_html(html: str, *, url: str | None = None, date: str | None = None,
               title: str | None = None) -> Cleaned:
    text = trafilatura.extract(html, url=url) or ""
    return Cleaned(text=text, sections=(Section(kind="body", start=0, end=len(text)),) if text else (),
                   title=title, published=date)
