"""Finding place names and the places stage: the finder's guards, locate() with its country fallback,
the whole-path evaluation, and the reference article.

The sentences are made up for these tests. The reference article is read from ../shared/data (the test
skips when it is absent); its text is never copied here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conftest import data_file
from eventwire.evaluate_places import evaluate_whole_path, match_spans
from eventwire.gazetteer import Gazetteer, import_file
from eventwire.places import dominant_country, find, locate
from eventwire.records import Place

if TYPE_CHECKING:
    from spacy.language import Language

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def gazetteer(built_gazetteer_path: Path) -> Gazetteer:
    return Gazetteer.open(built_gazetteer_path)


def found(nlp: Language, gazetteer: Gazetteer, text: str) -> list[str]:
    mentions = find(nlp(text), gazetteer)
    assert all(text[m.start:m.end] == m.text for m in mentions)
    return [m.text for m in mentions]


def test_find_us_pronoun_is_not_the_country(nlp: Language, gazetteer: Gazetteer) -> None:
    assert found(nlp, gazetteer, "Officials told us that US troops left Iraq.") == ["US", "Iraq"]
    assert found(nlp, gazetteer, "They asked us to leave before the storm.") == []


def test_find_arabic_place_name_the_model_calls_a_person(nlp: Language, gazetteer: Gazetteer) -> None:
    assert nlp("Fighting continued in Al-Baghuz Fawqani on Monday.").ents[0].label_ == "PERSON"
    assert found(nlp, gazetteer, "Fighting continued in Al-Baghuz Fawqani on Monday.") == ["Al-Baghuz Fawqani"]
    assert found(nlp, gazetteer, "Al-Baghuz Fawqani is a village in Syria.") == ["Al-Baghuz Fawqani", "Syria"]


def test_find_person_names_are_not_places(nlp: Language, gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Henderson")  # a city of 300,000 in Nevada …
    assert found(nlp, gazetteer, "Jordan Henderson scored twice. Henderson said the team was tired.") == []
    assert found(nlp, gazetteer, "Kino Gabriel said the fight was over. Gabriel added that it was hard.") == []
    assert found(nlp, gazetteer, "The plan drew criticism from President Macron of France.") == ["France"]


def test_find_nothing_from_inside_an_organisation_name(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "Members of the Reddit Creek Watch Group met on Tuesday in Ohio."
    assert found(nlp, gazetteer, text) == ["Ohio"]
    assert found(nlp, gazetteer, "The Syrian Democratic Forces took the town.") == []


def test_find_country_that_starts_an_organisation_name(nlp: Language, gazetteer: Gazetteer) -> None:
    assert found(nlp, gazetteer, "The U.S. Centers for Disease Control said so.") == ["U.S."]


def test_find_strips_the_and_possessive(nlp: Language, gazetteer: Gazetteer) -> None:
    assert found(nlp, gazetteer, "Drought hit the Sahel this year.") == ["Sahel"]
    assert found(nlp, gazetteer, "Police said Syria's army attacked.") == ["Syria"]


def test_find_name_before_governorate(nlp: Language, gazetteer: Gazetteer) -> None:
    assert found(nlp, gazetteer, "Fighting continued in Deir ez-Zor governorate on Monday.") == ["Deir ez-Zor"]


def test_find_demonyms_diseases_and_capitalised_words_are_not_places(nlp: Language,
                                                                     gazetteer: Gazetteer) -> None:
    assert found(nlp, gazetteer, "Syrian forces advanced on the town.") == []
    assert found(nlp, gazetteer, "West Nile virus cases rose in Texas.") == ["Texas"]
    assert found(nlp, gazetteer, "Nice weather greeted the marchers in Lyon.") == ["Lyon"]


def test_find_no_date_or_organisation_kind_the_model_calls_a_place(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "Churches were hit on Easter Sunday in Colombo."
    assert [e.label_ for e in nlp(text).ents if e.text == "Easter Sunday"] == ["FAC"]
    assert found(nlp, gazetteer, text) == ["Colombo"]
    # "Centre" ends the mosque's name: it is not Burkina Faso's Centre region
    assert found(nlp, gazetteer, "Seven more people died at the Linwood Islamic Centre on Friday.") == []


def test_find_dateline_in_capitals(nlp: Language, gazetteer: Gazetteer) -> None:
    assert nlp("BEIRUT (Reuters) - Shelling hit the city.").ents[0].label_ == "ORG"
    assert found(nlp, gazetteer, "BEIRUT (Reuters) - Shelling hit the city.") == ["BEIRUT"]
    # a hyphen inside a name in capitals is no dateline mark: "AL" is not Ål, Norway
    assert "AL" not in found(nlp, gazetteer, "AL-OMAR OIL FIELD, Syria, March 23 — The alliance said it won.")
    assert found(nlp, gazetteer, "SAN ANTONIO - Police said two men were hurt.") == ["SAN ANTONIO"]


def test_locate_resolves_and_keeps_unknown_names(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "Shelling hit the village of Zummurudabad on Monday, residents said."
    [village] = locate(nlp(text), gazetteer)
    assert village == Place(text="Zummurudabad", start=text.index("Zummurudabad"),
                            end=text.index("Zummurudabad") + len("Zummurudabad"))


def test_locate_unknown_village_falls_back_to_the_article_country(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "Shelling hit the village of Zummurudabad in Syria, and later Damascus."
    village, syria, damascus = locate(nlp(text), gazetteer)
    assert (syria.country_code, damascus.country_code) == ("SY", "SY")
    assert (village.text, village.country_code, village.precision) == ("Zummurudabad", "SY", 3)
    assert village.lat == syria.lat and village.geonameid == syria.geonameid


def test_dominant_country_needs_a_clear_majority() -> None:
    def at(code: str) -> Place:
        return Place(text=code, start=0, end=2, country_code=code)

    assert dominant_country([at("SY"), at("SY"), at("IQ"), None]) == "SY"
    assert dominant_country([at("SY"), at("SY"), at("SY"), at("IQ"), at("IQ")]) is None
    assert dominant_country([at("SY"), at("IQ")]) is None
    assert dominant_country([at("SY")]) is None
    assert dominant_country([at("SY"), at("SY"), at("IQ"), at("IQ")]) is None


def test_match_spans_is_one_to_one() -> None:
    assert match_spans([(0, 5)], [(0, 2), (3, 5)]) == {0: 0}
    assert match_spans([(0, 5), (6, 9)], [(0, 9)]) == {0: 0}


def test_evaluate_whole_path_scores_spans_and_distances(nlp: Language, gazetteer: Gazetteer,
                                                        tmp_path: Path) -> None:
    text = "Shelling hit Aleppo on Monday. Officials in Paris condemned it, Jordan Henderson said."
    toponyms = [{"start": text.index(name), "end": text.index(name) + len(name), "name": name, "lat": lat,
                 "lon": lon, "type": kind}
                for name, lat, lon, kind in (("Aleppo", 36.20, 37.16, "Literal"),
                                             ("Paris", 48.86, 2.35, "Metonymic"))]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g1", "text": text, "toponyms": toponyms}) + "\n", encoding="utf-8")
    result = evaluate_whole_path(gold, gazetteer, nlp)
    assert result["all"] | {"within_161km_of_gold": 1.0} == {
        "gold": 2, "predicted": 2, "matched": 2, "precision": 1.0, "recall": 1.0, "f1": 1.0,
        "within_161km": 1.0, "within_161km_of_gold": 1.0}
    # The literal subset: Paris (metonymic) counts neither way.
    assert (result["literal"]["gold"], result["literal"]["predicted"], result["literal"]["f1"]) == (1, 1, 1.0)


# --- the reference article ----------------------------------------------------------------------------

def reference_places(nlp: Language, gazetteer: Gazetteer) -> list[Place]:
    from eventwire.config import load_config
    from eventwire.ingest import ingest
    from eventwire.pipeline import extract
    from eventwire.records import Article

    [article] = [a for a in extract(ingest([str(data_file("seed/baghuz.txt"))]), load_config(), nlp=nlp,
                                    gazetteer=gazetteer) if isinstance(a, Article)]
    assert article.extractor.gazetteer == gazetteer.version
    return list(article.places)


def by_text(places: list[Place], text: str) -> list[Place]:
    found = [p for p in places if p.text == text]
    assert found, f"{text!r} not found among {[p.text for p in places]}"
    return found


@pytest.mark.data
def test_reference_article_countries_and_cities(nlp: Language, gazetteer: Gazetteer) -> None:
    places = reference_places(nlp, gazetteer)
    for name, code in (("Syria", "SY"), ("Iraq", "IQ"), ("Lebanon", "LB")):
        assert {(p.country_code, p.feature_code, p.precision) for p in by_text(places, name)} == {
            (code, "PCLI", 3)}
    [beirut] = by_text(places, "Beirut")
    assert (beirut.country_code, beirut.precision) == ("LB", 1) and beirut.feature_code in ("PPLC", "PPL")
    [anbar] = by_text(places, "Anbar")
    assert (anbar.country_code, anbar.feature_code, anbar.precision) == ("IQ", "ADM1", 3)


@pytest.mark.data
def test_reference_article_baghuz_falls_back_to_syria(nlp: Language, gazetteer: Gazetteer) -> None:
    places = reference_places(nlp, gazetteer)
    [village] = by_text(places, "Al-Baghuz Fawqani")
    assert (village.country_code, village.precision, village.feature_code) == ("SY", 3, "PCLI")
    assert not [p for p in places if p.text in ("Mike Pompeo", "Pompeo", "Kino Gabriel", "Syrian")]


@pytest.mark.data
def test_reference_article_baghuz_after_a_geonames_import(nlp: Language, built_gazetteer_path: Path,
                                                          tmp_path: Path) -> None:
    copy = tmp_path / "gazetteer.sqlite"
    shutil.copyfile(built_gazetteer_path, copy)
    dump = tmp_path / "SY.txt"  # one line in GeoNames' own column format; the id is made up for the test
    columns = ["9990101", "Al-Baghuz Fawqani", "Al-Baghuz Fawqani", "Baghuz,Baghuz Fawqani", "34.4500",
               "40.9400", "P", "PPL", "SY", "", "07", "", "", "", "10000", "", "180", "Asia/Damascus", "2019-03-23"]
    dump.write_text("\t".join(columns) + "\n", encoding="utf-8")
    assert import_file(copy, dump).added == 1
    with Gazetteer.open(copy) as gazetteer:
        places = reference_places(nlp, gazetteer)
    [village] = by_text(places, "Al-Baghuz Fawqani")
    assert (village.geonameid, village.country_code, village.precision) == (9990101, "SY", 1)
    assert village.lat == pytest.approx(34.45) and village.lon == pytest.approx(40.94)


# --- the pipeline and the store -------------------------------------------------------------------------

def test_run_stores_places_and_reruns_after_a_gazetteer_import(tmp_path: Path, built_gazetteer_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    import duckdb

    from eventwire.cli import main

    story = tmp_path / "story.txt"
    story.write_text("Shelling reported\n\nShelling hit the village of Zummurudabad near Aleppo in Syria on "
                     "Monday, residents said. Officials in Damascus denied it.\n", encoding="utf-8")
    db = tmp_path / "ew.duckdb"
    assert main(["run", str(story), "--db", str(db), "--workers", "2", "--no-progress"]) == 0
    assert " places, " in capsys.readouterr().out
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT text, country_code, precision, geonameid FROM places ORDER BY idx").fetchall()
        stored_with = con.execute("SELECT gazetteer FROM articles").fetchall()
    assert [(text, code, precision) for text, code, precision, _ in rows] == [
        ("Zummurudabad", "SY", 2), ("Aleppo", "SY", 1), ("Syria", "SY", 3), ("Damascus", "SY", 1)]
    assert stored_with == [(Gazetteer.open(built_gazetteer_path).version,)]

    assert main(["run", str(story), "--db", str(db), "--workers", "1", "--no-progress"]) == 0
    assert "0 stored, 1 already done" in capsys.readouterr().out

    imported = tmp_path / "gazetteer.sqlite"  # a new gazetteer version: the places are located again
    shutil.copyfile(built_gazetteer_path, imported)
    places_csv = tmp_path / "places.csv"
    places_csv.write_text("name,lat,lon,country\nZummurudabad,36.1,37.0,SY\n", encoding="utf-8")
    import_file(imported, places_csv)
    assert main(["run", str(story), "--db", str(db), "--workers", "1", "--no-progress",
                 "--gazetteer", str(imported)]) == 0
    assert "1 stored" in capsys.readouterr().out
    with duckdb.connect(str(db), read_only=True) as con:
        village = con.execute("SELECT lat, precision FROM places WHERE text = 'Zummurudabad'").fetchall()
    assert village == [(36.1, 1)]


def test_extract_table_lists_places(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from eventwire.cli import main

    story = tmp_path / "story.txt"
    story.write_text("Blast in Beirut\n\nA blast shook Beirut, Lebanon, on Tuesday.\n", encoding="utf-8")
    assert main(["extract", str(story), "--format", "table"]) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("places")]
    assert "Beirut [LB 1]" in line and "Lebanon [LB 3]" in line


def test_find_cuts_and_grows_entities_to_gazetteer_names(nlp: Language, gazetteer: Gazetteer) -> None:
    assert found(nlp, gazetteer, "Cholera spread in Guinea-Bissau and Mali.") == ["Guinea-Bissau", "Mali"]
    assert found(nlp, gazetteer, "Polio cases rose in Angola and the Democratic Republic of the Congo.") == [
        "Angola", "Democratic Republic of the Congo"]
    assert found(nlp, gazetteer, "Poultry was culled across Hebei province last week.") == ["Hebei"]


def test_find_unknown_name_needs_a_cue(nlp: Language, gazetteer: Gazetteer) -> None:
    assert found(nlp, gazetteer, "Shelling hit the village of Zummurudabad.") == ["Zummurudabad"]
    assert nlp("Residents fled Zummurudabad on Monday.").ents[0].label_ == "GPE"
    assert found(nlp, gazetteer, "Residents fled Zummurudabad on Monday.") == []
    assert found(nlp, gazetteer, "Shares of Wavepiston rose in Zummurudabad.") == ["Zummurudabad"]


def test_find_town_the_model_calls_an_organisation(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "The virus came under fire from officials in Dogubayazit, where three siblings died."
    assert nlp(text).ents[0].label_ == "ORG"
    assert found(nlp, gazetteer, text) == ["Dogubayazit"]
    listed = "Rongo, Siaya, Kisumu, Bondo, Nyando, Kisii and Wajir are among them."
    # Nyando, an organisation to the model, is only "Nyando District" to the gazetteer: not taken.
    assert found(nlp, gazetteer, listed) == ["Rongo", "Siaya", "Kisumu", "Bondo", "Kisii", "Wajir"]


def test_find_cuts_a_model_entity_at_its_bracket(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "On 14 June 2022, in Tumbes (Tumbes), residents captured and beat up a robber."
    assert any("(" in ent.text for ent in nlp(text).ents)  # the model reads "Tumbes (Tumbes" as one name
    assert found(nlp, gazetteer, text) == ["Tumbes", "Tumbes"]


def test_find_a_particle_shared_with_a_person_name_does_not_hide_a_place(nlp: Language,
                                                                         gazetteer: Gazetteer) -> None:
    text = "Turkish forces shelled Al Asadiyah town in Al Hasakeh countryside with mortars."
    assert [e.label_ for e in nlp(text).ents if e.text == "Al Asadiyah"] == ["PERSON"]
    assert "Al Hasakeh" in found(nlp, gazetteer, text)


def test_find_the_province_in_brackets_after_a_district(nlp: Language, gazetteer: Gazetteer) -> None:
    """Whatever the model calls "Al Anbar", it is written as the container of a place found before it."""
    text = "A bomb hurt two shepherds in the desert area of Al Rutba district (Al Anbar) on Tuesday."
    assert "Al Anbar" in found(nlp, gazetteer, text)


def test_find_the_state_after_a_village_and_a_comma(nlp: Language, gazetteer: Gazetteer) -> None:
    text = "On 3 March, gunmen killed two farmers in Los Zqxitos, Michoacan."
    assert "Michoacan" in found(nlp, gazetteer, text)


def test_find_no_news_agency_in_brackets_after_a_place(nlp: Language, gazetteer: Gazetteer) -> None:
    names = found(nlp, gazetteer, "Protesters gathered in Nairobi (Reuters) on Monday.")
    assert "Nairobi" in names and "Reuters" not in names


def test_find_splits_an_entity_that_lists_a_village_and_its_province(nlp: Language) -> None:
    """The model sometimes makes one organisation of "Vilkhivka, Kharkiv"; taken by a cue, it is two names."""
    from eventwire.places.find import _comma_parts

    doc = nlp.make_doc("Aircraft bombed the village of Vilkhivka, Kharkiv, at dawn.")
    assert [part.text for part in _comma_parts(doc[5:8])] == ["Vilkhivka", "Kharkiv"]
    assert [part.text for part in _comma_parts(doc[2:4])] == ["the village"]
