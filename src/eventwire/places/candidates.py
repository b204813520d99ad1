"""What each place name of an article may be, before the article's evidence picks one.

:func:`read_names` looks every mention up in the gazetteer (trying simpler forms: without "the" or a
possessive, without a direction — "northern Syria" —, without "province", ACLED's "district - town"),
scores each candidate's prior (population, kind, capital, "province" written next to it, a town that
shadows its division) and notes how the names stand to each other in the text: the name right after "X, Y"
that may contain X, and the lists ("Texas, Utah and Wyoming"). :mod:`eventwire.places.resolve` then
weighs the article's evidence.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from eventwire.gazetteer import Candidate, Gazetteer, name_key


class Mention(NamedTuple):
    """A place name as written in the article, with its character offsets."""

    text: str
    start: int
    end: int


# Prior weights, in units of log10(population): a bonus of 1.0 is worth a tenfold population.
KIND_BONUS = {"country": 3.0, "continent": 3.0, "region": 3.0, "admin1": 0.0, "admin2": -0.5, "place": 0.0}
CAPITAL_BONUS = 1.5
REGION_POPULATION = 10_000_000
"""Regions carry no population; they rank as if they had this many people (then get the kind bonus)."""
SHADOWED_ADMIN_PENALTY = 2.0
ADMIN_WORD_BONUS = 3.0
ALIAS_PENALTY = 0.7
ACRONYM_TOWN_POPULATION = 100_000
MIN_LIST = 3
MAX_GAP = 40
"""Longest text between two names that may still say "X, Y", "X town in Y" or a list."""

_ADMIN_WORDS = re.compile(r"\s*(?:province|governorate|state|region|district|county|prefecture|oblast|"
                          r"department|municipality|territory|emirate|canton|wilaya)\b", re.IGNORECASE)
_ADMIN_WORDS_BEFORE = re.compile(r"\b(?:province|governorate|state|region|district|county|prefecture|"
                                 r"department|municipality|territory|emirate|canton|wilaya)\s+of\s*$",
                                 re.IGNORECASE)
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_AFTER_THE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_ENDS_PHRASE = re.compile(r"\s*(?:[,.;:)]|and\b|or\b|$)")
"""What follows a name that ends its noun phrase: "the Shangri-La, the Cinnamon Grand" (not "the Rome
embassy", where the town names where something is)."""
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")
_DIRECTION = re.compile(r"^(?:north|south|east|west|central|northern|southern|eastern|western|"
                        r"north[- ]?(?:east|west)(?:ern)?|south[- ]?(?:east|west)(?:ern)?|upper|lower|"
                        r"greater|mainland|rural)\s+", re.IGNORECASE)
_DIRECTION_SUFFIX = re.compile(r"[- ](?:north|south|east|west|central)$", re.IGNORECASE)
"""ACLED's halves of a division: "Shan-South", "Bago-East"."""
DEMONYM_ENDING = re.compile(r"(?:an|ans|ish|ese|ic|i|is|ch|ian|ean|er|ers)$")
_CONTAINER_GAP = re.compile(r"\s*(?:[a-z][a-z-]*\s*)?(?:,\s*in\b|,|\(|in\b|of\b)\s*(?:the\s+)?")
"""What stands between a name and the place that holds it: "X, Y", "X (Y", "X town in Y", "X village, Y",
"X district of Y", "X, in Y"."""
_LIST_GAP = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
_PARTS = re.compile(r"\s+[-–—]\s+")


@dataclass(slots=True)
class Name:
    """One mention with its candidates and the evidence gathered for it."""

    mention: Mention
    candidates: list[Candidate]
    key: str
    admin_word: bool
    part_of: bool
    after_the: bool = False
    """Written as "the X" heading its phrase ("at the Shangri-La,"): towns seldom are; hotels, buildings
    and ships often."""
    container: int | None = None
    """Index of the mention right after ", " that may contain this one."""
    priors: dict[int, float] = field(default_factory=dict)
    """Prior score of each candidate, by candidate id."""
    own: Counter[str] = field(default_factory=Counter)
    """Country evidence that this name and its repetitions gave themselves: not evidence for them."""
    shadowed: set[int] = field(default_factory=set)
    """Ids of divisions with a town of the same name inside them."""
    siblings: list[int] = field(default_factory=list)
    """Indices of the other names of the list it stands in ("Texas, Utah, Virginia and Wyoming")."""
    list_kind: tuple[str, str | None] | None = None
    """The kind (and, for divisions, the country) most of its list's other names resolved to."""
    holds: Holds | None = None
    """What this name holds when it is the Y of "X, Y" (see :func:`holds`)."""


class Holds(NamedTuple):
    """What a name may hold, over all its candidates: their countries, first-level divisions (country,
    name), town and district points by country, and their ids (a name does not hold itself)."""

    countries: frozenset[str | None]
    admin1s: frozenset[tuple[str | None, str | None]]
    towns: dict[str | None, list[tuple[float, float]]]
    ids: frozenset[int]


def holds(container: Name) -> Holds:
    """The :class:`Holds` of a container name, computed once."""
    if container.holds is None:
        towns: dict[str | None, list[tuple[float, float]]] = {}
        for outer in container.candidates:
            if outer.kind in ("admin2", "place") and outer.lat is not None and outer.lon is not None:
                towns.setdefault(outer.country_code, []).append((outer.lat, outer.lon))
        container.holds = Holds(
            countries=frozenset(c.country_code for c in container.candidates if c.kind == "country"),
            admin1s=frozenset((c.country_code, c.admin1) for c in container.candidates
                              if c.kind == "admin1" and c.admin1 is not None),
            towns=towns, ids=frozenset(c.id for c in container.candidates))
    return container.holds


def _demonym_countries(gazetteer: Gazetteer, written: str) -> list[Candidate]:
    """The country (or continent: "European", "Asian") a demonym written as a place name stands for."""
    if not written[:1].isupper() or " " in written.strip() or not DEMONYM_ENDING.search(written):
        return []
    countries = [country.candidate for country in gazetteer.demonym(written)]
    if countries:
        return countries
    for stem in (written[:-1], written[:-2]):
        wide = [c for c in gazetteer.lookup(stem) if c.kind in ("continent", "region") and c.lat is not None]
        if wide and name_key(wide[0].name) == name_key(stem):
            return wide[:1]
    return []


def _is_acronym_mismatch(written: str, candidate: Candidate) -> bool:
    """"EU" written in capitals is not the French town of Eu ("DC" may still be Washington, a city)."""
    return (written.isupper() and len(written) <= 3 and candidate.kind == "place"
            and not candidate.name.isupper() and candidate.population < ACRONYM_TOWN_POPULATION)


def _lookup(gazetteer: Gazetteer, written: str) -> tuple[list[Candidate], bool]:
    """Candidates for a written name, trying simpler forms when the name as written finds nothing.

    Returns the candidates and whether the name names only a part of them ("northern Syria").
    """
    forms = [written.strip()]
    demonym = _demonym_countries(gazetteer, forms[0])
    if demonym:
        return demonym, False
    stripped = _POSSESSIVE.sub("", _LEADING_THE.sub("", forms[0])).strip()
    if stripped != forms[0]:
        forms.append(stripped)
    for form in forms:
        found = [c for c in gazetteer.lookup(form) if c.lat is not None and c.lon is not None
                 and not _is_acronym_mismatch(form, c)]
        if found:
            return found, False
    part = _DIRECTION_SUFFIX.sub("", _DIRECTION.sub("", stripped)).strip()
    if part and part != stripped:
        found = [c for c in gazetteer.lookup(part) if c.lat is not None and c.lon is not None]
        if found:
            return found, True
    without_word = _ADMIN_WORDS.sub("", stripped).strip()
    if without_word and without_word != stripped:
        return [c for c in gazetteer.lookup(without_word) if c.lat is not None and c.lon is not None], False
    parts = _PARTS.split(stripped)
    if len(parts) > 1:  # ACLED's "district - town" ("Al-Hasakeh - Al Kallaseh"): the town, else the district
        outer, _ = _lookup(gazetteer, parts[0])
        inner, _ = _lookup(gazetteer, parts[-1])
        countries = {c.country_code for c in outer}
        inside = [c for c in inner if not outer or c.country_code in countries]
        if inside:
            return inside, False
        return outer, True
    return [], False


def _priors(name: Name) -> dict[int, float]:
    """Population and kind score of each candidate of one name; fills ``name.shadowed``."""
    keys = {c.id: c.key or name_key(c.name) for c in name.candidates}
    # For each (country, admin1) holding a town among the candidates: the town names and the largest town.
    towns: dict[tuple[str | None, str], tuple[set[str], int]] = {}
    for town in name.candidates:
        if town.kind == "place" and town.admin1 is not None:
            names, largest = towns.get((town.country_code, town.admin1), (set(), 0))
            names.add(keys[town.id])
            towns[(town.country_code, town.admin1)] = (names, max(largest, town.population))
    priors: dict[int, float] = {}
    for candidate in name.candidates:
        population = candidate.population
        if candidate.kind == "region":
            population = max(population, REGION_POPULATION)
        score = math.log10(population + 10) + KIND_BONUS[candidate.kind]
        if candidate.feature_code == "PPLC":
            score += CAPITAL_BONUS
        if name.key and keys[candidate.id] != name.key:
            score -= ALIAS_PENALTY
        if candidate.kind in ("admin1", "admin2"):
            if name.admin_word:
                score += ADMIN_WORD_BONUS
            elif candidate.admin1 is not None and _shadows(towns.get((candidate.country_code, candidate.admin1)),
                                                           keys[candidate.id], candidate.population):
                score -= SHADOWED_ADMIN_PENALTY
                name.shadowed.add(candidate.id)
        priors[candidate.id] = score
    return priors


def _shadows(towns: tuple[set[str], int] | None, key: str, population: int) -> bool:
    """Whether the towns inside a division (their names, the largest population) outrank it for its name:
    a town of the same name, or one holding a tenth of the division's people ("New York")."""
    return towns is not None and (key in towns[0] or towns[1] * 10 >= population)


def read_names(gazetteer: Gazetteer, mentions: Sequence[Mention], text: str) -> list[Name]:
    """Each mention as a :class:`Name`: its candidates with their priors, whether a division word stands
    next to it, and how it stands to its neighbours (the name after it that may hold it, its list)."""
    names: list[Name] = []
    looked_up: dict[str, tuple[list[Candidate], bool]] = {}  # an article repeats its names
    scored: dict[tuple[str, bool], Name] = {}
    for mention in mentions:
        found = looked_up.get(mention.text)
        if found is None:
            found = looked_up[mention.text] = _lookup(gazetteer, mention.text)
        candidates, part_of = found
        after = text[mention.end:mention.end + 16]
        before = text[max(0, mention.start - 16):mention.start]
        admin_word = bool(_ADMIN_WORDS.match(after) or _ADMIN_WORDS_BEFORE.search(before)
                          or _ADMIN_WORDS.search(mention.text))
        name = Name(mention=mention, candidates=candidates, key=name_key(mention.text),
                     admin_word=admin_word, part_of=part_of,
                     after_the=bool(_AFTER_THE.search(before) and _ENDS_PHRASE.match(after)))
        twin = scored.get((mention.text, admin_word))
        if twin is None:
            name.priors = _priors(name)
            scored[(mention.text, admin_word)] = name
        else:  # the same name written the same way ranks its candidates the same way
            name.priors, name.shadowed = twin.priors, twin.shadowed
        names.append(name)
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
    groups: list[list[int]] = [[order[0]]] if order else []
    for first, second in itertools.pairwise(order):
        gap = text[mentions[first].end:mentions[second].start] if \
            mentions[second].start - mentions[first].end <= MAX_GAP else "\n"
        if _CONTAINER_GAP.fullmatch(gap) and "\n" not in gap:
            names[first].container = second
        if _LIST_GAP.fullmatch(gap):
            groups[-1].append(second)
        else:
            groups.append([second])
    for group in groups:
        if len(group) >= MIN_LIST:
            for index in group:
                names[index].siblings = [other for other in group if other != index]
    return names
