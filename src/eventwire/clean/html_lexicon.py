"""The compiled rules of the HTML cleaner, read once from ``data/html_boilerplate.toml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from eventwire.data import read_toml


@dataclass(frozen=True, slots=True, kw_only=True)
class HtmlLexicon:
    """Compiled rules of the HTML cleaner (from ``data/html_boilerplate.toml``)."""

    reasons: tuple[tuple[str, re.Pattern[str]], ...]
    """(reason, pattern) pairs tried in order on short blocks."""
    tail: tuple[tuple[str, re.Pattern[str]], ...]
    """(reason, pattern) of headers that open a tail of related links or comments."""
    tail_max_words: int
    not_author: re.Pattern[str]
    caption: re.Pattern[str]
    separators: tuple[str, ...]
    weak_separators: tuple[str, ...]
    max_words: int
    link_block_words: int
    link_ratio: float
    min_body_words: int


def _any_of(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@cache
def load_html_lexicon() -> HtmlLexicon:
    """Read and compile ``data/html_boilerplate.toml`` (once per process).

    >>> load_html_lexicon().max_words > 0
    True
    """
    data = read_toml("html_boilerplate.toml")
    limits = data["limits"]
    return HtmlLexicon(
        reasons=tuple((reason, _any_of(patterns)) for reason, patterns in data["reasons"].items()),
        tail=(("related", _any_of(data["sections"]["tail_related"])),
              ("comment", _any_of(data["sections"]["tail_comment"]))),
        tail_max_words=int(data["sections"]["tail_max_words"]),
        not_author=_any_of(data["authors"]["not_author"]),
        caption=_any_of(data["caption"]["patterns"]),
        separators=tuple(data["title"]["separators"]),
        weak_separators=tuple(data["title"]["weak_separators"]),
        max_words=int(limits["max_words"]),
        link_block_words=int(limits["link_block_words"]),
        link_ratio=float(limits["link_ratio"]),
        min_body_words=int(limits["min_body_words"]),
    )
