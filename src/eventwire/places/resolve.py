"""Resolve place names found in an article to gazetteer entries.

:func:`resolve` takes the spans of place names (from the finder, or gold spans in evaluation) and picks for
each one the gazetteer entry it most likely means. Every candidate gets a score in log-population units:

* **prior** — population, plus a bonus for countries, continents and named regions (a country name is the
  country); a town beats an admin division of the same name in the same country unless a word such as
  "province" or "governorate" is written next to it;
* **article countries** — countries named in the article, demonyms ("Syrian") and the countries of
  unambiguous names are strong evidence;
* **containment** — in "X, Y", "X (Y", "X town in Y" the entry for X inside Y (a country, a division, or
  near a town Y) wins, and a division named elsewhere in the article lifts the places it contains; ACLED's
  "district - town" names take the town inside the district;
* **doubt** — a small town picked for X that lies in another country than its Y, or an alias-matched or
  small town of a country the article never names while it names another twice, is dropped, and the
  name is placed near its neighbours as an unknown one;
* **distance** — a second pass prefers candidates near the article's other resolved places;
* **agreement** — a small town or district takes the country of the divisions and big towns written right
  after it in its sentence ("X village (Y township, Z state)"), or is dropped and placed near them.

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
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz.distance import Indel

from eventwire.gazetteer import Candidate, Gazetteer, name_key
from eventwire.gazetteer.points import haversine_km
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
NEAR_SPELLING = 0.85
"""A spelling-variant match this similar to the written name (normalised Indel similarity) is a misspelling of
it ("Mauritious", "Phillipines"; insertions and deletions, as rapidfuzz's ratio) and needs no backing from
the article; names shorter than
``NEAR_SPELLING_LENGTH`` never count as near spellings."""
NEAR_SPELLING_LENGTH = 6
ACRONYM_TOWN_POPULATION = 100_000
FOREIGN_TOWN_POPULATION = 100_000
"""A town smaller than this is not the X of "X, Y" when it lies in another country than Y."""
LIST_KIND_BONUS = 6.0
"""Lifts the candidates of the kind a list's other names are: more than "X, Y" containment, which a
list of states or countries mimics ("Iraq, Iran" is not the Iranian town of Arak)."""
MIN_LIST = 3
MAX_GAP = 40
"""Longest text between two names that may still say "X, Y", "X town in Y" or a list."""
AGREEING_POPULATION = 100_000
"""A town this big is overruled only by a bigger division or town written right after it."""
VOTER_POPULATION = 50_000
"""A town this big (or any division or country) tells the country of the small names written before it."""
CHAIN_GAP = 60
"""Longest text between two names of one run "X village (Y township, Z state)"."""
FOREIGN_EVIDENCE = 2
"""How often an article must name one country before a town of an unnamed country is doubted."""
CONTAINER_TOWN_KM = 100.0
"""A town or district "holds" a place this close to it ("Kasake (Oicha, Beni)")."""
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
_DIRECTION_SUFFIX = re.compile(r"[- ](?:north|south|east|west|central)$", re.IGNORECASE)
"""ACLED's halves of a division: "Shan-South", "Bago-East"."""
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)|\n")
"""A sentence ends in the text between two names."""
_CAPITALIZED_WORD = re.compile(r"\b[A-Z][a-z]{2,}\b")
_DEMONYM_ENDING = re.compile(r"(?:an|ans|ish|ese|ic|i|is|ch|ian|ean|er|ers)$")
_CONTAINER_GAP = re.compile(r"\s*(?:[a-z][a-z-]*\s*)?(?:,\s*in\b|,|\(|in\b|of\b)\s*(?:the\s+)?")
"""What stands between a name and the place that holds it: "X, Y", "X (Y", "X town in Y", "X village, Y",
"X district of Y", "X, in Y"."""
_LIST_GAP = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
_PARTS = re.compile(r"\s+[-–—]\s+")
_NEWLINE = re.compile("\n")
_UNPLACED = Place(text="", start=0, end=0)
_BESIDE = re.compile(r"\s*(?:[a-z][a-z-]*\s*)?(?:,|\(|in\b|near\b|outside\b|of\b)?\s*(?:the\s+)?")
"""Text between an unknown name and the place that holds it: "X, Y", "X (Y", "X village in Y", "X near Y"."""


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
    siblings: list[int] = field(default_factory=list)
    """Indices of the other names of the list it stands in ("Texas, Utah, Virginia and Wyoming")."""
    list_kind: tuple[str, str | None] | None = None
    """The kind (and, for divisions, the country) most of its list's other names resolved to."""
    holds: _Holds | None = None
    """What this name holds when it is the Y of "X, Y" (see :func:`_holds`)."""


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


def _article_countries(gazetteer: Gazetteer, names: Sequence[_Name],
                       text: str) -> tuple[Counter[str], Counter[str]]:
    """How often each country is named, implied by a demonym or by an unambiguous name; and how often by
    place names alone (a "Turkish" strike in Iraq names no Turkish place)."""
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
    named = found.copy()
    seen: dict[str, list[str]] = {}
    inside = sorted((n.mention.start, n.mention.end) for n in names)
    for match in _CAPITALIZED_WORD.finditer(text):
        word = match.group()
        if not _DEMONYM_ENDING.search(word):
            continue
        at = bisect.bisect_right(inside, (match.start(), len(text))) - 1
        if at >= 0 and inside[at][0] <= match.start() < inside[at][1]:
            continue  # part of a place's own name: "the Indian Ocean" names no Indian place
        demonym_codes = seen.get(word)
        if demonym_codes is None:
            demonym_codes = [country.code for country in gazetteer.demonym(word)]
            seen[word] = demonym_codes
        for code in demonym_codes:
            found[code] += 1
    return found, named


def _containment(name: _Name, candidate: Candidate, names: Sequence[_Name]) -> float:
    """Bonus when the name written right after it ("X, Y", "X (Y", "X town in Y") is a country, a division
    or a town that holds the candidate (a town or district: one within :data:`CONTAINER_TOWN_KM`)."""
    if name.container is None or name.container in name.siblings:
        return 0.0
    holds = _holds(names[name.container])
    if (candidate.country_code, candidate.admin1) in holds.admin1s:
        return CONTAINMENT_BONUS + 0.5 if candidate.id not in holds.ids else 0.0
    if candidate.country_code in holds.countries:
        return CONTAINMENT_BONUS
    if candidate.lat is not None and candidate.lon is not None:
        for lat, lon in holds.towns.get(candidate.country_code, ()):
            if haversine_km(lat, lon, candidate.lat, candidate.lon) <= CONTAINER_TOWN_KM:
                return CONTAINMENT_BONUS
    return 0.0


class _Holds(NamedTuple):
    """What a name may hold, over all its candidates: their countries, first-level divisions (country,
    name), town and district points by country, and their ids (a name does not hold itself)."""

    countries: frozenset[str | None]
    admin1s: frozenset[tuple[str | None, str | None]]
    towns: dict[str | None, list[tuple[float, float]]]
    ids: frozenset[int]


def _holds(container: _Name) -> _Holds:
    """The :class:`_Holds` of a container name, computed once."""
    if container.holds is None:
        towns: dict[str | None, list[tuple[float, float]]] = {}
        for outer in container.candidates:
            if outer.kind in ("admin2", "place") and outer.lat is not None and outer.lon is not None:
                towns.setdefault(outer.country_code, []).append((outer.lat, outer.lon))
        container.holds = _Holds(
            countries=frozenset(c.country_code for c in container.candidates if c.kind == "country"),
            admin1s=frozenset((c.country_code, c.admin1) for c in container.candidates
                              if c.kind == "admin1" and c.admin1 is not None),
            towns=towns, ids=frozenset(c.id for c in container.candidates))
    return container.holds


def _foreign_to_article(name: _Name, pick: Candidate | None, countries: Counter[str],
                        leaders: Sequence[tuple[str, int]]) -> bool:
    """Whether a small or alias-matched town picked for a name lies in a country the article never names
    while its place names name another one at least :data:`FOREIGN_EVIDENCE` times: "Lu village" in a report on Shan
    State, Myanmar is not Luzhou in China, which GeoNames also calls Lu. ``leaders``: the article's two
    most named countries by place names, with their counts."""
    if pick is None or pick.kind != "place" or not pick.country_code:
        return False
    if countries[pick.country_code] > name.own[pick.country_code]:
        return False
    lead = next((count for code, count in leaders if code != pick.country_code), 0)
    return lead >= FOREIGN_EVIDENCE and (pick.population < FOREIGN_TOWN_POPULATION or pick.key != name.key)


def _foreign_to_container(name: _Name, pick: Candidate | None, container: Candidate | None) -> bool:
    """Whether a small town picked for "X" lies in another country than the "Y" of "X, Y" ("Nejapa, San
    Salvador" is not the Mexican Nejapa): the gazetteer lacks the right X, and Y says where it is."""
    return (pick is not None and container is not None and name.container is not None
            and pick.kind == "place" and pick.population < FOREIGN_TOWN_POPULATION
            and container.kind in ("country", "admin1", "admin2", "place")
            and pick.country_code != container.country_code)


def _followers(names: Sequence[_Name], order: Sequence[int], at: int, text: str) -> list[int]:
    """The names written right after ``order[at]`` in a run of the same sentence ("X village (Y township, Z
    state)", "X town in Y countryside"): each within :data:`CHAIN_GAP` of the one before."""
    end = names[order[at]].mention.end
    run: list[int] = []
    for later in order[at + 1:]:
        start = names[later].mention.start
        if start - end > CHAIN_GAP or _SENTENCE_END.search(text, end, max(end, start)):
            break
        run.append(later)
        end = max(end, names[later].mention.end)
    return run


def _agree_with_followers(names: Sequence[_Name], picks: Sequence[Candidate | None], countries: Counter[str],
                          text: str) -> list[Candidate | None]:
    """A town or district agrees with the country of the divisions, countries and big towns written right
    after it: it takes its own entry in that country, or, when it has none there, a small town (or one that
    "X, Y" says lies in Y, or one matched by an alias) is dropped and placed near its neighbours as an
    unknown name.

    A village written with its district and province ("X town in Y countryside", "X (Y, Z)") is in their
    country even when a same-named village abroad is larger. Only names that stand for themselves vote (a
    division, a country, a town of :data:`VOTER_POPULATION`; no acronyms), all for one country; a name is
    overruled only by a bigger one (a country weighs nothing: "from Aleppo to Turkey"); a division named
    with its word ("X province") and a pick that another name of the article places in its country stay.
    """
    votes = [pick.country_code if pick is not None and pick.country_code and not name.mention.text.isupper() and (
        pick.kind in ("country", "admin1", "admin2") or pick.population >= VOTER_POPULATION) else None
        for name, pick in zip(names, picks, strict=True)]
    if len(names) < 2 or not any(votes):
        return list(picks)
    keys: dict[str | None, set[str]] = {}
    for name, pick in zip(names, picks, strict=True):
        if pick is not None:
            keys.setdefault(pick.country_code, set()).add(name.key)
    order = sorted(range(len(names)), key=lambda i: names[i].mention.start)
    agreed = list(picks)
    for at, index in enumerate(order):
        name, pick = names[index], picks[index]
        if pick is None or pick.kind not in ("place", "admin2") or name.admin_word \
                or keys[pick.country_code] != {name.key}:
            continue  # another name of the article places it in its country
        voters = [other for other in _followers(names, order, at, text) if votes[other] is not None]
        others = {votes[other] for other in voters}
        if len(others) != 1 or pick.country_code in others:
            continue
        # a name is overruled only by names that weigh more: a country's weight is in its towns
        weight = max(0 if picks[other].kind == "country" else picks[other].population  # type: ignore[union-attr]
                     for other in voters)
        if pick.population >= max(AGREEING_POPULATION, weight):
            continue
        country = next(iter(others))
        own = [c for c in name.candidates if c.country_code == country
               and (not c.fuzzy or _supported(name, c, names, countries))]
        if own:
            agreed[index] = max(own, key=lambda c: name.priors[c.id])
        elif pick.kind == "place" and (pick.population < AGREEING_POPULATION or name.container in voters
                                       or (pick.key or name_key(pick.name)) != name.key):
            agreed[index] = None
    return agreed


def _score(name: _Name, candidate: Candidate, names: Sequence[_Name], countries: Counter[str],
           admin1s: set[tuple[str | None, str | None]], towns_in: set[tuple[str | None, str | None]],
           chosen: Sequence[Candidate | None],
           centre: tuple[float, float] | None) -> float:
    score = name.priors[candidate.id] - (FUZZY_PENALTY * (0.5 if _near_spelling(name, candidate) else 1.0)
                                         if candidate.fuzzy else 0.0)
    if candidate.country_code and countries[candidate.country_code] > name.own[candidate.country_code]:
        score += ARTICLE_COUNTRY_BONUS
    if name.container is not None:
        score += _containment(name, candidate, names)
    if name.list_kind is not None and name.list_kind == (
            candidate.kind, candidate.country_code if candidate.kind == "admin1" else None):
        score += LIST_KIND_BONUS
    if candidate.kind in ("place", "admin2") and (candidate.country_code, candidate.admin1) in admin1s:
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
        if len(candidates) < 2:  # nothing to rank
            picked.append(candidates[0] if candidates else None)
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
    if _near_spelling(name, candidate):
        return True
    return _containment(name, candidate, names) > 0


def _near_spelling(name: _Name, candidate: Candidate) -> bool:
    """Whether a spelling-variant candidate is the written name with a letter or so wrong ("Mauritious"
    for Mauritius; not "Mauritious" for the Emirates, which shares only its consonants)."""
    key = candidate.key or name_key(candidate.name)
    return (len(name.key) >= NEAR_SPELLING_LENGTH
            and Indel.normalized_similarity(name.key, key) >= NEAR_SPELLING)


def _as_placed_once(names: Sequence[_Name], picks: Sequence[Candidate | None]) -> list[Candidate | None]:
    """Repetitions of a name that the article once placed ("Austin, in Scott County", "Scott County,
    Indiana") take that place: a later bare "Scott County" is the same county, not the most populous one.
    A list's ", " ("Washington, New York and Boston") places nothing."""
    placed: dict[str, Candidate] = {}
    for name, pick in zip(names, picks, strict=True):
        if (pick is not None and name.container is not None and not name.siblings
                and _containment(name, pick, names) > 0):
            placed.setdefault(name.key, pick)
    return [placed[name.key] if name.container is None and name.key in placed
            and any(c.id == placed[name.key].id for c in name.candidates) else pick
            for name, pick in zip(names, picks, strict=True)]


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


def _nearby(mentions: Sequence[Mention], picks: Sequence[Candidate | None], places: list[Place | None],
            text: str) -> list[Place | None]:
    """Place each name the gazetteer lacks where it most likely lies: at the article's resolved place that
    the name contains ("Colchester General Hospital" → Colchester), else at the one written right after it
    ("X in Syria", "X, Aleppo", "X (Leer county"), else at the nearest one in the same paragraph, a town or
    district before a country, else at the nearest one elsewhere (continents are too coarse); with
    geo_precision at least 2.

    Streets, buildings and villages too small for the gazetteer are written next to the town, district or
    country they are in; ACLED codes such a place at the nearest known location with geo_precision 2.
    """
    pool = [index for index, pick in enumerate(picks) if pick is not None and pick.kind != "continent"]
    if not pool or all(place is not None for place in places):
        return places
    breaks = [match.start() for match in _NEWLINE.finditer(text)]
    located = list(places)
    neighbours = [(index, mentions[index], bisect.bisect(breaks, mentions[index].start),
                   (places[index] or _UNPLACED).precision or 3) for index in pool]
    for index, (mention, place) in enumerate(zip(mentions, places, strict=True)):
        if place is not None:
            continue
        own = bisect.bisect(breaks, mention.start)

        def rank(neighbour: tuple[int, Mention, int, int], mention: Mention = mention,
                 own: int = own) -> tuple[bool, bool, bool, bool, int]:
            _, near, paragraph, precision = neighbour
            after = mention.end <= near.start <= mention.end + 12
            return (near.text not in mention.text,
                    not (after and _BESIDE.fullmatch(text, mention.end, near.start) is not None),
                    paragraph != own, precision >= 3, max(near.start - mention.end, mention.start - near.end, 0))

        best, _, _, precision = min(neighbours, key=rank)
        chosen = picks[best]
        if chosen is not None:
            located[index] = place_of(mention, chosen, max(precision, NEARBY_PRECISION))
    return located


def _names(gazetteer: Gazetteer, mentions: Sequence[Mention], text: str) -> list[_Name]:
    names: list[_Name] = []
    looked_up: dict[str, tuple[list[Candidate], bool]] = {}  # an article repeats its names
    scored: dict[tuple[str, bool], _Name] = {}
    for mention in mentions:
        found = looked_up.get(mention.text)
        if found is None:
            found = looked_up[mention.text] = _lookup(gazetteer, mention.text)
        candidates, part_of = found
        after = text[mention.end:mention.end + 16]
        before = text[max(0, mention.start - 16):mention.start]
        admin_word = bool(_ADMIN_WORDS.match(after) or _ADMIN_WORDS_BEFORE.search(before)
                          or _ADMIN_WORDS.search(mention.text))
        name = _Name(mention=mention, candidates=candidates, key=name_key(mention.text),
                     admin_word=admin_word, part_of=part_of)
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


def _list_kinds(names: Sequence[_Name], chosen: Sequence[Candidate | None]) -> None:
    """Note for each listed name the kind most of its list resolved to: a list of states holds states."""
    def kind(pick: Candidate | None) -> tuple[str, str | None] | None:
        return None if pick is None else (pick.kind, pick.country_code if pick.kind == "admin1" else None)

    done: set[int] = set()
    for index, name in enumerate(names):
        if not name.siblings or index in done:
            continue
        members = [index, *name.siblings]
        done.update(members)
        kinds = Counter(kind(chosen[member]) for member in members)
        for member in members:
            own = kind(chosen[member])
            others = len(members) - 1
            top = max(((key, count - (key == own)) for key, count in kinds.items() if key is not None
                       and key[0] in ("admin1", "country")), key=lambda item: item[1], default=None)
            listed = top is not None and top[1] >= max(2, 2 * others / 3)
            names[member].list_kind = top[0] if listed and top is not None else None


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

    >>> text = "Paris, Texas is not Troyes."
    >>> places = resolve(Gazetteer.open(), [Mention("Paris", 0, 5), Mention("Texas", 7, 12),
    ...                                     Mention("Troyes", 20, 26)], text)     # doctest: +SKIP
    >>> [p.country_code for p in places]                                           # doctest: +SKIP
    ['US', 'US', 'FR']
    """
    names = _names(gazetteer, mentions, text)
    countries, named = _article_countries(gazetteer, names, text)
    first = _pick(names, countries, [None] * len(names), None)
    _list_kinds(names, first)
    second = _agree_with_followers(names, _pick(names, countries, first, _centre(first)), countries, text)
    second = _as_placed_once(names, second)
    leaders = named.most_common(2)
    kept: list[Candidate | None] = []
    for name, pick in zip(names, second, strict=True):
        container = second[name.container] if name.container is not None else None
        doubted = _foreign_to_container(name, pick, container) or _foreign_to_article(name, pick, countries, leaders)
        kept.append(None if doubted else pick)  # a doubted pick is placed near its neighbours instead
    places = [_to_place(name, candidate) for name, candidate in zip(names, kept, strict=True)]
    return _nearby(mentions, kept, places, text)
