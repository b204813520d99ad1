"""The record model every stage fills, and its JSON form.

One :class:`Article` per input article. Stages hand records to each other, never dicts; the JSON form
produced by :func:`article_to_json` is exactly the schema in DESIGN.md, and :func:`article_from_json`
reads it back. All offsets are character offsets into ``Article.text``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

SectionKind = Literal["title", "dek", "caption", "body"]
SourceFormat = Literal["text", "html", "warc", "jsonl", "csv", "parquet"]

SECTION_KINDS: tuple[str, ...] = ("title", "dek", "caption", "body")
SOURCE_FORMATS: tuple[str, ...] = ("text", "html", "warc", "jsonl", "csv", "parquet")


def content_id(text: str) -> str:
    """Stable id of an article: the first 20 hex digits of the SHA-256 of its cleaned text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Where an article came from. ``path`` is the file (``-`` for stdin) and, for JSONL/CSV/WARC, the
    line or record inside it (``file.jsonl:12``)."""

    path: str
    url: str | None = None
    format: SourceFormat = "text"


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """One raw article as ingest found it, before cleaning.

    ``content`` is plain text or HTML (``is_html``). ``doc_id``, ``date``, ``title``, ``publisher`` and
    ``url`` are what the input itself said (JSONL/CSV fields, WARC headers), ``None`` where it said nothing.
    """

    source: Source
    content: str
    is_html: bool = False
    doc_id: str | None = None
    date: str | None = None
    title: str | None = None
    publisher: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """Something a run could not use or had to guess about, kept in the run's error list.

    ``severity`` is ``error`` (the input, or that line of it, was not stored), ``warning`` (stored, but
    look: e.g. not UTF-8, decoded as cp1252) or ``skipped`` (deliberately not an article, e.g. a WARC
    request record). ``where`` names the file, and the line or record inside it.
    """

    severity: Literal["error", "warning", "skipped"]
    code: str
    where: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    kind: SectionKind
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Removed:
    """A piece of the input that cleaning left out of ``text``, and why (nothing is dropped silently)."""

    text: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Cleaned:
    """What the clean stage makes of one document: the article text and what it learned about it."""

    text: str
    sections: tuple[Section, ...] = ()
    removed: tuple[Removed, ...] = ()
    title: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    text: str
    label: str
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    text: str
    start: int
    end: int
    name: str | None = None
    inter: int | None = None
    sector: str | None = None
    country: str | None = None
    kind: str | None = None
    """How the mention names its actor: ``named`` (an alias-table entry or a proper name),
    ``generic`` ("police", "gunmen"), ``anaphor`` ("the group", resolved to an earlier actor) or
    ``unknown`` (kept as written, not in the table)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Place:
    text: str
    start: int
    end: int
    name: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    country_code: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    feature_code: str | None = None
    precision: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeRef:
    text: str
    start: int
    end: int
    value: str | None = None
    precision: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    text: str
    start: int
    end: int
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None
    direct: bool = True
    kind: str = "direct"
    """``direct``, ``mixed`` or ``indirect`` (see :mod:`eventwire.quotes`)."""
    cue_start: int | None = None
    cue_end: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Amount:
    text: str
    start: int
    end: int
    value: float | None = None
    unit: str | None = None
    kind: str | None = None
    low: float | None = None
    """Lower bound the text gives ("at least 70": 70; "tens of thousands": 10,000), else ``None``."""
    high: float | None = None
    """Upper bound the text gives ("up to 15", "between 10 and 15": 15), else ``None``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EventActor:
    name: str
    inter: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EventLocation:
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    country_code: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    geonameid: int | None = None
    geo_precision: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Trigger:
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SentenceSpan:
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    id: str
    event_type: str | None
    sub_event_type: str | None
    plover_type: str | None
    plover_mode: str | None
    date: str | None
    time_precision: int | None
    actor1: EventActor | None
    assoc_actor1: tuple[EventActor, ...]
    actor2: EventActor | None
    assoc_actor2: tuple[EventActor, ...]
    location: EventLocation | None
    fatalities: int | None
    trigger: Trigger
    sentence: SentenceSpan
    confidence: float
    rule: str | None = None
    """Why the event got its type: the lexicon entry or pattern that fired (e.g. ``trigger:seized``)."""
    evidence: tuple[SentenceSpan, ...] = ()
    """Every sentence that reports this event (the first is ``sentence``): one event, several mentions."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Flag:
    code: str
    message: str
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Extractor:
    version: str
    model: str | None = None
    gazetteer: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One cleaned (and later parsed and extracted) article: the record DESIGN.md describes."""

    id: str
    source: Source
    text: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    published: str | None = None
    language: str = "en"
    sections: tuple[Section, ...] = ()
    removed: tuple[Removed, ...] = ()
    entities: tuple[Entity, ...] = ()
    actors: tuple[Actor, ...] = ()
    places: tuple[Place, ...] = ()
    times: tuple[TimeRef, ...] = ()
    quotes: tuple[Quote, ...] = ()
    amounts: tuple[Amount, ...] = ()
    events: tuple[Event, ...] = ()
    flags: tuple[Flag, ...] = ()
    extractor: Extractor = field(default_factory=lambda: Extractor(version="0"))


# --- JSON -------------------------------------------------------------------------------------------

def _span_record(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


_ENTITY = ("text", "label", "start", "end")
_ACTOR = ("text", "start", "end", "name", "inter", "sector", "country", "kind")
_PLACE = ("text", "start", "end", "name", "geonameid", "lat", "lon", "country", "country_code",
          "admin1", "admin2", "feature_code", "precision")
_TIME = ("text", "start", "end", "value", "precision")
_QUOTE = ("text", "start", "end", "speaker", "speaker_start", "speaker_end", "cue", "direct", "kind",
          "cue_start", "cue_end")
_AMOUNT = ("text", "start", "end", "value", "unit", "kind", "low", "high")
SPAN_KEYS: dict[str, tuple[str, ...]] = {"entities": _ENTITY, "actors": _ACTOR, "places": _PLACE,
                                          "times": _TIME, "quotes": _QUOTE, "amounts": _AMOUNT}
"""The JSON keys (and store columns) of each span list of the record, in the record's field order."""
_LOCATION = ("name", "lat", "lon", "country", "country_code", "admin1", "admin2", "geonameid", "geo_precision")


def _event_actor_json(actor: EventActor | None) -> dict[str, Any] | None:
    return None if actor is None else {"name": actor.name, "inter": actor.inter}


def event_to_json(event: Event) -> dict[str, Any]:
    """The JSON object of one event, keys in DESIGN.md's order."""
    return {
        "id": event.id,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "plover_type": event.plover_type,
        "plover_mode": event.plover_mode,
        "date": event.date,
        "time_precision": event.time_precision,
        "actor1": _event_actor_json(event.actor1),
        "assoc_actor1": [_event_actor_json(a) for a in event.assoc_actor1],
        "actor2": _event_actor_json(event.actor2),
        "assoc_actor2": [_event_actor_json(a) for a in event.assoc_actor2],
        "location": None if event.location is None else _span_record(event.location, _LOCATION),
        "fatalities": event.fatalities,
        "trigger": {"text": event.trigger.text, "start": event.trigger.start, "end": event.trigger.end},
        "sentence": {"start": event.sentence.start, "end": event.sentence.end},
        "confidence": event.confidence,
        "rule": event.rule,
        "evidence": [{"start": s.start, "end": s.end} for s in event.evidence],
    }


def article_to_json(article: Article) -> dict[str, Any]:
    """The JSON object of an article, exactly the schema of DESIGN.md (keys in its order).

    >>> article_to_json(Article(id="x", source=Source(path="a.txt"), text="Hi."))["text"]
    'Hi.'
    """
    return {
        "id": article.id,
        "source": {"path": article.source.path, "url": article.source.url, "format": article.source.format},
        "title": article.title,
        "authors": list(article.authors),
        "publisher": article.publisher,
        "published": article.published,
        "language": article.language,
        "text": article.text,
        "sections": [{"kind": s.kind, "start": s.start, "end": s.end} for s in article.sections],
        "removed": [{"text": r.text, "reason": r.reason} for r in article.removed],
        "entities": [_span_record(e, _ENTITY) for e in article.entities],
        "actors": [_span_record(a, _ACTOR) for a in article.actors],
        "places": [_span_record(p, _PLACE) for p in article.places],
        "times": [_span_record(t, _TIME) for t in article.times],
        "quotes": [_span_record(q, _QUOTE) for q in article.quotes],
        "amounts": [_span_record(a, _AMOUNT) for a in article.amounts],
        "events": [event_to_json(e) for e in article.events],
        "flags": [{"code": f.code, "message": f.message, "spans": [list(s) for s in f.spans]}
                  for f in article.flags],
        "extractor": {"version": article.extractor.version, "model": article.extractor.model,
                      "gazetteer": article.extractor.gazetteer},
    }


def _event_actor_from(data: dict[str, Any] | None) -> EventActor | None:
    return None if data is None else EventActor(name=data["name"], inter=data.get("inter"))


def event_from_json(data: dict[str, Any]) -> Event:
    """Read back what :func:`event_to_json` wrote."""
    loc = data.get("location")
    return Event(
        id=data["id"],
        event_type=data.get("event_type"),
        sub_event_type=data.get("sub_event_type"),
        plover_type=data.get("plover_type"),
        plover_mode=data.get("plover_mode"),
        date=data.get("date"),
        time_precision=data.get("time_precision"),
        actor1=_event_actor_from(data.get("actor1")),
        assoc_actor1=tuple(a for a in map(_event_actor_from, data.get("assoc_actor1", [])) if a),
        actor2=_event_actor_from(data.get("actor2")),
        assoc_actor2=tuple(a for a in map(_event_actor_from, data.get("assoc_actor2", [])) if a),
        location=None if loc is None else EventLocation(**{k: loc.get(k) for k in _LOCATION}),
        fatalities=data.get("fatalities"),
        trigger=Trigger(**data["trigger"]),
        sentence=SentenceSpan(**data["sentence"]),
        confidence=float(data.get("confidence", 0.0)),
        rule=data.get("rule"),
        evidence=tuple(SentenceSpan(**s) for s in data.get("evidence", [])),
    )


def article_from_json(data: dict[str, Any]) -> Article:
    """Read back what :func:`article_to_json` wrote.

    >>> a = Article(id="x", source=Source(path="a.txt"), text="Hi.")
    >>> article_from_json(article_to_json(a)) == a
    True
    """
    src = data["source"]
    ext = data.get("extractor") or {}
    return Article(
        id=data["id"],
        source=Source(path=src["path"], url=src.get("url"), format=src.get("format", "text")),
        title=data.get("title"),
        authors=tuple(data.get("authors") or ()),
        publisher=data.get("publisher"),
        published=data.get("published"),
        language=data.get("language") or "en",
        text=data["text"],
        sections=tuple(Section(**s) for s in data.get("sections", [])),
        removed=tuple(Removed(**r) for r in data.get("removed", [])),
        entities=tuple(Entity(**e) for e in data.get("entities", [])),
        actors=tuple(Actor(**a) for a in data.get("actors", [])),
        places=tuple(Place(**p) for p in data.get("places", [])),
        times=tuple(TimeRef(**t) for t in data.get("times", [])),
        quotes=tuple(Quote(**q) for q in data.get("quotes", [])),
        amounts=tuple(Amount(**a) for a in data.get("amounts", [])),
        events=tuple(event_from_json(e) for e in data.get("events", [])),
        flags=tuple(Flag(code=f["code"], message=f["message"], spans=tuple((s[0], s[1]) for s in f["spans"]))
                    for f in data.get("flags", [])),
        extractor=Extractor(version=ext.get("version", "0"), model=ext.get("model"),
                            gazetteer=ext.get("gazetteer")),
    )
