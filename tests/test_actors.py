"""The actors stage: the alias table, name comparison in ACLED's conventions, and actor mentions on
sentences written for these tests; the reference article when the shared data folder is there."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conftest import data_file
from eventwire.actors import ActorTable, find_actors, load_actors, same_actor
from eventwire.errors import UsageError
from eventwire.records import Actor, Place

if TYPE_CHECKING:
    from spacy.language import Language


@pytest.fixture(scope="module")
def table() -> ActorTable:
    return load_actors()


def actors_of(nlp: Language, text: str, places: tuple[Place, ...] = ()) -> tuple[Actor, ...]:
    from eventwire.parse import parse_texts

    (doc,) = parse_texts(nlp, [text])
    found = find_actors(doc, load_actors(), places=places)
    for actor in found:
        assert text[actor.start:actor.end] == actor.text
    return found


def by_text(actors: tuple[Actor, ...], text: str) -> Actor:
    chosen = [a for a in actors if a.text == text]
    assert len(chosen) == 1, actors
    return chosen[0]


def place(text: str, whole: str, country: str, code: str) -> Place:
    start = whole.index(text)
    return Place(text=text, start=start, end=start + len(text), country=country, country_code=code)


# --- the table -------------------------------------------------------------------------------------

def test_load_actors_is_cached_and_versioned(table: ActorTable) -> None:
    assert load_actors() is table
    assert table.version.startswith("actors-")


def test_aliases_named_actor(table: ActorTable) -> None:
    aliases = table.aliases("QSD: Syrian Democratic Forces")
    assert aliases[0] == "QSD: Syrian Democratic Forces"
    assert {"SDF", "Syrian Democratic Forces"} <= set(aliases)


def test_aliases_generated_for_every_country(table: ActorTable) -> None:
    assert "Nigerian police" in table.aliases("Police Forces of Nigeria")
    assert "Pakistani troops" in table.aliases("Military Forces of Pakistan")
    assert "government of Peru" in table.aliases("Government of Peru")


def test_aliases_unknown_name_is_itself(table: ActorTable) -> None:
    assert table.aliases("Nobody In Particular") == ("Nobody In Particular",)


def test_load_actors_user_file_adds_and_replaces(tmp_path: Path) -> None:
    user = tmp_path / "mine.toml"
    user.write_text('version = "7"\n[[actor]]\nname = "Example Liberation Front"\naliases = ["ELF"]\n'
                    'inter = 2\nsector = "REB"\ncountry = "Chad"\n', encoding="utf-8")
    table = load_actors([user])
    assert table.version.endswith("user-7")
    assert "ELF" in table.aliases("Example Liberation Front")
    assert load_actors() is not table


@pytest.mark.parametrize(("content", "problem"), [
    ("[[actor]\nname = 1", "not valid TOML"),
    ("[[actor]]\naliases = ['X']\n", "needs a non-empty string 'name'"),
    ("[[actor]]\nname = 'X'\ninter = 9\n", "inter code 1–8"),
    ("[[actor]]\nname = 'X'\nsector = 'rebels'\n", "three-letter code"),
    ("[[actor]]\nname = 'X'\naliases = 'Y'\n", "list of strings"),
    ("[[actor]]\nname = 'X'\ncolour = 'red'\n", "unknown keys"),
])
def test_load_actors_bad_user_file_names_file_and_problem(tmp_path: Path, content: str, problem: str) -> None:
    user = tmp_path / "bad.toml"
    user.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_actors([user])
    assert problem in str(caught.value)
    assert str(user) in str(caught.value)


def test_load_actors_missing_user_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not found"):
        load_actors([tmp_path / "absent.toml"])


# --- same_actor ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("predicted", "gold"), [
    ("SDF", "QSD: Syrian Democratic Forces"),
    ("QSD: Syrian Democratic Forces", "QSD: Syrian Democratic Forces"),
    ("Military Forces of Syria", "Military Forces of Syria (2000-)"),
    ("Military Forces of Russia", "Military Forces of Russia (2000-) Air Force"),
    ("Police Forces of Nigeria", "Police Forces of Nigeria (2015-)"),
    ("Military Forces of Democratic Republic of the Congo", "Military Forces of the Democratic Republic of Congo (2019-)"),
    ("Civilians (Syria)", "Civilians (Syria)"),
    ("Protesters (The Netherlands)", "Protesters (Netherlands)"),
    ("Rioters (Palestinian Territory)", "Rioters (Palestine)"),
    ("Islamic State", "Islamic State (Syria)"),
    ("ISWAP", "Islamic State (West Africa)"),
    ("Islamic State (Sahel)", "JNIM: Group for Support of Islam and Muslims and/or Islamic State (Sahel)"),
    ("Houthis", "Military Forces of Yemen (2016-) Supreme Political Council"),
    ("Government of Nicaragua", "Government of Nicaragua (2007-)"),
    ("al-Shabaab", "Al Shabaab"),
    ("Taliban", "Military Forces of Afghanistan (2021-)"),
])
def test_same_actor_matches(table: ActorTable, predicted: str, gold: str) -> None:
    assert same_actor(predicted, gold, table)


@pytest.mark.parametrize(("predicted", "gold"), [
    ("Civilians (Iraq)", "Civilians (Syria)"),
    ("Civilians", "Civilians (Syria)"),
    ("Military Forces of Syria", "Police Forces of Syria (2000-)"),
    ("Islamic State (Iraq)", "Islamic State (Syria)"),
    ("SDF", "Islamic State (Syria)"),
    ("", "Civilians (Syria)"),
])
def test_same_actor_rejects(table: ActorTable, predicted: str, gold: str) -> None:
    assert not same_actor(predicted, gold, table)


# --- find_actors -----------------------------------------------------------------------------------

@pytest.mark.model
def test_find_actors_named_aliases_and_demonym_state(nlp: Language) -> None:
    text = "Fighters of the SDF pushed ISIS out of the town while Iraqi security forces guarded the border."
    found = actors_of(nlp, text)
    sdf = by_text(found, "SDF")
    assert (sdf.name, sdf.inter, sdf.sector, sdf.country, sdf.kind) == (
        "QSD: Syrian Democratic Forces", 2, "REB", "Syria", "named")
    assert by_text(found, "ISIS").inter == 2
    iraqi = by_text(found, "Iraqi security forces")
    assert (iraqi.name, iraqi.inter, iraqi.country) == ("Military Forces of Iraq", 1, "Iraq")


@pytest.mark.model
def test_find_actors_generic_takes_sentence_country(nlp: Language) -> None:
    text = "In Kano, police dispersed the protesters on Monday. Gunmen later attacked villagers nearby."
    found = actors_of(nlp, text, (place("Kano", text, "Nigeria", "NG"),))
    assert by_text(found, "police").name == "Police Forces of Nigeria"
    assert by_text(found, "protesters").name == "Protesters (Nigeria)"
    assert by_text(found, "Gunmen").name == "Unidentified Armed Group (Nigeria)"
    assert by_text(found, "villagers").inter == 7


@pytest.mark.model
def test_find_actors_demonym_beats_place(nlp: Language) -> None:
    text = "Russian forces shelled Kharkiv overnight."
    found = actors_of(nlp, text, (place("Kharkiv", text, "Ukraine", "UA"),))
    assert by_text(found, "Russian forces").name == "Military Forces of Russia"


@pytest.mark.model
def test_find_actors_named_group_absorbs_its_fighters(nlp: Language) -> None:
    found = actors_of(nlp, "Al-Shabaab militants ambushed a convoy near the coast.")
    assert [a.name for a in found][:1] == ["Al Shabaab"]
    assert found[0].text == "Al-Shabaab militants"


@pytest.mark.model
def test_find_actors_anaphor_resolves_to_group(nlp: Language) -> None:
    text = "Boko Haram raided a market on Monday. The group later released a video."
    group = by_text(actors_of(nlp, text), "The group")
    assert (group.kind, group.name) == ("anaphor", "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad")


@pytest.mark.model
def test_find_actors_anaphor_without_antecedent_stays_generic(nlp: Language) -> None:
    found = actors_of(nlp, "The weather was bad. The militants fled into the hills.")
    militants = by_text(found, "militants")
    assert (militants.kind, militants.inter) == ("generic", 3)


@pytest.mark.model
def test_find_actors_false_friends(nlp: Language) -> None:
    found = actors_of(nlp, "The court applied Islamic law and the case is closed, Reuters reported from the "
                           "police station.")
    assert [a.text for a in found] == []


@pytest.mark.model
def test_find_actors_person_with_title(nlp: Language) -> None:
    found = actors_of(nlp, "Secretary of State Jane Doerr met the envoy. Doerr said talks would go on.")
    person = by_text(found, "Jane Doerr")
    assert (person.kind, person.sector, person.country, person.inter) == ("named", "GOV", "United States", 1)
    assert by_text(found, "Doerr").name == "Jane Doerr"


@pytest.mark.model
def test_find_actors_unknown_organisation_kept(nlp: Language) -> None:
    found = actors_of(nlp, "The Northern Valley Defence Brigade claimed the attack on the depot.")
    unknown = [a for a in found if a.kind == "unknown"]
    assert unknown and "Northern Valley Defence Brigade" in unknown[0].text


@pytest.mark.model
def test_find_actors_protesting_residents_are_protesters(nlp: Language) -> None:
    text = "In Lima, residents protested against the new tax."
    found = actors_of(nlp, text, (place("Lima", text, "Peru", "PE"),))
    assert by_text(found, "residents").name == "Protesters (Peru)"


@pytest.mark.model
def test_find_actors_reference_article(nlp: Language) -> None:
    from eventwire.parse import parse_texts

    text = data_file("seed/baghuz.txt").read_text(encoding="utf-8")
    (doc,) = parse_texts(nlp, [text])
    found = find_actors(doc, load_actors())
    names = {a.name for a in found}
    assert "QSD: Syrian Democratic Forces" in names
    assert "Global Coalition Against Daesh" in names
    assert any(a.name and a.name.startswith("Islamic State") and a.inter == 2 for a in found)
    assert {"Mike Pompeo", "Mustafa Bali", "Kino Gabriel"} <= names
    assert all(text[a.start:a.end] == a.text for a in found)


@pytest.mark.model
def test_find_actors_terror_group_skips_non_jihadist_antecedent(nlp: Language) -> None:
    text = "The Islamic State lost the town to the SDF after a long siege. The terror group fled east."
    assert by_text(actors_of(nlp, text), "The terror group").name == "Islamic State (Syria)"


@pytest.mark.model
def test_find_actors_violent_crowd_is_rioters(nlp: Language) -> None:
    text = "In Lima, a group of street vendors attacked two inspectors with stones."
    found = actors_of(nlp, text, (place("Lima", text, "Peru", "PE"),))
    assert by_text(found, "street vendors").name == "Rioters (Peru)"


@pytest.mark.model
def test_find_actors_demonym_noun_is_civilian(nlp: Language) -> None:
    found = actors_of(nlp, "Soldiers demolished a house that belonged to a Palestinian.")
    assert by_text(found, "Palestinian").name == "Civilians (Palestinian Territory)"


@pytest.mark.model
def test_find_actors_likeness_is_no_party(nlp: Language) -> None:
    found = actors_of(nlp, "The group is finished as a standing army, officials said.")
    assert "army" not in [a.text for a in found]


@pytest.mark.model
def test_find_actors_coordinated_demonyms_share_the_agent(nlp: Language) -> None:
    found = actors_of(nlp, "Fighting broke out between Russian and Ukrainian military forces near the river.")
    assert {a.name for a in found} >= {"Military Forces of Russia", "Military Forces of Ukraine"}


@pytest.mark.model
def test_find_actors_acronym_beside_acronym_is_no_headline(nlp: Language) -> None:
    found = actors_of(nlp, "On Monday, CODECO-URDPC elements abducted five farmers.")
    assert "CODECO: Cooperative for Development of Congo" in {a.name for a in found}


@pytest.mark.model
def test_find_actors_state_body_organisation(nlp: Language) -> None:
    text = "In Osaka, the Kita Ward Police Station detained two men."
    found = actors_of(nlp, text, (place("Osaka", text, "Japan", "JP"),))
    assert "Police Forces of Japan" in {a.name for a in found}


@pytest.mark.model
def test_find_actors_title_of_an_earlier_person_is_not_taken(nlp: Language) -> None:
    found = actors_of(nlp, "Prime Minister Ana Lindqvist met Tomas Berg on Monday.")
    assert by_text(found, "Ana Lindqvist").sector == "GOV"
    assert by_text(found, "Tomas Berg").sector is None


def test_find_actors_without_parse_or_text() -> None:
    import spacy

    blank = spacy.blank("en")
    assert find_actors(blank(""), load_actors()) == ()
    found = find_actors(blank("Nigerian police arrested the gunmen."), load_actors())
    assert [a.name for a in found] == ["Police Forces of Nigeria", "Unidentified Armed Group (Nigeria)"]


@pytest.mark.model
def test_find_actors_a_name_before_a_place_noun_is_a_place(nlp: Language) -> None:
    # the small model labels "al-Hol" and "Rukban" ORG; the noun after them says they name places
    for text, name in (("Most were taken to the al-Hol camp in Hasakah province.", "al-Hol"),
                       ("Families were moved to the Rukban camp near the border.", "Rukban")):
        doc = nlp(text)
        assert any(e.text == name and e.label_ == "ORG" for e in doc.ents), "the premise: the model says ORG"
        assert name not in {a.text for a in actors_of(nlp, text)}
    assert "Northern Valley Defence Brigade" in {a.text for a in actors_of(
        nlp, "The Northern Valley Defence Brigade attacked the camp.")}


@pytest.mark.model
def test_find_actors_the_articles_own_outlet_in_its_dateline_is_no_actor(nlp: Language) -> None:
    text = ("NAIROBI, Sept. 21 (Ridgeway Daily) — Gunmen stormed a shopping mall in Nairobi on Saturday, "
            "President Uhuru Kenyatta said.")
    doc = nlp(text)
    assert "Ridgeway Daily" in {a.text for a in find_actors(doc, load_actors())}
    found = find_actors(doc, load_actors(), outlets=["Ridgeway Daily"])
    assert "Ridgeway Daily" not in {a.text for a in found} and "Uhuru Kenyatta" in {a.text for a in found}
