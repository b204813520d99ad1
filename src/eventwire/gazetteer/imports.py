"""Merge more places into the gazetteer index: GeoNames dumps and user CSV files.

Accepted files (plain or inside a ``.zip``, read as a stream, never whole into memory):

* a GeoNames dump in its own 19-column tab-separated format — ``allCountries.txt``, a country file such
  as ``SY.txt``, ``cities500.txt``;
* ``alternateNamesV2.txt`` (or the older 8-column ``alternateNames.txt``): names for places already in
  the index;
* a user CSV: ``name, lat, lon, country[, admin1, admin2, aliases]`` with aliases separated by ``|``;
  a header row starting with ``name`` is skipped; ``country`` is an ISO code or a country name.

A bad line is counted and reported with its line number; it never stops the import.

>>> summary = import_file(None, Path("SY.zip"))            # doctest: +SKIP
>>> summary.added, summary.bad                             # doctest: +SKIP
(12345, 0)
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from eventwire.errors import GazetteerError
from eventwire.gazetteer.build import _Row, build, default_path, synthetic_id, usable_alias, write_rows
from eventwire.gazetteer.normalize import name_key, skeleton_key

log = logging.getLogger(__name__)

FileKind = Literal["geonames", "alternate_names", "csv"]
_CSV_COLUMNS = ("name", "lat", "lon", "country", "admin1", "admin2", "aliases")

BATCH = 20_000
MAX_REPORTED = 1_000
"""Bad lines beyond this many are counted but not listed."""

GEONAMES_COLUMNS = 19
# Alternate-name "languages" that are codes or links, not names.
SKIPPED_LANGUAGES = frozenset({"link", "post", "iata", "icao", "faac", "fr_1793", "wkdt", "unlc", "tcid"})
COUNTRY_CODES = ("PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR")


@dataclass(frozen=True, slots=True, kw_only=True)
class BadLine:
    """A line that could not be imported."""

    line: int
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportSummary:
    """What :func:`import_file` did."""

    gazetteer: Path
    file: Path
    kind: FileKind
    added: int
    """Entries that were not in the index."""
    updated: int
    """Entries replaced by the file's version (same GeoNames id)."""
    aliases: int
    """Name keys added (alternate-name files) or written (other files)."""
    bad: int
    bad_lines: tuple[BadLine, ...]
    """The first :data:`MAX_REPORTED` bad lines."""


@contextmanager
def _lines(file: Path) -> Iterator[Iterator[str]]:
    """The text lines of ``file``, or of the data member of a zip archive."""
    if zipfile.is_zipfile(file):
        with zipfile.ZipFile(file) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()
                       and info.filename.lower().endswith((".txt", ".csv", ".tsv"))
                       and info.filename.lower() not in ("readme.txt", "iso-languagecodes.txt")]
            if not members:
                raise GazetteerError("the zip archive holds no .txt, .csv or .tsv file", where=str(file))
            member = max(members, key=lambda info: info.file_size)
            with archive.open(member) as raw:
                yield iter(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
        return
    with file.open("r", encoding="utf-8", newline="") as handle:
        yield iter(handle)


def _detect(file: Path, first_line: str) -> FileKind:
    name = file.name.casefold()
    if "alternatename" in name:
        return "alternate_names"
    columns = first_line.rstrip("\r\n").split("\t")
    if name.endswith(".csv") or len(columns) == 1:
        return "csv"
    if len(columns) in (8, 10) and columns[0].isdigit() and columns[1].isdigit():
        return "alternate_names"
    return "geonames"


def _digest(file: Path) -> str:
    sha = hashlib.sha256()
    with file.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


class _Importer:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.added = self.updated = self.aliases = self.bad = 0
        self.bad_lines: list[BadLine] = []
        self.admin_names: dict[tuple[str, str, str], str] = {
            (country, admin1, admin2): name for country, admin1, admin2, name in connection.execute(
                "SELECT a.country_code, a.admin1_code, a.admin2_code, p.name FROM admin a "
                "JOIN place p ON p.id = a.id")}
        self.country_ids = {code: id_ for code, id_ in connection.execute("SELECT code, id FROM country")}
        self.country_by_name: dict[str, str] = {}
        for code, iso3, name in connection.execute("SELECT code, iso3, name FROM country"):
            for label in (code, iso3 or "", name):
                if label:
                    self.country_by_name[name_key(label)] = code
        for key, code in connection.execute(
                "SELECT a.key, p.country_code FROM alias a JOIN place p ON p.id = a.id WHERE p.kind = 'country'"):
            self.country_by_name.setdefault(key, code)

    def report(self, line: int, reason: str) -> None:
        self.bad += 1
        if len(self.bad_lines) < MAX_REPORTED:
            self.bad_lines.append(BadLine(line=line, reason=reason))

    def flush(self, rows: list[_Row]) -> None:
        if not rows:
            return
        ids = [row.id for row in rows]
        known: set[int] = set()
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            known.update(id_ for (id_,) in self.connection.execute(
                f"SELECT id FROM place WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
        self.updated += len(known)
        self.added += len(set(ids) - known)
        _, aliases = write_rows(self.connection, rows)
        self.aliases += aliases
        admins = [(row.country_code or "", row.admin1_code or "", (row.admin2_code or "") if row.kind == "admin2"
                   else "", row.id) for row in rows if row.kind in ("admin1", "admin2")]
        self.connection.executemany("INSERT OR REPLACE INTO admin VALUES (?, ?, ?, ?)", admins)
        for country, admin1, admin2, id_ in admins:
            self.admin_names[(country, admin1, admin2)] = next(row.name for row in rows if row.id == id_)
        rows.clear()

    def geonames(self, lines: Iterator[str]) -> None:
        rows: list[_Row] = []
        for number, line in enumerate(lines, 1):
            columns = line.rstrip("\r\n").split("\t")
            if len(columns) != GEONAMES_COLUMNS:
                self.report(number, f"{len(columns)} tab-separated columns, expected {GEONAMES_COLUMNS}")
                continue
            try:
                row = self._geonames_row(columns)
            except ValueError as error:
                self.report(number, str(error))
                continue
            rows.append(row)
            if len(rows) >= BATCH:
                self.flush(rows)
        self.flush(rows)

    def _geonames_row(self, columns: list[str]) -> _Row:
        (geonameid, name, asciiname, alternates, lat, lon, feature_class, feature_code, country, _cc2,
         admin1, admin2, *_rest) = columns
        population = columns[14]
        if not geonameid.isdigit():
            raise ValueError(f"geonameid {geonameid!r} is not a number")
        latitude, longitude = _coordinates(lat, lon)
        if not name:
            raise ValueError("empty name")
        kind = "place"
        if feature_code in ("ADM1", "ADM2"):
            kind = "admin1" if feature_code == "ADM1" else "admin2"
        elif feature_code in COUNTRY_CODES and self.country_ids.get(country) == int(geonameid):
            kind = "country"
        elif feature_code == "CONT":
            kind = "continent"
        aliases = {alias for alias in [asciiname, *alternates.split(",")] if usable_alias(alias, name)}
        return _Row(id=int(geonameid), name=name, lat=latitude, lon=longitude,
                    feature_class=feature_class or None, feature_code=feature_code or None,
                    country_code=country or None, admin1_code=admin1 or None,
                    admin1=self.admin_names.get((country, admin1, "")) if admin1 else None,
                    admin2_code=admin2 or None,
                    admin2=self.admin_names.get((country, admin1, admin2)) if admin2 else None,
                    population=int(population) if population.isdigit() else 0, kind=kind, aliases=aliases)

    def alternate_names(self, lines: Iterator[str]) -> None:
        pending: list[tuple[int, str, int]] = []
        for number, line in enumerate(lines, 1):
            columns = line.rstrip("\r\n").split("\t")
            if len(columns) < 4 or not columns[1].isdigit():
                self.report(number, "expected alternateNameId, geonameid, isolanguage, alternate name, …")
                continue
            if columns[2] in SKIPPED_LANGUAGES or not usable_alias(columns[3], ""):
                continue
            key = name_key(columns[3])
            if key:
                pending.append((number, key, int(columns[1])))
            if len(pending) >= BATCH:
                self._add_aliases(pending)
        self._add_aliases(pending)

    def _add_aliases(self, pending: list[tuple[int, str, int]]) -> None:
        ids = sorted({id_ for _, _, id_ in pending})
        known: set[int] = set()
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            known.update(id_ for (id_,) in self.connection.execute(
                f"SELECT id FROM place WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
        rows = [(key, id_) for _, key, id_ in pending if id_ in known]
        before = self.connection.total_changes
        self.connection.executemany("INSERT OR IGNORE INTO alias (key, id) VALUES (?, ?)", rows)
        self.aliases += self.connection.total_changes - before
        skeletons = [(skeleton, id_) for key, id_ in rows if (skeleton := skeleton_key(key)) is not None]
        self.connection.executemany("INSERT OR IGNORE INTO skeleton (key, id) VALUES (?, ?)", skeletons)
        pending.clear()

    def user_csv(self, lines: Iterator[str]) -> None:
        rows: list[_Row] = []
        order = list(_CSV_COLUMNS)
        for number, columns in enumerate(csv.reader(lines), 1):
            if not columns or not any(cell.strip() for cell in columns):
                continue
            if number == 1 and columns[0].strip().casefold() == "name":
                # a header names the columns: they may come in any order, optional ones left out
                header = [cell.strip().casefold() for cell in columns]
                order = [column if column in _CSV_COLUMNS else "" for column in header]
                continue
            values = dict(zip(order, (cell.strip() for cell in columns), strict=False))
            name, lat, lon, country, admin1, admin2, aliases = (values.get(c, "") for c in _CSV_COLUMNS)
            try:
                if not name:
                    raise ValueError("empty name")
                latitude, longitude = _coordinates(lat, lon)
                code = self._country_code(country)
            except ValueError as error:
                self.report(number, str(error))
                continue
            rows.append(_Row(id=synthetic_id("user", name, code, latitude, longitude), name=name, lat=latitude,
                             lon=longitude, feature_class="P", feature_code="PPL", country_code=code,
                             admin1=admin1 or None, admin2=admin2 or None,
                             aliases={alias.strip() for alias in aliases.split("|") if alias.strip()}))
        self.flush(rows)

    def _country_code(self, country: str) -> str:
        if country.upper() in self.country_ids:
            return country.upper()
        code = self.country_by_name.get(name_key(country))
        if code is None:
            raise ValueError(f"unknown country {country!r}: give an ISO 3166 code or a country name")
        return code


def _coordinates(lat: str, lon: str) -> tuple[float, float]:
    try:
        latitude, longitude = float(lat), float(lon)
    except ValueError:
        raise ValueError(f"latitude/longitude {lat!r}, {lon!r} are not numbers") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"latitude/longitude {latitude}, {longitude} out of range")
    return latitude, longitude


def import_file(gazetteer_path: Path | None, file: Path) -> ImportSummary:
    """Merge ``file`` into the index at ``gazetteer_path`` (default: the cached index, built if missing).

    Entries with a GeoNames id already in the index are replaced by the file's version (their earlier
    names stay). The import is recorded in the index, so :attr:`Gazetteer.version` changes.

    Raises :class:`GazetteerError` when ``file`` cannot be opened or read as text.
    """
    target = gazetteer_path or default_path()
    if not file.is_file():
        raise GazetteerError("no such file; give a GeoNames dump (.txt or .zip) or a CSV", where=str(file))
    if not target.exists():
        build(target)
    connection = sqlite3.connect(target)
    try:
        importer = _Importer(connection)
        with _lines(file) as lines:
            first = next(lines, "")
            kind = _detect(file, first)
            log.info("importing %s as %s into %s", file, kind, target)
            stream = _chain(first, lines)
            if kind == "geonames":
                importer.geonames(stream)
            elif kind == "alternate_names":
                importer.alternate_names(stream)
            else:
                importer.user_csv(stream)
        connection.execute("INSERT INTO import_log (file, kind, digest, added, updated, aliases, bad) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)", (file.name, kind, _digest(file), importer.added,
                                                            importer.updated, importer.aliases, importer.bad))
        connection.commit()
    except UnicodeDecodeError as error:
        raise GazetteerError(f"not UTF-8 text ({error})", where=str(file)) from error
    finally:
        connection.close()
    if importer.bad:
        log.warning("%s: %d bad lines skipped (first at line %d: %s)", file, importer.bad,
                    importer.bad_lines[0].line, importer.bad_lines[0].reason)
    return ImportSummary(gazetteer=target, file=file, kind=kind, added=importer.added, updated=importer.updated,
                         aliases=importer.aliases, bad=importer.bad, bad_lines=tuple(importer.bad_lines))


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest
