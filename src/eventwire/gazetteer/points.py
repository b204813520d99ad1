"""Reference points for countries and first-level divisions, from data that installed packages carry.

* Countries: the area centroid of the largest polygon of countryinfo's outline (:func:`country_points`).
* First-level divisions: the point ``countrystatecity-countries`` gives the state or province, matched to
  the GeoNames division by name within its country (:func:`division_points`) and accepted only when it
  lies near the division's own towns; otherwise the middle of the box holding those towns
  (:func:`town_centre`), which misplaces a large province whose towns crowd into one corner.
"""

from __future__ import annotations

import ast
import functools
import json
import math
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

from rapidfuzz.distance import Indel

from eventwire.data import read_toml
from eventwire.gazetteer.normalize import name_key


class Located(Protocol):
    """Anything with a point and a population (a town row while the index is built)."""

    @property
    def lat(self) -> float | None: ...

    @property
    def lon(self) -> float | None: ...

    @property
    def population(self) -> int: ...


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres.

    >>> round(haversine_km(48.85, 2.35, 51.51, -0.13))
    344
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def package_file(package: str, *parts: str) -> Any:
    """A data file inside an installed package."""
    resource = resources.files(package)
    for part in parts:
        resource = resource.joinpath(part)
    return resource


def town_centre(members: Sequence[Located], trim: float = 0.01) -> tuple[float, float, int] | None:
    """The middle of the box holding the central ``1 - 2 * trim`` of member latitudes and longitudes, and
    their population.

    Trimming 1 % at each side keeps a far-off island or a mis-coded town from dragging the box; on the
    countries that countryinfo places, this estimate from towns alone is within 161 km of its point for
    80 % of them (5 % trimmed: 78 %; a population-weighted mean: 68 %). First-level divisions are not
    trimmed: the towns of a large province crowd into its south (Ontario, Queensland, New South Wales),
    and the 1 % trimmed away are the few that mark its sparse north or west.

    >>> from types import SimpleNamespace
    >>> town_centre([SimpleNamespace(lat=float(i), lon=10.0, population=i) for i in range(101)])
    (50.0, 10.0, 5050)
    """
    points = [(member.lat, member.lon) for member in members if member.lat is not None and member.lon is not None]
    if not points:
        return None
    population = sum(member.population for member in members)
    lats = sorted(lat for lat, _ in points)
    lons = sorted(lon for _, lon in points)
    low = int(trim * len(points))
    high = len(points) - 1 - low
    return (round((lats[low] + lats[high]) / 2, 5), round((lons[low] + lons[high]) / 2, 5), population)


def countryinfo_records() -> Iterator[tuple[str, dict[str, Any]]]:
    """Each country of countryinfo's data files as (ISO alpha-2 code, its record)."""
    for resource in package_file("countryinfo", "data").iterdir():
        if not resource.name.endswith(".json"):
            continue
        info = json.loads(resource.read_text(encoding="utf-8"))
        code = (info.get("ISO") or {}).get("alpha2")
        if code:
            yield str(code), info


def country_points() -> dict[str, tuple[float, float]]:
    """A reference point for each country, by ISO alpha-2 code, from countryinfo's data files.

    The point is the area centroid of the country's largest polygon in countryinfo's outline when that
    centroid lies inside it (the geographic centre: 38.9 N 98.9 W for the United States); otherwise,
    or without an outline, countryinfo's ``latlng``, a whole-degree point.
    """
    points: dict[str, tuple[float, float]] = {}
    for code, info in countryinfo_records():
        ring = _largest_ring(info.get("geoJSON"))
        centre = _area_centroid(ring) if ring else None
        latlng = info.get("latlng") or []
        if centre is not None and ring and _inside(centre, ring):
            points[str(code)] = centre
        elif len(latlng) == 2:
            points[str(code)] = (float(latlng[0]), float(latlng[1]))
    return points


def _largest_ring(outline: object) -> list[tuple[float, float]] | None:
    """The outer ring (lon, lat pairs) of the largest polygon of a GeoJSON FeatureCollection.

    countryinfo stores it as the text of a Python literal, read with :func:`ast.literal_eval` (no code runs).
    """
    if isinstance(outline, str):
        try:
            outline = ast.literal_eval(outline)
        except (ValueError, SyntaxError):
            return None
    if not isinstance(outline, dict):
        return None
    best: list[tuple[float, float]] | None = None
    best_area = 0.0
    for feature in outline.get("features") or []:
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates") or []
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            ring = [(float(point[0]), float(point[1])) for point in polygon[0]]
            area = abs(_signed_area(ring))
            if area > best_area:
                best, best_area = ring, area
    return best


def _signed_area(ring: Sequence[tuple[float, float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True)) / 2


def _ring_centroid(ring: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """The area centroid of a ring of (lon, lat) pairs, as (lat, lon); planar, as a label point needs.

    >>> _ring_centroid([(0.0, 0.0), (4.0, 0.0), (4.0, 2.0), (0.0, 2.0)])
    (1.0, 2.0)
    """
    area = _signed_area(ring)
    if not area:
        return None
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return round(cy / (6 * area), 5), round(cx / (6 * area), 5)


def _area_centroid(ring: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """The area centroid on the sphere of a ring of (lon, lat) pairs, as (lat, lon).

    The ring is taken to the cylindrical equal-area plane (lon, sin lat) first: in plain degrees a square
    degree near the pole counts as much land as one at the equator, which put the centre of China and
    Russia 1–2° too far north.

    >>> _area_centroid([(0.0, -10.0), (4.0, -10.0), (4.0, 10.0), (0.0, 10.0)])
    (0.0, 2.0)
    """
    flat = [(lon, math.sin(math.radians(lat))) for lon, lat in ring]
    centre = _ring_centroid(flat)
    if centre is None:
        return None
    return round(math.degrees(math.asin(max(-1.0, min(1.0, centre[0])))), 5), centre[1]


def _inside(point: tuple[float, float], ring: Sequence[tuple[float, float]]) -> bool:
    """Whether a (lat, lon) point lies inside a ring of (lon, lat) pairs (even-odd rule).

    >>> square = [(0.0, 0.0), (4.0, 0.0), (4.0, 2.0), (0.0, 2.0)]
    >>> _inside((1.0, 2.0), square), _inside((3.0, 2.0), square)
    (True, False)
    """
    lat, lon = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


# --- first-level divisions --------------------------------------------------------------------------

SIMILAR_NAMES = 0.8
"""Least Indel similarity of two division names (kind words dropped) that are taken for one division."""
NAMESAKE_KM = 25.0
"""A state's point this close to its namesake town is the town's (countrystatecity puts New York State at
New York City), and is not used when half the division's towns lie further than :data:`NAMESAKE_SPREAD_KM`
from it."""
NAMESAKE_SPREAD_KM = 100.0
BOX_MARGIN_DEGREES = 1.0
"""How far outside the box of a division's own towns its reference point may lie (a coast, an empty
interior); a point further out belongs to a namesake elsewhere (countrystatecity's "Bolton" is in
Scotland)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class State:
    """A state or province as countrystatecity gives it."""

    name: str
    lat: float
    lon: float
    key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Division:
    """A GeoNames first-level division waiting for a reference point."""

    code: Hashable
    names: tuple[str, ...]
    towns: tuple[tuple[float, float], ...]
    """Points of the towns in it."""
    namesakes: tuple[tuple[float, float], ...] = ()
    """Points of its towns that bear its name (New York City in New York State)."""


def division_key(name: str) -> str:
    """A division's name as compared across sources: :func:`name_key` without words for its kind.

    >>> division_key("Belgorodskaya oblast'"), division_key("Nei Mongol Zizhiqu"), division_key("Oblast")
    ('belgorodskaya', 'nei mongol', 'oblast')
    """
    words = name_key(name).split()
    kinds = _kind_words()
    kept = [word for word in words if word not in kinds]
    return " ".join(kept or words)


@functools.cache
def _kind_words() -> frozenset[str]:
    """Words that name the kind of a division rather than the division (data/divisions.toml ``kinds``)."""
    return frozenset(str(word) for word in read_toml("divisions.toml")["kinds"])


def read_states() -> dict[str, list[State]]:
    """countrystatecity's states and provinces with a point, by ISO alpha-2 country code."""
    states: dict[str, list[State]] = {}
    for folder in package_file("countrystatecity_countries", "data", "by-country").iterdir():
        listing = folder.joinpath("states.json")
        if not listing.is_file():
            continue
        for state in json.loads(listing.read_text(encoding="utf-8")):
            try:
                lat, lon = float(state["latitude"]), float(state["longitude"])
            except (KeyError, TypeError, ValueError):
                continue
            for name in {str(state.get("name") or ""), str(state.get("native") or "")} - {""}:
                states.setdefault(folder.name, []).append(State(name=name, lat=lat, lon=lon,
                                                                key=division_key(name)))
    return states


def division_points(divisions: Sequence[Division], states: Sequence[State]) -> dict[Hashable, tuple[float, float]]:
    """Reference points for one country's divisions from its ``states``: a division takes the state of the
    same name (kind words dropped) — of its own name before its aliases, and of two states that share a
    name ("Kyiv" the city and "Kyiv" the oblast, once "oblast" is dropped) the one nearer its towns —, else
    the most similar unclaimed one at :data:`SIMILAR_NAMES` or above (or whose name begins the other's:
    "Belgorod" / "Belgorodskaya"); a state serves one division, and only when its point lies within
    :data:`BOX_MARGIN_DEGREES` of the division's towns.

    >>> states = [State(name=n, lat=la, lon=lo, key=division_key(n))
    ...           for n, la, lo in [("Belgorod", 50.7, 37.4), ("Hebei", 39.0, 116.0)]]
    >>> divisions = [Division(code="09", names=("Belgorodskaya oblast'",), towns=((49.8, 35.4), (51.4, 39.2))),
    ...              Division(code="10", names=("Hebei Sheng", "Hebei"), towns=((20.0, 90.0), (21.0, 91.0)))]
    >>> division_points(divisions, states)
    {'09': (50.7, 37.4)}
    """
    points: dict[Hashable, tuple[float, float]] = {}
    claimed: set[tuple[float, float]] = set()
    by_key: dict[str, list[State]] = {}
    for state in states:
        by_key.setdefault(state.key, []).append(state)
    pairs: list[tuple[float, int, float, int, State]] = []
    for number, division in enumerate(divisions):
        keys = [division_key(name) for name in division.names]
        centre = _middle(box_of(division.towns))
        exact = [(rank, state) for rank, key in enumerate(dict.fromkeys(key for key in keys if key))
                 for state in by_key.get(key, [])]
        if exact:
            pairs.extend((2.0, min(rank, 1), _away(state, centre), number, state) for rank, state in exact)
            continue
        for state in states:
            score = max((_similarity(key, state.key) for key in keys if key), default=0.0)
            if score >= SIMILAR_NAMES:
                pairs.append((score, 2, _away(state, centre), number, state))
    for _score, _rank, _distance, number, state in sorted(pairs, key=lambda pair: (-pair[0], *pair[1:4])):
        division = divisions[number]
        point = (state.lat, state.lon)
        if division.code in points or point in claimed or not _near(point, box_of(division.towns)) or \
                _at_namesake(point, division):
            continue
        points[division.code] = point
        claimed.add(point)
    return points


def box_of(points: Sequence[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    """The box (min lat, min lon, max lat, max lon) holding ``points``, or ``None`` without any."""
    if not points:
        return None
    lats = [lat for lat, _ in points]
    lons = [lon for _, lon in points]
    return min(lats), min(lons), max(lats), max(lons)


def _at_namesake(point: tuple[float, float], division: Division) -> bool:
    if not any(haversine_km(*point, *town) <= NAMESAKE_KM for town in division.namesakes):
        return False
    distances = sorted(haversine_km(*point, *town) for town in division.towns)
    return distances[len(distances) // 2] > NAMESAKE_SPREAD_KM


def _middle(box: tuple[float, float, float, float] | None) -> tuple[float, float] | None:
    return None if box is None else ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)


def _away(state: State, centre: tuple[float, float] | None) -> float:
    """How far a state's point lies from the middle of a division's towns (0 without towns)."""
    return 0.0 if centre is None else haversine_km(state.lat, state.lon, *centre)


def _similarity(first: str, second: str) -> float:
    if min(len(first), len(second)) >= 5 and (first.startswith(second) or second.startswith(first)):
        return 0.9
    return float(Indel.normalized_similarity(first, second))


def _near(point: tuple[float, float], box: tuple[float, float, float, float] | None) -> bool:
    if box is None:
        return True
    lat, lon = point
    return (box[0] - BOX_MARGIN_DEGREES <= lat <= box[2] + BOX_MARGIN_DEGREES
            and box[1] - BOX_MARGIN_DEGREES <= lon <= box[3] + BOX_MARGIN_DEGREES)
