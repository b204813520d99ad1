"""The plain-text cleaner's lexicon: boilerplate patterns, stopwords, byline and date words.

Everything comes from two data files inside the package (``data/boilerplate.toml`` and
``data/stopwords.txt``), read once by :func:`load_lexicon` and compiled into a :class:`Lexicon`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from eventwire.data import read_text, read_toml


@dataclass(frozen=True, slots=True, kw_only=True)
class Lexicon:
    """Compiled resources of the text cleaner."""

    reasons: tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...]
    """(reason, anchored patterns for ``match``, floating patterns for ``search``), tried in order."""
    max_pattern_words: int
    credit: re.Pattern[str]
    inline_caption: re.Pattern[str]
    stopwords: frozenset[str]
    byline_roles: frozenset[str]
    not_names: frozenset[str]
    company_suffixes: frozenset[str]
    masthead_words: frozenset[str]
    masthead_weak: frozenset[str]
    masthead_joiners: frozenset[str]
    months: dict[str, int]
    """Month name or abbreviation (lower case) → month number."""
    month_alternation: str
    """A regex alternation of every month name, longest first."""
    date_cues: tuple[str, ...]
    sentence_words: frozenset[str]


def _any_of(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _split_anchored(patterns: list[str]) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """Patterns anchored at the line start are matched, not searched: much cheaper on long pages."""
    anchored = [p[1:] for p in patterns if p.startswith("^")]
    floating = [p for p in patterns if not p.startswith("^")]
    return _any_of(anchored or ["(?!)"]), _any_of(floating) if floating else None


@cache
def load_lexicon() -> Lexicon:
    """Read and compile the cleaner's data files (once per process).

    >>> "the" in load_lexicon().stopwords
    True
    """
    data = read_toml("boilerplate.toml")
    stopwords = frozenset(line.strip().lower() for line in read_text("stopwords.txt").splitlines()
                          if line.strip() and not line.startswith("#"))
    months: dict[str, int] = {}
    for number, names in enumerate(data["dates"]["months"], 1):
        for name in names:
            months[name] = number
    alternation = "|".join(sorted(months, key=len, reverse=True))
    return Lexicon(
        reasons=tuple((reason, *_split_anchored(patterns)) for reason, patterns in data["reasons"].items()),
        max_pattern_words=int(data["limits"]["max_words"]),
        credit=_any_of(data["credit"]["patterns"]),
        inline_caption=_any_of(data["caption"]["inline"]),
        stopwords=stopwords,
        byline_roles=frozenset(data["byline"]["roles"]),
        not_names=frozenset(data["byline"]["not_names"]),
        company_suffixes=frozenset(data["publisher"]["suffixes"]),
        masthead_words=frozenset(data["publisher"]["masthead_words"]),
        masthead_weak=frozenset(data["publisher"]["masthead_weak"]),
        masthead_joiners=frozenset(data["publisher"]["masthead_joiners"]),
        months=months,
        month_alternation=alternation,
        date_cues=tuple(data["dates"]["cues"]),
        sentence_words=frozenset(data["title"]["sentence_words"]),
    )
