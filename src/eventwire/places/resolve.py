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
import math
import re
from collections import Counter
from collections.abc import Sequence

from rapidfuzz.distance import Indel

from eventwire.gazetteer import Candidate, Gazetteer, name_key
from eventwire.gazetteer.points import haversine_km
from eventwire.places.candidates import (
    DEMONYM_ENDING,
    Mention,
    Name,
    holds,
    read_names,
)
from eventwire.records import Place

__all__ = ["Mention", "haversine_km", "place_of", "precision_of", "resolve"]


# Score weights, in units of log10(population): a bonus of 1.0 is worth a tenfold population.
FUZZY_PENALTY = 1.0
NEAR_SPELLING = 0.85
"""A spelling-variant match this similar to the written name (normalised Indel similarity) is a misspelling of
it ("Mauritious", "Phillipines"; insertions and deletions, as rapidfuzz's ratio) and needs no backing from
the article; names shorter than
``NEAR_SPELLING_LENGTH`` never count as near spellings."""
NEAR_SPELLING_LENGTH = 6
FOREIGN_TOWN_POPULATION = 100_000
"""A town smaller than this is not the X of "X, Y" when it lies in another country than Y."""
LIST_KIND_BONUS = 6.0
"""Lifts the candidates of the kind a list's other names are: more than "X, Y" containment, which a
list of states or countries mimics ("Iraq, Iran" is not the Iranian town of Arak)."""
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

_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)|\n")
"""A sentence ends in the text between two names."""
_CAPITALIZED_WORD = re.compile(r"\b[A-Z][a-z]{2,}\b")
_NEWLINE = re.compile("\n")
_UNPLACED = Place(text="", start=0, end=0)
_BESIDE = re.compile(r"\s*(?:[a-z][a-z-]*\s*)?(?:,|\(|in\b|near\b|outside\b|of\b)?\s*(?:the\s+)?")
"""Text between an unknown name and the place that holds it: "X, Y", "X (Y", "X village in Y", "X near Y"."""


def precision_of(candidate: Candidate) -> int:
    """ACLED geo_precision of an entry: 1 a town, 2 a second-level division, 3 a region or country."""
    if candidate.kind == "place":
        return 1
    if candidate.kind == "admin2":
        return 2
    return 3


def _inside(place: Candidate, admin: Candidate) -> bool:
    """Whether a town lies in a division (same country and first-level division)."""
    return (place.kind == "place" and place.country_code == admin.country_code
            and place.admin1 is not None and place.admin1 == admin.admin1)


def _article_countries(gazetteer: Gazetteer, names: Sequence[Name],
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
        if not DEMONYM_ENDING.search(word):
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


def _containment(name: Name, candidate: Candidate, names: Sequence[Name]) -> float:
    """Bonus when the name written right after it ("X, Y", "X (Y", "X town in Y") is a country, a division
    or a town that holds the candidate (a town or district: one within :data:`CONTAINER_TOWN_KM`)."""
    if name.container is None or name.container in name.siblings:
        return 0.0
    held = holds(names[name.container])
    if (candidate.country_code, candidate.admin1) in held.admin1s:
        return CONTAINMENT_BONUS + 0.5 if candidate.id not in held.ids else 0.0
    if candidate.country_code in held.countries:
        return CONTAINMENT_BONUS
    if candidate.lat is not None and candidate.lon is not None:
        for lat, lon in held.towns.get(candidate.country_code, ()):
            if haversine_km(lat, lon, candidate.lat, candidate.lon) <= CONTAINER_TOWN_KM:
                return CONTAINMENT_BONUS
    return 0.0


def _foreign_to_article(name: Name, pick: Candidate | None, countries: Counter[str],
                        leaders: Sequence[tuple[str, int]]) -> bool:
    """Whether a small, alias-matched or "the"-led town picked for a name lies in a country the article never
    names while its place names name another one at least :data:`FOREIGN_EVIDENCE` times: "Lu village" in a
    report on Shan State, Myanmar is not Luzhou in China, which GeoNames also calls Lu, and "the Shangri-La"
    among Colombo's hotels is not the Chinese town. ``leaders``: the article's two most named countries by
    place names, with their counts."""
    if pick is None or pick.kind != "place" or not pick.country_code:
        return False
    if countries[pick.country_code] > name.own[pick.country_code]:
        return False
    lead = next((count for code, count in leaders if code != pick.country_code), 0)
    return lead >= FOREIGN_EVIDENCE and (pick.population < FOREIGN_TOWN_POPULATION or pick.key != name.key
                                         or name.after_the)


def _foreign_to_container(name: Name, pick: Candidate | None, container: Candidate | None) -> bool:
    """Whether a small town picked for "X" lies in another country than the "Y" of "X, Y" ("Nejapa, San
    Salvador" is not the Mexican Nejapa): the gazetteer lacks the right X, and Y says where it is."""
    return (pick is not None and container is not None and name.container is not None
            and pick.kind == "place" and pick.population < FOREIGN_TOWN_POPULATION
            and container.kind in ("country", "admin1", "admin2", "place")
            and pick.country_code != container.country_code)


def _followers(names: Sequence[Name], order: Sequence[int], at: int, text: str) -> list[int]:
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


def _agree_with_followers(names: Sequence[Name], picks: Sequence[Candidate | None], countries: Counter[str],
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


def _score(name: Name, candidate: Candidate, names: Sequence[Name], countries: Counter[str],
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


def _pick(names: Sequence[Name], countries: Counter[str], chosen: Sequence[Candidate | None],
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


def _supported(name: Name, candidate: Candidate, names: Sequence[Name], countries: Counter[str]) -> bool:
    """Whether the article backs a spelling-variant match: its country is named, or "X, Y" contains it.

    A consonant skeleton finds "Dayr az Zawr" for "Deir al-Zour" but also Sumter for "Sumatra"; only the
    article's own countries make such a match believable.
    """
    if candidate.country_code and countries[candidate.country_code] > name.own[candidate.country_code]:
        return True
    if _near_spelling(name, candidate):
        return True
    return _containment(name, candidate, names) > 0


def _near_spelling(name: Name, candidate: Candidate) -> bool:
    """Whether a spelling-variant candidate is the written name with a letter or so wrong ("Mauritious"
    for Mauritius; not "Mauritious" for the Emirates, which shares only its consonants)."""
    key = candidate.key or name_key(candidate.name)
    return (len(name.key) >= NEAR_SPELLING_LENGTH
            and Indel.normalized_similarity(name.key, key) >= NEAR_SPELLING)


def _as_placed_once(names: Sequence[Name], picks: Sequence[Candidate | None]) -> list[Candidate | None]:
    """Repetitions of a name that the article placed ("Austin, in Scott County", "Scott County, Indiana")
    take that place, in text order until the article places the name again: a later bare "Scott County" is
    the same county, not the most populous one; a bare one before it is left alone. A list's ", "
    ("Washington, New York and Boston") places nothing."""
    kept = list(picks)
    placed: dict[str, Candidate] = {}
    for index in sorted(range(len(names)), key=lambda i: names[i].mention.start):
        name, pick = names[index], picks[index]
        if name.container is not None:
            if pick is not None and not name.siblings and _containment(name, pick, names) > 0:
                placed[name.key] = pick
        elif name.key in placed and any(c.id == placed[name.key].id for c in name.candidates):
            kept[index] = placed[name.key]
    return kept


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


def _to_place(name: Name, candidate: Candidate | None) -> Place | None:
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


def _list_kinds(names: Sequence[Name], chosen: Sequence[Candidate | None]) -> None:
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
    names = read_names(gazetteer, mentions, text)
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
