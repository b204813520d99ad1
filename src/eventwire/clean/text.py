"""Plain-text cleaning: a web page saved as text becomes the article with its sections and metadata.

The page is read line by line (:mod:`eventwire.clean.lines`): prose lines are found by their length and
share of stopwords, the contiguous stretch with the most prose is the body, and the headline is the
title-shaped line just above it. Around them the cleaner recognises deks, photo captions and their
credits, bylines, date lines and copyright notices (:mod:`eventwire.clean.meta`). Every non-blank
input line ends up either in ``Cleaned.text`` or in ``Cleaned.removed`` with a reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from eventwire.clean.lexicon import Lexicon, load_lexicon
from eventwire.clean.lines import Line, LineClass, initial_class, main_block, read_lines, smooth
from eventwire.clean.meta import (
    byline_names,
    copyright_holder,
    find_date,
    is_date_line,
    lone_name,
    masthead_name,
    normalize_date,
    residue_name,
)
from eventwire.records import Cleaned, Removed, Section, SectionKind

_TITLE_WINDOW = 25
_TITLE_INSIDE = 6
_TAIL_WINDOW = 8
_MASTHEAD_LINES = 4
_DEK_MAX_WORDS = 45
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]+")
_SECTION_TAG = re.compile(r"\[[^\]]{1,30}\]$")
_QUOTED = re.compile(r"^[\"“”'‘’«].+[\"“”'‘’»][.]?$")
_PAGE_TITLE_SEPARATORS = (" - ", " | ", " – ", " — ", ": ", " :: ")


@dataclass(slots=True)
class _Page:
    """Working state: one role per line, filled in by the steps of :func:`clean_text`."""

    lines: list[Line]
    kinds: list[SectionKind | None]
    reasons: list[str | None]
    authors: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    publisher: str | None = None

    def free(self, index: int) -> bool:
        return self.kinds[index] is None and self.reasons[index] is None


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def _title_shaped(line: Line, lexicon: Lexicon) -> bool:
    if line.pattern_reason is not None or not 2 <= line.words <= 30 or len(line.text) > 250:
        return False
    if line.text.endswith(".") and line.words >= 10:
        return False
    if not line.text[0].isupper() and not line.text[0].isdigit() and line.text[0] not in "\"“‘'?¿":
        return False
    return byline_names(line.text, lexicon) is None and not is_date_line(line.text, line.words, lexicon)


def _title_score(page: _Page, index: int, block_start: int, counts: Counter[str],
                 body_words: set[str], lexicon: Lexicon) -> float:
    """How much a line looks like the headline of the article that starts at ``block_start``."""
    line = page.lines[index]
    score = 10.0 * _overlap(line, body_words, lexicon)
    if counts[_norm(line.text)] > 1:
        score += 4.0
    between = sum(1 for i in range(index + 1, block_start)
                  if page.free(i) and not _header_meta(page.lines[i], lexicon))
    score -= 0.4 * min(between, 15)
    if index >= block_start:
        score -= 3.0
    sentence_words = sum(1 for word in line.text.lower().split() if word in lexicon.sentence_words)
    score -= 1.5 * min(sentence_words, 3)
    if _SECTION_TAG.search(line.text):
        score -= 5.0
    following = index + 1
    while following < len(page.lines) and page.lines[following].pattern_reason is not None:
        following += 1
    if following < len(page.lines) and _header_meta(page.lines[following], lexicon):
        score += 3.0
    neighbours = [page.lines[i] for i in (index - 1, index + 1) if 0 <= i < len(page.lines)]
    if len(neighbours) == 2 and all(_title_shaped(other, lexicon) and other.words >= 4 for other in neighbours):
        score -= 2.0
    if line.text.endswith((".", ":", ",", ";")):
        score -= 4.0
    if 4 <= line.words <= 16:
        score += 2.0
    elif line.words < 3 or line.words > 22:
        score -= 2.0
    return score


def _content_words(text: str, lexicon: Lexicon) -> set[str]:
    return {word for word in _WORD.findall(text.lower()) if word not in lexicon.stopwords and len(word) > 2}


def _overlap(line: Line, body_words: set[str], lexicon: Lexicon) -> float:
    """Share of a candidate headline's content words that the article's opening paragraphs use
    (damped for lines of one or two content words, which match by chance)."""
    words = _content_words(line.text, lexicon)
    if not words:
        return 0.0
    return len(words & body_words) / len(words) * min(1.0, len(words) / 3)


def _header_meta(line: Line, lexicon: Lexicon) -> bool:
    """A line that sits between headline and body without breaking them apart (byline, date, credit)."""
    return (byline_names(line.text, lexicon) is not None or is_date_line(line.text, line.words, lexicon)
            or bool(lexicon.credit.search(line.text)) or lone_name(line.text, lexicon) is not None)


def _page_title_counts(lines: list[Line]) -> Counter[str]:
    """How often each line occurs, also counting it inside "Headline - Site name" page titles."""
    counts: Counter[str] = Counter(_norm(line.text) for line in lines)
    for line in lines:
        text = _norm(line.text)
        for separator in _PAGE_TITLE_SEPARATORS:
            if separator in text:
                for part in text.split(separator):
                    if part in counts and part != text:
                        counts[part] += 1
    return counts


def _choose_title(page: _Page, block_start: int, hint: str | None, lexicon: Lexicon) -> int | None:
    counts = _page_title_counts(page.lines)
    if hint:
        for index, line in enumerate(page.lines):
            if _norm(line.text) == _norm(hint):
                return index
    low = max(0, block_start - _TITLE_WINDOW)
    inside = block_start
    prose_before = 0
    # a headline inside the block may only cut off a little text above it (a teaser, a menu line)
    while inside < min(block_start + _TITLE_INSIDE, len(page.lines)) and prose_before < 200:
        prose_before += len(page.lines[inside].text) if page.free(inside) else 0
        inside += 1
    candidates = [i for i in range(low, inside)
                  if _title_shaped(page.lines[i], lexicon) and page.reasons[i] is None
                  and (page.kinds[i] != "caption" or _headline_caption(page.lines[i]))]
    if not candidates:
        return None
    opening = [page.lines[i].text for i in range(block_start, min(block_start + 16, len(page.lines)))
               if page.free(i)][:8]
    body_words = _content_words(" ".join(opening), lexicon)
    best = max(candidates, key=lambda i: (_title_score(page, i, block_start, counts, body_words, lexicon), -i))
    if best - 1 in candidates and _heads_dek(page.lines[best - 1], page.lines[best], body_words, lexicon):
        return best - 1
    return best


_LABEL_MAX_WORDS = 4
_ANCHOR_GAP = 6
_DEK_MIN_WORDS = 8
_SIGNED_MAX_WORDS = 12
_HEAD_LINES = 8
_ANCHOR_PROSE_LINES = 8
_ANCHOR_MIN_PROSE = 200


def _anchor_prose(page: _Page, index: int, lexicon: Lexicon) -> int | None:
    """Where prose starts under a headline at ``index`` if a byline or date line comes first, with at
    most a dek and a few short lines (tools, credits) between them: the shape of an article's head."""
    dated = False
    following = index + 1
    while following < len(page.lines) and following - index <= _ANCHOR_GAP:
        line = page.lines[following]
        if page.reasons[following] in ("dateline", "residue") or _signed(line, lexicon):
            dated = True
        elif following == index + 1 and _DEK_MIN_WORDS <= line.words <= _DEK_MAX_WORDS:
            pass
        elif page.free(following) and initial_class(line) == "good":
            return following if dated else None
        elif line.pattern_reason is None and page.reasons[following] is None and line.words > 6:
            return None
        following += 1
    return None


def _signed(line: Line, lexicon: Lexicon) -> bool:
    """A byline, also one that names an agency rather than a person ("By Associated Press")."""
    return byline_names(line.text, lexicon) is not None or (
        line.words <= _SIGNED_MAX_WORDS and line.text[:3].lower() == "by ")


def _dated_head(page: _Page, index: int, lexicon: Lexicon) -> bool:
    """A byline or date line follows the headline at ``index`` closely (a dek or caption may come first);
    a lone name counts only right under it and not as the first of a list of names (a menu of columnists)."""
    end = min(index + 1 + _HEAD_LINES, len(page.lines))
    for following in range(index + 1, end):
        line = page.lines[following]
        if page.reasons[following] == "dateline" or _signed(line, lexicon) or lexicon.credit.search(line.text):
            return True
    following = index + 1
    while following < end and page.lines[following].pattern_reason is not None:
        following += 1
    return following < end and lone_name(page.lines[following].text, lexicon) is not None and not (
        following + 1 < len(page.lines) and lone_name(page.lines[following + 1].text, lexicon))


def _anchored_title(page: _Page, classes: list[LineClass], chosen: int | None, last: int,
                    lexicon: Lexicon) -> int | None:
    """The headline of the page's article head (headline, byline or date, prose) when the headline
    chosen near the main block has no such head: the block then is often a sidebar or comments."""
    if chosen is not None and _dated_head(page, chosen, lexicon):
        return chosen
    best: tuple[int, int] | None = None
    for index in range(min(last, len(page.lines))):
        line = page.lines[index]
        if not page.free(index) or not _title_shaped(line, lexicon) or lone_name(line.text, lexicon) \
                or masthead_name(line.text, lexicon):
            continue
        # an affiliation under a byline ("Special to The Daily Planet", "Staff Writer") is no headline
        if line.text.split()[0].lower() in lexicon.byline_roles:
            continue
        prose = _anchor_prose(page, index, lexicon)
        if prose is None:
            continue
        size = sum(len(page.lines[i].text) for i in range(prose, min(prose + _ANCHOR_PROSE_LINES, len(page.lines)))
                   if classes[i] == "good")
        if size >= _ANCHOR_MIN_PROSE and (best is None or size >= best[0]):
            best = (size, index)
    return best[1] if best else chosen


def _heads_dek(upper: Line, lower: Line, body_words: set[str], lexicon: Lexicon) -> bool:
    """Two headline-shaped lines in a row: the upper is the headline and the longer lower one its dek,
    unless the upper is a section label (menu words, two words or fewer) or unrelated to the article."""
    if upper.text.endswith((":", ",", ";", "!", "?", ".")) or upper.words < 3 or lower.words < upper.words:
        return False
    if _overlap(upper, body_words, lexicon) < 0.2:
        return False
    # a section label is short; a headline may well use "about" or "world" in passing
    words = {word.lower() for word in _WORD.findall(upper.text)}
    return upper.words > _LABEL_MAX_WORDS or not words & lexicon.not_names


def _headline_caption(line: Line) -> bool:
    """A "caption" that may be the headline after all: an agency line ("Reuters") follows headlines too,
    and a headline, unlike a caption, does not end a sentence."""
    return line.words <= 16 and not line.text.endswith(".")


def _mark_captions(page: _Page, low: int, high: int, lexicon: Lexicon) -> None:
    """A line followed by a photo credit is a caption; the credit is removed as ``credit``."""
    for index in range(low, high):
        line = page.lines[index]
        if line.pattern_reason is None and lexicon.credit.search(line.text) and line.words <= 15:
            page.reasons[index] = "credit"
            previous = index - 1
            if previous >= low and page.free(previous) and page.lines[previous].words >= 4 \
                    and page.lines[previous].pattern_reason is None:
                page.kinds[previous] = "caption"
        elif line.pattern_reason is None and 30 < len(line.text) and line.words <= 60 \
                and lexicon.inline_caption.search(line.text[-90:]):
            page.kinds[index] = "caption"


def _mark_meta(page: _Page, index: int, lexicon: Lexicon, *, near_article: bool) -> bool:
    """Recognise bylines, residue, date lines and copyright notices; True if the line was one."""
    line = page.lines[index]
    names = byline_names(line.text, lexicon) if line.words <= 20 else None
    if names:
        page.reasons[index] = "byline"
        page.authors.extend(names)
        date = find_date(line.text, lexicon)
        if date:
            page.dates.append(date)
        return True
    residue = residue_name(line.text, lexicon)
    if residue:
        page.reasons[index] = "residue"
        page.authors.append(residue)
        return True
    if is_date_line(line.text, line.words, lexicon):
        page.reasons[index] = "dateline"
        date = find_date(line.text, lexicon)
        if date:
            page.dates.append(date)
        return True
    if line.pattern_reason == "copyright":
        holder = copyright_holder(line.text, lexicon)
        if holder and page.publisher is None:
            page.publisher = holder
        page.reasons[index] = "copyright"
        return True
    # a newspaper's name at the top of the page is no author ("Lakeshore Courier")
    if near_article and lone_name(line.text, lexicon) and not (
            index < _MASTHEAD_LINES and masthead_name(line.text, lexicon)):
        page.reasons[index] = "byline"
        page.authors.append(line.text)
        return True
    return False


def _mark_masthead(page: _Page, headline: int, lexicon: Lexicon) -> None:
    """The site's name in the first lines above the headline, alone among menus or first in a menu bar,
    is removed as ``masthead``; it names the publisher unless a copyright notice already did."""
    for index in range(min(_MASTHEAD_LINES, headline, len(page.lines))):
        line = page.lines[index]
        if not page.free(index) or line.pattern_reason not in (None, "navigation"):
            continue
        cells = [cell.strip() for cell in line.text.split("|")]
        if len(cells) > 1:
            # the first cell of a menu bar: the other cells are menu items, not more of the site's
            # sections ("IOL News | IOL Sport | IOL Business")
            lead = cells[0].split()[:1]
            shaped = all(len(cell.split()) <= 3 and cell.split()[:1] != lead for cell in cells[1:])
        else:
            shaped = index == 0 or any(_menu_like(page.lines[other])
                                       for other in (index - 1, index + 1) if 0 <= other < len(page.lines))
        name = masthead_name(line.text, lexicon) if shaped else None
        if name:
            page.reasons[index] = "masthead"
            if page.publisher is None:
                page.publisher = name
            return


def _menu_like(line: Line) -> bool:
    return line.pattern_reason is not None or (line.words < 8 and not line.terminal)


def _mark_body(page: _Page, first: int, last: int) -> None:
    """Lines of the main block are body, except those a boilerplate pattern matches."""
    for index in range(first, last + 1):
        if page.kinds[index] is not None or page.reasons[index] is not None:
            continue
        line = page.lines[index]
        if line.pattern_reason is not None:
            page.reasons[index] = line.pattern_reason
            continue
        page.kinds[index] = "body"


def _leftover_reason(line: Line) -> str:
    if line.pattern_reason is not None:
        return line.pattern_reason
    return "navigation" if line.words < 8 and not line.terminal else "boilerplate"


def _assemble(page: _Page, order: list[int]) -> tuple[str, tuple[Section, ...]]:
    parts: list[str] = []
    sections: list[Section] = []
    offset = 0
    for index in order:
        kind = page.kinds[index]
        assert kind is not None
        text = page.lines[index].text
        if parts:
            offset += 2
        start, end = offset, offset + len(text)
        if sections and sections[-1].kind == kind and sections[-1].end == start - 2:
            sections[-1] = Section(kind=kind, start=sections[-1].start, end=end)
        else:
            sections.append(Section(kind=kind, start=start, end=end))
        parts.append(text)
        offset = end
    return "\n\n".join(parts), tuple(sections)


def _removed(page: _Page) -> tuple[Removed, ...]:
    removed: list[Removed] = []
    for index, line in enumerate(page.lines):
        reason = page.reasons[index]
        if page.kinds[index] is not None:
            continue
        reason = reason or _leftover_reason(line)
        if removed and removed[-1].reason == reason and page.kinds[index - 1] is None:
            removed[-1] = Removed(text=f"{removed[-1].text}\n{line.text}", reason=reason)
        else:
            removed.append(Removed(text=line.text, reason=reason))
    return tuple(removed)


def _unique(names: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.lower(), name)
    return tuple(seen.values())


def clean_text(raw: str, *, date: str | None = None, title: str | None = None) -> Cleaned:
    """Clean a web page saved as plain text into an article.

    Args:
        raw: the page as text, one paragraph (or menu item, caption, …) per line.
        date: the publication date the input itself gave (e.g. a JSONL field), used when the page
            states none.
        title: the headline the input gave; a line equal to it is the headline, otherwise it is used
            when the page has no better one.

    Returns:
        A :class:`Cleaned` whose ``text`` holds headline, dek, captions and body paragraphs separated
        by blank lines, with ``sections`` pointing into it and every left-out line under ``removed``.

    >>> cleaned = clean_text("Home | News | Sport\\nRain floods the old town\\nBy Ann Lee\\n"
    ...                      "The river rose over its banks in the night and the water reached the "
    ...                      "houses of the old town before the morning, said the mayor of the town.")
    >>> cleaned.title, cleaned.authors
    ('Rain floods the old town', ('Ann Lee',))
    """
    lexicon = load_lexicon()
    lines = read_lines(raw, lexicon)
    page = _Page(lines=lines, kinds=[None] * len(lines), reasons=[None] * len(lines))
    if not lines:
        return Cleaned(text="", title=title, published=normalize_date(date))
    classes = smooth([initial_class(line) for line in lines])
    block = main_block(lines, classes)
    if block is None:
        # No stretch looks like web prose (a terse wire item, or text that arrives already clean from a
        # JSONL/CSV export): keep every line no boilerplate pattern claims rather than lose the article.
        kept = [i for i, line in enumerate(lines) if line.pattern_reason is None]
        block = (kept[0], kept[-1]) if kept else None
    first, last = block if block else (len(lines), len(lines) - 1)

    header_low = max(0, first - _TITLE_WINDOW)
    _mark_captions(page, header_low, min(last + 2, len(lines)), lexicon)
    for index in range(len(lines)):
        near = header_low <= index < first or last < index <= last + _TAIL_WINDOW
        if page.kinds[index] is None and (index < first or index > last or lines[index].words <= 20):
            _mark_meta(page, index, lexicon, near_article=near)

    while first <= last and not page.free(first):
        first += 1
    title_index = _choose_title(page, first, title, lexicon)
    if not title:
        title_index = _anchored_title(page, classes, title_index, last, lexicon)
    if title_index is not None:
        page.kinds[title_index] = "title"
        first = max(first, title_index + 1)
        dek = title_index + 1
        while dek < len(lines) and page.reasons[dek] is not None:
            dek += 1
        if dek < len(lines) and page.free(dek) and _is_dek(lines[dek], dek, first, lexicon):
            page.kinds[dek] = "dek"
            first = max(first, dek + 1)
    _mark_body(page, first, last)
    _mark_masthead(page, title_index if title_index is not None else first, lexicon)
    for index, line in enumerate(lines):
        if page.kinds[index] is None and page.reasons[index] is None:
            page.reasons[index] = _leftover_reason(line)

    head = [i for i, kind in enumerate(page.kinds) if kind in ("title", "dek")]
    rest = [i for i, kind in enumerate(page.kinds) if kind in ("caption", "body")]
    text, sections = _assemble(page, head + rest)
    # A date line of the page itself, then the date the input carries (JSONL/CSV metadata), and only
    # then a date mentioned in the opening paragraphs (which may be of an earlier event).
    published = page.dates[0] if page.dates else normalize_date(date)
    if published is None:
        for index in rest[:6]:
            published = find_date(lines[index].text, lexicon)
            if published:
                break
    headline = lines[title_index].text if title_index is not None else title
    return Cleaned(text=text, sections=sections, removed=_removed(page), title=headline,
                   authors=_unique(page.authors), publisher=page.publisher,
                   published=published or normalize_date(date))


def _is_dek(line: Line, index: int, body_start: int, lexicon: Lexicon) -> bool:
    """A standfirst under the headline: a quoted line, or a short one above where the prose starts."""
    if line.pattern_reason is not None or line.words < 4 or line.words > _DEK_MAX_WORDS:
        return False
    if _QUOTED.match(line.text):
        return True
    # body paragraphs end a sentence; a standfirst often does not
    return index < body_start or not line.text.rstrip("\"'”’»)").endswith((".", "!", "?", "…"))
