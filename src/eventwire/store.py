"""The store: one DuckDB file holding articles, every span table the stages fill, and the runs.

Writes are idempotent and transactional per batch: an article is keyed by its id (a content hash, or
the input's own id), its span rows are replaced with it, and a batch is either stored whole or not at
all — so a run killed midway and started again ends with every article stored exactly once. Each
input is also remembered by the hash of its raw content, so a re-run skips what it has done.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import duckdb

from eventwire.errors import StoreBusyError, StoreError
from eventwire.records import SPAN_KEYS, Article, Problem, article_from_json, article_to_json

if TYPE_CHECKING:
    from eventwire.fusion import Cluster, Member

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
READ_WAIT = 3.0
"""Seconds a reader waits for a writer to let go of the file before it gives up with EW402."""
WRITE_WAIT = 30.0
"""Seconds a run waits for readers (``eventwire events``, ``export``) to let go of the file."""

# Span tables: (name, columns as (column, SQL type, function of the record's JSON object)).
_SPAN_TABLES: dict[str, tuple[str, ...]] = {
    "sections": ("kind", "start", "end"),
    "removed": ("text", "reason"),
    **SPAN_KEYS,  # entities, actors, places, times, quotes, amounts: the record's own JSON keys
    "flags": ("code", "message", "spans"),
    "events": ("id", "event_type", "sub_event_type", "plover_type", "plover_mode", "date", "time_precision",
               "actor1", "assoc_actor1", "actor2", "assoc_actor2", "location", "fatalities", "trigger",
               "sentence", "confidence", "rule", "evidence"),
}

_TYPES: dict[str, str] = {
    "start": "INTEGER", "end": "INTEGER", "speaker_start": "INTEGER", "speaker_end": "INTEGER",
    "cue_start": "INTEGER", "cue_end": "INTEGER",
    "inter": "INTEGER", "geonameid": "BIGINT", "lat": "DOUBLE", "lon": "DOUBLE", "precision": "VARCHAR",
    "value": "VARCHAR", "direct": "BOOLEAN", "time_precision": "INTEGER", "fatalities": "INTEGER",
    "confidence": "DOUBLE", "spans": "JSON", "actor1": "JSON", "assoc_actor1": "JSON", "actor2": "JSON",
    "assoc_actor2": "JSON", "location": "JSON", "trigger": "JSON", "sentence": "JSON", "evidence": "JSON",
}
# Per table overrides where one field name means different types.
_TABLE_TYPES: dict[tuple[str, str], str] = {
    ("places", "precision"): "INTEGER", ("amounts", "value"): "DOUBLE", ("amounts", "low"): "DOUBLE",
    ("amounts", "high"): "DOUBLE", ("events", "date"): "VARCHAR",
}

_ARTICLE_COLUMNS = ("id", "source_path", "source_url", "source_format", "title", "authors", "publisher",
                    "published", "language", "text", "extractor_version", "model", "gazetteer", "stored_at")


def _column_type(table: str, column: str) -> str:
    return _TABLE_TYPES.get((table, column), _TYPES.get(column, "VARCHAR"))


def _article_record(values: dict[str, Any]) -> dict[str, Any]:
    """The record's JSON object (without span lists) from a row of the ``articles`` table."""
    return {
        "id": values["id"],
        "source": {"path": values["source_path"], "url": values["source_url"], "format": values["source_format"]},
        "title": values["title"], "authors": values["authors"] or [], "publisher": values["publisher"],
        "published": values["published"], "language": values["language"], "text": values["text"],
        "extractor": {"version": values["extractor_version"], "model": values["model"],
                      "gazetteer": values["gazetteer"]},
    }


def filter_clauses(*, country: str | None, admin1: str | None, event_type: str | None, actor: str | None,
                   actor_names: Sequence[str] | None, since: str | None, until: str | None,
                   fields: dict[str, str], plover: bool = True) -> tuple[list[str], dict[str, Any]]:
    """The SQL conditions and parameters of the event filters over a table whose country, admin1 and
    actor names are the expressions in ``fields``."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if country:
        where.append(f"(lower({fields['country']}) = lower($country) OR lower({fields['country_code']}) = lower($country))")
        params["country"] = country
    if admin1:
        where.append(f"lower({fields['admin1']}) = lower($admin1)")
        params["admin1"] = admin1
    if event_type:
        kinds = "lower(event_type), lower(sub_event_type)" + (", lower(plover_type)" if plover else "")
        where.append(f"lower($type) IN ({kinds})")
        params["type"] = event_type
    if actor or actor_names:
        names = [n.lower() for n in actor_names or ()]
        either = [f"lower({fields[a]}) IN (SELECT unnest($names))" for a in ("actor1", "actor2")]
        if actor:
            either += [f"contains(lower(coalesce({fields[a]}, '')), lower($actor))" for a in ("actor1", "actor2")]
            params["actor"] = actor
        where.append("(" + " OR ".join(either) + ")")
        params["names"] = names
    if since:
        where.append("date >= $since")
        params["since"] = since
    if until:
        where.append("date IS NOT NULL AND substr(date, 1, 10) <= $until")
        params["until"] = until
    return where, params


def _within(near: tuple[float, float, float], lat: float | None, lon: float | None) -> bool:
    from eventwire.places import haversine_km

    return lat is not None and lon is not None and haversine_km(near[0], near[1], lat, lon) <= near[2]


def _schema() -> list[str]:
    statements = [
        "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        """CREATE TABLE IF NOT EXISTS articles (
            id VARCHAR PRIMARY KEY, source_path VARCHAR, source_url VARCHAR, source_format VARCHAR,
            title VARCHAR, authors VARCHAR[], publisher VARCHAR, published VARCHAR, language VARCHAR,
            text VARCHAR, extractor_version VARCHAR, model VARCHAR, gazetteer VARCHAR,
            stored_at TIMESTAMP, text_hash VARCHAR)""",
        # md5 of the text, written with the article so that fusion need not hash every text on every run
        "ALTER TABLE articles ADD COLUMN IF NOT EXISTS text_hash VARCHAR",
        """CREATE TABLE IF NOT EXISTS inputs (
            input_hash VARCHAR PRIMARY KEY, article_id VARCHAR, source_path VARCHAR,
            extractor_version VARCHAR, model VARCHAR, run_id VARCHAR)""",
        """CREATE TABLE IF NOT EXISTS runs (
            run_id VARCHAR PRIMARY KEY, started TIMESTAMP, finished TIMESTAMP, config JSON,
            version VARCHAR, model VARCHAR, gazetteer VARCHAR, inputs INTEGER, stored INTEGER,
            skipped INTEGER, failed INTEGER)""",
        """CREATE TABLE IF NOT EXISTS run_errors (
            run_id VARCHAR, severity VARCHAR, code VARCHAR, "where" VARCHAR, message VARCHAR)""",
    ]
    for table, columns in _SPAN_TABLES.items():
        cols = ", ".join(f'"{c}" {_column_type(table, c)}' for c in columns)
        statements.append(f'CREATE TABLE IF NOT EXISTS {table} (article_id VARCHAR, idx INTEGER, {cols})')
        # A store made before a record gained an optional field gets the column, empty for old rows.
        statements.extend(f'ALTER TABLE {table} ADD COLUMN IF NOT EXISTS "{c}" {_column_type(table, c)}'
                          for c in columns)
    statements.extend(_FUSION_SCHEMA)
    return statements


# Fusion (eventwire.fusion): each event as fusion sees it, its block (country × event type) and a
# fingerprint of its fields, so that a changed event — not only a new or removed one — is fused again.
_MEMBER_VIEW = """CREATE OR REPLACE VIEW fusion_members AS
    WITH m AS (
        SELECT e.article_id, e.id AS event_id, a.publisher, a.published, e.event_type, e.sub_event_type,
               json_extract_string(e.actor1, '$.name') AS actor1, json_extract_string(e.actor2, '$.name') AS actor2,
               e.date, e.time_precision, json_extract_string(e.location, '$.name') AS location,
               CAST(json_extract(e.location, '$.lat') AS DOUBLE) AS lat,
               CAST(json_extract(e.location, '$.lon') AS DOUBLE) AS lon,
               CAST(json_extract(e.location, '$.geo_precision') AS INTEGER) AS geo_precision,
               json_extract_string(e.location, '$.country') AS country,
               json_extract_string(e.location, '$.country_code') AS country_code,
               json_extract_string(e.location, '$.admin1') AS admin1, e.fatalities,
               coalesce(a.text_hash, md5(a.text)) AS text_hash
        FROM events e JOIN articles a ON a.id = e.article_id)
    SELECT *, coalesce(country_code, '') || '|' || coalesce(event_type, '') AS block,
           md5(concat_ws('|', coalesce(publisher, ''), coalesce(published, ''), coalesce(event_type, ''),
                         coalesce(sub_event_type, ''), coalesce(actor1, ''), coalesce(actor2, ''),
                         coalesce(date, ''), coalesce(CAST(time_precision AS VARCHAR), ''),
                         coalesce(location, ''), coalesce(CAST(lat AS VARCHAR), ''),
                         coalesce(CAST(lon AS VARCHAR), ''), coalesce(CAST(geo_precision AS VARCHAR), ''),
                         coalesce(country, ''), coalesce(admin1, ''),
                         coalesce(CAST(fatalities AS VARCHAR), ''), text_hash)) AS fingerprint
    FROM m"""
_MEMBER_COLUMNS = ("event_id", "article_id", "publisher", "published", "event_type", "sub_event_type", "actor1",
                   "actor2", "date", "time_precision", "location", "lat", "lon", "geo_precision", "country",
                   "country_code", "admin1", "fatalities", "text_hash")
_CLUSTER_COLUMNS = ("cluster_id", "block", "event_type", "sub_event_type", "actor1", "actor2", "date",
                    "time_precision", "location", "lat", "lon", "geo_precision", "country", "country_code",
                    "admin1", "fatalities", "articles", "publishers", "earliest_report", "support", "disagreements",
                    "best_article_id", "best_event_id")
_FUSION_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS clusters (
        cluster_id VARCHAR, block VARCHAR, event_type VARCHAR, sub_event_type VARCHAR, actor1 VARCHAR,
        actor2 VARCHAR, date VARCHAR, time_precision INTEGER, location VARCHAR, lat DOUBLE, lon DOUBLE,
        geo_precision INTEGER, country VARCHAR, country_code VARCHAR, admin1 VARCHAR, fatalities INTEGER,
        articles INTEGER, publishers INTEGER, earliest_report VARCHAR, support JSON, disagreements JSON,
        best_article_id VARCHAR, best_event_id VARCHAR)""",
    "ALTER TABLE clusters ADD COLUMN IF NOT EXISTS best_article_id VARCHAR",
    "ALTER TABLE clusters ADD COLUMN IF NOT EXISTS best_event_id VARCHAR",
    """CREATE TABLE IF NOT EXISTS cluster_members (
        cluster_id VARCHAR, block VARCHAR, article_id VARCHAR, event_id VARCHAR, fingerprint VARCHAR)""",
    _MEMBER_VIEW,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSummary:
    run_id: str
    inputs: int
    stored: int
    skipped: int
    failed: int
    problems: tuple[Problem, ...]
    clusters: int = 0
    """Clusters in the store after the run's fusion (one per happening; see eventwire.fusion)."""
    multi_source: int = 0
    """Clusters reported by more than one article."""


class Store:
    """A DuckDB store. Use as a context manager; ``Store(":memory:")`` for tests.

    >>> with Store(":memory:") as store:  # doctest: +SKIP
    ...     store.write([article], inputs=[("hash", article.id, "a.txt")], run_id="r1")
    """

    def __init__(self, path: str | Path, *, read_only: bool = False, wait: float | None = None) -> None:
        """Open (or, to write, create) the store at ``path``.

        DuckDB lets one process open a file to write and no other process open it meanwhile, even to
        read: an ``eventwire run`` holds its store until it ends. A reader retries for ``wait`` seconds
        (default :data:`READ_WAIT`; a writer :data:`WRITE_WAIT`), then raises :class:`StoreBusyError`
        (EW402) saying so. Readers never see half a batch: each batch is written in one transaction.
        """
        self.path = str(path)
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreError("no such database; run `eventwire run PATH…` first to make one", where=self.path)
        self.con = self._connect(read_only, READ_WAIT if wait is None and read_only else WRITE_WAIT if wait is None
                                 else wait)
        if not read_only:
            for statement in _schema():
                self.con.execute(statement)
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])

    def _connect(self, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + wait
        while True:
            try:
                return duckdb.connect(self.path, read_only=read_only)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise StoreError(f"cannot open the database ({exc})", where=self.path) from exc
                if time.monotonic() >= deadline:
                    holder = "an `eventwire run` is writing to it" if read_only else "another process has it open"
                    raise StoreBusyError(
                        f"the database is busy: {holder} (waited {wait:.0f} s). DuckDB lets no other process "
                        "open the file meanwhile; try again when it has finished", where=self.path) from exc
                time.sleep(0.2)
            except duckdb.Error as exc:
                raise StoreError(f"cannot open the database ({exc}); is it a DuckDB file made by eventwire?",
                                 where=self.path) from exc

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    # --- writing ------------------------------------------------------------------------------------

    def write(self, articles: Sequence[Article], *, inputs: Sequence[tuple[str, str, str]], run_id: str,
              problems: Sequence[Problem] = ()) -> None:
        """Store a batch in one transaction: articles (replacing any with the same id, span rows
        included), the inputs they came from as (input hash, article id, source path), and the batch's
        problems in the run's error list."""
        if not articles and not inputs:
            self.add_problems(run_id, problems)
            return
        records = [article_to_json(a) for a in articles]
        ids = [r["id"] for r in records]
        stamp = datetime.now(UTC).replace(tzinfo=None)
        try:
            self.con.execute("BEGIN TRANSACTION")
            if ids:
                for table in (*_SPAN_TABLES, "articles"):
                    key = "id" if table == "articles" else "article_id"
                    self.con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT unnest($ids))", {"ids": ids})
                self._insert("articles", {
                    "id": ids,
                    "source_path": [r["source"]["path"] for r in records],
                    "source_url": [r["source"]["url"] for r in records],
                    "source_format": [r["source"]["format"] for r in records],
                    "title": [r["title"] for r in records],
                    "authors": [r["authors"] for r in records],
                    "publisher": [r["publisher"] for r in records],
                    "published": [r["published"] for r in records],
                    "language": [r["language"] for r in records],
                    "text": [r["text"] for r in records],
                    "extractor_version": [r["extractor"]["version"] for r in records],
                    "model": [r["extractor"]["model"] for r in records],
                    "gazetteer": [r["extractor"]["gazetteer"] for r in records],
                    "stored_at": [stamp] * len(records),
                    "text_hash": [hashlib.md5(r["text"].encode("utf-8", errors="surrogatepass")).hexdigest()
                                  for r in records],
                })
                for table, columns in _SPAN_TABLES.items():
                    self._insert_spans(table, columns, records)
            if inputs:
                hashes = [h for h, _, _ in inputs]
                self.con.execute("DELETE FROM inputs WHERE input_hash IN (SELECT unnest($h))", {"h": hashes})
                version = records[0]["extractor"]["version"] if records else None
                model = records[0]["extractor"]["model"] if records else None
                self._insert("inputs", {
                    "input_hash": hashes, "article_id": [a for _, a, _ in inputs],
                    "source_path": [p for _, _, p in inputs], "extractor_version": [version] * len(inputs),
                    "model": [model] * len(inputs), "run_id": [run_id] * len(inputs),
                })
            self.add_problems(run_id, problems)
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            self.con.execute("ROLLBACK")
            raise StoreError(f"writing a batch of {len(articles)} articles failed ({exc}); nothing of it "
                             "was stored", where=self.path) from exc

    def _insert_spans(self, table: str, columns: tuple[str, ...], records: list[dict[str, Any]]) -> None:
        data: dict[str, list[Any]] = {"article_id": [], "idx": [], **{c: [] for c in columns}}
        json_columns = {c for c in columns if _column_type(table, c) == "JSON"}
        for record in records:
            for idx, item in enumerate(record[table]):
                data["article_id"].append(record["id"])
                data["idx"].append(idx)
                for column in columns:
                    value = item[column]
                    data[column].append(json.dumps(value) if column in json_columns else value)
        if data["idx"]:
            self._insert(table, data)

    def _insert(self, table: str, columns: dict[str, list[Any]]) -> None:
        # One list parameter per column, unnested side by side: ~4x faster than a list of rows.
        names = list(columns)
        params = {f"p{i}": columns[name] for i, name in enumerate(names)}
        select = ", ".join(f"unnest($p{i})" for i in range(len(names)))
        quoted = ", ".join(f'"{n}"' for n in names)
        self.con.execute(f"INSERT INTO {table} ({quoted}) SELECT {select}", params)

    def start_run(self, run_id: str, *, config: dict[str, Any], version: str, model: str | None,
                  gazetteer: str | None) -> None:
        self.con.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, NULL, ?, ?, ?, ?, 0, 0, 0, 0)",
                         [run_id, datetime.now(UTC).replace(tzinfo=None), json.dumps(config),
                          version, model, gazetteer])

    def add_problems(self, run_id: str, problems: Iterable[Problem]) -> None:
        rows = [(run_id, p.severity, p.code, p.where, p.message) for p in problems]
        if rows:
            self._insert("run_errors", {name: [row[i] for row in rows]
                                        for i, name in enumerate(("run_id", "severity", "code", "where", "message"))})

    def finish_run(self, summary: RunSummary) -> None:
        self.con.execute("UPDATE runs SET finished = ?, inputs = ?, stored = ?, skipped = ?, failed = ? "
                         "WHERE run_id = ?",
                         [datetime.now(UTC).replace(tzinfo=None), summary.inputs, summary.stored,
                          summary.skipped, summary.failed, summary.run_id])

    # --- reading ------------------------------------------------------------------------------------

    def done_inputs(self, hashes: Sequence[str], *, version: str, model: str,
                    gazetteer: str | None = None) -> set[str]:
        """The hashes among ``hashes`` already stored by this extractor version and model — and, when
        ``gazetteer`` is given, whose article was located with that gazetteer version."""
        if not hashes:
            return set()
        sql = ("SELECT input_hash FROM inputs i WHERE input_hash IN (SELECT unnest($h)) "
               "AND extractor_version = $v AND coalesce(model, '') = $m")
        params: dict[str, Any] = {"h": list(hashes), "v": version, "m": model}
        if gazetteer is not None:
            sql += " AND EXISTS (SELECT 1 FROM articles a WHERE a.id = i.article_id AND a.gazetteer = $g)"
            params["g"] = gazetteer
        return {r[0] for r in self.con.execute(sql, params).fetchall()}

    def article_sources(self, ids: Sequence[str]) -> dict[str, str]:
        """The source path of each stored article among ``ids``."""
        if not ids:
            return {}
        rows = self.con.execute("SELECT id, source_path FROM articles WHERE id IN (SELECT unnest($ids))",
                                {"ids": list(ids)}).fetchall()
        return {r[0]: r[1] for r in rows}

    def entity_labels(self, *, limit: int = 6) -> list[tuple[str, int]]:
        """The most frequent entity labels in the store, with their counts."""
        rows = self.con.execute("SELECT label, count(*) AS n FROM entities GROUP BY label ORDER BY n DESC, label "
                                "LIMIT ?", [limit]).fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        tables = ("articles", *_SPAN_TABLES, "inputs", "runs", "run_errors")
        return {t: int(self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}  # type: ignore[index]

    def articles(self, *, limit: int | None = None) -> list[dict[str, Any]]:
        """Stored articles, newest first, without their text: id, title, publisher, published, source,
        and counts of sections, entities and removed pieces."""
        sql = """SELECT a.id, a.title, a.publisher, a.published, a.source_path, a.source_format,
                   length(a.text) AS chars,
                   (SELECT count(*) FROM entities e WHERE e.article_id = a.id) AS entities,
                   (SELECT count(*) FROM removed r WHERE r.article_id = a.id) AS removed
                 FROM articles a ORDER BY a.stored_at DESC, a.source_path"""
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        cursor = self.con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def article(self, article_id: str) -> Article | None:
        """Rebuild one stored article, every span table included (the inverse of :meth:`write`)."""
        cursor = self.con.execute(f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles WHERE id = ?", [article_id])
        row = cursor.fetchone()
        if row is None:
            return None
        values = dict(zip(_ARTICLE_COLUMNS, row, strict=True))
        record = _article_record(values)
        for table, columns in _SPAN_TABLES.items():
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = self.con.execute(f"SELECT {quoted} FROM {table} WHERE article_id = ? ORDER BY idx",
                                    [article_id]).fetchall()
            json_columns = {c for c in columns if _column_type(table, c) == "JSON"}
            record[table] = [{c: json.loads(v) if c in json_columns and v is not None else v
                              for c, v in zip(columns, r, strict=True)} for r in rows]
        return article_from_json(record)

    def iter_articles(self, *, batch_size: int = 500,
                      only: Sequence[str] | None = None) -> Iterator[tuple[Article, datetime]]:
        """Every stored article with the time it was stored, in id order, read a batch at a time (one
        query per table per batch, not per article: exports of large stores stay fast).

        ``only`` names the span lists to read (e.g. ``("events",)``); the others are left empty.
        """
        wanted = {t: c for t, c in _SPAN_TABLES.items() if only is None or t in only}
        ids = [row[0] for row in self.con.execute("SELECT id FROM articles ORDER BY id").fetchall()]
        for first in range(0, len(ids), batch_size):
            batch = ids[first:first + batch_size]
            rows = self.con.execute(f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles "
                                    "WHERE id IN (SELECT unnest($ids)) ORDER BY id", {"ids": batch}).fetchall()
            spans: dict[str, dict[str, list[dict[str, Any]]]] = {}
            for table, columns in wanted.items():
                quoted = ", ".join(f'"{c}"' for c in columns)
                json_columns = {c for c in columns if _column_type(table, c) == "JSON"}
                found: dict[str, list[dict[str, Any]]] = {}
                for row in self.con.execute(f"SELECT article_id, {quoted} FROM {table} WHERE article_id IN "
                                            "(SELECT unnest($ids)) ORDER BY article_id, idx", {"ids": batch}).fetchall():
                    found.setdefault(row[0], []).append(
                        {c: json.loads(v) if c in json_columns and v is not None else v
                         for c, v in zip(columns, row[1:], strict=True)})
                spans[table] = found
            for row in rows:
                values = dict(zip(_ARTICLE_COLUMNS, row, strict=True))
                record = _article_record(values)
                for table in _SPAN_TABLES:
                    record[table] = spans[table].get(values["id"], []) if table in spans else []
                yield article_from_json(record), values["stored_at"]

    # --- fusion (eventwire.fusion) ------------------------------------------------------------------

    def _members(self, where: str, params: dict[str, Any], *, with_cluster: bool) -> list[Member]:
        from eventwire.fusion import Member

        columns = ", ".join(f"f.{c}" for c in _MEMBER_COLUMNS)
        if with_cluster:
            sql = (f"SELECT {columns}, c.cluster_id FROM fusion_members f JOIN cluster_members c "
                   f"USING (article_id, event_id, fingerprint) WHERE {where}")
        else:
            sql = f"SELECT {columns}, NULL FROM fusion_members f WHERE {where}"
        names = (*_MEMBER_COLUMNS, "cluster_id")
        return [Member(**dict(zip(names, row, strict=True))) for row in self.con.execute(sql, params).fetchall()]

    def fusion_changes(self) -> tuple[list[Member], set[str]]:
        """What fusion has not seen: the events added or changed since the clusters were last written,
        and the clusters that lost a member (removed or changed)."""
        new = self._members("NOT EXISTS (SELECT 1 FROM cluster_members c WHERE c.article_id = f.article_id "
                            "AND c.event_id = f.event_id AND c.fingerprint = f.fingerprint)", {}, with_cluster=False)
        rows = self.con.execute("""SELECT DISTINCT c.cluster_id FROM cluster_members c WHERE NOT EXISTS (
                                       SELECT 1 FROM fusion_members f WHERE f.article_id = c.article_id
                                       AND f.event_id = c.event_id AND f.fingerprint = c.fingerprint)""").fetchall()
        return new, {row[0] for row in rows}

    def fused_members_near(self, members: Sequence[Member], *, days: int) -> list[Member]:
        """The already fused events in the blocks of ``members`` and within ``days`` of their dates,
        each with its cluster."""
        spans: dict[str, tuple[int, int]] = {}
        for member in members:
            if member.day is None:
                continue
            low, high = spans.get(member.block, (member.day, member.day))
            spans[member.block] = (min(low, member.day), max(high, member.day))
        if not spans:
            return []
        # day numbers as in datetime.date.toordinal(): DuckDB counts days from 1970-01-01 (ordinal 719163)
        params = {"b": list(spans), "lo": [low - days - 719163 for low, _ in spans.values()],
                  "hi": [high + days - 719163 for _, high in spans.values()]}
        where = """EXISTS (SELECT 1 FROM (SELECT unnest($b) AS block, unnest($lo) AS lo, unnest($hi) AS hi) s
                           WHERE s.block = f.block
                             AND date_diff('day', DATE '1970-01-01', try_cast(left(f.date, 10) AS DATE))
                                 BETWEEN s.lo AND s.hi)"""
        return self._members(where, params, with_cluster=True)

    def members_of(self, cluster_ids: Iterable[str]) -> list[Member]:
        """The events of these clusters that are still stored as they were fused."""
        ids = sorted(cluster_ids)
        if not ids:
            return []
        return self._members("c.cluster_id IN (SELECT unnest($ids))", {"ids": ids}, with_cluster=True)

    def replace_clusters(self, replaced: Iterable[str], clusters: Sequence[Cluster]) -> None:
        """Delete the clusters ``replaced`` (ids) and write ``clusters``, in one transaction."""
        old = sorted(replaced)
        cluster_rows: dict[str, list[Any]] = {c: [] for c in _CLUSTER_COLUMNS}
        member_rows: dict[str, list[Any]] = {c: [] for c in ("cluster_id", "block", "article_id", "event_id")}
        for found in clusters:
            best = found.best_member
            values = {"cluster_id": found.id, "block": found.block, "event_type": found.best("event_type"),
                      "sub_event_type": found.best("sub_event_type"), "actor1": found.best("actor1"),
                      "actor2": found.best("actor2"), "date": found.best("date"),
                      "time_precision": best.time_precision, "location": best.location, "lat": best.lat,
                      "lon": best.lon, "geo_precision": best.geo_precision, "country": best.country,
                      "country_code": best.country_code, "admin1": best.admin1,
                      "fatalities": found.best("fatalities"), "articles": found.articles,
                      "publishers": found.publishers, "earliest_report": found.earliest_report,
                      "support": json.dumps({k: [[s.value, s.articles] for s in v] for k, v in found.support.items()}),
                      "disagreements": json.dumps({k: [[s.value, s.articles] for s in v]
                                                   for k, v in found.disagreements.items()}),
                      "best_article_id": best.article_id, "best_event_id": best.event_id}
            for column in _CLUSTER_COLUMNS:
                cluster_rows[column].append(values[column])
            for member in found.members:
                member_rows["cluster_id"].append(found.id)
                member_rows["block"].append(found.block)
                member_rows["article_id"].append(member.article_id)
                member_rows["event_id"].append(member.event_id)
        try:
            self.con.execute("BEGIN TRANSACTION")
            new_ids = cluster_rows["cluster_id"]
            for table in ("clusters", "cluster_members"):
                self.con.execute(f"DELETE FROM {table} WHERE cluster_id IN (SELECT unnest($ids))",
                                 {"ids": [*old, *new_ids]})
            if new_ids:
                self._insert("clusters", cluster_rows)
                self._insert("cluster_members", member_rows)
                # the fingerprint is the view's, read back so that it is computed in one place
                self.con.execute("""UPDATE cluster_members SET fingerprint = f.fingerprint FROM fusion_members f
                                    WHERE cluster_members.article_id = f.article_id
                                      AND cluster_members.event_id = f.event_id
                                      AND cluster_members.cluster_id IN (SELECT unnest($ids))""", {"ids": new_ids})
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            self.con.execute("ROLLBACK")
            raise StoreError(f"writing {len(clusters)} clusters failed ({exc}); the previous clusters are kept",
                             where=self.path) from exc

    def clear_clusters(self) -> None:
        """Forget every cluster (the next fusion clusters every event again)."""
        self.con.execute("DELETE FROM cluster_members")
        self.con.execute("DELETE FROM clusters")

    def meta(self, key: str) -> str | None:
        """A value of the store's ``meta`` table."""
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def cluster_counts(self) -> tuple[int, int, int]:
        """Events, clusters, and clusters with more than one article."""
        row = self.con.execute("""SELECT (SELECT count(*) FROM cluster_members), count(*),
                                         count(*) FILTER (WHERE articles > 1) FROM clusters""").fetchone()
        return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)

    def problems(self, run_id: str | None = None) -> list[Problem]:
        """The error list of one run (the latest when ``run_id`` is None)."""
        if run_id is None:
            row = self.con.execute("SELECT run_id FROM runs ORDER BY started DESC LIMIT 1").fetchone()
            if row is None:
                return []
            run_id = row[0]
        rows = self.con.execute('SELECT severity, code, "where", message FROM run_errors WHERE run_id = ?',
                                [run_id]).fetchall()
        return [Problem(severity=r[0], code=r[1], where=r[2], message=r[3]) for r in rows]

    def events(self, *, country: str | None = None, admin1: str | None = None, event_type: str | None = None,
               actor: str | None = None, actor_names: Sequence[str] | None = None, since: str | None = None,
               until: str | None = None, near: tuple[float, float, float] | None = None,
               limit: int | None = None) -> list[dict[str, Any]]:
        """The stored events that pass every filter given, by date (undated last), then article.

        Args:
            country: the location's country name or country code (case-insensitive).
            admin1: the location's first-level division (case-insensitive).
            event_type: an ACLED event type or sub-event type, or a PLOVER type (case-insensitive, exact).
            actor: part of the name of actor 1 or actor 2 (case-insensitive).
            actor_names: or else one of these names exactly (e.g. every alias the table knows).
            since: the first date, ``YYYY-MM-DD`` (undated events are left out).
            until: the last date, ``YYYY-MM-DD``, inclusive.
            near: ``(lat, lon, km)``: within that great-circle distance of the point.
            limit: at most this many events.

        Returns each event's JSON object (DESIGN.md's keys) with ``article_id`` and ``cluster_id``.

        >>> store.events(country="SY", event_type="Battles", since="2019-03-01")  # doctest: +SKIP
        [{'article_id': '…', 'id': '…', 'event_type': 'Battles', …}]
        """
        columns = _SPAN_TABLES["events"]
        where, params = filter_clauses(
            country=country, admin1=admin1, event_type=event_type, actor=actor, actor_names=actor_names,
            since=since, until=until,
            fields={"country": "json_extract_string(location, '$.country')",
                    "country_code": "json_extract_string(location, '$.country_code')",
                    "admin1": "json_extract_string(location, '$.admin1')",
                    "actor1": "json_extract_string(actor1, '$.name')",
                    "actor2": "json_extract_string(actor2, '$.name')"})
        quoted = ", ".join(f'e."{c}"' for c in columns)
        sql = (f"SELECT e.article_id, m.cluster_id, {quoted} FROM events e LEFT JOIN cluster_members m "
               f"ON m.article_id = e.article_id AND m.event_id = e.id"
               f"{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY e.date NULLS LAST, e.article_id, e.idx")
        json_columns = {c for c in columns if _column_type("events", c) == "JSON"}
        found: list[dict[str, Any]] = []
        for row in self.con.execute(sql, params).fetchall():
            event = {"article_id": row[0], "cluster_id": row[1],
                     **{c: json.loads(v) if c in json_columns and v is not None else v
                        for c, v in zip(columns, row[2:], strict=True)}}
            place = event["location"] or {}
            if near is not None and not _within(near, place.get("lat"), place.get("lon")):
                continue
            found.append(event)
            if limit is not None and len(found) >= limit:
                break
        return found

    def clusters(self, *, country: str | None = None, admin1: str | None = None, event_type: str | None = None,
                 actor: str | None = None, actor_names: Sequence[str] | None = None, since: str | None = None,
                 until: str | None = None, near: tuple[float, float, float] | None = None,
                 limit: int | None = None) -> list[dict[str, Any]]:
        """The clusters (one per happening; see :mod:`eventwire.fusion`) that pass every filter, with the
        filters of :meth:`events` applied to each cluster's best-supported values; by date, then id."""
        where, params = filter_clauses(
            country=country, admin1=admin1, event_type=event_type, actor=actor, actor_names=actor_names,
            since=since, until=until, fields={"country": "country", "country_code": "country_code",
                                              "admin1": "admin1", "actor1": "actor1", "actor2": "actor2"},
            plover=False)
        names = (*_CLUSTER_COLUMNS, "events")
        sql = (f"SELECT {', '.join(_CLUSTER_COLUMNS)}, (SELECT count(*) FROM cluster_members m "
               f"WHERE m.cluster_id = clusters.cluster_id) FROM clusters"
               f"{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY date NULLS LAST, cluster_id")
        found: list[dict[str, Any]] = []
        for row in self.con.execute(sql, params).fetchall():
            cluster = dict(zip(names, row, strict=True))
            cluster["support"] = json.loads(cluster["support"] or "{}")
            cluster["disagreements"] = json.loads(cluster["disagreements"] or "{}")
            if near is not None and not _within(near, cluster["lat"], cluster["lon"]):
                continue
            found.append(cluster)
            if limit is not None and len(found) >= limit:
                break
        return found

    def cluster_sources(self) -> dict[str, str]:
        """Each cluster's publishers (or, without one, source paths), sorted and joined by "; "."""
        rows = self.con.execute("""SELECT m.cluster_id, string_agg(DISTINCT coalesce(a.publisher, a.source_path), '; '
                                                           ORDER BY coalesce(a.publisher, a.source_path))
                                   FROM cluster_members m JOIN articles a ON a.id = m.article_id
                                   GROUP BY m.cluster_id""").fetchall()
        return {row[0]: row[1] for row in rows}

    def actor_names(self) -> list[str]:
        """Every actor name the store's events use (actor 1 and 2), sorted."""
        rows = self.con.execute("""SELECT DISTINCT name FROM (
                                       SELECT json_extract_string(actor1, '$.name') AS name FROM events
                                       UNION SELECT json_extract_string(actor2, '$.name') FROM events)
                                   WHERE name IS NOT NULL ORDER BY name""").fetchall()
        return [row[0] for row in rows]
