"""Find the place names of a parsed article.

:func:`find` reads two sources and guards both against false matches:

* **the model's entities** — GPE, LOC and FAC spans are place names (trimmed of a leading "the" and a
  trailing possessive; a lower-case span such as "us" is not; a GPE or LOC the gazetteer does not know
  needs a cue such as "in" before it — most such spans name firms and people). Spans the model labels otherwise are
  taken when the gazetteer says the whole span is a country, division, region or large city ("Chad",
  "the Sahel") or when the words around it say it is a place: "the village of X", "X is a town in …",
  "X governorate", or a preposition such as "in" before a name shaped like an Arabic place name
  ("in Al-Baghuz Fawqani"), or when they are listed with a place found ("X, Y", "X village, Y", and in
  brackets only a division: "X district (Y)"). Demonyms ("Syrian") are not places, and nothing is taken from inside a
  longer organisation name (no "Creek" from "Reddit Creek Fund").
* **the gazetteer** — runs of capitalised words the model left unlabelled are matched against
  :meth:`~eventwire.gazetteer.Gazetteer.lookup` n-gram by n-gram, longest first. A match must be proper
  nouns, not a stopword, not a word of a person's name in the same article, not after a title ("President
  Jordan"), and either an unambiguous big entry (a country, division, region or city of 100,000) or a
  place with a cue (a preposition before it, a place noun next to it).

>>> from eventwire.gazetteer import Gazetteer                  # doctest: +SKIP
>>> doc = nlp("Clashes were reported near Kafr Nabl, in Idlib province.")  # doctest: +SKIP
>>> [m.text for m in find(doc, Gazetteer.open())]              # doctest: +SKIP
['Kafr Nabl', 'Idlib']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from eventwire.data import read_text, read_toml
from eventwire.gazetteer import Candidate, Gazetteer, name_key
from eventwire.places.candidates import Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["Found", "find", "find_places"]

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
"""Entity labels the model gives to place names."""
SKIPPED_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "LANGUAGE"})
"""Entity labels that are never place names, whatever the gazetteer says."""
STRONG_KINDS = frozenset({"country", "admin1", "continent", "region"})
STRONG_POPULATION = 100_000
"""A town this big may be named without a cue; smaller ones need one ("in X", "X village")."""
MAX_NGRAM = 6
_LINE_IN_CAPITALS = re.compile(r"^[A-Z]{2,}\b", re.MULTILINE)
LIST_JOINS = frozenset({",", "and", "or"})
SEPARATORS = frozenset({"and", "&", ",", "-", "–", "/", "or"})
"""Words and marks between the names an entity lists ("Cattai and Wilberforce")."""
OPENING_BRACKETS = frozenset({"(", "["})
DATELINE_MARKS = frozenset({",", "(", "—", "–", "-", "--", ":"})
_JOINING_DASHES = frozenset({"-", "–"})
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})

Source = Literal["ner", "entity", "cue", "gazetteer"]


@dataclass(frozen=True, slots=True)
class Found:
    """A place name and why the finder took it."""

    mention: Mention
    source: Source
    """``ner``: a GPE/LOC/FAC entity; ``cue``: words around it say it is a place; ``entity``: another
    entity that the gazetteer knows as a big place; ``gazetteer``: unlabelled words the gazetteer knows."""
    label: str = ""
    """The model's entity label, empty for unlabelled words."""

    @property
    def looks_like_a_place(self) -> bool:
        """Whether the text itself says this is a place (so an unknown name may fall back to its country)."""
        return self.source == "cue" or (self.source == "ner" and self.label in ("GPE", "LOC"))


@dataclass(frozen=True, slots=True)
class _Cues:
    place_nouns: frozenset[str]
    locatives: frozenset[str]
    connectors: frozenset[str]
    arabic_starts: frozenset[str]
    titles: frozenset[str]
    not_place_heads: frozenset[str]
    directions: frozenset[str]
    stopwords: frozenset[str]
    calendar: frozenset[str]
    organisation_kinds: frozenset[str]


@functools.cache
def _cues() -> _Cues:
    """The cue lexicons, read once per process."""
    table = read_toml("place_cues.toml")
    stopwords = frozenset(line.strip() for line in read_text("stopwords.txt").splitlines()
                          if line.strip() and not line.startswith("#"))

    def words(key: str) -> frozenset[str]:
        return frozenset(str(word) for word in table[key])

    return _Cues(place_nouns=words("place_nouns"), locatives=words("locative_prepositions"),
                 connectors=words("name_connectors"), arabic_starts=words("arabic_place_starts"),
                 titles=words("person_titles"), not_place_heads=words("not_place_heads"),
                 directions=words("directions"), stopwords=stopwords, calendar=words("calendar_words"),
                 organisation_kinds=words("organisation_kinds"))


def find(doc: Doc, gazetteer: Gazetteer) -> list[Mention]:
    """The place names of a parsed article, in text order, as mentions with character offsets.

    Args:
        doc: the article parsed by :func:`eventwire.parse.parse` (``doc.text`` is the article text).
        gazetteer: the open index, to recognise names the model misses or mislabels.

    Returns:
        Non-overlapping :class:`~eventwire.places.resolve.Mention` s, ready for
        :func:`~eventwire.places.resolve.resolve`.
    """
    return [found.mention for found in find_places(doc, gazetteer)]


def find_places(doc: Doc, gazetteer: Gazetteer) -> list[Found]:
    """Like :func:`find`, with the reason each name was taken (see :class:`Found`)."""
    finder = _Finder(doc, gazetteer, _cues())
    return finder.run()


class _Finder:
    """One article's search; holds what the guards need to know about the whole article."""

    def __init__(self, doc: Doc, gazetteer: Gazetteer, cues: _Cues) -> None:
        self.doc = doc
        self.gazetteer = gazetteer
        self.cues = cues
        self.person_words = _person_words(doc)
        self.person_sources = _person_sources(doc)

    def run(self) -> list[Found]:
        found: list[Found] = list(self._datelines())
        for ent, label in _entities(self.doc):
            span = _trim(ent)
            if span is None or label in SKIPPED_LABELS:
                continue
            source = self._entity_source(span, label)
            if source == "ner":
                found.extend(Found(_mention(part), source, label) for part in self._names_in(span, label))
            elif source == "cue":
                found.extend(Found(_mention(part), source, label) for part in _comma_parts(span))
            elif source is not None:
                found.append(Found(_mention(span), source, label))
            elif label == "ORG" and (part := self._embedded(span)) is not None:
                found.append(Found(_mention(part), "entity", label))
        for run in _runs(self.doc, self.cues.connectors):
            found.extend(self._gazetteer_names(run))
        found.extend(self._listed_with_places(found))
        return _without_overlaps(found)

    def _listed_with_places(self, found: list[Found]) -> list[Found]:
        """Entities of other labels that the gazetteer knows by name, listed next to places found
        ("Rongo, Siaya, Kisumu"; "Temryuk and Anapa"): a list of places holds places."""
        starts = {f.mention.start for f in found}
        ends = {f.mention.end for f in found}
        added: list[Found] = []
        pending = [ent for ent in self.doc.ents if ent.label_ in ("ORG", "PERSON", "PRODUCT", "WORK_OF_ART", "NORP")
                   and ent.start_char not in starts and len(ent) <= 3]
        changed = True
        while changed:
            changed = False
            for ent in list(pending):
                span = _trim(ent)
                if span is None or not self._listed(span, starts, ends):
                    continue
                pending.remove(ent)
                if (self._person_word_elsewhere(span) or self._after_title(span) or not self._known_by_name(span)
                        or span.text.lower() in self.cues.stopwords or self.gazetteer.demonym(span.text)):
                    continue
                added.append(Found(_mention(span), "cue", ent.label_))
                starts.add(span.start_char)
                ends.add(span.end_char)
                changed = True
        return added

    def _listed(self, span: Span, starts: set[int], ends: set[int]) -> bool:
        """Whether a place found stands right before ("X, Y", "X village, Y", "X district (Y") or after
        ("Y, X") the span."""
        doc = self.doc
        bracket = span.start >= 1 and doc[span.start - 1].text in OPENING_BRACKETS
        if bracket and not self._division(span):
            pass  # "Nairobi (Reuters)": only a division or country is written in brackets after a place
        elif span.start >= 2 and (doc[span.start - 1].lower_ in LIST_JOINS or bracket):
            before = doc[span.start - 2]
            if before.idx + len(before.text) in ends:
                return True
            if span.start >= 3 and before.lower_ in self.cues.place_nouns:
                place = doc[span.start - 3]
                if place.idx + len(place.text) in ends:
                    return True
        if span.end + 1 < len(doc) and doc[span.end].lower_ in LIST_JOINS:
            return doc[span.end + 1].idx in starts
        return False

    # --- entities -------------------------------------------------------------------------------

    def _entity_source(self, span: Span, label: str) -> Source | None:
        text = span.text
        if not text[:1].isupper() and not text[:1].isdigit():
            return None  # "us", "the west": a place name is written with a capital
        if not _is_acronym(span) and text.lower() in self.cues.stopwords:
            return None
        if self._names_another_thing(span):
            return None
        words = [token.lower_ for token in span if token.is_alpha]
        if words and all(word in self.cues.calendar for word in words):
            return None  # "the Easter Sunday blast": a date the model called a facility
        if label in PLACE_LABELS:
            if self._person_word(span) and not self._strong(self._candidates(text), span):
                return None  # "Modi" after "Narendra Modi", labelled GPE
            if label != "FAC" and not self._candidates(text) and not self._tiled(span) and not (
                    self._place_cue(span) or self._after_locative(span)):
                return None  # unknown, and nothing around it says place: mostly firms and people
            return "ner"
        if all(t.lower_ in self.cues.directions for t in span if t.is_alpha):
            return None  # "Western", "Southern": a direction the model calls a group or a person
        if label == "NORP":  # a demonym or group: only a whole region name ("Kurdistan") is a place
            return "entity" if not self.gazetteer.demonym(text) and self._strong(self._candidates(text), span) \
                else None
        if self._place_cue(span) or (label in ("PERSON", "ORG") and self._arabic_after_locative(span)):
            return "cue"
        if label == "PERSON" and (self._person_word(span) or self._after_title(span) or len(span) > 3):
            return None
        if self._strong(self._candidates(text), span):
            return "entity"
        if len(span) <= 3 and self._after_locative(span) and self._known_by_name(span):
            return "cue"  # "officials in Dogubayazit", the town labelled an organisation
        return None

    def _names_in(self, span: Span, label: str) -> list[Span]:
        """The place names a place entity holds, as the gazetteer knows them: the entity grown to a longer
        name ("Guinea" → "Guinea-Bissau", "Democratic Republic" → "… of the Congo"), cut before trailing
        lower-case words ("Hebei province", "Indian Ocean coast"), split into the names it lists ("Cattai
        and Wilberforce", "Greece Italy") or cut to the name it starts or ends with ("Montgomery County
        Democrats"). A name the gazetteer does not know stays as the model found it."""
        span = self._extended(span)
        if label == "FAC":
            return [span]
        end = span.end
        while end > span.start + 1 and span.doc[end - 1].is_lower:
            end -= 1
        if end < span.end and _name_like(span.doc[end - 1]):
            span = span.doc[span.start:end]
        if self._candidates(span.text):
            return [span]
        pieces = self._tiled(span)
        return pieces if pieces else [span]

    def _division(self, span: Span) -> bool:
        """The gazetteer knows the span by name as a country or first- or second-level division."""
        key = name_key(span.text)
        return any(c.kind == "country" or (c.kind in ("admin1", "admin2") and (c.key or name_key(c.name)) == key)
                   for c in self._candidates(span.text))

    def _known_by_name(self, span: Span) -> bool:
        """The gazetteer has an entry under exactly this name (any name for countries and regions)."""
        key = name_key(span.text)
        return any(c.kind in ("country", "continent", "region") or (c.key or name_key(c.name)) == key
                   for c in self._candidates(span.text))

    def _extended(self, span: Span) -> Span:
        doc, best = span.doc, span
        end = span.end
        while end < len(doc) and end - span.start < MAX_NGRAM and not doc[end].is_sent_start:
            token = doc[end]
            if not (_name_like(token) or (token.text == "-" and not doc[end - 1].whitespace_)
                    or (token.is_lower and token.lower_ in self.cues.connectors) or token.lower_ == "the"):
                break
            end += 1
            if _name_like(token) and self._known_by_name(doc[span.start:end]):
                best = doc[span.start:end]
        start = best.start
        while start > 0 and best.end - start < MAX_NGRAM and not doc[start].is_sent_start:
            token = doc[start - 1]
            if not (_name_like(token) and token.pos_ == "PROPN" and token.lower_ not in self.person_words):
                break
            start -= 1
            if self._known_by_name(doc[start:best.end]):
                best = doc[start:best.end]
        return best

    def _tiled(self, span: Span) -> list[Span]:
        """The names that, side by side, make up the span's words: names the gazetteer knows by name between
        separators ("Cattai and Wilberforce", "Central Africa - Nigeria"), or countries, divisions and big
        cities with nothing between them ("Greece Italy"); else the longest such big name it starts or ends
        with ("Villages Sudan"); else none — "West Nile" is not West and Nile, "Aston Villa" not Aston."""
        doc, position = span.doc, span.start
        pieces: list[Span] = []
        separated = False
        while position < span.end:
            if not _name_like(doc[position]):
                if doc[position].lower_ not in SEPARATORS:
                    return []
                separated, position = True, position + 1
                continue
            for stop in range(min(span.end, position + MAX_NGRAM), position, -1):
                if _name_like(doc[stop - 1]) and self._known_by_name(doc[position:stop]):
                    pieces.append(doc[position:stop])
                    position = stop
                    break
            else:
                pieces = []
                break
        if len(pieces) > 1 and (separated or all(self._big(piece) for piece in pieces)):
            return pieces
        for length in range(len(span) - 1, 0, -1):
            for part in (span[:length], span[len(span) - length:]):
                if _name_like(part[0]) and _name_like(part[-1]) and self._big(part):
                    return [part]
        return []

    def _big(self, span: Span) -> bool:
        """A country, division, region or big city, and not a bare direction or common word."""
        return (span.text.lower() not in self.cues.stopwords
                and not all(t.lower_ in self.cues.directions for t in span if t.is_alpha)
                and self._strong(self._candidates(span.text), span))

    def _embedded(self, span: Span) -> Span | None:
        """A country, division or big city that starts or ends an organisation's name: "U.S." in "the U.S.
        Centers for Disease Control", "Sudan" in "SOS Children's Villages Sudan" — never a name made of the
        organisation's own words ("Reddit Creek" in "Reddit Creek Fund") nor a demonym ("Syrian")."""
        size = len(span)
        for length in range(min(MAX_NGRAM, size - 1), 0, -1):
            for part in (span[:length], span[size - length:]):
                if not _name_like(part[0]) or not _name_like(part[-1]) or part[-1].lower_ in POSSESSIVES:
                    continue
                if part.text.lower() in self.cues.stopwords and not _is_acronym(part):
                    continue
                if length == 1 and (part[0].pos_ != "PROPN" or part[0].lower_ in self.cues.organisation_kinds):
                    continue
                if self.gazetteer.demonym(part.text) or all(t.lower_ in self.cues.directions for t in part):
                    continue
                if self._strong(self._candidates(part.text), part):
                    return part
        return None

    def _datelines(self) -> Iterator[Found]:
        """The place of a dateline in capitals: "SAN ANTONIO —", "HORRY COUNTY, SC (WMBF)", "WASHINGTON (AP)"
        at the start of a line, whatever the model made of it."""
        doc = self.doc
        for line in _LINE_IN_CAPITALS.finditer(doc.text):
            first = doc.char_span(line.start(), line.end(), alignment_mode="expand")
            if first is None or first.start_char != line.start() or not _capitals(first[0]):
                continue
            token = first[0]
            end = token.i
            while end < len(doc) and _capitals(doc[end]) and end - token.i < MAX_NGRAM:
                end += 1
            if end >= len(doc) or doc[end].text not in DATELINE_MARKS:
                continue
            if doc[end].text in _JOINING_DASHES and not doc[end - 1].whitespace_ and not doc[end].whitespace_:
                continue  # a hyphen inside a name ("AL-OMAR OIL FIELD, Syria"): "AL" is no dateline
            for stop in range(end, token.i, -1):
                span = doc[token.i:stop]
                if span.text.lower() not in self.cues.stopwords and self._candidates(span.text):
                    yield Found(_mention(span), "cue", "")
                    break

    # --- unlabelled capitalised words -------------------------------------------------------------

    def _gazetteer_names(self, run: list[Token]) -> Iterator[Found]:
        """The run as a whole is a gazetteer name, or the run less a leading common word ("Meanwhile") or
        a trailing place noun ("Idlib Province"); a name inside a longer capitalised phrase is not taken
        ("Foreign Secretary", "Reddit Creek Fund")."""
        start, end = 0, len(run)
        while start < end and run[start].pos_ != "PROPN" and not _is_acronym(self.doc[run[start].i:run[start].i + 1]):
            start += 1
        if start < end and end - start > 1 and run[end - 1].lower_ in self.cues.place_nouns:
            end -= 1
        while end > start and not _name_like(run[end - 1]):
            end -= 1
        if start >= end or end - start > MAX_NGRAM:
            return
        span = self.doc[run[start].i:run[end - 1].i + 1]
        if self._gazetteer_name(span):
            yield Found(_mention(span), "gazetteer")

    def _gazetteer_name(self, span: Span) -> bool:
        words = [t for t in span if _name_like(t)]
        acronym = _is_acronym(span)
        if len(words) == 1 and not acronym and (len(span.text) < 3 or span.text.lower() in self.cues.stopwords):
            return False
        if all(t.lower_ in self.cues.stopwords for t in words) and not acronym:
            return False
        if not acronym and any(t.pos_ != "PROPN" for t in words):
            return False  # "Police said …", "Nice weather": capitalised common words
        if self._person_word(span) or self._after_title(span) or self._before_person(span):
            return False
        if all(t.lower_ in self.cues.directions or t.lower_ in self.cues.titles for t in words):
            return False
        candidates = self._candidates(span.text)
        if not candidates:
            return not acronym and self._place_cue(span)  # "the village of Cellardyke"
        if acronym and len(span.text) <= 3:
            return any(c.kind in STRONG_KINDS for c in candidates)
        return self._strong(candidates, span) or self._place_cue(span) or self._after_locative(span)

    # --- guards and cues --------------------------------------------------------------------------

    def _candidates(self, text: str) -> list[Candidate]:
        return [c for c in self.gazetteer.lookup(text) if c.lat is not None and c.lon is not None]

    def _strong(self, candidates: list[Candidate], span: Span, *, big: int = STRONG_POPULATION) -> bool:
        """A country, continent or region under any of its names, or a division or town of ``big``
        inhabitants under its own name — not an alternate name ("White House" is not Casablanca) and not
        capitals shorter than 4 letters naming a town ("EU" is not Eu, France)."""
        key = name_key(span.text)
        for candidate in candidates:
            if candidate.kind in ("country", "continent", "region"):
                return True
            if (candidate.key or name_key(candidate.name)) != key or (_is_acronym(span) and len(span.text) <= 3):
                continue
            if candidate.kind == "admin1" or candidate.population >= big:
                return True
        return False

    def _person_word(self, span: Span) -> bool:
        """A word of a person's multi-word name elsewhere in the article ("Gabriel" after "Kino Gabriel");
        not a particle such as "Al", which "Al Asadiyah" (a town the model calls a person) shares with
        "Al Hasakeh"."""
        return any(t.lower_ in self.person_words and t.lower_ not in self.cues.connectors
                   for t in span if _name_like(t))

    def _person_word_elsewhere(self, span: Span) -> bool:
        """A word of another multi-word person's name of the article — not of the span's own entity (the
        model calls "Al Anbar" a person), nor a particle such as "Al"."""
        particles = self.cues.connectors | self.cues.arabic_starts
        return any(t.lower_ not in particles and self.person_sources.get(t.lower_, frozenset()) - {span.text}
                   for t in span if _name_like(t))

    def _names_another_thing(self, span: Span) -> bool:
        """Followed by a noun such as "virus": "West Nile virus" names a disease, not a place."""
        after = self.doc[span.end] if span.end < len(self.doc) else None
        return after is not None and after.lower_ in self.cues.not_place_heads

    def _before_person(self, span: Span) -> bool:
        """Right before a person's name: a title ("President Donald Trump"), not a place."""
        after = self.doc[span.end] if span.end < len(self.doc) else None
        return after is not None and after.ent_type_ == "PERSON" and after.ent_iob_ == "B"

    def _after_title(self, span: Span) -> bool:
        before = self.doc[span.start - 1] if span.start > 0 else None
        return before is not None and before.lower_.rstrip(".") in self.cues.titles

    def _after_locative(self, span: Span) -> bool:
        before = self.doc[span.start - 1] if span.start > 0 else None
        return before is not None and before.lower_ in self.cues.locatives and before.sent == span.sent

    def _arabic_after_locative(self, span: Span) -> bool:
        first = span[0].lower_
        return first in self.cues.arabic_starts and self._after_locative(span)

    def _place_cue(self, span: Span) -> bool:
        """"the village of X", "X village", "X, a town …", "X is a village …" — the place noun the head of
        its phrase, not a modifier ("a city official", "the Champions League quarter-final")."""
        doc, nouns = self.doc, self.cues.place_nouns
        if span.start >= 2 and doc[span.start - 1].lower_ == "of" and doc[span.start - 2].lower_ in nouns:
            return True
        after = doc[span.end:min(len(doc), span.end + 6)]
        if not len(after) or after[0].is_sent_start:
            return False
        if after[0].lower_ in nouns and after[0].is_lower:
            return _heads(after[0])
        if after[0].lower_ in ("is", "was"):
            allowed: tuple[str, ...] = ("a", "an", "the")
        elif after[0].text == ",":
            allowed = ("a", "an")
        else:
            return False
        if len(after) < 3 or after[1].lower_ not in allowed:
            return False
        for token in after[2:]:
            if token.lower_ in nouns and token.is_lower:
                return _heads(token)
            if token.pos_ not in ("ADJ", "ADV", "NUM") or token.is_sent_start:
                return False
        return False


def _heads(noun: Token) -> bool:
    """Whether a noun ends its phrase: not followed by another noun or a hyphen ("city official")."""
    following = noun.doc[noun.i + 1] if noun.i + 1 < len(noun.doc) else None
    return following is None or (following.pos_ not in ("NOUN", "PROPN") and following.text != "-")


def _person_words(doc: Doc) -> frozenset[str]:
    """The words of multi-word PERSON entities: a first or last name seen alone is still a person."""
    words: set[str] = set()
    for ent in doc.ents:
        if ent.label_ == "PERSON" and len([t for t in ent if t.is_alpha]) >= 2:
            words.update(t.lower_ for t in ent if t.is_alpha and t.text[:1].isupper())
    return frozenset(words)


def _person_sources(doc: Doc) -> dict[str, frozenset[str]]:
    """Each word of a multi-word PERSON entity, with the texts of the entities it is part of."""
    sources: dict[str, set[str]] = {}
    for ent in doc.ents:
        if ent.label_ == "PERSON" and len([t for t in ent if t.is_alpha]) >= 2:
            for token in ent:
                if token.is_alpha and token.text[:1].isupper():
                    sources.setdefault(token.lower_, set()).add(ent.text)
    return {word: frozenset(texts) for word, texts in sources.items()}


def _is_acronym(span: Span) -> bool:
    """All capitals (``US``, ``DRC``, ``U.S.``) inside text that is not itself written in capitals."""
    letters = [c for c in span.text if c.isalpha()]
    if not letters or not all(c.isupper() for c in letters) or len(letters) > 5:
        return False
    sentence = [c for c in span.sent.text if c.isalpha()]
    return sum(c.isupper() for c in sentence) < 0.6 * len(sentence)


def _capitals(token: Token) -> bool:
    """A word written in capitals ("SAN", "HORRY")."""
    return token.is_upper and token.is_alpha


def _name_like(token: Token) -> bool:
    """Capitalised and made of letters (with dots, hyphens, apostrophes): "Zor", "U.S.", "D’Aunoy"."""
    text = token.text
    return text[:1].isupper() and all(c.isalpha() or c in ".-'’" for c in text)


def _runs(doc: Doc, connectors: frozenset[str]) -> Iterator[list[Token]]:
    """Maximal runs of capitalised tokens outside every entity, within a sentence, joined by hyphens and
    name particles ("Deir ez-Zor")."""
    run: list[Token] = []
    for token in doc:
        outside = token.ent_iob_ in ("O", "")
        if run and outside and not token.is_sent_start and (
                _name_like(token) or (token.text == "-" and not run[-1].whitespace_)
                or (token.is_lower and token.lower_ in connectors)):
            run.append(token)
            continue
        yield from _closed(run)
        run = [token] if outside and _name_like(token) else []
    yield from _closed(run)


def _closed(run: list[Token]) -> Iterable[list[Token]]:
    while run and not _name_like(run[-1]):
        run = run[:-1]
    return [run] if run else []


def _entities(doc: Doc) -> Iterator[tuple[Span, str]]:
    """The model's entities with their labels, each cut at brackets: the model reads "Tumbes (Tumbes)" and
    "Lere (Niafunke, Tombouctou)" as one name, where a bracket opens a second one."""
    for ent in doc.ents:
        start = ent.start
        for index in range(ent.start, ent.end):
            if doc[index].text in OPENING_BRACKETS:
                if index > start:
                    yield doc[start:index], ent.label_
                start = index + 1
        if start < ent.end:
            yield doc[start:ent.end], ent.label_


def _trim(span: Span) -> Span | None:
    """The span without a leading "the" or punctuation and without a trailing possessive or punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ == "the" or doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].lower_ in POSSESSIVES or doc[end - 1].is_space
                           or (doc[end - 1].is_punct and not any(c.isalpha() for c in doc[end - 1].text))):
        end -= 1
    return doc[start:end] if end > start else None


def _comma_parts(span: Span) -> list[Span]:
    """The names an entity lists with commas ("Yakovlivka, Kharkiv": the village and its province), or
    the entity itself when it lists none."""
    parts: list[Span] = []
    start = span.start
    for token in [*span, None]:
        if token is None or token.text == ",":
            end = span.end if token is None else token.i
            if end > start and _name_like(span.doc[start]) and _name_like(span.doc[end - 1]):
                parts.append(span.doc[start:end])
            elif end > start:
                return [span]
            start = end + 1
    return parts if len(parts) > 1 else [span]


def _mention(span: Span) -> Mention:
    return Mention(span.text, span.start_char, span.end_char)


def _without_overlaps(found: list[Found]) -> list[Found]:
    """In text order; of overlapping names the earlier-listed (model entities before gazetteer runs) wins."""
    kept: list[Found] = []
    for item in found:
        start, end = item.mention.start, item.mention.end
        if all(end <= other.mention.start or other.mention.end <= start for other in kept):
            kept.append(item)
    return sorted(kept, key=lambda item: item.mention.start)
