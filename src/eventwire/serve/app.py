"""The web page's JSON API and static files, as a WSGI application over a read-only store.

Every handler validates its query parameters and answers JSON; a bad parameter is a 400 with a message,
an unknown id a 404, and anything unexpected a 500 whose body names no code path (the traceback goes to
the log, not the client). The store is opened once, read-only; each request uses its own cursor.
The server holds the file only while requests use it and lets go after ``IDLE_SECONDS`` without one, so an
``eventwire run`` can write to the store while the page stays open; while the run writes, the API answers
503 (DuckDB lets no other process open the file), and when it has finished the page sees the new data.
While the server holds the file nothing can change it, so API answers are kept in a bounded cache
(``CACHE_BYTES``) keyed by path and parameters — every page load asks for the same map points, timeline
and stats — and the cache is dropped when the file changed while the server had let it go.

>>> app = App("eventwire.duckdb")  # doctest: +SKIP
>>> status, headers, body = app.get("/api/events?country=SY&limit=5")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from eventwire.actors import ActorTable, load_actors, same_actor
from eventwire.errors import StoreBusyError
from eventwire.records import article_to_json
from eventwire.store import Store, filter_clauses

__all__ = ["ApiError", "App", "Filters", "parse_filters"]

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
_STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8"}
_STATUS = {200: "200 OK", 400: "400 Bad Request", 404: "404 Not Found", 405: "405 Method Not Allowed",
           500: "500 Internal Server Error"}
_FILTER_KEYS = ("country", "admin1", "type", "actor", "since", "until", "near", "q", "bbox")
_MAX_TEXT = 200
_MAX_LIMIT = 1000
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
_SECURITY_HEADERS = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
                     ("Content-Security-Policy",
                      "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'")]

IDLE_SECONDS = 2.0
"""Seconds without a request after which the server lets go of the store, so that a run can write to it."""

CACHE_BYTES = 64 * 2**20
"""The most bytes of API answers kept for repeated queries (least recently used ones go first)."""

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class ApiError(Exception):
    """A request the API refuses: its HTTP status and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True, kw_only=True)
class Filters:
    """The validated filters shared by /api/events, /api/points and /api/timeline."""

    country: str | None = None
    admin1: str | None = None
    type: str | None = None
    actor: str | None = None
    since: str | None = None
    until: str | None = None
    near: tuple[float, float, float] | None = None
    q: str | None = None
    bbox: tuple[float, float, float, float] | None = None


def _one(params: dict[str, list[str]], key: str) -> str | None:
    values = params.get(key)
    if not values:
        return None
    if len(values) > 1:
        raise ApiError(400, f"{key}: give it once")
    value = values[0].strip()
    if len(value) > _MAX_TEXT:
        raise ApiError(400, f"{key}: at most {_MAX_TEXT} characters")
    return value or None


def _date(params: dict[str, list[str]], key: str) -> str | None:
    value = _one(params, key)
    if value is None:
        return None
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise ApiError(400, f"{key}: a date YYYY-MM-DD, not {value!r}") from None
    return value


def _numbers(value: str, key: str, count: int, shape: str) -> list[float]:
    parts = value.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) != count or not all(math.isfinite(n) for n in numbers):
        raise ApiError(400, f"{key}: {shape}, not {value!r}")
    return numbers


def parse_filters(params: dict[str, list[str]]) -> Filters:
    """The filters of a query string (as :func:`urllib.parse.parse_qs` gives it); raises :class:`ApiError`."""
    since, until = _date(params, "since"), _date(params, "until")
    if since and until and since > until:
        raise ApiError(400, "since: after until")
    near = None
    if (text := _one(params, "near")) is not None:
        lat, lon, km = _numbers(text, "near", 3, "LAT,LON,KM")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 < km <= 20_000):
            raise ApiError(400, "near: LAT in -90..90, LON in -180..180, KM in (0, 20000]")
        near = (lat, lon, km)
    bbox = None
    if (text := _one(params, "bbox")) is not None:
        west, south, east, north = _numbers(text, "bbox", 4, "WEST,SOUTH,EAST,NORTH")
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
            raise ApiError(400, "bbox: longitudes in -180..180, latitudes in -90..90, SOUTH <= NORTH")
        bbox = (west, south, east, north)
    return Filters(country=_one(params, "country"), admin1=_one(params, "admin1"), type=_one(params, "type"),
                   actor=_one(params, "actor"), since=since, until=until, near=near, q=_one(params, "q"),
                   bbox=bbox)


def _int(params: dict[str, list[str]], key: str, default: int, low: int, high: int) -> int:
    value = _one(params, key)
    if value is None:
        return default
    if not re.fullmatch(r"\d{1,9}", value) or not low <= int(value) <= high:
        raise ApiError(400, f"{key}: a whole number from {low} to {high}, not {value!r}")
    return int(value)


def _only(params: dict[str, list[str]], allowed: Iterable[str]) -> None:
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ApiError(400, f"unknown parameter {unknown[0]!r}; this path takes {', '.join(sorted(allowed)) or 'none'}")


def _json_default(value: object) -> object:
    return str(value)


class App:
    """The WSGI application: ``App(db)`` is callable as ``app(environ, start_response)``."""

    def __init__(self, db: str | Path, *, actors: ActorTable | None = None,
                 idle_seconds: float = IDLE_SECONDS) -> None:
        self.db = Path(db)
        self._lock = threading.Lock()
        self._store: Store | None = None
        try:
            self._store = Store(db, read_only=True)  # fails now on a missing file or one that is not a store
        except StoreBusyError:
            log.warning("%s: an `eventwire run` is writing to it; the API answers 503 until it has finished", db)
        self._stamp = self._file_stamp()
        self._users = 0
        self._last_used = time.monotonic()
        self._idle_seconds = idle_seconds
        self._stopped = threading.Event()
        threading.Thread(target=self._close_when_idle, name="eventwire-serve-idle", daemon=True).start()
        self._answers: OrderedDict[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], bytes] = OrderedDict()
        self._answer_bytes = 0
        self._actors = actors
        self._outlines: bytes | None = None
        self._names_of = lru_cache(maxsize=256)(self._actor_names)
        self._all_names: list[str] | None = None

    def close(self) -> None:
        self._stopped.set()
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    # --- the store, held only while requests use it ----------------------------------------------

    @property
    def store(self) -> Store:
        """The open store (opened again if the server had let it go)."""
        with self._lock:
            return self._open()

    def _open(self) -> Store:
        """Open the store if it is closed (the caller holds the lock). When the file changed while it was
        closed — a run wrote to it — the cached answers and actor names are dropped."""
        if self._store is None:
            try:
                self._store = Store(self.db, read_only=True, wait=0)
            except StoreBusyError:
                raise ApiError(503, "the store is busy: an `eventwire run` is writing to it; this page works "
                                    "again when the run has finished") from None
            if (stamp := self._file_stamp()) != self._stamp:
                self._stamp = stamp
                self._answers.clear()
                self._answer_bytes = 0
                self._all_names = None
                self._names_of.cache_clear()
        return self._store

    @contextmanager
    def _using(self) -> Iterator[Store]:
        """The store, kept open while the request runs; a 503 while a run is writing to it."""
        with self._lock:
            store = self._open()
            self._users += 1
        try:
            yield store
        finally:
            with self._lock:
                self._users -= 1
                self._last_used = time.monotonic()

    def _close_when_idle(self) -> None:
        """Let go of the file after ``idle_seconds`` without a request, so that an ``eventwire run`` can
        write to it (DuckDB lets no process write while another has the file open)."""
        while not self._stopped.wait(min(0.5, self._idle_seconds)):
            with self._lock:
                if (self._store is not None and not self._users
                        and time.monotonic() - self._last_used >= self._idle_seconds):
                    self._store.close()
                    self._store = None

    def _file_stamp(self) -> tuple[int, int]:
        try:
            status = self.db.stat()
        except OSError:
            return (0, 0)
        return (status.st_mtime_ns, status.st_size)

    # --- WSGI ------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        status, headers, body = self.handle(environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/"),
                                            environ.get("QUERY_STRING", ""))
        start_response(_STATUS.get(status, f"{status} Error"), headers)
        return [body] if environ.get("REQUEST_METHOD") != "HEAD" else [b""]

    def get(self, target: str) -> tuple[int, list[tuple[str, str]], bytes]:
        """Answer ``GET target`` (a path with its query string) in-process, without a server."""
        parts = urlsplit(target)
        return self.handle("GET", parts.path or "/", parts.query)

    def wsgi_get(self, target: str) -> tuple[str, bytes]:
        """Answer ``GET target`` through the WSGI interface itself (what a server would call)."""
        parts = urlsplit(target)
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": parts.path, "QUERY_STRING": parts.query,
                   "wsgi.input": BytesIO(b"")}
        seen: list[str] = []
        body = b"".join(self(environ, lambda status, headers: seen.append(status)))
        return seen[0], body

    def handle(self, method: str, path: str, query: str) -> tuple[int, list[tuple[str, str]], bytes]:
        """The status, headers and body of one request."""
        try:
            if method not in ("GET", "HEAD"):
                raise ApiError(405, "only GET and HEAD")
            try:
                params = parse_qs(query, keep_blank_values=True, max_num_fields=50)
            except ValueError:
                raise ApiError(400, "bad query string: at most 50 parameters") from None
            if path.startswith("/api/"):
                return self._json(200, self._answer(path, params))
            if params and path not in ("/", "/index.html"):
                raise ApiError(400, "static files take no parameters")
            return self._static(path)
        except ApiError as exc:
            return self._json(exc.status, {"error": exc.message, "status": exc.status})
        except Exception:
            log.exception("EW402 request %s %s failed", method, path)
            return self._json(500, {"error": "internal error; the server log has the details", "status": 500})

    def _answer(self, path: str, params: dict[str, list[str]]) -> bytes:
        """The JSON body of an API request, from the cache when the same query was answered before."""
        if path == "/api/outlines":  # the map's outlines come with eventwire, not from the store
            return self._encode(self._api("outlines", params))
        key = (path, tuple(sorted((k, tuple(v)) for k, v in params.items())))
        with self._using():
            with self._lock:
                if (body := self._answers.get(key)) is not None:
                    self._answers.move_to_end(key)
                    return body
            body = self._encode(self._api(path[len("/api/"):], params))
            if len(body) <= CACHE_BYTES // 8:
                with self._lock:
                    if key not in self._answers:
                        self._answers[key] = body
                        self._answer_bytes += len(body)
                    while self._answer_bytes > CACHE_BYTES:
                        self._answer_bytes -= len(self._answers.popitem(last=False)[1])
            return body

    @staticmethod
    def _encode(payload: Any) -> bytes:
        if isinstance(payload, bytes):
            return payload
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_json_default).encode()

    def _json(self, status: int, payload: Any) -> tuple[int, list[tuple[str, str]], bytes]:
        body = self._encode(payload)
        return status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body))),
                        ("Cache-Control", "no-store"), *_SECURITY_HEADERS], body

    def _static(self, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        name = "index.html" if path in ("/", "/index.html") else path.removeprefix("/static/")
        if name == path or not re.fullmatch(r"[a-z]+\.(html|js|css)", name):
            raise ApiError(404, "no such page")  # refuses '..', slashes, encoded separators, anything else
        file = (STATIC / name).resolve()
        if file.parent != STATIC.resolve() or not file.is_file():
            raise ApiError(404, "no such page")
        body = file.read_bytes()
        return 200, [("Content-Type", _STATIC_TYPES[file.suffix]), ("Content-Length", str(len(body))),
                     *_SECURITY_HEADERS], body

    # --- API -------------------------------------------------------------------------------------

    def _api(self, route: str, params: dict[str, list[str]]) -> Any:
        if route == "events":
            _only(params, (*_FILTER_KEYS, "limit", "offset"))
            return self.events(parse_filters(params), limit=_int(params, "limit", 100, 1, _MAX_LIMIT),
                               offset=_int(params, "offset", 0, 0, 10_000_000))
        if route == "points":
            _only(params, _FILTER_KEYS)
            return self.points(parse_filters(params))
        if route == "timeline":
            _only(params, (*_FILTER_KEYS, "bin"))
            step = _one(params, "bin") or "day"
            if step not in ("day", "week"):
                raise ApiError(400, f"bin: day or week, not {step!r}")
            return self.timeline(parse_filters(params), step=step)
        if route == "stats":
            _only(params, ())
            return self.stats()
        if route == "outlines":
            _only(params, ())
            return self.outlines()
        for prefix, handler in (("events/", self.event), ("articles/", self.article)):
            if route.startswith(prefix):
                _only(params, ())
                ident = route[len(prefix):]
                if not _ID.fullmatch(ident):
                    raise ApiError(400, f"not an id: {ident[:40]!r}")
                return handler(ident)
        raise ApiError(404, f"no such API path: /api/{route[:60]}")

    def _cursor(self) -> Any:
        with self._lock:
            assert self._store is not None, "a handler runs inside _using()"
            return self._store.con.cursor()

    def _actor_names(self, actor: str) -> tuple[str, ...]:
        if self._all_names is None:
            assert self._store is not None, "a handler runs inside _using()"
            self._all_names = self._store.actor_names()
        if self._actors is None:
            self._actors = load_actors()
        return tuple(name for name in self._all_names if same_actor(actor, name, self._actors))

    def _where(self, f: Filters) -> tuple[str, dict[str, Any]]:
        with self._lock:
            names = list(self._names_of(f.actor)) if f.actor else None
        where, params = filter_clauses(
            country=f.country, admin1=f.admin1, event_type=f.type, actor=f.actor, actor_names=names,
            since=f.since, until=f.until, plover=False,
            fields={"country": "country", "country_code": "country_code", "admin1": "admin1", "actor1": "actor1",
                    "actor2": "actor2"})
        if f.near is not None:
            where.append("lat IS NOT NULL AND 2 * 6371.0088 * asin(sqrt(power(sin(radians(lat - $nlat) / 2), 2) "
                         "+ cos(radians($nlat)) * cos(radians(lat)) * power(sin(radians(lon - $nlon) / 2), 2))) "
                         "<= $nkm")
            params.update(nlat=f.near[0], nlon=f.near[1], nkm=f.near[2])
        if f.bbox is not None:
            west, south, east, north = f.bbox
            lon_test = "lon BETWEEN $west AND $east" if west <= east else "(lon >= $west OR lon <= $east)"
            where.append(f"lat BETWEEN $south AND $north AND {lon_test}")
            params.update(west=west, south=south, east=east, north=north)
        if f.q:
            where.append("contains(lower(concat_ws(' ', event_type, sub_event_type, actor1, actor2, location, "
                         "country, admin1, date)), lower($q))")
            params["q"] = f.q
        return (" WHERE " + " AND ".join(where)) if where else "", params

    def events(self, f: Filters, *, limit: int = 100, offset: int = 0) -> dict[str, Any]:
        """One page of the happenings that pass ``f``, by date, and how many pass in all."""
        where, params = self._where(f)
        cur = self._cursor()
        total = int(cur.execute(f"SELECT count(*) FROM clusters{where}", params).fetchone()[0])
        columns = ("cluster_id", "event_type", "sub_event_type", "actor1", "actor2", "date", "location", "lat",
                   "lon", "geo_precision", "country", "country_code", "admin1", "fatalities", "articles",
                   "publishers", "earliest_report")
        rows = cur.execute(f"SELECT {', '.join(columns)} FROM clusters{where} ORDER BY date NULLS LAST, "
                           f"cluster_id LIMIT {limit} OFFSET {offset}", params).fetchall()
        return {"total": total, "limit": limit, "offset": offset,
                "events": [dict(zip(columns, row, strict=True)) for row in rows]}

    def points(self, f: Filters) -> dict[str, Any]:
        """Every located happening that passes ``f``, compactly: what the map draws."""
        where, params = self._where(f)
        where += (" AND " if where else " WHERE ") + "lat IS NOT NULL AND lon IS NOT NULL"
        rows = self._cursor().execute(
            "SELECT cluster_id, round(lat, 4), round(lon, 4), coalesce(event_type, ''), articles, "
            f"coalesce(fatalities, 0), date FROM clusters{where} ORDER BY date NULLS LAST, cluster_id",
            params).fetchall()
        types = sorted({row[3] for row in rows})
        index = {t: i for i, t in enumerate(types)}
        return {"fields": ["id", "lat", "lon", "type", "sources", "fatalities", "date"], "types": types,
                "rows": [[r[0], r[1], r[2], index[r[3]], r[4], r[5], r[6]] for r in rows]}

    def timeline(self, f: Filters, *, step: str = "day") -> dict[str, Any]:
        """Happenings per day or week (weeks start on Monday) that pass ``f``; undated ones are left out."""
        where, params = self._where(f)
        where += (" AND " if where else " WHERE ") + "try_cast(substr(date, 1, 10) AS DATE) IS NOT NULL"
        bucket = ("CAST(substr(date, 1, 10) AS DATE)" if step == "day"
                  else "CAST(date_trunc('week', CAST(substr(date, 1, 10) AS DATE)) AS DATE)")
        rows = self._cursor().execute(f"SELECT {bucket} AS d, count(*) FROM clusters{where} GROUP BY d ORDER BY d",
                                      params).fetchall()
        return {"bin": step, "counts": [[row[0].isoformat(), int(row[1])] for row in rows]}

    def stats(self) -> dict[str, Any]:
        """What the store holds: counts, the date range, and the event types and countries with counts."""
        cur = self._cursor()
        row = cur.execute("""SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events),
                                    count(*), count(*) FILTER (WHERE articles > 1),
                                    count(*) FILTER (WHERE lat IS NOT NULL), min(substr(date, 1, 10)),
                                    max(substr(date, 1, 10)) FROM clusters""").fetchone()
        articles, events, clusters, multi, located, first, last = row
        types = cur.execute("""SELECT event_type, sub_event_type, count(*) FROM clusters
                               WHERE event_type IS NOT NULL GROUP BY ALL ORDER BY 1, 2""").fetchall()
        countries = cur.execute("""SELECT country, any_value(country_code), count(*) FROM clusters
                                   WHERE country IS NOT NULL GROUP BY country ORDER BY 3 DESC, 1""").fetchall()
        return {"articles": articles, "events": events, "happenings": clusters, "multi_source": multi,
                "located": located, "first_date": first, "last_date": last,
                "types": [{"event_type": t, "sub_event_type": s, "count": n} for t, s, n in types],
                "countries": [{"country": c, "country_code": code, "count": n} for c, code, n in countries]}

    def event(self, cluster_id: str) -> dict[str, Any]:
        """One happening: its fields, support, disagreements, and its member events with their articles."""
        cur = self._cursor()
        cursor = cur.execute("SELECT * FROM clusters WHERE cluster_id = ?", [cluster_id])
        row = cursor.fetchone()
        if row is None:
            raise ApiError(404, f"no happening {cluster_id!r}")
        cluster = dict(zip([d[0] for d in cursor.description], row, strict=True))
        for key in ("support", "disagreements"):
            cluster[key] = json.loads(cluster[key] or "{}")
        members = cur.execute(
            """SELECT m.article_id, m.event_id, a.title, a.publisher, a.published, a.source_url, a.source_path,
                      e.event_type, e.sub_event_type, e.date, json_extract_string(e.actor1, '$.name'),
                      json_extract_string(e.actor2, '$.name'), json_extract_string(e.location, '$.name'),
                      e.fatalities, json_extract_string(e.trigger, '$.text')
               FROM cluster_members m JOIN articles a ON a.id = m.article_id
               LEFT JOIN events e ON e.article_id = m.article_id AND e.id = m.event_id
               WHERE m.cluster_id = ? ORDER BY a.published NULLS LAST, a.id""", [cluster_id]).fetchall()
        names = ("article_id", "event_id", "title", "publisher", "published", "url", "source_path", "event_type",
                 "sub_event_type", "date", "actor1", "actor2", "location", "fatalities", "trigger")
        cluster["members"] = [dict(zip(names, m, strict=True)) for m in members]
        return cluster

    def article(self, article_id: str) -> dict[str, Any]:
        """One article's text and the evidence spans to highlight (character offsets into ``text``)."""
        with self._lock:
            assert self._store is not None, "a handler runs inside _using()"
            stored = self._store.article(article_id)
        if stored is None:
            raise ApiError(404, f"no article {article_id!r}")
        record = article_to_json(stored)
        spans: list[dict[str, Any]] = []
        for event in record["events"]:
            spans.append({"kind": "trigger", "start": event["trigger"]["start"], "end": event["trigger"]["end"],
                          "event_id": event["id"], "label": f"{event['event_type'] or 'event'} trigger"})
            for s in event["evidence"] or [event["sentence"]]:
                spans.append({"kind": "sentence", "start": s["start"], "end": s["end"], "event_id": event["id"],
                              "label": "evidence sentence"})
        for kind, key, label in (("actor", "actors", "name"), ("place", "places", "name"),
                                 ("time", "times", "value"), ("quote", "quotes", "speaker")):
            for span in record[key]:
                spans.append({"kind": kind, "start": span["start"], "end": span["end"],
                              "label": f"{kind}: {span.get(label) or span['text']}"})
        text_length = len(record["text"])
        spans = [s for s in spans if 0 <= s["start"] < s["end"] <= text_length]
        spans.sort(key=lambda s: (s["start"], -s["end"]))
        keep = ("id", "title", "publisher", "published", "authors", "source", "text", "events")
        return {**{k: record[k] for k in keep}, "spans": spans}

    def outlines(self) -> bytes:
        """Country outlines for the map, from the ``countryinfo`` package's GeoJSON (MIT licence),
        rounded to 0.05° and thinned once per process."""
        with self._lock:
            if self._outlines is None:
                from eventwire.serve.outlines import country_outlines

                self._outlines = json.dumps(country_outlines(), separators=(",", ":")).encode()
            return self._outlines
