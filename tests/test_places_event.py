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


def test_event_location_prefers_the_country_most_of_its_sentence_names() -> None:
    # "Troops from Springfield village reached Alpha town (Beta district, Gamma region)": a village abroad
    # does not outrank the town, district and region the sentence names in one country
    places = [place("Springfield", 12, 1, "IE"), place("Alpha", 40, 2, "MM"), place("Beta", 52, 2, "MM"),
              place("Gamma", 68, 3, "MM")]
    location = event_location(places, 0, 90)
    assert location is not None and (location.name, location.country_code) == ("Alpha", "MM")


def test_event_location_keeps_the_most_specific_place_when_countries_tie() -> None:
    places = [place("Kabul", 10, 1), place("Pakistan", 30, 3, "PK")]
    location = event_location(places, 0, 50)
    assert location is not None and location.name == "Kabul"


def test_event_location_takes_a_division_before_a_country_of_the_same_precision() -> None:
    iraq = Place(text="Iraq", start=10, end=14, name="Iraq", geonameid=99237, lat=33.0, lon=43.7,
                 country_code="IQ", feature_code="PCLI", precision=3)
    province = Place(text="Thi Qar", start=40, end=47, name="Dhi Qar", geonameid=99347, lat=31.0, lon=46.2,
                     country_code="IQ", feature_code="ADM1", precision=3)
    location = event_location([iraq, province], 0, 60)
    assert location is not None and location.name == "Dhi Qar"
