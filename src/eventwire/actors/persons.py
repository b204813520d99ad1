"""Actors from the model's entities the table scan did not cover: persons (with the sector and country
their title or affiliation gives), and organisations or groups the table does not know (kept as written).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from eventwire.actors.table import ActorTable, fold, words_of
from eventwire.records import Actor, Place

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_STATE_SECTORS = frozenset({"GOV", "MIL", "COP"})
_WINDOW_BEFORE = 6
_WINDOW_AFTER = 10
_BARRIERS = frozenset({"\"", "“", "”", ".", ";", ":", "(", ")", "#"})


def _spans(actors: Sequence[Actor]) -> list[tuple[int, int]]:
    return [(a.start, a.end) for a in actors]


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _trimmed(span: Span) -> tuple[int, int]:
    """Char offsets of an entity without a leading "the" and a trailing possessive."""
    start, end = span.start_char, span.end_char
    if span[0].lower_ == "the" and len(span) > 1:
        start = span[1].idx
    if span[-1].lower_ in ("'s", "’s", "'") and len(span) > 1:
        end = span[-2].idx + len(span[-2].text)
    return start, end


class _Persons:
    """Persons of one article: title, affiliation and country, and the full name of a surname alone."""

    def __init__(self, doc: Doc, text: str, table: ActorTable, found: Sequence[Actor],
                 sentence_of: Callable[[int], tuple[int, int]]) -> None:
        self.doc = doc
        self.table = table
        self.found = [a for a in found if a.kind == "named" and a.inter is not None]
        self.sentence_of = sentence_of
        self.text = text
        self.known: dict[str, Actor] = {}

    def actor(self, span: Span) -> Actor:
        start, end = _trimmed(span)
        text = self.text[start:end]
        parts = text.split()
        earlier = self.known.get(parts[-1]) if parts else None
        if earlier is not None and (len(parts) == 1 or earlier.name == text):
            return Actor(text=text, start=start, end=end, name=earlier.name, inter=earlier.inter,
                         sector=earlier.sector, country=earlier.country, kind="named")
        sector, title_country, affiliation = self._role(span)
        country = title_country or (affiliation.country if affiliation is not None else None)
        inter = affiliation.inter if affiliation is not None else None
        if sector is None and affiliation is not None:
            sector = affiliation.sector
        if inter is None and sector in _STATE_SECTORS:
            inter = 1
        actor = Actor(text=text, start=start, end=end, name=text, inter=inter, sector=sector, country=country,
                      kind="named")
        if len(parts) > 1:
            self.known[parts[-1]] = actor
        return actor

    def _window(self, span: Span) -> tuple[int, int]:
        sentence_start, sentence_end = self.sentence_of(span.start_char)
        before = max(sentence_start, span.start - _WINDOW_BEFORE)
        for index in range(span.start - 1, before - 1, -1):
            token = self.doc[index]
            if token.text in _BARRIERS or token.pos_ in ("VERB", "AUX") or token.ent_type_ == "PERSON":
                before = index + 1  # the title of this person, not of one named before
                break
        after = span.end
        if after < sentence_end and self.doc[after].text == ",":
            after = min(sentence_end, after + _WINDOW_AFTER)
            for index in range(span.end + 1, after):
                if self.doc[index].text in (",", ".", ";", "\"", "“", "”") or self.doc[index].pos_ == "VERB":
                    after = index
                    break
        return before, after

    def _role(self, span: Span) -> tuple[str | None, str | None, Actor | None]:
        """The sector of the person's title, the country it names, and the actor the person speaks or
        works for, from the words just before the name and an apposition after it."""
        before, after = self._window(span)
        pieces = [(before, span.start), (span.end, after)]
        sector: str | None = None
        country: str | None = None
        for first, last in pieces:
            words = [w.lower() for token in self.doc[first:last] for w in (words_of(token.text) or [token.text])]
            for i in range(len(words)):
                title = self.table.titles.longest(words, i)
                if title is not None and sector is None:
                    sector = str(title[1][0])
                    country = country or self.table.title_countries.get(str(title[1][1]))
                place = self.table.country_folded.longest(words, i)
                if place is not None and len(words[i]) > 2:
                    country = place[1].name
        cased = [self.doc[first:last] for first, last in pieces if last > first]
        for window in cased:
            for token in window:
                if token.text in ("US", "U.S.", "UK", "U.K."):
                    found = self.table.country_cased.longest(words_of(token.text), 0)
                    country = found[1].name if found is not None else country
        low = self.doc[before].idx
        high = self.doc[after - 1].idx + len(self.doc[after - 1].text) if after > span.end else span.start_char
        affiliations = [a for a in self.found if low <= a.start and a.end <= max(high, span.start_char)
                        and not (span.start_char <= a.start < span.end_char)]
        affiliation = min(affiliations, key=lambda a: abs(a.start - span.start_char), default=None)
        return sector, country, affiliation


def entity_actors(doc: Doc, text: str, table: ActorTable, found: Sequence[Actor], places: Sequence[Place],
                  sentence_of: Callable[[int], tuple[int, int]],
                  context: Callable[[int], str | None], *, outlets: frozenset[str] = frozenset()) -> list[Actor]:
    """Persons, and organisations or groups the scan did not find, as actors (see the module doc)."""
    taken = _spans(found)
    place_spans = [(p.start, p.end) for p in places]
    persons = _Persons(doc, text, table, found, sentence_of)
    whole = persons.text
    actors: list[Actor] = []
    for span in doc.ents:
        label = span.label_
        if label == "PERSON":
            start, end = _trimmed(span)
            if start < end and not _overlaps(start, end, taken) and not _overlaps(start, end, place_spans) \
                    and _person_name(whole[start:end], whole[max(start - 1, 0):start]):
                actors.append(persons.actor(span))
            continue
        if label not in ("ORG", "NORP", "GPE"):
            continue
        start, end = _trimmed(span)
        if whole[start:end] in persons.known and not _overlaps(start, end, taken):
            actors.append(persons.actor(span))
            continue
        if label == "GPE":
            continue
        if start >= end or _overlaps(start, end, taken) or _overlaps(start, end, place_spans):
            continue
        if span.end < len(doc) and doc[span.end].lower_ in _PLACE_NOUNS:
            continue  # "the al-Hol camp", "the Rukban camp": the name of a place, not of a party
        text = whole[start:end]
        if fold(text) in table.not_actors or fold(text) in outlets or not any(c.isalpha() for c in text):
            continue
        if label == "NORP" and not _norp_party(span):
            continue
        actors.append(_state_body(table, text, start, end, context) or
                      Actor(text=text, start=start, end=end, name=text, kind="unknown"))
    return actors


_PLACE_NOUNS = frozenset({"camp", "camps", "province", "governorate", "district", "village", "town", "city",
                          "neighbourhood", "neighborhood", "airport", "airbase", "crossing", "prison", "valley",
                          "river", "oilfield", "dam", "square", "street", "road", "highway"})
"""Nouns that make the name written right before them a place's ("the Rukban camp")."""


def _state_body(table: ActorTable, text: str, start: int, end: int,
                context: Callable[[int], str | None]) -> Actor | None:
    """An organisation whose name says it is part of a state's forces or government ("Yixing Police
    Station", "Ministry of Interior"), as that state body of the context country."""
    words = [w.lower() for w in words_of(text)]
    for i in range(len(words)):
        found = table.agent_words.longest(words, i)
        if found is not None and found[1].state:
            agent = found[1]
            country = context(start)
            return Actor(text=text, start=start, end=end, name=agent.named_in(country), inter=agent.inter,
                         sector=agent.sector, country=country, kind="named")
    return None


def _person_name(text: str, before: str) -> bool:
    """A person's name, not a photo credit ("Name/AFP/Getty Images") or a hashtag."""
    return any(c.isupper() for c in text) and "/" not in text and before != "#"


def _norp_party(span: Span) -> bool:
    """A nationality or group written as a noun ("the Kurds", "Yazidis"), not as an adjective."""
    last = span[-1]
    return last.tag_ in ("NNPS", "NNS") or (last.pos_ in ("PROPN", "NOUN") and last.dep_ in ("nsubj", "dobj", "pobj",
                                                                                               "nsubjpass"))
