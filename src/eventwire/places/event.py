"""The location of an event: the place its sentence names, or failing that the article's main place.

ACLED codes an event at the most specific place the report supports, with geo_precision 1 (the town
itself), 2 (near or part of a region, or a town the report does not tie to the event) or 3 (a large
region or country). :func:`event_location` follows that:

* the most specific resolved place inside the event's sentence (a town before its division or country;
  a division before a country; the first one named when two are equally specific), with its own
  precision — among the places of the country most of the sentence's places lie in, when one leads: a
  village abroad does not outrank the town, district and region the sentence names in one country;
* otherwise the article's main place — the most specific resolved place in the article's dominant
  country (the one most places lie in, when one leads), the most often named among equally specific ones
  — with precision at least 2, because the sentence does not say the event happened there;
* otherwise ``None``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from eventwire.records import EventLocation, Place

__all__ = ["ARTICLE_PLACE_PRECISION", "event_location"]

ARTICLE_PLACE_PRECISION = 2
"""The finest geo_precision given to a place the event's own sentence does not name."""


def _location(place: Place, precision: int | None) -> EventLocation:
    return EventLocation(name=place.name, lat=place.lat, lon=place.lon, country=place.country,
                         country_code=place.country_code, admin1=place.admin1, admin2=place.admin2,
                         geonameid=place.geonameid, geo_precision=precision)


def _key(place: Place) -> tuple[object, ...]:
    return (place.geonameid, place.name, place.country_code)


def _leading_country(places: Sequence[Place]) -> str | None:
    """The country more of the places lie in than any other, or ``None`` on a tie; each location counts
    once (a name the gazetteer lacks, placed at its neighbour, adds nothing)."""
    located = {_key(p): p.country_code for p in places if p.country_code}
    ranked = Counter(located.values()).most_common(2)
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def event_location(places: Sequence[Place], start: int, end: int) -> EventLocation | None:
    """Where an event happened, from the article's places and the character span of its sentence.

    Args:
        places: the article's places (the places stage's output, in text order).
        start: where the event's sentence starts in the article text.
        end: where it ends.

    >>> raqqa = Place(text="Raqqa", start=10, end=15, name="Raqqa", lat=35.9, lon=39.0, country_code="SY",
    ...               precision=1)
    >>> syria = Place(text="Syria", start=30, end=35, name="Syria", lat=35.0, lon=38.5, country_code="SY",
    ...               precision=3)
    >>> event_location([raqqa, syria], 0, 40).name, event_location([raqqa, syria], 0, 40).geo_precision
    ('Raqqa', 1)
    >>> event_location([raqqa, syria], 50, 90).name, event_location([raqqa, syria], 50, 90).geo_precision
    ('Raqqa', 2)
    """
    resolved = [p for p in places if p.lat is not None and p.lon is not None]
    inside = [p for p in resolved if start <= p.start and p.end <= end]
    if inside:
        leader = _leading_country(inside)
        best = min(inside, key=lambda p: (leader is not None and p.country_code != leader, p.precision or 3,
                                          (p.feature_code or "").startswith("PCL"), p.start))
        return _location(best, best.precision)
    if not resolved:
        return None
    countries = Counter(p.country_code for p in resolved if p.country_code).most_common(2)
    dominant = countries[0][0] if countries and (len(countries) == 1 or countries[0][1] > countries[1][1]) else None
    pool = [p for p in resolved if dominant is None or p.country_code == dominant]
    mentions = Counter(_key(p) for p in pool)
    best = min(pool, key=lambda p: (p.precision or 3, -mentions[_key(p)], p.start))
    return _location(best, max(best.precision or 3, ARTICLE_PLACE_PRECISION))
