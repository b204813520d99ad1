"""Plain-text cleaning (placeholder: keeps every line as body; being replaced by our own cleaner)."""

from __future__ import annotations

from eventwire.records import Cleaned, Section


def clean_text(raw: str, *, date: str | None = None, title: str | None = None) -> Cleaned:
    text = raw.strip()
    return Cleaned(text=text, sections=(Section(kind="body", start=0, end=len(text)),) if text else (),
                   title=title, published=date)
