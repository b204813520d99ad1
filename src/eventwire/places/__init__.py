"""Places: find the place names of an article and resolve each to a gazetteer entry.

* :mod:`eventwire.places.find` — :func:`find`: the place names of a parsed article (the model's place
  entities, names it mislabels, names only the gazetteer knows), guarded against false matches;
* :mod:`eventwire.places.resolve` — :func:`resolve`: given the spans of place names, pick for each the
  gazetteer entry it most likely means (population, feature type, the article's countries, "X, Y"
  containment, distance to the article's other places) and the ACLED geo_precision;
* :func:`locate` — the stage function: both, plus the country fallback for names the gazetteer lacks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from eventwire.gazetteer import Gazetteer
from eventwire.places.find import Found, find, find_places
from eventwire.places.resolve import Mention, haversine_km, place_of, precision_of, resolve
from eventwire.records import Place

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["COUNTRY_FALLBACK_PRECISION", "DOMINANT_LEAD", "Found", "Mention", "dominant_country", "find", "find_places",
           "haversine_km", "locate", "place_of", "precision_of", "resolve"]

COUNTRY_FALLBACK_PRECISION = 3
"""ACLED geo_precision of a name known only to lie in the article's country."""
DOMINANT_LEAD = 2.0
"""A country is the article's when it holds this many times the resolved places of the runner-up."""


def locate(doc: Doc, gazetteer: Gazetteer) -> tuple[Place, ...]:
    """The places of a parsed article: every place name found, resolved where the gazetteer allows.

    A name the gazetteer does not know stays a :class:`~eventwire.records.Place` with only its text and
    offsets (the other fields ``None``) — one unknown name never fails the article. When the text itself
    says the unknown name is a place (the model labels it GPE/LOC, or "the village of X", "in Al-X …") and
    the article has a clear dominant country, the name gets that country with geo_precision 3.

    Args:
        doc: the article parsed by :func:`eventwire.parse.parse`.
        gazetteer: the open index.

    Returns:
        One place per name found, in text order.

    >>> [(p.text, p.country_code, p.precision) for p in locate(nlp("Shelling hit the village of "
    ...  "Umm Zeitoun in Syria and Damascus."), Gazetteer.open())]          # doctest: +SKIP
    [('Umm Zeitoun', 'SY', 3), ('Syria', 'SY', 3), ('Damascus', 'SY', 1)]
    """
    found = find_places(doc, gazetteer)
    resolved = resolve(gazetteer, [f.mention for f in found], doc.text)
    country = dominant_country(resolved)
    fallback = None
    if country is not None and any(p is None and f.looks_like_a_place for f, p in zip(found, resolved, strict=True)):
        entry = gazetteer.country(country)
        fallback = entry.candidate if entry is not None and entry.candidate.lat is not None else None
    places: list[Place] = []
    for item, place in zip(found, resolved, strict=True):
        if place is not None:
            places.append(place)
        elif fallback is not None and item.looks_like_a_place:
            places.append(place_of(item.mention, fallback, COUNTRY_FALLBACK_PRECISION))
        else:
            places.append(Place(text=item.mention.text, start=item.mention.start, end=item.mention.end))
    return tuple(places)


def dominant_country(places: Sequence[Place | None]) -> str | None:
    """The ISO code of the country that most resolved places lie in — at least two of them, and twice as
    many as in any other country — or ``None`` when no country stands out.

    >>> dominant_country([Place(text="Raqqa", start=0, end=5, country_code="SY"),
    ...                   Place(text="Syria", start=7, end=12, country_code="SY"), None])
    'SY'
    """
    ranked = Counter(p.country_code for p in places if p is not None and p.country_code).most_common(2)
    if not ranked or ranked[0][1] < 2:
        return None
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    return ranked[0][0] if ranked[0][1] >= DOMINANT_LEAD * runner_up else None
