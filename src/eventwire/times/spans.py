"""Where the time expressions of a parsed article are, cut to TIMEX3 conventions, and their tense.

The parser's DATE and TIME entities are the start. TIMEX3 spans differ from them: no prepositions or
focus words ("in", "since", "just"), no possessive, no signal after a duration ("three days *later*");
a range or "the quarter ended Sept. 30" is two expressions; an age ("52 years old") is none. Words the
parser does not tag ("now", "currently", "recent", "daily") and written dates it missed are added from
the lexicon, where they overlap nothing already found.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from eventwire.times.lexicon import MONTHS, WEEKDAYS, canonical, lexicon

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["tense_of", "time_spans"]

_SPLITTERS = frozenset({"ended", "ending", "to", "through", "thru", "until", "till", "-", "–", "—", "and",
                        "or", "from", "since", "between", "vs", "versus", "than"})
_ALWAYS_SPLIT = frozenset({"ended", "ending"})
_DATEISH = re.compile(r"@m|@w|@ymd|#\d{4}\b|\b(?:today|yesterday|tomorrow)\b")
_TIME_OF_DAY = re.compile(r"@t|@p|#\d+(?::\d\d)? (?:am|pm)|#\d+:\d\d")
_UNITS_ALONE = frozenset({"year", "quarter", "month", "week", "weekend", "decade", "century", "summer",
                          "winter", "spring", "fall", "autumn"})
_BARE_NUMBER = re.compile(r"#[\d.:]+")
_AGE = re.compile(r"\byears?[- ]old\b|\b(?:months?|weeks?|days?)[- ]old\b|-year-olds?\b", re.IGNORECASE)
_FUTURE_AUX = frozenset({"will", "'ll", "shall", "wo", "going", "would"})
_PLAN_VERBS = frozenset({"plan", "schedule", "expect", "intend", "prepare", "aim", "postpone", "delay",
                         "hope", "vow", "threaten", "promise", "propose", "slate", "due"})
_FUTURE_CUES = ("until", "till", "as soon as", "as early as", "next", "no later than")
_PRESENT_BE = frozenset({"is", "are", "am", "'s", "'re"})
_ADJECTIVE_TRIGGERS = frozenset({"current", "recent", "daily", "weekly"})


@lru_cache(maxsize=1)
def _trigger_pattern() -> re.Pattern[str]:
    """Lexicon triggers and written dates the parser may miss ("Sept. 30", "Friday")."""
    words = sorted(lexicon().triggers, key=len, reverse=True)
    months = "|".join(m.capitalize() for m in MONTHS) + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
    weekdays = "|".join(w.capitalize() for w in WEEKDAYS)
    return re.compile(
        r"\b(?:(?i:" + "|".join(re.escape(w) for w in words) + r")"
        r"|(?:" + months + r")\.? \d{1,2}(?:st|nd|rd|th)?\b(?:, \d{4}\b)?"
        r"|(?:" + weekdays + r")\b)(?!-)")


def _trim(span: Span) -> Span:
    """The span without leading prepositions and focus words and trailing possessives and signals."""
    lex = lexicon()
    changed = True
    while changed and len(span):
        changed = False
        if span[0].is_punct or span[0].is_space:
            span, changed = span[1:], True
            continue
        if span[-1].is_punct and span[-1].text not in (".",) or span[-1].is_space:
            span, changed = span[:-1], True
            continue
        lowered = [token.lower_ for token in span]
        if len(span) > 1 and _drops_first(span):
            span, changed = span[1:], True
            continue
        for phrase in lex.leading_trim:
            words = phrase.split()
            if lowered[:len(words)] == words and len(words) < len(span) and \
                    lowered[len(words)] not in ("least", "most", "long", "many", "much"):
                span, changed = span[len(words):], True
                break
        else:
            for phrase in lex.trailing_trim:
                words = phrase.split()
                if lowered[-len(words):] == words and len(words) < len(span):
                    span, changed = span[:-len(words)], True
                    break
    if len(span) and span[-1].text == "." and len(span) > 1 and not span[-2].text.lower().rstrip(".") in (
            "a.m", "p.m", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"):
        span = span[:-1]
    return span


def _drops_first(span: Span) -> bool:
    """An article or a relative adverb that TIMEX3 leaves out: "an Aug. 10, 1988", "a 20th century",
    "the Dec. 21, 1988", "Earlier Friday", "later today" (but "a year", "the past week" stay whole)."""
    first, second = span[0].lower_, span[1]
    following = canonical(second.text)
    if first in ("a", "an", "its", "their", "his", "her", "our"):
        return second.like_num or following.startswith(("@m", "@o", "#")) or first not in ("a", "an")
    if first == "the":
        return following.startswith("@m")
    if first in ("earlier", "later"):
        return following.startswith("@w") or second.lower_ in ("today", "tonight", "yesterday")
    return False


def _extend(span: Span) -> Span:
    """A bare unit the parser cut from its determiner ("This" + "year") with the determiner back."""
    doc = span.doc
    if span.start > 0 and span[0].lower_ in _UNITS_ALONE and \
            doc[span.start - 1].lower_ in ("this", "that", "the", "last", "next", "each", "every"):
        return doc[span.start - 1:span.end]
    return span


def _split(span: Span) -> list[Span]:
    """A range or a period with its end date ("the quarter ended Sept. 30") as separate expressions."""
    for index, token in enumerate(span):
        if token.lower_ not in _SPLITTERS or index == 0 or index == len(span) - 1:
            continue
        left, right = _trim(span[:index]), _trim(span[index + 1:])
        if not len(left) or not len(right):
            continue
        if token.lower_ in _ALWAYS_SPLIT or (_DATEISH.search(canonical(left.text))
                                             and _DATEISH.search(canonical(right.text))):
            return [left, *_split(right)]
    return [span]


def _is_time(span: Span) -> bool:
    text = span.text
    if not text.strip() or _AGE.search(text) or span[-1].lower_ in lexicon().not_times:
        return False
    if len(span) == 1 and span[0].dep_ == "amod" and span[0].lower_ in lexicon().sets:
        return False  # "quarterly report", "annual meeting": a kind of thing, not a time
    shape = canonical(text)
    if not shape:
        return False
    if _BARE_NUMBER.fullmatch(shape):  # a bare number is a year or nothing (ages, counts, models)
        return bool(re.fullmatch(r"#\d{4}", shape)) and 1000 <= int(shape[1:]) <= 2200
    return True


def _entities(doc: Doc) -> list[Span]:
    """The parser's DATE and TIME entities, a leading "each"/"every" taken in, and a time of day joined
    to the day it touches ("Friday" + "evening", "5 p.m. EST" + "Nov. 9", "Friday, Oct. 23")."""
    merged: list[Span] = []
    for entity in doc.ents:
        if entity.label_ not in ("DATE", "TIME"):
            continue
        start = entity.start
        if start > 0 and doc[start - 1].lower_ in ("each", "every"):
            start -= 1
        if merged and _joins(merged[-1], doc[start:entity.end]):
            merged[-1] = doc[merged[-1].start:entity.end]
        else:
            merged.append(doc[start:entity.end])
    return merged


def _joins(left: Span, right: Span) -> bool:
    gap = right.start - left.end
    if gap < 0 or gap > 1 or gap == 1 and left.doc[left.end].text != "," or right[0].is_sent_start:
        return False
    left_shape, right_shape = canonical(left.text), canonical(right.text)
    if _TIME_OF_DAY.search(left_shape) or _TIME_OF_DAY.search(right_shape):
        return True
    return "@w" in left_shape and "@m" in right_shape


def time_spans(doc: Doc) -> list[Span]:
    """The time expressions of ``doc`` in text order, without overlaps."""
    found: list[Span] = []
    for entity in _entities(doc):
        found.extend(part for part in _split(_trim(_extend(entity))) if len(part) and _is_time(part))
    taken = [(span.start_char, span.end_char) for span in found]
    for match in _trigger_pattern().finditer(doc.text):
        start, end = match.span()
        if any(start < taken_end and taken_start < end for taken_start, taken_end in taken):
            continue
        span = doc.char_span(start, end, alignment_mode="strict")
        if span is None or not len(span):
            continue
        if span[0].lower_ in _ADJECTIVE_TRIGGERS and len(span) == 1 and span[0].tag_ not in ("JJ", "RB"):
            continue
        found.append(span)
        taken.append((start, end))
    found.sort(key=lambda span: span.start_char)
    return found


def tense_of(span: Span) -> str:
    """``past``, ``present`` or ``future``: the tense of the verb that governs ``span`` ("will meet",
    "plans to meet", "is meeting" are future; so is a span after "until" or "as early as")."""
    before = " ".join(token.lower_ for token in span.doc[max(0, span.start - 3):span.start])
    if before.endswith(_FUTURE_CUES):
        return "future"
    verb: Token = span.root
    for _ in range(4):
        if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
            break
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        return "past"
    return _tense_of_verb(verb, depth=0)


def _tense_of_verb(verb: Token, depth: int) -> str:
    helpers = [child for child in verb.children if child.dep_ in ("aux", "auxpass")]
    words = {child.lower_ for child in helpers} | {verb.lower_}
    tags = {child.tag_ for child in helpers} | {verb.tag_}
    if words & _FUTURE_AUX or verb.lemma_ in _PLAN_VERBS:
        return "future"
    if verb.tag_ == "VB" and "to" in words and depth < 2 and verb.head.i != verb.i:
        governing = _tense_of_verb(verb.head, depth + 1)
        return "future" if governing in ("present", "future") else "past"
    if "VBD" in tags:
        return "past"
    if verb.tag_ == "VBN" and words & {"has", "have", "'ve"}:
        return "past"
    if verb.tag_ == "VBG" and words & _PRESENT_BE:
        return "future"
    if tags & {"VBZ", "VBP"}:
        return "present"
    return "past"
