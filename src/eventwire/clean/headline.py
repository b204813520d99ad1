"""Choosing an HTML page's headline and metadata: the ``<title>`` split from its site name, checked
against the headings the page itself shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eventwire.clean.html_lexicon import HtmlLexicon

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4"})
_HEADLINE_CLASS = re.compile(r"head|title|\bhed\b", re.IGNORECASE)
_BROKEN_TITLE = re.compile(r"[<>{}\\]|-->|\+ \w+ \+")
_DOMAIN = re.compile(r"\w\.(com|net|org|co\.uk|com\.au|ca|in)\b", re.IGNORECASE)
_INVISIBLE = frozenset({"script", "style", "noscript", "head", "title", "meta", "link", "template"})
_DATED = re.compile(r"\b(?:19|20)\d\d\b.*|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b",
                    re.IGNORECASE)
_DOMAIN_AFFIXES = re.compile(r"^www\.|\.(com|co\.uk|org|net|ca|co|au|in|uk|nz)$")

# --- metadata ----------------------------------------------------------------------------------------

def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _key(text: str) -> str:
    """A comparison key: lower case, words only."""
    return " ".join(_WORD.findall(text.casefold()))


def _split_title(title: str, separators: tuple[str, ...]) -> list[str]:
    parts = [title]
    for separator in separators:
        parts = [piece for part in parts for piece in part.split(separator)]
    return [part.strip(" -:") for part in parts if part.strip(" -:")]


def _site_keys(sitename: str | None, hostname: str | None) -> set[str]:
    keys = set()
    for name in (sitename, hostname):
        if name:
            keys.add(_key(name))
            keys.add(_key(_DOMAIN_AFFIXES.sub("", name.casefold())))
    return {key for key in keys if len(key) >= 3}


def _is_site(part: str, site_keys: set[str]) -> bool:
    """Whether a piece of a ``<title>`` names the site (or a list of its sections), not the article."""
    key = _key(part)
    if not key or key in site_keys or _DOMAIN.search(part) or part.count(",") >= 3:
        return True
    squashed = key.replace(" ", "")
    for site in site_keys:
        site_squashed = site.replace(" ", "")
        if len(squashed) >= 4 and squashed in site_squashed:
            return True
        if _words(part) <= 6 and len(site_squashed) >= 4 and squashed.startswith(site_squashed):
            return True
    return False


@dataclass(frozen=True, slots=True, kw_only=True)
class PageHeadings:
    """What the page shows that may be its headline."""

    all: list[str]
    """Headline-like elements (h1–h4, a class or id naming a headline), in page order."""
    before_body: str | None = None
    """The last headline-like element before the article text."""
    short_before_body: str | None = None
    """The last short line of plain text (not a link, not furniture) before the article text."""
    shown: dict[str, str] = field(default_factory=dict)
    """The whole text of every small element of the page, by comparison key (headings win)."""
    order: dict[str, int] = field(default_factory=dict)
    """Where each shown text first occurs (element count from the top of the page)."""
    body_at: int | None = None
    """Where the article text starts (same count), if found."""


def choose_title(page_title: str | None, meta_title: str | None, headings: PageHeadings,
                 site_keys: set[str], lexicon: HtmlLexicon) -> str | None:
    """The article's headline.

    Candidates are the pieces of the ``<title>`` (split at " - ", " | " … and, weaker, ": ") that do
    not name the site. In order of trust: a piece of three words or more that the page also shows as
    an element of its own (the one nearest above the article text, else the longest); the
    headline-like element right above the article text; a piece of four words or more; the last short
    plain line above the article text; any shown piece; any piece; the first heading.

    >>> from eventwire.clean.html_lexicon import load_html_lexicon
    >>> shown = PageHeadings(all=["Rain in Paris"], shown={"rain in paris": "Rain in Paris"})
    >>> choose_title("Rain in Paris - Daily Planet", None, shown, {"daily planet"}, load_html_lexicon())
    'Rain in Paris'
    """
    strong: dict[str, str] = {}
    weak: dict[str, str] = {}
    for full in (meta_title, page_title):
        # " > " separates breadcrumb steps ("Site > News > Headline"); other angle brackets are markup
        if not full or _BROKEN_TITLE.search(full.replace(" > ", " ")):
            continue
        pieces = _split_title(full, lexicon.separators)
        for piece in {full, *pieces}:
            smaller_pieces = _split_title(piece, lexicon.weak_separators)
            # "Headline: Section: Site" is a chain of weak separators that is as good as a strong one
            chained = len(smaller_pieces) >= 3
            if not _is_site(piece, site_keys):
                whole = piece == full and (len(pieces) > 1 or chained)
                (weak if whole else strong).setdefault(_key(piece), piece)
            for smaller in smaller_pieces:
                if smaller != piece and not _is_site(smaller, site_keys):
                    (strong if chained else weak).setdefault(_key(smaller), smaller)
    # the page's own spelling of a piece wins over the <title>'s (case, quotes, symbols)
    shown = [key for key in {**weak, **strong} if key in headings.shown]
    long_shown = [key for key in shown if _words(key) >= 3]
    above = [key for key in long_shown
             if headings.body_at is not None and headings.order.get(key, 1 << 30) < headings.body_at]
    before = headings.before_body
    if before:
        # a heading that is a piece plus a date or a dek: the piece is the headline
        before_key = _key(before)
        before = next((strong[key] for key in strong
                       if _words(key) >= 3 and before_key.startswith(key + " ")), before)
    ranked: tuple[list[str], ...] = (
        [headings.shown[max(above, key=lambda key: headings.order[key])]] if above else [],
        [headings.shown[key] for key in long_shown],
        [before] if before else [],
        [piece for piece in strong.values() if _words(piece) >= 4],
        [headings.short_before_body] if headings.short_before_body else [],
        [headings.shown[key] for key in shown],
        list(strong.values()),
        headings.all[:1],
    )
    for candidates in ranked:
        if candidates:
            return max(candidates, key=_words)
    return None


def _headline_like(element: Any) -> bool:
    tag = element.tag.lower()
    if tag in _HEADING_TAGS:
        return True
    marks = f"{element.get('class') or ''} {element.get('id') or ''}"
    return bool(_HEADLINE_CLASS.search(marks))


def _page_headings(tree: Any, first_paragraph: str | None,
                   is_boilerplate: Callable[[str], bool]) -> PageHeadings:
    """Headline candidates the page shows, and where they stand relative to ``first_paragraph``."""
    anchor = _key(first_paragraph)[:40] if first_paragraph else None
    found: list[str] = []
    shown: dict[str, str] = {}
    order: dict[str, int] = {}
    before_body: str | None = None
    short_line: str | None = None
    body_at: int | None = None
    for position, element in enumerate(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in _INVISIBLE:
            continue
        if anchor and body_at is None and anchor in _key(f"{element.text or ''} {element.tail or ''}"):
            body_at = position
            # a heading that is only a date (and a place) stands between headline and text
            undated = [text for text in found if not _DATED.search(text) or _words(text) > 10]
            before_body = undated[-1] if undated else None
        if len(element) > 4:
            continue
        text = _SPACE.sub(" ", element.text_content()).strip()
        if not 1 <= len(text) <= 300:
            continue
        key = _key(text)
        shown.setdefault(key, text)
        order.setdefault(key, position)
        if not 2 <= _words(text) <= 40 or is_boilerplate(text):
            continue
        if _headline_like(element):
            found.append(text)
        if (body_at is None and element.tag != "a" and element.getparent() is not None
                and element.getparent().tag != "a" and _words(text) <= 25 and not text.endswith(".")):
            short_line = text
    shown.update((_key(text), text) for text in reversed(found))
    return PageHeadings(all=found, before_body=before_body, short_before_body=short_line if body_at else None,
                        shown=shown, order=order, body_at=body_at)




def _sitename(meta: dict[str, Any]) -> str | None:
    """trafilatura's site name, unless it is really the headline (it sometimes takes one for the other)."""
    sitename: str | None = meta.get("sitename")
    if not sitename or _words(sitename) > 8 or _key(sitename) == _key(meta.get("title") or ""):
        return None
    return sitename


def _page_title(tree: Any) -> str | None:
    element = tree.find(".//title")
    if element is None:
        return None
    text = _SPACE.sub(" ", element.text_content()).strip()
    return text or None
