"""Events: who did what to whom, where, when, with how many dead — coded in ACLED's and PLOVER's
vocabularies, with the trigger, the rule and the sentences as evidence.

Interface (the pipeline relies on it): :func:`code_events` over a parsed article and the other stages'
output. Every sentence is read — headline, dek and captions included — by the sentence classifier
(:mod:`eventwire.events.triggers`); :mod:`eventwire.events.assemble` turns what it codes into events
(ACLED actor conventions, location, date, fatalities) and merges the mentions of one event.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from eventwire.events.assemble import CodedMention, assemble
from eventwire.records import Actor, Amount, Event, Place, Section, TimeRef

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from eventwire.events.triggers import Lexicon

__all__ = ["code_events"]


def _sentences(doc: Doc, sections: Sequence[Section]) -> list[Span]:
    """Every sentence of the article, cut at section bounds so that a headline or caption the parser ran
    into the body is read on its own."""
    bounds = sorted({s.start for s in sections} | {s.end for s in sections})
    sentences: list[Span] = []
    for sent in doc.sents:
        cuts = [b for b in bounds if sent.start_char < b < sent.end_char]
        if not cuts:
            sentences.append(sent)
            continue
        start = sent.start_char
        for cut in [*cuts, sent.end_char]:
            piece = doc.char_span(start, cut, alignment_mode="contract")
            if piece is not None and piece.text.strip():
                sentences.append(piece)
            start = cut
    return sentences


def code_events(doc: Doc, *, actors: Sequence[Actor] = (), places: Sequence[Place] = (),
                times: Sequence[TimeRef] = (), amounts: Sequence[Amount] = (), sections: Sequence[Section] = (),
                published: str | None = None, lexicon: Lexicon | None = None) -> tuple[Event, ...]:
    """The events ``doc`` reports, in text order of their first mention.

    Args:
        doc: the parsed article.
        actors, places, times, amounts: the actors, places, times and amounts stages' output.
        sections: the article's sections (title, dek, captions, body); every one is read.
        published: the article's date, ``YYYY-MM-DD``, or ``None`` (dates then come from the text only).
        lexicon: the trigger lexicon (default: the packaged one, loaded once).

    >>> [e.sub_event_type for e in code_events(nlp("Rebels shelled Idlib on 3 May 2022."))]  # doctest: +SKIP
    ['Shelling/artillery/missile attack']
    """
    from eventwire.events.triggers import code_sentence

    lexicon = lexicon if lexicon is not None else _packaged_lexicon()
    coded: list[tuple[Span, Sequence[CodedMention]]] = []
    sentences = _sentences(doc, sections)
    for sent in sentences:
        found = code_sentence(sent, lexicon, actors=[a for a in actors if sent.start_char <= a.start
                                                     and a.end <= sent.end_char],
                              places=[p for p in places if sent.start_char <= p.start and p.end <= sent.end_char])
        if found:
            coded.append((sent, found))
    return assemble(doc, coded, actors=actors, places=places, times=times, amounts=amounts, published=published,
                    sentences=sentences)


@lru_cache(maxsize=1)
def _packaged_lexicon() -> Lexicon:
    """The packaged trigger lexicon, loaded on first use and kept (a resource loaded once)."""
    from eventwire.events.triggers import load_lexicon

    return load_lexicon()
