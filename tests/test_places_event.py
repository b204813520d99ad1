"""Event location: the sentence's most specific place, else the article's main place at precision ≥ 2."""

from __future__ import annotations

from eventwire.places.event import event_location
from eventwire.records import Place


def place(text: str, start: int, precision: int, country: str = "AF") -> Place:
    return Place(text=text, start=start, end=start + len(text), name=text, geonameid=abs(hash(text)) % 10**6,
                 lat=34.5, lon=69.2, country_code=country, precision=precision)


def test_event_location_takes_the_most_specific_place_of_its_sentence() -> None:
    places = [place("Afghanistan", 0, 3), place("Kabul", 40, 1), place("Kandahar", 120, 1)]
    location = event_location(places, 30, 100)
    assert location is not None and (location.name, location.geo_precision) == ("Kabul", 1)


def test_event_location_falls_back_to_the_article_main_place_with_lower_precision() -> None:
    places = [place("Afghanistan", 0, 3), place("Kabul", 40, 1), place("Kabul", 80, 1),
              place("Kandahar", 120, 1), place("Pakistan", 160, 3, "PK")]
    location = event_location(places, 200, 260)
    assert location is not None and (location.name, location.geo_precision) == ("Kabul", 2)


def test_event_location_keeps_country_precision_and_skips_unresolved_names() -> None:
    unresolved = Place(text="Umm Zeitoun", start=5, end=16)
    places = [unresolved, place("Syria", 30, 3, "SY")]
    location = event_location(places, 0, 20)
    assert location is not None and (location.name, location.geo_precision) == ("Syria", 3)
    assert event_location([unresolved], 0, 20) is None
