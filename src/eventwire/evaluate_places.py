"""Places task, resolution alone: resolve the gold place spans and compare the points with the gold ones.

Gold files are JSON lines, one article per line: ``text`` and ``toponyms``, each toponym with ``start``,
``end``, ``name``, ``lat``, ``lon``, optional ``geonameid`` and, for GeoWebNews, the pragmatic ``type``.
Scores: share of gold toponyms resolved within 161 km (100 miles, the field's usual threshold) and within
25 km of the gold point (an unresolved name is a miss), and accuracy at GeoNames id where the gold has one.
GeoWebNews types are scored twice: all toponyms with coordinates, and the literal readings only.

>>> from eventwire.gazetteer import Gazetteer
>>> evaluate_resolution(Path("geovirus.jsonl"), Gazetteer.open())["all"]["within_161km"]  # doctest: +SKIP
0.9
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventwire.errors import EvaluationError
from eventwire.evaluate import match_spans, prf, read_gold
from eventwire.gazetteer import Gazetteer
from eventwire.places import Mention, haversine_km, place_of, resolve
from eventwire.records import Place

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["LITERAL_TYPES", "PathScore", "ResolutionScore", "Resolver", "evaluate_resolution", "evaluate_whole_path",
           "locate_entities_only", "match_spans", "resolve_by_population"]

LITERAL_TYPES = frozenset({"Literal", "Mixed", "Literal_Modifier", "Embedded_Literal", "Coercion"})
"""GeoWebNews types that read a name as a location (the dataset authors' geocoding subset)."""

NEAR_KM = 161.0
CLOSE_KM = 25.0

Resolver = Callable[[Gazetteer, Sequence[Mention], str], list[Place | None]]
Locator = Callable[["Doc", Gazetteer], Sequence[Place]]


@dataclass(slots=True)
class ResolutionScore:
    """Counts for one subset of the gold toponyms."""

    toponyms: int = 0
    resolved: int = 0
    within_161km: int = 0
    within_25km: int = 0
    with_geonameid: int = 0
    geonameid_correct: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, gold: dict[str, Any], place: Place | None, article: str) -> None:
        self.toponyms += 1
        distance = None
        if place is not None and place.lat is not None and place.lon is not None:
            self.resolved += 1
            distance = haversine_km(float(gold["lat"]), float(gold["lon"]), place.lat, place.lon)
            self.within_161km += distance <= NEAR_KM
            self.within_25km += distance <= CLOSE_KM
        if gold.get("geonameid") is not None:
            self.with_geonameid += 1
            self.geonameid_correct += place is not None and place.geonameid == gold["geonameid"]
        if distance is None or distance > NEAR_KM:
            self.errors.append({"article": article, "name": gold["name"], "type": gold.get("type"),
                                "gold": [gold["lat"], gold["lon"]], "distance_km": distance,
                                "got": None if place is None else
                                [place.name, place.country_code, place.admin1, place.feature_code,
                                 place.lat, place.lon]})

    def as_dict(self) -> dict[str, float | int]:
        def share(count: int, total: int) -> float:
            return round(count / total, 4) if total else 0.0

        return {"toponyms": self.toponyms, "resolved": share(self.resolved, self.toponyms),
                "within_161km": share(self.within_161km, self.toponyms),
                "within_25km": share(self.within_25km, self.toponyms),
                "with_geonameid": self.with_geonameid,
                "geonameid_accuracy": share(self.geonameid_correct, self.with_geonameid)}


def resolve_by_population(gazetteer: Gazetteer, mentions: Sequence[Mention], text: str) -> list[Place | None]:
    """Baseline: the most populous gazetteer entry of each name, no context."""
    del text
    places: list[Place | None] = []
    for mention in mentions:
        candidates = [c for c in gazetteer.lookup(mention.text) if c.lat is not None]
        if not candidates:
            places.append(None)
            continue
        places.append(place_of(mention, candidates[0]))
    return places


def read_articles(path: Path) -> Iterator[dict[str, Any]]:
    """The gold articles of a places gold file; a line without text and toponyms is an
    :class:`~eventwire.errors.EvaluationError` naming it."""
    for number, article in enumerate(read_gold(path), 1):
        if not isinstance(article, dict) or "text" not in article or "toponyms" not in article:
            raise EvaluationError(f"article {number} is not a gold article with text and toponyms; check the "
                                  "file is a places gold file", where=str(path))
        yield article


def evaluate_resolution(gold_path: Path, gazetteer: Gazetteer, resolver: Resolver = resolve,
                        keep_errors: bool = False) -> dict[str, Any]:
    """Score place resolution given the gold spans of ``gold_path``.

    Returns ``{"all": {...}, "literal": {...}, "names_per_second": float}``; ``"literal"`` is present when
    the gold toponyms carry a GeoWebNews ``type``. With ``keep_errors`` each subset also lists its misses.
    """
    subsets = {"all": ResolutionScore(), "literal": ResolutionScore()}
    typed = False
    names = 0
    seconds = 0.0
    for article in read_articles(gold_path):
        toponyms = [t for t in article["toponyms"] if t.get("lat") is not None and t.get("lon") is not None]
        text = str(article["text"])
        mentions = [Mention(text[t["start"]:t["end"]], int(t["start"]), int(t["end"])) for t in toponyms]
        began = time.process_time()
        places = resolver(gazetteer, mentions, text)
        seconds += time.process_time() - began
        names += len(mentions)
        for gold, place in zip(toponyms, places, strict=True):
            subsets["all"].add(gold, place, str(article.get("id")))
            if "type" in gold:
                typed = True
                if gold["type"] in LITERAL_TYPES:
                    subsets["literal"].add(gold, place, str(article.get("id")))
    result: dict[str, Any] = {}
    for label, score in subsets.items():
        if label == "literal" and not typed:
            continue
        result[label] = score.as_dict()
        if keep_errors:
            result[label]["errors"] = score.errors
    result["names_per_second"] = round(names / seconds) if seconds else 0
    return result


# --- the whole path: finding and resolving ----------------------------------------------------------

@dataclass(slots=True)
class PathScore:
    """Span and distance counts of the whole path for one subset of the gold toponyms."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    within_161km: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, float | int]:
        return {"gold": self.gold, "predicted": self.predicted, "matched": self.matched,
                **prf(self.matched, self.predicted, self.gold),
                "within_161km": round(self.within_161km / self.matched, 4) if self.matched else 0.0,
                "within_161km_of_gold": round(self.within_161km / self.gold, 4) if self.gold else 0.0}


def _score_article(score: PathScore, gold: list[dict[str, Any]], neutral: list[dict[str, Any]],
                   places: Sequence[Place], article: str, text: str) -> None:
    """Add one article: ``gold`` toponyms are to be found; a prediction that matches only a ``neutral``
    one (a non-literal reading in the literal subset) counts neither way."""
    matches = match_spans([(t["start"], t["end"]) for t in gold], [(p.start, p.end) for p in places])
    neutral_hits = set(match_spans([(t["start"], t["end"]) for t in neutral],
                                   [(p.start, p.end) for i, p in enumerate(places)
                                    if i not in matches.values()]).values())
    unmatched = [p for i, p in enumerate(places) if i not in matches.values()]
    score.gold += len(gold)
    score.matched += len(matches)
    score.predicted += len(matches) + len(unmatched) - len(neutral_hits)
    for index, toponym in enumerate(gold):
        place = places[matches[index]] if index in matches else None
        distance = None
        if place is not None and place.lat is not None and place.lon is not None:
            distance = haversine_km(float(toponym["lat"]), float(toponym["lon"]), place.lat, place.lon)
            score.within_161km += distance <= NEAR_KM
        if place is None or distance is None or distance > NEAR_KM:
            score.errors.append({"article": article, "kind": "missed" if place is None else "far",
                                 "gold": text[toponym["start"]:toponym["end"]], "type": toponym.get("type"),
                                 "context": text[max(0, toponym["start"] - 60):toponym["end"] + 60],
                                 "got": None if place is None else [place.text, place.name, place.country_code,
                                                                    place.feature_code, place.precision],
                                 "distance_km": distance})
    for index, place in enumerate(unmatched):
        if index in neutral_hits:
            continue
        score.errors.append({"article": article, "kind": "spurious", "got": [place.text, place.name,
                                                                             place.country_code],
                             "context": text[max(0, place.start - 60):place.end + 60]})


def locate_entities_only(doc: Doc, gazetteer: Gazetteer) -> tuple[Place, ...]:
    """Baseline finder: the model's GPE, LOC and FAC entities as they are, resolved by :func:`resolve`."""
    mentions = [Mention(e.text, e.start_char, e.end_char) for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC")]
    return tuple(place or Place(text=m.text, start=m.start, end=m.end)
                 for m, place in zip(mentions, resolve(gazetteer, mentions, doc.text), strict=True))


def evaluate_whole_path(gold_path: Path, gazetteer: Gazetteer, nlp: Language, locator: Locator | None = None,
                        keep_errors: bool = False) -> dict[str, Any]:
    """Score finding and resolving together: parse each gold article, :func:`~eventwire.places.locate` its
    places, and compare them with the gold toponyms that have coordinates.

    Spans match when they overlap, one to one. ``within_161km`` is the share of matched gold toponyms
    whose place lies within 161 km of the gold point (an unresolved name is a miss); ``within_161km_of_gold``
    divides by all gold toponyms instead. GeoWebNews is scored twice: ``all`` its toponyms with
    coordinates, and ``literal`` — the literal readings, where a name found for a non-literal reading
    ("China said") counts neither way.

    Returns ``{"all": {...}, "literal": {...}, "names_per_second": float, "articles": int}``; with
    ``keep_errors`` each subset also lists its misses, far places and spurious names. ``locator`` replaces
    :func:`~eventwire.places.locate` (for baselines).
    """
    from eventwire.parse import parse_texts
    from eventwire.places import locate

    locator = locator or locate
    articles = list(read_articles(gold_path))
    subsets = {"all": PathScore(), "literal": PathScore()}
    typed = any("type" in t for article in articles for t in article["toponyms"])
    found = 0
    seconds = 0.0
    docs = parse_texts(nlp, [str(article["text"]) for article in articles])
    for article, doc in zip(articles, docs, strict=True):
        text = str(article["text"])
        toponyms = [t for t in article["toponyms"] if t.get("lat") is not None and t.get("lon") is not None]
        began = time.process_time()
        places = locator(doc, gazetteer)
        seconds += time.process_time() - began
        found += len(places)
        name = str(article.get("id"))
        _score_article(subsets["all"], toponyms, [], places, name, text)
        if typed:
            literal = [t for t in toponyms if t.get("type") in LITERAL_TYPES]
            other = [t for t in toponyms if t.get("type") not in LITERAL_TYPES]
            _score_article(subsets["literal"], literal, other, places, name, text)
    result: dict[str, Any] = {}
    for label, score in subsets.items():
        if label == "literal" and not typed:
            continue
        result[label] = score.as_dict()
        if keep_errors:
            result[label]["errors"] = score.errors
    result["names_per_second"] = round(found / seconds) if seconds else 0
    result["articles"] = len(articles)
    return result
