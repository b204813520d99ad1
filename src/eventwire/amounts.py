"""Amounts: every figure an article gives, with its value, bounds, unit and kind.

:func:`quantify` reads numbers written in digits ("10,000", "1.5", "$2.5 million"), in words ("four and a
half", "twenty-six", "a dozen"), vague quantities ("tens of thousands", "hundreds") and malformed forms
("%100"), with the words that bound them ("at least 70", "up to 15", "between 10 and 15"). The unit is the
word after the number ("square miles", "residents"); the kind says what is counted: ``fatalities``,
``injured``, ``people``, ``area``, ``distance``, ``money``, ``temperature``, ``percent``, ``duration``,
``weight`` or ``count``. Fatalities and injured come from the dependency parse: a number whose noun is
governed by, or governs, "kill", "die", "dead", "death toll", "wound"… ("12 people were killed", "killed
12", "the death toll rose to 12", "12 dead").

Calendar dates and clock times are the times stage's: a year ("2019"), a day of the month ("March 23")
and a time ("10:30") are not amounts; a duration ("three months") is both.

Vague quantities keep their low bound as the value, the conservative reading that ACLED's methodology
uses for fatalities ("dozens" 12, "hundreds" 100), and both bounds.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from eventwire.data import read_toml
from eventwire.records import Amount

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["quantify"]

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


@dataclass(frozen=True, slots=True)
class _Lexicon:
    numbers: dict[str, int]
    scales: dict[str, int]
    vague: dict[str, tuple[int, int]]
    bounds: dict[str, str]
    currencies: dict[str, str]
    units: dict[str, str]
    """Unit phrase (lower case) → kind."""
    people: frozenset[str]
    fatal: frozenset[str]
    injured: frozenset[str]
    displaced: frozenset[str]
    pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """``data/amounts.toml`` read once, and the one pattern that finds a figure with its bound and unit."""
    data = read_toml("amounts.toml")
    numbers = {str(k): int(v) for k, v in data["numbers"].items()}
    scales = {str(k): int(v) for k, v in data["scales"].items()}
    vague = {str(k): (int(v[0]), int(v[1])) for k, v in data["vague"].items()}
    bounds = {str(k): str(v) for k, v in data["bounds"].items()}
    currencies = {str(k).lower(): str(v) for k, v in data["currencies"].items()}
    unit_lists: dict[str, list[str]] = {str(k): list(v) for k, v in data["units"].items()
                                        if k not in ("people", "fatal", "injured", "displaced")}
    units = {unit.lower(): kind for kind, listed in unit_lists.items() for unit in listed}

    def alternatives(words: list[str]) -> str:
        return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))

    word_number = (rf"(?:{alternatives(list(numbers))})(?:[- ](?:{alternatives(list(numbers))}))*"
                   rf"(?:\s+(?:hundred|thousand|million|billion)(?:\s+(?:and\s+)?(?:{alternatives(list(numbers))}))*)*"
                   r"(?:\s+and\s+a\s+half)?")
    currency_before = alternatives([c for c in currencies if not c.isalpha()])
    number = (rf"(?:(?P<cur>{currency_before})\s?)?"
              rf"(?P<num>{_DIGITS}|(?:a\s+)?half|{word_number})"
              rf"(?:\s?(?P<scale>{alternatives([s for s in scales if len(s) > 2])})\b"
              rf"|(?P<short>k|m|mn|bn)\b)?")
    pattern = re.compile(
        rf"(?<![\w.,/:-])"
        rf"(?:(?P<bound>{alternatives(list(bounds))})\s+)?"
        rf"(?:between\s+(?P<from>{_DIGITS}|{word_number})\s+and\s+|(?P<from2>{_DIGITS})\s?(?:-|–|to)\s?)?"
        rf"(?:(?P<vague>{alternatives(list(vague))})|(?P<pct_before>%)(?P<pct_num>{_DIGITS})|{number})"
        rf"(?:\s?(?P<percent>%|per\s?cent|percent)"
        rf"|\s?(?P<degrees>°\s?[FC]?|degrees(?:\s+(?:Fahrenheit|Celsius|F|C))?)"
        rf"|\s+(?P<unit>{alternatives(list(units))})\b"
        rf"|\s+(?P<cur_after>{alternatives([c for c in currencies if c.isalpha()])})\b)?"
        rf"(?![\w%°])",
        re.IGNORECASE)
    return _Lexicon(numbers=numbers, scales=scales, vague=vague, bounds=bounds, currencies=currencies,
                    units=units, people=frozenset(data["units"]["people"]),
                    fatal=frozenset(data["units"]["fatal"]), injured=frozenset(data["units"]["injured"]),
                    displaced=frozenset(data["units"]["displaced"]), pattern=pattern)


def parse_number(text: str) -> float | None:
    """The value of a number in digits or words; ``None`` when it is not one.

    >>> [parse_number(t) for t in ("10,000", "1.5", "four and a half", "twenty-six", "three hundred", "x")]
    [10000.0, 1.5, 4.5, 26.0, 300.0, None]
    """
    lex = _lexicon()
    cleaned = text.strip().lower().replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):  # digits only: float() would also take "nan" or "1e400"
        value = float(cleaned)
        return value if math.isfinite(value) else None
    if cleaned in ("half", "a half"):
        return 0.5
    half = cleaned.endswith("and a half")
    words = re.split(r"[\s-]+", cleaned.removesuffix("and a half").strip())
    total = current = 0.0
    seen = False
    for word in words:
        if word == "and":
            continue
        if word in lex.numbers:
            current += lex.numbers[word]
            seen = True
        elif word in lex.scales and seen:
            if lex.scales[word] == 100:
                current *= 100
            else:
                total += current * lex.scales[word]
                current = 0.0
        else:
            return None
    if not seen:
        return None
    return total + current + (0.5 if half else 0.0)


def _is_calendar(figure: Span | None, unit: str | None) -> bool:
    """A year, a day of the month or a clock time inside a DATE/TIME entity (durations are amounts)."""
    if unit is not None or figure is None:
        return False
    return any(token.ent_type_ in ("DATE", "TIME") for token in figure)


def _cue_above(figure: Span | None, lex: _Lexicon) -> str | None:
    """"fatalities" or "injured" from the nearest cue above a figure in the parse, if any.

    Walks up to three heads from the figure; at each, the head's own lemma and its subject's count
    ("the death toll rose to 85": "rose" has the subject "toll").
    """
    if figure is None:
        return None
    token = figure.root
    for _ in range(3):
        if token.head.i == token.i:
            break
        token = token.head
        lemmas = [token.lemma_.lower()]
        lemmas.extend(child.lemma_.lower() for child in token.children if child.dep_ in ("nsubj", "nsubjpass", "attr"))
        for lemma in lemmas:
            if lemma in lex.injured:
                return "injured"
            if lemma in lex.fatal:
                return "fatalities"
    return None


def _cue_after(doc: Doc, next_index: int | None, lex: _Lexicon) -> str | None:
    """"fatalities" or "injured" from a participle right after a figure: headlines' "Twelve killed"."""
    if next_index is None:
        return None
    for token in doc[next_index:next_index + 1]:
        lemma = token.lemma_.lower()
        if lemma in lex.injured or token.lower_ in lex.injured:
            return "injured"
        if lemma in lex.fatal or token.lower_ in lex.fatal:
            return "fatalities"
    return None


def _noun_after(doc: Doc, next_index: int | None) -> Token | None:
    """The noun a figure counts: the first noun within three tokens after it, past adjectives."""
    if next_index is None:
        return None
    after_of = False
    for token in doc[next_index:next_index + 4]:
        if token.pos_ in ("NOUN", "PROPN") or token.lower_ in ("dead", "injured", "wounded", "displaced"):
            return token
        # "tens of thousands of the families", "39 young men": skip adjectives, "of" and what follows it;
        # not other prepositions ("39 in an attack": the attack is not what was counted).
        if token.lower_ == "of":
            after_of = True
        elif not (token.pos_ in ("ADJ", "ADV", "NUM") or token.text == "-" or (after_of and token.pos_ == "DET")):
            return None
    return None


def _kind_of(doc: Doc, figure: Span | None, next_index: int | None, unit: str | None,
             lex: _Lexicon) -> tuple[str, str | None]:
    """Kind and unit of a figure without a measure unit: fatalities, injured, people or count.

    The counted noun decides first ("12 wounded", "85 deaths"), then the nearest cue above the figure.
    """
    noun = _noun_after(doc, next_index)
    if noun is not None:
        unit = unit or noun.lower_
        lemma = noun.lemma_.lower()
        if lemma in lex.injured or noun.lower_ in lex.injured:
            return "injured", unit
        if lemma in lex.fatal or noun.lower_ in lex.fatal:
            return "fatalities", unit
    cue = _cue_above(figure, lex) or _cue_after(doc, next_index, lex)
    if cue is not None:
        return cue, unit
    if unit is not None and unit.lower() in lex.people:
        return "people", unit
    if figure is not None and (figure.root.head.lemma_.lower() in lex.displaced  # "arrested 300"
                               or any(child.lemma_.lower() in lex.displaced  # "the thousands detained"
                                      for child in figure.root.children)):
        return "people", unit
    return "count", unit


def _bounds(kind: str | None, value: float, low: float | None, high: float | None) -> tuple[float | None, float | None]:
    if kind == "low":
        return value, high
    if kind == "high":
        return low, value
    return low, high


def _amount(match: re.Match[str], doc: Doc, text_length: int, lex: _Lexicon) -> Amount | None:
    start, end = match.span()
    groups = match.groupdict()
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    kind: str | None = None
    if groups["vague"]:
        low, high = (float(x) for x in lex.vague[groups["vague"].lower()])
        value: float | None = low
    elif groups["pct_num"]:
        value = parse_number(groups["pct_num"])
        kind, unit = "percent", "%"
    else:
        value = parse_number(groups["num"] or "")
        if value is None:
            return None
        scale = groups["scale"] or groups["short"]
        if scale:
            value *= lex.scales[scale.lower()]
    if value is None:
        return None
    bound = lex.bounds.get((groups["bound"] or "").lower())
    low, high = _bounds(bound, value, low, high)
    first = groups["from"] or groups["from2"]
    if first:
        first_value = parse_number(first)
        if first_value is not None:
            scale = groups["scale"] or groups["short"]
            if scale and first_value * lex.scales[scale.lower()] <= value:  # "2-3 million": 2 million
                first_value *= lex.scales[scale.lower()]
            low, high, value = first_value, value, first_value
    if groups["percent"]:
        kind, unit = "percent", "%"
    elif groups["degrees"]:
        kind = "temperature"
        unit = "°F" if "f" in groups["degrees"].lower() else "°C" if "c" in groups["degrees"].lower() else "°"
    elif groups["cur"] or groups["cur_after"]:
        kind, unit = "money", lex.currencies[(groups["cur"] or groups["cur_after"]).strip().lower()]
    elif groups["unit"]:
        unit = groups["unit"].lower()
        kind = lex.units[unit]
    if kind is None:
        # The figure's tokens and the token after it, found once (each doc.char_span is a search).
        figure = doc.char_span(start, end, alignment_mode="expand")
        following = doc.char_span(end, min(text_length, end + 1), alignment_mode="expand")
        next_index = following.start if following is not None else None
        if not groups["vague"] and not groups["bound"] and not first and _is_calendar(figure, unit):
            return None
        if groups["scale"] is None and groups["short"] is None and _looks_like_year(groups["num"] or ""):
            return None
        kind, unit = _kind_of(doc, figure, next_index, unit, lex)
    return Amount(text=match.group(0), start=start, end=end, value=value, unit=unit, kind=kind, low=low, high=high)


def _looks_like_year(number: str) -> bool:
    return bool(re.fullmatch(r"(?:1[89]|20)\d\d", number))


def quantify(doc: Doc) -> tuple[Amount, ...]:
    """Every figure of a parsed article, in text order.

    Args:
        doc: the parsed article (its text is the article text; offsets are into it).

    Returns:
        One :class:`~eventwire.records.Amount` per figure: ``value`` (the low bound for vague
        quantities), ``low``/``high`` when the text bounds it, ``unit`` and ``kind``.
    """
    lex = _lexicon()
    amounts: list[Amount] = []
    text = doc.text  # built anew on every access: read it once
    for match in lex.pattern.finditer(text):
        if not match.group(0).strip():
            continue
        amount = _amount(match, doc, len(text), lex)
        if amount is not None:
            amounts.append(amount)
    return tuple(amounts)

