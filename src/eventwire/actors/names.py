"""Comparing actor names the way ACLED writes them: :func:`same_actor`.

ACLED names carry parts that say the same actor in other words or narrow it down: an acronym before a
colon ("QSD: Syrian Democratic Forces"), a period of government ("Military Forces of Syria (2000-)"), a
unit after it ("… (2000-) Air Force"), a faction after a dash ("People's Defense Force - Mingin"), a
country in brackets ("Civilians (Syria)"), several actors joined by "and/or".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eventwire.actors.table import ActorTable, fold, words_of

_PERIOD = re.compile(r"\s*\((?:\d{4})\s*-\s*(?:\d{4})?\)")
_BRACKET = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_OF = re.compile(r"^(.*?\bof)\s+(?:the\s+)?(.+)$", re.IGNORECASE)
_STATE_BASES = ("military forces of", "police forces of", "government of")
GENERIC_BASES = frozenset({"civilians", "protesters", "rioters", "unidentified armed group", "unidentified gang",
                           "unidentified communal militia", "unidentified tribal militia", "sole perpetrator",
                           *_STATE_BASES})
"""Names that only say who with their country: without one they match no qualified name."""


@dataclass(frozen=True, slots=True)
class _Parsed:
    base: str
    country: str | None


def _country_code(text: str, table: ActorTable) -> str | None:
    words = [w.lower() for w in words_of(text)]
    if words and words[0] == "the":
        words = words[1:]
    key = tuple(words)
    found = table.country_folded.entries.get(key)
    if found is None:
        found = table.country_cased.entries.get(tuple(words_of(text)))
    return found.code if found is not None else None


def _parse(name: str, table: ActorTable) -> list[_Parsed]:
    """The (base, country) readings of one actor name: period and unit dropped, country split off."""
    text = name.strip()
    period = _PERIOD.search(text)
    if period is not None:
        text = text[:period.start()]
    readings: list[_Parsed] = []
    acronym, _, full = text.partition(": ")
    forms = [full, acronym] if full else [text]
    for form in forms:
        form = form.split(" - ")[0].strip()
        bracket = _BRACKET.match(form)
        if bracket is not None:
            code = _country_code(bracket.group(2), table)
            if code is not None or bracket.group(2).lower() == "international":
                readings.append(_Parsed(fold(bracket.group(1)), code or "international"))
                continue
        of = _OF.match(form)
        if of is not None and fold(of.group(1)) in _STATE_BASES:
            code = _country_code(of.group(2), table)
            if code is not None:
                readings.append(_Parsed(fold(of.group(1)), code))
                continue
        readings.append(_Parsed(fold(form), None))
    return readings


def _readings(name: str, table: ActorTable) -> list[_Parsed]:
    found: list[_Parsed] = []
    for part in re.split(r"\s+and/or\s+", name):
        readings = _parse(part, table)
        found.extend(readings)
        for reading in readings:
            canonical = table.by_key.get(reading.base) if reading.country is None else None
            if canonical is None:
                continue
            if fold(canonical) != reading.base:
                found.extend(_parse(canonical, table))
            actor = table.named.get(canonical)
            for alias in actor.aliases if actor is not None else ():
                if _PERIOD.search(alias):  # an ACLED name of the actor ("Military Forces of Afghanistan (2021-)")
                    found.extend(_parse(alias, table))
    return found


def same_actor(predicted: str, gold: str, table: ActorTable) -> bool:
    """Whether two actor names name the same actor: equal after normalisation (case, punctuation, ACLED
    periods and units, country spellings), or aliases of one entry of ``table``.

    A name without a country matches the same name with one ("Islamic State" = "Islamic State (Syria)"),
    except for generic names ("Civilians", "Military Forces of …") whose country is what they say.

    >>> table = load_actors()                                                 # doctest: +SKIP
    >>> same_actor("SDF", "QSD: Syrian Democratic Forces", table)             # doctest: +SKIP
    True
    >>> same_actor("Military Forces of Syria", "Military Forces of Syria (2000-) Air Force", table)  # doctest: +SKIP
    True
    >>> same_actor("Civilians (Iraq)", "Civilians (Syria)", table)            # doctest: +SKIP
    False
    """
    if not predicted or not gold:
        return False
    ours = _readings(predicted, table)
    theirs = _readings(gold, table)
    for mine in ours:
        for other in theirs:
            if mine.base != other.base or not mine.base:
                continue
            if mine.country == other.country:
                return True
            if (mine.country is None or other.country is None) and mine.base not in GENERIC_BASES:
                return True
    return False
