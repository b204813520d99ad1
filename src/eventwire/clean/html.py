"""HTML cleaning: trafilatura finds the article in a page, our rules tidy what it kept.

The steps of :func:`clean_html`:

1. repair markup that would hide the whole page from a parser (a ``<!DOCTYPE`` or ``<title>`` that is
   never closed swallows everything after it);
2. let trafilatura pick the main content (as a tree) and the metadata (title, authors, date, site);
   if it finds almost nothing, retry with ``favor_recall`` and keep the longer result;
3. split the content tree into blocks (paragraphs, headings, list items, table cells) and drop the
   blocks that are still page furniture — bylines, datelines, share prompts, copyright lines, related
   links, comment prompts, link lists — by the rules in ``data/html_boilerplate.toml``;
4. choose the headline: a piece of the ``<title>`` (site name split off) that the page also shows as
   an element of its own, else the heading right above the article text, else the longest piece;
5. build ``text`` (title, captions, then body paragraphs, ``"\\n\\n"`` between blocks) with exact
   sections, and record in ``removed`` every dropped block plus one summary of the page text that
   trafilatura itself left out.

Empty or unparseable HTML gives an empty :class:`Cleaned` (``text == ""``, no sections) whose
``removed`` says why; it never raises, so a batch goes on and the caller decides what to record.
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass
from typing import Any

import trafilatura
from htmldate import find_date
from trafilatura.utils import load_html

from eventwire.clean.headline import (
    _SPACE,
    _WORD,
    _key,
    _page_headings,
    _page_title,
    _site_keys,
    _sitename,
    _words,
    choose_title,
)
from eventwire.clean.html_lexicon import HtmlLexicon, load_html_lexicon
from eventwire.records import Cleaned, Removed, Section, SectionKind

logger = logging.getLogger(__name__)

_DOCTYPE_UNCLOSED = re.compile(r"<!DOCTYPE[^<>]*(?=<)", re.IGNORECASE)
_TITLE_OPEN = re.compile(r"<title\b[^>]*>", re.IGNORECASE)
_TAG_START = re.compile(r"<[A-Za-z/!]")
_NESTING_TAGS = r"(?:div|span|section|article|main|aside|font|center|b|i|u|em|strong|small|blockquote|ul|ol|li)"
# A run of 20 or more container tags opened (or closed) in a row: a page nested deeper than lxml's limit
# of 256 levels loses everything below it, so each run becomes its first tag.
_OPEN_RUN = re.compile(rf"(<{_NESTING_TAGS}\b[^<>]*>)(?:\s*<{_NESTING_TAGS}\b[^<>]*>){{19,}}", re.IGNORECASE)
_CLOSE_RUN = re.compile(rf"(</{_NESTING_TAGS}\s*>)(?:\s*</{_NESTING_TAGS}\s*>){{19,}}", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|\band\b|&)\s*")
_BYLINE_NAME = re.compile(r"^(?:by|written by|reported by)[:\s]\s*(?P<names>[^,|(]{3,80})", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_VISIBLE_TEXT = ("//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
                 " or ancestor::template)]")
_CAPTIONS = "//figcaption|//*[contains(@class, 'caption') or contains(@id, 'caption')]"
_INVISIBLE = frozenset({"script", "style", "noscript", "head", "title", "meta", "link", "template"})
_BLOCK_TAGS = frozenset({"p", "head", "item", "cell", "quote", "list", "table", "row", "div", "code",
                         "li", "td", "tr", "headline", "author", "blockquote"})
_DATE_PARAMS: dict[str, Any] = {"original_date": True, "extensive_search": False}
"""htmldate settings for the first try: markup and URL only, the most trustworthy sources."""
_DATE_SEARCH_PARAMS: dict[str, Any] = {"original_date": True, "extensive_search": True}
"""The last resort, after the input's own date: htmldate's pattern search over the page text."""




# --- repair and extraction ---------------------------------------------------------------------------

def repair_markup(html: str) -> str:
    """Close a ``<!DOCTYPE`` or ``<title>`` left open, which would otherwise swallow the page, and flatten
    runs of nested containers (``<div>`` × 5000) that would take the page beyond the parser's depth limit.

    >>> repair_markup("<html><title>Rain<div><p>It rained.</p></div></html>")
    '<html><title>Rain</title><div><p>It rained.</p></div></html>'
    >>> repair_markup("<body>" + "<div>" * 300 + "<p>Deep.</p>" + "</div>" * 300)
    '<body><div><p>Deep.</p></div>'
    """
    html = _DOCTYPE_UNCLOSED.sub("", html[:2000], count=1) + html[2000:]
    html = _CLOSE_RUN.sub(r"\1", _OPEN_RUN.sub(r"\1", html))
    opening = _TITLE_OPEN.search(html)
    if opening is None:
        return html
    tag = _TAG_START.search(html, opening.end())
    if tag is None or html[tag.start():tag.start() + 7].lower() == "</title":
        return html
    # the title text ends at the first tag or line break, whichever comes first
    end = min(tag.start(), html.find("\n", opening.end()) % (len(html) + 1))
    return html[:end] + "</title>" + html[end:]


def _extract(tree: Any, url: str | None, *, recall: bool) -> Any:
    """trafilatura's document (metadata and content tree), or None when it finds nothing."""
    try:
        return trafilatura.bare_extraction(
            tree, url=url, with_metadata=True, include_comments=False, include_tables=True,
            include_images=True, include_links=True, favor_recall=recall,
            date_extraction_params=dict(_DATE_PARAMS),
        )
    # trafilatura raises assorted errors on odd markup; one page must not stop a batch
    except Exception as exc:  # noqa: BLE001
        logger.warning("trafilatura failed on %s: %s", url or "a page", exc)
        return None


# --- blocks ------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class _Block:
    text: str
    tag: str
    link_ratio: float


class _BlockWriter:
    """Cuts trafilatura's content tree into blocks at block-level elements and line breaks."""

    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self.image_texts: set[str] = set()
        self._parts: list[str] = []
        self._link_chars = 0
        self._tags: list[str] = ["p"]

    def _add(self, text: str | None, in_link: bool) -> None:
        if text:
            self._parts.append(text)
            if in_link:
                self._link_chars += len(text)

    def _flush(self) -> None:
        raw = "".join(self._parts)
        text = _SPACE.sub(" ", raw).strip()
        if text:
            ratio = min(1.0, self._link_chars / max(1, len(raw.strip())))
            self.blocks.append(_Block(text=text, tag=self._tags[-1], link_ratio=ratio))
        self._parts.clear()
        self._link_chars = 0

    def walk(self, element: Any, in_link: bool = False) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "lb":
            self._flush()
        elif tag == "graphic":
            for attribute in ("alt", "title"):
                value = _SPACE.sub(" ", element.get(attribute) or "").strip()
                if value:
                    self.image_texts.add(value.casefold())
        elif tag:
            is_block = tag in _BLOCK_TAGS
            if is_block:
                self._flush()
                self._tags.append(tag)
            link = in_link or tag == "ref"
            self._add(element.text, link)
            for child in element:
                self.walk(child, link)
            if is_block:
                self._flush()
                self._tags.pop()
        self._add(element.tail, in_link)

    def finish(self) -> None:
        self._flush()


def _blocks(body: Any) -> tuple[list[_Block], set[str]]:
    """The blocks of a content tree and the alt/title texts of its images (lower-cased)."""
    writer = _BlockWriter()
    writer.walk(body)
    writer.finish()
    return writer.blocks, writer.image_texts


def _furniture(block: _Block, lexicon: HtmlLexicon) -> str | None:
    """Why a block is page furniture rather than article text, or None if it is text."""
    words = _words(block.text)
    if words == 0:
        return "boilerplate"
    if words <= lexicon.max_words:
        for reason, pattern in lexicon.reasons:
            if pattern.search(block.text):
                return reason
    if words <= lexicon.link_block_words and block.link_ratio > lexicon.link_ratio:
        return "navigation"
    return None


def _tail_reason(block: _Block, lexicon: HtmlLexicon) -> str | None:
    if _words(block.text) > lexicon.tail_max_words:
        return None
    for reason, pattern in lexicon.tail:
        if pattern.search(block.text):
            return reason
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Sorted:
    body: list[str]
    deks: list[str]
    captions: list[str]
    removed: list[Removed]


def _teasers(blocks: list[_Block], lexicon: HtmlLexicon) -> set[int]:
    """Indexes of teaser paragraphs: the text under each linked headline of a list of other stories.

    A lone linked line before a paragraph may be a kicker of the article itself; two or more
    (linked headline, paragraph) pairs in a row are a list of other stories.
    """
    def headline_link(index: int) -> bool:
        block = blocks[index]
        return block.link_ratio >= 0.9 and 2 <= _words(block.text) <= lexicon.max_words

    def prose(index: int) -> bool:
        block = blocks[index]
        return block.link_ratio < lexicon.link_ratio and _words(block.text) >= 8

    pairs = [i for i in range(len(blocks) - 1) if headline_link(i) and prose(i + 1)]
    teasers: set[int] = set()
    for first, second in itertools.pairwise(pairs):
        if second - first == 2:
            teasers.update((first + 1, second + 1))
    return teasers


def _sort_blocks(blocks: list[_Block], image_texts: set[str], headline: str | None,
                 lexicon: HtmlLexicon) -> _Sorted:
    """Split blocks into body paragraphs, captions and removed furniture."""
    body: list[str] = []
    deks: list[str] = []
    captions: list[str] = []
    removed: list[Removed] = []
    headline_key = _key(headline) if headline else None
    teasers = _teasers(blocks, lexicon)
    body_words = 0
    tail: str | None = None
    for index, block in enumerate(blocks):
        if tail == "comment":
            removed.append(Removed(text=block.text, reason="comment"))
            continue
        if headline_key and not body and _key(block.text) == headline_key:
            continue  # the headline itself: it opens the text as the title section
        opens_tail = _tail_reason(block, lexicon)
        if opens_tail:
            if body_words >= lexicon.min_body_words:
                tail = opens_tail
            removed.append(Removed(text=block.text, reason=opens_tail))
            continue
        if tail is not None:
            if _words(block.text) <= lexicon.link_block_words or block.link_ratio > lexicon.link_ratio:
                removed.append(Removed(text=block.text, reason=tail))
                continue
            tail = None
        if index in teasers:
            removed.append(Removed(text=block.text, reason="related"))
            continue
        if block.text.casefold() in image_texts or lexicon.caption.search(block.text):
            captions.append(block.text)
            continue
        reason = _furniture(block, lexicon)
        if reason:
            removed.append(Removed(text=block.text, reason=reason))
        elif block.tag == "head" and not body and _words(block.text) <= lexicon.max_words:
            deks.append(block.text)  # a subheading between headline and first paragraph
        else:
            body.append(block.text)
            body_words += _words(block.text)
    return _Sorted(body=body, deks=deks, captions=captions, removed=removed)



def split_authors(author: str | None) -> tuple[str, ...]:
    """trafilatura's ``"A; B"`` author string as names, without dates, roles and photo credits.

    >>> split_authors("Jane Roe; John Doe; Staff Writer")
    ('Jane Roe', 'John Doe')
    """
    if not author:
        return ()
    not_author = load_html_lexicon().not_author
    names = [_SPACE.sub(" ", name).strip(" ,.") for name in _AUTHOR_SPLIT.split(author)]
    return tuple(dict.fromkeys(name for name in names if _words(name) >= 1 and not not_author.search(name)))


def _byline_authors(removed: list[Removed]) -> tuple[str, ...]:
    for item in removed:
        if item.reason == "byline":
            match = _BYLINE_NAME.match(item.text)
            if match:
                return split_authors(match.group("names"))
    return ()


def _publisher(sitename: str | None, hostname: str | None) -> str | None:
    if sitename:
        name = re.sub(r"(?i)^\s*(copyright|\(c\)|©)\s*(\d{4}\s*)?", "", sitename).strip()
        if name:
            return name
    return hostname.removeprefix("www.") if hostname else None


def _published(found: str | None, given: str | None, tree: Any = None, url: str | None = None) -> str | None:
    """The publication date: the page's markup or URL, else the input's own date, else a search of
    the page's text (run only when both are silent)."""
    if found and _DATE.match(found):
        return found
    if given and _DATE.match(given[:10]):
        return given[:10]
    if tree is not None:
        try:
            searched = find_date(tree, url=url, **_DATE_SEARCH_PARAMS)
        # htmldate trips on odd markup; a missing date must not fail a page
        except Exception as exc:  # noqa: BLE001
            logger.debug("date search failed on %s: %s", url or "a page", exc)
            return None
        return searched if isinstance(searched, str) and _DATE.match(searched) else None
    return None


# --- assembly ----------------------------------------------------------------------------------------

def _assemble(parts: list[tuple[SectionKind, str]]) -> tuple[str, tuple[Section, ...]]:
    """Join (kind, text) parts with blank lines and record each part's offsets."""
    chunks: list[str] = []
    sections: list[Section] = []
    offset = 0
    for kind, text in parts:
        if not text:
            continue
        if chunks:
            chunks.append("\n\n")
            offset += 2
        chunks.append(text)
        sections.append(Section(kind=kind, start=offset, end=offset + len(text)))
        offset += len(text)
    return "".join(chunks), tuple(sections)


def _page_captions(tree: Any, taken: str, limit: int = 5) -> list[str]:
    """Picture captions the page marks as such (``<figcaption>``, class "caption") that the text lacks."""
    captions: list[str] = []
    for element in tree.xpath(_CAPTIONS):
        caption = _SPACE.sub(" ", element.text_content()).strip()
        if 3 <= _words(caption) <= 60 and caption not in taken and caption not in captions:
            captions.append(caption)
    return captions[:limit]


def _left_out(tree: Any, text: str, removed: list[Removed]) -> str:
    """The page's visible text lines that neither ``text`` nor a removed block holds."""
    kept = text + "\n" + "\n".join(item.text for item in removed)
    lines: dict[str, None] = {}
    for node in tree.xpath(_VISIBLE_TEXT):
        line = _SPACE.sub(" ", str(node)).strip()
        if line and _WORD.search(line) and line not in kept:
            lines[line] = None
    return "\n".join(lines)


def clean_html(html: str, *, url: str | None = None, date: str | None = None,
               title: str | None = None) -> Cleaned:
    """Clean one HTML page into article text with sections, metadata and what was removed.

    Args:
        html: the page's markup.
        url: where the page came from (helps trafilatura with dates and site names).
        date: the publication date the input itself gave (``YYYY-MM-DD…``), used when the page
            carries none.
        title: the title the input itself gave, used when the page has none.

    Returns:
        A :class:`Cleaned` whose text is the headline, then captions, then body paragraphs, separated
        by blank lines. A page with no article text (empty or broken markup) gives ``text == ""``
        and no sections; ``removed`` then says why. It never raises.

    >>> page = "<html><head><title>Rain - Planet</title></head><body><h1>Rain</h1>"
    >>> page += "<p>" + "It rained all day in Paris, and the river rose. " * 5 + "</p></body></html>"
    >>> cleaned = clean_html(page)
    >>> cleaned.title, [s.kind for s in cleaned.sections]
    ('Rain', ['title', 'body'])
    """
    lexicon = load_html_lexicon()
    tree = load_html(repair_markup(html)) if html and html.strip() else None
    if tree is None:
        reason = "empty input" if not html or not html.strip() else "unparseable HTML"
        return Cleaned(text="", removed=(Removed(text=html[:2000], reason=reason),) if html else (),
                       title=title, published=_published(None, date))
    document = _extract(tree, url, recall=False)
    found = document is not None and document.body is not None
    blocks, images = _blocks(document.body) if found else ([], set())
    if sum(_words(b.text) for b in blocks) < lexicon.min_body_words:
        second = _extract(tree, url, recall=True)
        if second is not None and second.body is not None:
            more, more_images = _blocks(second.body)
            if sum(_words(b.text) for b in more) > sum(_words(b.text) for b in blocks):
                blocks, images, document = more, more_images, (document or second)

    meta: dict[str, Any] = {}
    if document is not None:
        meta = {"title": document.title, "author": document.author, "sitename": document.sitename,
                "hostname": document.hostname, "date": document.date}
    first_paragraph = next((b.text for b in blocks if _words(b.text) >= 12 and b.link_ratio < 0.5), None)
    headings = _page_headings(tree, first_paragraph, lambda text: _boilerplate_heading(text, lexicon))
    headline = choose_title(_page_title(tree), meta.get("title"), headings,
                            _site_keys(_sitename(meta), meta.get("hostname")), lexicon)
    headline = headline or (_SPACE.sub(" ", title).strip() if title else None)
    sorted_blocks = _sort_blocks(blocks, images, headline, lexicon)

    parts: list[tuple[SectionKind, str]] = []
    if headline:
        parts.append(("title", headline))
    parts.extend(("dek", dek) for dek in sorted_blocks.deks)
    taken = "\n".join([*sorted_blocks.body, *sorted_blocks.captions])
    captions = [*sorted_blocks.captions, *_page_captions(tree, taken)]
    parts.extend(("caption", caption) for caption in captions)
    parts.extend(("body", paragraph) for paragraph in sorted_blocks.body)
    if not sorted_blocks.body:
        parts = []  # a headline without article text is not an article
    text, sections = _assemble(parts)

    removed = list(sorted_blocks.removed)
    left_out = _left_out(tree, text, removed)
    if left_out:
        removed.append(Removed(text=left_out, reason="boilerplate"))
    authors = split_authors(meta.get("author")) or _byline_authors(sorted_blocks.removed)
    return Cleaned(text=text, sections=sections, removed=tuple(removed), title=headline, authors=authors,
                   publisher=_publisher(_sitename(meta), meta.get("hostname")),
                   published=_published(meta.get("date"), date, tree, url))

def _boilerplate_heading(text: str, lexicon: HtmlLexicon) -> bool:
    block = _Block(text=text, tag="head", link_ratio=0.0)
    return _furniture(block, lexicon) is not None or _tail_reason(block, lexicon) is not None
