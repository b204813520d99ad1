"""Checks: where an article contradicts itself, or carries damage a reader should know about.

:func:`check` returns one :class:`~eventwire.records.Flag` per finding, with the spans involved:

* ``unit-mismatch`` — the same figure given with units of different kinds ("1.5 miles" in the headline,
  "1.5 square miles" in the body);
* ``name-spelling`` — one person's name spelled two ways (a surname one or two edits from another, the
  rest of the name equal or absent: "Callimachi" / "Calimachi");
* ``malformed-number`` — a figure written in a broken form ("%100", "1,00");
* ``residue`` — scrape residue that survived cleaning (a word with a counter glued to it: "Howe3841");
* ``count-conflict`` — the headline or dek gives a death toll that the body contradicts;
* ``date-mismatch`` — a dateline date more than two days from the article's stated date.

A check must not fire on consistent text: rules are narrow on purpose, and their false-flag rate is
measured on the Wikinews development corpus (bench/checks_eval.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from eventwire.gazetteer.normalize import normalize
from eventwire.records import Amount, Flag, Section, TimeRef

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["check"]

_UNIT_FAMILY = {"area": "area", "distance": "length", "temperature": "temperature", "percent": "percent",
                "money": "money", "duration": "time", "weight": "weight"}
_MALFORMED = re.compile(r"(?<![\w%])%\s?\d+(?:\.\d+)?\b|\b\d{1,3},\d{1,2}\b(?![,\d])|\b\d{1,3}(?:,\d{3})*,\d{4,}\b")
_RESIDUE = re.compile(r"\b[A-Z][a-z]{2,}\d{3,}\b|\b[a-z]{3,}\d{4,}\b(?!\.\w)")
_DATELINE = re.compile(r"\s*(?P<city>[A-Z][A-Z.'’ -]{1,40}[A-Z.])(?:,\s*[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)?,?\s+")
_DATELINE_END = re.compile(r"\s*(?:\(|—|–|-|:)")
_MAX_DATELINE_DAYS = 2
_SPELLING_MIN_LENGTH = 6


def _headline_sections(sections: Sequence[Section]) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in sections if s.kind in ("title", "dek")]


def _inside(start: int, ranges: list[tuple[int, int]]) -> bool:
    return any(low <= start < high for low, high in ranges)


def _unit_mismatches(amounts: Sequence[Amount]) -> list[Flag]:
    """The same value with units of different kinds (length against area) anywhere in the article."""
    flags: list[Flag] = []
    by_value: dict[float, list[Amount]] = {}
    for amount in amounts:
        if amount.value is not None and amount.kind in _UNIT_FAMILY and amount.value not in (0, 1, 100):
            by_value.setdefault(amount.value, []).append(amount)
    for value, same in by_value.items():
        families = {_UNIT_FAMILY[str(a.kind)] for a in same}
        if len(families) > 1 and families <= {"area", "length"}:
            flags.append(Flag(code="unit-mismatch",
                              message=f"{value:g} is given as {' and as '.join(sorted({a.unit or '' for a in same}))}",
                              spans=tuple((a.start, a.end) for a in same)))
    return flags


def _name_spellings(doc: Doc) -> list[Flag]:
    """Surnames of PERSON entities one or two edits apart, the given names (if both written) equal."""
    people: dict[str, list[tuple[int, int]]] = {}
    persons: set[str] = set()
    for entity in doc.ents:
        # The small model sometimes labels one spelling PERSON and the other ORG: ORG names are compared
        # only with a PERSON of the same given name (below).
        if entity.label_ in ("PERSON", "ORG") and entity.text[:1].isupper():
            name = re.sub(r"['’]s$", "", entity.text.strip())
            people.setdefault(name, []).append((entity.start_char, entity.start_char + len(name)))
            if entity.label_ == "PERSON":
                persons.add(name)
    names = sorted(people)
    folded = {name: normalize(name.split()[-1]) for name in names}  # surnames, accents and case aside
    flags: list[Flag] = []
    seen: set[frozenset[str]] = set()
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            a_words, b_words = first.split(), second.split()
            a_last, b_last = a_words[-1], b_words[-1]
            if (folded[first] == folded[second]  # Erdoğan / Erdogan: the same spelling, accents aside
                    or min(len(a_last), len(b_last)) < _SPELLING_MIN_LENGTH):
                continue
            if a_last[0] != b_last[0] or not a_last.isalpha() or not b_last.isalpha():
                continue
            if len(a_words) > 1 and len(b_words) > 1 and a_words[:-1] != b_words[:-1]:
                continue
            if not (first in persons and second in persons) and (
                    first not in persons and second not in persons or len(a_words) < 2 or len(b_words) < 2):
                continue
            limit = 1 if max(len(a_last), len(b_last)) < 9 else 2
            if Levenshtein.distance(a_last, b_last) > limit:
                continue
            pair = frozenset((a_last, b_last))
            if pair in seen:
                continue
            seen.add(pair)
            flags.append(Flag(code="name-spelling", message=f"the name is spelled {a_last!r} and {b_last!r}",
                              spans=tuple(people[first] + people[second])))
    return flags


def _malformed_numbers(text: str) -> list[Flag]:
    return [Flag(code="malformed-number", message=f"malformed figure {match.group(0)!r}",
                 spans=((match.start(), match.end()),)) for match in _MALFORMED.finditer(text)]


def _residue(text: str) -> list[Flag]:
    return [Flag(code="residue", message=f"scrape residue {match.group(0)!r} left in the text",
                 spans=((match.start(), match.end()),)) for match in _RESIDUE.finditer(text)]


def _count_conflicts(amounts: Sequence[Amount], sections: Sequence[Section]) -> list[Flag]:
    """A headline or dek death toll that no body death toll agrees with (ranges and bounds allowed)."""
    heads = _headline_sections(sections)
    tolls = [a for a in amounts if a.kind == "fatalities" and a.value is not None]
    headline = [a for a in tolls if _inside(a.start, heads)]
    body = [a for a in tolls if not _inside(a.start, heads)]
    flags: list[Flag] = []
    for head in headline:
        if not body:
            continue
        low = head.low if head.low is not None else head.value
        high = head.high if head.high is not None else head.value
        if any(_overlaps(low, high, b) for b in body):
            continue
        flags.append(Flag(code="count-conflict",
                          message=f"the headline gives {head.text!r} dead; the body gives "
                                  + ", ".join(repr(b.text) for b in body),
                          spans=((head.start, head.end), *((b.start, b.end) for b in body))))
    return flags


def _overlaps(low: float | None, high: float | None, other: Amount) -> bool:
    other_low = other.low if other.low is not None else other.value
    other_high = other.high if other.high is not None else other.value
    if low is None or other_low is None:
        return True
    return (high is None or other_low <= high) and (other_high is None or low <= other_high)


def _date_mismatch(text: str, times: Sequence[TimeRef], published: str | None,
                   body_start: int) -> list[Flag]:
    """A dateline ("BEIRUT, March 22 (Reuters) -") whose day is far from the article's stated date.

    Only a real dateline counts: a place in capitals at the start of the body, the date right after
    it, then a parenthesis or a dash. A first sentence's "On Monday" is the news, not a dateline.
    """
    if not published:
        return []
    try:
        stated = dt.date.fromisoformat(published[:10])
    except ValueError:
        return []
    dateline = _DATELINE.match(text, body_start)
    if dateline is None:
        return []
    for time in times:
        if not dateline.end("city") < time.start <= dateline.end() + 2:
            continue
        value = time.value or ""
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", value) or not _DATELINE_END.match(text, time.end):
            return []
        day = dt.date.fromisoformat(value)
        if abs((day - stated).days) > _MAX_DATELINE_DAYS:
            return [Flag(code="date-mismatch",
                         message=f"the dateline says {value}; the article is dated {stated.isoformat()}",
                         spans=((time.start, time.end),))]
        return []
    return []


def check(doc: Doc, *, sections: Sequence[Section] = (), amounts: Sequence[Amount] = (),
          times: Sequence[TimeRef] = (), published: str | None = None) -> tuple[Flag, ...]:
    """The article's own contradictions and damage, as flags with the spans involved.

    Args:
        doc: the parsed article (its text is the article text).
        sections: the article's sections (title, dek, caption, body) from cleaning.
        amounts: its figures (:func:`eventwire.amounts.quantify`).
        times: its time expressions (the times stage), for the dateline check.
        published: its stated date (ISO), for the dateline check.
    """
    body_start = next((s.start for s in sections if s.kind == "body"), 0)
    flags = [*_unit_mismatches(amounts), *_name_spellings(doc), *_malformed_numbers(doc.text),
             *_residue(doc.text), *_count_conflicts(amounts, sections),
             *_date_mismatch(doc.text, times, published, body_start)]
    return tuple(sorted(flags, key=lambda flag: (flag.spans[0] if flag.spans else (0, 0), flag.code)))
