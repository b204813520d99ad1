"""Resolve place names found in an article to gazetteer entries.

:func:`resolve` takes the spans of place names (from the finder, or gold spans in evaluation) and picks for
each one the gazetteer entry it most likely means. Every candidate gets a score in log-population units:

* **prior** — population, plus a bonus for countries, continents and named regions (a country name is the
  country); a town beats an admin division of the same name in the same country unless a word such as
  "province" or "governorate" is written next to it;
* **article countries** — countries named in the article, demonyms ("Syrian") and the countries of
  unambiguous names are strong evidence;
* **containment** — in "X, Y" the entry for X inside Y (a country or first-level division) wins, and a
  division named elsewhere in the article lifts the places it contains;
* **distance** — a second pass prefers candidates near the article's other resolved places.

A name the gazetteer lacks (a street, a building, a village of the long tail) is placed near the article's
place it most likely lies in, with geo_precision at least 2 (see :func:`_nearby`); a name with no resolved
place to lean on yields ``None`` for that name only — the article's other names still resolve.

>>> from eventwire.gazetteer import Gazetteer
>>> text = "Clashes in Raqqa, Syria."
>>> [p.country_code for p in resolve(Gazetteer.open(), [Mention("Raqqa", 11, 16)], text)]  # doctest: +SKIP
['SY']
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from eventwire.gazetteer import Candidate, Gazetteer, name_key
from eventwire.records import Place

__all__ = ["Mention", "haversine_km", "place_of", "precision_of", "resolve"]


class Mention(NamedTuple):
    """A place name as written in the article, with its character offsets."""

    text: str
    start: int
    end: int


# Score weights, in units of log10(population): a bonus of 1.0 is worth a tenfold population.
KIND_BONUS = {"country": 3.0, "continent": 3.0, "region": 3.0, "admin1": 0.0, "admin2": -0.5, "place": 0.0}
CAPITAL_BONUS = 1.5
REGION_POPULATION = 10_000_000
"""Regions carry no population; they rank as if they had this many people (then get the kind bonus)."""
SHADOWED_ADMIN_PENALTY = 2.0
ADMIN_WORD_BONUS = 3.0
ALIAS_PENALTY = 0.7
FUZZY_PENALTY = 1.0
ACRONYM_TOWN_POPULATION = 100_000
ARTICLE_COUNTRY_BONUS = 2.5
CONTAINMENT_BONUS = 5.0
ARTICLE_ADMIN1_BONUS = 1.5
TOWN_INSIDE_BONUS = 3.0
DISTANCE_WEIGHT = 1.0
DISTANCE_SCALE_KM = 100.0
FAR_PART_PRECISION = 2
NEARBY_PRECISION = 2
"""The finest geo_precision of a name the gazetteer lacks, placed at a resolved place near it in the text."""

_ADMIN_WORDS = re.compile(r"\s*(?:province|governorate|state|region|district|county|prefecture|oblast|"
                          r"department|municipality|territory|emirate|canton|wilaya)\b", re.IGNORECASE)
_ADMIN_WORDS_BEFORE = re.compile(r"\b(?:province|governorate|state|region|district|county|prefecture|"
                                 r"department|municipality|territory|emirate|canton|wilaya)\s+of\s*$",
                                 re.IGNORECASE)
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")
_DIRECTION = re.compile(r"^(?:north|south|east|west|central|northern|southern|eastern|western|"
                        r"north[- ]?(?:east|west)(?:ern)?|south[- ]?(?:east|west)(?:ern)?|upper|lower|"
                        r"greater|mainland|rural)\s+", re.IGNORECASE)
_CAPITALIZED_WORD = re.compile(r"\b[A-Z][a-z]{2,}\b")
_DEMONYM_ENDING = re.compile(r"(?:an|ans|ish|ese|ic|i|is|ch|ian|ean|er|ers)$")
_COMMA = re.compile(r"\s*,\s*$")
_NEWLINE = re.compile("\n")
_BESIDE = re.compile(r"\s*(?:,|\(|in|near|outside|of)?\s*(?:the\s+)?", re.IGNORECASE)
"""Text between an unknown name and the place that holds it: "X, Y", "X (Y", "X in Y", "X near Y"."""


@dataclass(slots=True)
class _Name:
    """One mention with its candidates and the evidence gathered for it."""

    mention: Mention
    candidates: list[Candidate]
    key: str
    admin_word: bool
    part_of: bool
    container: int | None = None
    """Index of the mention right after ", " that may contain this one."""
    priors: dict[int, float] = field(default_factory=dict)
    """Prior score of each candidate, by candidate id."""
    own: Counter[str] = field(default_factory=Counter)
    """Country evidence that this name and its repetitions gave themselves: not evidence for them."""
    shadowed: set[int] = field(default_factory=set)
    """Ids of divisions with a town of the same name inside them."""


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres.

    >>> round(haversine_km(48.85, 2.35, 51.51, -0.13))
    344
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def precision_of(candidate: Candidate) -> int:
    """ACLED geo_precision of an entry: 1 a town, 2 a second-level division, 3 a region or country."""
    if candidate.kind == "place":
        return 1
    if candidate.kind == "admin2":
        return 2
    return 3


def _demonym_countries(gazetteer: Gazetteer, written: str) -> list[Candidate]:
    """The country (or continent: "European", "Asian") a demonym written as a place name stands for."""
    if not written[:1].isupper() or " " in written.strip() or not _DEMONYM_ENDING.search(written):
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
    part = _DIRECTION.sub("", stripped)
    if part != stripped:
        found = [c for c in gazetteer.lookup(part) if c.lat is not None and c.lon is not None]
        if found:
            return found, True
    without_word = _ADMIN_WORDS.sub("", stripped).strip()
    if without_word and without_word != stripped:
        return [c for c in gazetteer.lookup(without_word) if c.lat is not None and c.lon is not None], False
    return [], False


def _priors(name: _Name) -> dict[int, float]:
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


def _inside(place: Candidate, admin: Candidate) -> bool:
    """Whether a town lies in a division (same country and first-level division)."""
    return (place.kind == "place" and place.country_code == admin.country_code
            and place.admin1 is not None and place.admin1 == admin.admin1)


def _article_countries(gazetteer: Gazetteer, names: Sequence[_Name], text: str) -> Counter[str]:
    """How often each country is named, implied by a demonym or by an unambiguous name."""
    found: Counter[str] = Counter()
    by_key: dict[str, Counter[str]] = {}
    for name in names:
        if not name.candidates or name.candidates[0].fuzzy:
            continue
        codes = {c.country_code for c in name.candidates}
        best = max(name.candidates, key=lambda c: name.priors[c.id])
        code = None
        if best.kind == "country" and best.country_code:
            code = best.country_code
        elif len(codes) == 1 and None not in codes:
            code = str(next(iter(codes)))
        if code is not None:
            found[code] += 1
            by_key.setdefault(name.key, Counter())[code] += 1
    for name in names:  # "Georgia" named thrice is no evidence that "Georgia" is the country
        name.own = by_key.get(name.key, Counter())
    seen: dict[str, list[str]] = {}
    for word in _CAPITALIZED_WORD.findall(text):
        if not _DEMONYM_ENDING.search(word):
            continue
        demonym_codes = seen.get(word)
        if demonym_codes is None:
            demonym_codes = [country.code for country in gazetteer.demonym(word)]
            seen[word] = demonym_codes
        for code in demonym_codes:
            found[code] += 1
    return found


def _containment(name: _Name, candidate: Candidate, names: Sequence[_Name]) -> float:
    """Bonus when the name right after ", " is a country or division that contains the candidate."""
    if name.container is None:
        return 0.0
    container = names[name.container]
    bonus = 0.0
    for outer in container.candidates:
        if outer.kind == "country" and outer.country_code == candidate.country_code:
            bonus = CONTAINMENT_BONUS
        elif (outer.kind == "admin1" and outer.country_code == candidate.country_code
              and outer.admin1 is not None and outer.admin1 == candidate.admin1 and outer.id != candidate.id):
            return CONTAINMENT_BONUS + 0.5
    return bonus


def _score(name: _Name, candidate: Candidate, names: Sequence[_Name], countries: Counter[str],
           admin1s: set[tuple[str | None, str | None]], towns_in: set[tuple[str | None, str | None]],
           chosen: Sequence[Candidate | None],
           centre: tuple[float, float] | None) -> float:
    score = name.priors[candidate.id] - (FUZZY_PENALTY if candidate.fuzzy else 0.0)
    if candidate.country_code and countries[candidate.country_code] > name.own[candidate.country_code]:
        score += ARTICLE_COUNTRY_BONUS
    score += _containment(name, candidate, names)
    if candidate.kind == "place" and (candidate.country_code, candidate.admin1) in admin1s:
        score += ARTICLE_ADMIN1_BONUS
    elif (candidate.kind == "admin1" and candidate.id not in name.shadowed
          and (candidate.country_code, candidate.admin1) in towns_in):
        score += TOWN_INSIDE_BONUS
    if centre is not None and candidate.lat is not None and candidate.lon is not None:
        distance = haversine_km(centre[0], centre[1], candidate.lat, candidate.lon)
        score -= DISTANCE_WEIGHT * math.log10(1 + distance / DISTANCE_SCALE_KM)
    return score


def _pick(names: Sequence[_Name], countries: Counter[str], chosen: Sequence[Candidate | None],
          centre: tuple[float, float] | None) -> list[Candidate | None]:
    admin1s = {(c.country_code, c.admin1) for c in chosen if c is not None and c.kind == "admin1"}
    towns = Counter((c.country_code, c.admin1) for c in chosen if c is not None and c.kind == "place")
    picked: list[Candidate | None] = []
    for name, own in zip(names, chosen, strict=True):
        candidates = [c for c in name.candidates if not c.fuzzy or _supported(name, c, names, countries)]
        if not candidates:
            picked.append(None)
            continue
        # Towns of the other names lift the division they lie in; a name's own town does not.
        towns_in = {key for key, count in towns.items()
                    if count > 1 or own is None or key != (own.country_code, own.admin1) or own.kind != "place"}
        picked.append(max(candidates,
                          key=lambda c: _score(name, c, names, countries, admin1s, towns_in, chosen, centre)))
    return picked


def _supported(name: _Name, candidate: Candidate, names: Sequence[_Name], countries: Counter[str]) -> bool:
    """Whether the article backs a spelling-variant match: its country is named, or "X, Y" contains it.

    A consonant skeleton finds "Dayr az Zawr" for "Deir al-Zour" but also Sumter for "Sumatra"; only the
    article's own countries make such a match believable.
    """
    if candidate.country_code and countries[candidate.country_code] > name.own[candidate.country_code]:
        return True
    return _containment(name, candidate, names) > 0


def _centre(chosen: Sequence[Candidate | None]) -> tuple[float, float] | None:
    """Mean point of the resolved towns and divisions (countries and continents are too coarse)."""
    points = [(c.lat, c.lon) for c in chosen
              if c is not None and c.lat is not None and c.lon is not None and c.kind in ("place", "admin2",
                                                                                        "admin1")]
    if not points:
        return None
    x = y = z = 0.0
    for lat, lon in points:
        phi, lam = math.radians(lat), math.radians(lon)
        x += math.cos(phi) * math.cos(lam)
        y += math.cos(phi) * math.sin(lam)
        z += math.sin(phi)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def place_of(mention: Mention, candidate: Candidate, precision: int | None = None) -> Place:
    """The record of a mention resolved to ``candidate`` (precision from its kind unless given)."""
    return Place(text=mention.text, start=mention.start, end=mention.end, name=candidate.name,
                 geonameid=candidate.geonameid, lat=candidate.lat, lon=candidate.lon, country=candidate.country,
                 country_code=candidate.country_code, admin1=candidate.admin1, admin2=candidate.admin2,
                 feature_code=candidate.feature_code,
                 precision=precision_of(candidate) if precision is None else precision)


def _to_place(name: _Name, candidate: Candidate | None) -> Place | None:
    if candidate is None:
        return None
    precision = precision_of(candidate)
    if name.part_of:
        precision = max(precision, FAR_PART_PRECISION)
    return place_of(name.mention, candidate, precision)


def _nearby(mentions: Sequence[Mention], places: list[Place | None], text: str) -> list[Place | None]:
    """Place each name the gazetteer lacks where it most likely lies: at the article's resolved place that
    the name contains ("Colchester General Hospital" → Colchester), else at the one written right after it
    ("X in Syria", "X, Aleppo", "X (Leer county"), else at the nearest one in the same paragraph, a town or
    district before a country, else at the nearest one elsewhere (continents are too coarse); with
    geo_precision at least 2.

    Streets, buildings and villages too small for the gazetteer are written next to the town, district or
    country they are in; ACLED codes such a place at the nearest known location with geo_precision 2.
    """
    pool = [place for place in places if place is not None and place.feature_code != "CONT"]
    if not pool or all(place is not None for place in places):
        return places
    breaks = [match.start() for match in _NEWLINE.finditer(text)]
    paragraph = {place.start: bisect.bisect(breaks, place.start) for place in pool}
    located = list(places)
    for index, (mention, place) in enumerate(zip(mentions, places, strict=True)):
        if place is not None:
            continue
        own = bisect.bisect(breaks, mention.start)

        def rank(near: Place, mention: Mention = mention, own: int = own) -> tuple[bool, bool, bool, bool, int]:
            after = near.start >= mention.end and near.start - mention.end <= 12
            return (near.text not in mention.text,
                    not (after and _BESIDE.fullmatch(text, mention.end, near.start) is not None),
                    paragraph[near.start] != own, (near.precision or 3) >= 3,
                    max(near.start - mention.end, mention.start - near.end, 0))

        near = min(pool, key=rank)
        located[index] = replace(near, text=mention.text, start=mention.start, end=mention.end,
                                 precision=max(near.precision or 3, NEARBY_PRECISION))
    return located


def _names(gazetteer: Gazetteer, mentions: Sequence[Mention], text: str) -> list[_Name]:
    names: list[_Name] = []
    for mention in mentions:
        candidates, part_of = _lookup(gazetteer, mention.text)
        after = text[mention.end:mention.end + 16]
        before = text[max(0, mention.start - 16):mention.start]
        admin_word = bool(_ADMIN_WORDS.match(after) or _ADMIN_WORDS_BEFORE.search(before)
                          or _ADMIN_WORDS.search(mention.text))
        name = _Name(mention=mention, candidates=candidates, key=name_key(mention.text),
                     admin_word=admin_word, part_of=part_of)
        name.priors = _priors(name)
        names.append(name)
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
    for first, second in itertools.pairwise(order):
        gap = text[mentions[first].end:mentions[second].start]
        if _COMMA.fullmatch(gap) and "\n" not in gap:
            names[first].container = second
    return names


def resolve(gazetteer: Gazetteer, mentions: Sequence[Mention], text: str) -> list[Place | None]:
    """Resolve each place name of one article to a gazetteer entry.

    Args:
        gazetteer: the open index.
        mentions: the article's place names with their offsets in ``text``.
        text: the article text, for context (demonyms, "X, Y", "province" next to a name).

    Returns:
        One :class:`~eventwire.records.Place` per mention, in the same order. ``precision`` is ACLED's
        geo_precision: 1 a town, 2 a second-level division, part of a region ("northern Syria") or a
        name the gazetteer lacks placed at a resolved place near it, 3 a first-level division, country or
        region. ``None`` for a name the gazetteer lacks when no other name of the article resolves.

    >>> text = "Paris, Texas is not Paris."
    >>> places = resolve(Gazetteer.open(), [Mention("Paris", 0, 5), Mention("Texas", 7, 12),
    ...                                     Mention("Paris", 20, 25)], text)      # doctest: +SKIP
    >>> [p.country_code for p in places]                                           # doctest: +SKIP
    ['US', 'US', 'FR']
    """
    names = _names(gazetteer, mentions, text)
    countries = _article_countries(gazetteer, names, text)
    first = _pick(names, countries, [None] * len(names), None)
    second = _pick(names, countries, first, _centre(first))
    places = [_to_place(name, candidate) for name, candidate in zip(names, second, strict=True)]
    return _nearby(mentions, places, text)
