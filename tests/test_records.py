"""The record model: JSON form exactly as DESIGN.md shows it, and lossless round trips."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from eventwire.records import (
    Actor,
    Article,
    Entity,
    Event,
    EventActor,
    EventLocation,
    Extractor,
    Flag,
    Place,
    Quote,
    Removed,
    Section,
    SentenceSpan,
    Source,
    Trigger,
    article_from_json,
    article_to_json,
    content_id,
)
from eventwire.store import Store

DESIGN_KEYS = ["id", "source", "title", "authors", "publisher", "published", "language", "text", "sections",
               "removed", "entities", "actors", "places", "times", "quotes", "amounts", "events", "flags",
               "extractor"]

_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
_small = st.integers(min_value=0, max_value=10_000)


@st.composite
def articles(draw: st.DrawFn) -> Article:
    text = draw(st.text(min_size=1, max_size=200))
    n = len(text)
    span = st.tuples(st.integers(0, n), st.integers(0, n)).map(sorted)

    def entity() -> Entity:
        start, end = draw(span)
        return Entity(text=text[start:end], label=draw(st.sampled_from(["GPE", "PERSON", "ORG"])),
                      start=start, end=end)

    event = Event(id=draw(_text), event_type=draw(st.none() | _text), sub_event_type=None, plover_type="ASSAULT",
                  plover_mode=None, date=draw(st.none() | st.just("2019-03-23")), time_precision=draw(st.none() | st.integers(1, 3)),
                  actor1=EventActor(name=draw(_text), inter=draw(st.none() | st.integers(1, 8))),
                  assoc_actor1=(EventActor(name="x", inter=None),), actor2=None, assoc_actor2=(),
                  location=draw(st.none() | st.builds(EventLocation, name=_text,
                                                        lat=st.floats(-90, 90), lon=st.floats(-180, 180))),
                  fatalities=draw(st.none() | _small), trigger=Trigger(text="took", start=0, end=4),
                  sentence=SentenceSpan(start=0, end=n), confidence=draw(st.floats(0, 1)),
                  rule=draw(st.none() | _text), evidence=(SentenceSpan(start=0, end=n),))
    return Article(
        id=content_id(text), source=Source(path=draw(_text) or "-", url=draw(st.none() | _text), format="jsonl"),
        text=text, title=draw(st.none() | _text), authors=tuple(draw(st.lists(_text, max_size=3))),
        publisher=draw(st.none() | _text), published=draw(st.none() | st.just("2020-08-04")),
        sections=(Section(kind="body", start=0, end=n),),
        removed=tuple(Removed(text=t, reason="boilerplate") for t in draw(st.lists(_text, max_size=3))),
        entities=tuple(entity() for _ in range(draw(st.integers(0, 4)))),
        actors=(Actor(text="x", start=0, end=1, name=draw(st.none() | _text), inter=draw(st.none() | st.integers(1, 8)),
                      kind=draw(st.sampled_from([None, "named", "generic", "anaphor", "unknown"]))),),
        places=(Place(text="x", start=0, end=1, lat=draw(st.floats(-90, 90)), precision=3),),
        quotes=(Quote(text="q", start=0, end=1, direct=draw(st.booleans())),),
        events=(event,),
        flags=(Flag(code="F1", message=draw(_text), spans=((0, 1), (0, n))),),
        extractor=Extractor(version="1.0", model="m==1", gazetteer=None),
    )


def test_article_to_json_has_design_keys_in_order() -> None:
    record = article_to_json(Article(id="x", source=Source(path="a.txt"), text="Hi."))
    assert list(record) == DESIGN_KEYS
    assert record["source"] == {"path": "a.txt", "url": None, "format": "text"}
    assert record["extractor"] == {"version": "0", "model": None, "gazetteer": None}
    assert all(record[k] == [] for k in DESIGN_KEYS[8:18])


def test_event_json_keys_match_design() -> None:
    from eventwire.records import event_to_json

    event = Event(id="e", event_type="Battles", sub_event_type=None, plover_type=None, plover_mode=None,
                  date=None, time_precision=None, actor1=None, assoc_actor1=(), actor2=None, assoc_actor2=(),
                  location=None, fatalities=None, trigger=Trigger(text="t", start=0, end=1),
                  sentence=SentenceSpan(start=0, end=1), confidence=0.5)

    # DESIGN.md's keys in its order, then ours: the rule that fired and every sentence that reports it.
    assert list(event_to_json(event)) == [
        "id", "event_type", "sub_event_type", "plover_type", "plover_mode", "date", "time_precision", "actor1",
        "assoc_actor1", "actor2", "assoc_actor2", "location", "fatalities", "trigger", "sentence", "confidence",
        "rule", "evidence"]


@given(articles())
@settings(max_examples=60, deadline=None)
def test_article_json_round_trip(article: Article) -> None:
    assert article_from_json(json.loads(json.dumps(article_to_json(article)))) == article


@given(articles())
@settings(max_examples=30, deadline=None)
def test_article_store_round_trip(article: Article) -> None:
    with Store(":memory:") as store:
        store.write([article], inputs=[("h", article.id, article.source.path)], run_id="r")
        assert store.article(article.id) == article


def test_content_id_is_stable_and_short() -> None:
    assert content_id("abc") == content_id("abc") != content_id("abd")
    assert len(content_id("abc")) == 20


def test_json_keys_cover_every_field_of_the_span_records() -> None:
    """A field added to a record but not to its JSON keys would be dropped by the store without a word."""
    from dataclasses import fields

    from eventwire import records

    classes = {"entities": records.Entity, "actors": records.Actor, "places": records.Place,
               "times": records.TimeRef, "quotes": records.Quote, "amounts": records.Amount}
    assert set(classes) == set(records.SPAN_KEYS)
    for part, cls in classes.items():
        assert [f.name for f in fields(cls)] == list(records.SPAN_KEYS[part]), cls.__name__
