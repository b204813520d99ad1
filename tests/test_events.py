"""Events assembly: dates, fatalities, ACLED default actors, location and merging, on our own sentences.

The sentence classifier's output is written by hand here (``_Coded`` has the fields of
``eventwire.events.triggers.Coded``), so these tests pin the assembly alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from eventwire.amounts import quantify
from eventwire.events.assemble import acled_actors, assemble
from eventwire.events.dates import event_date, within_precision
from eventwire.events.fatalities import _death_anchor, count_fatalities, is_vague, says_nobody_died
from eventwire.events.roles import agent, patient
from eventwire.events.triggers import Coded as _Coded
from eventwire.records import Actor, Amount, EventActor, Place, TimeRef

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span


def _coded(doc: Doc, trigger: str, event_type: str | None, sub_event_type: str | None, *,
           plover_type: str | None = "ASSAULT", actor1: Actor | None = None, actor2: Actor | None = None,
           occurrence: int = 0, confidence: float = 0.8, plover_mode: str | None = None) -> tuple[Span, _Coded]:
    start = -1
    for _ in range(occurrence + 1):
        start = doc.text.index(trigger, start + 1)
    span = doc.char_span(start, start + len(trigger))
    assert span is not None
    return span.sent, _Coded(start=start, end=start + len(trigger), trigger=trigger, head=span.root.i,
                             event_type=event_type, sub_event_type=sub_event_type, plover_type=plover_type,
                             plover_mode=plover_mode, actor1=actor1, actor2=actor2, rule=f"trigger:{trigger}",
                             confidence=confidence)


def _actor(text: str, phrase: str, name: str, inter: int, kind: str = "named") -> Actor:
    start = text.index(phrase)
    return Actor(text=phrase, start=start, end=start + len(phrase), name=name, inter=inter, kind=kind)


def _place(text: str, phrase: str, *, lat: float, lon: float, country: str = "Syria", code: str = "SY",
           geonameid: int = 1, precision: int = 1, after: int = 0) -> Place:
    start = text.index(phrase, after)
    return Place(text=phrase, start=start, end=start + len(phrase), name=phrase, geonameid=geonameid, lat=lat,
                 lon=lon, country=country, country_code=code, precision=precision)


def _time(text: str, phrase: str, value: str, precision: str) -> TimeRef:
    start = text.index(phrase)
    return TimeRef(text=phrase, start=start, end=start + len(phrase), value=value, precision=precision)


# --- dates ----------------------------------------------------------------------------------------

def test_event_date_day_in_the_sentence_is_precision_1() -> None:
    text = "Rebels shelled the town on 3 May 2022."
    ref = _time(text, "3 May 2022", "2022-05-03", "day")
    found = event_date([ref], 0, len(text), 7, "2022-05-05")
    assert (found.date, found.precision, found.pinned) == ("2022-05-03", 1, True)


def test_event_date_week_and_month_are_coded_at_their_middle() -> None:
    week = TimeRef(text="last week", start=10, end=19, value="2022-W18", precision="week")
    month = TimeRef(text="in April", start=10, end=18, value="2022-04", precision="month")
    assert event_date([week], 0, 40, 5, "2022-05-12").date == "2022-05-04"
    assert event_date([week], 0, 40, 5, "2022-05-12").precision == 2
    assert (event_date([month], 0, 40, 5, None).date, event_date([month], 0, 40, 5, None).precision) == \
        ("2022-04-15", 3)


def test_event_date_without_a_day_falls_back_to_the_article_date_never_day_precision() -> None:
    vague = TimeRef(text="in the last weeks", start=10, end=27, value="PAST_REF", precision="vague")
    assert event_date([], 0, 40, 5, "2019-03-23").precision == 2
    assert event_date([vague], 0, 40, 5, "2019-03-23").precision == 3
    assert event_date([vague], 0, 40, 5, "2019-03-23").date == "2019-03-23"
    assert event_date([], 0, 40, 5, None).date is None


def test_event_date_skips_a_day_after_the_article_and_times_outside_the_sentence() -> None:
    later = TimeRef(text="Monday", start=10, end=16, value="2019-03-25", precision="day")
    elsewhere = TimeRef(text="Friday", start=60, end=66, value="2019-03-22", precision="day")
    assert event_date([later, elsewhere], 0, 40, 5, "2019-03-23").pinned is False


def test_within_precision_windows() -> None:
    assert within_precision("2022-01-01", "2022-01-01", 1)
    assert not within_precision("2022-01-02", "2022-01-01", 1)
    assert within_precision("2022-01-15", "2022-01-01", 3)
    assert not within_precision(None, "2022-01-01", 3)


# --- fatalities -----------------------------------------------------------------------------------

@pytest.mark.model
@pytest.mark.parametrize(("sentence", "trigger", "expected"), [
    ("Gunmen stormed a police post on Monday, killing at least 41 officers.", "stormed", 41),
    ("Militants killed three people in the village.", "killed", 3),
    ("A soldier was killed when the convoy was ambushed.", "ambushed", 1),
    ("A policeman and a child died in the blast.", "blast", 2),
    ("The bombing killed five soldiers and three civilians.", "bombing", 8),
    ("Soldiers were killed in the ambush.", "ambush", None),
    ("Thousands of martyrs have died for the cause.", "died", None),
    ("Rebels attacked the army base near the river.", "attacked", None),
    ("At least 14 people were killed 25 were wounded in a suicide attack on a wedding.", "killed", 14),
    ("At least 14 people were killed and 25 were wounded in the attack.", "killed", 14),
    ("The blast killed six people and injured 30 others.", "blast", 6),
    ("Rockets hit the district killing 8 persons injuring more than 55 persons.", "hit", 8),
])
def test_count_fatalities_only_what_the_text_gives(nlp: Language, sentence: str, trigger: str,
                                                   expected: int | None) -> None:
    doc = nlp(sentence)
    sent, coded = _coded(doc, trigger, "Violence against civilians", "Attack")
    assert count_fatalities(doc, sent, coded.head, quantify(doc), sub_event_type="Attack") == expected


@pytest.mark.model
def test_count_fatalities_zero_only_when_the_text_says_nobody_died(nlp: Language) -> None:
    doc = nlp("A roadside bomb exploded near the convoy. There were no casualties.")
    sent, coded = _coded(doc, "exploded", "Explosions/Remote violence", "Remote explosive/landmine/IED")
    following = list(doc.sents)[1:]
    assert count_fatalities(doc, sent, coded.head, (), sub_event_type=coded.sub_event_type,
                            following=following) == 0
    assert count_fatalities(doc, sent, coded.head, (), sub_event_type=coded.sub_event_type) is None
    assert count_fatalities(doc, sent, coded.head, (), sub_event_type="Peaceful protest") == 0


@pytest.mark.model
def test_count_fatalities_reads_the_next_sentence_and_skips_day_numbers(nlp: Language) -> None:
    doc = nlp("Around 2 April 2022, an IED detonated near the market. Four people were killed.")
    sent, coded = _coded(doc, "detonated", "Explosions/Remote violence", "Remote explosive/landmine/IED")
    month = _time(doc.text, "April 2022", "2022-04", "month")
    amounts = quantify(doc)
    following = list(doc.sents)[1:]
    assert count_fatalities(doc, sent, coded.head, amounts, sub_event_type=coded.sub_event_type,
                            following=following, times=[month]) == 4
    assert count_fatalities(doc, sent, coded.head, amounts, sub_event_type=coded.sub_event_type,
                            following=following) == 4  # "2" before "April" is a day even without the time
    assert count_fatalities(doc, sent, coded.head, amounts, sub_event_type=coded.sub_event_type,
                            times=[month]) is None


def test_says_nobody_died_and_vague_figures() -> None:
    assert says_nobody_died("No one was hurt.") and says_nobody_died("no injuries were reported")
    assert not says_nobody_died("Casualties unknown.")
    assert is_vague(Amount(text="dozens", start=0, end=6, value=12.0, kind="fatalities"))
    assert not is_vague(Amount(text="three", start=0, end=5, value=3.0, kind="fatalities"))


# --- ACLED actors ---------------------------------------------------------------------------------

def test_acled_actors_defaults_per_event_type() -> None:
    police = EventActor(name="Police Forces of Nigeria (2015-2023)", inter=1)
    a1, assoc1, a2, _, defaulted = acled_actors("Protests", "Protest with intervention",
                                                EventActor(name="NLC: Nigeria Labour Congress", inter=6),
                                                police, "Nigeria")
    assert a1 == EventActor(name="Protesters (Nigeria)", inter=6) and a2 == police
    assert [a.name for a in assoc1] == ["NLC: Nigeria Labour Congress"] and defaulted == {"actor1"}
    a1, _, _, _, _ = acled_actors("Riots", "Mob violence", None, None, "Kenya")
    assert a1 == EventActor(name="Rioters (Kenya)", inter=5)
    a1, _, a2, assoc2, _ = acled_actors("Violence against civilians", "Sexual violence", None,
                                        EventActor(name="Women (Syria)", inter=7), "Syria")
    assert a1 is not None and a1.name == "Unidentified Armed Group (Syria)" and a1.inter == 3
    assert a2 == EventActor(name="Civilians (Syria)", inter=7) and assoc2 == [EventActor(name="Women (Syria)",
                                                                                          inter=7)]


def test_acled_actors_an_arrest_by_no_one_named_is_the_police_s_a_security_measure_the_government_s() -> None:
    a1, _, _, _, defaulted = acled_actors("Strategic developments", "Arrests", None, None, "Turkey")
    assert a1 == EventActor(name="Police Forces of Turkey", inter=1) and defaulted == {"actor1"}
    a1, _, _, _, _ = acled_actors("Strategic developments", "Change to group/activity", None, None, "China")
    assert a1 == EventActor(name="Government of China", inter=1)
    a1, _, _, _, _ = acled_actors("Strategic developments", "Arrests", None, None, None)
    assert a1 is None  # no country, no name to give


def test_acled_actors_no_unidentified_perpetrator_for_air_strikes_or_statements() -> None:
    assert acled_actors("Explosions/Remote violence", "Air/drone strike", None, None, "Syria")[0] is None
    assert acled_actors(None, None, None, None, "Syria")[0] is None
    named = EventActor(name="Islamic State", inter=2)
    assert acled_actors("Explosions/Remote violence", "Suicide bomb", named, None, "Iraq")[0] == named


# --- assembly -------------------------------------------------------------------------------------

@pytest.mark.model
def test_assemble_merges_mentions_of_one_event(nlp: Language) -> None:
    text = ("Rebels shelled Idlib on 3 May 2022, killing four civilians. "
            "The shelling of Idlib also damaged a school.")
    doc = nlp(text)
    idlib = [_place(text, "Idlib", lat=35.93, lon=36.63), _place(text, "Idlib", lat=35.93, lon=36.63, after=40)]
    times = [_time(text, "3 May 2022", "2022-05-03", "day")]
    shell = "Explosions/Remote violence", "Shelling/artillery/missile attack"
    coded = [_coded(doc, "shelled", *shell), _coded(doc, "shelling", *shell)]
    events = assemble(doc, [(s, [c]) for s, c in coded], places=idlib, times=times, amounts=quantify(doc),
                      published="2022-05-05")
    assert len(events) == 1
    event = events[0]
    assert len(event.evidence) == 2 and event.sentence == event.evidence[0]
    assert (event.date, event.time_precision, event.fatalities) == ("2022-05-03", 1, 4)
    assert event.location is not None and event.location.name == "Idlib"
    assert event.trigger.text == "shelled" and event.rule == "trigger:shelled"


@pytest.mark.model
def test_assemble_an_undated_mention_stands_for_the_articles_week(nlp: Language) -> None:
    text = ("A car bomb hit a convoy of buses near the port on Saturday. "
            "The blast struck a crowded market in the old town.")
    doc = nlp(text)
    times = [_time(text, "Saturday", "2021-06-05", "day")]
    bomb = "Explosions/Remote violence", "Remote explosive/landmine/IED"
    coded = [_coded(doc, "bomb", *bomb), _coded(doc, "blast", *bomb)]
    # reported the next Wednesday: the undated blast is this week's, not Saturday's bomb
    later = assemble(doc, [(s, [c]) for s, c in coded], times=times, published="2021-06-09")
    assert [(e.date, e.time_precision) for e in later] == [("2021-06-05", 1), ("2021-06-09", 2)]
    # reported on Sunday: nothing tells them apart, one event with both sentences
    (same,) = assemble(doc, [(s, [c]) for s, c in coded], times=times, published="2021-06-06")
    assert (same.date, same.time_precision, len(same.evidence)) == ("2021-06-05", 1, 2)


@pytest.mark.model
def test_assemble_a_toll_in_a_sentence_reporting_its_own_event_is_not_lent(nlp: Language) -> None:
    text = "Jets struck a market in the old town on Monday. Jets also struck a village on Friday, killing 15 civilians."
    doc = nlp(text)
    times = [_time(text, "Monday", "2021-06-07", "day"), _time(text, "Friday", "2021-06-04", "day")]
    air = "Explosions/Remote violence", "Air/drone strike"
    coded = [_coded(doc, "struck", *air), _coded(doc, "struck", *air, occurrence=1)]
    events = assemble(doc, [(s, [c]) for s, c in coded], times=times, amounts=quantify(doc), published="2021-06-08")
    assert [(e.date, e.fatalities) for e in events] == [("2021-06-07", None), ("2021-06-04", 15)]
    # a sentence that only tells the toll still gives it
    text = "Jets struck a market in the old town on Monday. Fifteen civilians were killed."
    doc = nlp(text)
    sent, strike = _coded(doc, "struck", *air)
    (event,) = assemble(doc, [(sent, [strike])], times=[_time(text, "Monday", "2021-06-07", "day")],
                        amounts=quantify(doc), published="2021-06-08")
    assert event.fatalities == 15


@pytest.mark.model
def test_assemble_keeps_events_on_different_days_apart(nlp: Language) -> None:
    text = "Rebels shelled Idlib on 3 May 2022. Rebels shelled Idlib again on 9 May 2022."
    doc = nlp(text)
    times = [_time(text, "3 May 2022", "2022-05-03", "day"), _time(text, "9 May 2022", "2022-05-09", "day")]
    shell = "Explosions/Remote violence", "Shelling/artillery/missile attack"
    coded = [_coded(doc, "shelled", *shell), _coded(doc, "shelled", *shell, occurrence=1)]
    events = assemble(doc, [(s, [c]) for s, c in coded], times=times, published="2022-05-10")
    assert [e.date for e in events] == ["2022-05-03", "2022-05-09"]
    assert events[0].id != events[1].id


@pytest.mark.model
def test_assemble_defaults_actors_with_the_location_country_and_skips_places_in_names(nlp: Language) -> None:
    text = "Gunmen abducted two teachers in Kaduna, the New York Times reported."
    doc = nlp(text)
    places = [_place(text, "Kaduna", lat=10.52, lon=7.44, country="Nigeria", code="NG"),
              _place(text, "New York", lat=40.71, lon=-74.0, country="United States", code="US", geonameid=2)]
    sent, coded = _coded(doc, "abducted", "Violence against civilians", "Abduction/forced disappearance")
    (event,) = assemble(doc, [(sent, [coded])], places=places, amounts=quantify(doc))
    assert event.location is not None and event.location.country == "Nigeria"
    assert event.actor1 == EventActor(name="Unidentified Armed Group (Nigeria)", inter=3)
    assert event.actor2 == EventActor(name="Civilians (Nigeria)", inter=7)
    assert event.fatalities is None and event.date is None

    only_org = [places[1]]
    (event,) = assemble(doc, [(sent, [coded])], places=only_org)
    assert event.location is None
    continent = Place(text="Kaduna", start=places[0].start, end=places[0].end, name="Africa", lat=2.0, lon=16.0,
                      precision=3)
    (event,) = assemble(doc, [(sent, [coded])], places=[continent])
    assert event.location is None and event.actor2 == EventActor(name="Civilians", inter=7)


@pytest.mark.model
def test_assemble_conjoined_actors_are_associated(nlp: Language) -> None:
    text = "The SDF and coalition forces captured Baghuz from the Islamic State."
    doc = nlp(text)
    sdf = _actor(text, "SDF", "QSD: Syrian Democratic Forces", 2)
    coalition = _actor(text, "coalition forces", "Global Coalition Against Daesh", 8)
    isis = _actor(text, "Islamic State", "Islamic State (Iraq and the Levant)", 2)
    sent, coded = _coded(doc, "captured", "Battles", "Non-state actor overtakes territory", actor1=sdf,
                         actor2=isis)
    (event,) = assemble(doc, [(sent, [coded])], actors=[sdf, coalition, isis])
    assert event.actor1 is not None and event.actor1.name == "QSD: Syrian Democratic Forces"
    assert [a.name for a in event.assoc_actor1] == ["Global Coalition Against Daesh"]
    assert event.actor2 is not None and event.actor2.inter == 2


@pytest.mark.model
def test_assemble_statements_get_no_acled_fields(nlp: Language) -> None:
    text = "The minister said the talks would resume."
    doc = nlp(text)
    sent, coded = _coded(doc, "said", None, None, plover_type="ACCUSE")
    (event,) = assemble(doc, [(sent, [coded])], published="2020-01-02")
    assert event.event_type is None and event.fatalities is None and event.actor1 is None
    assert event.plover_type == "ACCUSE"


@pytest.mark.model
def test_assemble_a_generic_mention_named_in_its_own_phrase_is_the_named_actor(nlp: Language) -> None:
    text = "A suicide bomber from Al Shabaab militants blew himself up at a checkpoint in Mogadishu."
    doc = nlp(text)
    bomber = _actor(text, "suicide bomber", "Unidentified Armed Group (Somalia)", 3, kind="generic")
    shabaab = _actor(text, "Al Shabaab militants", "Al Shabaab", 2)
    sent, coded = _coded(doc, "blew", "Explosions/Remote violence", "Suicide bomb", actor1=bomber)
    (event,) = assemble(doc, [(sent, [coded])], actors=[bomber, shabaab])
    assert event.actor1 == EventActor(name="Al Shabaab", inter=2)


@pytest.mark.model
def test_assemble_a_person_as_actor1_yields_to_the_armed_group_of_the_sentence(nlp: Language) -> None:
    text = "Mustafa Bali, spokesman for the Syrian Democratic Forces that took the town, said it was over."
    doc = nlp(text)
    sdf = _actor(text, "Syrian Democratic Forces", "QSD: Syrian Democratic Forces", 2)
    for inter in (None, 2):  # a person, with or without the inter code of the group he speaks for
        bali = Actor(text="Mustafa Bali", start=0, end=12, name="Mustafa Bali", inter=inter, kind="named")
        sent, coded = _coded(doc, "took", "Battles", "Non-state actor overtakes territory", actor1=bali)
        (event,) = assemble(doc, [(sent, [coded])], actors=[bali, sdf])
        assert event.actor1 == EventActor(name="QSD: Syrian Democratic Forces", inter=2)
    (event,) = assemble(doc, [(sent, [coded])], actors=[bali])  # no group named: the mention stays
    assert event.actor1 is not None and event.actor1.name == "Mustafa Bali"


def test_assemble_a_place_liberated_by_a_spokesman_s_group(nlp: Language) -> None:
    """The passive names no taker: the group the speaker heads takes it (not the speaker), the sub-type
    follows that group (not state forces: no Government regains territory), and the place taken is no
    actor 2."""
    text = "Mustafa Bali, head of the SDF media office, announced that Baghuz had been liberated."
    doc = nlp(text)
    bali = _actor(text, "Mustafa Bali", "Mustafa Bali", 2)
    sdf = _actor(text, "SDF", "QSD: Syrian Democratic Forces", 2)
    baghuz = Actor(text="Baghuz", start=text.index("Baghuz"), end=text.index("Baghuz") + 6, name="Baghuz",
                   inter=None, kind="named")
    sent, coded = _coded(doc, "liberated", "Battles", "Government regains territory", actor2=baghuz)
    (event,) = assemble(doc, [(sent, [coded])], actors=[bali, sdf, baghuz])
    assert event.actor1 == EventActor(name="QSD: Syrian Democratic Forces", inter=2)
    assert event.sub_event_type == "Non-state actor overtakes territory"
    assert event.actor2 is None or event.actor2.name != "Baghuz"
    army = _actor(text, "SDF", "Military Forces of Syria", 1)
    (event,) = assemble(doc, [(sent, [_coded(doc, "liberated", "Battles", "Non-state actor overtakes territory")[1]])],
                        actors=[army])
    assert event.sub_event_type == "Government regains territory"


@pytest.mark.parametrize("text", [
    "Gunmen stormed the mall on Saturday, killing at least 39 people, President Uhuru Kenyatta said.",
    "Gunmen stormed the mall on Saturday, killing at least 39 people, according to President Uhuru Kenyatta.",
])
def test_assemble_who_reports_an_event_is_not_its_actor(nlp: Language, text: str) -> None:
    """With no actor tied to the trigger by the parse, the sentence's state actor who only tells of the
    event (the subject of "said", the source of "according to") is not taken for its perpetrator."""
    doc = nlp(text)
    kenyatta = _actor(text, "Uhuru Kenyatta", "Uhuru Kenyatta", 1)
    sent, coded = _coded(doc, "killing", "Violence against civilians", "Attack")
    (event,) = assemble(doc, [(sent, [coded])], actors=[kenyatta])
    assert event.actor1 is None or event.actor1.name != "Uhuru Kenyatta"


@pytest.mark.parametrize(("text", "trigger"), [
    ("The army said it had shelled the rebel positions near the town.", "shelled"),
    ("The army said its jets had struck the rebel positions near the town.", "struck"),
])
def test_assemble_who_says_they_did_it_stays_the_actor(nlp: Language, text: str, trigger: str) -> None:
    doc = nlp(text)
    army = _actor(text, "army", "Military Forces of Syria", 1)
    sent, coded = _coded(doc, trigger, "Explosions/Remote violence", "Shelling/artillery/missile attack")
    (event,) = assemble(doc, [(sent, [coded])], actors=[army])
    assert event.actor1 == EventActor(name="Military Forces of Syria", inter=1)


def test_assemble_a_sentence_that_only_counts_the_hurt_is_the_toll_of_the_event_before(nlp: Language) -> None:
    """"About 50 people were wounded." after a report of an attack is its toll, not an attack of its own;
    a count of the dead and wounded after it gives the attack its dead."""
    text = "Militants stormed a hotel in the capital on Monday. About 50 people were wounded."
    doc = nlp(text)
    first = _coded(doc, "stormed", "Violence against civilians", "Attack")
    second = _coded(doc, "wounded", "Violence against civilians", "Attack")
    events = assemble(doc, [(first[0], [first[1]]), (second[0], [second[1]])])
    assert [e.trigger.text for e in events if e.event_type] == ["stormed"]
    assert [len(e.evidence) for e in events] == [1]  # the count is no mention of its own
    text = "Militants stormed a hotel in the capital on Monday. Three people were killed and 12 injured."
    doc = nlp(text)
    first = _coded(doc, "stormed", "Violence against civilians", "Attack")
    second = _coded(doc, "injured", "Violence against civilians", "Attack")
    (event,) = assemble(doc, [(first[0], [first[1]]), (second[0], [second[1]])], amounts=quantify(doc))
    assert event.trigger.text == "stormed" and event.fatalities == 3
    text = "Militants stormed a hotel in the capital on Monday. In Mosul, four people were wounded by gunmen."
    doc = nlp(text)
    gunmen = _actor(text, "gunmen", "Unidentified Armed Group (Iraq)", 2)
    first = _coded(doc, "stormed", "Violence against civilians", "Attack")
    second = _coded(doc, "wounded", "Violence against civilians", "Attack")
    events = assemble(doc, [(first[0], [first[1]]), (second[0], [second[1]])], actors=[gunmen])
    # an armed actor of its own: a mention of an event (it merges with the storming, undated as it is)
    assert sum(len(e.evidence) for e in events) == 2


@pytest.mark.model
def test_every_section_is_read_on_its_own(nlp: Language) -> None:
    from eventwire.events import _sentences
    from eventwire.records import Section

    text = "Rebels seize town\nRebels seized the town of Kafr Nabl on Monday."
    doc = nlp(text)
    sections = [Section(kind="title", start=0, end=17), Section(kind="body", start=18, end=len(text))]
    found = [s.text.strip() for s in _sentences(doc, sections)]
    assert found[0] == "Rebels seize town" and found[-1].endswith("on Monday.")


# --- regressions: token identity, roles -----------------------------------------------------------

class _Token:
    """A stand-in for a spaCy token: like spaCy's, each ``head`` access makes a new object."""

    def __init__(self, words: list[str], heads: list[int], i: int, reads: list[int]) -> None:
        self._words, self._heads, self.i, self._reads = words, heads, i, reads

    @property
    def head(self) -> _Token:
        return _Token(self._words, self._heads, self._heads[self.i], self._reads)

    @property
    def lemma_(self) -> str:
        self._reads.append(self.i)
        return self._words[self.i]

    @property
    def lower_(self) -> str:
        return self._words[self.i]


class _Sent:
    start, end = 0, 3


def test_death_anchor_stops_at_the_root_although_each_head_is_a_new_object() -> None:
    # "token.head is token" is never true in spaCy: the walk compared identities and circled on the root
    reads: list[int] = []
    token = _Token(["gunmen", "attacked", "village"], [1, 1, 1], 0, reads)
    assert _death_anchor(token, _Sent()) is None  # type: ignore[arg-type]
    assert reads == [0, 1]  # the root is read once, not again and again
    reads.clear()
    anchor = _death_anchor(_Token(["two", "dead", "x"], [1, 1, 1], 0, reads), _Sent())  # type: ignore[arg-type]
    assert anchor is not None and anchor.i == 1


def _role(doc: Doc, word: str, which: str = "agent") -> str | None:
    token = next(t for t in doc if t.text == word)
    found = agent(token) if which == "agent" else patient(token)
    return None if found is None else found.text


@pytest.mark.model
@pytest.mark.parametrize(("sentence", "trigger", "expected"), [
    # a date's day number misparsed as a second subject is no party
    (("Around 9 January 2022 (as reported), in the township (Hinthada district), the soldiers arrested "
      "ten party members."), "arrested", "soldiers"),
    # an acronym misread as an auxiliary before the subject is the group's name
    ("On 26 April 2022, IS members attacked army positions near the town.", "attacked", "IS"),
    # the "by" object of the last of coordinated passives is everyone's agent
    ("Two men were arrested, beaten and stripped by police officers in the city.", "arrested", "officers"),
    # whoever planted a device set it off
    ("An explosive device planted by unknown militants exploded near the market.", "exploded", "militants"),
    ("A landmine placed by an armed group was detonated against a patrol.", "detonated", "group"),
    ("A roadside bomb planted by rebels killed two soldiers.", "planted", "rebels"),
    # the "by" object of a noun's participle
    ("Four fighters were killed in airstrikes conducted by Turkish drones.", "airstrikes", "drones"),
    # a pronoun subject of a reported clause is the reporter
    ("The army said that they arrested five young men in the town.", "arrested", "army"),
])
def test_agent_reads_through_misparses_passives_and_pronouns(nlp: Language, sentence: str, trigger: str,
                                                             expected: str) -> None:
    assert _role(nlp(sentence), trigger) == expected


@pytest.mark.model
def test_assemble_a_generic_mention_is_not_named_after_the_party_supporting_it(nlp: Language) -> None:
    text = "Government forces supported by the YPG detained a number of young men in the town."
    doc = nlp(text)
    forces = _actor(text, "Government forces", "Military Forces of Syria", 1, kind="generic")
    ypg = _actor(text, "YPG", "YPG: People's Protection Units", 2)
    sent, coded = _coded(doc, "detained", "Strategic developments", "Arrests", actor1=forces)
    (event,) = assemble(doc, [(sent, [coded])], actors=[forces, ypg])
    assert event.actor1 is not None and event.actor1.name == "Military Forces of Syria"


@pytest.mark.model
def test_assemble_the_loser_of_a_territory_is_actor2(nlp: Language) -> None:
    text = ("A spokesman for the Free Army, which with the support of Turkish troops seized the village and "
            "hoisted its banner over the old al-Nusra headquarters, spoke on Sunday.")
    doc = nlp(text)
    army = _actor(text, "Free Army", "Free Syrian Army", 2)
    turkey = _actor(text, "Turkish troops", "Military Forces of Turkey", 8)
    nusra = _actor(text, "al-Nusra", "Jabhat al-Nusra", 2)
    sent, coded = _coded(doc, "seized", "Battles", "Non-state actor overtakes territory", actor1=army)
    (event,) = assemble(doc, [(sent, [coded])], actors=[army, turkey, nusra])
    assert event.actor2 == EventActor(name="Jabhat al-Nusra", inter=2)
    text = "Rebels of the Free Army took the village from al-Nusra with the support of Turkish troops."
    doc = nlp(text)
    army, turkey = _actor(text, "Free Army", "Free Syrian Army", 2), _actor(text, "Turkish troops", "Turkey", 8)
    nusra = _actor(text, "al-Nusra", "Jabhat al-Nusra", 2)
    sent, coded = _coded(doc, "took", "Battles", "Non-state actor overtakes territory", actor1=army)
    (event,) = assemble(doc, [(sent, [coded])], actors=[army, turkey, nusra])
    assert event.actor2 == EventActor(name="Jabhat al-Nusra", inter=2)


@pytest.mark.model
def test_assemble_the_displaced_are_actor1_of_a_displacement(nlp: Language) -> None:
    text = "Hundreds of residents fled their villages after fighting between the army and rebels."
    doc = nlp(text)
    residents = _actor(text, "residents", "Civilians (Mali)", 7, kind="generic")
    army = _actor(text, "army", "Military Forces of Mali", 1, kind="generic")
    sent, coded = _coded(doc, "fled", "Strategic developments", "Other", plover_type="COERCE",
                         plover_mode="displace", actor1=army)
    (event,) = assemble(doc, [(sent, [coded])], actors=[residents, army])
    assert event.actor1 == EventActor(name="Civilians (Mali)", inter=7)


@pytest.mark.model
def test_assemble_merges_a_battle_told_from_the_other_side(nlp: Language) -> None:
    text = "Rebels attacked an army post near the village. The soldiers repelled the attack."
    doc = nlp(text)
    rebels = _actor(text, "Rebels", "Rebels (Mali)", 2, kind="generic")
    army = _actor(text, "army", "Military Forces of Mali", 1, kind="generic")
    soldiers = _actor(text, "soldiers", "Military Forces of Mali", 1, kind="generic")
    first = _coded(doc, "attacked", "Battles", "Armed clash", actor1=rebels, actor2=army)
    second = _coded(doc, "repelled", "Battles", "Armed clash", actor1=soldiers, confidence=0.9)
    (event,) = assemble(doc, [(first[0], [first[1]]), (second[0], [second[1]])],
                        actors=[rebels, army, soldiers])
    assert event.actor1 is not None and event.actor1.name == "Rebels (Mali)" and len(event.evidence) == 2
    assert event.confidence == 0.9


@pytest.mark.model
def test_assemble_an_unknown_acronym_stays_actor1_and_an_unknown_name_takes_the_group_it_operates_under(
        nlp: Language) -> None:
    text = "On 9 February 2022, ABCF and FDLR members clashed in the village."
    doc = nlp(text)
    abcf = Actor(text="ABCF", start=text.index("ABCF"), end=text.index("ABCF") + 4, name="ABCF", kind="unknown")
    fdlr = _actor(text, "FDLR", "FDLR: Democratic Forces for the Liberation of Rwanda", 2)
    sent, coded = _coded(doc, "clashed", "Battles", "Armed clash", actor1=abcf)
    (event,) = assemble(doc, [(sent, [coded])], actors=[abcf, fdlr])
    assert event.actor1 == EventActor(name="ABCF", inter=None)
    text = "On 19 May 2022, the Zarqa Brigade operating under OPS shelled QSD positions near the town."
    doc = nlp(text)
    zarqa = Actor(text="Zarqa Brigade", start=text.index("Zarqa"), end=text.index("Zarqa") + 13,
                  name="Zarqa Brigade", kind="unknown")
    ops = _actor(text, "OPS", "Operation Peace Spring", 2)
    qsd = _actor(text, "QSD", "QSD: Syrian Democratic Forces", 2)
    sent, coded = _coded(doc, "shelled", "Explosions/Remote violence", "Shelling/artillery/missile attack",
                         actor1=zarqa, actor2=qsd)
    (event,) = assemble(doc, [(sent, [coded])], actors=[zarqa, ops, qsd])
    assert event.actor1 == EventActor(name="Operation Peace Spring", inter=2)


@pytest.mark.model
def test_assemble_no_armed_actor_1_from_the_scene_of_an_explosion(nlp: Language) -> None:
    text = "On 4 March 2022, an explosion occurred in a Taliban security base in Kabul city."
    doc = nlp(text)
    taliban = _actor(text, "Taliban", "Taliban", 1)
    sent, coded = _coded(doc, "explosion", "Explosions/Remote violence", "Remote explosive/landmine/IED")
    (event,) = assemble(doc, [(sent, [coded])], actors=[taliban])
    assert event.actor1 is not None and event.actor1.name.startswith("Unidentified Armed Group")
    text = "On 4 March 2022, an explosive device from Taliban fighters went off near the market."
    doc = nlp(text)
    taliban = _actor(text, "Taliban fighters", "Taliban", 1)
    sent, coded = _coded(doc, "went", "Explosions/Remote violence", "Remote explosive/landmine/IED")
    (event,) = assemble(doc, [(sent, [coded])], actors=[taliban])
    assert event.actor1 == EventActor(name="Taliban", inter=1)


@pytest.mark.model
def test_assemble_a_default_actor_takes_the_article_country_when_the_event_has_no_location(nlp: Language) -> None:
    text = "Members of three parties held a rally with banners in front of the Ulsan City Council."
    doc = nlp(text)
    start = text.index("Ulsan")
    ulsan = Place(text="Ulsan", start=start, end=start + 5, name="Ulsan", geonameid=1, lat=35.5, lon=129.3,
                  country="South Korea", country_code="KR", precision=2)
    sent, coded = _coded(doc, "rally", "Protests", "Peaceful protest", plover_type="PROTEST")
    (event,) = assemble(doc, [(sent, [coded])], places=[ulsan])
    assert event.actor1 == EventActor(name="Protesters (South Korea)", inter=6)


def test_event_date_skips_a_date_that_bounds_a_period() -> None:
    from eventwire.events.dates import event_date

    text = "Air strikes have killed 359 civilians since 19 September, rescuers said."
    since = TimeRef(text="19 September", start=text.index("19 S"), end=text.index("19 S") + 12, value="2016-09-19",
                    precision="day")
    found = event_date([since], 0, len(text), text.index("killed"), "2016-09-24", text)
    assert found.pinned is False and found.precision == 3  # the article's month, not the 19th
    assert event_date([since], 0, len(text), text.index("killed"), "2016-09-24").date == "2016-09-19"


@pytest.mark.model
def test_event_places_keeps_a_place_that_names_a_council_but_not_a_newspaper(nlp: Language) -> None:
    from eventwire.events.assemble import event_places

    text = "Protesters gathered outside the Ulsan Metropolitan Council, the New York Times reported."
    doc = nlp(text)
    assert {e.text for e in doc.ents if e.label_ == "ORG"} >= {"the Ulsan Metropolitan Council", "the New York Times"}
    ulsan = _place(text, "Ulsan", lat=35.54, lon=129.31, country="South Korea", code="KR")
    new_york = _place(text, "New York", lat=40.71, lon=-74.0, country="United States", code="US", geonameid=2)
    assert event_places(doc, [ulsan, new_york], []) == [ulsan]


@pytest.mark.model
@pytest.mark.parametrize(("text", "trigger", "time", "value", "pinned"), [
    # the day of an attack named in a side clause does not date the raids of the main clause
    (("Monitors said air raids have hit several villages including Kafr Dara where a deadly attack on a fuel "
     "convoy took place on 4 March."), "raids", "4 March", "2021-03-04", False),
    (("Monitors said air raids have hit several villages including Kafr Dara where a deadly attack on a fuel "
     "convoy took place on 4 March."), "attack", "4 March", "2021-03-04", True),
    # "the attack came as …": the time of the clause that gives the context is not the attack's
    (("The ambush came as monitors reported that soldiers had shot nine prisoners earlier this week in a "
     "hill village."), "ambush", "earlier this week", "2021-W10", False),
    (("The ambush came as monitors reported that soldiers had shot nine prisoners earlier this week in a "
     "hill village."), "shot", "earlier this week", "2021-W10", True),
    # the day of the sentence's own verb dates a noun trigger under it
    ("Nine guards were killed on Tuesday in a bomb attack on the port.", "attack", "Tuesday", "2021-03-09", True),
    ("Officials said on Tuesday that gunmen attacked the port.", "attacked", "Tuesday", "2021-03-09", True),
])
def test_event_date_comes_from_the_triggers_own_clause(nlp: Language, text: str, trigger: str, time: str,
                                                       value: str, pinned: bool) -> None:
    doc = nlp(text)
    precision = "week" if "W" in value else "day"
    ref = _time(text, time, value, precision)
    start = text.index(trigger)
    head = doc.char_span(start, start + len(trigger))
    assert head is not None
    found = event_date([ref], 0, len(text), start, "2021-03-12", text, head.root)
    assert found.pinned is pinned, (trigger, found)
    assert (found.date != "2021-03-12") is pinned
    if not pinned:  # another clause's time does not make this trigger's date vague either
        assert found.precision == 2


@pytest.mark.model
def test_event_date_a_duration_that_measures_a_thing_is_no_vague_time(nlp: Language) -> None:
    text = "A 72-hour truce has not stopped the air strikes on the port."
    doc = nlp(text)
    truce = _time(text, "72-hour", "PT72H", "duration")
    start = text.index("strikes")
    head = doc.char_span(start, start + len("strikes"))
    assert head is not None
    assert event_date([truce], 0, len(text), start, "2021-03-12", text, head.root).precision == 2  # the week
    assert event_date([truce], 0, len(text), start, "2021-03-12", text).precision == 3  # read alone: vague
