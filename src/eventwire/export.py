"""Exports: the store's happenings (fusion's clusters) — or, on request, its single events — as files
researchers load anywhere.

``acled-csv``  one row per happening (``--members``: per event of each article), ACLED's column names
               where the meaning is the same (event_id_cnty, event_date, year, time_precision,
               disorder_type, event_type, sub_event_type, actor1, assoc_actor_1, inter1, actor2,
               assoc_actor_2, inter2, interaction, civilian_targeting, iso, region, country, admin1,
               admin2, location, latitude, longitude, geo_precision, source, source_scale, notes,
               fatalities, timestamp), then our evidence columns (:data:`EVIDENCE_COLUMNS`: the article,
               the trigger and sentence with their offsets, the rule, the confidence, PLOVER type and
               mode, and the happening: cluster, articles, publishers, earliest report, disagreements);
``parquet``    the same rows with typed columns (DuckDB's writer);
``geojson``    a FeatureCollection (RFC 7946) of the rows that have coordinates, a Point each, the
               row's fields as properties;
``jsonl``      the full records, one article per line, exactly what ``eventwire extract --format jsonl``
               prints: nothing is lost, and :func:`eventwire.records.article_from_json` reads it back.

A happening's row is its best-supported report's row (the member whose place and date are the
cluster's) with the cluster's best-supported type, actors, date and fatalities; ``source`` lists every
publisher, as ACLED's does. Where ACLED and eventwire differ, the file says what eventwire knows:
``fatalities`` is empty when the sources give no figure (ACLED writes 0 there), ``source_scale`` is
empty (we do not know it), and with ``time_precision`` 2 or 3 ``event_date`` is a day standing for
the week (its Wednesday) or the month (the 15th), as the events stage dates them. The ``notes`` column is written from the fields and the evidence
sentence, so a row reads alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import math
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import duckdb

from eventwire.data import read_toml
from eventwire.errors import UsageError
from eventwire.gazetteer.points import countryinfo_records
from eventwire.records import Article, Event, EventActor, article_to_json
from eventwire.store import Store

log = logging.getLogger(__name__)

__all__ = ["ACLED_COLUMNS", "EVIDENCE_COLUMNS", "FORMATS", "ExportSummary", "event_rows", "export"]

Format = Literal["acled-csv", "jsonl", "parquet", "geojson"]
FORMATS: tuple[str, ...] = ("acled-csv", "jsonl", "parquet", "geojson")

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "location", "latitude", "longitude",
    "geo_precision", "source", "source_scale", "notes", "fatalities", "timestamp")
"""ACLED's columns, in ACLED's order."""

EVIDENCE_COLUMNS: tuple[str, ...] = (
    "event_uid", "article_id", "article_title", "published", "source_path", "source_url", "trigger",
    "trigger_start", "trigger_end", "sentence", "sentence_start", "sentence_end", "evidence_sentences", "rule",
    "confidence", "plover_type", "plover_mode", "cluster_id", "articles", "publishers", "earliest_report",
    "disagreements")
"""eventwire's own columns after ACLED's: where each row comes from, to the character (for a happening,
the evidence of its best-supported report), and the happening it belongs to: its cluster, its number
of articles and of publishers, its earliest report, and the fields its reports disagree on."""

_SQL_TYPES: dict[str, str] = {
    "year": "INTEGER", "time_precision": "INTEGER", "inter1": "INTEGER", "inter2": "INTEGER",
    "interaction": "INTEGER", "iso": "INTEGER", "latitude": "DOUBLE", "longitude": "DOUBLE",
    "geo_precision": "INTEGER", "fatalities": "INTEGER", "timestamp": "BIGINT", "trigger_start": "INTEGER",
    "trigger_end": "INTEGER", "sentence_start": "INTEGER", "sentence_end": "INTEGER",
    "evidence_sentences": "INTEGER", "confidence": "DOUBLE", "event_date": "DATE", "articles": "INTEGER",
    "publishers": "INTEGER"}


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportSummary:
    """What an export wrote: rows (events, or articles for ``jsonl``), and the events left out of a
    GeoJSON file because they have no coordinates (counted, never dropped silently)."""

    path: str
    format: str
    rows: int
    without_coordinates: int = 0


# --- country facts ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Country:
    iso3: str
    numeric: int | None
    region: str | None


@lru_cache(maxsize=1)
def _tables() -> dict[str, Any]:
    """``data/exports.toml``: disorder types, regions, notes templates."""
    return read_toml("exports.toml")


@lru_cache(maxsize=1)
def _countries() -> dict[str, _Country]:
    """ISO alpha-3, numeric code and ACLED region of each country, by ISO alpha-2 code (countryinfo)."""
    regions = _tables()["region"]
    countries: dict[str, _Country] = {}
    for code, info in countryinfo_records():
        iso = info["ISO"]
        if not iso.get("alpha3"):
            continue
        numeric = str(iso.get("numeric") or "")
        region = (regions["country"].get(code) or regions["subregion"].get(info.get("intermediateregion") or "")
                  or regions["subregion"].get(info.get("subregion") or ""))
        countries[str(code)] = _Country(str(iso["alpha3"]), int(numeric) if numeric.isdigit() else None, region)
    return countries


# --- rows ---------------------------------------------------------------------------------------------

def _date_phrase(date: str | None, precision: int | None) -> str:
    """``23 March 2019``; ``the week of 18 March 2019`` (precision 2); ``March 2019`` (precision 3)."""
    if not date:
        return "an unknown date"
    try:
        day = dt.date.fromisoformat(date[:10])
    except ValueError:
        return date
    if precision == 3:
        return f"{day:%B %Y}"
    phrase = f"{day.day} {day:%B %Y}"
    return f"the week of {phrase}" if precision == 2 else phrase


def _notes(event: Event, article: Article) -> str:
    """ACLED-style notes: a sentence written from the fields, the fatalities, and the evidence quoted."""
    templates = _tables()["notes"]
    template = templates["sub_event_type"].get(event.sub_event_type or "", templates["default"])
    actor1 = event.actor1.name if event.actor1 else "unidentified actors"
    actor2 = event.actor2.name if event.actor2 else None
    place = event.location.name if event.location is not None and event.location.name else None
    text = template.format(
        date=_date_phrase(event.date, event.time_precision), actor1=actor1, actor2=actor2 or "unidentified actors",
        location=place or "", location_object=f" {place}" if place else " territory",
        against=f" against {actor2}" if actor2 else "", by=f" planted by {actor1}" if event.actor1 else "",
        **{"in": f" in {place}" if place else "", "from": f" from {actor2}" if actor2 else ""})
    if event.event_type is None:
        text = f"On {_date_phrase(event.date, event.time_precision)}, {actor1}: {event.plover_type or 'event'}."
    if event.fatalities is not None:
        text += f" {event.fatalities} fatalit{'y' if event.fatalities == 1 else 'ies'}."
    sentence = " ".join(article.text[event.sentence.start:event.sentence.end].split())
    if len(sentence) > 400:
        sentence = sentence[:399] + "…"
    return f'{text} Source: "{sentence}"'


def _names(actors: tuple[EventActor, ...]) -> str | None:
    return "; ".join(a.name for a in actors) or None


def _interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's interaction code: the two inter codes, the lower first (``10`` for a sole state action)."""
    if inter1 is None and inter2 is None:
        return None
    codes = sorted(c for c in (inter1, inter2) if c is not None)
    return codes[0] * 10 + (codes[1] if len(codes) > 1 else 0)


def _row(event: Event, article: Article, stored_at: dt.datetime | None) -> dict[str, Any]:
    loc = event.location
    country = _countries().get(loc.country_code or "") if loc is not None else None
    inter1 = event.actor1.inter if event.actor1 else None
    inter2 = event.actor2.inter if event.actor2 else None
    disorder = _tables()["disorder_type"].get(event.event_type or "")
    targets_civilians = event.event_type in ("Violence against civilians", "Explosions/Remote violence") \
        and inter2 == 7
    return {
        "event_id_cnty": f"{country.iso3 if country else 'XXX'}{event.id[:12]}",
        "event_date": event.date[:10] if event.date else None,
        "year": int(event.date[:4]) if event.date and event.date[:4].isdigit() else None,
        "time_precision": event.time_precision,
        "disorder_type": disorder,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": event.actor1.name if event.actor1 else None,
        "assoc_actor_1": _names(event.assoc_actor1),
        "inter1": inter1,
        "actor2": event.actor2.name if event.actor2 else None,
        "assoc_actor_2": _names(event.assoc_actor2),
        "inter2": inter2,
        "interaction": _interaction(inter1, inter2),
        "civilian_targeting": "Civilian targeting" if targets_civilians else None,
        "iso": country.numeric if country else None,
        "region": country.region if country else None,
        "country": loc.country if loc else None,
        "admin1": loc.admin1 if loc else None,
        "admin2": loc.admin2 if loc else None,
        "location": loc.name if loc else None,
        "latitude": loc.lat if loc else None,
        "longitude": loc.lon if loc else None,
        "geo_precision": loc.geo_precision if loc else None,
        "source": article.publisher or article.source.url or article.source.path,
        "source_scale": None,
        "notes": _notes(event, article),
        "fatalities": event.fatalities,
        "timestamp": int(stored_at.replace(tzinfo=dt.UTC).timestamp()) if stored_at is not None else None,
        "event_uid": event.id,
        "article_id": article.id,
        "article_title": article.title,
        "published": article.published,
        "source_path": article.source.path,
        "source_url": article.source.url,
        "trigger": event.trigger.text,
        "trigger_start": event.trigger.start,
        "trigger_end": event.trigger.end,
        "sentence": article.text[event.sentence.start:event.sentence.end],
        "sentence_start": event.sentence.start,
        "sentence_end": event.sentence.end,
        "evidence_sentences": max(1, len(event.evidence)),
        "rule": event.rule,
        "confidence": event.confidence,
        "plover_type": event.plover_type,
        "plover_mode": event.plover_mode,
    }


def _disagreements(cluster: dict[str, Any]) -> str | None:
    """``fatalities: 12 (2) vs 15 (1); date: …`` — the values each field's reports give, with their support."""
    found = cluster.get("disagreements") or {}
    return "; ".join(f"{name}: " + " vs ".join(f"{value} ({n})" for value, n in values)
                     for name, values in found.items()) or None


def _as_happening(row: dict[str, Any], event: Event, cluster: dict[str, Any], sources: str | None) -> dict[str, Any]:
    """A happening's row: its best-supported report's row with the cluster's best-supported values."""
    for field, column in (("event_type", "event_type"), ("sub_event_type", "sub_event_type"), ("actor1", "actor1"),
                          ("actor2", "actor2"), ("fatalities", "fatalities")):
        row[column] = cluster.get(field) if cluster.get(field) is not None else row[column]
    for name, inter in (("actor1", "inter1"), ("actor2", "inter2")):
        mine = getattr(event, name)
        if mine is None or mine.name != row[name]:
            row[inter] = None  # the inter code is the best report's; another name's is not known here
    row["interaction"] = _interaction(row["inter1"], row["inter2"])
    if cluster.get("date"):
        row["event_date"] = cluster["date"][:10]
        row["year"] = int(cluster["date"][:4])
    row["disorder_type"] = _tables()["disorder_type"].get(row["event_type"] or "")
    row["source"] = sources or row["source"]
    if cluster.get("articles", 1) > 1:
        row["notes"] += f" Reported by {cluster['articles']} articles ({sources})."
    return row


def event_rows(store: Store, *, members: bool = False) -> Iterator[dict[str, Any]]:
    """One flat row per happening (fusion's cluster; the default) or, with ``members``, per stored event:
    ACLED's columns, then :data:`EVIDENCE_COLUMNS`; by article id and then in text order. An event the
    store has not fused yet is a happening of its own.

    >>> with Store(":memory:") as store:
    ...     list(event_rows(store))
    []
    """
    clusters = {c["cluster_id"]: c for c in store.clusters()}
    membership = {(a, e): c for c, a, e in store.con.execute(
        "SELECT cluster_id, article_id, event_id FROM cluster_members").fetchall()}
    sources = store.cluster_sources() if not members else {}
    for article, stored_at in store.iter_articles(only=("events",)):
        for event in article.events:
            row = _row(event, article, stored_at)
            cluster_id = membership.get((article.id, event.id))
            cluster = clusters.get(cluster_id or "")
            if cluster is not None:
                row.update(cluster_id=cluster_id, articles=cluster["articles"], publishers=cluster["publishers"],
                           earliest_report=cluster["earliest_report"], disagreements=_disagreements(cluster))
                if not members:
                    if (cluster.get("best_article_id"), cluster.get("best_event_id")) != (article.id, event.id):
                        continue
                    row = _as_happening(row, event, cluster, sources.get(cluster_id or ""))
            else:
                row.update(cluster_id=None, articles=1, publishers=1 if article.publisher else 0,
                           earliest_report=article.published, disagreements=None)
            yield row


# --- writers -------------------------------------------------------------------------------------------

def _write_csv(store: Store, out: Path, members: bool) -> int:
    rows = 0
    columns = (*ACLED_COLUMNS, *EVIDENCE_COLUMNS)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in event_rows(store, members=members):
            writer.writerow([row[c] for c in columns])
            rows += 1
    return rows


def _write_parquet(store: Store, out: Path, members: bool) -> int:
    """The CSV rows, typed: written as CSV to a scratch file, then read and written by DuckDB's own
    CSV reader and Parquet writer (far faster than handing DuckDB 100,000 Python rows)."""
    columns = (*ACLED_COLUMNS, *EVIDENCE_COLUMNS)
    types = ", ".join(f"'{c}': '{_SQL_TYPES.get(c, 'VARCHAR')}'" for c in columns)
    with tempfile.TemporaryDirectory(prefix="eventwire-export-") as scratch:
        rows_csv = Path(scratch) / "rows.csv"
        rows = _write_csv(store, rows_csv, members)
        with duckdb.connect() as con:
            con.execute(f"COPY (SELECT * FROM read_csv('{_sql_path(rows_csv)}', header = true, "
                        f"columns = {{{types}}}, quote = '\"', escape = '\"', max_line_size = 100000000)) "
                        f"TO '{_sql_path(out)}' (FORMAT parquet)")
    return rows


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _write_geojson(store: Store, out: Path, members: bool) -> tuple[int, int]:
    features: list[dict[str, Any]] = []
    without = 0
    for row in event_rows(store, members=members):
        lat, lon = row["latitude"], row["longitude"]
        if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
            without += 1
            continue
        geometry = {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}  # RFC 7946: lon, lat
        features.append({"type": "Feature", "id": row["event_uid"], "geometry": geometry, "properties": row})
    with out.open("w", encoding="utf-8") as handle:
        # dumps, not dump: json.dump streams through the pure-Python encoder, ~5x slower on large files
        handle.write(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
    return len(features), without


def _write_jsonl(store: Store, out: Path) -> int:
    rows = 0
    with out.open("w", encoding="utf-8") as handle:
        for article, _ in store.iter_articles():
            handle.write(json.dumps(article_to_json(article), ensure_ascii=False) + "\n")
            rows += 1
    return rows


def export(db: str | Path, format: str, out: str | Path, *, members: bool = False) -> ExportSummary:
    """Write the store's happenings — or, with ``members``, its single events; for ``jsonl``, its full
    records — to ``out`` in ``format``.

    Args:
        db: the DuckDB store (``eventwire run`` made it).
        format: one of :data:`FORMATS`.
        out: the file to write (replaced if it exists).
        members: one row per event of each article instead of one per happening.

    Returns: what was written. Raises :class:`~eventwire.errors.UsageError` for an unknown format or an
    output that cannot be written, :class:`~eventwire.errors.StoreError` when the store cannot be read.

    >>> export("missing.duckdb", "acled-csv", "out.csv")  # doctest: +SKIP
    Traceback (most recent call last):
    eventwire.errors.StoreError: missing.duckdb: no such database; run `eventwire run PATH…` first to make one
    """
    if format not in FORMATS:
        raise UsageError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    target = Path(out)
    if not target.parent.is_dir():
        raise UsageError("the folder to write into does not exist; create it or pick another path",
                         where=str(target))
    try:
        with Store(db, read_only=True) as store:
            without = 0
            if format == "acled-csv":
                rows = _write_csv(store, target, members)
            elif format == "parquet":
                rows = _write_parquet(store, target, members)
            elif format == "geojson":
                rows, without = _write_geojson(store, target, members)
            else:
                rows = _write_jsonl(store, target)
    except OSError as exc:
        raise UsageError(f"cannot write the export ({exc.strerror or exc})", where=str(target)) from exc
    if without:
        log.warning("%d events have no coordinates and are not in the GeoJSON file (the CSV, Parquet and "
                    "JSONL exports have them)", without)
    return ExportSummary(path=str(target), format=format, rows=rows, without_coordinates=without)
