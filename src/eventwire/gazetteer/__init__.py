"""The offline gazetteer: place names → GeoNames entries, from one local SQLite file.

Built on first use from data inside installed packages (see :mod:`eventwire.gazetteer.build`), cached in
``$EVENTWIRE_CACHE`` or ``~/.cache/eventwire``, extended with GeoNames dumps or a user CSV through
:func:`import_file`.

>>> gazetteer = Gazetteer.open()                        # doctest: +SKIP
>>> [c.country_code for c in gazetteer.lookup("Deir al-Zour")][:1]   # doctest: +SKIP
['SY']
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self, cast

from eventwire.errors import GazetteerError
from eventwire.gazetteer.build import build, default_path
from eventwire.gazetteer.imports import ImportSummary, import_file
from eventwire.gazetteer.normalize import name_key, normalize, skeleton_key

log = logging.getLogger(__name__)

Kind = Literal["place", "admin1", "admin2", "country", "continent", "region"]

__all__ = ["Candidate", "Country", "Gazetteer", "GazetteerError", "ImportSummary", "Kind", "build",
           "import_file", "name_key", "normalize", "skeleton_key"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """One gazetteer entry a name may refer to."""

    id: int
    """Stable key in the index: the GeoNames id, or a negative id for regions and user-supplied places."""
    geonameid: int | None
    name: str
    lat: float | None
    lon: float | None
    country_code: str | None
    country: str | None
    admin1: str | None
    admin2: str | None
    feature_class: str | None
    feature_code: str | None
    population: int
    kind: Kind
    admin1_code: str | None = None
    admin2_code: str | None = None
    fuzzy: bool = False
    """Found by consonant skeleton only ("Deir al-Zour" → "Dayr az Zawr"), not by a name or alias."""
    key: str = ""
    """:func:`name_key` of ``name``, computed once when the entry is read."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Country:
    """A country of the index."""

    code: str
    iso3: str | None
    name: str
    continent: str | None
    candidate: Candidate


_SELECT = ("SELECT p.id, p.name, p.lat, p.lon, p.country_code, p.admin1, p.admin2, p.feature_class, "
           "p.feature_code, p.population, p.kind, p.admin1_code, p.admin2_code, p.key FROM {table} a "
           "JOIN place p ON p.id = a.id WHERE a.key = ? ORDER BY p.population DESC, p.id")
_BY_ALIAS = _SELECT.format(table="alias")
_BY_SKELETON = _SELECT.format(table="skeleton")

Row = tuple[int, str, float | None, float | None, str | None, str | None, str | None, str | None, str | None,
            int, str, str | None, str | None, str]


class Gazetteer:
    """A read-only view of the index. Cheap to open; safe to share between threads (reads only)."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self.path = path
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        imports = connection.execute("SELECT digest FROM import_log ORDER BY seq").fetchall()
        base = str(meta["version"])
        self.version: str = base if not imports else f"{base}+{len(imports)}imports-{_short_digest(imports)}"
        """Goes into every record's ``extractor.gazetteer``; imports change it."""
        self.sources: dict[str, str] = json.loads(meta.get("sources", "{}"))
        self._country_names: dict[str, str] = dict(connection.execute("SELECT code, name FROM country"))
        self._countries: dict[str, Country] = {}
        self._cache: dict[str, tuple[Candidate, ...]] = {}
        self._demonyms: dict[str, list[Country]] = {}

    @classmethod
    def open(cls, path: Path | None = None) -> Gazetteer:
        """Open the index at ``path`` (default: the versioned file in the cache dir), building it if missing.

        Raises :class:`GazetteerError` when the file exists but is not a gazetteer index.
        """
        target = path or default_path()
        if not target.exists():
            log.info("gazetteer index not found at %s; building it from the installed packages", target)
            build(target)
        try:
            connection = sqlite3.connect(f"file:{target}?mode=ro", uri=True, check_same_thread=False)
            return cls(connection, target)
        except (sqlite3.DatabaseError, KeyError) as error:
            raise GazetteerError(f"not a gazetteer index ({error}); delete it and it will be rebuilt",
                                 where=str(target)) from error

    def close(self) -> None:
        """Close the database connection."""
        self._connection.close()

    def lookup(self, name: str) -> list[Candidate]:
        """Every entry ``name`` may refer to, most populous first.

        Exact name keys first (:func:`name_key`: case, accents, hyphens and Arabic articles ignored); only
        when none matches, consonant skeletons (``"Deir al-Zour"`` finds ``"Dayr az Zawr"``).

        >>> Gazetteer.open().lookup("Ar Raqqah")[0].country_code      # doctest: +SKIP
        'SY'
        """
        key = name_key(name)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._query(key)
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[key] = cached
        return list(cached)

    def _query(self, key: str) -> tuple[Candidate, ...]:
        if not key:
            return ()
        rows = self._connection.execute(_BY_ALIAS, (key,)).fetchall()
        fuzzy = False
        if not rows:
            skeleton = skeleton_key(key)
            if skeleton is not None:
                rows = self._connection.execute(_BY_SKELETON, (skeleton,)).fetchall()
                fuzzy = True
        return tuple(self._candidate(cast(Row, row), fuzzy=fuzzy) for row in rows)

    def _candidate(self, row: Row, *, fuzzy: bool = False) -> Candidate:
        (id_, name, lat, lon, country_code, admin1, admin2, feature_class, feature_code, population, kind,
         admin1_code, admin2_code, key) = row
        return Candidate(id=id_, geonameid=id_ if id_ > 0 else None, name=name, lat=lat, lon=lon,
                         country_code=country_code,
                         country=self._country_names.get(country_code) if country_code else None,
                         admin1=admin1, admin2=admin2, feature_class=feature_class, feature_code=feature_code,
                         population=population, kind=cast(Kind, kind), admin1_code=admin1_code,
                         admin2_code=admin2_code, fuzzy=fuzzy, key=key or name_key(name))

    def get(self, id_: int) -> Candidate | None:
        """The entry with this id (a GeoNames id, or a negative id from :attr:`Candidate.id`)."""
        row = self._connection.execute(
            "SELECT id, name, lat, lon, country_code, admin1, admin2, feature_class, feature_code, population, "
            "kind, admin1_code, admin2_code, key FROM place WHERE id = ?", (id_,)).fetchone()
        return self._candidate(cast(Row, row)) if row else None

    def country(self, code: str) -> Country | None:
        """The country with this ISO 3166-1 alpha-2 or alpha-3 code (any case), or ``None``."""
        wanted = code.strip().upper()
        found = self._countries.get(wanted)
        if found is not None:
            return found
        row = self._connection.execute("SELECT code, iso3, id, name, continent FROM country "
                                       "WHERE code = ? OR iso3 = ?", (wanted, wanted)).fetchone()
        if row is None:
            return None
        candidate = self.get(int(row[2]))
        if candidate is None:
            return None
        found = Country(code=row[0], iso3=row[1], name=row[3], continent=row[4], candidate=candidate)
        self._countries[wanted] = found
        return found

    def demonym(self, word: str) -> list[Country]:
        """Countries a demonym refers to (``"Syrian"``, ``"Iraqis"``); empty when it is not one."""
        found = self._demonyms.get(word)
        if found is None:
            codes = self._connection.execute("SELECT code FROM demonym WHERE key = ? ORDER BY code",
                                             (name_key(word),)).fetchall()
            found = [country for (code,) in codes if (country := self.country(code)) is not None]
            if len(self._demonyms) > 100_000:
                self._demonyms.clear()
            self._demonyms[word] = found
        return list(found)

    def region_countries(self, candidate: Candidate) -> list[str]:
        """ISO codes of the countries a region covers (empty for other kinds)."""
        rows = self._connection.execute("SELECT code FROM region_country WHERE id = ? ORDER BY code",
                                        (candidate.id,)).fetchall()
        return [code for (code,) in rows]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _short_digest(rows: list[tuple[str]]) -> str:
    import hashlib

    return hashlib.sha256("".join(digest for (digest,) in rows).encode()).hexdigest()[:10]

