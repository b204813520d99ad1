"""What a page says about its article, read from single lines: dates, bylines, copyright holders.

Each function looks at one stripped line (or a short candidate string) and either recognises it or
returns ``None``; none of them searches free text at large, so they stay cheap.
"""

from __future__ import annotations

import re
from datetime import date as Date
from functools import cache

from eventwire.clean.lexicon import Lexicon, load_lexicon

_NAME_WORD = r"(?:[A-Z][a-zA-Z'’-]+|[A-Z]\.(?:[A-Z]\.)?|(?:de|van|von|der|da|di|del|la|le|bin|al)(?=\s))"
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}"
_LONE_NAME = re.compile(rf"^({_NAME})$")
_RESIDUE = re.compile(rf"^({_NAME})\s?(\d{{1,7}})$")
_BYLINE = re.compile(r"^(?:written\s+|posted\s+|reported\s+|story\s+|text\s+)?by[:\s]\s*(.{3,120})$",
                     re.IGNORECASE)
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|&|\|| - | – | — )\s*", re.IGNORECASE)
_IN_PLACE = re.compile(r"\s+in\s+[A-Z][\w .'-]{1,40}$")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_ISO_PREFIX = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)")
_CLOCK = re.compile(r"\b\d{1,2}:\d\d\s*(?:[ap]\.?m\.?)?", re.IGNORECASE)
_SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b")
_COPYRIGHT_NOISE = re.compile(
    r"©|\(c\)|\bcopyright\b|\bcopr\.|\ball rights reserved\b.*|\b(?:19|20)\d\d\b(?:\s*[-–]\s*(?:19|20)?\d\d)?",
    re.IGNORECASE)


@cache
def _date_patterns(alternation: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    month_first = re.compile(
        rf"\b({alternation})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
    day_first = re.compile(
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({alternation})\.?,?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
    return month_first, day_first


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return Date(year, month, day).isoformat()
    except ValueError:
        return None


def find_date(text: str, lexicon: Lexicon | None = None) -> str | None:
    """The first full calendar date written in ``text`` (month name, ISO or US slashed), as YYYY-MM-DD.

    >>> find_date("Published: Wednesday, 2 January, 2008, 02:42 AM")
    '2008-01-02'
    >>> find_date("on the afternoon of March 23, 2019 in town")
    '2019-03-23'
    """
    if not _YEAR.search(text):
        return None
    lex = lexicon or load_lexicon()
    month_first, day_first = _date_patterns(lex.month_alternation)
    found: list[tuple[int, str]] = []
    for match in month_first.finditer(text):
        value = _valid(int(match[3]), lex.months[match[1].lower()], int(match[2]))
        if value:
            found.append((match.start(), value))
            break
    for match in day_first.finditer(text):
        value = _valid(int(match[3]), lex.months[match[2].lower()], int(match[1]))
        if value:
            found.append((match.start(), value))
            break
    for match in _ISO.finditer(text):
        value = _valid(int(match[1]), int(match[2]), int(match[3]))
        if value:
            found.append((match.start(), value))
            break
    for match in _SLASHED.finditer(text):
        value = _valid(int(match[3]), int(match[1]), int(match[2]))
        if value:
            found.append((match.start(), value))
            break
    return min(found)[1] if found else None


def normalize_date(value: str | None) -> str | None:
    """A date argument as YYYY-MM-DD when it starts with one (``2019-03-23T10:00`` → ``2019-03-23``)."""
    if not value:
        return None
    match = _ISO_PREFIX.match(value.strip())
    if match:
        return _valid(int(match[1]), int(match[2]), int(match[3]))
    return find_date(value)


def is_date_line(line: str, words: int, lexicon: Lexicon) -> bool:
    """A short line that states when the article was published or updated."""
    if words > 16:
        return False
    lowered = line.lower().lstrip("-–— ")
    if any(lowered.startswith(cue) for cue in lexicon.date_cues) and (_YEAR.search(line) or ":" in line):
        return True
    if words > 10:
        return False
    if find_date(line, lexicon) is None:
        # "Fri Dec 28, 7:05 AM ET": a month, a day and a clock time, no year
        month_day = re.search(rf"\b({lexicon.month_alternation})\.?\s+\d{{1,2}}\b", line, re.IGNORECASE)
        return bool(month_day and _CLOCK.search(line))
    # what is left after the date must be little more than weekday, time and place words
    month_first, day_first = _date_patterns(lexicon.month_alternation)
    rest = day_first.sub(" ", month_first.sub(" ", line))
    rest_words = re.findall(r"[A-Za-z]{3,}", rest)
    return len(rest_words) <= 3


def _clean_name(name: str) -> str:
    name = name.strip(" .,:;-–—|()")
    if name.isupper():
        name = " ".join(part.capitalize() for part in name.split())
    return name


def byline_names(line: str, lexicon: Lexicon) -> tuple[str, ...] | None:
    """The names of a byline ("By Jane Doe and John Roe, Staff Writers"), or ``None`` if not a byline.

    >>> byline_names("By JANE DOE and John Roe, Staff Writers", load_lexicon())
    ('Jane Doe', 'John Roe')
    """
    match = _BYLINE.match(line)
    if not match:
        return _signed_names(line, lexicon)
    names: list[str] = []
    for part in _NAME_SEPARATORS.split(_IN_PLACE.sub("", match[1])):
        part = part.strip()
        if not part:
            continue
        words = part.split()
        if words and words[0].lower() in lexicon.byline_roles or find_date(part, lexicon) or any(
                ch.isdigit() for ch in part):
            break
        candidate = _clean_name(part)
        if _LONE_NAME.match(candidate) is None:
            if names:
                break
            return None
        if any(word.lower() in lexicon.byline_roles for word in candidate.split()):
            break
        names.append(candidate)
    return tuple(names) if names else None


def _signed_names(line: str, lexicon: Lexicon) -> tuple[str, ...] | None:
    """Names of a byline without "By": "JANE DOE, Staff Writer" or "Jane Doe and John Roe, Example News"."""
    head, separator, tail = _split_signature(line)
    if not separator or len(line.split()) > 12:
        return None
    tail_words = {word.lower().strip(".,;:") for word in tail.split()}
    if not tail_words & (lexicon.byline_roles | lexicon.not_names):
        return None
    names: list[str] = []
    for part in re.split(r"\s+(?:and|&)\s+", head):
        name = _clean_name(part)
        if _LONE_NAME.match(name) is None or lone_name(name, lexicon) is None:
            return None
        names.append(name)
    return tuple(names) or None


def _split_signature(line: str) -> tuple[str, str, str]:
    match = re.search(r"\s*[,;]\s*", line)
    if match is None:
        return line, "", ""
    return line[:match.start()], match.group(), line[match.end():]


def lone_name(line: str, lexicon: Lexicon) -> str | None:
    """``line`` if it is nothing but a person's name (two to four capitalised words, no menu words)."""
    if _LONE_NAME.match(line) is None:
        return None
    words = [word.lower().strip(".") for word in line.split()]
    if any(word in lexicon.not_names or word in lexicon.stopwords for word in words):
        return None
    return line


def residue_name(line: str, lexicon: Lexicon) -> str | None:
    """The name in a byline glued to a counter ("Jane Doe3841"), or ``None``."""
    match = _RESIDUE.match(line)
    if match is None:
        return None
    return lone_name(match[1], lexicon)


def copyright_holder(line: str, lexicon: Lexicon) -> str | None:
    """The company named in a copyright notice, company suffixes dropped.

    >>> copyright_holder("© 2024 Example Media LLC. All rights reserved.", load_lexicon())
    'Example Media'
    """
    segments = [part for part in line.split("|") if _COPYRIGHT_NOISE.search(part)]
    rest = _COPYRIGHT_NOISE.sub(" ", segments[0] if segments else line)
    rest = re.split(r"[.;]\s|\s[-–—]\s", rest.strip(" .,;:-"))[0]
    words = [word.strip("Â®™") for word in rest.replace(",", " ").split()]
    words = [word for word in words if word]
    while words and words[-1].lower() in lexicon.company_suffixes:
        words.pop()
    holder = " ".join(words).strip(" .,;:-")
    if not holder or len(words) > 6 or not holder[0].isupper():
        return None
    return holder


_MASTHEAD_MAX_WORDS = 4
_MASTHEAD_WORD = re.compile(r"^[A-Z][A-Za-z&.'’-]*$")


def masthead_name(text: str, lexicon: Lexicon) -> str | None:
    """The site's name if ``text`` (or the first cell of a "Name | Menu | Menu" bar) is a masthead.

    A masthead is one to four capitalised words, at least one a newspaper word ("Daily", "Post",
    "Courier", …) and at least one a word of its own that no menu uses; an upper-case name is
    title-cased, acronyms kept.

    >>> masthead_name("RIDGEWAY DAILY  |  Subscribe  |  Log in", load_lexicon())
    'Ridgeway Daily'
    >>> masthead_name("World News", load_lexicon()) is None
    True
    """
    name = " ".join(text.split("|")[0].split())
    words = name.split()
    if not words or len(words) > _MASTHEAD_MAX_WORDS or name.endswith((".", ":", ",", ";", "!", "?")):
        return None
    own = masthead = strong = acronym = False
    for position, word in enumerate(words):
        lowered = word.lower()
        if lowered in lexicon.masthead_joiners and 0 < position < len(words) - 1 and not word[0].isupper():
            continue
        if _MASTHEAD_WORD.match(word) is None or lowered.endswith(("'s", "’s")):
            return None
        if lowered in lexicon.masthead_words:
            masthead = True
            strong = strong or lowered not in lexicon.masthead_weak
        elif lowered in lexicon.stopwords and not (position == 0 and lowered == "the"):
            return None
        elif lowered not in lexicon.not_names and lowered not in lexicon.masthead_joiners:
            own = True
            acronym = acronym or (word.isupper() and len(word) <= 5 and not name.isupper())
    if not (own and masthead) or not (strong or acronym or len(words) >= 3):
        return None
    # the newspaper word ends the name ("Lakeshore Courier"), or comes before "of" and a place
    # ("Times of India"); "Press Room" and "News By Location" are menu items
    last = words[-1].lower()
    of_place = len(words) >= 3 and words[-2].lower() == "of" and words[-3].lower() in lexicon.masthead_words
    if last not in lexicon.masthead_words and not of_place:
        return None
    if name.isupper():
        name = " ".join(_title_word(word, lexicon) for word in words)
    return name


def _title_word(word: str, lexicon: Lexicon) -> str:
    """An upper-case masthead word in title case; a short word that is no ordinary word stays an acronym."""
    lowered = word.lower()
    if len(word) <= 3 and not (lowered in lexicon.stopwords or lowered in lexicon.masthead_words
                               or lowered in lexicon.masthead_joiners):
        return word
    return lowered if lowered in lexicon.masthead_joiners and lowered != "the" else word.capitalize()
