"""From the coded trigger mentions of each sentence to :class:`~eventwire.records.Event` records.

The sentence classifier (:mod:`eventwire.events.triggers`) says what happened in a sentence and who did
it to whom; this module adds the rest of an ACLED row and merges the mentions of one event:

* **actors** as ACLED names them (:func:`acled_actors`): protesters and rioters are actor 1 of protests and
  riots ("Protesters (Syria)", inter 6; "Rioters (Syria)", inter 5) with the organisation that led them as
  associated actor; the victims of violence against civilians are "Civilians (<country>)" (inter 7) with a
  more specific victim group ("Women (Syria)") as associated actor; a generic mention named inside its own
  phrase is the named actor ("a suicide bomber from Al Shabaab"); when the parse ties no actor 1 to
  the trigger, or one that is a person or has no inter code, the first named armed or state actor of
  the sentence is actor 1; an attack, a clash or a
  bombing by a perpetrator the text does not name has actor 1 "Unidentified Armed Group (<country>)" (inter 3), as
  ACLED's codebook codes unknown armed perpetrators — not for air/drone strikes or shelling, which need
  a state's or an organised force's weapons, nor for the other types; an arrest by no one named is the
  country's police's, a security measure its government's. Actors conjoined with a main
  actor ("SDF and coalition forces") are its associated actors;
* **location** from the place stage (:func:`eventwire.places.event.event_location`), without the places
  that are part of an organisation's name ("New York" in "New York Times") or lie in no one country
  ("Asia");
* **date** (:mod:`eventwire.events.dates`) and **fatalities** (:mod:`eventwire.events.fatalities`);
* **merging**: mentions with the same types whose actors, place and date are compatible (equal, or one
  side unknown, defaulted or inferred rather than pinned by its sentence — a mention its sentence does
  not date stands for the article's week, so a day pinned outside that week is another event) are one event; its evidence
  is every mention's sentence, its fields the most specific any mention gives (the date and place a
  sentence pins, a named actor over a default, the lowest death count — ACLED's conservative figure).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from eventwire.data import read_toml
from eventwire.events.dates import DAY, MONTH, WEEK, EventDate, event_date, within_precision
from eventwire.events.fatalities import DEATH_VERBS, count_fatalities
from eventwire.events.roles import ActorIndex, prep_objects, subject_token
from eventwire.places.event import event_location
from eventwire.records import (
    Actor,
    Amount,
    Event,
    EventActor,
    EventLocation,
    Place,
    SentenceSpan,
    TimeRef,
    Trigger,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["CodedMention", "Mention", "acled_actors", "assemble", "event_id"]

PROTESTERS, RIOTERS, CIVILIANS, UNIDENTIFIED = 6, 5, 7, 3
"""ACLED inter codes of the default actors."""

UNIDENTIFIED_PERPETRATOR_TYPES = frozenset({
    "Attack", "Abduction/forced disappearance", "Sexual violence", "Armed clash",
    "Remote explosive/landmine/IED", "Grenade", "Suicide bomb", "Looting/property destruction",
})
"""Sub-event types whose unnamed perpetrator ACLED codes as "Unidentified Armed Group (<country>)"."""

STATE = 1
STATE_DEFAULTS = {"Arrests": "Police Forces", "Change to group/activity": "Government"}
"""Sub-event types that only a state does when the text names no one: an arrest is the police's (ACLED codes
unnamed arresting forces as the country's police), a curfew or lockdown the government's."""

_PLACE_KM = 25.0
_FOLLOWING = 2
"""How many next sentences may give an event's death toll."""
_TOLL_VERBS = DEATH_VERBS | {"wound", "injure", "hurt", "maim"}
"""Verbs of a sentence that may only count an event's victims (see ``toll_only`` in :func:`assemble`)."""
_ARMED = frozenset({1, 2, 3, 4, 8})
"""Inter codes of the actors that can perpetrate political violence (state forces, rebels, militias,
external forces)."""
TERRITORY_TYPES = frozenset({"Non-state actor overtakes territory", "Government regains territory"})
"""Sub-event types whose actor 2 is who held the territory."""
_SUPPORT_WORDS = frozenset({"backing", "back", "support", "help", "assistance", "aid", "cover", "cooperation",
                            "coordination", "alongside", "spokesman", "spokesperson", "commander", "leader"})
"""Words under which an actor sides with the taker of a territory or speaks for it, not loses it."""
_TARGET_PREPS = frozenset({"in", "at", "on", "against", "near", "into", "targeting", "toward", "towards", "inside"})
"""Prepositions of a trigger's target or scene."""
_OTHER_PARTY_DEPS = frozenset({"conj", "advcl", "dobj", "nsubj", "nsubjpass"})
_OTHER_PARTY_WORDS = frozenset({"support", "back", "backing", "aid", "assist", "help", "accompany", "escort",
                                "cover", "clash", "fight", "attack", "battle", "target", "confront", "kill",
                                "against", "with", "and", "between", "versus", "vs"})
"""Dependencies and words that lead from a generic mention's head to another party ("regime forces
*supported by* QSD", "soldiers *and* IS fighters", "troops who clashed *with* IS"), not to its own name
("militants (suspected TTP)", "fighters operating under OPS", "a bomber from Al Shabaab")."""


class CodedMention(Protocol):
    """What the sentence classifier reports for one trigger (``eventwire.events.triggers.Coded``)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def trigger(self) -> str: ...
    @property
    def head(self) -> int: ...
    @property
    def event_type(self) -> str | None: ...
    @property
    def sub_event_type(self) -> str | None: ...
    @property
    def plover_type(self) -> str | None: ...
    @property
    def plover_mode(self) -> str | None: ...
    @property
    def actor1(self) -> Actor | None: ...
    @property
    def actor2(self) -> Actor | None: ...
    @property
    def rule(self) -> str: ...
    @property
    def confidence(self) -> float: ...


@dataclass(slots=True)
class Mention:
    """One coded trigger with everything found for it; merged mentions keep the most specific field."""

    event: Event
    date: EventDate
    pinned_place: bool
    defaulted: set[str] = field(default_factory=set)
    """Which of ``actor1``/``actor2`` are ACLED defaults rather than found in the text."""


def event_id(text: str, start: int, end: int, event_type: str | None, sub_event_type: str | None,
             plover_type: str | None) -> str:
    """Content hash of an event: the article text, the trigger span and the types.

    >>> len(event_id("Rebels shelled Idlib.", 7, 14, "Explosions/Remote violence", None, None))
    20
    """
    key = "\x1f".join((text, str(start), str(end), event_type or "", sub_event_type or "", plover_type or ""))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _event_actor(actor: Actor) -> EventActor:
    return EventActor(name=actor.name or actor.text, inter=actor.inter)


def _default(kind: str, country: str | None, inter: int) -> EventActor:
    return EventActor(name=f"{kind} ({country})" if country else kind, inter=inter)


def acled_actors(event_type: str | None, sub_event_type: str | None, actor1: EventActor | None,
                 actor2: EventActor | None, country: str | None
                 ) -> tuple[EventActor | None, list[EventActor], EventActor | None, list[EventActor], set[str]]:
    """ACLED's actor conventions applied to the actors the parse found.

    Returns actor1, extra associated actors of actor1, actor2, extra associated actors of actor2, and
    which of ``actor1``/``actor2`` are defaults.

    >>> a1, _, a2, _, defaulted = acled_actors("Violence against civilians", "Attack", None, None, "Mali")
    >>> a1.name, a2.name, sorted(defaulted)
    ('Unidentified Armed Group (Mali)', 'Civilians (Mali)', ['actor1', 'actor2'])
    """
    assoc1: list[EventActor] = []
    assoc2: list[EventActor] = []
    defaulted: set[str] = set()
    crowd = {"Protests": ("Protesters", PROTESTERS), "Riots": ("Rioters", RIOTERS)}.get(event_type or "")
    if crowd is not None:
        kind, inter = crowd
        found = [a for a in (actor1, actor2) if a is not None]
        crowds = [a for a in found if a.inter == inter]
        others = [a for a in found if a.inter != inter]
        actor1 = _default(kind, country, inter)
        defaulted.add("actor1")
        assoc1.extend(a for a in crowds if a.name.split(" (")[0] != kind)
        actor2 = None
        for other in others:
            # the force that intervened, or the victims of mob violence, is actor 2; an organiser is
            # associated with the crowd
            if actor2 is None and (other.inter in (1, 2, 3, 4, 7, 8) and sub_event_type != "Peaceful protest"):
                actor2 = other
            else:
                assoc1.append(other)
        return actor1, assoc1, actor2, assoc2, defaulted
    if event_type == "Violence against civilians" and (
            actor2 is None or actor2.inter == CIVILIANS and not actor2.name.startswith("Civilians")):
        if actor2 is not None:
            assoc2.append(actor2)
        actor2 = _default("Civilians", country, CIVILIANS)
        defaulted.add("actor2")
    if actor1 is None and sub_event_type in UNIDENTIFIED_PERPETRATOR_TYPES:
        actor1 = _default("Unidentified Armed Group", country, UNIDENTIFIED)
        defaulted.add("actor1")
    elif actor1 is None and country and sub_event_type in STATE_DEFAULTS:
        actor1 = EventActor(name=f"{STATE_DEFAULTS[sub_event_type]} of {country}", inter=STATE)
        defaulted.add("actor1")
    return actor1, assoc1, actor2, assoc2, defaulted


def _within_org(place: Place, orgs: Sequence[tuple[int, int]]) -> bool:
    return any(s <= place.start and place.end <= e and (s, e) != (place.start, place.end) for s, e in orgs)


@lru_cache(maxsize=1)
def _outlet_words() -> frozenset[str]:
    """Last words of organisations whose place name does not locate their events (``data/events.toml``)."""
    return frozenset(read_toml("events.toml")["classes"]["place_named_org"])


def event_places(doc: Doc, places: Sequence[Place], actors: Sequence[Actor]) -> list[Place]:
    """The places that can locate an event: not those inside a news outlet's or company's name ("New York"
    of "New York Times") or a named actor's, nor continents and regions that lie in no one country (ACLED
    codes every event in a country). Other organisations stay: a council, a university or an airport is in
    the place it is named after."""
    outlets = _outlet_words()
    orgs = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "ORG" and e[-1].lower_ in outlets]
    orgs.extend((a.start, a.end) for a in actors if a.kind == "named")
    return [p for p in places if p.country_code and not _within_org(p, orgs)]


def _conjoined(doc: Doc, actor: Actor, actors: Sequence[Actor]) -> list[Actor]:
    """The actors joined to ``actor`` by a conjunction in the parse ("SDF and coalition forces")."""
    span = doc.char_span(actor.start, actor.end, alignment_mode="expand")
    if span is None:
        return []
    tokens = {t.i for t in span.root.conjuncts}
    found: list[Actor] = []
    for other in actors:
        if other is actor or (other.start, other.end) == (actor.start, actor.end):
            continue
        other_span = doc.char_span(other.start, other.end, alignment_mode="expand")
        # "SDF and coalition forces" parses as a coordinated modifier: any conjunct token inside the other
        if other_span is not None and any(t.i in tokens for t in other_span):
            found.append(other)
    return found


def _mention(doc: Doc, sent: Span, coded: CodedMention, *, actors: Sequence[Actor], places: Sequence[Place],
             times: Sequence[TimeRef], amounts: Sequence[Amount], published: str | None,
             following: Sequence[Span], text: str, persons: Sequence[tuple[int, int]],
             article_country: str | None) -> Mention:
    location = event_location(places, sent.start_char, sent.end_char)
    pinned_place = location is not None and any(
        sent.start_char <= p.start and p.end <= sent.end_char and p.lat is not None for p in places)
    present = [a for a in actors if sent.start_char <= a.start and a.end <= sent.end_char]
    country = (location.country if location is not None else None) or next(
        (a.country for a in present if a.country), None) or article_country
    main1 = _identified(doc, coded.actor1, present)
    main2 = _identified(doc, coded.actor2, present)
    found1 = _event_actor(main1) if main1 is not None else None
    found2 = _event_actor(main2) if main2 is not None else None
    label = text[coded.end:coded.end + 3].lstrip().startswith(":")
    if found1 is None and coded.event_type not in (None, "Protests", "Riots") and label:
        # a label before the clause that tells who acted ("Property destruction: police seized …")
        main1 = _clause_subject(sent, present)
        found1 = _event_actor(main1) if main1 is not None else None
    person = main1 is not None and _is_person(main1, persons)
    displacement = coded.plover_mode == "displace" or (coded.sub_event_type == "Other" and found1 is None)
    displaced = next((a for a in present if a.inter == CIVILIANS), None) if displacement else None
    if displaced is not None and coded.event_type is not None:
        # ACLED codes the displaced as actor 1 of a displacement, whoever drove them out
        if found1 is None or found1.inter != CIVILIANS:
            found2 = found2 if found2 is not None else found1
            found1 = _event_actor(displaced)
    elif (found1 is None or (found1.inter is None and not _acronym(main1)) or person) \
            and coded.event_type not in (None, "Protests", "Riots"):
        # ACLED's actors are organised groups: a person or an unknown name yields to a named armed actor
        # of the sentence ("Mustafa Bali, spokesman for the SDF that ... took the town")
        # (a person with no such group stays: the model's PERSON label is too often an unusual group name;
        # so does an unknown acronym — "AFRC and FDLR members clashed" names a group the table lacks)
        found1 = _armed_actor(doc, None if label else doc[coded.head], [a for a in present if a is not main1],
                              coded.actor2, persons) or found1
    sub_event_type = _taker_decides(coded.sub_event_type, found1)
    if sub_event_type in TERRITORY_TYPES and found2 is not None and found2.inter is None and main2 is not None \
            and (_is_person(main2, persons)
                 or any(p.start < main2.end and main2.start < p.end for p in places)):
        found2 = None  # "Baghuz had been liberated" (the model's "person"): the place taken, not who held it
    if sub_event_type in TERRITORY_TYPES and found2 is None and found1 is not None:
        found2 = _opponent(doc, doc[coded.head], found1, present, persons)
    actor1, extra1, actor2, extra2, defaulted = acled_actors(coded.event_type, sub_event_type,
                                                             found1, found2, country)
    assoc1 = [_event_actor(a) for a in _conjoined(doc, main1, actors)] if main1 else []
    assoc2 = [_event_actor(a) for a in _conjoined(doc, main2, actors)] if main2 else []
    when = event_date(times, sent.start_char, sent.end_char, coded.start, published, text, doc[coded.head])
    fatalities = count_fatalities(doc, sent, coded.head, amounts, sub_event_type=coded.sub_event_type,
                                  following=following, times=times) if coded.event_type is not None else None
    event = Event(
        id=event_id(text, coded.start, coded.end, coded.event_type, sub_event_type, coded.plover_type),
        event_type=coded.event_type, sub_event_type=sub_event_type, plover_type=coded.plover_type,
        plover_mode=coded.plover_mode, date=when.date, time_precision=when.precision,
        actor1=actor1, assoc_actor1=_unique([*extra1, *assoc1], actor1), actor2=actor2,
        assoc_actor2=_unique([*extra2, *assoc2], actor2), location=location, fatalities=fatalities,
        trigger=Trigger(text=coded.trigger, start=coded.start, end=coded.end),
        sentence=SentenceSpan(start=sent.start_char, end=sent.end_char),
        confidence=round(max(0.0, min(1.0, coded.confidence)), 3), rule=coded.rule,
        evidence=(SentenceSpan(start=sent.start_char, end=sent.end_char),))
    return Mention(event=event, date=when, pinned_place=pinned_place, defaulted=defaulted)


def _places_country(places: Sequence[Place]) -> str | None:
    """The article's most named country, even in names ("Ulsan Metropolitan Council"): where a default
    actor is ("Protesters (South Korea)") when neither the event's location nor its actors say."""
    counts = Counter(p.country for p in places if p.country)
    return counts.most_common(1)[0][0] if counts else None


def _identified(doc: Doc, actor: Actor | None, present: Sequence[Actor]) -> Actor | None:
    """A generic or unknown mention named inside its own phrase is that named actor ("a suicide bomber
    from Al Shabaab militants", "ADF members", "JWS operating under OPS"): ACLED names the group whenever
    the report does."""
    if actor is None or actor.kind not in ("generic", "unknown"):
        return actor
    span = doc.char_span(actor.start, actor.end, alignment_mode="expand")
    if span is None:
        return actor
    start, end = span.root.left_edge.idx, span.root.right_edge.idx + len(span.root.right_edge)
    for other in present:
        if other.kind == "named" and other.inter in _ARMED and start <= other.start and other.end <= end \
                and (other.start, other.end) != (actor.start, actor.end) and _names_phrase(doc, other, span.root):
            return other
    return actor


def _names_phrase(doc: Doc, named: Actor, root: Token) -> bool:
    """Whether ``named`` names the phrase of ``root`` ("ADF members", "a bomber from Al Shabaab") rather
    than another party inside it ("regime forces *supported by QSD*", "soldiers *and IS fighters*")."""
    span = doc.char_span(named.start, named.end, alignment_mode="expand")
    if span is None:
        return False
    token = span.root
    for _ in range(8):
        if token.i == root.i:
            return True
        if token.dep_ in _OTHER_PARTY_DEPS or token.lemma_.lower() in _OTHER_PARTY_WORDS or token.head.i == token.i:
            return False
        token = token.head
    return False


def _armed_actor(doc: Doc, trigger: Token | None, present: Sequence[Actor], other: Actor | None,
                 persons: Sequence[tuple[int, int]] = ()) -> EventActor | None:
    """The first named armed or state actor of the sentence, when the parse tied none to the trigger
    ("an IED from Al Shabaab militants detonated"): the perpetrator the sentence names, before ACLED's
    "Unidentified Armed Group" — not one the trigger's phrase places as its target or scene ("an explosion
    *in a Taliban base*", "an IED exploded *against* an army patrol"); ``trigger`` is ``None`` for a label
    ("Movement of forces: …"), which stands outside the clause. A group comes before a person who speaks
    for it ("Mustafa Bali, head of the SDF media office, announced that Baghuz had been liberated")."""
    for actor in sorted(present, key=lambda actor: _is_person(actor, persons)):
        if actor.kind == "named" and actor.inter in _ARMED and (
                other is None or (actor.name or actor.text) != (other.name or other.text)):
            span = doc.char_span(actor.start, actor.end, alignment_mode="expand") if trigger is not None else None
            if span is not None and trigger is not None and (any(t.dep_ in ("dobj", "nsubjpass") or (
                    t.dep_ == "prep" and t.lower_ in _TARGET_PREPS) for t in _path_to(span.root, trigger))
                    or _reports_on(span.root, trigger)):
                continue
            return _event_actor(actor)
    return None


def _is_person(actor: Actor, persons: Sequence[tuple[int, int]]) -> bool:
    """Whether the mention lies inside a name the model labels a person (``persons``: their offsets)."""
    return any(start <= actor.start and actor.end <= end for start, end in persons)


@lru_cache(maxsize=1)
def _reporting_verbs() -> frozenset[str]:
    """Verbs whose subject tells of an event: the quotes stage's verbs of saying and events.toml's
    ``reporting`` class (verbs of counting and judging it: "revised", "condemned")."""
    return frozenset({*read_toml("quotes.toml")["cues"]["speech"], *read_toml("events.toml")["classes"]["reporting"]})


def _reports_on(root: Token, trigger: Token) -> bool:
    """The actor speaks of the event rather than doing it: the source of "according to X", or the subject of
    a verb of saying or counting above the trigger's clause ("President Kenyatta *said* gunmen stormed the
    mall, killing …", "Ardern *described* the shootings as …", "authorities *revised down* the number killed
    in the bombings") — unless the clause's own subject is, or belongs to, a pronoun that may stand for it
    ("the SDF said *they* had captured Baghuz", "the military said *its* jets struck …")."""
    if root.dep_ == "pobj" and root.head.lower_ == "to" and root.head.head.lower_ == "according":
        return True
    verb = root.head
    if root.dep_ not in ("nsubj", "nsubjpass") or verb.lemma_.lower() not in _reporting_verbs() \
            or verb.i == trigger.i or verb.i not in {t.i for t in trigger.ancestors} \
            or trigger.i in {t.i for t in root.subtree}:
        return False
    clause = trigger
    while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i and clause.head.i != verb.i:
        clause = clause.head
    return not any(child.dep_ in ("nsubj", "nsubjpass") and (child.tag_ == "PRP" or any(
        owner.dep_ == "poss" and owner.tag_ == "PRP$" for owner in child.children)) for child in clause.children)


def _taker_decides(sub_event_type: str | None, taker: EventActor | None) -> str | None:
    """ACLED's territory sub-type follows who took the place, once that is known: state forces regain it,
    anyone else overtakes it. The trigger rules decide before the actor is found when the clause names none
    ("Baghuz had been liberated", said by an SDF spokesman)."""
    if taker is None or taker.inter is None:
        return sub_event_type
    if sub_event_type == "Government regains territory" and taker.inter != STATE:
        return "Non-state actor overtakes territory"
    if sub_event_type == "Non-state actor overtakes territory" and taker.inter == STATE:
        return "Government regains territory"
    return sub_event_type


def _opponent(doc: Doc, trigger: Token, taker: EventActor, present: Sequence[Actor],
              persons: Sequence[tuple[int, int]]) -> EventActor | None:
    """Who lost the territory a trigger's actor took: the "from"/"against" object of the trigger ("took
    the town *from IS*"), else the other armed actor the sentence names, not one backing the taker ("with
    the backing of the coalition") nor a person ("… raised their flag in place of the *ISIS* flag")."""
    index = ActorIndex(trigger.sent, present)
    for prep, obj in prep_objects(trigger):
        if prep in ("from", "against"):
            found = index.actor(obj, frozenset())
            if found is not None and found.inter in _ARMED and (found.name or found.text) != taker.name:
                return _event_actor(found)
    for actor in present:
        if actor.inter not in _ARMED or actor.kind not in ("named", "anaphor") \
                or (actor.name or actor.text) == taker.name \
                or _is_person(actor, persons):
            continue
        span = doc.char_span(actor.start, actor.end, alignment_mode="expand")
        if span is None or any(t.lemma_.lower() in _SUPPORT_WORDS for t in _path_to(span.root, trigger)):
            continue
        return _event_actor(actor)
    return None


def _acronym(actor: Actor | None) -> bool:
    """Whether an actor the table lacks is written as an acronym ("AFRC"): a group's name, not a person's."""
    return actor is not None and actor.kind == "unknown" and len(actor.text) >= 2 and actor.text.isupper()


def _clause_subject(sent: Span, present: Sequence[Actor]) -> Actor | None:
    """The armed or state actor that is the subject of the sentence's main verb (the first verb with a
    subject when the root is none: a tag such as "Displacement:" can head the sentence)."""
    verbs = [sent.root] if sent.root.pos_ in ("VERB", "AUX") else []
    verbs.extend(t for t in sent if t.pos_ == "VERB" and t.dep_ != "ROOT")
    index = ActorIndex(sent, present)
    for verb in verbs[:3]:
        subject = subject_token(verb)
        if subject is not None:
            found = index.actor(subject, frozenset())
            return found if found is not None and found.inter in _ARMED else None
    return None


def _path_to(token: Token, trigger: Token) -> list[Token]:
    """The tokens from ``token`` up to where it meets the trigger's branch of the parse (excluded)."""
    above = {trigger.i, *(t.i for t in trigger.ancestors)}
    path: list[Token] = []
    while token.i not in above and token.head.i != token.i:
        path.append(token)
        token = token.head
    return path


def _unique(actors: Sequence[EventActor], main: EventActor | None) -> tuple[EventActor, ...]:
    seen = {main.name.lower()} if main is not None else set()
    kept: list[EventActor] = []
    for actor in actors:
        if actor.name.lower() not in seen:
            seen.add(actor.name.lower())
            kept.append(actor)
    return tuple(kept)


# --- merging --------------------------------------------------------------------------------------

def _same_types(a: Event, b: Event) -> bool:
    if a.event_type is not None or b.event_type is not None:
        return (a.event_type, a.sub_event_type) == (b.event_type, b.sub_event_type)
    # statements and other PLOVER-only events: the same act by the same named actor
    return (a.plover_type, a.plover_mode) == (b.plover_type, b.plover_mode) and a.actor1 is not None \
        and b.actor1 is not None and a.actor1.name.lower() == b.actor1.name.lower()


def _actors_agree(a: Mention, b: Mention, role: str) -> bool:
    first: EventActor | None = getattr(a.event, role)
    second: EventActor | None = getattr(b.event, role)
    if first is None or second is None or role in a.defaulted or role in b.defaulted:
        return True
    return first.name.lower() == second.name.lower()


def _parties_agree(a: Mention, b: Mention) -> bool:
    """Actor 1 and actor 2 agree, or — a battle told from the other side ("IS attacked the army. The army
    repelled the attack.") — actor 1 of one is actor 2 of the other and the rest is open."""
    if _actors_agree(a, b, "actor1") and _actors_agree(a, b, "actor2"):
        return True
    if a.event.event_type != "Battles":
        return False
    first, second = a.event, b.event
    return _open_or_same(first.actor1, second.actor2, "actor1" in a.defaulted or "actor2" in b.defaulted) \
        and _open_or_same(first.actor2, second.actor1, "actor2" in a.defaulted or "actor1" in b.defaulted) \
        and (first.actor2 is not None or second.actor2 is not None)


def _open_or_same(first: EventActor | None, second: EventActor | None, defaulted: bool) -> bool:
    return first is None or second is None or defaulted or first.name.lower() == second.name.lower()


def _km(a: EventLocation, b: EventLocation) -> float:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return math.inf
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _places_agree(a: Mention, b: Mention) -> bool:
    first, second = a.event.location, b.event.location
    if first is None or second is None or not a.pinned_place or not b.pinned_place:
        return True
    if first.geonameid is not None and first.geonameid == second.geonameid:
        return True
    if (first.geo_precision or 3) >= MONTH or (second.geo_precision or 3) >= MONTH:  # a region holds a town
        return first.country_code == second.country_code
    return _km(first, second) <= _PLACE_KM


def _dates_agree(a: EventDate, b: EventDate) -> bool:
    """Two pinned dates agree within the coarser precision; a mention its sentence does not date stands
    for the article's week (or month), and a day pinned outside it is another happening ("a bomb on
    *Saturday* killed 100" and, in a report of the next Wednesday, "the blast hit Salaheddin")."""
    if a.date is None or b.date is None or not a.pinned and not b.pinned:
        return True
    if a.pinned and b.pinned:
        return within_precision(a.date, b.date, max(a.precision or DAY, b.precision or DAY))
    loose = b if a.pinned else a
    return within_precision(a.date, b.date, loose.precision or WEEK)


def _finer(a: EventDate, b: EventDate) -> EventDate:
    """The more informative of two dates: pinned over inferred, then the finer precision."""
    return min((a, b), key=lambda d: (not d.pinned, d.precision or WEEK + 2))


def _merge(kept: Mention, other: Mention) -> None:
    a, b = kept.event, other.event
    date = _finer(kept.date, other.date)
    location = a.location if kept.pinned_place or not other.pinned_place else b.location
    if kept.pinned_place and other.pinned_place and a.location is not None and b.location is not None:
        location = min((a.location, b.location), key=lambda loc: loc.geo_precision or 3)
    updates: dict[str, object] = {}
    defaulted = set(kept.defaulted)
    for role in ("actor1", "actor2"):
        mine, theirs = getattr(a, role), getattr(b, role)
        if theirs is not None and (mine is None or (role in kept.defaulted and role not in other.defaulted)):
            updates[role] = theirs
            updates[f"assoc_{role}"] = getattr(b, f"assoc_{role}")
            if role in other.defaulted:
                defaulted.add(role)
            else:
                defaulted.discard(role)
    deaths = [n for n in (a.fatalities, b.fatalities) if n is not None]
    kept.event = replace(a, date=date.date, time_precision=date.precision, location=location,
                         fatalities=min(deaths) if deaths else None, confidence=max(a.confidence, b.confidence),
                         evidence=tuple(sorted({*a.evidence, *b.evidence}, key=lambda s: s.start)),
                         **updates)  # type: ignore[arg-type]
    kept.date, kept.pinned_place = date, kept.pinned_place or other.pinned_place
    kept.defaulted = defaulted


def merge_mentions(mentions: Sequence[Mention]) -> list[Event]:
    """One event per group of compatible mentions, in the text order of their first mention."""
    merged: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.event.sentence.start, m.event.trigger.start)):
        for kept in merged:
            if _same_types(kept.event, mention.event) and _parties_agree(kept, mention) \
                    and _places_agree(kept, mention) and _dates_agree(kept.date, mention.date):
                _merge(kept, mention)
                break
        else:
            merged.append(mention)
    return [m.event for m in merged]


def assemble(doc: Doc, coded: Sequence[tuple[Span, Sequence[CodedMention]]], *, actors: Sequence[Actor] = (),
             places: Sequence[Place] = (), times: Sequence[TimeRef] = (), amounts: Sequence[Amount] = (),
             published: str | None = None, sentences: Sequence[Span] | None = None) -> tuple[Event, ...]:
    """The events of an article from the coded triggers of each of its sentences.

    Args:
        doc: the parsed article.
        coded: each sentence with what the classifier coded in it (sentences without a type are skipped).
        actors, places, times, amounts: the other stages' output for the article.
        published: the article's date, ``YYYY-MM-DD``, or ``None``.
        sentences: every sentence of the article in order, when the caller has them (else ``doc.sents``).

    Returns:
        The events, merged across sentences, in text order of their first mention.

    >>> assemble(nlp("Nothing happened."), [])  # doctest: +SKIP
    ()
    """
    usable = event_places(doc, places, actors)
    article_country = _places_country(places)
    persons = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
    text = doc.text  # built from the tokens on every access: once per article
    sentences = list(sentences if sentences is not None else doc.sents)
    # the sentences that report an event beyond a count of its victims ("Four people were killed", "About
    # 500 people were wounded" tell a toll)
    beyond_tolls = {sent.start_char for sent, items in coded
                    if any(item.event_type is not None and doc[item.head].lemma_.lower() not in _TOLL_VERBS
                           for item in items)}
    position = {s.start_char: i for i, s in enumerate(sentences)}

    def following(sent: Span) -> list[Span]:
        """The next two sentences, up to one that reports an event of its own: its toll is that event's
        (which merges with this one when it is the same happening), not this one's ("the strikes on
        the market … Regime air strikes killed 15 in another town on Friday")."""
        index = position.get(sent.start_char)
        if index is None:
            return []
        kept: list[Span] = []
        for later in sentences[index + 1:index + 1 + _FOLLOWING]:
            if later.start_char in beyond_tolls:
                break
            kept.append(later)
        return kept

    def toll_only(sent: Span, item: CodedMention) -> bool:
        """A sentence that only counts the dead or hurt ("About 500 people were wounded."), naming no armed
        actor, place or time, within two sentences after one that reports an event: that event's toll, not
        an event of its own."""
        if doc[item.head].lemma_.lower() not in _TOLL_VERBS or sent.start_char in beyond_tolls:
            return False
        start, end = sent.start_char, sent.end_char
        if any(start <= p.start and p.end <= end for p in places) or any(
                start <= t.start and t.end <= end for t in times) or any(
                start <= a.start and a.end <= end and a.inter in _ARMED for a in actors):
            return False
        index = position.get(start)
        return index is not None and any(s.start_char in beyond_tolls
                                         for s in sentences[max(0, index - _FOLLOWING):index])

    mentions = [_mention(doc, sent, item, actors=actors, places=usable, times=times, amounts=amounts,
                         published=published, following=following(sent), text=text,
                         persons=persons, article_country=article_country)
                for sent, items in coded for item in items
                if (item.event_type is not None or item.plover_type is not None) and not toll_only(sent, item)]
    return tuple(merge_mentions(mentions))
